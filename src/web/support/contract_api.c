/*
** web/support/contract_api.c — the learner contract as JSON under
** /api/v1/cases/{id}/contract: every version with its text and
** signatures, and the key worker's draft, signature and amendment.  The
** rules of the pages (web/support/contract_page.c); a refused input is 400
** {"error": {"code": "bad_request", "field", "message"}} in the page's
** words, nothing written.
*/
#include "web/support/contract_web.h"
#include "base/date.h"
#include "web/api.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <string.h>

/* Answer a refused input: 400 with the field. */
static void refused(web_ctx *c, contract_problem p) {
    api_field_error(c, contract_problem_field(p), contract_problem_words(c->L, p));
}

/* One version as JSON. */
static json_t *version_json(const contract_version *v) {
    json_t *sigs = json_array();
    for (int r = 0; r < CONTRACT_ROLE_COUNT; r++) {
        const contract_signature *s = &v->sig[r];
        if (!s->id) continue;
        json_array_append_new(sigs, json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "role",
                                              contract_role_code(r), "name", s->name,
                                              "signed_at", s->signed_at, "method",
                                              contract_method_code(s->method), "version_sha256",
                                              s->version_sha256, "scan_sha256",
                                              api_json_text(s->scan_sha256)));
    }
    int nsig = (int)json_array_size(sigs);
    const char *state = v->signed_at[0] ? (v->superseded ? "superseded" : "signed")
                        : nsig ? "waiting" : "draft";
    return json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:o,s:b,s:s,s:s,s:o,s:o,s:s,s:o}", "version",
                     v->number, "state", state, "language", v->language, "code", v->code,
                     "sha256", v->sha256, "created_at", v->created_at, "signed_at",
                     api_json_text(v->signed_at), "guardian_required", v->guardian_required,
                     "school_commits", v->school_commits, "learner_commits", v->learner_commits,
                     "starts_on", api_json_day(v->starts_on), "review_on",
                     api_json_day(v->review_on), "text", v->text, "signatures", sigs);
}

/* Answer with every version of c->id (status). */
static void versions_reply(web_ctx *c, int status) {
    cairn_err err = {0};
    contract_version *rows = NULL;
    size_t n = 0;
    if (support_contract_versions(c->st, c->who->institution_id, c->id, &rows, &n, &err) < 0) {
        api_fail(c, "contract", err.msg);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(list, version_json(&rows[i]));
    support_contract_versions_free(rows, n);
    api_reply(c, status, json_pack("{s:I,s:o}", "case_id", (json_int_t)c->id, "versions", list));
}

/*
** WEBPAGE: GET /api/v1/cases/{id}/contract
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** Every version of the case's learner contract, newest first, with its
** state, code, fingerprint, text and signatures.  The key worker and the
** team only.  Written to the audit log.
*/
void api_case_contract(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!contract_viewer(c, &rel, 1)) return;
    support_case k;
    if (support_case_get(c->st, c->who->institution_id, c->id, 0, &k, &err) <= 0 ||
        support_case_audit(c->st, c->who->institution_id, c->who->account_id, k.learner_id, c->id,
                           "contract.view", "viewed",
                           arena_printf(c->arena, "case %lld: contract (api)", (long long)c->id),
                           &err) != 0) {
        api_fail(c, "contract", err.msg);
        return;
    }
    versions_reply(c, 200);
}

/* A string member or NULL ("" absent); -1 after a 400 for a non-string. */
static int opt_text(web_ctx *c, json_t *body, const char *name, const char **out) {
    json_t *v = json_object_get(body, name);
    *out = NULL;
    if (!v || json_is_null(v)) return 0;
    return (*out = api_body_string(c, body, name)) ? 0 : -1;
}

/* The case's learner and the contract's language; NULL after an answer. */
static const i18n_lang *language_of_case(web_ctx *c) {
    cairn_err err = {0};
    support_case k;
    if (support_case_get(c->st, c->who->institution_id, c->id, 0, &k, &err) <= 0) {
        api_fail(c, "case", err.msg);
        return NULL;
    }
    return contract_language(c, k.learner_id, 1);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/contract
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"school_commits", "learner_commits", "starts_on", "review_on"}: the key
** worker writes the contract or changes the draft -> 200 with every
** version; 400 with the field refused.
*/
void api_case_contract_save(web_ctx *c) {
    static const char *const fields[] = {"school_commits", "learner_commits", "starts_on",
                                         "review_on"};
    cairn_err err = {0};
    unsigned rel;
    if (!contract_viewer(c, &rel, 1)) return;
    json_t *body = api_body_object(c, fields, sizeof fields / sizeof *fields);
    if (!body) return;
    const char *sc, *lc, *s, *r;
    if (opt_text(c, body, "school_commits", &sc) < 0 || opt_text(c, body, "learner_commits", &lc) < 0 ||
        opt_text(c, body, "starts_on", &s) < 0 || opt_text(c, body, "review_on", &r) < 0) {
        json_decref(body);
        return;
    }
    const i18n_lang *CL = language_of_case(c);
    if (!CL) {
        json_decref(body);
        return;
    }
    contract_parts p = {sc ? sc : "", lc ? lc : "", contract_day_field(s), contract_day_field(r)};
    contract_labels labels;
    contract_labels_of(CL, &labels);
    contract_problem why = CONTRACT_OK;
    int rc = support_contract_draft_save(c->st, c->who->institution_id, c->who->account_id, rel,
                                         c->id, &p, &labels, CL->code, NULL, NULL, &why, &err);
    json_decref(body);
    if (rc < 0) api_fail(c, "contract draft", err.msg);
    else if (rc > 0) refused(c, why);
    else versions_reply(c, 200);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/contract/sign
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"role", "method", "name", "version_sha256", "scan_sha256"}: the key
** worker records a signature of the current version -> 200 with every
** version; 400 with the field refused (version_sha256 when the version
** changed since it was read).
*/
void api_case_contract_sign(web_ctx *c) {
    static const char *const fields[] = {"role", "method", "name", "version_sha256",
                                         "scan_sha256"};
    cairn_err err = {0};
    unsigned rel;
    if (!contract_viewer(c, &rel, 1)) return;
    json_t *body = api_body_object(c, fields, sizeof fields / sizeof *fields);
    if (!body) return;
    const char *role, *method, *name, *sha, *scan;
    if (opt_text(c, body, "role", &role) < 0 || opt_text(c, body, "method", &method) < 0 ||
        opt_text(c, body, "name", &name) < 0 || opt_text(c, body, "version_sha256", &sha) < 0 ||
        opt_text(c, body, "scan_sha256", &scan) < 0) {
        json_decref(body);
        return;
    }
    contract_sign_spec spec = {contract_role_parse(role), contract_method_parse(method), name,
                               sha, scan};
    contract_problem why = CONTRACT_OK;
    int rc = support_contract_sign(c->st, c->who->institution_id, c->who->account_id, rel, c->id,
                                   &spec, NULL, NULL, &why, &err);
    json_decref(body);
    if (rc < 0) api_fail(c, "contract sign", err.msg);
    else if (rc > 0) refused(c, why);
    else versions_reply(c, 200);
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/contract/amend
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {}: the key worker makes version n+1 from the current one (once it has
** a signature) -> 200 with every version; 400 when it has none.
*/
void api_case_contract_amend(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!contract_viewer(c, &rel, 1)) return;
    json_t *body = api_body_object(c, NULL, 0);
    if (!body) return;
    json_decref(body);
    const i18n_lang *CL = language_of_case(c);
    if (!CL) return;
    contract_labels labels;
    contract_labels_of(CL, &labels);
    contract_problem why = CONTRACT_OK;
    int rc = support_contract_amend(c->st, c->who->institution_id, c->who->account_id, rel, c->id,
                                    &labels, CL->code, NULL, NULL, &why, &err);
    if (rc < 0) api_fail(c, "contract amend", err.msg);
    else if (rc > 0) refused(c, why);
    else versions_reply(c, 200);
}
