/*
** support/notice.h — telling people: notices in the application, what each
** account receives by mail, and the mail queue (docs/decisions.md,
** "Notices and mail").
**
** A notice is one line for one account: "you were named key worker of X",
** "X of your caseload is newly flagged", "the import / the scoring run
** failed" (to the institution's administrators).  Writing a notice also
** queues a mail to the account's staff e-mail address when its preference
** is "each" (the default); "digest" accounts get one mail a day with the
** day's notices (support_mail_digest_queue), "none" none.  The queue is
** sent by `cairn serve` (web/mail_worker.c) when a relay is configured;
** without one, notices still work and mail waits in the queue.
**
** Every writer here takes the institution's audit lock
** (SUPPORT_AUDIT_LOCK_BASE + institution id) by its own write transaction,
** except the _in_tx ones, which run in the caller's (that lock held).
** Lists are malloc'd; the caller frees them with free().  Nothing prints.
*/
#ifndef CAIRN_SUPPORT_NOTICE_H
#define CAIRN_SUPPORT_NOTICE_H
#include "base/err.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

#define SUPPORT_NOTICE_KEYWORKER     "keyworker"
#define SUPPORT_NOTICE_FLAGGED       "flagged"
#define SUPPORT_NOTICE_IMPORT_FAILED "import_failed"
#define SUPPORT_NOTICE_SCORE_FAILED  "score_failed"
#define SUPPORT_NOTICE_HANDOVER      "case_handover"   /* to a learner: detail = new key worker */

#define SUPPORT_MAIL_ATTEMPTS_MAX 8   /* then the message is 'failed' */

typedef struct support_notice {
    int64_t id;
    char    kind[24];
    int64_t learner_id;               /* 0 = about no learner */
    char    learner_name[203];        /* "Given Family", "" without a learner */
    char    detail[401];
    char    created_at[32];           /* ISO 8601 UTC */
    int     read;
} support_notice;

/* What an account receives by mail. */
typedef enum { SUPPORT_MAIL_NONE = 0, SUPPORT_MAIL_DIGEST = 1, SUPPORT_MAIL_EACH = 2 } support_mail_pref;

/* ---- notices ---------------------------------------------------------------- */

/* Write a notice for account_id (and queue its mail when the account's
** preference is "each" and it has an e-mail address), in the caller's
** write transaction.  learner_id 0 = none; detail is cut to 400 bytes.
** 0 or -1. */
int support_notice_add_in_tx(store *st, int64_t institution_id, int64_t account_id,
                             const char *kind, int64_t learner_id, const char *detail,
                             cairn_err *err);

/* Tell the enabled accounts of staff member staff_id that they were named
** learner_id's key worker; in the caller's transaction.  0 or -1. */
int support_notice_key_worker_in_tx(store *st, int64_t institution_id, int64_t staff_id,
                                    int64_t learner_id, cairn_err *err);

/* After scoring as of asof ('YYYY-MM-DD'): compare each learner's score of
** asof with their score of the previous score date before it and tell the
** key worker of every learner whose tier rose to selective or individual
** (or who is selective or above with no earlier score).  Nothing when
** there is no earlier score date (a first scoring run is not news), and
** nothing twice for the same learner and asof.  *written (may be NULL)
** gets the notices written.  Its own write transaction.  0 or -1. */
int support_notice_new_flags(store *st, int64_t institution_id, const char *asof, int *written,
                             cairn_err *err);

/* support_notice_new_flags for every institution with scores as of asof
** (after risk_rescore_today: `cairn import`, the server's daily scoring).
** *written (may be NULL) gets the notices written in all.  0 or -1. */
int support_notice_rescored(store *st, const char *asof, int *written, cairn_err *err);

/* support_notice_admins for every institution (a failure that names none,
** such as a scoring run over all of them).  0 or -1. */
int support_notice_admins_all(store *st, const char *kind, const char *detail, cairn_err *err);

/* Tell every enabled administrator of the institution that something
** failed: kind SUPPORT_NOTICE_IMPORT_FAILED or _SCORE_FAILED, detail the
** reason.  Its own write transaction.  0 or -1. */
int support_notice_admins(store *st, int64_t institution_id, const char *kind,
                          const char *detail, cairn_err *err);

/* account_id's notices, newest first, at most limit, into *rows (*n). */
int support_notice_list(store *st, int64_t account_id, size_t limit, support_notice **rows,
                        size_t *n, cairn_err *err);

/* How many of account_id's notices are unread, into *count. */
int support_notice_unread(store *st, int64_t account_id, int64_t *count, cairn_err *err);

/* Mark notice id of account_id read (id 0: all of them).  *changed (may
** be NULL) gets how many changed; another account's notice changes
** nothing.  0 or -1. */
int support_notice_mark_read(store *st, int64_t account_id, int64_t id, int64_t *changed,
                             cairn_err *err);

/* ---- preferences -------------------------------------------------------------- */

/* account_id's preference into *out (SUPPORT_MAIL_EACH until one is
** chosen); set one (insert or replace).  0 or -1. */
int support_mail_pref_get(store *st, int64_t account_id, support_mail_pref *out, cairn_err *err);
int support_mail_pref_set(store *st, int64_t account_id, support_mail_pref pref, cairn_err *err);
/* "none", "digest", "each" (static); parse: 0 ok, -1 unknown text. */
const char *support_mail_pref_code(support_mail_pref p);
int support_mail_pref_parse(const char *s, support_mail_pref *out);

/* ---- the mail queue -------------------------------------------------------------- */

typedef struct support_mail {
    int64_t institution_id, id;
    char   *recipient, *subject, *body;   /* malloc'd, support_mail_free */
    int     attempts;
} support_mail;

/* Queue one message in the caller's write transaction (the institution's
** lock held).  0 or -1. */
int support_mail_enqueue_in_tx(store *st, int64_t institution_id, int64_t account_id,
                               const char *recipient, const char *subject, const char *body,
                               cairn_err *err);

/* The queued messages due at now (ISO 8601 UTC), oldest first, at most
** limit, into *rows (*n); free each with support_mail_free, then the array. */
int support_mail_due(store *st, const char *now, size_t limit, support_mail **rows, size_t *n,
                     cairn_err *err);
void support_mail_free(support_mail *m);

/* Record an attempt at m: sent (error NULL), or failed with error and the
** next try at next_attempt (ISO 8601 UTC); after SUPPORT_MAIL_ATTEMPTS_MAX
** attempts the state becomes 'failed'.  0 or -1. */
int support_mail_result(store *st, const support_mail *m, const char *error,
                        const char *next_attempt, cairn_err *err);

/* Counts of the whole queue by state, and the newest error, into *out.
** 0 or -1. */
typedef struct support_mail_counts {
    int64_t queued, sent, failed;
    char    last_error[256];          /* of the newest message with one; "" none */
} support_mail_counts;
int support_mail_counts_read(store *st, support_mail_counts *out, cairn_err *err);

/* Queue today's digest (day 'YYYY-MM-DD': the notices created that day)
** for every "digest" account of every institution with notices that day
** and an e-mail address, once a day per account.  *queued (may be NULL)
** gets how many.  0 or -1. */
int support_mail_digest_queue(store *st, const char *day, int *queued, cairn_err *err);

/* ---- the message ------------------------------------------------------------------ */

/* An RFC 5322 message: Date (t), From, To, Subject (RFC 2047 UTF-8 when not
** ASCII), Message-ID (unique, @ the sender's domain), MIME 1.0, text/plain
** UTF-8 in base64 with CRLF line ends.  CR, LF and other control
** characters in from, to and subject become spaces, so no header can be
** added through them.  malloc'd; the caller frees. */
char *support_mail_message(const char *from, const char *to, const char *subject,
                           const char *body, int64_t t);

#endif
