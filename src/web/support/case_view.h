/*
** web/support/case_view.h — what the case pages share (web/support/case_*.c):
** the case page shown again with a refused form, who the viewer is to a
** case, and the words for a case's values and problems.
*/
#ifndef CAIRN_WEB_SUPPORT_CASE_VIEW_H
#define CAIRN_WEB_SUPPORT_CASE_VIEW_H
#include "risk/risk_read.h"
#include "support/case.h"
#include "web/page.h"

/* A refused form of the case page, to show again with its error. */
typedef struct case_form {
    const char          *form;      /* "step", "tier", "team", "team-remove", "task" */
    support_case_problem problem;
    const char          *step;      /* the step asked for (form "step") */
    int                  state;     /* the case's state when refused */
    const char          *reason;    /* what was typed */
} case_form;

/* The case page of c->id with status (200, or 400 with form): checks the
** viewer's relationship and writes the view to the audit log. */
void case_page_show(web_ctx *c, int status, const case_form *form);

/* The viewer's relationship to case_id (SUPPORT_CASE_REL_* bits, 0 = none)
** and whether the case exists in the viewer's institution: 1 exists, 0
** answered already (404, or 500), as a page or as JSON. */
int case_viewer(web_ctx *c, int64_t case_id, unsigned *rel, int json);

/* 1 when rel lets the viewer see the case's contents (key worker, team,
** and the key worker a handover is offered to while it waits). */
int case_rel_sees_contents(unsigned rel);

/* The translated sentence for a refused input (for a step refused by the
** table, case_step_refusal says more). */
const char *case_problem_text(const i18n_lang *L, support_case_problem p);

/* Write "A case in the state X cannot take the step Y." (translated names)
** as text into b. */
void case_step_refusal(buf *b, const i18n_lang *L, int state, const char *step);

/* The translated name of a step code ("Agree the plan"), or the code. */
const char *case_step_name(const i18n_lang *L, const char *code);

/* The translated name of a case tier (0..2), as the risk room names tiers. */
const char *case_tier_name(const i18n_lang *L, int tier);

/* A stored ISO time or date as L writes the date ("" when unreadable). */
const char *case_day_text(const i18n_lang *L, const char *iso, char *out, size_t cap);

/* Write the error paragraph (id) of a refused form when form is for the
** form called name; 1 when it wrote one. */
int case_form_error(buf *b, const i18n_lang *L, const case_form *form, const char *name,
                    const char *id);

/* Write the hidden CSRF field of req's session. */
void case_csrf_field(buf *b, web_request *req);

/* The case conferences of the case page (web/support/case_conference_page.c):
** the list, and the form that records one (the key worker and the team).
** 0 or -1 (err set). */
int case_conference_part(web_ctx *c, const support_case_detail *d, const case_form *form,
                         cairn_err *err);

/* The request waiting for a school leader's approval on the case page,
** with the leader's form (web/support/case_approval_page.c).  0 or -1. */
int case_approval_part(web_ctx *c, const support_case_detail *d, unsigned rel,
                       const case_form *form, cairn_err *err);

/* Withdrawing the handover offer waiting (web/support/case_withdraw_page.c):
** the form, written beside the offer for the key worker and a school
** leader (rel; nothing for anyone else), with form's error when it was
** refused; and for a school leader who does not see the case's contents a
** section of its own with the offer's receiver and day and the form.  The
** part answers 0 or -1 (err set). */
void case_withdraw_form(web_ctx *c, int64_t case_id, unsigned rel, const case_form *form);
/* The form with which the key worker who asked (or the case's key worker)
** withdraws request_id waiting for approval, with form's error when it
** was refused (web/support/case_withdraw_page.c). */
void case_approval_withdraw_form(web_ctx *c, int64_t case_id, int64_t request_id,
                                 const case_form *form);
int case_withdraw_part(web_ctx *c, const support_case_detail *d, unsigned rel,
                       const case_form *form, cairn_err *err);

/* The requests waiting for approval in the viewer's institution, under a
** heading of heading_level (2 or 3), for a school leader's pages; nothing
** when none waits unless show_empty.  0 or -1. */
int case_approvals_list(web_ctx *c, int heading_level, int show_empty, cairn_err *err);

/* Answer a case form after its writer returned rc: 500, the case page
** again with 400 and the error, or 303 to /cases/{id}?done=done ("asked"
** when the change now waits for a leader's approval)
** (web/support/case_post.c). */
void case_form_answer(web_ctx *c, int rc, const case_form *form, const cairn_err *err,
                      const char *done);

/* Set form->problem to p; returns 1 (a refusal before any writer ran). */
int case_refuse_form(case_form *form, support_case_problem p);

/* ---- the JSON twins (web/support/case_api.c, case_api_post.c) ---- */

/* The case c->id as JSON with status, by the rules of GET /api/v1/cases/{id}
** (the view written to the audit log). */
void case_api_show(web_ctx *c, int status);

/* Answer 400 {"code": "invalid", "field": field, "message": message}. */
void case_api_invalid(web_ctx *c, const char *field, const char *message);

/* Answer a JSON twin after its writer returned rc: 500; 400 with the
** problem's field and the form's words (a step refused by the table named
** with the state and the step: step, state); or the case with 200. */
void case_api_answer(web_ctx *c, int rc, support_case_problem p, const char *step, int state,
                     const cairn_err *err);

/* Who may open a case for learner_id (a key worker, teacher or school
** leader who may see the learner): 1, 0, -1 (err); and the reason a case
** opened from the current flags gets by default (plain text into out)
** (web/support/case_learner.c). */
int case_learner_may_open(const access_ctx *who, int64_t learner_id, cairn_err *err);
void case_learner_flags_reason(const i18n_lang *L, const risk_attention_row *sc, buf *out);

/* A day member of a JSON body ("YYYY-MM-DD"), or fallback when absent or
** not a date (web/support/case_api_post.c). */
int32_t case_api_member_day(json_t *body, const char *name, int32_t fallback);

/* "A case in the state X cannot take the step Y." as plain text (arena). */
const char *case_step_refusal_text(web_ctx *c, int state, const char *step);

/* The learner's interventions on the case page, with links to the runs
** (web/support/case_interventions.c).  0 or -1. */
int case_interventions_part(web_ctx *c, const support_case_detail *d, cairn_err *err);

/* The home page block of a key worker (web/support/case_home.c): tasks
** overdue and due within SUPPORT_CASE_SOON_DAYS days, and the learners of
** their cases whose risk rose since the last review.  Its heading is the
** skip link's target when first is 1.  latest[0..nlatest): the latest
** scores of learners the page has read already (learner_id, tier_now,
** p_now; may be NULL), not read again.  0 or -1 (err set). */
int case_home_write(web_ctx *c, int first, const support_case_risen *latest, size_t nlatest,
                    cairn_err *err);

/* The learner contract's line on the case page (web/support/contract_page.c):
** its state (draft, waiting for signatures, signed on a day, version n)
** and a link to it.  Writes nothing when it cannot be read (logged). */
void contract_case_summary(web_ctx *c, int64_t case_id);

/* The handover of the case to another institution on the case page, and
** the link to the handover record of a case that came from one
** (web/support/case_move_page.c).  0 or -1. */
int case_move_part(web_ctx *c, const support_case_detail *d, unsigned rel,
                   const case_form *form, cairn_err *err);

/* The cases other institutions offer to the viewer's, under a heading of
** heading_level (2 or 3); nothing when none waits unless show_empty.  0 or
** -1. */
int case_moves_list(web_ctx *c, int heading_level, int show_empty, cairn_err *err);

#endif
