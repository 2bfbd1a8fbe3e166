/*
** web/actions.h — what the learner page's "Actions" forms sent
** (web/support/), which the learner page (web/school/learner.c) shows:
** acknowledging a flag with a comment and naming the learner's key worker.
** What they do, and the rules of the input, are the support room's
** (support/actions.h); who may do it is decided here first, with
** access_can_act_on_learner() (web/access.h).
*/
#ifndef CAIRN_WEB_ACTIONS_H
#define CAIRN_WEB_ACTIONS_H
#include "base/err.h"
#include "store/store.h"
#include "support/actions.h"
#include "web/access.h"
#include "web/server.h"
#include <stddef.h>
#include <stdint.h>

/* ---- the learner page (web/support/learner_actions.c) --------------------------------- */

/* What a refused form sent, to show it again with its error. */
typedef struct page_action_form {
    const char     *action;     /* "acknowledge" or "key-worker" */
    const char     *flag;       /* the flag the acknowledge form was for */
    const char     *comment;    /* what was typed */
    int64_t         staff_id;   /* what was chosen */
    support_problem problem;
} page_action_form;

/* The learner page's Actions section and the page itself are in
** web/support/learner_actions.c and web/school/learner.h. */

#endif
