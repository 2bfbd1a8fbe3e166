/*
** support/intervention_schema.c — the tables of interventions, as their own
** migration series "intervention" (applied from support_migrate()).
**
**   intervention            the catalogue: one row per entry of an
**                           institution (support/intervention.h); names unique
**                           per institution; tier, evidence level and duration
**                           checked by the database too.
**   intervention_seeded     the institutions whose starter catalogue was
**                           written once (never again, even when emptied).
**   intervention_run        one delivery: start date, deliverer, mode, label.
**   intervention_participation  a learner in a run.  case_id is nullable and
**                           has NO foreign key yet: cases are being built by
**                           another branch (docs/decisions.md).
**   intervention_session    a day a run met (one per run and day).
**   intervention_attendance who attended a session (a row per participant of
**                           the run on that day: attended 1 or 0).
**
** Dates are 'YYYY-MM-DD' TEXT, times ISO 8601 UTC TEXT, as elsewhere.  The
** SQL is the same for SQLite and PostgreSQL.
*/
#include "support/intervention.h"

#define INTERVENTION_V1                                                           \
    "CREATE TABLE intervention ("                                                 \
    " institution_id BIGINT NOT NULL REFERENCES institution(id),"                 \
    " id BIGINT NOT NULL, name TEXT NOT NULL,"                                    \
    " tier TEXT NOT NULL CHECK (tier IN ('universal', 'selective', 'individual')),"\
    " needs TEXT NOT NULL, dosage TEXT NOT NULL,"                                 \
    " duration_weeks INTEGER NOT NULL DEFAULT 6"                                  \
    "  CHECK (duration_weeks BETWEEN 1 AND 12),"                                  \
    " delivered_by TEXT NOT NULL,"                                                \
    " evidence_level TEXT NOT NULL"                                               \
    "  CHECK (evidence_level IN ('strong', 'moderate', 'promising', 'rationale')),"\
    " evidence_source TEXT NOT NULL,"                                             \
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"                        \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, name));"          \
    "CREATE TABLE intervention_seeded ("                                          \
    " institution_id BIGINT PRIMARY KEY REFERENCES institution(id),"              \
    " seeded_at TEXT NOT NULL);"                                                  \
    "CREATE TABLE intervention_run ("                                             \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                        \
    " intervention_id BIGINT NOT NULL,"                                           \
    " mode TEXT NOT NULL CHECK (mode IN ('group', 'individual')),"                \
    " label TEXT NOT NULL, start_date TEXT NOT NULL,"                             \
    " deliverer_staff_id BIGINT NOT NULL,"                                        \
    " created_by BIGINT REFERENCES account(id), created_at TEXT NOT NULL,"        \
    " PRIMARY KEY (institution_id, id),"                                          \
    " FOREIGN KEY (institution_id, intervention_id)"                              \
    "  REFERENCES intervention(institution_id, id),"                              \
    " FOREIGN KEY (institution_id, deliverer_staff_id)"                           \
    "  REFERENCES staff(institution_id, id));"                                    \
    "CREATE INDEX intervention_run_by_intervention"                               \
    " ON intervention_run (institution_id, intervention_id);"                     \
    "CREATE INDEX intervention_run_by_deliverer"                                  \
    " ON intervention_run (institution_id, deliverer_staff_id);"                  \
    "CREATE TABLE intervention_participation ("                                   \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                        \
    " run_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"                        \
    " joined_on TEXT NOT NULL, case_id BIGINT,"                                   \
    " added_by BIGINT REFERENCES account(id), added_at TEXT NOT NULL,"            \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, run_id, learner_id),"\
    " FOREIGN KEY (institution_id, run_id) REFERENCES intervention_run(institution_id, id),"\
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id));"\
    "CREATE INDEX intervention_participation_by_learner"                          \
    " ON intervention_participation (institution_id, learner_id);"                \
    "CREATE TABLE intervention_session ("                                         \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                        \
    " run_id BIGINT NOT NULL, held_on TEXT NOT NULL,"                             \
    " minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 600),"                \
    " recorded_by BIGINT REFERENCES account(id), recorded_at TEXT NOT NULL,"      \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, run_id, held_on),"\
    " FOREIGN KEY (institution_id, run_id) REFERENCES intervention_run(institution_id, id));"\
    "CREATE TABLE intervention_attendance ("                                      \
    " institution_id BIGINT NOT NULL, session_id BIGINT NOT NULL,"                \
    " participation_id BIGINT NOT NULL, attended SMALLINT NOT NULL,"              \
    " PRIMARY KEY (institution_id, session_id, participation_id),"                \
    " FOREIGN KEY (institution_id, session_id)"                                   \
    "  REFERENCES intervention_session(institution_id, id),"                      \
    " FOREIGN KEY (institution_id, participation_id)"                             \
    "  REFERENCES intervention_participation(institution_id, id));"               \
    "CREATE INDEX intervention_attendance_by_participation"                       \
    " ON intervention_attendance (institution_id, participation_id);"

static const store_migration intervention_migrations[] = {
    {"intervention", 1, "catalogue, runs, participants, sessions", INTERVENTION_V1},
};

/* Apply the series (see intervention.h). */
int intervention_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, intervention_migrations,
                         sizeof intervention_migrations / sizeof *intervention_migrations,
                         applied, err);
}
