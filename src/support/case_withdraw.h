/*
** support/case_withdraw.h — the sender withdrawing a handover offer that
** waits for an answer, of either kind: to another key worker
** (support/case.h, "handovers") or to another institution
** (support/case_move.h).  docs/decisions.md, "Withdrawing a handover
** offer" and "Withdrawing an approval request".
**
** The case's key worker, or a school leader of the case's (the sending)
** institution, withdraws the offer with a reason.  In one transaction: the
** offer's state becomes "withdrawn" (its answer columns hold who withdrew
** it, when and the reason, sealed under the sender's key), so the receiver
** no longer sees it; the case's history gets a "transfer_withdraw" row
** (from the key worker, to the staff member or "institution N", the
** reason); the audit log an event ("case.transfer_withdraw" or
** "case.move_withdraw").  The case stays as it was and may be offered
** again.  An offer that waits for a school leader's approval has not
** reached the receiver: the leader declines the request instead.
*/
#ifndef CAIRN_SUPPORT_CASE_WITHDRAW_H
#define CAIRN_SUPPORT_CASE_WITHDRAW_H
#include "support/case.h"

/* Withdraw the offer waiting on case_id of institution_id (rel: the
** viewer's SUPPORT_CASE_REL_* bits; the key worker's or a leader's), with
** reason, by account_id at at (now when NULL).  0 done; 1 refused
** (*problem: OFFER_NOT_YOURS, REASON_MISSING, REASON_BAD, OFFER_NONE,
** OFFER_APPROVAL; err says it in English; nothing written); -1 error
** (CAIRN_ENOTFOUND: no such case). */
int support_case_offer_withdraw(store *st, int64_t institution_id, int64_t account_id,
                                unsigned rel, int64_t case_id, const char *reason, const char *at,
                                support_case_problem *problem, cairn_err *err);

/* ---- a request waiting for a school leader's approval ----------------------
** Where the institution requires approval (support/case.h, "approvals"),
** the key worker who asked, or the case's key worker, withdraws the
** request that waits (to close the case, or to hand it over to a key worker
** or to another institution) with a reason.  In one transaction: the
** request's state becomes "withdrawn" (answered_by, answered_at and comment
** hold who, when and the reason, sealed); for a handover to another
** institution, its offer waiting in state "approval" is withdrawn too
** (answer columns likewise); a history row "approval_withdraw" (from the
** request's kind, to "withdrawn", the reason); an audit event
** "case.approval_withdraw".  The leaders' list no longer shows it; the case
** is as it was before the request and may be asked again. */

/* Withdraw request_id (0: whichever waits) of case_id, by account_id (rel:
** the viewer's SUPPORT_CASE_REL_* bits) with reason at at (now when NULL).
** 0 done; 1 refused (*problem: REASON_MISSING, REASON_BAD, APPROVAL_NONE
** nothing waits, APPROVAL_ANSWERED request_id was answered already,
** APPROVAL_NOT_ASKER neither the asker nor the key worker; err says it in
** English; nothing written); -1 error (CAIRN_ENOTFOUND: no such case). */
int support_case_approval_withdraw(store *st, int64_t institution_id, int64_t account_id,
                                   unsigned rel, int64_t case_id, int64_t request_id,
                                   const char *reason, const char *at,
                                   support_case_problem *problem, cairn_err *err);

#endif
