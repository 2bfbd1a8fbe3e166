/*
** web/gate.c — CSRF tokens, the origin check, the cookies and the gate every
** routed request passes (see auth.h for the rules).
*/
#include "web/auth.h"
#include "web/auth_internal.h"
#include "base/buf.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>
#include <strings.h>

/* ---- CSRF and origins ------------------------------------------------------------------------------ */

/* Constant-time token comparison (see auth.h). */
int auth_csrf_equal(const char *expected, const char *given) {
    if (!expected || !given || strlen(expected) != AUTH_TOKEN_LEN ||
        strlen(given) != AUTH_TOKEN_LEN)
        return 0;
    return crypto_constant_time_eq(expected, given, AUTH_TOKEN_LEN);
}

/* Where a state-changing request came from (see auth.h). */
int auth_origin_allowed(const char *sec_fetch_site, const char *origin, const char *host,
                        int secure) {
    if (sec_fetch_site && *sec_fetch_site)
        return strcmp(sec_fetch_site, "same-origin") == 0 || strcmp(sec_fetch_site, "none") == 0;
    if (!origin || !*origin || strcmp(origin, "null") == 0) return 1;
    if (!host || !*host) return 0;
    const char *scheme = secure ? "https://" : "http://";
    size_t sl = strlen(scheme);
    return strncasecmp(origin, scheme, sl) == 0 && strcasecmp(origin + sl, host) == 0;
}

/* ---- cookies ---------------------------------------------------------------------------------------- */

/* The session cookie's name (see auth.h for why two). */
const char *auth_cookie_name(const web_request *req) {
    return req->secure ? "__Host-cairn" : "cairn_session";
}

/* The pre-sign-in cookie's name. */
const char *auth_login_cookie_name(const web_request *req) {
    return req->secure ? "__Host-cairn-login" : "cairn_login";
}

/* Set or clear the session cookie. */
void auth_cookie_set(const web_request *req, web_response *res, const char *token) {
    web_response_cookie(res, arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
                                          auth_cookie_name(req), token ? token : "",
                                          token ? "" : "; Max-Age=0",
                                          req->secure ? "; Secure" : ""));
}

/* The login form's token, made and set as a cookie if needed. */
const char *auth_login_token(web_request *req, web_response *res) {
    const char *have = web_request_cookie(req, auth_login_cookie_name(req));
    if (auth_is_hex(have, AUTH_TOKEN_LEN)) return arena_strdup(req->arena, have);
    char *t = arena_alloc(req->arena, AUTH_TOKEN_LEN + 1);
    crypto_random_token(t, AUTH_TOKEN_LEN / 2);
    web_response_cookie(res, arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
                                          auth_login_cookie_name(req), t,
                                          req->secure ? "; Secure" : ""));
    return t;
}

/* Clear the pre-sign-in cookie. */
void auth_login_cookie_clear(const web_request *req, web_response *res) {
    web_response_cookie(res, arena_printf(req->arena, "%s=; Path=/; HttpOnly; SameSite=Strict; "
                                          "Max-Age=0%s", auth_login_cookie_name(req),
                                          req->secure ? "; Secure" : ""));
}

/* The session cookie's value, or NULL. */
const char *auth_session_cookie(web_request *req) {
    return web_request_cookie(req, auth_cookie_name(req));
}

/* ---- the gate ------------------------------------------------------------------------------------------ */

/* 1 for methods that must not change anything. */
static int method_safe(const char *m) {
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *bearer_token(web_request *req) {
    const char *h = web_request_header(req, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0) return NULL;
    h += 7;
    while (*h == ' ') h++;
    return h;
}

/* Find the request's session or API token; sets req->session.  0 done
** (maybe anonymous), -1 the database failed (err set). */
static int gate_identify(web_request *req, int api, cairn_err *err) {
    const char *bearer = api ? bearer_token(req) : NULL;
    const char *cookie = bearer ? NULL : auth_session_cookie(req);
    if (!bearer && !cookie) return 0;
    store *st = web_request_store(req, err);
    if (!st) return -1;
    auth_session *s = arena_zalloc(req->arena, sizeof *s);
    int64_t now = auth_now();
    int rc = bearer ? auth_token_lookup(st, bearer, now, s, err)
                    : auth_session_lookup(st, cookie, now, s, err);
    if (rc < 0) return -1;
    if (rc == 0) req->session = s;
    return 0;
}

/* Answer 303 to the login page, coming back to req's path afterwards. */
static void gate_to_login(web_request *req, web_response *res) {
    if (strcmp(req->path, "/") == 0 || !req->arena) {
        web_redirect(res, "/login");
        return;
    }
    buf b = BUF_INIT;
    buf_puts(&b, "/login?next=");   /* not HTML: a Location path; the rest percent-encoded */
    html_url_param(&b, req->path);
    web_redirect(res, arena_strdup(req->arena, buf_cstr(&b)));
    buf_free(&b);
}

/* Fill res with an error for the gate: JSON on API paths (code names it
** for programs), else the HTML page (title and message are msgids). */
static void gate_error(web_request *req, web_response *res, int status, const char *code,
                       const char *title, const char *message) {
    if (web_path_is_api(req->path)) web_error_json(res, status, code, message);
    else web_error_page(res, status, title, message);
}

/* The middleware (see auth.h). */
int auth_gate(web_request *req, web_response *res, const web_route *route) {
    cairn_err err = {0};
    int safe = method_safe(req->method);
    int api = strncmp(req->path, "/api/", 5) == 0;
    if (!route->access) {
        web_log(req, "access: route %s %s has no row in the access table; refused",
                route->method, route->path);
        gate_error(req, res, 403, "forbidden", N_("Not allowed"),
                   N_("This page is not open to anyone yet."));
        return 1;
    }
    if (req->conn) {
        req->session = NULL;
        if (gate_identify(req, api, &err) < 0) {
            web_log(req, "sign-in check: %s", err.msg);
            if (req->st) web_request_store_discard(req);
            if (!(route->access & ACCESS_PUBLIC) || !safe) {
                gate_error(req, res, 503, "unavailable", N_("Database unavailable"),
                           N_("The database cannot be reached right now. Please try again "
                              "in a minute."));
                return 1;
            }
        }
    }
    if (req->session && !req->session->who.st) req->session->who.st = req->st;
    unsigned role_set = req->session ? (ACCESS_SIGNED_IN | req->session->who.roles) : 0;
    if (access_route_allowed(role_set, route) != ACCESS_ALLOW) {
        if (req->session)
            gate_error(req, res, 403, "forbidden", N_("Not allowed"),
                       N_("Your account may not open this page. If you need it, ask a "
                          "school leader or an administrator."));
        else if (safe && !api)
            gate_to_login(req, res);
        else
            gate_error(req, res, 401, "unauthorized", N_("Please sign in"),
                       N_("Sign in first, then try again."));
        return 1;
    }
    if (safe) return 0;
    if (!auth_origin_allowed(web_request_header(req, "Sec-Fetch-Site"),
                             web_request_header(req, "Origin"), web_request_header(req, "Host"),
                             req->secure)) {
        web_log(req, "refused a cross-site %s", req->method);
        gate_error(req, res, 403, "forbidden", N_("Refused"),
                   N_("This request came from another site and was refused. Open the page "
                      "here and try again."));
        return 1;
    }
    if (req->session && req->session->via_api_token) return 0;
    const char *given = web_request_header(req, "X-CSRF-Token");
    if (!given) given = web_request_form(req, "csrf");
    int ok = req->session && auth_csrf_equal(req->session->csrf, given);
    if (!ok && (route->access & ACCESS_PUBLIC))
        ok = auth_csrf_equal(web_request_cookie(req, auth_login_cookie_name(req)), given);
    if (!ok) {
        gate_error(req, res, 403, "forbidden", N_("The form has expired"),
                   N_("This form is too old or did not come from this site. Go back, "
                      "reload the page and try again."));
        return 1;
    }
    return 0;
}
