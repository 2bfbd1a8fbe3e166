/*
** risk/train.c — the learned model on a school's own history.
**
**   audit attributes  learner_audit read into category codes, for the
**                     fairness tables and (only when a person allows one)
**                     as model inputs;
**   columns           which inputs a model has, stored as a JSON list of
**                     codes so a stored model is always fed the same way;
**   training set      one row per (enrolment, finished school year, horizon),
**                     indicators as of that day (risk/train.h says why);
**   fitting           XGBoost with monotone constraints from each
**                     indicator's known direction, calibrated on
**                     out-of-fold log-odds (isotonic, or Platt when rows
**                     are few);
**   risk_train_run    evaluate the design time-aware, train on everything,
**                     store a new active version with its model card;
**   the predictor     the active model for `cairn score`, with reasons.
**
** Design choice, written into every card: ONE model for all horizons.  The
** horizons are points at which the history is sampled; scoring happens on
** any day of the year, not only at 4, 8 or 16 weeks, and the indicators
** already say how far into the year and the enrolment a learner is (weeks
** enrolled, term windows).  Pooling triples the rows a small school has,
** and one active model per institution keeps one version to audit.
*/
#include "risk/train.h"
#include "risk/evaluate.h"
#include "risk/explain.h"
#include "base/date.h"
#include "base/hmap.h"
#include "base/mem.h"
#include <jansson.h>
#include <math.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Lock key serialising model writes ("cairTRN"). */
#define TRAIN_LOCK_KEY 0x6361697254524eLL

/* Grow a malloc'd array to hold one more element. */
#define GROW(arr, len, cap)                                   \
    do {                                                      \
        if ((len) == (cap)) {                                 \
            (cap) = (cap) ? (cap) * 2 : 64;                   \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));   \
        }                                                     \
    } while (0)

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

/* 1 for the attributes stored as 0/1 (migrant background, special needs). */
static int attr_is_flag(risk_attr a) {
    return a == RISK_ATTR_MIGRANT || a == RISK_ATTR_SEN;
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

/* ---- model input columns ---------------------------------------------------------- */

/* Every indicator, no attribute. */
void risk_cols_default(risk_cols *c) {
    memset(c, 0, sizeof *c);
    for (int f = 0; f < RF_COUNT; f++) {
        risk_col *k = &c->col[c->n++];
        k->feature = f;
        k->attr = -1;
        snprintf(k->code, sizeof k->code, "%s", risk_feature_info_of((risk_feature)f)->code);
    }
}

/* Append one attribute column (if there is room and it is new). */
static void cols_push_attr(risk_cols *c, risk_attr at, const char *cat) {
    char code[96];
    if (cat && *cat) snprintf(code, sizeof code, "%s=%s", attr_names[at], cat);
    else snprintf(code, sizeof code, "%s", attr_names[at]);
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->col[i].code, code) == 0) return;
    if (c->n >= RISK_COLS_MAX) return;
    risk_col *k = &c->col[c->n++];
    k->feature = -1;
    k->attr = (int)at;
    snprintf(k->cat, sizeof k->cat, "%s", cat ? cat : "");
    snprintf(k->code, sizeof k->code, "%s", code);
}

/* Add attribute at as input; see train.h. */
void risk_cols_add_attr(risk_cols *c, const risk_audit *a, risk_attr at) {
    if (attr_is_flag(at)) {
        cols_push_attr(c, at, NULL);
        return;
    }
    for (int k = 0; a && k < a->ncat[at]; k++) cols_push_attr(c, at, a->cat[at][k]);
}

/* 1 if a column is attribute at. */
int risk_cols_has_attr(const risk_cols *c, risk_attr at) {
    for (size_t i = 0; i < c->n; i++)
        if (c->col[i].feature < 0 && c->col[i].attr == (int)at) return 1;
    return 0;
}

/* The column codes as a JSON array, appended to out. */
void risk_cols_json(const risk_cols *c, buf *out) {
    json_t *a = json_array();
    for (size_t i = 0; i < c->n; i++) json_array_append_new(a, json_string(c->col[i].code));
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    if (!s) abort();   /* only when out of memory */
    buf_puts(out, s);
    free(s);
}

/* The columns from a stored JSON array of codes. */
int risk_cols_parse(const char *text, risk_cols *c, cairn_err *err) {
    memset(c, 0, sizeof *c);
    json_error_t je;
    json_t *a = json_loads(text ? text : "", 0, &je);
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > RISK_COLS_MAX) {
        json_decref(a);
        return err_set(err, CAIRN_EDB, "the stored model's feature list is not a JSON array of "
                       "1 to %d codes", RISK_COLS_MAX);
    }
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *code = json_string_value(json_array_get(a, i));
        if (!code) {
            json_decref(a);
            return err_set(err, CAIRN_EDB, "the stored model's feature %zu is not a string", i + 1);
        }
        risk_col *k = &c->col[c->n];
        memset(k, 0, sizeof *k);
        k->feature = risk_feature_find(code);
        k->attr = -1;
        if (k->feature < 0) {
            const char *eq = strchr(code, '=');
            char name[64];
            size_t len = eq ? (size_t)(eq - code) : strlen(code);
            if (len >= sizeof name) len = sizeof name - 1;
            memcpy(name, code, len);
            name[len] = 0;
            k->attr = risk_attr_find(name);
            if (k->attr < 0 || (eq != NULL) == attr_is_flag((risk_attr)k->attr)) {
                err_set(err, CAIRN_EDB, "the stored model uses an input \"%s\" this version of "
                        "cairn does not know", code);
                json_decref(a);
                return -1;
            }
            snprintf(k->cat, sizeof k->cat, "%s", eq ? eq + 1 : "");
        }
        snprintf(k->code, sizeof k->code, "%s", code);
        c->n++;
    }
    json_decref(a);
    return 0;
}

/* The input matrix; see train.h. */
void risk_cols_matrix(const risk_cols *c, const risk_features *rows, size_t n,
                      const risk_audit *a, float *X) {
    for (size_t r = 0; r < n; r++) {
        float *x = X + r * c->n;
        for (size_t j = 0; j < c->n; j++) {
            const risk_col *k = &c->col[j];
            if (k->feature >= 0) {
                double v = rows[r].v[k->feature];
                x[j] = isfinite(v) ? (float)v : NAN;
                continue;
            }
            int code = risk_audit_code(a, rows[r].t.learner_id, (risk_attr)k->attr);
            if (code < 0) x[j] = NAN;
            else if (!k->cat[0]) x[j] = (float)code;
            else x[j] = strcmp(a->cat[k->attr][code], k->cat) == 0 ? 1.0f : 0.0f;
        }
    }
}

/* The monotone constraint per column. */
void risk_cols_monotone(const risk_cols *c, int *mono) {
    for (size_t j = 0; j < c->n; j++) {
        const risk_feature_info *fi =
            c->col[j].feature >= 0 ? risk_feature_info_of((risk_feature)c->col[j].feature) : NULL;
        mono[j] = fi ? fi->direction : 0;
    }
}

/* ---- the training set ----------------------------------------------------------------- */

/* A date column into *day; -1 when NULL or not a date. */
static int col_day(store_stmt *s, int col, int32_t *day) {
    const char *t = store_col_text(s, col);
    if (!t || date_parse(t, strlen(t), day) < 0) return -1;
    return 0;
}

/* Order of school years by first day. */
static int year_cmp(const void *pa, const void *pb) {
    const risk_school_year *a = pa, *b = pb;
    return (a->start > b->start) - (a->start < b->start);
}

/* The school years of the institution from its terms (each with its
** terms' first days), oldest first. */
static int years_load(store *st, int64_t inst, risk_school_year **out, size_t *n,
                      cairn_err *err) {
    *out = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT school_year, start_date, end_date FROM term"
        " WHERE institution_id = ? ORDER BY school_year, start_date", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        const char *name = store_col_text(s, 0) ? store_col_text(s, 0) : "";
        int32_t start, end;
        if (col_day(s, 1, &start) < 0 || col_day(s, 2, &end) < 0) {
            rc = err_set(err, CAIRN_EDB, "school year \"%s\" has a term date that is not "
                         "YYYY-MM-DD; re-import the terms", name);
            break;
        }
        risk_school_year *y = *n ? &(*out)[*n - 1] : NULL;
        if (!y || strcmp(y->name, name) != 0) {
            GROW(*out, *n, cap);
            y = &(*out)[(*n)++];
            memset(y, 0, sizeof *y);
            snprintf(y->name, sizeof y->name, "%s", name);
            y->start = start;
            y->end = end;
        }
        if (end > y->end) y->end = end;
        if (y->nterms < RISK_YEAR_TERMS_MAX) y->term_start[y->nterms++] = start;
    }
    store_finalize(s);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    if (*n) qsort(*out, *n, sizeof **out, year_cmp);
    return 0;
}

/* One enrolment as the training set needs it. */
typedef struct train_enrolment {
    int64_t id, learner_id, group_id;
    int32_t start, exit;      /* exit INT32_MAX when none */
    char status;              /* 'a'ctive, 'p'aused, 'c'ompleted, 'l'eft early, 't'ransferred */
} train_enrolment;

/* Every enrolment of the institution. */
static int enrolments_load(store *st, int64_t inst, train_enrolment **out, size_t *n,
                           cairn_err *err) {
    *out = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT id, learner_id, group_id, start_date, status, exit_date FROM enrolment"
        " WHERE institution_id = ? ORDER BY learner_id, id", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        train_enrolment e;
        e.id = store_col_int64(s, 0);
        e.learner_id = store_col_int64(s, 1);
        e.group_id = store_col_is_null(s, 2) ? 0 : store_col_int64(s, 2);
        const char *status = store_col_text(s, 4);
        e.status = status && *status ? status[0] : '?';
        e.exit = INT32_MAX;
        if (col_day(s, 3, &e.start) < 0 ||
            (!store_col_is_null(s, 5) && col_day(s, 5, &e.exit) < 0)) {
            rc = err_set(err, CAIRN_EDB, "enrolment id %lld has a date that is not YYYY-MM-DD; "
                         "re-import the enrolments", (long long)e.id);
            break;
        }
        GROW(*out, *n, cap);
        (*out)[(*n)++] = e;
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

/* Order of int64 values. */
static int i64_cmp(const void *pa, const void *pb) {
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

/* Distinct values among v[0..n) (v is sorted in place). */
static size_t count_distinct(int64_t *v, size_t n) {
    if (!n) return 0;
    qsort(v, n, sizeof *v, i64_cmp);
    size_t k = 1;
    for (size_t i = 1; i < n; i++) k += v[i] != v[i - 1];
    return k;
}

/* Build the training set; see train.h. */
int risk_trainset_build(store *st, int64_t inst, const int *h, size_t nh, risk_trainset *out,
                        cairn_err *err) {
    static const int dflt[] = RISK_HORIZONS_DEFAULT;
    memset(out, 0, sizeof *out);
    if (!h) {
        h = dflt;
        nh = sizeof dflt / sizeof *dflt;
    }
    if (nh == 0 || nh > RISK_HORIZONS_MAX)
        return err_set(err, CAIRN_EINVAL, "give 1 to %d horizons", RISK_HORIZONS_MAX);
    for (size_t i = 0; i < nh; i++)
        if (h[i] < 1 || h[i] > RISK_HORIZON_WEEKS_MAX)
            return err_set(err, CAIRN_EINVAL, "horizon %d weeks: use 1 to %d weeks", h[i],
                           RISK_HORIZON_WEEKS_MAX);

    risk_school_year *years = NULL;
    size_t nyears = 0;
    if (years_load(st, inst, &years, &nyears, err) < 0) return -1;
    if (nyears == 0)
        return err_set(err, CAIRN_EINVAL, "the school has no terms: training needs the school "
                       "calendar (import terms first)");
    /* the recorded period */
    int32_t data_first = 0, data_last = 0;
    {
        store_stmt *s = store_prepare(st, "SELECT min(date), max(date) FROM attendance"
                                          " WHERE institution_id = ?", err);
        if (!s) {
            free(years);
            return -1;
        }
        store_bind_int64(s, 1, inst);
        int rc = store_step(s, err);
        int ok = rc == STORE_ROW && col_day(s, 0, &data_first) == 0 && col_day(s, 1, &data_last) == 0;
        store_finalize(s);
        if (rc < 0) {
            free(years);
            return -1;
        }
        if (!ok) {
            free(years);
            return err_set(err, CAIRN_EINVAL, "the school has no attendance recorded yet: "
                           "there is no history to learn from");
        }
    }
    /* keep the finished years with recorded events */
    size_t ny = 0;
    int32_t today = date_today();
    for (size_t y = 0; y < nyears; y++) {
        if (years[y].start < data_first - 14) continue;   /* began before the records */
        if (years[y].end > data_last + 14 || years[y].end > today) continue;   /* not finished */
        years[ny++] = years[y];
    }
    if (ny == 0) {
        free(years);
        return err_set(err, CAIRN_EINVAL, "no finished school year with recorded attendance: "
                       "a model learns from years whose outcome is known (attendance runs from "
                       "the first to the last recorded day; a year counts once its last term "
                       "has ended)");
    }

    train_enrolment *en = NULL;
    size_t nen = 0;
    if (enrolments_load(st, inst, &en, &nen, err) < 0) {
        free(years);
        return -1;
    }
    risk_target *tg = NULL;
    size_t nt = 0, cap = 0;
    int *label = NULL, *year = NULL, *hor = NULL, *term = NULL;
    int32_t *exitd = NULL;
    for (size_t i = 0; i < nen; i++) {
        const train_enrolment *e = &en[i];
        if (e->status == 'p' || e->status == '?') continue;
        for (size_t y = 0; y < ny; y++) {
            const risk_school_year *sy = &years[y];
            if (e->start > sy->end || e->exit < sy->start) continue;
            int lab;
            int in_year = e->exit >= sy->start && e->exit <= sy->end;
            if (e->status == 'l' && in_year) lab = 1;
            else if (e->status == 't' && in_year) continue;
            else if (e->status == 'c' || e->exit > sy->end) lab = 0;
            else if (e->exit == INT32_MAX) lab = 0;
            else continue;   /* left or transferred before the year ended: not this year */
            if ((e->status == 'l' || e->status == 'c') && e->exit == INT32_MAX) continue;
            for (int tm = 0; tm < sy->nterms; tm++) {
                int32_t tend = tm + 1 < sy->nterms ? sy->term_start[tm + 1] - 1 : sy->end;
                if (e->start > tend) continue;   /* began in a later term */
                int32_t anchor = e->start > sy->term_start[tm] ? e->start : sy->term_start[tm];
                for (size_t k = 0; k < nh; k++) {
                    int32_t asof = anchor + 7 * h[k];
                    if (asof > sy->end || asof > data_last) continue;
                    if (e->exit != INT32_MAX && asof >= e->exit) continue;   /* gone by then */
                    if (nt == cap) {
                        cap = cap ? cap * 2 : 1024;
                        tg = xrealloc(tg, cap * sizeof *tg);
                        label = xrealloc(label, cap * sizeof *label);
                        year = xrealloc(year, cap * sizeof *year);
                        hor = xrealloc(hor, cap * sizeof *hor);
                        term = xrealloc(term, cap * sizeof *term);
                        exitd = xrealloc(exitd, cap * sizeof *exitd);
                    }
                    tg[nt] = (risk_target){e->learner_id, e->id, e->group_id, asof, e->start};
                    label[nt] = lab;
                    year[nt] = (int)y;
                    hor[nt] = h[k];
                    term[nt] = tm;
                    exitd[nt] = lab ? e->exit : INT32_MIN;
                    nt++;
                }
            }
        }
    }
    free(en);
    size_t pos = 0;
    for (size_t i = 0; i < nt; i++) pos += label[i] != 0;
    if (nt == 0 || pos == 0 || pos == nt) {
        free(tg);
        free(label);
        free(year);
        free(hor);
        free(term);
        free(exitd);
        free(years);
        if (nt == 0)
            return err_set(err, CAIRN_EINVAL, "no enrolment was open at the horizons in a "
                           "finished school year: nothing to learn from");
        return err_set(err, CAIRN_EINVAL, "all %zu rows of the finished school years have the "
                       "same outcome (%s): a model needs learners who left early and learners "
                       "who stayed", nt, pos ? "left early" : "stayed");
    }
    risk_features *rows = NULL;
    if (risk_features_compute(st, inst, tg, nt, &rows, err) < 0) {
        err_prefix(err, "computing the indicators of the training rows");
        free(tg);
        free(label);
        free(year);
        free(hor);
        free(term);
        free(exitd);
        free(years);
        return -1;
    }
    out->n = nt;
    out->rows = rows;
    out->label = label;
    out->year = year;
    out->horizon = hor;
    out->term = term;
    out->exit_day = exitd;
    out->nyears = ny;
    out->years = years;
    out->positives = pos;
    out->first_start = out->first_asof = INT32_MAX;
    out->last_start = out->last_asof = INT32_MIN;
    int64_t *ids = xmalloc(nt * sizeof *ids);
    for (size_t i = 0; i < nt; i++) {
        const risk_target *t = &tg[i];
        if (t->start < out->first_start) out->first_start = t->start;
        if (t->start > out->last_start) out->last_start = t->start;
        if (t->asof < out->first_asof) out->first_asof = t->asof;
        if (t->asof > out->last_asof) out->last_asof = t->asof;
        ids[i] = t->enrolment_id;
    }
    out->enrolments = count_distinct(ids, nt);
    size_t k = 0;
    for (size_t i = 0; i < nt; i++)
        if (label[i]) ids[k++] = tg[i].enrolment_id;
    out->leavers = count_distinct(ids, k);
    for (size_t i = 0; i < nt; i++) ids[i] = tg[i].learner_id;
    out->learners = count_distinct(ids, nt);
    free(ids);
    free(tg);
    return 0;
}

/* Release the training set. */
void risk_trainset_free(risk_trainset *s) {
    free(s->rows);
    free(s->label);
    free(s->year);
    free(s->horizon);
    free(s->term);
    free(s->exit_day);
    free(s->years);
    memset(s, 0, sizeof *s);
}

/* ---- fitting ------------------------------------------------------------------------------ */

/* The XGBoost settings for a school's history. */
void risk_train_defaults(risk_train_opts *o) {
    memset(o, 0, sizeof *o);
    o->rounds = 250;
    o->max_depth = 3;
    o->eta = 0.05;
    o->subsample = 0.8;
    o->colsample = 0.8;
    o->min_child_weight = 3;
    o->lambda = 1;
    o->nthread = 1;   /* a few thousand rows: one thread is faster than two that wait on
                         each other, and much faster on a busy machine */
    o->seed = 1;
}

/* A row index with its group, for sorting. */
typedef struct group_ix {
    int64_t group;
    size_t i;
} group_ix;

/* Order by group, then index. */
static int group_ix_cmp(const void *pa, const void *pb) {
    const group_ix *a = pa, *b = pb;
    if (a->group != b->group) return (a->group > b->group) - (a->group < b->group);
    return (a->i > b->i) - (a->i < b->i);
}

/* Stratified folds grouped by group; see train.h. */
void risk_group_folds(const int64_t *group, const int *label, size_t n, int k, uint64_t seed,
                      int *fold) {
    if (!n) return;
    group_ix *gx = xmalloc(n * sizeof *gx);
    for (size_t i = 0; i < n; i++) gx[i] = (group_ix){group[i], i};
    qsort(gx, n, sizeof *gx, group_ix_cmp);
    int *glab = xmalloc(n * sizeof *glab), *gfold = xmalloc(n * sizeof *gfold);
    size_t ng = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        int lab = 0;
        while (b < n && gx[b].group == gx[a].group) lab |= label[gx[b++].i] != 0;
        glab[ng++] = lab;
        a = b;
    }
    metric_stratified_folds(glab, ng, k, seed, gfold);
    size_t g = 0;
    for (size_t a = 0; a < n; g++) {
        size_t b = a;
        while (b < n && gx[b].group == gx[a].group) fold[gx[b++].i] = gfold[g];
        a = b;
    }
    free(gfold);
    free(glab);
    free(gx);
}

/* Train on the rows of X whose fold differs from f (f < 0: all rows). */
static int fit_rows(const float *X, size_t n, size_t k, const int *label, const int *fold, int f,
                    const risk_train_opts *o, risk_model **m, cairn_err *err) {
    float *Xs = xmalloc((n ? n : 1) * k * sizeof *Xs), *ys = xmalloc((n ? n : 1) * sizeof *ys);
    size_t m_rows = 0;
    for (size_t i = 0; i < n; i++) {
        if (f >= 0 && fold[i] == f) continue;
        memcpy(Xs + m_rows * k, X + i * k, k * sizeof *Xs);
        ys[m_rows++] = label[i] ? 1.0f : 0.0f;
    }
    int rc = risk_model_train(Xs, m_rows, k, ys, o, m, err);
    free(Xs);
    free(ys);
    return rc;
}

/* Train and calibrate; see train.h. */
int risk_fit(const float *X, size_t n, size_t k, const int *label, const int64_t *group,
             const risk_train_opts *o, risk_fitted *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) pos += label[i] != 0;
    if (n < 2 * RISK_CALIB_FOLDS || pos < 2 || n - pos < 2)
        return err_set(err, CAIRN_EINVAL, "%zu rows with %zu leavers are too few to train and "
                       "calibrate a model", n, pos);
    int *fold = xmalloc(n * sizeof *fold);
    risk_group_folds(group, label, n, RISK_CALIB_FOLDS, o && o->seed ? o->seed : 1, fold);
    double *oof = xmalloc(n * sizeof *oof);
    float *Xf = xmalloc(n * k * sizeof *Xf);
    size_t *idx = xmalloc(n * sizeof *idx);
    double *mf = xmalloc(n * sizeof *mf);
    int rc = 0;
    for (int f = 0; f < RISK_CALIB_FOLDS && rc == 0; f++) {
        size_t nf = 0;
        for (size_t i = 0; i < n; i++)
            if (fold[i] == f) {
                memcpy(Xf + nf * k, X + i * k, k * sizeof *Xf);
                idx[nf++] = i;
            }
        if (!nf) continue;
        risk_model *m = NULL;
        rc = fit_rows(X, n, k, label, fold, f, o, &m, err);
        if (rc == 0) rc = risk_model_margin(m, Xf, nf, k, mf, err);
        if (rc == 0)
            for (size_t j = 0; j < nf; j++) oof[idx[j]] = mf[j];
        risk_model_free(m);
    }
    free(mf);
    free(idx);
    free(Xf);
    free(fold);
    if (rc == 0) {
        size_t neg = n - pos;
        if (n >= RISK_ISOTONIC_MIN_ROWS && pos >= RISK_ISOTONIC_MIN_CLASS &&
            neg >= RISK_ISOTONIC_MIN_CLASS) {
            out->calib = RISK_CALIB_ISOTONIC;
            rc = metric_isotonic_fit(oof, label, n, &out->iso, err);
        } else {
            out->calib = RISK_CALIB_PLATT;
            rc = metric_platt_fit(oof, label, n, &out->platt_a, &out->platt_b, err);
        }
        if (rc < 0) err_prefix(err, "calibrating the model");
    }
    free(oof);
    if (rc == 0) rc = fit_rows(X, n, k, label, NULL, -1, o, &out->model, err);
    if (rc < 0) risk_fitted_free(out);
    return rc;
}

/* The calibrated probability of one log-odds value. */
double risk_fitted_calibrate(const risk_fitted *f, double margin) {
    double p;
    if (isnan(margin)) return NAN;
    if (f->calib == RISK_CALIB_ISOTONIC) p = metric_isotonic_apply(&f->iso, margin);
    else if (f->calib == RISK_CALIB_PLATT) p = metric_platt_apply(f->platt_a, f->platt_b, margin);
    else p = 1.0 / (1.0 + exp(-margin));
    if (p < 0) p = 0;
    if (p > 1) p = 1;
    return p;
}

/* Calibrated probabilities (and margins) of n rows. */
int risk_fitted_predict(risk_fitted *f, const float *X, size_t n, size_t k, double *prob,
                        double *margin, cairn_err *err) {
    if (!n) return 0;
    double *m = margin ? margin : xmalloc(n * sizeof *m);
    int rc = risk_model_margin(f->model, X, n, k, m, err);
    if (rc == 0)
        for (size_t i = 0; i < n; i++) prob[i] = risk_fitted_calibrate(f, m[i]);
    if (!margin) free(m);
    return rc;
}

/* The calibration as JSON. */
void risk_fitted_calibration_json(const risk_fitted *f, buf *out) {
    json_t *o = json_object();
    if (f->calib == RISK_CALIB_ISOTONIC) {
        json_object_set_new(o, "method", json_string("isotonic"));
        json_object_set_new(o, "on", json_string("log-odds"));
        json_t *x = json_array(), *y = json_array();
        for (size_t i = 0; i < f->iso.n; i++) {
            json_array_append_new(x, json_real(f->iso.x[i]));
            json_array_append_new(y, json_real(f->iso.y[i]));
        }
        json_object_set_new(o, "x", x);
        json_object_set_new(o, "y", y);
    } else if (f->calib == RISK_CALIB_PLATT) {
        json_object_set_new(o, "method", json_string("platt"));
        json_object_set_new(o, "on", json_string("log-odds"));
        json_object_set_new(o, "a", json_real(f->platt_a));
        json_object_set_new(o, "b", json_real(f->platt_b));
    } else {
        json_object_set_new(o, "method", json_string("none"));
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(o);
    if (!s) abort();   /* only when out of memory */
    buf_puts(out, s);
    free(s);
}

/* Read a stored calibration into f. */
int risk_fitted_calibration_parse(const char *text, risk_fitted *f, cairn_err *err) {
    json_error_t je;
    json_t *o = text ? json_loads(text, 0, &je) : NULL;
    const char *method = json_string_value(json_object_get(o, "method"));
    int rc = 0;
    metric_isotonic_free(&f->iso);
    if (method && strcmp(method, "isotonic") == 0) {
        json_t *x = json_object_get(o, "x"), *y = json_object_get(o, "y");
        size_t n = json_array_size(x);
        if (!json_is_array(x) || !json_is_array(y) || n == 0 || json_array_size(y) != n) {
            rc = err_set(err, CAIRN_EDB, "the stored isotonic calibration is not two arrays of "
                         "the same length");
        } else {
            f->iso.n = n;
            f->iso.x = xmalloc(n * sizeof *f->iso.x);
            f->iso.y = xmalloc(n * sizeof *f->iso.y);
            for (size_t i = 0; i < n; i++) {
                f->iso.x[i] = json_number_value(json_array_get(x, i));
                f->iso.y[i] = json_number_value(json_array_get(y, i));
            }
            f->calib = RISK_CALIB_ISOTONIC;
        }
    } else if (method && strcmp(method, "platt") == 0 && json_is_number(json_object_get(o, "a")) &&
               json_is_number(json_object_get(o, "b"))) {
        f->platt_a = json_number_value(json_object_get(o, "a"));
        f->platt_b = json_number_value(json_object_get(o, "b"));
        f->calib = RISK_CALIB_PLATT;
    } else if (method && strcmp(method, "none") == 0) {
        f->calib = RISK_CALIB_NONE;
    } else {
        rc = err_set(err, CAIRN_EDB, "the stored calibration is not one cairn writes");
    }
    json_decref(o);
    return rc;
}

/* Release the model and calibration. */
void risk_fitted_free(risk_fitted *f) {
    risk_model_free(f->model);
    metric_isotonic_free(&f->iso);
    memset(f, 0, sizeof *f);
}

/* ---- training a school's model ------------------------------------------------------------ */

/* Check the horizons and attribute names. */
int risk_train_config_check(const risk_train_config *c, cairn_err *err) {
    if (c->horizons) {
        if (c->nhorizons == 0 || c->nhorizons > RISK_HORIZONS_MAX)
            return err_set(err, CAIRN_EINVAL, "give 1 to %d horizons", RISK_HORIZONS_MAX);
        for (size_t i = 0; i < c->nhorizons; i++) {
            if (c->horizons[i] < 1 || c->horizons[i] > RISK_HORIZON_WEEKS_MAX)
                return err_set(err, CAIRN_EINVAL, "horizon %d weeks: use 1 to %d weeks",
                               c->horizons[i], RISK_HORIZON_WEEKS_MAX);
            for (size_t j = 0; j < i; j++)
                if (c->horizons[j] == c->horizons[i])
                    return err_set(err, CAIRN_EINVAL, "horizon %d weeks is given twice",
                                   c->horizons[i]);
        }
    }
    for (size_t i = 0; i < c->nallow; i++)
        if (risk_attr_find(c->allow[i]) < 0)
            return err_set(err, CAIRN_EINVAL, "unknown attribute \"%s\": the fairness attributes "
                           "are gender, migrant_background, special_needs and first_language",
                           c->allow[i]);
    if (c->nthread < 0 || c->nthread > 256)
        return err_set(err, CAIRN_EINVAL, "%d threads: use 1 to 256", c->nthread);
    return 0;
}

/* The operating-system user's name into out. */
static void os_user(char *out, size_t cap) {
    struct passwd *pw = getpwuid(geteuid());
    const char *name = pw && pw->pw_name ? pw->pw_name : getenv("USER");
    snprintf(out, cap, "%s", name && *name ? name : "unknown");
}

/* A date as a JSON string. */
static json_t *jdate(int32_t day) {
    char d[DATE_TEXT_LEN];
    date_format(day, d);
    return json_string(d);
}

/* A number, or null when not finite. */
static json_t *jnum(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

/* The model card (see risk/train.h and docs/risk.md). */
static json_t *card_build(int version, const char *inst_code, const char *now, const char *who,
                          const risk_trainset *ts, const int *h, size_t nh, const risk_cols *cols,
                          const int *mono, const risk_train_config *c, const risk_train_opts *o,
                          const risk_fitted *fit, const risk_eval *ev) {
    json_t *card = json_object();
    json_object_set_new(card, "model", json_string("gradient-boosted trees (XGBoost, "
                                                   "binary:logistic), calibrated"));
    json_object_set_new(card, "version", json_integer(version));
    json_object_set_new(card, "institution", json_string(inst_code));
    json_object_set_new(card, "trained_at", json_string(now));
    json_object_set_new(card, "trained_by", json_string(who));
    json_object_set_new(card, "purpose",
        json_string("to point a person at learners who may leave early, so that someone talks "
                    "with them; never an automatic decision"));
    json_object_set_new(card, "outcome",
        json_string("1 = left early before the end of the school year; 0 = still enrolled at "
                    "its end (completed, or went on to the next year). Transfers and pauses "
                    "are left out."));
    json_t *ha = json_array();
    for (size_t i = 0; i < nh; i++) json_array_append_new(ha, json_integer(h[i]));
    json_object_set_new(card, "horizons_weeks", ha);
    json_object_set_new(card, "horizons_from",
                        json_string("the start of each term of the school year, or the "
                                    "enrolment's start when it began later"));
    json_object_set_new(card, "design",
        json_string("one model for all horizons: each learner is taken at every horizon "
                    "after the start of every term (or of the enrolment, when it began later) "
                    "as a separate row. Scoring happens on any day of the year, not only at a "
                    "horizon; the indicators already say how far into the term and the "
                    "enrolment a learner is; pooling gives a small school many times the rows; "
                    "and one active model keeps one version to audit."));

    json_t *data = json_object();
    json_object_set_new(data, "first_start", jdate(ts->first_start));
    json_object_set_new(data, "last_start", jdate(ts->last_start));
    json_object_set_new(data, "first_asof", jdate(ts->first_asof));
    json_object_set_new(data, "last_asof", jdate(ts->last_asof));
    json_t *ya = json_array();
    for (size_t y = 0; y < ts->nyears; y++) json_array_append_new(ya, json_string(ts->years[y].name));
    json_object_set_new(data, "school_years", ya);
    json_object_set_new(data, "enrolments", json_integer((json_int_t)ts->enrolments));
    json_object_set_new(data, "leavers", json_integer((json_int_t)ts->leavers));
    json_object_set_new(data, "learners", json_integer((json_int_t)ts->learners));
    json_object_set_new(data, "rows", json_integer((json_int_t)ts->n));
    json_object_set_new(data, "rows_left_early", json_integer((json_int_t)ts->positives));
    json_object_set_new(card, "data", data);

    json_t *fa = json_array();
    for (size_t j = 0; j < cols->n; j++) {
        const risk_col *k = &cols->col[j];
        json_t *fo = json_object();
        json_object_set_new(fo, "code", json_string(k->code));
        if (k->feature >= 0) {
            const risk_feature_info *fi = risk_feature_info_of((risk_feature)k->feature);
            json_object_set_new(fo, "name", json_string(fi->name));
            json_object_set_new(fo, "unit", json_string(fi->unit));
        } else {
            char name[160];
            if (k->cat[0]) snprintf(name, sizeof name, "%s is %s", attr_names[k->attr], k->cat);
            else snprintf(name, sizeof name, "%s (1 = yes)", attr_names[k->attr]);
            json_object_set_new(fo, "name", json_string(name));
            json_object_set_new(fo, "unit", json_string("0/1"));
            json_object_set_new(fo, "fairness_attribute", json_true());
        }
        json_object_set_new(fo, "monotone", json_integer(mono[j]));
        json_array_append_new(fa, fo);
    }
    json_object_set_new(card, "features", fa);
    json_object_set_new(card, "monotone",
        json_string("+1: a higher value never lowers the estimate (e.g. more unexcused "
                    "absence); -1: a higher value never raises it (e.g. more attendance); "
                    "0: free"));

    json_t *attrs = json_object(), *inc = json_array(), *exc = json_array();
    for (int at = 0; at < RISK_ATTR_COUNT; at++) {
        int allowed = 0;
        for (size_t i = 0; i < c->nallow; i++) allowed |= strcmp(c->allow[i], attr_names[at]) == 0;
        json_array_append_new(allowed ? inc : exc, json_string(attr_names[at]));
    }
    json_object_set_new(attrs, "excluded", exc);
    json_object_set_new(attrs, "included", inc);
    json_object_set_new(attrs, "note",
        json_string(json_array_size(inc)
                        ? "an administrator allowed the included attributes as model inputs; "
                          "the excluded ones are used only for the fairness table"
                        : "no fairness attribute is a model input; they are used only for the "
                          "fairness table"));
    json_object_set_new(card, "attributes", attrs);

    json_t *par = json_object();
    json_object_set_new(par, "rounds", json_integer(o->rounds));
    json_object_set_new(par, "max_depth", json_integer(o->max_depth));
    json_object_set_new(par, "eta", json_real(o->eta));
    json_object_set_new(par, "subsample", json_real(o->subsample));
    json_object_set_new(par, "colsample", json_real(o->colsample));
    json_object_set_new(par, "min_child_weight", json_real(o->min_child_weight));
    json_object_set_new(par, "lambda", json_real(o->lambda));
    json_object_set_new(par, "nthread", json_integer(o->nthread));
    json_object_set_new(par, "seed", json_integer((json_int_t)o->seed));
    json_object_set_new(par, "tree_method", json_string("hist"));
    json_object_set_new(card, "parameters", par);

    json_t *cal = json_object();
    int iso = fit->calib == RISK_CALIB_ISOTONIC;
    json_object_set_new(cal, "method", json_string(iso ? "isotonic" : "platt"));
    json_object_set_new(cal, "fitted_on",
        json_string("out-of-fold log-odds of a 5-fold cross-validation grouped by learner, so "
                    "no learner's estimate comes from a model that saw them"));
    char why[256];
    snprintf(why, sizeof why, iso ? "%zu rows (at least %d, with at least %d of each outcome): "
                                    "enough for isotonic regression, which assumes no shape"
                                  : "%zu rows (isotonic needs at least %d, with at least %d of "
                                    "each outcome): Platt scaling, a two-number fit, is safer",
             ts->n, RISK_ISOTONIC_MIN_ROWS, RISK_ISOTONIC_MIN_CLASS);
    json_object_set_new(cal, "why", json_string(why));
    json_object_set_new(card, "calibration", cal);

    json_t *evj = risk_eval_json_value(ev);
    json_t *eo = json_object();
    json_object_set_new(eo, "method", json_string(ev->method));
    json_object_set_new(eo, "roc_auc", jnum(ev->model.roc_auc));
    json_object_set_new(eo, "pr_auc", jnum(ev->model.pr_auc));
    json_object_set_new(eo, "brier", jnum(ev->model.brier));
    json_object_set_new(eo, "rules_roc_auc", jnum(ev->rules.roc_auc));
    if (evj) json_object_update(eo, evj);
    json_object_set_new(card, "evaluation", eo);
    json_t *fair = evj ? json_object_get(json_object_get(evj, "model"), "fairness") : NULL;
    json_object_set(card, "fairness", fair ? fair : json_array());
    json_object_set_new(card, "fairness_note",
        json_string("figures per group of each audit attribute on the evaluation rows, flagged "
                    "= selective tier or above; groups too small to show without pointing at "
                    "individuals are suppressed"));
    json_decref(evj);
    return card;
}

/* Append the model bytes as base64 text. */
static char *model_base64(const buf *bytes) {
    size_t cap = sodium_base64_ENCODED_LEN(bytes->len, sodium_base64_VARIANT_ORIGINAL);
    char *b = xmalloc(cap);
    sodium_bin2base64(b, cap, (const unsigned char *)bytes->data, bytes->len,
                      sodium_base64_VARIANT_ORIGINAL);
    return b;
}

/* The institution's code (for the card). */
static void inst_code_of(store *st, int64_t inst, char *out, size_t cap) {
    cairn_err e = {0};
    out[0] = 0;
    store_stmt *s = store_prepare(st, "SELECT code FROM institution WHERE id = ?", &e);
    if (!s) return;
    store_bind_int64(s, 1, inst);
    if (store_step(s, &e) == STORE_ROW && store_col_text(s, 0))
        snprintf(out, cap, "%s", store_col_text(s, 0));
    store_finalize(s);
}

/* Store the model as the next version, active; *version gets it. */
static int model_store(store *st, int64_t inst, int horizon, const char *now, const char *who,
                       const char *features, json_t *card, const char *model_b64,
                       const char *calibration, int *version, cairn_err *err) {
    if (store_tx_begin_write(st, TRAIN_LOCK_KEY, err) < 0) return -1;
    int64_t v = 0;
    int rc = store_query_int64(st, "SELECT coalesce(max(version), 0) FROM risk_model"
                                   " WHERE institution_id = ?", inst, &v, err);
    char *card_text = NULL;
    if (rc == 0) {
        *version = (int)v + 1;
        json_object_set_new(card, "version", json_integer(*version));
        card_text = json_dumps(card, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (!card_text) abort();   /* only when out of memory */
        store_stmt *s = store_prepare(st, "UPDATE risk_model SET active = 0"
                                          " WHERE institution_id = ? AND active = 1", err);
        if (!s) rc = -1;
        else {
            store_bind_int64(s, 1, inst);
            if (store_step(s, err) < 0) rc = -1;
            store_finalize(s);
        }
    }
    if (rc == 0) {
        store_stmt *s = store_prepare(st,
            "INSERT INTO risk_model (institution_id, version, created_at, created_by,"
            " horizon_weeks, features, card, model, calibration, active)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", err);
        if (!s) rc = -1;
        else {
            store_bind_int64(s, 1, inst);
            store_bind_int64(s, 2, *version);
            store_bind_text(s, 3, now, (size_t)-1);
            store_bind_text(s, 4, who, (size_t)-1);
            store_bind_int64(s, 5, horizon);
            store_bind_text(s, 6, features, (size_t)-1);
            store_bind_text(s, 7, card_text, (size_t)-1);
            store_bind_text(s, 8, model_b64, (size_t)-1);
            store_bind_text(s, 9, calibration, (size_t)-1);
            if (store_step(s, err) < 0) rc = -1;
            store_finalize(s);
        }
    }
    free(card_text);
    if (rc < 0) {
        store_tx_rollback(st);
        err_prefix(err, "storing the model");
        return -1;
    }
    return store_tx_commit(st, err);
}

/* Train and store a school's model; see train.h. */
int risk_train_run(store *st, int64_t inst, const risk_train_config *c, risk_train_result *out,
                   cairn_err *err) {
    static const int dflt[] = RISK_HORIZONS_DEFAULT;
    memset(out, 0, sizeof *out);
    if (risk_train_config_check(c, err) < 0) return -1;
    const int *h = c->horizons ? c->horizons : dflt;
    size_t nh = c->horizons ? c->nhorizons : sizeof dflt / sizeof *dflt;
    if (store_in_tx(st))
        return err_set(err, CAIRN_EINTERNAL, "risk_train_run must not run inside a transaction");

    risk_trainset ts;
    risk_audit audit;
    if (risk_trainset_build(st, inst, h, nh, &ts, err) < 0) return -1;
    if (risk_audit_load(st, inst, &audit, err) < 0) {
        risk_trainset_free(&ts);
        return -1;
    }
    risk_cols cols;
    risk_cols_default(&cols);
    for (size_t i = 0; i < c->nallow; i++)
        risk_cols_add_attr(&cols, &audit, (risk_attr)risk_attr_find(c->allow[i]));
    int mono[RISK_COLS_MAX];
    risk_cols_monotone(&cols, mono);
    risk_train_opts o;
    risk_train_defaults(&o);
    if (c->nthread) o.nthread = c->nthread;
    if (c->seed) o.seed = c->seed;
    o.monotone = mono;

    risk_eval *ev = xcalloc(1, sizeof *ev);
    risk_eval_opts eo = {0};
    eo.lead_time = 1;
    eo.seed = o.seed;
    if (ts.nyears < 2) eo.folds = 5;   /* one year: no later year to hold out */
    risk_fitted fit = {0};
    float *X = NULL;
    int64_t *grp = NULL;
    buf bytes = BUF_INIT, feat = BUF_INIT, calj = BUF_INIT;
    char *b64 = NULL;
    json_t *card = NULL;
    int rc = risk_eval_school(st, inst, &ts, &cols, &audit, &o, &eo, ev, err);
    if (rc < 0) err_prefix(err, "evaluating the model before training it on everything");
    if (rc == 0) {
        X = xmalloc(ts.n * cols.n * sizeof *X);
        grp = xmalloc(ts.n * sizeof *grp);
        risk_cols_matrix(&cols, ts.rows, ts.n, &audit, X);
        for (size_t i = 0; i < ts.n; i++) grp[i] = ts.rows[i].t.learner_id;
        rc = risk_fit(X, ts.n, cols.n, ts.label, grp, &o, &fit, err);
    }
    if (rc == 0) rc = risk_model_save(fit.model, &bytes, err);
    if (rc == 0) {
        char now[32], who[128], code[128];
        date_now_iso(now);
        if (c->by && *c->by) snprintf(who, sizeof who, "%s", c->by);
        else os_user(who, sizeof who);
        inst_code_of(st, inst, code, sizeof code);
        b64 = model_base64(&bytes);
        risk_cols_json(&cols, &feat);
        risk_fitted_calibration_json(&fit, &calj);
        card = card_build(0, code, now, who, &ts, h, nh, &cols, mono, c, &o, &fit, ev);
        int hmin = h[0];
        for (size_t i = 1; i < nh; i++)
            if (h[i] < hmin) hmin = h[i];
        rc = model_store(st, inst, hmin, now, who, buf_cstr(&feat), card, b64, buf_cstr(&calj),
                         &out->version, err);
    }
    if (rc == 0) {
        out->rows = ts.n;
        out->positives = ts.positives;
        out->enrolments = ts.enrolments;
        out->leavers = ts.leavers;
        out->roc_auc = ev->model.roc_auc;
        out->pr_auc = ev->model.pr_auc;
        out->brier = ev->model.brier;
        snprintf(out->evaluation, sizeof out->evaluation, "%s", ev->method);
        out->calib = fit.calib;
        out->card = json_dumps(card, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (!out->card) abort();   /* only when out of memory */
    }
    json_decref(card);
    free(b64);
    buf_free(&bytes);
    buf_free(&feat);
    buf_free(&calj);
    free(grp);
    free(X);
    risk_fitted_free(&fit);
    free(ev);
    risk_audit_free(&audit);
    risk_trainset_free(&ts);
    return rc;
}

/* Release the card. */
void risk_train_result_free(risk_train_result *r) {
    free(r->card);
    r->card = NULL;
}

/* ---- a stored model ---------------------------------------------------------------------------- */

/* Load the active (version 0) or a given model; see train.h. */
int risk_loaded_load(store *st, int64_t inst, int version, risk_loaded *out, int *found,
                     cairn_err *err) {
    memset(out, 0, sizeof *out);
    *found = 0;
    store_stmt *s = store_prepare(st, version
        ? "SELECT version, horizon_weeks, features, card, model, calibration FROM risk_model"
          " WHERE institution_id = ? AND version = ?"
        : "SELECT version, horizon_weeks, features, card, model, calibration FROM risk_model"
          " WHERE institution_id = ? AND active = 1", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    if (version) store_bind_int64(s, 2, version);
    int rc = store_step(s, err);
    if (rc != STORE_ROW) {
        store_finalize(s);
        return rc < 0 ? -1 : 0;
    }
    out->version = (int)store_col_int64(s, 0);
    out->horizon_weeks = (int)store_col_int64(s, 1);
    const char *b64 = store_col_text(s, 4);
    size_t blen = b64 ? strlen(b64) : 0;
    unsigned char *bin = xmalloc(blen + 1);
    size_t nbin = 0;
    rc = 0;
    if (!b64 || sodium_base642bin(bin, blen + 1, b64, blen, " \n\r", &nbin, NULL,
                                  sodium_base64_VARIANT_ORIGINAL) != 0)
        rc = err_set(err, CAIRN_EDB, "stored model version %d is not base64 text", out->version);
    if (rc == 0) rc = risk_cols_parse(store_col_text(s, 2), &out->cols, err);
    if (rc == 0) rc = risk_fitted_calibration_parse(store_col_text(s, 5), &out->fit, err);
    if (rc == 0) rc = risk_model_load(bin, nbin, &out->fit.model, err);
    if (rc == 0 && risk_model_ncols(out->fit.model) != out->cols.n)
        rc = err_set(err, CAIRN_EDB, "stored model version %d has %zu inputs but lists %zu",
                     out->version, risk_model_ncols(out->fit.model), out->cols.n);
    if (rc == 0) out->card = xstrdup(store_col_text(s, 3) ? store_col_text(s, 3) : "{}");
    free(bin);
    store_finalize(s);
    if (rc < 0) {
        err_prefix(err, "loading the model");
        risk_loaded_free(out);
        return -1;
    }
    *found = 1;
    return 0;
}

/* Release the loaded model. */
void risk_loaded_free(risk_loaded *m) {
    risk_fitted_free(&m->fit);
    free(m->card);
    memset(m, 0, sizeof *m);
}

/* Rows predicted (and explained) per block: bounds the contribution matrix. */
#define PREDICT_BLOCK 8192

/* Predict and explain rows with a loaded model; see train.h. */
int risk_loaded_predict(risk_loaded *m, store *st, int64_t inst, const risk_features *rows,
                        size_t n, risk_prediction *out, cairn_err *err) {
    risk_audit audit;
    memset(&audit, 0, sizeof audit);
    int need_audit = 0;
    for (size_t j = 0; j < m->cols.n; j++) need_audit |= m->cols.col[j].feature < 0;
    if (need_audit && risk_audit_load(st, inst, &audit, err) < 0) return -1;
    size_t k = m->cols.n;
    int colf[RISK_COLS_MAX];
    for (size_t j = 0; j < k; j++) colf[j] = m->cols.col[j].feature;
    size_t blk = n < PREDICT_BLOCK ? n : PREDICT_BLOCK;
    float *X = xmalloc((blk ? blk : 1) * k * sizeof *X);
    double *margin = xmalloc((blk ? blk : 1) * sizeof *margin);
    double *contrib = xmalloc((blk ? blk : 1) * (k + 1) * sizeof *contrib);
    int rc = 0;
    for (size_t at = 0; at < n && rc == 0; at += blk) {
        size_t nb = n - at < blk ? n - at : blk;
        risk_cols_matrix(&m->cols, rows + at, nb, need_audit ? &audit : NULL, X);
        rc = risk_model_margin(m->fit.model, X, nb, k, margin, err);
        if (rc == 0) rc = risk_model_contributions(m->fit.model, X, nb, k, contrib, err);
        for (size_t i = 0; rc == 0 && i < nb; i++) {
            risk_prediction *p = &out[at + i];
            memset(p, 0, sizeof *p);
            p->probability = risk_fitted_calibrate(&m->fit, margin[i]);
            risk_explain_pick(contrib + i * (k + 1), colf, k, rows[at + i].v, RISK_MODEL_REASONS, p);
        }
    }
    free(contrib);
    free(margin);
    free(X);
    risk_audit_free(&audit);
    if (rc < 0) err_prefix(err, "model version %d", m->version);
    return rc;
}

/* The active model as the scoring predictor; see train.h. */
int risk_train_predict_active(void *ctx, store *st, int64_t inst, const risk_features *rows,
                              size_t n, risk_prediction *out, int *model_version, cairn_err *err) {
    (void)ctx;
    *model_version = 0;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].probability = NAN;
    }
    risk_loaded m;
    int found;
    if (risk_loaded_load(st, inst, 0, &m, &found, err) < 0) return -1;
    if (!found) return 0;
    int rc = risk_loaded_predict(&m, st, inst, rows, n, out, err);
    if (rc == 0) *model_version = m.version;
    risk_loaded_free(&m);
    return rc;
}
