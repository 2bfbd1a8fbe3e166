/*
** web/support/case_interventions.c — the case page's list of the learner's
** interventions (support/intervention.h): name (a link to the run), tier,
** sessions attended of those held since joining, the planned duration, and
** whether the run is still going.  Only the participations the viewer may
** see (iv_participant_visible: the case's key worker and team through the
** case the learner joined with, the learner's key worker, the deliverer).
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "support/intervention.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/support/intervention_web.h"
#include <stdlib.h>

/* The learner's interventions on the case page (see case_view.h). */
int case_interventions_part(web_ctx *c, const support_case_detail *d, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    intervention_run *runs = NULL;
    intervention_participant *parts = NULL;
    size_t n = 0;
    if (intervention_learner_runs(c->st, c->who->institution_id, d->c.learner_id, &runs, &parts,
                                  &n, err) < 0)
        return -1;
    page_keep(c, runs);
    page_keep(c, parts);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) shown += (size_t)iv_participant_visible(c->who, &runs[i], &parts[i]);
    html_printf(b, "<section aria-labelledby=\"h-case-iv\">\n<h2 id=\"h-case-iv\">%T</h2>\n",
                T(L, "Interventions"));
    if (!shown) {
        html_printf(b, "<p class=\"muted\">%T</p>\n</section>\n",
                    T(L, "The learner takes part in no intervention you may see."));
        return 0;
    }
    char num[I18N_NUM_MAX], held[I18N_NUM_MAX], weeks[I18N_NUM_MAX];
    int32_t today = date_today();
    html_printf(b, "<table class=\"case-interventions\">\n<thead><tr><th scope=\"col\">%T</th>"
                   "<th scope=\"col\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "<th scope=\"col\">%T</th></tr></thead>\n<tbody>\n",
                T(L, "Intervention"), T(L, "Tier"), T(L, "Sessions attended"), T(L, "State"));
    for (size_t i = 0; i < n; i++) {
        const intervention_run *r = &runs[i];
        const intervention_participant *p = &parts[i];
        if (!iv_participant_visible(c->who, r, p)) continue;
        int going = today < r->start + 7 * r->duration_weeks;
        /* data-label: the column's name, shown before the value when the
        ** table is stacked on a phone (cairn.css) */
        html_printf(b, "<tr><th scope=\"row\"><a href=\"/intervention-runs/%lld\">%T</a></th>"
                       "<td data-label=\"%A\">%T</td><td class=\"num\" data-label=\"%A\">",
                    (long long)r->id, r->intervention_name, T(L, "Tier"), iv_tier_name(L, r->tier),
                    T(L, "Sessions attended"));
        html_printf(b, T(L, "%T of %T"), i18n_format_int(L, p->attended, num, sizeof num),
                    i18n_format_int(L, r->sessions, held, sizeof held));
        html_printf(b, " <span class=\"muted\">");
        html_printf(b, T(L, "(planned: %T weeks)"),
                    i18n_format_int(L, r->duration_weeks, weeks, sizeof weeks));
        html_printf(b, "</span></td><td data-state=\"%A\" data-label=\"%A\">%T</td></tr>\n",
                    going ? "running" : "ended", T(L, "State"),
                    going ? T(L, "Running") : T(L, "Ended"));
    }
    html_printf(b, "</tbody>\n</table>\n</section>\n");
    return 0;
}
