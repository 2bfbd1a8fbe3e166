/*
** web/support/consent_api.c — the consent pages as JSON under /api/v1:
** list, record, withdraw, override and the receipt (ISO/IEC TS 27560;
** support/consent_receipt.c).  Same access rules as the pages; a refused
** input is 422 with {"error": {"code": "unprocessable", "message", "field"}}
** and nothing is written.
*/
#include "web/support/consent_web.h"
#include "base/date.h"
#include "support/audit.h"
#include "web/api.h"
#include "web/pages.h"
#include "web/support/support_post.h"
#include "gen/pages.h"
#include <string.h>

/* A consent row as JSON (see consent_web.h). */
json_t *consent_row_json(const support_consent_row *r) {
    json_t *cats = json_array();
    for (const char *p = r->categories; p && *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        json_array_append_new(cats, json_stringn(p, n));
        p = e ? e + 1 : NULL;
    }
    return json_pack("{s:I, s:I, s:s, s:o, s:o, s:s, s:o, s:s, s:o, s:s, s:o, s:s, s:s, s:o, s:o}",
                     "id", (json_int_t)r->id, "learner_id", (json_int_t)r->learner_id,
                     "purpose", r->purpose, "recipient", api_json_text(r->recipient),
                     "categories", cats, "valid_from", r->valid_from,
                     "valid_until", api_json_text(r->valid_until), "given_by", r->given_by,
                     "guardian", api_json_text(r->guardian_name), "method", r->method,
                     "note", api_json_text(r->note), "recorded_at", r->recorded_at,
                     "state", support_consent_state(r, date_today()),
                     "withdrawn_from", api_json_text(r->withdrawn_effective),
                     "withdrawn_by", api_json_text(r->withdrawn_by));
}

/* An override row as JSON (see consent_web.h). */
json_t *consent_override_json(const support_consent_override_row *o) {
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s}",
                     "id", (json_int_t)o->id, "learner_id", (json_int_t)o->learner_id,
                     "learner", o->learner_name, "purpose", o->purpose,
                     "recipient", api_json_text(o->recipient), "category", o->category,
                     "day", o->day, "reason", o->reason, "by", o->account_name, "at", o->at);
}

/* 1 when ctx may see learner c->id (else answered: 404, 403, 500). */
static int api_consent_visible(web_ctx *c) {
    cairn_err err = {0};
    int64_t n = 0;
    store_stmt *q = store_prepare(c->st, "SELECT count(*) FROM learner WHERE institution_id = ?"
                                         " AND id = ?", &err);
    int rc = q ? 0 : -1;
    if (q) {
        store_bind_int64(q, 1, c->who->institution_id);
        store_bind_int64(q, 2, c->id);
        if (store_step(q, &err) == STORE_ROW) n = store_col_int64(q, 0);
        else rc = -1;
        store_finalize(q);
    }
    int may = rc == 0 && n ? access_can_view_learner(c->who, c->id, &err) : 0;
    if (rc < 0 || may < 0) api_fail(c, "consent", err.msg);
    else if (!n) api_not_found(c, "There is no learner with this number.");
    else if (!may) api_refuse(c, "You may not see this learner's record.");
    return rc == 0 && n && may > 0;
}

/* The optional string member name of body into *out (NULL when absent or
** null); 0, or -1 after a 400. */
static int opt_string(web_ctx *c, json_t *body, const char *name, const char **out) {
    json_t *v = json_object_get(body, name);
    *out = NULL;
    if (!v || json_is_null(v)) return 0;
    return (*out = api_body_string(c, body, name)) ? 0 : -1;
}

/* Answer a refused input: 422 with the field; none when it is not about one
** (never an empty "field", as api_field_error). */
static void api_unprocessable(web_ctx *c, const support_consent_problem *p) {
    const char *named = p->field && *p->field ? p->field : NULL;   /* "s*": left out when NULL */
    api_reply(c, 422, json_pack("{s:{s:s, s:s, s:s*}}", "error", "code", "unprocessable",
                                "message", p->text, "field", named));
}

/* The consent id of learner c->id as JSON, answered with status. */
static void api_consent_one(web_ctx *c, int status, int64_t id) {
    cairn_err err = {0};
    support_consent_row *rows;
    size_t n;
    if (support_consent_list(c->st, c->who->institution_id, c->id, c->arena, &rows, &n, &err) < 0) {
        api_fail(c, "consent", err.msg);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (rows[i].id == id) {
            api_reply(c, status, consent_row_json(&rows[i]));
            return;
        }
    api_fail(c, "consent", "the consent just written is not there");
}

/*
** WEBPAGE: GET /api/v1/learners/{id}/consents
** ACCESS:  staff
** BODY:    none
**
** The learner's consents (newest first, with withdrawals) and emergency
** overrides.  The view is written to the audit log.
*/
void api_consents(web_ctx *c) {
    cairn_err err = {0};
    if (!api_consent_visible(c)) return;
    support_consent_row *rows;
    support_consent_override_row *ov;
    size_t n, no;
    if (support_audit_append(c->st, c->who->institution_id, c->who->account_id, "consent.view",
                             c->id, "consents (API)", &err) != 0 ||
        support_consent_list(c->st, c->who->institution_id, c->id, c->arena, &rows, &n, &err) < 0 ||
        support_consent_override_list(c->st, c->who->institution_id, c->id, c->arena, &ov, &no,
                                      &err) < 0) {
        api_fail(c, "consents", err.msg);
        return;
    }
    json_t *a = json_array(), *o = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, consent_row_json(&rows[i]));
    for (size_t i = 0; i < no; i++) json_array_append_new(o, consent_override_json(&ov[i]));
    api_reply(c, 200, json_pack("{s:o, s:o}", "consents", a, "overrides", o));
}

/*
** WEBPAGE: POST /api/v1/learners/{id}/consents
** ACCESS:  staff
** BODY:    json
**
** Record a consent: {"purpose", "recipient", "categories": [codes],
** "valid_from", "valid_until", "given_by", "guardian", "method", "note"}
** -> 201 with the consent; 422 with the field refused.
*/
void api_consent_record(web_ctx *c) {
    static const char *const fields[] = {"purpose", "recipient", "categories", "valid_from",
                                         "valid_until", "given_by", "guardian", "method", "note"};
    cairn_err err = {0};
    json_t *body = api_body_object(c, fields, sizeof fields / sizeof *fields);
    if (!body) return;
    support_consent_input in = {0};
    json_t *cats = json_object_get(body, "categories");
    buf list = BUF_INIT;   /* not HTML: a list of codes */
    size_t i;
    json_t *v;
    int bad = 0;
    if (!json_is_array(cats)) bad = 1;
    json_array_foreach(cats, i, v) {
        if (!json_is_string(v)) bad = 1;
        else buf_printf(&list, "%s%s", list.len ? "," : "", json_string_value(v));   /* not HTML */
    }
    if (bad) api_bad_request(c, "categories is required: an array of data category codes.");
    in.categories = arena_strdup(c->arena, buf_cstr(&list));
    buf_free(&list);
    if (bad || opt_string(c, body, "purpose", &in.purpose) < 0 ||
        opt_string(c, body, "recipient", &in.recipient) < 0 ||
        opt_string(c, body, "valid_from", &in.valid_from) < 0 ||
        opt_string(c, body, "valid_until", &in.valid_until) < 0 ||
        opt_string(c, body, "given_by", &in.given_by) < 0 ||
        opt_string(c, body, "guardian", &in.guardian_ref) < 0 ||
        opt_string(c, body, "method", &in.method) < 0 ||
        opt_string(c, body, "note", &in.note) < 0 ||
        !support_post_allowed(c, ACCESS_ACT_CONSENT, 1)) {
        json_decref(body);
        return;
    }
    support_consent_problem p = {0};
    int64_t id = 0;
    int rc = support_consent_record(c->st, c->who->institution_id, c->who->account_id, c->id, &in,
                                    &id, &p, &err);
    json_decref(body);   /* in's strings were body's: no use after this */
    if (rc < 0) api_fail(c, "consent", err.msg);
    else if (rc > 0) api_unprocessable(c, &p);
    else api_consent_one(c, 201, id);
}

/*
** WEBPAGE: POST /api/v1/learners/{id}/consents/withdraw
** ACCESS:  staff
** BODY:    json
**
** Withdraw a consent: {"consent_id", "withdrawn_by", "guardian",
** "effective", "note"} -> 200 with the consent; 422 with the field refused.
*/
void api_consent_withdraw(web_ctx *c) {
    static const char *const fields[] = {"consent_id", "withdrawn_by", "guardian", "effective",
                                         "note"};
    cairn_err err = {0};
    json_t *body = api_body_object(c, fields, sizeof fields / sizeof *fields);
    if (!body) return;
    json_t *idv = json_object_get(body, "consent_id");
    const char *by = NULL, *g = NULL, *eff = NULL, *note = NULL;
    if (!json_is_integer(idv) || json_integer_value(idv) <= 0) {
        api_bad_request(c, "consent_id is required and must be a positive whole number.");
        json_decref(body);
        return;
    }
    if (opt_string(c, body, "withdrawn_by", &by) < 0 || opt_string(c, body, "guardian", &g) < 0 ||
        opt_string(c, body, "effective", &eff) < 0 || opt_string(c, body, "note", &note) < 0 ||
        !support_post_allowed(c, ACCESS_ACT_CONSENT, 1)) {
        json_decref(body);
        return;
    }
    int64_t id = (int64_t)json_integer_value(idv);
    support_consent_problem p = {0};
    int rc = support_consent_withdraw(c->st, c->who->institution_id, c->who->account_id, c->id, id,
                                      by, g, eff, note, &p, &err);
    json_decref(body);
    if (rc < 0) api_fail(c, "consent", err.msg);
    else if (rc > 0) api_unprocessable(c, &p);
    else api_consent_one(c, 200, id);
}

/*
** WEBPAGE: POST /api/v1/learners/{id}/consents/override
** ACCESS:  school_leader
** BODY:    json
**
** A leader's emergency override for today: {"purpose", "recipient",
** "category", "reason"} -> 201 with the override; 422 with the field.
*/
void api_consent_override(web_ctx *c) {
    static const char *const fields[] = {"purpose", "recipient", "category", "reason"};
    cairn_err err = {0};
    json_t *body = api_body_object(c, fields, sizeof fields / sizeof *fields);
    if (!body) return;
    const char *pu = NULL, *rc_ = NULL, *cat = NULL, *why = NULL;
    if (opt_string(c, body, "purpose", &pu) < 0 || opt_string(c, body, "recipient", &rc_) < 0 ||
        opt_string(c, body, "category", &cat) < 0 || opt_string(c, body, "reason", &why) < 0 ||
        !support_post_allowed(c, ACCESS_ACT_CONSENT_OVERRIDE, 1)) {
        json_decref(body);
        return;
    }
    support_consent_problem p = {0};
    int64_t id = 0;
    int rc = support_consent_override(c->st, c->who->institution_id, c->who->account_id, c->id,
                                      pu, rc_, cat, why, &id, &p, &err);
    json_decref(body);
    support_consent_override_row *ov;
    size_t no = 0;
    if (rc == 0 && support_consent_override_list(c->st, c->who->institution_id, c->id, c->arena,
                                                 &ov, &no, &err) < 0)
        rc = -1;
    if (rc < 0) api_fail(c, "consent override", err.msg);
    else if (rc > 0) api_unprocessable(c, &p);
    else if (no && ov[0].id == id) api_reply(c, 201, consent_override_json(&ov[0]));
    else api_fail(c, "consent override", "the override just written is not there");
}

/*
** WEBPAGE: GET /api/v1/learners/{id}/consents/receipt
** ACCESS:  staff
** BODY:    none
**
** ?consent=N: that consent's receipt with the fields of ISO/IEC TS 27560
** (the learner page's "Download (JSON)").  Written to the audit log.
*/
void api_consent_receipt(web_ctx *c) {
    cairn_err err = {0};
    if (!api_consent_visible(c)) return;
    int64_t id = page_parse_id(web_request_query(c->req, "consent"));
    if (!id) {
        api_bad_request(c, "consent is required: the number of one of the learner's consents.");
        return;
    }
    json_t *r = NULL;
    if (support_consent_receipt(c->st, c->who->institution_id, c->id, id, &r, &err) < 0) {
        if (err.code == CAIRN_ENOTFOUND) api_not_found(c, "This learner has no such consent.");
        else api_fail(c, "consent receipt", err.msg);
        return;
    }
    if (support_audit_append(c->st, c->who->institution_id, c->who->account_id, "consent.receipt",
                             c->id, "consent receipt", &err) != 0) {
        json_decref(r);
        api_fail(c, "consent receipt", err.msg);
        return;
    }
    api_reply(c, 200, r);
}
