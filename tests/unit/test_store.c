/*
** tests/unit/test_store.c — the store on both backends.
**
** Every database test is registered twice, "[sqlite]" and "[postgres]";
** the PostgreSQL half needs CAIRN_TEST_PG (see scripts/pg-test.sh).
*/
#include "testutil.h"
#include "base/mem.h"
#include "store/store_internal.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


/* 1 if needle occurs in hay, ignoring ASCII case. */
static int contains_ci(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i])) i++;
        if (i == n) return 1;
    }
    return n == 0;
}

/* Run sql, failing the test with the message on error. */
static void must_exec(store *st, const char *sql) {
    cairn_err err = {0};
    if (store_exec(st, sql, &err)) fail_msg("%s: %s", sql, err.msg);
}

/* Prepare sql, failing the test with the message on error. */
static store_stmt *must_prepare(store *st, const char *sql) {
    cairn_err err = {0};
    store_stmt *s = store_prepare(st, sql, &err);
    if (!s) fail_msg("%s: %s", sql, err.msg);
    return s;
}

/* Step s expecting want (STORE_ROW or STORE_DONE). */
static void must_step(store_stmt *s, int want) {
    cairn_err err = {0};
    int rc = store_step(s, &err);
    if (rc < 0) fail_msg("step: %s", err.msg);
    assert_int_equal(rc, want);
}

/* The integer sql yields (with an optional parameter >= 0). */
static int64_t q64(store *st, const char *sql, int64_t param) {
    cairn_err err = {0};
    int64_t v = -12345;
    if (store_query_int64(st, sql, param, &v, &err)) fail_msg("%s: %s", sql, err.msg);
    return v;
}

/* ---- types round trip ---------------------------------------------------- */

/* Every value type round-trips: int64 extremes, doubles, UTF-8 text with quotes, NULL. */
static void t_types(void **state) {
    store *st = test_store_fresh(KIND(state), "types");
    assert_int_equal(store_kind_of(st), KIND(state));
    must_exec(st, "CREATE TABLE t (id BIGINT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, s TEXT)");
    static const int64_t ints[] = {INT64_MAX, INT64_MIN, INT64_MAX - 1, -1, 0, 1, -9007199254740993LL};
    static const double dbls[] = {3.141592653589793, -1e-300, 1e300, 0.1, -0.0, 123456789.125, 2.5};
    static const char *texts[] = {
        "plain", "Zoë “curly” and 'single' and \"double\" quotes", "日本語 ✓ ß é", "it''s", "",
        "back\\slash and ? and $1 and -- not a comment", "line\nbreak\ttab",
    };
    store_stmt *ins = must_prepare(st, "INSERT INTO t (id, i, d, s) VALUES (?, ?, ?, ?)");
    for (int k = 0; k < 7; k++) {
        store_reset(ins);
        store_bind_int64(ins, 1, k);
        store_bind_int64(ins, 2, ints[k]);
        store_bind_double(ins, 3, dbls[k]);
        store_bind_text(ins, 4, texts[k], (size_t)-1);
        must_step(ins, STORE_DONE);
        assert_int_equal(store_changes(ins), 1);
    }
    /* A row of NULLs, and text bound with an explicit length. */
    store_reset(ins);
    store_bind_int64(ins, 1, 100);
    store_bind_null(ins, 2);
    store_bind_null(ins, 3);
    store_bind_text(ins, 4, NULL, 0);
    must_step(ins, STORE_DONE);
    store_reset(ins);
    store_bind_int64(ins, 1, 101);
    store_bind_int64(ins, 2, 7);
    store_bind_double(ins, 3, 7);
    store_bind_text(ins, 4, "abcdef", 3);
    must_step(ins, STORE_DONE);
    store_finalize(ins);

    store_stmt *sel = must_prepare(st, "SELECT id, i, d, s FROM t WHERE id = ?");
    for (int k = 0; k < 7; k++) {
        store_reset(sel);
        store_bind_int64(sel, 1, k);
        must_step(sel, STORE_ROW);
        assert_int_equal(store_col_count(sel), 4);
        assert_int_equal(store_col_int64(sel, 0), k);
        assert_true(store_col_int64(sel, 1) == ints[k]);
        assert_true(store_col_double(sel, 2) == dbls[k]);
        assert_string_equal(store_col_text(sel, 3), texts[k]);
        assert_false(store_col_is_null(sel, 3));
        must_step(sel, STORE_DONE);
    }
    store_reset(sel);
    store_bind_int64(sel, 1, 100);
    must_step(sel, STORE_ROW);
    assert_true(store_col_is_null(sel, 1));
    assert_true(store_col_is_null(sel, 2));
    assert_true(store_col_is_null(sel, 3));
    assert_null(store_col_text(sel, 3));
    assert_int_equal(store_col_int64(sel, 1), 0);
    assert_true(store_col_double(sel, 2) == 0.0);
    store_reset(sel);
    store_bind_int64(sel, 1, 101);
    must_step(sel, STORE_ROW);
    assert_string_equal(store_col_text(sel, 3), "abc");
    assert_string_equal(store_col_text(sel, 1), "7");
    store_finalize(sel);

    /* Binding a parameter as text and reading numbers as text. */
    assert_int_equal(q64(st, "SELECT count(*) FROM t", -1), 9);
    assert_int_equal(q64(st, "SELECT i FROM t WHERE id = ?", 0), INT64_MAX);
    assert_int_equal(q64(st, "SELECT i FROM t WHERE id = ?", 1), INT64_MIN);
    assert_int_equal(q64(st, "SELECT i FROM t WHERE id = ?", 999), 0);   /* no row */
    assert_int_equal(q64(st, "SELECT i FROM t WHERE id = ?", 100), 0);   /* NULL */
    assert_int_equal(q64(st, "SELECT 42", 5), 42);                       /* param ignored */
    test_store_drop(st);
}

/* ---- statement reuse ----------------------------------------------------- */

/* One prepared statement run many times with reset and rebinding; bad parameter index. */
static void t_reuse(void **state) {
    store *st = test_store_fresh(KIND(state), "reuse");
    cairn_err err = {0};
    must_exec(st, "CREATE TABLE r (k BIGINT PRIMARY KEY, name TEXT NOT NULL)");
    store_stmt *ins = must_prepare(st, "INSERT INTO r (k, name) VALUES (?, ?)");
    assert_int_equal(store_tx_begin(st, &err), 0);
    for (int k = 0; k < 500; k++) {
        char name[32];
        snprintf(name, sizeof name, "name-%d", k);
        store_reset(ins);
        store_bind_int64(ins, 1, k);
        store_bind_text(ins, 2, name, (size_t)-1);
        must_step(ins, STORE_DONE);
    }
    assert_int_equal(store_tx_commit(st, &err), 0);
    /* Bindings survive a reset: run again with only parameter 1 rebound. */
    store_reset(ins);
    store_bind_int64(ins, 1, 1000);
    must_step(ins, STORE_DONE);
    /* Binding after a step, without reset, readies the statement too. */
    store_bind_int64(ins, 1, 1001);
    must_step(ins, STORE_DONE);
    /* A step after DONE does not run the statement again. */
    must_step(ins, STORE_DONE);
    store_finalize(ins);
    assert_int_equal(q64(st, "SELECT count(*) FROM r", -1), 502);
    assert_int_equal(q64(st, "SELECT count(*) FROM r WHERE name = 'name-499'", -1), 3);

    store_stmt *sel = must_prepare(st, "SELECT k, name FROM r WHERE k >= ? AND k < ? ORDER BY k");
    for (int round = 0; round < 3; round++) {
        store_reset(sel);
        store_bind_int64(sel, 1, round * 10);
        store_bind_int64(sel, 2, round * 10 + 5);
        for (int i = 0; i < 5; i++) {
            must_step(sel, STORE_ROW);
            assert_int_equal(store_col_int64(sel, 0), round * 10 + i);
        }
        must_step(sel, STORE_DONE);
        must_step(sel, STORE_DONE);
    }
    /* Abandon a result half-read, rebind, read again. */
    store_reset(sel);
    store_bind_int64(sel, 1, 0);
    store_bind_int64(sel, 2, 1000);
    must_step(sel, STORE_ROW);
    store_bind_int64(sel, 1, 498);
    must_step(sel, STORE_ROW);
    assert_int_equal(store_col_int64(sel, 0), 498);
    assert_string_equal(store_col_text(sel, 1), "name-498");
    store_finalize(sel);

    /* A parameter that does not exist is reported by the step. */
    store_stmt *bad = must_prepare(st, "SELECT k FROM r WHERE k = ?");
    store_bind_int64(bad, 2, 1);
    assert_int_equal(store_step(bad, &err), -1);
    assert_true(contains_ci(err.msg, "parameter 2"));
    store_finalize(bad);
    test_store_drop(st);
}

/* ---- '?' inside quotes and comments --------------------------------------- */

/* '?' inside string literals, quoted identifiers and comments is not a placeholder. */
static void t_qmark_literal(void **state) {
    store *st = test_store_fresh(KIND(state), "qmark");
    must_exec(st, "CREATE TABLE q (id BIGINT, \"odd?name\" TEXT, note TEXT)");
    store_stmt *ins = must_prepare(st,
                                   "INSERT INTO q (id, \"odd?name\", note) -- a comment? yes\n"
                                   "VALUES (?, 'what? it''s ?', /* and ? here */ ?)");
    store_bind_int64(ins, 1, 7);
    store_bind_text(ins, 2, "n?", (size_t)-1);
    must_step(ins, STORE_DONE);
    store_finalize(ins);
    store_stmt *sel = must_prepare(st, "SELECT \"odd?name\", note, '?' FROM q WHERE id = ?");
    store_bind_int64(sel, 1, 7);
    must_step(sel, STORE_ROW);
    assert_string_equal(store_col_text(sel, 0), "what? it's ?");
    assert_string_equal(store_col_text(sel, 1), "n?");
    assert_string_equal(store_col_text(sel, 2), "?");
    store_finalize(sel);
    test_store_drop(st);
}

/* The translation itself, including PostgreSQL-only quoting. */
static void t_translate(void **state) {
    (void)state;
    static const struct { const char *in, *out; int n; } cases[] = {
        {"SELECT ?", "SELECT $1", 1},
        {"SELECT ?, ?,?", "SELECT $1, $2,$3", 3},
        {"SELECT 'a?b', ?", "SELECT 'a?b', $1", 1},
        {"SELECT 'it''s?', ?", "SELECT 'it''s?', $1", 1},
        {"SELECT E'\\'?', ?", "SELECT E'\\'?', $1", 1},
        {"SELECT \"x?\"\"y\" FROM t WHERE a = ?", "SELECT \"x?\"\"y\" FROM t WHERE a = $1", 1},
        {"SELECT 1 -- ?\n, ?", "SELECT 1 -- ?\n, $1", 1},
        {"SELECT /* ? /* ? */ ? */ ?", "SELECT /* ? /* ? */ ? */ $1", 1},
        {"SELECT $$ ? $$, $tag$ ?$ $tag$, ?", "SELECT $$ ? $$, $tag$ ?$ $tag$, $1", 1},
        {"SELECT a$b, ? FROM t", "SELECT a$b, $1 FROM t", 1},
        {"SELECT 'unterminated ?", "SELECT 'unterminated ?", 0},
        {"", "", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = -1;
        char *out = store_sql_to_pg(cases[i].in, &n);
        assert_string_equal(out, cases[i].out);
        assert_int_equal(n, cases[i].n);
        free(out);
    }
}

/* ---- upsert, changes, RETURNING ------------------------------------------- */

/* ON CONFLICT DO UPDATE / DO NOTHING and store_changes() for INSERT, UPDATE, DELETE, SELECT. */
static void t_upsert(void **state) {
    store *st = test_store_fresh(KIND(state), "upsert");
    must_exec(st, "CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT NOT NULL)");
    store_stmt *up = must_prepare(st, "INSERT INTO kv (k, v) VALUES (?, ?) "
                                      "ON CONFLICT (k) DO UPDATE SET v = excluded.v");
    const char *keys[] = {"a", "b", "a", "c", "a"};
    for (int i = 0; i < 5; i++) {
        store_reset(up);
        store_bind_text(up, 1, keys[i], (size_t)-1);
        store_bind_int64(up, 2, i * 10);
        must_step(up, STORE_DONE);
        assert_int_equal(store_changes(up), 1);
    }
    store_finalize(up);
    assert_int_equal(q64(st, "SELECT count(*) FROM kv", -1), 3);
    assert_int_equal(q64(st, "SELECT v FROM kv WHERE k = 'a'", -1), 40);

    store_stmt *nothing = must_prepare(st, "INSERT INTO kv (k, v) VALUES (?, 1) ON CONFLICT (k) DO NOTHING");
    store_bind_text(nothing, 1, "a", (size_t)-1);
    must_step(nothing, STORE_DONE);
    assert_int_equal(store_changes(nothing), 0);
    store_finalize(nothing);

    store_stmt *upd = must_prepare(st, "UPDATE kv SET v = v + 1 WHERE k <> ?");
    store_bind_text(upd, 1, "c", (size_t)-1);
    must_step(upd, STORE_DONE);
    assert_int_equal(store_changes(upd), 2);
    store_bind_text(upd, 1, "zzz", (size_t)-1);
    must_step(upd, STORE_DONE);
    assert_int_equal(store_changes(upd), 3);
    store_finalize(upd);

    store_stmt *del = must_prepare(st, "DELETE FROM kv WHERE k = ?");
    store_bind_text(del, 1, "nope", (size_t)-1);
    must_step(del, STORE_DONE);
    assert_int_equal(store_changes(del), 0);
    store_finalize(del);

    /* A SELECT reports no changes. */
    store_stmt *sel = must_prepare(st, "SELECT k FROM kv");
    while (store_step(sel, NULL) == STORE_ROW) {}
    assert_int_equal(store_changes(sel), 0);
    store_finalize(sel);
    test_store_drop(st);
}

/* INSERT ... RETURNING a generated id; UPDATE ... RETURNING several rows. */
static void t_returning(void **state) {
    store *st = test_store_fresh(KIND(state), "returning");
    if (store_kind_of(st) == STORE_SQLITE)
        must_exec(st, "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    else
        must_exec(st, "CREATE TABLE p (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                      "name TEXT NOT NULL)");
    store_stmt *ins = must_prepare(st, "INSERT INTO p (name) VALUES (?) RETURNING id, upper(name)");
    const char *names[] = {"ada", "grace", "edsger"};
    for (int i = 0; i < 3; i++) {
        store_reset(ins);
        store_bind_text(ins, 1, names[i], (size_t)-1);
        must_step(ins, STORE_ROW);
        assert_int_equal(store_col_int64(ins, 0), i + 1);
        assert_int_equal(store_col_count(ins), 2);
        for (const char *a = names[i], *b = store_col_text(ins, 1); *a; a++, b++)
            assert_int_equal(toupper((unsigned char)*a), *b);
        must_step(ins, STORE_DONE);
        assert_int_equal(store_changes(ins), 1);
    }
    store_finalize(ins);
    store_stmt *upd = must_prepare(st, "UPDATE p SET name = name || '!' WHERE id >= ? RETURNING id, name");
    store_bind_int64(upd, 1, 2);
    int rows = 0;
    cairn_err err = {0};
    int rc;
    while ((rc = store_step(upd, &err)) == STORE_ROW) {
        const char *n = store_col_text(upd, 1);
        assert_non_null(n);
        assert_int_equal(n[strlen(n) - 1], '!');
        rows++;
    }
    assert_int_equal(rc, STORE_DONE);
    assert_int_equal(rows, 2);
    assert_int_equal(store_changes(upd), 2);
    store_finalize(upd);
    test_store_drop(st);
}

/* ---- transactions --------------------------------------------------------- */

/* Rollback discards, commit keeps, a failure dooms the transaction; no nesting. */
static void t_tx(void **state) {
    store *st = test_store_fresh(KIND(state), "tx");
    cairn_err err = {0};
    must_exec(st, "CREATE TABLE a (k BIGINT PRIMARY KEY)");
    assert_false(store_in_tx(st));
    assert_int_equal(store_tx_rollback(st), 0);            /* none open: fine */
    assert_int_equal(store_tx_commit(st, &err), -1);       /* none open: error */

    /* Rollback discards. */
    assert_int_equal(store_tx_begin(st, &err), 0);
    assert_true(store_in_tx(st));
    must_exec(st, "INSERT INTO a VALUES (1); INSERT INTO a VALUES (2)");
    assert_int_equal(q64(st, "SELECT count(*) FROM a", -1), 2);
    assert_int_equal(store_tx_begin(st, &err), -1);        /* no nesting */
    assert_true(contains_ci(err.msg, "already open"));
    assert_true(store_in_tx(st));
    assert_int_equal(store_tx_rollback(st), 0);
    assert_false(store_in_tx(st));
    assert_int_equal(q64(st, "SELECT count(*) FROM a", -1), 0);

    /* A read transaction opens only when none is open, and ends only what
    ** it opened. */
    int opened = -1;
    assert_int_equal(store_read_begin(st, &opened, &err), 0);
    assert_int_equal(opened, 1);
    assert_true(store_in_tx(st));
    store_read_end(st, opened);
    assert_false(store_in_tx(st));
    assert_int_equal(store_tx_begin(st, &err), 0);
    assert_int_equal(store_read_begin(st, &opened, &err), 0);
    assert_int_equal(opened, 0);
    store_read_end(st, opened);
    assert_true(store_in_tx(st));                          /* the caller's: still open */
    assert_int_equal(store_tx_rollback(st), 0);

    /* Commit keeps. */
    assert_int_equal(store_tx_begin(st, &err), 0);
    must_exec(st, "INSERT INTO a VALUES (10)");
    assert_int_equal(store_tx_commit(st, &err), 0);
    assert_false(store_in_tx(st));
    assert_int_equal(q64(st, "SELECT count(*) FROM a", -1), 1);

    /* An error inside, then rollback: nothing of it stays. */
    assert_int_equal(store_tx_begin(st, &err), 0);
    must_exec(st, "INSERT INTO a VALUES (20)");
    store_stmt *dup = must_prepare(st, "INSERT INTO a VALUES (?)");
    store_bind_int64(dup, 1, 10);
    assert_int_equal(store_step(dup, &err), -1);
    assert_int_equal(store_last_error(st), STORE_ERR_UNIQUE);
    store_finalize(dup);       /* on PostgreSQL: inside an aborted transaction */
    assert_true(store_in_tx(st));
    assert_int_equal(store_tx_rollback(st), 0);
    assert_int_equal(q64(st, "SELECT count(*) FROM a", -1), 1);

    /* An error inside, then commit: refused, rolled back, nothing stays. */
    assert_int_equal(store_tx_begin(st, &err), 0);
    must_exec(st, "INSERT INTO a VALUES (30)");
    assert_int_equal(store_exec(st, "INSERT INTO a VALUES (10)", &err), -1);
    assert_int_equal(store_tx_commit(st, &err), -1);
    assert_true(contains_ci(err.msg, "rolled back"));
    assert_false(store_in_tx(st));
    assert_int_equal(q64(st, "SELECT count(*) FROM a", -1), 1);

    /* A failing multi-statement exec outside a transaction. */
    assert_int_equal(store_exec(st, "INSERT INTO a VALUES (40); INSERT INTO nosuch VALUES (1)", &err), -1);
    assert_true(contains_ci(err.msg, "nosuch"));
    assert_false(store_in_tx(st));

    if (store_kind_of(st) == STORE_POSTGRES) {
        /* Statements finalized inside the aborted transaction were
        ** deallocated once it ended: none are left on the server. */
        assert_int_equal(q64(st, "SELECT count(*) FROM pg_prepared_statements", -1), 1);
    }
    test_store_drop(st);
}

/* store_tx_begin_write() serialises writers (advisory lock / BEGIN IMMEDIATE). */
static void t_tx_write(void **state) {
    store *st = test_store_fresh(KIND(state), "txwrite");
    cairn_err err = {0};
    must_exec(st, "CREATE TABLE w (k BIGINT PRIMARY KEY)");
    store *other = NULL;
    if (store_open(test_store_url(st), &other, &err)) fail_msg("second connection: %s", err.msg);

    assert_int_equal(store_tx_begin_write(st, 4242, &err), 0);
    assert_true(store_in_tx(st));
    must_exec(st, "INSERT INTO w VALUES (1)");
    if (store_kind_of(st) == STORE_POSTGRES) {
        /* The lock is held: another connection cannot take it. */
        store_stmt *t = must_prepare(other, "SELECT CAST(pg_try_advisory_xact_lock(?) AS INTEGER)");
        store_bind_int64(t, 1, 4242);
        must_step(t, STORE_ROW);
        assert_int_equal(store_col_int64(t, 0), 0);
        store_reset(t);
        store_bind_int64(t, 1, 4243);
        must_step(t, STORE_ROW);
        assert_int_equal(store_col_int64(t, 0), 1);
        store_finalize(t);
    } else {
        /* BEGIN IMMEDIATE holds the write lock: another writer waits, and
        ** with a short busy timeout gives up with a "busy" error. */
        must_exec(other, "PRAGMA busy_timeout = 50");
        assert_int_equal(store_tx_begin_write(other, 4242, &err), -1);
        assert_int_equal(store_last_error(other), STORE_ERR_BUSY);
        assert_true(contains_ci(err.msg, "locked"));
        assert_false(store_in_tx(other));
    }
    assert_int_equal(store_tx_commit(st, &err), 0);
    assert_int_equal(q64(other, "SELECT count(*) FROM w", -1), 1);
    /* After commit the other connection can write. */
    assert_int_equal(store_tx_begin_write(other, 4242, &err), 0);
    must_exec(other, "INSERT INTO w VALUES (2)");
    assert_int_equal(store_tx_commit(other, &err), 0);
    assert_int_equal(q64(st, "SELECT count(*) FROM w", -1), 2);
    store_close(other);
    test_store_drop(st);
}

/* With the automatic checkpoint off the log grows; a PASSIVE checkpoint
** reports its length, a RESTART one lets the next writer start it afresh
** (SQLite; both are no-ops that report 0 frames on PostgreSQL). */
static void t_checkpoint(void **state) {
    store *st = test_store_fresh(KIND(state), "ckpt");
    cairn_err err = {0};
    must_exec(st, "CREATE TABLE c (k BIGINT PRIMARY KEY, v TEXT)");
    assert_int_equal(store_autocheckpoint(st, 0, &err), 0);
    for (int i = 0; i < 200; i++) {
        store_stmt *q = must_prepare(st, "INSERT INTO c VALUES (?, 'some text to fill a page')");
        store_bind_int64(q, 1, i);
        must_step(q, STORE_DONE);
        store_finalize(q);
    }
    long grown = -1, after = -1, fresh = -1;
    assert_int_equal(store_checkpoint(st, 0, &grown, &err), 0);
    assert_int_equal(store_checkpoint(st, 1, &after, &err), 0);
    must_exec(st, "INSERT INTO c VALUES (1000, 'after the restart')");
    assert_int_equal(store_checkpoint(st, 0, &fresh, &err), 0);
    if (store_kind_of(st) == STORE_SQLITE) {
        assert_true(grown >= 200);        /* one commit per row: a frame each at least */
        assert_true(fresh > 0 && fresh < 10);   /* the log started again */
    } else {
        assert_int_equal(grown, 0);
        assert_int_equal(fresh, 0);
    }
    assert_int_equal(q64(st, "SELECT count(*) FROM c", -1), 201);
    test_store_drop(st);
}

/* Two connections on one database see each other's committed data only. */
static void t_two_connections(void **state) {
    store *a = test_store_fresh(KIND(state), "twoconn");
    store *b = NULL;
    cairn_err err = {0};
    must_exec(a, "CREATE TABLE s (k BIGINT PRIMARY KEY, v TEXT)");
    if (store_open(test_store_url(a), &b, &err)) fail_msg("second connection: %s", err.msg);
    must_exec(a, "INSERT INTO s VALUES (1, 'one')");
    assert_int_equal(q64(b, "SELECT count(*) FROM s", -1), 1);

    assert_int_equal(store_tx_begin(a, &err), 0);
    must_exec(a, "INSERT INTO s VALUES (2, 'two')");
    assert_int_equal(q64(b, "SELECT count(*) FROM s", -1), 1);   /* not yet */
    assert_int_equal(store_tx_commit(a, &err), 0);
    assert_int_equal(q64(b, "SELECT count(*) FROM s", -1), 2);

    store_stmt *sel = must_prepare(b, "SELECT v FROM s WHERE k = ?");
    store_bind_int64(sel, 1, 2);
    must_step(sel, STORE_ROW);
    assert_string_equal(store_col_text(sel, 0), "two");
    store_finalize(sel);
    store_close(b);
    test_store_drop(a);
}

/* ---- migrations ------------------------------------------------------------ */

static const store_migration migs[] = {
    {"alpha", 1, "first table", "CREATE TABLE alpha_one (id BIGINT PRIMARY KEY, name TEXT NOT NULL)"},
    {"beta", 1, "beta table", "CREATE TABLE beta_one (id BIGINT PRIMARY KEY);"
                              "INSERT INTO beta_one VALUES (1); INSERT INTO beta_one VALUES (2)"},
    {"alpha", 2, "add a column", "ALTER TABLE alpha_one ADD COLUMN note TEXT;"
                                 "CREATE INDEX alpha_one_name ON alpha_one (name)"},
};

/* Migrations apply once, re-run is a no-op, a failing one leaves no trace; bad lists refused. */
static void t_migrate(void **state) {
    store *st = test_store_fresh(KIND(state), "migrate");
    cairn_err err = {0};
    int applied = -1;
    assert_int_equal(store_migrate(st, migs, 3, &applied, &err), 0);
    assert_int_equal(applied, 3);
    assert_int_equal(q64(st, "SELECT count(*) FROM schema_migration", -1), 3);
    assert_int_equal(q64(st, "SELECT count(*) FROM beta_one", -1), 2);
    must_exec(st, "INSERT INTO alpha_one (id, name, note) VALUES (1, 'x', 'y')");

    /* Again: nothing to do. */
    applied = -1;
    assert_int_equal(store_migrate(st, migs, 3, &applied, &err), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(q64(st, "SELECT count(*) FROM beta_one", -1), 2);

    /* A new migration that fails half-way leaves no trace. */
    store_migration more[4];
    memcpy(more, migs, sizeof migs);
    more[3] = (store_migration){"beta", 2, "breaks", "CREATE TABLE beta_two (id BIGINT);"
                                                     "INSERT INTO beta_one VALUES (3);"
                                                     "INSERT INTO no_such_table VALUES (1)"};
    applied = -1;
    assert_int_equal(store_migrate(st, more, 4, &applied, &err), -1);
    assert_int_equal(applied, 0);
    assert_true(contains_ci(err.msg, "beta 2"));
    assert_true(contains_ci(err.msg, "breaks"));
    assert_true(contains_ci(err.msg, "no_such_table"));
    assert_false(store_in_tx(st));
    assert_int_equal(q64(st, "SELECT count(*) FROM schema_migration", -1), 3);
    assert_int_equal(q64(st, "SELECT count(*) FROM schema_migration WHERE room = 'beta' AND version = 2", -1), 0);
    assert_int_equal(q64(st, "SELECT count(*) FROM beta_one", -1), 2);
    store_stmt *s = store_prepare(st, "SELECT count(*) FROM beta_two", &err);
    if (s) {
        int rc = store_step(s, &err);
        store_finalize(s);
        assert_int_equal(rc, -1);
    }
    assert_true(contains_ci(err.msg, "beta_two"));

    /* Fixed, it applies. */
    more[3].sql = "CREATE TABLE beta_two (id BIGINT)";
    assert_int_equal(store_migrate(st, more, 4, &applied, &err), 0);
    assert_int_equal(applied, 1);
    assert_int_equal(q64(st, "SELECT count(*) FROM beta_two", -1), 0);

    /* Out of order within a room is refused before anything runs. */
    store_migration bad[2] = {
        {"gamma", 2, "two", "CREATE TABLE gamma_two (id BIGINT)"},
        {"gamma", 1, "one", "CREATE TABLE gamma_one (id BIGINT)"},
    };
    assert_int_equal(store_migrate(st, bad, 2, &applied, &err), -1);
    assert_true(contains_ci(err.msg, "order"));
    assert_int_equal(q64(st, "SELECT count(*) FROM schema_migration WHERE room = 'gamma'", -1), 0);

    /* A database migrated further than the program knows is refused. */
    assert_int_equal(store_migrate(st, migs, 1, &applied, &err), -1);
    assert_true(contains_ci(err.msg, "newer"));

    /* Inside an open transaction: refused. */
    assert_int_equal(store_tx_begin(st, &err), 0);
    assert_int_equal(store_migrate(st, more, 4, &applied, &err), -1);
    store_tx_rollback(st);
    test_store_drop(st);
}

/* Several processes migrating one database at once: each migration runs
** exactly once in total, and none of them fails. */
static void t_migrate_concurrent(void **state) {
    store *st = test_store_fresh(KIND(state), "migconc");
    const char *url = test_store_url(st);
    enum { NPROC = 4 };
    pid_t pids[NPROC];
    for (int i = 0; i < NPROC; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            store *c = NULL;
            cairn_err err = {0};
            int applied = 0;
            if (store_open(url, &c, &err)) _exit(100);
            int rc = store_migrate(c, migs, 3, &applied, &err);
            if (rc) fprintf(stderr, "child %d: %s\n", i, err.msg);
            store_close(c);
            _exit(rc ? 101 : applied);
        }
    }
    int total = 0;
    for (int i = 0; i < NPROC; i++) {
        int status = 0;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_true(WEXITSTATUS(status) <= 3);
        total += WEXITSTATUS(status);
    }
    assert_int_equal(total, 3);
    assert_int_equal(q64(st, "SELECT count(*) FROM schema_migration", -1), 3);
    assert_int_equal(q64(st, "SELECT count(*) FROM beta_one", -1), 2);
    test_store_drop(st);
}

/* ---- errors ---------------------------------------------------------------- */

/* Bad SQL and constraint violations give messages that name the problem, and the right kind. */
static void t_errors(void **state) {
    store *st = test_store_fresh(KIND(state), "errors");
    cairn_err err = {0};
    assert_null(store_prepare(st, "SELEC 1", &err));
    assert_int_equal(err.code, CAIRN_EDB);
    assert_true(strlen(err.msg) > 0);
    assert_true(contains_ci(err.msg, "SELEC"));
    assert_true(contains_ci(err.msg, "syntax"));

    assert_int_equal(store_exec(st, "CREATE TABLE nope (", &err), -1);
    assert_true(contains_ci(err.msg, "database error"));

    must_exec(st, "CREATE TABLE u (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE, "
                  "age BIGINT CHECK (age >= 0))");
    must_exec(st, "CREATE TABLE c (id BIGINT PRIMARY KEY, u_id BIGINT NOT NULL REFERENCES u (id))");
    store_stmt *ins = must_prepare(st, "INSERT INTO u (id, email, age) VALUES (?, ?, ?)");
    store_bind_int64(ins, 1, 1);
    store_bind_text(ins, 2, "a@example.org", (size_t)-1);
    store_bind_int64(ins, 3, 30);
    must_step(ins, STORE_DONE);

    store_reset(ins);
    store_bind_int64(ins, 1, 2);   /* same email */
    assert_int_equal(store_step(ins, &err), -1);
    assert_true(contains_ci(err.msg, "unique"));
    assert_true(contains_ci(err.msg, "email"));
    assert_int_equal(store_last_error(st), STORE_ERR_UNIQUE);

    store_reset(ins);
    store_bind_int64(ins, 1, 1);   /* same primary key */
    store_bind_text(ins, 2, "b@example.org", (size_t)-1);
    assert_int_equal(store_step(ins, &err), -1);
    assert_int_equal(store_last_error(st), STORE_ERR_UNIQUE);

    store_reset(ins);
    store_bind_int64(ins, 1, 3);
    store_bind_null(ins, 2);
    assert_int_equal(store_step(ins, &err), -1);
    assert_true(contains_ci(err.msg, "email"));
    assert_int_equal(store_last_error(st), STORE_ERR_NOT_NULL);

    store_reset(ins);
    store_bind_text(ins, 2, "c@example.org", (size_t)-1);
    store_bind_int64(ins, 3, -5);
    assert_int_equal(store_step(ins, &err), -1);
    assert_true(contains_ci(err.msg, "check"));
    assert_int_equal(store_last_error(st), STORE_ERR_CHECK);
    store_finalize(ins);

    assert_int_equal(store_exec(st, "INSERT INTO c VALUES (1, 99)", &err), -1);
    assert_true(contains_ci(err.msg, "foreign key"));
    assert_int_equal(store_last_error(st), STORE_ERR_FOREIGN_KEY);

    /* Only one statement per prepare. */
    assert_null(store_prepare(st, "SELECT 1; SELECT 2", &err));
    assert_true(strlen(err.msg) > 0);
    assert_null(store_prepare(st, "  -- nothing\n", &err));

    /* The connection is still usable after all that. */
    assert_int_equal(q64(st, "SELECT count(*) FROM u", -1), 1);
    test_store_drop(st);
}

/* ---- URLs and opening -------------------------------------------------------- */

/* Passwords never show in store_url(); which URLs select PostgreSQL. */
static void t_url_elide(void **state) {
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {"./cairn.db", "./cairn.db"},
        {"/tmp/with:colon@at.db", "/tmp/with:colon@at.db"},
        {"postgresql://u:secret@db.example.org:5432/cairn", "postgresql://u:***@db.example.org:5432/cairn"},
        {"postgres://u:s3cr:t@h/db?sslmode=require", "postgres://u:***@h/db?sslmode=require"},
        {"postgresql://u@h/db", "postgresql://u@h/db"},
        {"postgresql://postgres@/postgres?host=/tmp/x&port=54329", "postgresql://postgres@/postgres?host=/tmp/x&port=54329"},
        {"postgresql:///db?user=u&password=pw&host=h", "postgresql:///db?user=u&password=***&host=h"},
        {"postgresql://h/db?password=pw", "postgresql://h/db?password=***"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = store_url_elide(cases[i].in);
        assert_string_equal(out, cases[i].out);
        free(out);
    }
    assert_true(store_is_url_postgres("postgresql://x"));
    assert_true(store_is_url_postgres("postgres://x"));
    assert_false(store_is_url_postgres("./postgres.db"));
    assert_false(store_is_url_postgres(NULL));
}

/* Opening fails clearly: missing directory, a non-database file, no server; URL elided. */
static void t_open(void **state) {
    cairn_err err = {0};
    store *st = NULL;
    if (KIND(state) == STORE_SQLITE) {
        assert_int_equal(store_open("/nonexistent-cairn-dir/sub/x.db", &st, &err), -1);
        assert_null(st);
        assert_true(contains_ci(err.msg, "/nonexistent-cairn-dir/sub"));
        assert_true(contains_ci(err.msg, "does not exist"));
        /* The URL shown is the path given. */
        store *f = test_store_fresh(STORE_SQLITE, "open");
        assert_string_equal(store_url(f), test_store_url(f));
        test_store_drop(f);
        /* A file that is not a database. */
        char *dir = test_tmpdir();
        char *path = test_write_file(dir, "junk.db", "this is not a database at all, no sir, not one bit", 51);
        assert_int_equal(store_open(path, &st, &err), -1);
        assert_true(contains_ci(err.msg, "junk.db"));
        free(path);
        test_rm_rf(dir);
        free(dir);
        return;
    }
    if (!test_pg_enabled()) skip();
    const char *admin = getenv("CAIRN_TEST_PG");
    /* A password in the URL never shows (trust auth ignores it). */
    const char *at = strstr(admin, "@");
    assert_non_null(at);
    size_t n = (size_t)(at - admin);
    char *url = xmalloc(strlen(admin) + 16);
    memcpy(url, admin, n);
    strcpy(url + n, ":s3cret");
    strcat(url, at);
    assert_int_equal(store_open(url, &st, &err), 0);
    assert_null(strstr(store_url(st), "s3cret"));
    assert_non_null(strstr(store_url(st), ":***@"));
    assert_int_equal(store_kind_of(st), STORE_POSTGRES);
    store_close(st);
    free(url);
    /* No server there: a clear error naming the URL. */
    st = NULL;
    assert_int_equal(store_open("postgresql://postgres:pw@/postgres?host=/nonexistent-cairn-dir&port=1",
                                &st, &err), -1);
    assert_null(st);
    assert_true(contains_ci(err.msg, "cannot connect"));
    assert_true(contains_ci(err.msg, "/nonexistent-cairn-dir"));
    assert_null(strstr(err.msg, ":pw@"));
}

/* Run every test; the database ones once per backend. */
int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_translate),
        cmocka_unit_test(t_url_elide),
        BOTH(t_open),
        BOTH(t_types),
        BOTH(t_reuse),
        BOTH(t_qmark_literal),
        BOTH(t_upsert),
        BOTH(t_returning),
        BOTH(t_tx),
        BOTH(t_tx_write),
        BOTH(t_two_connections),
        BOTH(t_checkpoint),
        BOTH(t_migrate),
        BOTH(t_migrate_concurrent),
        BOTH(t_errors),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
