/*
** web/list_view.c — remembered list filters per account (see list_view.h).
*/
#include "web/list_view.h"
#include "base/date.h"
#include <assert.h>
#include <string.h>

/* The remembered query string of account_id's list (see list_view.h). */
int list_view_load(store *st, int64_t account_id, const char *list, buf *out, cairn_err *err) {
    assert(st && list && out);
    store_stmt *s = store_prepare(st, "SELECT query FROM list_view WHERE account_id = ?"
                                      " AND list = ?", err);
    if (!s) return -1;
    store_bind_int64(s, 1, account_id);
    store_bind_text(s, 2, list, (size_t)-1);
    int rc = store_step(s, err);
    int found = 0;
    if (rc == STORE_ROW) {
        const char *q = store_col_text(s, 0);
        if (q && *q) {
            buf_puts(out, q);   /* not HTML: a URL query string */
            found = 1;
        }
    }
    store_finalize(s);
    return rc < 0 ? -1 : found;
}

/* Remember (or, with "", forget) account_id's list query (see list_view.h). */
int list_view_save(store *st, int64_t account_id, const char *list, const char *query,
                   cairn_err *err) {
    assert(st && list && query);
    if (strlen(query) > LIST_VIEW_QUERY_MAX)
        return err_set(err, CAIRN_EINVAL, "a list's filters are longer than %d bytes",
                       LIST_VIEW_QUERY_MAX);
    store_stmt *s;
    if (!*query) {
        s = store_prepare(st, "DELETE FROM list_view WHERE account_id = ? AND list = ?", err);
        if (!s) return -1;
        store_bind_int64(s, 1, account_id);
        store_bind_text(s, 2, list, (size_t)-1);
    } else {
        char now[32];
        date_now_iso(now);
        s = store_prepare(st, "INSERT INTO list_view (account_id, list, query, saved_at)"
                              " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, list) DO UPDATE"
                              " SET query = excluded.query, saved_at = excluded.saved_at", err);
        if (!s) return -1;
        store_bind_int64(s, 1, account_id);
        store_bind_text(s, 2, list, (size_t)-1);
        store_bind_text(s, 3, query, (size_t)-1);
        store_bind_text(s, 4, now, (size_t)-1);
    }
    int rc = store_step(s, err);
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}
