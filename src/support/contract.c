/*
** support/contract.c — the learner contract's words, its canonical text,
** and reading its versions (see contract.h).  The writers are in
** contract_write.c, verification in contract_verify.c.
*/
#include "support/contract.h"
#include "support/contract_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/plan.h"
#include "support/sealed.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_codes[CONTRACT_ROLE_COUNT] = {"learner", "guardian", "key_worker"};
static const char *const role_names[CONTRACT_ROLE_COUNT] = {"Learner", "Parent or guardian",
                                                            "Key worker"};
static const char *const method_codes[2] = {"screen", "paper"};

/* The code of role (see contract.h). */
const char *contract_role_code(int role) {
    return role >= 0 && role < CONTRACT_ROLE_COUNT ? role_codes[role] : NULL;
}

/* The English name of role (see contract.h). */
const char *contract_role_name(int role) {
    return role >= 0 && role < CONTRACT_ROLE_COUNT ? role_names[role] : "";
}

/* The role of code, or -1. */
int contract_role_parse(const char *code) {
    for (int i = 0; code && i < CONTRACT_ROLE_COUNT; i++)
        if (!strcmp(code, role_codes[i])) return i;
    return -1;
}

/* The code of a signing method. */
const char *contract_method_code(int method) {
    return method == 0 || method == 1 ? method_codes[method] : NULL;
}

/* The method of code, or -1. */
int contract_method_parse(const char *code) {
    for (int i = 0; code && i < 2; i++)
        if (!strcmp(code, method_codes[i])) return i;
    return -1;
}

/* The field of a problem (see contract.h). */
const char *contract_problem_field(contract_problem p) {
    switch (p) {
    case CONTRACT_TEXT_BAD: case CONTRACT_TEXT_MISSING: return "school_commits";
    case CONTRACT_DATE_BAD: return "review_on";
    case CONTRACT_ROLE_BAD: case CONTRACT_ALREADY_SIGNED: return "role";
    case CONTRACT_METHOD_BAD: return "method";
    case CONTRACT_NAME_MISSING: return "name";
    case CONTRACT_HASH_MISMATCH: return "version_sha256";
    case CONTRACT_SCAN_BAD: return "scan";
    default: return "";
    }
}

/* The English sentence of a problem (see contract.h). */
const char *contract_problem_text(contract_problem p) {
    switch (p) {
    case CONTRACT_OK: return "";
    case CONTRACT_NOT_YOURS: return "Only the case's key worker may change or sign the contract.";
    case CONTRACT_CASE_CLOSED: return "The case is closed: its contract cannot change.";
    case CONTRACT_TEXT_BAD:
        return "A commitment is too long (at most 2,000 characters) or holds characters that "
               "cannot be stored.";
    case CONTRACT_TEXT_MISSING: return "Write what the school and the learner commit to.";
    case CONTRACT_DATE_BAD: return "Give real dates; the review comes after the start.";
    case CONTRACT_FROZEN:
        return "This version has a signature and can no longer change. Amend it to make a new "
               "version.";
    case CONTRACT_NONE: return "There is no contract yet.";
    case CONTRACT_NOT_FROZEN: return "This version has no signature yet: change it instead.";
    case CONTRACT_ROLE_BAD: return "Choose who signs: the learner, a guardian or the key worker.";
    case CONTRACT_METHOD_BAD: return "Choose how it was signed: on screen or on paper.";
    case CONTRACT_NAME_MISSING:
        return "Type the name of the person signing (at most 200 characters).";
    case CONTRACT_HASH_MISMATCH:
        return "The contract changed since this page was opened. Read it again before signing.";
    case CONTRACT_ALREADY_SIGNED: return "This signature is there already.";
    case CONTRACT_SUPERSEDED: return "Only the current version can be signed.";
    case CONTRACT_SCAN_BAD: return "The scan could not be read. Upload it again.";
    }
    return "";
}

/* label, or the English dflt. */
static const char *lab(const char *label, const char *dflt) {
    return label && *label ? label : dflt;
}

/* Append text to out without trailing spaces on its lines, ending in LF. */
static void put_block(buf *out, const char *text) {
    const char *s = text ? text : "";
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        size_t k = n;
        while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r')) k--;
        buf_append(out, s, k);
        buf_putc(out, '\n');
        s += n + (e ? 1 : 0);
    }
}

/* Render a version's text (see contract.h). */
void support_contract_render(const contract_labels *L, int number, const char *learner,
                             const char *key_worker, const contract_parts *p,
                             const char *const *goals, size_t ngoals, buf *out) {
    assert(p && out && (goals || !ngoals));
    static const contract_labels none = {0};
    if (!L) L = &none;
    char day[DATE_TEXT_LEN];
    buf_printf(out, "%s\n%s: %d\n%s: %s\n%s: %s\n", lab(L->title, "Learner contract"),
               lab(L->version, "Version"), number, lab(L->learner, "Learner"),
               learner ? learner : "", lab(L->key_worker, "Key worker"),
               key_worker ? key_worker : "");
    if (p->starts_on > 0) {
        date_format(p->starts_on, day);
        buf_printf(out, "%s: %s\n", lab(L->starts, "Starts on"), day);
    }
    if (p->review_on > 0) {
        date_format(p->review_on, day);
        buf_printf(out, "%s: %s\n", lab(L->review, "Review by"), day);
    }
    buf_printf(out, "\n%s\n", lab(L->goals, "Goals"));
    if (!ngoals) buf_printf(out, "%s\n", lab(L->no_goals, "No goals agreed yet."));
    for (size_t i = 0; i < ngoals; i++) {
        buf_printf(out, "%zu. ", i + 1);
        put_block(out, goals[i]);
    }
    buf_printf(out, "\n%s\n", lab(L->school, "What the school commits to"));
    put_block(out, p->school_commits);
    buf_printf(out, "\n%s\n", lab(L->learner_part, "What the learner commits to"));
    put_block(out, p->learner_commits);
}

/* A number as the text shows it: no needless decimals. */
static void number_text(double v, char out[32]) {
    snprintf(out, 32, "%.10g", v);
}

/* One goal as text (see contract.h). */
void support_contract_goal_text(const contract_labels *L, const support_goal *g, buf *out) {
    static const contract_labels none = {0};
    if (!L) L = &none;
    char base[32], target[32], day[DATE_TEXT_LEN];
    number_text(g->baseline, base);
    number_text(g->target, target);
    date_format(g->due_on, day);
    buf_printf(out, "%s\n   %s: %s", g->what, lab(L->measure, "Measure"), g->measure);
    if (g->has_baseline) buf_printf(out, ", %s %s", lab(L->from, "from"), base);
    buf_printf(out, " %s %s, %s %s", lab(L->to, "to"), target, lab(L->by, "by"), day);
    if (g->learner_step[0])
        buf_printf(out, "\n   %s: %s", lab(L->step, "The learner's step"), g->learner_step);
    if (g->support[0])
        buf_printf(out, "\n   %s: %s", lab(L->support, "The school's support"), g->support);
    if (g->helper[0]) buf_printf(out, "\n   %s: %s", lab(L->helper, "Who helps"), g->helper);
}

/* The learner's account language (see contract.h). */
int support_contract_language(store *st, int64_t inst, int64_t learner_id, char out[8],
                              cairn_err *err) {
    out[0] = 0;
    store_stmt *q = store_prepare(st, "SELECT language FROM account WHERE institution_id = ?"
                                      " AND person_kind = 'learner' AND person_id = ?"
                                      " AND language IS NOT NULL AND language <> ''"
                                      " ORDER BY id LIMIT 1", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) str_copy(out, 8, store_col_text(q, 0));
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Free one version's texts. */
void support_contract_version_free(contract_version *v) {
    if (!v) return;
    free(v->school_commits);
    free(v->learner_commits);
    free(v->text);
    v->school_commits = v->learner_commits = v->text = NULL;
}

/* Free a list of versions and the list. */
void support_contract_versions_free(contract_version *v, size_t n) {
    for (size_t i = 0; v && i < n; i++) support_contract_version_free(&v[i]);
    free(v);
}

/* Open stored sealed text into a malloc'd string (NULL on error). */
char *contract_open_dup(store *st, int64_t inst, const char *stored, cairn_err *err) {
    buf plain = BUF_INIT;   /* not HTML: the opened text */
    if (stored && *stored && support_text_open(st, inst, stored, &plain, err) < 0) {
        buf_free(&plain);
        return NULL;
    }
    char *s = xstrdup(buf_cstr(&plain));
    buf_free(&plain);
    return s;
}

/* A stored day as a number (0 for none). */
static int32_t day_of(const char *s) {
    int32_t d = 0;
    if (!s || date_parse(s, strlen(s), &d) < 0) return 0;
    return d;
}

/* The code as printed: four groups of four. */
void contract_code_print(const char *code, char out[CONTRACT_CODE_TEXT]) {
    size_t k = 0;
    for (size_t i = 0; code[i] && i < CONTRACT_CODE_CHARS; i++) {
        if (i && i % 4 == 0) out[k++] = '-';
        out[k++] = code[i];
    }
    out[k] = 0;
}

/* Read the signatures of version v (with names opened when names). */
int contract_signatures_read(store *st, int64_t inst, contract_version *v, int names,
                             cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT id, role, account_id, name, initials, signed_at,"
                                      " method, scan_sha256, version_sha256"
                                      " FROM contract_signature WHERE institution_id = ?"
                                      " AND version_id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, v->id);
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        int role = contract_role_parse(store_col_text(q, 1));
        if (role < 0) continue;
        contract_signature *s = &v->sig[role];
        s->id = store_col_int64(q, 0);
        s->role = role;
        s->account_id = store_col_int64(q, 2);
        if (names) {
            char *name = contract_open_dup(st, inst, store_col_text(q, 3), err);
            if (!name) {
                rc = -1;
                break;
            }
            str_copy(s->name, sizeof s->name, name);
            free(name);
        }
        str_copy(s->initials, sizeof s->initials, store_col_text(q, 4));
        str_copy(s->signed_at, sizeof s->signed_at, store_col_text(q, 5));
        s->method = contract_method_parse(store_col_text(q, 6));
        str_copy(s->scan_sha256, sizeof s->scan_sha256, store_col_text(q, 7));
        str_copy(s->version_sha256, sizeof s->version_sha256, store_col_text(q, 8));
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Every version of a case (see contract.h). */
int support_contract_versions(store *st, int64_t inst, int64_t case_id, contract_version **rows,
                              size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, "SELECT v.id, v.number, v.language, v.code,"
                                      " v.school_commits, v.learner_commits, v.starts_on,"
                                      " v.review_on, v.body, v.sha256, v.created_at,"
                                      " v.signed_at, c.learner_id FROM contract_version v"
                                      " JOIN support_case c ON c.institution_id ="
                                      " v.institution_id AND c.id = v.case_id"
                                      " WHERE v.institution_id = ? AND v.case_id = ?"
                                      " ORDER BY v.number DESC", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    size_t cap = 0;
    int rc, later_signed = 0;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        contract_version *v = &(*rows)[(*n)++];
        memset(v, 0, sizeof *v);
        v->id = store_col_int64(q, 0);
        v->case_id = case_id;
        v->number = (int)store_col_int64(q, 1);
        str_copy(v->language, sizeof v->language, store_col_text(q, 2));
        contract_code_print(store_col_text(q, 3), v->code);
        v->school_commits = contract_open_dup(st, inst, store_col_text(q, 4), err);
        v->learner_commits = contract_open_dup(st, inst, store_col_text(q, 5), err);
        v->starts_on = day_of(store_col_text(q, 6));
        v->review_on = day_of(store_col_text(q, 7));
        v->text = contract_open_dup(st, inst, store_col_text(q, 8), err);
        str_copy(v->sha256, sizeof v->sha256, store_col_text(q, 9));
        str_copy(v->created_at, sizeof v->created_at, store_col_text(q, 10));
        str_copy(v->signed_at, sizeof v->signed_at, store_col_text(q, 11));
        v->learner_id = store_col_int64(q, 12);
        v->superseded = later_signed;
        if (v->signed_at[0]) later_signed = 1;
        if (!v->school_commits || !v->learner_commits || !v->text) {
            rc = -1;
            break;
        }
    }
    store_finalize(q);
    for (size_t i = 0; rc >= 0 && i < *n; i++)
        if (contract_signatures_read(st, inst, &(*rows)[i], 1, err) < 0) rc = -1;
    if (rc >= 0 && *n) {
        int g = support_contract_guardian_required(st, inst, (*rows)[0].learner_id,
                                                   date_today(), err);
        if (g < 0) rc = -1;
        for (size_t i = 0; i < *n; i++) (*rows)[i].guardian_required = g > 0;
    }
    if (rc < 0) {
        support_contract_versions_free(*rows, *n);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The short state for the case page (see contract.h). */
int support_contract_state(store *st, int64_t inst, int64_t case_id, contract_state *out,
                           cairn_err *err) {
    memset(out, 0, sizeof *out);
    store_stmt *q = store_prepare(st, "SELECT v.id, v.number, v.signed_at, c.learner_id"
                                      " FROM contract_version v JOIN support_case c"
                                      " ON c.institution_id = v.institution_id AND c.id = v.case_id"
                                      " WHERE v.institution_id = ? AND v.case_id = ?"
                                      " ORDER BY v.number DESC LIMIT 1", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    contract_version v;
    memset(&v, 0, sizeof v);
    if (rc == STORE_ROW) {
        v.id = store_col_int64(q, 0);
        out->number = (int)store_col_int64(q, 1);
        str_copy(out->signed_at, sizeof out->signed_at, store_col_text(q, 2));
        v.learner_id = store_col_int64(q, 3);
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (!out->number) return 0;
    if (contract_signatures_read(st, inst, &v, 0, err) < 0) return -1;
    int g = support_contract_guardian_required(st, inst, v.learner_id, date_today(), err);
    if (g < 0) return -1;
    for (int r = 0; r < CONTRACT_ROLE_COUNT; r++) {
        if (v.sig[r].id) out->nsignatures++;
        else if (!out->signed_at[0] && (r != CONTRACT_ROLE_GUARDIAN || g)) out->missing[r] = 1;
    }
    return 0;
}
