/*
** support/intervention.h — interventions in three tiers (issue 11): the
** catalogue an institution configures, runs of an intervention with their
** participants and sessions, and the effect read from each participant's
** own indicators before and after (support/intervention_effect.h).
**
**   catalogue      name, tier (universal | selective | individual), the
**                  needs (life domains) it answers, dosage in words,
**                  duration 1..12 weeks (6 by default), who delivers it, and
**                  its evidence: a level (strong | moderate | promising |
**                  rationale, after the ESSA evidence tiers) and a source.
**                  A starter catalogue of ten entries is written for an
**                  institution the first time its catalogue is read
**                  (intervention_starter_ensure).
**   run            one delivery of an intervention: a start date, a
**                  deliverer (a staff member), a label; "group" for a group,
**                  "individual" for one learner.
**   participation  a learner in a run, joined on a day (the run's start by
**                  default), with a nullable case_id (cases are another
**                  helper's; no foreign key yet).
**   session        a day the run met, with minutes, and who attended.
**
** Who may see and do what is decided by the web room before calling here
** (web/support/intervention_access.h); these functions take the institution
** and the acting account as plain values.  Writes that touch a learner
** (joining, a session's attendance) append their audit events
** ("intervention.join", "intervention.session") in the same transaction,
** holding the institution's audit lock.  The catalogue holds no personal
** data and is not audited.
**
** Memory: lists are malloc'd, the caller frees them with free().
*/
#ifndef CAIRN_SUPPORT_INTERVENTION_H
#define CAIRN_SUPPORT_INTERVENTION_H
#include "base/err.h"
#include "store/store.h"
#include "support/domains.h"
#include <stddef.h>
#include <stdint.h>

#define INTERVENTION_NAME_MAX     120   /* characters of a name or a run's label */
#define INTERVENTION_TEXT_MAX     300   /* characters of dosage, delivered by */
#define INTERVENTION_SOURCE_MAX   600   /* characters of the evidence source */
#define INTERVENTION_WEEKS_MIN    1
#define INTERVENTION_WEEKS_MAX    12
#define INTERVENTION_WEEKS_DEFAULT 6
#define INTERVENTION_MINUTES_MAX  600   /* minutes of one session */

/* Bytes that hold n characters of UTF-8 and the NUL. */
#define INTERVENTION_BYTES(n) ((n) * 4 + 1)

/* The needs an entry answers are life domains: support/domains.h. */

/* A choice with a code and a msgid (tiers, evidence levels). */
typedef struct intervention_choice {
    const char *code;
    const char *name;
} intervention_choice;
#define INTERVENTION_TIERS 3
extern const intervention_choice intervention_tiers[INTERVENTION_TIERS];
#define INTERVENTION_EVIDENCE_LEVELS 4
extern const intervention_choice intervention_evidence_levels[INTERVENTION_EVIDENCE_LEVELS];

/* The msgid naming code among list[0..n), or the code itself. */
const char *intervention_choice_name(const intervention_choice *list, size_t n,
                                     const char *code);

/* One catalogue entry. */
typedef struct intervention {
    int64_t id;
    char    name[INTERVENTION_BYTES(INTERVENTION_NAME_MAX)];
    char    tier[16];
    char    needs[256];           /* domain codes, comma-separated, in domain order */
    char    dosage[INTERVENTION_BYTES(INTERVENTION_TEXT_MAX)];
    int     duration_weeks;
    char    delivered_by[INTERVENTION_BYTES(INTERVENTION_TEXT_MAX)];
    char    evidence_level[16];
    char    evidence_source[INTERVENTION_BYTES(INTERVENTION_SOURCE_MAX)];
    long    runs, participants;   /* filled by intervention_list */
} intervention;

/* The fields of an entry as a form or a JSON body gives them. */
enum {
    IV_F_NAME, IV_F_TIER, IV_F_NEEDS, IV_F_DOSAGE, IV_F_DURATION, IV_F_DELIVERED_BY,
    IV_F_EVIDENCE_LEVEL, IV_F_EVIDENCE_SOURCE, IV_F_COUNT
};
/* The field's name in forms and JSON ("name", "tier", ..., "evidence_source"). */
extern const char *const intervention_field_names[IV_F_COUNT];

/* Why a field was refused; IV_OK when it was not. */
typedef enum intervention_problem {
    IV_OK = 0,
    IV_MISSING,        /* empty or only white space */
    IV_TOO_LONG,       /* more characters than allowed */
    IV_BAD_TEXT,       /* invalid UTF-8 or a control character */
    IV_BAD_CHOICE,     /* not one of the codes offered */
    IV_OUT_OF_RANGE,   /* a number outside its range, or not a number */
    IV_TAKEN,          /* another entry has this name */
    IV_BAD_DATE,       /* not a real YYYY-MM-DD */
    IV_UNKNOWN,        /* no such staff member / learner in the institution */
    IV_ALREADY         /* the learner is in this run already; a session that day exists */
} intervention_problem;

/* One English sentence about problem p, for the API and logs (static). */
const char *intervention_problem_text(intervention_problem p);

/* Check one line of text s (NULL = empty) of at most max characters and
** copy it without surrounding spaces into out (cap bytes, at least
** INTERVENTION_BYTES(max)): IV_OK, IV_MISSING, IV_TOO_LONG or IV_BAD_TEXT. */
intervention_problem intervention_text_check(const char *s, size_t max, char *out, size_t cap);

/* Check the raw fields in[IV_F_COUNT] (NULL = empty; needs is
** comma-separated domain codes; duration empty = the default) and fill
** *out (id untouched) from them.  prob[] gets each field's problem; the
** number of fields refused is returned (0 = all good). */
int intervention_validate(const char *const in[IV_F_COUNT], intervention *out,
                          intervention_problem prob[IV_F_COUNT]);

/* Add (id 0) or change entry id of institution_id from in (see above).
** 0 saved (*out_id, may be NULL, gets its id), 1 refused (prob[] says
** why, nothing written; a name another entry has is IV_TAKEN), -1 error
** (err set; also CAIRN_ENOTFOUND for an id that is not the institution's). */
int intervention_save(store *st, int64_t institution_id, int64_t id,
                      const char *const in[IV_F_COUNT], int64_t *out_id,
                      intervention_problem prob[IV_F_COUNT], cairn_err *err);

/* Entry id of institution_id into *out: 1 found, 0 none, -1 error. */
int intervention_get(store *st, int64_t institution_id, int64_t id, intervention *out,
                     cairn_err *err);

/* The catalogue of institution_id, by tier (universal first) then name,
** with each entry's count of runs and participants.  *rows malloc'd. */
int intervention_list(store *st, int64_t institution_id, intervention **rows, size_t *n,
                      cairn_err *err);

/* Write the starter catalogue (ten entries; intervention_starter.c) for
** institution_id unless it was written before (recorded in
** intervention_seeded: an institution that deleted or renamed entries does
** not get them back).  *added (may be NULL) gets how many were written. */
int intervention_starter_ensure(store *st, int64_t institution_id, int *added,
                                cairn_err *err);

/* ---- runs, participants, sessions (support/intervention_run.c) ------------- */

typedef struct intervention_run {
    int64_t id, intervention_id;
    char    intervention_name[INTERVENTION_BYTES(INTERVENTION_NAME_MAX)];
    char    tier[16];
    int     duration_weeks;
    char    mode[12];                 /* "group" | "individual" */
    char    label[INTERVENTION_BYTES(INTERVENTION_NAME_MAX)];
    int32_t start;                    /* days since 1970-01-01 */
    int64_t deliverer_staff_id;
    char    deliverer_name[260];      /* "Given Family" */
    long    participants, sessions;
} intervention_run;

/* The fields of a new run. */
enum { IV_R_MODE, IV_R_LABEL, IV_R_START, IV_R_DELIVERER, IV_R_COUNT };
extern const char *const intervention_run_field_names[IV_R_COUNT];

/* Start a run of intervention_id: in[] mode ("group" | "individual"),
** label (may be empty: the intervention's name is shown), start
** (YYYY-MM-DD), deliverer (a staff id of the institution, decimal).
** 0 started (*run_id), 1 refused (prob[]), -1 error (CAIRN_ENOTFOUND for an
** unknown intervention). */
int intervention_run_start(store *st, int64_t institution_id, int64_t account_id,
                           int64_t intervention_id, const char *const in[IV_R_COUNT],
                           int64_t *run_id, intervention_problem prob[IV_R_COUNT],
                           cairn_err *err);

/* Run id: 1 found (*out), 0 none, -1 error. */
int intervention_run_get(store *st, int64_t institution_id, int64_t id, intervention_run *out,
                         cairn_err *err);

/* The runs of intervention_id (0 = every intervention), newest start
** first.  *rows malloc'd. */
int intervention_runs_of(store *st, int64_t institution_id, int64_t intervention_id,
                         intervention_run **rows, size_t *n, cairn_err *err);

/* One learner in a run. */
typedef struct intervention_participant {
    int64_t id;                       /* the participation */
    int64_t run_id, learner_id;
    char    ref[65], given_name[130], family_name[130];
    int32_t joined;                   /* days */
    int64_t case_id;                  /* 0 = none */
    int64_t key_worker_staff_id;      /* the learner's current key worker, 0 = none */
    long    attended;                 /* sessions attended */
} intervention_participant;

/* Add the learner whose ref is learner_ref to run_id, joined on joined
** (YYYY-MM-DD; NULL or "" = the run's start), with case_id (0 = none).
** Appends "intervention.join" for the learner.  0 added (*id may be NULL),
** 1 refused (*problem: IV_UNKNOWN learner, IV_ALREADY, IV_BAD_DATE,
** IV_MISSING), -1 error. */
int intervention_participant_add(store *st, int64_t institution_id, int64_t account_id,
                                 int64_t run_id, const char *learner_ref, const char *joined,
                                 int64_t case_id, int64_t *id, intervention_problem *problem,
                                 cairn_err *err);

/* The id of the learner of institution_id whose ref is ref into *id (0
** when there is none).  0 or -1. */
int intervention_learner_by_ref(store *st, int64_t institution_id, const char *ref, int64_t *id,
                                cairn_err *err);

/* The participants of run_id, by family name, given name, id.  *rows
** malloc'd. */
int intervention_participants(store *st, int64_t institution_id, int64_t run_id,
                              intervention_participant **rows, size_t *n, cairn_err *err);

typedef struct intervention_session {
    int64_t id;
    int32_t held;                     /* days */
    int     minutes;
    long    present, recorded;        /* participants attended, rows recorded */
} intervention_session;

/* Record that run_id met on held (YYYY-MM-DD) for minutes (text, 1 to
** INTERVENTION_MINUTES_MAX), attended by the participations
** attended[0..n) (others of the run: not attended).  Appends
** "intervention.session" for each participant.  0 recorded (*id may be
** NULL), 1 refused (*problem, *field: 0 the date, 1 the minutes;
** IV_ALREADY when the run has a session that day, IV_UNKNOWN for an id that
** is not a participation of the run), -1 error. */
int intervention_session_record(store *st, int64_t institution_id, int64_t account_id,
                                int64_t run_id, const char *held, const char *minutes,
                                const int64_t *attended, size_t n, int64_t *id,
                                intervention_problem *problem, int *field, cairn_err *err);

/* The sessions of run_id, newest first.  *rows malloc'd. */
int intervention_sessions(store *st, int64_t institution_id, int64_t run_id,
                          intervention_session **rows, size_t *n, cairn_err *err);

/* The attendance of run_id: for each session (as intervention_sessions
** orders them) and participant (as intervention_participants), whether
** they attended: (*grid)[s * nparticipants + p] is 1, 0, or -1 (not
** recorded: joined later).  *grid malloc'd. */
int intervention_attendance_grid(store *st, int64_t institution_id, int64_t run_id,
                                 const intervention_session *sessions, size_t nsessions,
                                 const intervention_participant *parts, size_t nparts,
                                 signed char **grid, cairn_err *err);

/* A learner's participations: run and participant rows side by side,
** newest start first; sessions held since they joined in
** runs[i].sessions.  Both malloc'd, n each. */
int intervention_learner_runs(store *st, int64_t institution_id, int64_t learner_id,
                              intervention_run **runs, intervention_participant **parts,
                              size_t *n, cairn_err *err);

/* A staff member who may deliver a run: one linked to an enabled account
** of the institution (so they can sign in and record the sessions). */
typedef struct intervention_staff {
    int64_t id;
    char    name[260];                /* "Given Family" */
    char    job_title[101];
} intervention_staff;

/* The possible deliverers of institution_id, by family and given name.
** *rows malloc'd. */
int intervention_deliverers(store *st, int64_t institution_id, intervention_staff **rows,
                            size_t *n, cairn_err *err);

/* Create or upgrade the intervention series' tables
** (support/intervention_schema.c); run from support_migrate(). */
int intervention_migrate(store *st, int *applied, cairn_err *err);

#endif
