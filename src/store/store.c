/*
** store/store.c — the public store API: dispatch to the backend, the
** transaction rules both backends share, '?' translation for PostgreSQL,
** URL elision (the migrations runner is in store_migrate.c, the convenience
** readers in store_query.c).
*/
#include "store/store.h"
#include "store/store_internal.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- common helpers ------------------------------------------------------ */

/* Fill the common fields of a backend's store; url_shown is owned by st and
** released by store_base_free(). */
void store_base_init(store *st, const store_ops *ops, store_kind kind, const char *url) {
    st->ops = ops;
    st->kind = kind;
    st->url_shown = store_url_elide(url);
    st->tx_failed = 0;
    st->read_tx = 0;
    st->last_error = STORE_ERR_NONE;
    st->nhooks = st->cap_hooks = 0;   /* hooks: NULL, the backends calloc st */
}

/* Release what store_base_init() allocated; st itself belongs to the backend. */
void store_base_free(store *st) {
    store_tx_hooks_run(st, 0);
    free(st->url_shown);
    st->url_shown = NULL;
}

/* 1 if url names a PostgreSQL server (the two prefixes libpq accepts). */
int store_is_url_postgres(const char *url) {
    if (!url) return 0;
    return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

/* Copy of url with passwords replaced by "***": the part after ':' in the
** user-info of a postgres URL, and the value of any password= parameter.
** A SQLite path is copied unchanged.  Caller frees. */
char *store_url_elide(const char *url) {
    if (!url) return xstrdup("");
    if (!store_is_url_postgres(url)) return xstrdup(url);
    buf b = BUF_INIT;
    const char *p = strstr(url, "://") + 3;
    buf_append(&b, url, (size_t)(p - url));
    size_t auth_len = strcspn(p, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (p[i] == '@') at = p + i;
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (colon) {
            buf_append(&b, p, (size_t)(colon - p));
            buf_puts(&b, ":***");
            p = at;
        }
    }
    /* Rest: copy, eliding password=VALUE in the query string. */
    const char *q = strchr(p, '?');
    if (!q) {
        buf_puts(&b, p);
        return buf_detach(&b);
    }
    buf_append(&b, p, (size_t)(q - p) + 1);
    p = q + 1;
    while (*p) {
        size_t n = strcspn(p, "&");
        if (n >= 9 && strncmp(p, "password=", 9) == 0)
            buf_puts(&b, "password=***");
        else
            buf_append(&b, p, n);
        p += n;
        if (*p == '&') buf_putc(&b, *p++);
    }
    return buf_detach(&b);
}

/* 1 if sql holds nothing to run: whitespace, ';' and comments only. */
int store_sql_blank(const char *p) {
    while (*p) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ';') p++;
        else if (p[0] == '-' && p[1] == '-') p += strcspn(p, "\n");
        else if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
        } else return 0;
    }
    return 1;
}

/* One-line excerpt of sql for error messages, written to out (always
** NUL-terminated). */
void store_sql_excerpt(char *out, size_t cap, const char *sql) {
    size_t o = 0, limit = cap > 164 ? 160 : (cap > 4 ? cap - 4 : 0);
    int space = 0;
    if (!cap) return;
    if (!sql) sql = "";
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') sql++;
    for (; *sql && o < limit; sql++) {
        if (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') {
            space = 1;
            continue;
        }
        if (space && o) out[o++] = ' ';
        space = 0;
        if (o < limit) out[o++] = *sql;
    }
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') sql++;
    if (*sql && cap >= 4 && o + 3 < cap) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o < cap ? o : cap - 1] = 0;
}

/* 1 if c can be part of an SQL identifier (ASCII letters, digits, '_',
** '$', or any byte of a UTF-8 sequence). */
static int ident_char(char c) {
    unsigned char u = (unsigned char)c;
    return isalnum(u) || u == '_' || u == '$' || u >= 0x80;
}

/* Rewrite '?' as $1..$n outside quotes and comments; see store_internal.h.
** Caller frees the result. */
char *store_sql_to_pg(const char *sql, int *nparams) {
    buf b = BUF_INIT;
    int n = 0;
    const char *p = sql;
    buf_reserve(&b, strlen(sql) + 16);
    buf_append(&b, "", 0);   /* NUL-terminated even when sql is empty */
    while (*p) {
        char c = *p;
        if (c == '\'') {
            /* E'...' strings take backslash escapes; others only ''. */
            int esc = p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
                      (p - 1 == sql || !ident_char(p[-2]));
            const char *s = p + 1;
            for (;;) {
                if (!*s) break;
                if (esc && *s == '\\' && s[1]) { s += 2; continue; }
                if (*s == '\'') {
                    if (s[1] == '\'') { s += 2; continue; }
                    s++;
                    break;
                }
                s++;
            }
            buf_append(&b, p, (size_t)(s - p));
            p = s;
        } else if (c == '"') {
            const char *s = p + 1;
            for (;;) {
                if (!*s) break;
                if (*s == '"') {
                    if (s[1] == '"') { s += 2; continue; }
                    s++;
                    break;
                }
                s++;
            }
            buf_append(&b, p, (size_t)(s - p));
            p = s;
        } else if (c == '-' && p[1] == '-') {
            size_t len = strcspn(p, "\n");
            buf_append(&b, p, len);
            p += len;
        } else if (c == '/' && p[1] == '*') {
            const char *s = p + 2;
            int depth = 1;   /* PostgreSQL comments nest */
            while (*s && depth) {
                if (s[0] == '/' && s[1] == '*') { depth++; s += 2; }
                else if (s[0] == '*' && s[1] == '/') { depth--; s += 2; }
                else s++;
            }
            buf_append(&b, p, (size_t)(s - p));
            p = s;
        } else if (c == '$' && !(p > sql && ident_char(p[-1])) && !isdigit((unsigned char)p[1])) {
            /* Possibly a dollar-quoted string: $tag$ ... $tag$. */
            const char *t = p + 1;
            while (*t && *t != '$' && ident_char(*t)) t++;
            if (*t == '$') {
                size_t taglen = (size_t)(t - p) + 1;
                const char *body = t + 1, *end = body;
                for (;;) {
                    end = strchr(end, '$');
                    if (!end || strncmp(end, p, taglen) == 0) break;
                    end++;
                }
                const char *stop = end ? end + taglen : body + strlen(body);
                buf_append(&b, p, (size_t)(stop - p));
                p = stop;
            } else {
                buf_putc(&b, c);
                p++;
            }
        } else if (c == '?') {
            buf_printf(&b, "$%d", ++n);
            p++;
        } else if (ident_char(c)) {
            /* Copy a whole word so a '$' or quote inside it is not misread. */
            const char *s = p;
            while (*s && ident_char(*s) && *s != '$') s++;
            if (s == p) s++;
            buf_append(&b, p, (size_t)(s - p));
            p = s;
        } else {
            buf_putc(&b, c);
            p++;
        }
    }
    if (nparams) *nparams = n;
    return buf_detach(&b);
}

/* ---- open / close ------------------------------------------------------- */

/* Open a store for url (NULL = STORE_DEFAULT_URL); *out freed with store_close. */
int store_open(const char *url, store **out, cairn_err *err) {
    *out = NULL;
    if (!url || !*url) url = STORE_DEFAULT_URL;
    if (store_is_url_postgres(url)) return store_pg_open(url, out, err);
    return store_sqlite_open(url, out, err);
}

/* Close the connection and free st (NULL is fine).  Statements must have
** been finalized already. */
void store_close(store *st) {
    if (!st) return;
    st->ops->close(st);
}

/* Which backend st uses. */
store_kind store_kind_of(const store *st) {
    return st->kind;
}

/* The URL st was opened with, password elided; owned by st. */
const char *store_url(const store *st) {
    return st->url_shown;
}

/* Kind of the last failure on st. */
store_errkind store_last_error(const store *st) {
    return (store_errkind)st->last_error;
}

/* Called after a failed call on st: a failure inside a transaction dooms it. */
static void note_failure(store *st) {
    if (st->ops->in_tx(st)) st->tx_failed = 1;
}

/* ---- statements --------------------------------------------------------- */

/* Run parameterless statements; see store.h. */
int store_exec(store *st, const char *sql, cairn_err *err) {
    int rc = st->ops->exec(st, sql, err);
    if (rc) note_failure(st);
    return rc;
}

/* Prepare one statement; NULL and err set on failure.  Caller finalizes. */
store_stmt *store_prepare(store *st, const char *sql, cairn_err *err) {
    store_stmt *s = st->ops->prepare(st, sql, err);
    if (!s) note_failure(st);
    return s;
}

/* Release s and its server-side resources (NULL is fine). */
void store_finalize(store_stmt *s) {
    if (s) s->ops->finalize(s);
}

/* Bind an integer to parameter idx (1-based). */
void store_bind_int64(store_stmt *s, int idx, int64_t v) { s->ops->bind_int64(s, idx, v); }
/* Bind a double to parameter idx (1-based). */
void store_bind_double(store_stmt *s, int idx, double v) { s->ops->bind_double(s, idx, v); }
/* Bind a copy of text v (n bytes, or strlen when n == (size_t)-1; NULL v binds NULL). */
void store_bind_text(store_stmt *s, int idx, const char *v, size_t n) { s->ops->bind_text(s, idx, v, n); }
/* Bind SQL NULL to parameter idx (1-based). */
void store_bind_null(store_stmt *s, int idx) { s->ops->bind_null(s, idx); }

/* Run or advance s: STORE_ROW, STORE_DONE, or -1 with err set. */
int store_step(store_stmt *s, cairn_err *err) {
    int rc = s->ops->step(s, err);
    if (rc < 0) note_failure(s->st);
    return rc;
}

/* Ready s to run again; bindings are kept. */
void store_reset(store_stmt *s) { s->ops->reset(s); }

/* Number of result columns (on PostgreSQL, known after the first step). */
int store_col_count(store_stmt *s) { return s->ops->col_count(s); }
/* 1 if column col of the current row is NULL. */
int store_col_is_null(store_stmt *s, int col) { return s->ops->col_is_null(s, col); }
/* Column col as an integer (0 for NULL). */
int64_t store_col_int64(store_stmt *s, int col) { return s->ops->col_int64(s, col); }
/* Column col as a double (0 for NULL). */
double store_col_double(store_stmt *s, int col) { return s->ops->col_double(s, col); }
/* Column col as text owned by s (valid until the next step/reset), NULL for NULL. */
const char *store_col_text(store_stmt *s, int col) { return s->ops->col_text(s, col); }
/* Rows changed by the last completed INSERT/UPDATE/DELETE run of s. */
int64_t store_changes(store_stmt *s) { return s->ops->changes(s); }

/* ---- transactions -------------------------------------------------------- */

/* Shared body of the two begins. */
static int tx_begin(store *st, int write, int64_t key, cairn_err *err) {
    if (st->ops->in_tx(st))
        return err_set(err, CAIRN_EINTERNAL,
                       "database error: a transaction is already open on this connection "
                       "(transactions do not nest)");
    st->tx_failed = 0;
    if (st->ops->tx_begin(st, write, key, err) != 0) {
        st->ops->tx_rollback(st);
        st->tx_failed = 0;
        return -1;
    }
    return 0;
}

/* Begin a transaction. */
int store_tx_begin(store *st, cairn_err *err) {
    return tx_begin(st, 0, 0, err);
}

/* Begin a transaction that writes, serialised with other writers on lock_key. */
int store_tx_begin_write(store *st, int64_t lock_key, cairn_err *err) {
    return tx_begin(st, 1, lock_key, err);
}

/* Commit; a doomed or failing transaction is rolled back and -1 returned. */
int store_tx_commit(store *st, cairn_err *err) {
    st->read_tx = 0;
    if (!st->ops->in_tx(st)) {
        st->tx_failed = 0;
        return err_set(err, CAIRN_EINTERNAL, "database error: commit with no transaction open");
    }
    if (st->tx_failed) {
        st->ops->tx_rollback(st);
        st->tx_failed = 0;
        store_tx_hooks_run(st, 0);
        return err_set(err, CAIRN_EDB,
                       "database error: transaction rolled back because a statement in it failed");
    }
    if (st->ops->tx_commit(st, err) != 0) {
        if (st->ops->in_tx(st)) st->ops->tx_rollback(st);
        st->tx_failed = 0;
        store_tx_hooks_run(st, 0);
        return -1;
    }
    store_tx_hooks_run(st, 1);
    return 0;
}

/* Roll back the open transaction if any; 0 unless the rollback itself failed. */
int store_tx_rollback(store *st) {
    st->tx_failed = 0;
    st->read_tx = 0;
    int rc = st->ops->tx_rollback(st);
    store_tx_hooks_run(st, 0);
    return rc;
}

/* 1 if a transaction is open on st. */
int store_in_tx(const store *st) {
    return st->ops->in_tx(st);
}

/* Open a read transaction unless one is open (see store.h). */
int store_read_begin(store *st, int *opened, cairn_err *err) {
    assert(st && opened);
    *opened = 0;
    if (store_in_tx(st)) return 0;
    if (store_tx_begin(st, err) < 0) return -1;
    *opened = 1;
    st->read_tx = 1;
    return 0;
}

/* 1 if the open transaction is one store_read_begin opened (see store.h). */
int store_in_read_tx(const store *st) {
    return st->read_tx && store_in_tx(st);
}

/* End the read transaction store_read_begin opened (a read-only
** transaction has nothing to keep: rolled back). */
void store_read_end(store *st, int opened) {
    if (opened) (void)store_tx_rollback(st);
}
