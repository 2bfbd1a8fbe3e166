/*
** support/plan.c — plans and goals: codes, problems, who sees what, the
** readers, and the rule of unanswered domains (see plan.h).  The writers
** are in support/plan_write.c.
*/
#include "support/plan.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/case_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_codes[SUPPORT_PLAN_KIND_COUNT] = {"learning", "career", "health"};
static const char *const kind_names[SUPPORT_PLAN_KIND_COUNT] = {
    "Individual learning plan", "Career plan", "Health and well-being plan"};
static const char *const status_codes[SUPPORT_GOAL_STATUS_COUNT] = {"open", "achieved",
                                                                    "dropped"};
static const char *const status_names[SUPPORT_GOAL_STATUS_COUNT] = {"Open", "Achieved",
                                                                    "Dropped"};

/* The index of code in codes[0..n), or -1. */
static int code_find(const char *const *codes, int n, const char *code) {
    for (int i = 0; code && i < n; i++)
        if (!strcmp(codes[i], code)) return i;
    return -1;
}

/* Plan kind codes and names (see plan.h). */
const char *support_plan_kind_code(int k) {
    return k >= 0 && k < SUPPORT_PLAN_KIND_COUNT ? kind_codes[k] : NULL;
}
const char *support_plan_kind_name(int k) {
    return k >= 0 && k < SUPPORT_PLAN_KIND_COUNT ? kind_names[k] : "";
}
int support_plan_kind_parse(const char *code) {
    return code_find(kind_codes, SUPPORT_PLAN_KIND_COUNT, code);
}

/* Goal status codes and names (see plan.h). */
const char *support_goal_status_code(int s) {
    return s >= 0 && s < SUPPORT_GOAL_STATUS_COUNT ? status_codes[s] : NULL;
}
const char *support_goal_status_name(int s) {
    return s >= 0 && s < SUPPORT_GOAL_STATUS_COUNT ? status_names[s] : "";
}
int support_goal_status_parse(const char *code) {
    return code_find(status_codes, SUPPORT_GOAL_STATUS_COUNT, code);
}

/* One problem's field and sentence. */
typedef struct problem_row {
    const char *field, *text;
} problem_row;

static const problem_row problems[] = {
    [SUPPORT_PLAN_OK] = {"", ""},
    [SUPPORT_PLAN_NOT_YOURS] = {"plan", "This plan is not yours to change."},
    [SUPPORT_PLAN_CASE_CLOSED] = {"plan", "The case is closed: its plan cannot change."},
    [SUPPORT_PLAN_KIND_BAD] = {"plan", "Choose the plan: learning, career, or health and well-being."},
    [SUPPORT_PLAN_DOMAIN_BAD] = {"domain", "Choose the life domain."},
    [SUPPORT_PLAN_WHAT_MISSING] = {"what", "Write what the goal is."},
    [SUPPORT_PLAN_WHAT_BAD] = {"what", "The goal is too long (at most 500 characters) or holds "
                                       "characters that cannot be stored."},
    [SUPPORT_PLAN_MEASURE_MISSING] = {"measure", "Write the measure: what is counted."},
    [SUPPORT_PLAN_MEASURE_BAD] = {"measure", "The measure is too long (at most 120 characters) "
                                             "or holds characters that cannot be stored."},
    [SUPPORT_PLAN_BASELINE_BAD] = {"baseline", "The baseline must be a number."},
    [SUPPORT_PLAN_TARGET_MISSING] = {"target", "Write the target: the number to reach."},
    [SUPPORT_PLAN_TARGET_BAD] = {"target", "The target must be a number."},
    [SUPPORT_PLAN_DUE_MISSING] = {"due_on", "Choose the date the goal is due."},
    [SUPPORT_PLAN_DUE_BAD] = {"due_on", "The due date is not a date."},
    [SUPPORT_PLAN_DUE_PAST] = {"due_on", "The due date is in the past."},
    [SUPPORT_PLAN_STEP_BAD] = {"learner_step", "The learner's step is too long (at most 500 "
                                               "characters) or holds characters that cannot be "
                                               "stored."},
    [SUPPORT_PLAN_SUPPORT_BAD] = {"support", "The support is too long (at most 500 characters) "
                                             "or holds characters that cannot be stored."},
    [SUPPORT_PLAN_HELPER_BAD] = {"helper", "Who helps must be the key worker, a member of the "
                                           "team, or a name of at most 120 characters."},
    [SUPPORT_PLAN_GROUP_BAD] = {"group_id", "There is no such teaching group."},
    [SUPPORT_PLAN_GOAL_UNKNOWN] = {"goal_id", "There is no such goal in this plan."},
    [SUPPORT_PLAN_GOAL_CLOSED] = {"goal_id", "This goal is achieved or dropped already."},
    [SUPPORT_PLAN_STATUS_BAD] = {"status", "Choose achieved or dropped."},
    [SUPPORT_PLAN_REASON_MISSING] = {"reason", "Write the reason."},
    [SUPPORT_PLAN_REASON_BAD] = {"reason", "The reason is too long (at most 500 characters) or "
                                           "holds characters that cannot be stored."},
    [SUPPORT_PLAN_RECOVERY_BAD] = {"recovery", "The text is too long (at most 2,000 characters) "
                                               "or holds characters that cannot be stored."},
};

/* A problem's field (see plan.h). */
const char *support_plan_problem_field(support_plan_problem p) {
    return (size_t)p < sizeof problems / sizeof *problems ? problems[p].field : "";
}

/* A problem's sentence (see plan.h). */
const char *support_plan_problem_text(support_plan_problem p) {
    return (size_t)p < sizeof problems / sizeof *problems ? problems[p].text : "";
}

/* ---- who sees what ---------------------------------------------------------------- */

/* The viewer's view of a case's goals (see plan.h). */
int support_goal_view(store *st, int64_t inst, int64_t case_id, int64_t staff_id, unsigned rel,
                      unsigned *view, cairn_err *err) {
    *view = rel & ~(SUPPORT_GOAL_SEES_HEALTH | SUPPORT_GOAL_TEACHING_ONLY);
    if (rel & SUPPORT_CASE_REL_KEY_WORKER) {
        *view |= SUPPORT_GOAL_SEES_HEALTH;
        return 0;
    }
    if (!(rel & SUPPORT_CASE_REL_TEAM) || staff_id <= 0) return 0;
    store_stmt *q = store_prepare(st, "SELECT role FROM case_team_member WHERE institution_id = ?"
                                      " AND case_id = ? AND staff_id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    store_bind_int64(q, 3, staff_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        int role = support_case_role_parse(store_col_text(q, 0));
        if (role == SUPPORT_CASE_ROLE_PSYCHOLOGIST) *view |= SUPPORT_GOAL_SEES_HEALTH;
        if (role == SUPPORT_CASE_ROLE_TEACHER) *view |= SUPPORT_GOAL_TEACHING_ONLY;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* ---- reading ---------------------------------------------------------------------- */

/* Open stored into out (cap bytes); 0 or -1. */
static int text_open(store *st, int64_t inst, const char *stored, char *out, size_t cap,
                     cairn_err *err) {
    buf plain = BUF_INIT;   /* not HTML: the opened text */
    int rc = support_case_text_open(st, inst, stored, &plain, err);
    str_copy(out, cap, rc == 0 ? buf_cstr(&plain) : "");
    buf_free(&plain);
    return rc;
}

#define GOAL_COLUMNS                                                                       \
    "SELECT g.id, g.case_id, g.plan, g.domain, g.what, g.measure, g.baseline, g.target,"   \
    " g.due_on, g.learner_step, g.support, g.helper_staff_id, g.helper_text, g.group_id,"  \
    " g.status, g.status_reason, g.status_at, g.created_at, g.updated_at,"                 \
    " s.given_name, s.family_name, cg.name"                                                \
    " FROM support_goal g LEFT JOIN staff s ON s.institution_id = g.institution_id"        \
    "  AND s.id = g.helper_staff_id"                                                       \
    " LEFT JOIN class_group cg ON cg.institution_id = g.institution_id AND cg.id = g.group_id"\
    " WHERE g.institution_id = ? AND g.case_id = ?"

/* Fill *g from the row of q (GOAL_COLUMNS), opening the sealed texts. */
static int goal_read(store *st, int64_t inst, store_stmt *q, support_goal *g, cairn_err *err) {
    memset(g, 0, sizeof *g);
    g->id = store_col_int64(q, 0);
    g->case_id = store_col_int64(q, 1);
    g->plan = support_plan_kind_parse(store_col_text(q, 2));
    g->domain = support_domain_find(store_col_text(q, 3));
    str_copy(g->measure, sizeof g->measure, store_col_text(q, 5));
    g->has_baseline = !store_col_is_null(q, 6);
    g->baseline = g->has_baseline ? store_col_double(q, 6) : NAN;
    g->target = store_col_double(q, 7);
    const char *due = store_col_text(q, 8);
    if (!due || date_parse(due, strlen(due), &g->due_on) < 0) g->due_on = 0;
    g->helper_staff_id = store_col_is_null(q, 11) ? 0 : store_col_int64(q, 11);
    g->group_id = store_col_is_null(q, 13) ? 0 : store_col_int64(q, 13);
    g->status = support_goal_status_parse(store_col_text(q, 14));
    str_copy(g->status_at, sizeof g->status_at, store_col_text(q, 16));
    str_copy(g->created_at, sizeof g->created_at, store_col_text(q, 17));
    str_copy(g->updated_at, sizeof g->updated_at, store_col_text(q, 18));
    if (g->group_id) str_copy(g->group_name, sizeof g->group_name, store_col_text(q, 21));
    if (text_open(st, inst, store_col_text(q, 4), g->what, sizeof g->what, err) < 0 ||
        text_open(st, inst, store_col_text(q, 9), g->learner_step, sizeof g->learner_step,
                  err) < 0 ||
        text_open(st, inst, store_col_text(q, 10), g->support, sizeof g->support, err) < 0 ||
        text_open(st, inst, store_col_text(q, 15), g->status_reason, sizeof g->status_reason,
                  err) < 0)
        return -1;
    if (g->helper_staff_id) {
        buf name = BUF_INIT;   /* not HTML: a name as text */
        buf_printf(&name, "%s %s", store_col_text(q, 19) ? store_col_text(q, 19) : "",
                   store_col_text(q, 20) ? store_col_text(q, 20) : "");
        str_copy(g->helper, sizeof g->helper, buf_cstr(&name));
        buf_free(&name);
    } else if (text_open(st, inst, store_col_text(q, 12), g->helper, sizeof g->helper, err) < 0) {
        return -1;
    }
    return 0;
}

/* The SQL condition view adds (bound parameters: the staff id when
** TEACHING_ONLY). */
static void view_filter(buf *sql, unsigned view) {
    if (!(view & SUPPORT_GOAL_SEES_HEALTH)) buf_puts(sql, " AND g.plan <> 'health'");
    if (view & SUPPORT_GOAL_TEACHING_ONLY)
        buf_puts(sql, " AND g.group_id IN (SELECT gs.group_id FROM group_staff gs"
                      " WHERE gs.institution_id = g.institution_id AND gs.staff_id = ?)");
}

/* 1 when view sees any goal of the case at all. */
static int view_sees_goals(unsigned view) {
    return (view & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM |
                    SUPPORT_CASE_REL_RECEIVER)) != 0;
}

/* Run the goal query with extra (a condition) and an optional goal id. */
static int goals_query(store *st, int64_t inst, int64_t case_id, unsigned view,
                       int64_t staff_id, int64_t goal_id, support_goal **rows, size_t *n,
                       cairn_err *err) {
    *rows = NULL;
    *n = 0;
    if (!view_sees_goals(view)) return 0;
    buf sql = BUF_INIT;   /* not HTML: SQL of constants */
    buf_puts(&sql, GOAL_COLUMNS);
    view_filter(&sql, view);
    if (goal_id) buf_puts(&sql, " AND g.id = ?");
    buf_puts(&sql, " ORDER BY CASE g.plan WHEN 'learning' THEN 0 WHEN 'career' THEN 1 ELSE 2 END,"
                   " CASE g.status WHEN 'open' THEN 0 ELSE 1 END, g.due_on, g.id");
    store_stmt *q = store_prepare(st, buf_cstr(&sql), err);
    buf_free(&sql);
    if (!q) return -1;
    int k = 1;
    store_bind_int64(q, k++, inst);
    store_bind_int64(q, k++, case_id);
    if (view & SUPPORT_GOAL_TEACHING_ONLY) store_bind_int64(q, k++, staff_id);
    if (goal_id) store_bind_int64(q, k++, goal_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        if (goal_read(st, inst, q, &(*rows)[(*n)++], err) < 0) {
            rc = -1;
            break;
        }
    }
    store_finalize(q);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The goals of a case (see plan.h). */
int support_goal_list(store *st, int64_t inst, int64_t case_id, unsigned view, int64_t staff_id,
                      support_goal **rows, size_t *n, cairn_err *err) {
    return goals_query(st, inst, case_id, view, staff_id, 0, rows, n, err);
}

/* One goal (see plan.h). */
int support_goal_get(store *st, int64_t inst, int64_t case_id, int64_t goal_id, unsigned view,
                     int64_t staff_id, support_goal *out, cairn_err *err) {
    support_goal *rows;
    size_t n;
    if (goal_id <= 0) return 0;
    if (goals_query(st, inst, case_id, view, staff_id, goal_id, &rows, &n, err) < 0) return -1;
    if (n) *out = rows[0];
    free(rows);
    return n ? 1 : 0;
}

/* Goals not dropped (see plan.h). */
int support_goal_count(store *st, int64_t inst, int64_t case_id, int64_t *n, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT count(*) FROM support_goal WHERE institution_id = ?"
                                      " AND case_id = ? AND status <> 'dropped'", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    *n = rc == STORE_ROW ? store_col_int64(q, 0) : 0;
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The reasons for "not now" (see plan.h). */
int support_not_now_list(store *st, int64_t inst, int64_t case_id, int with_text,
                         support_not_now **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, "SELECT id, domain, reason, recorded_by, recorded_at"
                                      " FROM support_not_now WHERE institution_id = ?"
                                      " AND case_id = ? ORDER BY domain", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        support_not_now *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        r->id = store_col_int64(q, 0);
        r->case_id = case_id;
        r->domain = support_domain_find(store_col_text(q, 1));
        r->recorded_by = store_col_is_null(q, 3) ? 0 : store_col_int64(q, 3);
        str_copy(r->recorded_at, sizeof r->recorded_at, store_col_text(q, 4));
        if (with_text &&
            text_open(st, inst, store_col_text(q, 2), r->reason, sizeof r->reason, err) < 0) {
            rc = -1;
            break;
        }
    }
    store_finalize(q);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The recovery note (see plan.h). */
int support_plan_recovery_get(store *st, int64_t inst, int64_t case_id, buf *out,
                              cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT recovery FROM support_plan WHERE institution_id = ?"
                                      " AND case_id = ? AND kind = 'learning'", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW && support_case_text_open(st, inst, store_col_text(q, 0), out, err) < 0)
        rc = -1;
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* ---- the rule ----------------------------------------------------------------------- */

/* The unanswered domains (see plan.h). */
unsigned support_plan_unanswered(const int needs[SUPPORT_DOMAIN_COUNT], const support_goal *goals,
                                 size_t ngoals, const support_not_now *not_now, size_t nnot) {
    unsigned bits = 0;
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++)
        if (needs[d] >= 2) bits |= 1u << d;
    for (size_t i = 0; i < ngoals; i++)
        if (goals[i].status != SUPPORT_GOAL_DROPPED && goals[i].domain >= 0 &&
            goals[i].domain < SUPPORT_DOMAIN_COUNT)
            bits &= ~(1u << goals[i].domain);
    for (size_t i = 0; i < nnot; i++)
        if (not_now[i].domain >= 0 && not_now[i].domain < SUPPORT_DOMAIN_COUNT)
            bits &= ~(1u << not_now[i].domain);
    return bits;
}

/* The rule for a stored case (see plan.h). */
int support_plan_unanswered_of_case(store *st, int64_t inst, int64_t case_id,
                                    const int needs[SUPPORT_DOMAIN_COUNT], unsigned *bits,
                                    cairn_err *err) {
    *bits = 0;
    /* Only the domains and statuses are needed: read them without opening text. */
    store_stmt *q = store_prepare(st, "SELECT domain, status FROM support_goal"
                                      " WHERE institution_id = ? AND case_id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    support_goal *goals = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            goals = xrealloc(goals, cap * sizeof *goals);
        }
        goals[n].domain = support_domain_find(store_col_text(q, 0));
        goals[n].status = support_goal_status_parse(store_col_text(q, 1));
        n++;
    }
    store_finalize(q);
    support_not_now *nn = NULL;
    size_t nnn = 0;
    if (rc >= 0 && support_not_now_list(st, inst, case_id, 0, &nn, &nnn, err) < 0) rc = -1;
    if (rc >= 0) *bits = support_plan_unanswered(needs, goals, n, nn, nnn);
    free(goals);
    free(nn);
    return rc < 0 ? -1 : 0;
}

/* The latest needs (see plan.h).  Until the needs assessment exists, every
** domain is unrated. */
int support_plan_needs(store *st, int64_t inst, int64_t case_id,
                       int needs[SUPPORT_DOMAIN_COUNT], cairn_err *err) {
    (void)st, (void)inst, (void)case_id, (void)err;
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) needs[d] = -1;
    return 0;
}

/* The groups a goal may concern (see plan.h). */
int support_plan_groups(store *st, int64_t inst, int64_t case_id, support_plan_group **rows,
                        size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        "SELECT g.id, g.name FROM class_group g WHERE g.institution_id = ? AND (g.id IN"
        " (SELECT e.group_id FROM enrolment e JOIN support_case c ON c.institution_id ="
        " e.institution_id AND c.learner_id = e.learner_id WHERE c.institution_id = ?"
        " AND c.id = ?) OR g.id IN (SELECT gs.group_id FROM group_staff gs JOIN case_team_member t"
        " ON t.institution_id = gs.institution_id AND t.staff_id = gs.staff_id"
        " WHERE t.institution_id = ? AND t.case_id = ? AND t.role = 'teacher'))"
        " ORDER BY g.name, g.id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, inst);
    store_bind_int64(q, 3, case_id);
    store_bind_int64(q, 4, inst);
    store_bind_int64(q, 5, case_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        (*rows)[*n].id = store_col_int64(q, 0);
        str_copy((*rows)[*n].name, sizeof (*rows)[*n].name, store_col_text(q, 1));
        (*n)++;
    }
    store_finalize(q);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}
