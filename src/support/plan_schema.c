/*
** support/plan_schema.c — the tables of plans and goals (support/plan.h),
** as their own migration series "plan", applied from support_migrate().
**
**   support_plan      one plan of a case per kind ('learning', 'career',
**                     'health'), made when it is first written to; the
**                     learning plan's note on how missed learning time is
**                     recovered (sealed text, '' = none).
**   support_goal      a SMART goal of one plan of a case: the life domain
**                     (support/domains.h code), what (sealed), the measure
**                     (what is counted), baseline (NULL = not known) and
**                     target, the due day, the learner's own step and the
**                     support the school commits to (both sealed), who helps
**                     (a staff member, or free text sealed), the teaching
**                     group it concerns (NULL = none), and its status
**                     ('open', 'achieved', 'dropped') with the reason
**                     (sealed) and time.
**   support_not_now   a recorded reason (sealed) why a domain rated 2 or 3
**                     in the needs assessment is not answered by a goal now;
**                     one per case and domain (a new one replaces it).
**
** Dates are 'YYYY-MM-DD' TEXT, times ISO 8601 UTC TEXT, as elsewhere.  The
** SQL is the same for SQLite and PostgreSQL (DOUBLE PRECISION has REAL
** affinity in SQLite).
*/
#include "support/plan.h"

#define PLAN_V1                                                                   \
    "CREATE TABLE support_plan ("                                                 \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " kind TEXT NOT NULL CHECK (kind IN ('learning', 'career', 'health')),"       \
    " recovery TEXT NOT NULL DEFAULT '',"                                         \
    " created_by BIGINT REFERENCES account(id), created_at TEXT NOT NULL,"        \
    " updated_at TEXT NOT NULL,"                                                  \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, case_id, kind),"  \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "CREATE TABLE support_goal ("                                                 \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " plan TEXT NOT NULL CHECK (plan IN ('learning', 'career', 'health')),"       \
    " domain TEXT NOT NULL, what TEXT NOT NULL, measure TEXT NOT NULL,"           \
    " baseline DOUBLE PRECISION, target DOUBLE PRECISION NOT NULL,"               \
    " due_on TEXT NOT NULL, learner_step TEXT NOT NULL, support TEXT NOT NULL,"   \
    " helper_staff_id BIGINT, helper_text TEXT NOT NULL DEFAULT '',"              \
    " group_id BIGINT,"                                                           \
    " status TEXT NOT NULL DEFAULT 'open'"                                        \
    "  CHECK (status IN ('open', 'achieved', 'dropped')),"                        \
    " status_reason TEXT NOT NULL DEFAULT '', status_at TEXT,"                    \
    " created_by BIGINT REFERENCES account(id), created_at TEXT NOT NULL,"        \
    " updated_by BIGINT REFERENCES account(id), updated_at TEXT NOT NULL,"        \
    " PRIMARY KEY (institution_id, id),"                                          \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id),"\
    " FOREIGN KEY (institution_id, helper_staff_id) REFERENCES staff(institution_id, id),"\
    " FOREIGN KEY (institution_id, group_id) REFERENCES class_group(institution_id, id));"\
    "CREATE INDEX support_goal_by_case ON support_goal (institution_id, case_id);"\
    "CREATE TABLE support_not_now ("                                              \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " domain TEXT NOT NULL, reason TEXT NOT NULL,"                                \
    " recorded_by BIGINT REFERENCES account(id), recorded_at TEXT NOT NULL,"      \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, case_id, domain),"\
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"

static const store_migration plan_migrations[] = {
    {"plan", 1, "plans, SMART goals, reasons for 'not now'", PLAN_V1},
};

/* Apply the "plan" series (see plan.h). */
int support_plan_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, plan_migrations, sizeof plan_migrations / sizeof *plan_migrations,
                         applied, err);
}
