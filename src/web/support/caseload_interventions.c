/*
** web/support/caseload_interventions.c — the leader's figures on
** interventions (see caseload_view.h): the participants of each tier as a
** one-way table with its total through base/suppress.h, and each
** intervention's measured effect (support/intervention_effect.c, which
** suppresses its own cells).  Counts and averages only, never a learner.
*/
#include "web/support/caseload_view.h"
#include "web/support/intervention_web.h"
#include "base/date.h"
#include "base/mem.h"
#include "base/suppress.h"
#include "risk/metrics.h"
#include "web/chart.h"
#include "web/html.h"
#include <math.h>
#include <string.h>

/* The index of tier code among intervention_tiers, or -1. */
static int tier_index(const char *code) {
    for (int t = 0; t < INTERVENTION_TIERS; t++)
        if (!strcmp(intervention_tiers[t].code, code)) return t;
    return -1;
}

/* Read the figures (see caseload_view.h). */
int caseload_interventions_read(web_ctx *c, caseload_interventions *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    int64_t inst = c->who->institution_id;
    if (intervention_list(c->st, inst, &out->rows, &out->n, err) < 0) return -1;
    page_keep(c, out->rows);
    out->sum = page_keep(c, xcalloc(out->n + 1, sizeof *out->sum));
    for (size_t i = 0; i < out->n; i++) {
        int t = tier_index(out->rows[i].tier);
        if (t >= 0) out->by_tier[t] += out->rows[i].participants;
        out->total += out->rows[i].participants;
        if (out->rows[i].participants &&
            intervention_effect_of(c->st, inst, out->rows[i].id, date_today(), &out->sum[i],
                                   err) < 0)
            return -1;
    }
    suppress_one_way(out->by_tier, INTERVENTION_TIERS, out->total, METRIC_MIN_CELL,
                     out->tier_state);
    return 0;
}

/* One intervention's rows: one per indicator, its name spanning them. */
static void effect_rows(buf *b, const i18n_lang *L, const intervention *e,
                        const intervention_effect_summary *s) {
    char num[I18N_NUM_MAX], m[I18N_NUM_MAX];
    for (int k = 0; k < IE_COUNT; k++) {
        html_printf(b, "<tr>");
        if (!k)
            html_printf(b, "<th scope=\"rowgroup\" rowspan=\"%d\"><a href=\"/interventions/%lld\">"
                           "%T</a><br><span class=\"muted\">%T</span></th>",
                        IE_COUNT, (long long)e->id, e->name, iv_tier_name(L, e->tier));
        html_printf(b, "<th scope=\"row\">%T</th>", iv_effect_name(L, k, e->duration_weeks));
        if (suppress_withheld(s->state[k]) || isnan(s->mean_change[k])) {
            html_printf(b, "<td class=\"withheld\" colspan=\"2\">%T</td></tr>\n",
                        T(L, "withheld"));
            continue;
        }
        i18n_format_number(L, s->mean_change[k], 1, m, sizeof m);
        html_printf(b, "<td class=\"num\">%T</td><td class=\"num\">%T%T</td></tr>\n",
                    i18n_format_int(L, s->measured[k], num, sizeof num),
                    s->mean_change[k] > 0.05 ? "+" : "", m);
    }
}

/* The section (see caseload_view.h). */
void caseload_interventions_html(buf *b, const i18n_lang *L, const caseload_interventions *v) {
    html_printf(b, "<h2 id=\"h-interventions\">%T</h2>\n",
                T(L, "Interventions by tier and their measured effect"));
    chart_bar bars[INTERVENTION_TIERS];
    for (int t = 0; t < INTERVENTION_TIERS; t++) {
        bars[t].label = T(L, intervention_tiers[t].name);
        bars[t].value = v->by_tier[t];
        bars[t].note = suppress_withheld(v->tier_state[t]) ? T(L, "withheld") : NULL;
    }
    chart_bars tiers = {"tiers", T(L, "Participants by tier"),
                        T(L, "How many took part in the interventions of each tier."),
                        T(L, "Tier"), T(L, "Participants"), bars, INTERVENTION_TIERS};
    chart_bars_write(b, L, &tiers);
    size_t shown = 0;
    for (size_t i = 0; i < v->n; i++) shown += v->rows[i].participants > 0;
    if (!shown) {
        html_printf(b, "<p class=\"notice\">%T</p>\n", T(L, "No intervention has run yet."));
        return;
    }
    html_printf(b, "<div class=\"scroll\"><table class=\"effects\">\n<caption>%T</caption>\n"
                   "<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\" class=\"num\">%T</th>"
                   "</tr></thead>\n",
                T(L, "Interventions by tier and their measured effect"), T(L, "Intervention"),
                T(L, "Indicator"), T(L, "Learners counted"), T(L, "Average change"));
    for (size_t i = 0; i < v->n; i++) {
        if (!v->rows[i].participants) continue;
        html_printf(b, "<tbody>\n");
        effect_rows(b, L, &v->rows[i], &v->sum[i]);
        html_printf(b, "</tbody>\n");
    }
    html_printf(b, "</table></div>\n<p class=\"muted\">%T</p>\n",
                T(L, "Each learner's own indicators the day before joining and on the last "
                     "day of the intervention; a change is after minus before. Learners "
                     "still in the intervention are not counted yet."));
}

/* The same as JSON (see caseload_view.h). */
json_t *caseload_interventions_json(const caseload_interventions *v) {
    json_t *tiers = json_array(), *list = json_array();
    for (int t = 0; t < INTERVENTION_TIERS; t++) {
        int hide = suppress_withheld(v->tier_state[t]);
        json_array_append_new(tiers, json_pack("{s:s,s:o,s:b}", "tier",
                                               intervention_tiers[t].code, "participants",
                                               hide ? json_null() : json_integer(v->by_tier[t]),
                                               "suppressed", hide));
    }
    for (size_t i = 0; i < v->n; i++) {
        if (!v->rows[i].participants) continue;
        json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:o}", "id",
                                              (json_int_t)v->rows[i].id, "name",
                                              v->rows[i].name, "tier", v->rows[i].tier,
                                              "effect", iv_effect_json(&v->sum[i],
                                                                       v->rows[i].duration_weeks)));
    }
    int hide = suppress_withheld(v->tier_state[INTERVENTION_TIERS]);
    return json_pack("{s:o,s:o,s:o}", "by_tier", tiers, "participants",
                     hide ? json_null() : json_integer(v->total), "interventions", list);
}
