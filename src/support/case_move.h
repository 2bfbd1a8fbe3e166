/*
** support/case_move.h — handing a case over to ANOTHER INSTITUTION of the
** same database (a region: DESIGN.md, "Scale"), with the history going
** along and the learner told.  docs/decisions.md, "Handover of a case to
** another institution".
**
** The case's key worker offers it to another institution with a reason.
** The learner must have a current consent of purpose share_organisation
** whose recipient is that institution (its name or its code) covering the
** categories "identity" and "support" (support/consent.h), or a school
** leader's emergency override of the day for each; it is checked when the
** offer is made (and when a leader's approval releases it) and again at the
** moment of sharing, the acceptance.  Where the institution requires
** approval of handovers (SUPPORT_CASE_APPROVAL_TRANSFER) the offer waits
** for a school leader as a request of kind "transfer" without a staff
** member (support/case.h, "approvals"); approving releases it.
**
** The receiving institution's school leaders see only what they need to
** decide: the learner's name and birth date, the sending institution, the
** reason, the tier.  They accept it, naming which of THEIR learners it is
** and a key worker of theirs, or decline it with a reason.  Accepting does,
** in one transaction under both institutions' audit locks: a new case at
** the receiver (open, same tier, first contact due) with the sealed
** handover record of the sending case (its facts, history, team, needs
** assessments, plan goals, contracts as signed, reviews: JSON sealed under
** the RECEIVER's key, table case_handover); the sending case closes with
** the outcome "moved"; both audit logs get events; the learner is told
** (support/case_tell.c).  Nothing of the sending institution is readable by
** the receiver except the offer's few fields above and that record.
**
** One handover waits at a time per case (this kind or a key-worker one).
** Writers answer 0 done, 1 refused (*problem, err says it in English;
** nothing written), -1 error.  Lists are malloc'd; the caller frees them.
*/
#ifndef CAIRN_SUPPORT_CASE_MOVE_H
#define CAIRN_SUPPORT_CASE_MOVE_H
#include "support/case.h"

/* An institution one may hand a case to. */
typedef struct support_case_institution {
    int64_t id;
    char    code[65], name[201];
} support_case_institution;

/* An offer to another institution, as either side sees it. */
typedef struct support_case_move {
    int64_t from_institution, id, case_id, to_institution;
    char    state[12];                   /* approval, pending, accepted, declined, withdrawn */
    char    from_name[201], to_name[201];   /* the institutions */
    char    learner_name[203];           /* "Given Family", at the sending institution */
    char    birth_date[11];              /* "" unknown */
    int     tier;
    char    asked_at[32];
    int64_t to_learner_id, to_case_id;   /* once accepted */
    char    reason[SUPPORT_CASE_TEXT_BYTES];   /* opened when asked with text */
} support_case_move;

/* A learner of the receiving institution who may be the one offered. */
typedef struct support_case_match {
    int64_t learner_id;
    char    ref[65], name[203], birth_date[11];
    int     exact;                       /* 1 = same name and birth date */
    int     same_ref;                    /* 1 = same learner reference (learner.ref) */
} support_case_match;

/* The other institutions of the database, by name (none: *n = 0). */
int support_case_move_institutions(store *st, int64_t institution_id,
                                   support_case_institution **rows, size_t *n, cairn_err *err);

/* Offer case_id to institution to_inst (the key worker only), with a
** reason; by account_id at at (now when NULL).  Refused: NOT_YOURS,
** REASON_*, INST_SAME, INST_UNKNOWN, IS_CLOSED, TRANSFER_PENDING,
** APPROVAL_PENDING, NO_CONSENT (err: what is missing). */
int support_case_move_ask(store *st, int64_t institution_id, int64_t account_id, unsigned rel,
                          int64_t case_id, int64_t to_inst, const char *reason, const char *at,
                          support_case_problem *problem, cairn_err *err);

/* The offer of case_id waiting (approval or pending) at the sending
** institution: 1, 0 none, -1. */
int support_case_move_of_case(store *st, int64_t institution_id, int64_t case_id,
                              int with_text, support_case_move *out, cairn_err *err);

/* The offers waiting for institution to_inst, oldest first, reasons opened. */
int support_case_moves_incoming(store *st, int64_t to_inst, support_case_move **rows, size_t *n,
                                cairn_err *err);

/* The offer from_inst/id waiting for to_inst, reason opened: 1, 0, -1. */
int support_case_move_incoming_get(store *st, int64_t to_inst, int64_t from_inst, int64_t id,
                                   support_case_move *out, cairn_err *err);

/* to_inst's learners who may be m's learner, at most 20: the one whose
** reference (learner.ref, the learner's external id) is the sending
** learner's first (same_ref), then same name and birth date (exact), then
** same family name with the same birth date or given name.  The sending
** learner's reference itself is not returned. */
int support_case_move_matches(store *st, int64_t to_inst, const support_case_move *m,
                              support_case_match **rows, size_t *n, cairn_err *err);

/* How the receiving leader answers. */
typedef struct support_case_move_answer_spec {
    int         accept;         /* 1 accept, 0 decline */
    int64_t     learner_id;     /* accept: a learner of the receiving institution */
    int64_t     key_worker_id;  /* accept: staff who may be a key worker there */
    const char *comment;        /* required to decline */
} support_case_move_answer_spec;

/* Answer offer from_inst/id waiting for to_inst (rel must hold
** SUPPORT_CASE_REL_LEADER: a school leader of to_inst); *new_case (may be
** NULL) gets the receiving case.  Refused: MOVE_NOT_LEADER, MOVE_NONE,
** REASON_*, LEARNER_UNKNOWN, ALREADY_OPEN, STAFF_UNKNOWN, NO_CONSENT,
** IS_CLOSED. */
int support_case_move_answer(store *st, int64_t to_inst, int64_t account_id, unsigned rel,
                             int64_t from_inst, int64_t id,
                             const support_case_move_answer_spec *spec, const char *at,
                             int64_t *new_case, support_case_problem *problem, cairn_err *err);

/* The handover record that came with case_id of institution_id, opened, as
** a new JSON object (caller json_decref()s); the read is audited
** ("case.handover_view", by account_id).  Who may read it is the caller's
** (the case's key worker, team, school leaders).  After the learner's
** erasure the record is {"erased": true}.  1, 0 none, -1. */
int support_case_handover_read(store *st, int64_t institution_id, int64_t account_id,
                               int64_t case_id, json_t **out, cairn_err *err);

/* 1 when case_id of institution_id came with a handover record (not
** read, not audited), 0 not, -1. */
int support_case_handover_exists(store *st, int64_t institution_id, int64_t case_id,
                                 cairn_err *err);

/* The learner's handovers for the subject export (support/subject.h, part
** "handovers", support/case_move_subject.c): {"received": the records that
** came with their cases, opened; "offered": the offers of their cases to a
** key worker or an institution, reasons and answers opened}.  Not audited
** (the export is); erased by the cases part.  0 or -1. */
int support_case_move_subject_read(store *st, int64_t institution_id, int64_t learner_id,
                                   json_t **out, cairn_err *err);

/* Create or upgrade the series "case_move" (support/case_move_schema.c);
** run after "case_approval" and "contract". */
int support_case_move_migrate(store *st, int *applied, cairn_err *err);

#endif
