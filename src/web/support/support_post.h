/*
** web/support/support_post.h — what the two POST pages of the support room
** (web/support/acknowledge.c, web/support/key_worker.c) share.
*/
#ifndef CAIRN_WEB_SUPPORT_POST_H
#define CAIRN_WEB_SUPPORT_POST_H
#include "web/actions.h"
#include "web/page.h"

/* Check that c->id is a learner of the viewer's institution and that the
** viewer may do action to it.  1 = go on; 0 = answered (404, 403 or 500,
** as a page, or as JSON when json is 1). */
int support_post_allowed(web_ctx *c, access_action action, int json);

/* Answer a form POST of the learner page after the support function
** returned rc: < 0 the 500 page (err logged), > 0 the learner page again
** with status 400 and the problem beside its field (form), 0 a redirect to
** the learner page with ?done=done (a static string). */
void support_post_answer(web_ctx *c, int rc, const page_action_form *form,
                         const cairn_err *err, const char *done);

#endif
