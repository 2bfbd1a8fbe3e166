/*
** support/consent.c — recording, withdrawing and listing consents (see
** consent.h).  The check and the override are in consent_check.c, the
** receipt in consent_receipt.c.
*/
#include "support/consent.h"
#include "base/date.h"
#include "support/actions.h"
#include "support/audit.h"
#include "support/sealed.h"
#include "support/setting.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const support_consent_purpose_codes[SUPPORT_CONSENT_PURPOSES] = {
    "early_warning", "share_organisation", "family_access", "service_contact"};

const char *const support_consent_category_codes[SUPPORT_CONSENT_CATEGORIES] = {
    "identity", "contact", "attendance", "results", "behaviour",
    "engagement", "risk", "support", "health"};

/* 1 if code is in list[0..n). */
static int code_in(const char *code, const char *const *list, size_t n) {
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(code, list[i]) == 0) return 1;
    return 0;
}

/* 1 if code is a purpose (see consent.h). */
int support_consent_purpose_ok(const char *code) {
    return code_in(code, support_consent_purpose_codes, SUPPORT_CONSENT_PURPOSES);
}

/* 1 if code is a data category (see consent.h). */
int support_consent_category_ok(const char *code) {
    return code_in(code, support_consent_category_codes, SUPPORT_CONSENT_CATEGORIES);
}

/* The English name of a purpose (see consent.h). */
const char *support_consent_purpose_name(const char *code) {
    static const char *const names[SUPPORT_CONSENT_PURPOSES] = {
        "Early-warning processing", "Sharing with a named organisation", "Family access",
        "Contact by a service"};
    for (size_t i = 0; code && i < SUPPORT_CONSENT_PURPOSES; i++)
        if (strcmp(code, support_consent_purpose_codes[i]) == 0) return names[i];
    return "";
}

/* 1 if the purpose names a recipient (see consent.h). */
int support_consent_purpose_has_recipient(const char *code) {
    return support_consent_purpose_ok(code) && strcmp(code, "early_warning") != 0;
}

/* Fill *p with field and a formatted sentence; returns 1 ("refused"). */
static int refuse(support_consent_problem *p, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(support_consent_problem *p, const char *field, const char *fmt, ...) {
    if (!p) return 1;
    va_list ap;
    va_start(ap, fmt);
    p->field = field;
    vsnprintf(p->text, sizeof p->text, fmt, ap);
    va_end(ap);
    return 1;
}

/* Seal a note for storing (see consent.h): an empty note stays "" (no
** note; erasure blanks to ""), anything else goes through
** support_text_seal (support/sealed.h). */
int consent_text_seal(store *st, int64_t institution_id, const char *plain, buf *out,
                      cairn_err *err) {
    buf_reset(out);
    if (!plain || !*plain) return 0;
    return support_text_seal(st, institution_id, plain, out, err);
}

/* Open a stored note (see consent.h): "" stays "", sealed text is opened,
** and text stored before sealing (plain) is given as it is. */
int consent_text_open(store *st, int64_t institution_id, const char *stored, buf *out,
                      cairn_err *err) {
    buf_reset(out);
    if (!stored || !*stored) return 0;
    if (!support_text_is_sealed(stored)) {
        buf_puts(out, stored);   /* not HTML: text stored before sealing */
        return 0;
    }
    return support_text_open(st, institution_id, stored, out, err);
}

/* A day from text into *day and out (YYYY-MM-DD); empty = today when
** dflt_today, else *day = 0 and out "".  0 ok, -1 not a real date. */
static int day_parse(const char *s, int dflt_today, int32_t *day, char out[DATE_TEXT_LEN]) {
    out[0] = 0;
    *day = 0;
    if (!s || !*s) {
        if (dflt_today) {
            *day = date_today();
            date_format(*day, out);
        }
        return 0;
    }
    if (date_parse(s, strlen(s), day) != 0) return -1;
    date_format(*day, out);
    return 0;
}

/* Sort and de-duplicate the category codes of s (separated by commas or
** spaces) into out as "a,b".  0 ok; 1 refused (*p). */
static int categories_normalise(const char *s, buf *out, support_consent_problem *p) {
    int have[SUPPORT_CONSENT_CATEGORIES] = {0}, any = 0;
    const char *c = s ? s : "";
    while (*c) {
        while (*c == ',' || isspace((unsigned char)*c)) c++;
        size_t n = 0;
        while (c[n] && c[n] != ',' && !isspace((unsigned char)c[n])) n++;
        if (!n) break;
        int found = 0;
        for (size_t i = 0; i < SUPPORT_CONSENT_CATEGORIES; i++)
            if (strlen(support_consent_category_codes[i]) == n &&
                memcmp(support_consent_category_codes[i], c, n) == 0)
                have[i] = found = any = 1;
        if (!found)
            return refuse(p, "categories", "categories: \"%.*s\" is not a data category (identity, "
                          "contact, attendance, results, behaviour, engagement, risk, support, "
                          "health)", (int)(n > 40 ? 40 : n), c);
        c += n;
    }
    if (!any) return refuse(p, "categories", "categories: name at least one data category");
    buf_reset(out);
    for (size_t i = 0; i < SUPPORT_CONSENT_CATEGORIES; i++)   /* not HTML: stored codes */
        if (have[i]) buf_printf(out, "%s%s", out->len ? "," : "", support_consent_category_codes[i]);
    return 0;
}

/* Copy s without surrounding white space into out (at most cap-1 bytes);
** returns its length, or (size_t)-1 when longer. */
static size_t trim_copy(const char *s, char *out, size_t cap) {
    out[0] = 0;
    if (!s) return 0;
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (n >= cap) return (size_t)-1;
    memcpy(out, s, n);
    out[n] = 0;
    return n;
}

/* A note: empty, or a comment that support_comment_check accepts.  0 ok,
** 1 refused (*p, about field). */
static int note_ok(const char *note, const char *field, support_consent_problem *p) {
    char t[8];
    if (!note || trim_copy(note, t, sizeof t) == 0) return 0;
    support_problem sp;
    if (support_comment_check(note, &sp) == 0) return 0;
    return refuse(p, field, "%s: %s", field, sp == SUPPORT_COMMENT_TOO_LONG
                  ? "longer than 2000 characters"
                  : "must be UTF-8 text without control characters other than line breaks");
}

/* The id of guardian ref of learner with parental responsibility into *id
** (0 when there is none).  0, or -1 on error. */
static int guardian_find(store *st, int64_t inst, int64_t learner, const char *ref, int64_t *id,
                         cairn_err *err) {
    *id = 0;
    store_stmt *q = store_prepare(st,
        "SELECT g.id FROM guardian g JOIN learner_guardian lg ON lg.institution_id = g.institution_id"
        " AND lg.guardian_id = g.id WHERE g.institution_id = ? AND lg.learner_id = ? AND g.ref = ?"
        " AND lg.parental_responsibility = 1", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    store_bind_text(q, 3, ref ? ref : "", (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) *id = store_col_int64(q, 0);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Whether the learner decides alone on day: *alone 1/0, *age (or -1) and
** *limit the setting.  0, or -1 on error. */
static int learner_decides(store *st, int64_t inst, int64_t learner, int32_t day, int *alone,
                           int *age, int64_t *limit, cairn_err *err) {
    if (support_setting_get(st, inst, SUPPORT_CONSENT_AGE_ALONE, limit, err) < 0) return -1;
    *age = support_learner_age(st, inst, learner, day, err);
    if (*age < -1) return -1;
    *alone = *age >= 0 && *age >= *limit;
    return 0;
}

/* Check who gave (or withdraws): "learner" or "guardian" with guardian_ref,
** against the learner's age on day.  withdrawing: a learner may always
** withdraw.  *gid gets the guardian id.  0 ok, 1 refused, -1 error. */
static int giver_check(store *st, int64_t inst, int64_t learner, const char *by,
                       const char *gref, int32_t day, int withdrawing, int64_t *gid,
                       support_consent_problem *p, cairn_err *err) {
    int alone, age;
    int64_t limit;
    *gid = 0;
    if (!by || (strcmp(by, "learner") != 0 && strcmp(by, "guardian") != 0))
        return refuse(p, "given_by", "given_by: say who gives it: the learner or a guardian");
    if (learner_decides(st, inst, learner, day, &alone, &age, &limit, err) < 0) return -1;
    if (strcmp(by, "learner") == 0) {
        if (alone || withdrawing) return 0;
        if (age < 0)
            return refuse(p, "given_by", "given_by: the learner's date of birth is not known, so "
                          "a guardian with parental responsibility gives consent");
        return refuse(p, "given_by", "given_by: the learner is %d on that day; below %lld a "
                      "guardian with parental responsibility gives consent", age, (long long)limit);
    }
    if (alone)
        return refuse(p, "given_by", "given_by: the learner is %d and decides alone (from %lld "
                      "on); a guardian cannot give or withdraw it", age, (long long)limit);
    char ref[128];
    if (trim_copy(gref, ref, sizeof ref) == 0 || ref[0] == 0)
        return refuse(p, "guardian", "guardian: give the reference of the guardian who gives it");
    if (guardian_find(st, inst, learner, ref, gid, err) < 0) return -1;
    if (!*gid)
        return refuse(p, "guardian", "guardian: \"%.60s\" is not a guardian of this learner with "
                      "parental responsibility", ref);
    return 0;
}

/* The next id of table for inst (in the caller's transaction). */
static int next_id(store *st, const char *sql, int64_t inst, int64_t *id, cairn_err *err) {
    if (store_query_int64(st, sql, inst, id, err) < 0) return -1;
    (*id)++;
    return 0;
}

/* 1 if learner is a learner of inst; 0 no; -1 error. */
static int learner_exists(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT 1 FROM learner WHERE institution_id = ? AND id = ?",
                                  err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* Check the input of a consent; fills the normalised parts.  0, 1, -1. */
static int consent_input_check(store *st, int64_t inst, int64_t learner,
                               const support_consent_input *in, char recipient[201], buf *cats,
                               char from[DATE_TEXT_LEN], char until[DATE_TEXT_LEN],
                               const char **method, int64_t *gid, support_consent_problem *p,
                               cairn_err *err) {
    int32_t dfrom, duntil;
    if (!support_consent_purpose_ok(in->purpose))
        return refuse(p, "purpose", "purpose: choose one of early_warning, share_organisation, "
                      "family_access, service_contact");
    size_t rn = trim_copy(in->recipient, recipient, 201);
    if (!support_consent_purpose_has_recipient(in->purpose)) recipient[0] = 0;
    else if (rn == (size_t)-1)
        return refuse(p, "recipient", "recipient: at most 200 characters");
    else if (rn == 0)
        return refuse(p, "recipient", "recipient: name who receives the data (the organisation, "
                      "the service or the guardian)");
    if (categories_normalise(in->categories, cats, p)) return 1;
    if (day_parse(in->valid_from, 1, &dfrom, from) < 0)
        return refuse(p, "valid_from", "valid_from: a real day as YYYY-MM-DD, or empty for today");
    if (day_parse(in->valid_until, 0, &duntil, until) < 0)
        return refuse(p, "valid_until", "valid_until: a real day as YYYY-MM-DD, or empty for no end");
    if (until[0] && duntil < dfrom)
        return refuse(p, "valid_until", "valid_until: the end comes before the start (%s)", from);
    *method = in->method && *in->method ? in->method : "in_person";
    if (strcmp(*method, "in_person") && strcmp(*method, "paper") && strcmp(*method, "online"))
        return refuse(p, "method", "method: in_person, paper or online");
    if (note_ok(in->note, "note", p)) return 1;
    return giver_check(st, inst, learner, in->given_by, in->guardian_ref, dfrom, 0, gid, p, err);
}

/* Record a consent (see consent.h). */
int support_consent_record(store *st, int64_t institution_id, int64_t account, int64_t learner_id,
                           const support_consent_input *in, int64_t *id,
                           support_consent_problem *p, cairn_err *err) {
    char recipient[201], from[DATE_TEXT_LEN], until[DATE_TEXT_LEN], at[32], detail[200];
    const char *method = "in_person";
    int64_t gid = 0, cid = 0;
    buf cats = BUF_INIT, note = BUF_INIT;
    if (id) *id = 0;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) return -1;
    int rc = learner_exists(st, institution_id, learner_id, err);
    if (rc == 0) rc = refuse(p, "learner", "there is no such learner");
    else if (rc == 1)
        rc = consent_input_check(st, institution_id, learner_id, in, recipient, &cats, from, until,
                                 &method, &gid, p, err);
    if (rc == 0) rc = consent_text_seal(st, institution_id, in->note, &note, err);
    if (rc == 0)
        rc = next_id(st, "SELECT coalesce(max(id), 0) FROM consent WHERE institution_id = ?",
                     institution_id, &cid, err);
    if (rc == 0) {
        date_now_iso(at);
        store_stmt *q = store_prepare(st,
            "INSERT INTO consent (institution_id, id, learner_id, purpose, recipient, categories,"
            " valid_from, valid_until, given_by, guardian_id, method, note, recorded_by,"
            " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
        rc = q ? 0 : -1;
        if (q) {
            store_bind_int64(q, 1, institution_id);
            store_bind_int64(q, 2, cid);
            store_bind_int64(q, 3, learner_id);
            store_bind_text(q, 4, in->purpose, (size_t)-1);
            store_bind_text(q, 5, recipient, (size_t)-1);
            store_bind_text(q, 6, buf_cstr(&cats), (size_t)-1);
            store_bind_text(q, 7, from, (size_t)-1);
            if (until[0]) store_bind_text(q, 8, until, (size_t)-1);
            else store_bind_null(q, 8);
            store_bind_text(q, 9, in->given_by, (size_t)-1);
            if (gid) store_bind_int64(q, 10, gid);
            else store_bind_null(q, 10);
            store_bind_text(q, 11, method, (size_t)-1);
            store_bind_text(q, 12, buf_cstr(&note), (size_t)-1);
            if (account) store_bind_int64(q, 13, account);
            else store_bind_null(q, 13);
            store_bind_text(q, 14, at, (size_t)-1);
            rc = store_step(q, err) < 0 ? -1 : 0;
            store_finalize(q);
        }
    }
    if (rc == 0) {
        snprintf(detail, sizeof detail, "consent %lld %s given by %s", (long long)cid, in->purpose,
                 in->given_by);
        rc = support_audit_append(st, institution_id, account, "consent.record", learner_id,
                                  detail, err);
    }
    buf_free(&cats);
    buf_free(&note);
    if (rc != 0) {
        store_tx_rollback(st);
        return rc;
    }
    if (store_tx_commit(st, err) < 0) return -1;
    if (id) *id = cid;
    return 0;
}

/* Withdraw a consent (see consent.h). */
int support_consent_withdraw(store *st, int64_t institution_id, int64_t account,
                             int64_t learner_id, int64_t consent_id, const char *by,
                             const char *guardian_ref, const char *effective, const char *note,
                             support_consent_problem *p, cairn_err *err) {
    char eff[DATE_TEXT_LEN], at[32], detail[120];
    int32_t day;
    int64_t gid = 0, have = 0;
    buf sealed = BUF_INIT;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "SELECT (SELECT count(*) FROM consent_withdrawal w"
        " WHERE w.institution_id = c.institution_id AND w.consent_id = c.id)"
        " FROM consent c WHERE c.institution_id = ? AND c.learner_id = ? AND c.id = ?", err);
    int rc = q ? 0 : -1;
    if (q) {
        store_bind_int64(q, 1, institution_id);
        store_bind_int64(q, 2, learner_id);
        store_bind_int64(q, 3, consent_id);
        int r = store_step(q, err);
        if (r == STORE_ROW) have = store_col_int64(q, 0) ? 2 : 1;
        else if (r < 0) rc = -1;
        store_finalize(q);
    }
    if (rc == 0 && have == 0) rc = refuse(p, "consent", "consent: this learner has no such consent");
    if (rc == 0 && have == 2) rc = refuse(p, "consent", "consent: it was withdrawn already");
    if (rc == 0 && day_parse(effective, 1, &day, eff) < 0)
        rc = refuse(p, "effective", "effective: a real day as YYYY-MM-DD, or empty for today");
    if (rc == 0) rc = note_ok(note, "note", p);
    if (rc == 0)
        rc = giver_check(st, institution_id, learner_id, by, guardian_ref, day, 1, &gid, p, err);
    if (rc == 0) rc = consent_text_seal(st, institution_id, note, &sealed, err);
    if (rc == 0) {
        date_now_iso(at);
        q = store_prepare(st,
            "INSERT INTO consent_withdrawal (institution_id, consent_id, effective, withdrawn_by,"
            " guardian_id, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
        rc = q ? 0 : -1;
        if (q) {
            store_bind_int64(q, 1, institution_id);
            store_bind_int64(q, 2, consent_id);
            store_bind_text(q, 3, eff, (size_t)-1);
            store_bind_text(q, 4, by, (size_t)-1);
            if (gid) store_bind_int64(q, 5, gid);
            else store_bind_null(q, 5);
            store_bind_text(q, 6, buf_cstr(&sealed), (size_t)-1);
            if (account) store_bind_int64(q, 7, account);
            else store_bind_null(q, 7);
            store_bind_text(q, 8, at, (size_t)-1);
            rc = store_step(q, err) < 0 ? -1 : 0;
            store_finalize(q);
        }
    }
    if (rc == 0) {
        snprintf(detail, sizeof detail, "consent %lld withdrawn by %s from %s",
                 (long long)consent_id, by, eff);
        rc = support_audit_append(st, institution_id, account, "consent.withdraw", learner_id,
                                  detail, err);
    }
    buf_free(&sealed);
    if (rc != 0) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* A stored note opened and copied into a. */
static const char *note_dup(store *st, int64_t inst, arena *a, store_stmt *q, int col,
                            cairn_err *err, int *rc) {
    buf b = BUF_INIT;
    if (consent_text_open(st, inst, store_col_text(q, col), &b, err) < 0) *rc = -1;
    const char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* List consents (see consent.h). */
int support_consent_list(store *st, int64_t institution_id, int64_t learner_id, arena *a,
                         support_consent_row **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        "SELECT c.id, c.learner_id, c.purpose, c.recipient, c.categories, c.valid_from,"
        " c.valid_until, c.given_by, coalesce(g.given_name || ' ' || g.family_name, ''), c.method,"
        " c.note, coalesce(a.display_name, 'cairn'), c.recorded_at, w.effective, w.withdrawn_by,"
        " w.note, w.recorded_at, l.ref"
        " FROM consent c JOIN learner l ON l.institution_id = c.institution_id AND l.id = c.learner_id"
        " LEFT JOIN guardian g ON g.institution_id = c.institution_id AND g.id = c.guardian_id"
        " LEFT JOIN account a ON a.id = c.recorded_by"
        " LEFT JOIN consent_withdrawal w ON w.institution_id = c.institution_id"
        "  AND w.consent_id = c.id"
        " WHERE c.institution_id = ? AND (? = 0 OR c.learner_id = ?) ORDER BY c.id DESC", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, learner_id);
    store_bind_int64(q, 3, learner_id);
    size_t cap = 0;
    int rc, bad = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            support_consent_row *nr = arena_alloc(a, ncap * sizeof *nr);
            if (*n) memcpy(nr, *rows, *n * sizeof *nr);
            *rows = nr;
            cap = ncap;
        }
        support_consent_row *r = &(*rows)[(*n)++];
        r->id = store_col_int64(q, 0);
        r->learner_id = store_col_int64(q, 1);
        r->purpose = store_col_dup(q, 2, a);
        r->recipient = store_col_dup(q, 3, a);
        r->categories = store_col_dup(q, 4, a);
        r->valid_from = store_col_dup(q, 5, a);
        r->valid_until = store_col_dup(q, 6, a);
        r->given_by = store_col_dup(q, 7, a);
        r->guardian_name = store_col_dup(q, 8, a);
        r->method = store_col_dup(q, 9, a);
        r->note = note_dup(st, institution_id, a, q, 10, err, &bad);
        r->recorded_by = store_col_dup(q, 11, a);
        r->recorded_at = store_col_dup(q, 12, a);
        r->withdrawn = !store_col_is_null(q, 13);
        r->withdrawn_effective = store_col_dup(q, 13, a);
        r->withdrawn_by = store_col_dup(q, 14, a);
        r->withdrawal_note = r->withdrawn ? note_dup(st, institution_id, a, q, 15, err, &bad) : "";
        r->withdrawn_at = store_col_dup(q, 16, a);
        r->learner_ref = store_col_dup(q, 17, a);
    }
    store_finalize(q);
    return rc < 0 || bad ? -1 : 0;
}

/* The state of a consent on day (see consent.h). */
const char *support_consent_state(const support_consent_row *r, int32_t day) {
    char d[DATE_TEXT_LEN];
    date_format(day, d);
    if (r->withdrawn && strcmp(r->withdrawn_effective, d) <= 0) return "withdrawn";
    if (strcmp(r->valid_from, d) > 0) return "pending";
    if (r->valid_until[0] && strcmp(r->valid_until, d) < 0) return "expired";
    return "active";
}
