/*
** web/risk/dashboard.c — GET /dashboard (the JSON twins are in
** api_learners.c): the list of learners as a tool — search by name or
** school reference, sort by a column, every filter kept in the link,
** pages before and after with their place in the list — the learners who
** need attention
** as of the latest score date, with filters that work without JavaScript
** (a GET form), counts per tier, the attendance and early-leaving trend of
** the school year (web/trend.h), and only the learners the viewer may see
** (access_learner_predicate).
*/
#include "web/pages.h"
#include "web/api.h"
#include "web/page.h"
#include "web/list_view.h"
#include "gen/pages.h"
#include "base/date.h"
#include "risk/risk_read.h"
#include "school/school.h"
#include "web/access.h"
#include "web/dashboard_data.h"
#include "school/school_home.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/trend.h"
#include "web/risk/attention_list.h"
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DASHBOARD_ROWS 50               /* learners per page */
#define DASHBOARD_GROUP_SELECT_MAX 300  /* more groups: a text field, not a list */

/* Write one <option> with value (text) and label; selected when it equals
** current. */
static void option(buf *b, const char *value, const char *label, const char *current) {
    html_printf(b, strcmp(value, current) == 0 ? "<option value=\"%A\" selected>%T</option>\n"
                                               : "<option value=\"%A\">%T</option>\n",
                value, label);
}

/* The filter form: search, programme, group, tier and flag, as a GET form
** that keeps the order. */
static void filter_form(buf *b, const i18n_lang *L, const school_group_summary *groups,
                        size_t ngroups, const attention_params *p) {
    const risk_attention_filter *f = &p->f;
    html_printf(b, "<form class=\"filters\" method=\"get\" action=\"/dashboard\" role=\"search\">\n"
                   "<p><label for=\"f-q\">%T</label>\n"
                   "<input id=\"f-q\" name=\"q\" type=\"search\" maxlength=\"100\" value=\"%A\">"
                   "</p>\n<p><label for=\"f-programme\">%T</label>\n"
                   "<select id=\"f-programme\" name=\"programme\">\n",
                T(L, "Name or school reference"), f->search, T(L, "Programme"));
    option(b, "", T(L, "All programmes"), f->programme_code);
    for (size_t i = 0; i < ngroups; i++)
        if (groups[i].programme_code[0] &&
            (i == 0 || strcmp(groups[i].programme_code, groups[i - 1].programme_code) != 0))
            option(b, groups[i].programme_code,
                   groups[i].programme_name[0] ? groups[i].programme_name
                                               : groups[i].programme_code,
                   f->programme_code);
    html_printf(b, "</select></p>\n<p><label for=\"f-group\">%T</label>\n", T(L, "Group"));
    if (ngroups <= DASHBOARD_GROUP_SELECT_MAX) {
        html_printf(b, "<select id=\"f-group\" name=\"group\">\n");
        option(b, "", T(L, "All groups"), f->group_code);
        for (size_t i = 0; i < ngroups; i++)
            option(b, groups[i].group_code,
                   groups[i].group_name[0] ? groups[i].group_name : groups[i].group_code,
                   f->group_code);
        html_printf(b, "</select>");
    } else {
        /* a list of thousands of groups helps nobody: type the code */
        html_printf(b, "<input id=\"f-group\" name=\"group\" type=\"text\" maxlength=\"64\" "
                       "value=\"%A\" aria-describedby=\"f-group-hint\"> "
                       "<span id=\"f-group-hint\" class=\"muted\">%T</span>",
                    f->group_code, T(L, "the group's code, empty for all groups"));
    }
    html_printf(b, "</p>\n<p><label for=\"f-tier\">%T</label>\n"
                   "<select id=\"f-tier\" name=\"tier\">\n", T(L, "Tier"));
    option(b, "", T(L, "Everyone who needs attention"), p->tier);
    option(b, "all", T(L, "All learners"), p->tier);
    option(b, "2", page_tier_name(L, RISK_TIER_INDIVIDUAL), p->tier);
    option(b, "1", page_tier_name(L, RISK_TIER_SELECTIVE), p->tier);
    option(b, "0", page_tier_name(L, RISK_TIER_UNIVERSAL), p->tier);
    html_printf(b, "</select></p>\n<p><label for=\"f-flag\">%T</label>\n"
                   "<select id=\"f-flag\" name=\"flag\">\n", T(L, "Flag"));
    option(b, "", T(L, "Any flag"), f->flag);
    for (int r = 0; r < RISK_RULE_COUNT; r++) {
        const char *code = risk_rule_info_of((risk_rule_id)r)->code;
        option(b, code, page_flag_name(L, code), f->flag);
    }
    html_printf(b, "</select></p>\n");
    if (p->sort[0]) html_printf(b, "<input type=\"hidden\" name=\"sort\" value=\"%A\">", p->sort);
    if (p->order[0])
        html_printf(b, "<input type=\"hidden\" name=\"order\" value=\"%A\">", p->order);
    html_printf(b, "<p><button type=\"submit\">%T</button> "
                   "<a href=\"/dashboard?view=default\">%T</a></p>\n</form>\n",
                T(L, "Show"), T(L, "Clear filters"));
}

/* The counts per tier as a list. */
static void tier_counts(buf *b, const i18n_lang *L, const size_t counts[RISK_TIER_COUNT]) {
    char num[I18N_NUM_MAX];
    html_printf(b, "<h2>%T</h2>\n<ul class=\"tiers\">\n", T(L, "Learners per tier"));
    for (int t = RISK_TIER_INDIVIDUAL; t >= RISK_TIER_UNIVERSAL; t--)
        html_printf(b, "<li class=\"tier-%d\"><strong>%T</strong> %T</li>\n", t,
                    i18n_format_int(L, (long long)counts[t], num, sizeof num),
                    page_tier_name(L, (risk_tier)t));
    html_printf(b, "</ul>\n");
}

/* The count line ("Showing 51–100 of 241 learners.") and the links to the
** pages before and after, and to the first; the CSV export of the list. */
static void paging(buf *b, const i18n_lang *L, const dashboard_data *d,
                   const attention_params *p, const dashboard_query *q) {
    char num[I18N_NUM_MAX], num2[I18N_NUM_MAX], num3[I18N_NUM_MAX];
    int has_next = q->before ? (d->n > 0) : d->more;
    int has_prev = d->first > 1;
    html_printf(b, "<p id=\"list-count\">");
    if (d->total > d->n && d->n)
        html_printf(b, TN(L, "Showing %T\xE2\x80\x93%T of %T learner.",
                          "Showing %T\xE2\x80\x93%T of %T learners.", d->total),
                    i18n_format_int(L, (long long)d->first, num, sizeof num),
                    i18n_format_int(L, (long long)(d->first + d->n - 1), num2, sizeof num2),
                    i18n_format_int(L, (long long)d->total, num3, sizeof num3));
    else
        html_printf(b, TN(L, "%T learner.", "%T learners.", d->n),
                    i18n_format_int(L, (long long)d->n, num, sizeof num));
    html_printf(b, " <a href=\"");
    attention_url(b, "/dashboard.csv", p, NULL, 0);
    html_printf(b, "\" download>%T</a></p>\n", T(L, "Download this list (CSV)"));
    if (!d->n || (!has_next && !has_prev)) return;
    html_printf(b, "<nav class=\"paging\" aria-label=\"%A\"><ul>\n", T(L, "More learners"));
    if (has_prev) {
        html_printf(b, "<li><a rel=\"prev\" href=\"");
        attention_url(b, "/dashboard", p, "before", d->rows[0].learner_id);
        html_printf(b, "\">%T</a></li>\n", T(L, "Previous page"));
    }
    if (has_next && (!q->before || d->first + d->n <= d->total)) {
        html_printf(b, "<li><a rel=\"next\" href=\"");
        attention_url(b, "/dashboard", p, "after", d->rows[d->n - 1].learner_id);
        html_printf(b, "\">%T</a></li>\n", T(L, "Next page"));
    }
    if (has_prev) {
        html_printf(b, "<li><a href=\"");
        attention_url(b, "/dashboard", p, NULL, 0);
        html_printf(b, "\">%T</a></li>\n", T(L, "First page"));
    }
    html_printf(b, "</ul></nav>\n");
}

/* The 400 page for a paging cursor (after= or before=) that is not a
** learner of the viewer's list on its score date: forged, malformed, or
** from a list that has changed since.  It says nothing about the learner
** it names. */
static void page_bad_cursor(web_ctx *c) {
    web_error_page(c->res, 400, "This page of the list does not exist",
                   "The link names a place in the list that is not in your list of "
                   "learners today. Open the dashboard again to start from its first page.");
}

/* The groups the viewer may choose in the group filter: a teacher (who
** does not see the whole school) only the groups they teach.  *groups is
** replaced by a malloc'd list the caller frees (d's own is freed). */
static int viewer_groups(store *st, const access_ctx *who, dashboard_data *d, cairn_err *err) {
    if (who->roles & (ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER)) return 0;
    assert(!d->shared);   /* only whole-institution viewers read through the cache */
    free(d->groups);
    d->groups = NULL;
    d->ngroups = 0;
    if (!(who->roles & ACCESS_ROLE_TEACHER) || !who->staff_id) return 0;
    return school_group_summaries_taught(st, who->institution_id, who->staff_id, &d->groups,
                                         &d->ngroups, err);
}

/* The list's filters as a raw query string (no search text, no cursor),
** appended to out: what list_view remembers. */
static void dashboard_view_query(const attention_params *p, buf *out) {
    const char *names[] = {"programme", "group", "tier", "flag", "sort", "order"};
    const char *values[] = {p->f.programme_code, p->f.group_code, p->tier, p->f.flag, p->sort,
                            p->order};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!values[i] || !*values[i]) continue;
        if (out->len) buf_puts(out, "&");   /* not HTML: a URL query string */
        buf_puts(out, names[i]);            /* not HTML: a URL query string */
        buf_puts(out, "=");                 /* not HTML: a URL query string */
        html_url_param(out, values[i]);
    }
}

/* Filters remembered per person (web/list_view.h): a request for the bare
** /dashboard goes to the filters this account used last (a 303; returns 1);
** any other request remembers its filters ("view=default", as "Clear
** filters" sends, forgets them).  0 = go on and answer the request; a
** failure to remember is logged, never shown. */
static int dashboard_view_remembered(web_ctx *c, const attention_params *p) {
    static const char *const names[] = {"q", "programme", "group", "tier", "flag", "sort",
                                        "order", "after", "before", "view"};
    int bare = 1;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (web_request_query(c->req, names[i])) bare = 0;
    cairn_err err = {0};
    buf q = BUF_INIT;
    int rc = 0;
    if (bare) {
        int found = list_view_load(c->st, c->who->account_id, "dashboard", &q, &err);
        if (found > 0) {
            web_redirect(c->res, arena_printf(c->arena, "/dashboard?%s", buf_cstr(&q)));
            rc = 1;
        } else if (found < 0) {
            web_log(c->req, "list view: %s", err.msg);
        }
    } else if (!web_request_query(c->req, "after") && !web_request_query(c->req, "before")) {
        dashboard_view_query(p, &q);
        if (list_view_save(c->st, c->who->account_id, "dashboard", buf_cstr(&q), &err) < 0)
            web_log(c->req, "list view: %s", err.msg);
    }
    buf_free(&q);
    return rc;
}

/* The dashboard for p and q, read and written (see page_dashboard). */
static void dashboard_show(web_ctx *c, const attention_params *p, const dashboard_query *q) {
    cairn_err err = {0};
    const i18n_lang *L = c->L;
    store *st = c->st;
    access_ctx who = *c->who;
    dashboard_data d;
    web_trend trend;
    int rc = dashboard_data_read(st, &who, q, &d, &err);
    if (rc != 0 && q->after && err.code == CAIRN_ENOTFOUND) {
        page_bad_cursor(c);   /* not a row of the viewer's list on this day */
        dashboard_data_free(&d);
        return;
    }
    attention_ack *acks = d.n ? calloc(d.n, sizeof *acks) : NULL;
    if (rc != 0 || viewer_groups(st, &who, &d, &err) != 0 ||
        attention_acks_read(st, who.institution_id, d.rows, d.n, acks, &err) != 0 ||
        web_trend_get(st, &who, d.asof ? d.asof : date_today(), &trend, &err) != 0) {
        page_fail(c, "dashboard", err.msg);
        dashboard_data_free(&d);
        free(acks);
        return;
    }
    buf *b = c->b;
    if (d.asof) page_begin_list(c, T(L, "Dashboard"));
    else page_begin(c, T(L, "Dashboard"));
    html_printf(b, "<h1>%T</h1>\n", T(L, "Dashboard"));
    if (!d.asof) {
        html_printf(b, "<p class=\"notice\">");
        html_printf(b, T(L, "No scores yet \xE2\x80\x94 run <code>cairn score</code>."));
        html_printf(b, "</p>\n");
        web_trend_write(b, L, &trend);
        html_page_end(b);
        dashboard_data_free(&d);
        free(acks);
        return;
    }
    char date[I18N_DATE_MAX];
    html_printf(b, "<p>");
    html_printf(b, T(L, "Scores as of %T. Flags are signs for a person to look at, never a "
                        "decision."), i18n_format_date(L, d.asof, date, sizeof date));
    html_printf(b, "</p>\n");
    html_printf(b, "<h2 id=\"list\" tabindex=\"-1\">%T</h2>\n", T(L, "Learners who need attention"));
    filter_form(b, L, d.groups, d.ngroups, p);
    if (d.n == 0) {
        html_printf(b, "<p class=\"notice\">%T</p>\n", T(L, "No learners match these filters."));
    } else {
        paging(b, L, &d, p, q);
        /* who may open cases gets the case cell: a link, or one click to open one */
        attention_case_cell cases;
        int on_cases = (c->who->roles & (ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_TEACHER |
                                         ACCESS_ROLE_SCHOOL_LEADER)) != 0;
        if (on_cases && attention_case_cells(c, d.rows, d.n, &cases, &err) != 0) {
            dashboard_data_free(&d);
            free(acks);
            page_fail(c, "dashboard cases", err.msg);
            return;
        }
        attention_list_write_cases(b, L, T(L, "Learners who need attention, most urgent first"),
                                   p, d.rows, d.n, acks, on_cases ? &cases : NULL);
    }
    tier_counts(b, L, d.counts);
    web_trend_write(b, L, &trend);
    html_page_end(b);
    dashboard_data_free(&d);
    free(acks);
}

/*
** WEBPAGE: GET /dashboard
** ACCESS:  staff
** BODY:    none
** NAV:     10 Dashboard
**
** The list of learners as a tool: search (q), filters (programme, group,
** tier with "all", flag), order (sort = name or group, order = reverse),
** keyset paging (after = the last learner of the previous page, before =
** the first of the next), all kept in the link; the counts and the trend
** below the list.  What is read comes from web/dashboard_data.h.
*/
void page_dashboard(web_ctx *c) {
    web_request *req = c->req;
    cairn_err err = {0};
    store *st = c->st;

    attention_params p;
    attention_params_read(req, &p);
    const char *after = web_request_query(req, "after");
    const char *before = web_request_query(req, "before");
    if (dashboard_view_remembered(c, &p)) return;   /* redirected to the filters last used */
    const char *cursor = after && *after ? after : before;
    dashboard_query q = {p.f.programme_code, p.f.group_code, p.f.flag, p.f.tier,
                         page_parse_id(cursor), DASHBOARD_ROWS, p.f.search, (int)p.f.sort,
                         p.f.reverse, !(after && *after) && before && *before};
    if ((cursor && *cursor && !q.after) || (after && *after && before && *before)) {
        page_bad_cursor(c);
        return;
    }

    /* from here the page only reads: one read transaction (one SQLite read
    ** lock for all of its statements) */
    int opened = 0;
    if (store_read_begin(st, &opened, &err) < 0) {
        page_fail(c, "dashboard", err.msg);
        return;
    }
    dashboard_show(c, &p, &q);
    store_read_end(st, opened);
}
