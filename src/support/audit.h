/*
** support/audit.h — the append-only, hash-chained audit log.
**
** Everything that reads or changes a learner's support record is written
** here (DESIGN.md): who (account), what (an action code such as
** "learner.view"), which learner, when, and a short detail without personal
** data.  Each institution has one chain: event n stores the hash of event
** n-1 and its own hash
**
**     hash = SHA-256( "cairn-audit-v1" \n prev_hash \n institution_id \n id
**                     \n at \n account_id \n len:action \n learner_id
**                     \n len:detail )
**
** (numbers in decimal, 0 for "none"; lengths in decimal bytes), so changing,
** removing or reordering any event breaks every hash after it and
** support_audit_verify() finds the first broken one.  The database refuses
** UPDATE and DELETE on audit_event with triggers (support/support_schema.c);
** the chain catches whoever goes around them.
**
** Events written with support_audit_record() (version 2, table column
** `version`) also say which record (a kind such as "case_note" and its id)
** and why (a reason such as "viewed"), and hash them too:
**
**     hash = SHA-256( "cairn-audit-v2" \n prev_hash \n institution_id \n id
**                     \n at \n account_id \n len:action \n learner_id
**                     \n len:record_kind \n record_id \n len:reason
**                     \n len:detail )
**
** The head file.  Removing the newest events, or adding well-made ones at
** the end, leaves a valid chain; so after each commit the newest event's id
** and hash are also written to a file outside the database, beside the
** keyring (support/sealed.h): "<keyring without .key>.audit-head", one line
** "institution id hash" per institution.  support_audit_verify() compares
** the chain's end with it.  The file is written after the commit
** (store_tx_on_end), under an flock, only ever forward; a process stopped
** between the two leaves the file one event behind, which verify reports
** (docs/decisions.md, "Sealed text and the audit trail").
**
** A room that changes a learner's record writes the change and its event in
** one transaction: it begins it with store_tx_begin_write(st,
** SUPPORT_AUDIT_LOCK_BASE + institution_id, ...) and calls
** support_audit_append() inside it.
*/
#ifndef CAIRN_SUPPORT_AUDIT_H
#define CAIRN_SUPPORT_AUDIT_H
#include "base/buf.h"
#include "base/crypto.h"
#include "base/err.h"
#include "store/store.h"
#include <stdint.h>

#define SUPPORT_AUDIT_ACTION_MAX 64      /* bytes of an action code */
#define SUPPORT_AUDIT_DETAIL_MAX 2000    /* bytes of detail */

/* The write lock of an institution's chain is SUPPORT_AUDIT_LOCK_BASE +
** institution id (a PostgreSQL advisory lock; SQLite's BEGIN IMMEDIATE
** serialises all writers anyway).  A writer that holds it for its whole
** transaction makes a racing append wait instead of failing on the next
** event id. */
#define SUPPORT_AUDIT_LOCK_BASE 0x6361697241550000LL   /* "cairAU" */

/* Append one event to institution_id's chain.  account_id 0 = done by the
** system or the command line; learner_id 0 = no learner.  action is a code
** of [a-z0-9_.] ("learner.view"); detail is text (may be NULL), no personal
** data.  Outside a transaction this takes the institution's audit write
** lock and commits by itself; inside the caller's transaction it writes in
** it (the caller holds whatever lock it took; a racing writer then fails on
** the primary key rather than forking the chain).  -1 with err set on bad
** input or a database error (nothing written). */
int support_audit_append(store *st, int64_t institution_id, int64_t account_id,
                         const char *action, int64_t learner_id, const char *detail,
                         cairn_err *err);

#define SUPPORT_AUDIT_REASON_MAX 500     /* bytes of a reason */

/* One event for support_audit_record(). */
typedef struct support_audit_event {
    int64_t     account_id;    /* who; 0 = the system or the command line */
    const char *action;        /* what: a code of [a-z0-9_.] ("case.view") */
    int64_t     learner_id;    /* whose record; 0 = none */
    const char *record_kind;   /* which record: a code of [a-z0-9_.] ("case_note"), NULL = none */
    int64_t     record_id;     /* and its id (0 = none) */
    const char *reason;        /* why, in words ("viewed"); NULL = none; no personal data */
    const char *detail;        /* more, no personal data; NULL = none */
} support_audit_event;

/* Use: reading a record is action "<kind>.view" with reason "viewed"
** (the learner page's "Who has seen this record" counts those); a change
** is "<kind>.<verb>" ("case_note.add") with the reason the person gave, or
** a short fixed one.  record_kind names the table's record ("case",
** "case_note"), record_id its id.  Never put personal data or a record's
** contents in reason or detail: they are not sealed. */

/* Append ev to institution_id's chain as a version 2 event, like
** support_audit_append() (same transactions and locks).  -1 with err set on
** bad input or a database error (nothing written). */
int support_audit_record(store *st, int64_t institution_id, const support_audit_event *ev,
                         cairn_err *err);

/* Group commit (support/audit_group.c): from now on, events that stores of
** db_url (as store_url gives it) write outside a transaction are written
** together with those of other threads waiting at the same moment, one
** transaction per batch; each call still returns only once its own event
** is committed.  The web server calls it with its database once it starts
** and with NULL once its threads are gone (no event may be waiting). */
void support_audit_group_serve(const char *db_url);

/* ---- Deferred events (support/audit_defer.c) ----------------------------------
** The web server's way to log a GET's views without making the worker wait:
** around the handler, support_audit_defer_begin() makes this thread's
** events that would go through the group commit (outside a transaction, on
** the served database) be copied into the page's list instead; after it,
** when the list holds events, the web layer holds the page back and
** support_audit_defer_submit() hands the list to the writer thread, which
** commits the events of many pages together and then calls done(arg, 0),
** or done(arg, -1) when an event of this page could not be written (the
** page must then not be shown).  Events written inside a transaction are
** written there, as always. */
typedef struct support_audit_deferred support_audit_deferred;
typedef void (*support_audit_deferred_done)(void *arg, int rc);

/* Start the writer thread for db_url (the served database): 0, or -1 with
** err.  Until it runs, support_audit_defer_begin() returns NULL. */
int support_audit_writer_start(const char *db_url, cairn_err *err);

/* Write what is queued, call its done callbacks, and stop the thread. */
void support_audit_writer_stop(void);

/* Collect this thread's events from now on: a new list (freed with
** support_audit_defer_free, or by whoever done() hands it to), or NULL
** when the writer does not run (events are then written as before). */
support_audit_deferred *support_audit_defer_begin(void);

/* Stop collecting on this thread (d as begin returned it, not NULL). */
void support_audit_defer_end(support_audit_deferred *d);

/* How many events d holds (0 for NULL). */
size_t support_audit_defer_count(const support_audit_deferred *d);

/* Hand d (with at least one event) to the writer; done(arg, rc) is called
** on the writer's thread once d's events are written or failed (at once,
** with -1, on this thread when the writer has stopped); d is then the
** callee's to free (support_audit_defer_free). */
void support_audit_defer_submit(support_audit_deferred *d, support_audit_deferred_done done,
                                void *arg);

/* Why d's events could not be written, for the log ("" when they were). */
const char *support_audit_defer_why(const support_audit_deferred *d);

/* Free d and its events (NULL: nothing). */
void support_audit_defer_free(support_audit_deferred *d);

/* Check institution_id's whole chain, and its end against the head file.
** 0 = intact (*checked, may be NULL, gets the number of events); 1 =
** broken: *bad_id (may be NULL) gets the first event that does not verify
** (for missing newest events, the first missing id) and err says what is
** wrong (CAIRN_EINVAL); -1 = could not read it (err set).  Without a head
** file, or no line in it for the institution, only the chain is checked
** (support_audit_head_file says which). */
int support_audit_verify(store *st, int64_t institution_id, int64_t *checked,
                         int64_t *bad_id, cairn_err *err);

/* The newest event's id and hash (0 and 64 zeros for an empty chain), to
** keep outside the database. */
int support_audit_head(store *st, int64_t institution_id, int64_t *id,
                       char hash[CRYPTO_SHA256_HEX_LEN], cairn_err *err);

/* The head file's path for st, appended to out (see above); -1 with err
** set when there is no keyring path (support_key_path). */
int support_audit_head_path(store *st, buf *out, cairn_err *err);

/* What the head file records for institution_id: 1 with *id and hash set,
** 0 when it records nothing (no file, no line), -1 on error. */
int support_audit_head_file(store *st, int64_t institution_id, int64_t *id,
                            char hash[CRYPTO_SHA256_HEX_LEN], cairn_err *err);

/* Write the chain's end as it is in the database to the head file (after
** restoring a backup, or to start a head for a database from before it):
** checks the chain first; 0, 1 = the chain is broken (nothing written), -1
** on error. */
int support_audit_head_reset(store *st, int64_t institution_id, cairn_err *err);

#endif
