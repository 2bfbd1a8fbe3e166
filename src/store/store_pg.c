/*
** store/store_pg.c — the PostgreSQL backend (libpq).
**
** Each store_prepare() becomes a named server-side prepared statement
** (PQprepare, "cairn_<n>"); parameters are sent as text, so the server
** infers their types from the SQL.  store_step() runs the statement on its
** first call after a bind or reset (PQexecPrepared) and then walks the rows
** of the buffered PGresult.  store_finalize() sends DEALLOCATE; when the
** transaction is aborted (where DEALLOCATE would fail too) the name is kept
** and deallocated as soon as the transaction ends.
**
** Performance notes, for when they matter:
**  - Every execution is one round trip.  A bulk INSERT loop would gain most
**    from libpq's pipeline mode (PQenterPipelineMode, PQsendQueryPrepared
**    per row, PQpipelineSync every few thousand rows, results read in
**    store_tx_commit) — the place is pg_step for statements that return no
**    rows, with errors reported at the next sync; or from COPY FROM STDIN.
**  - Results are buffered whole; a huge SELECT would use PQsetSingleRowMode
**    after PQsendQueryPrepared in pg_step.
*/
#include "store/store_internal.h"
#include "base/buf.h"
#include "base/mem.h"
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pg_store {
    store          base;
    PGconn        *conn;
    unsigned long  counter;     /* for statement names */
    char         **pending;     /* statement names still to DEALLOCATE */
    size_t         npending, cap_pending;
} pg_store;

typedef struct pg_param {
    char  *buf;       /* text of the value; NUL-terminated */
    size_t cap;
} pg_param;

typedef struct pg_stmt {
    store_stmt   base;
    pg_store    *ps;
    char         name[32];
    char        *sql;         /* as given, for error messages */
    int          nparams;
    pg_param    *params;
    const char **vals;        /* vals[i] = params[i].buf or NULL for NULL */
    PGresult    *res;         /* current result, or NULL */
    int          executed;    /* ran since the last bind/reset */
    int          row, nrows, ncols;
    int64_t      changes;
    int          bind_err;    /* first out-of-range parameter index, or 0 */
} pg_stmt;

static const store_ops pg_ops;

/* libpq notice processor that drops NOTICEs: the library never prints. */
static void pg_notice_ignore(void *arg, const char *msg) {
    (void)arg;
    (void)msg;
}

/* Map a SQLSTATE (and the connection state) to a store_errkind. */
static int pg_errkind(const char *state, PGconn *conn) {
    if (PQstatus(conn) != CONNECTION_OK) return STORE_ERR_CONNECTION;
    if (!state) return STORE_ERR_OTHER;
    if (!strcmp(state, "23505")) return STORE_ERR_UNIQUE;
    if (!strcmp(state, "23503")) return STORE_ERR_FOREIGN_KEY;
    if (!strcmp(state, "23502")) return STORE_ERR_NOT_NULL;
    if (!strcmp(state, "23514")) return STORE_ERR_CHECK;
    if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
        !strcmp(state, "57014"))
        return STORE_ERR_BUSY;
    if (!strncmp(state, "08", 2)) return STORE_ERR_CONNECTION;
    return STORE_ERR_OTHER;
}

/* Append s to b without trailing newlines/spaces (libpq messages end in \n). */
static void put_trimmed(buf *b, const char *s) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r')) n--;
    buf_append(b, s, n);
}

/* Fill err from a failed result (res may be NULL): "database error:
** <message>: <detail> [constraint <name>] (in: <sql>)"; records the error
** kind on st.  Returns -1. */
static int pg_fail(pg_store *ps, PGresult *res, const char *sql, cairn_err *err) {
    buf b = BUF_INIT;
    const char *prim = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *cons = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    ps->base.last_error = pg_errkind(state, ps->conn);
    buf_puts(&b, "database error: ");
    if (prim) put_trimmed(&b, prim);
    else if (res && *PQresultErrorMessage(res)) put_trimmed(&b, PQresultErrorMessage(res));
    else if (*PQerrorMessage(ps->conn)) put_trimmed(&b, PQerrorMessage(ps->conn));
    else buf_puts(&b, "unknown failure");
    if (detail) {
        buf_puts(&b, ": ");
        put_trimmed(&b, detail);
    }
    if (cons) buf_printf(&b, " [constraint %s]", cons);
    if (sql) {
        char ex[200];
        store_sql_excerpt(ex, sizeof ex, sql);
        buf_printf(&b, " (in: %s)", ex);
    }
    if (PQstatus(ps->conn) != CONNECTION_OK) buf_puts(&b, " [connection to the server lost]");
    err_set(err, CAIRN_EDB, "%s", buf_cstr(&b));
    buf_free(&b);
    return -1;
}

/* Connect to url; *out freed with store_close(). */
int store_pg_open(const char *url, store **out, cairn_err *err) {
    *out = NULL;
    PGconn *conn = PQconnectdb(url);
    if (!conn) return err_set(err, CAIRN_EDB, "cannot connect to PostgreSQL: out of memory");
    if (PQstatus(conn) != CONNECTION_OK) {
        char *shown = store_url_elide(url);
        buf b = BUF_INIT;
        put_trimmed(&b, PQerrorMessage(conn));
        err_set(err, CAIRN_EDB, "cannot connect to PostgreSQL at %s: %s", shown, buf_cstr(&b));
        buf_free(&b);
        free(shown);
        PQfinish(conn);
        return -1;
    }
    PQsetNoticeProcessor(conn, pg_notice_ignore, NULL);
    if (PQsetClientEncoding(conn, "UTF8") != 0) {
        err_set(err, CAIRN_EDB, "cannot use UTF8 with PostgreSQL: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return -1;
    }
    pg_store *ps = xcalloc(1, sizeof *ps);
    store_base_init(&ps->base, &pg_ops, STORE_POSTGRES, url);
    ps->conn = conn;
    *out = &ps->base;
    return 0;
}

/* Close the connection and free st. */
static void pg_close(store *st) {
    pg_store *ps = (pg_store *)st;
    PQfinish(ps->conn);
    for (size_t i = 0; i < ps->npending; i++) free(ps->pending[i]);
    free(ps->pending);
    store_base_free(st);
    free(ps);
}

/* DEALLOCATE statements finalized while their transaction was aborted;
** only when no transaction is open.  Names that still fail are dropped
** (the server forgets them when the connection closes). */
static void pg_flush_pending(pg_store *ps) {
    if (!ps->npending || PQtransactionStatus(ps->conn) != PQTRANS_IDLE) return;
    buf b = BUF_INIT;
    for (size_t i = 0; i < ps->npending; i++) {
        buf_printf(&b, "DEALLOCATE %s;", ps->pending[i]);
        free(ps->pending[i]);
    }
    ps->npending = 0;
    PQclear(PQexec(ps->conn, buf_cstr(&b)));
    buf_free(&b);
}

/* Run ';'-separated statements without parameters (one round trip). */
static int pg_exec(store *st, const char *sql, cairn_err *err) {
    pg_store *ps = (pg_store *)st;
    PGresult *r = PQexec(ps->conn, sql);
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY) {
        PQclear(r);
        return 0;
    }
    pg_fail(ps, r, sql, err);
    PQclear(r);
    return -1;
}

/* Prepare sql as a named statement; NULL and err set on failure.  The
** result is freed through store_finalize(). */
static store_stmt *pg_prepare(store *st, const char *sql, cairn_err *err) {
    pg_store *ps = (pg_store *)st;
    if (store_sql_blank(sql)) {
        st->last_error = STORE_ERR_OTHER;
        err_set(err, CAIRN_EINTERNAL, "database error: empty statement");
        return NULL;
    }
    int np = 0;
    char *pgsql = store_sql_to_pg(sql, &np);
    pg_stmt *q = xcalloc(1, sizeof *q);
    q->base.ops = &pg_ops;
    q->base.st = st;
    q->ps = ps;
    snprintf(q->name, sizeof q->name, "cairn_%lu", ++ps->counter);
    PGresult *r = PQprepare(ps->conn, q->name, pgsql, 0, NULL);
    free(pgsql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        pg_fail(ps, r, sql, err);
        PQclear(r);
        free(q);
        return NULL;
    }
    PQclear(r);
    q->sql = xstrdup(sql);
    q->nparams = np;
    q->row = -1;
    if (np) {
        q->params = xcalloc((size_t)np, sizeof *q->params);
        q->vals = xcalloc((size_t)np, sizeof *q->vals);
        for (int i = 0; i < np; i++) {
            q->params[i].cap = 32;
            q->params[i].buf = xmalloc(32);
        }
    }
    return &q->base;
}

/* Free the statement and DEALLOCATE it on the server (or later, when the
** transaction it failed in has ended). */
static void pg_finalize(store_stmt *base) {
    pg_stmt *q = (pg_stmt *)base;
    pg_store *ps = q->ps;
    PQclear(q->res);
    int done = 0;
    if (PQtransactionStatus(ps->conn) != PQTRANS_INERROR) {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", q->name);
        PGresult *r = PQexec(ps->conn, sql);
        done = PQresultStatus(r) == PGRES_COMMAND_OK || PQstatus(ps->conn) != CONNECTION_OK;
        PQclear(r);
    }
    if (!done) {
        if (ps->npending == ps->cap_pending) {
            ps->cap_pending = ps->cap_pending ? ps->cap_pending * 2 : 8;
            ps->pending = xrealloc(ps->pending, ps->cap_pending * sizeof *ps->pending);
        }
        ps->pending[ps->npending++] = xstrdup(q->name);
    }
    for (int i = 0; i < q->nparams; i++) free(q->params[i].buf);
    free(q->params);
    free(q->vals);
    free(q->sql);
    free(q);
}

/* The buffer for parameter idx with room for n bytes plus NUL, marking the
** statement to run again; NULL (and the error remembered) if idx is out of
** range. */
static char *pg_param_buf(pg_stmt *q, int idx, size_t n) {
    if (idx < 1 || idx > q->nparams) {
        if (!q->bind_err) q->bind_err = idx ? idx : -1;
        return NULL;
    }
    pg_param *p = &q->params[idx - 1];
    if (n + 1 > p->cap) {
        size_t cap = p->cap;
        while (cap < n + 1) cap *= 2;
        free(p->buf);
        p->buf = xmalloc(cap);
        p->cap = cap;
    }
    q->executed = 0;
    q->vals[idx - 1] = p->buf;
    return p->buf;
}

/* Bind an int64 (sent as decimal text). */
static void pg_bind_int64(store_stmt *base, int idx, int64_t v) {
    pg_stmt *q = (pg_stmt *)base;
    char *b = pg_param_buf(q, idx, 24);
    if (b) snprintf(b, 24, "%" PRId64, v);
}

/* Bind a double (sent as text with %.17g, enough to round-trip). */
static void pg_bind_double(store_stmt *base, int idx, double v) {
    pg_stmt *q = (pg_stmt *)base;
    char *b = pg_param_buf(q, idx, 32);
    if (!b) return;
    if (v != v) snprintf(b, 32, "NaN");
    else if (v > 1.7976931348623157e308) snprintf(b, 32, "Infinity");
    else if (v < -1.7976931348623157e308) snprintf(b, 32, "-Infinity");
    else snprintf(b, 32, "%.17g", v);
}

/* Bind SQL NULL. */
static void pg_bind_null(store_stmt *base, int idx) {
    pg_stmt *q = (pg_stmt *)base;
    if (idx < 1 || idx > q->nparams) {
        if (!q->bind_err) q->bind_err = idx ? idx : -1;
        return;
    }
    q->executed = 0;
    q->vals[idx - 1] = NULL;
}

/* Bind a copy of the text (NULL v binds NULL). */
static void pg_bind_text(store_stmt *base, int idx, const char *v, size_t n) {
    pg_stmt *q = (pg_stmt *)base;
    if (!v) {
        pg_bind_null(base, idx);
        return;
    }
    if (n == (size_t)-1) n = strlen(v);
    char *b = pg_param_buf(q, idx, n);
    if (!b) return;
    memcpy(b, v, n);
    b[n] = 0;
}

/* Step: run on the first call since bind/reset, then walk the rows. */
static int pg_step(store_stmt *base, cairn_err *err) {
    pg_stmt *q = (pg_stmt *)base;
    pg_store *ps = q->ps;
    if (q->bind_err) {
        int idx = q->bind_err;
        char ex[200];
        q->bind_err = 0;
        store_sql_excerpt(ex, sizeof ex, q->sql);
        ps->base.last_error = STORE_ERR_OTHER;
        return err_set(err, CAIRN_EINTERNAL,
                       "database error: cannot bind parameter %d: no such parameter "
                       "(the statement has %d) (in: %s)",
                       idx, q->nparams, ex);
    }
    if (!q->executed) {
        PQclear(q->res);
        q->res = NULL;
        q->row = -1;
        q->nrows = 0;
        PGresult *r = PQexecPrepared(ps->conn, q->name, q->nparams, q->vals, NULL, NULL, 0);
        ExecStatusType s = PQresultStatus(r);
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK && s != PGRES_EMPTY_QUERY) {
            pg_fail(ps, r, q->sql, err);
            PQclear(r);
            return -1;
        }
        q->executed = 1;
        const char *tag = PQcmdStatus(r);
        const char *n = PQcmdTuples(r);
        q->changes = (!strncmp(tag, "SELECT", 6) || !*n) ? 0 : strtoll(n, NULL, 10);
        q->ncols = PQnfields(r);
        if (s == PGRES_TUPLES_OK && PQntuples(r) > 0) {
            q->res = r;
            q->nrows = PQntuples(r);
        } else {
            PQclear(r);
        }
    }
    if (q->row < q->nrows) q->row++;
    if (q->row < q->nrows) return STORE_ROW;
    PQclear(q->res);   /* no current row any more: free the result early */
    q->res = NULL;
    return STORE_DONE;
}

/* Ready the statement to run again; bindings stay. */
static void pg_reset(store_stmt *base) {
    pg_stmt *q = (pg_stmt *)base;
    PQclear(q->res);
    q->res = NULL;
    q->executed = 0;
    q->row = -1;
    q->nrows = 0;
}

/* Number of result columns of the last execution. */
static int pg_col_count(store_stmt *base) {
    return ((pg_stmt *)base)->ncols;
}

/* The text of column col in the current row, or NULL (no row, no such
** column, or SQL NULL). */
static const char *pg_value(pg_stmt *q, int col) {
    if (!q->res || q->row < 0 || q->row >= q->nrows || col < 0 || col >= q->ncols) return NULL;
    if (PQgetisnull(q->res, q->row, col)) return NULL;
    return PQgetvalue(q->res, q->row, col);
}

/* 1 if the column is NULL. */
static int pg_col_is_null(store_stmt *base, int col) {
    return pg_value((pg_stmt *)base, col) == NULL;
}

/* Column as int64: integers parsed, booleans 1/0, decimals truncated
** (clamped to the int64 range; NaN gives 0). */
static int64_t pg_col_int64(store_stmt *base, int col) {
    const char *v = pg_value((pg_stmt *)base, col);
    if (!v) return 0;
    if (v[0] == 't' && !v[1]) return 1;
    if (v[0] == 'f' && !v[1]) return 0;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (*end == 0 || errno == ERANGE) return (int64_t)x;
    double d = strtod(v, NULL);
    if (d != d) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

/* Column as double (0 for NULL). */
static double pg_col_double(store_stmt *base, int col) {
    const char *v = pg_value((pg_stmt *)base, col);
    if (!v) return 0;
    if (v[0] == 't' && !v[1]) return 1;
    return strtod(v, NULL);
}

/* Column as text owned by the result (valid until the next step/reset). */
static const char *pg_col_text(store_stmt *base, int col) {
    return pg_value((pg_stmt *)base, col);
}

/* Rows changed by the last execution (from the command tag). */
static int64_t pg_changes(store_stmt *base) {
    return ((pg_stmt *)base)->changes;
}

/* Number of '?' parameters. */
static int pg_param_count(store_stmt *base) {
    return ((pg_stmt *)base)->nparams;
}

/* BEGIN; for writers also take the transaction-scoped advisory lock. */
static int pg_tx_begin(store *st, int write, int64_t lock_key, cairn_err *err) {
    pg_store *ps = (pg_store *)st;
    if (pg_exec(st, "BEGIN", err)) return -1;
    if (!write) return 0;
    char key[24];
    const char *vals[1] = {key};
    snprintf(key, sizeof key, "%" PRId64, lock_key);
    PGresult *r = PQexecParams(ps->conn, "SELECT pg_advisory_xact_lock($1::bigint)", 1, NULL, vals,
                               NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pg_fail(ps, r, "SELECT pg_advisory_xact_lock(?)", err);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}

/* COMMIT; a COMMIT the server turned into ROLLBACK is a failure. */
static int pg_tx_commit(store *st, cairn_err *err) {
    pg_store *ps = (pg_store *)st;
    if (PQtransactionStatus(ps->conn) == PQTRANS_INERROR) {
        st->last_error = STORE_ERR_OTHER;
        return err_set(err, CAIRN_EDB,
                       "database error: transaction rolled back because a statement in it failed");
    }
    PGresult *r = PQexec(ps->conn, "COMMIT");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        pg_fail(ps, r, "COMMIT", err);
        PQclear(r);
        return -1;
    }
    int rolled_back = strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
    PQclear(r);
    pg_flush_pending(ps);
    if (rolled_back) {
        st->last_error = STORE_ERR_OTHER;
        return err_set(err, CAIRN_EDB, "database error: the server rolled the transaction back");
    }
    return 0;
}

/* ROLLBACK if a transaction is open; 0 unless it failed. */
static int pg_tx_rollback(store *st) {
    pg_store *ps = (pg_store *)st;
    PGTransactionStatusType t = PQtransactionStatus(ps->conn);
    if (t == PQTRANS_UNKNOWN) return -1;
    int rc = 0;
    if (t != PQTRANS_IDLE) {
        PGresult *r = PQexec(ps->conn, "ROLLBACK");
        rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
        PQclear(r);
    }
    pg_flush_pending(ps);
    return rc;
}

/* 1 if a transaction is open (also when it is aborted). */
static int pg_in_tx(const store *st) {
    PGTransactionStatusType t = PQtransactionStatus(((const pg_store *)st)->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static const store_ops pg_ops = {
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .reset = pg_reset,
    .col_count = pg_col_count,
    .col_is_null = pg_col_is_null,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .changes = pg_changes,
    .param_count = pg_param_count,
    .tx_begin = pg_tx_begin,
    .tx_commit = pg_tx_commit,
    .tx_rollback = pg_tx_rollback,
    .in_tx = pg_in_tx,
};
