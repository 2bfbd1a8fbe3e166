/*
** web/support/plan_page.c — GET /cases/{id}/plan: the plans of a case and
** their SMART goals, a table per plan (cards on a phone, clean on paper),
** the domains of the latest needs assessment not yet answered at the top,
** each with a link to a goal for it and a form for a reason for "not now",
** the learning plan's note on recovering missed time, and the forms that
** mark a goal achieved or dropped.  The goal form is in
** web/support/plan_form.c.  For the key worker and the team (a teacher on
** the team sees only the goals concerning a group they teach, nothing
** else); the health and well-being plan only for the key worker and a
** psychologist on the team.  Written to the audit log.
*/
#include "web/support/plan_web.h"
#include "base/date.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/support/case_view.h"
#include "gen/pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The error paragraph of a refused form named name (id), if it is that
** form; 1 when written. */
static int form_error(buf *b, const i18n_lang *L, const plan_form *form, const char *name,
                      const char *id) {
    if (!form || !form->problem || strcmp(form->form, name) != 0) return 0;
    html_printf(b, "<p class=\"field-error\" id=\"%A\" role=\"alert\">%T</p>\n", id,
                plan_problem_text(L, form->problem));
    return 1;
}

/* The domains not yet answered, each with a link to a goal form for it
** and a form for a reason for "not now". */
static void unanswered_part(web_ctx *c, const int needs[SUPPORT_DOMAIN_COUNT], unsigned bits,
                            int may_write, const plan_form *form) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<section aria-labelledby=\"h-unanswered\" class=\"unanswered\">\n"
                   "<h2 id=\"h-unanswered\">%T</h2>\n",
                T(L, "Needs not yet answered"));
    int rated = 0;
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) rated |= needs[d] >= 0;
    if (!rated) {
        html_printf(b, "<p>%T</p>\n</section>\n",
                    T(L, "There is no needs assessment yet: once there is one, every domain "
                         "rated 2 (act) or 3 (act now) must be answered here by a goal or a "
                         "reason for \xE2\x80\x9Cnot now\xE2\x80\x9D."));
        return;
    }
    if (!bits) {
        html_printf(b, "<p>%T</p>\n</section>\n",
                    T(L, "Every domain rated 2 or 3 in the latest needs assessment is answered "
                         "by a goal or a reason for \xE2\x80\x9Cnot now\xE2\x80\x9D."));
        return;
    }
    html_printf(b, "<p>%T</p>\n<ul class=\"needs\">\n",
                T(L, "Each domain rated 2 (act) or 3 (act now) in the latest needs assessment "
                     "needs a goal or a reason for \xE2\x80\x9Cnot now\xE2\x80\x9D."));
    char num[I18N_NUM_MAX];
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) {
        if (!(bits & (1u << d))) continue;
        const char *code = support_domain_code(d);
        html_printf(b, "<li data-domain=\"%A\"><strong>%T</strong> \xE2\x80\x94 %T %T\n", code,
                    T(L, support_domain_name(d)), T(L, "rated"),
                    i18n_format_int(L, needs[d], num, sizeof num));
        if (may_write) {
            html_printf(b, "<p><a href=\"/cases/%lld/plan?domain=%U#goal-form\">%T</a></p>\n",
                        (long long)c->id, code, T(L, "Add a goal for this domain"));
            html_printf(b, "<form method=\"post\" action=\"/cases/%lld/not-now\">\n",
                        (long long)c->id);
            case_csrf_field(b, c->req);
            html_printf(b, "<input type=\"hidden\" name=\"domain\" value=\"%A\">\n", code);
            int here = form && form->domain && !strcmp(form->domain, code);
            char id[48];
            snprintf(id, sizeof id, "nn-error-%s", code);
            if (here) form_error(b, L, form, "not_now", id);
            html_printf(b, "<label for=\"nn-%A\">%T</label>\n<input id=\"nn-%A\" name=\"reason\" "
                           "maxlength=\"500\"", code, T(L, "Reason for not now"), code);
            if (here) html_printf(b, " aria-describedby=\"%A\" aria-invalid=\"true\"", id);
            html_printf(b, "> <button type=\"submit\">%T</button>\n</form>\n",
                        T(L, "Record \xE2\x80\x9Cnot now\xE2\x80\x9D"));
        }
        html_printf(b, "</li>\n");
    }
    html_printf(b, "</ul>\n</section>\n");
}

/* The form that marks goal g achieved or dropped. */
static void close_form(web_ctx *c, const support_goal *g, const plan_form *form) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<form method=\"post\" action=\"/cases/%lld/goals/close\" class=\"close\">\n",
                (long long)c->id);
    case_csrf_field(b, c->req);
    html_printf(b, "<input type=\"hidden\" name=\"goal_id\" value=\"%lld\">\n", (long long)g->id);
    char id[48];
    snprintf(id, sizeof id, "close-error-%lld", (long long)g->id);
    int here = form && form->goal_id == g->id && form_error(b, L, form, "close", id);
    html_printf(b, "<label for=\"st-%lld\">%T</label> <select id=\"st-%lld\" name=\"status\">\n"
                   "<option value=\"achieved\">%T</option>\n<option value=\"dropped\">%T</option>\n"
                   "</select>\n<label for=\"why-%lld\">%T</label> <input id=\"why-%lld\" "
                   "name=\"reason\" maxlength=\"500\"",
                (long long)g->id, T(L, "Mark as"), (long long)g->id, T(L, "Achieved"),
                T(L, "Dropped"), (long long)g->id, T(L, "Reason"), (long long)g->id);
    if (here) html_printf(b, " aria-describedby=\"%A\" aria-invalid=\"true\"", id);
    html_printf(b, "> <button type=\"submit\">%T</button>\n</form>\n", T(L, "Save"));
}

/* One goal as a table row (each cell labelled for the phone's cards). */
static void goal_row(web_ctx *c, const support_goal *g, int may_write, int32_t today,
                     const plan_form *form) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char num[I18N_NUM_MAX], day[I18N_DATE_MAX];
    html_printf(b, "<tr id=\"goal-%lld\" data-status=\"%A\">\n<th scope=\"row\" "
                   "data-label=\"%A\"><span class=\"comment\">%T</span><br><span "
                   "class=\"muted\">%T</span></th>\n<td data-label=\"%A\">%T<br>",
                (long long)g->id, support_goal_status_code(g->status), T(L, "Goal"), g->what,
                T(L, support_domain_name(g->domain)), T(L, "Measure"), g->measure);
    html_printf(b, "<span class=\"muted\">%T:</span> %T \xE2\x86\x92 ", T(L, "Baseline"),
                g->has_baseline ? plan_number_text(L, g->baseline, num, sizeof num) : "\xE2\x80\x94");
    html_printf(b, "<span class=\"muted\">%T:</span> <strong>%T</strong></td>\n", T(L, "Target"),
                plan_number_text(L, g->target, num, sizeof num));
    html_printf(b, "<td data-label=\"%A\">%T", T(L, "Due"),
                i18n_format_date(L, g->due_on, day, sizeof day));
    if (g->status == SUPPORT_GOAL_OPEN && g->due_on < today)
        html_printf(b, " <strong class=\"overdue\">%T</strong>", T(L, "overdue"));
    html_printf(b, "</td>\n<td data-label=\"%A\"><span class=\"comment\">%T</span></td>\n"
                   "<td data-label=\"%A\"><span class=\"comment\">%T</span></td>\n"
                   "<td data-label=\"%A\"><bdi>%T</bdi>",
                T(L, "The learner's step"), g->learner_step, T(L, "Support the school commits to"),
                g->support, T(L, "Who helps"), g->helper);
    if (g->group_name[0])
        html_printf(b, "<br><span class=\"muted\">%T: <bdi>%T</bdi></span>", T(L, "Group"),
                    g->group_name);
    html_printf(b, "</td>\n<td data-label=\"%A\">%T", T(L, "Status"),
                plan_status_name(L, g->status));
    if (g->status != SUPPORT_GOAL_OPEN) {
        html_printf(b, " <span class=\"muted\">%T</span>",
                    case_day_text(L, g->status_at, day, sizeof day));
        if (g->status_reason[0])
            html_printf(b, "<br><span class=\"comment\">%T</span>", g->status_reason);
    } else if (may_write) {
        html_printf(b, "<p><a href=\"/cases/%lld/plan?edit=%lld#goal-form\">%T</a></p>\n",
                    (long long)c->id, (long long)g->id, T(L, "Edit"));
        close_form(c, g, form);
    }
    html_printf(b, "</td>\n</tr>\n");
}

/* The learning plan's recovery note and, for a writer, its form. */
static void recovery_part(web_ctx *c, const char *text, int may_write, const plan_form *form) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<h3 id=\"h-recovery\">%T</h3>\n", T(L, "Recovering missed learning time"));
    if (text[0]) html_printf(b, "<p class=\"comment\">%T</p>\n", text);
    else html_printf(b, "<p class=\"muted\">%T</p>\n", T(L, "Not written yet."));
    if (!may_write) return;
    html_printf(b, "<form method=\"post\" action=\"/cases/%lld/plan/recovery\">\n",
                (long long)c->id);
    case_csrf_field(b, c->req);
    int here = form_error(b, L, form, "recovery", "recovery-error");
    html_printf(b, "<label for=\"recovery\">%T</label>\n<textarea id=\"recovery\" "
                   "name=\"recovery\" rows=\"3\" maxlength=\"2000\"",
                T(L, "How missed learning time is recovered"));
    if (here) html_printf(b, " aria-describedby=\"recovery-error\" aria-invalid=\"true\"");
    html_printf(b, ">%T</textarea>\n<p><button type=\"submit\">%T</button></p>\n</form>\n", text,
                T(L, "Save"));
}

/* One plan (see plan_web.h). */
void plan_part(web_ctx *c, int kind, const support_goal *goals, size_t n, int may_write,
                      int full, const char *recovery, const plan_form *form) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    int32_t today = date_today();
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += goals[i].plan == kind;
    html_printf(b, "<section aria-labelledby=\"h-plan-%A\" class=\"plan\" data-plan=\"%A\">\n"
                   "<h2 id=\"h-plan-%A\">%T</h2>\n", support_plan_kind_code(kind),
                support_plan_kind_code(kind), support_plan_kind_code(kind), plan_kind_name(L, kind));
    if (!k) {
        html_printf(b, "<p>%T</p>\n", T(L, "No goal yet."));
    } else {
        html_printf(b, "<table class=\"goals\">\n<caption>%T</caption>\n<thead><tr>"
                       "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                       "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                       "<th scope=\"col\">%T</th></tr></thead>\n<tbody>\n",
                    T(L, "Goals, open first"), T(L, "Goal"), T(L, "Measure"), T(L, "Due"),
                    T(L, "The learner's step"), T(L, "Support the school commits to"),
                    T(L, "Who helps"), T(L, "Status"));
        for (size_t i = 0; i < n; i++)
            if (goals[i].plan == kind) goal_row(c, &goals[i], may_write, today, form);
        html_printf(b, "</tbody>\n</table>\n");
    }
    if (kind == SUPPORT_PLAN_LEARNING && full) recovery_part(c, recovery, may_write, form);
    html_printf(b, "</section>\n");
}

/* The plan page (see plan_web.h). */
void plan_page_show(web_ctx *c, int status, const plan_form *form) {
    cairn_err err = {0};
    unsigned view;
    if (!plan_viewer(c, &view, 0)) return;
    int64_t inst = c->who->institution_id;
    support_case *k = page_keep(c, calloc(1, sizeof *k));
    support_goal *goals = NULL;
    support_not_now *nn = NULL;
    size_t n = 0, nnn = 0;
    int full = !(view & SUPPORT_GOAL_TEACHING_ONLY);
    int needs[SUPPORT_DOMAIN_COUNT];
    unsigned bits = 0;
    buf recovery = BUF_INIT;   /* not HTML: the opened note, escaped by %T */
    if (support_case_get(c->st, inst, c->id, 0, k, &err) <= 0 ||
        support_goal_list(c->st, inst, c->id, view, c->who->staff_id, &goals, &n, &err) < 0 ||
        (full && (support_not_now_list(c->st, inst, c->id, 1, &nn, &nnn, &err) < 0 ||
                  support_plan_needs(c->st, inst, c->id, needs, &err) < 0 ||
                  support_plan_unanswered_of_case(c->st, inst, c->id, needs, &bits, &err) < 0 ||
                  support_plan_recovery_get(c->st, inst, c->id, &recovery, &err) < 0))) {
        free(goals);
        free(nn);
        buf_free(&recovery);
        page_fail(c, "plan", err.msg[0] ? err.msg : "case vanished");
        return;
    }
    page_keep(c, goals);
    page_keep(c, nn);
    const char *note = arena_printf(c->arena, "%s", buf_cstr(&recovery));
    buf_free(&recovery);
    if (support_case_audit(c->st, inst, c->who->account_id, k->learner_id, c->id, "plan.view",
                           "viewed", arena_printf(c->arena, "case %lld plan", (long long)c->id),
                           &err) != 0) {
        page_fail(c, "plan audit", err.msg);
        return;
    }
    const i18n_lang *L = c->L;
    buf *b = c->b;
    /* not HTML: the title as text, escaped by page_begin and %T */
    const char *title = arena_printf(c->arena, "%s \xE2\x80\x94 %s", T(L, "Plan"),
                                     k->learner_name);
    page_begin(c, title);
    html_printf(b, "<h1>%T</h1>\n", title);
    if (form && form->problem) {
        html_printf(b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                       "tabindex=\"-1\" autofocus>\n<h2>%T</h2>\n<p>",
                    T(L, "Nothing was saved"));
        if (!strcmp(form->form, "goal"))   /* the link leads to the field */
            html_printf(b, "<a href=\"#g-%A\">%T</a>",
                        support_plan_problem_field(form->problem),
                        plan_problem_text(L, form->problem));
        else
            html_printf(b, "%T", plan_problem_text(L, form->problem));
        html_printf(b, "</p>\n</div>\n");
    } else {
        const char *done = web_request_query(c->req, "done");
        if (done && *done)
            html_printf(b, "<p class=\"notice\" role=\"status\">%T</p>\n", T(L, "Saved."));
    }
    html_printf(b, "<p class=\"no-print\"><a href=\"/cases/%lld\">%T</a> \xC2\xB7 "
                   "<a href=\"/cases/%lld/plan/pdf\">%T</a></p>\n", (long long)c->id,
                T(L, "Back to the case"), (long long)c->id, T(L, "PDF"));
    int may_write = full && k->state != SUPPORT_CASE_CLOSED &&
                    (view & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM));
    if (!full)
        html_printf(b, "<p class=\"notice\">%T</p>\n",
                    T(L, "You see the goals of this plan that concern a group you teach."));
    if (full) unanswered_part(c, needs, bits, may_write, form);
    for (int kind = 0; kind < SUPPORT_PLAN_KIND_COUNT; kind++) {
        if (kind == SUPPORT_PLAN_HEALTH && !(view & SUPPORT_GOAL_SEES_HEALTH)) continue;
        plan_part(c, kind, goals, n, may_write, full, note, form);
    }
    if (full && nnn) {
        html_printf(b, "<section aria-labelledby=\"h-not-now\">\n<h2 id=\"h-not-now\">%T</h2>\n"
                       "<dl>\n", T(L, "Not now, and why"));
        for (size_t i = 0; i < nnn; i++)
            html_printf(b, "<dt>%T</dt><dd class=\"comment\">%T</dd>\n",
                        T(L, support_domain_name(nn[i].domain)), nn[i].reason);
        html_printf(b, "</dl>\n</section>\n");
    }
    if (may_write && plan_goal_form(c, view, goals, n, form, &err) < 0) {
        page_fail(c, "plan form", err.msg);
        return;
    }
    page_end(c);
    c->res->status = status;
}

/*
** WEBPAGE: GET /cases/{id}/plan
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The plans of a case and their goals, the needs not yet answered, and the
** forms that add, edit and close goals.  For the key worker and the team;
** a teacher on the team sees only the goals of a group they teach.
** Written to the audit log.
*/
void page_case_plan(web_ctx *c) {
    plan_page_show(c, 200, NULL);
}
