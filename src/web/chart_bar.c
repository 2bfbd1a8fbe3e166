/*
** web/chart_bar.c — a horizontal bar chart of counts (see chart.h): one
** row per bar, its label at the start, the bar scaled to the largest
** count, the count (or the note of a withheld bar) after it; the same
** numbers follow as a table.
*/
#include "web/chart.h"
#include "web/html.h"
#include <stdio.h>

#define BAR_W     640
#define BAR_ROW   28    /* height of one row */
#define BAR_LABEL 200   /* room for the labels */
#define BAR_VALUE 96    /* room for the count after the bar */

/* Append the bar chart (see chart.h). */
void chart_bars_write(buf *b, const i18n_lang *L, const chart_bars *c) {
    char num[I18N_NUM_MAX];
    long long top = 0;
    for (size_t i = 0; i < c->n; i++)
        if (!c->bars[i].note && c->bars[i].value > top) top = c->bars[i].value;
    int height = (int)(c->n ? c->n : 1) * BAR_ROW + 8;
    double room = BAR_W - BAR_LABEL - BAR_VALUE;
    html_printf(b, "<figure class=\"chart\">\n<figcaption id=\"%A-caption\">%T</figcaption>\n",
                c->id, c->title);
    chart_svg_begin(b, c->id, BAR_W, height, c->title, c->desc);
    html_printf(b, "<g class=\"bars\" aria-hidden=\"true\">\n");
    for (size_t i = 0; i < c->n; i++) {
        const chart_bar *k = &c->bars[i];
        int y = (int)i * BAR_ROW + 4;
        double w = k->note || top <= 0 ? 0 : room * (double)k->value / (double)top;
        html_printf(b, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%T</text>\n",
                    BAR_LABEL - 8, y + 18, k->label);
        if (w > 0)
            html_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n", BAR_LABEL,
                        y + 4, w, BAR_ROW - 8);
        html_printf(b, "<text class=\"value\" x=\"%.1f\" y=\"%d\">%T</text>\n",
                    BAR_LABEL + w + 6, y + 18,
                    k->note ? k->note : i18n_format_int(L, k->value, num, sizeof num));
    }
    html_printf(b, "</g>\n");
    chart_svg_end(b);
    html_printf(b, "<details><summary>%T</summary>\n<table>\n<caption>%T</caption>\n"
                   "<thead><tr><th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "</tr></thead>\n<tbody>\n",
                T(L, "Show the numbers"), c->title, c->x_heading, c->y_heading);
    for (size_t i = 0; i < c->n; i++)
        html_printf(b, "<tr><th scope=\"row\">%T</th><td class=\"num\">%T</td></tr>\n",
                    c->bars[i].label,
                    c->bars[i].note ? c->bars[i].note
                                    : i18n_format_int(L, c->bars[i].value, num, sizeof num));
    html_printf(b, "</tbody>\n</table>\n</details>\n</figure>\n");
}
