/*
** store/store_query.c — convenience readers over the statement API:
** one integer, or a column of ids.
*/
#include "store/store_internal.h"
#include "base/arena.h"
#include "base/mem.h"
#include <stdlib.h>

/* First column of the first row of sql as an integer; see store.h. */
int store_query_int64(store *st, const char *sql, int64_t param, int64_t *out, cairn_err *err) {
    *out = 0;
    store_stmt *s = store_prepare(st, sql, err);
    if (!s) return -1;
    if (param >= 0 && s->ops->param_count(s) > 0) store_bind_int64(s, 1, param);
    int rc = store_step(s, err);
    if (rc == STORE_ROW) *out = store_col_int64(s, 0);
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* Step s (prepared and bound) to its end, collecting its first column into
** *ids (malloc'd, the caller frees; NULL when none) and their number into
** *n; s is finalized.  0, or -1 with err set (*ids NULL, *n 0). */
int store_stmt_ids(store_stmt *s, int64_t **ids, size_t *n, cairn_err *err) {
    *ids = NULL;
    *n = 0;
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            *ids = xrealloc(*ids, cap * sizeof **ids);
        }
        (*ids)[(*n)++] = store_col_int64(s, 0);
    }
    store_finalize(s);
    if (rc < 0) {
        free(*ids);
        *ids = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* Column col's text copied into a ("" for NULL); see store.h. */
const char *store_col_dup(store_stmt *s, int col, arena *a) {
    const char *t = store_col_text(s, col);
    return arena_strdup(a, t ? t : "");
}
