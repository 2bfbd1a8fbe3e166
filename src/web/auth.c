/*
** web/auth.c — accounts, passwords, sign-in and its rate limit, sessions,
** API tokens, CSRF, cookies and the gate (see auth.h for the rules).
*/
#include "web/auth.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "school/school.h"
#include "web/html.h"
#include "web/i18n.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

_Static_assert(AUTH_HASH_MAX == crypto_pwhash_STRBYTES, "password hash size");

/* Serialises account changes (user names, ids) between writers. */
#define AUTH_ACCOUNT_LOCK_KEY 0x6361697241434354LL   /* "cairACCT" */

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

/* ---- password hashing ---------------------------------------------------------------- */

static pthread_mutex_t pwhash_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  pwhash_cv = PTHREAD_COND_INITIALIZER;
static int             pwhash_running;

/* Wait for a free password-hashing slot (at most AUTH_PWHASH_PARALLEL). */
static void pwhash_enter(void) {
    pthread_mutex_lock(&pwhash_mu);
    while (pwhash_running >= AUTH_PWHASH_PARALLEL) pthread_cond_wait(&pwhash_cv, &pwhash_mu);
    pwhash_running++;
    pthread_mutex_unlock(&pwhash_mu);
}

/* Give the slot back. */
static void pwhash_leave(void) {
    pthread_mutex_lock(&pwhash_mu);
    pwhash_running--;
    pthread_cond_signal(&pwhash_cv);
    pthread_mutex_unlock(&pwhash_mu);
}

/* 1 when CAIRN_PWHASH_FAST=1 asks for the weak test limits (see auth.h). */
static int pwhash_fast(void) {
    const char *e = getenv("CAIRN_PWHASH_FAST");
    return e && strcmp(e, "1") == 0;
}

/* The limits hashes are made with now. */
static void pwhash_limits(unsigned long long *ops, size_t *mem) {
    if (pwhash_fast()) {
        *ops = crypto_pwhash_OPSLIMIT_MIN;
        *mem = crypto_pwhash_MEMLIMIT_MIN;
    } else {
        *ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
        *mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    }
}

/* Decode one UTF-8 sequence at s (n bytes left); its length, or 0 if it is
** malformed, overlong, a surrogate or beyond U+10FFFF.  *cp gets the code
** point. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp) {
    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (!len || len > n || s[0] > 0xF4) return 0;
    unsigned c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* The password policy (see auth.h). */
int auth_password_check(const char *password, cairn_err *err) {
    if (!password) return err_set(err, CAIRN_EINVAL, "no password given");
    size_t n = strlen(password), chars = 0;
    if (n > AUTH_PASSWORD_MAX)
        return err_set(err, CAIRN_EINVAL, "the password is longer than %d bytes", AUTH_PASSWORD_MAX);
    const unsigned char *p = (const unsigned char *)password;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = utf8_next(p + i, n - i, &cp);
        if (!k) return err_set(err, CAIRN_EINVAL, "the password is not valid UTF-8 text");
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            return err_set(err, CAIRN_EINVAL, "the password contains a control character");
        i += k;
        chars++;
    }
    if (chars < AUTH_PASSWORD_MIN)
        return err_set(err, CAIRN_EINVAL, "the password is too short: use at least %d characters "
                       "(a few words make a good one)", AUTH_PASSWORD_MIN);
    return 0;
}

/* Hash password with argon2id (see auth.h). */
int auth_password_hash(const char *password, char out[AUTH_HASH_MAX], cairn_err *err) {
    if (auth_password_check(password, err) < 0) return -1;
    if (crypto_init() < 0) return err_set(err, CAIRN_EINTERNAL, "libsodium could not start");
    unsigned long long ops;
    size_t mem;
    pwhash_limits(&ops, &mem);
    pwhash_enter();
    int rc = crypto_pwhash_str(out, password, strlen(password), ops, mem);
    pwhash_leave();
    if (rc != 0)
        return err_set(err, CAIRN_EINTERNAL, "the password could not be hashed (out of memory)");
    return 0;
}

/* 1 if password matches hash. */
int auth_password_verify(const char *hash, const char *password) {
    if (!hash || !password || strlen(password) > AUTH_PASSWORD_MAX) return 0;
    if (strnlen(hash, AUTH_HASH_MAX) >= AUTH_HASH_MAX) return 0;
    if (crypto_init() < 0) return 0;
    pwhash_enter();
    int rc = crypto_pwhash_str_verify(hash, password, strlen(password));
    pwhash_leave();
    return rc == 0;
}

/* 1 if hash was made with other limits than now. */
int auth_password_needs_rehash(const char *hash) {
    if (!hash || strnlen(hash, AUTH_HASH_MAX) >= AUTH_HASH_MAX) return 1;
    if (crypto_init() < 0) return 0;
    unsigned long long ops;
    size_t mem;
    pwhash_limits(&ops, &mem);
    return crypto_pwhash_str_needs_rehash(hash, ops, mem) != 0;
}

/* A hash of a password nobody has, made once, so that signing in with an
** unknown user name costs as much time as with a known one. */
static char dummy_hash[AUTH_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* Make dummy_hash (pthread_once). */
static void dummy_make(void) {
    char pw[2 * 16 + 1];
    crypto_random_token(pw, 16);
    if (auth_password_hash(pw, dummy_hash, NULL) < 0) dummy_hash[0] = 0;
}

/* Check user name syntax and fold it (see auth.h). */
int auth_username_normalise(const char *in, char out[AUTH_USERNAME_MAX + 1], cairn_err *err) {
    size_t n = in ? strlen(in) : 0;
    if (n == 0) return err_set(err, CAIRN_EINVAL, "no user name given");
    if (n > AUTH_USERNAME_MAX)
        return err_set(err, CAIRN_EINVAL, "the user name is longer than %d characters",
                       AUTH_USERNAME_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-' && c != '@')))
            return err_set(err, CAIRN_EINVAL, "user name \"%.64s\": use letters a-z, digits and "
                           ". _ - @ only, starting with a letter or digit", in);
        out[i] = c;
    }
    out[n] = 0;
    return 0;
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


/* 1 if s is exactly n lowercase hex digits. */
static int is_hex(const char *s, size_t n) {
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

/* ---- accounts ---------------------------------------------------------------------------- */

#define ACCOUNT_COLUMNS                                                                   \
    "SELECT a.id, a.username, a.display_name, a.institution_id, i.code, a.person_kind,"   \
    " a.person_id, s.ref, a.disabled, a.password_hash,"                                   \
    " (SELECT count(*) FROM web_session ws WHERE ws.account_id = a.id"                    \
    "  AND ws.last_seen_at > ? AND ws.created_at > ?)"                                    \
    " FROM account a LEFT JOIN institution i ON i.id = a.institution_id"                  \
    " LEFT JOIN staff s ON a.person_kind = 'staff' AND s.institution_id = a.institution_id" \
    " AND s.id = a.person_id "

/* Fill *a from a row of ACCOUNT_COLUMNS. */
static void account_from_row(store_stmt *q, auth_account *a) {
    memset(a, 0, sizeof *a);
    a->id = store_col_int64(q, 0);
    str_copy(a->username, sizeof a->username, store_col_text(q, 1));
    str_copy(a->display_name, sizeof a->display_name, store_col_text(q, 2));
    a->institution_id = store_col_is_null(q, 3) ? 0 : store_col_int64(q, 3);
    str_copy(a->institution_code, sizeof a->institution_code, store_col_text(q, 4));
    const char *kind = store_col_text(q, 5);
    if (kind && strcmp(kind, "staff") == 0 && !store_col_is_null(q, 6))
        a->staff_id = store_col_int64(q, 6);
    str_copy(a->staff_ref, sizeof a->staff_ref, store_col_text(q, 7));
    a->disabled = store_col_int64(q, 8) != 0;
    a->has_password = !store_col_is_null(q, 9);
    a->sessions = store_col_int64(q, 10);
}

/* Bind the two session-count parameters of ACCOUNT_COLUMNS. */
static void account_bind_now(store_stmt *q) {
    int64_t now = auth_now();
    store_bind_int64(q, 1, now - AUTH_IDLE_SECONDS);
    store_bind_int64(q, 2, now - AUTH_ABSOLUTE_SECONDS);
}

/* The role bits of an account in an institution. */
static int account_roles(store *st, int64_t account, int64_t inst, unsigned *roles,
                         cairn_err *err) {
    *roles = 0;
    store_stmt *q = store_prepare(st,
        "SELECT role FROM account_role WHERE account_id = ? AND institution_id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, account);
    store_bind_int64(q, 2, inst);
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) *roles |= access_role_parse(store_col_text(q, 0));
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Read one account by user name (see auth.h). */
int auth_account_find(store *st, const char *username, auth_account *out, cairn_err *err) {
    char name[AUTH_USERNAME_MAX + 1];
    if (auth_username_normalise(username, name, err) < 0) return -1;
    store_stmt *q = store_prepare(st, ACCOUNT_COLUMNS "WHERE a.username = ?", err);
    if (!q) return -1;
    account_bind_now(q);
    store_bind_text(q, 3, name, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) account_from_row(q, out);
    store_finalize(q);
    if (rc < 0) return -1;
    if (rc != STORE_ROW)
        return err_set(err, CAIRN_ENOTFOUND, "there is no user \"%s\" (cairn user list shows "
                       "them all)", name);
    return account_roles(st, out->id, out->institution_id, &out->roles, err);
}

/* Every account by user name (see auth.h). */
int auth_account_list(store *st, auth_account **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, ACCOUNT_COLUMNS "ORDER BY a.username", err);
    if (!q) return -1;
    account_bind_now(q);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        account_from_row(q, &(*rows)[(*n)++]);
    }
    store_finalize(q);
    for (size_t i = 0; rc >= 0 && i < *n; i++)
        if (account_roles(st, (*rows)[i].id, (*rows)[i].institution_id, &(*rows)[i].roles, err) < 0)
            rc = -1;
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The staff member with ref in inst: id and "Given Family" name. */
static int staff_find(store *st, int64_t inst, const char *ref, int64_t *id, char *name,
                      size_t name_size, cairn_err *err) {
    store_stmt *q = store_prepare(st,
        "SELECT id, given_name, family_name FROM staff WHERE institution_id = ? AND ref = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_text(q, 2, ref, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        *id = store_col_int64(q, 0);
        buf b = BUF_INIT;
        /* not HTML: a display name, escaped where it is shown */
        buf_printf(&b, "%s %s", store_col_text(q, 1), store_col_text(q, 2));
        str_copy(name, name_size, buf_cstr(&b));
        buf_free(&b);
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (rc != STORE_ROW)
        return err_set(err, CAIRN_ENOTFOUND, "there is no staff member with the reference "
                       "\"%.64s\" in this institution (import staff first)", ref);
    return 0;
}

/* Insert the account row and its roles; inside the caller's transaction. */
static int account_insert(store *st, const char *name, const char *display, const char *hash,
                          int64_t inst, int64_t staff, unsigned roles, int64_t *id,
                          cairn_err *err) {
    int64_t exists = 0, max = 0;
    store_stmt *q = store_prepare(st, "SELECT count(*) FROM account WHERE username = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, name, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) exists = store_col_int64(q, 0);
    store_finalize(q);
    if (rc < 0) return -1;
    if (exists) return err_set(err, CAIRN_EINVAL, "the user name \"%s\" is taken", name);
    if (store_query_int64(st, "SELECT COALESCE(max(id), 0) FROM account", -1, &max, err) < 0)
        return -1;
    *id = max + 1;
    char now[32];
    date_now_iso(now);
    q = store_prepare(st,
        "INSERT INTO account (id, username, display_name, password_hash, disabled,"
        " institution_id, person_kind, person_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, *id);
    store_bind_text(q, 2, name, (size_t)-1);
    store_bind_text(q, 3, display, (size_t)-1);
    store_bind_text(q, 4, hash, (size_t)-1);
    store_bind_int64(q, 5, inst);
    if (staff) {
        store_bind_text(q, 6, "staff", (size_t)-1);
        store_bind_int64(q, 7, staff);
    } else {
        store_bind_null(q, 6);
        store_bind_null(q, 7);
    }
    store_bind_text(q, 8, now, (size_t)-1);
    store_bind_text(q, 9, now, (size_t)-1);
    rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) {
        if (store_last_error(st) == STORE_ERR_UNIQUE)
            return err_set(err, CAIRN_EINVAL, "the user name \"%s\" is taken", name);
        return -1;
    }
    q = store_prepare(st, "INSERT INTO account_role (account_id, institution_id, role) VALUES (?, ?, ?)",
                      err);
    if (!q) return -1;
    for (int b = 0; b < ACCESS_ROLE_COUNT && rc >= 0; b++) {
        if (!(roles & (1u << b))) continue;
        store_bind_int64(q, 1, *id);
        store_bind_int64(q, 2, inst);
        store_bind_text(q, 3, access_role_code(1u << b), (size_t)-1);
        rc = store_step(q, err);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Create an account (see auth.h). */
int auth_account_add(store *st, const auth_account_spec *spec, int64_t *id_out, cairn_err *err) {
    char name[AUTH_USERNAME_MAX + 1], staff_name[AUTH_NAME_MAX + 1] = "", hash[AUTH_HASH_MAX];
    int64_t inst = 0, staff = 0, id = 0;
    if (auth_username_normalise(spec->username, name, err) < 0) return -1;
    if (!(spec->roles & ACCESS_ROLES_ALL) || (spec->roles & ~ACCESS_ROLES_ALL))
        return err_set(err, CAIRN_EINVAL, "give the account at least one role (%s)",
                       access_role_codes());
    if (spec->display_name && (strlen(spec->display_name) > AUTH_NAME_MAX || !*spec->display_name))
        return err_set(err, CAIRN_EINVAL, "the display name must be 1 to %d bytes", AUTH_NAME_MAX);
    if (auth_password_check(spec->password, err) < 0) return -1;
    if (school_institution_resolve(st, spec->institution, &inst, err) < 0) return -1;
    if (spec->staff_ref &&
        staff_find(st, inst, spec->staff_ref, &staff, staff_name, sizeof staff_name, err) < 0)
        return -1;
    const char *display = spec->display_name ? spec->display_name
                        : staff_name[0] ? staff_name : name;
    if (auth_password_hash(spec->password, hash, err) < 0) return -1;
    if (store_tx_begin_write(st, AUTH_ACCOUNT_LOCK_KEY, err) < 0) return -1;
    if (account_insert(st, name, display, hash, inst, staff, spec->roles, &id, err) < 0) {
        store_tx_rollback(st);
        sodium_memzero(hash, sizeof hash);
        return -1;
    }
    sodium_memzero(hash, sizeof hash);
    if (store_tx_commit(st, err) < 0) return -1;
    if (id_out) *id_out = id;
    return 0;
}

/* New password, sessions ended (see auth.h). */
int auth_account_password_set(store *st, const char *username, const char *password,
                              cairn_err *err) {
    auth_account a;
    char hash[AUTH_HASH_MAX], now[32];
    if (auth_password_check(password, err) < 0) return -1;
    if (auth_account_find(st, username, &a, err) < 0) return -1;
    if (auth_password_hash(password, hash, err) < 0) return -1;
    date_now_iso(now);
    if (store_tx_begin_write(st, AUTH_ACCOUNT_LOCK_KEY, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "UPDATE account SET password_hash = ?, updated_at = ? WHERE id = ?", err);
    int rc = -1;
    if (q) {
        store_bind_text(q, 1, hash, (size_t)-1);
        store_bind_text(q, 2, now, (size_t)-1);
        store_bind_int64(q, 3, a.id);
        rc = store_step(q, err);
        store_finalize(q);
    }
    sodium_memzero(hash, sizeof hash);
    if (rc < 0 || auth_session_end_all(st, a.id, err) < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* Give or take one role (see auth.h). */
int auth_account_role_change(store *st, const char *username, unsigned role, int add,
                             cairn_err *err) {
    auth_account a;
    const char *code = access_role_code(role);
    if (!code) return err_set(err, CAIRN_EINVAL, "not a role (roles: %s)", access_role_codes());
    if (auth_account_find(st, username, &a, err) < 0) return -1;
    if (!a.institution_id)
        return err_set(err, CAIRN_EINVAL, "user \"%s\" belongs to no institution", a.username);
    if (add && (a.roles & role))
        return err_set(err, CAIRN_EINVAL, "user \"%s\" already has the role %s", a.username, code);
    if (!add && !(a.roles & role))
        return err_set(err, CAIRN_EINVAL, "user \"%s\" does not have the role %s", a.username, code);
    if (store_tx_begin_write(st, AUTH_ACCOUNT_LOCK_KEY, err) < 0) return -1;
    store_stmt *q = store_prepare(st, add
        ? "INSERT INTO account_role (account_id, institution_id, role) VALUES (?, ?, ?)"
        : "DELETE FROM account_role WHERE account_id = ? AND institution_id = ? AND role = ?", err);
    int rc = -1;
    if (q) {
        store_bind_int64(q, 1, a.id);
        store_bind_int64(q, 2, a.institution_id);
        store_bind_text(q, 3, code, (size_t)-1);
        rc = store_step(q, err);
        store_finalize(q);
    }
    if (rc < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* Disable or enable (see auth.h). */
int auth_account_disable(store *st, const char *username, int disabled, cairn_err *err) {
    auth_account a;
    char now[32];
    if (auth_account_find(st, username, &a, err) < 0) return -1;
    date_now_iso(now);
    if (store_tx_begin_write(st, AUTH_ACCOUNT_LOCK_KEY, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "UPDATE account SET disabled = ?, updated_at = ? WHERE id = ?", err);
    int rc = -1;
    if (q) {
        store_bind_int64(q, 1, disabled ? 1 : 0);
        store_bind_text(q, 2, now, (size_t)-1);
        store_bind_int64(q, 3, a.id);
        rc = store_step(q, err);
        store_finalize(q);
    }
    if (rc < 0 || (disabled && auth_session_end_all(st, a.id, err) < 0)) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* ---- the demo accounts ---------------------------------------------------------------------- */

/* The first staff member found by sql (one int64 parameter: the
** institution): id, ref and a description "S0001 Anna Berg".  0 found, 1
** none, -1 error. */
static int demo_staff(store *st, const char *sql, int64_t inst, int64_t *id, char *ref,
                      size_t ref_size, char *desc, size_t desc_size, cairn_err *err) {
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        *id = store_col_int64(q, 0);
        str_copy(ref, ref_size, store_col_text(q, 1));
        buf b = BUF_INIT;
        /* not HTML: a description for the command line */
        buf_printf(&b, "staff %s %s %s", store_col_text(q, 1), store_col_text(q, 2),
                   store_col_text(q, 3));
        if (store_col_count(q) > 4)
            buf_printf(&b, ", teaches %lld groups with active learners", /* not HTML */
                       (long long)store_col_int64(q, 4));
        str_copy(desc, desc_size, buf_cstr(&b));
        buf_free(&b);
    }
    store_finalize(q);
    if (rc < 0) return -1;
    return rc == STORE_ROW ? 0 : 1;
}

/* Give staff member kw a caseload of up to 8 active learners of the groups
** they are key worker of; *n gets how many. */
static int demo_caseload(store *st, int64_t inst, int64_t kw, int64_t by, int *n,
                         cairn_err *err) {
    char now[32];
    *n = 0;
    date_now_iso(now);
    store_stmt *q = store_prepare(st,
        "SELECT DISTINCT e.learner_id FROM enrolment e JOIN group_staff gs"
        " ON gs.institution_id = e.institution_id AND gs.group_id = e.group_id"
        " WHERE e.institution_id = ? AND gs.staff_id = ? AND gs.role = 'key_worker'"
        " AND e.status = 'active' ORDER BY e.learner_id LIMIT 8", err);
    if (!q) return -1;
    store_stmt *ins = store_prepare(st,
        "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_by,"
        " assigned_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (institution_id, learner_id, staff_id)"
        " DO NOTHING", err);
    if (!ins) {
        store_finalize(q);
        return -1;
    }
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, kw);
    int64_t ids[8];
    int rc = 0, k = 0;
    while (k < 8 && (rc = store_step(q, err)) == STORE_ROW) ids[k++] = store_col_int64(q, 0);
    store_finalize(q);
    if (k < 8 && rc < 0) {
        store_finalize(ins);
        return -1;
    }
    if (store_tx_begin_write(st, AUTH_ACCOUNT_LOCK_KEY, err) < 0) {
        store_finalize(ins);
        return -1;
    }
    for (int i = 0; i < k; i++) {
        store_bind_int64(ins, 1, inst);
        store_bind_int64(ins, 2, ids[i]);
        store_bind_int64(ins, 3, kw);
        store_bind_int64(ins, 4, by);
        store_bind_text(ins, 5, now, (size_t)-1);
        if (store_step(ins, err) < 0) {
            store_finalize(ins);
            store_tx_rollback(st);
            return -1;
        }
    }
    store_finalize(ins);
    if (store_tx_commit(st, err) < 0) return -1;
    *n = k;
    return 0;
}

/* Create the demo accounts (see auth.h). */
int auth_demo_accounts(store *st, const char *institution,
                       auth_demo_account out[AUTH_DEMO_ACCOUNTS], cairn_err *err) {
    static const struct {
        const char *user, *password;
        unsigned    role;
        const char *staff_sql;
    } demo[AUTH_DEMO_ACCOUNTS] = {
        {"admin", "cairn-demo-admin", ACCESS_ROLE_ADMINISTRATOR, NULL},
        {"leader", "cairn-demo-leader", ACCESS_ROLE_SCHOOL_LEADER,
         "SELECT id, ref, given_name, family_name FROM staff WHERE institution_id = ?"
         " AND job_title = 'head' ORDER BY id LIMIT 1"},
        {"keyworker", "cairn-demo-keyworker", ACCESS_ROLE_KEY_WORKER,
         /* counted from group_staff outward: starting from staff made the
         ** planner scan every enrolment once per staff member (minutes at
         ** 100,000 learners) */
         "SELECT s.id, s.ref, s.given_name, s.family_name FROM"
         " (SELECT gs.institution_id AS inst, gs.staff_id AS staff_id, count(*) AS n"
         "  FROM group_staff gs JOIN enrolment e"
         "  ON e.institution_id = gs.institution_id AND e.group_id = gs.group_id"
         "  WHERE gs.institution_id = ? AND gs.role = 'key_worker' AND e.status = 'active'"
         "  GROUP BY gs.institution_id, gs.staff_id) c"
         " JOIN staff s ON s.institution_id = c.inst AND s.id = c.staff_id"
         " ORDER BY c.n DESC, s.id LIMIT 1"},
        {"teacher", "cairn-demo-teacher", ACCESS_ROLE_TEACHER,
         "SELECT s.id, s.ref, s.given_name, s.family_name, c.ngroups FROM"
         " (SELECT gs.institution_id AS inst, gs.staff_id AS staff_id,"
         "  count(DISTINCT gs.group_id) AS ngroups"
         "  FROM group_staff gs JOIN enrolment e"
         "  ON e.institution_id = gs.institution_id AND e.group_id = gs.group_id"
         "  WHERE gs.institution_id = ? AND gs.role <> 'key_worker' AND e.status = 'active'"
         "  GROUP BY gs.institution_id, gs.staff_id) c"
         " JOIN staff s ON s.institution_id = c.inst AND s.id = c.staff_id"
         " ORDER BY c.ngroups DESC, s.id LIMIT 1"},
    };
    int64_t inst = 0, admin_id = 0;
    if (school_institution_resolve(st, institution, &inst, err) < 0) return -1;
    for (int i = 0; i < AUTH_DEMO_ACCOUNTS; i++) {
        auth_demo_account *o = &out[i];
        memset(o, 0, sizeof *o);
        str_copy(o->username, sizeof o->username, demo[i].user);
        str_copy(o->password, sizeof o->password, demo[i].password);
        str_copy(o->role, sizeof o->role, access_role_code(demo[i].role));
        auth_account have;
        cairn_err e2 = {0};
        if (auth_account_find(st, demo[i].user, &have, &e2) == 0) {
            str_copy(o->linked, sizeof o->linked, have.staff_ref[0] ? have.staff_ref : "-");
            if (i == 0) admin_id = have.id;
            continue;
        }
        if (e2.code != CAIRN_ENOTFOUND) {
            *err = e2;
            return -1;
        }
        int64_t staff = 0, id = 0;
        char ref[65] = "";
        int found = 1;
        if (demo[i].staff_sql) {
            found = demo_staff(st, demo[i].staff_sql, inst, &staff, ref, sizeof ref, o->linked,
                               sizeof o->linked, err);
            if (found < 0) return -1;
            if (found == 1) str_copy(o->linked, sizeof o->linked, "no staff member to link");
        } else {
            str_copy(o->linked, sizeof o->linked, "not linked to a staff member");
        }
        auth_account_spec spec = {demo[i].user, NULL, demo[i].password, institution,
                                  found == 0 && demo[i].staff_sql ? ref : NULL, demo[i].role};
        if (auth_account_add(st, &spec, &id, err) < 0) return -1;
        if (i == 0) admin_id = id;
        o->created = 1;
        if (demo[i].role == ACCESS_ROLE_KEY_WORKER && staff) {
            int n = 0;
            if (demo_caseload(st, inst, staff, admin_id, &n, err) < 0) return -1;
            size_t len = strlen(o->linked);
            snprintf(o->linked + len, sizeof o->linked - len, ", caseload of %d learners", n);
        }
    }
    return 0;
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
    if (!is_hex(token, AUTH_TOKEN_LEN)) return 1;
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
    if (!is_hex(token, AUTH_TOKEN_LEN)) return 0;
    crypto_sha256_hex(token, AUTH_TOKEN_LEN, hash);
    return session_delete_hash(st, hash, err);
}

/* End every session of an account (see auth.h). */
int auth_session_end_all(store *st, int64_t account_id, cairn_err *err) {
    return exec_ints(st, "DELETE FROM web_session WHERE account_id = ?", &account_id, 1, err);
}

/* ---- signing in -------------------------------------------------------------------------------- */

/* The failures for username and address since the window began (see
** auth.h); address "" or NULL counts nothing. */
int auth_login_failures(store *st, const char *username, const char *address, int64_t now,
                        int64_t *by_user, int64_t *by_address, cairn_err *err) {
    *by_user = *by_address = 0;
    store_stmt *q = store_prepare(st,
        "SELECT count(*) FROM login_attempt WHERE username = ? AND at > ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, username ? username : "", (size_t)-1);
    store_bind_int64(q, 2, now - AUTH_FAIL_WINDOW);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) *by_user = store_col_int64(q, 0);
    store_finalize(q);
    if (rc < 0) return -1;
    if (!address || !*address) return 0;
    q = store_prepare(st, "SELECT count(*) FROM login_attempt WHERE address = ? AND at > ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, address, (size_t)-1);
    store_bind_int64(q, 2, now - AUTH_FAIL_WINDOW);
    rc = store_step(q, err);
    if (rc == STORE_ROW) *by_address = store_col_int64(q, 0);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Record one failure and forget the ones older than the window. */
static int login_fail_record(store *st, const char *username, const char *address, int64_t now,
                             cairn_err *err) {
    int64_t old = now - AUTH_FAIL_WINDOW;
    if (exec_ints(st, "DELETE FROM login_attempt WHERE at <= ?", &old, 1, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "INSERT INTO login_attempt (at, username, address) VALUES (?, ?, ?)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, now);
    store_bind_text(q, 2, username, (size_t)-1);
    store_bind_text(q, 3, address ? address : "", (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* 1 if the counts reach a limit. */
static int login_locked(int64_t by_user, int64_t by_address) {
    return by_user >= AUTH_FAIL_MAX_USER || by_address >= AUTH_FAIL_MAX_ADDRESS;
}

/* Check a sign-in (see auth.h). */
int auth_login(store *st, const char *username, const char *password, const char *address,
               int64_t now, auth_login_result *result, int64_t *account_id,
               char token[AUTH_TOKEN_LEN + 1], cairn_err *err) {
    char name[AUTH_USERNAME_MAX + 1];
    *result = AUTH_LOGIN_BAD;
    if (account_id) *account_id = 0;
    token[0] = 0;
    if (!address) address = "";
    if (auth_username_normalise(username, name, NULL) < 0)
        str_copy(name, sizeof name, username);   /* still counted, as typed */
    int64_t by_user, by_address;
    if (auth_login_failures(st, name, address, now, &by_user, &by_address, err) < 0) return -1;
    if (login_locked(by_user, by_address)) {
        *result = AUTH_LOGIN_LOCKED;
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
        pthread_once(&dummy_once, dummy_make);
        (void)auth_password_verify(dummy_hash, password ? password : "");
        ok = 0;
    }
    if (!ok) {
        if (login_fail_record(st, name, address, now, err) < 0) return -1;
        *result = login_locked(by_user + 1, address[0] ? by_address + 1 : 0)
                ? AUTH_LOGIN_LOCKED : AUTH_LOGIN_BAD;
        return 0;
    }
    if (disabled) {
        *result = AUTH_LOGIN_DISABLED;
        return 0;
    }
    q = store_prepare(st, "DELETE FROM login_attempt WHERE username = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, name, (size_t)-1);
    rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) return -1;
    if (auth_password_needs_rehash(hash)) {
        char fresh[AUTH_HASH_MAX];
        if (auth_password_hash(password, fresh, NULL) == 0) {
            q = store_prepare(st, "UPDATE account SET password_hash = ? WHERE id = ?", err);
            if (!q) return -1;
            store_bind_text(q, 1, fresh, (size_t)-1);
            store_bind_int64(q, 2, id);
            rc = store_step(q, err);
            store_finalize(q);
            if (rc < 0) return -1;
        }
        sodium_memzero(fresh, sizeof fresh);
    }
    if (auth_session_create(st, id, now, token, err) < 0) return -1;
    if (account_id) *account_id = id;
    *result = AUTH_LOGIN_OK;
    return 0;
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
    return token && strncmp(token, AUTH_API_PREFIX, p) == 0 && is_hex(token + p, AUTH_TOKEN_LEN);
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

/* ---- CSRF and origins ------------------------------------------------------------------------------ */

/* Constant-time token comparison (see auth.h). */
int auth_csrf_equal(const char *expected, const char *given) {
    if (!expected || !given || strlen(expected) != AUTH_TOKEN_LEN ||
        strlen(given) != AUTH_TOKEN_LEN)
        return 0;
    return crypto_constant_time_eq(expected, given, AUTH_TOKEN_LEN);
}

/* Where a state-changing request came from (see auth.h). */
int auth_origin_allowed(const char *sec_fetch_site, const char *origin, const char *host,
                        int secure) {
    if (sec_fetch_site && *sec_fetch_site)
        return strcmp(sec_fetch_site, "same-origin") == 0 || strcmp(sec_fetch_site, "none") == 0;
    if (!origin || !*origin || strcmp(origin, "null") == 0) return 1;
    if (!host || !*host) return 0;
    const char *scheme = secure ? "https://" : "http://";
    size_t sl = strlen(scheme);
    return strncasecmp(origin, scheme, sl) == 0 && strcasecmp(origin + sl, host) == 0;
}

/* ---- cookies ---------------------------------------------------------------------------------------- */

/* The session cookie's name (see auth.h for why two). */
const char *auth_cookie_name(const web_request *req) {
    return req->secure ? "__Host-cairn" : "cairn_session";
}

/* The pre-sign-in cookie's name. */
const char *auth_login_cookie_name(const web_request *req) {
    return req->secure ? "__Host-cairn-login" : "cairn_login";
}

/* Set or clear the session cookie. */
void auth_cookie_set(const web_request *req, web_response *res, const char *token) {
    web_response_cookie(res, arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
                                          auth_cookie_name(req), token ? token : "",
                                          token ? "" : "; Max-Age=0",
                                          req->secure ? "; Secure" : ""));
}

/* The login form's token, made and set as a cookie if needed. */
const char *auth_login_token(web_request *req, web_response *res) {
    const char *have = web_request_cookie(req, auth_login_cookie_name(req));
    if (is_hex(have, AUTH_TOKEN_LEN)) return arena_strdup(req->arena, have);
    char *t = arena_alloc(req->arena, AUTH_TOKEN_LEN + 1);
    crypto_random_token(t, AUTH_TOKEN_LEN / 2);
    web_response_cookie(res, arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
                                          auth_login_cookie_name(req), t,
                                          req->secure ? "; Secure" : ""));
    return t;
}

/* Clear the pre-sign-in cookie. */
void auth_login_cookie_clear(const web_request *req, web_response *res) {
    web_response_cookie(res, arena_printf(req->arena, "%s=; Path=/; HttpOnly; SameSite=Strict; "
                                          "Max-Age=0%s", auth_login_cookie_name(req),
                                          req->secure ? "; Secure" : ""));
}

/* The session cookie's value, or NULL. */
const char *auth_session_cookie(web_request *req) {
    return web_request_cookie(req, auth_cookie_name(req));
}

/* ---- the gate ------------------------------------------------------------------------------------------ */

/* 1 for methods that must not change anything. */
static int method_safe(const char *m) {
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *bearer_token(web_request *req) {
    const char *h = web_request_header(req, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0) return NULL;
    h += 7;
    while (*h == ' ') h++;
    return h;
}

/* Find the request's session or API token; sets req->session.  0 done
** (maybe anonymous), -1 the database failed (err set). */
static int gate_identify(web_request *req, int api, cairn_err *err) {
    const char *bearer = api ? bearer_token(req) : NULL;
    const char *cookie = bearer ? NULL : auth_session_cookie(req);
    if (!bearer && !cookie) return 0;
    store *st = web_request_store(req, err);
    if (!st) return -1;
    auth_session *s = arena_zalloc(req->arena, sizeof *s);
    int64_t now = auth_now();
    int rc = bearer ? auth_token_lookup(st, bearer, now, s, err)
                    : auth_session_lookup(st, cookie, now, s, err);
    if (rc < 0) return -1;
    if (rc == 0) req->session = s;
    return 0;
}

/* Answer 303 to the login page, coming back to req's path afterwards. */
static void gate_to_login(web_request *req, web_response *res) {
    if (strcmp(req->path, "/") == 0 || !req->arena) {
        web_redirect(res, "/login");
        return;
    }
    buf b = BUF_INIT;
    buf_puts(&b, "/login?next=");   /* not HTML: a Location path; the rest percent-encoded */
    html_url_param(&b, req->path);
    web_redirect(res, arena_strdup(req->arena, buf_cstr(&b)));
    buf_free(&b);
}

/* Fill res with an error for the gate: JSON on API paths (code names it
** for programs), else the HTML page (title and message are msgids). */
static void gate_error(web_request *req, web_response *res, int status, const char *code,
                       const char *title, const char *message) {
    if (web_path_is_api(req->path)) web_error_json(res, status, code, message);
    else web_error_page(res, status, title, message);
}

/* The middleware (see auth.h). */
int auth_gate(web_request *req, web_response *res, const web_route *route) {
    cairn_err err = {0};
    int safe = method_safe(req->method);
    int api = strncmp(req->path, "/api/", 5) == 0;
    if (!route->access) {
        web_log(req, "access: route %s %s has no row in the access table; refused",
                route->method, route->path);
        gate_error(req, res, 403, "forbidden", N_("Not allowed"),
                   N_("This page is not open to anyone yet."));
        return 1;
    }
    if (req->conn) {
        req->session = NULL;
        if (gate_identify(req, api, &err) < 0) {
            web_log(req, "sign-in check: %s", err.msg);
            if (req->st) web_request_store_discard(req);
            if (!(route->access & ACCESS_PUBLIC) || !safe) {
                gate_error(req, res, 503, "unavailable", N_("Database unavailable"),
                           N_("The database cannot be reached right now. Please try again "
                              "in a minute."));
                return 1;
            }
        }
    }
    if (req->session && !req->session->who.st) req->session->who.st = req->st;
    unsigned role_set = req->session ? (ACCESS_SIGNED_IN | req->session->who.roles) : 0;
    if (access_route_allowed(role_set, route) != ACCESS_ALLOW) {
        if (req->session)
            gate_error(req, res, 403, "forbidden", N_("Not allowed"),
                       N_("Your account may not open this page. If you need it, ask a "
                          "school leader or an administrator."));
        else if (safe && !api)
            gate_to_login(req, res);
        else
            gate_error(req, res, 401, "unauthorized", N_("Please sign in"),
                       N_("Sign in first, then try again."));
        return 1;
    }
    if (safe) return 0;
    if (!auth_origin_allowed(web_request_header(req, "Sec-Fetch-Site"),
                             web_request_header(req, "Origin"), web_request_header(req, "Host"),
                             req->secure)) {
        web_log(req, "refused a cross-site %s", req->method);
        gate_error(req, res, 403, "forbidden", N_("Refused"),
                   N_("This request came from another site and was refused. Open the page "
                      "here and try again."));
        return 1;
    }
    if (req->session && req->session->via_api_token) return 0;
    const char *given = web_request_header(req, "X-CSRF-Token");
    if (!given) given = web_request_form(req, "csrf");
    int ok = req->session && auth_csrf_equal(req->session->csrf, given);
    if (!ok && (route->access & ACCESS_PUBLIC))
        ok = auth_csrf_equal(web_request_cookie(req, auth_login_cookie_name(req)), given);
    if (!ok) {
        gate_error(req, res, 403, "forbidden", N_("The form has expired"),
                   N_("This form is too old or did not come from this site. Go back, "
                      "reload the page and try again."));
        return 1;
    }
    return 0;
}
