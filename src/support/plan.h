/*
** support/plan.h — the plans of a case and their SMART goals, and the
** reasons for "not now".
**
** A case has three plans: the individual learning plan, the career plan and
** the health and well-being plan (support_plan_kind).  The learning plan may
** say how missed learning time is recovered (sealed text).  Each goal
** belongs to one plan and says: the life domain (support/domains.h), what
** (sealed), the measure (what is counted: "days present of 10"), the
** baseline (optional) and the target (numbers of that measure), the due day,
** the learner's own step and the support the school commits to (both
** sealed), who helps (a staff member of the case, or free text, sealed) and
** optionally the teaching group it concerns.  A goal is open, achieved or
** dropped (with a reason, sealed).
**
** Who sees which goals (docs/decisions.md, "Plans and goals"): the key
** worker and the team see the case's goals, except the health and
** well-being plan's, which only the key worker and team members whose role
** is psychologist see; a team member whose role is teacher sees only the
** goals that concern a group they teach, and nothing else of the plan.  The
** caller passes what the viewer may see as a set of bits: SUPPORT_CASE_REL_*
** (support/case.h) and the SUPPORT_GOAL_* bits below; support_goal_view()
** makes it from the relationship.
**
** "Every domain rated 2 or 3 in the latest needs assessment is answered by
** a goal (open or achieved) or a reason for 'not now'":
** support_plan_unanswered() is that rule as a pure function.
**
** The writers run one write transaction holding the institution's audit
** lock and append their audit event ("goal.add", "goal.edit" naming the
** fields that changed, "goal.close", "plan.recovery", "plan.not_now") in it;
** the details name codes and ids, never the text.  Lists are malloc'd and
** freed by the caller with free().  Nothing prints.
*/
#ifndef CAIRN_SUPPORT_PLAN_H
#define CAIRN_SUPPORT_PLAN_H
#include "base/err.h"
#include "store/store.h"
#include "support/case.h"
#include "support/domains.h"
#include <stddef.h>
#include <stdint.h>

typedef enum support_plan_kind {
    SUPPORT_PLAN_LEARNING = 0,   /* individual learning plan */
    SUPPORT_PLAN_CAREER,         /* career plan */
    SUPPORT_PLAN_HEALTH          /* health and well-being plan (health-sensitive) */
} support_plan_kind;
#define SUPPORT_PLAN_KIND_COUNT 3

typedef enum support_goal_status {
    SUPPORT_GOAL_OPEN = 0,
    SUPPORT_GOAL_ACHIEVED,
    SUPPORT_GOAL_DROPPED
} support_goal_status;
#define SUPPORT_GOAL_STATUS_COUNT 3

#define SUPPORT_GOAL_TEXT_MAX     500    /* characters of what, step, support, reasons */
#define SUPPORT_GOAL_TEXT_BYTES   (SUPPORT_GOAL_TEXT_MAX * 4 + 1)
#define SUPPORT_GOAL_SHORT_MAX    120    /* characters of the measure and of who helps */
#define SUPPORT_GOAL_SHORT_BYTES  (SUPPORT_GOAL_SHORT_MAX * 4 + 1)
#define SUPPORT_PLAN_RECOVERY_MAX 2000   /* characters of the recovery note */
#define SUPPORT_GOAL_SOON_DAYS    14     /* "due soon": within this many days */

/* What the viewer may see, besides SUPPORT_CASE_REL_* (support/case.h). */
#define SUPPORT_GOAL_SEES_HEALTH    0x100u   /* the health and well-being plan */
#define SUPPORT_GOAL_TEACHING_ONLY  0x200u   /* a teacher: only goals of groups they teach */

/* Codes as stored ("learning", "career", "health"; "open", "achieved",
** "dropped") and English names (msgids); NULL / "" out of range.  The
** _parse functions give the value of a code, or -1. */
const char *support_plan_kind_code(int kind);
const char *support_plan_kind_name(int kind);
int         support_plan_kind_parse(const char *code);
const char *support_goal_status_code(int status);
const char *support_goal_status_name(int status);
int         support_goal_status_parse(const char *code);

/* One goal. */
typedef struct support_goal {
    int64_t id, case_id;
    int     plan;                                   /* support_plan_kind */
    int     domain;                                 /* index into support_domains */
    char    what[SUPPORT_GOAL_TEXT_BYTES];          /* opened */
    char    measure[SUPPORT_GOAL_SHORT_BYTES];      /* "days present of 10" */
    int     has_baseline;                           /* 0 = baseline not known */
    double  baseline, target;
    int32_t due_on;                                 /* day number */
    char    learner_step[SUPPORT_GOAL_TEXT_BYTES];  /* opened */
    char    support[SUPPORT_GOAL_TEXT_BYTES];       /* opened */
    int64_t helper_staff_id;                        /* 0 = helper is free text */
    char    helper[SUPPORT_GOAL_SHORT_BYTES];       /* the staff's name or the text */
    int64_t group_id;                               /* 0 = concerns no teaching group */
    char    group_name[201];
    int     status;                                 /* support_goal_status */
    char    status_reason[SUPPORT_GOAL_TEXT_BYTES]; /* opened */
    char    status_at[32];                          /* "" while open */
    char    created_at[32], updated_at[32];
} support_goal;

/* A reason for "not now". */
typedef struct support_not_now {
    int64_t id, case_id, recorded_by;
    int     domain;
    char    reason[SUPPORT_GOAL_TEXT_BYTES];        /* opened */
    char    recorded_at[32];
} support_not_now;

/* What input was refused for (the writers' answer 1). */
typedef enum support_plan_problem {
    SUPPORT_PLAN_OK = 0,
    SUPPORT_PLAN_NOT_YOURS,        /* the viewer may not change this (plan) */
    SUPPORT_PLAN_CASE_CLOSED,      /* a closed case takes no change */
    SUPPORT_PLAN_KIND_BAD,         /* not learning, career or health */
    SUPPORT_PLAN_DOMAIN_BAD,       /* not a life domain */
    SUPPORT_PLAN_WHAT_MISSING,
    SUPPORT_PLAN_WHAT_BAD,         /* too long or characters that cannot be stored */
    SUPPORT_PLAN_MEASURE_MISSING,
    SUPPORT_PLAN_MEASURE_BAD,
    SUPPORT_PLAN_BASELINE_BAD,     /* not a number */
    SUPPORT_PLAN_TARGET_MISSING,
    SUPPORT_PLAN_TARGET_BAD,       /* not a number */
    SUPPORT_PLAN_DUE_MISSING,
    SUPPORT_PLAN_DUE_BAD,          /* not a date */
    SUPPORT_PLAN_DUE_PAST,         /* before today */
    SUPPORT_PLAN_STEP_BAD,         /* the learner's step: too long, bad characters */
    SUPPORT_PLAN_SUPPORT_BAD,      /* the school's support: too long, bad characters */
    SUPPORT_PLAN_HELPER_BAD,       /* not the key worker or on the team; text too long */
    SUPPORT_PLAN_GROUP_BAD,        /* no such group */
    SUPPORT_PLAN_GOAL_UNKNOWN,     /* no such goal of this case (or not visible) */
    SUPPORT_PLAN_GOAL_CLOSED,      /* achieved or dropped already */
    SUPPORT_PLAN_STATUS_BAD,       /* not achieved or dropped */
    SUPPORT_PLAN_REASON_MISSING,   /* dropping, or "not now", needs a reason */
    SUPPORT_PLAN_REASON_BAD,
    SUPPORT_PLAN_RECOVERY_BAD      /* too long, bad characters */
} support_plan_problem;

/* The form field a problem is about ("plan", "domain", "what", "measure",
** "baseline", "target", "due_on", "learner_step", "support", "helper",
** "group_id", "goal_id", "status", "reason", "recovery", "") and one
** English sentence (a msgid). */
const char *support_plan_problem_field(support_plan_problem p);
const char *support_plan_problem_text(support_plan_problem p);

/* ---- reading ------------------------------------------------------------------ */

/* What staff_id may see of case_id's goals: rel (SUPPORT_CASE_REL_* of the
** viewer, from access_case_relation) with SUPPORT_GOAL_SEES_HEALTH added
** for the key worker and a team member whose role is psychologist, and
** SUPPORT_GOAL_TEACHING_ONLY for a team member whose role is teacher (who
** is neither).  *view gets it.  0 or -1. */
int support_goal_view(store *st, int64_t institution_id, int64_t case_id, int64_t staff_id,
                      unsigned rel, unsigned *view, cairn_err *err);

/* The goals of case_id that view (see support_goal_view) shows, by plan,
** then open first, then due day; for SUPPORT_GOAL_TEACHING_ONLY only those
** whose group staff_id teaches (group_staff).  A view without the key
** worker, team or receiver bit gets none.  *rows malloc'd (caller frees),
** *n their number.  0 or -1 (err set; *rows NULL). */
int support_goal_list(store *st, int64_t institution_id, int64_t case_id, unsigned view,
                      int64_t staff_id, support_goal **rows, size_t *n, cairn_err *err);

/* One goal of case_id into *out if view shows it: 1, 0 none, -1 error. */
int support_goal_get(store *st, int64_t institution_id, int64_t case_id, int64_t goal_id,
                     unsigned view, int64_t staff_id, support_goal *out, cairn_err *err);

/* The number of goals of case_id that are not dropped (in the caller's
** transaction, if any) into *n.  0 or -1. */
int support_goal_count(store *st, int64_t institution_id, int64_t case_id, int64_t *n,
                       cairn_err *err);

/* The reasons for "not now" of case_id (by domain); with_text 0 leaves the
** reasons empty.  *rows malloc'd (caller frees).  0 or -1. */
int support_not_now_list(store *st, int64_t institution_id, int64_t case_id, int with_text,
                         support_not_now **rows, size_t *n, cairn_err *err);

/* The learning plan's note on recovering missed learning time, appended to
** out (caller owns; nothing when none).  0 or -1. */
int support_plan_recovery_get(store *st, int64_t institution_id, int64_t case_id, buf *out,
                              cairn_err *err);

/* The rule: the domains (bit d = support_domains[d]) rated 2 or 3 in
** needs[] (-1 unrated, 0..3) that no goal of goals[0..ngoals) that is not
** dropped answers (same domain) and no reason of not_now[0..nnot) puts off.
** Pure: reads only its arguments. */
unsigned support_plan_unanswered(const int needs[SUPPORT_DOMAIN_COUNT], const support_goal *goals,
                                 size_t ngoals, const support_not_now *not_now, size_t nnot);

/* The same for case_id as stored (all its goals, whoever asks): needs from
** the caller.  *bits gets the set.  0 or -1. */
int support_plan_unanswered_of_case(store *st, int64_t institution_id, int64_t case_id,
                                    const int needs[SUPPORT_DOMAIN_COUNT], unsigned *bits,
                                    cairn_err *err);

/* The needs of case_id's latest needs assessment into needs[] (-1
** unrated, 0..3; all -1 without an assessment).  0 or -1. */
int support_plan_needs(store *st, int64_t institution_id, int64_t case_id,
                       int needs[SUPPORT_DOMAIN_COUNT], cairn_err *err);

/* A teaching group a goal may concern. */
typedef struct support_plan_group {
    int64_t id;
    char    name[201];
} support_plan_group;

/* The groups a goal of case_id may concern: the learner's groups and those
** taught by the team's teachers, by name.  *rows malloc'd.  0 or -1. */
int support_plan_groups(store *st, int64_t institution_id, int64_t case_id,
                        support_plan_group **rows, size_t *n, cairn_err *err);

/* ---- writing ------------------------------------------------------------------ */

/* A goal to add or edit, as typed (the writers check every field). */
typedef struct support_goal_spec {
    int64_t     id;               /* 0 = a new goal; else the goal to edit */
    const char *plan;             /* "learning", "career", "health" */
    const char *domain;           /* a domain code */
    const char *what;             /* required */
    const char *measure;          /* required: what is counted */
    const char *baseline;         /* a number, or "" / NULL = not known */
    const char *target;           /* required: a number */
    const char *due_on;           /* required: YYYY-MM-DD, today or later */
    const char *learner_step;     /* may be "" */
    const char *support;          /* may be "" */
    int64_t     helper_staff_id;  /* the key worker or a team member; 0 = none / text */
    const char *helper_text;      /* who helps, when not a staff member ("" none) */
    int64_t     group_id;         /* the teaching group it concerns; 0 = none */
} support_goal_spec;

/* Add spec (spec->id 0) to case_id on behalf of account_id, seen as view
** (SUPPORT_CASE_REL_* and SUPPORT_GOAL_* bits: the key worker or a team
** member who is not TEACHING_ONLY; a health goal needs SEES_HEALTH), at at
** (now when NULL; "today" for the due day is its day).  0 done (*goal_id,
** may be NULL, gets the id); 1 refused (*problem, err in English; nothing
** written); -1 error. */
int support_goal_add(store *st, int64_t institution_id, int64_t account_id, unsigned view,
                     int64_t case_id, const support_goal_spec *spec, const char *at,
                     int64_t *goal_id, support_plan_problem *problem, cairn_err *err);

/* Edit goal spec->id of case_id: every field as for adding (an open goal
** only); the audit event names the fields that changed.  0, 1, -1 as
** above. */
int support_goal_edit(store *st, int64_t institution_id, int64_t account_id, unsigned view,
                      int64_t case_id, const support_goal_spec *spec, const char *at,
                      support_plan_problem *problem, cairn_err *err);

/* Mark open goal goal_id of case_id achieved or dropped (status), with
** reason (required for dropped).  0, 1, -1 as above. */
int support_goal_close(store *st, int64_t institution_id, int64_t account_id, unsigned view,
                       int64_t case_id, int64_t goal_id, int status, const char *reason,
                       const char *at, support_plan_problem *problem, cairn_err *err);

/* Record (or replace) the reason why domain (a code) is not answered by a
** goal now.  0, 1, -1 as above. */
int support_not_now_set(store *st, int64_t institution_id, int64_t account_id, unsigned view,
                        int64_t case_id, const char *domain, const char *reason,
                        const char *at, support_plan_problem *problem, cairn_err *err);

/* Set the learning plan's note on recovering missed learning time ("" to
** clear).  0, 1, -1 as above. */
int support_plan_recovery_set(store *st, int64_t institution_id, int64_t account_id,
                              unsigned view, int64_t case_id, const char *text, const char *at,
                              support_plan_problem *problem, cairn_err *err);

/* Create or upgrade the plan tables (support/plan_schema.c; series "plan",
** after the case series).  *applied (may be NULL) gets how many ran. */
int support_plan_migrate(store *st, int *applied, cairn_err *err);

/* The demo school's plans after its cases (support/demo_plan.c): the
** learning plan's recovery note, a goal achieved on the monitored case,
** reasons for "not now"; once.  *n (may be NULL) gets how many cases. */
int support_demo_plans(store *st, int64_t institution_id, int64_t account_id, int *n,
                       cairn_err *err);

/* The goals the demo writes for case_id, the demo case of index which
** (support/demo_case.c), before its plan is agreed on at (called by
** support_demo_cases).  0 or -1. */
int support_demo_plan_goals(store *st, int64_t institution_id, int64_t account_id,
                            int64_t case_id, int which, const char *at, cairn_err *err);

#endif
