/*
** risk/train_cols.c — which inputs a model has: every indicator, plus the
** fairness attributes an administrator allowed.  Stored as a JSON list of
** codes, so a stored model is always fed the same way; the input matrix and
** the monotone constraints follow the list.
*/
#include "risk/train.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- model input columns ---------------------------------------------------------- */

/* 1 for the attributes stored as 0/1 (migrant background, special needs). */
static int attr_is_flag(risk_attr a) {
    return a == RISK_ATTR_MIGRANT || a == RISK_ATTR_SEN;
}

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

/* Every indicator, no attribute, but none of the platform metrics that no
** row of rows[0..n) knows: a school sends some of them (minutes, clicks,
** logins, submissions, forum posts), and an input its data never has
** would only be noise in the model and a false promise on its page. */
void risk_cols_for(risk_cols *c, const risk_features *rows, size_t n) {
    risk_cols_default(c);
    unsigned known = risk_metrics_known(rows, n);
    size_t w = 0;
    for (size_t i = 0; i < c->n; i++) {
        int drop = 0;
        for (int k = 1; k < RISK_METRIC_KINDS; k++)
            if (c->col[i].feature == risk_metric_feature(k) && !(known & (1u << k))) drop = 1;
        if (!drop) c->col[w++] = c->col[i];
    }
    c->n = w;
}

/* Append one attribute column (if there is room and it is new). */
static void cols_push_attr(risk_cols *c, risk_attr at, const char *cat) {
    char code[96];
    if (cat && *cat) snprintf(code, sizeof code, "%s=%s", risk_attr_name(at), cat);
    else snprintf(code, sizeof code, "%s", risk_attr_name(at));
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
