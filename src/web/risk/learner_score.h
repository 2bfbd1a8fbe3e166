/*
** web/risk/learner_score.h — the risk room's rows of the learner page's
** table of sections (web/school/learner.h).
*/
#ifndef CAIRN_WEB_RISK_LEARNER_SCORE_H
#define CAIRN_WEB_RISK_LEARNER_SCORE_H
#include "web/school/learner.h"

/* The current flags and their explanation (from v->score). */
int risk_learner_flags(web_ctx *c, const learner_view *v, const char *title, cairn_err *err);

/* Risk over time: the probability when a model gave one, else the number
** of flags (reads the score history). */
int risk_learner_history(web_ctx *c, const learner_view *v, const char *title, cairn_err *err);

#endif
