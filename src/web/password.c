/*
** web/password.c — password hashing (argon2id through libsodium, at most
** AUTH_PWHASH_PARALLEL at once) and user names (see auth.h for the rules;
** the password policy is web/password_policy.c).
*/
#include "web/auth.h"
#include "web/auth_internal.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(AUTH_HASH_MAX == crypto_pwhash_STRBYTES, "password hash size");

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

/* Hash password with argon2id (see auth.h). */
int auth_password_hash(const char *password, char out[AUTH_HASH_MAX], cairn_err *err) {
    if (auth_password_form_check(password, err) < 0) return -1;
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

/* Spend the time of one password check for a user name that has no
** account (see auth_internal.h). */
void auth_password_verify_dummy(const char *password) {
    pthread_once(&dummy_once, dummy_make);
    (void)auth_password_verify(dummy_hash, password ? password : "");
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
