/*
** web/risk/model.c — GET /model and GET /api/v1/model: the institution's active early-warning
** model in plain words (what it predicts, when and by whom it was trained,
** on what data, its inputs and their constraints), its evaluation against
** the rules, a calibration plot, the fairness table and the list of model
** versions; or, without a model, how to train one.
**
** Read-only; the model card (risk/model_card.h) is parsed with jansson.
** No individual learner appears anywhere: every figure is an aggregate, and
** groups or bins smaller than the card's minimum cell (METRIC_MIN_CELL at
** least) are shown as withheld, never as numbers.
*/
#include "web/pages.h"
#include "web/page.h"
#include "gen/pages.h"
#include "base/date.h"
#include "risk/metrics.h"
#include "risk/model_card.h"
#include "web/auth.h"
#include "web/chart.h"
#include "web/html.h"
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading the card ------------------------------------------------------------- */

/* o[key] as a number, NAN when missing or not a number. */
static double jnum(const json_t *o, const char *key) {
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* o[key] as text, "" when missing or not a string (owned by o). */
static const char *jstr(const json_t *o, const char *key) {
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A number for people with decimals, "–" for NAN; returns out. */
static const char *fmt_num(const i18n_lang *L, double v, int decimals, char *out, size_t cap) {
    return chart_format_value(L, v, CHART_NUMBER, decimals, out, cap);
}

/* A share 0..1 as a percentage for people, "–" for NAN; returns out. */
static const char *fmt_pct(const i18n_lang *L, double v, char *out, size_t cap) {
    return chart_format_value(L, v, CHART_PERCENT, 0, out, cap);
}

/* A "YYYY-MM-DD..." text as L writes dates, or the text itself when it is
** not one; returns out. */
static const char *fmt_day(const i18n_lang *L, const char *s, char *out, size_t cap) {
    int32_t d;
    if (strlen(s) >= 10 && date_parse(s, 10, &d) == 0) return i18n_format_date(L, d, out, cap);
    snprintf(out, cap, "%s", s);
    return out;
}

/* The smallest group or bin the card's figures may be shown for. */
static size_t card_min_cell(const json_t *model_report) {
    double m = jnum(model_report, "min_cell");
    return isnan(m) || m < METRIC_MIN_CELL ? METRIC_MIN_CELL : (size_t)m;
}

/* ---- the parts of the page --------------------------------------------------------- */

/* One row of a fact list: term and a text value. */
static void fact(buf *b, const char *term, const char *value) {
    html_printf(b, "<dt>%T</dt><dd>%T</dd>\n", term, value);
}

/* What the model predicts, when and by whom it was trained, on what data. */
static void about_section(buf *b, const i18n_lang *L, const json_t *card) {
    char d1[I18N_DATE_MAX], d2[I18N_DATE_MAX], n1[I18N_NUM_MAX];
    const json_t *data = json_object_get(card, "data");
    html_printf(b, "<section aria-labelledby=\"h-about\">\n<h2 id=\"h-about\">%T</h2>\n"
                   "<dl class=\"facts\">\n", T(L, "About this model"));
    fact(b, TC(L, "model", "Purpose"), T(L, "To point a person at learners who may leave early, so that "
                                  "someone talks with them. It never decides anything by "
                                  "itself."));
    fact(b, T(L, "What it estimates"),
         T(L, "The chance that a learner leaves early before the end of the school year."));
    html_printf(b, "<dt>%T</dt><dd><ul class=\"inline\">\n", TC(L, "model", "Horizons"));
    const json_t *h = json_object_get(card, "horizons_weeks");
    for (size_t i = 0; i < json_array_size(h); i++) {
        json_int_t w = json_integer_value(json_array_get(h, i));
        html_printf(b, "<li>");
        html_printf(b, TN(L, "%T week after the start of a term", "%T weeks after the start of "
                          "a term", w), i18n_format_int(L, (long long)w, n1, sizeof n1));
        html_printf(b, "</li>\n");
    }
    html_printf(b, "</ul></dd>\n");
    fact(b, TC(L, "model", "Version"),
         i18n_format_int(L, (long long)jnum(card, "version"), n1, sizeof n1));
    fact(b, T(L, "Trained on"), fmt_day(L, jstr(card, "trained_at"), d1, sizeof d1));
    html_printf(b, "<dt>%T</dt><dd><bdi>%T</bdi></dd>\n", T(L, "Trained by"),
                jstr(card, "trained_by"));
    html_printf(b, "<dt>%T</dt><dd>", T(L, "Data period"));
    html_printf(b, T(L, "Learners as they were from %T to %T"),
                fmt_day(L, jstr(data, "first_asof"), d1, sizeof d1),
                fmt_day(L, jstr(data, "last_asof"), d2, sizeof d2));
    html_printf(b, "</dd>\n");
    fact(b, T(L, "Learners in the training data"),
         i18n_format_int(L, (long long)jnum(data, "learners"), n1, sizeof n1));
    fact(b, T(L, "Of them, left early"),
         i18n_format_int(L, (long long)jnum(data, "leavers"), n1, sizeof n1));
    const char *cal = jstr(json_object_get(card, "calibration"), "method");
    fact(b, TC(L, "model", "Calibration"), !strcmp(cal, "isotonic") ? T(L, "isotonic regression")
                                 : !strcmp(cal, "platt")  ? T(L, "Platt scaling")
                                                          : cal);
    html_printf(b, "</dl>\n</section>\n");
}

/* The inputs by their plain names with their monotone constraints, and
** what happens with the fairness attributes. */
static void inputs_section(buf *b, const i18n_lang *L, const json_t *card) {
    html_printf(b, "<section aria-labelledby=\"h-inputs\">\n<h2 id=\"h-inputs\">%T</h2>\n"
                   "<div class=\"scroll\"><table>\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                T(L, "What the model looks at"),
                T(L, "The inputs, in the words of the model card (English)"), TC(L, "model", "Input"),
                TC(L, "model", "Unit"), TC(L, "model", "Constraint"));
    const json_t *fs = json_object_get(card, "features");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        const json_t *f = json_array_get(fs, i);
        double m = jnum(f, "monotone");
        html_printf(b, "<tr><th scope=\"row\" lang=\"en\">%T</th><td lang=\"en\">%T</td><td>%T"
                       "</td></tr>\n", jstr(f, "name"), jstr(f, "unit"),
                    m > 0   ? T(L, "a higher value never lowers the estimate")
                    : m < 0 ? T(L, "a higher value never raises the estimate")
                            : TC(L, "model", "free"));
    }
    html_printf(b, "</tbody>\n</table></div>\n");
    const json_t *inc = json_object_get(json_object_get(card, "attributes"), "included");
    if (json_array_size(inc) == 0) {
        html_printf(b, "<p>%T</p>\n", T(L, "No fairness attribute (gender, migrant background, "
                                           "special needs, first language) is an input; they "
                                           "are used only for the fairness table below."));
    } else {
        html_printf(b, "<p>%T</p>\n<ul>\n", T(L, "An administrator allowed these fairness "
                                                 "attributes as inputs:"));
        for (size_t i = 0; i < json_array_size(inc); i++)
            html_printf(b, "<li><code>%T</code></li>\n", json_string_value(json_array_get(inc, i)));
        html_printf(b, "</ul>\n");
    }
    html_printf(b, "</section>\n");
}

/* The translated name of a tier row of the report ("selective ..."). */
static const char *tier_row_name(const i18n_lang *L, const char *name) {
    if (!strncmp(name, "individual", 10)) return page_tier_name(L, RISK_TIER_INDIVIDUAL);
    if (!strncmp(name, "selective", 9)) return page_tier_name(L, RISK_TIER_SELECTIVE);
    return name;
}

/* Precision and recall of one report (model or rules) at the top 5 / 10 /
** 20 % and at its tiers, as a table captioned caption. */
static void precision_table(buf *b, const i18n_lang *L, const json_t *rep, const char *caption) {
    char v1[I18N_NUM_MAX], v2[I18N_NUM_MAX], v3[I18N_NUM_MAX];
    html_printf(b, "<div class=\"scroll\"><table>\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                caption, T(L, "Who is followed up"), T(L, "Rows flagged"),
                TC(L, "model", "Precision"), TC(L, "model", "Recall"));
    const json_t *top = json_object_get(rep, "top");
    for (size_t i = 0; i < json_array_size(top); i++) {
        const json_t *t = json_array_get(top, i);
        html_printf(b, "<tr><th scope=\"row\">");
        html_printf(b, T(L, "the riskiest %T"), fmt_pct(L, jnum(t, "frac"), v1, sizeof v1));
        html_printf(b, "</th><td class=\"num\">%T</td><td class=\"num\">%T</td>"
                       "<td class=\"num\">%T</td></tr>\n",
                    fmt_num(L, jnum(t, "flagged"), 0, v1, sizeof v1),
                    fmt_pct(L, jnum(t, "precision"), v2, sizeof v2),
                    fmt_pct(L, jnum(t, "recall"), v3, sizeof v3));
    }
    const json_t *tiers = json_object_get(rep, "tiers");
    for (size_t i = 0; i < json_array_size(tiers); i++) {
        const json_t *t = json_array_get(tiers, i);
        html_printf(b, "<tr><th scope=\"row\">");
        html_printf(b, T(L, "%T or above"), tier_row_name(L, jstr(t, "name")));
        html_printf(b, "</th><td class=\"num\">%T</td><td class=\"num\">%T</td>"
                       "<td class=\"num\">%T</td></tr>\n",
                    fmt_num(L, jnum(t, "flagged"), 0, v1, sizeof v1),
                    fmt_pct(L, jnum(t, "precision"), v2, sizeof v2),
                    fmt_pct(L, jnum(t, "recall"), v3, sizeof v3));
    }
    html_printf(b, "</tbody>\n</table></div>\n");
}

/* How early the model warned before learners left. */
static void lead_time(buf *b, const i18n_lang *L, const json_t *lead) {
    char v[I18N_NUM_MAX];
    if (!json_is_object(lead)) return;
    html_printf(b, "<h3>%T</h3>\n<dl class=\"facts\">\n", T(L, "Warning time"));
    fact(b, T(L, "Learners who left early in the judged year"),
         fmt_num(L, jnum(lead, "leavers"), 0, v, sizeof v));
    fact(b, T(L, "Of them, flagged before they left"),
         fmt_num(L, jnum(lead, "flagged"), 0, v, sizeof v));
    fact(b, T(L, "Median weeks from the first flag to leaving"),
         fmt_num(L, jnum(lead, "median_weeks"), 1, v, sizeof v));
    fact(b, T(L, "Flagged at least 4 weeks ahead"), fmt_pct(L, jnum(lead, "share_4w"), v, sizeof v));
    fact(b, T(L, "Flagged at least 8 weeks ahead"), fmt_pct(L, jnum(lead, "share_8w"), v, sizeof v));
    html_printf(b, "</dl>\n");
}

/* The calibration plot of the model's report, small bins withheld. */
static void calibration_plot(buf *b, const i18n_lang *L, const json_t *rep) {
    const json_t *bins = json_object_get(rep, "calibration");
    size_t n = json_array_size(bins), min_cell = card_min_cell(rep);
    if (n == 0) return;
    chart_calib_bin *cb = calloc(n, sizeof *cb);
    char (*labels)[2 * I18N_NUM_MAX + 16] = calloc(n, sizeof *labels);
    const char *withheld = T(L, "withheld (too few rows)");
    for (size_t i = 0; i < n; i++) {
        const json_t *k = json_array_get(bins, i);
        char lo[I18N_NUM_MAX], hi[I18N_NUM_MAX];
        buf t = BUF_INIT;
        html_printf(&t, TC(L, "model", "%T to %T"), fmt_pct(L, jnum(k, "lo"), lo, sizeof lo),
                    fmt_pct(L, jnum(k, "hi"), hi, sizeof hi));
        snprintf(labels[i], sizeof labels[i], "%s", buf_cstr(&t));
        buf_free(&t);
        double rows = jnum(k, "n");
        cb[i].label = labels[i];
        cb[i].n = isnan(rows) ? 0 : (long)rows;
        cb[i].predicted = jnum(k, "mean_pred");
        cb[i].observed = jnum(k, "observed");
        if (cb[i].n > 0 && (size_t)cb[i].n < min_cell) cb[i].note = withheld;
    }
    chart_calibration c = {0};
    c.id = "calibration";
    c.title = T(L, "Calibration: estimated risk against what happened");
    c.desc = T(L, "For each band of estimated risk, a point at the band's mean estimate and "
                  "the share of those rows who did leave early. Points on the diagonal line "
                  "mean the estimates can be taken at their word.");
    c.x_heading = T(L, "Mean estimated risk");
    c.y_heading = T(L, "Share who left early");
    c.bin_heading = T(L, "Estimated risk band");
    c.n_heading = TC(L, "model", "Rows");
    c.bins = cb;
    c.n = n;
    chart_calibration_write(b, L, &c);
    free(cb);
    free(labels);
}

/* The evaluation: ROC AUC, PR AUC, Brier against the rules, precision and
** recall, warning time and calibration. */
static void evaluation_section(buf *b, const i18n_lang *L, const json_t *card) {
    char v1[I18N_NUM_MAX], v2[I18N_NUM_MAX];
    const json_t *ev = json_object_get(card, "evaluation");
    const json_t *model = json_object_get(ev, "model"), *rules = json_object_get(ev, "rules");
    html_printf(b, "<section aria-labelledby=\"h-eval\">\n<h2 id=\"h-eval\">%T</h2>\n"
                   "<p>%T</p>\n<p class=\"muted\" lang=\"en\">%T</p>\n",
                T(L, "How well it works"),
                T(L, "Judged on the school's own history, on rows the model was not trained "
                     "on, side by side with the rules."),
                jstr(ev, "method"));
    html_printf(b, "<div class=\"scroll\"><table>\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\">%T</th></tr></thead>"
                   "\n<tbody>\n",
                T(L, "The model and the rules compared"), TC(L, "model", "Measure"), TC(L, "model", "Model"),
                TC(L, "model", "Rules"), T(L, "What it means"));
    html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td><td class=\"num\">%T"
                   "</td><td>%T</td></tr>\n", T(L, "ROC AUC"),
                fmt_num(L, jnum(ev, "roc_auc"), 3, v1, sizeof v1),
                fmt_num(L, jnum(ev, "rules_roc_auc"), 3, v2, sizeof v2),
                T(L, "The chance that a learner who left is ranked above one who stayed "
                     "(0.5 is guessing, 1 is perfect)."));
    html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td><td class=\"num\">%T"
                   "</td><td>%T</td></tr>\n", T(L, "PR AUC"),
                fmt_num(L, jnum(ev, "pr_auc"), 3, v1, sizeof v1),
                fmt_num(L, jnum(rules, "pr_auc"), 3, v2, sizeof v2),
                T(L, "How precise the list is across all cut-offs; guessing scores the share "
                     "who left."));
    html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td><td class=\"num\">%T"
                   "</td><td>%T</td></tr>\n", T(L, "Brier score"),
                fmt_num(L, jnum(ev, "brier"), 3, v1, sizeof v1), "\xE2\x80\x93",
                T(L, "The mean squared error of the estimated risk (lower is better; the rules "
                     "give no risk to judge)."));
    html_printf(b, "</tbody>\n</table></div>\n");
    precision_table(b, L, model, T(L, "Precision and recall of the model"));
    precision_table(b, L, rules, T(L, "Precision and recall of the rules"));
    html_printf(b, "<p class=\"muted\">%T</p>\n",
                T(L, "Precision: of those flagged, the share who did leave early. Recall: of "
                     "those who left early, the share who were flagged."));
    lead_time(b, L, json_object_get(model, "lead_time"));
    html_printf(b, "<h3>%T</h3>\n", TC(L, "model", "Calibration"));
    calibration_plot(b, L, model);
    html_printf(b, "</section>\n");
}

/* The translated name of an audit attribute code. */
static const char *attribute_name(const i18n_lang *L, const char *code) {
    if (!strcmp(code, "gender")) return TC(L, "model", "Gender");
    if (!strcmp(code, "migrant_background")) return TC(L, "model", "Migrant background");
    if (!strcmp(code, "special_needs")) return TC(L, "model", "Special needs");
    if (!strcmp(code, "first_language")) return TC(L, "model", "First language");
    return code;
}

/* One fairness row: a group's figures (th is the row's header cell text). */
static void fairness_row(buf *b, const i18n_lang *L, const char *th, const json_t *g) {
    char v1[I18N_NUM_MAX], v2[I18N_NUM_MAX], v3[I18N_NUM_MAX], v4[I18N_NUM_MAX];
    html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td>", th,
                fmt_num(L, jnum(g, "n"), 0, v1, sizeof v1));
    html_printf(b, "<td class=\"num\">%T</td><td class=\"num\">%T</td><td class=\"num\">%T</td>"
                   "<td class=\"num\">%T</td></tr>\n",
                fmt_pct(L, jnum(g, "observed_rate"), v1, sizeof v1),
                fmt_pct(L, jnum(g, "flag_rate"), v2, sizeof v2),
                fmt_pct(L, jnum(g, "recall"), v3, sizeof v3),
                fmt_pct(L, jnum(g, "precision"), v4, sizeof v4));
}

/* A withheld fairness row: its name and why it is withheld (the card's
** "suppression": a small group, or one withheld so that a smaller one
** cannot be worked out). */
static void withheld_row(buf *b, const i18n_lang *L, const char *th, const json_t *g,
                         size_t min_cell) {
    char n1[I18N_NUM_MAX];
    html_printf(b, "<tr class=\"suppressed\"><th scope=\"row\">%T</th><td colspan=\"5\">", th);
    if (!strcmp(jstr(g, "suppression"), "complementary"))
        html_printf(b, "%T", T(L, "withheld (so that a smaller group cannot be worked out)"));
    else
        html_printf(b, T(L, "withheld (fewer than %T)"),
                    i18n_format_int(L, (long long)min_cell, n1, sizeof n1));
    html_printf(b, "</td></tr>\n");
}

/* The fairness tables: per group of each audit attribute, suppressed
** rows withheld. */
static void fairness_section(buf *b, const i18n_lang *L, const json_t *card) {
    char n1[I18N_NUM_MAX];
    const json_t *tables = json_object_get(card, "fairness");
    size_t min_cell = card_min_cell(json_object_get(json_object_get(card, "evaluation"), "model"));
    html_printf(b, "<section aria-labelledby=\"h-fair\">\n<h2 id=\"h-fair\">%T</h2>\n<p>",
                TC(L, "model", "Fairness"));
    html_printf(b, T(L, "The same figures per group of each audit attribute, on the judged "
                        "rows; flagged means selective support or above. Groups of fewer than "
                        "%T rows are withheld, so that no figure points at a person."),
                i18n_format_int(L, (long long)min_cell, n1, sizeof n1));
    html_printf(b, "</p>\n");
    if (json_array_size(tables) == 0)
        html_printf(b, "<p class=\"notice\">%T</p>\n",
                    T(L, "The card holds no fairness table (no audit attributes were imported)."));
    for (size_t i = 0; i < json_array_size(tables); i++) {
        const json_t *t = json_array_get(tables, i);
        const char *attr = attribute_name(L, jstr(t, "attribute"));
        html_printf(b, "<div class=\"scroll\"><table class=\"fairness\">\n<caption>%T</caption>\n"
                       "<thead><tr><th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                       "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">%T"
                       "</th><th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">"
                       "%T</th></tr></thead>\n<tbody>\n",
                    attr, T(L, "Group"), TC(L, "model", "Rows"), TC(L, "model", "Left early"), TC(L, "model", "Flagged"),
                    TC(L, "model", "Recall"), TC(L, "model", "Precision"));
        const json_t *all = json_object_get(t, "overall");
        if (json_is_true(json_object_get(all, "suppressed")))
            withheld_row(b, L, TC(L, "model", "Everyone"), all, min_cell);
        else
            fairness_row(b, L, TC(L, "model", "Everyone"), all);
        const json_t *groups = json_object_get(t, "groups");
        for (size_t k = 0; k < json_array_size(groups); k++) {
            const json_t *g = json_array_get(groups, k);
            if (json_is_true(json_object_get(g, "suppressed")))
                withheld_row(b, L, jstr(g, "name"), g, min_cell);
            else
                fairness_row(b, L, jstr(g, "name"), g);
        }
        html_printf(b, "</tbody>\n</table></div>\n");
        const json_t *gaps = json_object_get(t, "gaps");
        for (size_t k = 0; k < json_array_size(gaps); k++) {
            const json_t *g = json_array_get(gaps, k);
            char v1[I18N_NUM_MAX], v2[I18N_NUM_MAX];
            html_printf(b, "<p class=\"gap\">");
            html_printf(b, !strcmp(jstr(g, "metric"), "recall")
                               ? T(L, "Gap: the recall of group %T is %T against %T overall.")
                               : T(L, "Gap: the share flagged in group %T is %T against %T "
                                      "overall."),
                        jstr(g, "group"), fmt_pct(L, jnum(g, "value"), v1, sizeof v1),
                        fmt_pct(L, jnum(g, "overall"), v2, sizeof v2));
            html_printf(b, "</p>\n");
        }
    }
    html_printf(b, "</section>\n");
}

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
                    fmt_day(L, v[i].created_at, d, sizeof d), v[i].created_by,
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
        about_section(b, L, card);
        inputs_section(b, L, card);
        evaluation_section(b, L, card);
        fairness_section(b, L, card);
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
