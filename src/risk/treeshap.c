/*
** risk/treeshap.c — exact path-dependent TreeSHAP by per-leaf tables.
**
** The method (Yang 2021, "Fast TreeSHAP: Accelerating SHAP Value Computation
** for Trees", algorithm v2; the values are those of Lundberg et al. 2020,
** "From local explanations to global understanding with explainable AI for
** trees", path-dependent TreeSHAP, which XGBoost's pred_contribs computes):
**
** A tree's SHAP values are the sum over its leaves of each leaf's own.  For a
** leaf l with value v_l, let P_l be the distinct features split on along its
** root-to-leaf path (k = |P_l|), and for j in P_l
**
**   z_j = product over the path nodes splitting on j of
**         cover(child on the path) / cover(node)
**   o_j = 1 if the row goes the path's way at every node splitting on j.
**
** Path-dependent TreeSHAP gives the leaf the game
** f_l(S) = v_l * prod_{j in S} o_j * prod_{j in P_l \ S} z_j, whose Shapley
** value for i in P_l is
**
**   phi_i = v_l (o_i - z_i) sum_{S in P_l\{i}} |S|!(k-|S|-1)!/k!
**                           * prod_{j in S} o_j * prod_{j in P_l\S\{i}} z_j
**
** and whose value at the empty set, summed over leaves, is the tree's
** expected value sum_l v_l prod_j z_j (the bias, with the base margin).
** phi depends on the row only through the bit mask m of the satisfied o_j,
** so T_l[m][i] = phi_i is tabulated once per model (2^k * k doubles per
** leaf, the inner sum by the usual subset-size polynomial in O(k^2)).  A
** row then costs, per tree, one comparison per split (which way the row goes
** there) and, per leaf, a look at its path's splits to form m and k
** additions from T_l[m].  Features not split on get 0.
**
** XGBoost's rules are followed exactly: a row goes left when x < split
** (both float), a missing value (NAN) goes to the node's default side, a
** leaf's value is its split_conditions entry, cover is sum_hessian, and the
** base margin of binary:logistic is logit(base_score).  The covers and
** values are read as XGBoost stores them (float) and computed with in
** double, so results agree with XGBoost's float arithmetic to ~1e-7.
*/
#include "risk/treeshap.h"
#include "base/mem.h"
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One tree: its splits [node0, node0 + nnode) and leaves [leaf0, leaf0 + nleaf). */
typedef struct ts_tree {
    uint32_t node0, nnode;
    uint32_t leaf0, nleaf;
} ts_tree;

/* One leaf: its path [path0, path0 + npath), its k distinct features
** [feat0, feat0 + k), its table at table[tab .. tab + 2^k * k). */
typedef struct ts_leaf {
    uint32_t path0, feat0;
    uint16_t npath, k;
    size_t tab;
} ts_leaf;

/* One node on a leaf's path: the split (index within its tree), the side the
** path takes (1 left) and the slot of its feature among the leaf's k. */
typedef struct ts_step {
    uint16_t node;
    uint8_t left;
    uint8_t slot;
} ts_step;

struct risk_treeshap {
    size_t ncols;
    size_t ntrees, nnodes, nleaves, nsteps, nfeats, ntab;
    size_t maxnode;          /* most splits in one tree */
    ts_tree *tree;
    int32_t *split_feat;     /* per split, all trees */
    float *split_value;
    uint8_t *split_defl;
    ts_leaf *leaf;
    ts_step *step;
    int32_t *leaf_feat;
    double *table;
    double bias;             /* base margin + every tree's expected value */
};

/* Growable arrays while reading. */
#define TS_GROW(arr, len, cap)                                    \
    do {                                                          \
        if ((len) == (cap)) {                                     \
            (cap) = (cap) ? (cap) * 2 : 256;                      \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));       \
        }                                                         \
    } while (0)

/* Capacities of the growable arrays of a risk_treeshap being built. */
typedef struct ts_caps {
    size_t tree, node, leaf, step, feat, tab;
} ts_caps;

/* One tree's JSON arrays, checked to have nn entries each. */
typedef struct ts_json_tree {
    size_t nn;
    json_t *left, *right, *feat, *cond, *defl, *cover;
} ts_json_tree;

/* The path from the root down to the node being visited. */
typedef struct ts_path {
    int depth;
    int node[RISK_TREESHAP_MAXDEPTH];       /* JSON node ids */
    uint8_t left[RISK_TREESHAP_MAXDEPTH];   /* side taken below node[d] */
} ts_path;

/* ---- reading ------------------------------------------------------------ */

/* The number at a[i] (integer or real), 0 if absent. */
static double ts_num(const json_t *a, size_t i) {
    return json_number_value(json_array_get(a, i));
}

/* The array called key in obj with exactly nn entries, or NULL. */
static json_t *ts_array(json_t *obj, const char *key, size_t nn) {
    json_t *a = json_object_get(obj, key);
    return json_is_array(a) && json_array_size(a) == nn ? a : NULL;
}

/* Tabulate T_l[m][i] for one leaf of value v whose k slots have zero
** fractions z[0..k) into tab (2^k * k doubles). */
static void ts_leaf_table(double v, const double *z, int k, double *tab) {
    double w[RISK_TREESHAP_MAXDEPTH], c[RISK_TREESHAP_MAXDEPTH + 1];
    /* w[s] = s! (k-s-1)! / k! = 1 / (k * C(k-1, s)) */
    for (int s = 0; s < k; s++) {
        double binom = 1;
        for (int q = 1; q <= s; q++) binom = binom * (k - q) / q;
        w[s] = 1.0 / (k * binom);
    }
    size_t nm = (size_t)1 << k;
    for (size_t m = 0; m < nm; m++) {
        for (int i = 0; i < k; i++) {
            /* c[s] = sum over S of size s in P\{i} of prod o (in S) * prod z (not in S) */
            int deg = 0;
            c[0] = 1;
            for (int j = 0; j < k; j++) {
                if (j == i) continue;
                double o = (double)((m >> j) & 1);
                c[deg + 1] = c[deg] * o;
                for (int s = deg; s >= 1; s--) c[s] = c[s] * z[j] + c[s - 1] * o;
                c[0] *= z[j];
                deg++;
            }
            double sum = 0;
            for (int s = 0; s <= deg; s++) sum += c[s] * w[s];
            double oi = (double)((m >> i) & 1);
            tab[m * (size_t)k + (size_t)i] = v * (oi - z[i]) * sum;
        }
    }
}

/* Add the leaf `node` reached by path p in tree jt (whose splits start at
** t->nnodes - local ids in local[]) to t: its steps, features, table, and
** its share of the expected value.  Fills err if the tables grow too big. */
static int ts_add_leaf(risk_treeshap *t, ts_caps *cap, const ts_json_tree *jt, const ts_path *p,
                       int node, const int32_t *local, cairn_err *err) {
    int32_t feats[RISK_TREESHAP_MAXDEPTH];
    double z[RISK_TREESHAP_MAXDEPTH];
    int k = 0;
    ts_leaf lf;
    lf.path0 = (uint32_t)t->nsteps;
    lf.feat0 = (uint32_t)t->nfeats;
    lf.npath = (uint16_t)p->depth;
    double reach = 1;   /* product of all cover ratios: the leaf's weight in the expectation */
    for (int d = 0; d < p->depth; d++) {
        int n = p->node[d];
        int child = d + 1 < p->depth ? p->node[d + 1] : node;
        int32_t f = (int32_t)ts_num(jt->feat, (size_t)n);
        double cn = ts_num(jt->cover, (size_t)n), cc = ts_num(jt->cover, (size_t)child);
        double ratio = cn > 0 ? cc / cn : 0;
        int slot = 0;
        while (slot < k && feats[slot] != f) slot++;
        if (slot == k) {
            feats[k] = f;
            z[k] = 1;
            k++;
        }
        z[slot] *= ratio;
        reach *= ratio;
        TS_GROW(t->step, t->nsteps, cap->step);
        t->step[t->nsteps++] = (ts_step){(uint16_t)local[n], p->left[d], (uint8_t)slot};
    }
    lf.k = (uint16_t)k;
    size_t need = ((size_t)1 << k) * (size_t)k;
    if ((t->ntab + need) > RISK_TREESHAP_MAXBYTES / sizeof(double))
        return err_set(err, CAIRN_EINVAL,
                       "the model's TreeSHAP tables would need more than %zu MiB",
                       RISK_TREESHAP_MAXBYTES >> 20);
    for (int j = 0; j < k; j++) {
        TS_GROW(t->leaf_feat, t->nfeats, cap->feat);
        t->leaf_feat[t->nfeats++] = feats[j];
    }
    if (t->ntab + need > cap->tab) {
        while (t->ntab + need > cap->tab) cap->tab = cap->tab ? cap->tab * 2 : 4096;
        t->table = xrealloc(t->table, cap->tab * sizeof *t->table);
    }
    lf.tab = t->ntab;
    double v = ts_num(jt->cond, (size_t)node);
    if (k) ts_leaf_table(v, z, k, t->table + t->ntab);
    t->ntab += need;
    t->bias += v * reach;
    TS_GROW(t->leaf, t->nleaves, cap->leaf);
    t->leaf[t->nleaves++] = lf;
    return 0;
}

/* Depth-first walk from node in tree number ti, adding its leaves. */
static int ts_walk(risk_treeshap *t, ts_caps *cap, const ts_json_tree *jt, ts_path *p, int node,
                   const int32_t *local, size_t ti, cairn_err *err) {
    int l = (int)ts_num(jt->left, (size_t)node);
    if (l == -1) return ts_add_leaf(t, cap, jt, p, node, local, err);
    int r = (int)ts_num(jt->right, (size_t)node);
    if (p->depth >= RISK_TREESHAP_MAXDEPTH)
        return err_set(err, CAIRN_EINVAL,
                       "tree %zu is deeper than %d levels: too deep for the TreeSHAP tables",
                       ti + 1, RISK_TREESHAP_MAXDEPTH);
    p->node[p->depth] = node;
    p->left[p->depth] = 1;
    p->depth++;
    int rc = ts_walk(t, cap, jt, p, l, local, ti, err);
    p->left[p->depth - 1] = 0;
    if (rc == 0) rc = ts_walk(t, cap, jt, p, r, local, ti, err);
    p->depth--;
    return rc;
}

/* Read tree number ti (JSON object jt) into t. */
static int ts_read_tree(risk_treeshap *t, ts_caps *cap, json_t *js, size_t ti, cairn_err *err) {
    ts_json_tree jt;
    json_t *lc = json_object_get(js, "left_children");
    if (!json_is_array(lc) || json_array_size(lc) == 0)
        return err_set(err, CAIRN_EINVAL, "tree %zu of the model has no left_children", ti + 1);
    jt.nn = json_array_size(lc);
    jt.left = lc;
    jt.right = ts_array(js, "right_children", jt.nn);
    jt.feat = ts_array(js, "split_indices", jt.nn);
    jt.cond = ts_array(js, "split_conditions", jt.nn);
    jt.defl = ts_array(js, "default_left", jt.nn);
    jt.cover = ts_array(js, "sum_hessian", jt.nn);
    if (!jt.right || !jt.feat || !jt.cond || !jt.defl || !jt.cover)
        return err_set(err, CAIRN_EINVAL,
                       "tree %zu of the model lacks one of right_children, split_indices, "
                       "split_conditions, default_left, sum_hessian (or they differ in length)",
                       ti + 1);
    json_t *cn = json_object_get(js, "categories_nodes");
    if (json_is_array(cn) && json_array_size(cn) > 0)
        return err_set(err, CAIRN_EINVAL, "tree %zu of the model has categorical splits", ti + 1);
    json_t *st = ts_array(js, "split_type", jt.nn);
    int32_t *local = xmalloc(jt.nn * sizeof *local);
    ts_tree tr = {(uint32_t)t->nnodes, 0, (uint32_t)t->nleaves, 0};
    int rc = 0;
    /* Every node's children must be in range; splits get local numbers. */
    for (size_t n = 0; n < jt.nn && rc == 0; n++) {
        double l = ts_num(jt.left, n), r = ts_num(jt.right, n);
        local[n] = -1;
        if (l == -1) continue;
        double f = ts_num(jt.feat, n);
        if (l < 0 || l >= (double)jt.nn || r < 0 || r >= (double)jt.nn || l == (double)n ||
            r == (double)n)
            rc = err_set(err, CAIRN_EINVAL, "tree %zu, node %zu: a child is out of range",
                         ti + 1, n);
        else if (f < 0 || f >= (double)t->ncols || f != floor(f))
            rc = err_set(err, CAIRN_EINVAL,
                         "tree %zu, node %zu splits on feature %g of a model with %zu",
                         ti + 1, n, f, t->ncols);
        else if (st && ts_num(st, n) != 0)
            rc = err_set(err, CAIRN_EINVAL, "tree %zu, node %zu is a categorical split",
                         ti + 1, n);
        else if (tr.nnode >= UINT16_MAX)
            rc = err_set(err, CAIRN_EINVAL, "tree %zu has too many splits", ti + 1);
        else {
            local[n] = (int32_t)tr.nnode++;
            if (t->nnodes == cap->node) {
                cap->node = cap->node ? cap->node * 2 : 256;
                t->split_feat = xrealloc(t->split_feat, cap->node * sizeof *t->split_feat);
                t->split_value = xrealloc(t->split_value, cap->node * sizeof *t->split_value);
                t->split_defl = xrealloc(t->split_defl, cap->node * sizeof *t->split_defl);
            }
            t->split_feat[t->nnodes] = (int32_t)f;
            t->split_value[t->nnodes] = (float)ts_num(jt.cond, n);
            t->split_defl[t->nnodes] = ts_num(jt.defl, n) != 0;
            t->nnodes++;
        }
    }
    if (rc == 0) {
        ts_path p;
        p.depth = 0;
        rc = ts_walk(t, cap, &jt, &p, 0, local, ti, err);
    }
    free(local);
    if (rc) return -1;
    tr.nleaf = (uint32_t)(t->nleaves - tr.leaf0);
    if (tr.nnode > t->maxnode) t->maxnode = tr.nnode;
    TS_GROW(t->tree, t->ntrees, cap->tree);
    t->tree[t->ntrees++] = tr;
    return 0;
}

/* The base margin from learner_model_param and the objective (binary:logistic
** only) into *out. */
static int ts_read_base(json_t *learner, double *out, cairn_err *err) {
    json_t *obj = json_object_get(json_object_get(learner, "objective"), "name");
    const char *name = json_string_value(obj);
    if (!name || strcmp(name, "binary:logistic") != 0)
        return err_set(err, CAIRN_EINVAL, "the model's objective is %s, not binary:logistic",
                       name ? name : "missing");
    json_t *mp = json_object_get(learner, "learner_model_param");
    const char *bs = json_string_value(json_object_get(mp, "base_score"));
    const char *nc = json_string_value(json_object_get(mp, "num_class"));
    if (nc && strtol(nc, NULL, 10) > 1)
        return err_set(err, CAIRN_EINVAL, "the model has %s classes, not two", nc);
    char *end = NULL;
    double b = bs ? strtod(bs, &end) : NAN;
    if (!bs || end == bs || !(b > 0 && b < 1))
        return err_set(err, CAIRN_EINVAL, "the model's base_score is %s: not a probability",
                       bs ? bs : "missing");
    *out = log(b / (1 - b));
    return 0;
}

/* Read and tabulate; see treeshap.h.  *out freed with risk_treeshap_free(). */
int risk_treeshap_build(const char *json, size_t len, size_t ncols, risk_treeshap **out,
                        cairn_err *err) {
    if (!out) return err_set(err, CAIRN_EINVAL, "no place for the TreeSHAP tables (out is NULL)");
    *out = NULL;
    if (!json || ncols == 0 || ncols > INT32_MAX)
        return err_set(err, CAIRN_EINVAL, "no model JSON or no feature columns");
    json_error_t je;
    json_t *root = json_loadb(json, len, 0, &je);
    if (!root)
        return err_set(err, CAIRN_EINVAL, "the model is not JSON (line %d: %s)", je.line, je.text);
    risk_treeshap *t = xcalloc(1, sizeof *t);
    t->ncols = ncols;
    ts_caps cap = {0};
    int rc = 0;
    json_t *learner = json_object_get(root, "learner");
    json_t *gb = json_object_get(learner, "gradient_booster");
    const char *gbname = json_string_value(json_object_get(gb, "name"));
    json_t *trees = json_object_get(json_object_get(gb, "model"), "trees");
    if (!gbname || strcmp(gbname, "gbtree") != 0)
        rc = err_set(err, CAIRN_EINVAL, "the model's booster is %s, not gbtree",
                     gbname ? gbname : "missing");
    else if (!json_is_array(trees))
        rc = err_set(err, CAIRN_EINVAL, "the model has no list of trees");
    else
        rc = ts_read_base(learner, &t->bias, err);
    for (size_t i = 0; rc == 0 && i < json_array_size(trees); i++)
        rc = ts_read_tree(t, &cap, json_array_get(trees, i), i, err);
    json_decref(root);
    if (rc) {
        err_prefix(err, "reading the model for TreeSHAP");
        risk_treeshap_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

/* ---- explaining --------------------------------------------------------- */

/* Rows explained together: for each leaf the rows of a block are visited in
** turn, so the additions into different rows do not wait on one another. */
#define TS_BLOCK 32

/* Contributions of rows [r0, r1) of X into out (ncols + 1 entries a row);
** dir is scratch for TS_BLOCK * t->maxnode splits.  Each row's sum runs
** tree by tree, leaf by leaf, the same order whatever the blocks. */
static void ts_rows(const risk_treeshap *t, const float *X, size_t r0, size_t r1, double *out,
                    uint8_t *dir) {
    size_t k1 = t->ncols + 1, mx = t->maxnode;
    for (size_t b0 = r0; b0 < r1; b0 += TS_BLOCK) {
        size_t nb = r1 - b0 < TS_BLOCK ? r1 - b0 : TS_BLOCK;
        double *o = out + b0 * k1;
        const float *x = X + b0 * t->ncols;
        memset(o, 0, nb * k1 * sizeof *o);
        for (size_t ti = 0; ti < t->ntrees; ti++) {
            const ts_tree *tr = &t->tree[ti];
            const int32_t *sf = t->split_feat + tr->node0;
            const float *sv = t->split_value + tr->node0;
            const uint8_t *sd = t->split_defl + tr->node0;
            /* which way each row goes at each split (1 left; NAN: the default) */
            for (size_t r = 0; r < nb; r++) {
                const float *xr = x + r * t->ncols;
                uint8_t *dr = dir + r * mx;
                for (uint32_t n = 0; n < tr->nnode; n++) {
                    float v = xr[sf[n]];
                    dr[n] = (uint8_t)((v < sv[n]) | ((v != v) & sd[n]));
                }
            }
            const ts_leaf *lf = t->leaf + tr->leaf0;
            for (uint32_t l = 0; l < tr->nleaf; l++) {
                unsigned k = lf[l].k;
                if (k == 0) continue;
                const ts_step *s = t->step + lf[l].path0;
                const double *tab = t->table + lf[l].tab;
                const int32_t *f = t->leaf_feat + lf[l].feat0;
                for (size_t r = 0; r < nb; r++) {
                    const uint8_t *dr = dir + r * mx;
                    unsigned m = (1u << k) - 1;   /* bit j: the row follows the path on feature j */
                    for (unsigned d = 0; d < lf[l].npath; d++)
                        m &= ~((unsigned)(dr[s[d].node] ^ s[d].left) << s[d].slot);
                    const double *row = tab + (size_t)m * k;
                    double *orow = o + r * k1;
                    for (unsigned j = 0; j < k; j++) orow[f[j]] += row[j];
                }
            }
        }
        for (size_t r = 0; r < nb; r++) o[r * k1 + t->ncols] = t->bias;
    }
}

/* One thread's share of the rows. */
typedef struct ts_job {
    const risk_treeshap *t;
    const float *X;
    size_t r0, r1;
    double *out;
} ts_job;

/* Thread body: explain the job's rows. */
static void *ts_job_run(void *arg) {
    ts_job *j = arg;
    uint8_t *dir = xmalloc(TS_BLOCK * (j->t->maxnode ? j->t->maxnode : 1));
    ts_rows(j->t, j->X, j->r0, j->r1, j->out, dir);
    free(dir);
    return NULL;
}

/* Contributions for nrows rows; see treeshap.h. */
int risk_treeshap_contributions(const risk_treeshap *t, const float *X, size_t nrows,
                                size_t ncols, int nthread, double *out, cairn_err *err) {
    if (!t) return err_set(err, CAIRN_EINVAL, "no TreeSHAP tables (NULL)");
    if (ncols != t->ncols)
        return err_set(err, CAIRN_EINVAL,
                       "the model was trained on %zu feature columns, the data has %zu",
                       t->ncols, ncols);
    if (nrows == 0) return 0;
    if (!X || !out) return err_set(err, CAIRN_EINVAL, "no data or no output (NULL)");
    size_t nt = nthread > 1 ? (size_t)nthread : 1;
    if (nt > RISK_TREESHAP_MAXTHREAD) nt = RISK_TREESHAP_MAXTHREAD;
    if (nt > nrows / 1024) nt = nrows / 1024 ? nrows / 1024 : 1;   /* small jobs: one thread */
    ts_job job[RISK_TREESHAP_MAXTHREAD];
    pthread_t tid[RISK_TREESHAP_MAXTHREAD];
    int started[RISK_TREESHAP_MAXTHREAD] = {0};
    for (size_t i = 0; i < nt; i++)
        job[i] = (ts_job){t, X, nrows * i / nt, nrows * (i + 1) / nt, out};
    /* threads 1.. run in the background, share 0 (and any that could not
    ** start) here */
    for (size_t i = 1; i < nt; i++)
        started[i] = pthread_create(&tid[i], NULL, ts_job_run, &job[i]) == 0;
    ts_job_run(&job[0]);
    for (size_t i = 1; i < nt; i++) {
        if (started[i]) pthread_join(tid[i], NULL);
        else ts_job_run(&job[i]);
    }
    return 0;
}

/* Number of trees read. */
size_t risk_treeshap_ntrees(const risk_treeshap *t) {
    return t ? t->ntrees : 0;
}

/* Release everything. */
void risk_treeshap_free(risk_treeshap *t) {
    if (!t) return;
    free(t->tree);
    free(t->split_feat);
    free(t->split_value);
    free(t->split_defl);
    free(t->leaf);
    free(t->step);
    free(t->leaf_feat);
    free(t->table);
    free(t);
}
