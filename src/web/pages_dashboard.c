/*
** web/pages_dashboard.c — GET /dashboard: the learners who need attention
** as of the latest score date, with filters that work without JavaScript
** (a GET form), counts per tier, the attendance and early-leaving trend of
** the school year (web/trend.h), and only the learners the viewer may see
** (access_learner_predicate).
*/
#include "web/pages.h"
#include "base/date.h"
#include "risk/risk_read.h"
#include "school/school.h"
#include "web/access.h"
#include "web/dashboard_data.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/trend.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DASHBOARD_ROWS 50               /* learners per page */
#define DASHBOARD_REASONS 3             /* reasons shown per learner */
#define DASHBOARD_GROUP_SELECT_MAX 300  /* more groups: a text field, not a list */

/* A query parameter, or "" when absent or longer than 64 bytes. */
static const char *param(web_request *req, const char *name) {
    const char *v = web_request_query(req, name);
    return v && strlen(v) <= 64 ? v : "";
}

/* Write one <option> with value (text) and label; selected when it equals
** current. */
static void option(buf *b, const char *value, const char *label, const char *current) {
    html_printf(b, strcmp(value, current) == 0 ? "<option value=\"%A\" selected>%T</option>\n"
                                               : "<option value=\"%A\">%T</option>\n",
                value, label);
}

/* The filter form: programme, group, tier and flag, as a GET form. */
static void filter_form(buf *b, const i18n_lang *L, const school_group_summary *groups,
                        size_t ngroups, const risk_attention_filter *f, const char *tier) {
    html_printf(b, "<form class=\"filters\" method=\"get\" action=\"/dashboard\">\n"
                   "<p><label for=\"f-programme\">%T</label>\n"
                   "<select id=\"f-programme\" name=\"programme\">\n", T(L, "Programme"));
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
    option(b, "", T(L, "Everyone who needs attention"), tier);
    option(b, "2", page_tier_name(L, RISK_TIER_INDIVIDUAL), tier);
    option(b, "1", page_tier_name(L, RISK_TIER_SELECTIVE), tier);
    option(b, "0", page_tier_name(L, RISK_TIER_UNIVERSAL), tier);
    html_printf(b, "</select></p>\n<p><label for=\"f-flag\">%T</label>\n"
                   "<select id=\"f-flag\" name=\"flag\">\n", T(L, "Flag"));
    option(b, "", T(L, "Any flag"), f->flag);
    for (int r = 0; r < RISK_RULE_COUNT; r++) {
        const char *code = risk_rule_info_of((risk_rule_id)r)->code;
        option(b, code, page_flag_name(L, code), f->flag);
    }
    html_printf(b, "</select></p>\n<p><button type=\"submit\">%T</button> "
                   "<a href=\"/dashboard\">%T</a></p>\n</form>\n",
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

/* The table of learners. */
static void attention_table(buf *b, const i18n_lang *L, const risk_attention_row *rows,
                            size_t n) {
    char num[I18N_NUM_MAX];
    html_printf(b, "<table class=\"attention\">\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\">%T</th></tr></thead>\n<tbody>\n",
                T(L, "Learners who need attention, most urgent first"), T(L, "Learner"),
                T(L, "Group"), T(L, "Tier"), T(L, "Why"));
    for (size_t i = 0; i < n; i++) {
        const risk_attention_row *r = &rows[i];
        html_printf(b, "<tr><th scope=\"row\"><a href=\"/learners/%lld\">%T %T</a></th>"
                       "<td>%T</td><td class=\"tier-%d\">%T",
                    (long long)r->learner_id, r->given_name, r->family_name,
                    r->group_name[0] ? r->group_name : r->group_code, (int)r->tier,
                    page_tier_name(L, r->tier));
        if (!isnan(r->probability)) {
            html_printf(b, "<br><span class=\"muted\">");
            html_printf(b, T(L, "estimated risk %T"),
                        i18n_format_number(L, r->probability * 100.0, 0, num, sizeof num));
            html_printf(b, "</span>");
        }
        html_printf(b, "</td><td><ul class=\"reasons\">\n");
        for (int k = 0; k < r->nreasons && k < DASHBOARD_REASONS; k++)
            page_reason_li(b, L, r, k);
        if (r->nreasons == 0) html_printf(b, "<li>%T</li>\n", T(L, "no flags"));
        html_printf(b, "</ul></td></tr>\n");
    }
    html_printf(b, "</tbody>\n</table>\n");
}

/* Append the dashboard's own URL with the filters of f and tier and,
** when after is not 0, the page after that learner. */
static void dashboard_url(buf *b, const risk_attention_filter *f, const char *tier,
                          int64_t after) {
    html_printf(b, "/dashboard?programme=%U&amp;group=%U&amp;tier=%U&amp;flag=%U",
                f->programme_code, f->group_code, tier, f->flag);
    if (after) html_printf(b, "&amp;after=%lld", (long long)after);
}

/* The count line and the links to the next and the first page. */
static void paging(buf *b, const i18n_lang *L, const dashboard_data *d,
                   const risk_attention_filter *f, const char *tier, int64_t after) {
    char num[I18N_NUM_MAX], num2[I18N_NUM_MAX];
    html_printf(b, "<p>");
    if (d->total > d->n)
        html_printf(b, TN(L, "Showing %T of %T learner.", "Showing %T of %T learners.", d->total),
                    i18n_format_int(L, (long long)d->n, num, sizeof num),
                    i18n_format_int(L, (long long)d->total, num2, sizeof num2));
    else
        html_printf(b, TN(L, "%T learner.", "%T learners.", d->n),
                    i18n_format_int(L, (long long)d->n, num, sizeof num));
    html_printf(b, "</p>\n");
    if (!d->more && !after) return;
    html_printf(b, "<nav class=\"paging\" aria-label=\"%A\"><ul>\n", T(L, "More learners"));
    if (d->more) {
        html_printf(b, "<li><a rel=\"next\" href=\"");
        dashboard_url(b, f, tier, d->rows[d->n - 1].learner_id);
        html_printf(b, "\">%T</a></li>\n", T(L, "Next page"));
    }
    if (after) {
        html_printf(b, "<li><a href=\"");
        dashboard_url(b, f, tier, 0);
        html_printf(b, "\">%T</a></li>\n", T(L, "First page"));
    }
    html_printf(b, "</ul></nav>\n");
}

/* GET /dashboard: the filters and the page come from the query string
** (programme, group, tier, flag, after = the last learner of the previous
** page); what is read comes from web/dashboard_data.h. */
void page_dashboard(web_request *req, web_response *res) {
    cairn_err err = {0};
    const i18n_lang *L = i18n_request(req);
    store *st = page_store(req, res);
    if (!st) return;
    if (!req->session) {
        web_error_page(res, 403, "Not allowed", "You may not open this page.");
        return;
    }
    access_ctx who = req->session->who;
    who.st = st;

    const char *tier = param(req, "tier");
    risk_attention_filter f = {0};
    f.programme_code = param(req, "programme");
    f.group_code = param(req, "group");
    f.flag = param(req, "flag");
    if (f.flag[0] && risk_rule_find(f.flag) < 0) f.flag = "";
    f.tier = (tier[0] >= '0' && tier[0] <= '2' && !tier[1]) ? tier[0] - '0' : -1;
    if (f.tier < 0) tier = "";
    dashboard_query q = {f.programme_code, f.group_code, f.flag, f.tier,
                         page_parse_id(param(req, "after")), DASHBOARD_ROWS};

    dashboard_data d;
    web_trend trend;
    int rc = dashboard_data_read(st, &who, &q, &d, &err);
    if (rc != 0 && q.after && err.code == CAIRN_ENOTFOUND) {
        q.after = 0;     /* that learner is not in today's list: start again */
        err = (cairn_err){0};
        rc = dashboard_data_read(st, &who, &q, &d, &err);
    }
    if (rc != 0 || web_trend_get(st, &who, d.asof ? d.asof : date_today(), &trend, &err) != 0) {
        page_read_failed(req, res, "dashboard", err.msg);
        dashboard_data_free(&d);
        return;
    }
    buf *b = &res->body;
    html_page_begin(b, L->code, T(L, "Dashboard"));
    page_nav(req, b, "/dashboard");
    html_printf(b, "<h1>%T</h1>\n", T(L, "Dashboard"));
    if (!d.asof) {
        html_printf(b, "<p class=\"notice\">");
        html_printf(b, T(L, "No scores yet \xE2\x80\x94 run <code>cairn score</code>."));
        html_printf(b, "</p>\n");
        web_trend_write(b, L, &trend);
        html_page_end(b);
        dashboard_data_free(&d);
        return;
    }
    char date[I18N_DATE_MAX];
    html_printf(b, "<p>");
    html_printf(b, T(L, "Scores as of %T. Flags are signs for a person to look at, never a "
                        "decision."), i18n_format_date(L, d.asof, date, sizeof date));
    html_printf(b, "</p>\n");
    tier_counts(b, L, d.counts);
    web_trend_write(b, L, &trend);
    html_printf(b, "<h2>%T</h2>\n", T(L, "Learners who need attention"));
    filter_form(b, L, d.groups, d.ngroups, &f, tier);
    if (d.n == 0) {
        html_printf(b, "<p class=\"notice\">%T</p>\n", T(L, "No learners match these filters."));
    } else {
        paging(b, L, &d, &f, tier, q.after);
        attention_table(b, L, d.rows, d.n);
    }
    html_page_end(b);
    dashboard_data_free(&d);
}
