/*
** support/case_schema.c — the tables of cases (support/case.h), as the
** migration series "case", applied from support_migrate().
**
**   support_case        one learner's case: key worker (staff), state, tier,
**                       where it came from (source, and for a flag the
**                       score date and the tier it suggested), the reason
**                       (sealed text), the outcome and its reason once
**                       closed.  At most one case per learner is not closed
**                       (a partial unique index).
**   case_team_member    the team: staff members with a stated role.
**   case_history        every open, step, tier change, team change and task
**                       done: who, when, from, to and why (sealed text).
**   case_transfer       a handover of the case to another key worker: asked
**                       (with a sealed reason), then accepted or declined
**                       by the receiver (with a sealed answer), or withdrawn
**                       by the sender (version 2; the answer columns then
**                       hold who withdrew it, when and why); one pending at
**                       a time per case.
**   case_conference     a team meeting: the day, the life domains discussed
**                       (codes, comma-separated), notes (sealed); who
**                       attended in case_conference_attendee; its decisions
**                       are follow-up tasks (case_task.conference_id).
**   case_task           tasks with due dates (a day), an owner (staff) and
**                       the time they were done (cancelled = 1: left open
**                       when the case closed, and closed with it).
**
** Version 3: the open tasks of a case by due day (a partial index), for a
** key worker's tasks due soon: their cases' open tasks, not every task
** those cases ever had, each looked up in the table to be dropped; and the
** open tasks by owner carry their case, so a key worker's own tasks on
** their own cases are dropped from the other half without reading them.
**
** Times are ISO 8601 UTC TEXT, days 'YYYY-MM-DD', like the other rooms.
*/
#include "support/case.h"
#include "support/case_schema.h"

#define CASE_V1                                                                 \
    "CREATE TABLE support_case ("                                               \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                      \
    " learner_id BIGINT NOT NULL, key_worker_id BIGINT NOT NULL,"               \
    " state TEXT NOT NULL CHECK (state IN ('open', 'assessment', 'plan_agreed',"\
    "  'monitoring', 'closed')),"                                               \
    " tier SMALLINT NOT NULL CHECK (tier BETWEEN 0 AND 2),"                     \
    " source TEXT NOT NULL CHECK (source IN ('flag', 'teacher', 'learner', 'family')),"\
    " flag_asof TEXT, flag_tier SMALLINT CHECK (flag_tier IS NULL OR flag_tier BETWEEN 0 AND 2),"\
    " reason TEXT NOT NULL,"                                                    \
    " outcome TEXT CHECK (outcome IS NULL OR outcome IN ('stabilised', 'returned',"\
    "  'moved', 'left')),"                                                      \
    " outcome_reason TEXT,"                                                     \
    " opened_by BIGINT REFERENCES account(id), opened_at TEXT NOT NULL,"        \
    " closed_at TEXT, updated_at TEXT NOT NULL,"                                \
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id),"\
    " FOREIGN KEY (institution_id, key_worker_id) REFERENCES staff(institution_id, id));"\
    "CREATE UNIQUE INDEX support_case_one_open ON support_case (institution_id, learner_id)"\
    " WHERE state <> 'closed';"                                                 \
    "CREATE INDEX support_case_by_learner ON support_case (institution_id, learner_id);"\
    "CREATE INDEX support_case_by_key_worker ON support_case (institution_id, key_worker_id, state);"\
    "CREATE TABLE case_team_member ("                                           \
    " institution_id BIGINT NOT NULL, case_id BIGINT NOT NULL,"                 \
    " staff_id BIGINT NOT NULL,"                                                \
    " role TEXT NOT NULL CHECK (role IN ('teacher', 'psychologist', 'social_worker',"\
    "  'mentor', 'external')),"                                                 \
    " added_by BIGINT REFERENCES account(id), added_at TEXT NOT NULL,"          \
    " PRIMARY KEY (institution_id, case_id, staff_id),"                         \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id),"\
    " FOREIGN KEY (institution_id, staff_id) REFERENCES staff(institution_id, id));"\
    "CREATE INDEX case_team_by_staff ON case_team_member (institution_id, staff_id);"\
    "CREATE TABLE case_history ("                                               \
    " institution_id BIGINT NOT NULL, case_id BIGINT NOT NULL, seq BIGINT NOT NULL,"\
    " at TEXT NOT NULL, account_id BIGINT REFERENCES account(id),"              \
    " kind TEXT NOT NULL CHECK (kind IN ('open', 'step', 'tier', 'team_add',"   \
    "  'team_remove', 'task_add', 'task_done', 'transfer_ask', 'transfer_accept',"\
    "  'transfer_decline', 'conference')),"                                     \
    " from_value TEXT NOT NULL, to_value TEXT NOT NULL, reason TEXT NOT NULL,"  \
    " PRIMARY KEY (institution_id, case_id, seq),"                              \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "CREATE TABLE case_task ("                                                  \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " kind TEXT NOT NULL CHECK (kind IN ('first_contact', 'assessment', 'plan',"\
    "  'review', 'follow_up')),"                                                \
    " title TEXT NOT NULL, owner_id BIGINT NOT NULL, due_on TEXT NOT NULL,"     \
    " created_at TEXT NOT NULL, done_at TEXT, done_by BIGINT REFERENCES account(id),"\
    " cancelled SMALLINT NOT NULL DEFAULT 0, conference_id BIGINT,"            \
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id),"\
    " FOREIGN KEY (institution_id, owner_id) REFERENCES staff(institution_id, id));"\
    "CREATE TABLE case_transfer ("                                              \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " from_staff BIGINT NOT NULL, to_staff BIGINT NOT NULL,"                    \
    " state TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined')),"\
    " reason TEXT NOT NULL, asked_by BIGINT REFERENCES account(id), asked_at TEXT NOT NULL,"\
    " answered_by BIGINT REFERENCES account(id), answered_at TEXT, answer TEXT,"\
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id),"\
    " FOREIGN KEY (institution_id, to_staff) REFERENCES staff(institution_id, id));"\
    "CREATE UNIQUE INDEX case_transfer_one_pending ON case_transfer (institution_id, case_id)"\
    " WHERE state = 'pending';"                                                 \
    "CREATE INDEX case_transfer_to ON case_transfer (institution_id, to_staff, state);"\
    "CREATE TABLE case_conference ("                                            \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " held_on TEXT NOT NULL, domains TEXT NOT NULL, notes TEXT NOT NULL,"       \
    " recorded_by BIGINT REFERENCES account(id), recorded_at TEXT NOT NULL,"    \
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "CREATE INDEX case_conference_by_case ON case_conference (institution_id, case_id);"\
    "CREATE TABLE case_conference_attendee ("                                   \
    " institution_id BIGINT NOT NULL, conference_id BIGINT NOT NULL,"           \
    " staff_id BIGINT NOT NULL,"                                                \
    " PRIMARY KEY (institution_id, conference_id, staff_id),"                   \
    " FOREIGN KEY (institution_id, conference_id) REFERENCES case_conference(institution_id, id),"\
    " FOREIGN KEY (institution_id, staff_id) REFERENCES staff(institution_id, id));"\
    "CREATE INDEX case_task_by_case ON case_task (institution_id, case_id);"    \
    "CREATE INDEX case_task_open ON case_task (institution_id, owner_id, due_on)"\
    " WHERE done_at IS NULL;"

/* Version 2: a handover offer to another key worker may be withdrawn by
** its sender (state "withdrawn", support/case_withdraw.h).  SQLite makes
** the table again and copies the rows (nothing refers to case_transfer),
** PostgreSQL replaces the constraint. */
#define TRANSFER_STATES "('pending', 'accepted', 'declined', 'withdrawn')"

#define TRANSFER_SQLITE                                                         \
    "CREATE TABLE case_transfer_v2 ("                                           \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " from_staff BIGINT NOT NULL, to_staff BIGINT NOT NULL,"                    \
    " state TEXT NOT NULL CHECK (state IN " TRANSFER_STATES "),"                \
    " reason TEXT NOT NULL, asked_by BIGINT REFERENCES account(id), asked_at TEXT NOT NULL,"\
    " answered_by BIGINT REFERENCES account(id), answered_at TEXT, answer TEXT,"\
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id),"\
    " FOREIGN KEY (institution_id, to_staff) REFERENCES staff(institution_id, id));"\
    "INSERT INTO case_transfer_v2 (institution_id, id, case_id, from_staff, to_staff, state,"\
    " reason, asked_by, asked_at, answered_by, answered_at, answer) SELECT institution_id, id,"\
    " case_id, from_staff, to_staff, state, reason, asked_by, asked_at, answered_by,"\
    " answered_at, answer FROM case_transfer;"                                  \
    "DROP TABLE case_transfer;"                                                 \
    "ALTER TABLE case_transfer_v2 RENAME TO case_transfer;"                     \
    "CREATE UNIQUE INDEX case_transfer_one_pending ON case_transfer (institution_id, case_id)"\
    " WHERE state = 'pending';"                                                 \
    "CREATE INDEX case_transfer_to ON case_transfer (institution_id, to_staff, state);"

#define TRANSFER_PG                                                             \
    "ALTER TABLE case_transfer DROP CONSTRAINT case_transfer_state_check;"      \
    "ALTER TABLE case_transfer ADD CONSTRAINT case_transfer_state_check"        \
    " CHECK (state IN " TRANSFER_STATES ");"

#define CASE_V1_NAME "cases, teams, case history, tasks, transfers, conferences"
#define CASE_V2_NAME "a handover offer to a key worker may be withdrawn"
#define CASE_V3_NAME "open tasks by case and due day; open tasks by owner with their case"
#define CASE_V3                                                                 \
    "CREATE INDEX case_task_open_by_case ON case_task (institution_id, case_id, due_on)" \
    " WHERE done_at IS NULL;"                                                   \
    "DROP INDEX case_task_open;"                                                \
    "CREATE INDEX case_task_open ON case_task (institution_id, owner_id, due_on, case_id)" \
    " WHERE done_at IS NULL;"

static const store_migration case_sqlite[] = {
    {"case", 1, CASE_V1_NAME, CASE_V1},
    {"case", 2, CASE_V2_NAME, TRANSFER_SQLITE},
    {"case", 3, CASE_V3_NAME, CASE_V3},
};
static const store_migration case_pg[] = {
    {"case", 1, CASE_V1_NAME, CASE_V1},
    {"case", 2, CASE_V2_NAME, TRANSFER_PG},
    {"case", 3, CASE_V3_NAME, CASE_V3},
};

/* Apply the "case" series (see case_schema.h); version 2 differs between
** the backends. */
int support_case_migrate(store *st, int *applied, cairn_err *err) {
    int pg = store_kind_of(st) == STORE_POSTGRES;
    return store_migrate(st, pg ? case_pg : case_sqlite, sizeof case_pg / sizeof *case_pg,
                         applied, err);
}
