/*
** tests/unit/test_store_hooks.c — store_tx_on_end (store/store.h): work
** run once a transaction ends, told whether it committed; on SQLite and
** PostgreSQL.
*/
#include "testutil.h"
#include <stdlib.h>

/* A hook: appends 1 (committed) or 2 (not) as a decimal digit to *arg. */
static void note(void *arg, int committed) {
    int *seen = arg;
    *seen = *seen * 10 + (committed ? 1 : 2);
}

/* Hooks run once when the transaction ends: 1 after a commit, 2 after a
** rollback or a failed commit, in the order added; at once outside a
** transaction; and with 2 when the store closes with a transaction open. */
static void test_tx_on_end(void **state) {
    store *st = test_store_fresh(KIND(state), "hooks");
    cairn_err err = {0};
    int a = 0, b = 0, c = 0, d = 0, e = 0;
    assert_int_equal(store_exec(st, "CREATE TABLE h (x BIGINT PRIMARY KEY)", &err), 0);
    store_tx_on_end(st, note, &a);
    assert_int_equal(a, 1);
    assert_int_equal(store_tx_begin(st, &err), 0);
    store_tx_on_end(st, note, &b);
    store_tx_on_end(st, note, &b);
    assert_int_equal(b, 0);
    assert_int_equal(store_tx_commit(st, &err), 0);
    assert_int_equal(b, 11);
    assert_int_equal(store_tx_begin(st, &err), 0);
    store_tx_on_end(st, note, &c);
    store_tx_rollback(st);
    assert_int_equal(c, 2);
    assert_int_equal(store_tx_begin(st, &err), 0);
    store_tx_on_end(st, note, &d);
    assert_int_not_equal(store_exec(st, "INSERT INTO h VALUES (1); INSERT INTO h VALUES (1)", &err), 0);
    assert_int_equal(store_tx_commit(st, &err), -1);   /* doomed: rolled back */
    assert_int_equal(d, 2);
    store_tx_rollback(st);
    assert_int_equal(d, 2);                            /* not again */
    assert_int_equal(store_tx_begin(st, &err), 0);
    store_tx_on_end(st, note, &e);
    test_store_drop(st);                               /* closes with it open */
    assert_int_equal(e, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_tx_on_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
