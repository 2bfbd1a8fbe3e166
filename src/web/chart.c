/*
** web/chart.c — SVG charts (see chart.h).
**
** Geometry: a viewBox of CHART_W x CHART_H user units, a plot area inset
** by the margins; the SVG scales to the width of its container (CSS).  The
** x axis is evenly spaced by point; the y axis is linear from y_min to
** y_max with five grid lines.
*/
#include "web/chart.h"
#include "web/html.h"
#include <math.h>
#include <stdio.h>

#define CHART_W 640
#define CHART_H 240
#define M_START 56   /* room for the y labels */
#define M_END   16
#define M_TOP   12
#define M_BOT   32   /* room for the x labels */

/* Open the <svg> (see chart.h). */
void chart_svg_begin(buf *b, const char *id, int width, int height, const char *title,
                     const char *desc) {
    html_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
                   "aria-labelledby=\"%A-title %A-desc\" xmlns=\"http://www.w3.org/2000/svg\">\n"
                   "<title id=\"%A-title\">%T</title>\n<desc id=\"%A-desc\">%T</desc>\n",
                width, height, id, id, id, title, id, desc);
}

/* Close the <svg>. */
void chart_svg_end(buf *b) {
    html_printf(b, "</svg>\n");
}

/* A value for people (see chart.h). */
const char *chart_format_value(const i18n_lang *L, double v, int format, int decimals,
                               char *out, size_t cap) {
    if (isnan(v)) {
        snprintf(out, cap, "%s", "\xE2\x80\x93");
        return out;
    }
    if (format == CHART_PERCENT) {
        char num[I18N_NUM_MAX];
        i18n_format_number(L, v * 100.0, 0, num, sizeof num);
        /* "%T %" as a translatable template: some languages put no space */
        buf t = BUF_INIT;
        html_printf(&t, TC(L, "percentage", "%T %%"), num);
        snprintf(out, cap, "%s", buf_cstr(&t));
        buf_free(&t);
        return out;
    }
    return i18n_format_number(L, v, decimals, out, cap);
}

/* The y coordinate of v. */
static double y_of(const chart_line *c, double v) {
    double lo = c->y_min, hi = c->y_max > c->y_min ? c->y_max : c->y_min + 1;
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return M_TOP + (CHART_H - M_TOP - M_BOT) * (1.0 - (v - lo) / (hi - lo));
}

/* The x coordinate of point i of n. */
static double x_of(size_t i, size_t n) {
    double w = CHART_W - M_START - M_END;
    return n <= 1 ? M_START + w / 2 : M_START + w * (double)i / (double)(n - 1);
}

/* The top of the y axis for c: at least its y_max, so that each of the
** four steps between grid lines is a round number (1, 2, 2.5 or 5 times a
** power of ten) that the labels show exactly (a whole percent for
** CHART_PERCENT, c->decimals places otherwise): a grid line never says
** "2" where it stands at 1.75. */
static double nice_top(const chart_line *c) {
    double lo = c->y_min, hi = c->y_max > c->y_min ? c->y_max : c->y_min + 1;
    double scale = c->format == CHART_PERCENT ? 100.0 : 1.0;   /* to shown units */
    double unit = c->format == CHART_PERCENT ? 1.0 : pow(10.0, -c->decimals);
    double step = (hi - lo) * scale / 4.0;
    if (step < unit) step = unit;
    double p = pow(10.0, floor(log10(step)));
    static const double mant[] = {1, 2, 2.5, 5, 10};
    double best = 10 * p;
    for (size_t i = 0; i < sizeof mant / sizeof *mant; i++) {
        double s = mant[i] * p;
        double k = s / unit;   /* a whole number of shown units, or not exact */
        if (s >= step * (1 - 1e-9) && fabs(k - round(k)) < 1e-9) {
            best = s;
            break;
        }
    }
    return lo + 4.0 * best / scale;
}

/* Append the figure for c (see chart.h). */
void chart_line_write(buf *b, const i18n_lang *L, const chart_line *line) {
    char v[I18N_NUM_MAX];
    chart_line adjusted = *line;   /* the same line on a y axis with round grid steps */
    adjusted.y_max = nice_top(line);
    const chart_line *c = &adjusted;
    double hi = c->y_max;
    html_printf(b, "<figure class=\"chart\">\n<figcaption id=\"%A-caption\">%T</figcaption>\n",
                c->id, c->title);
    chart_svg_begin(b, c->id, CHART_W, CHART_H, c->title, c->desc);
    /* grid and y labels (hidden from screen readers: the table has the numbers) */
    html_printf(b, "<g class=\"grid\" aria-hidden=\"true\">\n");
    for (int k = 0; k <= 4; k++) {
        double val = c->y_min + (hi - c->y_min) * k / 4.0;
        double y = y_of(c, val);
        html_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n", M_START,
                    CHART_W - M_END, y, y);
        html_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%T</text>\n", M_START - 6,
                    y + 4, chart_format_value(L, val, c->format, c->decimals, v, sizeof v));
    }
    if (c->n > 0) {
        html_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"start\">%T</text>\n", M_START,
                    CHART_H - 8, c->points[0].label);
        if (c->n > 1)
            html_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%T</text>\n",
                        CHART_W - M_END, CHART_H - 8, c->points[c->n - 1].label);
    }
    html_printf(b, "</g>\n");
    if (c->nmarks) html_printf(b, "<g class=\"marks\" aria-hidden=\"true\">\n");
    for (size_t i = 0; i < c->nmarks; i++) {   /* reference lines: a baseline, a target */
        double y = y_of(c, c->marks[i].value);
        html_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n"
                       "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%T</text>\n", M_START,
                    CHART_W - M_END, y, y, CHART_W - M_END, y - 4, c->marks[i].label);
    }
    if (c->nmarks) html_printf(b, "</g>\n");
    html_printf(b, "<g class=\"series\" aria-hidden=\"true\">\n");
    /* the line, broken at unknown values */
    int open = 0;
    for (size_t i = 0; i < c->n; i++) {
        double val = c->points[i].value;
        if (isnan(val)) {
            if (open) html_printf(b, "\"/>\n");
            open = 0;
            continue;
        }
        html_printf(b, open ? " %.1f,%.1f" : "<polyline points=\"%.1f,%.1f", x_of(i, c->n),
                    y_of(c, val));
        open = 1;
    }
    if (open) html_printf(b, "\"/>\n");
    for (size_t i = 0; i < c->n; i++)
        if (!isnan(c->points[i].value))
            html_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>\n", x_of(i, c->n),
                        y_of(c, c->points[i].value));
    html_printf(b, "</g>\n");
    chart_svg_end(b);
    /* the numbers, as a table */
    html_printf(b, "<details><summary>%T</summary>\n<table>\n<caption>%T</caption>\n"
                   "<thead><tr><th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                T(L, "Show the numbers"), c->title, c->x_heading, c->y_heading);
    for (size_t i = 0; i < c->n; i++)
        html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td></tr>\n",
                    c->points[i].label,
                    c->points[i].note ? c->points[i].note
                                      : chart_format_value(L, c->points[i].value, c->format,
                                                           c->decimals, v, sizeof v));
    for (size_t i = 0; i < c->nmarks; i++)
        html_printf(b, "<tr class=\"mark\"><th scope=\"row\">%T</th><td class=\"num\">%T</td></tr>\n",
                    c->marks[i].label,
                    chart_format_value(L, c->marks[i].value, c->format, c->decimals, v, sizeof v));
    html_printf(b, "</tbody>\n</table>\n</details>\n</figure>\n");
}

/* ---- calibration plot ------------------------------------------------------------ */

#define CAL_W     400
#define CAL_H     360
#define CAL_START 56    /* room for the y labels */
#define CAL_END   16
#define CAL_TOP   12
#define CAL_BOT   48    /* room for the x labels and the x axis name */

/* The x coordinate of a share 0..1 on the calibration plot. */
static double cal_x(double v) {
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return CAL_START + (CAL_W - CAL_START - CAL_END) * v;
}

/* The y coordinate of a share 0..1 on the calibration plot. */
static double cal_y(double v) {
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return CAL_TOP + (CAL_H - CAL_TOP - CAL_BOT) * (1.0 - v);
}

/* 1 if bin k is drawn: it has rows, figures and no note. */
static int cal_drawn(const chart_calib_bin *k) {
    return !k->note && k->n > 0 && !isnan(k->predicted) && !isnan(k->observed);
}

/* Append the calibration plot (see chart.h). */
void chart_calibration_write(buf *b, const i18n_lang *L, const chart_calibration *c) {
    char v[I18N_NUM_MAX], w[I18N_NUM_MAX];
    html_printf(b, "<figure class=\"chart\">\n<figcaption id=\"%A-caption\">%T</figcaption>\n",
                c->id, c->title);
    chart_svg_begin(b, c->id, CAL_W, CAL_H, c->title, c->desc);
    html_printf(b, "<g class=\"grid\" aria-hidden=\"true\">\n");
    for (int k = 0; k <= 4; k++) {
        double s = k / 4.0;
        chart_format_value(L, s, CHART_PERCENT, 0, v, sizeof v);
        html_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n", CAL_START,
                    CAL_W - CAL_END, cal_y(s), cal_y(s));
        html_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>\n", cal_x(s),
                    cal_x(s), CAL_TOP, CAL_H - CAL_BOT);
        html_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%T</text>\n",
                    CAL_START - 6, cal_y(s) + 4, v);
        html_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%T</text>\n",
                    cal_x(s), CAL_H - CAL_BOT + 16, v);
    }
    html_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%T</text>\n",
                (CAL_START + CAL_W - CAL_END) / 2, CAL_H - 8, c->x_heading);
    html_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"start\">%T</text>\n", CAL_START + 4,
                CAL_TOP + 14, c->y_heading);
    html_printf(b, "<line class=\"diagonal\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                   "y2=\"%.1f\"/>\n</g>\n<g class=\"series\" aria-hidden=\"true\">\n",
                cal_x(0), cal_y(0), cal_x(1), cal_y(1));
    int open = 0;
    for (size_t i = 0; i < c->n; i++) {
        const chart_calib_bin *k = &c->bins[i];
        if (!cal_drawn(k)) continue;
        html_printf(b, open ? " %.1f,%.1f" : "<polyline points=\"%.1f,%.1f", cal_x(k->predicted),
                    cal_y(k->observed));
        open = 1;
    }
    if (open) html_printf(b, "\"/>\n");
    for (size_t i = 0; i < c->n; i++)
        if (cal_drawn(&c->bins[i]))
            html_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>\n",
                        cal_x(c->bins[i].predicted), cal_y(c->bins[i].observed));
    html_printf(b, "</g>\n");
    chart_svg_end(b);
    html_printf(b, "<details><summary>%T</summary>\n<table>\n<caption>%T</caption>\n"
                   "<thead><tr><th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                T(L, "Show the numbers"), c->title, c->bin_heading, c->n_heading, c->x_heading,
                c->y_heading);
    for (size_t i = 0; i < c->n; i++) {
        const chart_calib_bin *k = &c->bins[i];
        if (k->note) {
            html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\" colspan=\"3\">%T"
                           "</td></tr>\n", k->label, k->note);
            continue;
        }
        html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td>", k->label,
                    i18n_format_int(L, k->n, w, sizeof w));
        html_printf(b, "<td class=\"num\">%T</td>",
                    chart_format_value(L, k->predicted, CHART_PERCENT, 0, v, sizeof v));
        html_printf(b, "<td class=\"num\">%T</td></tr>\n",
                    chart_format_value(L, k->observed, CHART_PERCENT, 0, v, sizeof v));
    }
    html_printf(b, "</tbody>\n</table>\n</details>\n</figure>\n");
}
