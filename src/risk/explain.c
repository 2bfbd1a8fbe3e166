/*
** risk/explain.c — the model's reasons as sentences a teacher can read.
**
** From one row of TreeSHAP contributions (log-odds, risk/model.h) the
** indicators that raised the estimate most, then one sentence each with the
** learner's value and the median of the learner's group (risk_peer_medians,
** shown only for groups with enough known values).  See risk/explain.h.
*/
#include "risk/explain.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pick the indicators that raised the estimate most; see explain.h. */
void risk_explain_pick(const double *contrib, const int *col_feature, size_t ncols,
                       const double *v, int max, risk_prediction *p) {
    double sum[RF_COUNT];
    for (int f = 0; f < RF_COUNT; f++) sum[f] = 0;
    for (size_t c = 0; c < ncols; c++) {
        int f = col_feature[c];
        if (f < 0 || f >= RF_COUNT || !isfinite(contrib[c])) continue;
        sum[f] += contrib[c];
    }
    if (max > RISK_MODEL_REASONS) max = RISK_MODEL_REASONS;
    p->nreasons = 0;
    for (int k = 0; k < max; k++) {
        int best = -1;
        for (int f = 0; f < RF_COUNT; f++) {
            if (isnan(v[f]) || !(sum[f] >= RISK_EXPLAIN_MIN)) continue;
            int taken = 0;
            for (int j = 0; j < p->nreasons; j++) taken |= (int)p->reason_feature[j] == f;
            if (taken) continue;
            if (best < 0 || sum[f] > sum[best]) best = f;
        }
        if (best < 0) break;
        p->reason_feature[p->nreasons] = (risk_feature)best;
        p->reason_contribution[p->nreasons] = sum[best];
        p->nreasons++;
    }
}

/* A number as people read it: whole without decimals, else one decimal,
** never "-0". */
static void explain_num(double v, char *out, size_t cap) {
    double r = round(v * 10) / 10;
    if (r == 0) r = 0;
    if (r == rint(r)) snprintf(out, cap, "%.0f", r);
    else snprintf(out, cap, "%.1f", r);
}

/* The value with its unit; see explain.h. */
void risk_explain_value(risk_feature f, double value, char *out, size_t cap) {
    const risk_feature_info *fi = risk_feature_info_of(f);
    char n[48];
    if (isnan(value)) {
        snprintf(out, cap, "not known");
        return;
    }
    explain_num(value, n, sizeof n);
    const char *unit = fi ? fi->unit : "";
    int one = strcmp(n, "1") == 0 || strcmp(n, "-1") == 0;
    if (strcmp(unit, "count") == 0 || !*unit) snprintf(out, cap, "%s", n);
    else if (strcmp(unit, "%") == 0 || strcmp(unit, "% of max") == 0) snprintf(out, cap, "%s %%", n);
    else if (one && strcmp(unit, "days") == 0) snprintf(out, cap, "%s day", n);
    else if (one && strcmp(unit, "weeks") == 0) snprintf(out, cap, "%s week", n);
    else if (one && strcmp(unit, "times") == 0) snprintf(out, cap, "%s time", n);
    else if (one && strcmp(unit, "minutes") == 0) snprintf(out, cap, "%s minute", n);
    else snprintf(out, cap, "%s %s", n, unit);
}

/* The sentence of one reason; see explain.h. */
void risk_explain_sentence(risk_feature f, double value, double peer, char *out, size_t cap) {
    const risk_feature_info *fi = risk_feature_info_of(f);
    char v[64], pv[64];
    if (!cap) return;
    risk_explain_value(f, value, v, sizeof v);
    if (isnan(peer)) {
        snprintf(out, cap, "%s: %s", fi ? fi->name : "?", v);
        return;
    }
    risk_explain_value(f, peer, pv, sizeof pv);
    snprintf(out, cap, "%s: %s — peers in the same group: %s", fi ? fi->name : "?", v, pv);
}

/* A JSON number, or null for NAN. */
static json_t *explain_jnum(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

/* The reasons as a JSON array; see explain.h. */
void risk_explain_json(const risk_prediction *p, const risk_features *f, const double *peer,
                       buf *out) {
    json_t *a = json_array();
    for (int i = 0; p && i < p->nreasons && i < RISK_MODEL_REASONS; i++) {
        risk_feature rf = p->reason_feature[i];
        const risk_feature_info *fi = risk_feature_info_of(rf);
        if (!fi) continue;
        double pm = peer ? peer[rf] : NAN;
        char text[RISK_REASON_MAX];
        risk_explain_sentence(rf, f->v[rf], pm, text, sizeof text);
        json_t *o = json_object();
        json_object_set_new(o, "indicator", json_string(fi->code));
        json_object_set_new(o, "value", explain_jnum(f->v[rf]));
        json_object_set_new(o, "peer", explain_jnum(pm));
        json_object_set_new(o, "contribution", explain_jnum(p->reason_contribution[i]));
        json_object_set_new(o, "text", json_string(text));
        json_array_append_new(a, o);
    }
    char *s = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(a);
    if (!s) abort();   /* only when out of memory */
    buf_puts(out, s);
    free(s);
}
