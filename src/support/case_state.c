/*
** support/case_state.c — the lifecycle of a case as one table, the codes
** and names of its values, and the problems a writer refuses with (see
** case.h).
*/
#include "support/case.h"
#include <string.h>

#define KW     SUPPORT_CASE_REL_KEY_WORKER
#define TEAM   SUPPORT_CASE_REL_TEAM
#define LEADER SUPPORT_CASE_REL_LEADER
#define T_(k)  SUPPORT_TASK_BIT(SUPPORT_TASK_##k)
#define APPROVE_CLOSE SUPPORT_CASE_APPROVAL_CLOSE

/* THE lifecycle.  A step that is not a row here does not happen.  Closing
** is one step with a row per state it may close from; it cancels the open
** tasks (support/case_write.c), which is why it completes none; it waits
** for a school leader's approval where the institution's setting
** APPROVE_CLOSE is on (support/case_approval.c). */
static const support_case_step steps[] = {
    /* code              name                     from                      to                        who          reason outcome completes creates   approval */
    {"start_assessment", "Start the assessment",  SUPPORT_CASE_OPEN,        SUPPORT_CASE_ASSESSMENT,  KW | TEAM,   0, 0, T_(FIRST_CONTACT),   T_(ASSESSMENT) | T_(PLAN), NULL},
    {"agree_plan",       "Agree the plan",        SUPPORT_CASE_ASSESSMENT,  SUPPORT_CASE_PLAN_AGREED, KW,          0, 0, T_(ASSESSMENT) | T_(PLAN), T_(REVIEW), NULL},
    {"start_monitoring", "Start monitoring",      SUPPORT_CASE_PLAN_AGREED, SUPPORT_CASE_MONITORING,  KW | TEAM,   0, 0, 0,                   0, NULL},
    {"reassess",         "Assess again",          SUPPORT_CASE_MONITORING,  SUPPORT_CASE_ASSESSMENT,  KW,          1, 0, T_(REVIEW),          T_(ASSESSMENT) | T_(PLAN), NULL},
    {"close",            "Close the case",        SUPPORT_CASE_MONITORING,  SUPPORT_CASE_CLOSED,      KW,          1, 1, 0,                   0, APPROVE_CLOSE},
    {"close",            "Close the case",        SUPPORT_CASE_PLAN_AGREED, SUPPORT_CASE_CLOSED,      KW,          1, 1, 0,                   0, APPROVE_CLOSE},
    {"close",            "Close the case",        SUPPORT_CASE_ASSESSMENT,  SUPPORT_CASE_CLOSED,      KW,          1, 1, 0,                   0, APPROVE_CLOSE},
    {"close",            "Close the case",        SUPPORT_CASE_OPEN,        SUPPORT_CASE_CLOSED,      KW,          1, 1, 0,                   0, APPROVE_CLOSE},
    {"reopen",           "Reopen the case",       SUPPORT_CASE_CLOSED,      SUPPORT_CASE_OPEN,        KW | LEADER, 1, 0, 0,                   T_(FIRST_CONTACT), NULL},
};

/* The whole table (see case.h). */
const support_case_step *support_case_steps(size_t *n) {
    *n = sizeof steps / sizeof steps[0];
    return steps;
}

/* ---- codes and names ---------------------------------------------------------- */

typedef struct code_name {
    const char *code, *name;
} code_name;

static const code_name states[SUPPORT_CASE_STATE_COUNT] = {
    {"open", "Open"}, {"assessment", "Assessment"}, {"plan_agreed", "Plan agreed"},
    {"monitoring", "Monitoring"}, {"closed", "Closed"},
};
static const code_name sources[SUPPORT_CASE_SOURCE_COUNT] = {
    {"flag", "A flag"}, {"teacher", "A teacher's concern"},
    {"learner", "The learner's own request"}, {"family", "The family's request"},
};
static const code_name outcomes[SUPPORT_CASE_OUTCOME_COUNT] = {
    {"", ""}, {"stabilised", "Stabilised and continuing"},
    {"returned", "Returned to learning"}, {"moved", "Moved to another provider"},
    {"left", "Left"},
};
static const code_name roles[SUPPORT_CASE_ROLE_COUNT] = {
    {"teacher", "Teacher"}, {"psychologist", "Psychologist"},
    {"social_worker", "Social worker"}, {"mentor", "Mentor"},
    {"external", "External professional"},
};
static const code_name kinds[SUPPORT_TASK_KIND_COUNT] = {
    {"first_contact", "First contact with the learner"},
    {"assessment", "Complete the needs assessment"},
    {"plan", "Agree the plan with the learner"}, {"review", "Review the plan"},
    {"follow_up", "Follow up"},
};
static const code_name tiers[3] = {
    {"universal", "Universal"}, {"selective", "Selective"}, {"individual", "Individual"},
};

/* Row v's code / name of a table of n, NULL / "" out of range. */
static const char *code_of(const code_name *t, int n, int v) {
    return v >= 0 && v < n ? t[v].code : NULL;
}
static const char *name_of(const code_name *t, int n, int v) {
    return v >= 0 && v < n ? t[v].name : "";
}

/* The index of code in a table of n (first rows skipped), or -1. */
static int parse_in(const code_name *t, int n, int first, const char *code) {
    if (!code || !*code) return -1;
    for (int i = first; i < n; i++)
        if (strcmp(t[i].code, code) == 0) return i;
    return -1;
}

/* The code, name and parsed value of a state, source, outcome, role, task
** kind and tier (see case.h): static strings, NULL / "" / -1 when out of
** range or unknown. */
const char *support_case_state_code(int v) { return code_of(states, SUPPORT_CASE_STATE_COUNT, v); }
const char *support_case_state_name(int v) { return name_of(states, SUPPORT_CASE_STATE_COUNT, v); }
int support_case_state_parse(const char *c) { return parse_in(states, SUPPORT_CASE_STATE_COUNT, 0, c); }
const char *support_case_source_code(int v) { return code_of(sources, SUPPORT_CASE_SOURCE_COUNT, v); }
const char *support_case_source_name(int v) { return name_of(sources, SUPPORT_CASE_SOURCE_COUNT, v); }
int support_case_source_parse(const char *c) { return parse_in(sources, SUPPORT_CASE_SOURCE_COUNT, 0, c); }
const char *support_case_outcome_code(int v) {
    return v > 0 ? code_of(outcomes, SUPPORT_CASE_OUTCOME_COUNT, v) : NULL;
}
const char *support_case_outcome_name(int v) { return name_of(outcomes, SUPPORT_CASE_OUTCOME_COUNT, v); }
int support_case_outcome_parse(const char *c) { return parse_in(outcomes, SUPPORT_CASE_OUTCOME_COUNT, 1, c); }
const char *support_case_role_code(int v) { return code_of(roles, SUPPORT_CASE_ROLE_COUNT, v); }
const char *support_case_role_name(int v) { return name_of(roles, SUPPORT_CASE_ROLE_COUNT, v); }
int support_case_role_parse(const char *c) { return parse_in(roles, SUPPORT_CASE_ROLE_COUNT, 0, c); }
const char *support_case_task_kind_code(int v) { return code_of(kinds, SUPPORT_TASK_KIND_COUNT, v); }
const char *support_case_task_kind_name(int v) { return name_of(kinds, SUPPORT_TASK_KIND_COUNT, v); }
int support_case_task_kind_parse(const char *c) { return parse_in(kinds, SUPPORT_TASK_KIND_COUNT, 0, c); }
const char *support_case_tier_code(int v) { return code_of(tiers, 3, v); }
int support_case_tier_parse(const char *c) { return parse_in(tiers, 3, 0, c); }

/* ---- problems ----------------------------------------------------------------- */

/* The field a problem is about (static). */
const char *support_case_problem_field(support_case_problem p) {
    switch (p) {
    case SUPPORT_CASE_STEP_UNKNOWN:
    case SUPPORT_CASE_STEP_NOT_NOW:
    case SUPPORT_CASE_STEP_NOT_YOURS: return "step";
    case SUPPORT_CASE_REASON_MISSING:
    case SUPPORT_CASE_REASON_BAD: return "reason";
    case SUPPORT_CASE_OUTCOME_MISSING: return "outcome";
    case SUPPORT_CASE_SOURCE_BAD: return "source";
    case SUPPORT_CASE_TIER_BAD:
    case SUPPORT_CASE_TIER_SAME: return "tier";
    case SUPPORT_CASE_STAFF_UNKNOWN:
    case SUPPORT_CASE_TEAM_ALREADY:
    case SUPPORT_CASE_TEAM_NOT_MEMBER:
    case SUPPORT_CASE_NO_KEY_WORKER: return "staff_id";
    case SUPPORT_CASE_ROLE_BAD: return "role";
    case SUPPORT_CASE_TASK_UNKNOWN:
    case SUPPORT_CASE_TASK_IS_REVIEW:
    case SUPPORT_CASE_TASK_DONE: return "task";
    case SUPPORT_CASE_APPROVAL_ANSWER_BAD: return "answer";
    case SUPPORT_CASE_DUE_BAD: return "due_on";
    case SUPPORT_CASE_OWNER_BAD: return "owner_id";
    case SUPPORT_CASE_TRANSFER_PENDING:
    case SUPPORT_CASE_TRANSFER_NONE: return "transfer";
    case SUPPORT_CASE_HELD_ON_BAD: return "held_on";
    case SUPPORT_CASE_ATTENDEES_BAD: return "attendees";
    case SUPPORT_CASE_DOMAINS_MISSING: return "domains";
    case SUPPORT_CASE_NO_GOAL: return "step";
    case SUPPORT_CASE_APPROVAL_PENDING:
    case SUPPORT_CASE_APPROVAL_NONE:
    case SUPPORT_CASE_APPROVAL_OWN:
    case SUPPORT_CASE_APPROVAL_NOT_LEADER:
    case SUPPORT_CASE_APPROVAL_NOT_ASKER:
    case SUPPORT_CASE_APPROVAL_ANSWERED: return "approval";
    case SUPPORT_CASE_COMMENT_MISSING: return "comment";
    case SUPPORT_CASE_INST_UNKNOWN:
    case SUPPORT_CASE_INST_SAME: return "to_institution";
    case SUPPORT_CASE_NO_CONSENT: return "consent";
    case SUPPORT_CASE_MOVE_NONE:
    case SUPPORT_CASE_MOVE_NOT_LEADER:
    case SUPPORT_CASE_OFFER_NONE:
    case SUPPORT_CASE_OFFER_APPROVAL:
    case SUPPORT_CASE_OFFER_NOT_YOURS: return "transfer";
    case SUPPORT_CASE_LEARNER_UNKNOWN: return "learner_id";
    case SUPPORT_CASE_ALREADY_OPEN:
    case SUPPORT_CASE_IS_CLOSED:
    case SUPPORT_CASE_NOT_YOURS:
    case SUPPORT_CASE_OK: break;
    }
    return "";
}

/* One English sentence for a problem (static). */
const char *support_case_problem_text(support_case_problem p) {
    switch (p) {
    case SUPPORT_CASE_STEP_UNKNOWN: return "step names no step of the case lifecycle";
    case SUPPORT_CASE_STEP_NOT_NOW: return "the case cannot take this step in its state";
    case SUPPORT_CASE_STEP_NOT_YOURS: return "this step is not yours to take on this case";
    case SUPPORT_CASE_REASON_MISSING: return "reason is required and must not be only white space";
    case SUPPORT_CASE_REASON_BAD: return "reason must be valid UTF-8 text of at most 2000 "
                                         "characters without control characters other than "
                                         "line breaks";
    case SUPPORT_CASE_OUTCOME_MISSING: return "outcome is required to close a case: stabilised, "
                                              "returned, moved or left";
    case SUPPORT_CASE_SOURCE_BAD: return "source must be flag, teacher, learner or family";
    case SUPPORT_CASE_ALREADY_OPEN: return "the learner already has a case that is not closed";
    case SUPPORT_CASE_NO_KEY_WORKER: return "the learner has no key worker: a school leader "
                                            "names one first";
    case SUPPORT_CASE_TIER_BAD: return "tier must be universal, selective or individual";
    case SUPPORT_CASE_TIER_SAME: return "the case has this tier already";
    case SUPPORT_CASE_IS_CLOSED: return "the case is closed: reopen it first";
    case SUPPORT_CASE_STAFF_UNKNOWN: return "staff_id names no staff member of this institution "
                                            "with an account";
    case SUPPORT_CASE_ROLE_BAD: return "role must be teacher, psychologist, social_worker, "
                                       "mentor or external";
    case SUPPORT_CASE_TEAM_ALREADY: return "this staff member is on the team or the key worker "
                                           "already";
    case SUPPORT_CASE_TEAM_NOT_MEMBER: return "this staff member is not on the team";
    case SUPPORT_CASE_TASK_UNKNOWN: return "task names no task of this case";
    case SUPPORT_CASE_TASK_DONE: return "this task is done already";
    case SUPPORT_CASE_TASK_IS_REVIEW: return "a review task is done by recording the review "
                                             "(POST /api/v1/cases/{id}/reviews)";
    case SUPPORT_CASE_APPROVAL_ANSWER_BAD: return "answer must be approve or decline";
    case SUPPORT_CASE_NOT_YOURS: return "only the case's key worker may do this";
    case SUPPORT_CASE_DUE_BAD: return "due_on must be a date (YYYY-MM-DD) from today on";
    case SUPPORT_CASE_OWNER_BAD: return "owner_id must be the key worker or a team member";
    case SUPPORT_CASE_TRANSFER_PENDING: return "a handover of this case is waiting for an answer "
                                               "already";
    case SUPPORT_CASE_TRANSFER_NONE: return "no handover of this case is waiting for your "
                                            "answer";
    case SUPPORT_CASE_HELD_ON_BAD: return "held_on must be a date (YYYY-MM-DD) from the case's "
                                          "opening to today";
    case SUPPORT_CASE_ATTENDEES_BAD: return "attendees must be the key worker or team members, "
                                            "at least one";
    case SUPPORT_CASE_DOMAINS_MISSING: return "domains: at least one life domain discussed";
    case SUPPORT_CASE_NO_GOAL: return "the plan has no goal yet: add at least one goal before "
                                      "agreeing the plan";
    case SUPPORT_CASE_APPROVAL_PENDING: return "a request of this case waits for a school "
                                               "leader's approval already";
    case SUPPORT_CASE_APPROVAL_NONE: return "no request of this case waits for approval";
    case SUPPORT_CASE_APPROVAL_OWN: return "a request is approved by a school leader other than "
                                           "the one who asked and the case's key worker";
    case SUPPORT_CASE_APPROVAL_NOT_LEADER: return "only a school leader approves a request";
    case SUPPORT_CASE_COMMENT_MISSING: return "comment is required and must not be only white "
                                              "space";
    case SUPPORT_CASE_INST_UNKNOWN: return "to_institution names no other institution of this "
                                           "database";
    case SUPPORT_CASE_INST_SAME: return "to_institution is the case's own institution: hand the "
                                        "case to a key worker instead";
    case SUPPORT_CASE_NO_CONSENT: return "the learner has no current consent to share their "
                                         "support record with that institution";
    case SUPPORT_CASE_MOVE_NONE: return "no handover with this number waits for your institution";
    case SUPPORT_CASE_MOVE_NOT_LEADER: return "only a school leader of the receiving institution "
                                              "answers a handover";
    case SUPPORT_CASE_LEARNER_UNKNOWN: return "learner_id names no learner of your institution";
    case SUPPORT_CASE_OFFER_NONE: return "no handover offer of this case waits for an answer: "
                                         "there is nothing to withdraw";
    case SUPPORT_CASE_OFFER_APPROVAL: return "the handover waits for a school leader's approval, "
                                             "not for the receiver: a school leader declines the "
                                             "request instead";
    case SUPPORT_CASE_OFFER_NOT_YOURS: return "only the case's key worker or a school leader "
                                              "withdraws a handover offer";
    case SUPPORT_CASE_APPROVAL_NOT_ASKER: return "only the key worker who asked, or the case's "
                                                 "key worker, withdraws a request waiting for "
                                                 "approval";
    case SUPPORT_CASE_APPROVAL_ANSWERED: return "this request was answered already (approved, "
                                                "declined or withdrawn): there is nothing to "
                                                "withdraw";
    case SUPPORT_CASE_OK: break;
    }
    return "";
}

/* Check one step against the table (see case.h). */
int support_case_step_check(support_case_state state, const char *code, unsigned rel,
                            const support_case_step **row, support_case_problem *problem,
                            cairn_err *err) {
    size_t n = sizeof steps / sizeof steps[0];
    int known = 0;
    const support_case_step *here = NULL;
    *row = NULL;
    *problem = SUPPORT_CASE_OK;
    for (size_t i = 0; i < n; i++) {
        if (!code || strcmp(steps[i].code, code) != 0) continue;
        known = 1;
        if (steps[i].from == state) here = &steps[i];
    }
    const char *sc = support_case_state_code(state);
    if (!known) {
        *problem = SUPPORT_CASE_STEP_UNKNOWN;
        err_set(err, CAIRN_EINVAL, "There is no step \"%s\" in the case lifecycle.",
                code ? code : "");
        return 1;
    }
    if (!here) {
        *problem = SUPPORT_CASE_STEP_NOT_NOW;
        err_set(err, CAIRN_EINVAL, "A case in the state \"%s\" cannot take the step \"%s\".",
                sc ? sc : "?", code);
        return 1;
    }
    if (!(here->who & rel)) {
        *problem = SUPPORT_CASE_STEP_NOT_YOURS;
        err_set(err, CAIRN_EINVAL, "The step \"%s\" of a case in the state \"%s\" is not yours "
                "to take.", code, sc);
        return 1;
    }
    *row = here;
    return 0;
}

