/*
** web/session.c — the clock, sessions and API tokens (see auth.h for the
** rules; signing in and its throttle are web/throttle.c).
*/
#include "web/auth.h"
#include "web/auth_internal.h"
#include "base/mem.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the clock --------------------------------------------------------------------- */

static _Atomic(auth_clock_fn) auth_clock;

/* Unix seconds from the real clock or the test's. */
int64_t auth_now(void) {
    auth_clock_fn fn = auth_clock;
    return fn ? fn() : (int64_t)time(NULL);
}

/* Install a test clock (NULL = real); returns the previous one. */
auth_clock_fn auth_clock_set(auth_clock_fn fn) {
    auth_clock_fn old = auth_clock;
    auth_clock = fn;
    return old;
}

/* ---- small helpers ---------------------------------------------------------------------- */

/* Run sql, an UPDATE taking (now, token hash), to note when a session or
** token was last used: written at most every AUTH_TOUCH_SECONDS. */
static int touch_hash(store *st, const char *sql, const char *hash, int64_t now,
                      cairn_err *err) {
    store_stmt *u = store_prepare(st, sql, err);
    if (!u) return -1;
    store_bind_int64(u, 1, now);
    store_bind_text(u, 2, hash, (size_t)-1);
    int rc = store_step(u, err);
    store_finalize(u);
    return rc < 0 ? -1 : 0;
}


/* 1 if s is exactly n lowercase hex digits (see auth_internal.h). */
int auth_is_hex(const char *s, size_t n) {
    if (!s || strlen(s) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

/* Run one statement that takes only int64 parameters (count of them in n,
** values in v) and returns no rows. */
static int exec_ints(store *st, const char *sql, const int64_t *v, int n, cairn_err *err) {
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    for (int i = 0; i < n; i++) store_bind_int64(q, i + 1, v[i]);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* ---- sessions -------------------------------------------------------------------------------- */

/* Delete the sessions that are past either timeout as of now. */
static int session_purge(store *st, int64_t now, cairn_err *err) {
    int64_t v[2] = {now - AUTH_IDLE_SECONDS, now - AUTH_ABSOLUTE_SECONDS};
    return exec_ints(st, "DELETE FROM web_session WHERE last_seen_at <= ? OR created_at <= ?",
                     v, 2, err);
}

/* Insert a session row for token (hashing it) with a new CSRF token. */
static int session_insert(store *st, const char *token, int64_t account_id, int64_t created,
                          int64_t now, cairn_err *err) {
    char hash[CRYPTO_SHA256_HEX_LEN], csrf[AUTH_TOKEN_LEN + 1];
    crypto_sha256_hex(token, strlen(token), hash);
    crypto_random_token(csrf, AUTH_TOKEN_LEN / 2);
    store_stmt *q = store_prepare(st,
        "INSERT INTO web_session (token_hash, account_id, csrf, created_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?)", err);
    if (!q) return -1;
    store_bind_text(q, 1, hash, (size_t)-1);
    store_bind_int64(q, 2, account_id);
    store_bind_text(q, 3, csrf, (size_t)-1);
    store_bind_int64(q, 4, created);
    store_bind_int64(q, 5, now);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Start a session (see auth.h). */
int auth_session_create(store *st, int64_t account_id, int64_t now,
                        char token[AUTH_TOKEN_LEN + 1], cairn_err *err) {
    crypto_random_token(token, AUTH_TOKEN_LEN / 2);
    if (session_purge(st, now, err) < 0) return -1;
    return session_insert(st, token, account_id, now, now, err);
}

/* Delete the session row with hash. */
static int session_delete_hash(store *st, const char *hash, cairn_err *err) {
    store_stmt *q = store_prepare(st, "DELETE FROM web_session WHERE token_hash = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, hash, (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Find a session (see auth.h). */
int auth_session_lookup(store *st, const char *token, int64_t now, auth_session *out,
                        cairn_err *err) {
    memset(out, 0, sizeof *out);
    if (!auth_is_hex(token, AUTH_TOKEN_LEN)) return 1;
    crypto_sha256_hex(token, AUTH_TOKEN_LEN, out->token_hash);
    store_stmt *q = store_prepare(st,
        "SELECT s.account_id, s.csrf, s.created_at, s.last_seen_at, a.username, a.display_name,"
        " a.language, a.disabled FROM web_session s JOIN account a ON a.id = s.account_id"
        " WHERE s.token_hash = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, out->token_hash, (size_t)-1);
    int rc = store_step(q, err);
    int64_t account = 0, disabled = 0;
    if (rc == STORE_ROW) {
        account = store_col_int64(q, 0);
        str_copy(out->csrf, sizeof out->csrf, store_col_text(q, 1));
        out->created_at = store_col_int64(q, 2);
        out->last_seen_at = store_col_int64(q, 3);
        str_copy(out->username, sizeof out->username, store_col_text(q, 4));
        str_copy(out->display_name, sizeof out->display_name, store_col_text(q, 5));
        str_copy(out->language, sizeof out->language, store_col_text(q, 6));
        disabled = store_col_int64(q, 7);
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (rc != STORE_ROW) return 1;
    if (disabled || now - out->last_seen_at >= AUTH_IDLE_SECONDS ||
        now - out->created_at >= AUTH_ABSOLUTE_SECONDS || now < out->created_at) {
        char hash[CRYPTO_SHA256_HEX_LEN];
        memcpy(hash, out->token_hash, sizeof hash);
        memset(out, 0, sizeof *out);
        return session_delete_hash(st, hash, err) < 0 ? -1 : 1;
    }
    if (now - out->last_seen_at >= AUTH_TOUCH_SECONDS) {
        if (touch_hash(st, "UPDATE web_session SET last_seen_at = ? WHERE token_hash = ?",
                       out->token_hash, now, err) < 0)
            return -1;
        out->last_seen_at = now;
    }
    if (access_ctx_load(st, account, &out->who, err) < 0) return -1;
    return 0;
}

/* New token for a valid session (see auth.h). */
int auth_session_rotate(store *st, const char *token, int64_t now,
                        char new_token[AUTH_TOKEN_LEN + 1], cairn_err *err) {
    auth_session s;
    int rc = auth_session_lookup(st, token, now, &s, err);
    if (rc != 0) return rc;
    crypto_random_token(new_token, AUTH_TOKEN_LEN / 2);
    if (store_tx_begin(st, err) < 0) return -1;
    if (session_insert(st, new_token, s.who.account_id, s.created_at, now, err) < 0 ||
        session_delete_hash(st, s.token_hash, err) < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* End one session (see auth.h). */
int auth_session_end(store *st, const char *token, cairn_err *err) {
    char hash[CRYPTO_SHA256_HEX_LEN];
    if (!auth_is_hex(token, AUTH_TOKEN_LEN)) return 0;
    crypto_sha256_hex(token, AUTH_TOKEN_LEN, hash);
    return session_delete_hash(st, hash, err);
}

/* End every session of an account (see auth.h). */
int auth_session_end_all(store *st, int64_t account_id, cairn_err *err) {
    return exec_ints(st, "DELETE FROM web_session WHERE account_id = ?", &account_id, 1, err);
}

/* ---- API tokens --------------------------------------------------------------------------------- */

/* Make an API token (see auth.h). */
int auth_token_create(store *st, int64_t account_id, const char *name, int64_t now,
                      int64_t expires_at, char token[AUTH_API_TOKEN_LEN + 1], cairn_err *err) {
    if (!name || !*name || strlen(name) > 100)
        return err_set(err, CAIRN_EINVAL, "give the token a name of 1 to 100 bytes");
    if (expires_at && expires_at <= now)
        return err_set(err, CAIRN_EINVAL, "the token would expire before it is made");
    char hash[CRYPTO_SHA256_HEX_LEN];
    memcpy(token, AUTH_API_PREFIX, strlen(AUTH_API_PREFIX));
    crypto_random_token(token + strlen(AUTH_API_PREFIX), AUTH_TOKEN_LEN / 2);
    crypto_sha256_hex(token, AUTH_API_TOKEN_LEN, hash);
    store_stmt *q = store_prepare(st,
        "INSERT INTO api_token (token_hash, account_id, name, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)", err);
    if (!q) return -1;
    store_bind_text(q, 1, hash, (size_t)-1);
    store_bind_int64(q, 2, account_id);
    store_bind_text(q, 3, name, (size_t)-1);
    store_bind_int64(q, 4, now);
    if (expires_at) store_bind_int64(q, 5, expires_at);
    else store_bind_null(q, 5);
    int rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) {
        if (store_last_error(st) == STORE_ERR_FOREIGN_KEY)
            return err_set(err, CAIRN_ENOTFOUND, "there is no account %lld", (long long)account_id);
        return -1;
    }
    return 0;
}

/* 1 if token looks like an API token. */
static int api_token_ok(const char *token) {
    size_t p = strlen(AUTH_API_PREFIX);
    return token && strncmp(token, AUTH_API_PREFIX, p) == 0 && auth_is_hex(token + p, AUTH_TOKEN_LEN);
}

/* Find an API token's account (see auth.h). */
int auth_token_lookup(store *st, const char *token, int64_t now, auth_session *out,
                      cairn_err *err) {
    memset(out, 0, sizeof *out);
    if (!api_token_ok(token)) return 1;
    crypto_sha256_hex(token, AUTH_API_TOKEN_LEN, out->token_hash);
    store_stmt *q = store_prepare(st,
        "SELECT t.account_id, t.created_at, t.expires_at, t.last_used_at, a.username,"
        " a.display_name, a.language, a.disabled FROM api_token t"
        " JOIN account a ON a.id = t.account_id WHERE t.token_hash = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, out->token_hash, (size_t)-1);
    int rc = store_step(q, err);
    int64_t account = 0, expires = 0, disabled = 0;
    if (rc == STORE_ROW) {
        account = store_col_int64(q, 0);
        out->created_at = store_col_int64(q, 1);
        expires = store_col_is_null(q, 2) ? 0 : store_col_int64(q, 2);
        out->last_seen_at = store_col_is_null(q, 3) ? 0 : store_col_int64(q, 3);
        str_copy(out->username, sizeof out->username, store_col_text(q, 4));
        str_copy(out->display_name, sizeof out->display_name, store_col_text(q, 5));
        str_copy(out->language, sizeof out->language, store_col_text(q, 6));
        disabled = store_col_int64(q, 7);
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (rc != STORE_ROW || disabled || (expires && now >= expires)) {
        memset(out, 0, sizeof *out);
        return 1;
    }
    if (now - out->last_seen_at >= AUTH_TOUCH_SECONDS) {
        if (touch_hash(st, "UPDATE api_token SET last_used_at = ? WHERE token_hash = ?",
                       out->token_hash, now, err) < 0)
            return -1;
        out->last_seen_at = now;
    }
    out->via_api_token = 1;
    if (access_ctx_load(st, account, &out->who, err) < 0) return -1;
    return 0;
}

/* Delete an API token (see auth.h). */
int auth_token_revoke(store *st, const char *token, cairn_err *err) {
    char hash[CRYPTO_SHA256_HEX_LEN];
    if (!api_token_ok(token)) return 0;
    crypto_sha256_hex(token, AUTH_API_TOKEN_LEN, hash);
    store_stmt *q = store_prepare(st, "DELETE FROM api_token WHERE token_hash = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, hash, (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}
