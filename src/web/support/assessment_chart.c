/*
** web/support/assessment_chart.c — how each life domain's need moved
** between a case's assessments: small multiples, one row per domain that
** was ever rated (its name as text, a small SVG with a dot per assessment
** on the 0..3 scale, act-now at the top, and "first -> latest" in
** figures), then the same ratings as a table (see assessment_web.h).
** The names stay HTML text, so a phone wraps them instead of shrinking
** them inside the picture.
*/
#include "web/support/assessment_web.h"
#include "web/chart.h"
#include "web/html.h"
#include <stdio.h>

#define MOVE_W 200   /* the viewBox of one row's picture */
#define MOVE_H 48
#define MOVE_M 8     /* inset of the dots */

/* The x of assessment i of n. */
static double move_x(size_t i, size_t n) {
    double w = MOVE_W - 2 * MOVE_M;
    return n <= 1 ? MOVE_W / 2.0 : MOVE_M + w * (double)i / (double)(n - 1);
}

/* The y of rating r (3 at the top). */
static double move_y(int r) {
    return MOVE_M + (MOVE_H - 2 * MOVE_M) * (double)(SUPPORT_ASSESSMENT_RATING_MAX - r) /
                        SUPPORT_ASSESSMENT_RATING_MAX;
}

/* One sentence saying domain k's ratings in order, into out (plain text). */
static void move_desc(buf *out, const i18n_lang *L, const support_assessment *rows, size_t n,
                      int k) {
    char day[I18N_DATE_MAX];
    for (size_t i = 0; i < n; i++) {
        int r = rows[i].domains[k].need;
        buf_printf(out, "%s%s: %s", i ? "; " : "",   /* not HTML: plain text, escaped later */
                   i18n_format_date(L, rows[i].assessed_on, day, sizeof day),
                   assessment_rating_name(L, r));
    }
}

/* The row of domain k. */
static void move_row(buf *b, const i18n_lang *L, const support_assessment *rows, size_t n,
                     int k) {
    buf desc = BUF_INIT, id = BUF_INIT;   /* not HTML: text for chart_svg_begin */
    move_desc(&desc, L, rows, n, k);
    buf_printf(&id, "move-%s", support_domain_code(k));   /* not HTML: a constant id */
    html_printf(b, "<li><span class=\"domain\">%T</span>\n", T(L, support_domain_name(k)));
    chart_svg_begin(b, buf_cstr(&id), MOVE_W, MOVE_H, T(L, support_domain_name(k)),
                    buf_cstr(&desc));
    html_printf(b, "<g class=\"levels\" aria-hidden=\"true\">\n");
    for (int r = 0; r <= SUPPORT_ASSESSMENT_RATING_MAX; r++)
        html_printf(b, "<line x1=\"0\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n", MOVE_W, move_y(r),
                    move_y(r));
    html_printf(b, "</g>\n<g class=\"move\" aria-hidden=\"true\">\n<polyline points=\"");
    for (size_t i = 0; i < n; i++)   /* a domain not rated at one assessment is skipped */
        if (rows[i].domains[k].need >= 0)
            html_printf(b, "%.1f,%.1f ", move_x(i, n), move_y(rows[i].domains[k].need));
    html_printf(b, "\"/>\n");
    int first = -1, last = -1;
    for (size_t i = 0; i < n; i++) {
        int r = rows[i].domains[k].need;
        if (r < 0) continue;
        if (first < 0) first = r;
        last = r;
        html_printf(b, "<circle class=\"n%d\" cx=\"%.1f\" cy=\"%.1f\" r=\"%d\"/>\n", r,
                    move_x(i, n), move_y(r), i + 1 == n ? 6 : 4);
    }
    html_printf(b, "</g>\n");
    chart_svg_end(b);
    if (rows[n - 1].domains[k].need < 0)
        html_printf(b, "<span class=\"moved\" dir=\"ltr\">%d \xE2\x86\x92 \xE2\x80\x93</span></li>\n", first);
    else if (n > 1)
        html_printf(b, "<span class=\"moved\" dir=\"ltr\">%d \xE2\x86\x92 %d</span></li>\n", first, last);
    else
        html_printf(b, "<span class=\"moved\" dir=\"ltr\">%d</span></li>\n", last);
    buf_free(&desc);
    buf_free(&id);
}

/* The ratings as a table: a row per domain, a column per assessment. */
static void move_table(buf *b, const i18n_lang *L, const support_assessment *rows, size_t n,
                       const int *rated) {
    char day[I18N_DATE_MAX];
    html_printf(b, "<details>\n<summary>%T</summary>\n<div class=\"scroll\"><table>\n"
                   "<caption>%T</caption>\n<thead><tr><th scope=\"col\">%T</th>",
                T(L, "The ratings as a table"),
                T(L, "The key worker's rating of each life domain at each assessment"),
                T(L, "Life domain"));
    for (size_t i = 0; i < n; i++)
        html_printf(b, "<th scope=\"col\">%T</th>",
                    i18n_format_date(L, rows[i].assessed_on, day, sizeof day));
    html_printf(b, "</tr></thead>\n<tbody>\n");
    for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++) {
        if (!rated[k]) continue;
        html_printf(b, "<tr><th scope=\"row\">%T</th>", T(L, support_domain_name(k)));
        for (size_t i = 0; i < n; i++) {
            int r = rows[i].domains[k].need;
            if (r < 0) html_printf(b, "<td>%T</td>", assessment_rating_name(L, r));
            else html_printf(b, "<td>%d %T</td>", r, assessment_rating_name(L, r));
        }
        html_printf(b, "</tr>\n");
    }
    html_printf(b, "</tbody></table></div>\n</details>\n");
}

/* The chart (see assessment_web.h). */
void assessment_chart_write(buf *b, const i18n_lang *L, const support_assessment *rows,
                            size_t n) {
    if (!n) return;
    int rated[SUPPORT_DOMAIN_COUNT] = {0}, any = 0;
    for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++)
        for (size_t i = 0; i < n; i++)
            if (rows[i].domains[k].need >= 0) rated[k] = any = 1;
    if (!any) return;
    char d1[I18N_DATE_MAX], d2[I18N_DATE_MAX], count[I18N_NUM_MAX];
    html_printf(b, "<figure class=\"chart need-moves\" aria-labelledby=\"moves-caption\">\n"
                   "<figcaption id=\"moves-caption\">");
    if (n > 1)
        html_printf(b, T(L, "How each need moved over %T assessments, from %T to %T "
                            "(the larger dot is the latest; 3 act now at the top, 0 no need "
                            "at the bottom)"),
                    i18n_format_int(L, (long long)n, count, sizeof count), i18n_format_date(L, rows[0].assessed_on, d1, sizeof d1),
                    i18n_format_date(L, rows[n - 1].assessed_on, d2, sizeof d2));
    else
        html_printf(b, "%T", T(L, "The needs at the first assessment (3 act now at the top, 0 no "
                                  "need at the bottom); the next assessment shows how they move"));
    html_printf(b, "</figcaption>\n<ul class=\"need-moves\">\n");
    for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++)
        if (rated[k]) move_row(b, L, rows, n, k);
    html_printf(b, "</ul>\n");
    move_table(b, L, rows, n, rated);
    html_printf(b, "</figure>\n");
}
