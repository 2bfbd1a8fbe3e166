/*
** web/api.c — the JSON API under /api/v1 (see api.h): the caller, the
** dashboard list of learners, one learner's record, and acting on it
** (acknowledging a flag, naming the key worker: api_learner_post, which
** api.h places in web/pages_actions.c; it lives here to share the JSON
** helpers).
**
** Reads go through the rooms' read functions (risk/risk_read.h,
** school/school.h, web/actions.h); access is decided only by
** web/access.h; viewing a learner's record is written to the audit log as
** on the learner page, and the writers of web/actions.h log the changes.
*/
#include "web/api.h"
#include "base/date.h"
#include "base/mem.h"
#include "risk/risk_read.h"
#include "school/school.h"
#include "web/access.h"
#include "web/actions.h"
#include "web/audit.h"
#include "web/auth.h"
#include "web/html.h"
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- shared ---------------------------------------------------------------- */

/* Write v (which this takes over) into res as the JSON body with status
** (see api.h). */
void api_send(web_response *res, int status, json_t *v) {
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    if (!text) {
        web_error_json(res, 500, "internal", "The answer could not be written.");
        return;
    }
    buf_reset(&res->body);
    res->status = status;
    res->content_type = "application/json";
    buf_puts(&res->body, text);   /* not HTML: a JSON document from jansson */
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

/* Append "&name=value" (value URL-encoded) to b when value is not empty (not
** HTML: a URL query). */
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
    long after = 0;
    if ((v = web_request_query(req, "after")) &&
        parse_range(v, 1, 999999999999999999L, &after) < 0) {
        web_error_json(res, 400, "bad_request", "after must be a learner id (a whole number).");
        return;
    }
    if (after && offset) {
        web_error_json(res, 400, "bad_request", "Give offset or after, not both.");
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
            web_error_json(res, 400, "bad_request",
                           "after names no learner of the list (scored on its date).");
        else
            api_read_failed(req, res, "learners", err.msg);
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
            "group", json_text_or_null(r->group_code),
            "group_name", json_text_or_null(r->group_name),
            "programme", json_text_or_null(r->programme_code), "tier", (int)r->tier,
            "tier_name", risk_tier_name(r->tier), "probability", json_probability(r->probability),
            "flags", flags, "reasons", reasons));
    }
    json_t *next = json_null();
    if (more && n > (size_t)offset) {
        buf b = BUF_INIT;
        /* not HTML: a URL whose free parts are percent-encoded */
        buf_printf(&b, "/api/v1/learners?limit=%ld&after=%lld", limit,
                   (long long)rows[n - 1].learner_id);
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

/* An acknowledgement as a JSON object. */
static json_t *ack_json(const actions_ack *a) {
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)a->id,
                     "learner_id", (json_int_t)a->learner_id, "flag", a->rule_code,
                     "asof", a->asof, "comment", a->comment, "at", a->at,
                     "account_id", (json_int_t)a->account_id, "by", a->by);
}

/* A key worker assignment as a JSON object. */
static json_t *key_worker_json(const actions_key_worker *k) {
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:s,s:o}", "learner_id",
                     (json_int_t)k->learner_id, "staff_id", (json_int_t)k->staff.id,
                     "ref", k->staff.ref, "given_name", k->staff.given_name,
                     "family_name", k->staff.family_name,
                     "job_title", json_text_or_null(k->staff.job_title),
                     "assigned_at", k->assigned_at,
                     "assigned_by", k->assigned_by ? json_integer(k->assigned_by) : json_null());
}

/* The learner's acknowledgements (newest first) and current key worker
** into *acks and *kw (new references).  0 or -1 (err set). */
static int actions_json(store *st, int64_t inst, int64_t id, json_t **acks, json_t **kw,
                        cairn_err *err) {
    actions_ack *rows = NULL;
    size_t n = 0;
    actions_key_worker cur;
    int have;
    if (actions_ack_list(st, inst, id, &rows, &n, err) < 0 ||
        (have = actions_key_worker_current(st, inst, id, &cur, err)) < 0) {
        free(rows);
        return -1;
    }
    *acks = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(*acks, ack_json(&rows[i]));
    free(rows);
    *kw = have ? key_worker_json(&cur) : json_null();
    return 0;
}

/* GET /api/v1/learners/{id}: identity, enrolment, current score and
** history, acknowledgements and key worker, after the access check; the
** view goes to the audit log. */
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
    json_t *acks = NULL, *kw = NULL;
    int have = risk_read_learner_latest(st, who->institution_id, id, &sc, &err);
    if (have < 0 || risk_score_history(st, who->institution_id, id, &hist, &nhist, &err) != 0 ||
        actions_json(st, who->institution_id, id, &acks, &kw, &err) != 0) {
        api_read_failed(req, res, "learner", err.msg);
        free(hist);
        return;
    }
    api_send(res, 200, json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
                                 (json_int_t)li.id, "ref", li.ref, "given_name", li.given_name,
                                 "family_name", li.family_name,
                                 "birth_date", json_text_or_null(li.birth_date),
                                 "enrolment", enrolment_json(&li),
                                 "score", have ? score_json(&sc) : json_null(),
                                 "history", history_json(hist, nhist),
                                 "acknowledgements", acks, "key_worker", kw));
    free(hist);
}

/* ---- POST /api/v1/learners/{id}/acknowledgements and .../key-worker ------------ */

/* 1 if the request says its body is JSON (application/json, parameters
** such as charset allowed). */
static int body_is_json(web_request *req) {
    const char *ct = web_request_header(req, "Content-Type");
    size_t n = strlen("application/json");
    return ct && strncasecmp(ct, "application/json", n) == 0 &&
           (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

/* A 400 naming the problem: message (a constant or in req's arena). */
static void bad_body(web_response *res, const char *message) {
    web_error_json(res, 400, "bad_request", message);
}

/* The body as a JSON object whose members are all among the names
** allowed[0..n); NULL after a 415 or 400 that says what is wrong. */
static json_t *body_object(web_request *req, web_response *res, const char *const *allowed,
                           size_t n) {
    if (!body_is_json(req)) {
        web_error_json(res, 415, "unsupported_media_type",
                       "Send the body as JSON with Content-Type: application/json.");
        return NULL;
    }
    json_error_t jerr;
    json_t *body = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES,
                              &jerr);
    if (!body) {
        bad_body(res, arena_printf(req->arena, "The body is not valid JSON: line %d, column %d: "
                                               "%s.", jerr.line, jerr.column, jerr.text));
        return NULL;
    }
    if (!json_is_object(body)) {
        json_decref(body);
        bad_body(res, "The body must be a JSON object.");
        return NULL;
    }
    const char *key;
    json_t *value;
    json_object_foreach(body, key, value) {
        size_t i = 0;
        while (i < n && strcmp(key, allowed[i]) != 0) i++;
        if (i == n) {
            bad_body(res, arena_printf(req->arena, "The body has an unknown field \"%.64s\".",
                                       key));
            json_decref(body);
            return NULL;
        }
    }
    return body;
}

/* The string member name of body, or NULL after a 400 saying it is missing
** or not a string. */
static const char *body_string(web_request *req, web_response *res, json_t *body,
                               const char *name) {
    json_t *v = json_object_get(body, name);
    if (!json_is_string(v)) {
        bad_body(res, arena_printf(req->arena, "%s is required and must be a string.", name));
        return NULL;
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        bad_body(res, arena_printf(req->arena, "%s must not hold a NUL character.", name));
        return NULL;
    }
    return json_string_value(v);
}

/* The answer for a refused value: 422 naming the field. */
static void refused(web_request *req, web_response *res, actions_problem p) {
    web_error_json(res, 422, "unprocessable",
                   arena_printf(req->arena, "%s.", actions_problem_text(p)));
}

/* POST .../acknowledgements: {"flag": code, "comment": text} -> 201. */
static void post_acknowledgement(web_request *req, web_response *res, const access_ctx *who,
                                 int64_t id, json_t *body) {
    cairn_err err = {0};
    const char *flag = body_string(req, res, body, "flag");
    const char *comment = flag ? body_string(req, res, body, "comment") : NULL;
    if (!comment) return;
    actions_ack *a = calloc(1, sizeof *a);
    actions_problem p = ACTIONS_OK;
    int rc = a ? actions_acknowledge(who->st, who, id, flag, comment, a, &p, &err) : -1;
    if (rc < 0) {
        web_log(req, "api acknowledge: %s", a ? err.msg : "out of memory");
        web_error_json(res, 500, "internal", "The acknowledgement could not be saved.");
    } else if (rc > 0) {
        refused(req, res, p);
    } else {
        str_copy(a->by, sizeof a->by, req->session->display_name);
        res->location = arena_printf(req->arena, "/api/v1/learners/%lld", (long long)id);
        api_send(res, 201, ack_json(a));
    }
    free(a);
}

/* POST .../key-worker: {"staff_id": N} -> 200 with the assignment. */
static void post_key_worker(web_request *req, web_response *res, const access_ctx *who,
                            int64_t id, json_t *body) {
    cairn_err err = {0};
    json_t *v = json_object_get(body, "staff_id");
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        bad_body(res, "staff_id is required and must be a positive whole number.");
        return;
    }
    actions_key_worker kw;
    actions_problem p = ACTIONS_OK;
    int rc = actions_key_worker_assign(who->st, who, id, (int64_t)json_integer_value(v), &kw, &p,
                                       &err);
    if (rc < 0) {
        web_log(req, "api key worker: %s", err.msg);
        web_error_json(res, 500, "internal", "The key worker could not be saved.");
    } else if (rc > 0) {
        refused(req, res, p);
    } else {
        api_send(res, 200, key_worker_json(&kw));
    }
}

/* POST /api/v1/learners/{id}/acknowledgements and /api/v1/learners/{id}/key-worker:
** 404 for another path or an unknown learner, 415 without a JSON body, 400
** for a malformed one, 403 when the caller may not act on the learner, 422
** for a refused value; nothing is written unless it succeeds. */
void api_learner_post(web_request *req, web_response *res) {
    cairn_err err = {0};
    const char *rest = req->rest ? req->rest : "", *slash = strchr(rest, '/');
    int ack = slash && strcmp(slash + 1, "acknowledgements") == 0;
    int64_t id = 0;
    size_t digits = slash ? (size_t)(slash - rest) : 0;
    if (slash && (ack || strcmp(slash + 1, "key-worker") == 0) && digits && digits <= 18 &&
        strspn(rest, "0123456789") == digits)
        id = strtoll(rest, NULL, 10);
    if (id <= 0) {
        web_error_json(res, 404, "not_found", "There is nothing to post to at this address.");
        return;
    }
    static const char *const ack_fields[] = {"flag", "comment"};
    static const char *const kw_fields[] = {"staff_id"};
    json_t *body = ack ? body_object(req, res, ack_fields, 2) : body_object(req, res, kw_fields, 1);
    if (!body) return;
    store *st = api_store(req, res);
    access_ctx who_buf;
    const access_ctx *who = st ? api_viewer(req, res, st, &who_buf) : NULL;
    if (!who) {                                   /* answered: 503 or 401 */
        json_decref(body);
        return;
    }
    school_learner_info li;
    int found = school_learner_get(st, who->institution_id, id, &li, &err), may = 0;
    if (found > 0)
        may = access_can_act_on_learner(who, id, ack ? ACCESS_ACT_ACKNOWLEDGE
                                                     : ACCESS_ACT_ASSIGN_KEY_WORKER, &err);
    if (found < 0 || may < 0)
        api_read_failed(req, res, "learner action", err.msg);
    else if (!found)
        web_error_json(res, 404, "not_found", "There is no learner with this number.");
    else if (!may)
        web_error_json(res, 403, "forbidden", ack ? "You may not act on this learner's record."
                                                  : "Only administrators and school leaders may "
                                                    "name a learner's key worker.");
    else if (ack)
        post_acknowledgement(req, res, who, id, body);
    else
        post_key_worker(req, res, who, id, body);
    json_decref(body);
}
