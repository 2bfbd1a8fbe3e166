/*
** tests/unit/test_auth.c — passwords, sessions, sign-in rate limiting, API
** tokens, CSRF and the web gate (web/auth.h), on SQLite and PostgreSQL.
**
** Time is a parameter of every clock-dependent call, so the timeouts are
** tested by passing later times, not by waiting.  CAIRN_PWHASH_FAST=1 is set
** for speed except where a test needs the real (INTERACTIVE) limits.
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/mem.h"
#include "school/school.h"
#include "support/support.h"
#include "web/auth.h"
#include "risk/risk.h"
#include "web/server.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1750000000LL   /* an arbitrary "now" */

/* A fresh database with the school, risk, support and web tables and one institution
** (id 1, code INST). */
static store *auth_db(void **state, const char *name) {
    cairn_err err = {0};
    store *st = test_store_fresh(KIND(state), name);
    if (school_migrate(st, NULL, &err) || risk_migrate(st, NULL, &err) ||
        support_migrate(st, NULL, &err) || web_migrate(st, NULL, &err))
        fail_msg("migrate: %s", err.msg);
    if (store_exec(st, "INSERT INTO institution (id, code, name, created_at) VALUES"
                       " (1, 'INST', 'Test school', '2025-01-01T00:00:00Z')", &err))
        fail_msg("%s", err.msg);
    return st;
}

/* Add an account with one role; returns its id. */
static int64_t add_user(store *st, const char *name, const char *pw, unsigned role) {
    cairn_err err = {0};
    int64_t id = 0;
    auth_account_spec spec = {name, NULL, pw, NULL, NULL, role};
    if (auth_account_add(st, &spec, &id, &err)) fail_msg("auth_account_add %s: %s", name, err.msg);
    return id;
}

/* The one int64 that sql gives. */
static int64_t q64(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t v = -1;
    if (store_query_int64(st, sql, -1, &v, &err)) fail_msg("%s: %s", sql, err.msg);
    return v;
}

/* The stored password hash of account id (caller frees). */
static char *stored_hash(store *st, int64_t id) {
    cairn_err err = {0};
    store_stmt *q = store_prepare(st, "SELECT password_hash FROM account WHERE id = ?", &err);
    assert_non_null(q);
    store_bind_int64(q, 1, id);
    assert_int_equal(store_step(q, &err), STORE_ROW);
    char *h = xstrdup(store_col_text(q, 0));
    store_finalize(q);
    return h;
}

/* ---- passwords --------------------------------------------------------------- */

static void test_password_hash_verify(void **state) {
    (void)state;
    cairn_err err = {0};
    char h1[AUTH_HASH_MAX], h2[AUTH_HASH_MAX];
    assert_int_equal(auth_password_hash("correct horse battery", h1, &err), 0);
    assert_int_equal(auth_password_hash("correct horse battery", h2, &err), 0);
    assert_true(strncmp(h1, "$argon2id$", 10) == 0);
    assert_string_not_equal(h1, h2);                       /* salted */
    assert_int_equal(auth_password_verify(h1, "correct horse battery"), 1);
    assert_int_equal(auth_password_verify(h2, "correct horse battery"), 1);
    assert_int_equal(auth_password_verify(h1, "correct horse batterY"), 0);
    assert_int_equal(auth_password_verify(h1, ""), 0);
    assert_int_equal(auth_password_verify(NULL, "correct horse battery"), 0);
    assert_int_equal(auth_password_verify("$argon2id$garbage", "correct horse battery"), 0);
    assert_int_equal(auth_password_verify("", "correct horse battery"), 0);
}

static void test_password_policy(void **state) {
    (void)state;
    cairn_err err = {0};
    char h[AUTH_HASH_MAX];
    assert_int_equal(auth_password_check("four plain word", NULL, &err), 0);   /* 15 */
    assert_int_equal(auth_password_check("four plain wor", NULL, &err), -1);   /* 14 characters */
    assert_non_null(strstr(err.msg, "too short"));
    /* characters, not bytes: 15 two-byte letters pass, 14 do not */
    assert_int_equal(auth_password_check("\xC3\xA4\xC3\xB6 \xC3\xBC\xC3\xA4\xC3\xB6k \xC3\xA9t\xC3\xA9 gr\xC3\xBC", NULL, &err), 0);
    assert_int_equal(auth_password_check("\xC3\xA4\xC3\xB6 \xC3\xBC\xC3\xA4\xC3\xB6k \xC3\xA9t\xC3\xA9 gr", NULL, &err), -1);
    assert_int_equal(auth_password_check("abcdefghij klmno\x01", NULL, &err), -1);
    assert_non_null(strstr(err.msg, "control"));
    assert_int_equal(auth_password_check("abcdefghij klmno\xFF", NULL, &err), -1);
    assert_non_null(strstr(err.msg, "UTF-8"));
    char *big = xmalloc(AUTH_PASSWORD_MAX + 2);
    memset(big, 'a', AUTH_PASSWORD_MAX + 1);
    big[AUTH_PASSWORD_MAX + 1] = 0;
    assert_int_equal(auth_password_check(big, NULL, &err), -1);
    assert_int_equal(auth_password_hash(big, h, &err), -1);
    free(big);
    assert_int_equal(auth_password_check("short", NULL, &err), -1);
    /* the hash checks only the form: an old short password can be re-hashed */
    assert_int_equal(auth_password_hash("short", h, &err), 0);
    assert_int_equal(auth_password_hash("", h, &err), -1);
}

static void test_password_rehash(void **state) {
    (void)state;
    cairn_err err = {0};
    char fast[AUTH_HASH_MAX], real[AUTH_HASH_MAX];
    assert_int_equal(auth_password_hash("correct horse battery", fast, &err), 0);
    assert_int_equal(auth_password_needs_rehash(fast), 0);
    unsetenv("CAIRN_PWHASH_FAST");
    assert_int_equal(auth_password_needs_rehash(fast), 1);      /* weaker than INTERACTIVE */
    assert_int_equal(auth_password_hash("correct horse battery", real, &err), 0);
    assert_int_equal(auth_password_needs_rehash(real), 0);
    assert_int_equal(auth_password_verify(real, "correct horse battery"), 1);
    setenv("CAIRN_PWHASH_FAST", "1", 1);
    assert_int_equal(auth_password_needs_rehash(real), 1);
    assert_int_equal(auth_password_needs_rehash(NULL), 1);
    assert_int_equal(auth_password_needs_rehash("not a hash"), 1);
}

/* Signing in re-makes a hash whose limits are old. */
static void test_login_rehashes(void **state) {
    store *st = auth_db(state, "rehash");
    cairn_err err = {0};
    int64_t id = add_user(st, "ana", "correct horse battery", ACCESS_ROLE_TEACHER);
    char *before = stored_hash(st, id);
    unsetenv("CAIRN_PWHASH_FAST");
    assert_int_equal(auth_password_needs_rehash(before), 1);
    auth_login_result r;
    char token[AUTH_TOKEN_LEN + 1];
    assert_int_equal(auth_login(st, "ana", "correct horse battery", "10.0.0.1", T0, &r, NULL, NULL,
                                token, &err), 0);
    assert_int_equal(r, AUTH_LOGIN_OK);
    char *after = stored_hash(st, id);
    assert_string_not_equal(before, after);
    assert_int_equal(auth_password_needs_rehash(after), 0);
    assert_int_equal(auth_password_verify(after, "correct horse battery"), 1);
    /* a current hash is left alone */
    assert_int_equal(auth_login(st, "ana", "correct horse battery", "10.0.0.1", T0 + 1, &r, NULL, NULL,
                                token, &err), 0);
    char *again = stored_hash(st, id);
    assert_string_equal(after, again);
    setenv("CAIRN_PWHASH_FAST", "1", 1);
    free(before);
    free(after);
    free(again);
    test_store_drop(st);
}

static void test_username(void **state) {
    (void)state;
    cairn_err err = {0};
    char out[AUTH_USERNAME_MAX + 1];
    assert_int_equal(auth_username_normalise("Anna.Berg@School-1", out, &err), 0);
    assert_string_equal(out, "anna.berg@school-1");
    assert_int_equal(auth_username_normalise("", out, &err), -1);
    assert_int_equal(auth_username_normalise(".anna", out, &err), -1);
    assert_int_equal(auth_username_normalise("an na", out, &err), -1);
    assert_int_equal(auth_username_normalise("anna'--", out, &err), -1);
    assert_int_equal(auth_username_normalise("\xC3\xA4nna", out, &err), -1);
    char longname[AUTH_USERNAME_MAX + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    assert_int_equal(auth_username_normalise(longname, out, &err), -1);
}

/* ---- accounts ------------------------------------------------------------------- */

static void test_accounts(void **state) {
    store *st = auth_db(state, "accounts");
    cairn_err err = {0};
    auth_account a;
    add_user(st, "Ana", "correct horse battery", ACCESS_ROLE_TEACHER);
    assert_int_equal(auth_account_find(st, "ANA", &a, &err), 0);
    assert_string_equal(a.username, "ana");
    assert_int_equal(a.roles, ACCESS_ROLE_TEACHER);
    assert_string_equal(a.institution_code, "INST");
    /* taken name, unknown staff, no role, weak password: nothing written */
    auth_account_spec dup = {"ana", NULL, "correct horse battery", NULL, NULL, ACCESS_ROLE_TEACHER};
    assert_int_equal(auth_account_add(st, &dup, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "taken"));
    auth_account_spec nostaff = {"bo", NULL, "correct horse battery", NULL, "S404",
                                 ACCESS_ROLE_TEACHER};
    assert_int_equal(auth_account_add(st, &nostaff, NULL, &err), -1);
    assert_int_equal(err.code, CAIRN_ENOTFOUND);
    auth_account_spec norole = {"bo", NULL, "correct horse battery", NULL, NULL, 0};
    assert_int_equal(auth_account_add(st, &norole, NULL, &err), -1);
    auth_account_spec weak = {"bo", NULL, "weak", NULL, NULL, ACCESS_ROLE_TEACHER};
    assert_int_equal(auth_account_add(st, &weak, NULL, &err), -1);
    auth_account_spec noinst = {"bo", NULL, "correct horse battery", "NOPE", NULL,
                                ACCESS_ROLE_TEACHER};
    assert_int_equal(auth_account_add(st, &noinst, NULL, &err), -1);
    assert_int_equal(q64(st, "SELECT count(*) FROM account"), 1);
    /* roles */
    assert_int_equal(auth_account_role_change(st, "ana", ACCESS_ROLE_KEY_WORKER, 1, &err), 0);
    assert_int_equal(auth_account_role_change(st, "ana", ACCESS_ROLE_KEY_WORKER, 1, &err), -1);
    assert_non_null(strstr(err.msg, "already"));
    assert_int_equal(auth_account_role_change(st, "ana", ACCESS_ROLE_TEACHER, 0, &err), 0);
    assert_int_equal(auth_account_role_change(st, "ana", ACCESS_ROLE_TEACHER, 0, &err), -1);
    assert_int_equal(auth_account_find(st, "ana", &a, &err), 0);
    assert_int_equal(a.roles, ACCESS_ROLE_KEY_WORKER);
    assert_int_equal(auth_account_role_change(st, "nobody", ACCESS_ROLE_TEACHER, 1, &err), -1);
    assert_int_equal(err.code, CAIRN_ENOTFOUND);
    /* list */
    add_user(st, "bo", "correct horse battery", ACCESS_ROLE_SCHOOL_LEADER);
    auth_account *rows;
    size_t n;
    assert_int_equal(auth_account_list(st, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].username, "ana");
    assert_string_equal(rows[1].username, "bo");
    assert_int_equal(rows[1].roles, ACCESS_ROLE_SCHOOL_LEADER);
    free(rows);
    test_store_drop(st);
}

/* ---- sessions ----------------------------------------------------------------------- */

static void test_session_lifecycle(void **state) {
    store *st = auth_db(state, "sessions");
    cairn_err err = {0};
    auth_session s;
    char tok[AUTH_TOKEN_LEN + 1], tok2[AUTH_TOKEN_LEN + 1];
    int64_t id = add_user(st, "ana", "correct horse battery", ACCESS_ROLE_TEACHER);

    assert_int_equal(auth_session_create(st, id, T0, tok, &err), 0);
    assert_int_equal(strlen(tok), AUTH_TOKEN_LEN);
    /* only the hash is stored */
    assert_int_equal(q64(st, "SELECT count(*) FROM web_session"), 1);
    cairn_err e2 = {0};
    store_stmt *q = store_prepare(st, "SELECT count(*) FROM web_session WHERE token_hash = ?", &e2);
    store_bind_text(q, 1, tok, (size_t)-1);
    assert_int_equal(store_step(q, &e2), STORE_ROW);
    assert_int_equal(store_col_int64(q, 0), 0);
    store_finalize(q);

    assert_int_equal(auth_session_lookup(st, tok, T0 + 10, &s, &err), 0);
    assert_string_equal(s.username, "ana");
    assert_int_equal(s.who.account_id, id);
    assert_int_equal(s.who.institution_id, 1);
    assert_int_equal(s.who.roles, ACCESS_ROLE_TEACHER);
    assert_int_equal(strlen(s.csrf), AUTH_TOKEN_LEN);
    assert_int_equal(s.last_seen_at, T0);                     /* not touched within 60 s */
    assert_int_equal(auth_session_lookup(st, tok, T0 + AUTH_TOUCH_SECONDS, &s, &err), 0);
    assert_int_equal(s.last_seen_at, T0 + AUTH_TOUCH_SECONDS);  /* touched */

    /* wrong, malformed, upper-case tokens are not found */
    char wrong[AUTH_TOKEN_LEN + 1];
    memcpy(wrong, tok, sizeof wrong);
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    assert_int_equal(auth_session_lookup(st, wrong, T0 + 100, &s, &err), 1);
    assert_int_equal(auth_session_lookup(st, "abc", T0 + 100, &s, &err), 1);
    assert_int_equal(auth_session_lookup(st, NULL, T0 + 100, &s, &err), 1);

    /* idle: 30 minutes after the last request it is gone, row and all */
    int64_t seen = T0 + AUTH_TOUCH_SECONDS;
    assert_int_equal(auth_session_lookup(st, tok, seen + AUTH_IDLE_SECONDS - 1, &s, &err), 0);
    seen += AUTH_IDLE_SECONDS - 1;
    assert_int_equal(auth_session_lookup(st, tok, seen + AUTH_IDLE_SECONDS, &s, &err), 1);
    assert_int_equal(q64(st, "SELECT count(*) FROM web_session"), 0);
    assert_int_equal(auth_session_lookup(st, tok, seen + 1, &s, &err), 1);   /* stays gone */

    /* absolute: used every 20 minutes, still ends 12 hours after it began */
    assert_int_equal(auth_session_create(st, id, T0, tok, &err), 0);
    int64_t t = T0;
    for (; t + 20 * 60 < T0 + AUTH_ABSOLUTE_SECONDS; t += 20 * 60)
        assert_int_equal(auth_session_lookup(st, tok, t, &s, &err), 0);
    assert_int_equal(auth_session_lookup(st, tok, T0 + AUTH_ABSOLUTE_SECONDS, &s, &err), 1);

    /* rotation: new token and CSRF token, old token dead, start kept */
    assert_int_equal(auth_session_create(st, id, T0, tok, &err), 0);
    assert_int_equal(auth_session_lookup(st, tok, T0 + 100, &s, &err), 0);
    char old_csrf[AUTH_TOKEN_LEN + 1];
    memcpy(old_csrf, s.csrf, sizeof old_csrf);
    assert_int_equal(auth_session_rotate(st, tok, T0 + 200, tok2, &err), 0);
    assert_string_not_equal(tok, tok2);
    assert_int_equal(auth_session_lookup(st, tok, T0 + 300, &s, &err), 1);
    assert_int_equal(auth_session_lookup(st, tok2, T0 + 300, &s, &err), 0);
    assert_string_not_equal(s.csrf, old_csrf);
    assert_int_equal(s.created_at, T0);
    assert_int_equal(auth_session_lookup(st, tok2, T0 + AUTH_ABSOLUTE_SECONDS, &s, &err), 1);
    assert_int_equal(auth_session_rotate(st, tok, T0 + 300, tok2, &err), 1);  /* dead token */

    /* sign-out */
    assert_int_equal(auth_session_create(st, id, T0, tok, &err), 0);
    assert_int_equal(auth_session_end(st, tok, &err), 0);
    assert_int_equal(auth_session_lookup(st, tok, T0 + 1, &s, &err), 1);

    /* a new password and disabling end every session */
    assert_int_equal(auth_session_create(st, id, T0, tok, &err), 0);
    assert_int_equal(auth_account_password_set(st, "ana", "another good password", &err), 0);
    assert_int_equal(auth_session_lookup(st, tok, T0 + 1, &s, &err), 1);
    assert_int_equal(auth_session_create(st, id, T0, tok, &err), 0);
    assert_int_equal(auth_account_disable(st, "ana", 1, &err), 0);
    assert_int_equal(auth_session_lookup(st, tok, T0 + 1, &s, &err), 1);
    /* a session made while disabled (cannot happen through sign-in) is refused too */
    assert_int_equal(auth_session_create(st, id, T0, tok, &err), 0);
    assert_int_equal(auth_session_lookup(st, tok, T0 + 1, &s, &err), 1);
    test_store_drop(st);
}

/* A test clock that always says T0 + 42. */
static int64_t fixed_clock(void) {
    return T0 + 42;
}

static void test_clock(void **state) {
    (void)state;
    assert_true(auth_now() > T0 - 1000000000LL);
    auth_clock_fn old = auth_clock_set(fixed_clock);
    assert_int_equal(auth_now(), T0 + 42);
    assert_ptr_equal(auth_clock_set(old), fixed_clock);
    assert_int_not_equal(auth_now(), T0 + 42);
}

/* ---- API tokens --------------------------------------------------------------------------- */

static void test_api_tokens(void **state) {
    store *st = auth_db(state, "apitokens");
    cairn_err err = {0};
    auth_session s;
    int64_t id = add_user(st, "ana", "correct horse battery", ACCESS_ROLE_KEY_WORKER);
    char tok[AUTH_API_TOKEN_LEN + 1], tok2[AUTH_API_TOKEN_LEN + 1];
    assert_int_equal(auth_token_create(st, id, "script", T0, 0, tok, &err), 0);
    assert_int_equal(strlen(tok), AUTH_API_TOKEN_LEN);
    assert_true(strncmp(tok, "cairn_", 6) == 0);
    assert_int_equal(auth_token_lookup(st, tok, T0 + 5, &s, &err), 0);
    assert_int_equal(s.via_api_token, 1);
    assert_string_equal(s.csrf, "");
    assert_int_equal(s.who.roles, ACCESS_ROLE_KEY_WORKER);
    tok[10] = tok[10] == 'a' ? 'b' : 'a';
    assert_int_equal(auth_token_lookup(st, tok, T0 + 5, &s, &err), 1);
    assert_int_equal(auth_token_lookup(st, "cairn_xyz", T0 + 5, &s, &err), 1);
    /* expiry */
    assert_int_equal(auth_token_create(st, id, "week", T0, T0 + 7 * 86400, tok2, &err), 0);
    assert_int_equal(auth_token_lookup(st, tok2, T0 + 7 * 86400 - 1, &s, &err), 0);
    assert_int_equal(auth_token_lookup(st, tok2, T0 + 7 * 86400, &s, &err), 1);
    assert_int_equal(auth_token_create(st, id, "past", T0, T0 - 1, tok2, &err), -1);
    assert_int_equal(auth_token_create(st, id, "", T0, 0, tok2, &err), -1);
    /* revoke; disabled account */
    assert_int_equal(auth_token_create(st, id, "again", T0, 0, tok2, &err), 0);
    assert_int_equal(auth_token_revoke(st, tok2, &err), 0);
    assert_int_equal(auth_token_lookup(st, tok2, T0 + 5, &s, &err), 1);
    assert_int_equal(auth_token_create(st, id, "again", T0, 0, tok2, &err), 0);
    assert_int_equal(auth_account_disable(st, "ana", 1, &err), 0);
    assert_int_equal(auth_token_lookup(st, tok2, T0 + 5, &s, &err), 1);
    test_store_drop(st);
}

/* ---- CSRF, origins and the gate --------------------------------------------------------------- */

static void test_csrf_equal(void **state) {
    (void)state;
    char a[AUTH_TOKEN_LEN + 1], b[AUTH_TOKEN_LEN + 1];
    memset(a, 'a', AUTH_TOKEN_LEN);
    a[AUTH_TOKEN_LEN] = 0;
    memcpy(b, a, sizeof b);
    assert_int_equal(auth_csrf_equal(a, b), 1);
    b[AUTH_TOKEN_LEN - 1] = 'b';
    assert_int_equal(auth_csrf_equal(a, b), 0);
    assert_int_equal(auth_csrf_equal(a, NULL), 0);
    assert_int_equal(auth_csrf_equal(NULL, a), 0);
    assert_int_equal(auth_csrf_equal(a, ""), 0);
    assert_int_equal(auth_csrf_equal("", ""), 0);          /* no token is never a match */
    assert_int_equal(auth_csrf_equal("abc", "abc"), 0);    /* too short to be one */
}

static void test_origin_allowed(void **state) {
    (void)state;
    assert_int_equal(auth_origin_allowed("same-origin", NULL, "h:1", 0), 1);
    assert_int_equal(auth_origin_allowed("none", NULL, "h:1", 0), 1);
    assert_int_equal(auth_origin_allowed("cross-site", NULL, "h:1", 0), 0);
    assert_int_equal(auth_origin_allowed("same-site", NULL, "h:1", 0), 0);
    /* Sec-Fetch-Site decides when present, whatever Origin says */
    assert_int_equal(auth_origin_allowed("cross-site", "http://h:1", "h:1", 0), 0);
    assert_int_equal(auth_origin_allowed(NULL, NULL, "h:1", 0), 1);
    assert_int_equal(auth_origin_allowed(NULL, "null", "h:1", 0), 1);
    assert_int_equal(auth_origin_allowed(NULL, "http://h:1", "h:1", 0), 1);
    assert_int_equal(auth_origin_allowed(NULL, "HTTP://H:1", "h:1", 0), 1);
    assert_int_equal(auth_origin_allowed(NULL, "http://evil.example", "h:1", 0), 0);
    assert_int_equal(auth_origin_allowed(NULL, "http://h:2", "h:1", 0), 0);
    assert_int_equal(auth_origin_allowed(NULL, "http://h:1.evil", "h:1", 0), 0);
    assert_int_equal(auth_origin_allowed(NULL, "http://h:1", "h:1", 1), 0);   /* scheme */
    assert_int_equal(auth_origin_allowed(NULL, "https://h:1", "h:1", 1), 1);
    assert_int_equal(auth_origin_allowed(NULL, "http://h:1", NULL, 0), 0);
}

/* The request arena of the last dispatch(): what the response points into
** (cookies) lives there until the next dispatch() or dispatch_done(). */
static arena *last_arena;

/* Free what the last dispatch() left. */
static void dispatch_done(void) {
    if (last_arena) arena_free(last_arena);
    last_arena = NULL;
}

/* Dispatch method path with session s (NULL = anonymous) and body; res is
** the caller's (initialised here, freed by the caller). */
static void dispatch(store *st, const char *method, const char *path, auth_session *s,
                     const char *body, web_response *res) {
    dispatch_done();
    web_request req;
    memset(&req, 0, sizeof req);
    req.method = method;
    req.path = path;
    req.body = body ? body : "";
    req.body_len = strlen(req.body);
    req.arena = last_arena = arena_new(0);
    req.st = st;
    req.client_addr = "127.0.0.1";
    req.session = s;
    web_response_init(res);
    web_dispatch(&req, res);
}

static void test_gate_csrf(void **state) {
    store *st = auth_db(state, "gate");
    cairn_err err = {0};
    auth_session s;
    char tok[AUTH_TOKEN_LEN + 1];
    int64_t id = add_user(st, "ana", "correct horse battery", ACCESS_ROLE_TEACHER);
    assert_int_equal(auth_session_create(st, id, T0, tok, &err), 0);
    assert_int_equal(auth_session_lookup(st, tok, T0, &s, &err), 0);
    web_response res;
    buf body = BUF_INIT;

    /* a state-changing request without, or with a wrong, CSRF token: 403 */
    dispatch(st, "POST", "/logout", &s, NULL, &res);
    assert_int_equal(res.status, 403);
    assert_non_null(strstr(buf_cstr(&res.body), "expired"));
    web_response_free(&res);
    dispatch(st, "POST", "/logout", &s, "csrf=0123", &res);
    assert_int_equal(res.status, 403);
    web_response_free(&res);
    char other[AUTH_TOKEN_LEN + 1];
    memcpy(other, s.csrf, sizeof other);
    other[5] = other[5] == '0' ? '1' : '0';
    buf_printf(&body, "csrf=%s", other);
    dispatch(st, "POST", "/logout", &s, buf_cstr(&body), &res);
    assert_int_equal(res.status, 403);
    web_response_free(&res);
    /* the right one passes (logout answers 303 to /login) */
    buf_reset(&body);
    buf_printf(&body, "a=1&csrf=%s&b=2", s.csrf);
    dispatch(st, "POST", "/logout", &s, buf_cstr(&body), &res);
    assert_int_equal(res.status, 303);
    assert_string_equal(res.location, "/login");
    assert_int_equal(res.ncookies, 1);
    assert_non_null(strstr(res.cookies[0], "Max-Age=0"));
    web_response_free(&res);
    /* another session's token does not pass */
    char tok2[AUTH_TOKEN_LEN + 1];
    auth_session s2;
    assert_int_equal(auth_session_create(st, id, T0, tok2, &err), 0);
    assert_int_equal(auth_session_lookup(st, tok2, T0, &s2, &err), 0);
    buf_reset(&body);
    buf_printf(&body, "csrf=%s", s2.csrf);
    dispatch(st, "POST", "/logout", &s, buf_cstr(&body), &res);
    assert_int_equal(res.status, 403);
    web_response_free(&res);
    /* before sign-in, POST /login needs the login cookie's token */
    dispatch(st, "POST", "/login", NULL, "username=ana&password=correct+horse+battery", &res);
    assert_int_equal(res.status, 403);
    assert_int_equal(res.ncookies, 0);
    web_response_free(&res);
    /* a GET needs no token; without a session a page sends you to sign in */
    dispatch(st, "GET", "/", NULL, NULL, &res);
    assert_int_equal(res.status, 303);
    assert_string_equal(res.location, "/login");
    web_response_free(&res);
    dispatch(st, "GET", "/", &s, NULL, &res);      /* signed in: the home page */
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(buf_cstr(&res.body), "action=\"/logout\""));
    web_response_free(&res);
    dispatch(st, "GET", "/programmes", &s, NULL, &res);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(buf_cstr(&res.body), "action=\"/logout\""));
    assert_non_null(strstr(buf_cstr(&res.body), s.csrf));
    web_response_free(&res);
    dispatch(st, "GET", "/login", NULL, NULL, &res);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(buf_cstr(&res.body), "autocomplete=\"current-password\""));
    assert_int_equal(res.ncookies, 1);
    assert_non_null(strstr(res.cookies[0], "cairn_login="));
    assert_non_null(strstr(res.cookies[0], "HttpOnly"));
    web_response_free(&res);
    dispatch_done();
    buf_free(&body);
    test_store_drop(st);
}

/* The cookie attributes, plain and behind a TLS proxy. */
static void test_cookies(void **state) {
    (void)state;
    web_request req;
    web_response res;
    memset(&req, 0, sizeof req);
    req.arena = arena_new(0);
    web_response_init(&res);
    auth_cookie_set(&req, &res, "abc");
    assert_string_equal(res.cookies[0], "cairn_session=abc; Path=/; HttpOnly; SameSite=Lax");
    req.secure = 1;
    auth_cookie_set(&req, &res, "abc");
    assert_string_equal(res.cookies[1],
                        "__Host-cairn=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
    auth_cookie_set(&req, &res, NULL);
    assert_non_null(strstr(res.cookies[2], "__Host-cairn=; "));
    assert_non_null(strstr(res.cookies[2], "Max-Age=0"));
    web_response_free(&res);
    arena_free(req.arena);
}

/* The form parser the gate reads the CSRF token with. */
static void test_form_fields(void **state) {
    (void)state;
    web_request req;
    memset(&req, 0, sizeof req);
    req.arena = arena_new(0);
    req.body = "a=1&user+name=J%C3%BCrgen+M&empty=&flag&a=2&pct=100%25&bad=%zz";
    req.body_len = strlen(req.body);
    assert_string_equal(web_request_form(&req, "a"), "1");
    assert_string_equal(web_request_form(&req, "user name"), "J\xC3\xBCrgen M");
    assert_string_equal(web_request_form(&req, "empty"), "");
    assert_string_equal(web_request_form(&req, "flag"), "");
    assert_string_equal(web_request_form(&req, "pct"), "100%");
    assert_string_equal(web_request_form(&req, "bad"), "%zz");
    assert_null(web_request_form(&req, "missing"));
    req.body = "";
    req.body_len = 0;
    assert_null(web_request_form(&req, "a"));
    arena_free(req.arena);
}

int main(void) {
    setenv("CAIRN_PWHASH_FAST", "1", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_hash_verify),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_password_rehash),
        BOTH(test_login_rehashes),
        cmocka_unit_test(test_username),
        BOTH(test_accounts),
        BOTH(test_session_lifecycle),
        cmocka_unit_test(test_clock),
        BOTH(test_api_tokens),
        cmocka_unit_test(test_csrf_equal),
        cmocka_unit_test(test_origin_allowed),
        BOTH(test_gate_csrf),
        cmocka_unit_test(test_cookies),
        cmocka_unit_test(test_form_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
