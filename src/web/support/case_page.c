/*
** web/support/case_page.c — GET /cases/{id}: one case.
**
** The key worker and the team see everything: the learner, the state, the
** tier beside the flag's suggestion, the reason, the team, the tasks, the
** history with its reasons, and the next steps the lifecycle table allows
** them as forms.  A leader not on the team sees the state, the tier, the
** deadlines and the leaders' steps (reopening), not the contents.  Anyone
** else is refused.  Every view is in the audit log ("case.view", or
** "case.view_state") before the page is sent.  Forms: case_post.c.
*/
#include "web/support/case_view.h"
#include "web/support/review_view.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/actions.h"
#include "support/audit.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/support/plan_web.h"
#include "web/support/assessment_web.h"
#include "gen/pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The error paragraph of a refused form (see case_view.h). */
int case_form_error(buf *b, const i18n_lang *L, const case_form *form, const char *name,
                      const char *id) {
    if (!form || !form->form || strcmp(form->form, name) != 0) return 0;
    html_printf(b, "<p class=\"field-error\" id=\"%A\" role=\"alert\">", id);
    if (form->problem == SUPPORT_CASE_STEP_NOT_NOW && form->step)
        case_step_refusal(b, L, form->state, form->step);
    else
        html_printf(b, "%T", case_problem_text(L, form->problem));
    html_printf(b, "</p>\n");
    return 1;
}

/* The hidden CSRF field (see case_view.h). */
void case_csrf_field(buf *b, web_request *req) {
    html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n",
                req->session ? req->session->csrf : "");
}

/* The facts of the case: learner, state, tier and the flag's suggestion,
** source, key worker, opened (and closed with the outcome). */
static void facts(buf *b, const i18n_lang *L, const support_case *k, int contents) {
    char d1[I18N_DATE_MAX];
    html_printf(b, "<dl class=\"facts\">\n<dt>%T</dt><dd><a href=\"/learners/%lld\">"
                   "<bdi>%T</bdi></a> <span class=\"muted\">%T</span></dd>\n",
                T(L, "Learner"), (long long)k->learner_id, k->learner_name, k->learner_ref);
    html_printf(b, "<dt>%T</dt><dd class=\"case-state\" data-state=\"%A\">%T</dd>\n",
                T(L, "State"), support_case_state_code(k->state),
                T(L, support_case_state_name(k->state)));
    html_printf(b, "<dt>%T</dt><dd><span class=\"tier-%d\">%T</span>", T(L, "Tier of support"),
                k->tier, case_tier_name(L, k->tier));
    if (k->flag_tier >= 0) {
        html_printf(b, " <span class=\"muted\">");
        html_printf(b, T(L, "(the flag suggests: %T)"), case_tier_name(L, k->flag_tier));
        html_printf(b, "</span>");
    }
    html_printf(b, "</dd>\n<dt>%T</dt><dd><bdi>%T</bdi></dd>\n", T(L, "Key worker"),
                k->key_worker_name);
    html_printf(b, "<dt>%T</dt><dd>%T, %T</dd>\n", T(L, "Opened"),
                T(L, support_case_source_name(k->source)),
                case_day_text(L, k->opened_at, d1, sizeof d1));
    if (k->state == SUPPORT_CASE_CLOSED)
        html_printf(b, "<dt>%T</dt><dd>%T, %T</dd>\n", T(L, "Closed"),
                    T(L, support_case_outcome_name(k->outcome)),
                    case_day_text(L, k->closed_at, d1, sizeof d1));
    if (contents) {
        html_printf(b, "<dt>%T</dt><dd class=\"comment\">%T</dd>\n", T(L, "Reason"), k->reason);
        if (k->state == SUPPORT_CASE_CLOSED && k->outcome_reason[0])
            html_printf(b, "<dt>%T</dt><dd class=\"comment\">%T</dd>\n",
                        T(L, "Why it closed"), k->outcome_reason);
    }
    html_printf(b, "</dl>\n");
}

/* The forms of the steps the table allows rel from the case's state. */
static void steps_part(buf *b, web_request *req, const i18n_lang *L, const support_case *k,
                       unsigned rel, const case_form *form, int approve_close) {
    size_t n;
    const support_case_step *t = support_case_steps(&n);
    int any = 0;
    html_printf(b, "<section aria-labelledby=\"h-steps\">\n<h2 id=\"h-steps\">%T</h2>\n",
                T(L, "Next steps"));
    case_form_error(b, L, form, "step", "step-error");
    for (size_t i = 0; i < n; i++) {
        if ((int)t[i].from != k->state || !(t[i].who & rel)) continue;
        any = 1;
        int mine = form && form->form && !strcmp(form->form, "step") && form->step &&
                   !strcmp(form->step, t[i].code);
        char rid[48];
        snprintf(rid, sizeof rid, "step-reason-%s", t[i].code);
        html_printf(b, "<form method=\"post\" action=\"/cases/%lld/step\" class=\"case-step\">\n",
                    (long long)k->id);
        case_csrf_field(b, req);
        html_printf(b, "<input type=\"hidden\" name=\"step\" value=\"%A\">\n", t[i].code);
        if (t[i].needs_outcome) {
            html_printf(b, "<p><label for=\"step-outcome\">%T</label>\n"
                           "<select id=\"step-outcome\" name=\"outcome\" required>\n"
                           "<option value=\"\">%T</option>\n",
                        T(L, "Outcome"), T(L, "Choose the outcome"));
            for (int o = 1; o < SUPPORT_CASE_OUTCOME_COUNT; o++)
                html_printf(b, "<option value=\"%A\">%T</option>\n", support_case_outcome_code(o),
                            T(L, support_case_outcome_name(o)));
            html_printf(b, "</select></p>\n");
        }
        html_printf(b, "<p><label for=\"%A\">%T</label></p>\n", rid,
                    t[i].needs_reason ? T(L, "Reason (required)") : T(L, "Reason (optional)"));
        html_printf(b, t[i].needs_reason
                           ? "<textarea id=\"%A\" name=\"reason\" rows=\"2\" required>%T</textarea>\n"
                           : "<textarea id=\"%A\" name=\"reason\" rows=\"2\">%T</textarea>\n",
                    rid, mine && form->reason ? form->reason : "");
        if (t[i].approval && !strcmp(t[i].approval, SUPPORT_CASE_APPROVAL_CLOSE) && approve_close)
            html_printf(b, "<p class=\"muted\">%T</p>\n",
                        T(L, "Your school asks a school leader to approve this first."));
        html_printf(b, "<p><button type=\"submit\">%T</button></p>\n</form>\n",
                    case_step_name(L, t[i].code));
    }
    if (!any)
        html_printf(b, "<p class=\"muted\">%T</p>\n",
                    T(L, "No step of this case is yours to take now."));
    html_printf(b, "</section>\n");
}

/* The tier form (the key worker, an open case). */
static void tier_part(buf *b, web_request *req, const i18n_lang *L, const support_case *k,
                      const case_form *form) {
    html_printf(b, "<h3 id=\"h-tier\">%T</h3>\n<form method=\"post\" action=\"/cases/%lld/tier\">\n",
                T(L, "Change the tier"), (long long)k->id);
    case_csrf_field(b, req);
    int err = case_form_error(b, L, form, "tier", "tier-error");
    html_printf(b, err ? "<p><label for=\"tier\">%T</label>\n<select id=\"tier\" name=\"tier\" "
                         "aria-describedby=\"tier-error\" aria-invalid=\"true\">\n"
                       : "<p><label for=\"tier\">%T</label>\n<select id=\"tier\" name=\"tier\">\n",
                T(L, "Tier of support"));
    for (int t = 2; t >= 0; t--)
        html_printf(b, t == k->tier ? "<option value=\"%A\" selected>%T</option>\n"
                                    : "<option value=\"%A\">%T</option>\n",
                    support_case_tier_code(t), case_tier_name(L, t));
    html_printf(b, "</select></p>\n<p><label for=\"tier-reason\">%T</label></p>\n"
                   "<textarea id=\"tier-reason\" name=\"reason\" rows=\"2\" required>%T</textarea>\n"
                   "<p><button type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Reason (required)"),
                err && form->reason ? form->reason : "", T(L, "Change the tier"));
}

/* 1 when the page shows the form named name in full: asked for in the link
** (?form=name) or shown again with its error.  The forms that list every
** staff member of the school (a team member to add, a key worker to hand
** over to: hundreds at a large school) are links until asked for, so the
** case page stays small and quick for what is done on it every day. */
static int case_form_asked(web_ctx *c, const case_form *form, const char *name) {
    const char *q = web_request_query(c->req, "form");
    return (q && !strcmp(q, name)) || (form && form->form && !strcmp(form->form, name));
}

/* The team, with the key worker's forms to remove and add. */
static int team_part(web_ctx *c, const support_case_detail *d, int may_change,
                     const case_form *form, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<section aria-labelledby=\"h-team\">\n<h2 id=\"h-team\">%T</h2>\n",
                T(L, "Team"));
    case_form_error(b, L, form, "team-remove", "team-remove-error");
    if (!d->nteam) html_printf(b, "<p>%T</p>\n", T(L, "Nobody but the key worker yet."));
    else html_printf(b, "<ul class=\"team\">\n");
    for (size_t i = 0; i < d->nteam; i++) {
        html_printf(b, "<li><bdi>%T</bdi> \xE2\x80\x94 %T", d->team[i].name,
                    T(L, support_case_role_name(d->team[i].role)));
        if (may_change) {
            html_printf(b, " <form method=\"post\" action=\"/cases/%lld/team-remove\" "
                           "class=\"inline\">\n", (long long)d->c.id);
            case_csrf_field(b, c->req);
            html_printf(b, "<input type=\"hidden\" name=\"staff_id\" value=\"%lld\">"
                           "<button type=\"submit\">%T</button></form>",
                        (long long)d->team[i].staff_id, T(L, "Remove from the team"));
        }
        html_printf(b, "</li>\n");
    }
    if (d->nteam) html_printf(b, "</ul>\n");
    if (may_change && !case_form_asked(c, form, "team")) {   /* the list on request */
        html_printf(b, "<p><a href=\"/cases/%lld?form=team#h-team\">%T</a></p>\n",
                    (long long)d->c.id, T(L, "Add to the team"));
    } else if (may_change) {
        support_case_member *cand = NULL;
        size_t n = 0;
        if (support_case_team_candidates(c->st, c->who->institution_id, &cand, &n, err) < 0)
            return -1;
        page_keep(c, cand);
        html_printf(b, "<form method=\"post\" action=\"/cases/%lld/team\">\n", (long long)d->c.id);
        case_csrf_field(b, c->req);
        int bad = case_form_error(b, L, form, "team", "team-error");
        html_printf(b, bad ? "<p><label for=\"team-staff\">%T</label>\n<select id=\"team-staff\" "
                             "name=\"staff_id\" required aria-describedby=\"team-error\" "
                             "aria-invalid=\"true\">\n<option value=\"\">%T</option>\n"
                           : "<p><label for=\"team-staff\">%T</label>\n<select id=\"team-staff\" "
                             "name=\"staff_id\" required>\n<option value=\"\">%T</option>\n",
                    T(L, "Add to the team"), T(L, "Choose a staff member"));
        for (size_t i = 0; i < n; i++)
            if (cand[i].staff_id != d->c.key_worker_id)
                html_printf(b, "<option value=\"%lld\">%T</option>\n",
                            (long long)cand[i].staff_id, cand[i].name);
        html_printf(b, "</select></p>\n<p><label for=\"team-role\">%T</label>\n"
                       "<select id=\"team-role\" name=\"role\" required>\n", T(L, "Role"));
        for (int r = 0; r < SUPPORT_CASE_ROLE_COUNT; r++)
            html_printf(b, "<option value=\"%A\">%T</option>\n", support_case_role_code(r),
                        T(L, support_case_role_name(r)));
        html_printf(b, "</select></p>\n<p><button type=\"submit\">%T</button></p>\n</form>\n",
                    T(L, "Add to the team"));
    }
    html_printf(b, "</section>\n");
    return 0;
}

static void tasks_table(web_ctx *c, const support_case_detail *d, int may_do, int32_t today);

/* The form that adds a follow-up: what, whose (the key worker or a team
** member), when. */
static void follow_up_form(web_ctx *c, const support_case_detail *d, const case_form *form) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char num[I18N_NUM_MAX];
    html_printf(b, "<h3 id=\"h-follow-up\">%T</h3>\n<form method=\"post\" "
                   "action=\"/cases/%lld/follow-up\">\n", T(L, "Add a follow-up"),
                (long long)d->c.id);
    case_csrf_field(b, c->req);
    int bad = case_form_error(b, L, form, "follow-up", "follow-up-error");
    html_printf(b, "<p><label for=\"fu-what\">%T</label> <span class=\"muted\">", T(L, "What"));
    html_printf(b, T(L, "up to %T characters"),
                i18n_format_int(L, SUPPORT_CASE_FOLLOW_UP_MAX, num, sizeof num));
    html_printf(b, "</span></p>\n");
    html_printf(b, bad ? "<p><input id=\"fu-what\" name=\"what\" required maxlength=\"200\" "
                         "aria-describedby=\"follow-up-error\" aria-invalid=\"true\" "
                         "value=\"%A\"></p>\n"
                       : "<p><input id=\"fu-what\" name=\"what\" required maxlength=\"200\" "
                         "value=\"%A\"></p>\n",
                bad && form->reason ? form->reason : "");
    html_printf(b, "<p><label for=\"fu-owner\">%T</label>\n<select id=\"fu-owner\" "
                   "name=\"owner_id\" required>\n<option value=\"%lld\" selected>%T</option>\n",
                T(L, "Owner"), (long long)d->c.key_worker_id, d->c.key_worker_name);
    for (size_t i = 0; i < d->nteam; i++)
        html_printf(b, "<option value=\"%lld\">%T</option>\n", (long long)d->team[i].staff_id,
                    d->team[i].name);
    html_printf(b, "</select></p>\n<p><label for=\"fu-due\">%T</label>\n"
                   "<input id=\"fu-due\" name=\"due_on\" type=\"date\" required></p>\n"
                   "<p><button type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Due"), T(L, "Add a follow-up"));
}

/* The tasks: what, whose, due, done; a button for the open ones. */
static void tasks_part(web_ctx *c, const support_case_detail *d, int may_do,
                       const case_form *form) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    int32_t today = date_today();
    html_printf(b, "<section aria-labelledby=\"h-tasks\">\n<h2 id=\"h-tasks\">%T</h2>\n",
                T(L, "Tasks"));
    case_form_error(b, L, form, "task", "task-error");
    if (!d->ntasks) html_printf(b, "<p>%T</p>\n", T(L, "No tasks."));
    else tasks_table(c, d, may_do, today);
    if (may_do) follow_up_form(c, d, form);
    html_printf(b, "</section>\n");
}

/* The table of tasks. */
static void tasks_table(web_ctx *c, const support_case_detail *d, int may_do, int32_t today) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char day[I18N_DATE_MAX];
    html_printf(b, "<table class=\"tasks\">\n<thead><tr><th scope=\"col\">%T</th>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                T(L, "Task"), T(L, "Owner"), T(L, "Due"), T(L, "Done"));
    for (size_t i = 0; i < d->ntasks; i++) {
        const support_case_task *t = &d->tasks[i];
        int open = !t->done_at[0];
        html_printf(b, open && t->due_on < today ? "<tr class=\"overdue\">" : "<tr>");
        html_printf(b, "<td>%T", T(L, support_case_task_kind_name(t->kind)));
        if (t->title[0] && t->kind == SUPPORT_TASK_FOLLOW_UP)
            html_printf(b, ": <span class=\"comment\">%T</span>",
                        !strcmp(t->title, SUPPORT_CASE_TELL_TASK)
                            ? T(L, "Tell the learner who their new key worker is")
                            : t->title);
        html_printf(b, "</td><td><bdi>%T</bdi></td><td>%T", t->owner_name,
                    i18n_format_date(L, t->due_on, day, sizeof day));
        if (open && t->due_on < today) html_printf(b, " <strong>%T</strong>", T(L, "overdue"));
        html_printf(b, "</td><td>");
        if (!open) {
            html_printf(b, "%T", case_day_text(L, t->done_at, day, sizeof day));
        } else if (may_do && t->kind == SUPPORT_TASK_REVIEW) {   /* done by the review form */
            html_printf(b, "<a href=\"/cases/%lld/reviews#h-review-new\">%T</a>",
                        (long long)d->c.id, T(L, "Record a review"));
        } else if (may_do) {
            html_printf(b, "<form method=\"post\" action=\"/cases/%lld/task-done\">\n",
                        (long long)d->c.id);
            case_csrf_field(b, c->req);
            html_printf(b, "<input type=\"hidden\" name=\"task_id\" value=\"%lld\">"
                           "<button type=\"submit\">%T</button></form>",
                        (long long)t->id, T(L, "Mark done"));
        } else {
            html_printf(b, "\xE2\x80\x94");
        }
        html_printf(b, "</td></tr>\n");
    }
    html_printf(b, "</tbody>\n</table>\n");
}

/* What one history row says happened. */
static void event_text(buf *b, const i18n_lang *L, const support_case_event *e) {
    if (!strcmp(e->kind, "open") && !strcmp(e->from_value, "moved")) {   /* case_move.h */
        html_printf(b, "%T", T(L, "Opened: received from another institution"));
    } else if (!strcmp(e->kind, "open")) {
        html_printf(b, "%T: %T", T(L, "Opened"),
                    T(L, support_case_source_name(support_case_source_parse(e->from_value))));
    } else if (!strcmp(e->kind, "step")) {
        char to[40];
        str_copy(to, sizeof to, e->to_value);
        char *colon = strchr(to, ':');
        if (colon) *colon = 0;
        html_printf(b, "%T \xE2\x86\x92 %T",
                    T(L, support_case_state_name(support_case_state_parse(e->from_value))),
                    T(L, support_case_state_name(support_case_state_parse(to))));
        if (colon)
            html_printf(b, " (%T)",
                        T(L, support_case_outcome_name(support_case_outcome_parse(colon + 1))));
    } else if (!strcmp(e->kind, "tier")) {
        html_printf(b, "%T: %T \xE2\x86\x92 %T", T(L, "Tier of support"),
                    case_tier_name(L, support_case_tier_parse(e->from_value)),
                    case_tier_name(L, support_case_tier_parse(e->to_value)));
    } else if (!strcmp(e->kind, "team_add")) {
        html_printf(b, "%T: %T", T(L, "Added to the team"),
                    T(L, support_case_role_name(support_case_role_parse(e->to_value))));
    } else if (!strcmp(e->kind, "team_remove")) {
        html_printf(b, "%T: %T", T(L, "Removed from the team"),
                    T(L, support_case_role_name(support_case_role_parse(e->from_value))));
    } else if (!strcmp(e->kind, "transfer_ask")) {
        html_printf(b, "%T", T(L, "Handover offered"));
    } else if (!strcmp(e->kind, "transfer_accept") && !strncmp(e->to_value, "institution ", 12)) {
        html_printf(b, "%T", T(L, "Handover accepted by another institution"));
    } else if (!strcmp(e->kind, "transfer_accept")) {
        html_printf(b, "%T", T(L, "Handover accepted: a new key worker"));
    } else if (!strcmp(e->kind, "transfer_decline")) {
        html_printf(b, "%T", T(L, "Handover declined"));
    } else if (!strcmp(e->kind, "transfer_withdraw")) {
        html_printf(b, "%T", T(L, "Handover offer withdrawn"));
    } else if (!strcmp(e->kind, "approval_ask")) {
        html_printf(b, "%T: %T", T(L, "Approval asked"),
                    !strcmp(e->from_value, "close") ? T(L, "Close the case")
                                                    : T(L, "Hand the case over"));
    } else if (!strncmp(e->kind, "approval_", 9)) {   /* _yes, _no, _withdraw */
        html_printf(b, "%T", e->kind[9] == 'y'   ? T(L, "Approved by a school leader")
                             : e->kind[9] == 'n' ? T(L, "Declined by a school leader")
                                                 : T(L, "Request withdrawn by the key worker"));
    } else if (!strcmp(e->kind, "learner_told")) {
        html_printf(b, "%T (%T)", T(L, "The learner was told of the new key worker"),
                    !strcmp(e->from_value, "mail")     ? T(L, "by mail")
                    : !strcmp(e->from_value, "notice") ? T(L, "by a notice in cairn")
                                                       : T(L, "by a notice in cairn and by mail"));
    } else if (!strcmp(e->kind, "contract")) {   /* support/contract.h */
        html_printf(b, T(L, "Learner contract signed by all: version %T"), e->from_value);
    } else if (!strcmp(e->kind, "task_add")) {
        html_printf(b, "%T", T(L, "Follow-up added"));
    } else {
        html_printf(b, "%T: %T", T(L, "Task done"),
                    T(L, support_case_task_kind_name(support_case_task_kind_parse(e->from_value))));
    }
}

/* The handover: the offer waiting (with the receiver's answer forms), or
** the key worker's form to offer the case. */
static int transfer_part(web_ctx *c, const support_case_detail *d, unsigned rel,
                         const case_form *form, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char day[I18N_DATE_MAX];
    support_case_transfer *x = page_keep(c, calloc(1, sizeof *x));
    int have = support_case_transfer_pending(c->st, c->who->institution_id, d->c.id, 1, x, err);
    if (have < 0) return -1;
    int kw = (rel & SUPPORT_CASE_REL_KEY_WORKER) != 0;
    if (!have && !(kw && d->c.state != SUPPORT_CASE_CLOSED)) return 0;
    html_printf(b, "<section aria-labelledby=\"h-transfer\">\n<h2 id=\"h-transfer\">%T</h2>\n",
                T(L, "Handover"));
    case_form_error(b, L, form, "transfer", "transfer-error");
    if (have) {
        html_printf(b, "<p>");
        html_printf(b, T(L, "Offered to <bdi>%T</bdi> on %T, waiting for an answer."), x->to_name,
                    case_day_text(L, x->asked_at, day, sizeof day));
        html_printf(b, "</p>\n<p class=\"comment\">%T</p>\n", x->reason);
        case_withdraw_form(c, d->c.id, rel, form);   /* case_withdraw_page.c */
        if (rel & SUPPORT_CASE_REL_RECEIVER) {
            html_printf(b, "<form method=\"post\" action=\"/cases/%lld/transfer-answer\">\n",
                        (long long)d->c.id);
            case_csrf_field(b, c->req);
            html_printf(b, "<p><label for=\"tr-comment\">%T</label></p>\n"
                           "<textarea id=\"tr-comment\" name=\"comment\" rows=\"2\"></textarea>\n"
                           "<p><button type=\"submit\" name=\"answer\" value=\"accept\">%T</button> "
                           "<button type=\"submit\" name=\"answer\" value=\"decline\">%T</button></p>\n"
                           "</form>\n",
                        T(L, "Comment (required to decline)"), T(L, "Accept the case"),
                        T(L, "Decline"));
        }
    } else if (!case_form_asked(c, form, "transfer")) {   /* the list on request */
        html_printf(b, "<p><a href=\"/cases/%lld?form=transfer#h-transfer\">%T</a></p>\n",
                    (long long)d->c.id, T(L, "Offer the case"));
    } else {
        support_staff *kws = NULL;
        size_t n = 0;
        if (support_key_worker_eligible(c->st, c->who->institution_id, &kws, &n, err) < 0)
            return -1;
        page_keep(c, kws);
        html_printf(b, "<form method=\"post\" action=\"/cases/%lld/transfer\">\n",
                    (long long)d->c.id);
        case_csrf_field(b, c->req);
        html_printf(b, "<p><label for=\"tr-staff\">%T</label>\n<select id=\"tr-staff\" "
                       "name=\"staff_id\" required>\n<option value=\"\">%T</option>\n",
                    T(L, "Offer the case to another key worker"), T(L, "Choose a staff member"));
        for (size_t i = 0; i < n; i++)
            if (kws[i].id != d->c.key_worker_id)
                html_printf(b, "<option value=\"%lld\">%T %T</option>\n", (long long)kws[i].id,
                            kws[i].given_name, kws[i].family_name);
        html_printf(b, "</select></p>\n<p><label for=\"tr-reason\">%T</label></p>\n"
                       "<textarea id=\"tr-reason\" name=\"reason\" rows=\"2\" required></textarea>\n"
                       "<p><button type=\"submit\">%T</button></p>\n</form>\n",
                    T(L, "Reason (required)"), T(L, "Offer the case"));
    }
    html_printf(b, "</section>\n");
    return 0;
}

/* The history, oldest first. */
static void history_part(buf *b, const i18n_lang *L, const support_case_detail *d) {
    char day[I18N_DATE_MAX];
    html_printf(b, "<section aria-labelledby=\"h-history\">\n<h2 id=\"h-history\">%T</h2>\n"
                   "<ol class=\"history\">\n", T(L, "History"));
    for (size_t i = 0; i < d->nhistory; i++) {
        const support_case_event *e = &d->history[i];
        html_printf(b, "<li><span class=\"muted\">%T, <bdi>%T</bdi>:</span> ",
                    case_day_text(L, e->at, day, sizeof day), e->by[0] ? e->by : "cairn");
        event_text(b, L, e);
        if (e->reason[0]) html_printf(b, "<p class=\"comment\">%T</p>", e->reason);
        html_printf(b, "</li>\n");
    }
    html_printf(b, "</ol>\n</section>\n");
}

/* The case page after its audit event (see case_page_show); frees d's rows. */
static void case_page_body(web_ctx *c, support_case_detail *d, const assessment_case_view *av,
                           unsigned rel, int contents,
                           int status, const case_form *form) {
    cairn_err err = {0};
    const i18n_lang *L = c->L;
    buf *b = c->b;
    /* not HTML: the title as text, escaped by page_begin and %T */
    const char *title = arena_printf(c->arena, "%s \xE2\x80\x94 %s", T(L, "Case"),
                                     d->c.learner_name);
    page_begin(c, title);
    html_printf(b, "<h1>%T</h1>\n", title);
    if (form && form->problem != SUPPORT_CASE_OK) {
        html_printf(b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                       "tabindex=\"-1\" autofocus>\n<h2>%T</h2>\n<p>", T(L, "Nothing was saved"));
        if (form->problem == SUPPORT_CASE_STEP_NOT_NOW && form->step)
            case_step_refusal(b, L, form->state, form->step);
        else
            html_printf(b, "%T", case_problem_text(L, form->problem));
        html_printf(b, "</p>\n</div>\n");
    } else {
        const char *done = web_request_query(c->req, "done");
        if (done && !strcmp(done, "asked"))
            html_printf(b, "<p class=\"notice\" role=\"status\">%T</p>\n",
                        T(L, "Sent to a school leader for approval."));
        else if (done && *done)
            html_printf(b, "<p class=\"notice\" role=\"status\">%T</p>\n", T(L, "Saved."));
    }
    facts(b, L, &d->c, contents);
    if (!contents)
        html_printf(b, "<p class=\"notice\">%T</p>\n",
                    T(L, "You see the state and the deadlines of this case, not its contents: "
                         "only its key worker and its team do."));
    int approve_close = support_case_approval_required(c->st, c->who->institution_id,
                                                       SUPPORT_CASE_APPROVAL_CLOSE, &err);
    steps_part(b, c->req, L, &d->c, rel, form, approve_close > 0);
    if (case_approval_part(c, d, rel, form, &err) < 0) {
        support_case_detail_free(d);
        page_fail(c, "case approval", err.msg);
        return;
    }
    int kw = (rel & SUPPORT_CASE_REL_KEY_WORKER) && d->c.state != SUPPORT_CASE_CLOSED;
    if (kw) tier_part(b, c->req, L, &d->c, form);
    tasks_part(c, d, case_rel_sees_contents(rel & ~SUPPORT_CASE_REL_RECEIVER) &&
                         d->c.state != SUPPORT_CASE_CLOSED, form);
    assessment_case_section(c, d, av);   /* web/support/assessment_words.c */
    if (contents && transfer_part(c, d, rel, form, &err) < 0) {
        support_case_detail_free(d);
        page_fail(c, "case handover", err.msg);
        return;
    }
    if (!contents && case_withdraw_part(c, d, rel, form, &err) < 0) {
        support_case_detail_free(d);
        page_fail(c, "case handover", err.msg);
        return;
    }
    if (contents && case_move_part(c, d, rel, form, &err) < 0) {   /* case_move_page.c */
        support_case_detail_free(d);
        page_fail(c, "case handover elsewhere", err.msg);
        return;
    }
    if (case_rel_sees_contents(rel & ~SUPPORT_CASE_REL_RECEIVER) &&
        case_conference_part(c, d, form, &err) < 0) {
        support_case_detail_free(d);
        page_fail(c, "case conferences", err.msg);
        return;
    }
    if (plan_case_section(c, d, rel, &err) < 0) {   /* web/support/plan_words.c */
        support_case_detail_free(d);
        page_fail(c, "case plan", err.msg);
        return;
    }
    review_case_line(c, &d->c);   /* last review, next due, link (review_words.c) */
    if (contents) contract_case_summary(c, d->c.id);
    if (contents) {
        if (case_interventions_part(c, d, &err) < 0 || team_part(c, d, kw, form, &err) < 0) {
            support_case_detail_free(d);
            page_fail(c, "case team", err.msg);
            return;
        }
        history_part(b, L, d);
    }
    support_case_detail_free(d);
    page_end(c);
    c->res->status = status;
}

/* The case page with status (see case_view.h). */
void case_page_show(web_ctx *c, int status, const case_form *form) {
    cairn_err err = {0};
    unsigned rel;
    /* The reads before the view events in one read transaction, too. */
    int opened = 0;
    if (store_read_begin(c->st, &opened, &err) < 0) {
        page_fail(c, "case", err.msg);
        return;
    }
    if (!case_viewer(c, c->id, &rel, 0)) {
        store_read_end(c->st, opened);
        return;
    }
    if (!rel) {
        store_read_end(c->st, opened);
        page_refuse(c, "You may not see this case.");
        return;
    }
    int contents = case_rel_sees_contents(rel);
    support_case_detail *d = page_keep(c, xmalloc(sizeof *d));   /* cleared by detail_get */
    int found = support_case_detail_get(c->st, c->who->institution_id, c->id, contents, d, &err);
    store_read_end(c->st, opened);
    if (found <= 0) {
        page_fail(c, "case", found < 0 ? err.msg : "vanished");
        return;
    }
    if (support_case_audit(c->st, c->who->institution_id, c->who->account_id, d->c.learner_id,
                           c->id, contents ? "case.view" : "case.view_state", "viewed",
                           arena_printf(c->arena, "case %lld", (long long)c->id), &err) != 0) {
        support_case_detail_free(d);
        page_fail(c, "case audit", err.msg);
        return;
    }
    /* the sections that audit what they show read first: an event
    ** written in the read transaction below would be rolled back with it */
    assessment_case_view av;
    assessment_case_read(c, d, rel, &av);
    /* Everything below only reads: one read transaction (one read lock). */
    if (store_read_begin(c->st, &opened, &err) == 0) {
        case_page_body(c, d, &av, rel, contents, status, form);
        store_read_end(c->st, opened);
    } else {
        support_case_detail_free(d);
        page_fail(c, "case", err.msg);
    }
    support_assessments_free(av.rows, av.n);
}

/*
** WEBPAGE: GET /cases/{id}
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** One case: for its key worker and team everything, with the next steps
** the lifecycle table allows them; for a school leader not on the team the
** state, the tier and the deadlines.  Written to the audit log.
*/
void page_case(web_ctx *c) {
    case_page_show(c, 200, NULL);
}
