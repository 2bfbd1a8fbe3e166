/*
** web/pages_common.c — what the staff pages share (see pages.h), and the
** start page's redirect.
*/
#include "web/pages.h"
#include "web/access.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/reasons.h"
#include <string.h>

/* GET /: signed-in staff go to their dashboard (the programme overview
** lives at /programmes). */
void page_root(web_request *req, web_response *res) {
    (void)req;
    web_redirect(res, "/dashboard");
}

/* The request's store, or NULL with a 503 page in res. */
store *page_store(web_request *req, web_response *res) {
    cairn_err err = {0};
    store *st = web_request_store(req, &err);
    if (!st) {
        web_log(req, "page: %s", err.msg);
        web_error_page(res, 503, "Database unavailable",
                       "The database cannot be reached right now. Please try again in a minute.");
    }
    return st;
}

/* A 500 page for a read that failed; the details go to the log only. */
void page_read_failed(web_request *req, web_response *res, const char *what, const char *msg) {
    web_log(req, "%s: %s", what, msg);
    web_error_page(res, 500, "The school data could not be read",
                   "Something went wrong while reading the school data. "
                   "The server log has the details.");
}

/* The translated name of a tier. */
const char *page_tier_name(const i18n_lang *L, risk_tier t) {
    switch (t) {
    case RISK_TIER_UNIVERSAL: return T(L, "Universal support");
    case RISK_TIER_SELECTIVE: return T(L, "Selective support");
    case RISK_TIER_INDIVIDUAL: return T(L, "Individual support");
    }
    return "?";
}

/* The rules' names, as risk/rules.c calls them, marked for translation. */
static const struct { const char *code, *name; } flag_names[] = {
    { "attendance_low",     N_("low attendance") },
    { "attendance_drop",    N_("sharp drop in attendance") },
    { "behaviour_serious",  N_("serious behaviour incident") },
    { "behaviour_repeated", N_("repeated behaviour incidents") },
    { "failed_unit",        N_("failed assessment") },
    { "missing_work",       N_("missing assessments") },
    { "engagement_drop",    N_("drop in engagement") },
};

/* The translated name of a flag code. */
const char *page_flag_name(const i18n_lang *L, const char *code) {
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (code && strcmp(flag_names[i].code, code) == 0) return T(L, flag_names[i].name);
    return code ? code : "";
}

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
static void nav_language(web_request *req, buf *b, const i18n_lang *L) {
    const auth_session *s = req->session;
    if (!s || s->via_api_token) return;
    size_t n;
    const i18n_lang *langs = i18n_langs(&n);
    html_printf(b, "<form class=\"language\" method=\"post\" action=\"/language\">\n"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
                   "<input type=\"hidden\" name=\"return\" value=\"%A\">\n"
                   "<label for=\"lang-select\">%T</label>\n"
                   "<select id=\"lang-select\" name=\"lang\">\n",
                s->csrf, req->path ? req->path : "/dashboard", T(L, "Language"));
    for (size_t i = 0; i < n; i++)
        html_printf(b, langs[i].code == L->code
                           ? "<option value=\"%A\" lang=\"%A\" selected>%T</option>\n"
                           : "<option value=\"%A\" lang=\"%A\">%T</option>\n",
                    langs[i].code, langs[i].code, langs[i].name);
    html_printf(b, "</select>\n<button type=\"submit\">%T</button>\n</form>\n",
                T(L, "Change language"));
}

/* The staff navigation (the model and import pages only for the roles
** that may open them), the language switcher and the sign-out button. */
void page_nav(web_request *req, buf *b, const char *current) {
    const i18n_lang *L = i18n_request(req);
    unsigned roles = req->session ? req->session->who.roles : 0;
    html_printf(b, "<nav class=\"pages\" aria-label=\"%A\"><ul>\n", T(L, "Pages"));
    nav_item(b, "/dashboard", T(L, "Dashboard"), current);
    nav_item(b, "/programmes", T(L, "Programmes and groups"), current);
    if (roles & (ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER))
        nav_item(b, "/model", T(L, "Early-warning model"), current);
    if (roles & ACCESS_ROLE_ADMINISTRATOR)
        nav_item(b, "/import", T(L, "Import data"), current);
    html_printf(b, "</ul></nav>\n");
    nav_language(req, b, L);
    page_auth_signout(req, b);
}

/* Reason k of r as <li>, rewritten in L's language from its fields. */
void page_reason_li(buf *b, const i18n_lang *L, const risk_attention_row *r, int k) {
    page_reason pr;
    page_reason_from_fields(&r->reason_fields[k], r->reason[k], &pr);
    html_printf(b, "<li>");
    page_reason_write(b, L, &pr);
    html_printf(b, "</li>\n");
}

/* A positive decimal id, or 0. */
int64_t page_parse_id(const char *s) {
    if (!s || !*s || strlen(s) > 18) return 0;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}
