/*
** web/auth.h — accounts, passwords, sign-in, sessions, API tokens, rate
** limiting, CSRF, and the gate every routed request passes.  One header for
** these files: web/password.c (hashing, user names), web/password_policy.c
** (the policy),
** web/account.c (accounts and the demo accounts), web/session.c (the clock,
** sessions, API tokens), web/throttle.c (signing in) and web/gate.c (CSRF, origins, cookies,
** the gate); web/auth_internal.h is what they share.
**
** Passwords: argon2id through libsodium's crypto_pwhash_str with the
** INTERACTIVE limits; a hash made with other limits is re-made on the next
** successful sign-in.  At most AUTH_PWHASH_PARALLEL hashes run at once (each
** takes 64 MiB), so a burst of sign-ins cannot exhaust memory.
** CAIRN_PWHASH_FAST=1 in the environment switches to libsodium's MIN limits:
** FOR TESTS ONLY (sanitizer builds take seconds per INTERACTIVE hash); it
** weakens every hash made while it is set, and hashes made without it are
** re-made weakly on sign-in.  Never set it on a real server.
**
** Sign-in throttling (web/throttle.c): failed sign-ins are rows of
** login_attempt (time, user name, client address), so every thread and
** process sharing the database agrees.  There is no lockout: a (name,
** address) pair gets AUTH_FAIL_FREE failures within AUTH_FAIL_WINDOW, then
** each further attempt must wait 1, 2, 4 ... seconds (at most
** AUTH_DELAY_MAX) after the pair's last failure, or it is refused (429 with
** Retry-After) before the password is looked at.  An attacker slows only
** their own guesses: the same name from another address, and other names
** from theirs, are not slowed.  An address with AUTH_FAIL_MAX_ADDRESS
** failures within AUTH_ADDRESS_WINDOW (a whole school often shares one)
** loses the free failures: a pair with any failure waits at once, but a
** pair without one (a colleague with the right password) signs in as
** usual.  A successful sign-in clears its pair; `cairn user unlock` clears
** a name.  The client address is the socket's peer, or the last
** X-Forwarded-For hop when the peer is the trusted proxy (web_config).
**
** Sessions: a random 32-byte token (64 hex digits) lives only in the
** browser's cookie; the database keeps its SHA-256.  A session ends after
** AUTH_IDLE_SECONDS without a request or AUTH_ABSOLUTE_SECONDS after it
** began, at sign-out, when its account's password is changed or the
** account is disabled.  Every sign-in makes a new token (the old session,
** if the browser had one, is deleted): nobody can plant a session id
** before sign-in and use it after.
**
** The cookie: over TLS it is "__Host-cairn" (HttpOnly; Secure; Path=/;
** SameSite=Lax) — the __Host- prefix makes browsers refuse it unless it is
** Secure, host-only and for Path=/, so no sibling subdomain or plain-HTTP
** page can set or overwrite it.  Browsers also refuse the prefix without
** Secure, and Secure cookies are not sent over plain HTTP; so on plain
** HTTP (loopback, `make run`) the cookie is "cairn_session" with the same
** attributes minus Secure.  A request counts as TLS only when the server
** runs --behind-proxy and the proxy says X-Forwarded-Proto: https (the
** server itself never speaks TLS).
**
** CSRF: every session has a random token (web_session.csrf) that every
** state-changing request (anything but GET/HEAD/OPTIONS) must carry in the
** form field "csrf" or the header X-CSRF-Token.  Before sign-in the login
** form carries the value of a separate random cookie ("__Host-cairn-login"
** or "cairn_login", SameSite=Strict) instead.  On top, a request whose
** Sec-Fetch-Site is "cross-site" or "same-site", or whose Origin names
** another origin, is refused whatever it carries.  Requests with an API
** token (Authorization: Bearer, /api/ paths only) need no CSRF token: a
** browser never adds that header by itself.
**
** Time: functions that depend on the clock take `now` (Unix seconds);
** auth_now() is the clock the web gate uses, settable for tests.
*/
#ifndef CAIRN_WEB_AUTH_H
#define CAIRN_WEB_AUTH_H
#include "base/crypto.h"
#include "base/err.h"
#include "store/store.h"
#include "web/access.h"
#include "web/server.h"
#include <stdint.h>

/* Create or upgrade the web room's tables (web/web_schema.c): sessions, API
** tokens, login attempts.  Run after school_migrate (and support_migrate,
** support/support.h, for everything the pages read). */
int web_migrate(store *st, int *applied, cairn_err *err);

/* ---- limits ---------------------------------------------------------------- */

#define AUTH_IDLE_SECONDS       (30 * 60)
#define AUTH_ABSOLUTE_SECONDS   (12 * 60 * 60)
#define AUTH_TOUCH_SECONDS      60     /* last_seen_at is written at most this often */
#define AUTH_FAIL_WINDOW        (24 * 60 * 60)  /* a pair's failures count this long */
#define AUTH_FAIL_FREE          3      /* failures of a pair before it must wait */
#define AUTH_DELAY_MAX          (15 * 60)  /* the longest wait (seconds) */
#define AUTH_ADDRESS_WINDOW     (15 * 60)
#define AUTH_FAIL_MAX_ADDRESS   100    /* failures from one address in its window */
#define AUTH_PWHASH_PARALLEL    2      /* password hashes computed at once */

#define AUTH_TOKEN_LEN          64     /* hex digits of a session / CSRF token */
#define AUTH_API_PREFIX         "cairn_"
#define AUTH_API_TOKEN_LEN      70     /* "cairn_" + 64 hex digits */
#define AUTH_HASH_MAX           128    /* = crypto_pwhash_STRBYTES */
#define AUTH_USERNAME_MAX       64
#define AUTH_NAME_MAX           200
#define AUTH_PASSWORD_MIN       15     /* characters; docs/decisions.md, "Passwords" */
#define AUTH_PASSWORD_MAX       1024

/* ---- the clock -------------------------------------------------------------- */

typedef int64_t (*auth_clock_fn)(void);

/* Unix seconds now: time(NULL), or what the function set with
** auth_clock_set() returns. */
int64_t auth_now(void);

/* Make auth_now() call fn (NULL = the real clock); returns the previous
** one.  For tests; not meant to change while a server runs. */
auth_clock_fn auth_clock_set(auth_clock_fn fn);

/* ---- passwords and names -------------------------------------------------------- */

/* Hash password into out (a NUL-terminated "$argon2id$..." string).  -1
** with err set if its form is wrong (auth_password_form_check; the policy
** is the caller's: auth_password_check) or libsodium runs out of memory. */
int auth_password_hash(const char *password, char out[AUTH_HASH_MAX], cairn_err *err);

/* 1 if password matches hash, 0 if not (also for a NULL or malformed
** hash). */
int auth_password_verify(const char *hash, const char *password);

/* 1 if hash was made with other limits than auth_password_hash() uses now
** (or is not an argon2id hash at all), 0 if it is current. */
int auth_password_needs_rehash(const char *hash);

/* The policy for a new password (web/password_policy.c; NIST SP 800-63B):
** valid UTF-8 without control characters, at most AUTH_PASSWORD_MAX bytes,
** at least AUTH_PASSWORD_MIN characters, no composition rules; not the user
** name (username, may be NULL) nor containing it (3 characters or more,
** any case), not one short piece repeated ("aaaaaaaaaa"), not one of the
** most common passwords (with digits or punctuation added at the end too),
** and not what libcrack2's FascistCheckUser() refuses when its dictionary
** is installed.  -1 with a message saying why, for the person choosing. */
int auth_password_check(const char *password, const char *username, cairn_err *err);

/* Only the form: not empty, valid UTF-8, no control characters, at most
** AUTH_PASSWORD_MAX bytes.  What auth_password_hash() checks: an old
** password that the policy refuses today can still be re-hashed. */
int auth_password_form_check(const char *password, cairn_err *err);

/* libcrack2's dictionary (the path it takes, without ".pwd"; a static
** string), or NULL when the dictionary file is not installed. */
const char *auth_password_dictionary(void);

/* Check a user name and write it lower-cased to out: 1 to
** AUTH_USERNAME_MAX bytes of a-z 0-9 . _ - @, starting with a letter or
** digit (upper case is folded).  -1 with a message otherwise. */
int auth_username_normalise(const char *in, char out[AUTH_USERNAME_MAX + 1], cairn_err *err);

/* ---- accounts ------------------------------------------------------------------ */

typedef struct auth_account {
    int64_t  id;
    char     username[AUTH_USERNAME_MAX + 1];
    char     display_name[AUTH_NAME_MAX + 1];
    int64_t  institution_id;                 /* 0 = none */
    char     institution_code[65];
    int64_t  staff_id;                       /* 0 = not linked to a staff member */
    char     staff_ref[65];
    unsigned roles;                          /* ACCESS_ROLE_* in its institution */
    int      disabled;
    int      has_password;
    int64_t  sessions;                       /* open sessions */
} auth_account;

typedef struct auth_account_spec {
    const char *username;      /* required; normalised */
    const char *display_name;  /* NULL = the staff member's name, else the user name */
    const char *password;      /* required; checked against the policy */
    const char *institution;   /* institution code; NULL = the only one */
    const char *staff_ref;     /* staff.ref to link; NULL = none */
    unsigned    roles;         /* at least one ACCESS_ROLE_* bit */
} auth_account_spec;

/* Create an account; *id (may be NULL) gets its id.  Errors a person can act
** on: bad or taken user name (CAIRN_EINVAL), no such institution or staff
** member (CAIRN_ENOTFOUND), weak password.  Nothing is written on error. */
int auth_account_add(store *st, const auth_account_spec *spec, int64_t *id, cairn_err *err);

/* Read one account by user name (normalised first); CAIRN_ENOTFOUND if
** there is none. */
int auth_account_find(store *st, const char *username, auth_account *out, cairn_err *err);

/* Every account, ordered by user name; *rows is malloc'd, caller frees. */
int auth_account_list(store *st, auth_account **rows, size_t *n, cairn_err *err);

/* Set a new password and end the account's sessions. */
int auth_account_password_set(store *st, const char *username, const char *password,
                              cairn_err *err);

/* Set a new password and, in the same transaction, end the account's
** sessions but the one whose token hash is keep_session_hash (NULL = end
** all: the command line) and, with revoke_tokens, delete its API tokens
** (*tokens_revoked, may be NULL, gets how many).  Nothing changes on error. */
int auth_account_password_change(store *st, const char *username, const char *password,
                                 const char *keep_session_hash, int revoke_tokens,
                                 int64_t *tokens_revoked, cairn_err *err);

/* Give (add = 1) or take (add = 0) one role in the account's institution.
** Taking the last role is allowed (the account can then sign in but use
** nothing).  Giving a role it has, or taking one it lacks, is an error
** saying so (CAIRN_EINVAL). */
int auth_account_role_change(store *st, const char *username, unsigned role, int add,
                             cairn_err *err);

/* Disable (1) or enable (0) an account; disabling ends its sessions, and a
** disabled account can neither sign in nor use its API tokens. */
int auth_account_disable(store *st, const char *username, int disabled, cairn_err *err);

/* ---- the demo accounts ------------------------------------------------------------ */

typedef struct auth_demo_account {
    char username[AUTH_USERNAME_MAX + 1];
    char password[64];
    char role[32];            /* role code */
    char linked[160];         /* "staff S0007 Anna Berg, class teacher of 3 groups" */
    int  created;             /* 1 = made now; 0 = it existed and was left as it was */
} auth_demo_account;

#define AUTH_DEMO_ACCOUNTS 5

/* Create the demo school's accounts, one per role of this issue, with
** known passwords (printed by scripts/run-demo.sh; for demos only):
** admin (administrator), leader (school leader, linked to the head),
** keyworker (key worker, linked to a counsellor, with a caseload of up to
** 8 active learners of the groups they are key worker of, each with a
** case in one state of the lifecycle: support/demo_case.c), teacher
** (linked to the staff member who teaches the most groups with active
** learners), dpo (data protection officer; the audit log).  An account
** that exists is left as it is.  institution: code
** or NULL for the only one. */
int auth_demo_accounts(store *st, const char *institution,
                       auth_demo_account out[AUTH_DEMO_ACCOUNTS], cairn_err *err);

/* The demo school at scale (web/demo_caseloads.c, `cairn demo --cases`):
** up to `cases` cases on the key workers of groups, in staff order, up to
** 25 each (support_demo_scale_caseload); a key worker without an account
** gets "keyworker-NNN" (NNN: their place in that order) with the demo key
** worker's public password.  *made gets the cases made, *workers the key
** workers given some.  0 or -1. */
int auth_demo_caseloads(store *st, const char *institution, int cases, int *made, int *workers,
                        cairn_err *err);

/* ---- sessions ------------------------------------------------------------------ */

typedef struct auth_session {
    char       token_hash[CRYPTO_SHA256_HEX_LEN];
    char       csrf[AUTH_TOKEN_LEN + 1];      /* "" for API-token requests */
    int64_t    created_at, last_seen_at;      /* Unix seconds */
    char       username[AUTH_USERNAME_MAX + 1];
    char       display_name[AUTH_NAME_MAX + 1];
    char       language[16];                  /* the account's setting, "" = none */
    int        via_api_token;                 /* 1 = Authorization: Bearer */
    access_ctx who;                           /* who this is, for web/access.h */
} auth_session;

/* Start a session for account_id: a new random token into token (the
** cookie value; only its hash is stored).  Also removes expired sessions
** of every account. */
int auth_session_create(store *st, int64_t account_id, int64_t now,
                        char token[AUTH_TOKEN_LEN + 1], cairn_err *err);

/* Find the session of token as of now.  0 = valid: *out filled (who.st =
** st) and last_seen_at moved to now (written at most every
** AUTH_TOUCH_SECONDS).  1 = no such session, or it expired (idle or
** absolute: the row is deleted), or its account is disabled.  -1 = error. */
int auth_session_lookup(store *st, const char *token, int64_t now, auth_session *out,
                        cairn_err *err);

/* Replace a valid session's token (and CSRF token) by new ones, keeping
** its account and its start (the absolute timeout does not move).  0 done,
** 1 no valid session, -1 error. */
int auth_session_rotate(store *st, const char *token, int64_t now,
                        char new_token[AUTH_TOKEN_LEN + 1], cairn_err *err);

/* End the session of token (no error if there is none). */
int auth_session_end(store *st, const char *token, cairn_err *err);

/* End every session of an account. */
int auth_session_end_all(store *st, int64_t account_id, cairn_err *err);

/* ---- signing in ------------------------------------------------------------------ */

typedef enum {
    AUTH_LOGIN_OK = 0,
    AUTH_LOGIN_BAD,        /* unknown user name or wrong password: one answer for both */
    AUTH_LOGIN_THROTTLED,  /* the pair must wait (*retry_after seconds); not checked */
    AUTH_LOGIN_DISABLED    /* right password, but the account is disabled */
} auth_login_result;

/* Check a sign-in attempt from client address as of now.  With
** AUTH_LOGIN_OK a new session was created (its token in token, the
** account in *account_id, may be NULL), the pair's failures cleared and
** the hash re-made if its limits are old.  A wrong name or password is
** recorded as a failure of the pair.  AUTH_LOGIN_THROTTLED: the pair must
** wait *retry_after (may be NULL) more seconds; nothing was checked or
** recorded.  -1 only for database errors. */
int auth_login(store *st, const char *username, const char *password, const char *address,
               int64_t now, auth_login_result *result, int64_t *retry_after, int64_t *account_id,
               char token[AUTH_TOKEN_LEN + 1], cairn_err *err);

/* The failures of the (username, address) pair within AUTH_FAIL_WINDOW,
** and from address within AUTH_ADDRESS_WINDOW, before now. */
int auth_login_failures(store *st, const char *username, const char *address, int64_t now,
                        int64_t *by_pair, int64_t *by_address, cairn_err *err);

/* How many more seconds the pair must wait before its next attempt is
** checked (0 = it may try now). */
int auth_login_wait(store *st, const char *username, const char *address, int64_t now,
                    int64_t *wait, cairn_err *err);

/* Record one failure of the pair (key, address) at now, as a wrong
** password is: for other guessing than passwords, under a key that is no
** user name ("#verify": contract codes, web/support/contract_verify_page.c),
** slowed by auth_login_wait on the same key. */
int auth_throttle_fail(store *st, const char *key, const char *address, int64_t now,
                       cairn_err *err);

/* Clear the failures of a user name (normalised) from every address;
** *cleared (may be NULL) gets how many there were.  `cairn user unlock`. */
int auth_login_unlock(store *st, const char *username, int64_t *cleared, cairn_err *err);

/* ---- API tokens ------------------------------------------------------------------ */

#define AUTH_TOKEN_DAYS_DEFAULT 90     /* a new token's life when none is asked */
#define AUTH_TOKEN_DAYS_MAX     366    /* the longest life a token may be given */
#define AUTH_TOKEN_ID_LEN       12     /* hex digits of a token's public id */

/* Make an API token for account_id named name (1..100 bytes; for the
** person's list), valid until expires_at (0 = no end; the command line and
** pages always give one, see auth_token_expiry).  token gets "cairn_" + 64
** hex digits: shown once, only its hash is stored.  id_out (may be NULL)
** gets its public id: the first AUTH_TOKEN_ID_LEN hex digits of the hash. */
int auth_token_create_id(store *st, int64_t account_id, const char *name, int64_t now,
                         int64_t expires_at, char token[AUTH_API_TOKEN_LEN + 1],
                         char id_out[AUTH_TOKEN_ID_LEN + 1], cairn_err *err);

/* auth_token_create_id without the id. */
int auth_token_create(store *st, int64_t account_id, const char *name, int64_t now,
                      int64_t expires_at, char token[AUTH_API_TOKEN_LEN + 1], cairn_err *err);

/* When a token made at now for days days (0 = AUTH_TOKEN_DAYS_DEFAULT;
** 1..AUTH_TOKEN_DAYS_MAX) expires. */
int64_t auth_token_expiry(int64_t now, int days);

/* One API token as listed: never its secret or hash. */
typedef struct auth_token_info {
    char    id[AUTH_TOKEN_ID_LEN + 1];
    char    name[101];
    int64_t created_at;
    int64_t last_used_at;                     /* 0 = never used */
    int64_t expires_at;                       /* 0 = no end */
} auth_token_info;

/* The tokens of account_id, newest first; *rows is malloc'd (NULL when
** none), caller frees. */
int auth_token_list(store *st, int64_t account_id, auth_token_info **rows, size_t *n,
                    cairn_err *err);

/* Delete the token of account_id whose public id is id: 0 done,
** CAIRN_ENOTFOUND (-1) when the account has no such token. */
int auth_token_revoke_id(store *st, int64_t account_id, const char *id, cairn_err *err);

/* Delete every token of account_id; *revoked (may be NULL) gets how many. */
int auth_token_revoke_all(store *st, int64_t account_id, int64_t *revoked, cairn_err *err);

/* Find the account of an API token as of now: 0 valid (*out filled with
** via_api_token = 1 and csrf ""), 1 unknown / expired / account disabled,
** -1 error.  Records last use (at most every AUTH_TOUCH_SECONDS). */
int auth_token_lookup(store *st, const char *token, int64_t now, auth_session *out,
                      cairn_err *err);

/* Delete an API token (no error if there is none). */
int auth_token_revoke(store *st, const char *token, cairn_err *err);

/* ---- CSRF and origin checks -------------------------------------------------------- */

/* 1 if given equals expected (constant time) and expected is a full
** token; 0 otherwise (NULL, empty, wrong length, different). */
int auth_csrf_equal(const char *expected, const char *given);

/* 1 if a state-changing request may go on as far as where it came from
** goes: Sec-Fetch-Site (if sent) must be "same-origin" or "none"; else an
** Origin (if sent and not "null") must be scheme://host of this server
** (host = the Host header; scheme https when secure).  0 = refuse. */
int auth_origin_allowed(const char *sec_fetch_site, const char *origin, const char *host,
                        int secure);

/* ---- the web gate ------------------------------------------------------------------ */

/* The middleware web_dispatch() runs for every request that matched route,
** before its handler: finds the session (cookie) or API token (Bearer, on
** /api/ paths) and sets req->session; asks access_route_allowed(); refuses
** cross-site and CSRF-less state-changing requests.  Returns 0 to run the
** handler, 1 when it has answered in res itself:
**   303 to /login?next=...   GET of a page that needs a session, without one
**   401                      other methods (or /api/) without a session
**   403                      signed in but the role may not use the route,
**                            the route has no access rule, a cross-site
**                            request, a missing or wrong CSRF token
**   503                      the database cannot be reached
** Outside the server (req->conn NULL, as in unit tests) a req->session the
** caller set is taken as is. */
int auth_gate(web_request *req, web_response *res, const web_route *route);

/* The cookie names for req (secure or not); static strings. */
const char *auth_cookie_name(const web_request *req);
const char *auth_login_cookie_name(const web_request *req);

/* Add Set-Cookie to res: the session cookie with token, or one that clears
** it (token NULL). */
void auth_cookie_set(const web_request *req, web_response *res, const char *token);

/* The login form's CSRF token: the value of the pre-sign-in cookie when the
** browser sent a well-formed one, else a new one (and a Set-Cookie for it
** in res).  Owned by req's arena. */
const char *auth_login_token(web_request *req, web_response *res);

/* Clear the pre-sign-in cookie (after a successful sign-in). */
void auth_login_cookie_clear(const web_request *req, web_response *res);

/* The session cookie's value if the browser sent one, else NULL. */
const char *auth_session_cookie(web_request *req);

/* ---- pages (web/pages_auth.c) ------------------------------------------------------- */

/* GET and POST /login, POST /logout, POST /language: their records and
** handlers are in web/pages_auth.c (prototypes in gen/pages.h). */

/* Write "Signed in as NAME" and a sign-out button (a POST form with the
** session's CSRF token) into b; nothing without a session.  For page
** headers. */
void page_auth_signout(web_request *req, buf *b);

#endif
