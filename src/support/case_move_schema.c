/*
** support/case_move_schema.c — the migration series "case_move"
** (support/case_move.h), applied from support_migrate() after the
** "case_approval" and "contract" series (version 2 counts on both).
**
**   case_move       an offer of a case to another institution of the
**                   database, kept by the SENDING institution (its
**                   institution_id; the receiver finds it by to_institution,
**                   the one deliberate crossing): the state (approval while
**                   a leader's approval waits, pending, accepted, declined,
**                   withdrawn when the approval was declined or the sender
**                   withdrew it), the reason (sealed under the sender's
**                   key), who asked and when, which consent or override
**                   allowed it; then the answer (sealed under the sender's
**                   key; a withdrawal's reason), who answered (or withdrew)
**                   and when, and the receiving learner and case.  One
**                   waiting per case (a partial unique index).
**   case_handover   the record that came with a case the institution
**                   received (institution_id: the RECEIVER, and its case):
**                   the sending institution and case, and the handover
**                   record, JSON sealed under the receiver's key.
**   case_history    (version 2) takes the kind "transfer_withdraw";
**                   (version 3) "approval_withdraw", a leader's approval
**                   request withdrawn by the key worker who asked
**                   (support/case_withdraw.h; the request's own state is
**                   step 2 of the "case_approval" series).
*/
#include "support/case_move.h"

#define MOVE_V1                                                                 \
    "CREATE TABLE case_move ("                                                  \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " to_institution BIGINT NOT NULL REFERENCES institution(id),"               \
    " state TEXT NOT NULL CHECK (state IN ('approval', 'pending', 'accepted',"  \
    "  'declined', 'withdrawn')),"                                              \
    " reason TEXT NOT NULL, asked_by BIGINT REFERENCES account(id), asked_at TEXT NOT NULL,"\
    " consent_id BIGINT, override_id BIGINT,"                                   \
    " answered_by BIGINT REFERENCES account(id), answered_at TEXT, answer TEXT,"\
    " to_learner_id BIGINT, to_case_id BIGINT,"                                 \
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "CREATE UNIQUE INDEX case_move_one_waiting ON case_move (institution_id, case_id)"\
    " WHERE state IN ('approval', 'pending');"                                  \
    "CREATE INDEX case_move_to ON case_move (to_institution, state);"           \
    "CREATE TABLE case_handover ("                                              \
    " institution_id BIGINT NOT NULL, case_id BIGINT NOT NULL,"                 \
    " from_institution BIGINT NOT NULL REFERENCES institution(id),"             \
    " from_case_id BIGINT NOT NULL, move_id BIGINT NOT NULL,"                   \
    " record TEXT NOT NULL, made_at TEXT NOT NULL,"                             \
    " PRIMARY KEY (institution_id, case_id),"                                   \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"

/* Version 2: the case history's kind "transfer_withdraw" (a handover offer
** of either kind withdrawn by its sender, support/case_withdraw.h).  The
** list is every kind before it: the "case" series', those "case_approval"
** and "contract" add (both run before this series), and the new one.
** SQLite makes the table again and copies the rows (nothing refers to
** case_history), PostgreSQL replaces the constraint. */
#define HISTORY_KINDS                                                           \
    "('open', 'step', 'tier', 'team_add', 'team_remove', 'task_add', 'task_done',"\
    " 'transfer_ask', 'transfer_accept', 'transfer_decline', 'conference',"    \
    " 'approval_ask', 'approval_yes', 'approval_no', 'learner_told', 'contract',"\
    " 'transfer_withdraw')"

/* Version 3: every kind of version 2 and "approval_withdraw".  The next
** series that adds a history kind must copy this list. */
#define HISTORY_KINDS_3                                                         \
    "('open', 'step', 'tier', 'team_add', 'team_remove', 'task_add', 'task_done',"\
    " 'transfer_ask', 'transfer_accept', 'transfer_decline', 'conference',"    \
    " 'approval_ask', 'approval_yes', 'approval_no', 'learner_told', 'contract',"\
    " 'transfer_withdraw', 'approval_withdraw')"

/* The history table made again under the name tmp with the kinds list
** (SQLite), the rows copied, the old one dropped. */
#define HISTORY_REMAKE(tmp, list)                                               \
    "CREATE TABLE " tmp " ("                                                    \
    " institution_id BIGINT NOT NULL, case_id BIGINT NOT NULL, seq BIGINT NOT NULL,"\
    " at TEXT NOT NULL, account_id BIGINT REFERENCES account(id),"              \
    " kind TEXT NOT NULL CHECK (kind IN " list "),"                             \
    " from_value TEXT NOT NULL, to_value TEXT NOT NULL, reason TEXT NOT NULL,"  \
    " PRIMARY KEY (institution_id, case_id, seq),"                              \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "INSERT INTO " tmp " (institution_id, case_id, seq, at, account_id, kind,"  \
    " from_value, to_value, reason) SELECT institution_id, case_id, seq, at, account_id,"\
    " kind, from_value, to_value, reason FROM case_history;"                    \
    "DROP TABLE case_history;"                                                  \
    "ALTER TABLE " tmp " RENAME TO case_history;"

#define HISTORY_SQLITE                                                          \
    "CREATE TABLE case_history_withdraw ("                                      \
    " institution_id BIGINT NOT NULL, case_id BIGINT NOT NULL, seq BIGINT NOT NULL,"\
    " at TEXT NOT NULL, account_id BIGINT REFERENCES account(id),"              \
    " kind TEXT NOT NULL CHECK (kind IN " HISTORY_KINDS "),"                    \
    " from_value TEXT NOT NULL, to_value TEXT NOT NULL, reason TEXT NOT NULL,"  \
    " PRIMARY KEY (institution_id, case_id, seq),"                              \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "INSERT INTO case_history_withdraw (institution_id, case_id, seq, at, account_id, kind,"\
    " from_value, to_value, reason) SELECT institution_id, case_id, seq, at, account_id,"\
    " kind, from_value, to_value, reason FROM case_history;"                    \
    "DROP TABLE case_history;"                                                  \
    "ALTER TABLE case_history_withdraw RENAME TO case_history;"

#define HISTORY_PG                                                              \
    "ALTER TABLE case_history DROP CONSTRAINT case_history_kind_check;"         \
    "ALTER TABLE case_history ADD CONSTRAINT case_history_kind_check"           \
    " CHECK (kind IN " HISTORY_KINDS ");"

#define HISTORY_PG_3                                                            \
    "ALTER TABLE case_history DROP CONSTRAINT case_history_kind_check;"         \
    "ALTER TABLE case_history ADD CONSTRAINT case_history_kind_check"           \
    " CHECK (kind IN " HISTORY_KINDS_3 ");"

#define V1_NAME "handovers of cases to another institution, handover records"
#define V2_NAME "the case history's kind for a handover offer withdrawn"
#define V3_NAME "the case history's kind for an approval request withdrawn"

static const store_migration move_sqlite[] = {
    {"case_move", 1, V1_NAME, MOVE_V1},
    {"case_move", 2, V2_NAME, HISTORY_SQLITE},
    {"case_move", 3, V3_NAME, HISTORY_REMAKE("case_history_approval", HISTORY_KINDS_3)},
};
static const store_migration move_pg[] = {
    {"case_move", 1, V1_NAME, MOVE_V1},
    {"case_move", 2, V2_NAME, HISTORY_PG},
    {"case_move", 3, V3_NAME, HISTORY_PG_3},
};

/* Apply the "case_move" series (see case_move.h); versions 2 and 3 differ
** between the backends. */
int support_case_move_migrate(store *st, int *applied, cairn_err *err) {
    int pg = store_kind_of(st) == STORE_POSTGRES;
    return store_migrate(st, pg ? move_pg : move_sqlite, sizeof move_pg / sizeof *move_pg,
                         applied, err);
}
