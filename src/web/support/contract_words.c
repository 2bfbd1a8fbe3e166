/*
** web/support/contract_words.c — the learner contract's words in the
** viewer's language, the labels of its text, and who may see it.
*/
#include "web/support/contract_web.h"
#include "support/plan.h"
#include "web/api.h"
#include "web/pages.h"
#include <string.h>

/* The translated sentence of a problem (see contract_web.h). */
const char *contract_problem_words(const i18n_lang *L, contract_problem p) {
    switch (p) {
    case CONTRACT_OK: return "";
    case CONTRACT_NOT_YOURS: return T(L, "Only the case's key worker may change or sign the contract.");
    case CONTRACT_CASE_CLOSED: return T(L, "The case is closed: its contract cannot change.");
    case CONTRACT_TEXT_BAD:
        return T(L, "A commitment is too long (at most 2,000 characters) or holds characters that "
                    "cannot be stored.");
    case CONTRACT_TEXT_MISSING: return T(L, "Write what the school and the learner commit to.");
    case CONTRACT_DATE_BAD: return T(L, "Give real dates; the review comes after the start.");
    case CONTRACT_FROZEN:
        return T(L, "This version has a signature and can no longer change. Amend it to make a "
                    "new version.");
    case CONTRACT_NONE: return T(L, "There is no contract yet.");
    case CONTRACT_NOT_FROZEN: return T(L, "This version has no signature yet: change it instead.");
    case CONTRACT_ROLE_BAD:
        return T(L, "Choose who signs: the learner, a guardian or the key worker.");
    case CONTRACT_METHOD_BAD: return T(L, "Choose how it was signed: on screen or on paper.");
    case CONTRACT_NAME_MISSING:
        return T(L, "Type the name of the person signing (at most 200 characters).");
    case CONTRACT_HASH_MISMATCH:
        return T(L, "The contract changed since this page was opened. Read it again before "
                    "signing.");
    case CONTRACT_ALREADY_SIGNED: return T(L, "This signature is there already.");
    case CONTRACT_SUPERSEDED: return T(L, "Only the current version can be signed.");
    case CONTRACT_SCAN_BAD: return T(L, "The scan could not be read. Upload it again.");
    }
    return "";
}

/* The translated name of a role (see contract_web.h). */
const char *contract_role_words(const i18n_lang *L, int role) {
    switch (role) {
    case CONTRACT_ROLE_LEARNER: return T(L, "Learner");
    case CONTRACT_ROLE_GUARDIAN: return T(L, "Parent or guardian");
    case CONTRACT_ROLE_KEY_WORKER: return T(L, "Key worker");
    }
    return "";
}

/* The translated name of a method (see contract_web.h). */
const char *contract_method_words(const i18n_lang *L, int method) {
    return method == CONTRACT_ON_PAPER ? T(L, "on paper, scanned") : T(L, "on screen, in person");
}

/* The labels in L (see contract_web.h). */
void contract_labels_of(const i18n_lang *L, contract_labels *out) {
    out->title = T(L, "Learner contract");
    out->version = T(L, "Version");
    out->learner = T(L, "Learner");
    out->key_worker = T(L, "Key worker");
    out->starts = T(L, "Starts on");
    out->review = T(L, "Review by");
    out->goals = T(L, "Goals");
    out->no_goals = T(L, "No goals agreed yet.");
    out->school = T(L, "What the school commits to");
    out->learner_part = T(L, "What the learner commits to");
    out->measure = T(L, "Measure");
    out->from = TC(L, "goal", "from");
    out->to = TC(L, "goal", "to");
    out->by = TC(L, "goal", "by");
    out->step = T(L, "The learner's step");
    out->support = T(L, "The school's support");
    out->helper = T(L, "Who helps");
}

/* The language of a learner's contract (see contract_web.h). */
const i18n_lang *contract_language(web_ctx *c, int64_t learner_id, int json) {
    cairn_err err = {0};
    char tag[8];
    if (support_contract_language(c->st, c->who->institution_id, learner_id, tag, &err) < 0) {
        if (json) api_fail(c, "contract language", err.msg);
        else page_fail(c, "contract language", err.msg);
        return NULL;
    }
    const i18n_lang *L = tag[0] ? i18n_find(tag) : NULL;
    return L ? L : i18n_default();
}

/* 1 when the viewer may read case_id's contract: the key worker, the team
** and a receiver, but not a team member who is the learner's teacher (they
** see only the goals of their teaching, and the contract holds them all);
** 0 not; -1 error. */
int contract_may_read(web_ctx *c, int64_t case_id, unsigned rel, cairn_err *err) {
    if (!case_rel_sees_contents(rel)) return 0;
    if (rel & SUPPORT_CASE_REL_KEY_WORKER) return 1;
    unsigned view = 0;
    if (support_goal_view(c->st, c->who->institution_id, case_id, c->who->staff_id, rel, &view,
                          err) < 0)
        return -1;
    return !(view & SUPPORT_GOAL_TEACHING_ONLY);
}

/* Who may see the contract (see contract_web.h). */
int contract_viewer(web_ctx *c, unsigned *rel, int json) {
    cairn_err err = {0};
    if (!case_viewer(c, c->id, rel, json)) return 0;
    int may = contract_may_read(c, c->id, *rel, &err);
    if (may < 0) {
        if (json) api_fail(c, "contract access", err.msg);
        else page_fail(c, "contract access", err.msg);
        return 0;
    }
    if (!may) {
        if (json)
            api_refuse(c, "Only the case's key worker and its team (not its teachers) may see its "
                          "contract.");
        else
            page_refuse(c, "Only the case's key worker and its team (not its teachers) may see "
                           "its contract.");
        return 0;
    }
    return 1;
}
