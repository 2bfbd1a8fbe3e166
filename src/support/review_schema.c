/*
** support/review_schema.c — the tables of reviews (support/review.h), as
** the migration series "review", applied from support_migrate() after the
** case and plan series.
**
**   case_review      one review of a case: the day it was held, the day
**                    the review task it answered was due (NULL: none was
**                    open), the tier then, the decision, what changed
**                    (sealed text), the next review day, who recorded it
**                    and when; progress_only 1 for a teacher's progress
**                    values on the goals of their teaching (no words, no
**                    decision, no task done).
**   review_progress  the value of one goal's measure (support_goal,
**                    support/plan.h) at a review; one row per goal and
**                    review.
**
** Version 2: the reviews of a case by kind and day, so "the last review
** that was not only progress" (a key worker's "risk rose since the last
** review", on their home page for each case) is one index seek.
**
** Days are 'YYYY-MM-DD', times ISO 8601 UTC TEXT, like the other rooms.
*/
#include "support/review.h"

#define REVIEW_V1                                                               \
    "CREATE TABLE case_review ("                                                \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                      \
    " case_id BIGINT NOT NULL, reviewed_on TEXT NOT NULL, due_on TEXT,"         \
    " tier SMALLINT NOT NULL CHECK (tier BETWEEN 0 AND 2),"                     \
    " decision TEXT NOT NULL CHECK (decision IN ('continue', 'change_plan',"    \
    "  'step_down', 'step_up', 'close')),"                                      \
    " changed TEXT NOT NULL, next_on TEXT NOT NULL CHECK (next_on > reviewed_on),"\
    " progress_only SMALLINT NOT NULL DEFAULT 0 CHECK (progress_only IN (0, 1)),"\
    " recorded_by BIGINT REFERENCES account(id), recorded_at TEXT NOT NULL,"    \
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "CREATE INDEX case_review_by_case ON case_review (institution_id, case_id, reviewed_on);"\
    "CREATE TABLE review_progress ("                                            \
    " institution_id BIGINT NOT NULL, review_id BIGINT NOT NULL,"               \
    " goal_id BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL,"                \
    " PRIMARY KEY (institution_id, review_id, goal_id),"                        \
    " FOREIGN KEY (institution_id, review_id) REFERENCES case_review(institution_id, id),"\
    " FOREIGN KEY (institution_id, goal_id) REFERENCES support_goal(institution_id, id));"\
    "CREATE INDEX review_progress_by_goal ON review_progress (institution_id, goal_id);"

#define REVIEW_V2                                                               \
    "CREATE INDEX case_review_by_case_kind ON case_review"                      \
    " (institution_id, case_id, progress_only, reviewed_on);"

static const store_migration review_migrations[] = {
    {"review", 1, "case reviews and progress on goals", REVIEW_V1},
    {"review", 2, "the reviews of a case by kind and day", REVIEW_V2},
};

/* Apply the "review" series (see review.h); the SQL is the same on both
** backends. */
int support_review_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, review_migrations,
                         sizeof review_migrations / sizeof *review_migrations, applied, err);
}
