/*
** support/case_approval_schema.c — the migration series "case_approval"
** (support/case.h, "approvals"), applied from support_migrate() after the
** "case" series.
**
**   case_approval   a key worker's request to close a case or hand it over
**                   that waits for a school leader: the kind (close,
**                   transfer), the step and outcome (closing) or the staff
**                   member offered the case (transfer), the reason (sealed),
**                   who asked and when; then the leader's answer (approved,
**                   declined), when, and their comment (sealed).  One
**                   pending at a time per case (a partial unique index).
**
** Version 1 also widens case_history's kinds by the approval rows
** (approval_ask, approval_yes, approval_no) and learner_told (the learner
** was told of a handover).  PostgreSQL drops and adds the column's CHECK;
** SQLite cannot alter a CHECK, so the table is made again and its rows
** copied (nothing refers to case_history).
**
** Version 2: a request may be "withdrawn" by the key worker who asked
** (support/case_withdraw.h): the state's CHECK gains it; answered_by,
** answered_at and comment then hold who withdrew it, when and why.
** SQLite makes the table again with its two indexes (nothing refers to
** case_approval); PostgreSQL replaces case_approval_state_check.  The
** history kind "approval_withdraw" is step 3 of the "case_move" series,
** the last to widen that list.
*/
#include "support/case.h"
#include "support/case_schema.h"

#define HISTORY_KINDS                                                           \
    "('open', 'step', 'tier', 'team_add', 'team_remove', 'task_add', 'task_done',"\
    " 'transfer_ask', 'transfer_accept', 'transfer_decline', 'conference',"    \
    " 'approval_ask', 'approval_yes', 'approval_no', 'learner_told')"

#define APPROVAL_TABLE                                                          \
    "CREATE TABLE case_approval ("                                              \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " kind TEXT NOT NULL CHECK (kind IN ('close', 'transfer')),"                \
    " outcome TEXT CHECK (outcome IS NULL OR outcome IN ('stabilised', 'returned',"\
    "  'moved', 'left')),"                                                      \
    " to_staff BIGINT,"                                                         \
    " state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'declined')),"\
    " reason TEXT NOT NULL, asked_by BIGINT NOT NULL REFERENCES account(id),"   \
    " asked_at TEXT NOT NULL,"                                                  \
    " answered_by BIGINT REFERENCES account(id), answered_at TEXT, comment TEXT,"\
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id),"\
    " FOREIGN KEY (institution_id, to_staff) REFERENCES staff(institution_id, id));"\
    "CREATE UNIQUE INDEX case_approval_one_pending ON case_approval (institution_id, case_id)"\
    " WHERE state = 'pending';"                                                 \
    "CREATE INDEX case_approval_by_state ON case_approval (institution_id, state);"

#define HISTORY_SQLITE                                                          \
    "CREATE TABLE case_history_v2 ("                                            \
    " institution_id BIGINT NOT NULL, case_id BIGINT NOT NULL, seq BIGINT NOT NULL,"\
    " at TEXT NOT NULL, account_id BIGINT REFERENCES account(id),"              \
    " kind TEXT NOT NULL CHECK (kind IN " HISTORY_KINDS "),"                    \
    " from_value TEXT NOT NULL, to_value TEXT NOT NULL, reason TEXT NOT NULL,"  \
    " PRIMARY KEY (institution_id, case_id, seq),"                              \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "INSERT INTO case_history_v2 (institution_id, case_id, seq, at, account_id, kind,"\
    " from_value, to_value, reason) SELECT institution_id, case_id, seq, at, account_id,"\
    " kind, from_value, to_value, reason FROM case_history;"                    \
    "DROP TABLE case_history;"                                                  \
    "ALTER TABLE case_history_v2 RENAME TO case_history;"

#define HISTORY_PG                                                              \
    "ALTER TABLE case_history DROP CONSTRAINT case_history_kind_check;"         \
    "ALTER TABLE case_history ADD CONSTRAINT case_history_kind_check"           \
    " CHECK (kind IN " HISTORY_KINDS ");"

/* Version 2 (see above). */
#define APPROVAL_V2_SQLITE                                                      \
    "CREATE TABLE case_approval_v2 ("                                           \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " kind TEXT NOT NULL CHECK (kind IN ('close', 'transfer')),"                \
    " outcome TEXT CHECK (outcome IS NULL OR outcome IN ('stabilised', 'returned',"\
    "  'moved', 'left')),"                                                      \
    " to_staff BIGINT,"                                                         \
    " state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'declined', 'withdrawn')),"\
    " reason TEXT NOT NULL, asked_by BIGINT NOT NULL REFERENCES account(id),"   \
    " asked_at TEXT NOT NULL,"                                                  \
    " answered_by BIGINT REFERENCES account(id), answered_at TEXT, comment TEXT,"\
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id),"\
    " FOREIGN KEY (institution_id, to_staff) REFERENCES staff(institution_id, id));"\
    "INSERT INTO case_approval_v2 (institution_id, id, case_id, kind, outcome, to_staff,"\
    " state, reason, asked_by, asked_at, answered_by, answered_at, comment)"    \
    " SELECT institution_id, id, case_id, kind, outcome, to_staff, state, reason, asked_by,"\
    " asked_at, answered_by, answered_at, comment FROM case_approval;"          \
    "DROP TABLE case_approval;"                                                 \
    "ALTER TABLE case_approval_v2 RENAME TO case_approval;"                     \
    "CREATE UNIQUE INDEX case_approval_one_pending ON case_approval (institution_id, case_id)"\
    " WHERE state = 'pending';"                                                 \
    "CREATE INDEX case_approval_by_state ON case_approval (institution_id, state);"

#define APPROVAL_V2_PG                                                          \
    "ALTER TABLE case_approval DROP CONSTRAINT case_approval_state_check;"      \
    "ALTER TABLE case_approval ADD CONSTRAINT case_approval_state_check"        \
    " CHECK (state IN ('pending', 'approved', 'declined', 'withdrawn'));"

#define V1_NAME "approvals of closing and handovers; history kinds for them"
#define V2_NAME "a request withdrawn by the key worker who asked"

static const store_migration approval_sqlite[] = {
    {"case_approval", 1, V1_NAME, APPROVAL_TABLE HISTORY_SQLITE},
    {"case_approval", 2, V2_NAME, APPROVAL_V2_SQLITE},
};
static const store_migration approval_pg[] = {
    {"case_approval", 1, V1_NAME, APPROVAL_TABLE HISTORY_PG},
    {"case_approval", 2, V2_NAME, APPROVAL_V2_PG},
};

/* Apply the "case_approval" series (see case_schema.h); both versions
** differ between the backends. */
int support_case_approval_migrate(store *st, int *applied, cairn_err *err) {
    int pg = store_kind_of(st) == STORE_POSTGRES;
    return store_migrate(st, pg ? approval_pg : approval_sqlite,
                         sizeof approval_pg / sizeof *approval_pg, applied, err);
}
