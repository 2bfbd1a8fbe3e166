/*
** support/plan_write.c — the writers of plans and goals (see plan.h):
** adding and editing a goal (every field checked, nothing written when one
** is refused), marking it achieved or dropped, reasons for "not now", the
** learning plan's recovery note.  Each runs in one write transaction with
** its audit event.
*/
#include "support/plan.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "support/case_internal.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set *problem and err to p; returns 1. */
static int refuse(support_plan_problem p, support_plan_problem *problem, cairn_err *err) {
    if (problem) *problem = p;
    err_set(err, CAIRN_EINVAL, "%s", support_plan_problem_text(p));
    return 1;
}

/* Check free text as case reasons are checked, at most max characters,
** into out (cap bytes).  0 fine (maybe empty), 1 too long or bad. */
static int text_check(const char *in, size_t max, char *out, size_t cap) {
    char *t = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_problem p;
    int bad = support_case_reason_check(in ? in : "", t, &p);
    size_t chars = 0;
    for (const unsigned char *c = (const unsigned char *)t; !bad && *c; c++)
        chars += (*c & 0xC0) != 0x80;
    if (!bad && (chars > max || strlen(t) >= cap)) bad = 1;
    str_copy(out, cap, bad ? "" : t);
    free(t);
    return bad;
}

/* Parse a number ("9", "9.5", "9,5"): 0 and *v, 1 empty, -1 not a number. */
static int number_parse(const char *s, double *v) {
    while (s && (*s == ' ' || *s == '\t')) s++;
    if (!s || !*s) return 1;
    char tmp[32];
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n >= sizeof tmp) return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    for (char *c = tmp; *c; c++)
        if (*c == ',') *c = '.';
    char *end = NULL;
    *v = strtod(tmp, &end);
    if (!end || *end || end == tmp || !isfinite(*v) || fabs(*v) > 1e9) return -1;
    return 0;
}

/* Begin the writer's transaction and check the case: 0 go on (learner
** filled; now the time of the change, at or else the clock's), 1 refused,
** -1 error; rolled back unless 0. */
static int case_begin(store *st, int64_t inst, unsigned view, int64_t case_id, const char *at,
                      char now[32], int64_t *learner, support_plan_problem *problem,
                      cairn_err *err) {
    if (at) str_copy(now, 32, at);
    else date_now_iso(now);
    if (!(view & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)) ||
        (view & SUPPORT_GOAL_TEACHING_ONLY))
        return refuse(SUPPORT_PLAN_NOT_YOURS, problem, err);
    if (case_tx_begin(st, inst, err) < 0) return -1;
    int state, tier;
    int64_t kw;
    if (case_state_get(st, inst, case_id, &state, &tier, &kw, learner, err) < 0)
        return case_tx_fail(st, -1);
    if (state == SUPPORT_CASE_CLOSED)
        return case_tx_fail(st, refuse(SUPPORT_PLAN_CASE_CLOSED, problem, err));
    return 0;
}

/* Check spec into *g (in the transaction; old is the goal edited or
** NULL).  0 fine, 1 refused, -1 error. */
static int spec_check(store *st, int64_t inst, int64_t case_id, unsigned view,
                      const support_goal_spec *spec, const support_goal *old, int32_t today,
                      support_goal *g, support_plan_problem *problem, cairn_err *err) {
    memset(g, 0, sizeof *g);
    g->plan = support_plan_kind_parse(spec->plan);
    if (g->plan < 0) return refuse(SUPPORT_PLAN_KIND_BAD, problem, err);
    if (g->plan == SUPPORT_PLAN_HEALTH && !(view & SUPPORT_GOAL_SEES_HEALTH))
        return refuse(SUPPORT_PLAN_NOT_YOURS, problem, err);
    g->domain = support_domain_find(spec->domain);
    if (g->domain < 0) return refuse(SUPPORT_PLAN_DOMAIN_BAD, problem, err);
    if (text_check(spec->what, SUPPORT_GOAL_TEXT_MAX, g->what, sizeof g->what))
        return refuse(SUPPORT_PLAN_WHAT_BAD, problem, err);
    if (!g->what[0]) return refuse(SUPPORT_PLAN_WHAT_MISSING, problem, err);
    if (text_check(spec->measure, SUPPORT_GOAL_SHORT_MAX, g->measure, sizeof g->measure))
        return refuse(SUPPORT_PLAN_MEASURE_BAD, problem, err);
    if (!g->measure[0]) return refuse(SUPPORT_PLAN_MEASURE_MISSING, problem, err);
    int b = number_parse(spec->baseline, &g->baseline);
    if (b < 0) return refuse(SUPPORT_PLAN_BASELINE_BAD, problem, err);
    g->has_baseline = b == 0;
    int t = number_parse(spec->target, &g->target);
    if (t > 0) return refuse(SUPPORT_PLAN_TARGET_MISSING, problem, err);
    if (t < 0) return refuse(SUPPORT_PLAN_TARGET_BAD, problem, err);
    if (!spec->due_on || !*spec->due_on) return refuse(SUPPORT_PLAN_DUE_MISSING, problem, err);
    if (date_parse(spec->due_on, strlen(spec->due_on), &g->due_on) < 0)
        return refuse(SUPPORT_PLAN_DUE_BAD, problem, err);
    if (g->due_on < today && !(old && old->due_on == g->due_on))
        return refuse(SUPPORT_PLAN_DUE_PAST, problem, err);
    if (text_check(spec->learner_step, SUPPORT_GOAL_TEXT_MAX, g->learner_step,
                   sizeof g->learner_step))
        return refuse(SUPPORT_PLAN_STEP_BAD, problem, err);
    if (text_check(spec->support, SUPPORT_GOAL_TEXT_MAX, g->support, sizeof g->support))
        return refuse(SUPPORT_PLAN_SUPPORT_BAD, problem, err);
    g->helper_staff_id = spec->helper_staff_id > 0 ? spec->helper_staff_id : 0;
    if (spec->helper_staff_id < 0) return refuse(SUPPORT_PLAN_HELPER_BAD, problem, err);
    if (g->helper_staff_id) {
        unsigned rel = 0;
        if (support_case_relation(st, inst, case_id, g->helper_staff_id, &rel, err) < 0) return -1;
        if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)))
            return refuse(SUPPORT_PLAN_HELPER_BAD, problem, err);
    } else if (text_check(spec->helper_text, SUPPORT_GOAL_SHORT_MAX, g->helper, sizeof g->helper)) {
        return refuse(SUPPORT_PLAN_HELPER_BAD, problem, err);
    }
    if (spec->group_id < 0) return refuse(SUPPORT_PLAN_GROUP_BAD, problem, err);
    if (spec->group_id > 0) {
        int64_t n = 0;
        store_stmt *q = store_prepare(st, "SELECT count(*) FROM class_group"
                                          " WHERE institution_id = ? AND id = ?", err);
        if (!q) return -1;
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, spec->group_id);
        int rc = store_step(q, err);
        if (rc == STORE_ROW) n = store_col_int64(q, 0);
        store_finalize(q);
        if (rc < 0) return -1;
        if (!n) return refuse(SUPPORT_PLAN_GROUP_BAD, problem, err);
        g->group_id = spec->group_id;
    }
    return 0;
}

/* Seal plain into out (cleared first); "" stays "".  0 or -1. */
static int seal(store *st, int64_t inst, const char *plain, buf *out, cairn_err *err) {
    buf_reset(out);
    if (!plain[0]) return 0;
    return support_case_text_seal(st, inst, plain, out, err);
}

/* Write goal g (id g->id) as a new row or over the old one. */
static int goal_write(store *st, int64_t inst, int64_t case_id, int64_t account_id,
                      const support_goal *g, int is_new, const char *now, cairn_err *err) {
    buf what = BUF_INIT, step = BUF_INIT, sup = BUF_INIT, helper = BUF_INIT;   /* stored text */
    int rc = -1;
    char due[DATE_TEXT_LEN];
    date_format(g->due_on, due);
    if (seal(st, inst, g->what, &what, err) < 0 || seal(st, inst, g->learner_step, &step, err) < 0 ||
        seal(st, inst, g->support, &sup, err) < 0 ||
        seal(st, inst, g->helper_staff_id ? "" : g->helper, &helper, err) < 0)
        goto out;
    store_stmt *q = store_prepare(st, is_new
        ? "INSERT INTO support_goal (plan, domain, what, measure, baseline, target, due_on,"
          " learner_step, support, helper_staff_id, helper_text, group_id, updated_by,"
          " updated_at, created_by, created_at, institution_id, id, case_id)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        : "UPDATE support_goal SET plan = ?, domain = ?, what = ?, measure = ?, baseline = ?,"
          " target = ?, due_on = ?, learner_step = ?, support = ?, helper_staff_id = ?,"
          " helper_text = ?, group_id = ?, updated_by = ?, updated_at = ?"
          " WHERE institution_id = ? AND id = ? AND case_id = ?", err);
    if (!q) goto out;
    int k = 1;
    store_bind_text(q, k++, support_plan_kind_code(g->plan), (size_t)-1);
    store_bind_text(q, k++, support_domain_code(g->domain), (size_t)-1);
    store_bind_text(q, k++, buf_cstr(&what), (size_t)-1);
    store_bind_text(q, k++, g->measure, (size_t)-1);
    if (g->has_baseline) store_bind_double(q, k++, g->baseline);
    else store_bind_null(q, k++);
    store_bind_double(q, k++, g->target);
    store_bind_text(q, k++, due, (size_t)-1);
    store_bind_text(q, k++, buf_cstr(&step), (size_t)-1);
    store_bind_text(q, k++, buf_cstr(&sup), (size_t)-1);
    if (g->helper_staff_id) store_bind_int64(q, k++, g->helper_staff_id);
    else store_bind_null(q, k++);
    store_bind_text(q, k++, buf_cstr(&helper), (size_t)-1);
    if (g->group_id) store_bind_int64(q, k++, g->group_id);
    else store_bind_null(q, k++);
    store_bind_int64(q, k++, account_id);
    store_bind_text(q, k++, now, (size_t)-1);
    if (is_new) {
        store_bind_int64(q, k++, account_id);
        store_bind_text(q, k++, now, (size_t)-1);
    }
    store_bind_int64(q, k++, inst);
    store_bind_int64(q, k++, g->id);
    store_bind_int64(q, k++, case_id);
    rc = store_step(q, err) < 0 ? -1 : 0;
    store_finalize(q);
out:
    buf_free(&what);
    buf_free(&step);
    buf_free(&sup);
    buf_free(&helper);
    return rc;
}

/* Append the names of the fields that differ between old and g to out. */
static void changed_fields(const support_goal *old, const support_goal *g, buf *out) {
    struct { const char *name; int differs; } f[] = {
        {"plan", old->plan != g->plan},
        {"domain", old->domain != g->domain},
        {"what", strcmp(old->what, g->what) != 0},
        {"measure", strcmp(old->measure, g->measure) != 0},
        {"baseline", old->has_baseline != g->has_baseline ||
                         (g->has_baseline && old->baseline != g->baseline)},
        {"target", old->target != g->target},
        {"due_on", old->due_on != g->due_on},
        {"learner_step", strcmp(old->learner_step, g->learner_step) != 0},
        {"support", strcmp(old->support, g->support) != 0},
        {"helper", old->helper_staff_id != g->helper_staff_id ||
                       (!g->helper_staff_id && strcmp(old->helper, g->helper) != 0)},
        {"group_id", old->group_id != g->group_id},
    };
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (f[i].differs) buf_printf(out, "%s%s", out->len ? "," : "", f[i].name);
}

/* Read goal_id of case_id into *old (in the transaction; the writer sees
** every goal, then applies view's rules): 0 an open goal view may change,
** 1 refused (unknown to view, or closed), -1 error. */
static int goal_open_get(store *st, int64_t inst, unsigned view, int64_t case_id, int64_t goal_id,
                         support_goal *old, support_plan_problem *problem, cairn_err *err) {
    assert(old);
    int found = support_goal_get(st, inst, case_id, goal_id,
                                 SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_GOAL_SEES_HEALTH, 0, old,
                                 err);
    if (found < 0) return -1;
    if (!found || (old->plan == SUPPORT_PLAN_HEALTH && !(view & SUPPORT_GOAL_SEES_HEALTH)))
        return refuse(SUPPORT_PLAN_GOAL_UNKNOWN, problem, err);
    if (old->status != SUPPORT_GOAL_OPEN) return refuse(SUPPORT_PLAN_GOAL_CLOSED, problem, err);
    return 0;
}

/* Audit one goal event (record kind "goal") in the transaction. */
static int goal_audit(store *st, int64_t inst, int64_t account_id, int64_t learner,
                      int64_t goal_id, const char *action, const char *detail, cairn_err *err) {
    support_audit_event ev = {account_id, action, learner, "goal", goal_id, NULL, detail};
    return support_audit_record(st, inst, &ev, err);
}

/* Add or edit (see plan.h). */
static int goal_save(store *st, int64_t inst, int64_t account_id, unsigned view, int64_t case_id,
                     const support_goal_spec *spec, const char *at, int64_t *goal_id,
                     support_plan_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_PLAN_OK;
    if (goal_id) *goal_id = 0;
    char now[32];
    int64_t learner = 0;
    int rc = case_begin(st, inst, view, case_id, at, now, &learner, problem, err);
    if (rc) return rc;
    support_goal *g = xcalloc(2, sizeof *g), *old = NULL;
    buf detail = BUF_INIT;   /* not HTML: audit detail */
    if (spec->id) {
        old = &g[1];
        rc = goal_open_get(st, inst, view, case_id, spec->id, old, problem, err);
        if (rc) goto fail;
    }
    rc = spec_check(st, inst, case_id, view, spec, old, case_day_of(now), g, problem, err);
    if (rc) goto fail;
    rc = -1;
    if (old) {
        g->id = old->id;
        buf fields = BUF_INIT;   /* not HTML: field names */
        changed_fields(old, g, &fields);
        buf_printf(&detail, "goal %lld of case %lld: changed %s", (long long)g->id,
                   (long long)case_id, fields.len ? buf_cstr(&fields) : "nothing");
        buf_free(&fields);
    } else {
        if (store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM support_goal"
                                  " WHERE institution_id = ?", inst, &g->id, err) < 0)
            goto fail;
        buf_printf(&detail, "goal %lld of case %lld: %s plan, %s", (long long)g->id,
                   (long long)case_id, support_plan_kind_code(g->plan),
                   support_domain_code(g->domain));
    }
    if (goal_write(st, inst, case_id, account_id, g, !old, now, err) < 0 ||
        goal_audit(st, inst, account_id, learner, g->id, old ? "goal.edit" : "goal.add",
                   buf_cstr(&detail), err) < 0 ||
        store_tx_commit(st, err) < 0)
        goto fail;
    if (goal_id) *goal_id = g->id;
    rc = 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    buf_free(&detail);
    free(g);
    return rc;
}

/* Add a goal (see plan.h). */
int support_goal_add(store *st, int64_t inst, int64_t account_id, unsigned view, int64_t case_id,
                     const support_goal_spec *spec, const char *at, int64_t *goal_id,
                     support_plan_problem *problem, cairn_err *err) {
    support_goal_spec s = *spec;
    s.id = 0;
    return goal_save(st, inst, account_id, view, case_id, &s, at, goal_id, problem, err);
}

/* Edit a goal (see plan.h). */
int support_goal_edit(store *st, int64_t inst, int64_t account_id, unsigned view,
                      int64_t case_id, const support_goal_spec *spec, const char *at,
                      support_plan_problem *problem, cairn_err *err) {
    if (spec->id <= 0) {
        if (problem) *problem = SUPPORT_PLAN_OK;
        return refuse(SUPPORT_PLAN_GOAL_UNKNOWN, problem, err);
    }
    return goal_save(st, inst, account_id, view, case_id, spec, at, NULL, problem, err);
}

/* Mark a goal achieved or dropped (see plan.h). */
int support_goal_close(store *st, int64_t inst, int64_t account_id, unsigned view,
                       int64_t case_id, int64_t goal_id, int status, const char *reason,
                       const char *at, support_plan_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_PLAN_OK;
    if (status != SUPPORT_GOAL_ACHIEVED && status != SUPPORT_GOAL_DROPPED)
        return refuse(SUPPORT_PLAN_STATUS_BAD, problem, err);
    char *text = xmalloc(SUPPORT_GOAL_TEXT_BYTES);
    if (text_check(reason, SUPPORT_GOAL_TEXT_MAX, text, SUPPORT_GOAL_TEXT_BYTES)) {
        free(text);
        return refuse(SUPPORT_PLAN_REASON_BAD, problem, err);
    }
    if (!text[0] && status == SUPPORT_GOAL_DROPPED) {
        free(text);
        return refuse(SUPPORT_PLAN_REASON_MISSING, problem, err);
    }
    char now[32];
    int64_t learner = 0;
    int rc = case_begin(st, inst, view, case_id, at, now, &learner, problem, err);
    if (rc) {
        free(text);
        return rc;
    }
    support_goal *old = xcalloc(1, sizeof *old);
    buf sealed = BUF_INIT;   /* not HTML: stored text */
    rc = goal_open_get(st, inst, view, case_id, goal_id, old, problem, err);
    if (rc) goto fail;
    rc = -1;
    if (seal(st, inst, text, &sealed, err) < 0) goto fail;
    store_stmt *q = store_prepare(st, "UPDATE support_goal SET status = ?, status_reason = ?,"
                                      " status_at = ?, updated_by = ?, updated_at = ?"
                                      " WHERE institution_id = ? AND id = ?", err);
    if (!q) goto fail;
    store_bind_text(q, 1, support_goal_status_code(status), (size_t)-1);
    store_bind_text(q, 2, buf_cstr(&sealed), (size_t)-1);
    store_bind_text(q, 3, now, (size_t)-1);
    store_bind_int64(q, 4, account_id);
    store_bind_text(q, 5, now, (size_t)-1);
    store_bind_int64(q, 6, inst);
    store_bind_int64(q, 7, goal_id);
    int s = store_step(q, err);
    store_finalize(q);
    char detail[96];
    snprintf(detail, sizeof detail, "goal %lld of case %lld: %s", (long long)goal_id,
             (long long)case_id, support_goal_status_code(status));
    if (s < 0 || goal_audit(st, inst, account_id, learner, goal_id, "goal.close", detail, err) < 0 ||
        store_tx_commit(st, err) < 0)
        goto fail;
    rc = 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    buf_free(&sealed);
    free(old);
    free(text);
    return rc;
}

/* Step q (the writer's last statement; finalized here), audit action with
** detail about case_id and commit: 0, or -1 rolled back. */
static int plan_finish(store *st, store_stmt *q, int64_t inst, int64_t account_id,
                       int64_t learner, int64_t case_id, const char *action, const char *detail,
                       cairn_err *err) {
    assert(q && action && detail);
    int s = store_step(q, err);
    store_finalize(q);
    if (s < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id, action, NULL, detail, err) < 0 ||
        store_tx_commit(st, err) < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return 0;
}

/* Record a reason for "not now" (see plan.h). */
int support_not_now_set(store *st, int64_t inst, int64_t account_id, unsigned view,
                        int64_t case_id, const char *domain, const char *reason, const char *at,
                        support_plan_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_PLAN_OK;
    int d = support_domain_find(domain);
    if (d < 0) return refuse(SUPPORT_PLAN_DOMAIN_BAD, problem, err);
    char text[SUPPORT_GOAL_TEXT_BYTES];
    if (text_check(reason, SUPPORT_GOAL_TEXT_MAX, text, sizeof text))
        return refuse(SUPPORT_PLAN_REASON_BAD, problem, err);
    if (!text[0]) return refuse(SUPPORT_PLAN_REASON_MISSING, problem, err);
    char now[32];
    int64_t learner = 0, id = 0;
    int rc = case_begin(st, inst, view, case_id, at, now, &learner, problem, err);
    if (rc) return rc;
    buf sealed = BUF_INIT;   /* not HTML: stored text */
    rc = -1;
    store_stmt *q = store_prepare(st, "DELETE FROM support_not_now WHERE institution_id = ?"
                                      " AND case_id = ? AND domain = ?", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    store_bind_text(q, 3, support_domain_code(d), (size_t)-1);
    int s = store_step(q, err);
    store_finalize(q);
    if (s < 0 || seal(st, inst, text, &sealed, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM support_not_now"
                              " WHERE institution_id = ?", inst, &id, err) < 0)
        goto fail;
    q = store_prepare(st, "INSERT INTO support_not_now (institution_id, id, case_id, domain,"
                          " reason, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, id);
    store_bind_int64(q, 3, case_id);
    store_bind_text(q, 4, support_domain_code(d), (size_t)-1);
    store_bind_text(q, 5, buf_cstr(&sealed), (size_t)-1);
    store_bind_int64(q, 6, account_id);
    store_bind_text(q, 7, now, (size_t)-1);
    char detail[96];
    snprintf(detail, sizeof detail, "case %lld: not now for %s", (long long)case_id,
             support_domain_code(d));
    rc = plan_finish(st, q, inst, account_id, learner, case_id, "plan.not_now", detail, err);
    goto out;
fail:
    store_tx_rollback(st);
out:
    buf_free(&sealed);
    return rc;
}

/* Set the recovery note (see plan.h). */
int support_plan_recovery_set(store *st, int64_t inst, int64_t account_id, unsigned view,
                              int64_t case_id, const char *text, const char *at,
                              support_plan_problem *problem, cairn_err *err) {
    if (problem) *problem = SUPPORT_PLAN_OK;
    char *plain = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    if (text_check(text, SUPPORT_PLAN_RECOVERY_MAX, plain, SUPPORT_CASE_TEXT_BYTES)) {
        free(plain);
        return refuse(SUPPORT_PLAN_RECOVERY_BAD, problem, err);
    }
    char now[32];
    int64_t learner = 0, id = 0;
    int rc = case_begin(st, inst, view, case_id, at, now, &learner, problem, err);
    if (rc) {
        free(plain);
        return rc;
    }
    buf sealed = BUF_INIT;   /* not HTML: stored text */
    rc = -1;
    if (seal(st, inst, plain, &sealed, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM support_plan"
                              " WHERE institution_id = ?", inst, &id, err) < 0)
        goto fail;
    store_stmt *q = store_prepare(st, "INSERT INTO support_plan (institution_id, id, case_id,"
                                      " kind, recovery, created_by, created_at, updated_at)"
                                      " VALUES (?, ?, ?, 'learning', ?, ?, ?, ?)"
                                      " ON CONFLICT (institution_id, case_id, kind) DO UPDATE"
                                      " SET recovery = excluded.recovery,"
                                      " updated_at = excluded.updated_at", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, id);
    store_bind_int64(q, 3, case_id);
    store_bind_text(q, 4, buf_cstr(&sealed), (size_t)-1);
    store_bind_int64(q, 5, account_id);
    store_bind_text(q, 6, now, (size_t)-1);
    store_bind_text(q, 7, now, (size_t)-1);
    char detail[64];
    snprintf(detail, sizeof detail, "case %lld: learning plan recovery", (long long)case_id);
    rc = plan_finish(st, q, inst, account_id, learner, case_id, "plan.recovery", detail, err);
    goto out;
fail:
    store_tx_rollback(st);
out:
    buf_free(&sealed);
    free(plain);
    return rc;
}
