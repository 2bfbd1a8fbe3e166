/*
** support/case_move_schema.c — the migration series "case_move"
** (support/case_move.h), applied from support_migrate() after the
** "case_approval" series.
**
**   case_move       an offer of a case to another institution of the
**                   database, kept by the SENDING institution (its
**                   institution_id; the receiver finds it by to_institution,
**                   the one deliberate crossing): the state (approval while
**                   a leader's approval waits, pending, accepted, declined,
**                   withdrawn when the approval was declined), the reason
**                   (sealed under the sender's key), who asked and when,
**                   which consent or override allowed it; then the answer
**                   (sealed under the sender's key), who answered and when,
**                   and the receiving learner and case.  One waiting per
**                   case (a partial unique index).
**   case_handover   the record that came with a case the institution
**                   received (institution_id: the RECEIVER, and its case):
**                   the sending institution and case, and the handover
**                   record, JSON sealed under the receiver's key.
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

static const store_migration move_migrations[] = {
    {"case_move", 1, "handovers of cases to another institution, handover records", MOVE_V1},
};

/* Apply the "case_move" series (see case_move.h); the same SQL on both. */
int support_case_move_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, move_migrations, sizeof move_migrations / sizeof *move_migrations,
                         applied, err);
}
