/*
** web/support/case_approval_page.c — a school leader's approval of closing
** a case or handing it over (support/case.h, "approvals"): the request on
** the case page, with the leader's form to approve or decline it with a
** comment; the list of requests waiting, for the leader's /caseload page
** and home page; the answer as a form and its JSON twin.  The key worker
** who asked withdraws the request with web/support/case_withdraw_page.c.
**
** A leader who is not on the team sees what is asked (closing with which
** outcome, or a handover to whom), who asked, when, and why: they cannot
** answer without the reason (docs/decisions.md, "Approvals").  The
** support room decides who may answer (another leader than the asker and
** the key worker); a leader of another institution gets 404 here, as for
** every case.
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "web/api.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdlib.h>
#include <string.h>

/* What the request asks, as text: "Close the case (Left)" or "Hand the
** case over to NAME" (not HTML: written with %T). */
static const char *asked_text(web_ctx *c, const support_case_approval *a) {
    const i18n_lang *L = c->L;
    if (!strcmp(a->kind, "close"))
        return arena_printf(c->arena, "%s (%s)", T(L, "Close the case"),
                            T(L, support_case_outcome_name(a->outcome)));
    if (!a->to_staff)   /* to another institution (support/case_move.h) */
        return T(L, "Hand the case over to another institution");
    return arena_printf(c->arena, "%s: %s", T(L, "Hand the case over"), a->to_name);
}

/* The request on the case page (see case_view.h). */
int case_approval_part(web_ctx *c, const support_case_detail *d, unsigned rel,
                       const case_form *form, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    support_case_approval *a = page_keep(c, calloc(1, sizeof *a));
    int have = support_case_approval_pending(c->st, c->who->institution_id, d->c.id, 1, a, err);
    if (have < 0) return -1;
    int mine = form && form->form &&
               (!strcmp(form->form, "approval") || !strcmp(form->form, "approval-withdraw"));
    if (!have && !mine) return 0;
    html_printf(b, "<section aria-labelledby=\"h-approval\">\n<h2 id=\"h-approval\">%T</h2>\n",
                T(L, "Waiting for approval"));
    case_form_error(b, L, form, "approval", "approval-error");
    case_form_error(b, L, form, "approval-withdraw", "approval-withdraw-error");
    if (have) {
        char day[I18N_DATE_MAX];
        html_printf(b, "<p class=\"approval\" data-kind=\"%A\"><strong>%T</strong> ", a->kind,
                    asked_text(c, a));
        html_printf(b, T(L, "asked by <bdi>%T</bdi> on %T, waiting for a school leader's "
                            "approval."),
                    a->asked_by_name, case_day_text(L, a->asked_at, day, sizeof day));
        html_printf(b, "</p>\n<p class=\"comment\">%T</p>\n", a->reason);
        int may = (rel & SUPPORT_CASE_REL_LEADER) && !(rel & SUPPORT_CASE_REL_KEY_WORKER) &&
                  a->asked_by != c->who->account_id;
        if (may) {
            html_printf(b, "<form method=\"post\" action=\"/cases/%lld/approval\">\n",
                        (long long)d->c.id);
            case_csrf_field(b, c->req);
            html_printf(b, "<p><label for=\"ap-comment\">%T</label></p>\n"
                           "<textarea id=\"ap-comment\" name=\"comment\" rows=\"2\" required>"
                           "%T</textarea>\n"
                           "<p><button type=\"submit\" name=\"answer\" value=\"approve\">%T"
                           "</button> <button type=\"submit\" name=\"answer\" value=\"decline\">"
                           "%T</button></p>\n</form>\n",
                        T(L, "Comment (required)"), mine && form->reason ? form->reason : "",
                        T(L, "Approve"), T(L, "Decline"));
        } else if (rel & SUPPORT_CASE_REL_LEADER) {
            html_printf(b, "<p class=\"muted\">%T</p>\n",
                        T(L, "Another school leader answers this request: not the one who asked "
                             "or the case's key worker."));
        }
        if (a->asked_by == c->who->account_id || (rel & SUPPORT_CASE_REL_KEY_WORKER))
            case_approval_withdraw_form(c, d->c.id, a->id, form);   /* case_withdraw_page.c */
    }
    html_printf(b, "</section>\n");
    return 0;
}

/* The requests waiting in the institution (see case_view.h). */
int case_approvals_list(web_ctx *c, int heading_level, int show_empty, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    support_case_approval *rows = NULL;
    size_t n = 0;
    if (support_case_approvals_waiting(c->st, c->who->institution_id, &rows, &n, err) < 0)
        return -1;
    page_keep(c, rows);
    if (!n && !show_empty) return 0;
    html_printf(b, heading_level == 3 ? "<h3>%T</h3>\n" : "<h2>%T</h2>\n",
                T(L, "Requests waiting for your approval"));
    if (!n) {
        html_printf(b, "<p>%T</p>\n", T(L, "No request is waiting for approval."));
        return 0;
    }
    char day[I18N_DATE_MAX];
    html_printf(b, "<ul class=\"approvals\">\n");
    for (size_t i = 0; i < n; i++) {
        html_printf(b, "<li><a href=\"/cases/%lld\"><bdi>%T</bdi></a>: %T, ",
                    (long long)rows[i].case_id, rows[i].learner_name, asked_text(c, &rows[i]));
        html_printf(b, T(L, "asked by <bdi>%T</bdi> on %T"), rows[i].asked_by_name,
                    case_day_text(L, rows[i].asked_at, day, sizeof day));
        html_printf(b, "</li>\n");
    }
    html_printf(b, "</ul>\n");
    return 0;
}

/* The answer field: 1 approve, 0 decline, -1 neither. */
static int answer_parse(const char *a) {
    if (!a) return -1;
    if (!strcmp(a, "approve")) return 1;
    if (!strcmp(a, "decline")) return 0;
    return -1;
}

/*
** WEBPAGE: POST /cases/{id}/approval
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields answer (approve, decline) and comment (required): a school leader
** answers the request waiting on the case; approving closes it or makes the
** handover offer.  The asker and the case's key worker cannot answer.
*/
void page_case_approval(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 0)) return;
    if (!(rel & SUPPORT_CASE_REL_LEADER)) {
        page_refuse(c, "Only a school leader approves a request.");
        return;
    }
    case_form form = {0};
    form.form = "approval";
    form.reason = web_request_form(c->req, "comment");
    int approve = answer_parse(web_request_form(c->req, "answer"));
    int rc = approve < 0 ? case_refuse_form(&form, SUPPORT_CASE_APPROVAL_ANSWER_BAD)
                         : support_case_approval_answer(c->st, c->who->institution_id,
                                                        c->who->account_id, rel, c->id, approve,
                                                        form.reason, NULL, &form.problem, &err);
    case_form_answer(c, rc, &form, &err, approve > 0 ? "approved" : "declined");
}

/*
** WEBPAGE: POST /api/v1/cases/{id}/approval
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    json
**
** {"answer": "approve" | "decline", "comment": text} -> 200 with the case;
** 400 {"code", "field", "message"} for a refused answer (nothing written),
** 403 for anyone but a school leader, 404 for a case of another
** institution.
*/
void api_case_approval(web_ctx *c) {
    static const char *const fields[] = {"answer", "comment"};
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 1)) return;
    if (!(rel & SUPPORT_CASE_REL_LEADER)) {
        api_refuse(c, "Only a school leader approves a request.");
        return;
    }
    json_t *body = api_body_object(c, fields, 2);
    if (!body) return;
    const char *a = json_string_value(json_object_get(body, "answer"));
    json_t *cv = json_object_get(body, "comment");
    const char *comment = json_string_value(cv);
    if (cv && !json_is_null(cv) && !comment) {   /* once read as no comment */
        json_decref(body);
        case_api_invalid(c, "comment", "comment must be a string.");
        return;
    }
    int approve = answer_parse(a);
    support_case_problem p = SUPPORT_CASE_OK;
    int rc;
    if (approve < 0) {
        json_decref(body);
        case_api_invalid(c, "answer", T(c->L, "Choose approve or decline."));
        return;
    }
    rc = support_case_approval_answer(c->st, c->who->institution_id, c->who->account_id, rel,
                                      c->id, approve, comment ? comment : "", NULL, &p, &err);
    json_decref(body);
    case_api_answer(c, rc, p, NULL, 0, &err);
}
