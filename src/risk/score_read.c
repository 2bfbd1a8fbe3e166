/*
** risk/score_read.c — a score run's summary as JSON, and a learner's
** stored scores over time (see risk.h).  Split from risk/score.c, which
** keeps the run itself.
*/
#include "risk/risk.h"
#include "base/date.h"
#include "base/mem.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADVICE "signs for a person to look at, never a decision"

/* JSON for a number that may be unknown (null). */
static json_t *json_maybe(double v) {
    if (isnan(v) || isinf(v)) return json_null();
    if (v == rint(v) && fabs(v) < 1e15) return json_integer((json_int_t)v);
    return json_real(v);
}

/* Release the summary's top list. */
void risk_score_summary_free(risk_score_summary *s) {
    free(s->top);
    s->top = NULL;
    s->ntop = 0;
}

/* The summary as JSON, appended to out. */
void risk_score_summary_json(const risk_score_summary *s, buf *out) {
    char d[DATE_TEXT_LEN];
    date_format(s->asof, d);
    json_t *o = json_object();
    json_object_set_new(o, "asof", json_string(d));
    json_object_set_new(o, "rule_set_version", json_integer(s->rule_set_version));
    json_object_set_new(o, "model_version", json_integer(s->model_version));
    json_object_set_new(o, "advice", json_string(ADVICE));
    json_object_set_new(o, "learners", json_integer((json_int_t)s->learners));
    json_object_set_new(o, "computed", json_integer((json_int_t)s->computed));
    json_object_set_new(o, "written", json_integer((json_int_t)s->written));
    json_object_set_new(o, "unchanged", json_integer((json_int_t)s->unchanged));
    json_object_set_new(o, "removed", json_integer((json_int_t)s->removed));
    json_object_set_new(o, "same_as_before", json_integer((json_int_t)s->same_as_before));
    json_object_set_new(o, "flagged", json_integer((json_int_t)s->flagged));
    json_t *tiers = json_object();
    for (int t = 0; t < RISK_TIER_COUNT; t++)
        json_object_set_new(tiers, risk_tier_name((risk_tier)t), json_integer((json_int_t)s->tier_count[t]));
    json_object_set_new(o, "tiers", tiers);
    json_t *flags = json_object();
    for (int r = 0; r < RISK_RULE_COUNT; r++)
        json_object_set_new(flags, risk_rule_info_of((risk_rule_id)r)->code,
                            json_integer((json_int_t)s->flag_count[r]));
    json_object_set_new(o, "flags", flags);
    json_t *top = json_array();
    for (size_t i = 0; i < s->ntop; i++) {
        const risk_score_top *t = &s->top[i];
        json_t *it = json_object();
        json_object_set_new(it, "learner_id", json_integer(t->learner_id));
        json_object_set_new(it, "ref", json_string(t->ref));
        json_object_set_new(it, "name", json_string(t->name));
        json_object_set_new(it, "tier", json_string(risk_tier_name(t->tier)));
        json_object_set_new(it, "probability", json_maybe(t->probability));
        json_t *rs = json_array();
        for (size_t k = 0; k < t->nflags; k++) {
            json_t *r = json_object();
            json_object_set_new(r, "code", json_string(t->flags[k].code));
            json_object_set_new(r, "text", json_string(t->flags[k].reason));
            json_array_append_new(rs, r);
        }
        json_object_set_new(it, "reasons", rs);
        json_t *mr = json_array();
        for (size_t k = 0; k < t->nmodel; k++) json_array_append_new(mr, json_string(t->model_reason[k]));
        json_object_set_new(it, "model_reasons", mr);
        json_array_append_new(top, it);
    }
    json_object_set_new(o, "top", top);
    char *str = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (!str) abort();   /* only when out of memory */
    buf_puts(out, str);
    free(str);
}

/* ---- history ------------------------------------------------------------------------- */

/* Every stored score of one learner, oldest first; *out malloc'd, caller
** frees. */
int risk_score_history(store *st, int64_t inst, int64_t learner_id, risk_score_point **out,
                       size_t *n, cairn_err *err) {
    *out = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT asof, enrolment_id, rule_set_version, model_version, probability, tier, flags"
        " FROM risk_score WHERE institution_id = ? AND learner_id = ? ORDER BY asof", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_int64(s, 2, learner_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        risk_score_point *p = &(*out)[*n];
        memset(p, 0, sizeof *p);
        const char *d = store_col_text(s, 0);
        if (!d || date_parse(d, strlen(d), &p->asof) < 0) {
            rc = err_set(err, CAIRN_EDB, "a stored score of learner %lld has a bad date \"%s\"",
                         (long long)learner_id, d ? d : "");
            break;
        }
        p->enrolment_id = store_col_int64(s, 1);
        p->rule_set_version = (int)store_col_int64(s, 2);
        p->model_version = (int)store_col_int64(s, 3);
        p->probability = store_col_is_null(s, 4) ? NAN : store_col_double(s, 4);
        p->tier = (risk_tier)store_col_int64(s, 5);
        const char *fl = store_col_text(s, 6);
        snprintf(p->flags, sizeof p->flags, "%s", fl ? fl : "[]");
        json_t *a = json_loads(p->flags, 0, NULL);
        p->nflags = json_is_array(a) ? (int)json_array_size(a) : 0;
        json_decref(a);
        (*n)++;
    }
    store_finalize(s);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}
