/*
** web/support/assessment_page.c — GET /cases/{id}/assessment: a case's
** needs assessment, and POST /cases/{id}/assessment: a new one.
**
** The page shows the latest assessment as a table (each rated life
** domain with the key worker's rating in words and figure, the learner's
** own rating beside it, strengths and comment; domains rated 2 or 3
** highlighted), the domains not rated, the overall note, the chart of how
** each domain moved between assessments (web/support/assessment_chart.c),
** and the form for a new assessment, filled in from the latest.  A refused
** form comes back (400) with its error beside the field and in a summary
** at the top, nothing written.  Only the key worker and the team (not a
** teacher on it) see it (assessment_viewer); every view is written to the
** audit log ("assessment.view").
*/
#include "web/support/assessment_web.h"
#include "base/date.h"
#include "base/mem.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/support/case_view.h"
#include "gen/pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A refused form: what was typed and what was wrong. */
typedef struct assessment_form {
    const support_assessment_spec *spec;
    support_assessment_problem     problem;
    char                           field[64];   /* the field it is about */
} assessment_form;

/* A rating as typed: "" or missing = unset, "0".."3", anything else 99
** (refused by the writer). */
static int rating_parse(const char *v) {
    if (!v || !*v) return SUPPORT_ASSESSMENT_UNSET;
    if (v[0] >= '0' && v[0] <= '3' && !v[1]) return v[0] - '0';
    return 99;
}

/* The latest assessment's table. */
static void latest_table(buf *b, const i18n_lang *L, const support_assessment *a) {
    char day[I18N_DATE_MAX];
    html_printf(b, "<p>");
    html_printf(b, T(L, "Assessed on %T by %T."),
                i18n_format_date(L, a->assessed_on, day, sizeof day),
                a->assessed_by_name[0] ? a->assessed_by_name : "\xE2\x80\x93");
    html_printf(b, "</p>\n<div class=\"scroll\"><table class=\"assessment\">\n<caption>%T</caption>\n"
                   "<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                T(L, "Rated 2 (act) and 3 (act now) are marked."), T(L, "Life domain"),
                T(L, "Key worker's rating"), T(L, "Learner's own rating"), T(L, "Strengths"),
                T(L, "Comment"));
    for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++) {
        const support_assessment_rating *r = &a->domains[k];
        if (r->need < 0) continue;
        html_printf(b, r->need >= 2 ? "<tr class=\"need-high need-%d\">" : "<tr class=\"need-%d\">",
                    r->need);
        html_printf(b, "<th scope=\"row\">%T</th><td><strong>%T</strong> (%d)</td>",
                    T(L, support_domain_name(k)), assessment_rating_name(L, r->need), r->need);
        if (r->own >= 0)
            html_printf(b, "<td>%T (%d)</td>", assessment_own_name(L, r->own), r->own);
        else
            html_printf(b, "<td class=\"muted\">%T</td>", assessment_own_name(L, r->own));
        html_printf(b, "<td class=\"comment\">%T</td><td class=\"comment\">%T</td></tr>\n",
                    r->strengths, r->comment);
    }
    html_printf(b, "</tbody></table></div>\n");
    int any = 0;
    for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++) {
        if (a->domains[k].need >= 0) continue;
        if (any) html_printf(b, ", ");
        else html_printf(b, "<p class=\"not-rated\">%T ", T(L, "Not rated:"));
        html_printf(b, "%T", T(L, support_domain_name(k)));
        any = 1;
    }
    if (any) html_printf(b, ".</p>\n");
    if (a->note[0])
        html_printf(b, "<h3>%T</h3>\n<p class=\"comment\">%T</p>\n", T(L, "Overall note"), a->note);
}

/* A <select> of a rating named name (id the same), with value v and the
** word for "none" (not rated / not asked); errid ties it to its error. */
static void rating_select(buf *b, const i18n_lang *L, const char *name, const char *label,
                          int v, int own, const char *errid) {
    html_printf(b, "<p><label for=\"%A\">%T</label> <select id=\"%A\" name=\"%A\"", name, label,
                name, name);
    if (errid) html_printf(b, " aria-describedby=\"%A\" aria-invalid=\"true\"", errid);
    html_printf(b, v < 0 ? ">\n<option value=\"\" selected>%T</option>\n"
                         : ">\n<option value=\"\">%T</option>\n",
                own ? T(L, "Not asked") : T(L, "Not rated"));
    for (int r = 0; r <= SUPPORT_ASSESSMENT_RATING_MAX; r++)
        html_printf(b, r == v ? "<option value=\"%d\" selected>%d %T</option>\n"
                              : "<option value=\"%d\">%d %T</option>\n",
                    r, r, assessment_rating_name(L, r));
    html_printf(b, "</select></p>\n");
}

/* The error paragraph of field name when the form was refused for it;
** the id to tie the input to, or NULL. */
static const char *field_error(buf *b, const i18n_lang *L, const assessment_form *f,
                               const char *name, char *id, size_t cap) {
    if (!f || strcmp(f->field, name) != 0) return NULL;
    snprintf(id, cap, "%s-error", name);
    html_printf(b, "<p class=\"field-error\" id=\"%A\">%T</p>\n", id,
                assessment_problem_text(L, f->problem));
    return id;
}

/* A <textarea> named name with its label and value. */
static void text_area(buf *b, const i18n_lang *L, const assessment_form *f, const char *name,
                      const char *label, const char *value, int max) {
    char id[80];
    html_printf(b, "<p><label for=\"%A\">%T</label></p>\n", name, label);
    const char *err = field_error(b, L, f, name, id, sizeof id);
    html_printf(b, "<textarea id=\"%A\" name=\"%A\" rows=\"2\" maxlength=\"%d\"", name, name, max);
    if (err) html_printf(b, " aria-describedby=\"%A\" aria-invalid=\"true\"", err);
    html_printf(b, ">%T</textarea>\n", value ? value : "");
}

/* The form for a new assessment with the values of v. */
static void assessment_form_write(web_ctx *c, int64_t case_id, const support_assessment_spec *v,
                                  const assessment_form *f) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char day[DATE_TEXT_LEN], id[80], name[64];
    html_printf(b, "<section aria-labelledby=\"new\">\n<h2 id=\"new\" tabindex=\"-1\">%T</h2>\n"
                   "<p>%T</p>\n<form method=\"post\" action=\"/cases/%lld/assessment\">\n",
                T(L, "Add an assessment"),
                T(L, "Filled in from the latest assessment: change what has moved. 0 no need, "
                     "1 watch, 2 act, 3 act now."), (long long)case_id);
    case_csrf_field(b, c->req);
    date_format(v->assessed_on, day);
    html_printf(b, "<p><label for=\"assessed_on\">%T</label></p>\n", T(L, "Assessed on"));
    const char *err = field_error(b, L, f, "assessed_on", id, sizeof id);
    html_printf(b, "<p><input id=\"assessed_on\" name=\"assessed_on\" type=\"date\" required "
                   "value=\"%A\"", v->assessed_on > 0 && v->assessed_on < INT32_MAX ? day : "");
    if (err) html_printf(b, " aria-describedby=\"%A\" aria-invalid=\"true\"", err);
    html_printf(b, "></p>\n");
    for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++) {
        const char *code = support_domain_code(k);
        html_printf(b, "<fieldset class=\"domain\"><legend>%T</legend>\n",
                    T(L, support_domain_name(k)));
        snprintf(name, sizeof name, "need_%s", code);
        err = field_error(b, L, f, name, id, sizeof id);
        rating_select(b, L, name, T(L, "Key worker's rating"), v->need[k], 0, err);
        snprintf(name, sizeof name, "own_%s", code);
        err = field_error(b, L, f, name, id, sizeof id);
        rating_select(b, L, name, T(L, "Learner's own rating"), v->own[k], 1, err);
        snprintf(name, sizeof name, "strengths_%s", code);
        text_area(b, L, f, name, T(L, "Strengths"), v->strengths[k], SUPPORT_ASSESSMENT_TEXT_MAX);
        snprintf(name, sizeof name, "comment_%s", code);
        text_area(b, L, f, name, T(L, "Comment"), v->comment[k], SUPPORT_ASSESSMENT_TEXT_MAX);
        html_printf(b, "</fieldset>\n");
    }
    text_area(b, L, f, "note", T(L, "Overall note (optional)"), v->note,
              SUPPORT_ASSESSMENT_NOTE_MAX);
    html_printf(b, "<p><button type=\"submit\">%T</button></p>\n</form>\n</section>\n",
                T(L, "Save the assessment"));
}

/* The page of case k (rel: the viewer's relationship) with status, and
** the refused form f (NULL on a first showing). */
static void assessment_page_show(web_ctx *c, const support_case *k, int status,
                                 const assessment_form *f) {
    cairn_err err = {0};
    support_assessment *rows = NULL;
    size_t n = 0;
    if (support_assessment_list(c->st, c->who->institution_id, k->id, 1, &rows, &n, &err) < 0 ||
        assessment_audit_view(c, k, "page", &err) < 0) {
        page_fail(c, "assessment", err.msg);
        return;
    }
    const i18n_lang *L = c->L;
    buf *b = c->b;
    /* not HTML: the title as text, escaped by page_begin and %T */
    const char *title = arena_printf(c->arena, "%s \xE2\x80\x94 %s", T(L, "Needs assessment"),
                                     k->learner_name);
    page_begin(c, title);
    html_printf(b, "<h1>%T</h1>\n<p><a href=\"/cases/%lld\">%T</a></p>\n", title,
                (long long)k->id, T(L, "Back to the case"));
    if (f) {
        html_printf(b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                       "tabindex=\"-1\" autofocus>\n<h2>%T</h2>\n<p>",
                    T(L, "Nothing was saved"));
        if (f->field[0])
            html_printf(b, "<a href=\"#%A\">%T</a>", f->field,
                        assessment_problem_text(L, f->problem));
        else
            html_printf(b, "%T", assessment_problem_text(L, f->problem));
        html_printf(b, "</p>\n</div>\n");
    } else if (web_request_query(c->req, "done")) {
        html_printf(b, "<p class=\"notice\" role=\"status\">%T</p>\n", T(L, "Saved."));
    }
    if (!n) {
        html_printf(b, "<p>%T</p>\n", T(L, "No assessment yet."));
    } else {
        html_printf(b, "<h2>%T</h2>\n", T(L, "Latest assessment"));
        latest_table(b, L, &rows[n - 1]);
        html_printf(b, "<h2>%T</h2>\n", T(L, "How the needs moved"));
        assessment_chart_write(b, L, rows, n);
    }
    if (k->state != SUPPORT_CASE_CLOSED) {
        support_assessment_spec v = {0};
        if (f) {
            v = *f->spec;
        } else {
            v.assessed_on = date_today();
            for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) {
                const support_assessment_rating *r = n ? &rows[n - 1].domains[d] : NULL;
                v.need[d] = r ? r->need : SUPPORT_ASSESSMENT_UNSET;
                v.own[d] = r ? r->own : SUPPORT_ASSESSMENT_UNSET;
                v.strengths[d] = r ? r->strengths : "";
                v.comment[d] = r ? r->comment : "";
            }
            v.note = "";
        }
        assessment_form_write(c, k->id, &v, f);
    } else {
        html_printf(b, "<p class=\"muted\">%T</p>\n",
                    T(L, "The case is closed: it takes no new assessment."));
    }
    support_assessments_free(rows, n);
    page_end(c);
    c->res->status = status;
}

/*
** WEBPAGE: GET /cases/{id}/assessment
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The case's latest needs assessment, how each life domain moved between
** assessments, and the form for a new one: for the key worker and the
** team (a teacher on the team and a school leader are refused, 403).
*/
void page_case_assessment(web_ctx *c) {
    unsigned rel;
    support_case k;
    if (!assessment_viewer(c, &rel, &k, 0)) return;
    assessment_page_show(c, &k, 200, NULL);
}

/*
** WEBPAGE: POST /cases/{id}/assessment
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields assessed_on, and for each life domain code need_<code> and
** own_<code> ("" or 0..3), strengths_<code>, comment_<code>; note.  The
** key worker or a team member adds an assessment; a refused one shows the
** page again (400) with the error beside its field, nothing written.
*/
void page_case_assessment_add(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    support_case k;
    if (!assessment_viewer(c, &rel, &k, 0)) return;
    web_request *req = c->req;
    support_assessment_spec spec = {0};
    const char *day = web_request_form(req, "assessed_on");
    if (!day || date_parse(day, strlen(day), &spec.assessed_on) < 0) spec.assessed_on = INT32_MAX;
    char name[64];
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) {
        const char *code = support_domain_code(d);
        snprintf(name, sizeof name, "need_%s", code);
        spec.need[d] = rating_parse(web_request_form(req, name));
        snprintf(name, sizeof name, "own_%s", code);
        spec.own[d] = rating_parse(web_request_form(req, name));
        snprintf(name, sizeof name, "strengths_%s", code);
        spec.strengths[d] = web_request_form(req, name);
        snprintf(name, sizeof name, "comment_%s", code);
        spec.comment[d] = web_request_form(req, name);
    }
    spec.note = web_request_form(req, "note");
    assessment_form f = {&spec, SUPPORT_ASSESSMENT_OK, ""};
    int dom = -1;
    int rc = support_assessment_add(c->st, c->who->institution_id, c->who->account_id, rel, c->id,
                                    &spec, NULL, NULL, &f.problem, &dom, &err);
    if (rc < 0) {
        web_log(req, "assessment: %s", err.msg);
        web_error_page(c->res, 500, "The change could not be saved",
                       "Something went wrong while saving. Nothing was changed. "
                       "The server log has the details.");
    } else if (rc > 0) {
        support_assessment_problem_field(f.problem, dom, f.field, sizeof f.field);
        assessment_page_show(c, &k, 400, &f);
    } else {
        web_redirect(c->res, arena_printf(c->arena, "/cases/%lld/assessment?done=1",
                                          (long long)c->id));
    }
}
