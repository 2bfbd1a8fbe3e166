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

/* Append the figure for c (see chart.h). */
void chart_line_write(buf *b, const i18n_lang *L, const chart_line *c) {
    char v[I18N_NUM_MAX];
    double hi = c->y_max > c->y_min ? c->y_max : c->y_min + 1;
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
    html_printf(b, "</g>\n<g class=\"series\" aria-hidden=\"true\">\n");
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
                    chart_format_value(L, c->points[i].value, c->format, c->decimals, v,
                                       sizeof v));
    html_printf(b, "</tbody>\n</table>\n</details>\n</figure>\n");
}
