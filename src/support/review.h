/*
** support/review.h — reviews of a case: how often (the cadence of the
** case's tier), what a review records, and when a change of tier is
** suggested.
**
** Cadence: a review is due every review.days.individual days (7) for an
** individual case, review.days.selective (14) for a selective one, and
** for a universal one at the end of the current term of the school
** calendar (the term table; the next term's end in a break), or
** review.days.universal days (91) when the calendar has none
** (support/setting.h; `cairn setting` lists them).
**
** A review records the day it was held, who recorded it, a value of the
** measure of each open goal of the case's plans, what changed (sealed at
** rest, support/sealed.h), a decision (continue, change the plan, step the
** tier down, step it up, close the case) and the next review day (from the
** cadence unless given; after the review day).  The writer runs in one
** transaction with its audit event ("review.add"): it completes the case's
** open review task and makes the next one, due on the next review day.  A
** decision to change the tier or close does not change the case: a person
** does that with the case's own forms.
**
** The suggestion (support_review_suggest) is pure: from each goal's
** baseline, target and progress values in order, a change of tier is
** suggested only after at least four progress points of a goal.
**
** Memory: structs are filled in place; lists are malloc'd and freed by the
** caller with free() (support_review_list_free for a list).  Nothing
** prints.
*/
#ifndef CAIRN_SUPPORT_REVIEW_H
#define CAIRN_SUPPORT_REVIEW_H
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include "support/case.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define SUPPORT_REVIEW_MIN_POINTS   4     /* progress points before a tier change is suggested */
#define SUPPORT_REVIEW_GOALS_MAX    64    /* goals one review may record progress on */
#define SUPPORT_REVIEW_NEXT_MAX_DAYS 366  /* the next review at most this far after the review */

typedef enum support_review_decision {
    SUPPORT_REVIEW_CONTINUE = 0,
    SUPPORT_REVIEW_CHANGE_PLAN,
    SUPPORT_REVIEW_STEP_DOWN,
    SUPPORT_REVIEW_STEP_UP,
    SUPPORT_REVIEW_CLOSE
} support_review_decision;
#define SUPPORT_REVIEW_DECISION_COUNT 5

/* "continue", "change_plan", "step_down", "step_up", "close" and the
** English names (msgids); NULL for a value out of range.  _parse: the
** value of a code, or -1. */
const char *support_review_decision_code(int decision);
const char *support_review_decision_name(int decision);
int         support_review_decision_parse(const char *code);

/* ---- the cadence ------------------------------------------------------------- */

/* The setting names of the cadence (support/setting.c). */
#define SUPPORT_REVIEW_DAYS_INDIVIDUAL "review.days.individual"
#define SUPPORT_REVIEW_DAYS_SELECTIVE  "review.days.selective"
#define SUPPORT_REVIEW_DAYS_UNIVERSAL  "review.days.universal"

/* The day the review after day is due for a case of tier (0 universal .. 2
** individual) in institution_id, by its settings and calendar, into *due
** (always after day).  0 or -1 (err set). */
int support_review_due(store *st, int64_t institution_id, int tier, int32_t day, int32_t *due,
                       cairn_err *err);

/* ---- the suggestion (pure) ----------------------------------------------------- */

typedef enum support_review_trend {
    SUPPORT_TREND_TOO_FEW = 0,   /* fewer than SUPPORT_REVIEW_MIN_POINTS values */
    SUPPORT_TREND_ACHIEVED,      /* the latest value is at or past the target */
    SUPPORT_TREND_ON_TRACK,      /* moving toward the target over the last four points */
    SUPPORT_TREND_NOT_MOVING     /* not at the target, not moving toward it */
} support_review_trend;

/* The trend of one goal from its baseline, target and values[0..n) in the
** order they were recorded (NaN values are not points; a NaN baseline, not
** known, is taken as the first point).  The direction is
** that from the baseline to the target (a target equal to the baseline:
** only that value is "at the target", nothing is "toward" it).  Moving
** toward it: the latest value is nearer the target than the value three
** points before it. */
support_review_trend support_review_goal_trend(double baseline, double target,
                                               const double *values, size_t n);

/* One goal's numbers for the suggestion. */
typedef struct support_review_goal_points {
    double        baseline, target;
    const double *values;     /* in order, oldest first */
    size_t        n;
} support_review_goal_points;

typedef enum support_review_verdict {
    SUPPORT_SUGGEST_TOO_FEW = 0,   /* no goal has four points yet: nothing suggested */
    SUPPORT_SUGGEST_STEP_DOWN,     /* every goal counted is achieved or on track */
    SUPPORT_SUGGEST_STEP_UP,       /* at least one goal counted is not moving */
    SUPPORT_SUGGEST_NO_GOALS       /* the case has no goal with a measure */
} support_review_verdict;

typedef struct support_review_suggestion {
    support_review_verdict verdict;
    size_t counted;      /* goals with at least four points */
    size_t achieved;     /* ... at or past the target */
    size_t on_track;     /* ... moving toward it */
    size_t stuck;        /* ... not moving */
    size_t first_stuck;  /* index of the first goal not moving (verdict STEP_UP) */
    const char *reason;  /* an English msgid, a template: see support_review_reason_text */
} support_review_suggestion;

/* Suggest from goals[0..n) (see the verdicts): a tier change only when at
** least one goal has four points; step down when every goal with four
** points is at or past its target or moving toward it, else step up.
** out->reason is a static English sentence whose %T conversions are, in
** order, the numbers the verdict names (see support_review_reason_text). */
void support_review_suggest(const support_review_goal_points *goals, size_t n,
                            support_review_suggestion *out);

/* The reason of s in English with its numbers, appended to out. */
void support_review_reason_text(const support_review_suggestion *s, buf *out);

/* ---- the records ------------------------------------------------------------------ */

/* An open goal of the case's plans, as a review sees it (support/plan.h). */
typedef struct support_review_goal {
    int64_t id;
    char    what[2001];       /* the goal's words (opened) */
    char    measure[481];     /* what is measured */
    double  baseline, target; /* baseline NaN when not known */
    int64_t group_id;         /* the teaching group it concerns; 0 none */
} support_review_goal;

/* The open goals of case_id's plans that view shows (support_goal_view in
** support/plan.h: SUPPORT_CASE_REL_* and SUPPORT_GOAL_* bits; staff_id the
** viewer, for a teacher's goals) into *rows (malloc'd), by plan and due
** day.  0 or -1. */
int support_review_goals(store *st, int64_t institution_id, int64_t case_id, unsigned view,
                         int64_t staff_id, support_review_goal **rows, size_t *n,
                         cairn_err *err);

/* One progress value of a goal. */
typedef struct support_review_progress {
    int64_t goal_id;
    double  value;
} support_review_progress;

/* What recording a review takes. */
typedef struct support_review_spec {
    int32_t     reviewed_on;    /* not after today, not before the case opened */
    const char *changed;        /* what changed: 0 to SUPPORT_CASE_TEXT_MAX characters */
    int         decision;       /* support_review_decision */
    int32_t     next_on;        /* 0 = from the cadence; else after reviewed_on */
    const support_review_progress *progress;   /* open goals of the case (a teacher's:
                                                  of their teaching) only */
    size_t      nprogress;      /* at most SUPPORT_REVIEW_GOALS_MAX */
    unsigned    view;           /* the recorder's goal view (support_goal_view); 0 = all
                                   goals.  With SUPPORT_GOAL_TEACHING_ONLY (a teacher on
                                   the team) the review is progress only: values on the
                                   goals of their teaching, no words, no decision, the
                                   review task left as it is */
    int64_t     staff_id;       /* the recorder's staff id (for a teacher's goals) */
} support_review_spec;

typedef enum support_review_problem {
    SUPPORT_REVIEW_OK = 0,
    SUPPORT_REVIEW_NOT_YOURS,       /* only the key worker and the team record reviews */
    SUPPORT_REVIEW_NOT_NOW,         /* the case has no agreed plan (or is closed) */
    SUPPORT_REVIEW_DAY_BAD,         /* not a day, after today or before the case opened */
    SUPPORT_REVIEW_NEXT_BAD,        /* not after the review day, or more than a year later */
    SUPPORT_REVIEW_DECISION_BAD,    /* not one of the decisions */
    SUPPORT_REVIEW_CHANGED_BAD,     /* too long or characters that cannot be stored */
    SUPPORT_REVIEW_GOAL_BAD,        /* not an open goal of this case, or twice */
    SUPPORT_REVIEW_VALUE_BAD        /* not a number */
} support_review_problem;

/* The form field a problem is about ("reviewed_on", "next_on", "decision",
** "changed", "progress", "") and one English sentence (msgids). */
const char *support_review_problem_field(support_review_problem p);
const char *support_review_problem_text(support_review_problem p);

/* Record a review of case_id on behalf of account_id (rel: the
** SUPPORT_CASE_REL_* bits of the viewer; at: now when NULL).  0 done
** (*review_id gets its id; may be NULL), 1 refused (*problem, err; nothing
** written), -1 error. */
int support_review_add(store *st, int64_t institution_id, int64_t account_id, unsigned rel,
                       int64_t case_id, const support_review_spec *spec, const char *at,
                       int64_t *review_id, support_review_problem *problem, cairn_err *err);

/* One recorded review. */
typedef struct support_review {
    int64_t  id, case_id, recorded_by;
    char     by[203];                 /* who recorded it */
    int32_t  reviewed_on, next_on;
    int32_t  due_on;                  /* the review task it answered was due; 0 none */
    int      tier;                    /* the case's tier when reviewed */
    int      decision;
    int      progress_only;           /* 1: a teacher's progress values, not a review */
    char     changed[SUPPORT_CASE_TEXT_BYTES];   /* opened when with_text */
    support_review_progress *progress;          /* malloc'd with the list */
    size_t   nprogress;
} support_review;

/* The reviews of case_id, newest first, each with its progress values
** (empty when with_text is 0: a leader's view has the dates only).  Free
** with support_review_list_free. */
int support_review_list(store *st, int64_t institution_id, int64_t case_id, int with_text,
                        support_review **rows, size_t *n, cairn_err *err);
void support_review_list_free(support_review *rows, size_t n);

/* The case's last review day (0 none; a teacher's progress values are not
** a review), and the due day of its open review
** task (0 none).  0 or -1. */
int support_review_dates(store *st, int64_t institution_id, int64_t case_id, int32_t *last,
                         int32_t *next_due, cairn_err *err);

/* Reviews on time in institution_id up to today: *due the reviews that
** fell due (those recorded against a review task, and the open review tasks
** of open cases past due), *on_time those recorded by their due day.  0 or
** -1. */
int support_review_on_time(store *st, int64_t institution_id, int32_t today, long long *due,
                           long long *on_time, cairn_err *err);

/* The reviews part of the learner's whole record (support/subject.h,
** support/review_subject.c): a new JSON array of the reviews of the
** learner's cases, what changed opened.  0 or -1. */
int support_review_subject_read(store *st, int64_t institution_id, int64_t learner_id,
                                json_t **out, cairn_err *err);

/* Blank what changed in the reviews of the learner's cases, in the
** caller's transaction (days, decisions and values stay).  0 or -1. */
int support_review_subject_erase(store *st, int64_t institution_id, int64_t learner_id,
                                 cairn_err *err);

/* Migration series "review" (support/review_schema.c). */
int support_review_migrate(store *st, int *applied, cairn_err *err);

/* The demo's reviews (support/demo_review.c), recorded by account: for the
** demo cases in monitoring, plan agreed and closed, reviews with progress
** (four points or more on some), one review overdue; once.  0 or -1. */
int support_demo_reviews(store *st, int64_t institution_id, int64_t account, cairn_err *err);

#endif
