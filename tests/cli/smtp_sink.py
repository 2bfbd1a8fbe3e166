#!/usr/bin/env python3
# tests/cli/smtp_sink.py — a real local SMTP server for tests/cli/test_mail.sh:
# aiosmtpd (Debian's python3-aiosmtpd) on 127.0.0.1:PORT, writing each
# message it accepts to DIR as N.eml (the DATA as received) and N.rcpt (the
# envelope: MAIL FROM and RCPT TO lines), numbered on from what DIR holds, then "ready" on stdout once it
# listens.  Runs until SIGTERM or SIGINT.
#
#   python3 tests/cli/smtp_sink.py PORT DIR
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    """Writes every message to the folder, numbered in arrival order."""

    def __init__(self, folder):
        self.folder = folder
        self.count = len([f for f in os.listdir(folder) if f.endswith(".eml")])
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.folder, str(n))
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".rcpt", "w") as f:
            f.write("from %s\n" % envelope.mail_from)
            for r in envelope.rcpt_tos:
                f.write("to %s\n" % r)
        os.rename(base + ".tmp", base + ".eml")
        return "250 Message accepted for delivery"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
