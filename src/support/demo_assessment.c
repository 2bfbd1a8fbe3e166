/*
** support/demo_assessment.c — the demo school's needs assessments (see
** assessment.h): a believable profile for each demo case by where it
** stands (in assessment, plan agreed, monitoring, closed as returned,
** closed as left, reopened), one assessment a few days after the case
** entered the assessment state, and for the cases that went on to
** monitoring or closing a second one shortly before, with the needs
** mostly fallen.  Written through the writer the pages use, so the rows
** are sealed and audited as real ones.
*/
#include "support/assessment_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/case.h"
#include "support/demo.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LEARNING, ATTENDANCE, MENTAL, PHYSICAL, FAMILY, HOUSING, MONEY, LEGAL, LANGUAGE, DIGITAL,
       CAREER, SAFETY, SUBSTANCE, PLACEMENT };

/* One domain of a profile: ratings at the first and second assessment
** (-1 not rated / not asked), strengths and a comment. */
typedef struct demo_rating {
    int         domain;
    int         need1, own1, need2, own2;
    const char *strengths, *comment;
} demo_rating;

/* A profile: which cases it is for, its domains, the notes. */
typedef struct demo_profile {
    const char *state;     /* the case's state code; "returned"/"left" closed so; "reopened" */
    demo_rating r[8];
    const char *note1, *note2;
} demo_profile;

static const demo_profile profiles[] = {
    {"assessment",
     {{MENTAL, 2, 1, -1, -1, "Talks openly with the workshop trainer he trusts.",
       "Angry outbursts since his grandfather died in December; sleeps badly."},
      {FAMILY, 2, 2, -1, -1, "His mother comes to every meeting.",
       "Mother works two jobs; he minds his younger brothers most evenings."},
      {ATTENDANCE, 1, 0, -1, -1, "", "On time, but leaves early on Fridays."},
      {LEARNING, 1, 1, -1, -1, "Good hands; first-term practicals were among the best.", ""},
      {SAFETY, 1, -1, -1, -1, "", "One of the incidents followed name-calling in the changing room."},
      {CAREER, 0, 0, -1, -1, "Wants to be a joiner like his uncle.", ""},
      {SUBSTANCE, 0, -1, -1, -1, "", ""},
      {-1, 0, 0, 0, 0, NULL, NULL}},
     "Behaviour looks like grief and tiredness more than defiance. Plan to focus on the "
     "evenings at home and someone to talk to.", ""},
    {"plan_agreed",
     {{MONEY, 3, 3, -1, -1, "Has kept a budget since she was fourteen.",
       "Her wages from the night shifts pay part of the family's rent."},
      {PHYSICAL, 2, 1, -1, -1, "", "Four to five hours of sleep on shift nights; skips breakfast."},
      {LEARNING, 2, 2, -1, -1, "Quick at calculations; top marks in costing.",
       "Three written assignments overdue in two units."},
      {ATTENDANCE, 2, 1, -1, -1, "", "Misses the first lesson after every night shift."},
      {FAMILY, 1, 0, -1, -1, "Close to her younger sister.", "Her uncle expects her in the shop."},
      {CAREER, 1, 1, -1, -1, "Clear wish to run her own business one day.", ""},
      {HOUSING, 0, 0, -1, -1, "", ""},
      {-1, 0, 0, 0, 0, NULL, NULL}},
     "She sees the shifts as her duty to the family; the plan has to reduce them without "
     "losing the income (hardship fund).", ""},
    {"monitoring",
     {{FAMILY, 3, 2, 2, 2, "Still speaks warmly of his father.",
       "Rows with his father since the failed practical; stayed at a friend's twice."},
      {ATTENDANCE, 3, 1, 1, 1, "Came back every day since the mentoring started.",
       "Four days missed in two weeks."},
      {MENTAL, 2, 1, 1, 1, "Asks for help when he trusts the person.",
       "Says he feels a failure; no risk of harm found."},
      {HOUSING, 2, 0, 1, 0, "", "Back home on most nights; a room at his aunt's if needed."},
      {CAREER, 2, 2, 1, 1, "Keen on the electrical side of the trade.",
       "Talked of dropping out to work in a warehouse."},
      {LEARNING, 1, 1, 1, 0, "", "The failed practical can be retaken in June."},
      {SUBSTANCE, 1, 0, 0, 0, "", "Some weekend drinking with older friends; cut down."},
      {MONEY, 0, 0, 0, 0, "", ""}},
     "A crisis after the failed practical, at home more than at school. Mentoring and a "
     "family meeting first.",
     "Much calmer: attending, home most nights, mentoring weekly. The family still needs "
     "watching."},
    {"returned",
     {{ATTENDANCE, 3, 2, 0, 0, "Never missed the tutoring sessions.",
       "60% over the term; mornings worst."},
      {LEARNING, 3, 2, 1, 1, "Strong at practical work.", "Failed two units; retakes booked."},
      {MENTAL, 1, 0, 0, 0, "", "Low mood in January, better since she joined the football team."},
      {DIGITAL, 1, 1, 0, 0, "", "No laptop at home; uses the library now."},
      {PHYSICAL, 0, 0, 0, 0, "", ""},
      {FAMILY, 0, 0, 0, 0, "Parents very supportive.", ""},
      {-1, 0, 0, 0, 0, NULL, NULL}},
     "Mostly a learning gap that turned into avoidance. Catch-up tutoring and a loan laptop.",
     "Attendance above 95% for six weeks and both units passed on retake."},
    {"left",
     {{PLACEMENT, 3, 3, 1, 1, "The firm praised his reliability.",
       "The placement ended when the firm lost a contract; nothing found since."},
      {CAREER, 3, 2, 1, 0, "Knows exactly which trade he wants.",
       "Sees no point in the course without a placement."},
      {ATTENDANCE, 3, 2, 2, 2, "", "Has not come in since the placement ended."},
      {MONEY, 1, 2, 1, 1, "", "Lost the placement allowance."},
      {LEARNING, 0, 0, 0, 0, "Theory units all passed.", ""},
      {-1, 0, 0, 0, 0, NULL, NULL}},
     "The course only made sense to him with the placement; look for another one fast.",
     "An apprenticeship with a firm in another town fits him better than the course; "
     "helping him transfer his credits."},
    {"reopened",
     {{HOUSING, 3, 3, 1, 1, "Found the youth housing office herself.",
       "Moved out after rows at home; sofa-surfing with friends."},
      {MONEY, 2, 2, 1, 1, "Works Saturdays in a bakery.", "No deposit for a room."},
      {LEARNING, 2, 1, 1, 1, "", "Results fell from B to D average this term."},
      {ATTENDANCE, 2, 1, 1, 0, "", "Late most days; long journeys from where she stays."},
      {MENTAL, 1, 0, 1, 0, "Good friends around her.", "Tired and worried, not low."},
      {FAMILY, 1, 2, 1, 2, "", "She rates this higher than we do: no contact with her mother."},
      {-1, 0, 0, 0, 0, NULL, NULL}},
     "Housing drives everything else. Referral to the youth housing office and the hardship "
     "fund for a deposit.",
     "A room in supported housing since last month; results back to her average."},
};

/* One demo case as read back. */
typedef struct demo_target {
    int64_t id;
    char    profile[16];
    int32_t assessed_ago;   /* day of the first assessment */
    int32_t second_ago;     /* day of the second; 0 none */
} demo_target;

/* The profile of a state code, or NULL. */
static const demo_profile *profile_of(const char *state) {
    for (size_t i = 0; i < sizeof profiles / sizeof *profiles; i++)
        if (!strcmp(profiles[i].state, state)) return &profiles[i];
    return NULL;
}

/* The demo's cases that entered the assessment state (case_id only, or
** all when 0), with the days to assess them on (after entering it; the
** second a little before the case's last step).  Malloc'd into *out. */
static int targets_read(store *st, int64_t inst, int64_t case_id, int32_t today,
                        demo_target **out, size_t *n, cairn_err *err) {
    store_stmt *q = store_prepare(st,
        "SELECT c.id, c.state, coalesce(c.outcome, ''),"
        " (SELECT min(h.at) FROM case_history h WHERE h.institution_id = c.institution_id"
        "  AND h.case_id = c.id AND h.kind = 'step' AND h.to_value = 'assessment'),"
        " (SELECT max(h.at) FROM case_history h WHERE h.institution_id = c.institution_id"
        "  AND h.case_id = c.id AND h.kind = 'step' AND (h.to_value = 'monitoring' OR h.to_value LIKE 'closed%')),"
        " (SELECT count(*) FROM case_history h WHERE h.institution_id = c.institution_id"
        "  AND h.case_id = c.id AND h.kind = 'step' AND h.to_value LIKE 'closed%')"
        " FROM support_case c WHERE c.institution_id = ? AND (? = 0 OR c.id = ?)"
        " ORDER BY c.id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    store_bind_int64(q, 3, case_id);
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        const char *state = store_col_text(q, 1), *outcome = store_col_text(q, 2);
        const char *entered = store_col_text(q, 3), *last = store_col_text(q, 4);
        int32_t e, l = 0;
        if (!entered || strlen(entered) < 10 || date_parse(entered, 10, &e) < 0) continue;
        if (last && strlen(last) >= 10 && date_parse(last, 10, &l) < 0) l = 0;
        demo_target t = {store_col_int64(q, 0), "", 0, 0};
        const char *p = !strcmp(state, "closed") ? outcome
                      : !strcmp(state, "open") && store_col_int64(q, 5) ? "reopened" : state;
        str_copy(t.profile, sizeof t.profile, p);
        if (!profile_of(t.profile)) continue;
        t.assessed_ago = today - e - 4 > 0 ? today - e - 4 : 1;   /* four days after */
        if (!strcmp(state, "monitoring")) t.second_ago = 10;
        else if (l && (today - l) + 3 < t.assessed_ago) t.second_ago = today - l + 3;
        *out = xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] = t;
    }
    store_finalize(q);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* Write one assessment of profile p (second: 0 first, 1 second) on case
** id, days_ago before today. */
static int demo_write(store *st, int64_t inst, int64_t account, int64_t id,
                      const demo_profile *p, int second, int32_t today, int days_ago,
                      cairn_err *err) {
    support_assessment_spec s;
    memset(&s, 0, sizeof s);
    s.assessed_on = today - days_ago;
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) s.need[d] = s.own[d] = SUPPORT_ASSESSMENT_UNSET;
    for (size_t i = 0; i < sizeof p->r / sizeof *p->r && p->r[i].domain >= 0; i++) {
        const demo_rating *r = &p->r[i];
        if (r->strengths == NULL) break;
        s.need[r->domain] = second ? r->need2 : r->need1;
        s.own[r->domain] = second ? r->own2 : r->own1;
        s.strengths[r->domain] = r->strengths;
        s.comment[r->domain] = r->comment;   /* kept, as the form fills it in */
    }
    s.note = second ? p->note2 : p->note1;
    char at[32], day[DATE_TEXT_LEN];
    date_format(s.assessed_on, day);
    snprintf(at, sizeof at, "%sT15:00:00Z", day);
    support_assessment_problem prob;
    int dom;
    int rc = assessment_add(st, inst, account, SUPPORT_CASE_REL_KEY_WORKER, id, &s, at, 1, NULL,
                            &prob, &dom, err);
    return rc > 0 ? err_set(err, CAIRN_EINVAL, "demo assessment: %s", err->msg) : rc;
}

/* Write the assessments of the demo targets t[0..k) (see below). */
static int targets_write(store *st, int64_t inst, int64_t account, const demo_target *t,
                         size_t k, int32_t today, int *n, cairn_err *err) {
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < k; i++) {
        const demo_profile *p = profile_of(t[i].profile);
        rc = demo_write(st, inst, account, t[i].id, p, 0, today, t[i].assessed_ago, err);
        if (rc == 0) (*n)++;
        if (rc == 0 && t[i].second_ago > 0) {
            rc = demo_write(st, inst, account, t[i].id, p, 1, today, t[i].second_ago, err);
            if (rc == 0) (*n)++;
        }
    }
    return rc < 0 ? -1 : rc;
}

/* Assess one demo case as its state's profile says (see assessment.h). */
int support_demo_case_assessments(store *st, int64_t inst, int64_t account, int64_t case_id,
                                  int *n, cairn_err *err) {
    demo_target *t = NULL;
    size_t k = 0;
    int32_t today = date_today();
    *n = 0;
    if (targets_read(st, inst, case_id, today, &t, &k, err) < 0) return -1;
    int rc = targets_write(st, inst, account, t, k, today, n, err);
    free(t);
    return rc;
}

/* Make the demo assessments (see assessment.h). */
int support_demo_assessments(store *st, int64_t inst, int64_t kw_account, int *n,
                             cairn_err *err) {
    *n = 0;
    int64_t have = 0;
    if (store_query_int64(st, "SELECT count(*) FROM case_assessment", -1, &have, err) < 0)
        return -1;
    if (have) return 0;   /* made before: leave them */
    demo_target *t = NULL;
    size_t k = 0;
    int32_t today = date_today();
    if (targets_read(st, inst, 0, today, &t, &k, err) < 0) return -1;
    int rc = targets_write(st, inst, kw_account, t, k, today, n, err);
    free(t);
    return rc;
}
