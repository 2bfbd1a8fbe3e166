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
**   support_assignment  a key worker's caseload: which staff member supports
**                       which learner.  Version 2 adds ended_at: a learner has
**                       one named key worker at a time (a partial unique index
**                       on the rows without ended_at); assigning another ends
**                       the current row, which stays as history (assigning an
**                       earlier key worker again reopens their row).  The support room will own this table
**                       (and its key workers, teams and cases) when it is
**                       built; it is here now because access needs it.
**   learner_share       a learner's record shared by a leader with a staff
**                       member outside the usual relationships (read access
**                       for key workers; see web/access.h).  Also to move to
**                       the support room.
**   flag_acknowledgement  (version 2) a staff member saw one flag of a
**                       learner's score and wrote what they did about it
**                       (web/actions.h): the rule code, the score date it
**                       answers, the account and a comment.  The comment is
**                       stored as written, NOT encrypted: there is no key
**                       management for crypto_text_seal yet (base/crypto.h);
**                       when there is, seal it.  To move to the support room.
**   audit_event         the append-only, hash-chained audit log (web/audit.h),
**                       one chain per institution; UPDATE and DELETE are
**                       refused by triggers.  Also to move to the support
**                       room, which owns the audit log in DESIGN.md.
**
** Times in the first three are BIGINT Unix seconds (compared with
** arithmetic); the others use ISO 8601 UTC TEXT like the school tables.
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
    "CREATE INDEX login_attempt_by_at ON login_attempt (at);"                   \
    "CREATE TABLE support_assignment ("                                         \
    " institution_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"              \
    " staff_id BIGINT NOT NULL, assigned_by BIGINT REFERENCES account(id),"     \
    " assigned_at TEXT NOT NULL,"                                               \
    " PRIMARY KEY (institution_id, learner_id, staff_id),"                      \
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id),"\
    " FOREIGN KEY (institution_id, staff_id) REFERENCES staff(institution_id, id));"\
    "CREATE INDEX support_assignment_by_staff ON support_assignment (institution_id, staff_id);"\
    "CREATE TABLE learner_share ("                                              \
    " institution_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"              \
    " staff_id BIGINT NOT NULL, shared_by BIGINT REFERENCES account(id),"       \
    " shared_at TEXT NOT NULL,"                                                 \
    " PRIMARY KEY (institution_id, learner_id, staff_id),"                      \
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id),"\
    " FOREIGN KEY (institution_id, staff_id) REFERENCES staff(institution_id, id));"\
    "CREATE INDEX learner_share_by_staff ON learner_share (institution_id, staff_id);"\
    "CREATE TABLE audit_event ("                                                \
    " institution_id BIGINT NOT NULL REFERENCES institution(id),"               \
    " id BIGINT NOT NULL, at TEXT NOT NULL, account_id BIGINT,"                 \
    " action TEXT NOT NULL, learner_id BIGINT, detail TEXT NOT NULL,"           \
    " prev_hash TEXT NOT NULL, hash TEXT NOT NULL,"                             \
    " PRIMARY KEY (institution_id, id));"                                       \
    "CREATE INDEX audit_event_by_learner ON audit_event (institution_id, learner_id);"

/* Version 2: flag acknowledgements, and key worker history.  Rows of
** support_assignment that existed before are ended where a learner had more
** than one: the newest assignment (then the highest staff id) stays
** current, the others end when the next one began. */
#define WEB_V2_COMMON                                                           \
    "CREATE TABLE flag_acknowledgement ("                                       \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                      \
    " learner_id BIGINT NOT NULL, rule_code TEXT NOT NULL, asof TEXT NOT NULL," \
    " account_id BIGINT NOT NULL REFERENCES account(id),"                       \
    " comment TEXT NOT NULL, at TEXT NOT NULL,"                                 \
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id));"\
    "CREATE INDEX flag_acknowledgement_by_learner"                              \
    " ON flag_acknowledgement (institution_id, learner_id, rule_code);"         \
    "ALTER TABLE support_assignment ADD COLUMN ended_at TEXT;"                  \
    "UPDATE support_assignment SET ended_at = (SELECT min(o.assigned_at)"       \
    " FROM support_assignment o WHERE o.institution_id = support_assignment.institution_id"\
    " AND o.learner_id = support_assignment.learner_id"                         \
    " AND (o.assigned_at > support_assignment.assigned_at"                      \
    "  OR (o.assigned_at = support_assignment.assigned_at"                      \
    "      AND o.staff_id > support_assignment.staff_id)))"                     \
    " WHERE EXISTS (SELECT 1 FROM support_assignment o"                         \
    " WHERE o.institution_id = support_assignment.institution_id"               \
    " AND o.learner_id = support_assignment.learner_id"                         \
    " AND (o.assigned_at > support_assignment.assigned_at"                      \
    "  OR (o.assigned_at = support_assignment.assigned_at"                      \
    "      AND o.staff_id > support_assignment.staff_id)));"                    \
    "CREATE UNIQUE INDEX support_assignment_current"                            \
    " ON support_assignment (institution_id, learner_id) WHERE ended_at IS NULL;"

static const store_migration web_migrations_sqlite[] = {
    {"web", 1, "sessions, API tokens, login attempts, caseloads, audit log",
     WEB_V1_COMMON
     "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event"
     " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
     "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event"
     " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"},
    {"web", 2, "flag acknowledgements, key worker history", WEB_V2_COMMON},
};

static const store_migration web_migrations_pg[] = {
    {"web", 1, "sessions, API tokens, login attempts, caseloads, audit log",
     WEB_V1_COMMON
     "CREATE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS"
     " $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;"
     "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event"
     " FOR EACH ROW EXECUTE FUNCTION audit_event_refuse();"
     "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event"
     " FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse();"},
    {"web", 2, "flag acknowledgements, key worker history", WEB_V2_COMMON},
};

/* Create or upgrade the web tables (after school_migrate: they refer to
** accounts, learners and staff); *applied (may be NULL) gets how many
** migrations ran. */
int web_migrate(store *st, int *applied, cairn_err *err) {
    if (store_kind_of(st) == STORE_POSTGRES)
        return store_migrate(st, web_migrations_pg,
                             sizeof web_migrations_pg / sizeof *web_migrations_pg, applied, err);
    return store_migrate(st, web_migrations_sqlite,
                         sizeof web_migrations_sqlite / sizeof *web_migrations_sqlite, applied, err);
}
