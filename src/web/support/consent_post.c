/*
** web/support/consent_post.c — the consent page's forms: record a consent,
** withdraw one, a leader's emergency override.  A change that goes through
** answers 303 back to /learners/{id}/consent?done=...; refused input shows
** the consent page again with 400 and the error beside its field, nothing
** written.  The gate has checked the CSRF field; who may act is
** access_can_act_on_learner()'s; support/consent.h writes the audit events.
*/
#include "web/support/consent_web.h"
#include "base/buf.h"
#include "web/pages.h"
#include "web/support/support_post.h"
#include "gen/pages.h"
#include <string.h>

/* The checked category boxes (fields cat_CODE) as "a,b", arena-owned. */
static const char *form_categories(web_ctx *c) {
    buf b = BUF_INIT;   /* not HTML: a list of codes */
    for (size_t i = 0; i < SUPPORT_CONSENT_CATEGORIES; i++) {
        char name[40];
        snprintf(name, sizeof name, "cat_%s", support_consent_category_codes[i]);
        const char *v = web_request_form(c->req, name);
        if (v && *v)   /* not HTML: a list of codes */
            buf_printf(&b, "%s%s", b.len ? "," : "", support_consent_category_codes[i]);
    }
    const char *s = arena_strdup(c->arena, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* Answer after the writer returned rc: 500, the page again (400), or the
** redirect with done. */
static void consent_answer(web_ctx *c, int rc, consent_form *f,
                           const support_consent_problem *p, const cairn_err *err,
                           const char *done) {
    if (rc < 0) {
        web_log(c->req, "consent: %s", err->msg);
        web_error_page(c->res, 500, "The change could not be saved",
                       "Something went wrong while saving. Nothing was changed. "
                       "The server log has the details.");
    } else if (rc > 0) {
        f->field = p->field;
        consent_page_show(c, 400, f);
    } else {
        web_redirect(c->res, arena_printf(c->arena, "/learners/%lld/consent?done=%s",
                                          (long long)c->id, done));
    }
}

/*
** WEBPAGE: POST /learners/{id}/consent
** ACCESS:  staff
** BODY:    form
**
** Record a consent: purpose, recipient, cat_CODE boxes, valid_from,
** valid_until, given_by, guardian, method, note.
*/
void page_consent_record(web_ctx *c) {
    cairn_err err = {0};
    if (!support_post_allowed(c, ACCESS_ACT_CONSENT, 0)) return;
    consent_form f = {0};
    f.action = "record";
    f.purpose = web_request_form(c->req, "purpose");
    f.recipient = web_request_form(c->req, "recipient");
    f.categories = form_categories(c);
    f.valid_from = web_request_form(c->req, "valid_from");
    f.valid_until = web_request_form(c->req, "valid_until");
    f.given_by = web_request_form(c->req, "given_by");
    f.guardian = web_request_form(c->req, "guardian");
    f.method = web_request_form(c->req, "method");
    f.note = web_request_form(c->req, "note");
    support_consent_input in = {f.purpose, f.recipient, f.categories, f.valid_from, f.valid_until,
                                f.given_by, f.guardian, f.method, f.note};
    support_consent_problem p = {0};
    int rc = support_consent_record(c->st, c->who->institution_id, c->who->account_id, c->id, &in,
                                    NULL, &p, &err);
    consent_answer(c, rc, &f, &p, &err, "recorded");
}

/*
** WEBPAGE: POST /learners/{id}/consent/withdraw
** ACCESS:  staff
** BODY:    form
**
** Withdraw a consent: consent (its number), given_by (who withdraws it),
** guardian, effective, note.
*/
void page_consent_withdraw(web_ctx *c) {
    cairn_err err = {0};
    if (!support_post_allowed(c, ACCESS_ACT_CONSENT, 0)) return;
    consent_form f = {0};
    f.action = "withdraw";
    f.consent_id = web_request_form(c->req, "consent");
    f.given_by = web_request_form(c->req, "given_by");
    f.guardian = web_request_form(c->req, "guardian");
    f.effective = web_request_form(c->req, "effective");
    f.note = web_request_form(c->req, "note");
    support_consent_problem p = {0};
    int64_t id = page_parse_id(f.consent_id);
    int rc = support_consent_withdraw(c->st, c->who->institution_id, c->who->account_id, c->id,
                                      id, f.given_by, f.guardian, f.effective, f.note, &p, &err);
    consent_answer(c, rc, &f, &p, &err, "withdrawn");
}

/*
** WEBPAGE: POST /learners/{id}/consent/override
** ACCESS:  school_leader
** BODY:    form
**
** A leader's emergency override for today: purpose, recipient, category,
** reason (required).  Audited and listed on /privacy.
*/
void page_consent_override(web_ctx *c) {
    cairn_err err = {0};
    if (!support_post_allowed(c, ACCESS_ACT_CONSENT_OVERRIDE, 0)) return;
    consent_form f = {0};
    f.action = "override";
    f.purpose = web_request_form(c->req, "purpose");
    f.recipient = web_request_form(c->req, "recipient");
    f.category = web_request_form(c->req, "category");
    f.reason = web_request_form(c->req, "reason");
    support_consent_problem p = {0};
    int rc = support_consent_override(c->st, c->who->institution_id, c->who->account_id, c->id,
                                      f.purpose, f.recipient, f.category, f.reason, NULL, &p, &err);
    consent_answer(c, rc, &f, &p, &err, "override");
}
