/*
** support/demo.h — the demo school's key-worker caseloads (the demo
** accounts themselves are made by the web room: auth_demo_accounts()).
*/
#ifndef CAIRN_SUPPORT_DEMO_H
#define CAIRN_SUPPORT_DEMO_H
#include "base/err.h"
#include "store/store.h"
#include <stdint.h>

#define SUPPORT_DEMO_CASELOAD_MAX 8   /* learners in a demo caseload */

/* Give staff member staff_id of institution_id a caseload of up to
** SUPPORT_DEMO_CASELOAD_MAX active learners of the groups they are key
** worker of (group_staff.role 'key_worker'), lowest learner ids first,
** assigned by account assigned_by; a learner already assigned to them is
** left as it is.  Written in one transaction, not audited (demo data).
** *n gets how many learners were chosen. */
int support_demo_caseload(store *st, int64_t institution_id, int64_t staff_id,
                          int64_t assigned_by, int *n, cairn_err *err);

/* Assign learners ids[0..k) to staff_id as their key worker (assigned by
** account assigned_by; one already assigned is left), in one transaction,
** not audited (demo data).  0 or -1. */
int support_demo_assign(store *st, int64_t institution_id, int64_t staff_id, int64_t assigned_by,
                        const int64_t *ids, int k, cairn_err *err);

/* The demo's audit trail (support/demo_audit.c): the accounts "keyworker",
** "leader" and "teacher" (those that exist) reading the records of
** staff_id's caseload, with their reason, through support_audit_record
** (so the chain and its head file hold).  Call once, when the demo
** accounts are made. */
int support_demo_audit(store *st, int64_t institution_id, int64_t staff_id, cairn_err *err);

/* Give each learner of staff member kw_staff's caseload a demo case, in
** every state of the lifecycle (support/demo_case.c), opened and moved on
** behalf of account kw_account, back-dated from today; teacher_staff (0 =
** none) joins some teams as teacher.  Does nothing when the database has
** any case already.  *n gets how many cases were made.  0 or -1. */
int support_demo_cases(store *st, int64_t institution_id, int64_t kw_staff, int64_t kw_account,
                       int64_t teacher_staff, int *n, cairn_err *err);

/* The demo school's approvals (support/demo_approval.c): a request to
** close kw_staff's monitored case, asked by kw_account, waiting for a
** school leader.  Nothing when the institution has one already.  0 or -1. */
int support_demo_approvals(store *st, int64_t institution_id, int64_t kw_staff,
                           int64_t kw_account, cairn_err *err);

/* The demo's handover of kw_staff's first open case to another
** institution of the database, asked by kw_account with the learner's
** consent (support/demo_move.c); nothing when there is no other
** institution or an offer exists already.  0 or -1. */
int support_demo_move(store *st, int64_t institution_id, int64_t kw_staff, int64_t kw_account,
                      cairn_err *err);

/* The demo school's consents (support/demo_consent.c): for the caseloads
** and the first active learners of institution_id, recorded by account
** recorder, some withdrawn, and one emergency override by account leader
** (0 = none).  Does nothing when the institution has consents already.
** *n gets how many consents were recorded.  0, or -1 with err set. */
int support_demo_consent(store *st, int64_t institution_id, int64_t recorder, int64_t leader,
                         int *n, cairn_err *err);

/* The demo school's interventions (support/demo_intervention.c): the
** starter catalogue and runs with participants, sessions and attendance,
** delivered by the staff of the first key worker and teacher accounts,
** written by account_id.  Nothing when the institution has a run already.
** *runs gets how many runs it has. */
int support_demo_interventions(store *st, int64_t institution_id, int64_t account_id,
                               int *runs, cairn_err *err);

/* The demo learner contracts (support/demo_contract.c) of the cases of
** key worker kw_staff past the plan: signed (closed), amended and signed
** again (monitoring), waiting for the learner (plan agreed); recorded by
** kw_account.  Once: nothing when a contract exists.  *n gets how many
** cases got one.  0 or -1. */
int support_demo_contracts(store *st, int64_t institution_id, int64_t kw_staff,
                           int64_t kw_account, int *n, cairn_err *err);

/* ---- one demo case at a time (support/demo_scale.c and the parts' demo
** files): what the demo caseload above gets, applied to any case. ---- */

/* Open a case for learner in the way of demo profile (0 .. 7: open from a
** flag, open from a teacher, assessment, plan agreed, monitoring, closed as
** returned, closed as left, reopened: support/demo_case.c) and move it on,
** back-dated, with its plan's goals, conference and review tasks done.
** *case_id gets its id.  0, 1 = the learner has a case (nothing made), -1. */
int support_demo_case_make(store *st, int64_t institution_id, int64_t kw_staff,
                           int64_t kw_account, int64_t teacher_staff, int64_t learner,
                           int profile, int64_t *case_id, cairn_err *err);

/* The assessments of demo case case_id by its state (demo_assessment.c);
** *n gets how many.  0 or -1. */
int support_demo_case_assessments(store *st, int64_t institution_id, int64_t account,
                                  int64_t case_id, int *n, cairn_err *err);

/* The recovery note (plan agreed) or an achieved goal (monitoring) and a
** "not now" of demo case case_id (demo_plan.c).  0 or -1. */
int support_demo_case_plan(store *st, int64_t institution_id, int64_t account,
                           int64_t case_id, int monitoring, cairn_err *err);

/* The reviews of demo case case_id in state ("monitoring", "plan_agreed",
** "closed"; other states: none) (demo_review.c).  0 or -1. */
int support_demo_case_reviews(store *st, int64_t institution_id, int64_t account,
                              int64_t case_id, const char *state, cairn_err *err);

/* The learner contract of demo case case_id in state ("closed",
** "monitoring", "plan_agreed"; others: none) (demo_contract.c).  0 or -1. */
int support_demo_case_contract(store *st, int64_t institution_id, int64_t kw_account,
                               int64_t case_id, const char *state, cairn_err *err);

/* The demo school's own "today" (its last day of attendance, else today)
** into *today (demo_intervention.c).  0 or -1. */
int support_demo_school_today(store *st, int64_t institution_id, int32_t *today,
                              cairn_err *err);

/* Key worker kw_staff's caseload (up to 12) in interventions: the caseload
** group of social and emotional learning and one mentoring run, with
** sessions and attendance up to the school's today (demo_intervention.c).
** 0 or -1. */
int support_demo_caseload_interventions(store *st, int64_t institution_id, int64_t account,
                                        int64_t kw_staff, int32_t today, cairn_err *err);

#define SUPPORT_DEMO_SCALE_CASELOAD 25   /* cases per key worker at scale */

/* A demo caseload at scale (support/demo_scale.c): up to max (at most
** SUPPORT_DEMO_SCALE_CASELOAD) learners of the groups kw_staff is key
** worker of, without a case, the flagged first (the latest risk scores'
** tier), assigned to kw_staff and each given a demo case (profiles spread
** over every state, most in monitoring and plan agreed) with its
** assessments, plan, reviews and contract, then the caseload's
** interventions up to school_today (support_demo_school_today); all
** written by kw_account through the parts' writers.  *n gets how many
** cases were made.  0 or -1. */
int support_demo_scale_caseload(store *st, int64_t institution_id, int64_t kw_staff,
                                int64_t kw_account, int max, int32_t school_today, int *n,
                                cairn_err *err);

#endif
