/*
** web/request.c — what a request says beyond its headers: the fields of
** its form body, and the worker's database connection it is served from.
** (Headers, query and cookies are looked up in web/http.c, the one file
** that knows libmicrohttpd.)
**
** Each worker keeps one database connection in thread-local storage (a
** pthread key whose destructor closes it when the worker exits at
** shutdown).
*/
#include "web/server_int.h"
#include "base/arena.h"
#include "web/multipart.h"
#include <pthread.h>
#include <string.h>
#include <strings.h>

/* ---- the worker's database connection ------------------------------------ */

/* pthread key destructor: a worker thread is exiting; close its store. */
void web_store_key_free(void *p) {
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


/* The value of hex digit c, or -1. */
static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* s[0..n) form-decoded ('+' is a space, %XX a byte) into a's memory, or
** NULL when it decodes to a NUL byte (a C string would end there). */
static char *form_decode(arena *a, const char *s, size_t n) {
    char *out = arena_alloc(a, n + 1), *o = out;
    int nul = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '+') *o++ = ' ';
        else if (s[i] == '%' && i + 2 < n &&
                 (hi = hex_value((unsigned char)s[i + 1])) >= 0 &&
                 (lo = hex_value((unsigned char)s[i + 2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            nul |= hi == 0 && lo == 0;
            i += 2;
        } else *o++ = s[i];
    }
    *o = 0;
    return nul ? NULL : out;
}

/* A plain (not file) field of a multipart/form-data body, NUL-terminated
** in req's arena, or NULL when there is none or the body is malformed. */
static const char *form_multipart_field(web_request *req, const char *ct, const char *name,
                                        size_t nth) {
    multipart_part parts[MULTIPART_PARTS_MAX];
    size_t n;
    cairn_err err = {0};
    if (multipart_parse(ct, req->body, req->body_len, req->arena, parts, MULTIPART_PARTS_MAX, &n,
                        &err) < 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!parts[i].filename && strcmp(parts[i].name, name) == 0 && nth-- == 0)
            return memchr(parts[i].data, 0, parts[i].len)
                       ? NULL   /* a NUL would cut it short: no such field */
                       : arena_strndup(req->arena, parts[i].data, parts[i].len);
    return NULL;
}

/* A field of the urlencoded (or multipart/form-data) body (see server.h). */
const char *web_request_form(web_request *req, const char *name) {
    return web_request_form_nth(req, name, 0);
}

/* The nth of repeated fields called name (see server.h). */
const char *web_request_form_nth(web_request *req, const char *name, size_t nth) {
    if (!req->body || !req->body_len) return NULL;
    if (req->conn) {
        const char *ct = web_request_header(req, "Content-Type");
        if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0)
            return form_multipart_field(req, ct, name, nth);
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
        if (key && strcmp(key, name) == 0 && nth-- == 0)
            return eq ? form_decode(req->arena, eq + 1, (size_t)(stop - eq - 1)) : "";
        p = stop + 1;
    }
    return NULL;
}

/* ---- paths -------------------------------------------------------------------- */

/* 1 if byte c is a control byte (C0 or DEL) or a backslash. */
static int path_byte_bad(unsigned char c) {
    return c < 0x20 || c == 0x7F || c == '\\';
}

/* The byte %XX at s (s[0] == '%') stands for, or -1 when s is not one. */
static int pct_byte(const char *s) {
    int hi, lo;
    if (s[0] != '%' || (hi = hex_value((unsigned char)s[1])) < 0 ||
        (lo = hex_value((unsigned char)s[2])) < 0)
        return -1;
    return hi * 16 + lo;
}

/* A same-site path to send back in a Location (see server.h).  The
** decoded form is checked byte by byte as it is read: position 1 (the
** byte after the leading '/') may be neither '/' nor '\' in either form. */
int web_path_is_local(const char *s) {
    if (!s || s[0] != '/' || strlen(s) > WEB_LOCAL_PATH_MAX) return 0;
    size_t pos = 0;                          /* index in the decoded form */
    for (const char *p = s; *p; pos++) {
        int c = (unsigned char)*p;
        if (path_byte_bad((unsigned char)c)) return 0;
        int d = pct_byte(p);
        if (d >= 0) {
            c = d;
            p += 3;
        } else {
            p++;
        }
        if (path_byte_bad((unsigned char)c)) return 0;
        if (pos == 1 && c == '/') return 0;
    }
    return 1;
}

/* 1 if the raw target's path has no control byte, raw or %-encoded. */
int web_target_path_ok(const char *target) {
    if (!target) return 0;
    for (const char *p = target; *p && *p != '?' && *p != '#'; p++) {
        unsigned char c = (unsigned char)*p;
        int d = pct_byte(p);
        if (c < 0x20 || c == 0x7F || (d >= 0 && (d < 0x20 || d == 0x7F))) return 0;
    }
    return 1;
}
