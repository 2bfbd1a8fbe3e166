/*
** web/pages_auth.c — the sign-in page (GET/POST /login) and sign-out
** (POST /logout).
**
** Plain server-rendered forms that work without JavaScript: every field has
** a label and an autocomplete attribute (so password managers work), an
** error is announced (role="alert") and tied to the fields with
** aria-describedby.  The gate (web/auth.c) has already checked the CSRF
** token and where a POST came from before these handlers run.
*/
#include "web/auth.h"
#include "web/page.h"
#include "gen/pages.h"
#include "web/html.h"
#include "web/i18n.h"
#include <string.h>

/* 1 if next is a safe place to go after signing in: a path on this server
** ("/..." but not "//..." or "/\..." which browsers read as another host),
** printable ASCII, at most 512 bytes. */
static int next_ok(const char *next) {
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return 0;
    size_t n = strlen(next);
    if (n > 512) return 0;
    for (size_t i = 0; i < n; i++)
        if (next[i] <= 0x20 || next[i] >= 0x7F || next[i] == '\\') return 0;
    return 1;
}

/* Set account_id's language setting to lang's code (NULL = none, follow
** the browser).  0, or -1 with err set. */
static int account_language_set(store *st, int64_t account_id, const i18n_lang *lang,
                                cairn_err *err) {
    store_stmt *q = store_prepare(st, "UPDATE account SET language = ? WHERE id = ?", err);
    if (!q) return -1;
    if (lang) store_bind_text(q, 1, lang->code, (size_t)-1);
    else store_bind_null(q, 1);
    store_bind_int64(q, 2, account_id);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The language the sign-in page was asked for with ?lang=, or NULL. */
static const i18n_lang *login_lang_asked(web_request *req) {
    const char *asked = web_request_query(req, "lang");
    const i18n_lang *l = asked ? i18n_find(asked) : NULL;
    return l && strcmp(l->code, asked) == 0 ? l : NULL;
}

/* Write the sign-in page into res with status, the user name typed so far
** (may be NULL) and an error message (a msgid; NULL = none), in the
** browser's language. */
static void login_form(web_request *req, web_response *res, int status, const char *username,
                       const char *error, const char *next) {
    const i18n_lang *L = i18n_request(req);
    const char *token = auth_login_token(req, res);
    buf *b = &res->body;
    buf_reset(b);
    res->status = status;
    html_page_begin(b, L->code, T(L, "Sign in"));
    size_t nl;
    const i18n_lang *langs = i18n_langs(&nl);
    html_printf(b, "<nav class=\"languages\" aria-label=\"%A\"><ul>\n", T(L, "Language"));
    for (size_t i = 0; i < nl; i++)
        html_printf(b, langs[i].code == L->code
                           ? "<li><a href=\"/login?lang=%U\" lang=\"%A\" hreflang=\"%A\" "
                             "aria-current=\"true\">%T</a></li>\n"
                           : "<li><a href=\"/login?lang=%U\" lang=\"%A\" hreflang=\"%A\">"
                             "%T</a></li>\n",
                    langs[i].code, langs[i].code, langs[i].code, langs[i].name);
    html_printf(b, "</ul></nav>\n<h1>%T</h1>\n", T(L, "Sign in"));
    if (error)
        html_printf(b, "<p class=\"notice error\" role=\"alert\" id=\"login-error\">%T</p>\n",
                    T(L, error));
    const i18n_lang *asked = login_lang_asked(req);
    if (asked)
        html_printf(b, "<form class=\"login\" method=\"post\" action=\"/login?lang=%U\">\n",
                    asked->code);
    else
        html_printf(b, "<form class=\"login\" method=\"post\" action=\"/login\">\n");
    html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n", token);
    if (next_ok(next))
        html_printf(b, "<input type=\"hidden\" name=\"next\" value=\"%A\">\n", next);
    html_printf(b, "<p><label for=\"username\">%T</label><br>\n"
                   "<input id=\"username\" name=\"username\" type=\"text\" "
                   "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" "
                   "required maxlength=\"%d\" value=\"%A\"", T(L, "User name"),
                AUTH_USERNAME_MAX, username ? username : "");
    if (error) html_printf(b, " aria-describedby=\"login-error\" aria-invalid=\"true\"");
    html_printf(b, "></p>\n"
                   "<p><label for=\"password\">%T</label><br>\n"
                   "<input id=\"password\" name=\"password\" type=\"password\" "
                   "autocomplete=\"current-password\" required maxlength=\"%d\"",
                T(L, "Password"), AUTH_PASSWORD_MAX);
    if (error) html_printf(b, " aria-describedby=\"login-error\" aria-invalid=\"true\"");
    html_printf(b, "></p>\n"
                   "<p><button type=\"submit\">%T</button></p>\n"
                   "</form>\n"
                   "<p class=\"muted\">%T</p>\n",
                T(L, "Sign in"),
                T(L, "Forgotten your password? Ask an administrator of your school to set a "
                     "new one."));
    html_page_end(b);
}

/*
** WEBPAGE: GET /login
** ACCESS:  public
** BODY:    none
**
** GET /login: the form; a signed-in browser goes on to where it wanted.
*/
void page_login_get(web_ctx *c) {
    web_request *req = c->req;
    web_response *res = c->res;
    const char *next = web_request_query(req, "next");
    if (req->session) {
        web_redirect(res, next_ok(next) ? next : "/");
        return;
    }
    login_form(req, res, 200, NULL, NULL, next);
}

/*
** WEBPAGE: POST /login
** ACCESS:  public
** BODY:    form
**
** POST /login: check the name and password; on success a new session (the
** browser's old one, if any, ends), the cookie, and a redirect.
*/
void page_login_post(web_ctx *c) {
    web_request *req = c->req;
    web_response *res = c->res;
    const char *username = web_request_form(req, "username");
    const char *password = web_request_form(req, "password");
    const char *next = web_request_form(req, "next");
    if (!username || !*username || !password || !*password) {
        login_form(req, res, 400, username, N_("Enter your user name and your password."), next);
        return;
    }
    cairn_err err = {0};
    store *st = web_request_store(req, &err);
    if (!st) {
        web_log(req, "login: %s", err.msg);
        web_error_page(res, 503, "Database unavailable",
                       "The database cannot be reached right now. Please try again in a minute.");
        return;
    }
    auth_login_result result;
    char token[AUTH_TOKEN_LEN + 1];
    int64_t wait = 0;
    if (auth_login(st, username, password, req->client_addr, auth_now(), &result, &wait, NULL,
                   token, &err) < 0) {
        web_log(req, "login: %s", err.msg);
        web_error_page(res, 500, "Sign-in failed",
                       "Something went wrong while signing you in. The server log has the details.");
        return;
    }
    switch (result) {
    case AUTH_LOGIN_OK: {
        const char *old = auth_session_cookie(req);
        if (old && auth_session_end(st, old, &err) < 0)
            web_log(req, "login: ending the old session: %s", err.msg);
        /* a language chosen on the sign-in page becomes the account's */
        const i18n_lang *asked = login_lang_asked(req);
        auth_session s;
        if (asked && auth_session_lookup(st, token, auth_now(), &s, &err) == 0 &&
            account_language_set(st, s.who.account_id, asked, &err) < 0)
            web_log(req, "login: saving the language: %s", err.msg);
        /* the data protection officer's home is the audit log */
        const char *home = "/";
        auth_session me;
        if (auth_session_lookup(st, token, auth_now(), &me, &err) == 0 &&
            !(me.who.roles & ACCESS_ROLES_STAFF) && (me.who.roles & ACCESS_ROLE_DPO))
            home = "/audit";
        web_redirect(res, next_ok(next) ? next : home);
        auth_cookie_set(req, res, arena_strdup(req->arena, token));
        auth_login_cookie_clear(req, res);
        return;
    }
    case AUTH_LOGIN_THROTTLED:
        web_log(req, "sign-in for \"%.64s\" from %s refused: wait %lld s", username,
                req->client_addr, (long long)wait);
        res->retry_after = (int)wait;
        login_form(req, res, 429, username,
                   N_("Too many wrong passwords for this user name from here. Wait a little "
                      "before the next try: the wait grows with each wrong password, and an "
                      "administrator can clear it."),
                   next);
        return;
    case AUTH_LOGIN_DISABLED:
        login_form(req, res, 403, username,
                   N_("This account is disabled. Ask an administrator of your school."), next);
        return;
    case AUTH_LOGIN_BAD:
    default:
        web_log(req, "sign-in failed for \"%.64s\" from %s", username, req->client_addr);
        login_form(req, res, 401, username,
                   N_("The user name or the password is not right. Check both and try again."),
                   next);
        return;
    }
}

/*
** WEBPAGE: POST /logout
** ACCESS:  signed-in
** BODY:    form
**
** POST /logout: end the session, clear the cookie, back to the form.
*/
void page_logout_post(web_ctx *c) {
    web_request *req = c->req;
    web_response *res = c->res;
    cairn_err err = {0};
    const char *token = auth_session_cookie(req);
    store *st = web_request_store(req, &err);
    if (token && st && auth_session_end(st, token, &err) < 0)
        web_log(req, "logout: %s", err.msg);
    else if (!st)
        web_log(req, "logout: %s", err.msg);
    web_redirect(res, "/login");
    auth_cookie_set(req, res, NULL);
}

/* "Signed in as NAME" and a sign-out button (see auth.h), in the
** request's language. */
void page_auth_signout(web_request *req, buf *b) {
    const auth_session *s = req->session;
    if (!s || s->via_api_token) return;
    const i18n_lang *L = i18n_request(req);
    html_printf(b, "<form class=\"signout\" method=\"post\" action=\"/logout\">\n<p>");
    html_printf(b, T(L, "Signed in as <strong>%T</strong> (%T)."), s->display_name, s->username);
    html_printf(b, "\n<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
                   "<button type=\"submit\">%T</button></p>\n</form>\n",
                s->csrf, T(L, "Sign out"));
}

/* path (web_path_is_local) as a Location value in a's memory: spaces and
** bytes beyond ASCII (a group code "Klasse 1") percent-encoded, the rest
** as it is. */
static const char *location_encode(arena *a, const char *path) {
    static const char hex[] = "0123456789ABCDEF";
    char *out = arena_alloc(a, 3 * strlen(path) + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7F) {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        } else {
            *o++ = (char)*p;
        }
    }
    *o = 0;
    return out;
}

/*
** WEBPAGE: POST /language
** ACCESS:  signed-in
** BODY:    form
**
** POST /language: set the signed-in account's language (form field "lang",
** one of i18n_langs(), or "" for "follow the browser") and go back to the
** page named in "return" (a path on this server; else the dashboard).  An
** unknown language is a 400 that changes nothing.
*/
void page_language_post(web_ctx *c) {
    web_request *req = c->req;
    web_response *res = c->res;
    const char *code = web_request_form(req, "lang");
    const i18n_lang *l = code && *code ? i18n_find(code) : NULL;
    if (!code || (*code && (!l || strcmp(l->code, code) != 0))) {
        web_error_page(res, 400, "Unknown language",
                       "The language asked for is not one this site speaks.");
        return;
    }
    if (!req->session || req->session->via_api_token) {
        web_error_page(res, 400, "Not signed in", "Please sign in again.");
        return;
    }
    cairn_err err = {0};
    store *st = web_request_store(req, &err);
    if (!st || account_language_set(st, req->session->who.account_id, l, &err) < 0) {
        web_log(req, "language: %s", err.msg);
        web_error_page(res, 503, "Database unavailable",
                       "The database cannot be reached right now. Please try again in a minute.");
        return;
    }
    const char *back = web_request_form(req, "return");
    /* only a path on this server: "/x", never "//host", "/\\host" or "/\t/host" */
    web_redirect(res, web_path_is_local(back) ? location_encode(req->arena, back) : "/dashboard");
}
