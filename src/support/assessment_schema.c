/*
** support/assessment_schema.c — the tables of needs assessments
** (support/assessment.h), as the migration series "assessment", applied
** from support_migrate() after the "case" series (it refers to cases).
**
**   case_assessment         one assessment of a case: the day it was done,
**                           who did it (account), the overall note (sealed
**                           text, "" = none) and when it was recorded.
**                           Assessments repeat; every one is kept.
**   case_assessment_domain  one row per life domain (support/domains.h) of
**                           an assessment: the key worker's rating (0 no
**                           need, 1 watch, 2 act, 3 act now; NULL = not
**                           rated), the learner's own rating on the same
**                           scale (NULL = not asked), the learner's
**                           strengths and a comment (sealed text, "" =
**                           none).  Its own id (institution-wide) names the
**                           row for `cairn key rotate`.
**
** Times are ISO 8601 UTC TEXT, days 'YYYY-MM-DD', like the other rooms.
*/
#include "support/assessment.h"

#define ASSESSMENT_V1                                                           \
    "CREATE TABLE case_assessment ("                                            \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " assessed_on TEXT NOT NULL, assessed_by BIGINT REFERENCES account(id),"    \
    " note TEXT NOT NULL, recorded_at TEXT NOT NULL,"                           \
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "CREATE INDEX case_assessment_by_case ON case_assessment"                   \
    " (institution_id, case_id, assessed_on);"                                  \
    "CREATE TABLE case_assessment_domain ("                                     \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                      \
    " assessment_id BIGINT NOT NULL, domain TEXT NOT NULL,"                     \
    " need SMALLINT CHECK (need IS NULL OR need BETWEEN 0 AND 3),"              \
    " own SMALLINT CHECK (own IS NULL OR own BETWEEN 0 AND 3),"                 \
    " strengths TEXT NOT NULL, comment TEXT NOT NULL,"                          \
    " PRIMARY KEY (institution_id, id),"                                        \
    " UNIQUE (institution_id, assessment_id, domain),"                          \
    " FOREIGN KEY (institution_id, assessment_id)"                              \
    "  REFERENCES case_assessment(institution_id, id));"

static const store_migration assessment_migrations[] = {
    {"assessment", 1, "needs assessments of cases, one row per life domain", ASSESSMENT_V1},
};

/* Apply the "assessment" series (see assessment.h); the SQL is the same on
** both backends. */
int support_assessment_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, assessment_migrations,
                         sizeof assessment_migrations / sizeof *assessment_migrations, applied,
                         err);
}
