/*
** support/contract_write.c — the learner contract's writers: the draft,
** amendments and signatures (see contract.h).  Each runs in the case
** writers' transaction (the institution's audit lock) with its audit event.
*/
#include "support/contract_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "support/case_internal.h"
#include "support/plan.h"
#include "support/sealed.h"
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set *problem to p and err to its sentence; returns 1. */
static int refuse(contract_problem p, contract_problem *problem, cairn_err *err) {
    if (problem) *problem = p;
    err_set(err, CAIRN_EINVAL, "%s", contract_problem_text(p));
    return 1;
}

/* The current version of case_id in the transaction: *id, *number (0 =
** none), its parts (malloc'd plain, when p_school / p_learner not NULL),
** its hash and how many signatures it has. */
typedef struct current {
    int64_t id;
    int     number, nsig;
    char    sha256[CRYPTO_SHA256_HEX_LEN];
    char    signed_at[32];
    char   *school, *learner;
    int32_t starts_on, review_on;
} current;

/* Read the current version of case_id into *cur (see above). */
static int current_read(store *st, int64_t inst, int64_t case_id, current *cur, cairn_err *err) {
    memset(cur, 0, sizeof *cur);
    store_stmt *q = store_prepare(st, "SELECT v.id, v.number, v.sha256, v.signed_at,"
                                      " v.school_commits, v.learner_commits, v.starts_on,"
                                      " v.review_on, (SELECT count(*) FROM contract_signature s"
                                      " WHERE s.institution_id = v.institution_id"
                                      " AND s.version_id = v.id) FROM contract_version v"
                                      " WHERE v.institution_id = ? AND v.case_id = ?"
                                      " ORDER BY v.number DESC LIMIT 1", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        cur->id = store_col_int64(q, 0);
        cur->number = (int)store_col_int64(q, 1);
        str_copy(cur->sha256, sizeof cur->sha256, store_col_text(q, 2));
        str_copy(cur->signed_at, sizeof cur->signed_at, store_col_text(q, 3));
        cur->school = contract_open_dup(st, inst, store_col_text(q, 4), err);
        cur->learner = contract_open_dup(st, inst, store_col_text(q, 5), err);
        const char *s = store_col_text(q, 6), *r = store_col_text(q, 7);
        if (s) date_parse(s, strlen(s), &cur->starts_on);
        if (r) date_parse(r, strlen(r), &cur->review_on);
        cur->nsig = (int)store_col_int64(q, 8);
        if (!cur->school || !cur->learner) rc = -1;
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Free what current_read opened. */
static void current_free(current *cur) {
    free(cur->school);
    free(cur->learner);
}

/* The goals of the case as the contract's text (a malloc'd list of
** malloc'd strings): the learning and career plans' goals that are not
** dropped; the health and well-being plan stays out (docs/decisions.md,
** "The learner contract"). */
static int goals_read(store *st, int64_t inst, int64_t case_id, const contract_labels *labels,
                      char ***goals, size_t *n, cairn_err *err) {
    *goals = NULL;
    *n = 0;
    support_goal *rows = NULL;
    size_t nrows = 0;
    if (support_goal_list(st, inst, case_id, SUPPORT_CASE_REL_KEY_WORKER, 0, &rows, &nrows,
                          err) < 0)
        return -1;
    *goals = xcalloc(nrows ? nrows : 1, sizeof **goals);
    for (size_t i = 0; i < nrows; i++) {
        if (rows[i].plan == SUPPORT_PLAN_HEALTH || rows[i].status == SUPPORT_GOAL_DROPPED)
            continue;
        buf t = BUF_INIT;   /* not HTML: the contract's text */
        support_contract_goal_text(labels, &rows[i], &t);
        (*goals)[(*n)++] = buf_detach(&t);
    }
    free(rows);
    return 0;
}

/* Free what goals_read made. */
static void goals_free(char **goals, size_t n) {
    for (size_t i = 0; i < n; i++) free(goals[i]);
    free(goals);
}

/* A fresh code (see contract_internal.h). */
void contract_code_new(char out[CONTRACT_CODE_CHARS + 1]) {
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    unsigned char r[CONTRACT_CODE_CHARS];
    crypto_random_bytes(r, sizeof r);
    for (int i = 0; i < CONTRACT_CODE_CHARS; i++) out[i] = alphabet[r[i] & 31];
    out[CONTRACT_CODE_CHARS] = 0;
}

/* Write version number of case k (insert when id is 0, else update the
** draft id) with parts p, rendered with labels; in the transaction. */
static int version_write(store *st, int64_t inst, int64_t account_id, const support_case *k,
                         int64_t id, int number, const contract_parts *p,
                         const contract_labels *labels, const char *lang, const char *now,
                         char sha[CRYPTO_SHA256_HEX_LEN], cairn_err *err) {
    char **goals = NULL;
    size_t ngoals = 0;
    if (goals_read(st, inst, k->id, labels, &goals, &ngoals, err) < 0) return -1;
    buf text = BUF_INIT, body = BUF_INIT, sc = BUF_INIT, lc = BUF_INIT;   /* not HTML: stored */
    support_contract_render(labels, number, k->learner_name, k->key_worker_name, p,
                            (const char *const *)goals, ngoals, &text);
    goals_free(goals, ngoals);
    crypto_sha256_hex(text.data ? text.data : "", text.len, sha);
    int rc = -1;
    char starts[DATE_TEXT_LEN] = "", review[DATE_TEXT_LEN] = "";
    if (p->starts_on > 0) date_format(p->starts_on, starts);
    if (p->review_on > 0) date_format(p->review_on, review);
    if (support_text_seal(st, inst, buf_cstr(&text), &body, err) < 0 ||
        support_text_seal(st, inst, p->school_commits, &sc, err) < 0 ||
        support_text_seal(st, inst, p->learner_commits, &lc, err) < 0)
        goto out;
    int64_t new_id = 0;
    char code[CONTRACT_CODE_CHARS + 1];
    store_stmt *q;
    if (id) {
        q = store_prepare(st, "UPDATE contract_version SET school_commits = ?, learner_commits = ?,"
                              " starts_on = ?, review_on = ?, body = ?, sha256 = ?, language = ?,"
                              " updated_at = ? WHERE institution_id = ? AND id = ?"
                              " AND signed_at IS NULL AND NOT EXISTS (SELECT 1 FROM"
                              " contract_signature s WHERE s.institution_id = ?"
                              " AND s.version_id = ?)", err);
    } else {
        if (store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM contract_version"
                                  " WHERE institution_id = ?", inst, &new_id, err) < 0)
            goto out;
        contract_code_new(code);
        q = store_prepare(st, "INSERT INTO contract_version (school_commits, learner_commits,"
                              " starts_on, review_on, body, sha256, language, updated_at,"
                              " institution_id, id, case_id, number, code, created_by,"
                              " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          err);
    }
    if (!q) goto out;
    store_bind_text(q, 1, buf_cstr(&sc), (size_t)-1);
    store_bind_text(q, 2, buf_cstr(&lc), (size_t)-1);
    if (starts[0]) store_bind_text(q, 3, starts, (size_t)-1);
    else store_bind_null(q, 3);
    if (review[0]) store_bind_text(q, 4, review, (size_t)-1);
    else store_bind_null(q, 4);
    store_bind_text(q, 5, buf_cstr(&body), (size_t)-1);
    store_bind_text(q, 6, sha, (size_t)-1);
    store_bind_text(q, 7, lang && *lang ? lang : "en", (size_t)-1);
    store_bind_text(q, 8, now, (size_t)-1);
    store_bind_int64(q, 9, inst);
    if (id) {
        store_bind_int64(q, 10, id);
        store_bind_int64(q, 11, inst);
        store_bind_int64(q, 12, id);
    } else {
        store_bind_int64(q, 10, new_id);
        store_bind_int64(q, 11, k->id);
        store_bind_int64(q, 12, number);
        store_bind_text(q, 13, code, (size_t)-1);
        if (account_id) store_bind_int64(q, 14, account_id);
        else store_bind_null(q, 14);
        store_bind_text(q, 15, now, (size_t)-1);
    }
    int s = store_step(q, err);
    int64_t changed = s < 0 ? 0 : store_changes(q);
    store_finalize(q);
    if (s < 0) goto out;
    if (changed != 1) {
        err_set(err, CAIRN_EINVAL, "%s", contract_problem_text(CONTRACT_FROZEN));
        goto out;
    }
    rc = 0;
out:
    buf_free(&text);
    buf_free(&body);
    buf_free(&sc);
    buf_free(&lc);
    return rc;
}

/* Audit one contract event about case k in the transaction. */
static int audit(store *st, int64_t inst, int64_t account_id, const support_case *k,
                 const char *action, const char *detail, cairn_err *err) {
    return support_case_audit(st, inst, account_id, k->learner_id, k->id, action, NULL, detail,
                              err);
}

/* Begin: check the relationship, open the transaction and read the case
** (not closed).  0 ready (in the transaction), 1 refused, -1 error. */
static int begin(store *st, int64_t inst, unsigned rel, int64_t case_id, int any_state,
                 support_case *k, contract_problem *problem, cairn_err *err) {
    if (!(rel & SUPPORT_CASE_REL_KEY_WORKER)) return refuse(CONTRACT_NOT_YOURS, problem, err);
    if (case_tx_begin(st, inst, err) < 0) return -1;
    int found = support_case_get(st, inst, case_id, 0, k, err);
    if (found <= 0) {
        if (!found) err_set(err, CAIRN_ENOTFOUND, "there is no case %lld", (long long)case_id);
        return case_tx_fail(st, -1);
    }
    if (k->state == SUPPORT_CASE_CLOSED && !any_state) {
        store_tx_rollback(st);
        return refuse(CONTRACT_CASE_CLOSED, problem, err);
    }
    return 0;
}

/* Write a version in one transaction with its audit event: with draft (its
** texts checked) the draft, over the current version while it has no
** signature, else version 1; without (NULL) an amendment, version n+1 from
** the current version once it has a signature.  *number the version
** written.  0, 1 refused (*problem), -1 error. */
static int version_save(store *st, int64_t inst, int64_t account_id, unsigned rel,
                        int64_t case_id, int any_state, const contract_parts *draft,
                        const contract_labels *labels, const char *lang, const char *at,
                        int *number, contract_problem *problem, cairn_err *err) {
    assert(st);
    support_case k;
    current cur = {0};
    int rc = begin(st, inst, rel, case_id, any_state, &k, problem, err);
    if (rc) return rc;
    rc = -1;
    if (current_read(st, inst, case_id, &cur, err) < 0) goto out;
    contract_problem why = draft ? (cur.number && cur.nsig ? CONTRACT_FROZEN : CONTRACT_OK)
                         : !cur.number ? CONTRACT_NONE
                         : !cur.nsig ? CONTRACT_NOT_FROZEN : CONTRACT_OK;
    if (why) {
        rc = refuse(why, problem, err);
        goto out;
    }
    char now[32], sha[CRYPTO_SHA256_HEX_LEN], detail[160];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    contract_parts p = {cur.school, cur.learner, cur.starts_on, cur.review_on};
    if (draft) p = *draft;
    int n = draft ? (cur.number ? cur.number : 1) : cur.number + 1;
    if (version_write(st, inst, account_id, &k, draft ? cur.id : 0, n, &p, labels, lang, now, sha,
                      err) < 0)
        goto out;
    if (draft)
        snprintf(detail, sizeof detail, "case %lld: contract version %d drafted, sha256 %.16s",
                 (long long)case_id, n, sha);
    else
        snprintf(detail, sizeof detail, "case %lld: contract version %d amended as version %d",
                 (long long)case_id, cur.number, n);
    if (audit(st, inst, account_id, &k, draft ? "contract.draft" : "contract.amend", detail,
              err) < 0 ||
        store_tx_commit(st, err) < 0)
        goto out;
    if (number) *number = n;
    rc = 0;
out:
    if (rc) store_tx_rollback(st);   /* also after a failed commit: then none is open */
    current_free(&cur);
    return rc;
}

/* Save the draft (see contract.h; any_state: contract_internal.h). */
int contract_draft_write(store *st, int64_t inst, int64_t account_id, unsigned rel,
                         int64_t case_id, int any_state, const contract_parts *parts,
                         const contract_labels *labels, const char *lang, const char *at,
                         int *number, contract_problem *problem, cairn_err *err) {
    assert(st && parts);
    if (problem) *problem = CONTRACT_OK;
    char *school = xmalloc(SUPPORT_CASE_TEXT_BYTES), *learner = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_problem p1 = SUPPORT_CASE_OK, p2 = SUPPORT_CASE_OK;
    int rc;
    if (support_case_reason_check(parts->school_commits, school, &p1) ||
        support_case_reason_check(parts->learner_commits, learner, &p2)) {
        rc = refuse(CONTRACT_TEXT_BAD, problem, err);
        goto out;
    }
    if (!school[0] && !learner[0]) {
        rc = refuse(CONTRACT_TEXT_MISSING, problem, err);
        goto out;
    }
    if (parts->starts_on < 0 || parts->review_on < 0 ||
        (parts->starts_on > 0 && parts->review_on > 0 && parts->review_on < parts->starts_on)) {
        rc = refuse(CONTRACT_DATE_BAD, problem, err);
        goto out;
    }
    contract_parts p = *parts;
    p.school_commits = school;
    p.learner_commits = learner;
    rc = version_save(st, inst, account_id, rel, case_id, any_state, &p, labels, lang, at, number,
                      problem, err);
out:
    free(school);
    free(learner);
    return rc;
}

/* Amend (see contract.h; any_state: contract_internal.h). */
int contract_amend_write(store *st, int64_t inst, int64_t account_id, unsigned rel,
                         int64_t case_id, int any_state, const contract_labels *labels,
                         const char *lang, const char *at, int *number,
                         contract_problem *problem, cairn_err *err) {
    if (problem) *problem = CONTRACT_OK;
    return version_save(st, inst, account_id, rel, case_id, any_state, NULL, labels, lang, at,
                        number, problem, err);
}

/* 1 if s is 64 lowercase hex digits. */
static int is_sha256(const char *s) {
    size_t i = 0;
    for (; s[i]; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])) return 0;
    return i == 64;
}

/* The display name of account_id into out ("" when none). */
static int account_name(store *st, int64_t account_id, char *out, size_t cap, cairn_err *err) {
    out[0] = 0;
    store_stmt *q = store_prepare(st, "SELECT display_name FROM account WHERE id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, account_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) str_copy(out, cap, store_col_text(q, 0));
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Check a typed signer name into out: 1..CONTRACT_NAME_MAX characters, one
** line.  0 fine, 1 not. */
static int name_check(const char *name, char *out) {
    support_case_problem p;
    if (!name || support_case_reason_check(name, out, &p) || !out[0] || strchr(out, '\n'))
        return 1;
    size_t chars = 0;
    for (const unsigned char *c = (const unsigned char *)out; *c; c++) chars += (*c & 0xC0) != 0x80;
    return chars > CONTRACT_NAME_MAX;
}

/* Insert signature role of version cur (in the transaction). */
static int signature_insert(store *st, int64_t inst, int64_t account_id, const current *cur,
                            const contract_sign_spec *spec, const char *name, const char *now,
                            cairn_err *err) {
    buf sealed = BUF_INIT;   /* not HTML: the stored name */
    int64_t id = 0;
    char initials[16];
    support_contract_initials(name, initials, sizeof initials);
    if (support_text_seal(st, inst, name, &sealed, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM contract_signature"
                              " WHERE institution_id = ?", inst, &id, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    store_stmt *q = store_prepare(st, "INSERT INTO contract_signature (institution_id, id,"
                                      " version_id, role, account_id, name, initials, signed_at,"
                                      " method, scan_sha256, version_sha256, recorded_by)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
    int rc = -1;
    if (q) {
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, id);
        store_bind_int64(q, 3, cur->id);
        store_bind_text(q, 4, contract_role_code(spec->role), (size_t)-1);
        if (spec->role == CONTRACT_ROLE_KEY_WORKER && account_id)
            store_bind_int64(q, 5, account_id);
        else store_bind_null(q, 5);
        store_bind_text(q, 6, buf_cstr(&sealed), (size_t)-1);
        store_bind_text(q, 7, initials, (size_t)-1);
        store_bind_text(q, 8, now, (size_t)-1);
        store_bind_text(q, 9, contract_method_code(spec->method), (size_t)-1);
        if (spec->scan_sha256 && *spec->scan_sha256)
            store_bind_text(q, 10, spec->scan_sha256, (size_t)-1);
        else store_bind_null(q, 10);
        store_bind_text(q, 11, spec->version_sha256, (size_t)-1);
        if (account_id) store_bind_int64(q, 12, account_id);
        else store_bind_null(q, 12);
        rc = store_step(q, err) < 0 ? -1 : 0;
        store_finalize(q);
    }
    buf_free(&sealed);
    return rc;
}

/* 1 when every required role has signed version_id (the guardian when
** guardian is 1). */
static int all_signed(store *st, int64_t inst, int64_t version_id, int guardian, cairn_err *err) {
    contract_version v;
    memset(&v, 0, sizeof v);
    v.id = version_id;
    if (contract_signatures_read(st, inst, &v, 0, err) < 0) return -1;
    return v.sig[CONTRACT_ROLE_LEARNER].id && v.sig[CONTRACT_ROLE_KEY_WORKER].id &&
           (!guardian || v.sig[CONTRACT_ROLE_GUARDIAN].id);
}

/* Mark version_id signed at now. */
static int mark_signed(store *st, int64_t inst, int64_t version_id, const char *now,
                       cairn_err *err) {
    store_stmt *q = store_prepare(st, "UPDATE contract_version SET signed_at = ?"
                                      " WHERE institution_id = ? AND id = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, now, (size_t)-1);
    store_bind_int64(q, 2, inst);
    store_bind_int64(q, 3, version_id);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Sign (see contract.h; any_state: contract_internal.h). */
int contract_sign_write(store *st, int64_t inst, int64_t account_id, unsigned rel,
                        int64_t case_id, int any_state, const contract_sign_spec *spec,
                        const char *at, int *now_signed, contract_problem *problem,
                        cairn_err *err) {
    assert(st && spec);
    if (problem) *problem = CONTRACT_OK;
    if (now_signed) *now_signed = 0;
    if (!(rel & SUPPORT_CASE_REL_KEY_WORKER)) return refuse(CONTRACT_NOT_YOURS, problem, err);
    if (!contract_role_code(spec->role)) return refuse(CONTRACT_ROLE_BAD, problem, err);
    if (!contract_method_code(spec->method)) return refuse(CONTRACT_METHOD_BAD, problem, err);
    if (spec->scan_sha256 && *spec->scan_sha256 && !is_sha256(spec->scan_sha256))
        return refuse(CONTRACT_SCAN_BAD, problem, err);
    char *name = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    int rc;
    current cur = {0};
    if (spec->role != CONTRACT_ROLE_KEY_WORKER && name_check(spec->name, name)) {
        rc = refuse(CONTRACT_NAME_MISSING, problem, err);
        goto out;
    }
    if (!spec->version_sha256 || !is_sha256(spec->version_sha256)) {
        rc = refuse(CONTRACT_HASH_MISMATCH, problem, err);
        goto out;
    }
    support_case k;
    rc = begin(st, inst, rel, case_id, any_state, &k, problem, err);
    if (rc) goto out;
    rc = -1;
    if (current_read(st, inst, case_id, &cur, err) < 0) goto fail;
    contract_problem why = !cur.number ? CONTRACT_NONE
                         : strcmp(cur.sha256, spec->version_sha256) ? CONTRACT_HASH_MISMATCH
                         : cur.signed_at[0] ? CONTRACT_ALREADY_SIGNED : CONTRACT_OK;
    if (!why) {
        contract_version v;
        memset(&v, 0, sizeof v);
        v.id = cur.id;
        if (contract_signatures_read(st, inst, &v, 0, err) < 0) goto fail;
        if (v.sig[spec->role].id) why = CONTRACT_ALREADY_SIGNED;
    }
    if (why) {
        store_tx_rollback(st);
        rc = refuse(why, problem, err);
        goto out;
    }
    if (spec->role == CONTRACT_ROLE_KEY_WORKER &&
        account_name(st, account_id, name, SUPPORT_CASE_TEXT_BYTES, err) < 0)
        goto fail;
    if (spec->role == CONTRACT_ROLE_KEY_WORKER && !name[0])
        str_copy(name, SUPPORT_CASE_TEXT_BYTES, k.key_worker_name);
    char now[32], detail[200];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    if (signature_insert(st, inst, account_id, &cur, spec, name, now, err) < 0) goto fail;
    snprintf(detail, sizeof detail, "case %lld: contract version %d signed by the %s (%s)",
             (long long)case_id, cur.number, contract_role_code(spec->role),
             contract_method_code(spec->method));
    if (audit(st, inst, account_id, &k, "contract.sign", detail, err) < 0) goto fail;
    int g = support_contract_guardian_required(st, inst, k.learner_id, case_day_of(now), err);
    int done = g < 0 ? -1 : all_signed(st, inst, cur.id, g, err);
    if (done < 0) goto fail;
    if (done) {
        snprintf(detail, sizeof detail, "case %lld: contract version %d signed by all",
                 (long long)case_id, cur.number);
        char num[16];
        snprintf(num, sizeof num, "%d", cur.number);
        if (mark_signed(st, inst, cur.id, now, err) < 0 ||
            case_history_add_in_tx(st, inst, case_id, now, account_id, "contract", num, "signed",
                                   "", err) < 0 ||
            audit(st, inst, account_id, &k, "contract.signed", detail, err) < 0)
            goto fail;
    }
    if (store_tx_commit(st, err) < 0) goto out;
    if (now_signed) *now_signed = done;
    rc = 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    current_free(&cur);
    free(name);
    return rc;
}

/* Save the draft (see contract.h): not on a closed case. */
int support_contract_draft_save(store *st, int64_t inst, int64_t account_id, unsigned rel,
                                int64_t case_id, const contract_parts *parts,
                                const contract_labels *labels, const char *lang,
                                const char *at, int *number, contract_problem *problem,
                                cairn_err *err) {
    return contract_draft_write(st, inst, account_id, rel, case_id, 0, parts, labels, lang, at,
                                number, problem, err);
}

/* Amend (see contract.h): not on a closed case. */
int support_contract_amend(store *st, int64_t inst, int64_t account_id, unsigned rel,
                           int64_t case_id, const contract_labels *labels, const char *lang,
                           const char *at, int *number, contract_problem *problem,
                           cairn_err *err) {
    return contract_amend_write(st, inst, account_id, rel, case_id, 0, labels, lang, at, number,
                                problem, err);
}

/* Sign (see contract.h): not on a closed case. */
int support_contract_sign(store *st, int64_t inst, int64_t account_id, unsigned rel,
                          int64_t case_id, const contract_sign_spec *spec, const char *at,
                          int *now_signed, contract_problem *problem, cairn_err *err) {
    return contract_sign_write(st, inst, account_id, rel, case_id, 0, spec, at, now_signed,
                               problem, err);
}
