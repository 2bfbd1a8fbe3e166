/*
** support/actions.h — acting on a learner's support record: acknowledging a
** flag with a comment, and naming the learner's key worker.
**
** Who may act is decided by the caller before calling a writer here (the
** web room asks access_can_act_on_learner() of web/access.h); these
** functions take the institution and the acting account as plain values,
** check the input, write in one transaction and append the audit event
** (support/audit.h: "flag.acknowledge", "keyworker.assign"; the detail names
** codes and ids, never the comment) in that same transaction, holding the
** institution's audit lock (SUPPORT_AUDIT_LOCK_BASE + institution id).
**
** Acknowledging: the flag must be one of the learner's current flags, that
** is of its latest risk_score; the acknowledgement records that score's
** date.  The comment is required: 1 to SUPPORT_COMMENT_MAX characters (code
** points) of valid UTF-8 with no control characters but line feeds (CR LF
** pairs, as browsers send line breaks, become LF), and not only white
** space.  It is stored as written, not encrypted: there is no key
** management for crypto_text_seal yet (see support/support_schema.c).
**
** Key workers: a learner has one named key worker at a time
** (support_assignment without ended_at); naming another ends the current
** row, which stays as history.  Eligible are the staff members of the
** institution linked to an enabled account that holds the key_worker role
** there: the caseload grants access only through that role
** (web/access.h), so naming anyone else would give the learner a key worker
** who cannot open the record.  In the demo school that is the counsellor of
** the "keyworker" account; `cairn user add ... --role key_worker` adds more.
**
** Memory: lists are malloc'd, the caller frees them with free(); nothing
** prints.
*/
#ifndef CAIRN_SUPPORT_ACTIONS_H
#define CAIRN_SUPPORT_ACTIONS_H
#include "base/err.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

#define SUPPORT_COMMENT_MAX   2000   /* characters of an acknowledgement's comment */
#define SUPPORT_COMMENT_BYTES (SUPPORT_COMMENT_MAX * 4 + 1)   /* its bytes at most, NUL */

/* Why input was refused (the writers' answer 1); the pages translate these
** and the API names the field in English (support_problem_text). */
typedef enum support_problem {
    SUPPORT_OK = 0,
    SUPPORT_FLAG_MISSING,        /* no flag given */
    SUPPORT_FLAG_NOT_CURRENT,    /* not one of the learner's current flags */
    SUPPORT_COMMENT_EMPTY,       /* missing, empty or only white space */
    SUPPORT_COMMENT_TOO_LONG,    /* more than SUPPORT_COMMENT_MAX characters */
    SUPPORT_COMMENT_BAD_TEXT,    /* invalid UTF-8 or a control character */
    SUPPORT_STAFF_MISSING,       /* no staff member given */
    SUPPORT_STAFF_UNKNOWN,       /* no such staff member in the institution */
    SUPPORT_STAFF_NOT_ELIGIBLE   /* exists, but cannot be a key worker */
} support_problem;

/* The field a problem is about ("flag", "comment", "staff_id"), and one
** English sentence saying what is wrong with it, for the API and logs.
** Static strings. */
const char *support_problem_field(support_problem p);
const char *support_problem_text(support_problem p);

/* ---- acknowledgements ------------------------------------------------------ */

typedef struct support_ack {
    int64_t id;
    int64_t learner_id;
    char    rule_code[40];
    char    asof[11];                  /* 'YYYY-MM-DD' of the score acknowledged */
    int64_t account_id;
    char    by[201];                   /* the account's display name */
    char    at[32];                    /* ISO 8601 UTC */
    char    comment[SUPPORT_COMMENT_BYTES];
} support_ack;

/* How a learner's flags of one score date were acknowledged: the count,
** and the newest acknowledgement's author and time (no comments). */
typedef struct support_ack_tally {
    int  acked;        /* acknowledgements of that date's flags */
    char by[201];      /* the newest one's account name */
    char at[32];       /* and when (ISO 8601 UTC) */
} support_ack_tally;

/* For each of learners[0..n) and its score date asofs[i] ('YYYY-MM-DD'),
** the tally of acknowledgements into out[i]: one statement for all (a list
** page), no comment opened.  0, or -1 with err set. */
int support_ack_tally_of_learners(store *st, int64_t institution_id, const int64_t *learners,
                                  const char (*asofs)[11], size_t n, support_ack_tally *out,
                                  cairn_err *err);

/* Check comment as the writers do, without writing.  0 acceptable; 1 with
** *problem set otherwise. */
int support_comment_check(const char *comment, support_problem *problem);

/* Check comment as support_comment_check() does and copy it to out
** (SUPPORT_COMMENT_BYTES bytes) with CR LF pairs as LF (other rooms' free
** text: case reasons).  0 acceptable, 1 with *problem set; out is always
** a terminated string ("" when refused, but for SUPPORT_COMMENT_EMPTY). */
int support_comment_normalise(const char *comment, char out[SUPPORT_COMMENT_BYTES],
                              support_problem *problem);

/* Record that account_id of institution_id acknowledged flag rule_code of
** learner_id's latest score with comment.  0 done (*out, may be NULL, gets
** the new row); 1 refused (*problem says why, err says it in English,
** nothing written); -1 database error. */
int support_flag_acknowledge(store *st, int64_t institution_id, int64_t account_id,
                             int64_t learner_id, const char *rule_code, const char *comment,
                             support_ack *out, support_problem *problem, cairn_err *err);

/* learner_id's acknowledgements, newest first, into *rows (*n of them;
** malloc'd, caller frees; NULL when there are none). */
int support_ack_list(store *st, int64_t institution_id, int64_t learner_id,
                     support_ack **rows, size_t *n, cairn_err *err);

/* ---- key workers ----------------------------------------------------------- */

typedef struct support_staff {
    int64_t id;
    char    ref[65];
    char    given_name[101], family_name[101];
    char    job_title[101];
} support_staff;

typedef struct support_key_worker {
    int64_t       learner_id;
    support_staff staff;
    int64_t       assigned_by;           /* account id; 0 = unknown */
    char          assigned_at[32];       /* ISO 8601 UTC */
} support_key_worker;

/* The staff members who may be named key worker (see above), by family
** name, into *rows (malloc'd, caller frees). */
int support_key_worker_eligible(store *st, int64_t institution_id, support_staff **rows,
                                size_t *n, cairn_err *err);

/* For each of learners[0..n): has[i] = 1 when it has a current key worker,
** else 0; one statement for all.  0, or -1 with err set. */
int support_key_worker_has_of_learners(store *st, int64_t institution_id,
                                       const int64_t *learners, size_t n, int *has,
                                       cairn_err *err);

/* learner_id's current key worker into *out: 1 found, 0 none, -1 error. */
int support_key_worker_current(store *st, int64_t institution_id, int64_t learner_id,
                               support_key_worker *out, cairn_err *err);

/* Name staff_id as learner_id's key worker in institution_id on behalf of
** account_id, ending the current assignment.  Naming the current key
** worker again changes nothing and writes nothing.  0 done (*out, may be
** NULL, gets the assignment now in force); 1 refused (*problem, err;
** nothing written); -1 error. */
int support_key_worker_assign(store *st, int64_t institution_id, int64_t account_id,
                              int64_t learner_id, int64_t staff_id, support_key_worker *out,
                              support_problem *problem, cairn_err *err);

#endif
