/*
** support/case.h — cases: a learner's support in the hands of one key
** worker and a small team, from the day it opens to its outcome.
**
** A case belongs to one learner, one key worker (a staff member) and a team
** (staff members with a stated role).  It opens from a flag, a teacher's
** concern, the learner's or the family's request, with a reason.  Its
** lifecycle is ONE table (support_case_steps(), support/case_state.c):
** open -> assessment -> plan_agreed -> monitoring -> closed (with an
** outcome), and reopen; each row names the step, the states it leaves and
** enters, who may take it and the tasks it completes and creates.  A step
** the table does not allow is refused naming the state and the step.  The
** tier is set and changed with a reason.  Every open, step, tier and team
** change is a row of the case's history (who, when, what, why).
**
** Who may see a case is decided by the caller (web/access.h); the writers
** take the relationship as a value and check it against the table.  Each
** writer runs one write transaction under the institution's audit lock and
** appends its audit event ("case.*"; codes and ids, never the reason) in it.
**
** Reasons are sealed at rest (support/sealed.h) through
** support_case_text_seal / _open (support/case.c), the one place they pass.
** Structs are filled in place; lists are malloc'd, freed by the caller
** (support_case_detail_free for a detail).  Nothing prints.
*/
#ifndef CAIRN_SUPPORT_CASE_H
#define CAIRN_SUPPORT_CASE_H
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include "support/domains.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define SUPPORT_CASE_TEXT_MAX   2000   /* characters of a reason */
#define SUPPORT_CASE_TEXT_BYTES (SUPPORT_CASE_TEXT_MAX * 4 + 1)
#define SUPPORT_CASE_FIRST_CONTACT_DAYS 5   /* school days from opening to first contact */
#define SUPPORT_CASE_ASSESSMENT_DAYS   10   /* school days to complete the assessment */
#define SUPPORT_CASE_PLAN_DAYS         15   /* school days from assessment to plan */
#define SUPPORT_CASE_FOLLOW_UP_DAYS     5   /* school days to a follow-up after reopening */
#define SUPPORT_CASE_SOON_DAYS          7   /* "due soon": within this many days */
#define SUPPORT_CASE_FOLLOW_UP_MAX    200   /* characters of what a follow-up is */
/* The follow-up a new key worker gets when a learner cannot be told of a
** handover by notice or mail (support/case_tell.c; an English msgid). */
#define SUPPORT_CASE_TELL_TASK "Tell the learner who their new key worker is"

typedef enum support_case_state {
    SUPPORT_CASE_OPEN = 0,
    SUPPORT_CASE_ASSESSMENT,
    SUPPORT_CASE_PLAN_AGREED,
    SUPPORT_CASE_MONITORING,
    SUPPORT_CASE_CLOSED
} support_case_state;
#define SUPPORT_CASE_STATE_COUNT 5

typedef enum support_case_source {
    SUPPORT_CASE_FROM_FLAG = 0,
    SUPPORT_CASE_FROM_TEACHER,
    SUPPORT_CASE_FROM_LEARNER,
    SUPPORT_CASE_FROM_FAMILY
} support_case_source;
#define SUPPORT_CASE_SOURCE_COUNT 4

typedef enum support_case_outcome {
    SUPPORT_CASE_OUTCOME_NONE = 0,      /* not closed */
    SUPPORT_CASE_STABILISED,            /* stabilised and continuing */
    SUPPORT_CASE_RETURNED,              /* returned to learning */
    SUPPORT_CASE_MOVED,                 /* moved to another provider */
    SUPPORT_CASE_LEFT                   /* left */
} support_case_outcome;
#define SUPPORT_CASE_OUTCOME_COUNT 5

typedef enum support_case_role {
    SUPPORT_CASE_ROLE_TEACHER = 0,
    SUPPORT_CASE_ROLE_PSYCHOLOGIST,
    SUPPORT_CASE_ROLE_SOCIAL_WORKER,
    SUPPORT_CASE_ROLE_MENTOR,
    SUPPORT_CASE_ROLE_EXTERNAL
} support_case_role;
#define SUPPORT_CASE_ROLE_COUNT 5

typedef enum support_case_task_kind {
    SUPPORT_TASK_FIRST_CONTACT = 0,
    SUPPORT_TASK_ASSESSMENT,
    SUPPORT_TASK_PLAN,
    SUPPORT_TASK_REVIEW,
    SUPPORT_TASK_FOLLOW_UP
} support_case_task_kind;
#define SUPPORT_TASK_KIND_COUNT 5
#define SUPPORT_TASK_BIT(k) (1u << (k))

/* Who is asking, as the case sees them (a set of these bits). */
#define SUPPORT_CASE_REL_KEY_WORKER 1u   /* the case's key worker */
#define SUPPORT_CASE_REL_TEAM       2u   /* a member of the case's team */
#define SUPPORT_CASE_REL_LEADER     4u   /* a school leader of the institution */
#define SUPPORT_CASE_REL_RECEIVER   8u   /* offered the case (a pending handover) */

/* Codes as stored ("plan_agreed", "flag", "returned", "social_worker",
** "first_contact") and English names (msgids for the pages); NULL / ""
** for a value out of range.  Static strings.  The _parse functions give
** the value of a code, or -1. */
const char *support_case_state_code(int state);
const char *support_case_state_name(int state);
int         support_case_state_parse(const char *code);
const char *support_case_source_code(int source);
const char *support_case_source_name(int source);
int         support_case_source_parse(const char *code);
const char *support_case_outcome_code(int outcome);
const char *support_case_outcome_name(int outcome);
int         support_case_outcome_parse(const char *code);
const char *support_case_role_code(int role);
const char *support_case_role_name(int role);
int         support_case_role_parse(const char *code);
const char *support_case_task_kind_code(int kind);
const char *support_case_task_kind_name(int kind);
int         support_case_task_kind_parse(const char *code);
const char *support_case_tier_code(int tier);          /* "universal" .. "individual" */
int         support_case_tier_parse(const char *code);

/* ---- the lifecycle table ---------------------------------------------------- */

typedef struct support_case_step {
    const char        *code;        /* "agree_plan" (a step has several rows: "close") */
    const char        *name;        /* English msgid: "Agree the plan" */
    support_case_state from, to;
    unsigned           who;         /* SUPPORT_CASE_REL_* that may take it */
    int                needs_reason;    /* 1 = a reason must be written */
    int                needs_outcome;   /* 1 = an outcome must be chosen (closing) */
    unsigned           completes;   /* SUPPORT_TASK_BIT()s of open tasks it marks done */
    unsigned           creates;     /* SUPPORT_TASK_BIT()s of tasks it creates */
    const char        *approval;    /* the setting that makes it wait for a school
                                       leader's approval ("case.approval.close"),
                                       NULL = never (support/case_approval.c) */
} support_case_step;

/* The whole table, in the order the pages offer the steps; *n its rows. */
const support_case_step *support_case_steps(size_t *n);

/* What input was refused for (the writers' answer 1).  The pages translate
** these; support_case_problem_text says it in English. */
typedef enum support_case_problem {
    SUPPORT_CASE_OK = 0,
    SUPPORT_CASE_STEP_UNKNOWN,       /* no step of that code at all */
    SUPPORT_CASE_STEP_NOT_NOW,       /* the table has no such step from this state */
    SUPPORT_CASE_STEP_NOT_YOURS,     /* the step exists, but not for this relationship */
    SUPPORT_CASE_REASON_MISSING,     /* a reason is required */
    SUPPORT_CASE_REASON_BAD,         /* too long, broken text or control characters */
    SUPPORT_CASE_OUTCOME_MISSING,    /* closing needs an outcome */
    SUPPORT_CASE_SOURCE_BAD,         /* not one of flag, teacher, learner, family */
    SUPPORT_CASE_ALREADY_OPEN,       /* the learner has a case that is not closed */
    SUPPORT_CASE_NO_KEY_WORKER,      /* nobody can be the key worker */
    SUPPORT_CASE_TIER_BAD,           /* not universal, selective or individual */
    SUPPORT_CASE_TIER_SAME,          /* already that tier */
    SUPPORT_CASE_IS_CLOSED,          /* a closed case takes no change but reopening */
    SUPPORT_CASE_STAFF_UNKNOWN,      /* no such staff member */
    SUPPORT_CASE_ROLE_BAD,           /* not a team role */
    SUPPORT_CASE_TEAM_ALREADY,       /* already on the team, or the key worker */
    SUPPORT_CASE_TEAM_NOT_MEMBER,    /* not on the team */
    SUPPORT_CASE_TASK_UNKNOWN,       /* no such task of this case */
    SUPPORT_CASE_TASK_DONE,          /* the task is done already */
    SUPPORT_CASE_NOT_YOURS,          /* the change is not for this relationship */
    SUPPORT_CASE_DUE_BAD,            /* not a date, or before today */
    SUPPORT_CASE_OWNER_BAD,          /* the owner is neither the key worker nor on the team */
    SUPPORT_CASE_TRANSFER_PENDING,   /* a handover is waiting for an answer already */
    SUPPORT_CASE_TRANSFER_NONE,      /* no handover is waiting for this answer */
    SUPPORT_CASE_HELD_ON_BAD,        /* a conference after today or before the case */
    SUPPORT_CASE_ATTENDEES_BAD,      /* nobody, or someone not on the case, attended */
    SUPPORT_CASE_DOMAINS_MISSING,    /* no life domain was discussed */
    SUPPORT_CASE_NO_GOAL,            /* agreeing a plan that has no goal (support/plan.h) */
    SUPPORT_CASE_APPROVAL_PENDING,   /* a request waits for a leader's approval already */
    SUPPORT_CASE_APPROVAL_NONE,      /* no request of this case waits for approval */
    SUPPORT_CASE_APPROVAL_OWN,       /* the key worker / asker answers their own request */
    SUPPORT_CASE_APPROVAL_NOT_LEADER,/* only a school leader approves */
    SUPPORT_CASE_COMMENT_MISSING,    /* an approval's answer needs a comment */
    SUPPORT_CASE_TASK_IS_REVIEW,     /* a review task is done by recording the review */
    SUPPORT_CASE_APPROVAL_ANSWER_BAD,/* an approval's answer is neither approve nor decline */
    SUPPORT_CASE_INST_UNKNOWN, SUPPORT_CASE_INST_SAME, SUPPORT_CASE_NO_CONSENT, /* case_move.h */
    SUPPORT_CASE_MOVE_NONE, SUPPORT_CASE_MOVE_NOT_LEADER, SUPPORT_CASE_LEARNER_UNKNOWN,
    SUPPORT_CASE_OFFER_NONE, SUPPORT_CASE_OFFER_APPROVAL, SUPPORT_CASE_OFFER_NOT_YOURS,
    SUPPORT_CASE_APPROVAL_NOT_ASKER, SUPPORT_CASE_APPROVAL_ANSWERED /* case_withdraw.h */
} support_case_problem;

/* The field a problem is about ("step", "reason", "outcome", "tier",
** "staff_id", "role", "task", "source", "") and one English sentence. */
const char *support_case_problem_field(support_case_problem p);
const char *support_case_problem_text(support_case_problem p);

/* Check that a case in state may take step code for relationship rel
** (SUPPORT_CASE_REL_* bits).  0 allowed (*row gets the table row); 1
** refused: *problem says why and err says it in English, naming the state
** and the step ("A case in the state "monitoring" cannot take the step
** "agree_plan"."). */
int support_case_step_check(support_case_state state, const char *code, unsigned rel,
                            const support_case_step **row, support_case_problem *problem,
                            cairn_err *err);

/* ---- records ------------------------------------------------------------------ */

typedef struct support_case {
    int64_t id, learner_id, key_worker_id, opened_by;
    char    learner_ref[65], learner_name[203];    /* "Given Family" */
    char    key_worker_name[203];
    int     state, tier, source, outcome;
    int     flag_tier;                             /* the flag's suggested tier; -1 none */
    char    flag_asof[11];                         /* the score it opened from; "" none */
    char    opened_at[32], closed_at[32], updated_at[32];   /* ISO UTC; "" none */
    char    reason[SUPPORT_CASE_TEXT_BYTES];       /* opened with (unsealed) */
    char    outcome_reason[SUPPORT_CASE_TEXT_BYTES];
} support_case;

typedef struct support_case_member {
    int64_t staff_id;
    char    name[203];
    int     role;
    char    added_at[32];
} support_case_member;

typedef struct support_case_event {
    int64_t seq, account_id;
    char    by[201];                 /* the account's display name */
    char    at[32];
    char    kind[24];                /* open, step, ..., transfer_withdraw (17 + NUL) */
    char    from_value[40], to_value[40];
    char    reason[SUPPORT_CASE_TEXT_BYTES];
} support_case_event;

typedef struct support_case_task {
    int64_t id, case_id, owner_id, learner_id;
    char    owner_name[203], learner_name[203];
    int     kind;
    char    title[SUPPORT_CASE_FOLLOW_UP_MAX * 4 + 1];   /* a follow-up's, opened */
    int32_t due_on;                  /* day number */
    char    done_at[32];             /* "" = open */
} support_case_task;

/* A case with its team, history (oldest first) and tasks (open first, by
** due date).  Free with support_case_detail_free. */
typedef struct support_case_detail {
    support_case        c;
    support_case_member *team;
    size_t              nteam;
    support_case_event  *history;
    size_t              nhistory;
    support_case_task   *tasks;
    size_t              ntasks;
} support_case_detail;

/* Seal / open a reason for storage (one place: see above).  out gets the
** text to store / the plain text.  0 or -1 (err set). */
int support_case_text_seal(store *st, int64_t institution_id, const char *plain, buf *out,
                           cairn_err *err);
int support_case_text_open(store *st, int64_t institution_id, const char *stored, buf *out,
                           cairn_err *err);

/* Check and normalise a reason (CR LF as LF) into out
** (SUPPORT_CASE_TEXT_BYTES).  0 fine (an empty reason is fine here:
** whether one is required is the caller's), 1 with *problem set. */
int support_case_reason_check(const char *reason, char *out, support_case_problem *problem);

/* What opening a case takes. */
typedef struct support_case_open_spec {
    int64_t     learner_id;
    int64_t     key_worker_id;    /* staff; 0 = the learner's current key worker */
    int         source;           /* support_case_source */
    const char *reason;           /* required */
    int         tier;             /* -1 = the flag's suggested tier (universal without) */
    int64_t     teacher_id;       /* staff added to the team as teacher (0 = none) */
} support_case_open_spec;

/* Write one audit event about case_id (support_audit_record: record kind
** "case", its id, the learner) in the caller's transaction or its own:
** action "case.<verb>", reason "viewed" for a read or NULL, detail without
** personal data.  0 or -1 with err set. */
int support_case_audit(store *st, int64_t institution_id, int64_t account_id,
                       int64_t learner_id, int64_t case_id, const char *action,
                       const char *reason, const char *detail, cairn_err *err);

/* Open a case for spec->learner_id in institution_id on behalf of
** account_id (now, or at at when not NULL: the demo's back-dated cases),
** with the first-contact task due SUPPORT_CASE_FIRST_CONTACT_DAYS school
** days later.  The flag's suggested tier and score date are those of the
** learner's latest score.  0 done (*case_id gets the id); 1 refused
** (*problem, err; nothing written); -1 error. */
int support_case_open(store *st, int64_t institution_id, int64_t account_id,
                      const support_case_open_spec *spec, const char *at, int64_t *case_id,
                      support_case_problem *problem, cairn_err *err);

/* The case case_id of institution_id into *out: 1 found, 0 none, -1 error.
** with_text 0 leaves the reasons empty (a leader's view). */
int support_case_get(store *st, int64_t institution_id, int64_t case_id, int with_text,
                     support_case *out, cairn_err *err);

/* The whole case (see support_case_detail): 1, 0 none, -1 error.  with_text
** as above (history reasons too). */
int support_case_detail_get(store *st, int64_t institution_id, int64_t case_id, int with_text,
                            support_case_detail *out, cairn_err *err);
void support_case_detail_free(support_case_detail *d);

/* The newest case of learner_id (the one not closed, else the last closed)
** into *out: 1, 0 none, -1 error.  Without the reasons. */
int support_case_of_learner(store *st, int64_t institution_id, int64_t learner_id,
                            support_case *out, cairn_err *err);

/* Take step code on case_id for relationship rel, with reason and outcome
** (a support_case_outcome; 0 unless closing), on behalf of account_id (at:
** now when NULL).  0 done; 1 refused (*problem, err; nothing written); -1
** error. */
int support_case_step_take(store *st, int64_t institution_id, int64_t account_id,
                           unsigned rel, int64_t case_id, const char *code, const char *reason,
                           int outcome, const char *at, support_case_problem *problem,
                           cairn_err *err);

/* Set the tier of case_id (the key worker only), with a required reason.
** 0, 1 refused, -1 error. */
int support_case_tier_set(store *st, int64_t institution_id, int64_t account_id, unsigned rel,
                          int64_t case_id, int tier, const char *reason, const char *at,
                          support_case_problem *problem, cairn_err *err);

/* Add staff_id to case_id's team with role / remove them (the key worker
** only).  0, 1 refused, -1 error. */
int support_case_team_add(store *st, int64_t institution_id, int64_t account_id, unsigned rel,
                          int64_t case_id, int64_t staff_id, int role, const char *at,
                          support_case_problem *problem, cairn_err *err);
int support_case_team_remove(store *st, int64_t institution_id, int64_t account_id,
                             unsigned rel, int64_t case_id, int64_t staff_id,
                             support_case_problem *problem, cairn_err *err);

/* The relationship staff_id has to case_id as the table knows it (key
** worker, team; the leader bit is the caller's) into *rel.  0 or -1. */
int support_case_relation(store *st, int64_t institution_id, int64_t case_id, int64_t staff_id,
                          unsigned *rel, cairn_err *err);

/* support_case_relation for each case_ids[i] (<= 0: none) into rels[i]; 0, or -1 (rels 0). */
int support_case_relations(store *st, int64_t institution_id, const int64_t *case_ids, size_t n,
                           int64_t staff_id, unsigned *rels, cairn_err *err);

/* For each of learners[0..n) its case not closed into case_ids[i] (0 = none) and, rels not
** NULL, staff_id's relationship to it (as support_case_relations) into rels[i].  0 or -1. */
int support_case_open_of_learners(store *st, int64_t institution_id, const int64_t *learners,
                                  size_t n, int64_t staff_id, int64_t *case_ids, unsigned *rels,
                                  cairn_err *err);

/* Staff members who may be added to a team (every staff member of the
** institution linked to an enabled account), by family name; malloc'd. */
int support_case_team_candidates(store *st, int64_t institution_id, support_case_member **rows,
                                 size_t *n, cairn_err *err);

/* ---- tasks (support/case_task.c) ---------------------------------------------- */

/* The day n school days after from in the institution's calendar. */
int support_case_school_days_after(store *st, int64_t institution_id, int32_t from, int n,
                                   int32_t *out, cairn_err *err);

/* Create the tasks of kinds (SUPPORT_TASK_BIT()s) for case_id, owned by
** its key worker, due from day on; in the caller's transaction.  0 or -1. */
int support_case_tasks_create_in_tx(store *st, int64_t institution_id, int64_t case_id,
                                    int64_t owner_id, unsigned kinds, int32_t day, int tier,
                                    const char *at, cairn_err *err);

/* Mark the open tasks of kinds of case_id done at at; in the caller's
** transaction.  0 or -1. */
int support_case_tasks_complete_in_tx(store *st, int64_t institution_id, int64_t case_id,
                                      unsigned kinds, const char *at, int64_t account_id,
                                      cairn_err *err);

/* Mark task_id of case_id done (key worker, team, or the task's owner).  A
** review done while the case is in plan_agreed or monitoring creates the
** next one by the tier's cadence.  0, 1 refused, -1 error. */
int support_case_task_done(store *st, int64_t institution_id, int64_t account_id, unsigned rel,
                           int64_t case_id, int64_t task_id, const char *at,
                           support_case_problem *problem, cairn_err *err);

/* The same for a person marking a task done by hand (the case page, the
** API): a review task is refused (SUPPORT_CASE_TASK_IS_REVIEW), since it is
** done by recording the review (support/review.h). */
int support_case_task_done_by_hand(store *st, int64_t institution_id, int64_t account_id,
                                   unsigned rel, int64_t case_id, int64_t task_id,
                                   support_case_problem *problem, cairn_err *err);

/* Add a follow-up to case_id (the key worker or the team): what (1 to
** SUPPORT_CASE_FOLLOW_UP_MAX characters, sealed like a reason), owned by
** owner_id (the key worker or a team member), due on due_on (today or
** later; today is the day of at, now when NULL).  0, 1 refused, -1 error. */
int support_case_follow_up_add(store *st, int64_t institution_id, int64_t account_id,
                               unsigned rel, int64_t case_id, int64_t owner_id, int32_t due_on,
                               const char *what, const char *at, support_case_problem *problem,
                               cairn_err *err);

/* The open tasks of the cases (not closed) staff_id is key worker of or owns,
** due by today + SUPPORT_CASE_SOON_DAYS, by due date, at most limit; malloc'd.
** owner_name is left "": the home page does not show it. */
int support_case_tasks_due(store *st, int64_t institution_id, int64_t staff_id, int32_t today,
                           size_t limit, support_case_task **rows, size_t *n, cairn_err *err);

/* A learner whose risk rose since their case's last review (or opening). */
typedef struct support_case_risen {
    int64_t case_id, learner_id;
    char    learner_name[203];
    int     tier_then, tier_now;
    double  p_then, p_now;           /* NAN without a model */
    char    since[11];               /* the review / opening day compared with */
} support_case_risen;

/* The open cases of key worker staff_id whose learner's latest score has a higher tier, or a
** probability 0.10 higher, than the last on or before the case's last review (else its last
** review task done, else opening); malloc'd.  latest: latest scores read already, or NULL. */
int support_case_risk_risen(store *st, int64_t institution_id, int64_t staff_id,
                            const support_case_risen *latest, size_t nlatest,
                            support_case_risen **rows, size_t *n, cairn_err *err);

/* ---- handovers (support/case_transfer.c) -------------------------------------
** The key worker offers the case to another key worker (staff linked to an
** enabled account with the key_worker role), with a reason; the receiver
** sees the case while the offer waits (SUPPORT_CASE_REL_RECEIVER) and
** accepts or declines it (a reason for declining).  Accepting makes them
** the key worker: the history goes along, their open tasks follow, they
** leave the team if they were on it, and a first contact with the learner
** is due within SUPPORT_CASE_FIRST_CONTACT_DAYS school days (telling the
** learner).  One offer waits at a time per case.  On accepting, the learner
** is told (support/case_tell.c): a notice to their account and a mail to
** their address, in their language, and a "learner_told" history row; a
** follow-up SUPPORT_CASE_TELL_TASK for the new key worker when neither
** exists. */

typedef struct support_case_transfer {
    int64_t id, case_id, learner_id, from_staff, to_staff;
    char    from_name[203], to_name[203], learner_name[203];
    char    asked_at[32];
    char    reason[SUPPORT_CASE_TEXT_BYTES];   /* opened when asked with text */
} support_case_transfer;

/* Offer case_id to key worker to_staff (the key worker only).  0, 1
** refused, -1 error. */
int support_case_transfer_ask(store *st, int64_t institution_id, int64_t account_id,
                              unsigned rel, int64_t case_id, int64_t to_staff,
                              const char *reason, const char *at, support_case_problem *problem,
                              cairn_err *err);

/* Answer the offer of case_id (the receiver only): accept 1 or decline 0
** (comment required to decline).  0, 1 refused, -1 error. */
int support_case_transfer_answer(store *st, int64_t institution_id, int64_t account_id,
                                 unsigned rel, int64_t case_id, int accept, const char *comment,
                                 const char *at, support_case_problem *problem, cairn_err *err);

/* The offer waiting on case_id into *out (reason opened when with_text):
** 1, 0 none, -1 error. */
int support_case_transfer_pending(store *st, int64_t institution_id, int64_t case_id,
                                  int with_text, support_case_transfer *out, cairn_err *err);

/* The offers waiting for staff member to_staff, oldest first, without
** reasons; malloc'd. */
int support_case_transfers_for(store *st, int64_t institution_id, int64_t to_staff,
                               support_case_transfer **rows, size_t *n, cairn_err *err);

/* ---- approvals (support/case_approval.c) -------------------------------------
** An institution can require a school leader's approval for closing a case
** (setting SUPPORT_CASE_APPROVAL_CLOSE) or handing it over
** (SUPPORT_CASE_APPROVAL_TRANSFER); both are off by default.  When on, the
** key worker's close step (a row of the lifecycle table whose approval
** names the setting) or handover offer is written as a request that waits:
** support_case_step_take / support_case_transfer_ask answer 0 and
** support_case_approval_pending finds the request.  A school leader who is
** not the asker and not the case's key worker approves or declines it with
** a comment; approving takes the step (on behalf of the asker) or makes the
** offer to the receiver.  Asking and answering are rows of the case's
** history (approval_ask, approval_yes, approval_no; approval_withdraw,
** support/case_withdraw.h) and audit events ("case.approval_ask",
** "case.approval_approve", "case.approval_decline").  One request waits
** at a time per case; while it waits, no other close or handover is asked. */

#define SUPPORT_CASE_APPROVAL_CLOSE    "case.approval.close"
#define SUPPORT_CASE_APPROVAL_TRANSFER "case.approval.transfer"

typedef struct support_case_approval {
    int64_t id, case_id, learner_id, asked_by, to_staff;   /* to_staff: a handover's */
    char    kind[16];                /* "close" or "transfer" */
    int     outcome;                 /* closing's support_case_outcome; 0 */
    char    asked_by_name[201], to_name[203], learner_name[203], asked_at[32];
    char    reason[SUPPORT_CASE_TEXT_BYTES];   /* opened when with_text */
} support_case_approval;

/* 1 when institution_id's setting name is on, 0 off, -1 error. */
int support_case_approval_required(store *st, int64_t institution_id, const char *name,
                                   cairn_err *err);

/* The request waiting on case_id into *out (reason opened when
** with_text): 1, 0 none, -1 error. */
int support_case_approval_pending(store *st, int64_t institution_id, int64_t case_id,
                                  int with_text, support_case_approval *out, cairn_err *err);

/* Every request waiting in institution_id, oldest first, without reasons;
** malloc'd. */
int support_case_approvals_waiting(store *st, int64_t institution_id,
                                   support_case_approval **rows, size_t *n, cairn_err *err);

/* Answer the request waiting on case_id (a school leader: rel holds
** SUPPORT_CASE_REL_LEADER, and neither the key worker's bit nor the
** asker's account): approve 1 or decline 0, with a comment (required).
** Approving takes the step or makes the offer; a step the case can no
** longer take is refused as the step would be.  0, 1 refused, -1 error. */
int support_case_approval_answer(store *st, int64_t institution_id, int64_t account_id,
                                 unsigned rel, int64_t case_id, int approve,
                                 const char *comment, const char *at,
                                 support_case_problem *problem, cairn_err *err);

/* ---- case conferences (support/case_conference.c) ----------------------------
** A team meeting on a case: the day it was held, who attended (the key
** worker and team members), the life domains discussed (those that drive
** early leaving), notes (sealed), and decisions, each of which becomes a
** follow-up task with an owner and a due date. */

#define SUPPORT_CASE_DECISIONS_MAX 5   /* the domains discussed: support/domains.h */

typedef struct support_case_decision {
    const char *what;       /* 1 to SUPPORT_CASE_FOLLOW_UP_MAX characters */
    int64_t     owner_id;   /* the key worker or a team member */
    int32_t     due_on;     /* the conference's day or later */
} support_case_decision;

typedef struct support_case_conference_spec {
    int32_t                      held_on;      /* not after today, not before the case */
    const int64_t               *attendees;    /* staff ids: key worker or team */
    size_t                       nattendees;
    unsigned                     domains;      /* bit d = domain d discussed */
    const char                  *notes;        /* may be empty */
    const support_case_decision *decisions;
    size_t                       ndecisions;   /* at most SUPPORT_CASE_DECISIONS_MAX */
} support_case_conference_spec;

/* Record a conference of case_id (the key worker or the team), its
** decisions as follow-ups.  0, 1 refused (*problem; nothing written), -1
** error. */
int support_case_conference_record(store *st, int64_t institution_id, int64_t account_id,
                                   unsigned rel, int64_t case_id,
                                   const support_case_conference_spec *spec, const char *at,
                                   support_case_problem *problem, cairn_err *err);

typedef struct support_case_conference {
    int64_t  id;
    int32_t  held_on;
    unsigned domains;
    char     attendees[600];                   /* names, ", "-separated */
    size_t   ndecisions;
    char     notes[SUPPORT_CASE_TEXT_BYTES];   /* opened when with_text */
} support_case_conference;

/* The conferences of case_id, newest first; malloc'd. */
int support_case_conferences(store *st, int64_t institution_id, int64_t case_id, int with_text,
                             support_case_conference **rows, size_t *n, cairn_err *err);

/* ---- the learner's whole record (support/case_subject.c) --------------------
** The "cases" part of support/subject.h's registry. */

/* The learner's cases as a new JSON array, every text opened.  0 or -1. */
int support_case_subject_read(store *st, int64_t institution_id, int64_t learner_id,
                              json_t **out, cairn_err *err);

/* Blank every free text of the learner's cases, in the caller's
** transaction (states, tiers, outcomes and dates stay).  0 or -1. */
int support_case_subject_erase(store *st, int64_t institution_id, int64_t learner_id,
                               cairn_err *err);

/* 1 when the learner has an open case (a sentence appended to why), 0 not,
** -1 error. */
int support_case_subject_hold(store *st, int64_t institution_id, int64_t learner_id, buf *why,
                              cairn_err *err);

/* ---- for the leader (support/case_stats.c) ------------------------------------ */

/* One key worker's caseload. */
typedef struct support_case_load {
    int64_t   staff_id;
    char      name[203];
    long long by_state[SUPPORT_CASE_STATE_COUNT];   /* cases in each state */
    long long overdue;                               /* open tasks past due */
} support_case_load;

/* The institution's cases in figures: counts and states, never contents. */
typedef struct support_case_stats {
    support_case_load *rows;       /* per key worker, by name; malloc'd */
    size_t             n;
    long long closed_by_outcome[SUPPORT_CASE_OUTCOME_COUNT];   /* [0] unused */
    long long closed;              /* all closed cases */
    long long contacts;            /* cases from a flag with the first contact done */
    double    median_days_to_contact;   /* days from opening to it; 0 without any */
    long long plans;               /* cases from a flag that reached plan_agreed */
    double    median_days_to_plan;      /* days from opening to it; 0 without any */
} support_case_stats;

/* The figures of institution_id on today into *out (free out->rows). */
int support_case_stats_read(store *st, int64_t institution_id, int32_t today,
                            support_case_stats *out, cairn_err *err);

/* The review cadence of a tier in days (individual 7, selective 14,
** universal 84). */
int support_case_review_days(int tier);

#endif
