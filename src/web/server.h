/*
** web/server.h — the HTTP server: listening, threads, database connections,
** routing, security headers, access log.
**
** libmicrohttpd runs a pool of worker threads; each worker opens its own
** database connection on first use and keeps it for its life (a store is
** used by one thread at a time).  Every request gets an arena that is freed
** when the response has been sent.  Handlers never touch libmicrohttpd: they
** read a web_request and fill a web_response, and the server adds the
** security headers, writes the access log line and sends it.
**
** Routes are declared once, beside their handlers, in a comment record
** (WEBPAGE / ACCESS / BODY / NAV, see web/page.h and docs/architecture.md);
** tools/mkpages.c makes the table build/gen/pages.c from them.  "GET" rows
** also answer HEAD.  A path that no row matches is 404; a path some row
** matches with another method is 405 with an Allow header.
**
** The framework's files: web/request.c (what the request says),
** web/response.c (filling the answer), web/router.c (routing and the page
** context), web/http.c (libmicrohttpd: the only file that includes it),
** web/listen.c (the address, the socket, web_serve), web/checkpoint.c (the
** WAL checkpointer) and web/log.c (the access log).
*/
#ifndef CAIRN_WEB_SERVER_H
#define CAIRN_WEB_SERVER_H
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct web_config {
    const char *listen;   /* "127.0.0.1:8080", "[::1]:8080", "localhost:8080";
                             NULL = "127.0.0.1:8080" */
    const char *db_url;   /* handed to store_open(); NULL = STORE_DEFAULT_URL */
    int threads;          /* worker threads; <= 0 = one per online CPU (max 64) */
    int behind_proxy;     /* 1 = a TLS reverse proxy in front: trust its
                             X-Forwarded-Proto (https -> Secure cookies) and
                             the last X-Forwarded-For address, only on
                             connections from trusted_proxy */
    const char *trusted_proxy;  /* the proxy's IP address (sets behind_proxy);
                             NULL with behind_proxy = loopback (127.0.0.1,
                             ::1: a proxy on the same machine) */
    const char *smtp_url;  /* mail relay, smtp://host:port; NULL = mail off (web/mail.h) */
    const char *mail_from; /* the sender address of its mail */
    int smtp_starttls;     /* 1 = require STARTTLS */
} web_config;

#define WEB_DEFAULT_LISTEN   "127.0.0.1:8080"
#define WEB_BODY_MAX         (1024 * 1024)  /* bytes of request body accepted (BODY form, json) */
#define WEB_UPLOAD_MAX       (32 * 1024 * 1024)  /* ... by the routes that take files
                                                    (BODY upload: POST /import, /api/v1/imports) */
#define WEB_CONNECTION_LIMIT 512            /* open connections at once */
#define WEB_TIMEOUT_SECONDS  15             /* idle connections are closed */
#define WEB_DEADLINE_SECONDS 15             /* a request's headers must be in by then
                                               ($CAIRN_WEB_DEADLINE_SECONDS overrides) */
#define WEB_BODY_MIN_RATE    1024           /* bytes a second a body must average once it
                                               has taken longer than the deadline */
#define WEB_DRAIN_SECONDS    10             /* shutdown waits this long for requests */

/* Serve until SIGINT or SIGTERM, then stop accepting, let requests in
** flight finish (up to WEB_DRAIN_SECONDS; a second signal cuts it short),
** close every worker's database connection and return 0.  Returns -1 with
** err set if the listen address is malformed or cannot be bound, the
** database cannot be opened (checked once at start), or the server cannot
** start.
**
** Signals: SIGINT and SIGTERM are blocked before the workers start (they
** inherit the mask) and taken with sigwait() in the calling thread; the
** caller's mask is restored on return.  Call it from the main thread before
** starting any other thread of your own, or block the two signals there
** too.  SIGPIPE is not touched (libmicrohttpd sends with MSG_NOSIGNAL).
**
** Writes one access log line per request, and a line at start and stop, to
** stderr:  2025-09-01T08:00:00.123Z req=17 GET /healthz 200 0.4ms
** (path without the query string; control bytes shown as '?'). */
int web_serve(const web_config *cfg, cairn_err *err);

/* Parse a listen address "HOST:PORT" where HOST is an IPv4 literal,
** "localhost" (127.0.0.1) or a bracketed IPv6 literal ("[::1]").  Fills
** *addr with a struct sockaddr_in or sockaddr_in6 (the caller passes a
** struct sockaddr_storage) and *addrlen.  Returns -1 with a clear message
** for anything else. */
int web_listen_parse(const char *listen, struct sockaddr_storage *addr,
                     socklen_t *addrlen, cairn_err *err);

/* ---- requests and responses ---------------------------------------------- */

struct web_server;
struct MHD_Connection;
struct auth_session;

typedef struct web_request {
    const char *method;       /* "GET", "HEAD", "POST", ... */
    const char *path;         /* decoded path without the query: "/assets/cairn.css" */
    const char *body;         /* request body, NUL-terminated ("" if none) */
    size_t      body_len;
    arena      *arena;        /* per request; freed after the response is sent */
    uint64_t    id;           /* the request id in the access log */
    store      *st;           /* the database, once web_request_store() found it;
                                 a test may set it before calling a handler */
    struct web_server     *server;  /* internal; NULL outside the server */
    struct MHD_Connection *conn;    /* internal; NULL outside the server */
    const char *client_addr;  /* the client's IP address as text ("" unknown);
                                 behind a proxy, the one the proxy names */
    int         secure;       /* 1 = came over TLS (only --behind-proxy) */
    struct auth_session *session;   /* the signed-in account, set by the gate
                                       (web/auth.h) before the handler; NULL
                                       = anonymous */
    const char *const *headers;     /* outside the server only (tests, fuzz
                                       targets): name, value, name, value,
                                       ..., NULL; the server reads its own */
} web_request;

enum { WEB_CACHE_NONE = 0, WEB_CACHE_ASSET = 1 };
#define WEB_COOKIES_MAX 4

typedef struct web_response {
    int         status;        /* 200 unless the handler says otherwise */
    const char *content_type;  /* static string; default text/html; charset=utf-8 */
    buf         body;          /* what the handler wrote; the server frees it */
    const char *static_body;   /* if set, sent instead of body; must be static */
    size_t      static_len;
    int         cache;         /* WEB_CACHE_NONE: Cache-Control no-store */
    char        allow[64];     /* Allow header value for 405, "" = none */
    int         retry_after;   /* seconds for a Retry-After header, 0 = none */
    const char *location;      /* Location header (web_redirect), NULL = none */
    const char *cookies[WEB_COOKIES_MAX];  /* Set-Cookie values (static or in
                                              the request arena) */
    int         ncookies;
    char        nonce[24];     /* the CSP nonce, "" until web_response_nonce() */
    int         failed;        /* 1 = a writer failed (html_printf); the router
                                  answers 500 instead of what was written */
} web_response;

/* ---- routes ---------------------------------------------------------------- */

struct web_ctx;
typedef void (*web_handler)(struct web_ctx *c);

/* What body a route accepts (the record's BODY). */
enum { WEB_BODY_NONE = 0, WEB_BODY_FORM = 1, WEB_BODY_UPLOAD = 2, WEB_BODY_JSON = 3 };

/* One row of the table tools/mkpages.c makes from the WEBPAGE records. */
typedef struct web_route {
    const char *method;     /* "GET" (answers HEAD too), "POST", ... */
    const char *path;       /* the pattern: "/learners/{id}", "/groups/{code}" */
    web_handler handler;
    unsigned    access;     /* ACCESS_PUBLIC, ACCESS_SIGNED_IN or role bits
                               (web/access.h); 0 = nobody */
    int         body;       /* WEB_BODY_* */
    size_t      body_max;   /* bytes of body accepted: 0, WEB_BODY_MAX, WEB_UPLOAD_MAX */
    int         nav_order;  /* place in the navigation, 0 = not in it */
    const char *nav_label;  /* msgid of the navigation label, or NULL */
    const char *file;       /* where the record is: "src/web/school/learner.c" */
    int         line;
} web_route;

/* The route for method and path, or NULL.  allow (allow_size bytes) gets
** the methods the path does accept ("GET, HEAD"), or "" when no route
** matches the path at all: NULL with a non-empty allow means 405, NULL with
** an empty one 404.  A path matches a pattern when its literal segments are
** equal and each parameter segment is of its type:
**   {id}    a positive decimal, 1 to 18 digits
**   {code}  1 to 64 bytes, none of them a control byte, '/' or '%' */
const web_route *web_route_find(const char *method, const char *path,
                                char *allow, size_t allow_size);

/* Route req (method and path set) and run the handler, filling res, which
** the caller set up with web_response_init and frees with
** web_response_free.  404 / 405 pages come from here too, and a 500 when
** the handler's writing failed or it wrote nothing.  Used by the server
** for every request; tests may call it with req->st set. */
void web_dispatch(web_request *req, web_response *res);

/* The routing table (for the access test and the navigation); *n gets its
** length.  Rows added with web_routes_extra() are not in it. */
const web_route *web_route_table(size_t *n);

/* For tests: routes searched after the table (extra[0..n) must outlive the
** use; NULL removes them).  Not thread-safe; call before serving. */
void web_routes_extra(const web_route *extra, size_t n);

void web_response_init(web_response *res);   /* status 200, HTML, no-store */
void web_response_free(web_response *res);   /* frees res->body */

/* The calling worker thread's database connection, opened with the
** configured URL on first use and kept for later requests; owned by the
** thread (never close it).  NULL with err set if it cannot be opened (the
** next request tries again). */
store *web_request_store(web_request *req, cairn_err *err);

/* Close the thread's connection after it failed (server gone, broken
** socket) so the next request opens a fresh one.  req->st becomes NULL.
** The server does this by itself after any 5xx answer. */
void web_request_store_discard(web_request *req);

/* A request header or query parameter (decoded), or NULL.  Owned by the
** server; valid until the request completes.  Outside the server: a header
** from req->headers (NULL when it has none), never a query parameter. */
const char *web_request_header(web_request *req, const char *name);
const char *web_request_query(web_request *req, const char *key);

/* A cookie the browser sent, or NULL (owned by the server, as above). */
const char *web_request_cookie(web_request *req, const char *name);

/* A field of an application/x-www-form-urlencoded body, decoded, or a
** plain (not file) field of a multipart/form-data body (web/multipart.h),
** or NULL (also when the body has another Content-Type or is malformed).
** The first of repeated fields wins; one whose value holds a NUL byte
** (%00) counts as missing, never as the text before it.  Owned by req's arena.  Works outside
** the server too, on req->body (taken as urlencoded). */
const char *web_request_form(web_request *req, const char *name);

/* The nth (0 = the first) of the fields called name, as web_request_form
** reads them (for repeated fields: checkboxes, rows of a form), or NULL
** past the last. */
const char *web_request_form_nth(web_request *req, const char *name, size_t nth);

/* 1 if s may be sent back as a Location on this site (a "return" or
** "next" field): it starts with one '/' not followed by another '/' or a
** '\\', holds no backslash and no control byte (below 0x20, 0x7F), and
** the same is true after percent-decoding it, so that neither a browser
** stripping tabs ("/\t/evil.example") nor one decoding "%09" or "%5C"
** can read it as another host.  At most WEB_LOCAL_PATH_MAX bytes. */
#define WEB_LOCAL_PATH_MAX 512
int web_path_is_local(const char *s);

/* 1 if the path of a raw request target (before '?', still
** percent-encoded, as the client sent it) holds no control byte, neither
** raw nor percent-encoded: "/healthz%00/x" is 0, so a NUL cannot cut a
** path short after decoding.  NULL is 0. */
int web_target_path_ok(const char *target);

/* The Content-Security-Policy nonce of this response: random, made on
** first use, different for every response, and named in the CSP header
** the server sends (script-src and style-src 'nonce-...').  An inline
** <script> or <style> must carry it:  html_printf(b, "<script nonce=\"%A\">",
** web_response_nonce(res)).  Owned by res. */
const char *web_response_nonce(web_response *res);

/* Add a Set-Cookie header with value (which must live until the response
** is sent: static or in req's arena); beyond WEB_COOKIES_MAX it is
** dropped. */
void web_response_cookie(web_response *res, const char *value);

/* Make res a 303 See Other to location, a path on this server that starts
** with '/' (static or in req's arena), with a short HTML body linking it. */
void web_redirect(web_response *res, const char *location);

/* One line to stderr tagged with the time and request id: for problems
** the person at the browser is not shown (database errors).  No personal
** data in it. */
void web_log(const web_request *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Fill res with a complete HTML error page: status, a heading and one
** sentence (both text, escaped), and a link home. */
void web_error_page(web_response *res, int status, const char *title, const char *message);

/* 1 if path belongs to the JSON API (starts with "/api/"). */
int web_path_is_api(const char *path);

/* Fill res with a JSON error object {"error":{"code":code,"message":
** message}} and status, Content-Type application/json.  code is a short
** machine word ("forbidden"); message is English text for people. */
void web_error_json(web_response *res, int status, const char *code, const char *message);

#endif
