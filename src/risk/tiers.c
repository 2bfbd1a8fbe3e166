/*
** risk/tiers.c — the peer comparison shown in the rules' reasons (the
** median of each indicator over the learner's group) and the tiers
** (risk_tiers_assign): universal, selective, individual, from the model's
** probability or the flags, optionally limited by a capacity.
**
** Split from risk/rules.c, which keeps the rules and their thresholds.
*/
#include "risk/risk.h"
#include "base/mem.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- peer medians ------------------------------------------------------------------- */

/* qsort order of doubles. */
static int dbl_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A row's group and position, sorted to find each group's rows. */
typedef struct group_row {
    int64_t group_id;
    size_t  i;
} group_row;

/* Order by group id, then position. */
static int group_row_cmp(const void *a, const void *b) {
    const group_row *x = a, *y = b;
    if (x->group_id != y->group_id) return (x->group_id > y->group_id) - (x->group_id < y->group_id);
    return (x->i > y->i) - (x->i < y->i);
}

/* Per group, the median of each indicator over its rows; out is freed with
** risk_peers_free(). */
int risk_peer_medians(const risk_features *rows, size_t n, risk_peers *out, cairn_err *err) {
    (void)err;
    memset(out, 0, sizeof *out);
    group_row *gr = xmalloc((n ? n : 1) * sizeof *gr);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].t.group_id != 0) gr[m++] = (group_row){rows[i].t.group_id, i};
    qsort(gr, m, sizeof *gr, group_row_cmp);
    size_t ng = 0;
    for (size_t i = 0; i < m; i++)
        if (i == 0 || gr[i].group_id != gr[i - 1].group_id) ng++;
    out->group_id = xmalloc((ng ? ng : 1) * sizeof *out->group_id);
    out->median = xmalloc((ng ? ng : 1) * sizeof *out->median);
    double *vals = xmalloc((m ? m : 1) * sizeof *vals);
    size_t g = 0;
    for (size_t a = 0; a < m;) {
        size_t b = a;
        while (b < m && gr[b].group_id == gr[a].group_id) b++;
        out->group_id[g] = gr[a].group_id;
        for (int f = 0; f < RF_COUNT; f++) {
            size_t k = 0;
            for (size_t i = a; i < b; i++) {
                double v = rows[gr[i].i].v[f];
                if (!isnan(v)) vals[k++] = v;
            }
            double med = NAN;
            if (k >= RISK_PEER_MIN) {
                qsort(vals, k, sizeof *vals, dbl_cmp);
                med = k % 2 ? vals[k / 2] : (vals[k / 2 - 1] + vals[k / 2]) / 2;
            }
            out->median[g][f] = med;
        }
        g++;
        a = b;
    }
    out->ngroups = ng;
    free(vals);
    free(gr);
    return 0;
}

/* The medians of group_id, or NULL. */
const double *risk_peers_of(const risk_peers *p, int64_t group_id) {
    size_t lo = 0, hi = p->ngroups;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->group_id[mid] < group_id) lo = mid + 1;
        else hi = mid;
    }
    return lo < p->ngroups && p->group_id[lo] == group_id ? p->median[lo] : NULL;
}

/* Release the medians. */
void risk_peers_free(risk_peers *p) {
    free(p->group_id);
    free(p->median);
    memset(p, 0, sizeof *p);
}

/* ---- tiers -------------------------------------------------------------------------- */

/* "universal", "selective", "individual". */
const char *risk_tier_name(risk_tier t) {
    switch (t) {
    case RISK_TIER_UNIVERSAL: return "universal";
    case RISK_TIER_SELECTIVE: return "selective";
    case RISK_TIER_INDIVIDUAL: return "individual";
    }
    return "unknown";
}

/* The tier of one learner from thresholds (probability) or rules. */
static risk_tier tier_by_thresholds(const risk_tier_input *x, double ps, double pi) {
    if (!isnan(x->probability)) {
        risk_tier t = x->probability >= pi ? RISK_TIER_INDIVIDUAL
                    : x->probability >= ps ? RISK_TIER_SELECTIVE : RISK_TIER_UNIVERSAL;
        if (x->nserious > 0 && t < RISK_TIER_SELECTIVE) t = RISK_TIER_SELECTIVE;
        return t;
    }
    if (x->nflags >= 3) return RISK_TIER_INDIVIDUAL;
    if (x->nflags >= 2 || x->nserious > 0) return RISK_TIER_SELECTIVE;
    return RISK_TIER_UNIVERSAL;
}

/* Ranking for capacity: who needs a look first.  Negative when a comes
** first.  Learners with a probability come before those without; then
** probability, serious flags, flags — or, without a probability, flags,
** serious flags — and last the learner id (lower first). */
static int tier_rank_cmp(const void *pa, const void *pb) {
    const risk_tier_input *a = *(const risk_tier_input *const *)pa;
    const risk_tier_input *b = *(const risk_tier_input *const *)pb;
    int ha = !isnan(a->probability), hb = !isnan(b->probability);
    if (ha != hb) return hb - ha;
    if (ha && a->probability != b->probability) return a->probability > b->probability ? -1 : 1;
    if (!ha && a->nflags != b->nflags) return b->nflags - a->nflags;
    if (a->nserious != b->nserious) return b->nserious - a->nserious;
    if (a->nflags != b->nflags) return b->nflags - a->nflags;
    return (a->learner_id > b->learner_id) - (a->learner_id < b->learner_id);
}

/* The tier of each learner; see risk.h for the exact rule. */
int risk_tiers_assign(const risk_tier_input *in, size_t n, const risk_tier_opts *o,
                      risk_tier *out, cairn_err *err) {
    risk_tier_opts d = {0};
    if (o) d = *o;
    double ps = d.p_selective ? d.p_selective : 0.3, pi = d.p_individual ? d.p_individual : 0.6;
    if (!(ps > 0 && ps <= 1) || !(pi > 0 && pi <= 1))
        return err_set(err, CAIRN_EINVAL, "tier probabilities must be above 0 and at most 1 "
                       "(selective %g, individual %g)", ps, pi);
    if (pi < ps)
        return err_set(err, CAIRN_EINVAL, "the probability for individual support (%g) must not "
                       "be below the one for selective support (%g)", pi, ps);
    if (d.capacity < 0 || d.capacity_selective < 0)
        return err_set(err, CAIRN_EINVAL, "a capacity is a number of learners, 0 or more");
    double si = d.share_individual, ss = d.share_selective;
    if (!(si >= 0 && si <= 1 && ss >= 0 && ss <= 1 && si + ss <= 1))
        return err_set(err, CAIRN_EINVAL, "tier shares must be from 0 to 1 and together at most "
                       "1 (individual %g, selective %g)", si, ss);
    for (size_t i = 0; i < n; i++) out[i] = tier_by_thresholds(&in[i], ps, pi);
    int by_share = d.capacity == 0 && (si > 0 || ss > 0);
    if (by_share) {
        d.capacity = (long)floor(si * (double)n + 0.5);
        d.capacity_selective = (long)floor(ss * (double)n + 0.5);
    } else if (d.capacity == 0) {
        return 0;
    }

    const risk_tier_input **rank = xmalloc((n ? n : 1) * sizeof *rank);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(in[i].probability) || in[i].nflags > 0) rank[m++] = &in[i];
    qsort(rank, m, sizeof *rank, tier_rank_cmp);
    risk_tier *base = xmalloc((n ? n : 1) * sizeof *base);
    memcpy(base, out, n * sizeof *out);
    for (size_t i = 0; i < n; i++) out[i] = RISK_TIER_UNIVERSAL;
    for (size_t k = 0; k < m; k++) {
        size_t i = (size_t)(rank[k] - in);
        if (k < (size_t)d.capacity) out[i] = RISK_TIER_INDIVIDUAL;
        else if (by_share) {
            if (k < (size_t)d.capacity + (size_t)d.capacity_selective || in[i].nserious > 0)
                out[i] = RISK_TIER_SELECTIVE;
        } else if (d.capacity_selective > 0) {
            if (k < (size_t)d.capacity + (size_t)d.capacity_selective) out[i] = RISK_TIER_SELECTIVE;
        } else if (base[i] >= RISK_TIER_SELECTIVE) {
            out[i] = RISK_TIER_SELECTIVE;
        }
    }
    free(base);
    free(rank);
    return 0;
}
