/*
** web/http.c — the HTTP layer over libmicrohttpd: the only file that
** includes it.
**
** Threads: libmicrohttpd runs WEB threads, each polling its own share of the
** connections and calling the handlers itself, so a request is handled
** start to finish on one worker.
**
** Request life: the URI callback makes the request state (its arena, the
** start time, the id); the access handler routes on its first call (404,
** 405 and 413 at once), collects a body up to the route's BODY limit, and
** answers on its last call through web_dispatch(); the completion callback
** writes the access log line and frees the arena.
*/
#include "web/server_int.h"
#include "base/arena.h"
#include "support/audit.h"
#include "web/i18n.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A request header, or NULL (owned by libmicrohttpd, or by whoever made
** a request outside the server: req->headers). */
const char *web_request_header(web_request *req, const char *name) {
    if (!req->conn) {   /* a request made by a test or a fuzz target */
        for (const char *const *h = req->headers; h && h[0] && h[1]; h += 2)
            if (strcasecmp(h[0], name) == 0) return h[1];
        return NULL;
    }
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* A decoded query parameter, or NULL (owned by libmicrohttpd). */
const char *web_request_query(web_request *req, const char *key) {
    if (!req->conn) return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* A cookie's value, or NULL (owned by libmicrohttpd). */
const char *web_request_cookie(web_request *req, const char *name) {
    if (!req->conn) return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

/* libmicrohttpd's own error messages, with our timestamp in front.  Its
** format strings are its own constants. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void mhd_log(void *cls, const char *fm, va_list ap) {
    (void)cls;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fm, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = 0;
    log_line("libmicrohttpd: %s", msg);
}
#pragma GCC diagnostic pop

/* ---- slow clients (web/deadline.c) ------------------------------------------------ */

/* Connection callback: register a connection with the deadline thread when
** it opens, unregister it when it closes (before libmicrohttpd closes the
** socket). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
    struct web_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? web_conn_open(srv->deadlines, (int)ci->connect_fd) : NULL;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        web_conn_close(srv->deadlines, *socket_context);
        *socket_context = NULL;
    }
}

/* The deadline handle of conn, or NULL. */
static web_conn *conn_deadline(struct MHD_Connection *conn) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* ---- requests ---------------------------------------------------------------------- */

enum { CTX_NEW = 0, CTX_BODY = 1, CTX_ANSWERED = 2, CTX_LOGGING = 3 };

typedef struct http_req {
    web_request     req;
    struct web_server *server;
    struct timespec t0;         /* CLOCK_MONOTONIC at the request line */
    char            log_path[160];
    char            log_method[16];
    int             state;
    int             status;     /* what we queued; 0 = nothing (yet) */
    int             too_large;  /* body exceeded body_max */
    int             target_ok;  /* the raw target's path has no control byte */
    size_t          body_max;   /* the route's BODY limit */
    buf             body;
    /* CTX_LOGGING: the answer waits, the connection suspended, until the
    ** audit writer has committed the page's view events (answer()) */
    web_response    held;
    support_audit_deferred *deferred;
    _Atomic int     logged_rc;   /* the writer's verdict: 0 written, -1 not */
} http_req;

/* A new request context in its own arena (the arena owns the context; the
** completion callback frees both).  uri is the raw request target. */
static http_req *ctx_new(struct web_server *srv, const char *uri) {
    arena *a = arena_new(16 * 1024);
    http_req *ctx = arena_zalloc(a, sizeof *ctx);
    ctx->req.arena = a;
    ctx->req.id = atomic_fetch_add(&srv->next_id, 1) + 1;
    ctx->req.server = srv;
    ctx->req.body = "";
    ctx->server = srv;
    buf_init(&ctx->body);
    clock_gettime(CLOCK_MONOTONIC, &ctx->t0);
    log_clean(ctx->log_path, sizeof ctx->log_path, uri);
    ctx->target_ok = web_target_path_ok(uri);   /* before decoding cuts at a %00 */
    strcpy(ctx->log_method, "-");
    atomic_fetch_add(&srv->in_flight, 1);
    return ctx;
}

/* URI callback: libmicrohttpd has read a request line; start the context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn) {
    (void)conn;
    return ctx_new(cls, uri);
}

/* Add a header; a failure (out of memory in libmicrohttpd) is not fatal. */
static void add_header(struct MHD_Response *r, const char *name, const char *value) {
    (void)MHD_add_response_header(r, name, value);
}

/* Turn res into a libmicrohttpd response with the security headers and
** queue it.  res->body's memory passes to libmicrohttpd. */
static enum MHD_Result send_response(http_req *ctx, struct MHD_Connection *conn, web_response *res) {
    struct MHD_Response *r;
    if (res->static_body) {
        r = MHD_create_response_from_buffer(res->static_len,
                                            (void *)(uintptr_t)res->static_body,
                                            MHD_RESPMEM_PERSISTENT);
    } else if (res->body.len == 0) {
        r = MHD_create_response_from_buffer(0, (void *)(uintptr_t)"", MHD_RESPMEM_PERSISTENT);
    } else {
        size_t len = res->body.len;
        r = MHD_create_response_from_buffer(len, buf_detach(&res->body), MHD_RESPMEM_MUST_FREE);
    }
    if (!r) return MHD_NO;
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)ctx->req.id);
    add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
               res->content_type ? res->content_type : "text/html; charset=utf-8");
    char csp[320];
    snprintf(csp, sizeof csp,
             "default-src 'self'; script-src 'self' 'nonce-%s'; style-src 'self' 'nonce-%s'; "
             "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
             "frame-ancestors 'none'", web_response_nonce(res), web_response_nonce(res));
    add_header(r, "Content-Security-Policy", csp);
    add_header(r, "X-Content-Type-Options", "nosniff");
    add_header(r, "Referrer-Policy", "no-referrer");
    add_header(r, "X-Frame-Options", "DENY");
    add_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    add_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
               res->cache == WEB_CACHE_ASSET ? "public, max-age=3600" : "no-store");
    add_header(r, "X-Request-Id", id);
    if (res->allow[0]) add_header(r, MHD_HTTP_HEADER_ALLOW, res->allow);
    if (res->retry_after > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%d", res->retry_after);
        add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    }
    if (res->location) add_header(r, MHD_HTTP_HEADER_LOCATION, res->location);
    for (int i = 0; i < res->ncookies; i++) add_header(r, MHD_HTTP_HEADER_SET_COOKIE, res->cookies[i]);
    if (atomic_load(&ctx->server->stopping))
        add_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    /* answered, perhaps before the body came (404, 413): no body deadline now */
    web_conn_enter(ctx->server->deadlines, conn_deadline(conn), WEB_CONN_ANSWERING);
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    if (rc == MHD_YES) ctx->status = res->status;
    ctx->state = CTX_ANSWERED;
    return rc;
}

/* 1 if peer (an address as inet_ntop writes it) is the trusted proxy:
** trusted, or a loopback address when trusted is "". */
int web_proxy_trusted(const char *trusted, const char *peer) {
    if (trusted[0]) return strcmp(trusted, peer) == 0;
    return strncmp(peer, "127.", 4) == 0 || strcmp(peer, "::1") == 0 ||
           strncmp(peer, "::ffff:127.", 11) == 0;
}

/* Check an IP address and write it as inet_ntop does into out. */
int web_proxy_address_normalise(const char *in, char *out, size_t size, cairn_err *err) {
    unsigned char bin[sizeof(struct in6_addr)];
    int family = strchr(in, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(family, in, bin) != 1 || !inet_ntop(family, bin, out, (socklen_t)size))
        return err_set(err, CAIRN_EINVAL, "--trusted-proxy \"%.64s\" is not an IP address", in);
    return 0;
}

/* Fill the request's client address and TLS flag: from the socket, or
** when the socket's peer is the trusted proxy from X-Forwarded-For (its
** last entry: the address the proxy saw) and X-Forwarded-Proto. */
static void request_client(http_req *ctx, struct MHD_Connection *conn) {
    char addr[INET6_ADDRSTRLEN + 1] = "";
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
                      sizeof addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr,
                      sizeof addr);
    }
    ctx->req.secure = 0;
    if (ctx->server->behind_proxy && web_proxy_trusted(ctx->server->trusted_proxy, addr)) {
        const char *proto = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
        ctx->req.secure = proto && strcasecmp(proto, "https") == 0;
        const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
        if (xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ' || *last == '\t') last++;
            size_t n = strcspn(last, " \t");
            if (n > 0 && n < sizeof addr && strspn(last, "0123456789abcdefABCDEF.:") >= n) {
                memcpy(addr, last, n);
                addr[n] = 0;
            }
        }
    }
    ctx->req.client_addr = arena_strdup(ctx->req.arena, addr);
}

/* The audit writer's callback (its thread): the page's view events are
** written (rc 0) or not (-1); wake the connection, whose next call of
** on_request sends the page (or an error). */
static void logged(void *arg, int rc) {
    http_req *ctx = arg;
    atomic_store(&ctx->logged_rc, rc);
    MHD_resume_connection(ctx->req.conn);
}

/* Run the router for ctx's request and send what it produced.  A GET's
** view events are not waited for here: the page is held, the connection
** suspended, and the events handed to the audit writer
** (support/audit_defer.c); logged() wakes the connection once they are in
** the log, and on_request then sends the page (answer_held). */
static enum MHD_Result answer(http_req *ctx, struct MHD_Connection *conn) {
    web_response res;
    web_response_init(&res);
    support_audit_deferred *d = NULL;
    int safe = !strcmp(ctx->req.method, "GET") || !strcmp(ctx->req.method, "HEAD");
    if (safe && !atomic_load(&ctx->server->stopping)) d = support_audit_defer_begin();
    web_dispatch(&ctx->req, &res);
    if (d) support_audit_defer_end(d);
    if (res.status >= 500 && ctx->req.st)
        web_request_store_discard(&ctx->req);   /* start afresh after a failure */
    if (support_audit_defer_count(d) > 0) {
        ctx->held = res;
        ctx->deferred = d;
        ctx->state = CTX_LOGGING;           /* on_request already set the deadline */
        MHD_suspend_connection(conn);        /* before the writer can resume it */
        support_audit_defer_submit(d, logged, ctx);
        return MHD_YES;
    }
    support_audit_defer_free(d);
    enum MHD_Result rc = send_response(ctx, conn, &res);
    web_response_free(&res);
    return rc;
}

/* Send an error page without running a handler (title and message are
** msgids, shown in the request's language). */
static enum MHD_Result answer_error(http_req *ctx, struct MHD_Connection *conn, int status,
                                    const char *title, const char *message) {
    web_response res;
    web_response_init(&res);
    i18n_current_set(&ctx->req);
    web_error_page(&res, status, title, message);
    i18n_current_set(NULL);
    enum MHD_Result rc = send_response(ctx, conn, &res);
    web_response_free(&res);
    return rc;
}

/* Send the page held for its view events (CTX_LOGGING): as written when
** they are in the log, else a 500 (a page is never shown whose view is not
** logged). */
static enum MHD_Result answer_held(http_req *ctx, struct MHD_Connection *conn) {
    enum MHD_Result rc;
    if (atomic_load(&ctx->logged_rc) == 0) {
        rc = send_response(ctx, conn, &ctx->held);
    } else {
        log_line("req=%llu the audit log could not record this page's views; not shown: %s",
                 (unsigned long long)ctx->req.id, support_audit_defer_why(ctx->deferred));
        if (web_path_is_api(ctx->req.path)) {
            web_response res;
            web_response_init(&res);
            web_error_json(&res, 500, "internal", "The audit log could not be written.");
            rc = send_response(ctx, conn, &res);
            web_response_free(&res);
        } else {
            rc = answer_error(ctx, conn, 500, N_("Something went wrong"),
                              N_("This page could not be shown. The server log has the "
                                 "details."));
        }
    }
    support_audit_defer_free(ctx->deferred);
    ctx->deferred = NULL;
    web_response_free(&ctx->held);
    return rc;
}

/* Send a 400 for a request that is not well-formed HTTP, before any
** route runs: a JSON error for /api/ paths, else a page; why goes to the
** log.  title and message are msgids; the JSON message is the English
** message. */
static enum MHD_Result answer_malformed(http_req *ctx, struct MHD_Connection *conn,
                                        const char *url, const char *why,
                                        const char *title, const char *message) {
    log_line("req=%llu refused a malformed request: %s", (unsigned long long)ctx->req.id, why);
    if (!web_path_is_api(url)) return answer_error(ctx, conn, 400, title, message);
    web_response res;
    web_response_init(&res);
    web_error_json(&res, 400, "bad_request", message);
    enum MHD_Result rc = send_response(ctx, conn, &res);
    web_response_free(&res);
    return rc;
}

/* What the Content-Length headers of a request say, counted by
** framing_scan over every header. */
typedef struct framing {
    int         lengths;        /* Content-Length headers */
    int         differ;         /* 1 = two of them disagree */
    int         chunked;        /* a Transfer-Encoding header came too */
    const char *first;          /* the first Content-Length value */
} framing;

/* MHD_KeyValueIterator over the headers: count Content-Length and
** Transfer-Encoding into the framing at cls. */
static enum MHD_Result framing_scan(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
    (void)kind;
    framing *f = cls;
    if (!key) return MHD_YES;
    if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) f->chunked = 1;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0) return MHD_YES;
    if (f->lengths++ == 0) f->first = value ? value : "";
    else if (strcmp(f->first, value ? value : "") != 0) f->differ = 1;
    return MHD_YES;
}

/* NULL if the request's head is well-formed, else why not (for the log):
** a control byte in the path (raw or %-encoded, so a %00 cannot cut the
** path short), two Content-Length headers that disagree, or a
** Content-Length beside a Transfer-Encoding (RFC 9112, 6.3: both at once
** is how requests are smuggled past a proxy). */
static const char *request_malformed(http_req *ctx, struct MHD_Connection *conn) {
    if (!ctx->target_ok) return "a control byte in the path";
    framing f = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, framing_scan, &f);
    if (f.differ) return "two different Content-Length headers";
    if (f.lengths && f.chunked) return "Content-Length and Transfer-Encoding together";
    return NULL;
}

/* libmicrohttpd's access handler: called once when the headers are in, once
** per piece of body, and once more when the request is complete. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
    (void)version;
    http_req *ctx = *con_cls;
    if (!ctx) *con_cls = ctx = ctx_new(cls, url);   /* no URI callback: cannot happen */
    if (ctx->state == CTX_ANSWERED) return MHD_YES;
    if (ctx->state == CTX_LOGGING) return answer_held(ctx, conn);   /* resumed by logged() */

    struct web_server *srv = cls;
    if (ctx->state == CTX_NEW) {
        ctx->state = CTX_BODY;
        web_conn_enter(srv->deadlines, conn_deadline(conn), WEB_CONN_BODY);
        log_clean(ctx->log_method, sizeof ctx->log_method, method);
        ctx->req.method = arena_strdup(ctx->req.arena, method);
        ctx->req.path = arena_strdup(ctx->req.arena, url);
        ctx->req.conn = conn;
        request_client(ctx, conn);
        const char *bad = request_malformed(ctx, conn);
        if (bad)
            return answer_malformed(ctx, conn, url, bad, N_("Bad request"),
                                    N_("The request was not well-formed HTTP and was refused."));
        char allow[64];
        const web_route *route = web_route_find(method, url, allow, sizeof allow);
        if (!route)
            return answer(ctx, conn);                 /* 404 or 405 at once */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        ctx->body_max = route->body_max;
        if (cl && strtoull(cl, NULL, 10) > ctx->body_max)
            return answer_error(ctx, conn, 413, N_("Request too large"),
                                N_("What was sent is larger than this server accepts."));
        return MHD_YES;
    }

    if (*upload_data_size) {
        web_conn_bytes(srv->deadlines, conn_deadline(conn), *upload_data_size);
        if (!ctx->too_large) {
            if (ctx->body.len + *upload_data_size > ctx->body_max) {
                ctx->too_large = 1;
                buf_free(&ctx->body);
            } else {
                buf_append(&ctx->body, upload_data, *upload_data_size); /* not HTML: the request */
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }

    web_conn_enter(srv->deadlines, conn_deadline(conn), WEB_CONN_ANSWERING);
    if (ctx->too_large)
        return answer_error(ctx, conn, 413, N_("Request too large"),
                            N_("What was sent is larger than this server accepts."));
    if (ctx->body.len) {
        ctx->req.body = ctx->body.data;
        ctx->req.body_len = ctx->body.len;
    }
    return answer(ctx, conn);
}

/* Completion callback: write the access line and free the request. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    struct web_server *srv = cls;
    http_req *ctx = *con_cls;
    if (!ctx) return;
    *con_cls = NULL;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - ctx->t0.tv_sec) * 1e3 +
                (double)(t1.tv_nsec - ctx->t0.tv_nsec) / 1e6;
    unsigned status = (unsigned)ctx->status;
    if (!status) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_HTTP_STATUS);
        if (ci) status = ci->http_status;
    }
    const char *how = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
                    : toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? " (timed out)"
                    : toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ? " (shutdown)"
                    : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT ? " (client went away)"
                    : " (failed)";
    log_line("req=%llu %s %s %u %.1fms%s", (unsigned long long)ctx->req.id,
             ctx->log_method, ctx->log_path, status, ms, how);
    web_conn_enter(srv->deadlines, conn_deadline(conn), WEB_CONN_HEADERS);   /* the next one */
    buf_free(&ctx->body);
    arena_free(ctx->req.arena);   /* ctx itself lives in the arena */
    atomic_fetch_sub(&srv->in_flight, 1);
}


/* ---- the daemon ------------------------------------------------------------------ */

/* Start libmicrohttpd on fd (see server_int.h). */
void *http_start(struct web_server *srv, int fd, int threads) {
    /* suspend/resume: a page waits for its view events off the worker (answer()) */
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME;
    /* A pool only for 2+ threads; with one, the internal thread is the worker
    ** (libmicrohttpd warns about a pool size of 0 or 1). */
    struct MHD_OptionItem pool[] = {
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, (void *)NULL,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_ARRAY, pool,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)WEB_CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)WEB_TIMEOUT_SECONDS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
        MHD_OPTION_END);
}

/* Stop accepting; the listening socket or -1. */
int http_quiesce(void *daemon) {
    MHD_socket fd = MHD_quiesce_daemon(daemon);
    return fd == MHD_INVALID_SOCKET ? -1 : (int)fd;
}

/* Stop the daemon and join its workers. */
void http_stop(void *daemon) {
    MHD_stop_daemon(daemon);
}
