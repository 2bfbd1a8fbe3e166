/*
** web/support/intervention_learner.h — the learner page's "Interventions"
** section (a row of learner_sections[], web/school/learner.c).
*/
#ifndef CAIRN_WEB_SUPPORT_INTERVENTION_LEARNER_H
#define CAIRN_WEB_SUPPORT_INTERVENTION_LEARNER_H
#include "web/school/learner.h"

/* What the learner joined, sessions attended and their own before and
** after — the runs the viewer delivers, or all of them for the learner's
** key worker; a leader reads only how many.  0 or -1 (err set). */
int support_learner_interventions(web_ctx *c, const learner_view *v, const char *title,
                                  cairn_err *err);

#endif
