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
**   intervention_participation  a learner in a run.  case_id is nullable: the
**                           learner's open case when they joined.  Version 2
**                           makes it a foreign key to support_case (PostgreSQL
**                           a constraint; SQLite, which cannot add one to a
**                           table, two triggers that refuse what the key
**                           would); the "case" series runs before this one.
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

#define V2_NAME "a participation's case_id refers to the case"
#define CASE_FK_SQLITE_CHECK                                                      \
    " WHEN NEW.case_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM support_case c"  \
    "  WHERE c.institution_id = NEW.institution_id AND c.id = NEW.case_id)"       \
    " BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END;"
#define INTERVENTION_V2_SQLITE                                                    \
    "CREATE TRIGGER intervention_participation_case_insert BEFORE INSERT"        \
    " ON intervention_participation" CASE_FK_SQLITE_CHECK                         \
    "CREATE TRIGGER intervention_participation_case_update BEFORE UPDATE OF case_id"\
    " ON intervention_participation" CASE_FK_SQLITE_CHECK                         \
    "CREATE INDEX intervention_participation_by_case"                             \
    " ON intervention_participation (institution_id, case_id);"
#define INTERVENTION_V2_PG                                                        \
    "ALTER TABLE intervention_participation ADD CONSTRAINT"                       \
    " intervention_participation_case_fk FOREIGN KEY (institution_id, case_id)"   \
    " REFERENCES support_case(institution_id, id);"                              \
    "CREATE INDEX intervention_participation_by_case"                             \
    " ON intervention_participation (institution_id, case_id);"

static const store_migration intervention_migrations_sqlite[] = {
    {"intervention", 1, "catalogue, runs, participants, sessions", INTERVENTION_V1},
    {"intervention", 2, V2_NAME, INTERVENTION_V2_SQLITE},
};
static const store_migration intervention_migrations_pg[] = {
    {"intervention", 1, "catalogue, runs, participants, sessions", INTERVENTION_V1},
    {"intervention", 2, V2_NAME, INTERVENTION_V2_PG},
};

/* Apply the series (see intervention.h). */
int intervention_migrate(store *st, int *applied, cairn_err *err) {
    int pg = store_kind_of(st) == STORE_POSTGRES;
    return store_migrate(st, pg ? intervention_migrations_pg : intervention_migrations_sqlite,
                         pg ? sizeof intervention_migrations_pg / sizeof *intervention_migrations_pg
                            : sizeof intervention_migrations_sqlite /
                                  sizeof *intervention_migrations_sqlite,
                         applied, err);
}
