/*
** support/assessment.h — needs assessments of a case.
**
** An assessment belongs to a case: the day it was done, who did it (an
** account), and for each of the life domains of support/domains.h the key
** worker's actionable rating (the open CANS convention: 0 no need, 1 watch,
** 2 act, 3 act now; or not rated), the learner's own rating on the same
** scale (or not asked), the learner's strengths in that domain and a
** comment; plus an overall note.  Strengths, comments and the note are
** sensitive free text, sealed at rest (support/sealed.h; registered in
** support/sealed_columns.c).  Assessments repeat; every one is kept, so the
** pages can show how each domain moved.
**
** Who may see a case is the caller's (web/access.h, access_case_relation):
** the writer takes the relationship as SUPPORT_CASE_REL_* bits and allows
** the key worker and the team.  It writes the assessment and its audit
** event ("assessment.add", support_case_audit) in one transaction; adding
** one while the case has an open "assessment" task (case_task.c) completes
** that task.  The readers do not audit: the caller writes
** "assessment.view" (reason "viewed") for what it shows.
**
** Memory: lists are malloc'd; free them with support_assessments_free.
** Nothing prints.
*/
#ifndef CAIRN_SUPPORT_ASSESSMENT_H
#define CAIRN_SUPPORT_ASSESSMENT_H
#include "base/err.h"
#include "store/store.h"
#include "support/domains.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define SUPPORT_ASSESSMENT_RATING_MAX  3      /* 0 no need .. 3 act now */
#define SUPPORT_ASSESSMENT_UNSET      -1      /* not rated / not asked */
#define SUPPORT_ASSESSMENT_TEXT_MAX  1000     /* characters of strengths or a comment */
#define SUPPORT_ASSESSMENT_NOTE_MAX  2000     /* characters of the overall note */

/* What an assessment takes.  Texts may be NULL or "" (none). */
typedef struct support_assessment_spec {
    int32_t     assessed_on;                          /* day number (base/date.h) */
    int         need[SUPPORT_DOMAIN_COUNT];           /* key worker: 0..3, -1 not rated */
    int         own[SUPPORT_DOMAIN_COUNT];            /* learner: 0..3, -1 not asked */
    const char *strengths[SUPPORT_DOMAIN_COUNT];
    const char *comment[SUPPORT_DOMAIN_COUNT];
    const char *note;
} support_assessment_spec;

/* One domain of a stored assessment. */
typedef struct support_assessment_rating {
    int   need, own;              /* 0..3 or SUPPORT_ASSESSMENT_UNSET */
    char *strengths, *comment;    /* malloc'd, opened; "" none or read without text */
} support_assessment_rating;

/* A stored assessment. */
typedef struct support_assessment {
    int64_t id, case_id, assessed_by;
    char    assessed_by_name[201];                    /* the account's display name */
    int32_t assessed_on;                              /* day number */
    char    recorded_at[32];                          /* ISO UTC */
    char   *note;                                     /* malloc'd, opened; "" none */
    support_assessment_rating domains[SUPPORT_DOMAIN_COUNT];
} support_assessment;

/* Why input was refused (the writer's answer 1). */
typedef enum support_assessment_problem {
    SUPPORT_ASSESSMENT_OK = 0,
    SUPPORT_ASSESSMENT_NOT_YOURS,       /* neither the key worker nor on the team */
    SUPPORT_ASSESSMENT_CASE_CLOSED,     /* a closed case takes no assessment */
    SUPPORT_ASSESSMENT_DAY_BAD,         /* after today or before the case opened */
    SUPPORT_ASSESSMENT_NEED_BAD,        /* a rating that is not 0..3 or unset */
    SUPPORT_ASSESSMENT_OWN_BAD,         /* the learner's rating not 0..3 or unset */
    SUPPORT_ASSESSMENT_NONE_RATED,      /* the key worker rated no domain at all */
    SUPPORT_ASSESSMENT_STRENGTHS_BAD,   /* too long, broken text or control characters */
    SUPPORT_ASSESSMENT_COMMENT_BAD,     /* the same for a comment */
    SUPPORT_ASSESSMENT_NOTE_BAD         /* the same for the overall note */
} support_assessment_problem;

/* The form field a problem is about, for domain (an index; ignored by the
** problems that are not a domain's): "need_<code>", "own_<code>",
** "strengths_<code>", "comment_<code>", "assessed_on", "note" or "" —
** written into out (cap bytes). */
void support_assessment_problem_field(support_assessment_problem p, int domain, char *out,
                                      size_t cap);

/* One English sentence for a problem (an msgid; static). */
const char *support_assessment_problem_text(support_assessment_problem p);

/* The English name (msgid) of a rating 0..3: "No need", "Watch", "Act",
** "Act now"; "Not rated" for anything else.  Static. */
const char *support_assessment_rating_name(int rating);

/* Apply the "assessment" series (support/assessment_schema.c): after the
** "case" series.  *applied (may be NULL) gets how many ran.  0 or -1. */
int support_assessment_migrate(store *st, int *applied, cairn_err *err);

/* Add an assessment of case_id of institution_id on behalf of account_id,
** whose relationship to the case is rel (SUPPORT_CASE_REL_* bits; the key
** worker and the team may), recorded at at (now when NULL: the demo's
** back-dated rows).  Checks every rating, text and the day (not after the
** day of at, not before the case opened), that the case is the
** institution's and not closed; writes it, completes an open "assessment"
** task and appends "assessment.add" in one transaction.  0 done (*id, may
** be NULL, gets its id); 1 refused (*problem, *domain: the domain index
** the problem is about or -1, err; nothing written); -1 error (a case that
** does not exist is CAIRN_ENOTFOUND). */
int support_assessment_add(store *st, int64_t institution_id, int64_t account_id, unsigned rel,
                           int64_t case_id, const support_assessment_spec *spec, const char *at,
                           int64_t *id, support_assessment_problem *problem, int *domain,
                           cairn_err *err);

/* The assessments of case_id, oldest first (by day, then id), into *rows
** (*n of them); with_text 0 leaves every text "" and opens nothing.  0 or
** -1.  Free with support_assessments_free. */
int support_assessment_list(store *st, int64_t institution_id, int64_t case_id, int with_text,
                            support_assessment **rows, size_t *n, cairn_err *err);

/* Free what support_assessment_list gave (rows may be NULL). */
void support_assessments_free(support_assessment *rows, size_t n);

/* The key worker's ratings in case_id's latest assessment: 1 with needs[i]
** the rating 0..3 of domain i (-1 when not rated), 0 when the case has no
** assessment (needs all -1), -1 on error.  No audit inside: the caller
** audits its view. */
int support_assessment_latest_needs(store *st, int64_t institution_id, int64_t case_id,
                                    int needs[SUPPORT_DOMAIN_COUNT], cairn_err *err);

/* 1 when staff_id, whose relationship to case_id is rel (SUPPORT_CASE_REL_*
** bits), sees its assessments: the key worker, and a team member whose
** role is not teacher (a teacher on the team sees the plan's goals that
** concern their teaching, not the assessment).  0 not, -1 error. */
int support_assessment_may_see(store *st, int64_t institution_id, int64_t case_id,
                               int64_t staff_id, unsigned rel, cairn_err *err);

/* The "assessments" part of a learner's whole record (support/subject.h,
** support/assessment_subject.c): every assessment of the learner's cases
** as a new JSON array, texts opened; and the erasure that blanks their
** strengths, comments and notes in the caller's transaction (ratings and
** days stay).  0 or -1. */
int support_assessment_subject_read(store *st, int64_t institution_id, int64_t learner_id,
                                    json_t **out, cairn_err *err);
int support_assessment_subject_erase(store *st, int64_t institution_id, int64_t learner_id,
                                     cairn_err *err);

/* The demo school's assessments (support/demo_assessment.c): for every
** case that went past "open" (its history has the step into the
** assessment state), one assessment back-dated to a few days after that
** step, and a second, with most needs fallen, for the cases in monitoring
** or closed (and a closed case reopened since); some of the learner's own
** ratings differ from the key worker's.  Made on behalf of kw_account
** through the same writer the pages use.  Does nothing when the database
** has any assessment already.  *n gets how many were made.  0 or -1. */
int support_demo_assessments(store *st, int64_t institution_id, int64_t kw_account, int *n,
                             cairn_err *err);

#endif
