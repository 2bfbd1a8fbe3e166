/*
** support/case_internal.h — what the files of cases share
** (support/case.c, case_write.c, case_task.c); not for other rooms.
*/
#ifndef CAIRN_SUPPORT_CASE_INTERNAL_H
#define CAIRN_SUPPORT_CASE_INTERNAL_H
#include "support/case.h"

/* Append one row to case_id's history (its seq chosen here; reason is
** plain text, sealed here, may be ""), in the caller's transaction.  0 or
** -1. */
int case_history_add_in_tx(store *st, int64_t inst, int64_t case_id, const char *at,
                           int64_t account_id, const char *kind, const char *from,
                           const char *to, const char *reason, cairn_err *err);

/* Begin the write transaction every case writer runs in (the
** institution's audit lock).  0 or -1. */
int case_tx_begin(store *st, int64_t inst, cairn_err *err);

/* Roll back and return rc (for the writers' early exits). */
int case_tx_fail(store *st, int rc);

/* Set *problem to p and err to its sentence; returns 1. */
int case_refuse(support_case_problem p, support_case_problem *problem, cairn_err *err);

/* 1 when sql (one row, count(*) first; its two '?' the institution and
** id, in that order) counts more than none, 0 none, -1 error with err. */
int case_any(store *st, const char *sql, int64_t inst, int64_t id, cairn_err *err);

/* The writers' start: now (32 bytes) gets at, or the present time when at
** is NULL; the reason is checked into text (SUPPORT_CASE_TEXT_BYTES, the
** caller's) and must not be empty.  0, or 1 refused (*problem and err set,
** see case_refuse). */
int case_reason_take(const char *reason, const char *at, char *now, char *text,
                     support_case_problem *problem, cairn_err *err);

/* Add case d's team and history (texts as d holds them) to the JSON object
** o as arrays "team" and "history"; o owns them.  For the subject export
** and the handover record. */
struct json_t;
void case_team_history_json(struct json_t *o, const support_case_detail *d);

/* The day of an ISO time at ("2026-12-07T..."); today when at is NULL or
** unreadable. */
int32_t case_day_of(const char *at);

/* A case's state and key worker (for the writers' checks), in the caller's
** transaction: 1 found, 0 none, -1 error. */
int case_state_read(store *st, int64_t inst, int64_t case_id, int *state, int *tier,
                    int64_t *key_worker_id, int64_t *learner_id, cairn_err *err);
/* The same where a missing case is an error (CAIRN_ENOTFOUND, "there is
** no case N"): 0, or -1 with err set. */
int case_state_get(store *st, int64_t inst, int64_t case_id, int *state, int *tier,
                   int64_t *key_worker_id, int64_t *learner_id, cairn_err *err);

/* Add staff_id to case_id's team with role: the row, its history and its
** audit event, in the caller's transaction.  0 or -1. */
int case_team_insert_in_tx(store *st, int64_t inst, int64_t case_id, int64_t staff_id, int role,
                           int64_t account_id, const char *at, cairn_err *err);

/* Take step row on case_id (its checks done): the state, the tasks, the
** history row (by account_id) and the audit event, in the caller's
** transaction.  0 or -1. */
int case_step_apply_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                          int state, int tier, int64_t kw, int64_t learner,
                          const support_case_step *row, int outcome, const char *text,
                          const char *now, cairn_err *err);

/* Offer case_id to to_staff (checked eligible, none pending): the
** case_transfer row, its history row and audit event, by account_id, in
** the caller's transaction.  0 or -1. */
int case_transfer_offer_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                              int64_t kw, int64_t learner, int64_t to_staff, const char *text,
                              const char *now, cairn_err *err);

/* 1 if staff_id may be a key worker, 0 not, -1 error. */
int case_key_worker_eligible(store *st, int64_t inst, int64_t staff_id, cairn_err *err);

/* Write a request for approval of kind ("close", "transfer") on case_id in
** the caller's transaction: the row, the history and the audit event.
** Refused (1, *problem) when one waits already.  0, 1 or -1. */
int case_approval_ask_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                            int64_t learner, const char *kind, int outcome, int64_t to_staff,
                            const char *text, const char *now, support_case_problem *problem,
                            cairn_err *err);

/* 1 when a request waits on case_id, 0 not, -1 error (in the transaction). */
int case_approval_waiting_in_tx(store *st, int64_t inst, int64_t case_id, cairn_err *err);

/* Tell the learner of case_id that to_staff is their new key worker
** (support/case_tell.c): notice, mail, history row and audit event, or the
** follow-up task when they cannot be reached; by account_id, in the
** caller's transaction.  0 or -1. */
int case_learner_tell_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                            int64_t learner, int64_t to_staff, const char *now, cairn_err *err);

/* Insert case c (learner_id, key_worker_id, tier, source, flag_*, reason
** plain, opened_at set; c->id chosen here): the row, the "open" history row
** (its from_value from: the source's code, or "moved" for a case received
** from another institution), the first-contact task and the audit event,
** by account_id, in the caller's transaction.  0 or -1. */
int case_open_in_tx(store *st, int64_t inst, int64_t account_id, support_case *c,
                    const char *from, cairn_err *err);

/* The handover of case_id to another institution waiting for a leader's
** approval (support/case_move.c): release it to the receiver (consent
** checked again; refused as support_case_move_ask would be), or withdraw
** it (the approval was declined); in the caller's transaction.  0, 1, -1. */
int case_move_release_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                            const char *now, support_case_problem *problem, cairn_err *err);
int case_move_drop_in_tx(store *st, int64_t inst, int64_t case_id, cairn_err *err);

/* 1 when a handover of case_id to another institution waits (approval or
** pending), 0 not, -1 error. */
int case_move_waiting_in_tx(store *st, int64_t inst, int64_t case_id, cairn_err *err);

#endif
