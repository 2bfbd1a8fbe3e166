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
        const char *ct = web_request_header(req, "Content-Type");
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
