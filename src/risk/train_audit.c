/*
** risk/train_audit.c — the fairness attributes of learner_audit, read into
** category codes: for the fairness tables and (only when a person allows
** one) as model inputs (risk/train_cols.c).
*/
#include "risk/train.h"
#include "base/hmap.h"
#include "base/mem.h"
#include <stdlib.h>
#include <string.h>

/* ---- audit attributes ------------------------------------------------------------ */

static const char *const attr_names[RISK_ATTR_COUNT] = {
    [RISK_ATTR_GENDER] = "gender",
    [RISK_ATTR_MIGRANT] = "migrant_background",
    [RISK_ATTR_SEN] = "special_needs",
    [RISK_ATTR_LANGUAGE] = "first_language",
};

/* The attribute's name (static). */
const char *risk_attr_name(risk_attr a) {
    return (int)a >= 0 && a < RISK_ATTR_COUNT ? attr_names[a] : "unknown";
}

/* The attribute called name, or -1. */
int risk_attr_find(const char *name) {
    if (!name) return -1;
    for (int a = 0; a < RISK_ATTR_COUNT; a++)
        if (strcmp(attr_names[a], name) == 0) return a;
    return -1;
}

/* Distinct values of a text attribute while reading: name -> index. */
typedef struct attr_values {
    hmap *index;
    size_t n, cap;
    char **name;
    size_t *count;
} attr_values;

/* The index of value s in v, adding it (count 0) if new. */
static size_t attr_values_add(attr_values *v, const char *s) {
    int64_t i;
    size_t len = strlen(s);
    if (hmap_get(v->index, s, len, &i)) return (size_t)i;
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->name = xrealloc(v->name, v->cap * sizeof *v->name);
        v->count = xrealloc(v->count, v->cap * sizeof *v->count);
    }
    v->name[v->n] = xstrdup(s);
    v->count[v->n] = 0;
    hmap_put(v->index, s, len, (int64_t)v->n);
    return v->n++;
}

/* A distinct value and how often it occurs, for ranking. */
typedef struct value_count {
    const char *name;
    size_t count;
} value_count;

/* Order of values: most frequent first, then by name. */
static int by_count_desc(const void *pa, const void *pb) {
    const value_count *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* Order of strings. */
static int str_cmp(const void *pa, const void *pb) {
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Turn the distinct values of v into a->cat[at] (the most frequent
** RISK_AUDIT_MAXCAT - 1 sorted by name, then "other" if any were pooled)
** and map[value index] = category code. */
static void attr_values_finish(attr_values *v, risk_audit *a, risk_attr at, int *map) {
    value_count *order = xmalloc((v->n ? v->n : 1) * sizeof *order);
    for (size_t i = 0; i < v->n; i++) order[i] = (value_count){v->name[i], v->count[i]};
    qsort(order, v->n, sizeof *order, by_count_desc);
    size_t keep = v->n < RISK_AUDIT_MAXCAT ? v->n : RISK_AUDIT_MAXCAT - 1;
    const char *kept[RISK_AUDIT_MAXCAT];
    for (size_t i = 0; i < keep; i++) kept[i] = order[i].name;
    qsort(kept, keep, sizeof *kept, str_cmp);
    for (size_t i = 0; i < keep; i++) a->cat[at][i] = xstrdup(kept[i]);
    a->ncat[at] = (int)keep;
    if (keep < v->n) a->cat[at][a->ncat[at]++] = xstrdup("other");
    for (size_t i = 0; i < v->n; i++) {
        map[i] = a->ncat[at] - 1;   /* "other" unless kept */
        for (size_t k = 0; k < keep; k++)
            if (strcmp(a->cat[at][k], v->name[i]) == 0) map[i] = (int)k;
    }
    free(order);
}

/* Release the distinct values. */
static void attr_values_free(attr_values *v) {
    for (size_t i = 0; i < v->n; i++) free(v->name[i]);
    free(v->name);
    free(v->count);
    hmap_free(v->index);
    memset(v, 0, sizeof *v);
}

/* Read learner_audit; see train.h. */
int risk_audit_load(store *st, int64_t inst, risk_audit *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    store_stmt *s = store_prepare(st,
        "SELECT learner_id, gender, migrant_background, special_needs, first_language"
        " FROM learner_audit WHERE institution_id = ? ORDER BY learner_id", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    attr_values gv = {hmap_new(), 0, 0, NULL, NULL}, lv = {hmap_new(), 0, 0, NULL, NULL};
    size_t cap = 0;
    int *graw = NULL, *lraw = NULL;   /* value index per row, -1 none */
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 256;
            out->learner_id = xrealloc(out->learner_id, cap * sizeof *out->learner_id);
            out->code = xrealloc(out->code, cap * sizeof *out->code);
            graw = xrealloc(graw, cap * sizeof *graw);
            lraw = xrealloc(lraw, cap * sizeof *lraw);
        }
        size_t i = out->n++;
        out->learner_id[i] = store_col_int64(s, 0);
        const char *g = store_col_text(s, 1), *l = store_col_text(s, 4);
        graw[i] = g && *g ? (int)attr_values_add(&gv, g) : -1;
        lraw[i] = l && *l ? (int)attr_values_add(&lv, l) : -1;
        if (graw[i] >= 0) gv.count[graw[i]]++;
        if (lraw[i] >= 0) lv.count[lraw[i]]++;
        out->code[i][RISK_ATTR_MIGRANT] =
            store_col_is_null(s, 2) ? -1 : (signed char)(store_col_int64(s, 2) != 0);
        out->code[i][RISK_ATTR_SEN] =
            store_col_is_null(s, 3) ? -1 : (signed char)(store_col_int64(s, 3) != 0);
    }
    store_finalize(s);
    if (rc < 0) {
        err_prefix(err, "reading the fairness attributes (learner_audit)");
        attr_values_free(&gv);
        attr_values_free(&lv);
        free(graw);
        free(lraw);
        risk_audit_free(out);
        return -1;
    }
    for (int at = RISK_ATTR_MIGRANT; at <= RISK_ATTR_SEN; at++) {
        out->cat[at][0] = xstrdup("no");
        out->cat[at][1] = xstrdup("yes");
        out->ncat[at] = 2;
    }
    int *gmap = xmalloc((gv.n ? gv.n : 1) * sizeof *gmap);
    int *lmap = xmalloc((lv.n ? lv.n : 1) * sizeof *lmap);
    attr_values_finish(&gv, out, RISK_ATTR_GENDER, gmap);
    attr_values_finish(&lv, out, RISK_ATTR_LANGUAGE, lmap);
    for (size_t i = 0; i < out->n; i++) {
        out->code[i][RISK_ATTR_GENDER] = graw[i] < 0 ? -1 : (signed char)gmap[graw[i]];
        out->code[i][RISK_ATTR_LANGUAGE] = lraw[i] < 0 ? -1 : (signed char)lmap[lraw[i]];
    }
    free(gmap);
    free(lmap);
    free(graw);
    free(lraw);
    attr_values_free(&gv);
    attr_values_free(&lv);
    return 0;
}

/* Release the audit. */
void risk_audit_free(risk_audit *a) {
    free(a->learner_id);
    free(a->code);
    for (int at = 0; at < RISK_ATTR_COUNT; at++)
        for (int c = 0; c < a->ncat[at]; c++) free(a->cat[at][c]);
    memset(a, 0, sizeof *a);
}

/* The learner's category code of attribute at, -1 when not recorded. */
int risk_audit_code(const risk_audit *a, int64_t learner_id, risk_attr at) {
    if (!a || (int)at < 0 || at >= RISK_ATTR_COUNT) return -1;
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->learner_id[mid] < learner_id) lo = mid + 1;
        else hi = mid;
    }
    return lo < a->n && a->learner_id[lo] == learner_id ? a->code[lo][at] : -1;
}
