#!/usr/bin/env python3
"""scripts/lint/include_order.py — a room includes only rooms to its left.

    python3 scripts/lint/include_order.py [SRC_DIR]     (default: src)

Reads every #include "..." of every .c and .h file under SRC_DIR at any
depth (comments skipped: the C tokenizer of ctok.py) and prints
"FILE:LINE: what" for each include of a room to the right of the file's
own room in the order of DESIGN.md; exit status 1 if any.

  - A file's room is its first folder under SRC_DIR: src/web/support/x.c is
    in web.  SRC_DIR/main.c is in cli; any other file directly in SRC_DIR
    is in no room and is reported.
  - An include's room is its first path component ("risk/model.h"); a
    generated header ("gen/...", "build/gen/...", or a name found in
    build/gen/) belongs to web, which generates them; a name without a room
    ("local.h") is resolved beside the including file.  An include that is
    none of these is reported, since its room cannot be known.
  - <...> includes are system headers.  tests/, fuzz/ and bench/ are not
    under src/ and so are exempt.
"""
import os
import re
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ctok import tokenize   # noqa: E402

# DESIGN.md: base -> store -> school -> risk -> support -> referral -> voice -> plan -> web -> cli
ROOMS = ["base", "store", "school", "risk", "support", "referral", "voice", "plan", "web", "cli"]
INCLUDE = re.compile(r'#\s*include\s*"([^"]+)"')


def room_of_file(src, path):
    """The room of a file under src, or None."""
    rel = os.path.relpath(path, src).replace(os.sep, "/")
    parts = rel.split("/")
    if len(parts) == 1:
        return "cli" if rel == "main.c" else None
    return parts[0] if parts[0] in ROOMS else None


def room_of_include(src, gen, path, name):
    """The room a quoted include of the file at path names, or None."""
    first = name.split("/")[0]
    if first in ROOMS:
        return first
    if name.startswith(("gen/", "build/gen/")) or os.path.exists(os.path.join(gen, name)):
        return "web"
    beside = os.path.normpath(os.path.join(os.path.dirname(path), name))
    if os.path.exists(beside) and not os.path.relpath(beside, src).startswith(".."):
        return room_of_file(src, beside)
    return None


def check(src, gen):
    """[(file, line, message)] for every include out of order under src."""
    found = []
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(root, f)
            room = room_of_file(src, path)
            if room is None:
                found.append((path, 1, "this file is in no room of DESIGN.md (%s); move it "
                              "into src/<room>/" % ", ".join(ROOMS)))
                continue
            with open(path, encoding="utf-8", errors="replace") as fh:
                toks, _comments = tokenize(fh.read())
            for tk in toks:
                m = INCLUDE.match(tk.text) if tk.kind == "pp" else None
                if not m:
                    continue
                target = room_of_include(src, gen, path, m.group(1))
                left = ROOMS[:ROOMS.index(room)]
                if target is None:
                    found.append((path, tk.line, '#include "%s": cannot tell its room; include '
                                  'headers as "room/file.h"' % m.group(1)))
                elif ROOMS.index(target) > ROOMS.index(room):
                    found.append((path, tk.line, '#include "%s": %s may include only %s; %s is to '
                                  'its right' % (m.group(1), room,
                                                 ", ".join(left + [room]) if left else "itself",
                                                 target)))
    return found


def main(argv):
    """Check SRC (argv[0], default src); print the findings; 1 if any."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    src = argv[0] if argv else os.path.join(root, "src")
    gen = os.path.join(os.path.dirname(os.path.abspath(src)), "build", "gen")
    found = check(src, gen)
    for path, line, what in found:
        print("%s:%d: %s" % (os.path.relpath(path), line, what))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
