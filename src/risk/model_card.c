/*
** risk/model_card.c — the model versions and the active model card (see
** model_card.h).
*/
#include "risk/model_card.h"
#include "base/mem.h"
#include <stdlib.h>
#include <string.h>

/* Every model version, newest first; *rows malloc'd, freed by the caller. */
int risk_model_versions(store *st, int64_t inst, risk_model_version **rows, size_t *n,
                        cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT version, created_at, created_by, horizon_weeks, active FROM risk_model"
        " WHERE institution_id = ? ORDER BY version DESC", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        risk_model_version *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        r->version = (int)store_col_int64(s, 0);
        str_copy(r->created_at, sizeof r->created_at, store_col_text(s, 1));
        str_copy(r->created_by, sizeof r->created_by, store_col_text(s, 2));
        r->horizon_weeks = (int)store_col_int64(s, 3);
        r->active = store_col_int64(s, 4) != 0;
    }
    store_finalize(s);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The active card: 1 found (*card malloc'd, freed by the caller), 0 none, -1 error. */
int risk_model_active_card(store *st, int64_t inst, char **card, int *version,
                           cairn_err *err) {
    *card = NULL;
    *version = 0;
    store_stmt *s = store_prepare(st, "SELECT version, card FROM risk_model"
                                      " WHERE institution_id = ? AND active = 1", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    int rc = store_step(s, err);
    if (rc == STORE_ROW) {
        *version = (int)store_col_int64(s, 0);
        const char *t = store_col_text(s, 1);
        *card = xstrdup(t ? t : "{}");
    }
    store_finalize(s);
    if (rc < 0) return -1;
    return rc == STORE_ROW;
}
