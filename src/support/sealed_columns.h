/*
** support/sealed_columns.h — every sealed column in one list, and the
** re-sealing that `cairn key rotate` and `cairn init` do with it.
**
** A room that stores sealed text (support/sealed.h) adds its column to
** support_sealed_columns[] in support/sealed_columns.c: the table (which
** has an institution_id column), the one other column that with
** institution_id names a row (a BIGINT, usually "id"), and the sealed
** column.  Re-sealing walks each column in batches of rows, in key order,
** and rewrites each value that is not sealed under the current key: plain
** text (written before the column was sealed) is sealed, text under an
** older key is opened and sealed again.  Empty values ("" = no text) are
** left empty.  Each batch is one short write
** transaction, and a row is rewritten only if it still holds the value that
** was read, so the server keeps running and a concurrent edit wins.
*/
#ifndef CAIRN_SUPPORT_SEALED_COLUMNS_H
#define CAIRN_SUPPORT_SEALED_COLUMNS_H
#include "base/err.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

typedef struct support_sealed_column {
    const char *table;    /* e.g. "flag_acknowledgement"; has institution_id */
    const char *key;      /* the row's other key column, BIGINT, e.g. "id" */
    const char *column;   /* the sealed TEXT column */
    const char *key2;     /* NULL, or a second BIGINT key column when (key, key2)
                             names the row (case_history: case_id, seq) */
    const char *where;    /* NULL, or an SQL condition on the row: only the
                             rows it holds for are sealed (case_task: only a
                             follow-up's title is free text) */
} support_sealed_column;

extern const support_sealed_column support_sealed_columns[];
extern const size_t support_sealed_ncolumns;

/* What a re-sealing did. */
typedef struct support_reseal_counts {
    int64_t resealed;    /* values rewritten under the current key */
    int64_t plain;       /* of them, plain text sealed for the first time */
    int64_t failed;      /* values that could not be opened (left as they are) */
    int64_t remaining;   /* values still not under the current key afterwards */
} support_reseal_counts;

/* Re-seal every registered column under the current key, batch rows at a
** time (0 = 500); counts added to *c (may be NULL).  Tables that do not
** exist are skipped.  0, or -1 with err set (database or keyring error). */
int support_sealed_reseal_all(store *st, int batch, support_reseal_counts *c, cairn_err *err);

/* `cairn key rotate`: add a new key, re-seal everything under it, and if
** nothing is left under an older key, retire the older keys (*retired, may
** be NULL, gets how many).  new_id (may be NULL; 9 bytes) gets the new key's
** id.  0, or -1 with err set; with values left unopened the old keys stay
** and err says so (return 1). */
int support_key_rotate(store *st, int batch, char *new_id, support_reseal_counts *c,
                       int *retired, cairn_err *err);

#endif
