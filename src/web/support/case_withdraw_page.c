/*
** web/support/case_withdraw_page.c — withdrawing a handover offer that
** waits (support/case_withdraw.h): the form beside the offer on the case
** page (the key worker's, a school leader's), the short section a school
** leader who is not on the team sees instead, and the form's POST.  And
** the key worker withdrawing their request waiting for a school leader's
** approval: the form under the request (case_approval_page.c shows it)
** and its POST.  The JSON twins are in web/support/case_api_post.c.
*/
#include "web/support/case_view.h"
#include "base/mem.h"
#include "support/case_move.h"
#include "support/case_withdraw.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdlib.h>
#include <string.h>

/* The form that withdraws the offer waiting (see case_view.h). */
void case_withdraw_form(web_ctx *c, int64_t case_id, unsigned rel, const case_form *form) {
    if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_LEADER))) return;
    buf *b = c->b;
    const i18n_lang *L = c->L;
    case_form_error(b, L, form, "withdraw", "withdraw-error");
    html_printf(b, "<form method=\"post\" action=\"/cases/%lld/withdraw-offer\" "
                   "class=\"withdraw\">\n", (long long)case_id);
    case_csrf_field(b, c->req);
    html_printf(b, "<p><label for=\"wd-reason\">%T</label></p>\n<textarea id=\"wd-reason\" "
                   "name=\"reason\" rows=\"2\" required>%T</textarea>\n<p><button "
                   "type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Why is the offer withdrawn? (required)"),
                form && form->form && !strcmp(form->form, "withdraw") && form->reason
                    ? form->reason
                    : "",
                T(L, "Withdraw the offer"));
}

/* The form that withdraws a request waiting for approval (see
** case_view.h). */
void case_approval_withdraw_form(web_ctx *c, int64_t case_id, int64_t request_id,
                                 const case_form *form) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<form method=\"post\" action=\"/cases/%lld/approval-withdraw\" "
                   "class=\"withdraw\">\n", (long long)case_id);
    case_csrf_field(b, c->req);
    html_printf(b, "<input type=\"hidden\" name=\"request_id\" value=\"%lld\">\n",
                (long long)request_id);
    html_printf(b, "<p><label for=\"aw-reason\">%T</label></p>\n<textarea id=\"aw-reason\" "
                   "name=\"reason\" rows=\"2\" required>%T</textarea>\n<p><button "
                   "type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Why is the request withdrawn? (required)"),
                form && form->form && !strcmp(form->form, "approval-withdraw") && form->reason
                    ? form->reason
                    : "",
                T(L, "Withdraw the request"));
}

/* The offer waiting for a school leader who does not see the case's
** contents (see case_view.h). */
int case_withdraw_part(web_ctx *c, const support_case_detail *d, unsigned rel,
                       const case_form *form, cairn_err *err) {
    if (!(rel & SUPPORT_CASE_REL_LEADER)) return 0;
    int64_t inst = c->who->institution_id;
    support_case_transfer *x = page_keep(c, calloc(1, sizeof *x));
    support_case_move *m = page_keep(c, calloc(1, sizeof *m));
    int have = support_case_transfer_pending(c->st, inst, d->c.id, 0, x, err);
    if (have == 0) {   /* or one to another institution, released to it */
        int elsewhere = support_case_move_of_case(c->st, inst, d->c.id, 0, m, err);
        if (elsewhere < 0) return -1;
        if (elsewhere && !strcmp(m->state, "pending")) {
            str_copy(x->to_name, sizeof x->to_name, m->to_name);
            str_copy(x->asked_at, sizeof x->asked_at, m->asked_at);
            have = 1;
        }
    }
    if (have <= 0) return have;
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char day[I18N_DATE_MAX];
    html_printf(b, "<section aria-labelledby=\"h-withdraw\">\n<h2 id=\"h-withdraw\">%T</h2>\n"
                   "<p>", T(L, "Handover"));
    html_printf(b, T(L, "Offered to <bdi>%T</bdi> on %T, waiting for an answer."), x->to_name,
                case_day_text(L, x->asked_at, day, sizeof day));
    html_printf(b, "</p>\n");
    case_withdraw_form(c, d->c.id, rel, form);
    html_printf(b, "</section>\n");
    return 0;
}

/*
** WEBPAGE: POST /cases/{id}/withdraw-offer
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Field reason (required): the case's key worker or a school leader
** withdraws the handover offer waiting for an answer (to another key
** worker or to another institution); the receiver no longer sees it.
*/
void page_case_withdraw_offer(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 0)) return;
    case_form form = {0};
    form.form = "withdraw";
    form.reason = web_request_form(c->req, "reason");
    int rc = support_case_offer_withdraw(c->st, c->who->institution_id, c->who->account_id, rel,
                                         c->id, form.reason, NULL, &form.problem, &err);
    case_form_answer(c, rc, &form, &err, "withdrawn");
}

/*
** WEBPAGE: POST /cases/{id}/approval-withdraw
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields request_id and reason (required): the key worker who asked, or
** the case's key worker, withdraws the request waiting for a school
** leader's approval (closing, or a handover; a handover to another
** institution's offer with it); the leaders no longer see it.
*/
void page_case_approval_withdraw(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 0)) return;
    case_form form = {0};
    form.form = "approval-withdraw";
    form.reason = web_request_form(c->req, "reason");
    int64_t request = page_parse_id(web_request_form(c->req, "request_id"));
    if (request <= 0) {   /* the form always names the request it showed: not from it */
        web_error_page(c->res, 400, T(c->L, "Nothing was saved"),
                       T(c->L, "The form names no request to withdraw (field request_id)."));
        return;
    }
    int rc = support_case_approval_withdraw(c->st, c->who->institution_id, c->who->account_id,
                                            rel, c->id, request, form.reason, NULL, &form.problem,
                                            &err);
    case_form_answer(c, rc, &form, &err, "withdrawn");
}
