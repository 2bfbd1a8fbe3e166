/*
** support/consent_check.c — the check made at the moment of sharing, and a
** leader's emergency override (see consent.h).
*/
#include "support/consent.h"
#include "base/date.h"
#include "support/actions.h"
#include "support/audit.h"
#include "support/setting.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The learner's age on day (see consent.h); -2 on a database error. */
int support_learner_age(store *st, int64_t institution_id, int64_t learner_id, int32_t day,
                        cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT birth_date FROM learner"
                                      " WHERE institution_id = ? AND id = ?", err);
    if (!q) return -2;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, learner_id);
    int rc = store_step(q, err), age = -1;
    int32_t born;
    const char *b = rc == STORE_ROW ? store_col_text(q, 0) : NULL;
    if (b && date_parse(b, strlen(b), &born) == 0 && born <= day) {
        int y1, m1, d1, y2, m2, d2;
        date_to_ymd(born, &y1, &m1, &d1);
        date_to_ymd(day, &y2, &m2, &d2);
        age = y2 - y1 - (m2 < m1 || (m2 == m1 && d2 < d1));
    }
    store_finalize(q);
    return rc < 0 ? -2 : age;
}

/* 1 if a and b are the same recipient: equal without ASCII case and
** surrounding white space. */
static int recipient_same(const char *a, const char *b) {
    while (isspace((unsigned char)*a)) a++;
    while (isspace((unsigned char)*b)) b++;
    size_t na = strlen(a), nb = strlen(b);
    while (na && isspace((unsigned char)a[na - 1])) na--;
    while (nb && isspace((unsigned char)b[nb - 1])) nb--;
    return na == nb && strncasecmp(a, b, na) == 0;
}

/* 1 if the comma-separated list holds code. */
static int list_has(const char *list, const char *code) {
    size_t n = strlen(code);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, code, n) == 0) return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

/* Look for an override of today's kind for the check; 1 found (why set),
** 0 none, -1 error. */
static int override_find(store *st, int64_t inst, int64_t learner, const char *purpose,
                         const char *recipient, const char *category, const char *day,
                         support_consent_why *why, cairn_err *err) {
    store_stmt *q = store_prepare(st,
        "SELECT id, recipient FROM consent_override WHERE institution_id = ? AND learner_id = ?"
        " AND purpose = ? AND category = ? AND day = ? ORDER BY id DESC", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    store_bind_text(q, 3, purpose, (size_t)-1);
    store_bind_text(q, 4, category, (size_t)-1);
    store_bind_text(q, 5, day, (size_t)-1);
    int rc, found = 0;
    while (!found && (rc = store_step(q, err)) == STORE_ROW) {
        const char *r = store_col_text(q, 1);
        if (!support_consent_purpose_has_recipient(purpose) || recipient_same(r ? r : "", recipient)) {
            why->override_id = store_col_int64(q, 0);
            snprintf(why->text, sizeof why->text, "Allowed by emergency override no. %lld of %s.",
                     (long long)why->override_id, day);
            found = 1;
        }
    }
    store_finalize(q);
    return found ? 1 : rc < 0 ? -1 : 0;
}

/* Check consent at the moment of sharing (see consent.h). */
int support_consent_check(store *st, int64_t institution_id, int64_t learner_id,
                          const char *purpose, const char *recipient, const char *category,
                          int32_t at, support_consent_why *why, cairn_err *err) {
    memset(why, 0, sizeof *why);
    if (!support_consent_purpose_ok(purpose) || !support_consent_category_ok(category))
        return err_set(err, CAIRN_EINVAL, "consent check: unknown purpose \"%s\" or category "
                       "\"%s\"", purpose ? purpose : "", category ? category : "");
    if (!recipient) recipient = "";
    int has_recipient = support_consent_purpose_has_recipient(purpose);
    char day[DATE_TEXT_LEN];
    date_format(at, day);
    int64_t limit;
    int age = support_learner_age(st, institution_id, learner_id, at, err);
    if (age < -1 || support_setting_get(st, institution_id, SUPPORT_CONSENT_AGE_ALONE, &limit, err) < 0)
        return -1;
    int alone = age >= 0 && age >= limit;
    store_stmt *q = store_prepare(st,
        "SELECT c.id, c.recipient, c.categories, c.valid_from, c.valid_until, c.given_by,"
        " w.effective FROM consent c LEFT JOIN consent_withdrawal w"
        " ON w.institution_id = c.institution_id AND w.consent_id = c.id"
        " WHERE c.institution_id = ? AND c.learner_id = ? AND c.purpose = ? ORDER BY c.id DESC", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, learner_id);
    store_bind_text(q, 3, purpose, (size_t)-1);
    int rc, allowed = 0, explained = 0;
    while (!allowed && (rc = store_step(q, err)) == STORE_ROW) {
        long long id = (long long)store_col_int64(q, 0);
        const char *rcp = store_col_text(q, 1), *cats = store_col_text(q, 2);
        const char *from = store_col_text(q, 3), *until = store_col_text(q, 4);
        const char *by = store_col_text(q, 5), *wd = store_col_text(q, 6);
        if (has_recipient && !recipient_same(rcp ? rcp : "", recipient)) continue;
        if (!list_has(cats, category)) continue;
        char why_not[sizeof why->text] = "";
        if (wd && strcmp(wd, day) <= 0)
            snprintf(why_not, sizeof why_not, "Consent no. %lld was withdrawn from %s.", id, wd);
        else if (from && strcmp(from, day) > 0)
            snprintf(why_not, sizeof why_not, "Consent no. %lld begins only on %s.", id, from);
        else if (until && strcmp(until, day) < 0)
            snprintf(why_not, sizeof why_not, "Consent no. %lld ended on %s.", id, until);
        else if (by && strcmp(by, "guardian") == 0 && alone)
            snprintf(why_not, sizeof why_not, "Consent no. %lld was given by a guardian, but the "
                     "learner is %d and decides alone from %lld on: ask the learner.", id, age,
                     (long long)limit);
        else if (by && strcmp(by, "learner") == 0 && !alone)
            snprintf(why_not, sizeof why_not, "Consent no. %lld was given by the learner, who is "
                     "under %lld on %s: a guardian with parental responsibility must give it.",
                     id, (long long)limit, day);
        if (!why_not[0]) {
            allowed = 1;
            why->consent_id = id;
            snprintf(why->text, sizeof why->text, "Allowed by consent no. %lld.", id);
        } else if (!explained) {
            explained = 1;
            memcpy(why->text, why_not, sizeof why->text);
        }
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (allowed) return 1;
    int o = override_find(st, institution_id, learner_id, purpose, recipient, category, day, why,
                          err);
    if (o != 0) return o;
    if (!explained)
        snprintf(why->text, sizeof why->text, "There is no consent for %s%s%.80s%s covering %s data"
                 " on %s: record one in the learner's Consent section first.",
                 support_consent_purpose_name(purpose), has_recipient ? " (" : "",
                 has_recipient ? recipient : "", has_recipient ? ")" : "", category, day);
    return 0;
}

/* Record a leader's emergency override (see consent.h). */
int support_consent_override(store *st, int64_t institution_id, int64_t account,
                             int64_t learner_id, const char *purpose, const char *recipient,
                             const char *category, const char *reason, int64_t *id,
                             support_consent_problem *p, cairn_err *err) {
    support_problem sp;
    if (id) *id = 0;
    p->field = NULL;
    p->text[0] = 0;
    const char *field = NULL, *text = NULL;
    char rcp[201] = "";
    if (recipient) {
        while (isspace((unsigned char)*recipient)) recipient++;
        snprintf(rcp, sizeof rcp, "%s", recipient);
        for (size_t n = strlen(rcp); n && isspace((unsigned char)rcp[n - 1]); n--) rcp[n - 1] = 0;
    }
    if (!support_consent_purpose_ok(purpose))
        field = "purpose", text = "purpose: choose one of early_warning, share_organisation, "
                                  "family_access, service_contact";
    else if (support_consent_purpose_has_recipient(purpose) && !rcp[0])
        field = "recipient", text = "recipient: name who receives the data";
    else if (!support_consent_category_ok(category))
        field = "category", text = "category: choose the one data category shared";
    else if (support_comment_check(reason, &sp) != 0)
        field = "reason", text = sp == SUPPORT_COMMENT_EMPTY
                                     ? "reason: write why this cannot wait for consent"
                                     : "reason: at most 2000 characters of text";
    if (field) {
        p->field = field;
        snprintf(p->text, sizeof p->text, "%s", text);
        return 1;
    }
    if (!support_consent_purpose_has_recipient(purpose)) rcp[0] = 0;
    char at[32], day[DATE_TEXT_LEN], detail[160];
    date_now_iso(at);
    date_format(date_today(), day);
    buf sealed = BUF_INIT;
    int64_t oid = 0, known = 0;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) return -1;
    store_stmt *q = store_prepare(st, "SELECT count(*) FROM learner WHERE institution_id = ?"
                                      " AND id = ?", err);
    int rc = q ? 0 : -1;
    if (q) {
        store_bind_int64(q, 1, institution_id);
        store_bind_int64(q, 2, learner_id);
        if (store_step(q, err) == STORE_ROW) known = store_col_int64(q, 0);
        else rc = -1;
        store_finalize(q);
    }
    if (rc == 0 && !known) {
        p->field = "learner";
        snprintf(p->text, sizeof p->text, "there is no such learner");
        rc = 1;
    }
    if (rc == 0) rc = consent_text_seal(st, institution_id, reason, &sealed, err);
    if (rc == 0 && store_query_int64(st, "SELECT coalesce(max(id), 0) FROM consent_override"
                                         " WHERE institution_id = ?", institution_id, &oid, err) < 0)
        rc = -1;
    if (rc == 0) {
        oid++;
        q = store_prepare(st,
            "INSERT INTO consent_override (institution_id, id, learner_id, purpose, recipient,"
            " category, day, reason, account_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
        rc = q ? 0 : -1;
        if (q) {
            store_bind_int64(q, 1, institution_id);
            store_bind_int64(q, 2, oid);
            store_bind_int64(q, 3, learner_id);
            store_bind_text(q, 4, purpose, (size_t)-1);
            store_bind_text(q, 5, rcp, (size_t)-1);
            store_bind_text(q, 6, category, (size_t)-1);
            store_bind_text(q, 7, day, (size_t)-1);
            store_bind_text(q, 8, buf_cstr(&sealed), (size_t)-1);
            store_bind_int64(q, 9, account);
            store_bind_text(q, 10, at, (size_t)-1);
            rc = store_step(q, err) < 0 ? -1 : 0;
            store_finalize(q);
        }
    }
    if (rc == 0) {
        snprintf(detail, sizeof detail, "override %lld: %s, %s", (long long)oid, purpose, category);
        rc = support_audit_append(st, institution_id, account, "consent.override", learner_id,
                                  detail, err);
    }
    buf_free(&sealed);
    if (rc != 0) {
        store_tx_rollback(st);
        return rc;
    }
    if (store_tx_commit(st, err) < 0) return -1;
    if (id) *id = oid;
    return 0;
}

/* List overrides (see consent.h). */
int support_consent_override_list(store *st, int64_t institution_id, int64_t learner_id,
                                  arena *a, support_consent_override_row **rows, size_t *n,
                                  cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        "SELECT o.id, o.learner_id, l.given_name || ' ' || l.family_name, o.purpose, o.recipient,"
        " o.category, o.day, o.reason, coalesce(a.display_name, 'cairn'), o.at"
        " FROM consent_override o JOIN learner l ON l.institution_id = o.institution_id"
        "  AND l.id = o.learner_id LEFT JOIN account a ON a.id = o.account_id"
        " WHERE o.institution_id = ? AND (? = 0 OR o.learner_id = ?) ORDER BY o.id DESC", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, learner_id);
    store_bind_int64(q, 3, learner_id);
    size_t cap = 0;
    int rc, bad = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            support_consent_override_row *nr = arena_alloc(a, ncap * sizeof *nr);
            if (*n) memcpy(nr, *rows, *n * sizeof *nr);
            *rows = nr;
            cap = ncap;
        }
        support_consent_override_row *r = &(*rows)[(*n)++];
        r->id = store_col_int64(q, 0);
        r->learner_id = store_col_int64(q, 1);
        r->learner_name = store_col_dup(q, 2, a);
        r->purpose = store_col_dup(q, 3, a);
        r->recipient = store_col_dup(q, 4, a);
        r->category = store_col_dup(q, 5, a);
        r->day = store_col_dup(q, 6, a);
        buf b = BUF_INIT;
        if (consent_text_open(st, institution_id, store_col_text(q, 7), &b, err) < 0) bad = 1;
        r->reason = arena_strdup(a, buf_cstr(&b));
        buf_free(&b);
        r->account_name = store_col_dup(q, 8, a);
        r->at = store_col_dup(q, 9, a);
    }
    store_finalize(q);
    return rc < 0 || bad ? -1 : 0;
}
