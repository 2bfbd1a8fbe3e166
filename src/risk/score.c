/*
** risk/score.c — scoring a school as of a date, and the history of scores.
**
** risk_score_run() takes every learner active on the date through
**
**   indicators (risk_features_asof)
**     -> peer medians per group (risk_peer_medians)
**     -> rules (risk_rules_eval_peers, the institution's latest rule set)
**     -> the learned model, when the institution has an active one
**        (risk_predict_active: THE CALL POINT, rules only until one is trained)
**     -> tiers (risk_tiers_assign)
**
** and writes one risk_score row per learner for that date in one write
** transaction (upsert on institution, learner, date: re-running a date
** replaces that day's rows, and rows of learners no longer active on it are
** removed).
**
** Incremental writes.  Each row carries input_hash, the SHA-256 of
** everything the row says: the learner's indicator values, the rule-set and
** model versions, the enrolment, and what they produced — probability,
** tier, flags and reasons (which also depend on the group's peers and, with
** a capacity, on other learners).  A row whose hash equals the one stored
** for that learner and date is not written and is counted as unchanged.  The
** indicators are still computed for everyone: what is saved is the write.
** A run on a new date writes every row (each is a new point in the history).
**
** A flag or tier is advice for a person to look at, never a decision; the
** reasons stored with each row say why.
*/
#include "risk/risk.h"
#include "risk/explain.h"
#include "risk/train.h"
#include "school/school.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/mem.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lock key serialising score runs of a database ("cairSCO"-ish). */
#define SCORE_LOCK_KEY 0x63616972534353LL

#define ADVICE "signs for a person to look at, never a decision"

/* ---- the learned model's call point --------------------------------------------- */

/* CALL POINT for the learned model: risk_train_predict_active (risk/train.h)
** reads the institution's risk_model row with active = 1 — answering "no
** model" (*model_version = 0, scores rules only) when there is none —
** predicts, calibrates, and fills out[i].probability and the indicators
** that raised it most, which reasons_json() below writes as sentences
** (risk_explain_sentence). */
int risk_predict_active(void *ctx, store *st, int64_t institution_id, const risk_features *rows,
                        size_t n, risk_prediction *out, int *model_version, cairn_err *err) {
    return risk_train_predict_active(ctx, st, institution_id, rows, n, out, model_version, err);
}

/* ---- per-learner work ---------------------------------------------------------------- */

/* One enrolment's outcome in a run. */
typedef struct scored {
    size_t   row;          /* index into the run's indicator rows */
    int64_t  learner_id;
    int64_t  enrolment_id;
    double   prob;         /* the model's estimate, NAN without one */
    int      keep;         /* 0: another enrolment of the learner carries the row */
    int      nflags, nserious;
    unsigned flagmask;     /* bit r set when rule r fired */
    risk_tier tier;
} scored;

/* A stored row's learner and hash. */
typedef struct stored_hash {
    int64_t learner_id;
    char    hash[CRYPTO_SHA256_HEX_LEN];
    int     seen;
} stored_hash;

/* JSON for a number that may be unknown (null). */
static json_t *json_maybe(double v) {
    if (isnan(v) || isinf(v)) return json_null();
    if (v == rint(v) && fabs(v) < 1e15) return json_integer((json_int_t)v);
    return json_real(v);
}

/* Dump j (stolen) as a malloc'd compact string; caller frees. */
static char *json_take(json_t *j) {
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(j);
    if (!s) abort();   /* only when out of memory */
    return s;
}

/* The learner's indicator values as a JSON object keyed by indicator code,
** null where unknown.  Caller frees. */
static char *features_json(const risk_features *f) {
    json_t *o = json_object();
    for (int k = 0; k < RF_COUNT; k++)
        json_object_set_new(o, risk_feature_info_of((risk_feature)k)->code, json_maybe(f->v[k]));
    return json_take(o);
}

/* The flag codes as a JSON array.  Caller frees. */
static char *flags_json(const risk_flag *fl, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(fl[i].code));
    return json_take(a);
}

/* 1 when the model's reason rf says something to a reader: an indicator
** with a direction (not one every learner has, such as weeks since
** starting), known, different from the group's median (peer, may be NULL),
** and not already said by one of the rule flags fl[0..nf) (one sentence per
** indicator: the rule's, with its threshold). */
static int model_reason_informs(const risk_features *f, const double *peer, const risk_flag *fl,
                                size_t nf, risk_feature rf) {
    const risk_feature_info *fi = risk_feature_info_of(rf);
    if (!fi || fi->direction == 0 || isnan(f->v[rf])) return 0;
    if (peer && !isnan(peer[rf]) && fabs(f->v[rf] - peer[rf]) < 1e-9) return 0;
    for (size_t k = 0; k < nf; k++)
        if (fl[k].feature == rf) return 0;
    return 1;
}

/* The reasons: the advice, then every flag with its sentence, then the
** indicators that raised the model's estimate most (risk/explain.h), with
** the group's medians peer (may be NULL).  Caller frees. */
static char *reasons_json(const risk_features *f, const double *peer, const risk_flag *fl,
                          size_t n, const risk_prediction *p) {
    json_t *o = json_object(), *items = json_array();
    json_object_set_new(o, "advice", json_string(ADVICE));
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_object();
        json_object_set_new(it, "kind", json_string("rule"));
        json_object_set_new(it, "code", json_string(fl[i].code));
        json_object_set_new(it, "indicator", json_string(risk_feature_info_of(fl[i].feature)->code));
        json_object_set_new(it, "value", json_maybe(fl[i].value));
        json_object_set_new(it, "threshold", json_maybe(fl[i].threshold));
        json_object_set_new(it, "peer", json_maybe(fl[i].peer));
        json_object_set_new(it, "text", json_string(fl[i].reason));
        json_array_append_new(items, it);
    }
    for (int i = 0; p && !isnan(p->probability) && i < p->nreasons && i < RISK_MODEL_REASONS; i++) {
        risk_feature rf = p->reason_feature[i];
        const risk_feature_info *fi = risk_feature_info_of(rf);
        if (!fi || !model_reason_informs(f, peer, fl, n, rf)) continue;
        double pm = peer ? peer[rf] : NAN;
        char text[RISK_REASON_MAX];
        risk_explain_sentence(rf, f->v[rf], pm, text, sizeof text);
        json_t *it = json_object();
        json_object_set_new(it, "kind", json_string("model"));
        json_object_set_new(it, "indicator", json_string(fi->code));
        json_object_set_new(it, "value", json_maybe(f->v[rf]));
        json_object_set_new(it, "peer", json_maybe(pm));
        json_object_set_new(it, "contribution", json_maybe(p->reason_contribution[i]));
        json_object_set_new(it, "text", json_string(text));
        json_array_append_new(items, it);
    }
    json_object_set_new(o, "items", items);
    return json_take(o);
}

/* Order of scored rows by learner, then the one needing more attention
** (probability, serious flags, flags), then the later enrolment. */
static int scored_by_learner(const void *pa, const void *pb) {
    const scored *a = pa, *b = pb;
    if (a->learner_id != b->learner_id) return (a->learner_id > b->learner_id) - (a->learner_id < b->learner_id);
    double x = a->prob, y = b->prob;
    if (isnan(x) != isnan(y)) return isnan(x) ? 1 : -1;
    if (!isnan(x) && x != y) return x > y ? -1 : 1;
    if (a->nserious != b->nserious) return b->nserious - a->nserious;
    if (a->nflags != b->nflags) return b->nflags - a->nflags;
    return (a->enrolment_id < b->enrolment_id) - (a->enrolment_id > b->enrolment_id);
}

/* Order of stored hashes by learner. */
static int stored_cmp(const void *pa, const void *pb) {
    const stored_hash *a = pa, *b = pb;
    return (a->learner_id > b->learner_id) - (a->learner_id < b->learner_id);
}

/* The stored hash of learner_id in h[0..n), or NULL. */
static stored_hash *stored_find(stored_hash *h, size_t n, int64_t learner_id) {
    stored_hash key = {.learner_id = learner_id};
    return n ? bsearch(&key, h, n, sizeof *h, stored_cmp) : NULL;
}

/* The learners and hashes stored for date (text), sorted by learner.  *out
** malloc'd; caller frees. */
static int stored_load(store *st, int64_t inst, const char *date, stored_hash **out, size_t *n,
                       cairn_err *err) {
    *out = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st, "SELECT learner_id, input_hash FROM risk_score"
                                      " WHERE institution_id = ? AND asof = ?", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_text(s, 2, date, (size_t)-1);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        stored_hash *h = &(*out)[(*n)++];
        h->learner_id = store_col_int64(s, 0);
        const char *t = store_col_text(s, 1);
        snprintf(h->hash, sizeof h->hash, "%s", t ? t : "");
        h->seen = 0;
    }
    store_finalize(s);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    if (*n) qsort(*out, *n, sizeof **out, stored_cmp);
    return 0;
}

/* The latest date before asof with stored scores, into prev ("" if none). */
static int previous_date(store *st, int64_t inst, const char *asof, char prev[DATE_TEXT_LEN],
                         cairn_err *err) {
    prev[0] = 0;
    store_stmt *s = store_prepare(st, "SELECT max(asof) FROM risk_score"
                                      " WHERE institution_id = ? AND asof < ?", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_text(s, 2, asof, (size_t)-1);
    int rc = store_step(s, err);
    if (rc == STORE_ROW && !store_col_is_null(s, 0))
        snprintf(prev, DATE_TEXT_LEN, "%s", store_col_text(s, 0));
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* The SHA-256 of everything a row says (all but when it was computed). */
static void row_hash(int rule_v, int model_v, int64_t enrolment_id, risk_tier tier, double prob,
                     const char *fj, const char *flj, const char *rj,
                     char out[CRYPTO_SHA256_HEX_LEN]) {
    buf b = BUF_INIT;
    buf_printf(&b, "cairn-risk-score-1\n%d\n%d\n%lld\n%d\n", rule_v, model_v,
               (long long)enrolment_id, (int)tier);
    if (isnan(prob)) buf_puts(&b, "null\n");
    else buf_printf(&b, "%.17g\n", prob);
    buf_printf(&b, "%s\n%s\n%s", fj, flj, rj);
    crypto_sha256_hex(b.data, b.len, out);
    buf_free(&b);
}

/* Fill the name and ref of a top learner. */
static int top_name(store *st, int64_t inst, risk_score_top *t, cairn_err *err) {
    store_stmt *s = store_prepare(st, "SELECT ref, given_name, family_name FROM learner"
                                      " WHERE institution_id = ? AND id = ?", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_int64(s, 2, t->learner_id);
    int rc = store_step(s, err);
    if (rc == STORE_ROW) {
        snprintf(t->ref, sizeof t->ref, "%s", store_col_text(s, 0));
        snprintf(t->name, sizeof t->name, "%s %s", store_col_text(s, 1), store_col_text(s, 2));
    }
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* Order for the top list: tier, then as the capacity ranking. */
static int top_cmp(const void *pa, const void *pb) {
    const scored *a = *(const scored *const *)pa, *b = *(const scored *const *)pb;
    if (a->tier != b->tier) return (int)b->tier - (int)a->tier;
    double x = a->prob, y = b->prob;
    if (isnan(x) != isnan(y)) return isnan(x) ? 1 : -1;
    if (!isnan(x) && x != y) return x > y ? -1 : 1;
    if (isnan(x) && a->nflags != b->nflags) return b->nflags - a->nflags;
    if (a->nserious != b->nserious) return b->nserious - a->nserious;
    if (a->nflags != b->nflags) return b->nflags - a->nflags;
    return (a->learner_id > b->learner_id) - (a->learner_id < b->learner_id);
}

/* ---- the run ------------------------------------------------------------------------- */

/* Write the kept rows (only those whose hash changed) and remove this
** date's rows of learners not scored; inside the caller's transaction. */
static int rows_write(store *st, int64_t inst, const char *asof_text, const risk_rules *rules,
                      int model_v, const risk_features *rows, const risk_peers *peers,
                      const risk_prediction *pred, const scored *sc, size_t n,
                      stored_hash *cur, size_t ncur, stored_hash *prev, size_t nprev,
                      risk_score_summary *out, cairn_err *err) {
    char now[32];
    date_now_iso(now);
    store_stmt *up = store_prepare(st,
        "INSERT INTO risk_score (institution_id, learner_id, enrolment_id, asof,"
        " rule_set_version, model_version, probability, tier, flags, reasons, features,"
        " input_hash, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (institution_id, learner_id, asof) DO UPDATE SET"
        " enrolment_id = excluded.enrolment_id, rule_set_version = excluded.rule_set_version,"
        " model_version = excluded.model_version, probability = excluded.probability,"
        " tier = excluded.tier, flags = excluded.flags, reasons = excluded.reasons,"
        " features = excluded.features, input_hash = excluded.input_hash,"
        " computed_at = excluded.computed_at", err);
    if (!up) return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!sc[i].keep) continue;
        const risk_features *f = &rows[sc[i].row];
        const risk_prediction *p = &pred[sc[i].row];
        risk_flag fl[RISK_RULE_COUNT];
        size_t nf;
        const double *pm = risk_peers_of(peers, f->t.group_id);
        risk_rules_eval_peers(rules, f, pm, fl, &nf);
        char *fj = features_json(f), *flj = flags_json(fl, nf), *rj = reasons_json(f, pm, fl, nf, p);
        char hash[CRYPTO_SHA256_HEX_LEN];
        row_hash(rules->version, model_v, f->t.enrolment_id, sc[i].tier, p->probability, fj, flj,
                 rj, hash);
        stored_hash *was = stored_find(cur, ncur, sc[i].learner_id);
        stored_hash *before = stored_find(prev, nprev, sc[i].learner_id);
        if (before && strcmp(before->hash, hash) == 0) out->same_as_before++;
        if (was) was->seen = 1;
        if (was && strcmp(was->hash, hash) == 0) {
            out->unchanged++;
        } else {
            store_bind_int64(up, 1, inst);
            store_bind_int64(up, 2, sc[i].learner_id);
            store_bind_int64(up, 3, f->t.enrolment_id);
            store_bind_text(up, 4, asof_text, (size_t)-1);
            store_bind_int64(up, 5, rules->version);
            store_bind_int64(up, 6, model_v);
            if (isnan(p->probability)) store_bind_null(up, 7);
            else store_bind_double(up, 7, p->probability);
            store_bind_int64(up, 8, (int64_t)sc[i].tier);
            store_bind_text(up, 9, flj, (size_t)-1);
            store_bind_text(up, 10, rj, (size_t)-1);
            store_bind_text(up, 11, fj, (size_t)-1);
            store_bind_text(up, 12, hash, (size_t)-1);
            store_bind_text(up, 13, now, (size_t)-1);
            if (store_step(up, err) < 0) rc = -1;
            else out->written++;
        }
        free(fj);
        free(flj);
        free(rj);
    }
    store_finalize(up);
    if (rc < 0) return -1;
    store_stmt *del = store_prepare(st, "DELETE FROM risk_score"
                                        " WHERE institution_id = ? AND learner_id = ? AND asof = ?",
                                    err);
    if (!del) return -1;
    for (size_t i = 0; i < ncur && rc == 0; i++) {
        if (cur[i].seen) continue;
        store_bind_int64(del, 1, inst);
        store_bind_int64(del, 2, cur[i].learner_id);
        store_bind_text(del, 3, asof_text, (size_t)-1);
        if (store_step(del, err) < 0) rc = -1;
        else out->removed++;
    }
    store_finalize(del);
    return rc;
}

/* Score every learner active on asof and store the rows; see risk.h. */
int risk_score_run(store *st, int64_t inst, int32_t asof, const risk_score_opts *o,
                   risk_score_summary *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    out->asof = asof;
    risk_score_opts d = {0};
    if (o) d = *o;
    if (!d.predict) d.predict = risk_predict_active;
    size_t ntop_max = d.top ? d.top : 10;
    if (store_in_tx(st))
        return err_set(err, CAIRN_EINTERNAL, "risk_score_run must not run inside a transaction");

    risk_rules rules;
    if (risk_rules_load(st, inst, &rules, err) < 0) return -1;
    out->rule_set_version = rules.version;

    risk_features *rows = NULL;
    size_t n = 0;
    if (risk_features_asof(st, inst, asof, &rows, &n, err) < 0) return -1;
    out->computed = n;

    risk_peers peers;
    risk_peer_medians(rows, n, &peers, err);
    risk_prediction *pred = xcalloc(n ? n : 1, sizeof *pred);
    scored *sc = xcalloc(n ? n : 1, sizeof *sc);
    risk_tier_input *tin = xcalloc(n ? n : 1, sizeof *tin);
    risk_tier *tiers = xcalloc(n ? n : 1, sizeof *tiers);
    stored_hash *cur = NULL, *prev = NULL;
    size_t ncur = 0, nprev = 0, nkeep = 0;
    const scored **top = NULL;
    int rc = 0, model_v = 0;

    /* the model (or "no model") */
    if (d.predict(d.predict_ctx, st, inst, rows, n, pred, &model_v, err) < 0) {
        rc = -1;
        goto done;
    }
    if (model_v < 0) {
        rc = err_set(err, CAIRN_EINTERNAL, "the model reported version %d", model_v);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (model_v == 0) pred[i].probability = NAN, pred[i].nreasons = 0;
        double p = pred[i].probability;
        if (!isnan(p) && !(p >= 0 && p <= 1)) {
            rc = err_set(err, CAIRN_EINTERNAL, "model version %d gave learner %lld an estimate "
                         "of %g, which is not a probability", model_v,
                         (long long)rows[i].t.learner_id, p);
            goto done;
        }
    }
    out->model_version = model_v;

    /* rules */
    for (size_t i = 0; i < n; i++) {
        risk_flag fl[RISK_RULE_COUNT];
        size_t nf;
        risk_rules_eval_peers(&rules, &rows[i], risk_peers_of(&peers, rows[i].t.group_id), fl, &nf);
        sc[i].row = i;
        sc[i].learner_id = rows[i].t.learner_id;
        sc[i].enrolment_id = rows[i].t.enrolment_id;
        sc[i].prob = pred[i].probability;
        sc[i].nflags = (int)nf;
        for (size_t k = 0; k < nf; k++) {
            sc[i].flagmask |= 1u << fl[k].rule;
            if (fl[k].serious) sc[i].nserious++;
        }
    }

    /* one row per learner: the enrolment needing more attention */
    qsort(sc, n, sizeof *sc, scored_by_learner);
    for (size_t i = 0; i < n; i++) {
        sc[i].keep = i == 0 || sc[i].learner_id != sc[i - 1].learner_id;
        if (!sc[i].keep) continue;
        tin[nkeep].learner_id = sc[i].learner_id;
        tin[nkeep].probability = sc[i].prob;
        tin[nkeep].nflags = sc[i].nflags;
        tin[nkeep].nserious = sc[i].nserious;
        nkeep++;
    }
    out->learners = nkeep;

    /* tiers: the institution's shares, unless the caller chose a capacity,
    ** shares or probability thresholds */
    risk_tier_opts topt = d.tiers;
    if (!topt.capacity && !topt.share_individual && !topt.share_selective &&
        !topt.p_selective && !topt.p_individual) {
        topt.share_individual = rules.share_individual / 100.0;
        topt.share_selective = rules.share_selective / 100.0;
    }
    if (risk_tiers_assign(tin, nkeep, &topt, tiers, err) < 0) {
        rc = -1;
        goto done;
    }
    for (size_t i = 0, k = 0; i < n; i++) {
        if (!sc[i].keep) continue;
        sc[i].tier = tiers[k++];
        out->tier_count[sc[i].tier]++;
        if (sc[i].nflags) out->flagged++;
        for (int r = 0; r < RISK_RULE_COUNT; r++)
            if (sc[i].flagmask & (1u << r)) out->flag_count[r]++;
    }

    /* write */
    char asof_text[DATE_TEXT_LEN], prev_text[DATE_TEXT_LEN];
    date_format(asof, asof_text);
    if (store_tx_begin_write(st, SCORE_LOCK_KEY, err) < 0) {
        rc = -1;
        goto done;
    }
    if (stored_load(st, inst, asof_text, &cur, &ncur, err) < 0 ||
        previous_date(st, inst, asof_text, prev_text, err) < 0 ||
        (prev_text[0] && stored_load(st, inst, prev_text, &prev, &nprev, err) < 0) ||
        rows_write(st, inst, asof_text, &rules, model_v, rows, &peers, pred, sc, n, cur, ncur,
                   prev, nprev, out, err) < 0 ||
        /* the leaders' dashboard trend for this date, with the scores */
        school_trend_store(st, inst, asof, err) < 0) {
        store_tx_rollback(st);
        out->written = out->unchanged = out->removed = out->same_as_before = 0;
        rc = -1;
        goto done;
    }
    if (store_tx_commit(st, err) < 0) {
        out->written = out->unchanged = out->removed = out->same_as_before = 0;
        rc = -1;
        goto done;
    }

    /* the learners most in need of a look */
    top = xmalloc((n ? n : 1) * sizeof *top);
    size_t nt = 0;
    for (size_t i = 0; i < n; i++)
        if (sc[i].keep && (sc[i].tier > 0 || sc[i].nflags > 0)) top[nt++] = &sc[i];
    qsort(top, nt, sizeof *top, top_cmp);
    if (nt > ntop_max) nt = ntop_max;
    out->top = xcalloc(nt ? nt : 1, sizeof *out->top);
    out->ntop = nt;
    for (size_t i = 0; i < nt && rc == 0; i++) {
        risk_score_top *t = &out->top[i];
        const risk_features *f = &rows[top[i]->row];
        t->learner_id = top[i]->learner_id;
        t->tier = top[i]->tier;
        t->probability = pred[top[i]->row].probability;
        const double *pm = risk_peers_of(&peers, f->t.group_id);
        risk_rules_eval_peers(&rules, f, pm, t->flags, &t->nflags);
        const risk_prediction *p = &pred[top[i]->row];
        for (int k = 0; !isnan(p->probability) && k < p->nreasons && k < RISK_MODEL_REASONS; k++) {
            risk_feature rf = p->reason_feature[k];
            if (!model_reason_informs(f, pm, t->flags, t->nflags, rf)) continue;
            risk_explain_sentence(rf, f->v[rf], pm ? pm[rf] : NAN,
                                  t->model_reason[t->nmodel], RISK_REASON_MAX);
            t->nmodel++;
        }
        rc = top_name(st, inst, t, err);
    }

done:
    if (rc < 0) risk_score_summary_free(out);
    free(top);
    free(cur);
    free(prev);
    free(tiers);
    free(tin);
    free(sc);
    free(pred);
    risk_peers_free(&peers);
    free(rows);
    return rc;
}
