/*
** support/subject.c — subject access export, erasure and legal holds over
** the registry of record parts (see subject.h; the parts are in
** subject_parts.c).
*/
#include "support/subject.h"
#include "base/date.h"
#include "support/actions.h"
#include "support/audit.h"
#include "support/consent.h"
#include <assert.h>
#include <stdio.h>
#include <string.h>

/* The learner of ref (see subject.h). */
int support_subject_find(store *st, const char *inst_code, const char *ref, int64_t *inst,
                         int64_t *learner, cairn_err *err) {
    *inst = *learner = 0;
    store_stmt *q = store_prepare(st,
        "SELECT l.institution_id, l.id FROM learner l JOIN institution i ON i.id = l.institution_id"
        " WHERE l.ref = ? AND (? = '' OR i.code = ?) ORDER BY i.code LIMIT 2", err);
    if (!q) return -1;
    store_bind_text(q, 1, ref ? ref : "", (size_t)-1);
    store_bind_text(q, 2, inst_code ? inst_code : "", (size_t)-1);
    store_bind_text(q, 3, inst_code ? inst_code : "", (size_t)-1);
    int rc, n = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (n++ == 0) {
            *inst = store_col_int64(q, 0);
            *learner = store_col_int64(q, 1);
        }
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (n == 0)
        return err_set(err, CAIRN_ENOTFOUND, "there is no learner with the reference \"%s\"%s%s",
                       ref ? ref : "", inst_code ? " in " : "", inst_code ? inst_code : "");
    if (n > 1)
        return err_set(err, CAIRN_EINVAL, "learners of several institutions have the reference "
                       "\"%s\": say which with --institution CODE", ref);
    return 0;
}

/* Rows as a JSON array of objects (see subject.h). */
int support_subject_rows(store *st, const char *sql, int64_t inst, int64_t learner,
                         const char *const *names, size_t n, json_t **out, cairn_err *err) {
    *out = NULL;
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    json_t *a = json_array();
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        json_t *o = json_object();
        for (size_t i = 0; i < n; i++) {
            const char *v = store_col_text(q, (int)i);
            json_object_set_new(o, names[i], v ? json_string(v) : json_null());
        }
        json_array_append_new(a, o);
    }
    store_finalize(q);
    if (rc < 0) {
        json_decref(a);
        return -1;
    }
    *out = a;
    return 0;
}

/* Run each statement of sqls (see subject.h). */
int support_subject_run(store *st, const char *const *sqls, int64_t inst, int64_t learner,
                        cairn_err *err) {
    assert(st && sqls);
    for (size_t i = 0; sqls[i]; i++) {
        store_stmt *q = store_prepare(st, sqls[i], err);
        if (!q) return -1;
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, learner);
        int rc = store_step(q, err);
        store_finalize(q);
        if (rc < 0) return -1;
    }
    return 0;
}

/* The learner's reference and institution code into a and b (cap bytes
** each).  0, or -1 (CAIRN_ENOTFOUND when there is no such learner). */
static int learner_names(store *st, int64_t inst, int64_t learner, char *ref, char *code,
                         size_t cap, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT l.ref, i.code FROM learner l JOIN institution i"
                                      " ON i.id = l.institution_id WHERE l.institution_id = ?"
                                      " AND l.id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        snprintf(ref, cap, "%s", store_col_text(q, 0));
        snprintf(code, cap, "%s", store_col_text(q, 1));
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (rc != STORE_ROW) return err_set(err, CAIRN_ENOTFOUND, "there is no such learner");
    return 0;
}

/* The whole record (see subject.h). */
int support_subject_export(store *st, int64_t inst, int64_t learner, int64_t account,
                           json_t **out, cairn_err *err) {
    *out = NULL;
    char ref[256], code[256], now[32];
    if (learner_names(st, inst, learner, ref, code, sizeof ref, err) < 0) return -1;
    date_now_iso(now);
    json_t *parts = json_array();
    for (size_t i = 0; i < support_subject_nparts; i++) {
        json_t *data = NULL;
        if (support_subject_parts[i].read(st, inst, learner, &data, err) < 0) {
            err_prefix(err, "the record's part \"%s\"", support_subject_parts[i].key);
            json_decref(parts);
            return -1;
        }
        json_array_append_new(parts, json_pack("{s:s, s:s, s:o}", "key",
                                               support_subject_parts[i].key, "title",
                                               support_subject_parts[i].title, "data", data));
    }
    if (support_audit_append(st, inst, account, "subject.export", learner,
                             "the learner's whole record exported", err) < 0) {
        json_decref(parts);
        return -1;
    }
    *out = json_pack("{s:s, s:s, s:s, s:o}", "learner", ref, "institution", code, "made_at", now,
                     "parts", parts);
    return 0;
}

/* What forbids erasure (see subject.h). */
int support_subject_holds(store *st, int64_t inst, int64_t learner, buf *why, cairn_err *err) {
    int any = 0;
    for (size_t i = 0; i < support_subject_nparts; i++) {
        if (!support_subject_parts[i].hold) continue;
        int h = support_subject_parts[i].hold(st, inst, learner, why, err);
        if (h < 0) return -1;
        any |= h;
    }
    return any;
}

/* Erase the learner (see subject.h). */
int support_subject_erase(store *st, int64_t inst, int64_t learner, int64_t account,
                          const char *why, buf *refusal, cairn_err *err) {
    char at[32], detail[300];
    int64_t erased = 0;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + inst, err) < 0) return -1;
    char ref[256], code[256];
    int rc = learner_names(st, inst, learner, ref, code, sizeof ref, err);
    store_stmt *q = NULL;
    if (rc == 0) {
        q = store_prepare(st, "SELECT count(*) FROM learner_erasure WHERE institution_id = ?"
                              " AND learner_id = ?", err);
        rc = q ? 0 : -1;
    }
    if (q) {
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, learner);
        if (store_step(q, err) == STORE_ROW) erased = store_col_int64(q, 0);
        else rc = -1;
        store_finalize(q);
    }
    if (rc == 0 && erased) {
        buf_puts(refusal, "This learner was erased already.");   /* not HTML: a message */
        rc = 1;
    }
    if (rc == 0) {
        int h = support_subject_holds(st, inst, learner, refusal, err);
        rc = h < 0 ? -1 : h;
    }
    for (size_t i = 0; rc == 0 && i < support_subject_nparts; i++)
        if (support_subject_parts[i].erase &&
            support_subject_parts[i].erase(st, inst, learner, err) < 0) {
            err_prefix(err, "erasing the record's part \"%s\"", support_subject_parts[i].key);
            rc = -1;
        }
    if (rc == 0) {
        date_now_iso(at);
        q = store_prepare(st, "INSERT INTO learner_erasure (institution_id, learner_id, erased_by,"
                              " erased_at, why) VALUES (?, ?, ?, ?, ?)", err);
        rc = q ? 0 : -1;
        if (q) {
            store_bind_int64(q, 1, inst);
            store_bind_int64(q, 2, learner);
            if (account) store_bind_int64(q, 3, account);
            else store_bind_null(q, 3);
            store_bind_text(q, 4, at, (size_t)-1);
            store_bind_text(q, 5, why ? why : "", (size_t)-1);
            rc = store_step(q, err) < 0 ? -1 : 0;
            store_finalize(q);
        }
    }
    if (rc == 0) {
        snprintf(detail, sizeof detail, "anonymised: %.200s", why && *why ? why : "on request");
        rc = support_audit_append(st, inst, account, "subject.erase", learner, detail, err);
    }
    if (rc != 0) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* Place a legal hold (see subject.h). */
int support_legal_hold_place(store *st, int64_t inst, int64_t account, int64_t learner,
                             const char *reason, cairn_err *err) {
    support_problem sp;
    if (support_comment_check(reason, &sp) != 0) {
        err_set(err, CAIRN_EINVAL, "a legal hold needs a reason: %s", support_problem_text(sp));
        return 1;
    }
    char at[32];
    date_now_iso(at);
    buf sealed = BUF_INIT;
    int64_t id = 0;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + inst, err) < 0) return -1;
    int rc = consent_text_seal(st, inst, reason, &sealed, err);
    if (rc == 0 && store_query_int64(st, "SELECT coalesce(max(id), 0) FROM legal_hold"
                                         " WHERE institution_id = ?", inst, &id, err) < 0)
        rc = -1;
    if (rc == 0) {
        store_stmt *q = store_prepare(st, "INSERT INTO legal_hold (institution_id, id, learner_id,"
                                          " reason, placed_by, placed_at) VALUES (?, ?, ?, ?, ?, ?)",
                                      err);
        rc = q ? 0 : -1;
        if (q) {
            store_bind_int64(q, 1, inst);
            store_bind_int64(q, 2, id + 1);
            store_bind_int64(q, 3, learner);
            store_bind_text(q, 4, buf_cstr(&sealed), (size_t)-1);
            if (account) store_bind_int64(q, 5, account);
            else store_bind_null(q, 5);
            store_bind_text(q, 6, at, (size_t)-1);
            rc = store_step(q, err) < 0 ? -1 : 0;
            store_finalize(q);
        }
    }
    if (rc == 0)
        rc = support_audit_append(st, inst, account, "hold.place", learner, "legal hold placed", err);
    buf_free(&sealed);
    if (rc != 0) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* Lift every legal hold of the learner (see subject.h). */
int support_legal_hold_lift(store *st, int64_t inst, int64_t account, int64_t learner,
                            cairn_err *err) {
    char at[32];
    date_now_iso(at);
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + inst, err) < 0) return -1;
    store_stmt *q = store_prepare(st, "UPDATE legal_hold SET lifted_by = ?, lifted_at = ?"
                                      " WHERE institution_id = ? AND learner_id = ?"
                                      " AND lifted_at IS NULL", err);
    int rc = q ? 0 : -1;
    int64_t n = 0;
    if (q) {
        if (account) store_bind_int64(q, 1, account);
        else store_bind_null(q, 1);
        store_bind_text(q, 2, at, (size_t)-1);
        store_bind_int64(q, 3, inst);
        store_bind_int64(q, 4, learner);
        rc = store_step(q, err) < 0 ? -1 : 0;
        n = store_changes(q);
        store_finalize(q);
    }
    if (rc == 0 && n == 0) {
        err_set(err, CAIRN_EINVAL, "this learner has no legal hold to lift");
        rc = 1;
    }
    if (rc == 0)
        rc = support_audit_append(st, inst, account, "hold.lift", learner, "legal hold lifted", err);
    if (rc != 0) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}
