/*
** support/notice.c — notices and mail preferences (see notice.h).
*/
#include "support/notice.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One English sentence for a notice, as mail says it (the pages translate
** by kind instead; web/support/notices.c).  Written to out. */
static void notice_sentence(const char *kind, const char *learner, const char *detail, buf *out) {
    if (!strcmp(kind, SUPPORT_NOTICE_KEYWORKER))
        buf_printf(out, "You were named key worker of %s.", learner);
    else if (!strcmp(kind, SUPPORT_NOTICE_FLAGGED))
        buf_printf(out, "%s of your caseload is newly flagged (%s).", learner, detail);
    else if (!strcmp(kind, SUPPORT_NOTICE_IMPORT_FAILED))
        buf_printf(out, "An import failed: %s", detail);
    else if (!strcmp(kind, SUPPORT_NOTICE_HANDOVER))
        buf_printf(out, "Your new key worker is %s.", detail);
    else if (!strcmp(kind, SUPPORT_NOTICE_SCORE_FAILED))
        buf_printf(out, "A scoring run failed: %s", detail);
    else
        buf_printf(out, "%s", detail);
}

/* The learner's "Given Family" into out (n bytes; "" when none). 0 or -1. */
static int learner_name(store *st, int64_t inst, int64_t learner_id, char *out, size_t n,
                        cairn_err *err) {
    out[0] = 0;
    if (learner_id <= 0) return 0;
    store_stmt *q = store_prepare(st, "SELECT given_name || ' ' || family_name FROM learner"
                                      " WHERE institution_id = ? AND id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) str_copy(out, n, store_col_text(q, 0));
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* account_id's mail preference and staff e-mail address (email, n bytes;
** "" without one).  0 or -1. */
static int account_mail(store *st, int64_t account_id, support_mail_pref *pref, char *email,
                        size_t n, cairn_err *err) {
    *pref = SUPPORT_MAIL_EACH;
    email[0] = 0;
    store_stmt *q = store_prepare(st,
        "SELECT coalesce(p.mail, 'each'), coalesce(s.email, '') FROM account a"
        " LEFT JOIN notice_pref p ON p.account_id = a.id"
        " LEFT JOIN staff s ON a.person_kind = 'staff' AND s.institution_id = a.institution_id"
        " AND s.id = a.person_id WHERE a.id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, account_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        support_mail_pref_parse(store_col_text(q, 0), pref);
        str_copy(email, n, store_col_text(q, 1));
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Write a notice and queue its mail (see notice.h). */
int support_notice_add_in_tx(store *st, int64_t institution_id, int64_t account_id,
                             const char *kind, int64_t learner_id, const char *detail,
                             cairn_err *err) {
    assert(store_in_tx(st) && kind && detail);
    char d[401], now[32], name[203], email[255];
    str_copy(d, sizeof d, detail);
    date_now_iso(now);
    int64_t id = 0;
    if (store_query_int64(st, "SELECT coalesce(max(id), 0) FROM notice WHERE institution_id = ?",
                          institution_id, &id, err) < 0)
        return -1;
    store_stmt *q = store_prepare(st,
        "INSERT INTO notice (institution_id, id, account_id, kind, learner_id, detail, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, id + 1);
    store_bind_int64(q, 3, account_id);
    store_bind_text(q, 4, kind, (size_t)-1);
    if (learner_id > 0) store_bind_int64(q, 5, learner_id);
    else store_bind_null(q, 5);
    store_bind_text(q, 6, d, (size_t)-1);
    store_bind_text(q, 7, now, (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) return -1;
    support_mail_pref pref;
    if (account_mail(st, account_id, &pref, email, sizeof email, err) < 0) return -1;
    if (pref != SUPPORT_MAIL_EACH || !email[0]) return 0;
    if (learner_name(st, institution_id, learner_id, name, sizeof name, err) < 0) return -1;
    buf text, subject;
    buf_init(&text);
    buf_init(&subject);
    notice_sentence(kind, name, d, &text);
    buf_printf(&subject, "cairn: %.150s", buf_cstr(&text));
    buf_puts(&text, "\n\nSign in to cairn and open Notices to see it.\n"
                    "You can choose what cairn mails you under Notices, Mail settings.\n");
    rc = support_mail_enqueue_in_tx(st, institution_id, account_id, email, buf_cstr(&subject),
                                    buf_cstr(&text), err);
    buf_free(&text);
    buf_free(&subject);
    return rc;
}

/* The enabled accounts of the institution matching sql (one int64
** parameter after the institution), into *ids (*n).  0 or -1. */
static int account_ids(store *st, const char *sql, int64_t inst, int64_t param, int64_t **ids,
                       size_t *n, cairn_err *err) {
    *ids = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    if (param) store_bind_int64(q, 2, param);
    return store_stmt_ids(q, ids, n, err);
}

/* Tell a new key worker (see notice.h). */
int support_notice_key_worker_in_tx(store *st, int64_t institution_id, int64_t staff_id,
                                    int64_t learner_id, cairn_err *err) {
    int64_t *ids;
    size_t n;
    if (account_ids(st, "SELECT id FROM account WHERE institution_id = ? AND person_kind = 'staff'"
                        " AND person_id = ? AND disabled = 0 ORDER BY id",
                    institution_id, staff_id, &ids, &n, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = support_notice_add_in_tx(st, institution_id, ids[i], SUPPORT_NOTICE_KEYWORKER,
                                      learner_id, "", err);
    free(ids);
    return rc;
}

/* Tell the administrators (see notice.h). */
int support_notice_admins(store *st, int64_t institution_id, const char *kind,
                          const char *detail, cairn_err *err) {
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) return -1;
    int64_t *ids;
    size_t n;
    int rc = account_ids(st, "SELECT DISTINCT a.id FROM account a JOIN account_role r"
                             " ON r.account_id = a.id AND r.institution_id = a.institution_id"
                             " WHERE a.institution_id = ? AND a.disabled = 0"
                             " AND r.role = 'administrator' ORDER BY a.id",
                         institution_id, 0, &ids, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = support_notice_add_in_tx(st, institution_id, ids[i], kind, 0, detail, err);
    free(ids);
    if (rc < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err);
}

/* One newly flagged learner for one key worker's account. */
typedef struct flagged_row {
    int64_t account_id, learner_id;
    int     tier;
} flagged_row;

/* Notices for newly flagged learners (see notice.h). */
int support_notice_new_flags(store *st, int64_t institution_id, const char *asof, int *written,
                             cairn_err *err) {
    static const char *const tier_names[] = {"universal", "selective", "individual"};
    if (written) *written = 0;
    char prev[11] = "";                 /* the score date before asof */
    store_stmt *q = store_prepare(st, "SELECT max(asof) FROM risk_score WHERE institution_id = ?"
                                      " AND asof < ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_text(q, 2, asof, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW && !store_col_is_null(q, 0)) str_copy(prev, sizeof prev, store_col_text(q, 0));
    store_finalize(q);
    if (rc < 0) return -1;
    if (!prev[0]) return 0;             /* a first scoring run is not news */
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) return -1;
    q = store_prepare(st,
        "SELECT a.id, s.learner_id, s.tier FROM risk_score s"
        " JOIN support_assignment sa ON sa.institution_id = s.institution_id"
        "  AND sa.learner_id = s.learner_id AND sa.ended_at IS NULL"
        " JOIN account a ON a.institution_id = s.institution_id AND a.person_kind = 'staff'"
        "  AND a.person_id = sa.staff_id AND a.disabled = 0"
        " LEFT JOIN risk_score p ON p.institution_id = s.institution_id"
        "  AND p.learner_id = s.learner_id AND p.asof = ?"
        " WHERE s.institution_id = ? AND s.asof = ? AND s.tier >= 1"
        " AND (p.tier IS NULL OR p.tier < s.tier)"
        " ORDER BY a.id, s.learner_id", err);
    flagged_row *rows = NULL;
    size_t n = 0, cap = 0;
    rc = q ? 0 : -1;
    if (q) {
        store_bind_text(q, 1, prev, (size_t)-1);
        store_bind_int64(q, 2, institution_id);
        store_bind_text(q, 3, asof, (size_t)-1);
        while ((rc = store_step(q, err)) == STORE_ROW) {
            if (n == cap) rows = xrealloc(rows, (cap = cap ? cap * 2 : 16) * sizeof *rows);
            rows[n].account_id = store_col_int64(q, 0);
            rows[n].learner_id = store_col_int64(q, 1);
            rows[n].tier = (int)store_col_int64(q, 2);
            n++;
        }
        store_finalize(q);
    }
    int count = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char detail[80];
        int tier = rows[i].tier >= 0 && rows[i].tier <= 2 ? rows[i].tier : 1;
        snprintf(detail, sizeof detail, "%s as of %.10s", tier_names[tier], asof);
        int64_t seen = 0;
        store_stmt *d = store_prepare(st, "SELECT count(*) FROM notice WHERE institution_id = ?"
                                          " AND account_id = ? AND kind = 'flagged'"
                                          " AND learner_id = ? AND detail = ?", err);
        if (!d) { rc = -1; break; }
        store_bind_int64(d, 1, institution_id);
        store_bind_int64(d, 2, rows[i].account_id);
        store_bind_int64(d, 3, rows[i].learner_id);
        store_bind_text(d, 4, detail, (size_t)-1);
        rc = store_step(d, err);
        if (rc == STORE_ROW) seen = store_col_int64(d, 0);
        store_finalize(d);
        if (rc < 0) break;
        rc = 0;
        if (seen) continue;
        rc = support_notice_add_in_tx(st, institution_id, rows[i].account_id,
                                      SUPPORT_NOTICE_FLAGGED, rows[i].learner_id, detail, err);
        count += rc == 0;
    }
    free(rows);
    if (rc < 0) {
        store_tx_rollback(st);
        return -1;
    }
    if (store_tx_commit(st, err) < 0) return -1;
    if (written) *written = count;
    return 0;
}

/* The ids of the institutions matching sql (at most one text parameter,
** NULL for none) into *ids (*n; malloc'd).  0 or -1. */
static int institution_ids(store *st, const char *sql, const char *param, int64_t **ids,
                           size_t *n, cairn_err *err) {
    *ids = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    if (param) store_bind_text(q, 1, param, (size_t)-1);
    return store_stmt_ids(q, ids, n, err);
}

/* Newly flagged notices in every institution scored as of asof (see notice.h). */
int support_notice_rescored(store *st, const char *asof, int *written, cairn_err *err) {
    int64_t *ids;
    size_t n;
    if (written) *written = 0;
    int rc = institution_ids(st, "SELECT DISTINCT institution_id FROM risk_score WHERE asof = ?"
                                 " ORDER BY institution_id", asof, &ids, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int w = 0;
        rc = support_notice_new_flags(st, ids[i], asof, &w, err);
        if (written) *written += w;
    }
    free(ids);
    return rc;
}

/* Tell the administrators of every institution (see notice.h). */
int support_notice_admins_all(store *st, const char *kind, const char *detail, cairn_err *err) {
    int64_t *ids;
    size_t n;
    int rc = institution_ids(st, "SELECT id FROM institution ORDER BY id", NULL, &ids, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) rc = support_notice_admins(st, ids[i], kind, detail, err);
    free(ids);
    return rc;
}

/* An account's notices (see notice.h). */
int support_notice_list(store *st, int64_t account_id, size_t limit, support_notice **rows,
                        size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        "SELECT n.id, n.kind, coalesce(n.learner_id, 0),"
        " coalesce(l.given_name || ' ' || l.family_name, ''), n.detail, n.created_at,"
        " CASE WHEN n.read_at IS NULL THEN 0 ELSE 1 END FROM notice n"
        " LEFT JOIN learner l ON l.institution_id = n.institution_id AND l.id = n.learner_id"
        " WHERE n.account_id = ? ORDER BY n.created_at DESC, n.id DESC LIMIT ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, account_id);
    store_bind_int64(q, 2, (int64_t)limit);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) *rows = xrealloc(*rows, (cap = cap ? cap * 2 : 8) * sizeof **rows);
        support_notice *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        r->id = store_col_int64(q, 0);
        str_copy(r->kind, sizeof r->kind, store_col_text(q, 1));
        r->learner_id = store_col_int64(q, 2);
        str_copy(r->learner_name, sizeof r->learner_name, store_col_text(q, 3));
        str_copy(r->detail, sizeof r->detail, store_col_text(q, 4));
        str_copy(r->created_at, sizeof r->created_at, store_col_text(q, 5));
        r->read = store_col_int64(q, 6) != 0;
    }
    store_finalize(q);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* Unread notices (see notice.h). */
int support_notice_unread(store *st, int64_t account_id, int64_t *count, cairn_err *err) {
    return store_query_int64(st, "SELECT count(*) FROM notice WHERE account_id = ?"
                                 " AND read_at IS NULL", account_id, count, err);
}

/* Mark read (see notice.h). */
int support_notice_mark_read(store *st, int64_t account_id, int64_t id, int64_t *changed,
                             cairn_err *err) {
    char now[32];
    date_now_iso(now);
    store_stmt *q = store_prepare(st, id > 0
        ? "UPDATE notice SET read_at = ? WHERE account_id = ? AND read_at IS NULL AND id = ?"
        : "UPDATE notice SET read_at = ? WHERE account_id = ? AND read_at IS NULL", err);
    if (!q) return -1;
    store_bind_text(q, 1, now, (size_t)-1);
    store_bind_int64(q, 2, account_id);
    if (id > 0) store_bind_int64(q, 3, id);
    int rc = store_step(q, err);
    if (changed) *changed = rc < 0 ? 0 : store_changes(q);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* ---- preferences ------------------------------------------------------------------ */

/* The code of a preference (static). */
const char *support_mail_pref_code(support_mail_pref p) {
    return p == SUPPORT_MAIL_NONE ? "none" : p == SUPPORT_MAIL_DIGEST ? "digest" : "each";
}

/* Parse a preference's code. */
int support_mail_pref_parse(const char *s, support_mail_pref *out) {
    if (!s) return -1;
    if (!strcmp(s, "none")) *out = SUPPORT_MAIL_NONE;
    else if (!strcmp(s, "digest")) *out = SUPPORT_MAIL_DIGEST;
    else if (!strcmp(s, "each")) *out = SUPPORT_MAIL_EACH;
    else return -1;
    return 0;
}

/* account_id's preference ("each" without a row). */
int support_mail_pref_get(store *st, int64_t account_id, support_mail_pref *out, cairn_err *err) {
    *out = SUPPORT_MAIL_EACH;
    store_stmt *q = store_prepare(st, "SELECT mail FROM notice_pref WHERE account_id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, account_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) support_mail_pref_parse(store_col_text(q, 0), out);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Set account_id's preference. */
int support_mail_pref_set(store *st, int64_t account_id, support_mail_pref pref, cairn_err *err) {
    store_stmt *q = store_prepare(st,
        "INSERT INTO notice_pref (account_id, mail) VALUES (?, ?)"
        " ON CONFLICT (account_id) DO UPDATE SET mail = excluded.mail", err);
    if (!q) return -1;
    store_bind_int64(q, 1, account_id);
    store_bind_text(q, 2, support_mail_pref_code(pref), (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}
