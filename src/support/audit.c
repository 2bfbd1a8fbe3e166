/*
** support/audit.c — the hash-chained audit log (see audit.h).
*/
#include "support/audit.h"
#include "base/buf.h"
#include "base/date.h"
#include <string.h>

static const char audit_zero_hash[CRYPTO_SHA256_HEX_LEN] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* The hash of one event, chained to prev (see audit.h for the layout). */
static void audit_hash(const char *prev, int64_t inst, int64_t id, const char *at,
                       int64_t account, const char *action, int64_t learner,
                       const char *detail, char out[CRYPTO_SHA256_HEX_LEN]) {
    buf b = BUF_INIT;   /* not HTML: the hash input */
    buf_printf(&b, "cairn-audit-v1\n%s\n%lld\n%lld\n%s\n%lld\n%zu:%s\n%lld\n%zu:%s",
               prev, (long long)inst, (long long)id, at, (long long)account,
               strlen(action), action, (long long)learner, strlen(detail), detail);
    crypto_sha256_hex(b.data, b.len, out);
    buf_free(&b);
}

/* 1 if action is a usable code: 1..SUPPORT_AUDIT_ACTION_MAX bytes of [a-z0-9_.]. */
static int action_ok(const char *a) {
    size_t n = a ? strlen(a) : 0;
    if (n == 0 || n > SUPPORT_AUDIT_ACTION_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return 0;
    }
    return 1;
}

/* The newest event of the chain (see audit.h). */
int support_audit_head(store *st, int64_t institution_id, int64_t *id,
                       char hash[CRYPTO_SHA256_HEX_LEN], cairn_err *err) {
    *id = 0;
    memcpy(hash, audit_zero_hash, CRYPTO_SHA256_HEX_LEN);
    store_stmt *q = store_prepare(st,
        "SELECT id, hash FROM audit_event WHERE institution_id = ? ORDER BY id DESC LIMIT 1", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        const char *h = store_col_text(q, 1);
        *id = store_col_int64(q, 0);
        if (h && strlen(h) == CRYPTO_SHA256_HEX_LEN - 1) memcpy(hash, h, CRYPTO_SHA256_HEX_LEN);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Read the head and insert the next event; in the caller's transaction. */
static int audit_insert(store *st, int64_t inst, int64_t account, const char *action,
                        int64_t learner, const char *detail, cairn_err *err) {
    int64_t last = 0;
    char prev[CRYPTO_SHA256_HEX_LEN], hash[CRYPTO_SHA256_HEX_LEN], at[32];
    if (support_audit_head(st, inst, &last, prev, err) < 0) return -1;
    date_now_iso(at);
    int64_t id = last + 1;
    audit_hash(prev, inst, id, at, account, action, learner, detail, hash);
    store_stmt *ins = store_prepare(st,
        "INSERT INTO audit_event (institution_id, id, at, account_id, action, learner_id,"
        " detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
    if (!ins) return -1;
    store_bind_int64(ins, 1, inst);
    store_bind_int64(ins, 2, id);
    store_bind_text(ins, 3, at, (size_t)-1);
    if (account) store_bind_int64(ins, 4, account);
    else store_bind_null(ins, 4);
    store_bind_text(ins, 5, action, (size_t)-1);
    if (learner) store_bind_int64(ins, 6, learner);
    else store_bind_null(ins, 6);
    store_bind_text(ins, 7, detail, (size_t)-1);
    store_bind_text(ins, 8, prev, (size_t)-1);
    store_bind_text(ins, 9, hash, (size_t)-1);
    int rc = store_step(ins, err);
    store_finalize(ins);
    return rc < 0 ? -1 : 0;
}

/* Append one event (see audit.h). */
int support_audit_append(store *st, int64_t institution_id, int64_t account_id,
                         const char *action, int64_t learner_id, const char *detail,
                         cairn_err *err) {
    if (institution_id <= 0)
        return err_set(err, CAIRN_EINVAL, "audit: no institution given");
    if (!action_ok(action))
        return err_set(err, CAIRN_EINVAL, "audit: action \"%.80s\" is not a code of 1 to %d "
                       "letters a-z, digits, '_' and '.'", action ? action : "",
                       SUPPORT_AUDIT_ACTION_MAX);
    if (!detail) detail = "";
    if (strlen(detail) > SUPPORT_AUDIT_DETAIL_MAX)
        return err_set(err, CAIRN_EINVAL, "audit: the detail is longer than %d bytes",
                       SUPPORT_AUDIT_DETAIL_MAX);
    if (store_in_tx(st))
        return audit_insert(st, institution_id, account_id, action, learner_id, detail, err);
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) return -1;
    if (audit_insert(st, institution_id, account_id, action, learner_id, detail, err) < 0) {
        store_tx_rollback(st);
        err_prefix(err, "the audit log could not be written");
        return -1;
    }
    if (store_tx_commit(st, err) < 0) {
        err_prefix(err, "the audit log could not be written");
        return -1;
    }
    return 0;
}

/* Walk the chain from the first event (see audit.h). */
int support_audit_verify(store *st, int64_t institution_id, int64_t *checked,
                         int64_t *bad_id, cairn_err *err) {
    if (checked) *checked = 0;
    if (bad_id) *bad_id = 0;
    store_stmt *q = store_prepare(st,
        "SELECT id, at, account_id, action, learner_id, detail, prev_hash, hash"
        " FROM audit_event WHERE institution_id = ? ORDER BY id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    char prev[CRYPTO_SHA256_HEX_LEN], want[CRYPTO_SHA256_HEX_LEN];
    memcpy(prev, audit_zero_hash, sizeof prev);
    int64_t expect_id = 1, n = 0, bad = 0;
    int rc, broken = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        int64_t id = store_col_int64(q, 0);
        const char *at = store_col_text(q, 1);
        int64_t account = store_col_is_null(q, 2) ? 0 : store_col_int64(q, 2);
        const char *action = store_col_text(q, 3);
        int64_t learner = store_col_is_null(q, 4) ? 0 : store_col_int64(q, 4);
        const char *detail = store_col_text(q, 5);
        const char *stored_prev = store_col_text(q, 6);
        const char *stored = store_col_text(q, 7);
        if (id != expect_id) {
            err_set(err, CAIRN_EINVAL, "audit log of institution %lld: event %lld is missing "
                    "(the next one is %lld)", (long long)institution_id, (long long)expect_id,
                    (long long)id);
            bad = expect_id;
        } else if (!stored_prev || strcmp(stored_prev, prev) != 0) {
            err_set(err, CAIRN_EINVAL, "audit log of institution %lld: event %lld does not "
                    "follow the event before it", (long long)institution_id, (long long)id);
            bad = id;
        } else {
            audit_hash(prev, institution_id, id, at ? at : "", account, action ? action : "",
                       learner, detail ? detail : "", want);
            if (!stored || strcmp(stored, want) != 0) {
                err_set(err, CAIRN_EINVAL, "audit log of institution %lld: event %lld was "
                        "changed after it was written", (long long)institution_id, (long long)id);
                bad = id;
            }
        }
        if (bad) {
            broken = 1;
            if (bad_id) *bad_id = bad;
            break;
        }
        memcpy(prev, stored, sizeof prev);
        expect_id = id + 1;
        n++;
    }
    store_finalize(q);
    if (checked) *checked = n;
    if (broken) return 1;
    return rc < 0 ? -1 : 0;
}
