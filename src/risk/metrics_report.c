/*
** risk/metrics_report.c — the evaluation report: computed from the metrics
** of metrics.c, written as text for people and as JSON (see metrics.h).
*/
#include "risk/metrics.h"
#include "base/mem.h"
#include "base/suppress.h"
#include <assert.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the report: shared pieces ------------------------------------------------------------ */

/* Empty report with every figure unknown. */
void metric_report_init(metric_report *r, const char *title) {
    memset(r, 0, sizeof *r);
    r->title = title;
    r->roc_auc = r->pr_auc = r->brier = NAN;
    static const double fracs[METRIC_REPORT_TOPS] = {0.05, 0.10, 0.20};
    for (int i = 0; i < METRIC_REPORT_TOPS; i++) {
        r->top[i].frac = fracs[i];
        r->top[i].precision = r->top[i].recall = NAN;
    }
    for (int i = 0; i < METRIC_REPORT_TIERS; i++)
        r->tier[i].threshold = r->tier[i].precision = r->tier[i].recall = NAN;
    r->lead.median_weeks = r->lead.mean_weeks = NAN;
    r->lead.share_1w = r->lead.share_4w = r->lead.share_8w = NAN;
    r->lead.precision = r->lead.base_rate = NAN;
    r->gap_tolerance = METRIC_GAP_TOLERANCE;
    r->min_cell = METRIC_MIN_CELL;
}

/* Compute the overall figures of the report from the arrays. */
void metric_report_compute(metric_report *r, const double *score, const double *prob,
                           const int *label, size_t n) {
    r->n = n;
    r->positives = metric_positives(label, n);
    r->roc_auc = metric_roc_auc(score, label, n);
    r->pr_auc = metric_pr_auc(score, label, n);
    for (int i = 0; i < METRIC_REPORT_TOPS; i++)
        metric_at_top(score, label, n, r->top[i].frac, &r->top[i].precision,
                      &r->top[i].recall, &r->top[i].flagged);
    if (r->ntiers < 0) r->ntiers = 0;
    if (r->ntiers > METRIC_REPORT_TIERS) r->ntiers = METRIC_REPORT_TIERS;
    for (int i = 0; i < r->ntiers; i++)
        metric_at_threshold(score, label, n, r->tier[i].threshold, &r->tier[i].precision,
                            &r->tier[i].recall, &r->tier[i].flagged);
    if (prob) {
        r->brier = metric_brier(prob, label, n);
        r->nbins = METRIC_REPORT_BINS;
        metric_calibration(prob, label, n, METRIC_REPORT_BINS, r->calib);
    } else {
        r->brier = NAN;
        r->nbins = 0;
    }
}

/* The minimum cell size in force: the report's, never below the floor. */
static size_t report_min_cell(const metric_report *r) {
    return r->min_cell > METRIC_MIN_CELL ? r->min_cell : METRIC_MIN_CELL;
}

/* The gap tolerance in force (the default if the report's is not usable). */
static double report_tolerance(const metric_report *r) {
    return isfinite(r->gap_tolerance) && r->gap_tolerance >= 0 ? r->gap_tolerance
                                                                : METRIC_GAP_TOLERANCE;
}

/* 1 if v and overall are both known and further apart than tol (a hair of
** slack so that a difference equal to tol in decimal is not called out). */
static int is_gap(double v, double overall, double tol) {
    return isfinite(v) && isfinite(overall) && fabs(v - overall) > tol + 1e-9;
}

/* Number of bins the report shows. */
static int report_nbins(const metric_report *r) {
    if (r->nbins < 0) return 0;
    return r->nbins > METRIC_REPORT_BINS ? METRIC_REPORT_BINS : r->nbins;
}

/* Number of tiers the report shows. */
static int report_ntiers(const metric_report *r) {
    if (r->ntiers < 0) return 0;
    return r->ntiers > METRIC_REPORT_TIERS ? METRIC_REPORT_TIERS : r->ntiers;
}

/* ---- the report as text -------------------------------------------------------------------- */

/* x with prec decimals into out, or "n/a" if it is not a number. */
static void fmt_num(char *out, size_t cap, double x, int prec) {
    if (isfinite(x)) snprintf(out, cap, "%.*f", prec, x);
    else snprintf(out, cap, "n/a");
}

/* x as "N in 100", rounded from x as printed with two decimals, so the
** words never disagree with the figure beside them (0.425 prints "0.42"
** and reads "42 in 100"). */
static long per100(double x) {
    char t[64];
    snprintf(t, sizeof t, "%.2f", x);
    return lround(strtod(t, NULL) * 100);
}

/* One figure line: label, right-aligned value, meaning after a dash. */
static void put_line(buf *out, const char *label, const char *value, const char *meaning) {
    buf_printf(out, "  %-28s %10s", label, value);
    if (meaning && *meaning) buf_printf(out, "  — %s", meaning);
    buf_putc(out, '\n');
}

/* A heading and its underline of the same width (in characters). */
static void put_heading(buf *out, const char *text, char under) {
    buf_printf(out, "%s\n", text);
    size_t w = 0;
    for (const char *p = text; *p; p++) w += ((unsigned char)*p & 0xC0) != 0x80;
    for (size_t i = 0; i < w; i++) buf_putc(out, under);
    buf_putc(out, '\n');
}

/* A name from the caller: control characters become '?', NULL becomes
** "(unnamed)"; padded with spaces to width characters (UTF-8 aware). */
static void put_name(buf *out, const char *s, size_t width) {
    if (!s) s = "(unnamed)";
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        buf_putc(out, *p < 0x20 || *p == 0x7f ? '?' : *p);
        w += (*p & 0xC0) != 0x80;
    }
    for (; w < width; w++) buf_putc(out, ' ');
}

/* Precision and recall lines under a top or tier heading. */
static void put_pr(buf *out, size_t flagged, double precision, double recall) {
    char v[64], m[256];
    snprintf(v, sizeof v, "%zu", flagged);
    put_line(out, "  learners flagged", v, NULL);
    fmt_num(v, sizeof v, precision, 2);
    if (isfinite(precision))
        snprintf(m, sizeof m, "%ld in 100 of those flagged left early", per100(precision));
    else snprintf(m, sizeof m, "no one flagged");
    put_line(out, "  precision", v, m);
    fmt_num(v, sizeof v, recall, 2);
    if (isfinite(recall))
        snprintf(m, sizeof m, "%ld in 100 of all leavers were flagged", per100(recall));
    else snprintf(m, sizeof m, "no leavers to catch");
    put_line(out, "  recall", v, m);
}

/* The overall section: how many, AUCs, Brier. */
static void write_overall(buf *out, const metric_report *r) {
    char v[64], m[256];
    double base = r->n ? (double)r->positives / (double)r->n : NAN;
    snprintf(v, sizeof v, "%zu", r->n);
    put_line(out, "Learners evaluated", v, NULL);
    snprintf(v, sizeof v, "%zu", r->positives);
    if (isfinite(base))
        snprintf(m, sizeof m, "%.1f in 100 learners left early (the base rate)", base * 100);
    else m[0] = 0;
    put_line(out, "Left early", v, m);
    buf_putc(out, '\n');

    buf_puts(out, "How well the list separates leavers from stayers\n");
    fmt_num(v, sizeof v, r->roc_auc, 2);
    if (isfinite(r->roc_auc))
        snprintf(m, sizeof m, "a leaver is ranked above a stayer %ld times in 100 (50 = chance)",
                 per100(r->roc_auc));
    else snprintf(m, sizeof m, "needs both leavers and stayers");
    put_line(out, "ROC AUC", v, m);
    fmt_num(v, sizeof v, r->pr_auc, 2);
    if (isfinite(r->pr_auc))
        snprintf(m, sizeof m, "average precision down the list; a random list would score %.2f",
                 base);
    else snprintf(m, sizeof m, "needs at least one leaver");
    put_line(out, "PR AUC (average precision)", v, m);
    fmt_num(v, sizeof v, r->brier, 3);
    if (isfinite(r->brier))
        snprintf(m, sizeof m,
                 "mean squared error of the predicted chances; 0 is perfect, "
                 "giving everyone the base rate scores %.3f",
                 base * (1 - base));
    else snprintf(m, sizeof m, "no predicted chances given");
    put_line(out, "Brier score", v, m);
    buf_putc(out, '\n');
}

/* Top 5/10/20 % and the tiers. */
static void write_lists(buf *out, const metric_report *r) {
    buf_puts(out, "Following up the riskiest learners first\n");
    for (int i = 0; i < METRIC_REPORT_TOPS; i++) {
        const metric_top_row *t = &r->top[i];
        buf_printf(out, "  Top %g %% of the list\n", t->frac * 100);
        put_pr(out, t->flagged, t->precision, t->recall);
    }
    buf_putc(out, '\n');
    int nt = report_ntiers(r);
    if (nt == 0) return;
    buf_puts(out, "Risk tiers (flagged = score at or above the tier's threshold)\n");
    for (int i = 0; i < nt; i++) {
        const metric_tier_row *t = &r->tier[i];
        char v[64];
        fmt_num(v, sizeof v, t->threshold, 3);
        buf_puts(out, "  Tier ");
        put_name(out, t->name, 0);
        if (isfinite(t->threshold)) buf_printf(out, ": score at least %s\n", v);
        else buf_puts(out, ": its share of each occasion's rows (one cut-off per occasion)\n");
        put_pr(out, t->flagged, t->precision, t->recall);
    }
    buf_putc(out, '\n');
}

/* The reliability table. */
static void write_calibration(buf *out, const metric_report *r) {
    int nb = report_nbins(r);
    if (nb == 0) return;
    buf_puts(out, "Calibration — do the predicted chances come true?\n");
    buf_printf(out, "  %-16s %10s %16s %12s\n", "predicted chance", "learners",
               "mean predicted", "left early");
    for (int b = 0; b < nb; b++) {
        const metric_calib_bin *c = &r->calib[b];
        char range[64], mp[32], ob[32];
        snprintf(range, sizeof range, "%.2f - %.2f", c->lo, c->hi);
        if (c->n) {
            fmt_num(mp, sizeof mp, c->mean_pred, 2);
            fmt_num(ob, sizeof ob, c->observed, 2);
        } else {
            snprintf(mp, sizeof mp, "-");
            snprintf(ob, sizeof ob, "-");
        }
        buf_printf(out, "  %-16s %10zu %16s %12s\n", range, c->n, mp, ob);
    }
    buf_puts(out, "  (well calibrated: \"mean predicted\" close to \"left early\" in every row)\n\n");
}

/* Warning time before leaving. */
static void write_lead(buf *out, const metric_report *r) {
    if (!r->has_lead_time) return;
    const metric_lead_time *l = &r->lead;
    char v[64], m[256];
    buf_puts(out, "Warning time before leaving\n");
    snprintf(v, sizeof v, "%zu", l->leavers);
    put_line(out, "Leavers", v, NULL);
    snprintf(v, sizeof v, "%zu", l->flagged);
    if (l->leavers)
        snprintf(m, sizeof m, "%ld in 100 leavers were flagged before they left",
                 per100((double)l->flagged / (double)l->leavers));
    else m[0] = 0;
    put_line(out, "Flagged before leaving", v, m);
    if (isfinite(l->median_weeks)) snprintf(v, sizeof v, "%.1f weeks", l->median_weeks);
    else snprintf(v, sizeof v, "n/a");
    put_line(out, "Median warning", v,
             "half of the flagged leavers were flagged at least this long before leaving");
    if (isfinite(l->mean_weeks)) snprintf(v, sizeof v, "%.1f weeks", l->mean_weeks);
    else snprintf(v, sizeof v, "n/a");
    put_line(out, "Mean warning", v, "average time from first flag to leaving");
    const double shares[3] = {l->share_1w, l->share_4w, l->share_8w};
    const char *labels[3] = {"Flagged 1+ week before", "Flagged 4+ weeks before",
                             "Flagged 8+ weeks before"};
    for (int i = 0; i < 3; i++) {
        fmt_num(v, sizeof v, shares[i], 2);
        if (isfinite(shares[i])) snprintf(m, sizeof m, "%ld in 100 leavers", per100(shares[i]));
        else m[0] = 0;
        put_line(out, labels[i], v, m);
    }
    /* never a warning figure without its false alarms */
    fmt_num(v, sizeof v, l->precision, 2);
    if (isfinite(l->precision) && isfinite(l->base_rate))
        snprintf(m, sizeof m, "of the learners on that list, %ld in 100 left early (a random "
                 "list: %ld in 100)", per100(l->precision), per100(l->base_rate));
    else m[0] = 0;
    put_line(out, "Precision of that list", v, m);
    snprintf(v, sizeof v, "%zu of %zu", l->stayers_flagged, l->stayers);
    put_line(out, "Flagged but stayed", v,
             "learners who stayed that year, on the list at one of the judged dates or more");
    buf_putc(out, '\n');
}

/* One row of a fairness table (name already written). */
static void put_group_cells(buf *out, const metric_group *g) {
    char fr[32], rc[32], pr[32], au[32], br[32], mp[32], ob[32];
    fmt_num(fr, sizeof fr, g->flag_rate, 2);
    fmt_num(rc, sizeof rc, g->recall, 2);
    fmt_num(pr, sizeof pr, g->precision, 2);
    fmt_num(au, sizeof au, g->auc, 2);
    fmt_num(br, sizeof br, g->brier, 3);
    fmt_num(mp, sizeof mp, g->mean_pred, 2);
    fmt_num(ob, sizeof ob, g->observed_rate, 2);
    buf_printf(out, "%9zu%9zu%9zu%11s%8s%11s%7s%8s%11s%10s\n", g->n, g->positives, g->flagged,
               fr, rc, pr, au, br, mp, ob);
}

/* One "GAP:" line. */
static void put_gap(buf *out, const char *attribute, const char *group, const char *metric,
                    double v, double overall, const char *who) {
    double d = v - overall;
    buf_printf(out, "GAP: %s for ", metric);
    put_name(out, attribute, 0);
    buf_puts(out, " \"");
    put_name(out, group, 0);
    buf_printf(out, "\" is %.2f against %.2f overall (%.0f points %s) — %s %s often\n", v,
               overall, fabs(d) * 100, d < 0 ? "lower" : "higher", who,
               d < 0 ? "less" : "more");
}

/* The text of a withheld fairness row: why it is withheld. */
static void put_withheld(buf *out, unsigned char state, size_t min_cell) {
    if (state == SUPPRESS_PRIMARY) buf_printf(out, "suppressed (fewer than %zu)\n", min_cell);
    else buf_puts(out, "suppressed (so that a smaller group cannot be worked out)\n");
}

/* The fairness tables with suppression and gap call-outs. */
static void write_fairness(buf *out, const metric_report *r) {
    size_t min_cell = report_min_cell(r);
    double tol = report_tolerance(r);
    for (size_t f = 0; f < r->nfairness; f++) {
        const metric_fairness *t = &r->fairness[f];
        char th[32];
        fmt_num(th, sizeof th, t->threshold, 3);
        buf_puts(out, "Fairness by ");
        put_name(out, t->attribute, 0);
        buf_putc(out, '\n');
        if (isfinite(t->threshold))
            buf_printf(out, "  flagged = score at least %s", th);
        else
            buf_puts(out, "  flagged = on the list (selective or above) on one occasion or more");
        buf_printf(out, "; a gap of more than %.3g points in recall or flag rate from everyone's "
                   "is called out\n", tol * 100);
        buf_printf(out, "  %-20s%9s%9s%9s%11s%8s%11s%7s%8s%11s%10s\n", "group", "learners",
                   "leavers", "flagged", "flag rate", "recall", "precision", "AUC", "Brier",
                   "predicted", "observed");
        unsigned char *state = xmalloc((size_t)(t->ngroups > 0 ? t->ngroups : 0) + 1), all;
        metric_fairness_withheld(t, min_cell, state, &all);
        buf_puts(out, "  ");
        put_name(out, "everyone", 20);
        if (suppress_withheld(all)) put_withheld(out, all, min_cell);
        else put_group_cells(out, &t->overall);
        for (int g = 0; g < t->ngroups; g++) {
            buf_puts(out, "  ");
            put_name(out, t->group_names ? t->group_names[g] : NULL, 20);
            if (suppress_withheld(state[g])) put_withheld(out, state[g], min_cell);
            else put_group_cells(out, &t->groups[g]);
        }
        buf_puts(out, "  (flag rate: share of the group flagged; recall: share of its leavers "
                      "flagged; precision: share of its flagged who left;\n"
                      "   predicted / observed: mean predicted chance / share who left)\n");
        int gaps = 0;
        for (int g = 0; g < t->ngroups; g++) {
            const metric_group *row = &t->groups[g];
            if (suppress_withheld(state[g]) || suppress_withheld(all)) continue;
            const char *name = t->group_names ? t->group_names[g] : NULL;
            if (is_gap(row->recall, t->overall.recall, tol)) {
                put_gap(out, t->attribute, name, "recall", row->recall, t->overall.recall,
                        "leavers in this group are caught");
                gaps++;
            }
            if (is_gap(row->flag_rate, t->overall.flag_rate, tol)) {
                put_gap(out, t->attribute, name, "flag rate", row->flag_rate,
                        t->overall.flag_rate, "learners in this group are flagged");
                gaps++;
            }
        }
        if (!gaps)
            buf_printf(out, "  No gap of more than %.3g points in recall or flag rate.\n",
                       tol * 100);
        buf_putc(out, '\n');
        free(state);
    }
}

/* The whole report as text. */
void metric_report_write(buf *out, const metric_report *r) {
    buf head = BUF_INIT;
    buf_puts(&head, "Early warning evaluation: ");
    put_name(&head, r->title ? r->title : "the early-warning list", 0);
    put_heading(out, buf_cstr(&head), '=');
    buf_free(&head);
    buf_putc(out, '\n');
    write_overall(out, r);
    write_lists(out, r);
    write_calibration(out, r);
    write_lead(out, r);
    write_fairness(out, r);
}

/* ---- the report as JSON ---------------------------------------------------------------------- */

/* A number, or null if it is not finite (JSON has no NaN). */
static json_t *jnum(double x) {
    return isfinite(x) ? json_real(x) : json_null();
}

/* A count. */
static json_t *jint(size_t x) {
    return json_integer((json_int_t)x);
}

/* A string, null for NULL; bytes that are not valid UTF-8 become '?'. */
static json_t *jstr(const char *s) {
    if (!s) return json_null();
    json_t *v = json_string(s);
    if (v) return v;
    char *c = xstrdup(s);
    for (char *p = c; *p; p++)
        if ((unsigned char)*p >= 0x80) *p = '?';
    v = json_string(c);
    free(c);
    return v;
}

/* o[k] = v, recording a failure (NULL v or jansson refusing) in *bad. */
static void jset(json_t *o, const char *k, json_t *v, int *bad) {
    if (!o) json_decref(v);
    if (!o || !v || json_object_set_new(o, k, v)) *bad = 1;
}

/* Append v to array a, recording a failure in *bad. */
static void jpush(json_t *a, json_t *v, int *bad) {
    if (!a) json_decref(v);
    if (!a || !v || json_array_append_new(a, v)) *bad = 1;
}

/* A group row as an object. */
static json_t *jgroup(const metric_group *g, int *bad) {
    json_t *o = json_object();
    jset(o, "n", jint(g->n), bad);
    jset(o, "positives", jint(g->positives), bad);
    jset(o, "flagged", jint(g->flagged), bad);
    jset(o, "flag_rate", jnum(g->flag_rate), bad);
    jset(o, "recall", jnum(g->recall), bad);
    jset(o, "precision", jnum(g->precision), bad);
    jset(o, "auc", jnum(g->auc), bad);
    jset(o, "brier", jnum(g->brier), bad);
    jset(o, "mean_pred", jnum(g->mean_pred), bad);
    jset(o, "observed_rate", jnum(g->observed_rate), bad);
    return o;
}

/* A gap as an object. */
static json_t *jgap(const char *group, const char *metric, double v, double overall, int *bad) {
    json_t *o = json_object();
    jset(o, "group", jstr(group), bad);
    jset(o, "metric", json_string(metric), bad);
    jset(o, "value", jnum(v), bad);
    jset(o, "overall", jnum(overall), bad);
    jset(o, "difference", jnum(v - overall), bad);
    return o;
}

/* A fairness row as an object: its figures, or when withheld only why
** ("suppression": "small" or "complementary"); "suppressed" either way. */
static json_t *jfair_row(const metric_group *g, unsigned char state, int *bad) {
    int sup = suppress_withheld(state);
    json_t *o = sup ? json_object() : jgroup(g, bad);
    jset(o, "suppressed", json_boolean(sup), bad);
    if (sup)
        jset(o, "suppression",
             json_string(state == SUPPRESS_PRIMARY ? "small" : "complementary"), bad);
    return o;
}

/* One fairness table as an object. */
static json_t *jfairness(const metric_fairness *t, size_t min_cell, double tol, int *bad) {
    json_t *o = json_object(), *groups = json_array(), *gaps = json_array();
    unsigned char *state = xmalloc((size_t)(t->ngroups > 0 ? t->ngroups : 0) + 1), all;
    metric_fairness_withheld(t, min_cell, state, &all);
    jset(o, "attribute", jstr(t->attribute), bad);
    jset(o, "threshold", jnum(t->threshold), bad);
    jset(o, "overall", jfair_row(&t->overall, all, bad), bad);
    for (int g = 0; g < t->ngroups; g++) {
        const metric_group *row = &t->groups[g];
        const char *name = t->group_names ? t->group_names[g] : NULL;
        json_t *go = jfair_row(row, state[g], bad);
        jset(go, "name", jstr(name), bad);
        jpush(groups, go, bad);
        if (suppress_withheld(state[g]) || suppress_withheld(all)) continue;
        if (is_gap(row->recall, t->overall.recall, tol))
            jpush(gaps, jgap(name, "recall", row->recall, t->overall.recall, bad), bad);
        if (is_gap(row->flag_rate, t->overall.flag_rate, tol))
            jpush(gaps, jgap(name, "flag_rate", row->flag_rate, t->overall.flag_rate, bad), bad);
    }
    jset(o, "groups", groups, bad);
    jset(o, "gaps", gaps, bad);
    free(state);
    return o;
}

/* The report as a jansson object. */
json_t *metric_report_json_value(const metric_report *r) {
    int bad = 0;
    size_t min_cell = report_min_cell(r);
    double tol = report_tolerance(r);
    json_t *o = json_object();
    jset(o, "title", jstr(r->title), &bad);
    jset(o, "n", jint(r->n), &bad);
    jset(o, "positives", jint(r->positives), &bad);
    jset(o, "base_rate", jnum(r->n ? (double)r->positives / (double)r->n : NAN), &bad);
    jset(o, "roc_auc", jnum(r->roc_auc), &bad);
    jset(o, "pr_auc", jnum(r->pr_auc), &bad);
    jset(o, "brier", jnum(r->brier), &bad);

    json_t *a = json_array();
    for (int i = 0; i < METRIC_REPORT_TOPS; i++) {
        json_t *t = json_object();
        jset(t, "frac", jnum(r->top[i].frac), &bad);
        jset(t, "flagged", jint(r->top[i].flagged), &bad);
        jset(t, "precision", jnum(r->top[i].precision), &bad);
        jset(t, "recall", jnum(r->top[i].recall), &bad);
        jpush(a, t, &bad);
    }
    jset(o, "top", a, &bad);

    a = json_array();
    for (int i = 0; i < report_ntiers(r); i++) {
        json_t *t = json_object();
        jset(t, "name", jstr(r->tier[i].name), &bad);
        jset(t, "threshold", jnum(r->tier[i].threshold), &bad);
        jset(t, "flagged", jint(r->tier[i].flagged), &bad);
        jset(t, "precision", jnum(r->tier[i].precision), &bad);
        jset(t, "recall", jnum(r->tier[i].recall), &bad);
        jpush(a, t, &bad);
    }
    jset(o, "tiers", a, &bad);

    a = json_array();
    for (int b = 0; b < report_nbins(r); b++) {
        const metric_calib_bin *c = &r->calib[b];
        json_t *t = json_object();
        jset(t, "lo", jnum(c->lo), &bad);
        jset(t, "hi", jnum(c->hi), &bad);
        jset(t, "n", jint(c->n), &bad);
        jset(t, "mean_pred", jnum(c->mean_pred), &bad);
        jset(t, "observed", jnum(c->observed), &bad);
        jpush(a, t, &bad);
    }
    jset(o, "calibration", a, &bad);

    if (r->has_lead_time) {
        const metric_lead_time *l = &r->lead;
        json_t *t = json_object();
        jset(t, "leavers", jint(l->leavers), &bad);
        jset(t, "flagged", jint(l->flagged), &bad);
        jset(t, "median_weeks", jnum(l->median_weeks), &bad);
        jset(t, "mean_weeks", jnum(l->mean_weeks), &bad);
        jset(t, "share_1w", jnum(l->share_1w), &bad);
        jset(t, "share_4w", jnum(l->share_4w), &bad);
        jset(t, "share_8w", jnum(l->share_8w), &bad);
        jset(t, "precision", jnum(l->precision), &bad);
        jset(t, "base_rate", jnum(l->base_rate), &bad);
        jset(t, "stayers", jint(l->stayers), &bad);
        jset(t, "stayers_flagged", jint(l->stayers_flagged), &bad);
        jset(o, "lead_time", t, &bad);
    } else {
        jset(o, "lead_time", json_null(), &bad);
    }

    jset(o, "min_cell", jint(min_cell), &bad);
    jset(o, "gap_tolerance", jnum(tol), &bad);
    a = json_array();
    for (size_t f = 0; f < r->nfairness; f++)
        jpush(a, jfairness(&r->fairness[f], min_cell, tol, &bad), &bad);
    jset(o, "fairness", a, &bad);

    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The report as JSON text appended to out. */
int metric_report_json(buf *out, const metric_report *r, cairn_err *err) {
    json_t *o = metric_report_json_value(r);
    if (!o) return err_set(err, CAIRN_EINTERNAL, "evaluation report: could not build the JSON");
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(o);
    if (!s) return err_set(err, CAIRN_EINTERNAL, "evaluation report: could not write the JSON");
    buf_puts(out, s);
    free(s);
    return 0;
}
