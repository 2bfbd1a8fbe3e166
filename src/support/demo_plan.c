/*
** support/demo_plan.c — the demo school's plans: SMART goals for the demo
** cases whose plan is agreed (written just before the step, by
** support_demo_cases, since a plan without a goal cannot be agreed), then
** (support_demo_plans, from the demo after the cases) goals achieved on the
** closed and monitored cases, reasons for "not now", and the learning
** plan's note on recovering missed time.  Made through the same writers
** as the pages (audited, sealed); deterministic.
*/
#include "support/plan.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/demo.h"
#include <stdio.h>
#include <string.h>

/* One demo goal: plan, domain, what, measure, baseline ("" none), target,
** weeks from the day it was written to its due day, the learner's step,
** the school's support, and whether it concerns the learner's group. */
typedef struct demo_goal {
    const char *plan, *domain, *what, *measure, *baseline, *target;
    int         weeks;
    const char *step, *support;
    int         group;
} demo_goal;

static const demo_goal goals_night_shifts[] = {
    {"learning", "attendance", "Attend 9 of 10 school days", "days present of 10", "6", "9", 6,
     "Ask my uncle for no shifts on nights before a school day",
     "The key worker calls the uncle with her, and checks attendance each Friday", 1},
    {"learning", "learning", "Hand in the two missing assignments", "assignments handed in of 2",
     "0", "2", 4, "Go to the catch-up tutoring on Tuesdays and Thursdays",
     "Catch-up tutoring twice a week in the library, 15:30 to 17:00", 0},
    {"health", "physical_health", "Sleep at least seven hours on school nights",
     "nights a week with 7 hours' sleep", "2", "5", 6,
     "Keep a sleep diary for the psychologist and stop the phone at 23:00",
     "Fortnightly talk with the school psychologist about sleep and stress", 0},
};

static const demo_goal goals_father[] = {
    {"learning", "attendance", "Be in the workshop on every practical day",
     "practical days attended of 8", "3", "7", 6, "Come to the mentoring session before the "
     "workshop on Mondays", "Weekly mentoring with a second-year apprentice", 1},
    {"career", "career", "Choose a placement firm together with the mentor", "firms visited",
     "0", "2", 8, "Write down three trades I would like to try",
     "The careers adviser arranges two visits to firms", 0},
    {"health", "mental_health", "Talk to someone every week about how things are at home",
     "weekly talks held of 6", "0", "6", 6, "Book the talks myself on the counsellor's list",
     "Six sessions with the school psychologist; the family service is told with his consent",
     0},
};

static const demo_goal goals_returned[] = {
    {"learning", "attendance", "Attendance back above 90%", "percent of days present", "60",
     "90", 8, "Use the attendance app every morning",
     "Daily check-in with the key worker for the first two weeks", 1},
    {"learning", "learning", "Pass both failed units on retake", "units passed of 2", "0", "2",
     10, "Revise with the study group on Wednesdays", "Retake dates moved; a tutor for unit 4",
     0},
};

/* The teaching group the demo's group goals concern, into *group (0
** none): one taught by a teacher on the case's team (the learner's own
** group first), so the teacher sees it; else the learner's newest group. */
static int learner_group(store *st, int64_t inst, int64_t case_id, int64_t *group,
                         cairn_err *err) {
    /* CROSS JOIN keeps SQLite's order: from the case outward (the
    ** planner's own order read all of group_staff or enrolment per case) */
    static const char *const sqls[] = {
        "SELECT gs.group_id FROM support_case c CROSS JOIN case_team_member t"
        " CROSS JOIN group_staff gs WHERE c.institution_id = ? AND c.id = ?"
        " AND t.institution_id = c.institution_id AND t.case_id = c.id AND t.role = 'teacher'"
        " AND gs.institution_id = t.institution_id AND gs.staff_id = t.staff_id"
        " ORDER BY CASE WHEN gs.group_id IN (SELECT e.group_id FROM enrolment e"
        " WHERE e.institution_id = c.institution_id AND e.learner_id = c.learner_id)"
        " THEN 0 ELSE 1 END, gs.group_id LIMIT 1",
        "SELECT e.group_id FROM support_case c CROSS JOIN enrolment e"
        " WHERE c.institution_id = ? AND c.id = ? AND e.institution_id = c.institution_id"
        " AND e.learner_id = c.learner_id AND coalesce(e.group_id, 0) <> 0"
        " ORDER BY e.start_date DESC LIMIT 1",
    };
    *group = 0;
    for (size_t i = 0; i < 2 && !*group; i++) {
        store_stmt *q = store_prepare(st, sqls[i], err);
        if (!q) return -1;
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, case_id);
        int rc = store_step(q, err);
        if (rc == STORE_ROW) *group = store_col_int64(q, 0);
        store_finalize(q);
        if (rc < 0) return -1;
    }
    return 0;
}

/* Write goals[0..n) for case_id on the day of at. */
static int goals_write(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                       const demo_goal *goals, size_t n, const char *at, cairn_err *err) {
    int64_t group = 0, kw = 0;
    if (learner_group(st, inst, case_id, &group, err) < 0) return -1;
    support_case k;
    if (support_case_get(st, inst, case_id, 0, &k, err) <= 0) return -1;
    kw = k.key_worker_id;
    int32_t day = date_today();
    if (at && strlen(at) >= 10) date_parse(at, 10, &day);
    const unsigned view = SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_GOAL_SEES_HEALTH;
    for (size_t i = 0; i < n; i++) {
        const demo_goal *g = &goals[i];
        char due[DATE_TEXT_LEN];
        date_format(day + 7 * g->weeks, due);
        support_goal_spec spec = {0, g->plan, g->domain, g->what, g->measure, g->baseline,
                                  g->target, due, g->step, g->support, i == 0 ? kw : 0,
                                  i == 0 ? "" : "The class tutor", g->group ? group : 0};
        support_plan_problem p;
        int rc = support_goal_add(st, inst, account_id, view, case_id, &spec, at, NULL, &p, err);
        if (rc != 0) return rc < 0 ? -1 : err_set(err, CAIRN_EINVAL, "demo goal: %s", err->msg);
    }
    return 0;
}

/* The goals of demo case `which` (see plan.h: support_demo_plan_goals). */
int support_demo_plan_goals(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                            int which, const char *at, cairn_err *err) {
    switch (which) {
    case 3: return goals_write(st, inst, account_id, case_id, goals_night_shifts,
                               sizeof goals_night_shifts / sizeof *goals_night_shifts, at, err);
    case 4: return goals_write(st, inst, account_id, case_id, goals_father,
                               sizeof goals_father / sizeof *goals_father, at, err);
    default: break;
    }
    /* the case that closed as returned to learning: both goals reached ten
    ** weeks after the plan, before it closed (a closed case takes no change) */
    if (goals_write(st, inst, account_id, case_id, goals_returned,
                    sizeof goals_returned / sizeof *goals_returned, at, err) < 0)
        return -1;
    int32_t day = date_today();
    if (at && strlen(at) >= 10) date_parse(at, 10, &day);
    char when[DATE_TEXT_LEN], reached[32];
    date_format(day + 70, when);
    snprintf(reached, sizeof reached, "%sT09:00:00Z", when);
    const unsigned view = SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_GOAL_SEES_HEALTH;
    support_goal *rows = NULL;
    size_t n = 0;
    if (support_goal_list(st, inst, case_id, view, 0, &rows, &n, err) < 0) return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        support_plan_problem p;
        rc = support_goal_close(st, inst, account_id, view, case_id, rows[i].id,
                                SUPPORT_GOAL_ACHIEVED, "Reached and held for four weeks.",
                                reached, &p, err) < 0 ? -1 : 0;
    }
    free(rows);
    return rc;
}

/* Reasons for "not now", one per case with an agreed plan, in order. */
static const struct {
    const char *domain, *reason;
} demo_not_now[] = {
    {"money", "The family's income depends on the shop; we look at a grant once the catch-up "
              "is done."},
    {"housing", "He is back at home since the conference; the family service follows it."},
};

/* The ids of the institution's cases in state (a code) that have goals. */
static int cases_with_goals(store *st, int64_t inst, const char *state, int64_t **ids, size_t *n,
                            cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT c.id FROM support_case c WHERE c.institution_id = ?"
                                      " AND c.state = ? AND EXISTS (SELECT 1 FROM support_goal g"
                                      " WHERE g.institution_id = c.institution_id"
                                      " AND g.case_id = c.id) ORDER BY c.id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_text(q, 2, state, (size_t)-1);
    return store_stmt_ids(q, ids, n, err);   /* finalizes q */
}

/* Mark the open goals of case_id achieved (at most max). */
static int goals_achieve(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                         size_t max, const char *reason, cairn_err *err) {
    const unsigned view = SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_GOAL_SEES_HEALTH;
    support_goal *rows = NULL;
    size_t n = 0, done = 0;
    if (support_goal_list(st, inst, case_id, view, 0, &rows, &n, err) < 0) return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n && done < max; i++) {
        if (rows[i].status != SUPPORT_GOAL_OPEN) continue;
        support_plan_problem p;
        rc = support_goal_close(st, inst, account_id, view, case_id, rows[i].id,
                                SUPPORT_GOAL_ACHIEVED, reason, NULL, &p, err) < 0 ? -1 : 0;
        done++;
    }
    free(rows);
    return rc;
}

/* The plan of one demo case after its agreement (see demo.h): the
** recovery note (plan agreed) or a goal achieved (monitoring), and the
** reason for "not now" number not_now (-1 none). */
static int plan_case(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                     int monitoring, int not_now, cairn_err *err) {
    const unsigned view = SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_GOAL_SEES_HEALTH;
    support_plan_problem p;
    int rc = 0;
    if (!monitoring)
        rc = support_plan_recovery_set(st, inst, account_id, view, case_id,
                                       "Two Saturday workshops in the next month make up "
                                       "the practical hours missed; the theory is caught "
                                       "up in the Tuesday and Thursday tutoring.",
                                       NULL, &p, err) < 0 ? -1 : 0;
    else
        rc = goals_achieve(st, inst, account_id, case_id, 1,
                           "Seven of eight practical days for three weeks running.", err);
    if (rc == 0 && not_now >= 0 && (size_t)not_now < sizeof demo_not_now / sizeof *demo_not_now)
        rc = support_not_now_set(st, inst, account_id, view, case_id,
                                 demo_not_now[not_now].domain, demo_not_now[not_now].reason,
                                 NULL, &p, err) < 0 ? -1 : 0;
    return rc;
}

/* The plan of one demo case in state plan_agreed or monitoring (see demo.h). */
int support_demo_case_plan(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                           int monitoring, cairn_err *err) {
    return plan_case(st, inst, account_id, case_id, monitoring, monitoring ? 1 : 0, err);
}

/* The demo's plans after the cases (see plan.h). */
int support_demo_plans(store *st, int64_t inst, int64_t account_id, int *n, cairn_err *err) {
    if (n) *n = 0;
    int64_t have = 0;
    if (store_query_int64(st, "SELECT count(*) FROM support_not_now WHERE institution_id = ?",
                          inst, &have, err) < 0)
        return -1;
    if (have) return 0;   /* made before: leave them */
    const char *states[] = {"plan_agreed", "monitoring"};   /* a closed case takes no change */
    int reason = 0;
    for (size_t s = 0; s < 2; s++) {
        int64_t *ids = NULL;
        size_t k = 0;
        if (cases_with_goals(st, inst, states[s], &ids, &k, err) < 0) return -1;
        int rc = 0;
        for (size_t i = 0; rc == 0 && i < k; i++) {
            rc = plan_case(st, inst, account_id, ids[i], (int)s, reason++, err);
            if (rc == 0 && n) (*n)++;
        }
        free(ids);
        if (rc < 0) return -1;
    }
    return 0;
}
