/*
** support/intervention.c — the intervention catalogue: its choices, the
** checks of an entry's fields, and reading and writing entries (see
** support/intervention.h).
*/
#include "support/intervention.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

const intervention_choice intervention_tiers[INTERVENTION_TIERS] = {
    {"universal", "Universal (every learner)"},
    {"selective", "Selective (learners at risk)"},
    {"individual", "Individual (one learner, intensive)"},
};

const intervention_choice intervention_evidence_levels[INTERVENTION_EVIDENCE_LEVELS] = {
    {"strong", "Strong: well-run randomised trials or meta-analyses"},
    {"moderate", "Moderate: at least one controlled study"},
    {"promising", "Promising: correlational or mixed evidence"},
    {"rationale", "A rationale only: theory and experience, no outcome studies"},
};

const char *const intervention_field_names[IV_F_COUNT] = {
    "name", "tier", "needs", "dosage", "duration_weeks", "delivered_by", "evidence_level",
    "evidence_source",
};

/* The msgid naming code among list (see intervention.h). */
const char *intervention_choice_name(const intervention_choice *list, size_t n,
                                     const char *code) {
    for (size_t i = 0; i < n; i++)
        if (code && !strcmp(list[i].code, code)) return list[i].name;
    return code ? code : "";
}

/* One English sentence about p (see intervention.h). */
const char *intervention_problem_text(intervention_problem p) {
    switch (p) {
    case IV_OK: return "no problem";
    case IV_MISSING: return "this field is required";
    case IV_TOO_LONG: return "this field is too long";
    case IV_BAD_TEXT: return "this field holds control characters or broken text";
    case IV_BAD_CHOICE: return "this is not one of the values offered";
    case IV_OUT_OF_RANGE: return "this number is outside its range";
    case IV_TAKEN: return "another entry of the catalogue has this name";
    case IV_BAD_DATE: return "this is not a date written YYYY-MM-DD";
    case IV_UNKNOWN: return "there is no such person in the institution";
    case IV_ALREADY: return "this is recorded already";
    }
    return "refused";
}

/* The length of the well-formed UTF-8 sequence at s (n bytes left), 0 when
** it is not well-formed; *cp its code point. */
static size_t utf8_one(const unsigned char *s, size_t n, unsigned *cp) {
    unsigned c = s[0], min;
    size_t len;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; c &= 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; c &= 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; c &= 0x07; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return len;
}

/* Check one line of text (see intervention.h). */
intervention_problem intervention_text_check(const char *s, size_t max, char *out, size_t cap) {
    assert(cap >= INTERVENTION_BYTES(max));
    out[0] = 0;
    if (!s) return IV_MISSING;
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (!n) return IV_MISSING;
    size_t chars = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t len = utf8_one((const unsigned char *)s + i, n - i, &cp);
        if (!len || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return IV_BAD_TEXT;
        chars++;
        i += len;
    }
    if (chars > max) return IV_TOO_LONG;
    memcpy(out, s, n);
    out[n] = 0;
    return IV_OK;
}

/* Check the needs list (comma-separated codes) into out, in domain order
** without repeats. */
static intervention_problem needs_check(const char *s, char *out, size_t cap) {
    int have[SUPPORT_DOMAIN_COUNT] = {0}, any = 0;
    out[0] = 0;
    for (const char *p = s ? s : ""; *p;) {
        while (*p == ',' || *p == ' ') p++;
        size_t len = strcspn(p, ", ");
        if (!len) break;
        int found = 0;
        for (int i = 0; i < SUPPORT_DOMAIN_COUNT; i++)
            if (strlen(support_domains[i].code) == len &&
                !strncmp(support_domains[i].code, p, len)) {
                have[i] = found = any = 1;
            }
        if (!found) return IV_BAD_CHOICE;
        p += len;
    }
    if (!any) return IV_MISSING;
    size_t w = 0;
    for (int i = 0; i < SUPPORT_DOMAIN_COUNT; i++) {
        if (!have[i]) continue;
        size_t len = strlen(support_domains[i].code);
        assert(w + len + 2 <= cap);
        if (w) out[w++] = ',';
        memcpy(out + w, support_domains[i].code, len);
        w += len;
        out[w] = 0;
    }
    return IV_OK;
}

/* Check code against list into out (cap bytes). */
static intervention_problem choice_check(const char *code, const intervention_choice *list,
                                         size_t n, char *out, size_t cap) {
    out[0] = 0;
    if (!code || !*code) return IV_MISSING;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].code, code)) {
            assert(strlen(code) < cap);
            strcpy(out, code);
            return IV_OK;
        }
    return IV_BAD_CHOICE;
}

/* Check the weeks text (empty = the default). */
static intervention_problem weeks_check(const char *s, int *weeks) {
    *weeks = INTERVENTION_WEEKS_DEFAULT;
    if (!s) return IV_OK;
    while (*s == ' ') s++;
    if (!*s) return IV_OK;
    char *end;
    long v = strtol(s, &end, 10);
    while (*end == ' ') end++;
    if (*end || end == s || v < INTERVENTION_WEEKS_MIN || v > INTERVENTION_WEEKS_MAX)
        return IV_OUT_OF_RANGE;
    *weeks = (int)v;
    return IV_OK;
}

/* Check every field (see intervention.h). */
int intervention_validate(const char *const in[IV_F_COUNT], intervention *out,
                          intervention_problem prob[IV_F_COUNT]) {
    prob[IV_F_NAME] = intervention_text_check(in[IV_F_NAME], INTERVENTION_NAME_MAX, out->name,
                                 sizeof out->name);
    prob[IV_F_TIER] = choice_check(in[IV_F_TIER], intervention_tiers, INTERVENTION_TIERS,
                                   out->tier, sizeof out->tier);
    prob[IV_F_NEEDS] = needs_check(in[IV_F_NEEDS], out->needs, sizeof out->needs);
    prob[IV_F_DOSAGE] = intervention_text_check(in[IV_F_DOSAGE], INTERVENTION_TEXT_MAX, out->dosage,
                                   sizeof out->dosage);
    prob[IV_F_DURATION] = weeks_check(in[IV_F_DURATION], &out->duration_weeks);
    prob[IV_F_DELIVERED_BY] = intervention_text_check(in[IV_F_DELIVERED_BY], INTERVENTION_TEXT_MAX,
                                         out->delivered_by, sizeof out->delivered_by);
    prob[IV_F_EVIDENCE_LEVEL] = choice_check(in[IV_F_EVIDENCE_LEVEL],
                                             intervention_evidence_levels,
                                             INTERVENTION_EVIDENCE_LEVELS, out->evidence_level,
                                             sizeof out->evidence_level);
    prob[IV_F_EVIDENCE_SOURCE] = intervention_text_check(in[IV_F_EVIDENCE_SOURCE], INTERVENTION_SOURCE_MAX,
                                            out->evidence_source, sizeof out->evidence_source);
    int bad = 0;
    for (int i = 0; i < IV_F_COUNT; i++) bad += prob[i] != IV_OK;
    return bad;
}

/* Bind the fields of e to s from index first (name .. evidence_source, 8). */
static void bind_entry(store_stmt *s, int first, const intervention *e) {
    store_bind_text(s, first, e->name, (size_t)-1);
    store_bind_text(s, first + 1, e->tier, (size_t)-1);
    store_bind_text(s, first + 2, e->needs, (size_t)-1);
    store_bind_text(s, first + 3, e->dosage, (size_t)-1);
    store_bind_int64(s, first + 4, e->duration_weeks);
    store_bind_text(s, first + 5, e->delivered_by, (size_t)-1);
    store_bind_text(s, first + 6, e->evidence_level, (size_t)-1);
    store_bind_text(s, first + 7, e->evidence_source, (size_t)-1);
}

/* Add or change an entry (see intervention.h). */
int intervention_save(store *st, int64_t institution_id, int64_t id,
                      const char *const in[IV_F_COUNT], int64_t *out_id,
                      intervention_problem prob[IV_F_COUNT], cairn_err *err) {
    intervention *e = xcalloc(1, sizeof *e);
    if (intervention_validate(in, e, prob)) {
        free(e);
        return 1;
    }
    char now[32];
    date_now_iso(now);
    int64_t taken = 0, next = 0;
    int rc = -1;
    store_stmt *s = NULL;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) goto out;
    s = store_prepare(st, "SELECT count(*) FROM intervention WHERE institution_id = ?"
                          " AND name = ? AND id <> ?", err);
    if (!s) goto out;
    store_bind_int64(s, 1, institution_id);
    store_bind_text(s, 2, e->name, (size_t)-1);
    store_bind_int64(s, 3, id);
    if (store_step(s, err) != STORE_ROW) goto out;
    taken = store_col_int64(s, 0);
    store_finalize(s);
    s = NULL;
    if (taken) {
        prob[IV_F_NAME] = IV_TAKEN;
        store_tx_rollback(st);
        free(e);
        return 1;
    }
    if (id == 0) {
        if (store_query_int64(st, "SELECT coalesce(max(id), 0) FROM intervention"
                                  " WHERE institution_id = ?", institution_id, &next, err) < 0)
            goto out;
        id = next + 1;
        s = store_prepare(st, "INSERT INTO intervention (institution_id, id, name, tier, needs,"
                              " dosage, duration_weeks, delivered_by, evidence_level,"
                              " evidence_source, created_at, updated_at)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
        if (!s) goto out;
        store_bind_int64(s, 1, institution_id);
        store_bind_int64(s, 2, id);
        bind_entry(s, 3, e);
        store_bind_text(s, 11, now, (size_t)-1);
        store_bind_text(s, 12, now, (size_t)-1);
    } else {
        s = store_prepare(st, "UPDATE intervention SET name = ?, tier = ?, needs = ?, dosage = ?,"
                              " duration_weeks = ?, delivered_by = ?, evidence_level = ?,"
                              " evidence_source = ?, updated_at = ?"
                              " WHERE institution_id = ? AND id = ?", err);
        if (!s) goto out;
        bind_entry(s, 1, e);
        store_bind_text(s, 9, now, (size_t)-1);
        store_bind_int64(s, 10, institution_id);
        store_bind_int64(s, 11, id);
    }
    if (store_step(s, err) < 0) goto out;
    if (store_changes(s) != 1) {
        err_set(err, CAIRN_ENOTFOUND, "there is no intervention %lld", (long long)id);
        goto out;
    }
    store_finalize(s);
    s = NULL;
    if (store_tx_commit(st, err) < 0) goto out;
    if (out_id) *out_id = id;
    rc = 0;
out:
    store_finalize(s);
    if (rc < 0) store_tx_rollback(st);
    free(e);
    return rc;
}

#define ENTRY_COLS "id, name, tier, needs, dosage, duration_weeks, delivered_by,"  \
                   " evidence_level, evidence_source"

/* Copy a text column into dst (cap bytes). */
static void col_copy(store_stmt *s, int col, char *dst, size_t cap) {
    str_copy(dst, cap, store_col_text(s, col) ? store_col_text(s, col) : "");
}

/* Read the ENTRY_COLS of the current row, from column first, into e. */
static void entry_read(store_stmt *s, int first, intervention *e) {
    e->id = store_col_int64(s, first);
    col_copy(s, first + 1, e->name, sizeof e->name);
    col_copy(s, first + 2, e->tier, sizeof e->tier);
    col_copy(s, first + 3, e->needs, sizeof e->needs);
    col_copy(s, first + 4, e->dosage, sizeof e->dosage);
    e->duration_weeks = (int)store_col_int64(s, first + 5);
    col_copy(s, first + 6, e->delivered_by, sizeof e->delivered_by);
    col_copy(s, first + 7, e->evidence_level, sizeof e->evidence_level);
    col_copy(s, first + 8, e->evidence_source, sizeof e->evidence_source);
}

/* Entry id (see intervention.h). */
int intervention_get(store *st, int64_t institution_id, int64_t id, intervention *out,
                     cairn_err *err) {
    store_stmt *s = store_prepare(st, "SELECT " ENTRY_COLS " FROM intervention"
                                      " WHERE institution_id = ? AND id = ?", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    store_bind_int64(s, 2, id);
    int rc = store_step(s, err);
    memset(out, 0, sizeof *out);
    if (rc == STORE_ROW) entry_read(s, 0, out);
    store_finalize(s);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* The catalogue with counts (see intervention.h). */
int intervention_list(store *st, int64_t institution_id, intervention **rows, size_t *n,
                      cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT " ENTRY_COLS ","
        " (SELECT count(*) FROM intervention_run r WHERE r.institution_id = i.institution_id"
        "  AND r.intervention_id = i.id),"
        " (SELECT count(*) FROM intervention_participation p JOIN intervention_run r"
        "  ON r.institution_id = p.institution_id AND r.id = p.run_id"
        "  WHERE r.institution_id = i.institution_id AND r.intervention_id = i.id)"
        " FROM intervention i WHERE i.institution_id = ?"
        " ORDER BY CASE tier WHEN 'universal' THEN 1 WHEN 'selective' THEN 2 ELSE 3 END,"
        " name, id", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        intervention *e = &(*rows)[(*n)++];
        memset(e, 0, sizeof *e);
        entry_read(s, 0, e);
        e->runs = (long)store_col_int64(s, 9);
        e->participants = (long)store_col_int64(s, 10);
    }
    store_finalize(s);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}
