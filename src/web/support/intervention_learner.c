/*
** web/support/intervention_learner.c — the learner page's "Interventions"
** section and its JSON twin (GET /api/v1/learners/{id}/interventions);
** rules in web/support/intervention_web.h.
*/
#include "web/support/intervention_learner.h"
#include "base/date.h"
#include "base/mem.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/support/intervention_web.h"
#include "gen/pages.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A learner's participations and their effects, as read for a viewer. */
typedef struct learner_iv {
    intervention_run         *runs;
    intervention_participant *parts;
    intervention_effect      *effect;   /* one per participation */
    size_t                    n;
} learner_iv;

/* Read learner_id's participations and each one's effect into *out (freed
** with the request).  0 or -1. */
static int learner_iv_read(web_ctx *c, int64_t learner_id, learner_iv *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    int64_t inst = c->who->institution_id;
    if (intervention_learner_runs(c->st, inst, learner_id, &out->runs, &out->parts, &out->n,
                                  err) < 0)
        return -1;
    page_keep(c, out->runs);
    page_keep(c, out->parts);
    out->effect = page_keep(c, xcalloc(out->n ? out->n : 1, sizeof *out->effect));
    for (size_t i = 0; i < out->n; i++) {
        intervention_effect *e = NULL;
        if (!iv_participant_visible(c->who, &out->runs[i], &out->parts[i])) continue;
        if (intervention_effect_read(c->st, inst, &out->parts[i], 1, out->runs[i].duration_weeks,
                                     date_today(), &e, err) < 0)
            return -1;
        out->effect[i] = e[0];
        free(e);
    }
    return 0;
}

/* The Interventions section (see intervention_learner.h). */
int support_learner_interventions(web_ctx *c, const learner_view *v, const char *title,
                                  cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    learner_iv iv;
    if (learner_iv_read(c, v->id, &iv, err) < 0) return -1;
    char num[I18N_NUM_MAX], held[I18N_NUM_MAX], d[I18N_DATE_MAX], a[I18N_NUM_MAX],
        z[I18N_NUM_MAX];
    html_printf(b, "<section aria-labelledby=\"h-interventions\">\n"
                   "<h2 id=\"h-interventions\">%T</h2>\n", title);
    if (iv_may_start_run(c->who) && v->info)
        html_printf(b, "<p><a href=\"/interventions?learner=%U\">%T</a></p>\n", v->info->ref,
                    T(L, "Start an intervention for this learner"));
    size_t shown = 0;
    for (size_t i = 0; i < iv.n; i++)
        shown += (size_t)iv_participant_visible(c->who, &iv.runs[i], &iv.parts[i]);
    if (shown == 0) {
        if (iv.n && iv_is_leader(c->who)) {
            html_printf(b, "<p>");
            html_printf(b, TN(L, "Takes part in %T intervention; its details are for the "
                                 "deliverer, the key worker and the case team.",
                              "Takes part in %T interventions; their details are for the "
                              "deliverers, the key worker and the case team.", iv.n),
                        i18n_format_int(L, (long long)iv.n, num, sizeof num));
            html_printf(b, "</p>\n</section>\n");
        } else {
            html_printf(b, "<p>%T</p>\n</section>\n",
                        T(L, "No intervention that you deliver or follow as key worker."));
        }
        return 0;
    }
    html_printf(b, "<table>\n<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\" class=\"num\">%T</th><th scope=\"col\">%T</th></tr></thead>\n"
                   "<tbody>\n",
                T(L, "Intervention"), T(L, "Joined"), T(L, "Sessions attended"),
                T(L, "Before and after"));
    for (size_t i = 0; i < iv.n; i++) {
        const intervention_run *r = &iv.runs[i];
        const intervention_participant *p = &iv.parts[i];
        if (!iv_participant_visible(c->who, r, p)) continue;
        const intervention_effect *e = &iv.effect[i];
        html_printf(b, "<tr><th scope=\"row\"><a href=\"/intervention-runs/%lld\">%T</a> "
                       "<span class=\"muted\">(%T)</span></th><td>%T</td><td class=\"num\">",
                    (long long)r->id, r->intervention_name, iv_tier_name(L, r->tier),
                    i18n_format_date(L, p->joined, d, sizeof d));
        html_printf(b, T(L, "%T of %T"), i18n_format_int(L, p->attended, num, sizeof num),
                    i18n_format_int(L, r->sessions, held, sizeof held));
        html_printf(b, "</td><td>");
        if (!e->measurable) {
            html_printf(b, "%T", T(L, "Read after its last day."));
        } else {
            html_printf(b, "<ul class=\"plain\">");
            for (int k = 0; k < IE_COUNT; k++)
                html_printf(b, "<li>%T: %T \xE2\x86\x92 %T</li>", iv_effect_name(L, k, r->duration_weeks),
                            i18n_format_number(L, e->before[k], k == IE_ENGAGEMENT ? 0 : 1, a, sizeof a),
                            i18n_format_number(L, e->after[k], k == IE_ENGAGEMENT ? 0 : 1, z, sizeof z));
            html_printf(b, "</ul>");
        }
        html_printf(b, "</td></tr>\n");
    }
    html_printf(b, "</tbody>\n</table>\n</section>\n");
    return 0;
}

/*
** WEBPAGE: GET /api/v1/learners/{id}/interventions
** ACCESS:  staff
** BODY:    none
**
** The learner's interventions the viewer may see (as the page's section):
** {"interventions": [...], "total": N for leaders (else null)}.  403 for a
** learner the viewer may not see.
*/
void api_learner_interventions(web_ctx *c) {
    cairn_err err = {0};
    int may = access_can_view_learner(c->who, c->id, &err);
    if (may < 0) { api_fail(c, "learner access", err.msg); return; }
    if (!may) { api_refuse(c, "You may not see this learner's record."); return; }
    learner_iv iv;
    if (learner_iv_read(c, c->id, &iv, &err) < 0) {
        api_fail(c, "learner interventions", err.msg);
        return;
    }
    static const char *const codes[IE_COUNT] = {"attendance", "results", "engagement"};
    json_t *list = json_array();
    for (size_t i = 0; i < iv.n; i++) {
        if (!iv_participant_visible(c->who, &iv.runs[i], &iv.parts[i])) continue;
        const intervention_effect *e = &iv.effect[i];
        json_t *ind = json_object();
        for (int k = 0; k < IE_COUNT; k++)
            json_object_set_new(ind, codes[k], json_pack("{s:o,s:o}",
                "before", e->measurable && !isnan(e->before[k]) ? json_real(e->before[k]) : json_null(),
                "after", e->measurable && !isnan(e->after[k]) ? json_real(e->after[k]) : json_null()));
        json_t *r = iv_run_json(&iv.runs[i]);
        json_object_del(r, "participants");
        json_object_set_new(r, "joined", api_json_day(iv.parts[i].joined));
        json_object_set_new(r, "sessions_attended", json_integer(iv.parts[i].attended));
        json_object_set_new(r, "measurable", json_boolean(e->measurable));
        json_object_set_new(r, "indicators", ind);
        json_array_append_new(list, r);
    }
    api_reply(c, 200, json_pack("{s:o,s:o}", "interventions", list, "total",
                                iv_is_leader(c->who) ? json_integer((json_int_t)iv.n) : json_null()));
}
