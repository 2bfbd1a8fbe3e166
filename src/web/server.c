/*
** web/server.c — the HTTP server over libmicrohttpd, the routing table, and
** the first pages (health check, programme overview, assets, errors).
**
** Threads: libmicrohttpd runs WEB threads, each polling its own share of the
** connections and calling the handlers itself, so a request is handled
** start to finish on one worker.  Each worker keeps one database
** connection in thread-local storage (a pthread key whose destructor closes
** it when the worker exits at shutdown).
**
** Request life: the URI callback makes the request context (its arena, the
** start time, the id); the access handler routes on its first call,
** collects a body if one comes, and answers on its last call; the
** completion callback writes the access log line and frees the arena.
*/
#include "web/server.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "school/school.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/api.h"
#include "web/multipart.h"
#include "web/pages.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

struct web_server {
    const char   *db_url;         /* for store_open on each worker */
    pthread_key_t store_key;      /* the worker's store * */
    atomic_long   in_flight;      /* requests begun and not yet completed */
    atomic_ullong next_id;        /* request ids */
    atomic_int    stopping;       /* 1 once a stop signal came: close after each answer */
    int           behind_proxy;   /* trust X-Forwarded-Proto / -For (web_config) */
    int           checkpointing;  /* 1 = the checkpointer thread runs (WAL checkpoints) */
};

/* ---- pages (declared first: the routing table names them) ---------------- */

static void page_home(web_request *req, web_response *res);
static void page_healthz(web_request *req, web_response *res);
static void page_asset(web_request *req, web_response *res);

/* ---- the routing table -------------------------------------------------------
** Add a row per page.  First match wins, so put exact paths before prefixes
** that would cover them.  "GET" rows answer HEAD too.  Every row needs a
** row in the access table of web/access.c (who may use it); a route without
** one is refused, and tests/unit/test_access.c fails. */
static const web_route web_routes[] = {
    { "GET",  WEB_EXACT,  "/",        page_root        },
    { "GET",  WEB_EXACT,  "/dashboard",  page_dashboard },
    { "GET",  WEB_EXACT,  "/programmes", page_home      },
    { "GET",  WEB_PREFIX, "/learners/",  page_learner   },
    { "GET",  WEB_PREFIX, "/groups/",    page_group     },
    { "GET",  WEB_EXACT,  "/healthz", page_healthz     },
    { "GET",  WEB_PREFIX, "/assets/", page_asset       },
    { "GET",  WEB_EXACT,  "/login",   page_login_get   },
    { "POST", WEB_EXACT,  "/login",   page_login_post  },
    { "POST", WEB_EXACT,  "/logout",  page_logout_post },
    { "GET",  WEB_EXACT,  "/api/v1/me",        api_me           },
    { "GET",  WEB_EXACT,  "/api/v1/learners",  api_learners     },
    { "GET",  WEB_PREFIX, "/api/v1/learners/", api_learner      },
    /* acting on a learner: acknowledge a flag, assign a key worker
    ** (web/pages_actions.c) */
    { "POST", WEB_PREFIX, "/learners/",        page_learner_post   },
    { "POST", WEB_PREFIX, "/api/v1/learners/", api_learner_post    },
    /* the model card and evaluation (web/pages_model.c) */
    { "GET",  WEB_EXACT,  "/model",            page_model          },
    { "GET",  WEB_EXACT,  "/api/v1/model",     api_model           },
    /* the institution's counts and trend, and a group's attendance */
    { "GET",  WEB_EXACT,  "/api/v1/summary",   api_summary         },
    { "GET",  WEB_PREFIX, "/api/v1/groups/",   api_group           },
    /* importing a file: upload, check, confirm (web/pages_import.c) */
    { "GET",  WEB_EXACT,  "/import",           page_import_get     },
    { "POST", WEB_EXACT,  "/import",           page_import_post    },
    { "POST", WEB_EXACT,  "/import/confirm",   page_import_confirm },
    { "POST", WEB_EXACT,  "/api/v1/imports",   api_import_post     },
    /* the language of the signed-in account (web/pages_auth.c) */
    { "POST", WEB_EXACT,  "/language",         page_language_post  },
};

/* The most bytes of body a route accepts: uploads of files may be larger
** than forms. */
static size_t route_body_max(const char *path) {
    if (!strcmp(path, "/import") || !strcmp(path, "/api/v1/imports")) return WEB_UPLOAD_MAX;
    return WEB_BODY_MAX;
}

/* The routing table and its length (see server.h). */
const web_route *web_route_table(size_t *n) {
    *n = sizeof web_routes / sizeof web_routes[0];
    return web_routes;
}

/* 1 if route r covers path. */
static int route_matches_path(const web_route *r, const char *path) {
    if (r->match == WEB_PREFIX) return strncmp(path, r->path, strlen(r->path)) == 0;
    return strcmp(path, r->path) == 0;
}

/* Append method m to the comma-separated list allow unless already there. */
static void allow_add(char *allow, size_t size, const char *m) {
    size_t ml = strlen(m);
    for (const char *p = allow; (p = strstr(p, m)) != NULL; p += ml)
        if ((p == allow || p[-1] == ' ') && (p[ml] == ',' || p[ml] == 0)) return;
    size_t len = strlen(allow);
    snprintf(allow + len, size - len, "%s%s", len ? ", " : "", m);
}

/* The route for method and path, or NULL with allow set (see server.h). */
const web_route *web_route_find(const char *method, const char *path,
                                char *allow, size_t allow_size) {
    if (allow_size) allow[0] = 0;
    for (size_t i = 0; i < sizeof web_routes / sizeof web_routes[0]; i++) {
        const web_route *r = &web_routes[i];
        if (!route_matches_path(r, path)) continue;
        if (strcmp(method, r->method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0))
            return r;
        if (allow_size) {
            allow_add(allow, allow_size, r->method);
            if (strcmp(r->method, "GET") == 0) allow_add(allow, allow_size, "HEAD");
        }
    }
    return NULL;
}

/* Set res to the defaults: 200, HTML, not cacheable, empty body. */
void web_response_init(web_response *res) {
    memset(res, 0, sizeof *res);
    res->status = 200;
    res->content_type = "text/html; charset=utf-8";
    buf_init(&res->body);
}

/* res's Content-Security-Policy nonce: 22 characters of base64url from 16
** random bytes, made on first use and kept in res (see server.h). */
const char *web_response_nonce(web_response *res) {
    if (!res->nonce[0]) {
        unsigned char raw[16];
        crypto_random_bytes(raw, sizeof raw);
        static const char b64[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        uint64_t acc = 0;
        int bits = 0, k = 0;
        for (size_t i = 0; i < sizeof raw; i++) {
            acc = (acc << 8) | raw[i];
            bits += 8;
            while (bits >= 6 && k < (int)sizeof res->nonce - 1) {
                bits -= 6;
                res->nonce[k++] = b64[(acc >> bits) & 63];
            }
        }
        if (bits > 0 && k < (int)sizeof res->nonce - 1) res->nonce[k++] = b64[(acc << (6 - bits)) & 63];
        res->nonce[k] = 0;
    }
    return res->nonce;
}

/* Free what res holds (its body). */
void web_response_free(web_response *res) {
    buf_free(&res->body);
}

/* Replace res with an HTML error page: status, title as heading, message,
** and a link to the start page.  title and message are msgids
** (web/i18n.h), shown in the language of the request being answered. */
void web_error_page(web_response *res, int status, const char *title, const char *message) {
    const i18n_lang *L = i18n_current();
    buf_reset(&res->body);
    res->static_body = NULL;
    res->static_len = 0;
    res->status = status;
    res->content_type = "text/html; charset=utf-8";
    res->cache = WEB_CACHE_NONE;
    html_page_begin(&res->body, L->code, T(L, title));
    html_printf(&res->body, "<h1>%T</h1>\n<p>%T</p>\n<p><a href=\"/\">%T</a></p>\n",
                T(L, title), T(L, message), T(L, "Go to the start page"));
    html_page_end(&res->body);
}

/* 1 for a path of the JSON API. */
int web_path_is_api(const char *path) {
    return path && strncmp(path, "/api/", 5) == 0;
}

/* Replace res with a JSON error object (see server.h). */
void web_error_json(web_response *res, int status, const char *code, const char *message) {
    buf_reset(&res->body);
    res->static_body = NULL;
    res->static_len = 0;
    res->status = status;
    res->content_type = "application/json";
    res->cache = WEB_CACHE_NONE;
    json_t *o = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    /* not HTML: a JSON document from jansson */
    buf_puts(&res->body, text ? text : "{\"error\":{\"code\":\"internal\",\"message\":\"\"}}");
    free(text);
    json_decref(o);
}

/* Route req and run its handler, or fill res with a 404 or 405 page.
** While it runs, req is the thread's current request (i18n_current_set),
** so error pages speak its language. */
void web_dispatch(web_request *req, web_response *res) {
    char allow[sizeof res->allow];
    i18n_current_set(req);
    const web_route *r = web_route_find(req->method, req->path, allow, sizeof allow);
    if (!r) {
        int api = web_path_is_api(req->path);
        if (allow[0] && api) {
            web_error_json(res, 405, "method_not_allowed", "This address cannot be used that way.");
            memcpy(res->allow, allow, sizeof allow);
        } else if (api) {
            web_error_json(res, 404, "not_found", "There is nothing at this address.");
        } else if (allow[0]) {
            web_error_page(res, 405, "Method not allowed",
                           "This address cannot be used that way.");
            memcpy(res->allow, allow, sizeof allow);
        } else {
            web_error_page(res, 404, "Page not found", "There is no page at this address.");
        }
    } else {
        req->rest = r->match == WEB_PREFIX ? req->path + strlen(r->path) : "";
        if (auth_gate(req, res, r) == 0)   /* session, access, CSRF */
            r->handler(req, res);
    }
    i18n_current_set(NULL);
}

/* Add a Set-Cookie value to res (see server.h). */
void web_response_cookie(web_response *res, const char *value) {
    if (res->ncookies < WEB_COOKIES_MAX) res->cookies[res->ncookies++] = value;
}

/* A 303 to location with a small page linking it (see server.h). */
void web_redirect(web_response *res, const char *location) {
    buf_reset(&res->body);
    res->static_body = NULL;
    res->static_len = 0;
    res->status = 303;
    res->content_type = "text/html; charset=utf-8";
    res->location = location;
    const i18n_lang *L = i18n_current();
    html_page_begin(&res->body, L->code, T(L, "Redirect"));
    html_printf(&res->body, "<p><a href=\"%A\">%T</a></p>\n", location, T(L, "Continue"));
    html_page_end(&res->body);
}

/* ---- the worker's database connection ------------------------------------ */

/* pthread key destructor: a worker thread is exiting; close its store. */
static void store_key_free(void *p) {
    store_close(p);
}

/* The worker's store, opened on first use (see server.h). */
store *web_request_store(web_request *req, cairn_err *err) {
    if (req->st) return req->st;
    if (!req->server) {
        err_set(err, CAIRN_EINTERNAL, "no database connection for this request");
        return NULL;
    }
    store *st = pthread_getspecific(req->server->store_key);
    if (!st) {
        if (store_open(req->server->db_url, &st, err) != 0) return NULL;
        /* the checkpointer thread does it, not a request (store.h) */
        cairn_err quiet = {0};
        if (req->server->checkpointing && store_autocheckpoint(st, 0, &quiet) != 0)
            web_log(req, "store: %s", quiet.msg);
        store_queue_writers(st);     /* audit appends wait on a mutex, not by polling */
        if (pthread_setspecific(req->server->store_key, st) != 0) {
            store_close(st);
            err_set(err, CAIRN_EINTERNAL, "cannot keep the database connection for this thread");
            return NULL;
        }
    }
    req->st = st;
    return st;
}

/* Close the worker's store so the next request opens a new one. */
void web_request_store_discard(web_request *req) {
    if (req->server) {
        store *st = pthread_getspecific(req->server->store_key);
        if (st) {
            pthread_setspecific(req->server->store_key, NULL);
            store_close(st);
        }
    }
    req->st = NULL;
}

/* A request header, or NULL (owned by libmicrohttpd). */
const char *web_request_header(web_request *req, const char *name) {
    if (!req->conn) return NULL;
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

/* The value of hex digit c, or -1. */
static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* s[0..n) form-decoded ('+' is a space, %XX a byte) into a's memory. */
static char *form_decode(arena *a, const char *s, size_t n) {
    char *out = arena_alloc(a, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '+') *o++ = ' ';
        else if (s[i] == '%' && i + 2 < n &&
                 (hi = hex_value((unsigned char)s[i + 1])) >= 0 &&
                 (lo = hex_value((unsigned char)s[i + 2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            i += 2;
        } else *o++ = s[i];
    }
    *o = 0;
    return out;
}

/* A plain (not file) field of a multipart/form-data body, NUL-terminated
** in req's arena, or NULL when there is none or the body is malformed. */
static const char *form_multipart_field(web_request *req, const char *ct, const char *name) {
    multipart_part parts[MULTIPART_PARTS_MAX];
    size_t n;
    cairn_err err = {0};
    if (multipart_parse(ct, req->body, req->body_len, req->arena, parts, MULTIPART_PARTS_MAX, &n,
                        &err) < 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!parts[i].filename && strcmp(parts[i].name, name) == 0)
            return arena_strndup(req->arena, parts[i].data, parts[i].len);
    return NULL;
}

/* A field of the urlencoded (or multipart/form-data) body (see server.h). */
const char *web_request_form(web_request *req, const char *name) {
    if (!req->body || !req->body_len) return NULL;
    if (req->conn) {
        const char *ct = web_request_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
        if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0)
            return form_multipart_field(req, ct, name);
        size_t want = strlen("application/x-www-form-urlencoded");
        if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", want) != 0 ||
            (ct[want] != 0 && ct[want] != ';' && ct[want] != ' '))
            return NULL;
    }
    const char *p = req->body, *end = req->body + req->body_len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        const char *kend = eq ? eq : stop;
        char *key = form_decode(req->arena, p, (size_t)(kend - p));
        if (strcmp(key, name) == 0)
            return eq ? form_decode(req->arena, eq + 1, (size_t)(stop - eq - 1)) : "";
        p = stop + 1;
    }
    return NULL;
}

/* ---- logging ------------------------------------------------------------------- */

/* The current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
static void log_time(char out[32]) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

/* Copy s into out (size bytes) for a log line: stop at '?' or '#' (the
** query may hold personal data), turn bytes outside printable ASCII, spaces,
** quotes and backslashes into '?', and cut long values with "...". */
static void log_clean(char *out, size_t size, const char *s) {
    size_t i = 0;
    for (; s && s[i] && s[i] != '?' && s[i] != '#' && i + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (c <= 0x20 || c >= 0x7F || c == '"' || c == '\\') ? '?' : (char)c;
    }
    out[i] = 0;
    if (s && s[i] && s[i] != '?' && s[i] != '#' && size > 4) memcpy(out + size - 4, "...", 4);
}

/* One line to stderr, written with a single call so lines from several
** workers do not interleave. */
static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_line(const char *fmt, ...) {
    char line[1200], ts[32];
    log_time(ts);
    int n = snprintf(line, sizeof line, "%s ", ts);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = strlen(line);
    if (len + 1 < sizeof line) { line[len] = '\n'; line[len + 1] = 0; }
    else line[sizeof line - 2] = '\n';
    fputs(line, stderr);
}

/* A line tagged with req's id (see server.h). */
void web_log(const web_request *req, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    log_line("req=%llu %s", (unsigned long long)(req ? req->id : 0), msg);
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

/* ---- request handling ------------------------------------------------------------ */

enum { CTX_NEW = 0, CTX_BODY = 1, CTX_ANSWERED = 2 };

typedef struct web_ctx {
    web_request     req;
    struct web_server *server;
    struct timespec t0;         /* CLOCK_MONOTONIC at the request line */
    char            log_path[160];
    char            log_method[16];
    int             state;
    int             status;     /* what we queued; 0 = nothing (yet) */
    int             too_large;  /* body exceeded body_max */
    size_t          body_max;   /* route_body_max() of the path */
    buf             body;
} web_ctx;

/* A new request context in its own arena (the arena owns the context; the
** completion callback frees both).  uri is the raw request target. */
static web_ctx *ctx_new(struct web_server *srv, const char *uri) {
    arena *a = arena_new(16 * 1024);
    web_ctx *ctx = arena_zalloc(a, sizeof *ctx);
    ctx->req.arena = a;
    ctx->req.id = atomic_fetch_add(&srv->next_id, 1) + 1;
    ctx->req.server = srv;
    ctx->req.body = "";
    ctx->server = srv;
    buf_init(&ctx->body);
    clock_gettime(CLOCK_MONOTONIC, &ctx->t0);
    log_clean(ctx->log_path, sizeof ctx->log_path, uri);
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
static enum MHD_Result send_response(web_ctx *ctx, struct MHD_Connection *conn, web_response *res) {
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
    if (res->location) add_header(r, MHD_HTTP_HEADER_LOCATION, res->location);
    for (int i = 0; i < res->ncookies; i++) add_header(r, MHD_HTTP_HEADER_SET_COOKIE, res->cookies[i]);
    if (atomic_load(&ctx->server->stopping))
        add_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    if (rc == MHD_YES) ctx->status = res->status;
    ctx->state = CTX_ANSWERED;
    return rc;
}

/* Fill the request's client address and TLS flag: from the socket, or
** behind a proxy from X-Forwarded-For (its last entry: the address the
** proxy saw) and X-Forwarded-Proto. */
static void request_client(web_ctx *ctx, struct MHD_Connection *conn) {
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
    if (ctx->server->behind_proxy) {
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

/* Run the router for ctx's request and send what it produced. */
static enum MHD_Result answer(web_ctx *ctx, struct MHD_Connection *conn) {
    web_response res;
    web_response_init(&res);
    web_dispatch(&ctx->req, &res);
    if (res.status >= 500 && ctx->req.st)
        web_request_store_discard(&ctx->req);   /* start afresh after a failure */
    enum MHD_Result rc = send_response(ctx, conn, &res);
    web_response_free(&res);
    return rc;
}

/* Send an error page without running a handler (title and message are
** msgids, shown in the request's language). */
static enum MHD_Result answer_error(web_ctx *ctx, struct MHD_Connection *conn, int status,
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

/* libmicrohttpd's access handler: called once when the headers are in, once
** per piece of body, and once more when the request is complete. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
    (void)version;
    web_ctx *ctx = *con_cls;
    if (!ctx) *con_cls = ctx = ctx_new(cls, url);   /* no URI callback: cannot happen */
    if (ctx->state == CTX_ANSWERED) return MHD_YES;

    if (ctx->state == CTX_NEW) {
        ctx->state = CTX_BODY;
        log_clean(ctx->log_method, sizeof ctx->log_method, method);
        ctx->req.method = arena_strdup(ctx->req.arena, method);
        ctx->req.path = arena_strdup(ctx->req.arena, url);
        ctx->req.conn = conn;
        request_client(ctx, conn);
        char allow[64];
        if (!web_route_find(method, url, allow, sizeof allow))
            return answer(ctx, conn);                 /* 404 or 405 at once */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        ctx->body_max = route_body_max(ctx->req.path);
        if (cl && strtoull(cl, NULL, 10) > ctx->body_max)
            return answer_error(ctx, conn, 413, N_("Request too large"),
                                N_("What was sent is larger than this server accepts."));
        return MHD_YES;
    }

    if (*upload_data_size) {
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
    web_ctx *ctx = *con_cls;
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
    buf_free(&ctx->body);
    arena_free(ctx->req.arena);   /* ctx itself lives in the arena */
    atomic_fetch_sub(&srv->in_flight, 1);
}

/* ---- listening ---------------------------------------------------------------------- */

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
** reported at start rather than on the first request. */
static int check_database(const char *url, cairn_err *err) {
    store *st;
    int64_t one = 0;
    if (store_open(url, &st, err) != 0) {
        err_prefix(err, "cannot open the database");
        return -1;
    }
    int rc = store_query_int64(st, "SELECT 1", -1, &one, err);
    store_close(st);
    if (rc != 0) {
        err_prefix(err, "the database does not answer");
        return -1;
    }
    return 0;
}

/* ---- the checkpointer ------------------------------------------------------------
** The workers' connections never checkpoint the SQLite write-ahead log
** (web_request_store); this thread does, every WEB_CHECKPOINT_MS, on a
** connection of its own, so no request waits for the fsync of a checkpoint.
** Often, because a busy server appends thousands of audit events a second
** and a long log makes every page read look through it; a checkpoint that
** copies everything lets the next writer start the log afresh. */
#define WEB_CHECKPOINT_MS 100
/* A log longer than this (frames: 32 MiB of 4 KiB pages) is checkpointed
** with RESTART, which briefly holds writers back, so it starts afresh. */
#define WEB_WAL_RESTART_FRAMES 8192

typedef struct checkpointer {
    const char     *db_url;
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    int             stop;
} checkpointer;

/* The checkpointer thread: a PASSIVE checkpoint every WEB_CHECKPOINT_MS,
** and a RESTART one when the log has grown past WEB_WAL_RESTART_FRAMES,
** until stop, and one more at the end.  Problems go to the log; it tries again. */
static void *checkpointer_run(void *arg) {
    checkpointer *c = arg;
    store *st = NULL;
    int stop = 0;
    while (!stop) {
        pthread_mutex_lock(&c->mu);
        if (!c->stop) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += WEB_CHECKPOINT_MS * 1000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec += 1;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&c->cv, &c->mu, &until);
        }
        stop = c->stop;
        pthread_mutex_unlock(&c->mu);
        cairn_err err = {0};
        if (!st && store_open(c->db_url, &st, &err) != 0) {
            log_line("cairn serve: checkpointer: %s", err.msg);
            st = NULL;
            continue;
        }
        long frames = 0;
        if (store_checkpoint(st, 0, &frames, &err) != 0 ||
            (frames > WEB_WAL_RESTART_FRAMES && store_checkpoint(st, 1, &frames, &err) != 0)) {
            log_line("cairn serve: checkpointer: %s", err.msg);
            store_close(st);
            st = NULL;
        }
    }
    if (st) store_close(st);
    return NULL;
}

/* Tell the checkpointer to stop and wait for its last checkpoint (when
** started is 1). */
static void checkpointer_stop(checkpointer *c, pthread_t thread, int started) {
    if (!started) return;
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(thread, NULL);
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
    srv.behind_proxy = cfg->behind_proxy;
    if (check_database(srv.db_url, err) != 0) return -1;

    int fd = listen_socket(spec, &addr, addrlen, err);
    if (fd < 0) return -1;
    if (pthread_key_create(&srv.store_key, store_key_free) != 0) {
        close(fd);
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
    checkpointer ckpt = {srv.db_url, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    pthread_t ckpt_thread;
    srv.checkpointing = pthread_create(&ckpt_thread, NULL, checkpointer_run, &ckpt) == 0;
    if (!srv.checkpointing)
        log_line("cairn serve: cannot start the checkpointer; requests will checkpoint");

    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    /* A pool only for 2+ threads; with one, the internal thread is the worker
    ** (libmicrohttpd warns about a pool size of 0 or 1). */
    struct MHD_OptionItem pool[] = {
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, &srv,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, (void *)NULL,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_ARRAY, pool,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)WEB_CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)WEB_TIMEOUT_SECONDS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, &srv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv,
        MHD_OPTION_END);
    if (!d) {
        /* libmicrohttpd may already have closed fd; leaking it once on a
        ** failed start is safer than closing a number that was reused. */
        checkpointer_stop(&ckpt, ckpt_thread, srv.checkpointing);
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
    MHD_socket lfd = MHD_quiesce_daemon(d);
    double deadline = mono_now() + WEB_DRAIN_SECONDS, quiet_since = 0;
    while (mono_now() < deadline) {
        if (atomic_load(&srv.in_flight) > 0) quiet_since = 0;
        else if (quiet_since == 0) quiet_since = mono_now();
        else if (mono_now() - quiet_since >= 0.1) break;
        struct timespec tick = {0, 10 * 1000 * 1000};
        if (sigtimedwait(&stop, NULL, &tick) > 0) break;
    }
    long left = atomic_load(&srv.in_flight);
    MHD_stop_daemon(d);          /* joins the workers; their stores close */
    checkpointer_stop(&ckpt, ckpt_thread, srv.checkpointing);
    if (lfd != MHD_INVALID_SOCKET) close(lfd);
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

/* ---- pages ---------------------------------------------------------------------- */

/* GET /healthz: "ok" when this worker's database connection answers
** SELECT 1, else 503 (and the connection is dropped so the next request
** reconnects).  Plain text, for load balancers and scripts. */
static void page_healthz(web_request *req, web_response *res) {
    cairn_err err = {0};
    int64_t one = 0;
    res->content_type = "text/plain; charset=utf-8";
    store *st = web_request_store(req, &err);
    if (st && store_query_int64(st, "SELECT 1", -1, &one, &err) == 0 && one == 1) {
        buf_puts(&res->body, "ok\n");                  /* not HTML: text/plain */
        return;
    }
    web_log(req, "healthz: database unavailable: %s", err.msg[0] ? err.msg : "SELECT 1 gave no 1");
    if (st) web_request_store_discard(req);
    res->status = 503;
    buf_puts(&res->body, "database unavailable\n");   /* not HTML: text/plain */
}

/* GET /assets/<name>: the built-in files. */
static void page_asset(web_request *req, web_response *res) {
    if (strcmp(req->rest, "cairn.css") == 0) {
        res->static_body = html_asset_css(&res->static_len);
        res->content_type = "text/css; charset=utf-8";
        res->cache = WEB_CACHE_ASSET;
        return;
    }
    web_error_page(res, 404, "Page not found", "There is no page at this address.");
}

/* Write the programme / group table of rows[0..n) into b, in language L. */
static void home_groups(buf *b, const i18n_lang *L, const school_group_summary *rows,
                        size_t n) {
    long learners = 0;
    size_t programmes = 0;
    char num[I18N_NUM_MAX];
    for (size_t i = 0; i < n; i++) {
        learners += rows[i].learners_active;
        if (rows[i].programme_code[0] &&
            (i == 0 || strcmp(rows[i].programme_code, rows[i - 1].programme_code) != 0))
            programmes++;
    }
    /* "2 active learners in 3 groups and 2 programmes.": each count's phrase
    ** has its plural form and, through the context, the grammatical case
    ** its place in the sentence needs.  The phrases are filled into their
    ** own buffers and go into the sentence as %T: they hold no markup and
    ** no '&' (the build checks every translation against its msgid), so
    ** what html_printf wrote there is plain text, escaped once here. */
    buf phrase[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    html_printf(&phrase[0],
                TNC(L, "home summary", "%T active learner", "%T active learners", learners),
                i18n_format_int(L, learners, num, sizeof num));
    html_printf(&phrase[1], TNC(L, "home summary: in N groups", "%T group", "%T groups", n),
                i18n_format_int(L, (long long)n, num, sizeof num));
    html_printf(&phrase[2],
                TNC(L, "home summary: and N programmes", "%T programme", "%T programmes",
                    programmes),
                i18n_format_int(L, (long long)programmes, num, sizeof num));
    html_printf(b, "<p>");
    html_printf(b, TC(L, "home summary", "%T in %T and %T."), buf_cstr(&phrase[0]),
                buf_cstr(&phrase[1]), buf_cstr(&phrase[2]));
    html_printf(b, "</p>\n");
    for (int i = 0; i < 3; i++) buf_free(&phrase[i]);
    for (size_t i = 0; i < n; i++) {
        const school_group_summary *g = &rows[i];
        if (i == 0 || strcmp(g->programme_code, rows[i - 1].programme_code) != 0) {
            if (g->programme_code[0])
                html_printf(b, "<section>\n<h2>%T <span class=\"code\">%T</span></h2>\n",
                            g->programme_name[0] ? g->programme_name : g->programme_code,
                            g->programme_code);
            else
                html_printf(b, "<section>\n<h2>%T</h2>\n", T(L, "Groups without a programme"));
            if (g->eqf_level > 0) {
                html_printf(b, "<p class=\"muted\">");
                html_printf(b, T(L, "EQF level %T"),
                            i18n_format_int(L, g->eqf_level, num, sizeof num));
                html_printf(b, "</p>\n");
            }
            html_printf(b,
                "<table>\n<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                "<th scope=\"col\" class=\"num\">%T</th></tr></thead>\n<tbody>\n",
                T(L, "Group"), T(L, "Code"), T(L, "Active learners"));
        }
        html_printf(b, "<tr><th scope=\"row\"><a href=\"/groups/%U\">%T</a></th>"
                       "<td class=\"code\">%T</td><td class=\"num\">%T</td></tr>\n",
                    g->group_code, g->group_name[0] ? g->group_name : g->group_code, g->group_code,
                    i18n_format_int(L, g->learners_active, num, sizeof num));
        if (i + 1 == n || strcmp(g->programme_code, rows[i + 1].programme_code) != 0)
            html_printf(b, "</tbody>\n</table>\n</section>\n");
    }
}

/* GET /programmes: the signed-in account's institution's programmes and groups with
** active learner counts, read-only, and a sign-out button; the access table
** lets only signed-in staff here.  Without a session (a test calling the
** handler directly) the only institution is shown.  In the account's or
** the browser's language. */
static void page_home(web_request *req, web_response *res) {
    cairn_err err = {0};
    const i18n_lang *L = i18n_request(req);
    store *st = web_request_store(req, &err);
    if (!st) {
        web_log(req, "home: %s", err.msg);
        web_error_page(res, 503, "Database unavailable",
                       "The database cannot be reached right now. Please try again in a minute.");
        return;
    }
    int64_t inst = req->session ? req->session->who.institution_id : 0;
    if (inst <= 0 && school_institution_resolve(st, NULL, &inst, &err) != 0) {
        if (err.code == CAIRN_ENOTFOUND) {
            buf *b = &res->body;
            html_page_begin(b, L->code, T(L, "Programmes and groups"));
            html_printf(b, "<h1>%T</h1>\n", T(L, "Programmes and groups"));
            page_auth_signout(req, b);
            html_printf(b, "<p class=\"notice\">");
            html_printf(b, T(L, "No school data yet \xE2\x80\x94 run <code>cairn demo</code> "
                               "or <code>cairn import</code>."));
            html_printf(b, "</p>\n");
            html_page_end(b);
            return;
        }
        web_log(req, "home: %s", err.msg);
        web_error_page(res, 500, "The school data could not be read",
                       "Something went wrong while reading the school data. "
                       "The server log has the details.");
        return;
    }
    school_group_summary *rows = NULL;
    size_t n = 0;
    if (school_group_summaries(st, inst, &rows, &n, &err) != 0) {
        web_log(req, "home: %s", err.msg);
        web_error_page(res, 500, "The school data could not be read",
                       "Something went wrong while reading the school data. "
                       "The server log has the details.");
        return;
    }
    buf *b = &res->body;
    html_page_begin(b, L->code, T(L, "Programmes and groups"));
    page_nav(req, b, "/programmes");
    html_printf(b, "<h1>%T</h1>\n", T(L, "Programmes and groups"));
    if (n == 0) {
        html_printf(b, "<p class=\"notice\">");
        html_printf(b, T(L, "This school has no groups yet \xE2\x80\x94 add them with "
                           "<code>cairn import</code>."));
        html_printf(b, "</p>\n");
    } else {
        home_groups(b, L, rows, n);
    }
    html_page_end(b);
    free(rows);
}
