/*
** web/actions.h — the learner page's "Actions" section and its POST handler
** (web/pages_actions.c), which web/pages_learner.c calls: acknowledging a
** flag with a comment and naming the learner's key worker.  What they do,
** and the rules of the input, are the support room's (support/actions.h);
** who may do it is decided here first, with access_can_act_on_learner()
** (web/access.h).
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

/* ---- the learner page (web/pages_actions.c) --------------------------------- */

/* What a refused form sent, to show it again with its error. */
typedef struct page_action_form {
    const char     *action;     /* "acknowledge" or "key-worker" */
    const char     *flag;       /* the flag the acknowledge form was for */
    const char     *comment;    /* what was typed */
    int64_t         staff_id;   /* what was chosen */
    support_problem problem;
} page_action_form;

struct i18n_lang;
struct risk_attention_row;

/* Write the learner page's Actions section into b: per current flag (of
** sc, when have) its acknowledgements and a form to acknowledge it; the
** current key worker and, when who may assign one, a form to do so.  form
** (may be NULL) is a refused submission to show again with its error.  0,
** or -1 with err set when a read failed (b may hold part of the section). */
int page_actions_section(web_request *req, buf *b, const struct i18n_lang *L,
                         const access_ctx *who, int64_t learner_id,
                         const struct risk_attention_row *sc, int have,
                         const page_action_form *form, cairn_err *err);

/* The learner page of learner_id with status (200, or 400 with form), as
** GET /learners/{id} answers it (web/pages_learner.c): checks access,
** writes the view to the audit log. */
void page_learner_show(web_request *req, web_response *res, int64_t learner_id, int status,
                       const page_action_form *form);

#endif
