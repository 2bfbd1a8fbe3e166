/*
** web/support/contract_post.c — the learner contract's forms: the draft
** (POST /cases/{id}/contract), a signature (POST .../contract/sign, with
** an optional scan whose SHA-256 is kept) and an amendment (POST
** .../contract/amend).  The key worker only; a refused form shows the
** contract page again (400) with the error beside its field, nothing
** written.
*/
#include "web/support/contract_web.h"
#include "base/date.h"
#include "web/multipart.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdio.h>
#include <string.h>

/* Answer a form after the writer returned rc. */
static void answer(web_ctx *c, int rc, const contract_form *form, const cairn_err *err) {
    if (rc < 0) {
        web_log(c->req, "contract %s: %s", form->form, err->msg);
        web_error_page(c->res, 500, "The change could not be saved",
                       "Something went wrong while saving. Nothing was changed. "
                       "The server log has the details.");
    } else if (rc > 0) {
        contract_page_show(c, 400, form);
    } else {
        web_redirect(c->res, arena_printf(c->arena, "/cases/%lld/contract?done=%s",
                                          (long long)c->id, form->form));
    }
}

/* A typed day: 0 for empty, -1 for a bad one. */
int32_t contract_day_field(const char *s) {
    int32_t d = 0;
    if (!s || !*s) return 0;
    return date_parse(s, strlen(s), &d) < 0 ? -1 : d;
}

/* The learner of case c->id (0 after a 500). */
static int64_t case_learner(web_ctx *c, int json) {
    cairn_err err = {0};
    support_case k;
    if (support_case_get(c->st, c->who->institution_id, c->id, 0, &k, &err) <= 0) {
        if (json) api_fail(c, "case", err.msg);
        else page_fail(c, "case", err.msg);
        return 0;
    }
    return k.learner_id;
}

/*
** WEBPAGE: POST /cases/{id}/contract
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields school_commits, learner_commits, starts_on, review_on: the key
** worker writes the contract, or changes the draft while it has no
** signature.
*/
void page_case_contract_save(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!contract_viewer(c, &rel, 0)) return;
    int64_t learner = case_learner(c, 0);
    if (!learner) return;
    const i18n_lang *CL = contract_language(c, learner, 0);
    if (!CL) return;
    contract_form form = {.form = "draft"};
    form.school = web_request_form(c->req, "school_commits");
    form.learner = web_request_form(c->req, "learner_commits");
    form.starts = web_request_form(c->req, "starts_on");
    form.review = web_request_form(c->req, "review_on");
    contract_parts p = {form.school ? form.school : "", form.learner ? form.learner : "",
                        contract_day_field(form.starts), contract_day_field(form.review)};
    contract_labels labels;
    contract_labels_of(CL, &labels);
    int rc = support_contract_draft_save(c->st, c->who->institution_id, c->who->account_id, rel,
                                         c->id, &p, &labels, CL->code, NULL, NULL, &form.problem,
                                         &err);
    answer(c, rc, &form, &err);
}

/* The text of a multipart field (arena), or NULL. */
static const char *part_text(web_ctx *c, const multipart_part *parts, size_t n, const char *name) {
    const multipart_part *p = multipart_find(parts, n, name);
    if (!p || p->filename) return NULL;
    return arena_strndup(c->arena, p->data, p->len);
}

/*
** WEBPAGE: POST /cases/{id}/contract/sign
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    upload
**
** Multipart fields role, name (the learner's or guardian's, typed), method
** (screen, paper), version_sha256 (the version shown) and an optional file
** scan: the key worker records a signature of the current version.
*/
void page_case_contract_sign(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!contract_viewer(c, &rel, 0)) return;
    contract_form form = {.form = "sign"};
    multipart_part parts[MULTIPART_PARTS_MAX];
    size_t n = 0;
    if (multipart_parse(web_request_header(c->req, "Content-Type"), c->req->body,
                        c->req->body_len, c->arena, parts, MULTIPART_PARTS_MAX, &n, &err) != 0) {
        form.problem = CONTRACT_SCAN_BAD;
        contract_page_show(c, 400, &form);
        return;
    }
    contract_sign_spec spec = {0};
    spec.role = contract_role_parse(part_text(c, parts, n, "role"));
    spec.method = contract_method_parse(part_text(c, parts, n, "method"));
    spec.name = form.name = part_text(c, parts, n, "name");
    spec.version_sha256 = part_text(c, parts, n, "version_sha256");
    const multipart_part *scan = multipart_find(parts, n, "scan");
    char hash[CRYPTO_SHA256_HEX_LEN] = "";
    if (scan && scan->filename && scan->len > 0) crypto_sha256_hex(scan->data, scan->len, hash);
    spec.scan_sha256 = hash;
    int done = 0;
    int rc = support_contract_sign(c->st, c->who->institution_id, c->who->account_id, rel, c->id,
                                   &spec, NULL, &done, &form.problem, &err);
    answer(c, rc, &form, &err);
}

/*
** WEBPAGE: POST /cases/{id}/contract/amend
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** No fields: the key worker makes version n+1 from the current one, once
** it has a signature.
*/
void page_case_contract_amend(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!contract_viewer(c, &rel, 0)) return;
    int64_t learner = case_learner(c, 0);
    if (!learner) return;
    const i18n_lang *CL = contract_language(c, learner, 0);
    if (!CL) return;
    contract_form form = {.form = "amend"};
    contract_labels labels;
    contract_labels_of(CL, &labels);
    int rc = support_contract_amend(c->st, c->who->institution_id, c->who->account_id, rel, c->id,
                                    &labels, CL->code, NULL, NULL, &form.problem, &err);
    answer(c, rc, &form, &err);
}
