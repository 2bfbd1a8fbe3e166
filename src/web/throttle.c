/*
** web/throttle.c — signing in, and its throttle: growing delays per (user
** name, client address) pair instead of a lockout anyone could trigger
** (see auth.h, "Sign-in throttling", and docs/decisions.md).
*/
#include "web/auth.h"
#include "web/auth_internal.h"
#include "base/mem.h"

#include <sodium.h>
#include <string.h>

/* Run sql with the text parameters t[0..nt) and then the int64 ones
** v[0..nv); if out is not NULL, *out gets the first column of its one row
** (0 when it gives none or NULL). */
static int throttle_query(store *st, const char *sql, const char *const *t, int nt,
                          const int64_t *v, int nv, int64_t *out, cairn_err *err) {
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    for (int i = 0; i < nt; i++) store_bind_text(q, i + 1, t[i], (size_t)-1);
    for (int i = 0; i < nv; i++) store_bind_int64(q, nt + i + 1, v[i]);
    int rc = store_step(q, err);
    if (out) *out = rc == STORE_ROW && !store_col_is_null(q, 0) ? store_col_int64(q, 0) : 0;
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The failures of the pair within AUTH_FAIL_WINDOW and from the address
** within AUTH_ADDRESS_WINDOW (see auth.h). */
int auth_login_failures(store *st, const char *username, const char *address, int64_t now,
                        int64_t *by_pair, int64_t *by_address, cairn_err *err) {
    const char *t[2] = {username ? username : "", address ? address : ""};
    int64_t since = now - AUTH_FAIL_WINDOW, since_addr = now - AUTH_ADDRESS_WINDOW;
    *by_pair = *by_address = 0;
    if (throttle_query(st, "SELECT count(*) FROM login_attempt WHERE username = ? AND address = ?"
                       " AND at > ?", t, 2, &since, 1, by_pair, err) < 0)
        return -1;
    return throttle_query(st, "SELECT count(*) FROM login_attempt WHERE address = ? AND at > ?",
                          t + 1, 1, &since_addr, 1, by_address, err);
}

/* The wait for the pair (see auth.h). */
int auth_login_wait(store *st, const char *username, const char *address, int64_t now,
                    int64_t *wait, cairn_err *err) {
    int64_t by_pair, by_address, last = 0;
    *wait = 0;
    if (auth_login_failures(st, username, address, now, &by_pair, &by_address, err) < 0) return -1;
    int64_t free_tries = by_address >= AUTH_FAIL_MAX_ADDRESS ? 0 : AUTH_FAIL_FREE;
    if (by_pair == 0 || by_pair < free_tries) return 0;
    const char *t[2] = {username ? username : "", address ? address : ""};
    int64_t since = now - AUTH_FAIL_WINDOW;
    if (throttle_query(st, "SELECT max(at) FROM login_attempt WHERE username = ? AND address = ?"
                       " AND at > ?", t, 2, &since, 1, &last, err) < 0)
        return -1;
    int64_t steps = by_pair - free_tries, delay = AUTH_DELAY_MAX;
    if (steps < 20) {
        delay = (int64_t)1 << steps;
        if (delay > AUTH_DELAY_MAX) delay = AUTH_DELAY_MAX;
    }
    if (last + delay > now) *wait = last + delay - now;
    return 0;
}

/* Record one failure and forget the ones older than the window. */
static int login_fail_record(store *st, const char *username, const char *address, int64_t now,
                             cairn_err *err) {
    int64_t old = now - AUTH_FAIL_WINDOW, at = now;
    const char *t[2] = {username, address};
    if (throttle_query(st, "DELETE FROM login_attempt WHERE at <= ?", NULL, 0, &old, 1, NULL,
                       err) < 0)
        return -1;
    store_stmt *q = store_prepare(st,
        "INSERT INTO login_attempt (at, username, address) VALUES (?, ?, ?)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, at);
    store_bind_text(q, 2, t[0], (size_t)-1);
    store_bind_text(q, 3, t[1], (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Record a failure under key (see auth.h). */
int auth_throttle_fail(store *st, const char *key, const char *address, int64_t now,
                       cairn_err *err) {
    return login_fail_record(st, key, address ? address : "", now, err);
}

/* Clear a user name's failures from every address (see auth.h). */
int auth_login_unlock(store *st, const char *username, int64_t *cleared, cairn_err *err) {
    char name[AUTH_USERNAME_MAX + 1];
    if (auth_username_normalise(username, name, err) < 0) return -1;
    const char *t[1] = {name};
    int64_t n = 0;
    if (throttle_query(st, "SELECT count(*) FROM login_attempt WHERE username = ?", t, 1, NULL, 0,
                       &n, err) < 0 ||
        throttle_query(st, "DELETE FROM login_attempt WHERE username = ?", t, 1, NULL, 0, NULL,
                       err) < 0)
        return -1;
    if (cleared) *cleared = n;
    return 0;
}

/* Re-make the hash of account id with today's limits when it is old. */
static int login_rehash(store *st, int64_t id, const char *hash, const char *password,
                        cairn_err *err) {
    if (!auth_password_needs_rehash(hash)) return 0;
    char fresh[AUTH_HASH_MAX];
    int rc = 0;
    if (auth_password_hash(password, fresh, NULL) == 0) {
        store_stmt *q = store_prepare(st, "UPDATE account SET password_hash = ? WHERE id = ?", err);
        if (!q) rc = -1;
        else {
            store_bind_text(q, 1, fresh, (size_t)-1);
            store_bind_int64(q, 2, id);
            rc = store_step(q, err) < 0 ? -1 : 0;
            store_finalize(q);
        }
    }
    sodium_memzero(fresh, sizeof fresh);
    return rc;
}

/* Check a sign-in (see auth.h). */
int auth_login(store *st, const char *username, const char *password, const char *address,
               int64_t now, auth_login_result *result, int64_t *retry_after, int64_t *account_id,
               char token[AUTH_TOKEN_LEN + 1], cairn_err *err) {
    char name[AUTH_USERNAME_MAX + 1];
    *result = AUTH_LOGIN_BAD;
    if (retry_after) *retry_after = 0;
    if (account_id) *account_id = 0;
    token[0] = 0;
    if (!address) address = "";
    if (auth_username_normalise(username, name, NULL) < 0)
        str_copy(name, sizeof name, username ? username : "");   /* still counted, as typed */
    int64_t wait;
    if (auth_login_wait(st, name, address, now, &wait, err) < 0) return -1;
    if (wait > 0) {                               /* before the password is even looked at */
        *result = AUTH_LOGIN_THROTTLED;
        if (retry_after) *retry_after = wait;
        return 0;
    }
    store_stmt *q = store_prepare(st,
        "SELECT id, password_hash, disabled FROM account WHERE username = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, name, (size_t)-1);
    int rc = store_step(q, err);
    int64_t id = 0, disabled = 0;
    char hash[AUTH_HASH_MAX] = "";
    if (rc == STORE_ROW) {
        id = store_col_int64(q, 0);
        str_copy(hash, sizeof hash, store_col_text(q, 1));
        disabled = store_col_int64(q, 2);
    }
    store_finalize(q);
    if (rc < 0) return -1;
    int ok;
    if (id && hash[0]) {
        ok = auth_password_verify(hash, password);
    } else {
        auth_password_verify_dummy(password);
        ok = 0;
    }
    if (!ok) return login_fail_record(st, name, address, now, err);
    if (disabled) {
        *result = AUTH_LOGIN_DISABLED;
        return 0;
    }
    const char *t[2] = {name, address};
    if (throttle_query(st, "DELETE FROM login_attempt WHERE username = ? AND address = ?", t, 2,
                       NULL, 0, NULL, err) < 0 ||
        login_rehash(st, id, hash, password, err) < 0 ||
        auth_session_create(st, id, now, token, err) < 0)
        return -1;
    if (account_id) *account_id = id;
    *result = AUTH_LOGIN_OK;
    return 0;
}
