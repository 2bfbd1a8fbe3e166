/*
** web/support/case_view.h — what the case pages share (web/support/case_*.c):
** the case page shown again with a refused form, who the viewer is to a
** case, and the words for a case's values and problems.
*/
#ifndef CAIRN_WEB_SUPPORT_CASE_VIEW_H
#define CAIRN_WEB_SUPPORT_CASE_VIEW_H
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

/* The home page block of a key worker (web/support/case_home.c): tasks
** overdue and due within SUPPORT_CASE_SOON_DAYS days, and the learners of
** their cases whose risk rose since the last review.  Its heading is the
** skip link's target when first is 1.  0 or -1 (err set). */
int case_home_write(web_ctx *c, int first, cairn_err *err);

/* The learner contract's line on the case page (web/support/contract_page.c):
** its state (draft, waiting for signatures, signed on a day, version n)
** and a link to it.  Writes nothing when it cannot be read (logged). */
void contract_case_summary(web_ctx *c, int64_t case_id);

#endif
