/*
** web/support/audit_page.c — the audit log for the data protection officer
** (GET /audit: filtered by learner, person, action and dates, paged; never
** the contents of a record), and the learner page's "Who has seen this
** record" section for the learner's key worker (support/audit_read.h).
*/
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/actions.h"
#include "support/audit_read.h"
#include "web/school/learner.h"
#include "gen/pages.h"
#include <stdlib.h>
#include <string.h>

#define AUDIT_PAGE_ROWS 50
#define AUDIT_READERS_SHOWN 10

/* A stored ISO time as L writes its date, then the UTC time "HH:MM". */
static const char *when_text(const i18n_lang *L, const char *iso, char *out, size_t cap) {
    int32_t days;
    char d[I18N_DATE_MAX];
    if (!iso || strlen(iso) < 16 || date_parse(iso, 10, &days) < 0) {
        snprintf(out, cap, "%s", iso ? iso : "");
        return out;
    }
    snprintf(out, cap, "%s %.5s", i18n_format_date(L, days, d, sizeof d), iso + 11);
    return out;
}

/* The query parameter key, or "" (owned by the request). */
static const char *arg(web_ctx *c, const char *key) {
    const char *v = web_request_query(c->req, key);
    return v ? v : "";
}

/* One text filter field with its label, and its error when bad. */
static void filter_field(web_ctx *c, const char *name, const char *type, const char *label,
                         const char *value, const char *error) {
    html_printf(c->b, "<div class=\"field\"><label for=\"f-%A\">%T</label>\n", name, label);
    if (error)
        html_printf(c->b, "<p class=\"field-error\" id=\"e-%A\">%T</p>\n"
                          "<input type=\"%A\" id=\"f-%A\" name=\"%A\" value=\"%A\" "
                          "aria-invalid=\"true\" aria-describedby=\"e-%A\"></div>\n",
                    name, error, type, name, name, value, name);
    else
        html_printf(c->b, "<input type=\"%A\" id=\"f-%A\" name=\"%A\" value=\"%A\"></div>\n",
                    type, name, name, value);
}

/* The filter form: learner reference, person, action (the codes in use),
** from and to. */
static void filter_form(web_ctx *c, const buf *actions, size_t nactions, const char *errors[4]) {
    const i18n_lang *L = c->L;
    html_printf(c->b, "<form method=\"get\" action=\"/audit\" class=\"filters\">\n"
                      "<fieldset><legend>%T</legend>\n", T(L, "Show events"));
    filter_field(c, "learner", "text", T(L, "Learner (reference)"), arg(c, "learner"), errors[0]);
    filter_field(c, "person", "text", T(L, "Person (user name)"), arg(c, "person"), errors[1]);
    const char *want = arg(c, "action");
    html_printf(c->b, "<div class=\"field\"><label for=\"f-action\">%T</label>\n"
                      "<select id=\"f-action\" name=\"action\">\n<option value=\"\">%T</option>\n",
                T(L, "Action"), T(L, "Any action"));
    const char *a = actions->data;
    for (size_t i = 0; i < nactions; i++, a += strlen(a) + 1)
        html_printf(c->b, strcmp(a, want) ? "<option>%T</option>\n"
                                          : "<option selected>%T</option>\n", a);
    html_printf(c->b, "</select></div>\n");
    filter_field(c, "from", "date", T(L, "From"), arg(c, "from"), errors[2]);
    filter_field(c, "to", "date", T(L, "To"), arg(c, "to"), errors[3]);
    html_printf(c->b, "</fieldset>\n<button type=\"submit\">%T</button>\n</form>\n", T(L, "Show"));
}

/* A link to page n of the same filter. */
static void page_link(web_ctx *c, int64_t page, const char *label, const char *rel) {
    html_printf(c->b, "<a rel=\"%A\" href=\"/audit?learner=%U&amp;person=%U&amp;action=%U"
                      "&amp;from=%U&amp;to=%U&amp;page=%lld\">%T</a>\n",
                rel, arg(c, "learner"), arg(c, "person"), arg(c, "action"), arg(c, "from"),
                arg(c, "to"), (long long)page, label);
}

/* The events as a table. */
static void events_table(web_ctx *c, const support_audit_row *rows, size_t n) {
    const i18n_lang *L = c->L;
    char when[I18N_DATE_MAX + 8], num[I18N_NUM_MAX];
    html_printf(c->b, "<div class=\"scroll\"><table class=\"audit\">\n<caption>%T</caption>\n"
                      "<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                      "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                      "<th scope=\"col\">%T</th><th scope=\"col\">%T</th></tr></thead>\n<tbody>\n",
                T(L, "Events, newest first"), T(L, "When (UTC)"), T(L, "Who"), T(L, "Action"),
                T(L, "Learner"), T(L, "Record"), T(L, "Why"), T(L, "Detail"));
    for (size_t i = 0; i < n; i++) {
        const support_audit_row *r = &rows[i];
        html_printf(c->b, "<tr><td>%T</td><td>%T</td><td><code>%T</code></td><td>%T</td><td>",
                    when_text(L, r->at, when, sizeof when),
                    r->account_id ? r->who : T(L, "the system"), r->action, r->learner);
        if (r->record_kind[0])
            html_printf(c->b, "%T %T", r->record_kind,
                        i18n_format_int(L, r->record_id, num, sizeof num));
        html_printf(c->b, "</td><td>%T</td><td>%T</td></tr>\n", r->reason, r->detail);
    }
    html_printf(c->b, "</tbody></table></div>\n");
}

/* Read the filter of the query (learner, person, action, from, to, page)
** into *f and *page; errors[0..3] (learner, person, from, to) get the
** message (msgid, translated) of a field that cannot be used.  The number
** of such fields, or -1 with err set. */
static int audit_filter_read(web_ctx *c, support_audit_filter *f, long long *page,
                             const char *errors[4], cairn_err *err) {
    const i18n_lang *L = c->L;
    memset(f, 0, sizeof *f);
    int nerr = 0;
    int32_t d;
    const char *from = arg(c, "from"), *to = arg(c, "to");
    if (*from && (strlen(from) != 10 || date_parse(from, 10, &d) < 0))
        errors[2] = T(L, "Give the first day as a date, e.g. 2025-03-01."), nerr++;
    if (*to && (strlen(to) != 10 || date_parse(to, 10, &d) < 0))
        errors[3] = T(L, "Give the last day as a date, e.g. 2025-03-31."), nerr++;
    int unknown = support_audit_filter_resolve(c->st, c->who->institution_id, arg(c, "learner"),
                                               arg(c, "person"), &f->learner_id,
                                               &f->account_id, err);
    if (unknown < 0) return -1;
    if (unknown & 1) errors[0] = T(L, "There is no learner with this reference."), nerr++;
    if (unknown & 2) errors[1] = T(L, "There is no account with this user name."), nerr++;
    str_copy(f->action, sizeof f->action, arg(c, "action"));
    str_copy(f->from, sizeof f->from, errors[2] ? "" : from);
    str_copy(f->to, sizeof f->to, errors[3] ? "" : to);
    *page = atoll(arg(c, "page"));
    if (*page < 1 || *page > 1000000) *page = 1;
    return nerr;
}

/*
** WEBPAGE: GET /audit
** ACCESS:  data_protection_officer
** BODY:    none
** NAV:     85 Audit log
**
** Who did what to which record and why, newest first, fifty to a page;
** filtered by learner reference, person, action and a span of days.  What
** the records say is never shown here.
*/
void page_audit(web_ctx *c) {
    cairn_err err = {0};
    const i18n_lang *L = c->L;
    int64_t inst = c->who->institution_id;
    support_audit_filter f;
    const char *errors[4] = {0};
    long long page = 1;
    int nerr = audit_filter_read(c, &f, &page, errors, &err);
    if (nerr < 0) { page_fail(c, "audit filter", err.msg); return; }
    support_audit_row *rows = NULL;
    size_t n = 0, nactions = 0;
    int more = 0;
    buf actions = BUF_INIT;
    if ((!nerr && support_audit_list(c->st, inst, &f, (page - 1) * AUDIT_PAGE_ROWS,
                                     AUDIT_PAGE_ROWS, &rows, &n, &more, &err) < 0) ||
        support_audit_actions(c->st, inst, &actions, &nactions, &err) < 0) {
        buf_free(&actions);
        page_fail(c, "audit", err.msg);
        return;
    }
    page_keep(c, rows);
    page_begin(c, T(L, "Audit log"));
    html_printf(c->b, "<h1>%T</h1>\n", T(L, "Audit log"));
    if (nerr) {
        html_printf(c->b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                          "tabindex=\"-1\" autofocus>\n<h2>%T</h2>\n<ul>\n",
                    T(L, "The filter could not be used"));
        static const char *const ids[] = {"learner", "person", "from", "to"};
        for (int i = 0; i < 4; i++)
            if (errors[i])
                html_printf(c->b, "<li><a href=\"#f-%A\">%T</a></li>\n", ids[i], errors[i]);
        html_printf(c->b, "</ul>\n</div>\n");
    }
    html_printf(c->b, "<p>%T</p>\n", T(L, "Every reading and change of a learner's support "
                                          "record is written here and cannot be changed "
                                          "afterwards; cairn audit verify checks that."));
    filter_form(c, &actions, nactions, errors);
    buf_free(&actions);
    if (!nerr && !n) html_printf(c->b, "<p>%T</p>\n", T(L, "No events match."));
    if (n) events_table(c, rows, n);
    if (page > 1 || more) {
        html_printf(c->b, "<nav class=\"pages\" aria-label=\"%A\">\n", T(L, "Pages"));
        if (page > 1) page_link(c, page - 1, T(L, "Newer events"), "prev");
        if (more) page_link(c, page + 1, T(L, "Older events"), "next");
        html_printf(c->b, "</nav>\n");
    }
    page_end(c);
}

/* The learner page's "Who has seen this record" (learner.h): for the
** learner's current key worker only, the people who read the record
** lately, from the audit log. */
int support_learner_readers(web_ctx *c, const learner_view *v, const char *title,
                            cairn_err *err) {
    const i18n_lang *L = c->L;
    support_key_worker kw;
    int have = support_key_worker_current(c->st, c->who->institution_id, v->id, &kw, err);
    if (have < 0) return -1;
    if (!have || !c->who->staff_id || kw.staff.id != c->who->staff_id) return 0;
    support_audit_reader *rows = NULL;
    size_t n = 0;
    if (support_audit_readers(c->st, c->who->institution_id, v->id, AUDIT_READERS_SHOWN, &rows,
                              &n, err) < 0)
        return -1;
    page_keep(c, rows);
    char when[I18N_DATE_MAX + 8], num[I18N_NUM_MAX];
    html_printf(c->b, "<section aria-labelledby=\"h-readers\">\n<h2 id=\"h-readers\">%T</h2>\n"
                      "<p class=\"muted\">%T</p>\n<ul class=\"readers\">\n",
                title, T(L, "The people who opened this record most lately, from the audit "
                            "log; only the key worker sees this list."));
    for (size_t i = 0; i < n; i++)
        html_printf(c->b, "<li>%T — %T %T; %T %T</li>\n", rows[i].who[0] ? rows[i].who : "?",
                    T(L, "last:"), when_text(L, rows[i].last_at, when, sizeof when),
                    T(L, "times:"), i18n_format_int(L, rows[i].views, num, sizeof num));
    if (!n) html_printf(c->b, "<li>%T</li>\n", T(L, "Nobody yet."));
    html_printf(c->b, "</ul>\n</section>\n");
    return 0;
}

/*
** WEBPAGE: GET /api/v1/audit
** ACCESS:  data_protection_officer
** BODY:    none
**
** The audit log as JSON, with the page's filters (learner, person,
** action, from, to) and page; 400 naming a filter that cannot be used.
*/
void api_audit(web_ctx *c) {
    cairn_err err = {0};
    support_audit_filter f;
    const char *errors[4] = {0};
    long long page = 1;
    int nerr = audit_filter_read(c, &f, &page, errors, &err);
    if (nerr < 0) { api_fail(c, "audit filter", err.msg); return; }
    for (int i = 0; i < 4; i++)
        if (errors[i]) { api_bad_request(c, errors[i]); return; }
    support_audit_row *rows = NULL;
    size_t n = 0;
    int more = 0;
    if (support_audit_list(c->st, c->who->institution_id, &f, (page - 1) * AUDIT_PAGE_ROWS,
                           AUDIT_PAGE_ROWS, &rows, &n, &more, &err) < 0) {
        api_fail(c, "audit", err.msg);
        return;
    }
    page_keep(c, rows);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const support_audit_row *r = &rows[i];
        json_array_append_new(items, json_pack(
            "{s:I,s:s,s:o,s:s,s:s,s:o,s:s,s:s,s:o,s:s,s:s}", "id", (json_int_t)r->id, "at", r->at,
            "account_id", r->account_id ? json_integer(r->account_id) : json_null(), "who", r->who,
            "action", r->action,
            "learner_id", r->learner_id ? json_integer(r->learner_id) : json_null(),
            "learner", r->learner, "record_kind", r->record_kind,
            "record_id", r->record_kind[0] ? json_integer(r->record_id) : json_null(),
            "reason", r->reason, "detail", r->detail));
    }
    api_reply(c, 200, json_pack("{s:I,s:b,s:o}", "page", (json_int_t)page, "more", more,
                                "items", items));
}
