/*
** web/deadline.c — slow clients are cut off (see server_int.h).
**
** libmicrohttpd 0.9.75 has only an idle timeout, reset by every byte, so a
** client sending one byte every few seconds kept its connection (and a
** slot of WEB_CONNECTION_LIMIT) for ever.  Here every connection is
** registered while it is open, with the phase of its current request:
**
**   headers    from the connection's start, or the end of its previous
**              request, until the headers are in: at most the deadline
**              (WEB_DEADLINE_SECONDS, or $CAIRN_WEB_DEADLINE_SECONDS);
**   body       from the headers until the body is in: once it has taken
**              longer than the deadline, it must have averaged at least
**              WEB_BODY_MIN_RATE bytes a second;
**   answering  the handler runs or the answer is being sent: no deadline
**              here (the idle timeout still applies).
**
** One thread looks at every connection five times a second and shuts down
** (shutdown(2), not close) the socket of one that is late; libmicrohttpd
** then sees the connection end and cleans up as for a client that went
** away.  Unregistering takes the same lock as the look, and libmicrohttpd
** unregisters (MHD_CONNECTION_NOTIFY_CLOSED) before it closes the socket,
** so the thread never touches a socket number that was closed and reused.
*/
#include "web/server_int.h"
#include "base/mem.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

struct web_conn {
    struct web_conn *prev, *next;
    int              fd;
    web_conn_phase   phase;
    double           since;      /* CLOCK_MONOTONIC seconds: the phase's start */
    size_t           bytes;      /* body bytes received in the body phase */
    int              cut;        /* 1 once shut down */
};

struct web_deadlines {
    pthread_mutex_t mu;
    pthread_cond_t  wake;        /* signalled to stop */
    pthread_t       thread;
    int             stopping;
    double          seconds;     /* the deadline */
    web_conn       *head;        /* the open connections */
};

/* Seconds on the monotonic clock. */
static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The deadline in seconds: $CAIRN_WEB_DEADLINE_SECONDS when it is a whole
** number from 1 to 3600, else WEB_DEADLINE_SECONDS. */
int web_deadline_seconds(void) {
    const char *v = getenv("CAIRN_WEB_DEADLINE_SECONDS");
    if (v && *v && strlen(v) <= 4 && strspn(v, "0123456789") == strlen(v)) {
        int n = atoi(v);
        if (n >= 1 && n <= 3600) return n;
    }
    return WEB_DEADLINE_SECONDS;
}

/* What is late about c at now, or NULL.  Call with the lock held. */
static const char *conn_late(const web_deadlines *d, const web_conn *c, double now) {
    double took = now - c->since;
    if (c->cut || took <= d->seconds) return NULL;
    if (c->phase == WEB_CONN_HEADERS) return "its headers were not in";
    if (c->phase == WEB_CONN_BODY && (double)c->bytes < WEB_BODY_MIN_RATE * took)
        return "its body came slower than the minimum rate";
    return NULL;
}

/* The thread: five times a second, shut down every late connection. */
static void *deadlines_main(void *arg) {
    web_deadlines *d = arg;
    pthread_mutex_lock(&d->mu);
    while (!d->stopping) {
        double now = now_seconds();
        for (web_conn *c = d->head; c; c = c->next) {
            const char *why = conn_late(d, c, now);
            if (!why) continue;
            c->cut = 1;
            shutdown(c->fd, SHUT_RDWR);   /* the socket is still open: see above */
            log_line("cut off a slow client: %s after %.0f s", why, now - c->since);
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&d->wake, &d->mu, &until);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

/* Start the thread (see server_int.h); NULL if it cannot start. */
web_deadlines *web_deadlines_start(int seconds) {
    assert(seconds > 0);
    web_deadlines *d = xcalloc(1, sizeof *d);
    d->seconds = seconds;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->wake, NULL);
    if (pthread_create(&d->thread, NULL, deadlines_main, d) != 0) {
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->mu);
        free(d);
        return NULL;
    }
    return d;
}

/* Stop the thread and free d (NULL: nothing).  Connections still
** registered are freed too: call after the server has stopped. */
void web_deadlines_stop(web_deadlines *d) {
    if (!d) return;
    pthread_mutex_lock(&d->mu);
    d->stopping = 1;
    pthread_cond_signal(&d->wake);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    for (web_conn *c = d->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

/* Register a new connection on socket fd, in its headers phase; the
** caller keeps the handle until web_conn_close.  NULL when d is NULL. */
web_conn *web_conn_open(web_deadlines *d, int fd) {
    if (!d || fd < 0) return NULL;
    web_conn *c = xcalloc(1, sizeof *c);
    c->fd = fd;
    c->phase = WEB_CONN_HEADERS;
    c->since = now_seconds();
    pthread_mutex_lock(&d->mu);
    c->next = d->head;
    if (d->head) d->head->prev = c;
    d->head = c;
    pthread_mutex_unlock(&d->mu);
    return c;
}

/* c enters phase now (see server_int.h).  c NULL: nothing. */
void web_conn_enter(web_deadlines *d, web_conn *c, web_conn_phase phase) {
    if (!d || !c) return;
    pthread_mutex_lock(&d->mu);
    c->phase = phase;
    c->since = now_seconds();
    c->bytes = 0;
    pthread_mutex_unlock(&d->mu);
}

/* n more body bytes came for c. */
void web_conn_bytes(web_deadlines *d, web_conn *c, size_t n) {
    if (!d || !c) return;
    pthread_mutex_lock(&d->mu);
    c->bytes += n;
    pthread_mutex_unlock(&d->mu);
}

/* Unregister c and free it (before its socket is closed). */
void web_conn_close(web_deadlines *d, web_conn *c) {
    if (!d || !c) return;
    pthread_mutex_lock(&d->mu);
    if (c->prev) c->prev->next = c->next;
    else d->head = c->next;
    if (c->next) c->next->prev = c->prev;
    pthread_mutex_unlock(&d->mu);
    free(c);
}
