/*
** tests/unit/test_tokens.c — API tokens: expiry (by the injectable clock,
** auth_clock_set), public ids, listing and revoking, and web migration 3
** (public ids and expiries for tokens made before it), on SQLite and
** PostgreSQL.
*/
#include "testutil.h"
#include "school/school.h"
#include "support/support.h"
#include "web/auth.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T0  1750000000LL   /* an arbitrary "now" */
#define DAY 86400LL

static int64_t clock_value = T0;

/* The test clock: whatever clock_value says. */
static int64_t test_clock(void) {
    return clock_value;
}

/* A fresh database with every room's tables and one institution (id 1). */
static store *tokens_db(void **state, const char *name) {
    cairn_err err = {0};
    store *st = test_store_fresh(KIND(state), name);
    if (school_migrate(st, NULL, &err) || support_migrate(st, NULL, &err) ||
        web_migrate(st, NULL, &err))
        fail_msg("migrate: %s", err.msg);
    if (store_exec(st, "INSERT INTO institution (id, code, name, created_at) VALUES"
                       " (1, 'INST', 'Test school', '2025-01-01T00:00:00Z')", &err))
        fail_msg("%s", err.msg);
    return st;
}

/* Add an account with the teacher role; returns its id. */
static int64_t add_user(store *st, const char *name) {
    cairn_err err = {0};
    int64_t id = 0;
    auth_account_spec spec = {name, NULL, "a good long password", NULL, NULL, ACCESS_ROLE_TEACHER};
    if (auth_account_add(st, &spec, &id, &err)) fail_msg("auth_account_add %s: %s", name, err.msg);
    return id;
}

/* A new token expires after 90 days by default (as the clock says), and an
** expired token is refused like an unknown one. */
static void test_token_expiry(void **state) {
    store *st = tokens_db(state, "tokens_expiry");
    cairn_err err = {0};
    int64_t id = add_user(st, "ana");
    auth_clock_fn old = auth_clock_set(test_clock);
    clock_value = T0;
    assert_int_equal(auth_token_expiry(auth_now(), 0), T0 + 90 * DAY);
    assert_int_equal(auth_token_expiry(auth_now(), 1), T0 + DAY);
    assert_int_equal(auth_token_expiry(auth_now(), AUTH_TOKEN_DAYS_MAX), T0 + 366 * DAY);
    char tok[AUTH_API_TOKEN_LEN + 1], short_tok[AUTH_API_TOKEN_LEN + 1];
    assert_int_equal(auth_token_create(st, id, "default", auth_now(),
                                       auth_token_expiry(auth_now(), 0), tok, &err), 0);
    assert_int_equal(auth_token_create(st, id, "one day", auth_now(),
                                       auth_token_expiry(auth_now(), 1), short_tok, &err), 0);
    auth_session s;
    clock_value = T0 + DAY - 1;
    assert_int_equal(auth_token_lookup(st, short_tok, auth_now(), &s, &err), 0);
    clock_value = T0 + DAY;
    assert_int_equal(auth_token_lookup(st, short_tok, auth_now(), &s, &err), 1);
    assert_string_equal(s.username, "");
    clock_value = T0 + 90 * DAY - 1;
    assert_int_equal(auth_token_lookup(st, tok, auth_now(), &s, &err), 0);
    assert_string_equal(s.username, "ana");
    clock_value = T0 + 90 * DAY;
    assert_int_equal(auth_token_lookup(st, tok, auth_now(), &s, &err), 1);
    assert_int_equal(s.via_api_token, 0);
    auth_clock_set(old);
    store_close(st);
}

/* Tokens are listed by public id (never the secret), newest first, with
** their last use; revoking by id needs the right account. */
static void test_token_list_revoke(void **state) {
    store *st = tokens_db(state, "tokens_list");
    cairn_err err = {0};
    int64_t ana = add_user(st, "ana"), ben = add_user(st, "ben");
    char tok1[AUTH_API_TOKEN_LEN + 1], tok2[AUTH_API_TOKEN_LEN + 1];
    char id1[AUTH_TOKEN_ID_LEN + 1], id2[AUTH_TOKEN_ID_LEN + 1];
    assert_int_equal(auth_token_create_id(st, ana, "first", T0, T0 + DAY, tok1, id1, &err), 0);
    assert_int_equal(auth_token_create_id(st, ana, "second", T0 + 10, T0 + 2 * DAY, tok2, id2,
                                          &err), 0);
    assert_int_equal(strlen(id1), AUTH_TOKEN_ID_LEN);
    assert_null(strstr(tok1, id1));   /* the id is not part of the secret */
    assert_string_not_equal(id1, id2);
    auth_session s;
    assert_int_equal(auth_token_lookup(st, tok1, T0 + 100, &s, &err), 0);
    auth_token_info *rows;
    size_t n;
    assert_int_equal(auth_token_list(st, ana, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].id, id2);
    assert_string_equal(rows[0].name, "second");
    assert_int_equal(rows[0].last_used_at, 0);
    assert_int_equal(rows[0].expires_at, T0 + 2 * DAY);
    assert_string_equal(rows[1].id, id1);
    assert_int_equal(rows[1].created_at, T0);
    assert_int_equal(rows[1].last_used_at, T0 + 100);
    free(rows);
    assert_int_equal(auth_token_list(st, ben, &rows, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_null(rows);
    /* ben cannot revoke ana's token; an unknown or malformed id is "not found" */
    assert_int_equal(auth_token_revoke_id(st, ben, id1, &err), -1);
    assert_int_equal(err.code, CAIRN_ENOTFOUND);
    assert_int_equal(auth_token_revoke_id(st, ana, "000000000000", &err), -1);
    assert_int_equal(auth_token_revoke_id(st, ana, "x' OR 1=1", &err), -1);
    assert_int_equal(auth_token_lookup(st, tok1, T0 + 200, &s, &err), 0);
    assert_int_equal(auth_token_revoke_id(st, ana, id1, &err), 0);
    assert_int_equal(auth_token_lookup(st, tok1, T0 + 200, &s, &err), 1);
    assert_int_equal(auth_token_lookup(st, tok2, T0 + 200, &s, &err), 0);
    int64_t gone = -1;
    assert_int_equal(auth_token_revoke_all(st, ana, &gone, &err), 0);
    assert_int_equal(gone, 1);
    assert_int_equal(auth_token_lookup(st, tok2, T0 + 200, &s, &err), 1);
    store_close(st);
}

/* Web migration 3 gives tokens made before it a public id and, when they
** had no expiry, one 90 days from the upgrade (the database's clock). */
static void test_token_migration(void **state) {
    cairn_err err = {0};
    store *st = test_store_fresh(KIND(state), "tokens_migration");
    if (school_migrate(st, NULL, &err)) fail_msg("migrate: %s", err.msg);
    static const store_migration before[] = {   /* web 1 and 2 as far as tokens go */
        {"web", 1, "sessions, API tokens, login attempts",
         "CREATE TABLE api_token ("
         " token_hash TEXT PRIMARY KEY,"
         " account_id BIGINT NOT NULL REFERENCES account(id),"
         " name TEXT NOT NULL, created_at BIGINT NOT NULL,"
         " last_used_at BIGINT, expires_at BIGINT);"},
        {"web", 2, "(empty: its tables moved to the support room)", ""},
    };
    if (store_migrate(st, before, 2, NULL, &err)) fail_msg("web 1-2: %s", err.msg);
    if (store_exec(st, "INSERT INTO institution (id, code, name, created_at) VALUES"
                       " (1, 'INST', 'Test school', '2025-01-01T00:00:00Z')", &err))
        fail_msg("%s", err.msg);
    int64_t ana = add_user(st, "ana");
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO api_token (token_hash, account_id, name, created_at, expires_at) VALUES"
             " ('%064d', %lld, 'old', 1, NULL), ('1%063d', %lld, 'dated', 1, 5)",
             0, (long long)ana, 0, (long long)ana);
    if (store_exec(st, sql, &err)) fail_msg("%s", err.msg);
    int64_t before_s = (int64_t)time(NULL);
    int applied = 0;
    assert_int_equal(web_migrate(st, &applied, &err), 0);
    int64_t after_s = (int64_t)time(NULL);
    assert_int_equal(applied, 2);   /* web 3 (tokens) and 4 (list views) */
    auth_token_info *rows;
    size_t n;
    assert_int_equal(auth_token_list(st, ana, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        auth_token_info *t = &rows[i];
        if (!strcmp(t->name, "dated")) {
            assert_string_equal(t->id, "100000000000");
            assert_int_equal(t->expires_at, 5);   /* an expiry it had is kept */
        } else {
            assert_string_equal(t->id, "000000000000");
            assert_in_range(t->expires_at, before_s + 90 * DAY, after_s + 90 * DAY);
        }
    }
    free(rows);
    assert_int_equal(auth_token_revoke_id(st, ana, "000000000000", &err), 0);
    store_close(st);
}

/* Changing a password ends the account's other sessions (all of them from
** the command line) and, when asked, its API tokens; other accounts keep
** theirs. */
static void test_password_change(void **state) {
    store *st = tokens_db(state, "tokens_passwd");
    cairn_err err = {0};
    int64_t ana = add_user(st, "ana"), ben = add_user(st, "ben");
    char s1[AUTH_TOKEN_LEN + 1], s2[AUTH_TOKEN_LEN + 1], sb[AUTH_TOKEN_LEN + 1];
    char tok[AUTH_API_TOKEN_LEN + 1], tokb[AUTH_API_TOKEN_LEN + 1];
    assert_int_equal(auth_session_create(st, ana, T0, s1, &err), 0);
    assert_int_equal(auth_session_create(st, ana, T0, s2, &err), 0);
    assert_int_equal(auth_session_create(st, ben, T0, sb, &err), 0);
    assert_int_equal(auth_token_create(st, ana, "a", T0, T0 + DAY, tok, &err), 0);
    assert_int_equal(auth_token_create(st, ben, "b", T0, T0 + DAY, tokb, &err), 0);
    auth_session s, keep;
    /* from a page: this session stays, the others end; tokens stay */
    assert_int_equal(auth_session_lookup(st, s1, T0 + 1, &keep, &err), 0);
    int64_t revoked = -1;
    assert_int_equal(auth_account_password_change(st, "ana", "another good password",
                                                  keep.token_hash, 0, &revoked, &err), 0);
    assert_int_equal(revoked, 0);
    assert_int_equal(auth_session_lookup(st, s1, T0 + 2, &s, &err), 0);
    assert_int_equal(auth_session_lookup(st, s2, T0 + 2, &s, &err), 1);
    assert_int_equal(auth_token_lookup(st, tok, T0 + 2, &s, &err), 0);
    /* a bad password changes nothing */
    assert_int_equal(auth_account_password_change(st, "ana", "short", NULL, 1, &revoked, &err), -1);
    assert_int_equal(auth_token_lookup(st, tok, T0 + 2, &s, &err), 0);
    assert_int_equal(auth_session_lookup(st, s1, T0 + 2, &s, &err), 0);
    /* the command line with --revoke-tokens: every session and token ends */
    assert_int_equal(auth_account_password_change(st, "ana", "a third good password", NULL, 1,
                                                  &revoked, &err), 0);
    assert_int_equal(revoked, 1);
    assert_int_equal(auth_session_lookup(st, s1, T0 + 3, &s, &err), 1);
    assert_int_equal(auth_token_lookup(st, tok, T0 + 3, &s, &err), 1);
    assert_int_equal(auth_session_lookup(st, sb, T0 + 3, &s, &err), 0);
    assert_int_equal(auth_token_lookup(st, tokb, T0 + 3, &s, &err), 0);
    store_close(st);
}

int main(void) {
    setenv("CAIRN_PWHASH_FAST", "1", 1);
    const struct CMUnitTest tests[] = {
        BOTH(test_token_expiry),
        BOTH(test_token_list_revoke),
        BOTH(test_token_migration),
        BOTH(test_password_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
