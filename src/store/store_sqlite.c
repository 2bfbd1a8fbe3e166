/*
** store/store_sqlite.c — the SQLite backend.
**
** The hot path (bind, step, reset, column reads) is one indirect call and
** then straight into SQLite: no allocation, no locking, bind errors
** reported by the next step.  Finalized statements are kept for reuse.
*/
#include "store/store_internal.h"
#include "base/hmap.h"
#include "base/mem.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct sq_stmt sq_stmt;

/* Finalized statements kept for reuse: preparing costs more than running
** many of the short queries of a web page (at 100,000 learners, about a
** tenth of a learner page was SQLite's parser).  A statement in the cache
** is reset, so it holds no read snapshot or lock. */
#define SQ_CACHE_SLOTS 48
#define SQ_CACHE_SQL_MAX 4096      /* longer SQL is not kept */

typedef struct sq_cache_slot {
    uint64_t hash;                 /* of the SQL text; 0 = empty slot */
    uint64_t used;                 /* sq_store.clock at the last put */
    sq_stmt *stmt;
} sq_cache_slot;

/* ---- one writer at a time, within the process ----------------------------------
** Connections that asked for it (store_queue_writers(): the web server's
** workers) queue on a mutex of their database file before BEGIN IMMEDIATE,
** so a thread that must wait for another's
** write transaction (the web server's audit-log appends) is woken the
** moment it ends, instead of polling SQLite's busy handler.  Other
** processes (`cairn score` beside the server) still meet the busy handler.
** The wait is bounded like the busy handler's (SQ_BUSY_LIMIT_MS). */
#define SQ_WRITERS_MAX 32

typedef struct sq_writer {
    char            path[PATH_MAX];   /* sqlite3_db_filename(); "" = free */
    int             refs;             /* open connections to it */
    pthread_mutex_t mu;
} sq_writer;

static pthread_mutex_t sq_writers_mu = PTHREAD_MUTEX_INITIALIZER;
static sq_writer sq_writers[SQ_WRITERS_MAX];

typedef struct sq_store {
    store    base;
    sqlite3 *db;
    sq_writer *writer;             /* NULL: not queued (not asked, no file name, table full) */
    int      holds_writer;         /* 1 while this connection's write transaction is open */
    uint64_t clock;                /* counts puts, for least-recently-used eviction */
    sq_cache_slot cache[SQ_CACHE_SLOTS];
} sq_store;

struct sq_stmt {
    store_stmt    base;
    sqlite3_stmt *stmt;
    sqlite3      *db;
    int           bind_rc;    /* first failed bind since the last step, or 0 */
    int           bind_idx;
    int           done;       /* stepped to SQLITE_DONE and not reset since */
    int           readonly;
    int64_t       changes;
    uint64_t      hash;       /* of the SQL text, 0 if not to be cached */
};

static const store_ops sq_ops;

/* Map an extended SQLite result code to a store_errkind. */
static int sq_errkind(int ext) {
    switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return STORE_ERR_UNIQUE;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return STORE_ERR_FOREIGN_KEY;
    case SQLITE_CONSTRAINT_NOTNULL:    return STORE_ERR_NOT_NULL;
    case SQLITE_CONSTRAINT_CHECK:      return STORE_ERR_CHECK;
    default: break;
    }
    switch (ext & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return STORE_ERR_BUSY;
    case SQLITE_CONSTRAINT: return STORE_ERR_CHECK;
    default: return STORE_ERR_OTHER;
    }
}

/* Fill err with "database error: <sqlite message> (in: <sql>)" and record
** the error kind on st; returns -1. */
static int sq_fail(store *st, sqlite3 *db, const char *sql, cairn_err *err) {
    char ex[200];
    int ext = sqlite3_extended_errcode(db);
    st->last_error = sq_errkind(ext);
    if (sql) {
        store_sql_excerpt(ex, sizeof ex, sql);
        return err_set(err, CAIRN_EDB, "database error: %s (in: %s)", sqlite3_errmsg(db), ex);
    }
    return err_set(err, CAIRN_EDB, "database error: %s", sqlite3_errmsg(db));
}

#define SQ_BUSY_LIMIT_MS 10000     /* give up on a lock after this long */

/* Busy handler: SQLite calls it while another connection holds the lock it
** needs, with the number of calls so far; nonzero means "try again".  It
** sleeps 50 us, doubling up to 2 ms, for at most SQ_BUSY_LIMIT_MS in all.
** (SQLite's own busy timeout sleeps 1, 2, 5, 10 ... 100 ms: a learner page
** that waited for another one's audit-log commit, which holds the write
** lock for well under a millisecond, slept for milliseconds.) */
static int sq_busy_wait(void *unused, int calls) {
    (void)unused;
    long us = 50;
    for (int i = 0; i < calls && us < 2000; i++) us *= 2;
    if (us > 2000) us = 2000;
    /* the time slept so far is at most calls * 2 ms */
    if ((long)calls * 2 > SQ_BUSY_LIMIT_MS) return 0;
    struct timespec ts = {0, us * 1000L};
    nanosleep(&ts, NULL);
    return 1;
}

/* The writer queue of the database file path, with one more reference;
** NULL for "" (a temporary or in-memory database) or when all are taken. */
static sq_writer *sq_writer_get(const char *path) {
    if (!path || !*path || strlen(path) >= PATH_MAX) return NULL;
    sq_writer *w = NULL, *free_slot = NULL;
    pthread_mutex_lock(&sq_writers_mu);
    for (int i = 0; i < SQ_WRITERS_MAX && !w; i++) {
        if (sq_writers[i].refs > 0 && strcmp(sq_writers[i].path, path) == 0) w = &sq_writers[i];
        else if (sq_writers[i].refs == 0 && !free_slot) free_slot = &sq_writers[i];
    }
    if (!w && free_slot) {
        w = free_slot;
        strcpy(w->path, path);
        pthread_mutex_init(&w->mu, NULL);
    }
    if (w) w->refs++;
    pthread_mutex_unlock(&sq_writers_mu);
    return w;
}

/* Drop a reference to w (NULL is fine). */
static void sq_writer_put(sq_writer *w) {
    if (!w) return;
    pthread_mutex_lock(&sq_writers_mu);
    if (--w->refs == 0) {
        pthread_mutex_destroy(&w->mu);
        w->path[0] = 0;
    }
    pthread_mutex_unlock(&sq_writers_mu);
}

/* Release the writer queue once the connection's transaction has ended. */
static void sq_writer_release(sq_store *s) {
    if (s->holds_writer && sqlite3_get_autocommit(s->db)) {
        s->holds_writer = 0;
        pthread_mutex_unlock(&s->writer->mu);
    }
}

/* Create the database file at path, empty and readable by its owner only
** (0600, whatever the umask), when it does not exist yet; an existing file
** keeps its mode.  SQLite gives the -wal and -shm files it makes later the
** mode of the database file, so they are 0600 too.  Paths that are not plain
** files (":memory:", "", "file:" URIs) are left to SQLite.  A file that
** cannot be made here is left to sqlite3_open_v2, whose message says why. */
static void sq_create_private(const char *path) {
    if (!path[0] || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0) return;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return;
    (void)fchmod(fd, 0600);   /* a umask of 0200 or 0400 would have taken the owner's bits */
    close(fd);
}

/* SQLite's process-wide settings, once, before its first use: no memory
** statistics (with them every sqlite3_malloc and free takes one global
** mutex, which the web server's worker threads then queue on). */
static void sq_configure_process(void) {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Open (creating if needed, 0600: sq_create_private) the SQLite file at
** path and configure it for cairn: WAL, foreign keys, busy handler.  *out
** freed with store_close(). */
int store_sqlite_open(const char *path, store **out, cairn_err *err) {
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    (void)pthread_once(&configured, sq_configure_process);
    sqlite3 *db = NULL;
    *out = NULL;
    sq_create_private(path);
    int rc = sqlite3_open_v2(path, &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                                 SQLITE_OPEN_URI,
                             NULL);
    if (rc != SQLITE_OK) {
        const char *why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        char *dir = xstrdup(path);
        char *slash = strrchr(dir, '/');
        struct stat sb;
        int e = 0;
        if (slash && slash != dir) {
            *slash = 0;
            if (stat(dir, &sb) != 0) e = errno;
            else if (!S_ISDIR(sb.st_mode)) e = ENOTDIR;
        }
        if (e)
            err_set(err, CAIRN_EDB, "cannot open database %s: directory %s: %s", path, dir,
                    e == ENOENT ? "does not exist" : strerror(e));
        else
            err_set(err, CAIRN_EDB, "cannot open database %s: %s", path, why);
        free(dir);
        sqlite3_close(db);
        return -1;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_handler(db, sq_busy_wait, NULL);
    char *msg = NULL;
    /* A new file gets 4 KiB pages (set before WAL, which fixes the page
    ** size; an existing file keeps the one it has).  16 KiB imported 8%
    ** faster, but every commit writes whole pages to the log and makes the
    ** other connections read theirs again: with the audit log appended on
    ** every learner view, 4 KiB served the learner page at 100,000 learners
    ** about 40% faster (docs/benchmarks.md, docs/decisions.md). */
    rc = sqlite3_exec(db, "PRAGMA page_size=4096;", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        err_set(err, CAIRN_EDB, "cannot open database %s: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    rc = sqlite3_exec(db,
                      "PRAGMA journal_mode=WAL;"
                      "PRAGMA foreign_keys=ON;"
                      "PRAGMA synchronous=NORMAL;"
                      "PRAGMA cache_size=-65536;"     /* 64 MiB */
                      /* Temporary files (and the statement and savepoint
                      ** sub-journal) on disk once they outgrow 64 KiB: an
                      ** in-memory sub-journal is truncated by walking it
                      ** from the start, so the importer's batch savepoints
                      ** nested in its per-file savepoint went quadratic
                      ** (docs/decisions.md, "Temporary store"). */
                      "PRAGMA temp_store=FILE;",
                      NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        err_set(err, CAIRN_EDB, "cannot open database %s: %s", path, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sqlite3_close(db);
        return -1;
    }
    sq_store *s = xcalloc(1, sizeof *s);
    store_base_init(&s->base, &sq_ops, STORE_SQLITE, path);
    s->db = db;
    *out = &s->base;
    return 0;
}

/* Close the connection (statements still open keep it alive until they
** are finalized) and free st; the cached statements are finalized here. */
static void sq_close(store *st) {
    sq_store *s = (sq_store *)st;
    for (int i = 0; i < SQ_CACHE_SLOTS; i++) {
        if (!s->cache[i].stmt) continue;
        sqlite3_finalize(s->cache[i].stmt->stmt);
        free(s->cache[i].stmt);
        s->cache[i].stmt = NULL;
    }
    if (s->holds_writer) pthread_mutex_unlock(&s->writer->mu);
    sqlite3_close_v2(s->db);
    sq_writer_put(s->writer);
    store_base_free(st);
    free(s);
}

/* Run ';'-separated statements without parameters. */
static int sq_exec(store *st, const char *sql, cairn_err *err) {
    sq_store *s = (sq_store *)st;
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK) return 0;
    char ex[200];
    store_sql_excerpt(ex, sizeof ex, sql);
    st->last_error = sq_errkind(sqlite3_extended_errcode(s->db));
    err_set(err, CAIRN_EDB, "database error: %s (in: %s)", msg ? msg : sqlite3_errstr(rc), ex);
    sqlite3_free(msg);
    return -1;
}

/* The hash of sql (base/hmap.h), or 0 (not cached) when it is too long. */
static uint64_t sq_sql_hash(const char *sql) {
    size_t n = strlen(sql);
    return n >= SQ_CACHE_SQL_MAX ? 0 : hmap_hash(sql, n);
}

/* Take the cached statement for sql out of the cache, or NULL. */
static sq_stmt *sq_cache_take(sq_store *s, uint64_t hash, const char *sql) {
    if (!hash) return NULL;
    for (int i = 0; i < SQ_CACHE_SLOTS; i++) {
        sq_cache_slot *c = &s->cache[i];
        if (c->hash != hash || !c->stmt || strcmp(sqlite3_sql(c->stmt->stmt), sql) != 0)
            continue;
        sq_stmt *q = c->stmt;
        c->stmt = NULL;
        c->hash = 0;
        return q;
    }
    return NULL;
}

/* Keep q for reuse (it is reset, its bindings cleared), evicting the
** least recently kept statement when the cache is full; 0 if q cannot be
** kept (the caller finalizes it). */
static int sq_cache_put(sq_store *s, sq_stmt *q) {
    if (!q->hash) return 0;
    sqlite3_reset(q->stmt);
    sqlite3_clear_bindings(q->stmt);
    q->bind_rc = q->bind_idx = q->done = 0;
    q->changes = 0;
    sq_cache_slot *slot = &s->cache[0];
    for (int i = 0; i < SQ_CACHE_SLOTS; i++) {
        sq_cache_slot *c = &s->cache[i];
        if (!c->stmt) { slot = c; break; }
        if (c->used < slot->used) slot = c;
    }
    if (slot->stmt) {
        sqlite3_finalize(slot->stmt->stmt);
        free(slot->stmt);
    }
    slot->stmt = q;
    slot->hash = q->hash;
    slot->used = ++s->clock;
    return 1;
}

/* Prepare exactly one statement, or take it from the cache; NULL and err
** set on failure.  The result is freed with sq_finalize (through
** store_finalize), which may keep it for the next prepare of the same SQL. */
static store_stmt *sq_prepare(store *st, const char *sql, cairn_err *err) {
    sq_store *s = (sq_store *)st;
    uint64_t hash = sq_sql_hash(sql);
    sq_stmt *cached = sq_cache_take(s, hash, sql);
    if (cached) return &cached->base;
    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) {
        sq_fail(st, s->db, sql, err);
        return NULL;
    }
    if (!stmt) {
        st->last_error = STORE_ERR_OTHER;
        err_set(err, CAIRN_EINTERNAL, "database error: empty statement");
        return NULL;
    }
    if (tail && !store_sql_blank(tail)) {
        char ex[200];
        store_sql_excerpt(ex, sizeof ex, sql);
        sqlite3_finalize(stmt);
        st->last_error = STORE_ERR_OTHER;
        err_set(err, CAIRN_EINTERNAL,
                "database error: store_prepare takes one statement, got more (in: %s)", ex);
        return NULL;
    }
    sq_stmt *q = xcalloc(1, sizeof *q);
    q->base.ops = &sq_ops;
    q->base.st = st;
    q->stmt = stmt;
    q->db = s->db;
    q->readonly = sqlite3_stmt_readonly(stmt);
    /* the cache matches on sqlite3_sql(), which is the text as given */
    q->hash = strcmp(sqlite3_sql(stmt), sql) == 0 ? hash : 0;
    return &q->base;
}

/* Give the statement back: kept in the connection's cache for the next
** prepare of the same SQL, else finalized and its wrapper freed. */
static void sq_finalize(store_stmt *base) {
    sq_stmt *q = (sq_stmt *)base;
    if (sq_cache_put((sq_store *)base->st, q)) return;
    sqlite3_finalize(q->stmt);
    free(q);
}

/* Handle a failed bind: if the statement had been stepped (bound again
** without a reset), reset it and return 1 so the caller retries; otherwise
** keep the first failure for the next step to report and return 0. */
static int sq_bind_failed(sq_stmt *q, int idx, int rc) {
    if (rc == SQLITE_MISUSE && (q->done || sqlite3_stmt_busy(q->stmt))) {
        sqlite3_reset(q->stmt);
        q->done = 0;
        return 1;
    }
    if (!q->bind_rc) {
        q->bind_rc = rc;
        q->bind_idx = idx;
    }
    return 0;
}

/* Bind an int64. */
static void sq_bind_int64(store_stmt *base, int idx, int64_t v) {
    sq_stmt *q = (sq_stmt *)base;
    int rc = sqlite3_bind_int64(q->stmt, idx, v);
    if (rc && sq_bind_failed(q, idx, rc) && (rc = sqlite3_bind_int64(q->stmt, idx, v)))
        sq_bind_failed(q, idx, rc);
}

/* Bind a double. */
static void sq_bind_double(store_stmt *base, int idx, double v) {
    sq_stmt *q = (sq_stmt *)base;
    int rc = sqlite3_bind_double(q->stmt, idx, v);
    if (rc && sq_bind_failed(q, idx, rc) && (rc = sqlite3_bind_double(q->stmt, idx, v)))
        sq_bind_failed(q, idx, rc);
}

/* sqlite3_bind_text with SQLite's length convention, or NULL when v is. */
static int sq_bind_text_raw(sqlite3_stmt *stmt, int idx, const char *v, int len) {
    if (!v) return sqlite3_bind_null(stmt, idx);
    return sqlite3_bind_text(stmt, idx, v, len, SQLITE_TRANSIENT);
}

/* Bind a copy of the text (NULL v binds NULL). */
static void sq_bind_text(store_stmt *base, int idx, const char *v, size_t n) {
    sq_stmt *q = (sq_stmt *)base;
    if (n != (size_t)-1 && n > (size_t)INT_MAX) {
        sq_bind_failed(q, idx, SQLITE_TOOBIG);
        return;
    }
    int len = n == (size_t)-1 ? -1 : (int)n;
    int rc = sq_bind_text_raw(q->stmt, idx, v, len);
    if (rc && sq_bind_failed(q, idx, rc) && (rc = sq_bind_text_raw(q->stmt, idx, v, len)))
        sq_bind_failed(q, idx, rc);
}

/* Bind SQL NULL. */
static void sq_bind_null(store_stmt *base, int idx) {
    sq_stmt *q = (sq_stmt *)base;
    int rc = sqlite3_bind_null(q->stmt, idx);
    if (rc && sq_bind_failed(q, idx, rc) && (rc = sqlite3_bind_null(q->stmt, idx)))
        sq_bind_failed(q, idx, rc);
}

/* Step: STORE_ROW, STORE_DONE (and again until reset), or -1 with err. */
static int sq_step(store_stmt *base, cairn_err *err) {
    sq_stmt *q = (sq_stmt *)base;
    if (q->bind_rc) {
        int rc = q->bind_rc, idx = q->bind_idx;
        char ex[200];
        q->bind_rc = 0;
        store_sql_excerpt(ex, sizeof ex, sqlite3_sql(q->stmt));
        base->st->last_error = STORE_ERR_OTHER;
        return err_set(err, CAIRN_EINTERNAL, "database error: cannot bind parameter %d: %s (in: %s)", idx,
                       rc == SQLITE_RANGE ? "no such parameter" : sqlite3_errstr(rc), ex);
    }
    if (q->done) return STORE_DONE;
    int rc = sqlite3_step(q->stmt);
    if (rc == SQLITE_ROW) return STORE_ROW;
    if (rc == SQLITE_DONE) {
        q->done = 1;
        q->changes = q->readonly ? 0 : sqlite3_changes64(q->db);
        return STORE_DONE;
    }
    sq_fail(base->st, q->db, sqlite3_sql(q->stmt), err);
    sqlite3_reset(q->stmt);
    return -1;
}

/* Reset so the statement runs again; bindings stay. */
static void sq_reset(store_stmt *base) {
    sq_stmt *q = (sq_stmt *)base;
    sqlite3_reset(q->stmt);
    q->done = 0;
}

/* Number of result columns. */
static int sq_col_count(store_stmt *base) {
    return sqlite3_column_count(((sq_stmt *)base)->stmt);
}

/* 1 if the column is NULL. */
static int sq_col_is_null(store_stmt *base, int col) {
    return sqlite3_column_type(((sq_stmt *)base)->stmt, col) == SQLITE_NULL;
}

/* Column as int64. */
static int64_t sq_col_int64(store_stmt *base, int col) {
    return sqlite3_column_int64(((sq_stmt *)base)->stmt, col);
}

/* Column as double. */
static double sq_col_double(store_stmt *base, int col) {
    return sqlite3_column_double(((sq_stmt *)base)->stmt, col);
}

/* Column as text owned by SQLite until the next step/reset; NULL for NULL. */
static const char *sq_col_text(store_stmt *base, int col) {
    return (const char *)sqlite3_column_text(((sq_stmt *)base)->stmt, col);
}

/* Rows changed by the last completed run. */
static int64_t sq_changes(store_stmt *base) {
    return ((sq_stmt *)base)->changes;
}

/* Number of '?' parameters. */
static int sq_param_count(store_stmt *base) {
    return sqlite3_bind_parameter_count(((sq_stmt *)base)->stmt);
}

/* Run one statement without parameters through the statement cache: the
** transaction's BEGIN, COMMIT and ROLLBACK are parsed once a connection,
** not once a transaction (sqlite3_exec parsed them: 4% of a case page). */
static int sq_run(store *st, const char *sql, cairn_err *err) {
    store_stmt *q = sq_prepare(st, sql, err);
    int rc = q ? sq_step(q, err) : -1;
    if (q) sq_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* BEGIN, or BEGIN IMMEDIATE for writers (the lock key is not needed: SQLite
** has one writer at a time anyway). */
static int sq_tx_begin(store *st, int write, int64_t lock_key, cairn_err *err) {
    (void)lock_key;
    sq_store *s = (sq_store *)st;
    if (write && s->writer && !s->holds_writer) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += SQ_BUSY_LIMIT_MS / 1000;
        if (pthread_mutex_timedlock(&s->writer->mu, &until) != 0)
            return err_set(err, CAIRN_EDB, "database is locked: another write of this program "
                           "took over %d s", SQ_BUSY_LIMIT_MS / 1000);
        s->holds_writer = 1;
    }
    int rc = sq_run(st, write ? "BEGIN IMMEDIATE" : "BEGIN", err);
    sq_writer_release(s);      /* a BEGIN that failed opened nothing */
    return rc;
}

/* COMMIT, then let the next writer of this file in. */
static int sq_tx_commit(store *st, cairn_err *err) {
    int rc = sq_run(st, "COMMIT", err);
    sq_writer_release((sq_store *)st);
    return rc;
}

/* ROLLBACK if a transaction is open. */
static int sq_tx_rollback(store *st) {
    sq_store *s = (sq_store *)st;
    if (sqlite3_get_autocommit(s->db)) {
        sq_writer_release(s);
        return 0;
    }
    int rc = sq_run(st, "ROLLBACK", NULL);
    sq_writer_release(s);
    return rc;
}

/* 1 if a transaction is open. */
static int sq_in_tx(const store *st) {
    return !sqlite3_get_autocommit(((const sq_store *)st)->db);
}

static const store_ops sq_ops = {
    .close = sq_close, .exec = sq_exec, .prepare = sq_prepare, .finalize = sq_finalize,
    .bind_int64 = sq_bind_int64, .bind_double = sq_bind_double, .bind_text = sq_bind_text,
    .bind_null = sq_bind_null, .step = sq_step, .reset = sq_reset, .col_count = sq_col_count,
    .col_is_null = sq_col_is_null, .col_int64 = sq_col_int64, .col_double = sq_col_double,
    .col_text = sq_col_text, .changes = sq_changes, .param_count = sq_param_count,
    .tx_begin = sq_tx_begin, .tx_commit = sq_tx_commit, .tx_rollback = sq_tx_rollback,
    .in_tx = sq_in_tx,
};

/* Queue this connection's write transactions on its file's mutex (see the
** section "one writer at a time" above); 0, or -1 when the file cannot be
** queued for (then it simply relies on the busy handler). */
int sq_queue_writers(store *st) {
    sq_store *s = (sq_store *)st;
    if (!s->writer) s->writer = sq_writer_get(sqlite3_db_filename(s->db, "main"));
    return s->writer ? 0 : -1;
}
