/*
** web/server_int.h — what the framework's own files share and nothing else
** includes: the server's state, the log line, and the HTTP layer's and the
** checkpointer's entry points.  Pages use web/server.h and web/page.h.
*/
#ifndef CAIRN_WEB_SERVER_INT_H
#define CAIRN_WEB_SERVER_INT_H
#include "web/server.h"
#include <pthread.h>
#include <stdatomic.h>

typedef struct web_deadlines web_deadlines;

struct web_server {
    const char   *db_url;         /* for store_open on each worker */
    pthread_key_t store_key;      /* the worker's store * */
    atomic_long   in_flight;      /* requests begun and not yet completed */
    atomic_ullong next_id;        /* request ids */
    atomic_int    stopping;       /* 1 once a stop signal came: close after each answer */
    int           behind_proxy;   /* trust X-Forwarded-Proto / -For (web_config) ... */
    char          trusted_proxy[64]; /* ... from this peer only ("" = loopback) */
    int           checkpointing;  /* 1 = the checkpointer thread runs (WAL checkpoints) */
    web_deadlines *deadlines;     /* slow clients are cut off (web/deadline.c); NULL = not */
};

/* 1 if peer (as inet_ntop writes it) is the trusted proxy: trusted, or any
** loopback address when trusted is "" (web/http.c). */
int web_proxy_trusted(const char *trusted, const char *peer);

/* Check the IP address in and write it into out (size bytes) as inet_ntop
** does, so that it compares equal to a peer's; -1 with err if it is none. */
int web_proxy_address_normalise(const char *in, char *out, size_t size, cairn_err *err);

/* ---- the route table (build/gen/pages.c, made by tools/mkpages.c) ---------- */

extern const web_route web_routes[];
extern const size_t    web_routes_count;

/* ---- web/request.c ---------------------------------------------------------- */

/* The destructor of store_key: closes a worker's store when it exits. */
void web_store_key_free(void *p);

/* ---- web/log.c ------------------------------------------------------------ */

/* One line to stderr with the time in front, written with a single call so
** lines from several workers do not interleave. */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy s into out (size bytes) for a log line: stop at '?' or '#', turn
** bytes outside printable ASCII, spaces, quotes and backslashes into '?',
** and cut long values with "...". */
void log_clean(char *out, size_t size, const char *s);

/* ---- web/http.c: libmicrohttpd ---------------------------------------------- */

/* Start the daemon on the listening socket fd with threads workers; an
** opaque handle, or NULL (libmicrohttpd said why on the log). */
void *http_start(struct web_server *srv, int fd, int threads);
/* Stop accepting; the listening socket, to close after http_stop (or -1). */
int   http_quiesce(void *daemon);
/* Stop the daemon: joins the workers (their stores close). */
void  http_stop(void *daemon);

/* ---- web/deadline.c: slow clients ------------------------------------------- */

typedef struct web_conn web_conn;
typedef enum web_conn_phase {
    WEB_CONN_HEADERS,     /* waiting for a request's headers: the deadline */
    WEB_CONN_BODY,        /* receiving its body: the minimum rate after the deadline */
    WEB_CONN_ANSWERING    /* the handler runs or the answer goes out: no limit here */
} web_conn_phase;

/* The deadline for headers in seconds: $CAIRN_WEB_DEADLINE_SECONDS (1 to
** 3600) or WEB_DEADLINE_SECONDS. */
int web_deadline_seconds(void);
/* Start the thread that shuts down the socket of a connection whose
** headers took longer than seconds, or whose body, once it has taken
** longer than that, averaged under WEB_BODY_MIN_RATE bytes a second.
** NULL if it cannot start (then only the idle timeout applies). */
web_deadlines *web_deadlines_start(int seconds);
/* Stop it and free it, with what is still registered (NULL: nothing). */
void web_deadlines_stop(web_deadlines *d);
/* Register the connection on socket fd (headers phase from now); the
** handle is freed by web_conn_close, which must come before the socket is
** closed.  All four take NULL for d or c and then do nothing. */
web_conn *web_conn_open(web_deadlines *d, int fd);
void web_conn_enter(web_deadlines *d, web_conn *c, web_conn_phase phase);
void web_conn_bytes(web_deadlines *d, web_conn *c, size_t n);
void web_conn_close(web_deadlines *d, web_conn *c);

/* ---- web/checkpoint.c ---------------------------------------------------------- */

typedef struct web_checkpointer web_checkpointer;
/* Start the thread that checkpoints the SQLite WAL of db_url; NULL if it
** cannot start (then the workers checkpoint themselves). */
web_checkpointer *web_checkpointer_start(const char *db_url);
/* Stop it after one last checkpoint, and free it (NULL: nothing). */
void web_checkpointer_stop(web_checkpointer *c);

#endif
