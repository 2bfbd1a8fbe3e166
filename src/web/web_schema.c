/*
** web/web_schema.c — the web room's tables, as migrations (room "web").
**
**   web_session         signed-in browsers: the SHA-256 of the session token
**                       (the token itself is only in the cookie), the CSRF
**                       token of the session, and when it began and was last
**                       used (Unix seconds, for the idle and absolute
**                       timeouts of web/auth.h).
**   api_token           per-user API tokens, stored as SHA-256 only; from
**                       version 3 each has a public_id (the first 12 hex
**                       digits of its hash: shown in lists, never the
**                       secret) and an expiry (see docs/decisions.md).
**   login_attempt       failed sign-ins (Unix seconds, user name, client
**                       address) for rate limiting; kept for the window only.
**   list_view           (version 4) the list filters each account last used
**                       (web/list_view.h).
**
** History: in cairn 0.1.0 migrations 1 and 2 here also made
** support_assignment, learner_share, audit_event (1) and
** flag_acknowledgement (2).  Those tables belong to the support room now
** (support/support_schema.c, whose migrations 1 and 2 repeat that SQL and
** adopt the tables of a 0.1.0 database without touching them).  Version 1
** here makes only the three tables above; version 2 is kept, empty, so
** that the web room's version numbers stay those of 0.1.0 (a program that
** knew only version 1 would call a 0.1.0 database "newer").
**
** Times are BIGINT Unix seconds (compared with arithmetic).
*/
#include "web/auth.h"

#define WEB_V1_COMMON                                                           \
    "CREATE TABLE web_session ("                                                \
    " token_hash TEXT PRIMARY KEY,"                                             \
    " account_id BIGINT NOT NULL REFERENCES account(id),"                       \
    " csrf TEXT NOT NULL,"                                                      \
    " created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL);"               \
    "CREATE INDEX web_session_by_account ON web_session (account_id);"          \
    "CREATE INDEX web_session_by_seen ON web_session (last_seen_at);"           \
    "CREATE TABLE api_token ("                                                  \
    " token_hash TEXT PRIMARY KEY,"                                             \
    " account_id BIGINT NOT NULL REFERENCES account(id),"                       \
    " name TEXT NOT NULL, created_at BIGINT NOT NULL,"                          \
    " last_used_at BIGINT, expires_at BIGINT);"                                 \
    "CREATE INDEX api_token_by_account ON api_token (account_id);"              \
    "CREATE TABLE login_attempt ("                                              \
    " at BIGINT NOT NULL, username TEXT NOT NULL, address TEXT NOT NULL);"      \
    "CREATE INDEX login_attempt_by_user ON login_attempt (username, at);"       \
    "CREATE INDEX login_attempt_by_address ON login_attempt (address, at);"     \
    "CREATE INDEX login_attempt_by_at ON login_attempt (at);"

/* Version 3: API tokens get a public id and, where they had none, an
** expiry 90 days (AUTH_TOKEN_DAYS_DEFAULT) from the upgrade; NOW is the
** database's clock in Unix seconds. */
#define WEB_V3(NOW)                                                             \
    "ALTER TABLE api_token ADD COLUMN public_id TEXT;"                          \
    "UPDATE api_token SET public_id = substr(token_hash, 1, 12);"               \
    "UPDATE api_token SET expires_at = " NOW " + 7776000"                       \
    " WHERE expires_at IS NULL;"                                                \
    "CREATE UNIQUE INDEX api_token_by_public_id ON api_token (public_id);"

#define WEB_V3_NAME "API tokens: public id, expiry for those without"

/* Version 4: the list filters each account last used (web/list_view.h). */
#define WEB_V4                                                                  \
    "CREATE TABLE list_view ("                                                  \
    " account_id BIGINT NOT NULL REFERENCES account(id), list TEXT NOT NULL,"   \
    " query TEXT NOT NULL, saved_at TEXT NOT NULL,"                             \
    " PRIMARY KEY (account_id, list));"
#define WEB_V4_NAME "list filters remembered per account"

static const store_migration web_migrations_sqlite[] = {
    {"web", 1, "sessions, API tokens, login attempts", WEB_V1_COMMON},
    {"web", 2, "(empty: its tables moved to the support room)", ""},
    {"web", 3, WEB_V3_NAME, WEB_V3("CAST(strftime('%s', 'now') AS INTEGER)")},
    {"web", 4, WEB_V4_NAME, WEB_V4},
};

static const store_migration web_migrations_pg[] = {
    {"web", 1, "sessions, API tokens, login attempts", WEB_V1_COMMON},
    {"web", 2, "(empty: its tables moved to the support room)", ""},
    {"web", 3, WEB_V3_NAME, WEB_V3("CAST(FLOOR(EXTRACT(EPOCH FROM now())) AS BIGINT)")},
    {"web", 4, WEB_V4_NAME, WEB_V4},
};

/* Create or upgrade the web tables (after school_migrate: they refer to
** accounts); *applied (may be NULL) gets how many migrations ran. */
int web_migrate(store *st, int *applied, cairn_err *err) {
    _Static_assert(AUTH_TOKEN_DAYS_DEFAULT * 86400 == 7776000, "WEB_V3's 90 days");
    if (store_kind_of(st) == STORE_POSTGRES)
        return store_migrate(st, web_migrations_pg,
                             sizeof web_migrations_pg / sizeof *web_migrations_pg, applied, err);
    return store_migrate(st, web_migrations_sqlite,
                         sizeof web_migrations_sqlite / sizeof *web_migrations_sqlite, applied, err);
}
