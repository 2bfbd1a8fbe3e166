/*
** web/list_view.h — the list filters each person last used, remembered
** (table list_view, web migration 4), so the dashboard opens as they left
** it.  The search text is never remembered: it may be a learner's name.
*/
#ifndef CAIRN_WEB_LIST_VIEW_H
#define CAIRN_WEB_LIST_VIEW_H
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include <stdint.h>

#define LIST_VIEW_QUERY_MAX 512   /* the longest query string remembered */

/* The query string account_id last used on list ("dashboard"), appended
** to out (the caller owns it): 1 found (not empty), 0 none, -1 with err. */
int list_view_load(store *st, int64_t account_id, const char *list, buf *out, cairn_err *err);

/* Remember query (a URL query string without '?', at most
** LIST_VIEW_QUERY_MAX bytes) for account_id's list; "" forgets it.  0 or -1. */
int list_view_save(store *st, int64_t account_id, const char *list, const char *query,
                   cairn_err *err);

#endif
