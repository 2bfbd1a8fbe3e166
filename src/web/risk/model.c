/*
** web/risk/model.c — GET /model and GET /api/v1/model: the institution's
** active early-warning model for a school leader.  The page leads with
** the one fact a leader needs, in plain words and the reader's language:
** of last year's leavers, how many the model would have flagged (selective
** support or above) and how many weeks ahead, and beside it how many
** learners who stayed it flagged and how pure its list was.  Then what the
** model looks at, and what it never looks at; then, collapsed, the
** technical figures and the fairness tables (web/risk/model_tech.c); last
** the list of model versions.  Without a model: how to train one.
**
** Read-only; the model card (risk/model_card.h) is parsed with jansson.
** No individual learner appears anywhere: every figure is an aggregate.
*/
#include "web/pages.h"
#include "web/page.h"
#include "gen/pages.h"
#include "web/risk/model_parts.h"
#include "risk/model_card.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/reasons.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plain words ---------------------------------------------------------------- */

/* x rounded to a whole number, 0 for NAN or below 0. */
static long whole(double x) {
    return isfinite(x) && x > 0 ? lround(x) : 0;
}

/* The summary a leader reads first: the leavers of the judged year, how
** many the model flagged at least 4 weeks ahead and how far ahead, and
** beside it the learners who stayed but were flagged and the precision of
** the list (older cards without the stayers say only the precision). */
static void summary_section(buf *b, const i18n_lang *L, const json_t *card) {
    char n1[I18N_NUM_MAX], n2[I18N_NUM_MAX], n3[I18N_NUM_MAX];
    const json_t *ev = json_object_get(card, "evaluation");
    const json_t *rep = json_object_get(ev, "model");
    const json_t *lead = json_object_get(rep, "lead_time");
    const char *year = model_jstr(ev, "judged_years");
    long leavers = whole(model_jnum(lead, "leavers"));
    html_printf(b, "<p class=\"lead\" id=\"model-summary\">");
    if (!json_is_object(lead) || leavers == 0) {
        html_printf(b, "%T</p>\n", T(L, "The model's evaluation has no learner who left early "
                                       "to show how early it warns; train it again once a "
                                       "finished school year has leavers."));
        return;
    }
    i18n_format_int(L, leavers, n1, sizeof n1);
    if (*year && json_is_true(json_object_get(ev, "time_aware")))
        html_printf(b, TN(L, "In the school year %T, %T learner left early.",
                          "In the school year %T, %T learners left early.", leavers), year, n1);
    else
        html_printf(b, TN(L, "In the school years the model was checked on, %T learner left "
                             "early.", "In the school years the model was checked on, %T "
                             "learners left early.", leavers), n1);
    long ahead = whole(model_jnum(lead, "share_4w") * (double)leavers);
    html_printf(b, " ");
    html_printf(b, TN(L, "The model would have flagged %T of them for a closer look (selective "
                         "support or above) at least 4 weeks before they left.",
                      "The model would have flagged %T of them for a closer look (selective "
                      "support or above) at least 4 weeks before they left.", ahead),
                i18n_format_int(L, ahead, n1, sizeof n1));
    double median = model_jnum(lead, "median_weeks");
    if (isfinite(median)) {
        html_printf(b, " ");
        html_printf(b, TN(L, "Half of those it flagged were flagged %T week ahead or more.",
                          "Half of those it flagged were flagged %T weeks ahead or more.",
                          whole(median)),
                    i18n_format_int(L, whole(median), n1, sizeof n1));
    }
    double prec = model_jnum(lead, "precision"), base = model_jnum(lead, "base_rate");
    if (!isfinite(prec)) {   /* a card from before the stayers were counted */
        const json_t *tier = json_array_get(json_object_get(rep, "tiers"), 0);
        prec = model_jnum(tier, "precision");
    }
    double stayers = model_jnum(lead, "stayers");
    if (isfinite(stayers) && stayers > 0) {
        long flagged = whole(model_jnum(lead, "stayers_flagged"));
        html_printf(b, " ");
        html_printf(b, TN(L, "It also flagged %T of the %T learners who stayed.",
                          "It also flagged %T of the %T learners who stayed.", flagged),
                    i18n_format_int(L, flagged, n1, sizeof n1),
                    i18n_format_int(L, whole(stayers), n2, sizeof n2));
    }
    if (isfinite(prec)) {
        html_printf(b, " ");
        if (isfinite(base))
            html_printf(b, T(L, "Of the learners on its list on a given day, %T in 100 left "
                                "early; of all learners, %T in 100."),
                        i18n_format_int(L, whole(prec * 100), n1, sizeof n1),
                        i18n_format_int(L, whole(base * 100), n3, sizeof n3));
        else
            html_printf(b, T(L, "Of the learners on its list on a given day, %T in 100 left "
                                "early."), i18n_format_int(L, whole(prec * 100), n1, sizeof n1));
    }
    html_printf(b, "</p>\n<p>%T</p>\n",
                T(L, "A flag asks a person to look and talk with the learner; it never decides "
                     "anything by itself. Most learners it flags stay, often because someone "
                     "noticed in time."));
}

/* 1 when the card lists attribute code among the inputs an administrator
** allowed. */
static int attribute_included(const json_t *card, const char *code) {
    const json_t *inc = json_object_get(json_object_get(card, "attributes"), "included");
    for (size_t i = 0; i < json_array_size(inc); i++)
        if (!strcmp(json_string_value(json_array_get(inc, i)) ? json_string_value(
                        json_array_get(inc, i)) : "", code))
            return 1;
    return 0;
}

/* Which activity on the learning platform the school's data has and which
** it lacks, as the card's evaluation says (nothing for older cards). */
static void platform_metrics(buf *b, const i18n_lang *L, const json_t *card) {
    const json_t *pm = json_object_get(json_object_get(card, "evaluation"), "platform_metrics");
    const json_t *has = json_object_get(pm, "has"), *lacks = json_object_get(pm, "lacks");
    if (!json_is_array(has) || !json_is_array(lacks)) return;
    for (int which = 0; which < 2; which++) {
        const json_t *list = which ? lacks : has;
        if (json_array_size(list) == 0) continue;
        buf items = BUF_INIT;   /* plain text, escaped once by %T below */
        for (size_t i = 0; i < json_array_size(list); i++) {
            const char *m = json_string_value(json_array_get(list, i));
            if (i) buf_puts(&items, T(L, ", "));   /* not HTML: plain text for %T */
            buf_puts(&items, T(L, m ? m : ""));   /* not HTML: plain text for %T */
        }
        html_printf(b, "<p>");
        html_printf(b, which ? T(L, "Not in this school's data from the learning platform: %T.")
                             : T(L, "From the learning platform, this school's data has: %T."),
                    buf_cstr(&items));
        html_printf(b, "</p>\n");
        buf_free(&items);
    }
}

/* What the model looks at (its inputs by their plain names, in L's
** language) and what it never looks at. */
static void looks_at_section(buf *b, const i18n_lang *L, const json_t *card) {
    static const char *const attrs[] = {"gender", "migrant_background", "special_needs",
                                        "first_language"};
    html_printf(b, "<section aria-labelledby=\"h-inputs\">\n<h2 id=\"h-inputs\">%T</h2>\n"
                   "<p>%T</p>\n<ul class=\"inputs\">\n",
                T(L, "What the model looks at"),
                T(L, "Only what the school records about learning, each as it stood on the "
                     "day, never anything later:"));
    const json_t *fs = json_object_get(card, "features");
    size_t unknown = 0;
    for (int pass = 0; pass < 2; pass++) {   /* inputs with data, then those without */
        if (pass == 1 && unknown)
            html_printf(b, "</ul>\n<p>%T</p>\n<ul class=\"inputs muted\">\n",
                        T(L, "Inputs the school's data does not have yet, so they play no part "
                             "for now:"));
        for (size_t i = 0; i < json_array_size(fs) && (pass == 0 || unknown); i++) {
            const json_t *f = json_array_get(fs, i);
            if (json_is_true(json_object_get(f, "fairness_attribute"))) continue;
            double known = model_jnum(f, "known");   /* older cards: not recorded */
            int has = isnan(known) || known > 0;
            if (pass == 0) unknown += !has;
            if (has != (pass == 0)) continue;
            const char *name = page_indicator_name(L, model_jstr(f, "code"));
            if (name) html_printf(b, "<li>%T</li>\n", name);
            else html_printf(b, "<li lang=\"en\">%T</li>\n", model_jstr(f, "name"));
        }
    }
    html_printf(b, "</ul>\n");
    platform_metrics(b, L, card);
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        if (attribute_included(card, attrs[i])) {
            html_printf(b, "<p class=\"notice\">");
            html_printf(b, T(L, "An administrator allowed this as an input too: %T. It is never "
                                "shown as a reason."), model_attribute_name(L, attrs[i]));
            html_printf(b, "</p>\n");
        }
    html_printf(b, "<h2 id=\"h-never\">%T</h2>\n<ul>\n", T(L, "What it never looks at"));
    html_printf(b, "<li>%T</li>\n", T(L, "a learner's name, address, age or date of birth"));
    html_printf(b, "<li>%T</li>\n", T(L, "nationality or where a learner comes from (the "
                                          "school does not record it here)"));
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        if (!attribute_included(card, attrs[i]))
            html_printf(b, "<li>%T</li>\n", model_attribute_name(L, attrs[i]));
    html_printf(b, "<li>%T</li>\n", T(L, "notes and conversations about a learner, and their "
                                          "support plans"));
    html_printf(b, "</ul>\n<p class=\"muted\">%T</p>\n</section>\n",
                T(L, "Gender, migrant background, special needs and first language are kept "
                     "apart from everything the model reads, only to check below that the "
                     "warning treats every group fairly."));
}

/* ---- the page ----------------------------------------------------------------------- */

/* The list of model versions. */
static void versions_section(buf *b, const i18n_lang *L, const risk_model_version *v, size_t n) {
    char d[I18N_DATE_MAX], n1[I18N_NUM_MAX];
    if (n == 0) return;
    html_printf(b, "<section aria-labelledby=\"h-versions\">\n<h2 id=\"h-versions\">%T</h2>\n"
                   "<div class=\"scroll\"><table>\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\">%T</th></tr></thead>\n<tbody>\n",
                T(L, "Model versions"), T(L, "Every model trained for this institution, newest "
                                             "first"),
                TC(L, "model", "Version"), T(L, "Trained on"), T(L, "Trained by"), TC(L, "model", "In use"));
    for (size_t i = 0; i < n; i++)
        html_printf(b, "<tr><th scope=\"row\">%T</th><td>%T</td><td><bdi>%T</bdi></td>"
                       "<td>%T</td></tr>\n",
                    i18n_format_int(L, v[i].version, n1, sizeof n1),
                    model_fmt_day(L, v[i].created_at, d, sizeof d), v[i].created_by,
                    v[i].active ? T(L, "yes, the active model") : TC(L, "model", "no"));
    html_printf(b, "</tbody>\n</table></div>\n</section>\n");
}

/* The page without an active model: how to train one. */
static void no_model(buf *b, const i18n_lang *L) {
    html_printf(b, "<p class=\"notice\">%T</p>\n<p>",
                T(L, "No model is trained yet. Until there is one, the rules decide the tiers "
                     "and flags."));
    html_printf(b, T(L, "To train one on the school's own history, an administrator runs "
                        "<code>cairn train</code> on the server; this page then shows what it "
                        "learned and how well it works."));
    html_printf(b, "</p>\n");
}

/* json_decref(), in the shape arena_defer wants. */
static void json_free_cb(void *p) {
    json_decref(p);
}

/*
** WEBPAGE: GET /model
** ACCESS:  administrator school_leader
** BODY:    none
** NAV:     30 Early-warning model
**
** The model card of the active model: what it is for, its inputs, how
** well it works, how fair it is across groups, and its versions; those
** who answer for how the school uses it.
*/
void page_model(web_ctx *c) {
    cairn_err err = {0};
    const i18n_lang *L = c->L;
    int64_t inst = c->who->institution_id;
    char *text = NULL;
    int version = 0;
    risk_model_version *versions = NULL;
    size_t nversions = 0;
    int found = risk_model_active_card(c->st, inst, &text, &version, &err);
    page_keep(c, text);
    if (found < 0 || risk_model_versions(c->st, inst, &versions, &nversions, &err) != 0) {
        page_fail(c, "model", err.msg);
        return;
    }
    page_keep(c, versions);
    json_t *card = found ? json_loads(text, 0, NULL) : NULL;
    if (card) arena_defer(c->arena, json_free_cb, card);
    if (found && !json_is_object(card)) {
        page_fail(c, "model", "the active model's card is not a JSON object");
        return;
    }
    buf *b = c->b;
    page_begin(c, T(L, "Early-warning model"));
    html_printf(b, "<h1>%T</h1>\n", T(L, "Early-warning model"));
    if (!card) {
        no_model(b, L);
    } else {
        summary_section(b, L, card);
        looks_at_section(b, L, card);
        model_tech_write(b, L, card);
        model_fairness_write(b, L, card);
    }
    versions_section(b, L, versions, nversions);
    page_end(c);
}

/*
** WEBPAGE: GET /api/v1/model
** ACCESS:  administrator school_leader
** BODY:    none
**
** The active model's card as stored, with the list of versions; 404 when
** no model is active.
*/
void api_model(web_ctx *c) {
    cairn_err err = {0};
    char *text = NULL;
    int version = 0;
    risk_model_version *versions = NULL;
    size_t nversions = 0;
    int found = risk_model_active_card(c->st, c->who->institution_id, &text, &version, &err);
    page_keep(c, text);
    if (found < 0 ||
        risk_model_versions(c->st, c->who->institution_id, &versions, &nversions, &err) != 0) {
        api_fail(c, "model", err.msg);
        return;
    }
    page_keep(c, versions);
    if (!found) {
        api_not_found(c, "No model is trained yet; the rules are used meanwhile. Train one with "
                         "`cairn train`.");
        return;
    }
    json_t *card = json_loads(text, 0, NULL);
    if (!json_is_object(card)) {
        json_decref(card);
        api_fail(c, "model", "the active model's card is not a JSON object");
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < nversions; i++)
        json_array_append_new(list, json_pack("{s:i,s:s,s:s,s:b}", "version",
                                              versions[i].version, "trained_at",
                                              versions[i].created_at, "trained_by",
                                              versions[i].created_by, "active",
                                              versions[i].active));
    api_reply(c, 200, json_pack("{s:i,s:o,s:o}", "version", version, "card", card,
                                "versions", list));
}
