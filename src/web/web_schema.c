/*
** web/web_schema.c — the web room's tables, as migrations (room "web").
**
**   web_session         signed-in browsers: the SHA-256 of the session token
**                       (the token itself is only in the cookie), the CSRF
**                       token of the session, and when it began and was last
**                       used (Unix seconds, for the idle and absolute
**                       timeouts of web/auth.h).
**   api_token           per-user API tokens, stored as SHA-256 only.
**   login_attempt       failed sign-ins (Unix seconds, user name, client
**                       address) for rate limiting; kept for the window only.
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

/* The same on both databases. */
static const store_migration web_migrations[] = {
    {"web", 1, "sessions, API tokens, login attempts", WEB_V1_COMMON},
    {"web", 2, "(empty: its tables moved to the support room)", ""},
};

/* Create or upgrade the web tables (after school_migrate: they refer to
** accounts); *applied (may be NULL) gets how many migrations ran. */
int web_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, web_migrations, sizeof web_migrations / sizeof *web_migrations,
                         applied, err);
}
