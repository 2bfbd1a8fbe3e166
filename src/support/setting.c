/*
** support/setting.c — the support room's settings (see setting.h).
*/
#include "support/setting.h"
#include "base/date.h"
#include "support/audit.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every setting: name, default, range, what it is.  Retention periods are
** days; their rules are in support/retention.c. */
const support_setting_def support_settings[] = {
    {SUPPORT_CONSENT_AGE_ALONE, 16, 12, 21,
     "age (years) from which a learner gives or refuses consent alone"},
    {"contract.age_of_majority", 18, 14, 21,
     "age (years) from which a learner signs the contract without a guardian"},
    {"retention.learner_departed", 1825, 0, 36500,
     "days after a learner's last enrolment ended before the record is anonymised"},
    {"retention.score", 730, 0, 36500, "days a learner's risk scores and reasons are kept"},
    {"retention.acknowledgement", 1095, 0, 36500,
     "days a flag acknowledgement and its comment are kept"},
    {"retention.consent_ended", 1095, 0, 36500,
     "days a withdrawn or ended consent is kept as proof before it is deleted"},
    {"retention.notice", 365, 0, 36500, "days a notice is kept"},
    {"retention.mail", 90, 0, 36500, "days a sent or failed mail is kept"},
    {"case.approval.close", 0, 0, 1,
     "1 = closing a case waits for a school leader's approval (support/case.h)"},
    {"case.approval.transfer", 0, 0, 1,
     "1 = handing a case over waits for a school leader's approval (support/case.h)"},
    {"review.days.individual", 7, 1, 28, "days between reviews of a case at the individual tier"},
    {"review.days.selective", 14, 1, 56, "days between reviews of a case at the selective tier"},
    {"review.days.universal", 91, 1, 183,
     "days between reviews of a universal case when the school calendar has no term ahead "
     "(else at the end of the term)"},
};
const size_t support_nsettings = sizeof support_settings / sizeof *support_settings;

/* The definition of name, or NULL (see setting.h). */
const support_setting_def *support_setting_find(const char *name) {
    for (size_t i = 0; name && i < support_nsettings; i++)
        if (strcmp(support_settings[i].name, name) == 0) return &support_settings[i];
    return NULL;
}

/* Parse a whole decimal number; 0 ok, -1 not one. */
static int setting_parse(const char *s, int64_t *out) {
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s) return -1;
    *out = v;
    return 0;
}

/* The value of name (see setting.h). */
int support_setting_get(store *st, int64_t institution_id, const char *name, int64_t *out,
                        cairn_err *err) {
    const support_setting_def *d = support_setting_find(name);
    if (!d) return err_set(err, CAIRN_EINVAL, "there is no setting \"%s\"", name ? name : "");
    *out = d->dflt;
    store_stmt *q = store_prepare(st, "SELECT value FROM support_setting"
                                      " WHERE institution_id = ? AND name = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_text(q, 2, name, (size_t)-1);
    int rc = store_step(q, err);
    int64_t v;
    if (rc == STORE_ROW && setting_parse(store_col_text(q, 0), &v) == 0 && v >= d->min &&
        v <= d->max)
        *out = v;
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Set name to value, audited (see setting.h). */
int support_setting_set(store *st, int64_t institution_id, int64_t account, const char *name,
                        const char *value, cairn_err *err) {
    const support_setting_def *d = support_setting_find(name);
    if (!d) {
        err_set(err, CAIRN_EINVAL, "there is no setting \"%s\"", name ? name : "");
        return 1;
    }
    int64_t v;
    if (setting_parse(value, &v) != 0 || v < d->min || v > d->max) {
        err_set(err, CAIRN_EINVAL, "%s must be a whole number from %lld to %lld", name,
                (long long)d->min, (long long)d->max);
        return 1;
    }
    char at[32], text[32], detail[128];
    date_now_iso(at);
    snprintf(text, sizeof text, "%lld", (long long)v);
    snprintf(detail, sizeof detail, "%s=%s", name, text);
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "INSERT INTO support_setting (institution_id, name, value, set_by, set_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (institution_id, name) DO UPDATE SET"
        " value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at", err);
    int rc = q ? 0 : -1;
    if (q) {
        store_bind_int64(q, 1, institution_id);
        store_bind_text(q, 2, name, (size_t)-1);
        store_bind_text(q, 3, text, (size_t)-1);
        if (account) store_bind_int64(q, 4, account);
        else store_bind_null(q, 4);
        store_bind_text(q, 5, at, (size_t)-1);
        rc = store_step(q, err) < 0 ? -1 : 0;
        store_finalize(q);
    }
    if (rc == 0) rc = support_audit_append(st, institution_id, account, "setting.set", 0, detail, err);
    if (rc < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}
