/*
** support/assessment.c — adding a needs assessment to a case: the checks,
** the rows, the task it completes and its audit event, in one transaction
** (see assessment.h).
*/
#include "support/assessment.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/assessment_internal.h"
#include "support/case_internal.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The words of the problems, in the order of the enum. */
static const struct {
    const char *field;   /* "" not a field; a trailing '_' takes the domain's code */
    const char *text;
} problems[] = {
    {"", ""},
    {"", "Only the case's key worker and its team may assess its needs."},
    {"", "A closed case takes no assessment; reopen it first."},
    {"assessed_on", "The day of the assessment must be a date from the case's opening to today."},
    {"need_", "A rating is 0 (no need), 1 (watch), 2 (act), 3 (act now) or not rated."},
    {"own_", "The learner's own rating is 0, 1, 2, 3 or not asked."},
    {"need_", "Rate at least one life domain."},
    {"strengths_", "The strengths may be at most 1000 characters of text, without control characters."},
    {"comment_", "A comment may be at most 1000 characters of text, without control characters."},
    {"note", "The note may be at most 2000 characters of text, without control characters."},
};

/* The field of a problem (see assessment.h). */
void support_assessment_problem_field(support_assessment_problem p, int domain, char *out,
                                      size_t cap) {
    assert(cap > 0);
    out[0] = 0;
    if ((int)p < 0 || (size_t)p >= sizeof problems / sizeof *problems) return;
    const char *f = problems[p].field;
    size_t n = strlen(f);
    if (n && f[n - 1] == '_') {
        const char *code = support_domain_code(domain < 0 ? 0 : domain);
        snprintf(out, cap, "%s%s", f, code);
    } else {
        snprintf(out, cap, "%s", f);
    }
}

/* The sentence of a problem (see assessment.h). */
const char *support_assessment_problem_text(support_assessment_problem p) {
    if ((int)p < 0 || (size_t)p >= sizeof problems / sizeof *problems) return "";
    return problems[p].text;
}

/* The name of a rating (see assessment.h). */
const char *support_assessment_rating_name(int rating) {
    static const char *const names[] = {"No need", "Watch", "Act", "Act now"};
    return rating >= 0 && rating <= SUPPORT_ASSESSMENT_RATING_MAX ? names[rating] : "Not rated";
}

/* Set *problem, *domain and err; returns 1. */
static int refuse(support_assessment_problem p, int d, support_assessment_problem *problem,
                  int *domain, cairn_err *err) {
    if (problem) *problem = p;
    if (domain) *domain = d;
    err_set(err, CAIRN_EINVAL, "%s", support_assessment_problem_text(p));
    return 1;
}

/* Check text (NULL = "") against max characters, normalised into out
** (SUPPORT_CASE_TEXT_BYTES): 0 fine, 1 refused. */
static int text_check(const char *text, size_t max, char *out) {
    support_case_problem p;
    if (support_case_reason_check(text, out, &p)) return 1;
    size_t chars = 0;
    for (const unsigned char *c = (const unsigned char *)out; *c; c++) chars += (*c & 0xC0) != 0x80;
    return chars > max;
}

/* The normalised texts of a spec: strengths, comments (per domain) and the
** note, each SUPPORT_CASE_TEXT_BYTES; one allocation freed with free(). */
typedef struct texts {
    char strengths[SUPPORT_DOMAIN_COUNT][SUPPORT_CASE_TEXT_BYTES];
    char comment[SUPPORT_DOMAIN_COUNT][SUPPORT_CASE_TEXT_BYTES];
    char note[SUPPORT_CASE_TEXT_BYTES];
} texts;

/* Check everything of spec that needs no database: 0 fine (t filled), 1
** refused. */
static int spec_check(const support_assessment_spec *spec, texts *t,
                      support_assessment_problem *problem, int *domain, cairn_err *err) {
    int rated = 0;
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++) {
        if (spec->need[d] < SUPPORT_ASSESSMENT_UNSET || spec->need[d] > SUPPORT_ASSESSMENT_RATING_MAX)
            return refuse(SUPPORT_ASSESSMENT_NEED_BAD, d, problem, domain, err);
        if (spec->own[d] < SUPPORT_ASSESSMENT_UNSET || spec->own[d] > SUPPORT_ASSESSMENT_RATING_MAX)
            return refuse(SUPPORT_ASSESSMENT_OWN_BAD, d, problem, domain, err);
        rated |= spec->need[d] >= 0;
        if (text_check(spec->strengths[d], SUPPORT_ASSESSMENT_TEXT_MAX, t->strengths[d]))
            return refuse(SUPPORT_ASSESSMENT_STRENGTHS_BAD, d, problem, domain, err);
        if (text_check(spec->comment[d], SUPPORT_ASSESSMENT_TEXT_MAX, t->comment[d]))
            return refuse(SUPPORT_ASSESSMENT_COMMENT_BAD, d, problem, domain, err);
    }
    if (!rated) return refuse(SUPPORT_ASSESSMENT_NONE_RATED, 0, problem, domain, err);
    if (text_check(spec->note, SUPPORT_ASSESSMENT_NOTE_MAX, t->note))
        return refuse(SUPPORT_ASSESSMENT_NOTE_BAD, -1, problem, domain, err);
    return 0;
}

/* Bind a rating, NULL when unset. */
static void bind_rating(store_stmt *q, int i, int rating) {
    if (rating >= 0) store_bind_int64(q, i, rating);
    else store_bind_null(q, i);
}

/* Insert the domain rows of assessment aid; in the transaction. */
static int domains_insert(store *st, int64_t inst, int64_t aid, const support_assessment_spec *spec,
                          const texts *t, cairn_err *err) {
    int64_t id = 0;
    if (store_query_int64(st, "SELECT coalesce(max(id), 0) FROM case_assessment_domain"
                              " WHERE institution_id = ?", inst, &id, err) < 0)
        return -1;
    store_stmt *q = store_prepare(st, "INSERT INTO case_assessment_domain (institution_id, id,"
                                      " assessment_id, domain, need, own, strengths, comment)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
    if (!q) return -1;
    int rc = 0;
    for (int d = 0; rc == 0 && d < SUPPORT_DOMAIN_COUNT; d++) {
        buf s = BUF_INIT, c = BUF_INIT;   /* not HTML: sealed text to store */
        if (support_case_text_seal(st, inst, t->strengths[d], &s, err) < 0 ||
            support_case_text_seal(st, inst, t->comment[d], &c, err) < 0) {
            rc = -1;
        } else {
            store_bind_int64(q, 1, inst);
            store_bind_int64(q, 2, ++id);
            store_bind_int64(q, 3, aid);
            store_bind_text(q, 4, support_domain_code(d), (size_t)-1);
            bind_rating(q, 5, spec->need[d]);
            bind_rating(q, 6, spec->own[d]);
            store_bind_text(q, 7, buf_cstr(&s), (size_t)-1);
            store_bind_text(q, 8, buf_cstr(&c), (size_t)-1);
            rc = store_step(q, err) < 0 ? -1 : 0;
        }
        buf_free(&s);
        buf_free(&c);
    }
    store_finalize(q);
    return rc;
}

/* Insert the assessment row; *aid gets its id.  In the transaction. */
static int assessment_insert(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                             int32_t day, const char *note, const char *now, int64_t *aid,
                             cairn_err *err) {
    buf sealed = BUF_INIT;   /* not HTML: sealed text to store */
    char dtext[DATE_TEXT_LEN];
    date_format(day, dtext);
    int rc = -1;
    if (support_case_text_seal(st, inst, note, &sealed, err) == 0 &&
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_assessment"
                              " WHERE institution_id = ?", inst, aid, err) == 0) {
        store_stmt *q = store_prepare(st, "INSERT INTO case_assessment (institution_id, id,"
                                          " case_id, assessed_on, assessed_by, note, recorded_at)"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?)", err);
        if (q) {
            store_bind_int64(q, 1, inst);
            store_bind_int64(q, 2, *aid);
            store_bind_int64(q, 3, case_id);
            store_bind_text(q, 4, dtext, (size_t)-1);
            if (account_id > 0) store_bind_int64(q, 5, account_id);
            else store_bind_null(q, 5);
            store_bind_text(q, 6, buf_cstr(&sealed), (size_t)-1);
            store_bind_text(q, 7, now, (size_t)-1);
            rc = store_step(q, err) < 0 ? -1 : 0;
            store_finalize(q);
        }
    }
    buf_free(&sealed);
    return rc;
}

/* Add an assessment (see assessment_internal.h). */
int assessment_add(store *st, int64_t inst, int64_t account_id, unsigned rel, int64_t case_id,
                   const support_assessment_spec *spec, const char *at, int closed_too,
                   int64_t *id, support_assessment_problem *problem, int *domain,
                   cairn_err *err) {
    assert(spec);
    if (problem) *problem = SUPPORT_ASSESSMENT_OK;
    if (domain) *domain = -1;
    if (id) *id = 0;
    if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)))
        return refuse(SUPPORT_ASSESSMENT_NOT_YOURS, -1, problem, domain, err);
    texts *t = xcalloc(1, sizeof *t);
    int rc = spec_check(spec, t, problem, domain, err);
    if (rc != 0) {
        free(t);
        return rc;
    }
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    rc = -1;
    if (case_tx_begin(st, inst, err) < 0) goto out;
    support_case k;
    int found = support_case_get(st, inst, case_id, 0, &k, err);
    if (found <= 0) {
        if (!found) err_set(err, CAIRN_ENOTFOUND, "there is no case %lld", (long long)case_id);
        goto fail;
    }
    if (k.state == SUPPORT_CASE_CLOSED && !closed_too) {
        rc = refuse(SUPPORT_ASSESSMENT_CASE_CLOSED, -1, problem, domain, err);
        goto fail;
    }
    if (spec->assessed_on > case_day_of(now) || spec->assessed_on < case_day_of(k.opened_at)) {
        rc = refuse(SUPPORT_ASSESSMENT_DAY_BAD, -1, problem, domain, err);
        goto fail;
    }
    int64_t aid = 0;
    char detail[96];
    snprintf(detail, sizeof detail, "case %lld: assessment", (long long)case_id);
    if (assessment_insert(st, inst, account_id, case_id, spec->assessed_on, t->note, now, &aid,
                          err) < 0 ||
        domains_insert(st, inst, aid, spec, t, err) < 0 ||
        support_case_tasks_complete_in_tx(st, inst, case_id,
                                          SUPPORT_TASK_BIT(SUPPORT_TASK_ASSESSMENT), now,
                                          account_id, err) < 0)
        goto fail;
    snprintf(detail, sizeof detail, "case %lld: assessment %lld", (long long)case_id,
             (long long)aid);
    if (support_case_audit(st, inst, account_id, k.learner_id, case_id, "assessment.add", NULL,
                           detail, err) < 0 ||
        store_tx_commit(st, err) < 0)
        goto fail;
    if (id) *id = aid;
    rc = 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    free(t);
    return rc;
}

/* Add an assessment (see assessment.h). */
int support_assessment_add(store *st, int64_t inst, int64_t account_id, unsigned rel,
                           int64_t case_id, const support_assessment_spec *spec, const char *at,
                           int64_t *id, support_assessment_problem *problem, int *domain,
                           cairn_err *err) {
    return assessment_add(st, inst, account_id, rel, case_id, spec, at, 0, id, problem, domain,
                          err);
}
