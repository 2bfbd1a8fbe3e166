/*
** web/api.c — the JSON API under /api/v1 (see api.h): the caller, the
** dashboard list of learners and one learner's record.
**
** Reads go through the rooms' read functions (risk/risk_read.h,
** school/school.h); access is decided only by web/access.h; viewing a
** learner's record is written to the audit log as on the learner page.
*/
#include "web/api.h"
#include "base/date.h"
#include "risk/risk_read.h"
#include "school/school.h"
#include "web/access.h"
#include "web/audit.h"
#include "web/auth.h"
#include "web/html.h"
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared ---------------------------------------------------------------- */

/* Write v (which this takes over) into res as the JSON body with status. */
static void api_send(web_response *res, int status, json_t *v) {
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    if (!text) {
        web_error_json(res, 500, "internal", "The answer could not be written.");
        return;
    }
    buf_reset(&res->body);
    res->status = status;
    res->content_type = "application/json";
    buf_puts(&res->body, text);
    free(text);
}

/* The request's database, or NULL after a 503 JSON error. */
static store *api_store(web_request *req, web_response *res) {
    cairn_err err = {0};
    store *st = web_request_store(req, &err);
    if (!st) {
        web_log(req, "api: %s", err.msg);
        web_error_json(res, 503, "unavailable", "The database cannot be reached right now.");
    }
    return st;
}

/* A 500 JSON error for a failed read; the details go to the log only. */
static void api_read_failed(web_request *req, web_response *res, const char *what,
                            const char *msg) {
    web_log(req, "api %s: %s", what, msg);
    web_error_json(res, 500, "internal", "The data could not be read.");
}

/* The caller's access context on st, or NULL (after a 401) without one. */
static const access_ctx *api_viewer(web_request *req, web_response *res, store *st,
                                    access_ctx *out) {
    if (!req->session) {
        web_error_json(res, 401, "unauthorized", "Send an API token or sign in first.");
        return NULL;
    }
    *out = req->session->who;
    out->st = st;
    return out;
}

/* Days since 1970 as "YYYY-MM-DD", or JSON null for 0. */
static json_t *json_day(int32_t days) {
    if (!days) return json_null();
    char d[DATE_TEXT_LEN];
    date_format(days, d);
    return json_string(d);
}

/* A stored text as a JSON string, or null when empty. */
static json_t *json_text_or_null(const char *s) {
    return s && *s ? json_string(s) : json_null();
}

/* A probability as a number, or null when there was no model. */
static json_t *json_probability(double p) {
    return isnan(p) ? json_null() : json_real(p);
}

/* The current score of row r as a JSON object (tier, probability, flags,
** reasons, asof). */
static json_t *score_json(const risk_attention_row *r) {
    json_t *flags = json_array(), *reasons = json_array();
    for (int k = 0; k < r->nflags; k++) json_array_append_new(flags, json_string(r->flag_codes[k]));
    for (int k = 0; k < r->nreasons; k++) json_array_append_new(reasons, json_string(r->reason[k]));
    return json_pack("{s:o,s:i,s:s,s:o,s:o,s:o}", "asof", json_day(r->asof), "tier", (int)r->tier,
                     "tier_name", risk_tier_name(r->tier), "probability",
                     json_probability(r->probability), "flags", flags, "reasons", reasons);
}

/* ---- GET /api/v1/me ---------------------------------------------------------- */

/* GET /api/v1/me: who the caller is. */
void api_me(web_request *req, web_response *res) {
    if (!req->session) {
        web_error_json(res, 401, "unauthorized", "Send an API token or sign in first.");
        return;
    }
    const auth_session *s = req->session;
    json_t *roles = json_array();
    for (int i = 0; i < ACCESS_ROLE_COUNT; i++)
        if (s->who.roles & (1u << i))
            json_array_append_new(roles, json_string(access_role_code(1u << i)));
    json_t *inst = s->who.institution_id
                       ? json_pack("{s:I}", "id", (json_int_t)s->who.institution_id)
                       : json_null();
    api_send(res, 200, json_pack("{s:s,s:s,s:o,s:o,s:b}", "username", s->username,
                                 "display_name", s->display_name, "roles", roles,
                                 "institution", inst, "via_api_token", s->via_api_token));
}

/* ---- GET /api/v1/learners -------------------------------------------------------- */

/* Bind the access predicate's parameters (risk_visibility.bind). */
static int bind_access(const void *ctx, store_stmt *s, int first) {
    return access_learner_predicate_bind(ctx, s, first);
}

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
    buf_printf(b, "&%s=", name);
    html_url_param(b, value);
}

/* GET /api/v1/learners: the dashboard's list as JSON, paginated. */
void api_learners(web_request *req, web_response *res) {
    cairn_err err = {0};
    long limit = API_LIMIT_DEFAULT, offset = 0, tier = -1;
    const char *v;
    if ((v = web_request_query(req, "limit")) && parse_range(v, 1, API_LIMIT_MAX, &limit) < 0) {
        web_error_json(res, 400, "bad_request", "limit must be a whole number from 1 to 200.");
        return;
    }
    if ((v = web_request_query(req, "offset")) &&
        parse_range(v, 0, API_OFFSET_MAX, &offset) < 0) {
        web_error_json(res, 400, "bad_request", "offset must be a whole number from 0 to 10000.");
        return;
    }
    if ((v = web_request_query(req, "tier")) && parse_range(v, 0, 2, &tier) < 0) {
        web_error_json(res, 400, "bad_request", "tier must be 0, 1 or 2.");
        return;
    }
    risk_attention_filter f = {0};
    f.tier = (int)tier;
    f.programme_code = text_param(req, "programme");
    f.group_code = text_param(req, "group");
    f.flag = text_param(req, "flag");
    if (!f.programme_code || !f.group_code || !f.flag) {
        web_error_json(res, 400, "bad_request", "A filter is longer than 64 bytes.");
        return;
    }
    if (f.flag[0] && risk_rule_find(f.flag) < 0) {
        web_error_json(res, 400, "bad_request", "flag is not the code of a rule.");
        return;
    }
    store *st = api_store(req, res);
    if (!st) return;
    access_ctx who_buf;
    const access_ctx *who = api_viewer(req, res, st, &who_buf);
    if (!who) return;
    buf pred = BUF_INIT;
    access_learner_predicate(who, "s.institution_id", "s.learner_id", &pred);
    risk_visibility vis = {buf_cstr(&pred), bind_access, who};
    f.visible = &vis;

    int32_t asof = 0;
    risk_attention_row *rows = NULL;
    size_t n = 0, total = 0;
    if (risk_read_latest_asof(st, who->institution_id, &asof, &err) != 0 ||
        (asof && risk_read_attention(st, who->institution_id, asof, &f,
                                     (size_t)(offset + limit), &rows, &n, &total, &err) != 0)) {
        api_read_failed(req, res, "learners", err.msg);
        buf_free(&pred);
        return;
    }
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
            "group", json_text_or_null(r->group_code),
            "group_name", json_text_or_null(r->group_name),
            "programme", json_text_or_null(r->programme_code), "tier", (int)r->tier,
            "tier_name", risk_tier_name(r->tier), "probability", json_probability(r->probability),
            "flags", flags, "reasons", reasons));
    }
    json_t *next = json_null();
    if ((size_t)(offset + limit) < total && offset + limit <= API_OFFSET_MAX) {
        buf b = BUF_INIT;
        buf_printf(&b, "/api/v1/learners?limit=%ld&offset=%ld", limit, offset + limit);
        if (tier >= 0) buf_printf(&b, "&tier=%ld", tier);
        next_param(&b, "programme", f.programme_code);
        next_param(&b, "group", f.group_code);
        next_param(&b, "flag", f.flag);
        next = json_string(buf_cstr(&b));
        buf_free(&b);
    }
    api_send(res, 200, json_pack("{s:o,s:I,s:i,s:i,s:o,s:o}", "items", items, "total",
                                 (json_int_t)total, "limit", (int)limit, "offset", (int)offset,
                                 "next", next, "asof", json_day(asof)));
    buf_free(&pred);
    free(rows);
}

/* ---- GET /api/v1/learners/{id} ------------------------------------------------------ */

/* The enrolment part of li, or null without one. */
static json_t *enrolment_json(const school_learner_info *li) {
    if (!li->has_enrolment) return json_null();
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s}",
                     "programme", json_text_or_null(li->programme_code),
                     "programme_name", json_text_or_null(li->programme_name),
                     "group", json_text_or_null(li->group_code),
                     "group_name", json_text_or_null(li->group_name),
                     "start_date", json_text_or_null(li->start_date),
                     "expected_end_date", json_text_or_null(li->expected_end_date),
                     "exit_date", json_text_or_null(li->exit_date), "status", li->status);
}

/* The score history as a JSON array, oldest first. */
static json_t *history_json(const risk_score_point *h, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *flags = json_loads(h[i].flags, 0, NULL);
        if (!json_is_array(flags)) {
            json_decref(flags);
            flags = json_array();
        }
        json_array_append_new(a, json_pack("{s:o,s:i,s:s,s:o,s:o}", "asof", json_day(h[i].asof),
                                           "tier", (int)h[i].tier, "tier_name",
                                           risk_tier_name(h[i].tier), "probability",
                                           json_probability(h[i].probability), "flags", flags));
    }
    return a;
}

/* GET /api/v1/learners/{id}: identity, enrolment, current score and
** history, after the access check; the view goes to the audit log. */
void api_learner(web_request *req, web_response *res) {
    cairn_err err = {0};
    int64_t id = 0;
    const char *s = req->rest ? req->rest : "";
    if (*s && strlen(s) <= 18 && strspn(s, "0123456789") == strlen(s)) id = strtoll(s, NULL, 10);
    if (id <= 0) {
        web_error_json(res, 404, "not_found", "There is no learner with this number.");
        return;
    }
    store *st = api_store(req, res);
    if (!st) return;
    access_ctx who_buf;
    const access_ctx *who = api_viewer(req, res, st, &who_buf);
    if (!who) return;
    school_learner_info li;
    int found = school_learner_get(st, who->institution_id, id, &li, &err);
    if (found < 0) { api_read_failed(req, res, "learner", err.msg); return; }
    if (!found) {
        web_error_json(res, 404, "not_found", "There is no learner with this number.");
        return;
    }
    int may = access_can_view_learner(who, id, &err);
    if (may < 0) { api_read_failed(req, res, "learner access", err.msg); return; }
    if (!may) {
        web_error_json(res, 403, "forbidden", "You may not see this learner's record.");
        return;
    }
    if (audit_log(st, who->institution_id, who->account_id, "learner.view", id, "api",
                  &err) != 0) {
        api_read_failed(req, res, "learner audit", err.msg);
        return;
    }
    risk_attention_row sc;
    risk_score_point *hist = NULL;
    size_t nhist = 0;
    int have = risk_read_learner_latest(st, who->institution_id, id, &sc, &err);
    if (have < 0 || risk_score_history(st, who->institution_id, id, &hist, &nhist, &err) != 0) {
        api_read_failed(req, res, "learner", err.msg);
        free(hist);
        return;
    }
    api_send(res, 200, json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "id", (json_int_t)li.id,
                                 "ref", li.ref, "given_name", li.given_name, "family_name",
                                 li.family_name, "birth_date", json_text_or_null(li.birth_date),
                                 "enrolment", enrolment_json(&li),
                                 "score", have ? score_json(&sc) : json_null(),
                                 "history", history_json(hist, nhist)));
    free(hist);
}
