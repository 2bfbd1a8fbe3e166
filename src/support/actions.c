/*
** support/actions.c — acknowledging flags and naming key workers (see
** actions.h).
*/
#include "support/actions.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "risk/risk_read.h"
#include "support/audit.h"
#include "support/notice.h"
#include "support/sealed.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The staff members who may be key workers (actions.h): linked to an
** enabled account with the key_worker role in the institution.  For a
** query where s is the staff table. */
#define ELIGIBLE_SQL                                                              \
    "EXISTS (SELECT 1 FROM account a JOIN account_role r ON r.account_id = a.id"  \
    " WHERE a.institution_id = s.institution_id AND r.institution_id = s.institution_id" \
    " AND a.person_kind = 'staff' AND a.person_id = s.id AND a.disabled = 0"      \
    " AND r.role = 'key_worker')"

/* ---- problems ------------------------------------------------------------------ */

/* The field a problem is about (static). */
const char *support_problem_field(support_problem p) {
    switch (p) {
    case SUPPORT_FLAG_MISSING:
    case SUPPORT_FLAG_NOT_CURRENT: return "flag";
    case SUPPORT_COMMENT_EMPTY:
    case SUPPORT_COMMENT_TOO_LONG:
    case SUPPORT_COMMENT_BAD_TEXT: return "comment";
    case SUPPORT_STAFF_MISSING:
    case SUPPORT_STAFF_UNKNOWN:
    case SUPPORT_STAFF_NOT_ELIGIBLE: return "staff_id";
    case SUPPORT_OK: break;
    }
    return "";
}

/* One English sentence for a problem (static). */
const char *support_problem_text(support_problem p) {
    switch (p) {
    case SUPPORT_FLAG_MISSING: return "flag is required: the rule code of one of the learner's "
                                      "current flags";
    case SUPPORT_FLAG_NOT_CURRENT: return "flag is not one of the learner's current flags";
    case SUPPORT_COMMENT_EMPTY: return "comment is required and must not be only white space";
    case SUPPORT_COMMENT_TOO_LONG: return "comment is longer than 2000 characters";
    case SUPPORT_COMMENT_BAD_TEXT: return "comment must be valid UTF-8 text without control "
                                          "characters other than line breaks";
    case SUPPORT_STAFF_MISSING: return "staff_id is required: the id of a staff member";
    case SUPPORT_STAFF_UNKNOWN: return "staff_id names no staff member of this institution";
    case SUPPORT_STAFF_NOT_ELIGIBLE: return "staff_id names a staff member who cannot be a key "
                                            "worker (no enabled account with the key_worker role)";
    case SUPPORT_OK: break;
    }
    return "";
}

/* Set *problem and err for p; returns 1 (the writers' "refused"). */
static int refuse(support_problem p, support_problem *problem, cairn_err *err) {
    if (problem) *problem = p;
    err_set(err, CAIRN_EINVAL, "%s", support_problem_text(p));
    return 1;
}

/* ---- comments ------------------------------------------------------------------ */

/* The code point of the well-formed UTF-8 sequence at s (n bytes left) into
** *cp; its length 1..4, or 0 when it is not well-formed (overlong,
** surrogate, beyond U+10FFFF, truncated, stray continuation byte). */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp) {
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; c &= 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; c &= 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; c &= 0x07; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return len;
}

/* Check comment and copy it to out (SUPPORT_COMMENT_BYTES bytes) with CR LF
** pairs as LF.  0 acceptable, 1 with *problem set (see actions.h). */
int support_comment_normalise(const char *comment, char out[SUPPORT_COMMENT_BYTES],
                             support_problem *problem) {
    const unsigned char *s = (const unsigned char *)(comment ? comment : "");
    size_t n = strlen((const char *)s), w = 0, chars = 0;
    int visible = 0;
    out[0] = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t len = utf8_decode(s + i, n - i, &cp);
        /* a refused text leaves out empty: it was copied without its NUL
        ** so far, and callers count its characters even when refused */
        if (!len) { out[0] = 0; *problem = SUPPORT_COMMENT_BAD_TEXT; return 1; }
        if (cp == '\r' && i + 1 < n && s[i + 1] == '\n') { i++; continue; }
        if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F)) {
            out[0] = 0;
            *problem = SUPPORT_COMMENT_BAD_TEXT;
            return 1;
        }
        if (++chars > SUPPORT_COMMENT_MAX) {
            out[0] = 0;
            *problem = SUPPORT_COMMENT_TOO_LONG;
            return 1;
        }
        if (cp != ' ' && cp != '\n' && cp != 0xA0 && cp != 0x3000 && !(cp >= 0x2000 && cp <= 0x200B))
            visible = 1;
        memcpy(out + w, s + i, len);
        w += len;
        i += len;
    }
    out[w] = 0;
    if (!visible) { *problem = SUPPORT_COMMENT_EMPTY; return 1; }
    return 0;
}

/* Check a comment without writing (see actions.h). */
int support_comment_check(const char *comment, support_problem *problem) {
    char norm[SUPPORT_COMMENT_BYTES];
    support_problem p = SUPPORT_OK;
    int rc = support_comment_normalise(comment, norm, &p);
    if (problem) *problem = p;
    return rc;
}

/* ---- acknowledgements ------------------------------------------------------------ */

/* Insert the acknowledgement a (its id chosen here) and its audit event;
** in the caller's transaction.  0 or -1. */
static int ack_insert(store *st, int64_t inst, support_ack *a, cairn_err *err) {
    if (store_query_int64(st, "SELECT coalesce(max(id), 0) FROM flag_acknowledgement"
                              " WHERE institution_id = ?", inst, &a->id, err) < 0)
        return -1;
    a->id++;
    buf sealed = BUF_INIT;
    if (support_text_seal(st, inst, a->comment, &sealed, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    store_stmt *q = store_prepare(st,
        "INSERT INTO flag_acknowledgement (institution_id, id, learner_id, rule_code, asof,"
        " account_id, comment, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
    if (!q) {
        buf_free(&sealed);
        return -1;
    }
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, a->id);
    store_bind_int64(q, 3, a->learner_id);
    store_bind_text(q, 4, a->rule_code, (size_t)-1);
    store_bind_text(q, 5, a->asof, (size_t)-1);
    store_bind_int64(q, 6, a->account_id);
    store_bind_text(q, 7, sealed.data, sealed.len);
    store_bind_text(q, 8, a->at, (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    buf_free(&sealed);
    if (rc < 0) return -1;
    char detail[160];
    snprintf(detail, sizeof detail, "flag %s of the score of %s (acknowledgement %lld)",
             a->rule_code, a->asof, (long long)a->id);
    return support_audit_append(st, inst, a->account_id, "flag.acknowledge", a->learner_id, detail, err);
}

/* Whether rule_code is a flag of learner_id's latest score: 1 yes (with
** that score's date in asof), 0 no (also without a score), -1 error. */
static int flag_is_current(store *st, int64_t inst, int64_t learner_id, const char *rule_code,
                           char asof[11], cairn_err *err) {
    risk_attention_row *sc = xcalloc(1, sizeof *sc);
    int have = risk_read_learner_latest(st, inst, learner_id, sc, err);
    int current = 0;
    for (int i = 0; have > 0 && i < sc->nflags; i++)
        if (strcmp(sc->flag_codes[i], rule_code) == 0) current = 1;
    if (current) date_format(sc->asof, asof);
    free(sc);
    return have < 0 ? -1 : current;
}

/* Acknowledge a current flag (see actions.h). */
int support_flag_acknowledge(store *st, int64_t institution_id, int64_t account_id,
                             int64_t learner_id, const char *rule_code, const char *comment,
                             support_ack *out, support_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_OK;
    if (!rule_code || !*rule_code) return refuse(SUPPORT_FLAG_MISSING, problem, err);
    if (strlen(rule_code) >= sizeof out->rule_code)
        return refuse(SUPPORT_FLAG_NOT_CURRENT, problem, err);
    support_ack *a = xcalloc(1, sizeof *a);
    support_problem p = SUPPORT_OK;
    if (support_comment_normalise(comment, a->comment, &p)) {
        free(a);
        return refuse(p, problem, err);
    }
    int64_t inst = institution_id;
    a->learner_id = learner_id;
    a->account_id = account_id;
    str_copy(a->rule_code, sizeof a->rule_code, rule_code);
    date_now_iso(a->at);
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + inst, err) < 0) {
        free(a);
        return -1;
    }
    int current = flag_is_current(st, inst, learner_id, rule_code, a->asof, err);
    int rc = current < 0 ? -1 : current == 0 ? 1 : ack_insert(st, inst, a, err);
    if (rc != 0) {
        store_tx_rollback(st);
        if (rc == 1) refuse(SUPPORT_FLAG_NOT_CURRENT, problem, err);
    } else if (store_tx_commit(st, err) < 0) {
        rc = -1;
    } else if (out) {
        *out = *a;
    }
    free(a);
    return rc;
}

/* A learner's acknowledgements, newest first (see actions.h). */
int support_ack_list(store *st, int64_t institution_id, int64_t learner_id,
                     support_ack **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        "SELECT f.id, f.rule_code, f.asof, f.account_id, coalesce(a.display_name, ''), f.at,"
        " f.comment FROM flag_acknowledgement f LEFT JOIN account a ON a.id = f.account_id"
        " WHERE f.institution_id = ? AND f.learner_id = ? ORDER BY f.id DESC", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, learner_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        support_ack *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        r->id = store_col_int64(q, 0);
        r->learner_id = learner_id;
        str_copy(r->rule_code, sizeof r->rule_code, store_col_text(q, 1));
        str_copy(r->asof, sizeof r->asof, store_col_text(q, 2));
        r->account_id = store_col_int64(q, 3);
        str_copy(r->by, sizeof r->by, store_col_text(q, 4));
        str_copy(r->at, sizeof r->at, store_col_text(q, 5));
        const char *stored = store_col_text(q, 6);
        if (support_text_is_sealed(stored)) {   /* else written before sealing; see sealed_columns.c */
            buf plain = BUF_INIT;
            if (support_text_open(st, institution_id, stored, &plain, err) < 0) {
                buf_free(&plain);
                rc = -1;
                break;
            }
            str_copy(r->comment, sizeof r->comment, plain.data);
            crypto_wipe(plain.data, plain.len);
            buf_free(&plain);
        } else {
            str_copy(r->comment, sizeof r->comment, stored);
        }
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

/* The tallies of acknowledgements of a page of learners (see actions.h). */
int support_ack_tally_of_learners(store *st, int64_t institution_id, const int64_t *learners,
                                  const char (*asofs)[11], size_t n, support_ack_tally *out,
                                  cairn_err *err) {
    assert(n == 0 || (learners && asofs && out));
    if (!n) return 0;
    int opened;
    if (store_read_begin(st, &opened, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "SELECT count(*), coalesce(max(f.id), 0) FROM flag_acknowledgement f"
        " WHERE f.institution_id = ? AND f.learner_id = ? AND f.asof = ?", err);
    store_stmt *who = q ? store_prepare(st,
        "SELECT coalesce(a.display_name, ''), f.at FROM flag_acknowledgement f"
        " LEFT JOIN account a ON a.id = f.account_id WHERE f.id = ?", err) : NULL;
    int rc = q && who ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        store_bind_int64(q, 1, institution_id);
        store_bind_int64(q, 2, learners[i]);
        store_bind_text(q, 3, asofs[i], (size_t)-1);
        int64_t newest = 0;
        if ((rc = store_step(q, err)) == STORE_ROW) {
            out[i].acked = (int)store_col_int64(q, 0);
            newest = store_col_int64(q, 1);
            rc = 0;
        }
        store_reset(q);
        if (rc < 0 || !newest) continue;
        store_bind_int64(who, 1, newest);
        if ((rc = store_step(who, err)) == STORE_ROW) {
            str_copy(out[i].by, sizeof out[i].by, store_col_text(who, 0));
            str_copy(out[i].at, sizeof out[i].at, store_col_text(who, 1));
            rc = 0;
        }
        store_reset(who);
    }
    if (who) store_finalize(who);
    if (q) store_finalize(q);
    store_read_end(st, opened);
    return rc < 0 ? -1 : 0;
}

/* ---- key workers ------------------------------------------------------------------ */

/* Fill s from columns first.. (id, ref, given_name, family_name, job_title). */
static void staff_from_row(store_stmt *q, int first, support_staff *s) {
    memset(s, 0, sizeof *s);
    s->id = store_col_int64(q, first);
    str_copy(s->ref, sizeof s->ref, store_col_text(q, first + 1));
    str_copy(s->given_name, sizeof s->given_name, store_col_text(q, first + 2));
    str_copy(s->family_name, sizeof s->family_name, store_col_text(q, first + 3));
    str_copy(s->job_title, sizeof s->job_title, store_col_text(q, first + 4));
}

/* The eligible key workers (see actions.h). */
int support_key_worker_eligible(store *st, int64_t institution_id, support_staff **rows,
                                size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        /* ELIGIBLE_SQL read from the accounts outward: a school has a few
        ** key workers among thousands of staff (4 ms -> 0.2 ms at 7,500) */
        "SELECT DISTINCT s.id, s.ref, s.given_name, s.family_name, coalesce(s.job_title, '')"
        " FROM account a JOIN account_role r ON r.account_id = a.id"
        " AND r.institution_id = a.institution_id"
        " JOIN staff s ON s.institution_id = a.institution_id AND s.id = a.person_id"
        " WHERE a.institution_id = ? AND a.person_kind = 'staff' AND a.disabled = 0"
        " AND r.role = 'key_worker'"
        " ORDER BY s.family_name, s.given_name, s.id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        staff_from_row(q, 0, &(*rows)[(*n)++]);
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

/* The current key worker (see actions.h). */
int support_key_worker_current(store *st, int64_t institution_id, int64_t learner_id,
                               support_key_worker *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    store_stmt *q = store_prepare(st,
        "SELECT s.id, s.ref, s.given_name, s.family_name, coalesce(s.job_title, ''),"
        " sa.assigned_by, sa.assigned_at FROM support_assignment sa JOIN staff s"
        " ON s.institution_id = sa.institution_id AND s.id = sa.staff_id"
        " WHERE sa.institution_id = ? AND sa.learner_id = ? AND sa.ended_at IS NULL"
        " ORDER BY sa.assigned_at DESC, s.id DESC LIMIT 1", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, learner_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        out->learner_id = learner_id;
        staff_from_row(q, 0, &out->staff);
        out->assigned_by = store_col_is_null(q, 5) ? 0 : store_col_int64(q, 5);
        str_copy(out->assigned_at, sizeof out->assigned_at, store_col_text(q, 6));
    }
    store_finalize(q);
    if (rc < 0) return -1;
    return rc == STORE_ROW;
}

/* Which of a page of learners have a key worker (see actions.h). */
int support_key_worker_has_of_learners(store *st, int64_t institution_id,
                                       const int64_t *learners, size_t n, int *has,
                                       cairn_err *err) {
    assert(n == 0 || (learners && has));
    if (!n) return 0;
    int opened;
    if (store_read_begin(st, &opened, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "SELECT 1 FROM support_assignment WHERE institution_id = ? AND learner_id = ?"
        " AND ended_at IS NULL LIMIT 1", err);
    if (!q) {
        store_read_end(st, opened);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        store_bind_int64(q, 1, institution_id);
        store_bind_int64(q, 2, learners[i]);
        rc = store_step(q, err);
        has[i] = rc == STORE_ROW;
        store_reset(q);
    }
    store_finalize(q);
    store_read_end(st, opened);
    return rc < 0 ? -1 : 0;
}

/* Whether staff_id is in the institution (*exists) and eligible
** (*eligible).  0 or -1. */
static int staff_status(store *st, int64_t inst, int64_t staff_id, int *exists, int *eligible,
                        cairn_err *err) {
    *exists = *eligible = 0;
    store_stmt *q = store_prepare(st,
        "SELECT CASE WHEN " ELIGIBLE_SQL " THEN 1 ELSE 0 END FROM staff s"
        " WHERE s.institution_id = ? AND s.id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, staff_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        *exists = 1;
        *eligible = store_col_int64(q, 0) != 0;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* End learner's current assignment and make staff_id's current; in the
** caller's transaction.  0 or -1. */
static int assignment_replace(store *st, int64_t inst, int64_t learner_id, int64_t staff_id,
                              int64_t by, const char *now, cairn_err *err) {
    store_stmt *q = store_prepare(st,
        "UPDATE support_assignment SET ended_at = ? WHERE institution_id = ?"
        " AND learner_id = ? AND ended_at IS NULL", err);
    if (!q) return -1;
    store_bind_text(q, 1, now, (size_t)-1);
    store_bind_int64(q, 2, inst);
    store_bind_int64(q, 3, learner_id);
    int rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) return -1;
    q = store_prepare(st,
        "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_by,"
        " assigned_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (institution_id, learner_id, staff_id)"
        " DO UPDATE SET assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at,"
        " ended_at = NULL", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner_id);
    store_bind_int64(q, 3, staff_id);
    store_bind_int64(q, 4, by);
    store_bind_text(q, 5, now, (size_t)-1);
    rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Name a key worker (see actions.h). */
int support_key_worker_assign(store *st, int64_t institution_id, int64_t account_id,
                              int64_t learner_id, int64_t staff_id, support_key_worker *out,
                              support_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_OK;
    if (staff_id <= 0) return refuse(SUPPORT_STAFF_MISSING, problem, err);
    int64_t inst = institution_id;
    support_key_worker cur;
    int exists, eligible;
    char now[32];
    date_now_iso(now);
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + inst, err) < 0) return -1;
    if (staff_status(st, inst, staff_id, &exists, &eligible, err) < 0) goto fail;
    if (!exists || !eligible) {
        store_tx_rollback(st);
        return refuse(exists ? SUPPORT_STAFF_NOT_ELIGIBLE : SUPPORT_STAFF_UNKNOWN, problem, err);
    }
    int had = support_key_worker_current(st, inst, learner_id, &cur, err);
    if (had < 0) goto fail;
    if (had && cur.staff.id == staff_id) {      /* already so: nothing to write */
        store_tx_rollback(st);
        if (out) *out = cur;
        return 0;
    }
    char detail[128];
    if (had)
        snprintf(detail, sizeof detail, "staff %lld named key worker (was staff %lld)",
                 (long long)staff_id, (long long)cur.staff.id);
    else
        snprintf(detail, sizeof detail, "staff %lld named key worker (was none)",
                 (long long)staff_id);
    if (assignment_replace(st, inst, learner_id, staff_id, account_id, now, err) < 0 ||
        support_audit_append(st, inst, account_id, "keyworker.assign", learner_id, detail, err) < 0 ||
        support_notice_key_worker_in_tx(st, inst, staff_id, learner_id, err) < 0 ||
        support_key_worker_current(st, inst, learner_id, &cur, err) < 0)
        goto fail;
    if (store_tx_commit(st, err) < 0) return -1;
    if (out) *out = cur;
    return 0;
fail:
    store_tx_rollback(st);
    return -1;
}
