/*
** support/audit.c — the hash-chained audit log (see audit.h).
*/
#include "support/audit.h"
#include "support/audit_internal.h"
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

/* The hash of a version 2 event (see audit.h): v1's fields and the record
** and reason. */
static void audit_hash_v2(const char *prev, int64_t inst, int64_t id, const char *at,
                          const support_audit_event *ev, char out[CRYPTO_SHA256_HEX_LEN]) {
    buf b = BUF_INIT;   /* not HTML: the hash input */
    const char *kind = ev->record_kind ? ev->record_kind : "";
    const char *reason = ev->reason ? ev->reason : "";
    const char *detail = ev->detail ? ev->detail : "";
    buf_printf(&b, "cairn-audit-v2\n%s\n%lld\n%lld\n%s\n%lld\n%zu:%s\n%lld\n%zu:%s\n%lld"
               "\n%zu:%s\n%zu:%s", prev, (long long)inst, (long long)id, at,
               (long long)ev->account_id, strlen(ev->action), ev->action,
               (long long)ev->learner_id, strlen(kind), kind, (long long)ev->record_id,
               strlen(reason), reason, strlen(detail), detail);
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

/* Bind an id column: NULL for 0. */
static void bind_id(store_stmt *q, int idx, int64_t v) {
    if (v) store_bind_int64(q, idx, v);
    else store_bind_null(q, idx);
}

/* 1 if ev is a view of a learner's record by a person, as "who has seen
** this record" counts them (audit_schema.c AUDIT_IS_VIEW). */
static int audit_is_view(const support_audit_event *ev) {
    size_t n = strlen(ev->action);
    return ev->learner_id && ev->account_id &&
           ((n >= 5 && strcmp(ev->action + n - 5, ".view") == 0) ||
            (ev->reason && strcmp(ev->reason, "viewed") == 0));
}

/* Count a view event in audit_reader (see audit_schema.c step 2), in the
** caller's transaction; nothing for other events. */
static int audit_reader_count(store *st, int64_t inst, const support_audit_event *ev,
                              const char *at, cairn_err *err) {
    if (!audit_is_view(ev)) return 0;
    store_stmt *q = store_prepare(st,
        "INSERT INTO audit_reader (institution_id, learner_id, account_id, views, last_at)"
        " VALUES (?, ?, ?, 1, ?) ON CONFLICT (institution_id, learner_id, account_id)"
        " DO UPDATE SET views = audit_reader.views + 1, last_at = excluded.last_at", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, ev->learner_id);
    store_bind_int64(q, 3, ev->account_id);
    store_bind_text(q, 4, at, (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Insert ev as the next event of inst's chain after the event *last with
** hash prev (both read by the caller, in its transaction); on success *last
** and prev become the new event's.  Version 2 when v2 is set, otherwise
** version 1 with only the columns of cairn 0.1.0.  The head file is the
** caller's (audit_head_follow). */
int audit_insert_after(store *st, int64_t inst, const support_audit_event *ev, int v2,
                       int64_t *last, char prev[CRYPTO_SHA256_HEX_LEN], cairn_err *err) {
    char hash[CRYPTO_SHA256_HEX_LEN], at[32];
    date_now_iso(at);
    int64_t id = *last + 1;
    const char *detail = ev->detail ? ev->detail : "";
    store_stmt *ins;
    if (v2) {
        audit_hash_v2(prev, inst, id, at, ev, hash);
        ins = store_prepare(st,
            "INSERT INTO audit_event (institution_id, id, at, account_id, action, learner_id,"
            " detail, prev_hash, hash, version, record_kind, record_id, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 2, ?, ?, ?)", err);
    } else {
        audit_hash(prev, inst, id, at, ev->account_id, ev->action, ev->learner_id, detail, hash);
        ins = store_prepare(st,
            "INSERT INTO audit_event (institution_id, id, at, account_id, action, learner_id,"
            " detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
    }
    if (!ins) return -1;
    store_bind_int64(ins, 1, inst);
    store_bind_int64(ins, 2, id);
    store_bind_text(ins, 3, at, (size_t)-1);
    bind_id(ins, 4, ev->account_id);
    store_bind_text(ins, 5, ev->action, (size_t)-1);
    bind_id(ins, 6, ev->learner_id);
    store_bind_text(ins, 7, detail, (size_t)-1);
    store_bind_text(ins, 8, prev, (size_t)-1);
    store_bind_text(ins, 9, hash, (size_t)-1);
    if (v2) {
        store_bind_text(ins, 10, ev->record_kind ? ev->record_kind : "", (size_t)-1);
        store_bind_int64(ins, 11, ev->record_id);
        store_bind_text(ins, 12, ev->reason ? ev->reason : "", (size_t)-1);
    }
    int rc = store_step(ins, err);
    store_finalize(ins);
    if (rc < 0 || audit_reader_count(st, inst, ev, at, err) < 0) return -1;
    *last = id;
    memcpy(prev, hash, CRYPTO_SHA256_HEX_LEN);
    return 0;
}

/* Read the head and insert ev as the next event, in the caller's
** transaction.  The head file follows once it commits. */
static int audit_insert(store *st, int64_t inst, const support_audit_event *ev, int v2,
                        cairn_err *err) {
    int64_t last = 0;
    char prev[CRYPTO_SHA256_HEX_LEN];
    if (support_audit_head(st, inst, &last, prev, err) < 0 ||
        audit_insert_after(st, inst, ev, v2, &last, prev, err) < 0)
        return -1;
    audit_head_follow(st, inst, last, prev);
    return 0;
}

/* 1 if ev can be written (else err set): a known institution, an action
** and record kind that are codes, detail and reason within their sizes. */
static int audit_event_ok(int64_t institution_id, const support_audit_event *ev, cairn_err *err) {
    if (institution_id <= 0)
        return err_set(err, CAIRN_EINVAL, "audit: no institution given"), 0;
    if (!action_ok(ev->action))
        return err_set(err, CAIRN_EINVAL, "audit: action \"%.80s\" is not a code of 1 to %d "
                       "letters a-z, digits, '_' and '.'", ev->action ? ev->action : "",
                       SUPPORT_AUDIT_ACTION_MAX), 0;
    if (ev->record_kind && *ev->record_kind && !action_ok(ev->record_kind))
        return err_set(err, CAIRN_EINVAL, "audit: record kind \"%.80s\" is not a code",
                       ev->record_kind), 0;
    if (ev->detail && strlen(ev->detail) > SUPPORT_AUDIT_DETAIL_MAX)
        return err_set(err, CAIRN_EINVAL, "audit: the detail is longer than %d bytes",
                       SUPPORT_AUDIT_DETAIL_MAX), 0;
    if (ev->reason && strlen(ev->reason) > SUPPORT_AUDIT_REASON_MAX)
        return err_set(err, CAIRN_EINVAL, "audit: the reason is longer than %d bytes",
                       SUPPORT_AUDIT_REASON_MAX), 0;
    return 1;
}

/* Append ev in a transaction of its own (the audit write lock taken). */
int audit_write_alone(store *st, int64_t institution_id, const support_audit_event *ev, int v2,
                      cairn_err *err) {
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) return -1;
    if (audit_insert(st, institution_id, ev, v2, err) < 0) {
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

/* Check ev and append it: in the caller's transaction, with the events of
** other requests (audit_group.c), or in a transaction of its own. */
static int audit_write(store *st, int64_t institution_id, const support_audit_event *ev, int v2,
                       cairn_err *err) {
    if (!audit_event_ok(institution_id, ev, err)) return -1;
    if (store_in_read_tx(st))   /* its rollback would take the event with it */
        return err_set(err, CAIRN_EINTERNAL, "audit: event %s written inside a read "
                       "transaction (store_read_begin), where it would be rolled back; write "
                       "it before the reads begin", ev->action);
    if (store_in_tx(st)) return audit_insert(st, institution_id, ev, v2, err);
    if (audit_group_serves(st)) {
        if (audit_defer_take(institution_id, ev, v2)) return 0;   /* a GET's view: later */
        return audit_group_write(st, institution_id, ev, v2, err);
    }
    return audit_write_alone(st, institution_id, ev, v2, err);
}

/* Append one event (see audit.h): version 1, as before. */
int support_audit_append(store *st, int64_t institution_id, int64_t account_id,
                         const char *action, int64_t learner_id, const char *detail,
                         cairn_err *err) {
    support_audit_event ev = {.account_id = account_id, .action = action,
                              .learner_id = learner_id, .detail = detail};
    return audit_write(st, institution_id, &ev, 0, err);
}

/* Append one event with its record and reason (see audit.h). */
int support_audit_record(store *st, int64_t institution_id, const support_audit_event *ev,
                         cairn_err *err) {
    return audit_write(st, institution_id, ev, 1, err);
}

/* Compare the chain's end (tail, and the hash of event fid when it was
** seen) with the head file's line (fid, fhash).  0 = agrees, 1 = broken
** (err and *bad set). */
static int audit_head_compare(int64_t inst, int64_t tail, const char *hash_at_head,
                              int64_t fid, const char *fhash, int64_t *bad, cairn_err *err) {
    if (tail < fid) {
        *bad = tail + 1;
        err_set(err, CAIRN_EINVAL, "audit log of institution %lld: the newest events are missing "
                "(the head file records event %lld, the database ends at %lld)", (long long)inst,
                (long long)fid, (long long)tail);
        return 1;
    }
    if (fid > 0 && strcmp(hash_at_head, fhash) != 0) {
        *bad = fid;
        err_set(err, CAIRN_EINVAL, "audit log of institution %lld: event %lld is not the one the "
                "head file records (the log was rewritten)", (long long)inst, (long long)fid);
        return 1;
    }
    if (tail > fid) {
        *bad = fid + 1;
        err_set(err, CAIRN_EINVAL, "audit log of institution %lld: events %lld to %lld are not in "
                "the head file (added behind cairn's back, or cairn stopped between writing an "
                "event and its head; see docs/decisions.md)", (long long)inst,
                (long long)fid + 1, (long long)tail);
        return 1;
    }
    return 0;
}

/* Walk the chain from the first event, then compare its end with the head
** file (see audit.h). */
int audit_verify_impl(store *st, int64_t institution_id, int use_head, int64_t *checked,
                      int64_t *bad_id, cairn_err *err) {
    if (checked) *checked = 0;
    if (bad_id) *bad_id = 0;
    int64_t head_id = 0;
    char head_hash[CRYPTO_SHA256_HEX_LEN], at_head[CRYPTO_SHA256_HEX_LEN];
    int known = use_head ? support_audit_head_file(st, institution_id, &head_id, head_hash, err) : 0;
    if (known < 0) return -1;
    memcpy(at_head, audit_zero_hash, sizeof at_head);
    store_stmt *q = store_prepare(st,
        "SELECT id, at, account_id, action, learner_id, detail, prev_hash, hash, version,"
        " record_kind, record_id, reason FROM audit_event WHERE institution_id = ? ORDER BY id",
        err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    char prev[CRYPTO_SHA256_HEX_LEN], want[CRYPTO_SHA256_HEX_LEN];
    memcpy(prev, audit_zero_hash, sizeof prev);
    int64_t expect_id = 1, n = 0, bad = 0, tail = 0;
    int rc, broken = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        int64_t id = store_col_int64(q, 0);
        const char *at = store_col_text(q, 1);
        support_audit_event ev = {
            .account_id = store_col_is_null(q, 2) ? 0 : store_col_int64(q, 2),
            .action = store_col_text(q, 3),
            .learner_id = store_col_is_null(q, 4) ? 0 : store_col_int64(q, 4),
            .detail = store_col_text(q, 5),
            .record_kind = store_col_text(q, 9),
            .record_id = store_col_int64(q, 10),
            .reason = store_col_text(q, 11)};
        if (!ev.action) ev.action = "";
        if (!ev.detail) ev.detail = "";
        const char *stored_prev = store_col_text(q, 6);
        const char *stored = store_col_text(q, 7);
        int64_t version = store_col_int64(q, 8);
        /* a version 1 event has no record or reason: its hash does not
        ** cover them, so any there were put in afterwards */
        int v1_extra = version == 1 && (!store_col_is_null(q, 9) || !store_col_is_null(q, 10) ||
                                        !store_col_is_null(q, 11));
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
            if (version == 2)
                audit_hash_v2(prev, institution_id, id, at ? at : "", &ev, want);
            else
                audit_hash(prev, institution_id, id, at ? at : "", ev.account_id, ev.action,
                           ev.learner_id, ev.detail, want);
            if (!stored || strcmp(stored, want) != 0 || (version != 1 && version != 2) ||
                v1_extra) {
                err_set(err, CAIRN_EINVAL, "audit log of institution %lld: event %lld was "
                        "changed after it was written", (long long)institution_id, (long long)id);
                bad = id;
            }
        }
        if (bad) {
            broken = 1;
            break;
        }
        memcpy(prev, stored, sizeof prev);
        if (id == head_id) memcpy(at_head, stored, sizeof at_head);
        expect_id = id + 1;
        tail = id;
        n++;
    }
    store_finalize(q);
    if (checked) *checked = n;
    if (!broken && rc >= 0 && known == 1) {
        broken = audit_head_compare(institution_id, tail, at_head, head_id, head_hash, &bad, err);
    }
    if (broken) {
        if (bad_id) *bad_id = bad;
        return 1;
    }
    return rc < 0 ? -1 : 0;
}

/* The chain and the head file (see audit.h). */
int support_audit_verify(store *st, int64_t institution_id, int64_t *checked,
                         int64_t *bad_id, cairn_err *err) {
    return audit_verify_impl(st, institution_id, 1, checked, bad_id, err);
}
