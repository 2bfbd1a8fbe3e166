/*
** support/review_goals.c — the open goals of a case's plans as a review
** sees them (see review.h), read through the plan part (support/plan.h).
*/
#include "support/review.h"
#include "base/buf.h"
#include "base/mem.h"
#include "support/plan.h"
#include <math.h>
#include <stdlib.h>

/* The open goals of case_id that view shows (see review.h). */
int support_review_goals(store *st, int64_t inst, int64_t case_id, unsigned view,
                         int64_t staff_id, support_review_goal **rows, size_t *n,
                         cairn_err *err) {
    *rows = NULL;
    *n = 0;
    support_goal *goals = NULL;
    size_t ng = 0;
    if (support_goal_list(st, inst, case_id, view, staff_id, &goals, &ng, err) < 0) return -1;
    if (ng) *rows = xcalloc(ng, sizeof **rows);
    for (size_t i = 0; i < ng; i++) {
        if (goals[i].status != SUPPORT_GOAL_OPEN) continue;
        support_review_goal *g = &(*rows)[(*n)++];
        g->id = goals[i].id;
        str_copy(g->what, sizeof g->what, goals[i].what);
        str_copy(g->measure, sizeof g->measure, goals[i].measure);
        g->baseline = goals[i].has_baseline ? goals[i].baseline : NAN;
        g->target = goals[i].target;
        g->group_id = goals[i].group_id;
    }
    free(goals);
    return 0;
}
