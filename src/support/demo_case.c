/*
** support/demo_case.c — the demo school's cases: one for each learner of
** the demo key worker's caseload, in every state of the lifecycle (open
** from a flag, open from a teacher's concern, assessment, plan agreed,
** monitoring, closed as returned to learning, closed as left, reopened),
** back-dated so that some tasks are overdue and some due this week, with
** believable reasons, the demo teacher on some teams and a case
** conference on the monitored case.  Made through the
** same functions the pages use (so the history and the audit log are as
** real), deterministic, and a few dozen transactions: fast.
*/
#include "support/demo.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/case.h"
#include "support/plan.h"
#include <assert.h>
#include <stdio.h>
#include <string.h>

/* One step of a demo case: days before today, the step, its reason, the
** outcome (closing). */
typedef struct demo_step {
    int         days_ago;
    const char *code;
    const char *reason;
    int         outcome;
} demo_step;

/* One demo case: how it opened, and what happened since. */
typedef struct demo_case {
    int         opened_ago;
    int         source;
    const char *reason;
    int         teacher_on_team;
    int         review_done_ago;    /* a review done this many days ago; 0 none */
    demo_step   steps[4];
} demo_case;

static const demo_case demo_cases[SUPPORT_DEMO_CASELOAD_MAX] = {
    {2, SUPPORT_CASE_FROM_FLAG,
     "Attendance fell below 80% over the last four weeks and two assignments are missing.",
     0, 0, {{0}}},
    {12, SUPPORT_CASE_FROM_TEACHER,
     "Her class teacher noticed she falls asleep in the workshop and has stopped eating lunch "
     "with the group.", 1, 0, {{0}}},
    {24, SUPPORT_CASE_FROM_FLAG,
     "Two serious behaviour incidents in the workshop in one week, after a good first term.", 1,
     0, {{18, "start_assessment", "Met him and his mother on Tuesday; he agreed to an assessment.",
          0}}},
    {45, SUPPORT_CASE_FROM_LEARNER,
     "Came to the counsellor's office herself: she works nights in her uncle's shop and cannot "
     "keep up.", 0, 0,
     {{40, "start_assessment", "", 0},
      {11, "agree_plan", "Plan agreed with her: fewer night shifts, catch-up tutoring twice a "
                         "week.", 0}}},
    {70, SUPPORT_CASE_FROM_FAMILY,
     "His father called: he has not been home for two nights and talks about dropping out.", 1,
     9,
     {{66, "start_assessment", "", 0},
      {52, "agree_plan", "", 0},
      {45, "start_monitoring", "Attending again; mentoring sessions started.", 0}}},
    {120, SUPPORT_CASE_FROM_FLAG,
     "Attendance dropped to 60% and she failed two units in a row.", 0, 0,
     {{115, "start_assessment", "", 0},
      {100, "agree_plan", "", 0},
      {90, "start_monitoring", "", 0},
      {14, "close", "Attendance back above 95% for six weeks; both units passed on retake.",
       SUPPORT_CASE_RETURNED}}},
    {95, SUPPORT_CASE_FROM_TEACHER,
     "Stopped coming after the placement ended; phone unanswered.", 0, 0,
     {{90, "start_assessment", "", 0},
      {30, "close", "Signed an apprenticeship contract with a firm in another town; left the "
                    "course with our help to transfer his credits.", SUPPORT_CASE_LEFT}}},
    {150, SUPPORT_CASE_FROM_FLAG,
     "Low attendance and a sharp drop in results after moving out of home.", 0, 0,
     {{140, "start_assessment", "", 0},
      {60, "close", "Housing settled; results back to her average.", SUPPORT_CASE_STABILISED},
      {3, "reopen", "Lost her room again last week; attendance falling.", 0}}},
};

/* "YYYY-MM-DDT09:00:00Z" for today minus days_ago into out (32 bytes). */
static void demo_at(int32_t today, int days_ago, char out[32]) {
    char d[DATE_TEXT_LEN];
    date_format(today - days_ago, d);
    snprintf(out, 32, "%sT09:00:00Z", d);
}

/* The demo key worker's current caseload, lowest learner ids first. */
static int caseload(store *st, int64_t inst, int64_t staff, int64_t *ids, int *k,
                    cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT learner_id FROM support_assignment"
                                      " WHERE institution_id = ? AND staff_id = ?"
                                      " AND ended_at IS NULL ORDER BY learner_id LIMIT ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, staff);
    store_bind_int64(q, 3, SUPPORT_DEMO_CASELOAD_MAX);
    int rc;
    *k = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) ids[(*k)++] = store_col_int64(q, 0);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The id of the open review task of a case, or 0. */
static int64_t open_review(store *st, int64_t inst, int64_t case_id, cairn_err *err) {
    support_case_detail d;
    int64_t id = 0;
    if (support_case_detail_get(st, inst, case_id, 0, &d, err) <= 0) return 0;
    for (size_t i = 0; i < d.ntasks; i++)
        if (d.tasks[i].kind == SUPPORT_TASK_REVIEW && !d.tasks[i].done_at[0]) id = d.tasks[i].id;
    support_case_detail_free(&d);
    return id;
}

/* Open one demo case of profile (0 .. SUPPORT_DEMO_CASELOAD_MAX - 1) for
** learner and move it on (see demo.h). */
int support_demo_case_make(store *st, int64_t inst, int64_t kw_staff, int64_t kw_account,
                           int64_t teacher_staff, int64_t learner, int profile, int64_t *case_id,
                           cairn_err *err) {
    assert(profile >= 0 && profile < SUPPORT_DEMO_CASELOAD_MAX);
    const demo_case *dc = &demo_cases[profile];
    const unsigned KW = SUPPORT_CASE_REL_KEY_WORKER;
    int32_t today = date_today();
    char at[32];
    demo_at(today, dc->opened_ago, at);
    support_case_open_spec spec = {learner, kw_staff, dc->source, dc->reason, -1,
                                   dc->teacher_on_team && teacher_staff != kw_staff
                                       ? teacher_staff : 0};
    support_case_problem p;
    int64_t id = 0;
    *case_id = 0;
    int rc = support_case_open(st, inst, kw_account, &spec, at, &id, &p, err);
    if (rc != 0) return rc < 0 ? -1 : 1;   /* a learner with a case already: skip */
    for (int s = 0; s < 4 && dc->steps[s].code; s++) {
        const demo_step *ds = &dc->steps[s];
        demo_at(today, ds->days_ago, at);
        if (!strcmp(ds->code, "agree_plan") &&   /* a plan is agreed on its goals */
            support_demo_plan_goals(st, inst, kw_account, id, profile, at, err) < 0)
            return -1;
        rc = support_case_step_take(st, inst, kw_account, KW, id, ds->code, ds->reason,
                                    ds->outcome, at, &p, err);
        if (rc != 0) return rc < 0 ? -1 : err_set(err, CAIRN_EINVAL, "demo case: %s", err->msg);
    }
    if (profile == 4) {   /* the monitored case had a conference before its plan */
        int64_t who[2] = {kw_staff, teacher_staff};
        support_case_decision dec[] = {
            {"Arrange weekly mentoring sessions before the workshop day", kw_staff, today - 40},
            {"Tell the workshop trainer about the plan and the catch-up work",
             teacher_staff ? teacher_staff : kw_staff, today + 3},
        };
        support_case_conference_spec conf = {today - 54, who,
                                             teacher_staff && teacher_staff != kw_staff ? 2 : 1,
                                             (1u << 1) | (1u << 4) | (1u << 10),
                                             "He feels he let his father down after failing "
                                             "the first practical; wants to stay on the course.",
                                             dec, 2};
        demo_at(today, 54, at);
        if (support_case_conference_record(st, inst, kw_account, KW, id, &conf, at, &p, err) < 0)
            return -1;
    }
    if (dc->review_done_ago) {
        int64_t review = open_review(st, inst, id, err);
        demo_at(today, dc->review_done_ago, at);
        if (review && support_case_task_done(st, inst, kw_account, KW, id, review, at, &p,
                                             err) < 0)
            return -1;
    }
    *case_id = id;
    return 0;
}

/* Make the demo cases (see demo.h). */
int support_demo_cases(store *st, int64_t inst, int64_t kw_staff, int64_t kw_account,
                       int64_t teacher_staff, int *n, cairn_err *err) {
    *n = 0;
    int64_t have = 0;
    if (store_query_int64(st, "SELECT count(*) FROM support_case", -1, &have, err) < 0) return -1;
    if (have) return 0;   /* made before: leave them */
    int64_t ids[SUPPORT_DEMO_CASELOAD_MAX];
    int k = 0;
    if (caseload(st, inst, kw_staff, ids, &k, err) < 0) return -1;
    for (int i = 0; i < k; i++) {
        int64_t id;
        int rc = support_demo_case_make(st, inst, kw_staff, kw_account, teacher_staff, ids[i], i,
                                        &id, err);
        if (rc < 0) return -1;
        if (rc == 0) (*n)++;
    }
    return 0;
}
