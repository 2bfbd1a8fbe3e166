/*
** support/case_move.c — offering a case to another institution, the
** consent it needs, and what each side may list (see case_move.h; the
** answer is support/case_move_accept.c).
*/
#include "support/case_move_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/consent.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The other institutions (see case_move.h). */
int support_case_move_institutions(store *st, int64_t inst, support_case_institution **rows,
                                   size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, "SELECT id, code, name FROM institution WHERE id <> ?"
                                      " ORDER BY name, id LIMIT 500", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        support_case_institution *r = &(*rows)[(*n)++];
        r->id = store_col_int64(q, 0);
        str_copy(r->code, sizeof r->code, store_col_text(q, 1));
        str_copy(r->name, sizeof r->name, store_col_text(q, 2));
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

/* Institution id's code and name (see case_move_internal.h). */
int case_move_institution(store *st, int64_t id, char code[65], char name[201], cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT code, name FROM institution WHERE id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        str_copy(code, 65, store_col_text(q, 0));
        str_copy(name, 201, store_col_text(q, 1));
    }
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* The consent check (see case_move_internal.h). */
int case_move_consent(store *st, int64_t inst, int64_t learner, int64_t to_inst, int32_t day,
                      support_consent_why *why, cairn_err *err) {
    static const char *const cats[] = {"identity", "support"};
    char code[65], name[201];
    int known = case_move_institution(st, to_inst, code, name, err);
    if (known <= 0) {
        if (!known) err_set(err, CAIRN_ENOTFOUND, "there is no institution %lld", (long long)to_inst);
        return -1;
    }
    for (size_t i = 0; i < sizeof cats / sizeof *cats; i++) {
        int ok = support_consent_check(st, inst, learner, "share_organisation", name, cats[i], day,
                                       why, err);
        if (ok == 0) {   /* the code names the institution too */
            support_consent_why by_code;
            ok = support_consent_check(st, inst, learner, "share_organisation", code, cats[i], day,
                                       &by_code, err);
            if (ok > 0 || (ok == 0 && strncmp(by_code.text, "There is no", 11) &&
                           !strncmp(why->text, "There is no", 11)))
                *why = by_code;   /* it allows, or it says more than "none" */
        }
        if (ok <= 0) return ok;
    }
    return 1;
}

/* Refuse for want of consent: *problem, and err naming what is missing. */
static int refuse_consent(const support_consent_why *why, support_case_problem *problem,
                          cairn_err *err) {
    case_refuse(SUPPORT_CASE_NO_CONSENT, problem, err);
    err_set(err, CAIRN_EINVAL, "%s: %s A school leader may record an emergency override with a "
            "written reason.", support_case_problem_text(SUPPORT_CASE_NO_CONSENT), why->text);
    return 1;
}

/* 1 when a handover to another institution waits on case_id (see
** case_internal.h). */
int case_move_waiting_in_tx(store *st, int64_t inst, int64_t case_id, cairn_err *err) {
    return case_any(st, "SELECT count(*) FROM case_move WHERE institution_id = ?"
                    " AND case_id = ? AND state IN ('approval', 'pending')",
                    inst, case_id, err);
}

/* The offer made visible: its history row and audit event; in the
** transaction. */
static int offer_written(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                         int64_t kw, int64_t learner, int64_t to_inst, const char *text,
                         const char *now, cairn_err *err) {
    char from[24], to[40], detail[96];
    snprintf(from, sizeof from, "%lld", (long long)kw);
    snprintf(to, sizeof to, "institution %lld", (long long)to_inst);
    snprintf(detail, sizeof detail, "case %lld: offered to institution %lld", (long long)case_id,
             (long long)to_inst);
    return case_history_add_in_tx(st, inst, case_id, now, account_id, "transfer_ask", from, to,
                                  text, err) < 0 ||
                   support_case_audit(st, inst, account_id, learner, case_id, "case.move_ask",
                                      NULL, detail, err) < 0
               ? -1
               : 0;
}

/* Insert the case_move row in state; in the transaction.  0 or -1. */
static int move_insert(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                       int64_t to_inst, const char *state, const char *text,
                       const support_consent_why *why, const char *now, cairn_err *err) {
    buf sealed = BUF_INIT;   /* not HTML: the stored reason */
    int64_t id = 0;
    if (support_case_text_seal(st, inst, text, &sealed, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_move"
                              " WHERE institution_id = ?", inst, &id, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    store_stmt *q = store_prepare(st, "INSERT INTO case_move (institution_id, id, case_id,"
                                      " to_institution, state, reason, asked_by, asked_at,"
                                      " consent_id, override_id) VALUES"
                                      " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
    int rc = -1;
    if (q) {
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, id);
        store_bind_int64(q, 3, case_id);
        store_bind_int64(q, 4, to_inst);
        store_bind_text(q, 5, state, (size_t)-1);
        store_bind_text(q, 6, buf_cstr(&sealed), (size_t)-1);
        if (account_id > 0) store_bind_int64(q, 7, account_id);
        else store_bind_null(q, 7);
        store_bind_text(q, 8, now, (size_t)-1);
        if (why->consent_id) store_bind_int64(q, 9, why->consent_id);
        else store_bind_null(q, 9);
        if (why->override_id) store_bind_int64(q, 10, why->override_id);
        else store_bind_null(q, 10);
        rc = store_step(q, err) < 0 ? -1 : 0;
        store_finalize(q);
    }
    buf_free(&sealed);
    return rc;
}

/* The checks of an offer on a case read in the transaction: 0 fine, 1
** refused, -1. */
static int offer_check(store *st, int64_t inst, int64_t case_id, int state, int64_t learner,
                       int64_t to_inst, const char *now, support_consent_why *why,
                       support_case_problem *problem, cairn_err *err) {
    if (state == SUPPORT_CASE_CLOSED) return case_refuse(SUPPORT_CASE_IS_CLOSED, problem, err);
    support_case_transfer t;
    int busy = support_case_transfer_pending(st, inst, case_id, 0, &t, err);
    if (busy == 0) busy = case_move_waiting_in_tx(st, inst, case_id, err);
    if (busy < 0) return -1;
    if (busy) return case_refuse(SUPPORT_CASE_TRANSFER_PENDING, problem, err);
    int ok = case_move_consent(st, inst, learner, to_inst, case_day_of(now), why, err);
    if (ok < 0) return -1;
    return ok ? 0 : refuse_consent(why, problem, err);
}

/* Offer a case to another institution (see case_move.h). */
int support_case_move_ask(store *st, int64_t inst, int64_t account_id, unsigned rel,
                          int64_t case_id, int64_t to_inst, const char *reason, const char *at,
                          support_case_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (!(rel & SUPPORT_CASE_REL_KEY_WORKER))
        return case_refuse(SUPPORT_CASE_NOT_YOURS, problem, err);
    if (to_inst == inst) return case_refuse(SUPPORT_CASE_INST_SAME, problem, err);
    char now[32], code[65], name[201];
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    int rc = case_reason_take(reason, at, now, text, problem, err);
    if (rc != 0) goto out;
    rc = -1;
    int known = to_inst > 0 ? case_move_institution(st, to_inst, code, name, err) : 0;
    if (known < 0) goto out;
    if (!known) {
        rc = case_refuse(SUPPORT_CASE_INST_UNKNOWN, problem, err);
        goto out;
    }
    if (case_tx_begin(st, inst, err) < 0) goto out;
    int state, tier;
    int64_t kw, learner;
    if (case_state_get(st, inst, case_id, &state, &tier, &kw, &learner, err) < 0) goto fail;
    support_consent_why why;
    rc = offer_check(st, inst, case_id, state, learner, to_inst, now, &why, problem, err);
    if (rc != 0) goto fail;
    rc = -1;
    int on = support_case_approval_required(st, inst, SUPPORT_CASE_APPROVAL_TRANSFER, err);
    int waiting = on == 0 ? case_approval_waiting_in_tx(st, inst, case_id, err) : 0;
    if (on < 0 || waiting < 0) goto fail;
    if (waiting) {
        rc = case_refuse(SUPPORT_CASE_APPROVAL_PENDING, problem, err);
        goto fail;
    }
    if (move_insert(st, inst, account_id, case_id, to_inst, on ? "approval" : "pending", text,
                    &why, now, err) < 0)
        goto fail;
    if (on) {   /* a request for a school leader's approval, not the offer yet */
        rc = case_approval_ask_in_tx(st, inst, account_id, case_id, learner, "transfer", 0, 0,
                                     text, now, problem, err);
        if (rc != 0) goto fail;
    } else if (offer_written(st, inst, account_id, case_id, kw, learner, to_inst, text, now,
                             err) < 0)
        goto fail;
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    free(text);
    return rc;
}

/* Release the offer a leader approved (see case_internal.h). */
int case_move_release_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                            const char *now, support_case_problem *problem, cairn_err *err) {
    support_case_move *m = xcalloc(1, sizeof *m);
    int state, tier, rc = -1;
    int64_t kw, learner;
    int have = support_case_move_of_case(st, inst, case_id, 1, m, err);
    if (have > 0 && strcmp(m->state, "approval")) have = 0;
    if (have == 0) rc = case_refuse(SUPPORT_CASE_TRANSFER_NONE, problem, err);
    if (have <= 0 || case_state_read(st, inst, case_id, &state, &tier, &kw, &learner, err) <= 0)
        goto out;
    support_consent_why why;
    if (state == SUPPORT_CASE_CLOSED) {
        rc = case_refuse(SUPPORT_CASE_IS_CLOSED, problem, err);
        goto out;
    }
    int ok = case_move_consent(st, inst, learner, m->to_institution, case_day_of(now), &why, err);
    if (ok <= 0) {
        rc = ok < 0 ? -1 : refuse_consent(&why, problem, err);
        goto out;
    }
    store_stmt *q = store_prepare(st, "UPDATE case_move SET state = 'pending' WHERE"
                                      " institution_id = ? AND id = ?", err);
    if (!q) goto out;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, m->id);
    int s = store_step(q, err);
    store_finalize(q);
    if (s < 0) goto out;
    rc = offer_written(st, inst, account_id, case_id, kw, learner, m->to_institution, m->reason,
                       now, err);
out:
    free(m);
    return rc;
}

/* Withdraw the offer whose approval was declined (see case_internal.h). */
int case_move_drop_in_tx(store *st, int64_t inst, int64_t case_id, cairn_err *err) {
    store_stmt *q = store_prepare(st, "UPDATE case_move SET state = 'withdrawn' WHERE"
                                      " institution_id = ? AND case_id = ? AND state = 'approval'",
                                  err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

#define MOVE_COLUMNS                                                                   \
    "SELECT m.institution_id, m.id, m.case_id, m.to_institution, m.state, f.name, t.name," \
    " l.given_name, l.family_name, coalesce(l.birth_date, ''), c.tier, m.asked_at,"        \
    " coalesce(m.to_learner_id, 0), coalesce(m.to_case_id, 0), m.reason FROM case_move m"  \
    " JOIN support_case c ON c.institution_id = m.institution_id AND c.id = m.case_id"     \
    " JOIN learner l ON l.institution_id = c.institution_id AND l.id = c.learner_id"       \
    " JOIN institution f ON f.id = m.institution_id"                                       \
    " JOIN institution t ON t.id = m.to_institution"

/* Fill *m from a MOVE_COLUMNS row (reason opened, under the sender's key,
** when with_text). */
static int move_row(store *st, store_stmt *q, int with_text, support_case_move *m,
                    cairn_err *err) {
    memset(m, 0, sizeof *m);
    m->from_institution = store_col_int64(q, 0);
    m->id = store_col_int64(q, 1);
    m->case_id = store_col_int64(q, 2);
    m->to_institution = store_col_int64(q, 3);
    str_copy(m->state, sizeof m->state, store_col_text(q, 4));
    str_copy(m->from_name, sizeof m->from_name, store_col_text(q, 5));
    str_copy(m->to_name, sizeof m->to_name, store_col_text(q, 6));
    snprintf(m->learner_name, sizeof m->learner_name, "%s %s", store_col_text(q, 7),
             store_col_text(q, 8));
    str_copy(m->birth_date, sizeof m->birth_date, store_col_text(q, 9));
    m->tier = (int)store_col_int64(q, 10);
    str_copy(m->asked_at, sizeof m->asked_at, store_col_text(q, 11));
    m->to_learner_id = store_col_int64(q, 12);
    m->to_case_id = store_col_int64(q, 13);
    if (!with_text) return 0;
    buf plain = BUF_INIT;   /* not HTML: the reason */
    int rc = support_case_text_open(st, m->from_institution, store_col_text(q, 14), &plain, err);
    if (rc == 0) str_copy(m->reason, sizeof m->reason, buf_cstr(&plain));
    buf_free(&plain);
    return rc;
}

/* Step q (bound) for at most one row into *m: 1, 0, -1. */
static int move_one(store *st, store_stmt *q, int with_text, support_case_move *m,
                    cairn_err *err) {
    int rc = store_step(q, err);
    if (rc == STORE_ROW && move_row(st, q, with_text, m, err) < 0) rc = -1;
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* The offer waiting on a case (see case_move.h). */
int support_case_move_of_case(store *st, int64_t inst, int64_t case_id, int with_text,
                              support_case_move *out, cairn_err *err) {
    store_stmt *q = store_prepare(st, MOVE_COLUMNS " WHERE m.institution_id = ? AND m.case_id = ?"
                                      " AND m.state IN ('approval', 'pending')", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    return move_one(st, q, with_text, out, err);
}

/* One offer waiting for to_inst (see case_move.h). */
int support_case_move_incoming_get(store *st, int64_t to_inst, int64_t from_inst, int64_t id,
                                   support_case_move *out, cairn_err *err) {
    store_stmt *q = store_prepare(st, MOVE_COLUMNS " WHERE m.institution_id = ? AND m.id = ?"
                                      " AND m.to_institution = ? AND m.state = 'pending'", err);
    if (!q) return -1;
    store_bind_int64(q, 1, from_inst);
    store_bind_int64(q, 2, id);
    store_bind_int64(q, 3, to_inst);
    return move_one(st, q, 1, out, err);
}

/* The offers waiting for to_inst (see case_move.h). */
int support_case_moves_incoming(store *st, int64_t to_inst, support_case_move **rows, size_t *n,
                                cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, MOVE_COLUMNS " WHERE m.to_institution = ?"
                                      " AND m.state = 'pending' ORDER BY m.asked_at, m.id"
                                      " LIMIT 200", err);
    if (!q) return -1;
    store_bind_int64(q, 1, to_inst);
    size_t cap = 0;
    int rc, bad = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        bad |= move_row(st, q, 1, &(*rows)[(*n)++], err) < 0;
    }
    store_finalize(q);
    if (rc < 0 || bad) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* Step q (columns id, ref, given, family, birth date, same given name)
** into rows from *n on, at most 20 in all; same_ref marks them.  0 or -1;
** finalizes q. */
static int matches_add(store_stmt *q, const support_case_move *m, int same_ref,
                       support_case_match *rows, size_t *n, cairn_err *err) {
    int rc = 0;
    while (*n < 20 && (rc = store_step(q, err)) == STORE_ROW) {
        support_case_match *r = &rows[(*n)++];
        r->learner_id = store_col_int64(q, 0);
        str_copy(r->ref, sizeof r->ref, store_col_text(q, 1));
        str_full_name(r->name, sizeof r->name, store_col_text(q, 2), store_col_text(q, 3));
        str_copy(r->birth_date, sizeof r->birth_date, store_col_text(q, 4));
        r->exact = store_col_int64(q, 5) != 0 && !strcmp(r->birth_date, m->birth_date);
        r->same_ref = same_ref;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* to_inst's learners who may be m's (see case_move.h). */
int support_case_move_matches(store *st, int64_t to_inst, const support_case_move *m,
                              support_case_match **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    char given[101] = "", family[101] = "", ref[65] = "";
    store_stmt *q = store_prepare(st, "SELECT l.given_name, l.family_name, l.ref FROM case_move m"
                                      " JOIN support_case c ON c.institution_id = m.institution_id"
                                      " AND c.id = m.case_id JOIN learner l ON l.institution_id ="
                                      " c.institution_id AND l.id = c.learner_id WHERE"
                                      " m.institution_id = ? AND m.id = ? AND m.to_institution = ?",
                                  err);
    if (!q) return -1;
    store_bind_int64(q, 1, m->from_institution);
    store_bind_int64(q, 2, m->id);
    store_bind_int64(q, 3, to_inst);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        str_copy(given, sizeof given, store_col_text(q, 0));
        str_copy(family, sizeof family, store_col_text(q, 1));
        str_copy(ref, sizeof ref, store_col_text(q, 2));
    }
    store_finalize(q);
    if (rc != STORE_ROW) return rc < 0 ? -1 : 0;
    *rows = xcalloc(20, sizeof **rows);
    /* the same reference first: at most one (UNIQUE (institution_id, ref)) */
    q = store_prepare(st, "SELECT id, ref, given_name, family_name, coalesce(birth_date, ''),"
                          " CASE WHEN lower(given_name) = lower(CAST(? AS TEXT)) AND"
                          " lower(family_name) = lower(CAST(? AS TEXT)) THEN 1 ELSE 0 END"
                          " FROM learner WHERE institution_id = ? AND ref = CAST(? AS TEXT)"
                          " AND ref <> ''", err);
    if (q) {
        store_bind_text(q, 1, given, (size_t)-1);
        store_bind_text(q, 2, family, (size_t)-1);
        store_bind_int64(q, 3, to_inst);
        store_bind_text(q, 4, ref, (size_t)-1);
    }
    int64_t by_ref = 0;
    if (!q || matches_add(q, m, 1, *rows, n, err) < 0) goto fail;
    if (*n) by_ref = (*rows)[0].learner_id;
    /* then the same name and birth date, the same family name and one of them */
    q = store_prepare(st, "SELECT id, ref, given_name, family_name, coalesce(birth_date, ''),"
                          " CASE WHEN lower(given_name) = lower(CAST(? AS TEXT)) THEN 1 ELSE 0"
                          " END AS same FROM learner WHERE institution_id = ?"
                          " AND lower(family_name) = lower(CAST(? AS TEXT))"
                          " AND (coalesce(birth_date, '') = CAST(? AS TEXT)"
                          " OR lower(given_name) = lower(CAST(? AS TEXT))) AND id <> ?"
                          " ORDER BY same DESC, family_name, given_name, id LIMIT 20", err);
    if (!q) goto fail;
    store_bind_text(q, 1, given, (size_t)-1);
    store_bind_int64(q, 2, to_inst);
    store_bind_text(q, 3, family, (size_t)-1);
    store_bind_text(q, 4, m->birth_date, (size_t)-1);
    store_bind_text(q, 5, given, (size_t)-1);
    store_bind_int64(q, 6, by_ref);
    if (matches_add(q, m, 0, *rows, n, err) < 0) goto fail;
    return 0;
fail:
    free(*rows);
    *rows = NULL;
    *n = 0;
    return -1;
}
