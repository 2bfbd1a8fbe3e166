/*
** web/risk/api_learners.c — the dashboard's list and counts as JSON: GET
** /api/v1/learners and GET /api/v1/summary (moved out of dashboard.c).
*/
#include "web/pages.h"
#include "web/api.h"
#include "web/page.h"
#include "gen/pages.h"
#include "base/date.h"
#include "risk/risk_read.h"
#include "web/access.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/trend.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    risk_visibility vis = {buf_cstr(&pred), api_bind_access, who, access_learner_set_narrow(who)};
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
    risk_visibility vis = {buf_cstr(&pred), api_bind_access, who, access_learner_set_narrow(who)};
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

