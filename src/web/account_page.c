/*
** web/account_page.c — the signed-in person's own account: GET /account
** (their API tokens: id, name, made, last used, expires; never a secret),
** POST /account/tokens/{code}/revoke and GET /api/v1/me/tokens.
*/
#include "web/api.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/page.h"
#include "gen/pages.h"
#include <stdlib.h>
#include <time.h>

/* Write t (Unix seconds) as "YYYY-MM-DD HH:MM UTC" into out. */
static void account_time_format(int64_t t, char out[32]) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

/* The viewer's tokens into *rows (kept with the request; NULL when none);
** 0, or -1 with err set. */
static int account_tokens(web_ctx *c, auth_token_info **rows, size_t *n, cairn_err *err) {
    if (auth_token_list(c->st, c->who->account_id, rows, n, err) < 0) return -1;
    if (*rows) page_keep(c, *rows);
    return 0;
}

/*
** WEBPAGE: GET /account
** ACCESS:  signed-in
** BODY:    none
**
** The viewer's API tokens, each with a button that revokes it at once.
** Tokens are made with `cairn user token`; this page never shows a secret.
*/
void page_account(web_ctx *c) {
    cairn_err err = {0};
    auth_token_info *rows;
    size_t n;
    if (account_tokens(c, &rows, &n, &err) < 0) {
        page_fail(c, "account tokens", err.msg);
        return;
    }
    const i18n_lang *L = c->L;
    const char *csrf = c->req->session ? c->req->session->csrf : "";
    int64_t now = auth_now();
    page_begin(c, T(L, "Your account"));
    html_printf(c->b, "<h1>%T</h1>\n<h2>%T</h2>\n", T(L, "Your account"), T(L, "API tokens"));
    if (!n) {
        html_printf(c->b, "<p>%T</p>\n", T(L, "You have no API tokens."));
        page_end(c);
        return;
    }
    html_printf(c->b, "<table>\n<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                      "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                      "<th scope=\"col\"></th></tr></thead>\n<tbody>\n",
                T(L, "ID"), T(L, "Name"), T(L, "Created"), T(L, "Last used"), T(L, "Expires"));
    for (size_t i = 0; i < n; i++) {
        char made[32], used[32], ends[32];
        account_time_format(rows[i].created_at, made);
        account_time_format(rows[i].last_used_at, used);
        account_time_format(rows[i].expires_at, ends);
        html_printf(c->b, "<tr><td><code>%T</code></td><td>%T</td><td>%T</td><td>%T</td><td>%T%T</td>",
                    rows[i].id, rows[i].name, made,
                    rows[i].last_used_at ? used : T(L, "never"),
                    rows[i].expires_at ? ends : T(L, "never"),
                    rows[i].expires_at && now >= rows[i].expires_at ? T(L, " (expired)") : "");
        html_printf(c->b, "<td><form method=\"post\" action=\"/account/tokens/%A/revoke\">"
                          "<input type=\"hidden\" name=\"csrf\" value=\"%A\">"
                          "<button type=\"submit\">%T</button></form></td></tr>\n",
                    rows[i].id, csrf, T(L, "Revoke"));
    }
    html_printf(c->b, "</tbody>\n</table>\n");
    page_end(c);
}

/*
** WEBPAGE: POST /account/tokens/{code}/revoke
** ACCESS:  signed-in
** BODY:    form
**
** Revoke one of the viewer's own API tokens by its id, then back to
** /account; another account's token or an unknown id is a 404.
*/
void page_account_token_revoke(web_ctx *c) {
    cairn_err err = {0};
    if (auth_token_revoke_id(c->st, c->who->account_id, c->code, &err) < 0) {
        if (err.code == CAIRN_ENOTFOUND)
            page_not_found(c, T(c->L, "Token not found"),
                           T(c->L, "You have no API token with this id."));
        else page_fail(c, "token revoke", err.msg);
        return;
    }
    web_redirect(c->res, "/account");
}

/*
** WEBPAGE: GET /api/v1/me/tokens
** ACCESS:  signed-in
** BODY:    none
**
** The caller's API tokens as JSON: items of id, name, created_at,
** last_used_at and expires_at (Unix seconds; null for never).
*/
void api_me_tokens(web_ctx *c) {
    cairn_err err = {0};
    auth_token_info *rows;
    size_t n;
    if (account_tokens(c, &rows, &n, &err) < 0) {
        api_fail(c, "account tokens", err.msg);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *used = rows[i].last_used_at ? json_integer(rows[i].last_used_at) : json_null();
        json_t *ends = rows[i].expires_at ? json_integer(rows[i].expires_at) : json_null();
        json_array_append_new(items, json_pack("{s:s,s:s,s:I,s:o,s:o}", "id", rows[i].id,
                                               "name", rows[i].name, "created_at",
                                               (json_int_t)rows[i].created_at,
                                               "last_used_at", used, "expires_at", ends));
    }
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}
