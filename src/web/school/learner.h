/*
** web/school/learner.h — the learner page and its table of sections.
**
** GET /learners/{id} (web/school/learner.c) checks access, writes the view
** to the audit log, reads what every section needs (the learner, the
** current score) into a learner_view and then writes the sections of
** learner_sections[] in order.  A room adds its part of the page by adding
** a row there: a title msgid and a writer in its own web folder.
*/
#ifndef CAIRN_WEB_SCHOOL_LEARNER_H
#define CAIRN_WEB_SCHOOL_LEARNER_H
#include "risk/risk_read.h"
#include "school/school.h"
#include "web/actions.h"
#include "web/page.h"

/* What the learner page read once for all its sections. */
typedef struct learner_view {
    int64_t                    id;      /* the learner */
    const school_learner_info *info;    /* identity and enrolment */
    const risk_attention_row  *score;   /* the current score, when have */
    int                        have;    /* 1 = there is a score */
    const page_action_form    *form;    /* a refused form to show again, or NULL */
} learner_view;

/* A section writer: writes its <section> (with title, translated, as its
** heading) into c->b.  0, or -1 with err set when a read failed. */
typedef int (*learner_section_fn)(web_ctx *c, const learner_view *v, const char *title,
                                  cairn_err *err);

typedef struct learner_section {
    const char        *title;   /* msgid of the heading */
    learner_section_fn write;
} learner_section;

/* The sections of the support room (web/support/learner_actions.c): the
** actions on the current flags and the key worker. */
int support_learner_actions(web_ctx *c, const learner_view *v, const char *title,
                            cairn_err *err);

/* The support room's "Who has seen this record" (web/support/audit_page.c):
** for the learner's key worker, the recent readers from the audit log. */
int support_learner_readers(web_ctx *c, const learner_view *v, const char *title,
                            cairn_err *err);

/* The learner's case, or the form that opens one (web/support/case_learner.c). */
int support_learner_case(web_ctx *c, const learner_view *v, const char *title, cairn_err *err);

/* The Consent section (web/support/consent_page.c): the learner's consents
** and a link to the consent page. */
int support_learner_consent(web_ctx *c, const learner_view *v, const char *title,
                            cairn_err *err);

/* The learner page of c->id with status (200, or 400 with form, a refused
** submission to show again), as GET /learners/{id} answers it: checks
** access, writes the view to the audit log. */
void page_learner_show(web_ctx *c, int status, const page_action_form *form);

#endif
