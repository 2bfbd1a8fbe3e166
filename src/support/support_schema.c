/*
** support/support_schema.c — the support room's tables, as migrations
** (room "support").
**
**   support_assignment  a key worker's caseload: which staff member supports
**                       which learner.  Version 2 adds ended_at: a learner has
**                       one named key worker at a time (a partial unique index
**                       on the rows without ended_at); assigning another ends
**                       the current row, which stays as history (assigning an
**                       earlier key worker again reopens their row).
**   learner_share       a learner's record shared by a leader with a staff
**                       member outside the usual relationships (read access
**                       for key workers; see web/access.h).
**   audit_event         the append-only, hash-chained audit log
**                       (support/audit.h), one chain per institution; UPDATE
**                       and DELETE are refused by triggers.
**   flag_acknowledgement  (version 2) a staff member saw one flag of a
**                       learner's score and wrote what they did about it
**                       (support/actions.h): the rule code, the score date it
**                       answers, the account and a comment.  The comment is
**                       sealed (support/sealed.h); rows from before that are
**                       sealed by `cairn init` and `cairn key rotate`
**                       (support/sealed_columns.c).
**
**   notice, notice_pref, mail_queue  (version 3) notices for accounts, what
**                       each receives by mail, and the mail to send
**                       (support/notice.h).
**
** Times are ISO 8601 UTC TEXT like the school tables.
**
** History: cairn 0.1.0 made these tables in the web room's migrations 1 and
** 2, with exactly this SQL.  Versions 1 and 2 here repeat that split, so a
** 0.1.0 database is upgraded by recording them without running them
** (store_migration_adopt, keyed on a table each made), and a database that
** has only the old web 1 gets support 2 run for real.  The web room's
** migrations now make only its own tables (web/web_schema.c);
** docs/decisions.md, "The support room".
*/
#include "support/support.h"
#include "support/case_schema.h"
#include "support/case_move.h"
#include "support/assessment.h"
#include "support/consent.h"
#include "support/contract.h"
#include "support/intervention.h"
#include "support/plan.h"
#include "support/review.h"
#include <assert.h>

#define SUPPORT_V1_COMMON                                                       \
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
#define SUPPORT_V2_COMMON                                                       \
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

/* Version 3: notices and mail (support/notice.h, docs/decisions.md
** "Notices and mail").  notice: one line for one account (kind
** 'keyworker', 'flagged', 'import_failed', 'score_failed'; the learner it
** is about, a short English detail), read_at once read.  notice_pref: what
** an account receives by mail ('none', 'digest', 'each'; no row = 'each')
** and the day its last digest was queued.  mail_queue: one message to
** send, its state ('queued', 'sent', 'failed' = given up), attempts, when
** to try next and the last error. */
#define SUPPORT_V3_COMMON                                                       \
    "CREATE TABLE notice ("                                                     \
    " institution_id BIGINT NOT NULL REFERENCES institution(id),"               \
    " id BIGINT NOT NULL, account_id BIGINT NOT NULL REFERENCES account(id),"   \
    " kind TEXT NOT NULL, learner_id BIGINT, detail TEXT NOT NULL,"             \
    " created_at TEXT NOT NULL, read_at TEXT,"                                  \
    " PRIMARY KEY (institution_id, id));"                                       \
    "CREATE INDEX notice_by_account ON notice (account_id, read_at, id);"       \
    "CREATE TABLE notice_pref ("                                                \
    " account_id BIGINT PRIMARY KEY REFERENCES account(id),"                    \
    " mail TEXT NOT NULL CHECK (mail IN ('none', 'digest', 'each')),"           \
    " digest_on TEXT);"                                                         \
    "CREATE TABLE mail_queue ("                                                 \
    " institution_id BIGINT NOT NULL REFERENCES institution(id),"               \
    " id BIGINT NOT NULL, account_id BIGINT REFERENCES account(id),"            \
    " recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"      \
    " state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),"       \
    " attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL,"      \
    " last_error TEXT, created_at TEXT NOT NULL, sent_at TEXT,"                 \
    " PRIMARY KEY (institution_id, id));"                                       \
    "CREATE INDEX mail_queue_due ON mail_queue (state, next_attempt_at);"

#define SUPPORT_V1_NAME "caseloads, shares, audit log"
#define SUPPORT_V2_NAME "flag acknowledgements, key worker history"
#define SUPPORT_V3_NAME "notices, mail preferences, mail queue"

static const store_migration support_migrations_sqlite[] = {
    {"support", 1, SUPPORT_V1_NAME,
     SUPPORT_V1_COMMON
     "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event"
     " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
     "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event"
     " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"},
    {"support", 2, SUPPORT_V2_NAME, SUPPORT_V2_COMMON},
    {"support", 3, SUPPORT_V3_NAME, SUPPORT_V3_COMMON},
};

static const store_migration support_migrations_pg[] = {
    {"support", 1, SUPPORT_V1_NAME,
     SUPPORT_V1_COMMON
     "CREATE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS"
     " $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;"
     "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event"
     " FOR EACH ROW EXECUTE FUNCTION audit_event_refuse();"
     "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event"
     " FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse();"},
    {"support", 2, SUPPORT_V2_NAME, SUPPORT_V2_COMMON},
    {"support", 3, SUPPORT_V3_NAME, SUPPORT_V3_COMMON},
};

/* The table whose presence shows that cairn 0.1.0's web migration of the
** same number already made what support migration i makes (only the first
** two: later migrations are the support room's own). */
static const char *const support_adopt_table[] = {"support_assignment", "flag_acknowledgement"};

/* Adopt what 0.1.0 made, then run the rest (see support.h). */
int support_migrate(store *st, int *applied, cairn_err *err) {
    int pg = store_kind_of(st) == STORE_POSTGRES;
    const store_migration *list = pg ? support_migrations_pg : support_migrations_sqlite;
    size_t n = pg ? sizeof support_migrations_pg / sizeof *support_migrations_pg
                  : sizeof support_migrations_sqlite / sizeof *support_migrations_sqlite;
    size_t nadopt = sizeof support_adopt_table / sizeof *support_adopt_table;
    assert(nadopt <= n);
    int adopted = 0, ran = 0;
    if (applied) *applied = 0;
    for (size_t i = 0; i < nadopt; i++) {
        int one = 0;
        if (store_migration_adopt(st, &list[i], support_adopt_table[i], &one, err) < 0) return -1;
        adopted += one;
    }
    int rc = store_migrate(st, list, n, &ran, err);
    if (applied) *applied = adopted + ran;
    /* The parts' own series, after the support series; not counted in
    ** *applied, which stays the support series' (docs/decisions.md). */
    if (rc == 0) rc = support_consent_migrate(st, NULL, err);
    if (rc == 0) rc = support_case_migrate(st, NULL, err);
    if (rc == 0) rc = support_plan_migrate(st, NULL, err);      /* series "plan", after "case" */
    if (rc == 0) rc = support_assessment_migrate(st, NULL, err);
    if (rc == 0) rc = support_case_approval_migrate(st, NULL, err);
    if (rc == 0) rc = intervention_migrate(st, NULL, err);   /* refers to support_case */
    if (rc == 0) rc = support_review_migrate(st, NULL, err);
    if (rc == 0) rc = support_contract_migrate(st, NULL, err);
    if (rc == 0) rc = support_case_move_migrate(st, NULL, err);   /* after "contract" */
    if (rc == 0) rc = support_audit_migrate(st, NULL, err);   /* series "audit", last */
    return rc;
}
