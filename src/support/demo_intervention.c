/*
** support/demo_intervention.c — the demo school's interventions (see
** support/demo.h): the starter catalogue and four runs with sessions and
** attendance, so that every intervention page has something to show:
**
**   tutoring in small groups   delivered by the demo teacher to 12 learners
**                              of their groups, ended two weeks ago: an
**                              effect table with figures (12 >= 10);
**   social and emotional learning  delivered by the demo key worker to
**                              their caseload (up to 8), ended: the effect
**                              withheld (a small group);
**   mentoring                  individual runs for three of the caseload,
**                              halfway: "read after its last day";
**   career guidance            started two weeks ago for the caseload.
**
** Deterministic: attendance at sessions comes from a fixed hash of the
** participant and the session.  Runs once: nothing is done when the
** institution has a run already.
*/
#include "support/demo.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/intervention.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_IV_MAX 12

/* The staff linked to the first enabled account holding role (0 = none). */
static int staff_of_role(store *st, int64_t inst, const char *role, int64_t *staff,
                         cairn_err *err) {
    *staff = 0;
    store_stmt *s = store_prepare(st,
        "SELECT a.person_id FROM account a JOIN account_role r ON r.account_id = a.id"
        " AND r.institution_id = a.institution_id WHERE a.institution_id = ?"
        " AND a.person_kind = 'staff' AND a.disabled = 0 AND r.role = ? ORDER BY a.id LIMIT 1",
        err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_text(s, 2, role, (size_t)-1);
    int rc = store_step(s, err);
    if (rc == STORE_ROW) *staff = store_col_int64(s, 0);
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* Up to max refs of learners for staff: as key worker (caseload) or as
** teacher (their groups' active learners). */
static int learners_of(store *st, int64_t inst, int64_t staff, int caseload,
                       char refs[][65], int max, int *n, cairn_err *err) {
    *n = 0;
    store_stmt *s = store_prepare(st, caseload
        ? "SELECT l.ref FROM support_assignment a JOIN learner l ON l.institution_id ="
          " a.institution_id AND l.id = a.learner_id WHERE a.institution_id = ?"
          " AND a.staff_id = ? AND a.ended_at IS NULL ORDER BY l.id"
        : "SELECT DISTINCT l.ref, l.id FROM group_staff g JOIN enrolment e"
          " ON e.institution_id = g.institution_id AND e.group_id = g.group_id"
          " JOIN learner l ON l.institution_id = e.institution_id AND l.id = e.learner_id"
          " WHERE g.institution_id = ? AND g.staff_id = ? AND g.role <> 'key_worker'"
          " AND e.status = 'active' ORDER BY l.id", err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    store_bind_int64(s, 2, staff);
    int rc = STORE_DONE;
    while (*n < max && (rc = store_step(s, err)) == STORE_ROW)
        str_copy(refs[(*n)++], 65, store_col_text(s, 0));
    store_finalize(s);
    return *n < max && rc < 0 ? -1 : 0;
}

/* The catalogue entry called name (0 = none). */
static int64_t entry_id(store *st, int64_t inst, const char *name, cairn_err *err) {
    intervention *rows = NULL;
    size_t n = 0;
    int64_t id = 0;
    if (intervention_list(st, inst, &rows, &n, err) < 0) return -1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].name, name)) id = rows[i].id;
    free(rows);
    return id;
}

/* A fixed hash of two numbers, 0..99. */
static unsigned demo_pct(int64_t a, int64_t b) {
    unsigned long long x = (unsigned long long)a * 0x9E3779B97F4A7C15ULL ^
                           (unsigned long long)b * 0xC2B2AE3D27D4EB4FULL;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 32;
    return (unsigned)(x % 100);
}

/* One run of entry name: refs[0..n) join on start; sessions on weekdays
** (Monday 0 .. Friday 4) in days[0..ndays) every week from start until its
** last day or the day before today (the demo school's last day).  0 or -1. */
static int demo_run(store *st, int64_t inst, int64_t account, const char *name,
                    const char *mode, const char *label, int32_t start, int32_t today,
                    int64_t deliverer,
                    char refs[][65], int n, const int *days, int ndays, int minutes,
                    cairn_err *err) {
    int64_t iv = entry_id(st, inst, name, err), run = 0;
    if (iv < 0) return -1;
    if (iv == 0 || n == 0 || deliverer == 0) return 0;   /* renamed, or nobody */
    intervention e;
    if (intervention_get(st, inst, iv, &e, err) <= 0) return -1;
    char day[DATE_TEXT_LEN], who[32], mins[16];
    date_format(start, day);
    snprintf(who, sizeof who, "%lld", (long long)deliverer);
    snprintf(mins, sizeof mins, "%d", minutes);
    const char *in[IV_R_COUNT] = {mode, label, day, who};
    intervention_problem prob[IV_R_COUNT], q;
    if (intervention_run_start(st, inst, account, iv, in, &run, prob, err) != 0) return -1;
    for (int i = 0; i < n; i++)
        if (intervention_participant_add(st, inst, account, run, refs[i], NULL, 0, NULL, &q, err) < 0)
            return -1;
    intervention_participant *parts = NULL;
    size_t np = 0;
    if (intervention_participants(st, inst, run, &parts, &np, err) < 0) return -1;
    int32_t last = start + 7 * e.duration_weeks - 1, yesterday = today - 1;
    int rc = 0;
    store_stmt *term = store_prepare(st, "SELECT count(*) FROM term WHERE institution_id = ?"
                                         " AND start_date <= ? AND end_date >= ?", err);
    if (!term) {
        free(parts);
        return -1;
    }
    for (int32_t d = start; rc == 0 && d <= last && d <= yesterday; d++) {
        int wd = date_weekday(d), held = 0;
        for (int k = 0; k < ndays; k++) held |= days[k] == wd;
        if (!held) continue;
        char t[DATE_TEXT_LEN];                        /* school holidays: no session */
        date_format(d, t);
        store_bind_int64(term, 1, inst);
        store_bind_text(term, 2, t, (size_t)-1);
        store_bind_text(term, 3, t, (size_t)-1);
        if (store_step(term, err) != STORE_ROW) {
            rc = -1;
            break;
        }
        if (store_col_int64(term, 0) == 0) continue;
        int64_t came[DEMO_IV_MAX];
        size_t nc = 0;
        for (size_t p = 0; p < np && nc < DEMO_IV_MAX; p++)
            if (demo_pct(parts[p].learner_id, d) < 84) came[nc++] = parts[p].id;
        char held_on[DATE_TEXT_LEN];
        date_format(d, held_on);
        int field;
        if (intervention_session_record(st, inst, account, run, held_on, mins, came, nc, NULL, &q,
                                        &field, err) < 0)
            rc = -1;
    }
    store_finalize(term);
    free(parts);
    return rc;
}

/* The demo school's own "today": its last day of attendance (else today;
** see demo.h). */
int support_demo_school_today(store *st, int64_t inst, int32_t *today, cairn_err *err) {
    *today = date_today();
    store_stmt *q = store_prepare(st, "SELECT max(date) FROM attendance WHERE institution_id = ?",
                                  err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    if (store_step(q, err) == STORE_ROW && store_col_text(q, 0) &&
        strlen(store_col_text(q, 0)) == 10)
        date_parse(store_col_text(q, 0), 10, today);
    store_finalize(q);
    return 0;
}

/* The runs of key worker kw's caseload (see demo.h): the caseload group
** and one mentoring run. */
int support_demo_caseload_interventions(store *st, int64_t institution_id, int64_t account_id,
                                        int64_t kw, int32_t today, cairn_err *err) {
    char caseload[DEMO_IV_MAX][65];
    int nk = 0;
    if (intervention_starter_ensure(st, institution_id, NULL, err) < 0 ||
        learners_of(st, institution_id, kw, 1, caseload, DEMO_IV_MAX, &nk, err) < 0)
        return -1;
    int32_t monday = today - date_weekday(today);
    static const int tue[] = {1}, thu[] = {3};
    if (demo_run(st, institution_id, account_id, "Social and emotional learning", "group",
                 "Caseload group", monday - 7 * 13, today, kw, caseload, nk, tue, 1, 45, err) < 0)
        return -1;
    return nk ? demo_run(st, institution_id, account_id, "Mentoring", "individual", "",
                         monday - 7 * 5, today, kw, caseload, 1, thu, 1, 45, err)
              : 0;
}

/* The demo interventions (see demo.h). */
int support_demo_interventions(store *st, int64_t institution_id, int64_t account_id,
                               int *runs, cairn_err *err) {
    int64_t have = 0, kw = 0, teacher = 0;
    *runs = 0;
    if (intervention_starter_ensure(st, institution_id, NULL, err) < 0 ||
        store_query_int64(st, "SELECT count(*) FROM intervention_run WHERE institution_id = ?",
                          institution_id, &have, err) < 0)
        return -1;
    if (have) return 0;
    if (staff_of_role(st, institution_id, "key_worker", &kw, err) < 0 ||
        staff_of_role(st, institution_id, "teacher", &teacher, err) < 0)
        return -1;
    char caseload[DEMO_IV_MAX][65], pupils[DEMO_IV_MAX][65];
    int nk = 0, nt = 0;
    if (kw && learners_of(st, institution_id, kw, 1, caseload, 8, &nk, err) < 0) return -1;
    if (teacher && learners_of(st, institution_id, teacher, 0, pupils, 12, &nt, err) < 0)
        return -1;
    int32_t today;
    if (support_demo_school_today(st, institution_id, &today, err) < 0) return -1;
    int32_t monday = today - date_weekday(today);
    static const int mwf[] = {0, 2, 4}, tue[] = {1}, thu[] = {3};
    if (demo_run(st, institution_id, account_id, "Tutoring in small groups", "group",
                 "Maths catch-up, Monday-Wednesday-Friday", monday - 7 * 12, today, teacher, pupils, nt,
                 mwf, 3, 40, err) < 0 ||
        demo_run(st, institution_id, account_id, "Social and emotional learning", "group",
                 "Caseload group", monday - 7 * 13, today, kw, caseload, nk, tue, 1, 45, err) < 0 ||
        demo_run(st, institution_id, account_id, "Career guidance", "group", "",
                 monday - 7 * 2, today, kw, caseload, nk, thu, 1, 45, err) < 0)
        return -1;
    for (int i = 0; i < 3 && i < nk; i++)
        if (demo_run(st, institution_id, account_id, "Mentoring", "individual", "",
                     monday - 7 * 5 + i, today, kw, &caseload[i], 1, thu, 1, 45, err) < 0)
            return -1;
    return store_query_int64(st, "SELECT count(*) FROM intervention_run WHERE institution_id = ?",
                             institution_id, &have, err) < 0
               ? -1
               : (*runs = (int)have, 0);
}
