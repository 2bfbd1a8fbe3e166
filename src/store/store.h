/*
** store/store.h — one database API over SQLite and PostgreSQL.
**
** The store knows nothing of what tables mean.  SQL is written once, with
** '?' placeholders; on PostgreSQL they become $1..$n.  Write SQL that both
** dialects accept: BIGINT, TEXT, DOUBLE PRECISION, SMALLINT for booleans,
** dates as 'YYYY-MM-DD' TEXT, INSERT ... ON CONFLICT (...) DO UPDATE SET
** col = excluded.col, RETURNING.  Where the dialects truly differ, branch on
** store_kind_of().
**
** URL: NULL or a path selects SQLite (default "./cairn.db"; WAL, foreign
** keys on, busy timeout); "postgresql://..." or "postgres://..." selects
** PostgreSQL (the URL is handed to libpq as is).
**
** A store is used by one thread at a time; open one per thread.
*/
#ifndef CAIRN_STORE_STORE_H
#define CAIRN_STORE_STORE_H
#include "base/err.h"
#include <stddef.h>
#include <stdint.h>

typedef struct store store;
typedef struct store_stmt store_stmt;

typedef enum { STORE_SQLITE = 1, STORE_POSTGRES = 2 } store_kind;

enum { STORE_DONE = 0, STORE_ROW = 1 };   /* store_step() results; -1 = error */

#define STORE_DEFAULT_URL "./cairn.db"

/* Open a connection; *out is freed with store_close(). */
int  store_open(const char *url, store **out, cairn_err *err);
void store_close(store *st);
store_kind store_kind_of(const store *st);
const char *store_url(const store *st);          /* as given (password elided) */

/* Run one or more ';'-separated statements that take no parameters. */
int store_exec(store *st, const char *sql, cairn_err *err);

/* Prepare sql with '?' placeholders; NULL and err set on failure.
** Free with store_finalize(). */
store_stmt *store_prepare(store *st, const char *sql, cairn_err *err);
void store_finalize(store_stmt *s);

/* Bind parameter idx (1-based).  Text is copied; n = (size_t)-1 for strlen. */
void store_bind_int64(store_stmt *s, int idx, int64_t v);
void store_bind_double(store_stmt *s, int idx, double v);
void store_bind_text(store_stmt *s, int idx, const char *v, size_t n);
void store_bind_null(store_stmt *s, int idx);

/* Execute (first call) or advance: STORE_ROW, STORE_DONE, or -1 with err set. */
int store_step(store_stmt *s, cairn_err *err);
/* Make the statement ready to run again; bindings are kept until rebound. */
void store_reset(store_stmt *s);

/* Columns of the current row, 0-based.  Text is owned by the statement and
** valid until the next step/reset; NULL for SQL NULL. */
int         store_col_count(store_stmt *s);
int         store_col_is_null(store_stmt *s, int col);
int64_t     store_col_int64(store_stmt *s, int col);
double      store_col_double(store_stmt *s, int col);
const char *store_col_text(store_stmt *s, int col);
/* Column col's text copied into arena a ("" for NULL); owned by a. */
struct arena;
const char *store_col_dup(store_stmt *s, int col, struct arena *a);

/* Rows changed by the last INSERT/UPDATE/DELETE step. */
int64_t store_changes(store_stmt *s);

/* Transactions.  store_tx_begin_write() also serialises writers to one
** lock key (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory xact lock). */
int store_tx_begin(store *st, cairn_err *err);
int store_tx_begin_write(store *st, int64_t lock_key, cairn_err *err);
int store_tx_commit(store *st, cairn_err *err);
int store_tx_rollback(store *st);   /* never fails loudly; safe with no tx open */
int store_in_tx(const store *st);

/* A read transaction around reads that belong together, e.g. one statement
** stepped for each row of a page: one snapshot, and SQLite takes its read
** lock once instead of once per statement.  Opens one only when none is
** open (*opened = 1), so it may be used inside a caller's transaction.
** store_read_end(st, opened) ends what store_read_begin opened. */
int  store_read_begin(store *st, int *opened, cairn_err *err);
void store_read_end(store *st, int opened);
/* 1 if the open transaction is one store_read_begin opened: whatever is
** written in it is rolled back at store_read_end, so a writer that must
** not lose its row (the audit log) refuses to write there. */
int store_in_read_tx(const store *st);

/* Call fn(arg, committed) once the open transaction ends: committed = 1
** after its commit succeeded, 0 after a rollback, a failed commit or
** store_close() with it open (fn then frees arg if it owns it).  For work
** outside the database that must follow only what was committed (the audit
** log's head file, support/audit.h).  Hooks run in the order they were
** added.  Without an open transaction fn runs at once with committed = 1. */
void store_tx_on_end(store *st, void (*fn)(void *arg, int committed), void *arg);

/* WAL checkpoints (SQLite; both are no-ops on PostgreSQL).  SQLite copies
** the write-ahead log back into the database file, with an fsync, inside
** whichever commit crosses 1000 pages of log: in a server that writes on
** many requests (the audit log) that request waits for the disk.  The web
** server turns that off on its workers' connections
** (store_autocheckpoint(st, 0)) and checkpoints from a thread of its own
** with store_checkpoint(): PASSIVE (restart 0) never blocks readers or
** writers, but under a steady stream of both the log is never started
** afresh and grows; RESTART (restart 1) holds new writers back until the
** readers have caught up, copies everything and makes the next writer start
** the log from the beginning.  *log_frames gets the frames in the log
** afterwards (0 on PostgreSQL). */
int store_autocheckpoint(store *st, int on, cairn_err *err);
int store_checkpoint(store *st, int restart, long *log_frames, cairn_err *err);

/* Make this connection's write transactions wait their turn on a mutex
** shared by the connections of this process to the same SQLite file that
** did the same, before BEGIN IMMEDIATE: a waiting thread is woken the moment
** the other's transaction ends, instead of polling SQLite's busy handler
** (the web server's workers, whose audit-log appends come thousands a
** second).  The wait is bounded like the busy handler's (10 s).  No-op on
** PostgreSQL, whose advisory locks already queue. */
void store_queue_writers(store *st);

/* Convenience: run sql with at most one int64 parameter (bind < 0 means
** none) and return the first column of the first row in *out (0 if no row). */
int store_query_int64(store *st, const char *sql, int64_t param, int64_t *out, cairn_err *err);

/* Step s (prepared and bound) to its end, collecting its first column into
** *ids (malloc'd, the caller frees; NULL when none) and their number into
** *n; s is finalized in every case.  0, or -1 with err set (*ids NULL). */
int store_stmt_ids(store_stmt *s, int64_t **ids, size_t *n, cairn_err *err);

/* ---- migrations -----------------------------------------------------------
** Each room declares its migrations as an array in version order.  A
** migration runs once, inside a transaction, and is recorded in
** schema_migration(room, version); running them again is a no-op. */
typedef struct store_migration {
    const char *room;      /* "school", "risk", ... */
    int         version;   /* 1, 2, 3 ... within the room */
    const char *name;      /* short description */
    const char *sql;       /* statements, ';'-separated, portable SQL */
} store_migration;

/* Apply the migrations of list[0..n) not yet applied; *applied (may be NULL)
** gets how many ran. */
int store_migrate(store *st, const store_migration *list, size_t n, int *applied, cairn_err *err);

/* Record m as applied WITHOUT running its SQL when the table `table`
** exists already and m is not recorded yet: for tables that an older
** release created under another room's migrations (cairn 0.1.0 made the
** support room's tables as "web" 1 and 2; see docs/decisions.md).  Checked
** and recorded in one transaction under the migration lock, so two
** processes agree.  *adopted (may be NULL) gets 1 when m was recorded here,
** 0 when there was nothing to do (already recorded, or no such table: then
** store_migrate() runs m as usual). */
int store_migration_adopt(store *st, const store_migration *m, const char *table, int *adopted,
                          cairn_err *err);

/* ---- additions ------------------------------------------------------------
** Behaviour shared by both backends, stated once:
**  - Any failed prepare/step/exec inside a transaction dooms it (as
**    PostgreSQL does): store_tx_commit() then rolls back and fails.  A
**    commit that fails for any reason leaves no transaction open.
**  - Transactions do not nest: a begin while one is open fails.
**  - Binding after a step needs no store_reset(): it readies the statement
**    to run again.  A step after STORE_DONE returns STORE_DONE again until
**    the statement is reset or rebound.
**  - On PostgreSQL, parameters are sent as text and their types inferred
**    from the SQL; where the context says nothing (`SELECT ? + 1` infers
**    INTEGER, `? IS NULL` infers nothing) write CAST(? AS BIGINT) etc.
**    store_col_count() is known there only after a step.
**  - Finalize every statement before store_close(). */

/* 1 if url selects PostgreSQL ("postgresql://" or "postgres://"). */
int store_is_url_postgres(const char *url);

/* What kind of failure the last failed call on st was, so a caller can turn
** a constraint violation into a message for a person.  Meaningful right
** after a call on st returned an error. */
typedef enum {
    STORE_ERR_NONE = 0,
    STORE_ERR_UNIQUE,        /* unique or primary key violated */
    STORE_ERR_FOREIGN_KEY,
    STORE_ERR_NOT_NULL,
    STORE_ERR_CHECK,
    STORE_ERR_BUSY,          /* lock timeout, deadlock, serialisation failure */
    STORE_ERR_CONNECTION,    /* cannot connect / connection lost */
    STORE_ERR_OTHER
} store_errkind;
store_errkind store_last_error(const store *st);

#endif
