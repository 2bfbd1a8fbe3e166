/*
** web/support/case_api_post.c — the JSON twins of the case page's forms
** (web/support/case_post.c): POST /api/v1/cases/{id}/... with a JSON body,
** the same writers, the same checks and the same words.  A change that
** goes through answers 200 with the case (as GET /api/v1/cases/{id}
** shows it to the caller); refused input answers 400
** {"code": "invalid", "field": ..., "message": ...} with the sentence the
** form shows beside the field, nothing written.
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "web/api.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <string.h>

/* Answer 400 with the field (see case_view.h). */
void case_api_invalid(web_ctx *c, const char *field, const char *message) {
    api_reply(c, 400, json_pack("{s:s, s:s, s:s}", "code", "invalid", "field", field,
                                "message", message));
}

/* Replace the first "%T" of fmt after from by s into out. */
static void put_one(buf *out, const char **fmt, const char *s) {
    const char *at = strstr(*fmt, "%T");
    if (!at) return;
    buf_append(out, *fmt, (size_t)(at - *fmt));   /* not HTML: a JSON string */
    buf_puts(out, s);                              /* not HTML: a JSON string */
    *fmt = at + 2;
}

/* The step refusal as plain text (see case_view.h). */
const char *case_step_refusal_text(web_ctx *c, int state, const char *step) {
    const i18n_lang *L = c->L;
    const char *fmt = T(L, "A case in the state \xE2\x80\x9C%T\xE2\x80\x9D cannot take the step "
                           "\xE2\x80\x9C%T\xE2\x80\x9D.");
    buf out = BUF_INIT;   /* not HTML: a JSON string */
    put_one(&out, &fmt, T(L, support_case_state_name(state)));
    put_one(&out, &fmt, case_step_name(L, step));
    buf_puts(&out, fmt);   /* not HTML: a JSON string */
    const char *r = arena_strdup(c->arena, buf_cstr(&out));
    buf_free(&out);
    return r;
}

/* Answer a JSON twin (see case_view.h). */
void case_api_answer(web_ctx *c, int rc, support_case_problem p, const char *step, int state,
                     const cairn_err *err) {
    if (rc < 0) {
        api_fail(c, "case change", err->msg);
    } else if (rc > 0) {
        const char *field = support_case_problem_field(p);
        const char *msg = p == SUPPORT_CASE_STEP_NOT_NOW && step
                              ? case_step_refusal_text(c, state, step)
                              : case_problem_text(c->L, p);
        case_api_invalid(c, *field ? field : "case", msg);
    } else {
        case_api_show(c, 200);
    }
}
