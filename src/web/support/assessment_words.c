/*
** web/support/assessment_words.c — the needs assessment's words and
** checks shared by its pages (see assessment_web.h), and its section of
** the case page.
*/
#include "web/support/assessment_web.h"
#include "base/date.h"
#include "base/mem.h"
#include "web/html.h"
#include "web/support/case_view.h"
#include <stdlib.h>
#include <string.h>

/* Who sees the assessments (see assessment_web.h). */
int assessment_viewer(web_ctx *c, unsigned *rel, support_case *k, int json) {
    cairn_err err = {0};
    if (!case_viewer(c, c->id, rel, json)) return 0;
    int found = support_case_get(c->st, c->who->institution_id, c->id, 0, k, &err);
    int may = found > 0 ? support_assessment_may_see(c->st, c->who->institution_id, c->id,
                                                     c->who->staff_id, *rel, &err)
                        : -1;
    if (may < 0) {
        if (json) api_fail(c, "assessment", err.msg);
        else page_fail(c, "assessment", err.msg);
        return 0;
    }
    if (may) return 1;
    const char *why = (*rel & SUPPORT_CASE_REL_TEAM)
        ? T(c->L, "A teacher on the team sees the plan's goals, not the needs assessment.")
        : (*rel & SUPPORT_CASE_REL_LEADER)
        ? T(c->L, "Only the case's key worker and its team see the needs assessment. A school "
                  "leader sees the case's state and deadlines on the case page.")
        : T(c->L, "Only the case's key worker and its team see the needs assessment.");
    if (json) api_refuse(c, why);
    else page_refuse(c, why);
    return 0;
}

/* The name of a rating (see assessment_web.h). */
const char *assessment_rating_name(const i18n_lang *L, int rating) {
    switch (rating) {
    case 0: return T(L, "No need");
    case 1: return T(L, "Watch");
    case 2: return T(L, "Act");
    case 3: return T(L, "Act now");
    default: return T(L, "Not rated");
    }
}

/* The name of the learner's own rating (see assessment_web.h). */
const char *assessment_own_name(const i18n_lang *L, int rating) {
    return rating >= 0 && rating <= SUPPORT_ASSESSMENT_RATING_MAX
               ? assessment_rating_name(L, rating)
               : T(L, "Not asked");
}

/* The sentence of a refusal (see assessment_web.h). */
const char *assessment_problem_text(const i18n_lang *L, support_assessment_problem p) {
    switch (p) {
    case SUPPORT_ASSESSMENT_NOT_YOURS:
        return T(L, "Only the case's key worker and its team may assess its needs.");
    case SUPPORT_ASSESSMENT_CASE_CLOSED:
        return T(L, "A closed case takes no assessment; reopen it first.");
    case SUPPORT_ASSESSMENT_DAY_BAD:
        return T(L, "The day of the assessment must be a date from the case's opening to today.");
    case SUPPORT_ASSESSMENT_NEED_BAD:
        return T(L, "A rating is 0 (no need), 1 (watch), 2 (act), 3 (act now) or not rated.");
    case SUPPORT_ASSESSMENT_OWN_BAD:
        return T(L, "The learner's own rating is 0, 1, 2, 3 or not asked.");
    case SUPPORT_ASSESSMENT_NONE_RATED: return T(L, "Rate at least one life domain.");
    case SUPPORT_ASSESSMENT_STRENGTHS_BAD:
        return T(L, "The strengths may be at most 1000 characters of text, without control "
                    "characters.");
    case SUPPORT_ASSESSMENT_COMMENT_BAD:
        return T(L, "A comment may be at most 1000 characters of text, without control "
                    "characters.");
    case SUPPORT_ASSESSMENT_NOTE_BAD:
        return T(L, "The note may be at most 2000 characters of text, without control "
                    "characters.");
    case SUPPORT_ASSESSMENT_OK: break;
    }
    return "";
}

/* Audit a view (see assessment_web.h). */
int assessment_audit_view(web_ctx *c, const support_case *k, const char *where,
                          cairn_err *err) {
    return support_case_audit(c->st, c->who->institution_id, c->who->account_id, k->learner_id,
                              k->id, "assessment.view", "viewed",
                              arena_printf(c->arena, "case %lld (%s)", (long long)k->id, where),
                              err);
}

/* Read the case page's assessments, audited (see assessment_web.h). */
void assessment_case_read(web_ctx *c, const support_case_detail *d, unsigned rel,
                          assessment_case_view *v) {
    cairn_err err = {0};
    memset(v, 0, sizeof *v);
    v->may = support_assessment_may_see(c->st, c->who->institution_id, d->c.id,
                                        c->who->staff_id, rel, &err);
    if (v->may == 0) return;
    if (v->may < 0 ||
        support_assessment_list(c->st, c->who->institution_id, d->c.id, 0, &v->rows, &v->n,
                                &err) < 0 ||
        (v->n && assessment_audit_view(c, &d->c, "case page", &err) < 0)) {
        web_log(c->req, "assessment section: %s", err.msg);
        v->failed = 1;
    }
}

/* The section of the case page (see assessment_web.h). */
void assessment_case_section(web_ctx *c, const support_case_detail *d,
                             const assessment_case_view *v) {
    const i18n_lang *L = c->L;
    buf *b = c->b;
    if (v->may == 0) return;
    html_printf(b, "<section aria-labelledby=\"h-assessment\">\n<h2 id=\"h-assessment\">%T</h2>\n",
                T(L, "Needs assessment"));
    if (v->failed) {
        html_printf(b, "<p class=\"notice error\">%T</p>\n</section>\n",
                    T(L, "The needs assessment could not be read just now."));
        return;
    }
    const support_assessment *rows = v->rows;
    size_t n = v->n;
    int open = d->c.state != SUPPORT_CASE_CLOSED;
    if (!n) {
        html_printf(b, "<p>%T</p>\n", T(L, "No assessment yet."));
        if (open)
            html_printf(b, "<p><a class=\"button\" href=\"/cases/%lld/assessment#new\">%T</a></p>\n",
                        (long long)d->c.id, T(L, "Do the first assessment"));
        html_printf(b, "</section>\n");
        return;
    }
    const support_assessment *a = &rows[n - 1];
    char day[I18N_DATE_MAX];
    html_printf(b, "<p>%T <strong>%T</strong></p>\n", T(L, "Latest assessment:"),
                i18n_format_date(L, a->assessed_on, day, sizeof day));
    int any = 0;
    for (int r = SUPPORT_ASSESSMENT_RATING_MAX; r >= 2; r--)
        for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++) {
            if (a->domains[k].need != r) continue;
            if (!any) html_printf(b, "<p>%T</p>\n<ul class=\"needs-high\">\n",
                                  T(L, "Domains to act on:"));
            any = 1;
            html_printf(b, "<li class=\"need-%d\">%T \xE2\x80\x94 %T (%d)</li>\n", r,
                        T(L, support_domain_name(k)), assessment_rating_name(L, r), r);
        }
    if (any) html_printf(b, "</ul>\n");
    else html_printf(b, "<p>%T</p>\n", T(L, "No domain is rated 2 (act) or 3 (act now)."));
    html_printf(b, "<p><a href=\"/cases/%lld/assessment\">%T</a></p>\n</section>\n",
                (long long)d->c.id, T(L, "See the assessment and how the needs moved"));
}
