/*
** support/demo_contract.c — the demo school's learner contracts: for the
** demo key worker's cases past the plan, a contract in each believable
** state: the closed case (returned to learning) had one signed before it
** closed; the monitored case signed one and amended it when the workshop
** trainer joined in (two versions, the second signed); the case whose plan was just agreed waits for the
** learner's signature.  Back-dated, made through the writers the pages use
** (so the audit log is as real), and only once.
*/
#include "support/demo.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/case.h"
#include "support/contract_internal.h"
#include <stdio.h>
#include <string.h>

/* "YYYY-MM-DDT10:00:00Z" for today minus days into out. */
static void demo_at(int days, char out[32]) {
    char d[DATE_TEXT_LEN];
    date_format(date_today() - days, d);
    snprintf(out, 32, "%sT10:00:00Z", d);
}

/* The first case of key worker staff in state (and outcome when > 0). */
static int64_t case_in(store *st, int64_t inst, int64_t staff, const char *state,
                       const char *outcome, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT id FROM support_case WHERE institution_id = ?"
                                      " AND key_worker_id = ? AND state = ?"
                                      " AND (? = '' OR outcome = ?) ORDER BY id LIMIT 1", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, staff);
    store_bind_text(q, 3, state, (size_t)-1);
    store_bind_text(q, 4, outcome, (size_t)-1);
    store_bind_text(q, 5, outcome, (size_t)-1);
    int rc = store_step(q, err);
    int64_t id = rc == STORE_ROW ? store_col_int64(q, 0) : 0;
    store_finalize(q);
    return rc < 0 ? -1 : id;
}

/* The learner's, guardian's (when needed) and key worker's signatures
** of the current version of case id, days ago; without the learner's when
** skip_learner. */
static int sign_all(store *st, int64_t inst, int64_t kw_account, int64_t id, int days,
                    int skip_learner, const char *learner, cairn_err *err) {
    contract_version *v = NULL;
    size_t n = 0;
    if (support_contract_versions(st, inst, id, &v, &n, err) < 0) return -1;
    if (!n) return 0;
    char sha[CRYPTO_SHA256_HEX_LEN], at[32];
    str_copy(sha, sizeof sha, v[0].sha256);
    int guardian = v[0].guardian_required;
    support_contract_versions_free(v, n);
    static const char *const scan =
        "3f1a9c0e5b7d2468ace13579bdf02468ace13579bdf02468ace13579bdf02468";
    contract_sign_spec kw = {CONTRACT_ROLE_KEY_WORKER, CONTRACT_ON_SCREEN, NULL, sha, NULL};
    contract_sign_spec ln = {CONTRACT_ROLE_LEARNER, CONTRACT_ON_SCREEN, learner, sha, NULL};
    contract_sign_spec gd = {CONTRACT_ROLE_GUARDIAN, CONTRACT_ON_PAPER, "Maria Demo-Guardian",
                             sha, scan};
    contract_problem p;
    demo_at(days, at);
    if (contract_sign_write(st, inst, kw_account, SUPPORT_CASE_REL_KEY_WORKER, id, 1, &kw, at,
                            NULL, &p, err) != 0)
        return -1;
    if (guardian) {
        demo_at(days > 1 ? days - 1 : 0, at);
        if (contract_sign_write(st, inst, kw_account, SUPPORT_CASE_REL_KEY_WORKER, id, 1, &gd, at,
                                NULL, &p, err) != 0)
            return -1;
    }
    if (skip_learner) return 0;
    return contract_sign_write(st, inst, kw_account, SUPPORT_CASE_REL_KEY_WORKER, id, 1, &ln, at,
                               NULL, &p, err) != 0 ? -1 : 0;
}

/* One demo contract on case id: drafted days ago with these words. */
static int draft(store *st, int64_t inst, int64_t kw_account, int64_t id, int days,
                 const char *school, const char *learner_part, cairn_err *err) {
    char at[32];
    demo_at(days, at);
    contract_parts parts = {school, learner_part, date_today() - days, date_today() - days + 42};
    contract_problem p;
    return contract_draft_write(st, inst, kw_account, SUPPORT_CASE_REL_KEY_WORKER, id, 1, &parts,
                                NULL, "en", at, NULL, &p, err) != 0 ? -1 : 0;
}

/* The learner's name of case id ("Given Family"). */
static int learner_name(store *st, int64_t inst, int64_t id, char *out, size_t cap,
                        cairn_err *err) {
    support_case k;
    int found = support_case_get(st, inst, id, 0, &k, err);
    if (found < 0) return -1;
    str_copy(out, cap, found ? k.learner_name : "");
    return 0;
}

/* The contract of one demo case by its state (see demo.h). */
int support_demo_case_contract(store *st, int64_t inst, int64_t kw_account, int64_t case_id,
                               const char *state, cairn_err *err) {
    char name[203];
    if (learner_name(st, inst, case_id, name, sizeof name, err) < 0) return -1;
    if (!strcmp(state, "closed")) {
        if (draft(st, inst, kw_account, case_id, 100,
                  "Catch-up tutoring in mathematics twice a week; a weekly talk with the key "
                  "worker; the workshop trainer sends the missed assignments by e-mail.",
                  "I come to every lesson and tell the key worker the same day when I cannot. "
                  "I hand in the two missing units by the end of the month.", err) < 0 ||
            sign_all(st, inst, kw_account, case_id, 98, 0, name, err) < 0)
            return -1;
    } else if (!strcmp(state, "monitoring")) {
        contract_labels none = {0};
        contract_parts amended = {
            "A mentor from the second year meets him every Monday before the workshop. The "
            "workshop trainer calls his father when he misses a practical day.",
            "I come home every night or tell my father where I am. I go to the mentoring "
            "sessions and tell the mentor when a workshop day goes badly.",
            date_today() - 52, date_today() - 52 + 42};
        contract_problem p;
        char at[32];
        demo_at(45, at);
        if (draft(st, inst, kw_account, case_id, 52,
                  "A mentor from the second year meets him every Monday before the workshop.",
                  "I come home every night or tell my father where I am. I go to the mentoring "
                  "sessions.", err) < 0 ||
            sign_all(st, inst, kw_account, case_id, 50, 0, name, err) < 0 ||
            contract_amend_write(st, inst, kw_account, SUPPORT_CASE_REL_KEY_WORKER, case_id, 1,
                                 &none, "en", at, NULL, &p, err) != 0 ||
            contract_draft_write(st, inst, kw_account, SUPPORT_CASE_REL_KEY_WORKER, case_id, 1,
                                 &amended, NULL, "en", at, NULL, &p, err) != 0 ||
            sign_all(st, inst, kw_account, case_id, 44, 0, name, err) < 0)
            return -1;
    } else if (!strcmp(state, "plan_agreed")) {
        if (draft(st, inst, kw_account, case_id, 11,
                  "Catch-up tutoring twice a week; the school talks to her uncle about fewer "
                  "night shifts before exams.",
                  "I work at most two nights a week during term and come to the tutoring.",
                  err) < 0 ||
            sign_all(st, inst, kw_account, case_id, 10, 1, name, err) < 0)
            return -1;
    }
    return 0;
}

/* The demo contracts (see demo.h). */
int support_demo_contracts(store *st, int64_t inst, int64_t kw_staff, int64_t kw_account,
                           int *n, cairn_err *err) {
    *n = 0;
    int64_t have = 0;
    if (store_query_int64(st, "SELECT count(*) FROM contract_version WHERE institution_id = ?",
                          inst, &have, err) < 0)
        return -1;
    if (have) return 0;   /* made before: leave them */
    static const char *const states[][2] = {
        {"closed", "returned"}, {"monitoring", ""}, {"plan_agreed", ""}};
    for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
        int64_t id = case_in(st, inst, kw_staff, states[i][0], states[i][1], err);
        if (id < 0) return -1;
        if (!id) continue;
        if (support_demo_case_contract(st, inst, kw_account, id, states[i][0], err) < 0)
            return -1;
        (*n)++;
    }
    return 0;
}
