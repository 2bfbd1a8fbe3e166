/*
** store/store_internal.h — what store.c shares with its two backends.
**
** Not for other rooms: include store/store.h.  A backend fills a
** store_ops table; its own store and statement structs begin with a
** `store` / `store_stmt` member so a pointer to one is a pointer to the
** other.  store.c dispatches through the table and adds what is common:
** transaction bookkeeping, migrations, URL elision, '?' translation.
*/
#ifndef CAIRN_STORE_STORE_INTERNAL_H
#define CAIRN_STORE_STORE_INTERNAL_H
#include "store/store.h"

typedef struct store_ops {
    void (*close)(store *st);
    int  (*exec)(store *st, const char *sql, cairn_err *err);
    store_stmt *(*prepare)(store *st, const char *sql, cairn_err *err);
    void (*finalize)(store_stmt *s);

    void (*bind_int64)(store_stmt *s, int idx, int64_t v);
    void (*bind_double)(store_stmt *s, int idx, double v);
    void (*bind_text)(store_stmt *s, int idx, const char *v, size_t n);
    void (*bind_null)(store_stmt *s, int idx);
    int  (*step)(store_stmt *s, cairn_err *err);
    void (*reset)(store_stmt *s);

    int         (*col_count)(store_stmt *s);
    int         (*col_is_null)(store_stmt *s, int col);
    int64_t     (*col_int64)(store_stmt *s, int col);
    double      (*col_double)(store_stmt *s, int col);
    const char *(*col_text)(store_stmt *s, int col);
    int64_t     (*changes)(store_stmt *s);
    int         (*param_count)(store_stmt *s);

    /* write = 0: plain BEGIN; write = 1: serialise writers on lock_key. */
    int (*tx_begin)(store *st, int write, int64_t lock_key, cairn_err *err);
    int (*tx_commit)(store *st, cairn_err *err);
    int (*tx_rollback)(store *st);       /* 0 ok, -1 failed; no tx open is ok */
    int (*in_tx)(const store *st);
} store_ops;

struct store {
    const store_ops *ops;
    store_kind kind;
    char *url_shown;       /* URL with the password elided; owned */
    int   tx_failed;       /* a statement failed inside the open transaction */
    int   last_error;      /* store_errkind of the last failure */
    int   read_tx;         /* the open transaction is store_read_begin's: reads only */
    struct store_tx_hook *hooks;   /* store_tx_on_end() calls of the open transaction */
    size_t nhooks, cap_hooks;
};

struct store_stmt {
    const store_ops *ops;  /* == st->ops, one indirection less on hot paths */
    store *st;
};

/* Run and forget the store_tx_on_end() hooks of the transaction that just
** ended (store_tx_hooks.c). */
void store_tx_hooks_run(store *st, int committed);

/* Fill the common part of a freshly allocated backend store. */
void store_base_init(store *st, const store_ops *ops, store_kind kind, const char *url);
/* Release what store_base_init allocated (not st itself). */
void store_base_free(store *st);

/* Backends: open a connection; *out is freed through ops->close. */
int store_sqlite_open(const char *path, store **out, cairn_err *err);
int store_pg_open(const char *url, store **out, cairn_err *err);

/* Rewrite '?' placeholders outside string literals, quoted identifiers,
** dollar-quoted strings and comments as $1..$n.  *nparams gets n.  Caller
** frees the result. */
char *store_sql_to_pg(const char *sql, int *nparams);

/* Copy of url with any password (user:PASSWORD@ or password=...) replaced
** by "***"; caller frees. */
char *store_url_elide(const char *url);

/* 1 if sql holds only whitespace, ';' and comments. */
int store_sql_blank(const char *sql);

/* Write a one-line excerpt of sql (whitespace collapsed, at most about
** 160 characters, "..." when cut) to out[0..cap). */
void store_sql_excerpt(char *out, size_t cap, const char *sql);

/* store_sqlite.c: queue this connection's write transactions (store.h
** store_queue_writers). */
int sq_queue_writers(store *st);

#endif
