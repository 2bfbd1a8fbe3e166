/*
** support/audit_read.h — reading the audit log: the data protection
** officer's filtered, paged list, and "who has seen this record".
*/
#ifndef CAIRN_SUPPORT_AUDIT_READ_H
#define CAIRN_SUPPORT_AUDIT_READ_H
#include "support/audit.h"

/* What to list; zeros and empty strings mean "any". */
typedef struct support_audit_filter {
    int64_t learner_id;
    int64_t account_id;
    char    action[SUPPORT_AUDIT_ACTION_MAX + 1];
    char    from[11], to[11];   /* 'YYYY-MM-DD', both days included */
} support_audit_filter;

/* Turn a learner's reference (learner.ref) and an account's user name, as
** a person types them into the filter, into ids in institution_id (0 for
** an empty one).  0 both known; 1 learner unknown, 2 person unknown, 3
** both (bits); -1 error. */
int support_audit_filter_resolve(store *st, int64_t institution_id, const char *learner_ref,
                                 const char *username, int64_t *learner_id, int64_t *account_id,
                                 cairn_err *err);

/* One event as listed. */
typedef struct support_audit_row {
    int64_t id;
    char    at[32];
    int64_t account_id;                  /* 0 = the system */
    char    who[201];                    /* the account's display name, "" for none */
    char    action[SUPPORT_AUDIT_ACTION_MAX + 1];
    int64_t learner_id;                  /* 0 = none */
    char    learner[203];                /* "given family", "" for none */
    char    record_kind[SUPPORT_AUDIT_ACTION_MAX + 1];
    int64_t record_id;
    char    reason[SUPPORT_AUDIT_REASON_MAX + 1];
    char    detail[SUPPORT_AUDIT_DETAIL_MAX + 1];
} support_audit_row;

/* Append to sql the statement support_audit_list runs for f (for tests of
** its plan). */
void support_audit_list_sql(const support_audit_filter *f, buf *sql);

/* The events of institution_id that match f, newest first, skipping
** offset, at most limit, into *rows (malloc'd, caller frees); *more gets 1
** when there are further events after these. */
int support_audit_list(store *st, int64_t institution_id, const support_audit_filter *f,
                       int64_t offset, int limit, support_audit_row **rows, size_t *n,
                       int *more, cairn_err *err);

/* The action codes used in institution_id's log, sorted, as one
** NUL-separated list in out (for the filter's choices); *n gets how many. */
int support_audit_actions(store *st, int64_t institution_id, buf *out, size_t *n,
                          cairn_err *err);

/* One person who has seen a learner's record. */
typedef struct support_audit_reader {
    int64_t account_id;
    char    who[201];
    char    last_at[32];   /* their latest view */
    int64_t views;
} support_audit_reader;

/* Who has read learner_id's record (events whose action ends ".view" or
** whose reason is "viewed"), latest first, at most limit people, into *rows
** (malloc'd, caller frees). */
int support_audit_readers(store *st, int64_t institution_id, int64_t learner_id, int limit,
                          support_audit_reader **rows, size_t *n, cairn_err *err);

#endif
