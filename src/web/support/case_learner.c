/*
** web/support/case_learner.c — cases on the learner page: the "Case"
** section (web/school/learner.h: the learner's case, or the form that
** opens one) and POST /learners/{id}/cases, which opens it.
**
** Opening takes one click from a flagged learner: the form comes filled
** in (from a flag, the reason naming the current flags, the flag's
** suggested tier), and the list's button (web/risk/attention_list.c) posts
** the same with an empty reason, which is then the flags' sentence.  Who
** may open a case: a key worker, teacher or school leader who may see the
** learner.  The case's key worker is the learner's key worker (or, without
** one, the key worker who opens it); a teacher who opens a case joins its
** team as teacher.
*/
#include "web/support/case_view.h"
#include "support/actions.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/school/learner.h"
#include "gen/pages.h"
#include <stdlib.h>
#include <string.h>

/* May who open a case for learner_id?  1, 0, -1 (err). */
static int may_open(const access_ctx *who, int64_t learner_id, cairn_err *err) {
    if (!(who->roles & (ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_TEACHER | ACCESS_ROLE_SCHOOL_LEADER)))
        return 0;
    return access_can_view_learner(who, learner_id, err);
}

/* The reason a case opened from the current flags gets by default, in L's
** language, into out (plain text, not HTML). */
static void flags_reason(const i18n_lang *L, const risk_attention_row *sc, buf *out) {
    buf_puts(out, T(L, "Opened from the current flags:"));
    for (int i = 0; sc && i < sc->nflags; i++)
        buf_printf(out, "%s %s", i ? "," : "", page_flag_name(L, sc->flag_codes[i]));
    buf_puts(out, ".");
}

/* may_open and flags_reason for the JSON twin (see case_view.h). */
int case_learner_may_open(const access_ctx *who, int64_t learner_id, cairn_err *err) {
    return may_open(who, learner_id, err);
}
void case_learner_flags_reason(const i18n_lang *L, const risk_attention_row *sc, buf *out) {
    flags_reason(L, sc, out);
}

/* The form that opens a case for learner_id: source (flag when there are
** flags), reason (the flags' sentence, or what was typed), tier (the
** flag's suggestion by default); problem (may be SUPPORT_CASE_OK) beside
** its field. */
static void open_form(web_ctx *c, int64_t learner_id, const risk_attention_row *sc, int source,
                      const char *reason, support_case_problem problem) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    const char *field = support_case_problem_field(problem);
    html_printf(b, "<form method=\"post\" action=\"/learners/%lld/cases\" class=\"case-open\">\n"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n",
                (long long)learner_id, c->req->session ? c->req->session->csrf : "");
    html_printf(b, "<p><label for=\"case-source\">%T</label>\n"
                   "<select id=\"case-source\" name=\"source\">\n", T(L, "The case comes from"));
    for (int s = 0; s < SUPPORT_CASE_SOURCE_COUNT; s++)
        html_printf(b, s == source ? "<option value=\"%A\" selected>%T</option>\n"
                                   : "<option value=\"%A\">%T</option>\n",
                    support_case_source_code(s), T(L, support_case_source_name(s)));
    html_printf(b, "</select></p>\n<p><label for=\"case-reason\">%T</label></p>\n",
                T(L, "Reason (required)"));
    int bad = !strcmp(field, "reason");
    if (bad)
        html_printf(b, "<p class=\"field-error\" id=\"case-reason-error\" role=\"alert\">%T</p>\n",
                    case_problem_text(L, problem));
    html_printf(b, bad ? "<textarea id=\"case-reason\" name=\"reason\" rows=\"3\" required "
                         "aria-describedby=\"case-reason-error\" aria-invalid=\"true\">"
                       : "<textarea id=\"case-reason\" name=\"reason\" rows=\"3\" required>");
    if (reason) {
        html_printf(b, "%T", reason);
    } else if (sc && sc->nflags) {
        buf r = BUF_INIT;   /* not HTML: the reason's text, escaped by %T */
        flags_reason(L, sc, &r);
        html_printf(b, "%T", buf_cstr(&r));
        buf_free(&r);
    }
    html_printf(b, "</textarea>\n<p><label for=\"case-tier\">%T</label>\n"
                   "<select id=\"case-tier\" name=\"tier\">\n", T(L, "Tier of support"));
    if (sc) {
        html_printf(b, "<option value=\"\">");
        html_printf(b, T(L, "As the flag suggests: %T"), case_tier_name(L, (int)sc->tier));
        html_printf(b, "</option>\n");
    }
    for (int t = 2; t >= 0; t--)
        html_printf(b, "<option value=\"%A\">%T</option>\n", support_case_tier_code(t),
                    case_tier_name(L, t));
    html_printf(b, "</select></p>\n<p><button type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Open a case"));
}

/* The Case section of the learner page (see web/school/learner.h). */
int support_learner_case(web_ctx *c, const learner_view *v, const char *title, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char day[I18N_DATE_MAX];
    support_case k;
    int found = support_case_of_learner(c->st, c->who->institution_id, v->id, &k, err);
    if (found < 0) return -1;
    unsigned rel = 0;
    if (found && access_case_relation(c->who, k.id, &rel, err) < 0) return -1;
    html_printf(b, "<section aria-labelledby=\"h-case\">\n<h2 id=\"h-case\">%T</h2>\n<p>", title);
    if (found && k.state != SUPPORT_CASE_CLOSED)
        html_printf(b, T(L, "A case is open since %T (%T); key worker <bdi>%T</bdi>."),
                    case_day_text(L, k.opened_at, day, sizeof day),
                    T(L, support_case_state_name(k.state)), k.key_worker_name);
    else if (found)
        html_printf(b, T(L, "The last case closed on %T (%T)."),
                    case_day_text(L, k.closed_at, day, sizeof day),
                    T(L, support_case_outcome_name(k.outcome)));
    else
        html_printf(b, "%T", T(L, "No case has been opened for this learner."));
    html_printf(b, "</p>\n");
    if (found && rel)
        html_printf(b, "<p><a href=\"/cases/%lld\">%T</a></p>\n", (long long)k.id,
                    T(L, "Go to the case"));
    if (!found || k.state == SUPPORT_CASE_CLOSED) {
        int may = may_open(c->who, v->id, err);
        if (may < 0) return -1;
        int source = v->have && v->score->nflags ? SUPPORT_CASE_FROM_FLAG
                     : (c->who->roles & ACCESS_ROLE_TEACHER) ? SUPPORT_CASE_FROM_TEACHER
                                                             : SUPPORT_CASE_FROM_LEARNER;
        if (may) open_form(c, v->id, v->have ? v->score : NULL, source, NULL, SUPPORT_CASE_OK);
    }
    html_printf(b, "</section>\n");
    return 0;
}

/* The form page again after a refused opening (400). */
static void open_refused(web_ctx *c, const risk_attention_row *sc, int source, const char *reason,
                         support_case_problem problem) {
    const i18n_lang *L = c->L;
    buf *b = c->b;
    page_begin(c, T(L, "Open a case"));
    html_printf(b, "<h1>%T</h1>\n<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                   "tabindex=\"-1\" autofocus>\n<h2>%T</h2>\n<p>%T</p>\n",
                T(L, "Open a case"), T(L, "Nothing was saved"), case_problem_text(L, problem));
    html_printf(b, "<p><a href=\"/learners/%lld\">%T</a></p>\n</div>\n", (long long)c->id,
                T(L, "Back to the learner"));
    if (problem != SUPPORT_CASE_ALREADY_OPEN && problem != SUPPORT_CASE_NO_KEY_WORKER)
        open_form(c, c->id, sc, source, reason, problem);
    page_end(c);
    c->res->status = 400;
}

/*
** WEBPAGE: POST /learners/{id}/cases
** ACCESS:  staff
** BODY:    form
**
** Fields source (flag, teacher, learner, family), reason, tier (empty: the
** flag's suggestion): open a case for the learner and go to it.  From a
** flag an empty reason becomes the sentence of the current flags.
** Refused input shows the form again with the error (400).
*/
void page_case_open(web_ctx *c) {
    cairn_err err = {0};
    const access_ctx *who = c->who;
    school_learner_info li;
    int found = school_learner_get(c->st, who->institution_id, c->id, &li, &err);
    int may = found > 0 ? may_open(who, c->id, &err) : 0;
    if (found < 0 || may < 0) {
        page_fail(c, "case open", err.msg);
        return;
    }
    if (!found) {
        page_not_found(c, "Learner not found", "There is no learner with this number.");
        return;
    }
    if (!may) {
        page_refuse(c, "You may not open a case for this learner.");
        return;
    }
    risk_attention_row *sc = page_keep(c, calloc(1, sizeof *sc));
    int have = risk_read_learner_latest(c->st, who->institution_id, c->id, sc, &err);
    support_key_worker kw;
    int has_kw = have >= 0 ? support_key_worker_current(c->st, who->institution_id, c->id, &kw,
                                                        &err)
                           : -1;
    if (has_kw < 0) {
        page_fail(c, "case open", err.msg);
        return;
    }
    support_case_open_spec spec = {c->id, 0, -1, NULL, -1, 0};
    const char *source = web_request_form(c->req, "source");
    const char *reason = web_request_form(c->req, "reason");
    const char *tier = web_request_form(c->req, "tier");
    spec.source = support_case_source_parse(source);
    spec.tier = tier && *tier ? support_case_tier_parse(tier) : -1;
    if (tier && *tier && spec.tier < 0) spec.tier = 9;   /* refused below */
    buf r = BUF_INIT;   /* not HTML: the reason's text */
    if (spec.source == SUPPORT_CASE_FROM_FLAG && have > 0 && sc->nflags &&
        (!reason || !*reason)) {
        flags_reason(c->L, sc, &r);
        reason = page_keep(c, strdup(buf_cstr(&r)));
    }
    buf_free(&r);
    spec.reason = reason;
    if (!has_kw && (who->roles & ACCESS_ROLE_KEY_WORKER)) spec.key_worker_id = who->staff_id;
    if ((who->roles & ACCESS_ROLE_TEACHER) && who->staff_id) spec.teacher_id = who->staff_id;
    int64_t id = 0;
    support_case_problem p = SUPPORT_CASE_OK;
    int rc = support_case_open(c->st, who->institution_id, who->account_id, &spec, NULL, &id, &p,
                               &err);
    if (rc < 0) {
        web_log(c->req, "case open: %s", err.msg);
        web_error_page(c->res, 500, "The change could not be saved",
                       "Something went wrong while saving. Nothing was changed. "
                       "The server log has the details.");
    } else if (rc > 0) {
        open_refused(c, have > 0 ? sc : NULL, spec.source < 0 ? 0 : spec.source, reason, p);
    } else {
        web_redirect(c->res, arena_printf(c->arena, "/cases/%lld?done=opened", (long long)id));
    }
}
