/*
** web/page.c — the page context's helpers (see page.h): the frame and the
** navigation of the staff pages, the error answers of pages and of the
** JSON API, and rows that live as long as the request.
*/
#include "web/page.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/html.h"
#include "base/date.h"
#include "risk/freshness.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* ---- the frame and the navigation ------------------------------------------------ */

/* One item of the staff navigation: a link to path, marked as the current
** page when it is. */
static void nav_item(buf *b, const char *path, const char *label, const char *current) {
    if (current && strcmp(current, path) == 0)
        html_printf(b, "<li><a href=\"%A\" aria-current=\"page\">%T</a></li>\n", path, label);
    else
        html_printf(b, "<li><a href=\"%A\">%T</a></li>\n", path, label);
}

/* The language switcher: a form that posts the chosen language to
** /language (the account's setting) and comes back to this page. */
static void nav_language(web_ctx *c) {
    const auth_session *s = c->req->session;
    if (!s || s->via_api_token) return;
    size_t n;
    const i18n_lang *langs = i18n_langs(&n), *L = c->L;
    html_printf(c->b, "<form class=\"language\" method=\"post\" action=\"/language\">\n"
                      "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
                      "<input type=\"hidden\" name=\"return\" value=\"%A\">\n"
                      "<label for=\"lang-select\">%T</label>\n"
                      "<select id=\"lang-select\" name=\"lang\">\n",
                s->csrf, c->req->path ? c->req->path : "/dashboard", T(L, "Language"));
    for (size_t i = 0; i < n; i++)
        html_printf(c->b, langs[i].code == L->code
                              ? "<option value=\"%A\" lang=\"%A\" selected>%T</option>\n"
                              : "<option value=\"%A\" lang=\"%A\">%T</option>\n",
                    langs[i].code, langs[i].code, langs[i].name);
    html_printf(c->b, "</select>\n<button type=\"submit\">%T</button>\n</form>\n",
                T(L, "Change language"));
}

/* The staff navigation: every GET route with a NAV the viewer may open, in
** NAV order (ties: table order), then the language switcher and the
** sign-out button. */
void page_nav(web_ctx *c) {
    unsigned roles = c->req->session ? (ACCESS_SIGNED_IN | c->req->session->who.roles) : 0;
    size_t n;
    const web_route *rt = web_route_table(&n);
    html_printf(c->b, "<nav class=\"pages\" aria-label=\"%A\"><ul>\n", T(c->L, "Pages"));
    int last = 0;
    for (;;) {                       /* the next NAV order above last */
        int next = 0;
        for (size_t i = 0; i < n; i++)
            if (rt[i].nav_order > last && (!next || rt[i].nav_order < next)) next = rt[i].nav_order;
        if (!next) break;
        for (size_t i = 0; i < n; i++)
            if (rt[i].nav_order == next && !strcmp(rt[i].method, "GET") &&
                access_route_allowed(roles, &rt[i]) == ACCESS_ALLOW) {
                long unread = strcmp(rt[i].path, "/notices") ? 0 : page_nav_notices(c);
                if (unread > 0)    /* the unread notices beside "Notices" */
                    nav_item(c->b, rt[i].path,
                             arena_printf(c->arena, "%s (%ld)", T(c->L, rt[i].nav_label), unread),
                             c->req->path);
                else
                    nav_item(c->b, rt[i].path, T(c->L, rt[i].nav_label), c->req->path);
            }
        last = next;
    }
    html_printf(c->b, "</ul></nav>\n");
    nav_language(c);
    page_auth_signout(c->req, c->b);
}

/* The one line at the top of every staff page whose institution's scores
** are stale (more than RISK_STALE_SCHOOL_DAYS school days old on today):
** how old they are.  Nothing when they are fresh or there are none yet; a
** failed read goes to the log only (the page itself still answers). */
static void page_freshness(web_ctx *c) {
    if (!c->st || !c->who || !c->who->institution_id) return;
    risk_freshness f;
    cairn_err err = {0};
    if (risk_freshness_of(c->st, c->who->institution_id, date_today(), &f, &err) != 0) {
        web_log(c->req, "scores' age: %s", err.msg);
        return;
    }
    if (!f.asof || !f.stale) return;
    char d[I18N_DATE_MAX], n[I18N_NUM_MAX];
    i18n_format_date(c->L, f.asof, d, sizeof d);
    i18n_format_int(c->L, f.school_days, n, sizeof n);
    html_printf(c->b, "<p class=\"stale\" role=\"status\">");
    html_printf(c->b, TN(c->L, "The scores are from %T, %T school day ago: they may be out of date.",
                        "The scores are from %T, %T school days ago: they may be out of date.",
                        f.school_days), d, n);
    html_printf(c->b, "</p>\n");
}

/* Start a staff page: the frame, the navigation, and a line when the
** scores are stale. */
void page_begin(web_ctx *c, const char *title) {
    html_page_begin(c->b, c->L->code, title);
    page_nav(c);
    page_freshness(c);
}

/* Start a staff page whose skip link lands on its list (id="list"). */
void page_begin_list(web_ctx *c, const char *title) {
    html_page_begin_skip(c->b, c->L->code, title, "list");
    page_nav(c);
    page_freshness(c);
}

/* Close the page. */
void page_end(web_ctx *c) {
    html_page_end(c->b);
}

/* ---- answers ------------------------------------------------------------------------ */

/* The 500 page for a failed read. */
void page_fail(web_ctx *c, const char *what, const char *msg) {
    web_log(c->req, "%s: %s", what, msg);
    web_error_page(c->res, 500, "The school data could not be read",
                   "Something went wrong while reading the school data. "
                   "The server log has the details.");
}

/* 403 with message. */
void page_refuse(web_ctx *c, const char *message) {
    web_error_page(c->res, 403, "Not allowed", message);
}

/* 404 with title and message. */
void page_not_found(web_ctx *c, const char *title, const char *message) {
    web_error_page(c->res, 404, title, message);
}

/* free(), in the shape arena_defer wants. */
static void free_cb(void *p) {
    free(p);
}

/* Free p with the request's arena. */
void *page_keep(web_ctx *c, void *p) {
    assert(c && c->arena);
    if (p) arena_defer(c->arena, free_cb, p);
    return p;
}

/* ---- the JSON API ------------------------------------------------------------------ */

/* Answer with v as JSON. */
void api_reply(web_ctx *c, int status, json_t *v) {
    api_send(c->res, status, v);
}

/* 500 for a failed read. */
void api_fail(web_ctx *c, const char *what, const char *msg) {
    web_log(c->req, "api %s: %s", what, msg);
    web_error_json(c->res, 500, "internal", "The data could not be read.");
}

/* 403. */
void api_refuse(web_ctx *c, const char *message) {
    web_error_json(c->res, 403, "forbidden", message);
}

/* 404. */
void api_not_found(web_ctx *c, const char *message) {
    web_error_json(c->res, 404, "not_found", message);
}

/* 400. */
void api_bad_request(web_ctx *c, const char *message) {
    web_error_json(c->res, 400, "bad_request", message);
}

/* 400 naming the refused field, or none when it is not about one (see page.h). */
void api_field_error(web_ctx *c, const char *field, const char *message) {
    assert(message);
    const char *named = field && *field ? field : NULL;   /* "s*": left out when NULL */
    api_reply(c, 400, json_pack("{s:{s:s,s:s*,s:s}}", "error", "code", "bad_request", "field",
                                named, "message", message));
}
