/*
** web/risk/dashboard.c — GET /dashboard (and the same as JSON: GET /api/v1/learners, GET
** /api/v1/summary): the learners who need attention
** as of the latest score date, with filters that work without JavaScript
** (a GET form), counts per tier, the attendance and early-leaving trend of
** the school year (web/trend.h), and only the learners the viewer may see
** (access_learner_predicate).
*/
#include "web/pages.h"
#include "web/api.h"
#include "web/page.h"
#include "gen/pages.h"
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

/* The 400 page for a paging cursor (after=) that is not a learner of the
** viewer's list on its score date: forged, malformed, or from a list
** that has changed since.  It says nothing about the learner it names. */
static void page_bad_cursor(web_ctx *c) {
    web_error_page(c->res, 400, "This page of the list does not exist",
                   "The link names a place in the list that is not in your list of "
                   "learners today. Open the dashboard again to start from its first page.");
}

/*
** WEBPAGE: GET /dashboard
** ACCESS:  staff
** BODY:    none
** NAV:     10 Dashboard
**
** The learners who need attention, in tiers, with filters (programme,
** group, tier, flag from the query string) and keyset paging (after = the
** last learner of the previous page); the counts and the trend above.
** What is read comes from web/dashboard_data.h.
*/
void page_dashboard(web_ctx *c) {
    web_request *req = c->req;
    cairn_err err = {0};
    const i18n_lang *L = c->L;
    store *st = c->st;
    access_ctx who = *c->who;

    const char *tier = param(req, "tier");
    risk_attention_filter f = {0};
    f.programme_code = param(req, "programme");
    f.group_code = param(req, "group");
    f.flag = param(req, "flag");
    if (f.flag[0] && risk_rule_find(f.flag) < 0) f.flag = "";
    f.tier = (tier[0] >= '0' && tier[0] <= '2' && !tier[1]) ? tier[0] - '0' : -1;
    if (f.tier < 0) tier = "";
    const char *after = web_request_query(req, "after");
    dashboard_query q = {f.programme_code, f.group_code, f.flag, f.tier,
                         page_parse_id(after), DASHBOARD_ROWS};
    if (after && *after && !q.after) {
        page_bad_cursor(c);
        return;
    }

    dashboard_data d;
    web_trend trend;
    int rc = dashboard_data_read(st, &who, &q, &d, &err);
    if (rc != 0 && q.after && err.code == CAIRN_ENOTFOUND) {
        page_bad_cursor(c);   /* not a row of the viewer's list on this day */
        dashboard_data_free(&d);
        return;
    }
    if (rc != 0 || web_trend_get(st, &who, d.asof ? d.asof : date_today(), &trend, &err) != 0) {
        page_fail(c, "dashboard", err.msg);
        dashboard_data_free(&d);
        return;
    }
    buf *b = c->b;
    page_begin(c, T(L, "Dashboard"));
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

/* ---- the same as JSON --------------------------------------------------------- */

/* Parse a whole decimal number in [lo, hi] from s into *out: 0 ok, -1 not. */
static int parse_range(const char *s, long lo, long hi, long *out) {
    if (!s || !*s || strlen(s) > 9 || strspn(s, "0123456789") != strlen(s)) return -1;
    long v = strtol(s, NULL, 10);
    if (v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* A text query parameter: "" when absent; NULL when longer than 64 bytes. */
static const char *text_param(web_request *req, const char *name) {
    const char *v = web_request_query(req, name);
    if (!v) return "";
    return strlen(v) <= 64 ? v : NULL;
}

/* Append "&name=value" (value URL-encoded) to b when value is not empty. */
static void next_param(buf *b, const char *name, const char *value) {
    if (!value || !*value) return;
    buf_printf(b, "&%s=", name);   /* not HTML: a URL for the JSON answer */
    html_url_param(b, value);
}

/*
** WEBPAGE: GET /api/v1/learners
** ACCESS:  staff
** BODY:    none
**
** The dashboard's list as JSON, paginated with limit and offset or after
** (keyset), filtered as the dashboard filters.
*/
void api_learners(web_ctx *c) {
    web_request *req = c->req;
    cairn_err err = {0};
    long limit = API_LIMIT_DEFAULT, offset = 0, tier = -1;
    const char *v;
    if ((v = web_request_query(req, "limit")) && parse_range(v, 1, API_LIMIT_MAX, &limit) < 0) {
        api_bad_request(c, "limit must be a whole number from 1 to 200.");
        return;
    }
    if ((v = web_request_query(req, "offset")) &&
        parse_range(v, 0, API_OFFSET_MAX, &offset) < 0) {
        api_bad_request(c, "offset must be a whole number from 0 to 10000.");
        return;
    }
    long after = 0;
    if ((v = web_request_query(req, "after")) &&
        parse_range(v, 1, 999999999999999999L, &after) < 0) {
        api_bad_request(c, "after must be a learner id (a whole number).");
        return;
    }
    if (after && offset) {
        api_bad_request(c, "Give offset or after, not both.");
        return;
    }
    if ((v = web_request_query(req, "tier")) && parse_range(v, 0, 2, &tier) < 0) {
        api_bad_request(c, "tier must be 0, 1 or 2.");
        return;
    }
    risk_attention_filter f = {0};
    f.tier = (int)tier;
    f.programme_code = text_param(req, "programme");
    f.group_code = text_param(req, "group");
    f.flag = text_param(req, "flag");
    if (!f.programme_code || !f.group_code || !f.flag) {
        api_bad_request(c, "A filter is longer than 64 bytes.");
        return;
    }
    if (f.flag[0] && risk_rule_find(f.flag) < 0) {
        api_bad_request(c, "flag is not the code of a rule.");
        return;
    }
    store *st = c->st;
    const access_ctx *who = c->who;
    buf pred = BUF_INIT;
    access_learner_predicate(who, "s.institution_id", "s.learner_id", &pred);
    risk_visibility vis = {buf_cstr(&pred), api_bind_access, who};
    f.visible = &vis;

    int32_t asof = 0;
    risk_attention_row *rows = NULL;
    size_t n = 0, total = 0;
    /* one row more than the page, to know whether a next page exists;
    ** after = keyset paging (any depth at the same cost), else offset */
    int rc = risk_read_latest_asof(st, who->institution_id, &asof, &err);
    if (rc == 0 && asof)
        rc = after ? risk_read_attention_after(st, who->institution_id, asof, &f, after,
                                               (size_t)limit + 1, &rows, &n, &total, &err)
                   : risk_read_attention(st, who->institution_id, asof, &f,
                                         (size_t)(offset + limit) + 1, &rows, &n, &total, &err);
    if (rc != 0) {
        if (after && err.code == CAIRN_ENOTFOUND)
            api_bad_request(c, "after is not a learner of your list on its score date.");
        else
            api_fail(c, "learners", err.msg);
        buf_free(&pred);
        free(rows);
        return;
    }
    size_t end = (size_t)(offset + limit);     /* rows[offset..end) is the page */
    int more = n > end;
    if (n > end) n = end;
    json_t *items = json_array();
    for (size_t i = (size_t)offset; i < n; i++) {
        const risk_attention_row *r = &rows[i];
        json_t *flags = json_array(), *reasons = json_array();
        for (int k = 0; k < r->nflags; k++)
            json_array_append_new(flags, json_string(r->flag_codes[k]));
        for (int k = 0; k < r->nreasons; k++)
            json_array_append_new(reasons, json_string(r->reason[k]));
        char name[210];
        snprintf(name, sizeof name, "%s %s", r->given_name, r->family_name);
        json_array_append_new(items, json_pack(
            "{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:i,s:s,s:o,s:o,s:o}",
            "id", (json_int_t)r->learner_id, "ref", r->ref, "name", name,
            "given_name", r->given_name, "family_name", r->family_name,
            "group", api_json_text(r->group_code),
            "group_name", api_json_text(r->group_name),
            "programme", api_json_text(r->programme_code), "tier", (int)r->tier,
            "tier_name", risk_tier_name(r->tier), "probability", api_json_probability(r->probability),
            "flags", flags, "reasons", reasons));
    }
    json_t *next = json_null();
    if (more && n > (size_t)offset) {
        buf b = BUF_INIT;
        /* not HTML: a URL whose free parts are percent-encoded */
        buf_printf(&b, "/api/v1/learners?limit=%ld&after=%lld", limit,
                   (long long)rows[n - 1].learner_id);
        if (tier >= 0) buf_printf(&b, "&tier=%ld", tier);   /* not HTML: as above */
        next_param(&b, "programme", f.programme_code);
        next_param(&b, "group", f.group_code);
        next_param(&b, "flag", f.flag);
        next = json_string(buf_cstr(&b));
        buf_free(&b);
    }
    api_reply(c, 200, json_pack("{s:o,s:I,s:i,s:i,s:o,s:o}", "items", items, "total",
                                 (json_int_t)total, "limit", (int)limit, "offset", (int)offset,
                                 "next", next, "asof", api_json_day(asof)));
    buf_free(&pred);
    free(rows);
}

/*
** WEBPAGE: GET /api/v1/summary
** ACCESS:  staff
** BODY:    none
**
** The dashboard's counts per tier and the trend, over the learners the
** caller may see.
*/
void api_summary(web_ctx *c) {
    cairn_err err = {0};
    const access_ctx *who = c->who;
    buf pred = BUF_INIT;
    access_learner_predicate(who, "s.institution_id", "s.learner_id", &pred);
    risk_visibility vis = {buf_cstr(&pred), api_bind_access, who};
    risk_attention_filter f = {0};
    f.tier = -1;
    f.visible = &vis;
    int32_t asof = 0;
    size_t counts[RISK_TIER_COUNT] = {0};
    web_trend trend;
    if (risk_read_latest_asof(who->st, who->institution_id, &asof, &err) != 0 ||
        (asof && risk_read_tier_counts(who->st, who->institution_id, asof, &f, counts,
                                       &err) != 0) ||
        web_trend_get(who->st, who, asof ? asof : date_today(), &trend, &err) != 0) {
        api_fail(c, "summary", err.msg);
        buf_free(&pred);
        return;
    }
    buf_free(&pred);
    json_t *tiers = json_array();
    for (int t = 0; t < RISK_TIER_COUNT; t++)
        json_array_append_new(tiers, json_pack("{s:i,s:s,s:I}", "tier", t, "tier_name",
                                               risk_tier_name((risk_tier)t), "learners",
                                               (json_int_t)counts[t]));
    api_reply(c, 200, json_pack("{s:o,s:o,s:o}", "asof", api_json_day(asof), "tiers", tiers,
                                  "trend", web_trend_json(&trend)));
}

