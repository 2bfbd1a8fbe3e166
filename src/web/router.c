/*
** web/router.c — routing: the table tools/mkpages.c makes from the
** WEBPAGE records (build/gen/pages.c), matching a path against its
** patterns, the gate (web/auth.h), the page context, the answer when
** a handler's writing failed or it wrote nothing (a 500; the server goes
** on), and the audit row of every refused attempt (a 403 to a signed-in
** account).
*/
#include "web/server_int.h"
#include "support/audit.h"
#include "support/sealed.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"
#include <assert.h>
#include <stdio.h>
#include <string.h>

static const web_route *extra_routes;   /* web_routes_extra(): tests only */
static size_t           extra_count;

/* The routing table and its length (see server.h). */
const web_route *web_route_table(size_t *n) {
    *n = web_routes_count;
    return web_routes;
}

/* Add (or, NULL, remove) the test routes (see server.h). */
void web_routes_extra(const web_route *extra, size_t n) {
    extra_routes = extra;
    extra_count = extra ? n : 0;
}

/* What a path's parameters were. */
typedef struct route_params {
    int64_t     id;         /* {id}, 0 without one */
    const char *code;       /* {code}: points into the path, code_len bytes */
    size_t      code_len;
} route_params;

/* 1 if the n bytes at s are an {id}: 1 to 18 digits, not all zero; its
** value in *out. */
static int param_id(const char *s, size_t n, int64_t *out) {
    if (n == 0 || n > 18) return 0;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return v > 0;
}

/* 1 if the n bytes at s are a {code}: 1 to 64 bytes, no control byte, no
** '%' ('/' cannot occur inside a segment). */
static int param_code(const char *s, size_t n) {
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F || c == '%') return 0;
    }
    return 1;
}

/* 1 if path fits pattern, with its parameters in *p. */
static int pattern_match(const char *pat, const char *path, route_params *p) {
    memset(p, 0, sizeof *p);
    if (!path || path[0] != '/') return 0;
    if (!strcmp(pat, "/")) return !strcmp(path, "/");
    while (*pat) {
        if (*pat != '/' || *path != '/') return 0;
        const char *ps = pat + 1, *qs = path + 1;
        size_t pn = strcspn(ps, "/"), qn = strcspn(qs, "/");
        if (pn == 4 && !strncmp(ps, "{id}", 4)) {
            if (!param_id(qs, qn, &p->id)) return 0;
        } else if (pn == 6 && !strncmp(ps, "{code}", 6)) {
            if (!param_code(qs, qn)) return 0;
            p->code = qs;
            p->code_len = qn;
        } else if (pn != qn || strncmp(ps, qs, pn) != 0) {
            return 0;
        }
        pat = ps + pn;
        path = qs + qn;
    }
    return *path == 0;
}

/* Append method m to the comma-separated list allow unless already there. */
static void allow_add(char *allow, size_t size, const char *m) {
    size_t ml = strlen(m);
    for (const char *p = allow; (p = strstr(p, m)) != NULL; p += ml)
        if ((p == allow || p[-1] == ' ') && (p[ml] == ',' || p[ml] == 0)) return;
    size_t len = strlen(allow);
    snprintf(allow + len, size - len, "%s%s", len ? ", " : "", m);
}

/* Look method and path up in rows[0..n): the route, else NULL with allow
** extended by the methods the path does take. */
static const web_route *lookup_in(const web_route *rows, size_t n, const char *method,
                                  const char *path, char *allow, size_t allow_size,
                                  route_params *p) {
    for (size_t i = 0; i < n; i++) {
        const web_route *r = &rows[i];
        if (!pattern_match(r->path, path, p)) continue;
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

/* The route and parameters for method and path (see web_route_find). */
static const web_route *route_lookup(const char *method, const char *path, char *allow,
                                     size_t allow_size, route_params *p) {
    assert(method && path);
    if (allow_size) allow[0] = 0;
    const web_route *r = lookup_in(web_routes, web_routes_count, method, path, allow,
                                   allow_size, p);
    if (!r && extra_routes)
        r = lookup_in(extra_routes, extra_count, method, path, allow, allow_size, p);
    return r;
}

/* The route for method and path, or NULL with allow set (see server.h). */
const web_route *web_route_find(const char *method, const char *path,
                                char *allow, size_t allow_size) {
    route_params p;
    return route_lookup(method, path, allow, allow_size, &p);
}

/* Answer for a handler whose writing failed or that wrote nothing: 500,
** as a page or as JSON. */
static void answer_broken(web_request *req, web_response *res, const web_route *r,
                          const char *why) {
    web_log(req, "%s %s (%s:%d): %s; answered 500", r->method, r->path, r->file, r->line, why);
    res->cookies[0] = NULL;
    res->ncookies = 0;
    res->location = NULL;
    if (web_path_is_api(req->path))
        web_error_json(res, 500, "internal", "The answer could not be written.");
    else
        web_error_page(res, 500, N_("Something went wrong"),
                       N_("This page could not be shown. The server log has the details."));
}

/* Build the page context for route r and run its handler. */
static void run_handler(web_request *req, web_response *res, const web_route *r,
                        const route_params *p) {
    assert(req->arena);
    web_ctx c;
    memset(&c, 0, sizeof c);
    c.req = req;
    c.res = res;
    c.route = r;
    c.arena = req->arena;
    c.b = &res->body;
    c.L = i18n_request(req);
    c.id = p->id;
    if (p->code) c.code = arena_strndup(req->arena, p->code, p->code_len);
    cairn_err err = {0};
    c.st = web_request_store(req, &err);
    if (!c.st && !(r->access & ACCESS_PUBLIC)) {
        web_log(req, "database: %s", err.msg);
        if (web_path_is_api(req->path))
            web_error_json(res, 503, "unavailable", "The database cannot be reached right now.");
        else
            web_error_page(res, 503, N_("Database unavailable"),
                           N_("The database cannot be reached right now. Please try again in "
                              "a minute."));
        return;
    }
    if (req->session) {
        c.who_buf = req->session->who;
        c.who_buf.st = c.st;
        c.who = &c.who_buf;
    }
    support_key_scope_begin();   /* the keyring looked at once a request (sealed.h) */
    r->handler(&c);
    support_key_scope_end();
    if (res->body.failed || res->failed)
        answer_broken(req, res, r, "a writer failed");
    else if (res->body.len == 0 && !res->static_body)
        answer_broken(req, res, r, "the handler wrote nothing");
}

/* Write a refused attempt to the audit log: a signed-in account got a 403
** on route r, by its roles (the gate: why "role") or by its relationship
** to the record (the handler: why "relationship").  Who is the account,
** what is the learner of a /learners/{id} route (learner_id) or the
** {code} of a group, which route is the method and pattern; when is the
** event's time.  The answer is not changed when the log cannot be
** written; the server log says so. */
static void refusal_audit(web_request *req, const web_route *r, const route_params *p,
                          const char *why) {
    const auth_session *s = req->session;
    if (!s || !s->who.institution_id) return;
    cairn_err err = {0};
    store *st = web_request_store(req, &err);
    int64_t learner = strstr(r->path, "/learners/{id}") ? p->id : 0;
    char detail[256];
    snprintf(detail, sizeof detail, "refused (%s): %s %s%s%.*s", why, req->method, r->path,
             p->code ? " code=" : "", p->code ? (int)p->code_len : 0, p->code ? p->code : "");
    if (!st || support_audit_append(st, s->who.institution_id, s->who.account_id,
                                    "access.refused", learner, detail, &err) != 0)
        web_log(req, "audit: the refusal of %s %s could not be written: %s", req->method,
                r->path, err.msg);
}

/* Route req and run its handler, or fill res with a 404 or 405 page.
** While it runs, req is the thread's current request (i18n_current_set),
** so error pages speak its language. */
void web_dispatch(web_request *req, web_response *res) {
    assert(req && res && req->method && req->path);
    char allow[sizeof res->allow];
    route_params p;
    i18n_current_set(req);
    const web_route *r = route_lookup(req->method, req->path, allow, sizeof allow, &p);
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
    } else if (auth_gate(req, res, r) == 0) {   /* session, access, CSRF */
        run_handler(req, res, r, &p);
        if (res->status == 403) refusal_audit(req, r, &p, "relationship");
    } else if (res->status == 403 && req->session &&
               access_route_allowed(ACCESS_SIGNED_IN | req->session->who.roles, r) != ACCESS_ALLOW) {
        refusal_audit(req, r, &p, "role");      /* not a refused origin or CSRF token */
    }
    i18n_current_set(NULL);
}
