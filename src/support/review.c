/*
** support/review.c — the words of reviews, their cadence and the pure
** suggestion of a tier change (see review.h).
*/
#include "support/review.h"
#include "base/date.h"
#include "support/setting.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const decision_codes[SUPPORT_REVIEW_DECISION_COUNT] = {
    "continue", "change_plan", "step_down", "step_up", "close"};
static const char *const decision_names[SUPPORT_REVIEW_DECISION_COUNT] = {
    "Continue as planned", "Change the plan", "Step the tier down", "Step the tier up",
    "Close the case"};

/* The code of a decision (see review.h). */
const char *support_review_decision_code(int d) {
    return d >= 0 && d < SUPPORT_REVIEW_DECISION_COUNT ? decision_codes[d] : NULL;
}

/* The English name of a decision (see review.h). */
const char *support_review_decision_name(int d) {
    return d >= 0 && d < SUPPORT_REVIEW_DECISION_COUNT ? decision_names[d] : NULL;
}

/* The decision of a code, or -1 (see review.h). */
int support_review_decision_parse(const char *code) {
    for (int d = 0; code && d < SUPPORT_REVIEW_DECISION_COUNT; d++)
        if (!strcmp(code, decision_codes[d])) return d;
    return -1;
}

/* The field of a problem (see review.h). */
const char *support_review_problem_field(support_review_problem p) {
    switch (p) {
    case SUPPORT_REVIEW_DAY_BAD: return "reviewed_on";
    case SUPPORT_REVIEW_NEXT_BAD: return "next_on";
    case SUPPORT_REVIEW_DECISION_BAD: return "decision";
    case SUPPORT_REVIEW_CHANGED_BAD: return "changed";
    case SUPPORT_REVIEW_GOAL_BAD:
    case SUPPORT_REVIEW_VALUE_BAD: return "progress";
    default: return "";
    }
}

/* The English sentence of a problem (see review.h). */
const char *support_review_problem_text(support_review_problem p) {
    switch (p) {
    case SUPPORT_REVIEW_OK: return "";
    case SUPPORT_REVIEW_NOT_YOURS:
        return "Only the key worker and the team record reviews of this case.";
    case SUPPORT_REVIEW_NOT_NOW:
        return "A review needs an agreed plan: this case has none, or is closed.";
    case SUPPORT_REVIEW_DAY_BAD:
        return "Give the day of the review: not after today, not before the case opened.";
    case SUPPORT_REVIEW_NEXT_BAD:
        return "The next review must be after this review, and within a year.";
    case SUPPORT_REVIEW_DECISION_BAD: return "Choose a decision from the list.";
    case SUPPORT_REVIEW_CHANGED_BAD:
        return "What changed is too long (at most 2,000 characters) or holds characters that "
               "cannot be stored. Please type it again.";
    case SUPPORT_REVIEW_GOAL_BAD: return "A progress value names a goal that is not open in this case.";
    case SUPPORT_REVIEW_VALUE_BAD: return "Give each goal's progress as a number.";
    }
    return "";
}

/* ---- the cadence --------------------------------------------------------------- */

/* The end of the term that holds day or comes next, within a year of day,
** into *end (0 none). */
static int term_end_after(store *st, int64_t inst, int32_t day, int32_t *end, cairn_err *err) {
    *end = 0;
    char a[DATE_TEXT_LEN], b[DATE_TEXT_LEN];
    date_format(day, a);
    date_format(day + SUPPORT_REVIEW_NEXT_MAX_DAYS, b);
    store_stmt *q = store_prepare(st, "SELECT min(end_date) FROM term WHERE institution_id = ?"
                                      " AND end_date > ? AND end_date <= ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_text(q, 2, a, (size_t)-1);
    store_bind_text(q, 3, b, (size_t)-1);
    int rc = store_step(q, err);
    const char *e = rc == STORE_ROW && !store_col_is_null(q, 0) ? store_col_text(q, 0) : NULL;
    if (e && date_parse(e, strlen(e), end) < 0) *end = 0;
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The day the next review is due (see review.h). */
int support_review_due(store *st, int64_t inst, int tier, int32_t day, int32_t *due,
                       cairn_err *err) {
    int64_t days = 0;
    *due = day + 7;
    if (tier >= 2) {
        if (support_setting_get(st, inst, SUPPORT_REVIEW_DAYS_INDIVIDUAL, &days, err) < 0)
            return -1;
    } else if (tier == 1) {
        if (support_setting_get(st, inst, SUPPORT_REVIEW_DAYS_SELECTIVE, &days, err) < 0)
            return -1;
    } else {
        int32_t end;
        if (term_end_after(st, inst, day, &end, err) < 0) return -1;
        if (end > day) {
            *due = end;
            return 0;
        }
        if (support_setting_get(st, inst, SUPPORT_REVIEW_DAYS_UNIVERSAL, &days, err) < 0)
            return -1;
    }
    *due = day + (int32_t)(days > 0 ? days : 1);
    return 0;
}

/* ---- the suggestion ---------------------------------------------------------------- */

/* The trend of one goal (see review.h). */
support_review_trend support_review_goal_trend(double baseline, double target,
                                               const double *values, size_t n) {
    assert(values || !n);
    double last[SUPPORT_REVIEW_MIN_POINTS];   /* the latest points, newest last */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i])) continue;
        if (k == SUPPORT_REVIEW_MIN_POINTS) {
            memmove(last, last + 1, (SUPPORT_REVIEW_MIN_POINTS - 1) * sizeof *last);
            k--;
        }
        last[k++] = values[i];
    }
    size_t points = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(values[i]) && isnan(baseline)) baseline = values[i];
        points += !isnan(values[i]);
    }
    if (points < SUPPORT_REVIEW_MIN_POINTS) return SUPPORT_TREND_TOO_FEW;
    int dir = target > baseline ? 1 : target < baseline ? -1 : 0;
    double now = last[k - 1], before = last[0];
    if (dir == 0) return now == target ? SUPPORT_TREND_ACHIEVED : SUPPORT_TREND_NOT_MOVING;
    if (dir * (now - target) >= 0) return SUPPORT_TREND_ACHIEVED;
    if (dir * (now - before) > 0) return SUPPORT_TREND_ON_TRACK;
    return SUPPORT_TREND_NOT_MOVING;
}

/* The suggestion from every goal (see review.h). */
void support_review_suggest(const support_review_goal_points *goals, size_t n,
                            support_review_suggestion *out) {
    assert(goals || !n);
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        switch (support_review_goal_trend(goals[i].baseline, goals[i].target, goals[i].values,
                                          goals[i].n)) {
        case SUPPORT_TREND_TOO_FEW: continue;
        case SUPPORT_TREND_ACHIEVED: out->achieved++; break;
        case SUPPORT_TREND_ON_TRACK: out->on_track++; break;
        case SUPPORT_TREND_NOT_MOVING:
            if (!out->stuck) out->first_stuck = i;
            out->stuck++;
            break;
        }
        out->counted++;
    }
    if (!n) {
        out->verdict = SUPPORT_SUGGEST_NO_GOALS;
        out->reason = "The case has no goal with a measure yet: nothing to suggest.";
    } else if (!out->counted) {
        out->verdict = SUPPORT_SUGGEST_TOO_FEW;
        out->reason = "Not enough points yet: a change of tier is suggested only after at least "
                      "four progress points of a goal.";
    } else if (out->stuck) {
        out->verdict = SUPPORT_SUGGEST_STEP_UP;
        out->reason = "Not moving: %T of %T goals with at least four progress points are not at "
                      "their target and have not moved toward it over the last four points.";
    } else {
        out->verdict = SUPPORT_SUGGEST_STEP_DOWN;
        out->reason = "On track: of %T goals with at least four progress points, %T are at or "
                      "past their target and %T are moving toward it over the last four points.";
    }
}

/* The reason in English with its numbers (see review.h). */
void support_review_reason_text(const support_review_suggestion *s, buf *out) {
    char a[24], b[24], c[24];
    const char *fmt = s->reason ? s->reason : "";
    if (s->verdict == SUPPORT_SUGGEST_STEP_UP) {
        snprintf(a, sizeof a, "%zu", s->stuck);
        snprintf(b, sizeof b, "%zu", s->counted);
        c[0] = 0;
    } else {
        snprintf(a, sizeof a, "%zu", s->counted);
        snprintf(b, sizeof b, "%zu", s->achieved);
        snprintf(c, sizeof c, "%zu", s->on_track);
    }
    const char *args[3] = {a, b, c};
    int k = 0;
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && p[1] == 'T' && k < 3) {
            buf_puts(out, args[k++]);
            p++;
        } else {
            buf_putc(out, *p);
        }
    }
}
