/*
** support/retention.c — retention rules and their run (see retention.h).
*/
#include "support/retention.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "support/setting.h"
#include "support/subject.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One rule: its name (setting "retention.NAME"), what it removes, and either
** SQL (count, then delete statements; parameters: institution, cut-off day)
** or NULL for the departed learners, who are erased one by one. */
typedef struct retention_rule {
    const char *name, *what;
    const char *count_sql;
    const char *delete_sql[3];
} retention_rule;

static const retention_rule rules[] = {
    {"learner_departed", "learners anonymised whose last enrolment ended",
     NULL, {NULL}},
    {"score", "risk scores of days",
     "SELECT count(*) FROM risk_score WHERE institution_id = ? AND asof < ?",
     {"DELETE FROM risk_score WHERE institution_id = ? AND asof < ?", NULL}},
    {"acknowledgement", "flag acknowledgements made",
     "SELECT count(*) FROM flag_acknowledgement WHERE institution_id = ? AND at < ?",
     {"DELETE FROM flag_acknowledgement WHERE institution_id = ? AND at < ?", NULL}},
    {"consent_ended", "consents withdrawn or ended (and overrides)",
     "SELECT (SELECT count(*) FROM consent c WHERE c.institution_id = ? AND"
     " coalesce((SELECT w.effective FROM consent_withdrawal w WHERE w.institution_id ="
     " c.institution_id AND w.consent_id = c.id), c.valid_until, '9999') < ?)",
     {NULL}},
    {"notice", "notices made",
     "SELECT count(*) FROM notice WHERE institution_id = ? AND created_at < ?",
     {"DELETE FROM notice WHERE institution_id = ? AND created_at < ?", NULL}},
    {"mail", "mail sent or given up",
     "SELECT count(*) FROM mail_queue WHERE institution_id = ? AND state IN ('sent', 'failed')"
     " AND created_at < ?",
     {"DELETE FROM mail_queue WHERE institution_id = ? AND state IN ('sent', 'failed')"
      " AND created_at < ?", NULL}},
};
const size_t support_retention_nrules = sizeof rules / sizeof *rules;

/* The name of rule i (see retention.h). */
const char *support_retention_rule_name(size_t i) {
    return i < support_retention_nrules ? rules[i].name : NULL;
}

/* Run sql with (inst, cutoff); *n (may be NULL) gets the first column or
** the rows changed.  0 or -1. */
static int run_cut(store *st, const char *sql, int64_t inst, const char *cutoff, int count,
                   int64_t *n, cairn_err *err) {
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_text(q, 2, cutoff, (size_t)-1);
    int rc = store_step(q, err);
    if (n) *n = count ? (rc == STORE_ROW ? store_col_int64(q, 0) : 0) : store_changes(q);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Delete the consents ended before the cut-off (a withdrawal goes with its
** consent) and the overrides of days before it; in the caller's
** transaction.  *n gets the consents deleted. */
static int consents_delete(store *st, int64_t inst, const char *cutoff, int64_t *n,
                           cairn_err *err) {
    *n = 0;
    if (run_cut(st, "DELETE FROM consent_override WHERE institution_id = ? AND day < ?", inst,
                cutoff, 0, NULL, err) < 0)
        return -1;
    store_stmt *q = store_prepare(st,
        "SELECT c.id FROM consent c LEFT JOIN consent_withdrawal w ON w.institution_id ="
        " c.institution_id AND w.consent_id = c.id WHERE c.institution_id = ?"
        " AND coalesce(w.effective, c.valid_until, '9999') < ?", err);
    store_stmt *dw = store_prepare(st, "DELETE FROM consent_withdrawal WHERE institution_id = ?"
                                       " AND consent_id = ?", err);
    store_stmt *dc = store_prepare(st, "DELETE FROM consent WHERE institution_id = ? AND id = ?",
                                   err);
    int rc = q && dw && dc ? 0 : -1;
    int64_t *ids = NULL;
    size_t k = 0, cap = 0;
    if (rc == 0) {
        store_bind_int64(q, 1, inst);
        store_bind_text(q, 2, cutoff, (size_t)-1);
        int r;
        while ((r = store_step(q, err)) == STORE_ROW) {
            if (k == cap) {
                cap = cap ? cap * 2 : 64;
                ids = xrealloc(ids, cap * sizeof *ids);
            }
            ids[k++] = store_col_int64(q, 0);
        }
        if (r < 0) rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < k; i++) {
        store_bind_int64(dw, 1, inst);
        store_bind_int64(dw, 2, ids[i]);
        store_bind_int64(dc, 1, inst);
        store_bind_int64(dc, 2, ids[i]);
        if (store_step(dw, err) < 0 || store_step(dc, err) < 0) rc = -1;
    }
    store_finalize(q);
    store_finalize(dw);
    store_finalize(dc);
    free(ids);
    *n = (int64_t)k;
    return rc;
}

/* A rule done by SQL: count, and unless dry delete with the audit event, in
** one transaction. */
static int rule_sql(store *st, int64_t inst, const retention_rule *r, int dry,
                    support_retention_line *l, cairn_err *err) {
    if (run_cut(st, r->count_sql, inst, l->cutoff, 1, &l->due, err) < 0) return -1;
    if (dry || l->due == 0) return 0;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + inst, err) < 0) return -1;
    int rc = 0;
    int64_t total = 0;
    if (!r->delete_sql[0]) rc = consents_delete(st, inst, l->cutoff, &total, err);
    for (size_t i = 0; rc == 0 && r->delete_sql[i]; i++) {
        int64_t n = 0;
        rc = run_cut(st, r->delete_sql[i], inst, l->cutoff, 0, &n, err);
        total += n;
    }
    char detail[200];
    snprintf(detail, sizeof detail, "retention %s: %lld removed (before %s)", r->name,
             (long long)total, l->cutoff);
    if (rc == 0) rc = support_audit_append(st, inst, 0, "retention.run", 0, detail, err);
    if (rc != 0) {
        store_tx_rollback(st);
        return -1;
    }
    if (store_tx_commit(st, err) < 0) return -1;
    l->done = total;
    return 0;
}

/* The departed learners: each erased in its own transaction, unless a hold
** forbids it or it was erased before. */
static int rule_departed(store *st, int64_t inst, int dry, support_retention_line *l,
                         cairn_err *err) {
    store_stmt *q = store_prepare(st,
        "SELECT l.id FROM learner l WHERE l.institution_id = ?"
        " AND EXISTS (SELECT 1 FROM enrolment e WHERE e.institution_id = l.institution_id"
        "  AND e.learner_id = l.id)"
        " AND NOT EXISTS (SELECT 1 FROM enrolment e WHERE e.institution_id = l.institution_id"
        "  AND e.learner_id = l.id AND (e.status IN ('active', 'paused')"
        "  OR coalesce(e.exit_date, e.expected_end_date, e.start_date) >= ?))"
        " AND NOT EXISTS (SELECT 1 FROM learner_erasure x WHERE x.institution_id = l.institution_id"
        "  AND x.learner_id = l.id) ORDER BY l.id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_text(q, 2, l->cutoff, (size_t)-1);
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            ids = xrealloc(ids, cap * sizeof *ids);
        }
        ids[n++] = store_col_int64(q, 0);
    }
    store_finalize(q);
    l->due = (int64_t)n;
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        buf why = BUF_INIT;
        int h = dry ? support_subject_holds(st, inst, ids[i], &why, err)
                    : support_subject_erase(st, inst, ids[i], 0, "retention period ended", &why,
                                            err);
        buf_free(&why);
        if (h < 0) rc = -1;
        else if (h > 0) l->held++;
        else if (!dry) l->done++;
    }
    free(ids);
    return rc < 0 ? -1 : 0;
}

/* Run every rule (see retention.h). */
int support_retention_run(store *st, int64_t institution_id, int32_t today, int dry,
                          support_retention_line *lines, cairn_err *err) {
    for (size_t i = 0; i < support_retention_nrules; i++) {
        support_retention_line *l = &lines[i];
        memset(l, 0, sizeof *l);
        l->rule = rules[i].name;
        l->what = rules[i].what;
        char name[64];
        snprintf(name, sizeof name, "retention.%s", rules[i].name);
        if (support_setting_get(st, institution_id, name, &l->days, err) < 0) return -1;
        if (l->days == 0) continue;
        date_format(today - (int32_t)l->days, l->cutoff);
        int rc = rules[i].count_sql ? rule_sql(st, institution_id, &rules[i], dry, l, err)
                                    : rule_departed(st, institution_id, dry, l, err);
        if (rc < 0) {
            err_prefix(err, "retention %s", rules[i].name);
            return -1;
        }
    }
    return 0;
}
