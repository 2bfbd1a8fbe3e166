/*
** support/sealed_columns.c — the list of sealed columns and re-sealing
** (see sealed_columns.h).
*/
#include "support/sealed_columns.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "support/sealed.h"
#include <stdlib.h>
#include <string.h>

/* Every sealed column: add yours here (one line). */
const support_sealed_column support_sealed_columns[] = {
    {"flag_acknowledgement", "id", "comment", NULL, NULL},
    {"consent", "id", "note", NULL, NULL},                      /* support/consent.c */
    {"consent_withdrawal", "consent_id", "note", NULL, NULL},
    {"consent_override", "id", "reason", NULL, NULL},           /* support/consent_check.c */
    {"legal_hold", "id", "reason", NULL, NULL},                 /* support/subject.c */
    {"support_goal", "id", "what", NULL, NULL},                 /* support/plan_write.c */
    {"support_goal", "id", "learner_step", NULL, NULL},
    {"support_goal", "id", "support", NULL, NULL},
    {"support_goal", "id", "helper_text", NULL, NULL},
    {"support_goal", "id", "status_reason", NULL, NULL},
    {"support_not_now", "id", "reason", NULL, NULL},
    {"support_plan", "id", "recovery", NULL, NULL},
    {"case_assessment", "id", "note", NULL, NULL},              /* support/assessment.c */
    {"case_assessment_domain", "id", "strengths", NULL, NULL},
    {"case_assessment_domain", "id", "comment", NULL, NULL},
    {"support_case", "id", "reason", NULL, NULL},               /* support/case.c and case_*.c */
    {"support_case", "id", "outcome_reason", NULL, NULL},
    {"case_history", "case_id", "reason", "seq", NULL},
    {"case_task", "id", "title", NULL, "kind = 'follow_up'"},
    {"case_transfer", "id", "reason", NULL, NULL},
    {"case_transfer", "id", "answer", NULL, NULL},
    {"case_conference", "id", "notes", NULL, NULL},
    {"case_review", "id", "changed", NULL, NULL},               /* support/review_write.c */
    {"case_approval", "id", "reason", NULL, NULL},              /* support/case_approval.c */
    {"case_approval", "id", "comment", NULL, NULL},
    {"contract_version", "id", "body", NULL, NULL},             /* support/contract.c */
    {"contract_version", "id", "school_commits", NULL, NULL},
    {"contract_version", "id", "learner_commits", NULL, NULL},
    {"contract_signature", "id", "name", NULL, NULL},
    {"case_move", "id", "reason", NULL, NULL},                  /* support/case_move.c */
    {"case_move", "id", "answer", NULL, NULL},
    {"case_handover", "case_id", "record", NULL, NULL},
};
const size_t support_sealed_ncolumns = sizeof support_sealed_columns / sizeof *support_sealed_columns;

#define RESEAL_LOCK 0x6361697253454cLL   /* "cairSEL": one re-sealing batch at a time */

/* 1 if table exists, 0 if not, -1 on error. */
static int table_exists(store *st, const char *table, cairn_err *err) {
    store_stmt *q = store_prepare(st, store_kind_of(st) == STORE_POSTGRES
        ? "SELECT count(*) FROM information_schema.tables"
          " WHERE table_schema = current_schema() AND table_name = ?"
        : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, table, (size_t)-1);
    int rc = store_step(q, err);
    int64_t n = rc == STORE_ROW ? store_col_int64(q, 0) : 0;
    store_finalize(q);
    return rc < 0 ? -1 : n > 0;
}

/* One value read for re-sealing. */
typedef struct reseal_row {
    int64_t inst, key, key2;   /* key2: 0 when the column has none */
    char *old, *fresh;   /* stored value; its replacement (NULL = leave) */
} reseal_row;

/* The WHERE condition shared by reading and counting: c's values that are
** set, not under key id cur (bound as ?), and pass c->where. */
static void stale_condition(const support_sealed_column *c, buf *sql) {
    buf_printf(sql, " WHERE %s IS NOT NULL AND %s <> ''"
               " AND (%s NOT LIKE 's1:%%' OR substr(%s, 4, 8) <> ?)", c->column, c->column,
               c->column, c->column);
    if (c->where) buf_printf(sql, " AND (%s)", c->where);
}

/* Read up to batch rows of c after the row (inst, key, key2) whose value is
** not under key id cur; *n gets how many.  Rows are owned by the caller
** (free old). */
static int reseal_read(store *st, const support_sealed_column *c, const char *cur,
                       const reseal_row *after, int batch, reseal_row *rows, int *n,
                       cairn_err *err) {
    buf sql = BUF_INIT;
    const char *key2 = c->key2 ? c->key2 : "0";
    buf_printf(&sql, "SELECT institution_id, %s, %s, %s FROM %s", c->key, key2, c->column,
               c->table);
    stale_condition(c, &sql);
    buf_printf(&sql, " AND (institution_id, %s, %s) > (?, ?, ?) ORDER BY institution_id, %s",
               c->key, key2, c->key);
    if (c->key2) buf_printf(&sql, ", %s", c->key2);   /* "ORDER BY 0" would name a column */
    buf_printf(&sql, " LIMIT %d", batch);
    store_stmt *q = store_prepare(st, sql.data, err);
    buf_free(&sql);
    if (!q) return -1;
    store_bind_text(q, 1, cur, (size_t)-1);
    store_bind_int64(q, 2, after->inst);
    store_bind_int64(q, 3, after->key);
    store_bind_int64(q, 4, after->key2);
    int rc;
    *n = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        reseal_row *r = &rows[(*n)++];
        r->inst = store_col_int64(q, 0);
        r->key = store_col_int64(q, 1);
        r->key2 = store_col_int64(q, 2);
        const char *v = store_col_text(q, 3);
        r->old = xstrdup(v ? v : "");
        r->fresh = NULL;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Seal r's value anew under the current key into r->fresh (opening it
** first if it is sealed).  0, 1 = cannot be opened (counted, left), -1. */
static int reseal_one(store *st, reseal_row *r, support_reseal_counts *c, cairn_err *err) {
    buf plain = BUF_INIT, out = BUF_INIT;
    int sealed = support_text_is_sealed(r->old);
    cairn_err why = {0};
    if (sealed && support_text_open(st, r->inst, r->old, &plain, &why) < 0) {
        c->failed++;
        buf_free(&plain);
        return 1;
    }
    int rc = support_text_seal(st, r->inst, sealed ? buf_cstr(&plain) : r->old, &out, err);
    crypto_wipe(plain.data, plain.len);
    buf_free(&plain);
    if (rc < 0) {
        buf_free(&out);
        return -1;
    }
    r->fresh = buf_detach(&out);
    if (!sealed) c->plain++;
    return 0;
}

/* Write the batch's new values in one transaction, each only where the
** row still holds what was read. */
static int reseal_write(store *st, const support_sealed_column *c, reseal_row *rows, int n,
                        int64_t *written, cairn_err *err) {
    buf sql = BUF_INIT;
    buf_printf(&sql, "UPDATE %s SET %s = ? WHERE institution_id = ? AND %s = ? AND %s = ?"
               " AND %s = ?", c->table, c->column, c->key, c->column, c->key2 ? c->key2 : "0");
    if (store_tx_begin_write(st, RESEAL_LOCK, err) < 0) {
        buf_free(&sql);
        return -1;
    }
    store_stmt *q = store_prepare(st, sql.data, err);
    buf_free(&sql);
    int rc = q ? 0 : -1;
    for (int i = 0; i < n && rc == 0; i++) {
        if (!rows[i].fresh) continue;
        store_bind_text(q, 1, rows[i].fresh, (size_t)-1);
        store_bind_int64(q, 2, rows[i].inst);
        store_bind_int64(q, 3, rows[i].key);
        store_bind_text(q, 4, rows[i].old, (size_t)-1);
        store_bind_int64(q, 5, rows[i].key2);
        if (store_step(q, err) < 0) rc = -1;
        else *written += store_changes(q);
    }
    store_finalize(q);
    if (rc < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err);
}

/* Count c's values not under key id cur into *left. */
static int reseal_left(store *st, const support_sealed_column *c, const char *cur, int64_t *left,
                       cairn_err *err) {
    buf sql = BUF_INIT;
    buf_printf(&sql, "SELECT count(*) FROM %s", c->table);
    stale_condition(c, &sql);
    store_stmt *q = store_prepare(st, sql.data, err);
    buf_free(&sql);
    if (!q) return -1;
    store_bind_text(q, 1, cur, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) *left += store_col_int64(q, 0);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Re-seal one column, batch by batch, in key order. */
static int reseal_column(store *st, const support_sealed_column *c, const char *cur, int batch,
                         support_reseal_counts *cnt, cairn_err *err) {
    reseal_row *rows = xcalloc((size_t)batch, sizeof *rows);
    reseal_row after = {-1, -1, -1, NULL, NULL};   /* keyset: rows after this one */
    int n = 0, rc = 0;
    do {
        rc = reseal_read(st, c, cur, &after, batch, rows, &n, err);
        for (int i = 0; i < n && rc == 0; i++)
            if (reseal_one(st, &rows[i], cnt, err) < 0) rc = -1;
        if (rc == 0 && n > 0) rc = reseal_write(st, c, rows, n, &cnt->resealed, err);
        if (n > 0) {
            after.inst = rows[n - 1].inst;
            after.key = rows[n - 1].key;
            after.key2 = rows[n - 1].key2;
        }
        for (int i = 0; i < n; i++) {
            free(rows[i].old);
            free(rows[i].fresh);
        }
    } while (rc == 0 && n == batch);
    free(rows);
    return rc;
}

/* Re-seal every registered column (see sealed_columns.h). */
int support_sealed_reseal_all(store *st, int batch, support_reseal_counts *c, cairn_err *err) {
    support_reseal_counts local = {0};
    if (!c) c = &local;
    if (batch <= 0) batch = 500;
    char cur[SUPPORT_KEY_ID_LEN + 1];
    if (support_key_current(st, cur, err) < 0) return -1;
    c->remaining = 0;
    for (size_t i = 0; i < support_sealed_ncolumns; i++) {
        const support_sealed_column *col = &support_sealed_columns[i];
        int have = table_exists(st, col->table, err);
        if (have < 0) return -1;
        if (!have) continue;
        if (reseal_column(st, col, cur, batch, c, err) < 0 ||
            reseal_left(st, col, cur, &c->remaining, err) < 0) {
            err_prefix(err, "re-sealing %s.%s", col->table, col->column);
            return -1;
        }
    }
    return 0;
}

/* The values of every registered column not under key id cur, into *left. */
static int stale_count(store *st, const char *cur, int64_t *left, cairn_err *err) {
    *left = 0;
    for (size_t i = 0; i < support_sealed_ncolumns; i++) {
        int have = table_exists(st, support_sealed_columns[i].table, err);
        if (have < 0) return -1;
        if (have && reseal_left(st, &support_sealed_columns[i], cur, left, err) < 0) return -1;
    }
    return 0;
}

#define ROTATE_ROUNDS 5   /* re-seal rounds while writers keep using the old key */

/* Rotate the key (see sealed_columns.h): a new key, then rounds of
** re-sealing, each closed by a count under the exclusive seal lock (no
** transaction that sealed under the old key is still open then); when it
** finds nothing left, the old keys go while the lock is held. */
int support_key_rotate(store *st, int batch, char *new_id, support_reseal_counts *c,
                       int *retired, cairn_err *err) {
    support_reseal_counts local = {0};
    if (!c) c = &local;
    if (retired) *retired = 0;
    char id[SUPPORT_KEY_ID_LEN + 1];
    if (support_key_ensure(st, NULL, err) < 0 || support_key_add(st, id, err) < 0) return -1;
    if (new_id) memcpy(new_id, id, sizeof id);
    for (int round = 0; round < ROTATE_ROUNDS; round++) {
        int64_t failed_before = c->failed;
        if (support_sealed_reseal_all(st, batch, c, err) < 0) return -1;
        int fd = support_key_seal_lock(st, err);
        if (fd < 0) return -1;
        int rc = stale_count(st, id, &c->remaining, err);
        if (rc == 0 && c->remaining == 0) rc = support_key_retire_old(st, retired, err);
        support_key_seal_unlock(fd);
        if (rc < 0) return -1;
        if (c->remaining == 0) return 0;
        if (c->failed > failed_before) break;   /* values that cannot be opened: stop */
    }
    err_set(err, CAIRN_EINVAL, "%lld sealed values are still under an older key (%lld could not "
            "be opened); the older keys stay in the keyring", (long long)c->remaining,
            (long long)c->failed);
    return 1;
}
