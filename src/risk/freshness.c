/*
** risk/freshness.c — how old the scores are, and scoring again for today
** (see freshness.h).
*/
#include "risk/freshness.h"
#include "base/date.h"
#include "base/mem.h"
#include "risk/risk_read.h"
#include <stdlib.h>
#include <string.h>

#define MAX_SPAN_DAYS 3660
#define MAX_TERMS 256

/* The institution's terms that overlap [from, to] as day ranges into
** starts/ends (at most MAX_TERMS), their number into *n; *any 1 when the
** institution has terms at all. */
static int terms_read(store *st, int64_t inst, int32_t from, int32_t to, int32_t *starts,
                      int32_t *ends, size_t *n, int *any, cairn_err *err) {
    *n = 0;
    *any = 0;
    char a[DATE_TEXT_LEN], b[DATE_TEXT_LEN];
    date_format(from, a);
    date_format(to, b);
    store_stmt *s = store_prepare(st, "SELECT start_date, end_date, "
                                  " CASE WHEN end_date >= ? AND start_date <= ? THEN 1 ELSE 0 END"
                                  " FROM term WHERE institution_id = ?", err);
    if (!s) return -1;
    store_bind_text(s, 1, a, (size_t)-1);
    store_bind_text(s, 2, b, (size_t)-1);
    store_bind_int64(s, 3, inst);
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        *any = 1;
        if (!store_col_int64(s, 2) || *n == MAX_TERMS) continue;
        const char *x = store_col_text(s, 0), *y = store_col_text(s, 1);
        if (!x || !y || date_parse(x, strlen(x), &starts[*n]) < 0 ||
            date_parse(y, strlen(y), &ends[*n]) < 0)
            continue;
        (*n)++;
    }
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* School days between two days (see freshness.h). */
int risk_school_days_between(store *st, int64_t inst, int32_t from, int32_t to, int *days,
                             cairn_err *err) {
    *days = 0;
    if (to <= from) return 0;
    if (to - from > MAX_SPAN_DAYS) from = to - MAX_SPAN_DAYS;
    int32_t starts[MAX_TERMS], ends[MAX_TERMS];
    size_t n;
    int any;
    if (terms_read(st, inst, from + 1, to, starts, ends, &n, &any, err) != 0) return -1;
    for (int32_t d = from + 1; d <= to; d++) {
        if (date_weekday(d) > 4) continue;
        int in_term = !any;
        for (size_t k = 0; k < n && !in_term; k++) in_term = d >= starts[k] && d <= ends[k];
        if (in_term) (*days)++;
    }
    return 0;
}

/* How old the scores are (see freshness.h). */
int risk_freshness_of(store *st, int64_t inst, int32_t today, risk_freshness *out,
                      cairn_err *err) {
    memset(out, 0, sizeof *out);
    out->today = today;
    out->school_days = -1;
    if (risk_read_latest_asof(st, inst, &out->asof, err) != 0) return -1;
    if (!out->asof) return 0;
    if (risk_school_days_between(st, inst, out->asof, today, &out->school_days, err) != 0)
        return -1;
    out->stale = out->school_days > RISK_STALE_SCHOOL_DAYS;
    return 0;
}

/* The ids of every institution into *ids (malloc'd, caller frees), their
** number into *n. */
static int institutions_read(store *st, int64_t **ids, size_t *n, cairn_err *err) {
    *ids = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st, "SELECT id FROM institution ORDER BY id", err);
    if (!s) return -1;
    return store_stmt_ids(s, ids, n, err);
}

/* Score every institution for today (see freshness.h). */
int risk_rescore_today(store *st, int32_t today, int only_missing, risk_rescore_result *res,
                       cairn_err *err) {
    risk_rescore_result r = {0};
    int64_t *ids;
    size_t n;
    if (institutions_read(st, &ids, &n, err) != 0) return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (only_missing) {
            int32_t asof = 0;
            if (risk_read_latest_asof(st, ids[i], &asof, err) != 0) { rc = -1; break; }
            if (asof >= today) { r.skipped++; continue; }
        }
        risk_score_summary sum;
        if (risk_score_run(st, ids[i], today, NULL, &sum, err) != 0) { rc = -1; break; }
        r.institutions++;
        r.learners += sum.learners;
        r.written += sum.written;
        risk_score_summary_free(&sum);
    }
    free(ids);
    if (res) *res = r;
    return rc;
}
