/*
** support/case_withdraw.h — the sender withdrawing a handover offer that
** waits for an answer, of either kind: to another key worker
** (support/case.h, "handovers") or to another institution
** (support/case_move.h).  docs/decisions.md, "Withdrawing a handover
** offer".
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

#endif
