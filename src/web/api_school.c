/*
** web/api_school.c — the JSON API for the school as a whole (see api.h):
** GET /api/v1/summary (tier counts and the trend, over what the caller may
** see), GET /api/v1/groups/{code} (a group's weekly attendance, as the
** group page shows it) and GET /api/v1/model (the active model's card).
**
** Reads go through the rooms' read functions; access is decided only by
** web/access.h (the route table, access_learner_predicate,
** access_can_view_group).
*/
#include "web/api.h"
#include "base/date.h"
#include "risk/model_card.h"
#include "risk/risk_read.h"
#include "school/school.h"
#include "web/access.h"
#include "web/auth.h"
#include "web/trend.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_WEEKS 8   /* as the group page */

/* The caller's access context on the request's database, or NULL after a
** 503 (no database) or 401 (no session) JSON error. */
static const access_ctx *caller(web_request *req, web_response *res, access_ctx *out) {
    cairn_err err = {0};
    store *st = web_request_store(req, &err);
    if (!st) {
        web_log(req, "api: %s", err.msg);
        web_error_json(res, 503, "unavailable", "The database cannot be reached right now.");
        return NULL;
    }
    if (!req->session) {
        web_error_json(res, 401, "unauthorized", "Send an API token or sign in first.");
        return NULL;
    }
    *out = req->session->who;
    out->st = st;
    return out;
}

/* A 500 JSON error for a failed read; the details go to the log only. */
static void read_failed(web_request *req, web_response *res, const char *what, const char *msg) {
    web_log(req, "api %s: %s", what, msg);
    web_error_json(res, 500, "internal", "The data could not be read.");
}

/* Days since 1970 as "YYYY-MM-DD", or JSON null for 0. */
static json_t *day_json(int32_t days) {
    if (!days) return json_null();
    char d[DATE_TEXT_LEN];
    date_format(days, d);
    return json_string(d);
}

/* A stored text as a JSON string, or null when empty. */
static json_t *text_or_null(const char *s) {
    return s && *s ? json_string(s) : json_null();
}

/* Bind the access predicate's parameters (risk_visibility.bind). */
static int bind_access(const void *ctx, store_stmt *s, int first) {
    return access_learner_predicate_bind(ctx, s, first);
}

/* ---- GET /api/v1/summary --------------------------------------------------------- */

/* GET /api/v1/summary: the dashboard's counts per tier and the trend, over
** the learners the caller may see. */
void api_summary(web_request *req, web_response *res) {
    cairn_err err = {0};
    access_ctx who_buf;
    const access_ctx *who = caller(req, res, &who_buf);
    if (!who) return;
    buf pred = BUF_INIT;
    access_learner_predicate(who, "s.institution_id", "s.learner_id", &pred);
    risk_visibility vis = {buf_cstr(&pred), bind_access, who};
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
        read_failed(req, res, "summary", err.msg);
        buf_free(&pred);
        return;
    }
    buf_free(&pred);
    json_t *tiers = json_array();
    for (int t = 0; t < RISK_TIER_COUNT; t++)
        json_array_append_new(tiers, json_pack("{s:i,s:s,s:I}", "tier", t, "tier_name",
                                               risk_tier_name((risk_tier)t), "learners",
                                               (json_int_t)counts[t]));
    api_send(res, 200, json_pack("{s:o,s:o,s:o}", "asof", day_json(asof), "tiers", tiers,
                                  "trend", web_trend_json(&trend)));
}

/* ---- GET /api/v1/groups/{code} ------------------------------------------------------ */

/* GET /api/v1/groups/{code}: the group's learners and their attendance in
** the last GROUP_WEEKS weeks up to the latest score date (else today). */
void api_group(web_request *req, web_response *res) {
    cairn_err err = {0};
    const char *code = req->rest ? req->rest : "";
    if (!*code || strlen(code) > 64) {
        web_error_json(res, 404, "not_found",
                       "There is no group with this code (the path ends with the group's "
                       "code, 1 to 64 bytes).");
        return;
    }
    access_ctx who_buf;
    const access_ctx *who = caller(req, res, &who_buf);
    if (!who) return;
    school_group_info g;
    int found = school_group_find(who->st, who->institution_id, code, &g, &err);
    if (found < 0) { read_failed(req, res, "group", err.msg); return; }
    if (!found) {
        web_error_json(res, 404, "not_found", "There is no group with this code.");
        return;
    }
    int may = access_can_view_group(who, g.id, &err);
    if (may < 0) { read_failed(req, res, "group access", err.msg); return; }
    if (!may) {
        web_error_json(res, 403, "forbidden", "You may not see this group.");
        return;
    }
    int32_t asof = 0, first = 0;
    school_group_week_row *rows = NULL;
    size_t n = 0;
    if (risk_read_latest_asof(who->st, who->institution_id, &asof, &err) != 0 ||
        school_group_attendance_weeks(who->st, who->institution_id, g.id,
                                      asof ? asof : date_today(), GROUP_WEEKS, &first, &rows,
                                      &n, &err) != 0) {
        read_failed(req, res, "group", err.msg);
        return;
    }
    json_t *weeks = json_array(), *learners = json_array();
    for (int k = 0; k < GROUP_WEEKS; k++) json_array_append_new(weeks, day_json(first + 7 * k));
    for (size_t i = 0; i < n; i++) {
        const school_group_week_row *r = &rows[i];
        json_t *att = json_array();
        for (int k = 0; k < GROUP_WEEKS; k++)
            json_array_append_new(att, json_pack(
                "{s:i,s:i,s:o}", "attended", r->attended[k], "recorded", r->recorded[k],
                "rate", r->recorded[k] ? json_real((double)r->attended[k] / r->recorded[k])
                                       : json_null()));
        json_array_append_new(learners, json_pack(
            "{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)r->learner_id, "ref", r->ref,
            "given_name", r->given_name, "family_name", r->family_name, "weeks", att));
    }
    free(rows);
    api_send(res, 200, json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "code", g.code, "name",
                                  g.name, "programme", text_or_null(g.programme_code),
                                  "programme_name", text_or_null(g.programme_name), "asof",
                                  day_json(asof), "weeks", weeks, "learners", learners));
}

/* ---- GET /api/v1/model ----------------------------------------------------------------- */

/* GET /api/v1/model: the active model's card as stored, with the list of
** versions; 404 when no model is active. */
void api_model(web_request *req, web_response *res) {
    cairn_err err = {0};
    access_ctx who_buf;
    const access_ctx *who = caller(req, res, &who_buf);
    if (!who) return;
    char *text = NULL;
    int version = 0;
    risk_model_version *versions = NULL;
    size_t nversions = 0;
    int found = risk_model_active_card(who->st, who->institution_id, &text, &version, &err);
    if (found < 0 ||
        risk_model_versions(who->st, who->institution_id, &versions, &nversions, &err) != 0) {
        read_failed(req, res, "model", err.msg);
        free(text);
        return;
    }
    if (!found) {
        free(versions);
        web_error_json(res, 404, "not_found",
                       "No model is trained yet; the rules are used meanwhile. Train one with "
                       "`cairn train`.");
        return;
    }
    json_t *card = json_loads(text, 0, NULL);
    free(text);
    if (!json_is_object(card)) {
        json_decref(card);
        free(versions);
        read_failed(req, res, "model", "the active model's card is not a JSON object");
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < nversions; i++)
        json_array_append_new(list, json_pack("{s:i,s:s,s:s,s:b}", "version",
                                              versions[i].version, "trained_at",
                                              versions[i].created_at, "trained_by",
                                              versions[i].created_by, "active",
                                              versions[i].active));
    free(versions);
    api_send(res, 200, json_pack("{s:i,s:o,s:o}", "version", version, "card", card,
                                  "versions", list));
}
