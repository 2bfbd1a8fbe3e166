/*
** school/school_schema.c — the school data model, as migrations.
**
** Every table that holds an institution's data has institution_id as the
** first column of its key, so a deployment can shard by it.  Surrogate ids
** are allocated by cairn per institution (see school/ids.c), never by the
** database, so the same SQL runs on SQLite and PostgreSQL.
**
** Conventions: dates are 'YYYY-MM-DD' TEXT, timestamps ISO 8601 UTC TEXT,
** booleans SMALLINT 0/1.  import_id names the import_run that last wrote a
** row; it lets an import notice a key that appears twice in one file.
**
** Attendance status codes: 0 present, 1 late, 2 absent_excused,
** 3 absent_unexcused.  Enrolment status, exit reasons and the other code
** lists are spelled out in school/import_spec.c and docs/import.md.
*/
#include "school/school.h"

/* SQLite stores the big event tables WITHOUT ROWID: one b-tree per table
** instead of two, which roughly doubles import speed.  PostgreSQL has no such
** clause, so each event table is written twice below, once per dialect. */
#define EVENT_TABLES(NOROWID)                                                   \
    "CREATE TABLE attendance ("                                                 \
    " institution_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"              \
    " date TEXT NOT NULL, session SMALLINT NOT NULL DEFAULT 0,"                 \
    " status SMALLINT NOT NULL CHECK (status BETWEEN 0 AND 3),"                 \
    " minutes SMALLINT NOT NULL DEFAULT 0 CHECK (minutes >= 0),"                \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, learner_id, date, session))" NOROWID ";"     \
    "CREATE TABLE result ("                                                     \
    " institution_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"              \
    " unit TEXT NOT NULL, assessment TEXT NOT NULL, date TEXT NOT NULL,"        \
    " score DOUBLE PRECISION, max_score DOUBLE PRECISION,"                      \
    " passed SMALLINT, late SMALLINT NOT NULL DEFAULT 0,"                       \
    " missing SMALLINT NOT NULL DEFAULT 0,"                                     \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, learner_id, unit, assessment))" NOROWID ";"  \
    "CREATE INDEX result_by_date ON result (institution_id, date);"             \
    "CREATE TABLE behaviour ("                                                  \
    " institution_id BIGINT NOT NULL, incident TEXT NOT NULL,"                  \
    " learner_id BIGINT NOT NULL, date TEXT NOT NULL, type TEXT NOT NULL,"      \
    " severity SMALLINT NOT NULL CHECK (severity BETWEEN 1 AND 3),"             \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, incident, learner_id))" NOROWID ";"          \
    "CREATE INDEX behaviour_by_learner ON behaviour (institution_id, learner_id, date);" \
    "CREATE TABLE engagement ("                                                 \
    " institution_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"              \
    " date TEXT NOT NULL, source TEXT NOT NULL, metric TEXT NOT NULL,"          \
    " value DOUBLE PRECISION NOT NULL,"                                         \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, learner_id, date, source, metric))" NOROWID ";"

#define SCHOOL_V1_COMMON                                                        \
    "CREATE TABLE institution ("                                                \
    " id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"    \
    " country TEXT, import_id BIGINT NOT NULL DEFAULT 0,"                       \
    " created_at TEXT NOT NULL);"                                               \
    "CREATE TABLE import_run ("                                                 \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, kind TEXT NOT NULL,"  \
    " source TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,"        \
    " rows_read BIGINT NOT NULL DEFAULT 0, rows_written BIGINT NOT NULL DEFAULT 0,"\
    " rows_bad BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (institution_id, id));"   \
    "CREATE TABLE site ("                                                       \
    " institution_id BIGINT NOT NULL REFERENCES institution(id), id BIGINT NOT NULL,"\
    " code TEXT NOT NULL, name TEXT NOT NULL, address TEXT,"                    \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, code));"        \
    "CREATE TABLE term ("                                                       \
    " institution_id BIGINT NOT NULL REFERENCES institution(id), id BIGINT NOT NULL,"\
    " code TEXT NOT NULL, name TEXT NOT NULL, school_year TEXT NOT NULL,"       \
    " start_date TEXT NOT NULL, end_date TEXT NOT NULL,"                        \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, code));"        \
    "CREATE TABLE programme ("                                                  \
    " institution_id BIGINT NOT NULL REFERENCES institution(id), id BIGINT NOT NULL,"\
    " code TEXT NOT NULL, name TEXT NOT NULL, eqf_level SMALLINT,"              \
    " duration_months SMALLINT, field TEXT,"                                    \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, code));"        \
    "CREATE TABLE class_group ("                                                \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                      \
    " code TEXT NOT NULL, name TEXT NOT NULL, programme_id BIGINT,"             \
    " school_year TEXT, year_of_programme SMALLINT, site_id BIGINT,"            \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, code),"         \
    " FOREIGN KEY (institution_id, programme_id) REFERENCES programme(institution_id, id),"\
    " FOREIGN KEY (institution_id, site_id) REFERENCES site(institution_id, id));"\
    "CREATE TABLE learner ("                                                    \
    " institution_id BIGINT NOT NULL REFERENCES institution(id), id BIGINT NOT NULL,"\
    " ref TEXT NOT NULL, given_name TEXT NOT NULL, family_name TEXT NOT NULL,"  \
    " birth_date TEXT, email TEXT,"                                             \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, ref));"         \
    /* Kept apart from everything a model may read: the fairness audit only. */ \
    "CREATE TABLE learner_audit ("                                              \
    " institution_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"              \
    " gender TEXT, migrant_background SMALLINT, special_needs SMALLINT,"        \
    " first_language TEXT, import_id BIGINT NOT NULL DEFAULT 0,"                \
    " PRIMARY KEY (institution_id, learner_id),"                                \
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id));"\
    "CREATE TABLE staff ("                                                      \
    " institution_id BIGINT NOT NULL REFERENCES institution(id), id BIGINT NOT NULL,"\
    " ref TEXT NOT NULL, given_name TEXT NOT NULL, family_name TEXT NOT NULL,"  \
    " email TEXT, job_title TEXT,"                                              \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, ref));"         \
    "CREATE TABLE guardian ("                                                   \
    " institution_id BIGINT NOT NULL REFERENCES institution(id), id BIGINT NOT NULL,"\
    " ref TEXT NOT NULL, given_name TEXT NOT NULL, family_name TEXT NOT NULL,"  \
    " email TEXT, phone TEXT,"                                                  \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, ref));"         \
    "CREATE TABLE learner_guardian ("                                           \
    " institution_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"              \
    " guardian_id BIGINT NOT NULL, relationship TEXT NOT NULL,"                 \
    " parental_responsibility SMALLINT NOT NULL,"                               \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, learner_id, guardian_id),"                   \
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id),"\
    " FOREIGN KEY (institution_id, guardian_id) REFERENCES guardian(institution_id, id));"\
    "CREATE TABLE group_staff ("                                                \
    " institution_id BIGINT NOT NULL, group_id BIGINT NOT NULL,"                \
    " staff_id BIGINT NOT NULL, role TEXT NOT NULL,"                            \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, group_id, staff_id),"                        \
    " FOREIGN KEY (institution_id, group_id) REFERENCES class_group(institution_id, id),"\
    " FOREIGN KEY (institution_id, staff_id) REFERENCES staff(institution_id, id));"\
    "CREATE TABLE enrolment ("                                                  \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                      \
    " learner_id BIGINT NOT NULL, programme_id BIGINT NOT NULL,"                \
    " group_id BIGINT, start_date TEXT NOT NULL, expected_end_date TEXT,"       \
    " status TEXT NOT NULL CHECK (status IN ('active','paused','completed','left_early','transferred')),"\
    " exit_date TEXT, exit_reason TEXT,"                                        \
    " import_id BIGINT NOT NULL DEFAULT 0,"                                     \
    " PRIMARY KEY (institution_id, id),"                                        \
    " UNIQUE (institution_id, learner_id, programme_id, start_date),"           \
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id),"\
    " FOREIGN KEY (institution_id, programme_id) REFERENCES programme(institution_id, id),"\
    " FOREIGN KEY (institution_id, group_id) REFERENCES class_group(institution_id, id));"\
    "CREATE INDEX enrolment_by_group ON enrolment (institution_id, group_id);"  \
    /* Accounts and roles, used by the web room.  A role alone never grants a \
    ** record: account_role scopes a role to an institution, and the          \
    ** relationship tables (group_staff, learner_guardian, cases...) do the rest. */\
    "CREATE TABLE role ("                                                       \
    " code TEXT PRIMARY KEY, name TEXT NOT NULL);"                              \
    "INSERT INTO role (code, name) VALUES"                                      \
    " ('administrator','Administrator'), ('school_leader','School leader'),"    \
    " ('key_worker','Key worker'), ('teacher','Teacher / trainer'),"            \
    " ('team_member','Multi-professional team member'), ('learner','Learner'),"\
    " ('guardian','Parent / guardian'), ('external_service','External service'),"\
    " ('data_protection_officer','Data protection officer');"                   \
    "CREATE TABLE account ("                                                    \
    " id BIGINT PRIMARY KEY, username TEXT NOT NULL UNIQUE,"                    \
    " display_name TEXT NOT NULL, password_hash TEXT,"                          \
    " language TEXT, disabled SMALLINT NOT NULL DEFAULT 0,"                     \
    " institution_id BIGINT REFERENCES institution(id),"                        \
    " person_kind TEXT CHECK (person_kind IN ('staff','learner','guardian','external')),"\
    " person_id BIGINT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"   \
    "CREATE TABLE account_role ("                                               \
    " account_id BIGINT NOT NULL REFERENCES account(id),"                       \
    " institution_id BIGINT NOT NULL REFERENCES institution(id),"               \
    " role TEXT NOT NULL REFERENCES role(code),"                                \
    " PRIMARY KEY (account_id, institution_id, role));"

/* The whole institution's monthly trend as of each score date, written by
** `cairn score` (school_trend_store) so that the leaders' dashboard reads a
** handful of rows instead of a school year of attendance.  Raw counts:
** small months are withheld when shown (web/trend.c), not here.  month is
** 'YYYY-MM'; sessions_recorded/sessions_attended/learners count attendance
** rows of the month up to asof, left_early the learners whose enrolment
** ended so in the month. */
#define SCHOOL_V2_COMMON                                                        \
    "CREATE TABLE school_trend_month ("                                         \
    " institution_id BIGINT NOT NULL REFERENCES institution(id),"               \
    " asof TEXT NOT NULL, month TEXT NOT NULL,"                                 \
    " learners BIGINT NOT NULL, sessions_recorded BIGINT NOT NULL,"             \
    " sessions_attended BIGINT NOT NULL, left_early BIGINT NOT NULL,"           \
    " computed_at TEXT NOT NULL,"                                               \
    " PRIMARY KEY (institution_id, asof, month));"

static const store_migration school_migrations_sqlite[] = {
    {"school", 1, "institutions, people, enrolments, events, accounts",
     SCHOOL_V1_COMMON EVENT_TABLES(" WITHOUT ROWID")},
    {"school", 2, "the institution's monthly trend per score date", SCHOOL_V2_COMMON},
};

static const store_migration school_migrations_pg[] = {
    {"school", 1, "institutions, people, enrolments, events, accounts",
     SCHOOL_V1_COMMON EVENT_TABLES("")},
    {"school", 2, "the institution's monthly trend per score date", SCHOOL_V2_COMMON},
};

/* Create or upgrade the school tables; *applied (may be NULL) gets how many
** migrations ran (0 when the database was already current). */
int school_migrate(store *st, int *applied, cairn_err *err) {
    if (store_kind_of(st) == STORE_POSTGRES)
        return store_migrate(st, school_migrations_pg,
                             sizeof school_migrations_pg / sizeof *school_migrations_pg,
                             applied, err);
    return store_migrate(st, school_migrations_sqlite,
                         sizeof school_migrations_sqlite / sizeof *school_migrations_sqlite,
                         applied, err);
}
