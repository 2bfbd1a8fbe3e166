/*
** web/listen.c — where the server listens and how it runs: the address,
** the socket, the number of workers, and web_serve() (start, wait for a
** stop signal, drain, stop).  The HTTP work itself is web/http.c's.
*/
#include "web/server_int.h"
#include "web/mail.h"
#include "support/audit.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Parse "HOST:PORT" (see server.h). */
int web_listen_parse(const char *spec, struct sockaddr_storage *addr,
                     socklen_t *addrlen, cairn_err *err) {
    static const char *hint = "give HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080";
    char host[64];
    const char *port_s;
    if (!spec || !*spec)
        return err_set(err, CAIRN_EINVAL, "no listen address: %s", hint);
    if (spec[0] == '[') {
        const char *close_br = strchr(spec, ']');
        if (!close_br || close_br[1] != ':')
            return err_set(err, CAIRN_EINVAL, "listen address \"%.100s\" is not valid: %s",
                           spec, hint);
        size_t n = (size_t)(close_br - spec - 1);
        if (n == 0 || n >= sizeof host)
            return err_set(err, CAIRN_EINVAL, "listen address \"%.100s\" is not valid: %s",
                           spec, hint);
        memcpy(host, spec + 1, n);
        host[n] = 0;
        port_s = close_br + 2;
    } else {
        const char *colon = strrchr(spec, ':');
        if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof host)
            return err_set(err, CAIRN_EINVAL, "listen address \"%.100s\" is not valid: %s",
                           spec, hint);
        if (memchr(spec, ':', (size_t)(colon - spec)))
            return err_set(err, CAIRN_EINVAL,
                           "listen address \"%.100s\": put an IPv6 address in brackets, "
                           "e.g. [::1]:8080", spec);
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = 0;
        port_s = colon + 1;
    }
    long port = 0;
    size_t digits = strspn(port_s, "0123456789");
    if (digits == 0 || digits > 5 || port_s[digits] != 0 ||
        (port = strtol(port_s, NULL, 10)) < 1 || port > 65535)
        return err_set(err, CAIRN_EINVAL,
                       "listen address \"%.100s\": the port must be a number from 1 to 65535",
                       spec);

    memset(addr, 0, sizeof *addr);
    if (strcmp(host, "localhost") == 0) strcpy(host, "127.0.0.1");
    struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
    if (spec[0] != '[' && inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *addrlen = sizeof *a4;
        return 0;
    }
    if (spec[0] == '[' && inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *addrlen = sizeof *a6;
        return 0;
    }
    return err_set(err, CAIRN_EINVAL,
                   "listen address \"%.100s\": \"%s\" is not an IP address (%s; host names "
                   "other than localhost are not looked up)", spec, host, hint);
}

/* Create, bind and listen on a socket for addr; -1 with err set. */
static int listen_socket(const char *spec, const struct sockaddr_storage *addr,
                         socklen_t addrlen, cairn_err *err) {
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (errno == EAFNOSUPPORT && addr->ss_family == AF_INET6)
            return err_set(err, CAIRN_EIO, "cannot listen on %s: IPv6 is not available here",
                           spec);
        return err_set(err, CAIRN_EIO, "cannot listen on %s: %s", spec, strerror(errno));
    }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (addr->ss_family == AF_INET6)
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)addr, addrlen) != 0) {
        int e = errno;
        close(fd);
        if (e == EADDRINUSE)
            return err_set(err, CAIRN_EIO, "cannot listen on %s: the address is already in use "
                           "(is another cairn serve running?)", spec);
        if (e == EACCES)
            return err_set(err, CAIRN_EIO, "cannot listen on %s: permission denied (ports below "
                           "1024 need privileges; try a port such as 8080)", spec);
        if (e == EADDRNOTAVAIL)
            return err_set(err, CAIRN_EIO, "cannot listen on %s: this machine has no such "
                           "address", spec);
        return err_set(err, CAIRN_EIO, "cannot listen on %s: %s", spec, strerror(e));
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 || listen(fd, 128) != 0) {
        int e = errno;
        close(fd);
        return err_set(err, CAIRN_EIO, "cannot listen on %s: %s", spec, strerror(e));
    }
    return fd;
}

/* ---- running --------------------------------------------------------------------- */

/* The number of worker threads for cfg: as configured, else one per
** online CPU, between 1 and 64. */
static int worker_count(const web_config *cfg) {
    if (cfg->threads > 0) return cfg->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > 64) n = 64;
    return (int)n;
}

/* Seconds on the monotonic clock. */
static double mono_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Check that the database can be opened and answers, so a wrong URL is
** reported at start rather than on the first request; then group the
** audit events of its stores (support/audit_group.c). */
static int check_database(const char *url, cairn_err *err) {
    store *st;
    int64_t one = 0;
    if (store_open(url, &st, err) != 0) {
        err_prefix(err, "cannot open the database");
        return -1;
    }
    int rc = store_query_int64(st, "SELECT 1", -1, &one, err);
    if (rc == 0) {
        support_audit_group_serve(store_url(st));   /* the workers' audit events */
        cairn_err quiet = {0};                      /* and their pages' views */
        if (support_audit_writer_start(store_url(st), &quiet) != 0)
            log_line("cairn serve: %s; pages wait for their own view events", quiet.msg);
    }
    store_close(st);
    if (rc != 0) {
        err_prefix(err, "the database does not answer");
        return -1;
    }
    return 0;
}

/* Serve until SIGINT/SIGTERM (see server.h). */
int web_serve(const web_config *cfg, cairn_err *err) {
    const char *spec = cfg->listen ? cfg->listen : WEB_DEFAULT_LISTEN;
    struct sockaddr_storage addr;
    socklen_t addrlen = 0;
    if (web_listen_parse(spec, &addr, &addrlen, err) != 0) return -1;
    if (cfg->threads > 256)
        return err_set(err, CAIRN_EINVAL, "%d threads is too many; use at most 256", cfg->threads);
    int threads = worker_count(cfg);

    static struct web_server srv;       /* one server per process at a time */
    memset(&srv, 0, sizeof srv);
    srv.db_url = cfg->db_url ? cfg->db_url : STORE_DEFAULT_URL;
    atomic_init(&srv.in_flight, 0);
    atomic_init(&srv.next_id, 0);
    atomic_init(&srv.stopping, 0);
    srv.behind_proxy = cfg->behind_proxy || cfg->trusted_proxy;
    if (cfg->trusted_proxy && web_proxy_address_normalise(cfg->trusted_proxy, srv.trusted_proxy,
                                                          sizeof srv.trusted_proxy, err) < 0)
        return -1;
    if (check_database(srv.db_url, err) != 0) return -1;

    int fd = listen_socket(spec, &addr, addrlen, err);
    if (fd < 0) {
        support_audit_writer_stop();
        support_audit_group_serve(NULL);
        return -1;
    }
    if (pthread_key_create(&srv.store_key, web_store_key_free) != 0) {
        close(fd);
        support_audit_writer_stop();
        support_audit_group_serve(NULL);
        return err_set(err, CAIRN_EINTERNAL, "cannot create thread-local storage");
    }

    /* Block the stop signals before any worker exists, so every thread
    ** inherits the mask and only sigwait() below sees them. */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &old);

    /* the checkpointer first: the workers leave checkpoints to it only when
    ** it runs (srv.checkpointing) */
    web_checkpointer *ckpt = web_checkpointer_start(srv.db_url);
    srv.checkpointing = ckpt != NULL;
    if (!srv.checkpointing)
        log_line("cairn serve: cannot start the checkpointer; requests will checkpoint");

    web_mail_config mail = {cfg->smtp_url, cfg->mail_from, cfg->smtp_starttls};
    web_mail_worker *mailer = web_mail_worker_start(srv.db_url, &mail);   /* NULL: mail off */

    srv.deadlines = web_deadlines_start(web_deadline_seconds());
    if (!srv.deadlines)
        log_line("cairn serve: cannot start the deadline thread; only the idle timeout applies");

    void *d = http_start(&srv, fd, threads);
    if (!d) {
        /* libmicrohttpd may already have closed fd; leaking it once on a
        ** failed start is safer than closing a number that was reused. */
        web_deadlines_stop(srv.deadlines);
        web_mail_worker_stop(mailer);
        web_checkpointer_stop(ckpt);
        support_audit_writer_stop();
        support_audit_group_serve(NULL);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        pthread_key_delete(srv.store_key);
        return err_set(err, CAIRN_EINTERNAL, "cannot start the web server on %s "
                       "(libmicrohttpd refused; see the message above)", spec);
    }
    log_line("cairn serve: listening on http://%s/ with %d worker thread%s", spec, threads,
             threads == 1 ? "" : "s");

    int sig = 0;
    while (sigwait(&stop, &sig) != 0) { /* only EINVAL, cannot happen */ }
    log_line("cairn serve: %s received; finishing requests in flight",
             sig == SIGINT ? "SIGINT" : "SIGTERM");

    /* Stop accepting, then give requests in flight time to finish: wait
    ** until none has been in flight for 100 ms (a connection accepted just
    ** before may not have sent its request line yet).  A second signal
    ** stops waiting. */
    atomic_store(&srv.stopping, 1);
    int lfd = http_quiesce(d);
    double deadline = mono_now() + WEB_DRAIN_SECONDS, quiet_since = 0;
    while (mono_now() < deadline) {
        if (atomic_load(&srv.in_flight) > 0) quiet_since = 0;
        else if (quiet_since == 0) quiet_since = mono_now();
        else if (mono_now() - quiet_since >= 0.1) break;
        struct timespec tick = {0, 10 * 1000 * 1000};
        if (sigtimedwait(&stop, NULL, &tick) > 0) break;
    }
    long left = atomic_load(&srv.in_flight);
    /* the writer first: it writes what is queued and wakes every held
    ** page, so no connection is left suspended when libmicrohttpd stops
    ** (stopping with one suspended is an API violation) */
    support_audit_writer_stop();
    http_stop(d);                /* joins the workers; their stores close */
    support_audit_group_serve(NULL);
    web_deadlines_stop(srv.deadlines);
    web_mail_worker_stop(mailer);
    web_checkpointer_stop(ckpt);
    if (lfd >= 0) close(lfd);
    pthread_key_delete(srv.store_key);

    /* Swallow stop signals that arrived meanwhile before unblocking. */
    struct timespec zero = {0, 0};
    while (sigtimedwait(&stop, NULL, &zero) > 0) {}
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (left > 0) log_line("cairn serve: stopped with %ld request%s cut short", left,
                           left == 1 ? "" : "s");
    else log_line("cairn serve: stopped");
    return 0;
}
