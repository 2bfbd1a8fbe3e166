/*
** web/risk/model_tech.c — the model page's technical figures (web/risk/
** model.c leads with the plain words): what was trained when on what data,
** the inputs with their constraints, the evaluation against the rules, the
** calibration plot and the fairness tables, each for whoever opens it.
**
** No individual learner appears anywhere: every figure is an aggregate, and
** groups or bins smaller than the card's minimum cell (METRIC_MIN_CELL at
** least) are shown as withheld, never as numbers.
*/
#include "web/risk/model_parts.h"
#include "web/page.h"
#include "web/pages.h"
#include "base/date.h"
#include "risk/metrics.h"
#include "web/chart.h"
#include "web/html.h"
#include "web/reasons.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading the card ------------------------------------------------------------- */

/* o[key] as a number, NAN when missing or not a number. */
double model_jnum(const json_t *o, const char *key) {
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* o[key] as text, "" when missing or not a string (owned by o). */
const char *model_jstr(const json_t *o, const char *key) {
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A number for people with decimals, "–" for NAN; returns out. */
const char *model_fmt_num(const i18n_lang *L, double v, int decimals, char *out, size_t cap) {
    return chart_format_value(L, v, CHART_NUMBER, decimals, out, cap);
}

/* A share 0..1 as a percentage for people, "–" for NAN; returns out. */
const char *model_fmt_pct(const i18n_lang *L, double v, char *out, size_t cap) {
    return chart_format_value(L, v, CHART_PERCENT, 0, out, cap);
}

/* A "YYYY-MM-DD..." text as L writes dates, or the text itself when it is
** not one; returns out. */
const char *model_fmt_day(const i18n_lang *L, const char *s, char *out, size_t cap) {
    int32_t d;
    if (strlen(s) >= 10 && date_parse(s, 10, &d) == 0) return i18n_format_date(L, d, out, cap);
    snprintf(out, cap, "%s", s);
    return out;
}

/* The smallest group or bin the card's figures may be shown for. */
size_t model_card_min_cell(const json_t *model_report) {
    double m = model_jnum(model_report, "min_cell");
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
    html_printf(b, "<section aria-labelledby=\"h-about\">\n<h3 id=\"h-about\">%T</h3>\n"
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
         i18n_format_int(L, (long long)model_jnum(card, "version"), n1, sizeof n1));
    fact(b, T(L, "Trained on"), model_fmt_day(L, model_jstr(card, "trained_at"), d1, sizeof d1));
    html_printf(b, "<dt>%T</dt><dd><bdi>%T</bdi></dd>\n", T(L, "Trained by"),
                model_jstr(card, "trained_by"));
    html_printf(b, "<dt>%T</dt><dd>", T(L, "Data period"));
    html_printf(b, T(L, "Learners as they were from %T to %T"),
                model_fmt_day(L, model_jstr(data, "first_asof"), d1, sizeof d1),
                model_fmt_day(L, model_jstr(data, "last_asof"), d2, sizeof d2));
    html_printf(b, "</dd>\n");
    fact(b, T(L, "Learners in the training data"),
         i18n_format_int(L, (long long)model_jnum(data, "learners"), n1, sizeof n1));
    fact(b, T(L, "Of them, left early"),
         i18n_format_int(L, (long long)model_jnum(data, "leavers"), n1, sizeof n1));
    const char *cal = model_jstr(json_object_get(card, "calibration"), "method");
    fact(b, TC(L, "model", "Calibration"), !strcmp(cal, "isotonic") ? T(L, "isotonic regression")
                                 : !strcmp(cal, "platt")  ? T(L, "Platt scaling")
                                                          : cal);
    html_printf(b, "</dl>\n</section>\n");
}

/* The inputs by their plain names with their monotone constraints, and
** what happens with the fairness attributes. */
static void inputs_section(buf *b, const i18n_lang *L, const json_t *card) {
    html_printf(b, "<section aria-labelledby=\"h-inputs-tech\">\n<h3 id=\"h-inputs-tech\">%T</h3>\n"
                   "<div class=\"scroll\"><table>\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                T(L, "The inputs and their constraints"),
                T(L, "Every input of the model, with the direction it is held to"),
                TC(L, "model", "Input"),
                TC(L, "model", "Unit"), TC(L, "model", "Constraint"));
    const json_t *fs = json_object_get(card, "features");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        const json_t *f = json_array_get(fs, i);
        double m = model_jnum(f, "monotone");
        const char *name = page_indicator_name(L, model_jstr(f, "code"));
        html_printf(b, name ? "<tr><th scope=\"row\">%T</th>" : "<tr><th scope=\"row\" lang=\"en\">%T</th>",
                    name ? name : model_jstr(f, "name"));
        html_printf(b, "<td>%T</td><td>%T</td></tr>\n", model_unit_name(L, model_jstr(f, "unit")),
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
        html_printf(b, T(L, "the riskiest %T"), model_fmt_pct(L, model_jnum(t, "frac"), v1, sizeof v1));
        html_printf(b, "</th><td class=\"num\">%T</td><td class=\"num\">%T</td>"
                       "<td class=\"num\">%T</td></tr>\n",
                    model_fmt_num(L, model_jnum(t, "flagged"), 0, v1, sizeof v1),
                    model_fmt_pct(L, model_jnum(t, "precision"), v2, sizeof v2),
                    model_fmt_pct(L, model_jnum(t, "recall"), v3, sizeof v3));
    }
    const json_t *tiers = json_object_get(rep, "tiers");
    for (size_t i = 0; i < json_array_size(tiers); i++) {
        const json_t *t = json_array_get(tiers, i);
        html_printf(b, "<tr><th scope=\"row\">");
        html_printf(b, T(L, "%T or above"), tier_row_name(L, model_jstr(t, "name")));
        html_printf(b, "</th><td class=\"num\">%T</td><td class=\"num\">%T</td>"
                       "<td class=\"num\">%T</td></tr>\n",
                    model_fmt_num(L, model_jnum(t, "flagged"), 0, v1, sizeof v1),
                    model_fmt_pct(L, model_jnum(t, "precision"), v2, sizeof v2),
                    model_fmt_pct(L, model_jnum(t, "recall"), v3, sizeof v3));
    }
    html_printf(b, "</tbody>\n</table></div>\n");
}

/* How early the model warned before learners left. */
static void lead_time(buf *b, const i18n_lang *L, const json_t *lead) {
    char v[I18N_NUM_MAX];
    if (!json_is_object(lead)) return;
    html_printf(b, "<h4>%T</h4>\n<dl class=\"facts\">\n", T(L, "Warning time"));
    fact(b, T(L, "Learners who left early in the judged year"),
         model_fmt_num(L, model_jnum(lead, "leavers"), 0, v, sizeof v));
    fact(b, T(L, "Of them, flagged before they left"),
         model_fmt_num(L, model_jnum(lead, "flagged"), 0, v, sizeof v));
    fact(b, T(L, "Median weeks from the first flag to leaving"),
         model_fmt_num(L, model_jnum(lead, "median_weeks"), 1, v, sizeof v));
    fact(b, T(L, "Flagged at least 4 weeks ahead"), model_fmt_pct(L, model_jnum(lead, "share_4w"), v, sizeof v));
    fact(b, T(L, "Flagged at least 8 weeks ahead"), model_fmt_pct(L, model_jnum(lead, "share_8w"), v, sizeof v));
    /* never the warning without its false alarms (older cards lack them) */
    if (isfinite(model_jnum(lead, "precision")))
        fact(b, T(L, "Of the learners on the list, the share who left early"),
             model_fmt_pct(L, model_jnum(lead, "precision"), v, sizeof v));
    if (isfinite(model_jnum(lead, "stayers"))) {
        char n1[I18N_NUM_MAX], n2[I18N_NUM_MAX];
        html_printf(b, "<dt>%T</dt><dd>", T(L, "Learners who stayed but were flagged"));
        html_printf(b, T(L, "%T of %T"),
                    model_fmt_num(L, model_jnum(lead, "stayers_flagged"), 0, n1, sizeof n1),
                    model_fmt_num(L, model_jnum(lead, "stayers"), 0, n2, sizeof n2));
        html_printf(b, "</dd>\n");
    }
    html_printf(b, "</dl>\n");
}

/* The calibration plot of the model's report, small bins withheld. */
static void calibration_plot(buf *b, const i18n_lang *L, const json_t *rep) {
    const json_t *bins = json_object_get(rep, "calibration");
    size_t n = json_array_size(bins), min_cell = model_card_min_cell(rep);
    if (n == 0) return;
    chart_calib_bin *cb = calloc(n, sizeof *cb);
    char (*labels)[2 * I18N_NUM_MAX + 16] = calloc(n, sizeof *labels);
    const char *withheld = T(L, "withheld (too few rows)");
    for (size_t i = 0; i < n; i++) {
        const json_t *k = json_array_get(bins, i);
        char lo[I18N_NUM_MAX], hi[I18N_NUM_MAX];
        buf t = BUF_INIT;
        html_printf(&t, TC(L, "model", "%T to %T"), model_fmt_pct(L, model_jnum(k, "lo"), lo, sizeof lo),
                    model_fmt_pct(L, model_jnum(k, "hi"), hi, sizeof hi));
        snprintf(labels[i], sizeof labels[i], "%s", buf_cstr(&t));
        buf_free(&t);
        double rows = model_jnum(k, "n");
        cb[i].label = labels[i];
        cb[i].n = isnan(rows) ? 0 : (long)rows;
        cb[i].predicted = model_jnum(k, "mean_pred");
        cb[i].observed = model_jnum(k, "observed");
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
    html_printf(b, "<section aria-labelledby=\"h-eval\">\n<h3 id=\"h-eval\">%T</h3>\n"
                   "<p>%T</p>\n<p class=\"muted\" lang=\"en\">%T</p>\n",
                T(L, "How well it works"),
                T(L, "Judged on the school's own history, on rows the model was not trained "
                     "on, side by side with the rules."),
                model_jstr(ev, "method"));
    html_printf(b, "<div class=\"scroll\"><table>\n<caption>%T</caption>\n<thead><tr>"
                   "<th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\">%T</th></tr></thead>"
                   "\n<tbody>\n",
                T(L, "The model and the rules compared"), TC(L, "model", "Measure"), TC(L, "model", "Model"),
                TC(L, "model", "Rules"), T(L, "What it means"));
    html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td><td class=\"num\">%T"
                   "</td><td>%T</td></tr>\n", T(L, "ROC AUC"),
                model_fmt_num(L, model_jnum(ev, "roc_auc"), 3, v1, sizeof v1),
                model_fmt_num(L, model_jnum(ev, "rules_roc_auc"), 3, v2, sizeof v2),
                T(L, "The chance that a learner who left is ranked above one who stayed "
                     "(0.5 is guessing, 1 is perfect)."));
    html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td><td class=\"num\">%T"
                   "</td><td>%T</td></tr>\n", T(L, "PR AUC"),
                model_fmt_num(L, model_jnum(ev, "pr_auc"), 3, v1, sizeof v1),
                model_fmt_num(L, model_jnum(rules, "pr_auc"), 3, v2, sizeof v2),
                T(L, "How precise the list is across all cut-offs; guessing scores the share "
                     "who left."));
    html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td><td class=\"num\">%T"
                   "</td><td>%T</td></tr>\n", T(L, "Brier score"),
                model_fmt_num(L, model_jnum(ev, "brier"), 3, v1, sizeof v1), "\xE2\x80\x93",
                T(L, "The mean squared error of the estimated risk (lower is better; the rules "
                     "give no risk to judge)."));
    html_printf(b, "</tbody>\n</table></div>\n");
    precision_table(b, L, model, T(L, "Precision and recall of the model"));
    precision_table(b, L, rules, T(L, "Precision and recall of the rules"));
    html_printf(b, "<p class=\"muted\">%T</p>\n",
                T(L, "Precision: of those flagged, the share who did leave early. Recall: of "
                     "those who left early, the share who were flagged."));
    lead_time(b, L, json_object_get(model, "lead_time"));
    html_printf(b, "<h4>%T</h4>\n", TC(L, "model", "Calibration"));
    calibration_plot(b, L, model);
    html_printf(b, "</section>\n");
}

/* One fairness row: a group's figures (th is the row's header cell text). */
static void fairness_row(buf *b, const i18n_lang *L, const char *th, const json_t *g) {
    char v1[I18N_NUM_MAX], v2[I18N_NUM_MAX], v3[I18N_NUM_MAX], v4[I18N_NUM_MAX];
    html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td>", th,
                model_fmt_num(L, model_jnum(g, "n"), 0, v1, sizeof v1));
    html_printf(b, "<td class=\"num\">%T</td><td class=\"num\">%T</td><td class=\"num\">%T</td>"
                   "<td class=\"num\">%T</td></tr>\n",
                model_fmt_pct(L, model_jnum(g, "observed_rate"), v1, sizeof v1),
                model_fmt_pct(L, model_jnum(g, "flag_rate"), v2, sizeof v2),
                model_fmt_pct(L, model_jnum(g, "recall"), v3, sizeof v3),
                model_fmt_pct(L, model_jnum(g, "precision"), v4, sizeof v4));
}

/* A withheld fairness row: its name and why it is withheld (the card's
** "suppression": a small group, or one withheld so that a smaller one
** cannot be worked out). */
static void withheld_row(buf *b, const i18n_lang *L, const char *th, const json_t *g,
                         size_t min_cell) {
    char n1[I18N_NUM_MAX];
    html_printf(b, "<tr class=\"suppressed\"><th scope=\"row\">%T</th><td colspan=\"5\">", th);
    if (!strcmp(model_jstr(g, "suppression"), "complementary"))
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
    size_t min_cell = model_card_min_cell(json_object_get(json_object_get(card, "evaluation"), "model"));
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
        const char *attr = model_attribute_name(L, model_jstr(t, "attribute"));
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
        const char *acode = model_jstr(t, "attribute");
        for (size_t k = 0; k < json_array_size(groups); k++) {
            const json_t *g = json_array_get(groups, k);
            char other[96];
            const char *gname = model_group_name(L, acode, model_jstr(g, "name"), other,
                                                 sizeof other);
            if (json_is_true(json_object_get(g, "suppressed")))
                withheld_row(b, L, gname, g, min_cell);
            else
                fairness_row(b, L, gname, g);
        }
        html_printf(b, "</tbody>\n</table></div>\n");
        const json_t *gaps = json_object_get(t, "gaps");
        for (size_t k = 0; k < json_array_size(gaps); k++) {
            const json_t *g = json_array_get(gaps, k);
            char v1[I18N_NUM_MAX], v2[I18N_NUM_MAX], other[96];
            html_printf(b, "<p class=\"gap\">");
            html_printf(b, !strcmp(model_jstr(g, "metric"), "recall")
                               ? T(L, "Gap: the recall of group %T is %T against %T overall.")
                               : T(L, "Gap: the share flagged in group %T is %T against %T "
                                      "overall."),
                        model_group_name(L, acode, model_jstr(g, "group"), other, sizeof other),
                        model_fmt_pct(L, model_jnum(g, "value"), v1, sizeof v1),
                        model_fmt_pct(L, model_jnum(g, "overall"), v2, sizeof v2));
            html_printf(b, "</p>\n");
        }
    }
    html_printf(b, "</section>\n");
}


/* The technical figures, collapsed; see model_parts.h. */
void model_tech_write(buf *b, const i18n_lang *L, const json_t *card) {
    html_printf(b, "<details class=\"tech\" id=\"model-tech\">\n<summary>%T</summary>\n",
                T(L, "Technical figures, for whoever wants them"));
    about_section(b, L, card);
    inputs_section(b, L, card);
    evaluation_section(b, L, card);
    html_printf(b, "</details>\n");
}

/* The fairness tables, collapsed; see model_parts.h. */
void model_fairness_write(buf *b, const i18n_lang *L, const json_t *card) {
    html_printf(b, "<details class=\"tech\" id=\"model-fairness\">\n<summary>%T</summary>\n",
                T(L, "Fairness: the same figures for each group of learners"));
    fairness_section(b, L, card);
    html_printf(b, "</details>\n");
}
