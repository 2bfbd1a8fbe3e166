/*
** support/intervention_effect.c — participants' indicators before and after
** an intervention, and their suppressed averages (see
** support/intervention_effect.h).
*/
#include "support/intervention_effect.h"
#include "base/mem.h"
#include "base/suppress.h"
#include "risk/metrics.h"
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The indicator for an intervention's duration (see intervention_effect.h). */
risk_feature intervention_effect_feature(int indicator, int duration_weeks) {
    switch (indicator) {
    case IE_ATTENDANCE:
        return duration_weeks <= 3 ? RF_ATT_RATE_2W
             : duration_weeks <= 7 ? RF_ATT_RATE_4W : RF_ATT_RATE_8W;
    case IE_RESULTS: return RF_SCORE_AVG_TERM;
    default: return RF_LMS_ACTIVE_4W;
    }
}

/* Its name with the window (see intervention_effect.h). */
const char *intervention_effect_name(int indicator, int duration_weeks) {
    switch (intervention_effect_feature(indicator, duration_weeks)) {
    case RF_ATT_RATE_2W: return "Attendance rate, last 2 weeks";
    case RF_ATT_RATE_4W: return "Attendance rate, last 4 weeks";
    case RF_ATT_RATE_8W: return "Attendance rate, last 8 weeks";
    case RF_SCORE_AVG_TERM: return "Average score this term";
    default: return "Days active on the learning platform, last 4 weeks";
    }
}

/* Read the effect rows (see intervention_effect.h).  Two targets per
** measurable participant go to the risk room in one call. */
int intervention_effect_read(store *st, int64_t institution_id,
                             const intervention_participant *parts, size_t n,
                             int duration_weeks, int32_t today, intervention_effect **out,
                             cairn_err *err) {
    *out = NULL;
    if (n == 0) return 0;
    intervention_effect *rows = xcalloc(n, sizeof *rows);
    risk_target *t = xcalloc(2 * n, sizeof *t);
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) {
        intervention_effect *e = &rows[i];
        e->participation_id = parts[i].id;
        e->learner_id = parts[i].learner_id;
        e->before_asof = parts[i].joined - 1;
        e->after_asof = parts[i].joined + 7 * duration_weeks - 1;
        e->measurable = e->after_asof <= today;
        for (int k = 0; k < IE_COUNT; k++) e->before[k] = e->after[k] = NAN;
        if (!e->measurable) continue;
        for (int side = 0; side < 2; side++) {
            risk_target *x = &t[nt++];
            x->learner_id = parts[i].learner_id;
            x->asof = side ? e->after_asof : e->before_asof;
            x->start = x->asof;
        }
    }
    risk_features *f = NULL;
    if (nt && risk_features_compute(st, institution_id, t, nt, &f, err) < 0) {
        free(t);
        free(rows);
        return -1;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        intervention_effect *e = &rows[i];
        if (!e->measurable) continue;
        for (int k = 0; k < IE_COUNT; k++) {
            risk_feature rf = intervention_effect_feature(k, duration_weeks);
            e->before[k] = f[j].v[rf];
            e->after[k] = f[j + 1].v[rf];
        }
        j += 2;
    }
    free(f);
    free(t);
    *out = rows;
    return 0;
}

/* Average and suppress (see intervention_effect.h).  Cells: 0 participants,
** 1..IE_COUNT measured per indicator, then IE_COUNT "not measured". */
void intervention_effect_summarise(const intervention_effect *rows, size_t n,
                                   long long min_cell, intervention_effect_summary *out) {
    assert(min_cell >= 1);
    memset(out, 0, sizeof *out);
    out->min_cell = min_cell;
    double sum[IE_COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].measurable) {
            out->pending++;
            continue;
        }
        out->participants++;
        for (int k = 0; k < IE_COUNT; k++) {
            if (isnan(rows[i].before[k]) || isnan(rows[i].after[k])) continue;
            out->measured[k]++;
            sum[k] += rows[i].after[k] - rows[i].before[k];
        }
    }
    enum { NCELLS = 1 + 2 * IE_COUNT };
    long long value[NCELLS];
    unsigned char state[NCELLS];
    size_t parts[IE_COUNT][2];
    suppress_line line[IE_COUNT];
    value[0] = out->participants;
    state[0] = SUPPRESS_SHOWN;
    for (int k = 0; k < IE_COUNT; k++) {
        out->mean_change[k] = out->measured[k] ? sum[k] / (double)out->measured[k] : NAN;
        value[1 + k] = out->measured[k];
        state[1 + k] = SUPPRESS_SHOWN;
        value[1 + IE_COUNT + k] = out->participants - out->measured[k];
        state[1 + IE_COUNT + k] = SUPPRESS_UNPUBLISHED;
        parts[k][0] = (size_t)(1 + k);
        parts[k][1] = (size_t)(1 + IE_COUNT + k);
        line[k].total = 0;
        line[k].nparts = 2;
        line[k].parts = parts[k];
    }
    suppress_table t = {NCELLS, value, state, IE_COUNT, line};
    suppress_table_apply(&t, min_cell);
    out->participants_state = state[0];
    for (int k = 0; k < IE_COUNT; k++) out->state[k] = state[1 + k];
}

/* Every participant of every run of an intervention (see
** intervention_effect.h). */
int intervention_effect_of(store *st, int64_t institution_id, int64_t intervention_id,
                           int32_t today, intervention_effect_summary *out, cairn_err *err) {
    intervention e;
    int found = intervention_get(st, institution_id, intervention_id, &e, err);
    if (found < 0) return -1;
    if (!found) return err_set(err, CAIRN_ENOTFOUND, "there is no intervention %lld",
                               (long long)intervention_id);
    intervention_run *runs = NULL;
    size_t nr = 0;
    if (intervention_runs_of(st, institution_id, intervention_id, &runs, &nr, err) < 0) return -1;
    intervention_participant *all = NULL;
    size_t n = 0, cap = 0;
    for (size_t r = 0; r < nr; r++) {
        intervention_participant *p = NULL;
        size_t np = 0;
        if (intervention_participants(st, institution_id, runs[r].id, &p, &np, err) < 0) {
            free(all);
            free(runs);
            return -1;
        }
        if (n + np > cap) {
            cap = (n + np) * 2;
            all = xrealloc(all, cap * sizeof *all);
        }
        if (np) memcpy(all + n, p, np * sizeof *p);
        n += np;
        free(p);
    }
    free(runs);
    intervention_effect *rows = NULL;
    int rc = intervention_effect_read(st, institution_id, all, n, e.duration_weeks, today, &rows,
                                      err);
    if (rc == 0) intervention_effect_summarise(rows, n, METRIC_MIN_CELL, out);
    free(rows);
    free(all);
    return rc;
}
