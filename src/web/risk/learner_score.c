/*
** web/risk/learner_score.c — the risk room's sections of the learner page
** (web/school/learner.h): the current flags and why, and the risk over
** time as a chart.
*/
#include "web/risk/learner_score.h"
#include "web/chart.h"
#include "web/html.h"
#include "web/pages.h"
#include <math.h>
#include <stdlib.h>

/* The current flags and their explanation. */
int risk_learner_flags(web_ctx *c, const learner_view *v, const char *title, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    const risk_attention_row *sc = v->score;
    int have = v->have;
    (void)err;
    char d[I18N_DATE_MAX];
    html_printf(b, "<section aria-labelledby=\"h-flags\">\n<h2 id=\"h-flags\">%T</h2>\n",
                title);
    if (!have) {
        html_printf(b, "<p class=\"notice\">");
        html_printf(b, T(L, "No scores yet \xE2\x80\x94 run <code>cairn score</code>."));
        html_printf(b, "</p>\n</section>\n");
        return 0;
    }
    html_printf(b, "<p>");
    html_printf(b, T(L, "As of %T: %T."), i18n_format_date(L, sc->asof, d, sizeof d),
                page_tier_name(L, sc->tier));
    html_printf(b, "</p>\n");
    if (sc->nflags) {
        html_printf(b, "<p>");
        for (int i = 0; i < sc->nflags; i++)
            html_printf(b, "<span class=\"flag\">%T</span> ", page_flag_name(L, sc->flag_codes[i]));
        html_printf(b, "</p>\n");
    }
    if (sc->nreasons) {
        html_printf(b, "<ul class=\"reasons\">\n");
        for (int i = 0; i < sc->nreasons; i++) page_reason_li(b, L, sc, i);
        html_printf(b, "</ul>\n");
    } else {
        html_printf(b, "<p>%T</p>\n", T(L, "No flags: nothing stands out right now."));
    }
    html_printf(b, "<p class=\"muted\">%T</p>\n</section>\n",
                T(L, "Flags are signs for a person to look at, never a decision."));
    return 0;
}

/* Risk over time: the probability when a model gave one, else the number
** of flags. */
int risk_learner_history(web_ctx *c, const learner_view *v, const char *title, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    risk_score_point *h = NULL;
    size_t n = 0;
    if (risk_score_history(c->st, c->who->institution_id, v->id, &h, &n, err) != 0) return -1;
    page_keep(c, h);
    html_printf(b, "<section aria-labelledby=\"h-history\">\n<h2 id=\"h-history\">%T</h2>\n",
                title);
    if (n == 0) {
        html_printf(b, "<p>%T</p>\n</section>\n", T(L, "No scores yet."));
        return 0;
    }
    int prob = 0;
    for (size_t i = 0; i < n; i++) prob |= !isnan(h[i].probability);
    chart_point *pts = arena_zalloc(c->arena, n * sizeof *pts);
    char (*labels)[I18N_DATE_MAX] = arena_zalloc(c->arena, n * sizeof *labels);
    int maxf = 1;
    for (size_t i = 0; i < n; i++) {
        pts[i].label = i18n_format_date(L, h[i].asof, labels[i], sizeof labels[i]);
        pts[i].value = prob ? h[i].probability : (double)h[i].nflags;
        if (h[i].nflags > maxf) maxf = h[i].nflags;
    }
    chart_line ch = {0};
    ch.id = "risk";
    ch.x_heading = T(L, "Date");
    ch.points = pts;
    ch.n = n;
    if (prob) {
        ch.title = T(L, "Estimated risk of leaving early over time");
        ch.desc = T(L, "A line of the model's estimate on each date a score was made, from 0 to "
                      "100 per cent.");
        ch.y_heading = T(L, "Estimated risk");
        ch.y_min = 0;
        ch.y_max = 1;
        ch.format = CHART_PERCENT;
    } else {
        ch.title = T(L, "Number of flags over time");
        ch.desc = T(L, "A line of how many flags were raised on each date a score was made.");
        ch.y_heading = T(L, "Flags");
        ch.y_min = 0;
        ch.y_max = maxf < 4 ? 4 : maxf;
        ch.format = CHART_NUMBER;
    }
    chart_line_write(b, L, &ch);
    html_printf(b, "</section>\n");
    return 0;
}

