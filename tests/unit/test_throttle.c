/*
** tests/unit/test_throttle.c — sign-in throttling (web/throttle.c): growing
** delays per (user name, address) pair instead of a lockout, the address
** limit that never stops a right password for another account, and
** `cairn user unlock`; on SQLite and PostgreSQL.  Time is a parameter of
** auth_login (the test passes later times; nothing waits).
*/
#include "testutil.h"
#include "school/school.h"
#include "support/support.h"
#include "web/auth.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1750000000LL
#define PW "correct horse battery"

/* A fresh database with the web tables, one institution and the accounts
** admin and bo (both with PW). */
static store *throttle_db(void **state, const char *name) {
    cairn_err err = {0};
    store *st = test_store_fresh(KIND(state), name);
    if (school_migrate(st, NULL, &err) || support_migrate(st, NULL, &err) ||
        web_migrate(st, NULL, &err))
        fail_msg("migrate: %s", err.msg);
    if (store_exec(st, "INSERT INTO institution (id, code, name, created_at) VALUES"
                       " (1, 'INST', 'Test school', '2025-01-01T00:00:00Z')", &err))
        fail_msg("%s", err.msg);
    const char *names[2] = {"admin", "bo"};
    unsigned roles[2] = {ACCESS_ROLE_ADMINISTRATOR, ACCESS_ROLE_TEACHER};
    for (int i = 0; i < 2; i++) {
        auth_account_spec spec = {names[i], NULL, PW, NULL, NULL, roles[i]};
        if (auth_account_add(st, &spec, NULL, &err)) fail_msg("add %s: %s", names[i], err.msg);
    }
    return st;
}

/* One sign-in as of now; *wait (may be NULL) gets Retry-After. */
static auth_login_result try_at(store *st, const char *user, const char *pw, const char *addr,
                                int64_t now, int64_t *wait) {
    cairn_err err = {0};
    auth_login_result r;
    int64_t w = -1;
    char token[AUTH_TOKEN_LEN + 1];
    if (auth_login(st, user, pw, addr, now, &r, &w, NULL, token, &err))
        fail_msg("auth_login: %s", err.msg);
    if (r == AUTH_LOGIN_OK) assert_int_equal(strlen(token), AUTH_TOKEN_LEN);
    else assert_string_equal(token, "");
    if (r == AUTH_LOGIN_THROTTLED) assert_true(w > 0);
    else assert_int_equal(w, 0);
    if (wait) *wait = w;
    return r;
}

/* The pair's failures in the window. */
static int64_t pair_failures(store *st, const char *user, const char *addr, int64_t now) {
    cairn_err err = {0};
    int64_t p, a;
    if (auth_login_failures(st, user, addr, now, &p, &a, &err)) fail_msg("%s", err.msg);
    return p;
}

/* The issue: five anonymous failures lock nobody out but the guesser. */
static void test_no_lockout(void **state) {
    store *st = throttle_db(state, "nolockout");
    int64_t t = T0;
    for (int i = 0; i < 5; i++) {
        auth_login_result r = try_at(st, "admin", "wrong password", "198.51.100.1", t, NULL);
        if (r == AUTH_LOGIN_THROTTLED) t += AUTH_DELAY_MAX;   /* wait it out, then guess */
        else assert_int_equal(r, AUTH_LOGIN_BAD);
        if (r == AUTH_LOGIN_THROTTLED) i--;
    }
    assert_int_equal(pair_failures(st, "admin", "198.51.100.1", t), 5);
    /* the guesser must wait now ... */
    assert_int_equal(try_at(st, "admin", PW, "198.51.100.1", t, NULL), AUTH_LOGIN_THROTTLED);
    /* ... but admin from another address signs in at once */
    assert_int_equal(try_at(st, "admin", PW, "203.0.113.5", t, NULL), AUTH_LOGIN_OK);
    /* and another account from the guesser's address too */
    assert_int_equal(try_at(st, "bo", PW, "198.51.100.1", t, NULL), AUTH_LOGIN_OK);
    /* admin's success from elsewhere did not clear the guesser's pair */
    assert_int_equal(pair_failures(st, "admin", "198.51.100.1", t), 5);
    test_store_drop(st);
}

/* The pair's wait grows 1, 2, 4 ... seconds, up to AUTH_DELAY_MAX; the
** refusal comes before the password is checked and is not counted. */
static void test_delay_grows(void **state) {
    store *st = throttle_db(state, "delaygrows");
    const char *A = "198.51.100.2";
    int64_t t = T0, wait;
    for (int i = 0; i < AUTH_FAIL_FREE; i++)
        assert_int_equal(try_at(st, "admin", "wrong password", A, t, NULL), AUTH_LOGIN_BAD);
    int64_t expect = 1;
    for (int round = 0; round < 14; round++) {
        /* at once: refused, even with the right password, and not counted */
        int64_t before = pair_failures(st, "admin", A, t);
        assert_int_equal(try_at(st, "admin", PW, A, t, &wait), AUTH_LOGIN_THROTTLED);
        assert_int_equal(wait, expect);
        assert_int_equal(pair_failures(st, "admin", A, t), before);
        /* one second early: still refused, with the rest of the wait */
        if (expect > 1) {
            assert_int_equal(try_at(st, "admin", "wrong password", A, t + expect - 1, &wait),
                             AUTH_LOGIN_THROTTLED);
            assert_int_equal(wait, 1);
        }
        /* when the wait is over the guess is checked (and fails) */
        t += expect;
        assert_int_equal(try_at(st, "admin", "wrong password", A, t, NULL), AUTH_LOGIN_BAD);
        expect = expect * 2 > AUTH_DELAY_MAX ? AUTH_DELAY_MAX : expect * 2;
    }
    assert_int_equal(expect, AUTH_DELAY_MAX);               /* capped at 15 minutes */
    /* the right password after the wait signs in and clears the pair */
    t += AUTH_DELAY_MAX;
    assert_int_equal(try_at(st, "admin", PW, A, t, NULL), AUTH_LOGIN_OK);
    assert_int_equal(pair_failures(st, "admin", A, t), 0);
    assert_int_equal(try_at(st, "admin", "wrong password", A, t, NULL), AUTH_LOGIN_BAD);
    /* failures older than the window are forgotten (and deleted) */
    assert_int_equal(pair_failures(st, "admin", A, t + AUTH_FAIL_WINDOW), 0);
    test_store_drop(st);
}

/* cairn user unlock: clears the name's failures from every address. */
static void test_unlock(void **state) {
    store *st = throttle_db(state, "unlock");
    cairn_err err = {0};
    int64_t cleared = -1;
    for (int i = 0; i < AUTH_FAIL_FREE; i++) {
        assert_int_equal(try_at(st, "admin", "wrong password", "198.51.100.3", T0, NULL), AUTH_LOGIN_BAD);
        assert_int_equal(try_at(st, "admin", "wrong password", "198.51.100.4", T0, NULL), AUTH_LOGIN_BAD);
    }
    assert_int_equal(try_at(st, "bo", "wrong password", "198.51.100.3", T0, NULL), AUTH_LOGIN_BAD);
    assert_int_equal(try_at(st, "admin", PW, "198.51.100.3", T0, NULL), AUTH_LOGIN_THROTTLED);
    assert_int_equal(auth_login_unlock(st, "ADMIN", &cleared, &err), 0);
    assert_int_equal(cleared, 2 * AUTH_FAIL_FREE);
    assert_int_equal(try_at(st, "admin", PW, "198.51.100.3", T0, NULL), AUTH_LOGIN_OK);
    assert_int_equal(pair_failures(st, "admin", "198.51.100.4", T0), 0);
    assert_int_equal(pair_failures(st, "bo", "198.51.100.3", T0), 1);    /* others kept */
    assert_int_equal(auth_login_unlock(st, "bad name!", &cleared, &err), -1);
    test_store_drop(st);
}

/* One address failing a lot (many names): its pairs lose the free
** failures, but a right password for a pair without failures still works. */
static void test_address_limit(void **state) {
    store *st = throttle_db(state, "addresslimit");
    const char *C = "192.0.2.7";
    int64_t t = T0;
    for (int i = 0; i < AUTH_FAIL_MAX_ADDRESS; i++) {
        char name[32];
        snprintf(name, sizeof name, "guess%d", i);
        assert_int_equal(try_at(st, name, "wrong password", C, t, NULL), AUTH_LOGIN_BAD);
    }
    /* a colleague behind the same address, right password: in */
    assert_int_equal(try_at(st, "bo", PW, C, t, NULL), AUTH_LOGIN_OK);
    /* a pair with one failure must now wait (no free failures) */
    assert_int_equal(try_at(st, "guess0", "wrong password", C, t, NULL), AUTH_LOGIN_THROTTLED);
    assert_int_equal(try_at(st, "admin", "wrong password", C, t, NULL), AUTH_LOGIN_BAD);
    assert_int_equal(try_at(st, "admin", PW, C, t, NULL), AUTH_LOGIN_THROTTLED);
    /* another address is not affected */
    assert_int_equal(try_at(st, "admin", PW, "192.0.2.8", t, NULL), AUTH_LOGIN_OK);
    /* after the address window its free failures come back */
    t += AUTH_ADDRESS_WINDOW + 1;
    assert_int_equal(try_at(st, "guess1", "wrong password", C, t, NULL), AUTH_LOGIN_BAD);
    test_store_drop(st);
}

/* A disabled account: the right password says so, a wrong one does not. */
static void test_disabled(void **state) {
    store *st = throttle_db(state, "disabled");
    cairn_err err = {0};
    assert_int_equal(auth_account_disable(st, "bo", 1, &err), 0);
    assert_int_equal(try_at(st, "bo", PW, "10.1.1.1", T0, NULL), AUTH_LOGIN_DISABLED);
    assert_int_equal(try_at(st, "bo", "wrong password", "10.1.1.1", T0, NULL), AUTH_LOGIN_BAD);
    assert_int_equal(try_at(st, "nobody", PW, "10.1.1.1", T0, NULL), AUTH_LOGIN_BAD);
    assert_int_equal(auth_account_disable(st, "bo", 0, &err), 0);
    assert_int_equal(try_at(st, "bo", PW, "10.1.1.1", T0, NULL), AUTH_LOGIN_OK);
    test_store_drop(st);
}

int main(void) {
    setenv("CAIRN_PWHASH_FAST", "1", 1);
    const struct CMUnitTest tests[] = {
        BOTH(test_no_lockout),
        BOTH(test_delay_grows),
        BOTH(test_unlock),
        BOTH(test_address_limit),
        BOTH(test_disabled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
