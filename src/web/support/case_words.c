/*
** web/support/case_words.c — what the case pages share (see case_view.h):
** who the viewer is to a case, and the words for its values and problems.
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "risk/risk.h"
#include "web/html.h"
#include "web/pages.h"
#include <string.h>

/* The viewer's relationship to a case (see case_view.h). */
int case_viewer(web_ctx *c, int64_t case_id, unsigned *rel, int json) {
    cairn_err err = {0};
    support_case k;
    *rel = 0;
    int found = support_case_get(c->st, c->who->institution_id, case_id, 0, &k, &err);
    if (found > 0 && access_case_relation(c->who, case_id, rel, &err) < 0) found = -1;
    if (found < 0) {
        if (json) api_fail(c, "case", err.msg);
        else page_fail(c, "case", err.msg);
        return 0;
    }
    if (!found) {
        if (json) api_not_found(c, "There is no case with this number.");
        else page_not_found(c, "Case not found", "There is no case with this number.");
        return 0;
    }
    return 1;
}

/* 1 when rel sees contents (see case_view.h). */
int case_rel_sees_contents(unsigned rel) {
    return (rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM |
                   SUPPORT_CASE_REL_RECEIVER)) != 0;
}

/* The translated sentence for a problem (see case_view.h). */
const char *case_problem_text(const i18n_lang *L, support_case_problem p) {
    switch (p) {
    case SUPPORT_CASE_STEP_UNKNOWN: return T(L, "There is no such step.");
    case SUPPORT_CASE_STEP_NOT_NOW: return T(L, "The case cannot take this step in its state.");
    case SUPPORT_CASE_STEP_NOT_YOURS: return T(L, "This step is not yours to take on this case.");
    case SUPPORT_CASE_REASON_MISSING: return T(L, "Write the reason.");
    case SUPPORT_CASE_REASON_BAD:
        return T(L, "The reason is too long (at most 2,000 characters) or holds characters "
                    "that cannot be stored. Please type it again.");
    case SUPPORT_CASE_OUTCOME_MISSING: return T(L, "Choose the outcome.");
    case SUPPORT_CASE_SOURCE_BAD: return T(L, "Choose where the case comes from.");
    case SUPPORT_CASE_ALREADY_OPEN: return T(L, "This learner already has an open case.");
    case SUPPORT_CASE_NO_KEY_WORKER:
        return T(L, "This learner has no key worker yet. A school leader names one on the "
                    "learner's page first.");
    case SUPPORT_CASE_TIER_BAD: return T(L, "Choose a tier from the list.");
    case SUPPORT_CASE_TIER_SAME: return T(L, "The case has this tier already.");
    case SUPPORT_CASE_IS_CLOSED: return T(L, "The case is closed. Reopen it first.");
    case SUPPORT_CASE_STAFF_UNKNOWN: return T(L, "Choose a staff member from the list.");
    case SUPPORT_CASE_ROLE_BAD: return T(L, "Choose a role from the list.");
    case SUPPORT_CASE_TEAM_ALREADY:
        return T(L, "This person is on the team already, or is the key worker.");
    case SUPPORT_CASE_TEAM_NOT_MEMBER: return T(L, "This person is not on the team.");
    case SUPPORT_CASE_TASK_UNKNOWN: return T(L, "There is no such task on this case.");
    case SUPPORT_CASE_TASK_DONE: return T(L, "This task is done already.");
    case SUPPORT_CASE_TASK_IS_REVIEW:
        return T(L, "A review is done by recording it on the reviews page.");
    case SUPPORT_CASE_APPROVAL_ANSWER_BAD: return T(L, "Choose approve or decline.");
    case SUPPORT_CASE_INST_UNKNOWN: return T(L, "Choose an institution from the list.");
    case SUPPORT_CASE_INST_SAME:
        return T(L, "This is the case's own institution: hand the case to a key worker instead.");
    case SUPPORT_CASE_NO_CONSENT:
        return T(L, "The learner has no current consent to share their support record with that "
                    "institution.");
    case SUPPORT_CASE_MOVE_NONE: return T(L, "No such handover waits for your institution.");
    case SUPPORT_CASE_MOVE_NOT_LEADER:
        return T(L, "Only a school leader of the receiving institution answers a handover.");
    case SUPPORT_CASE_LEARNER_UNKNOWN: return T(L, "Choose one of your institution's learners.");
    case SUPPORT_CASE_OFFER_NONE:
        return T(L, "No handover offer of this case waits for an answer: there is nothing to "
                    "withdraw.");
    case SUPPORT_CASE_OFFER_APPROVAL:
        return T(L, "The handover waits for a school leader's approval, not for the receiver: a "
                    "school leader declines the request instead.");
    case SUPPORT_CASE_OFFER_NOT_YOURS:
        return T(L, "Only the case's key worker or a school leader withdraws a handover offer.");
    case SUPPORT_CASE_NOT_YOURS: return T(L, "Only the case's key worker may do this.");
    case SUPPORT_CASE_DUE_BAD: return T(L, "Choose a due date from today on.");
    case SUPPORT_CASE_OWNER_BAD: return T(L, "Choose the key worker or a team member.");
    case SUPPORT_CASE_TRANSFER_PENDING:
        return T(L, "A handover of this case is waiting for an answer already.");
    case SUPPORT_CASE_TRANSFER_NONE: return T(L, "No handover of this case is waiting for you.");
    case SUPPORT_CASE_HELD_ON_BAD:
        return T(L, "Give the day the conference was held: not after today, not before the case "
                    "opened.");
    case SUPPORT_CASE_ATTENDEES_BAD:
        return T(L, "Tick who attended: the key worker and team members.");
    case SUPPORT_CASE_DOMAINS_MISSING: return T(L, "Tick at least one life domain discussed.");
    case SUPPORT_CASE_NO_GOAL:
        return T(L, "The plan has no goal yet: add at least one goal on the plan page before "
                    "agreeing the plan.");
    case SUPPORT_CASE_APPROVAL_PENDING:
        return T(L, "A request of this case is waiting for a school leader's approval already.");
    case SUPPORT_CASE_APPROVAL_NONE: return T(L, "No request of this case is waiting for approval.");
    case SUPPORT_CASE_APPROVAL_OWN:
        return T(L, "A request is approved by another school leader, not by the one who asked or "
                    "the case's key worker.");
    case SUPPORT_CASE_APPROVAL_NOT_LEADER: return T(L, "Only a school leader approves a request.");
    case SUPPORT_CASE_COMMENT_MISSING: return T(L, "Write a comment.");
    case SUPPORT_CASE_APPROVAL_NOT_ASKER:
        return T(L, "Only the key worker who asked, or the case's key worker, withdraws a request "
                    "waiting for approval.");
    case SUPPORT_CASE_APPROVAL_ANSWERED:
        return T(L, "This request was answered already (approved, declined or withdrawn): there "
                    "is nothing to withdraw.");
    case SUPPORT_CASE_OK: break;
    }
    return "";
}

/* The translated names of the steps (the table's English names as msgids). */
static const struct { const char *code, *name; } step_names[] = {
    {"start_assessment", N_("Start the assessment")},
    {"agree_plan", N_("Agree the plan")},
    {"start_monitoring", N_("Start monitoring")},
    {"reassess", N_("Assess again")},
    {"close", N_("Close the case")},
    {"reopen", N_("Reopen the case")},
};

/* The translated name of a step (see case_view.h). */
const char *case_step_name(const i18n_lang *L, const char *code) {
    for (size_t i = 0; i < sizeof step_names / sizeof step_names[0]; i++)
        if (code && !strcmp(step_names[i].code, code)) return T(L, step_names[i].name);
    return code ? code : "";
}

/* "A case in the state X cannot take the step Y." (see case_view.h). */
void case_step_refusal(buf *b, const i18n_lang *L, int state, const char *step) {
    html_printf(b, T(L, "A case in the state \xE2\x80\x9C%T\xE2\x80\x9D cannot take the step "
                        "\xE2\x80\x9C%T\xE2\x80\x9D."),
                T(L, support_case_state_name(state)), case_step_name(L, step));
}

/* The translated name of a tier (see case_view.h). */
const char *case_tier_name(const i18n_lang *L, int tier) {
    return tier >= 0 && tier <= 2 ? page_tier_name(L, (risk_tier)tier) : "?";
}

/* A stored ISO time or date as L writes the date (see case_view.h). */
const char *case_day_text(const i18n_lang *L, const char *iso, char *out, size_t cap) {
    int32_t days;
    if (!iso || strlen(iso) < 10 || date_parse(iso, 10, &days) < 0) {
        out[0] = 0;
        return out;
    }
    return i18n_format_date(L, days, out, cap);
}

/* The names of the values, marked for translation where they are
** looked up (support/case_state.c and support/domains.c hold the same
** English text).  Not static: only the extractor reads it, and a static
** array nothing reads is refused by clang (-Wunneeded-internal-declaration). */
extern const char *const case_value_msgids[];
const char *const case_value_msgids[] = {
    N_("Open"), N_("Assessment"), N_("Plan agreed"), N_("Monitoring"), N_("Closed"),
    N_("A flag"), N_("A teacher's concern"), N_("The learner's own request"),
    N_("The family's request"), N_("Stabilised and continuing"), N_("Returned to learning"),
    N_("Moved to another provider"), N_("Left"), N_("Teacher"), N_("Psychologist"),
    N_("Social worker"), N_("Mentor"), N_("External professional"),
    N_("First contact with the learner"), N_("Complete the needs assessment"),
    N_("Agree the plan with the learner"), N_("Review the plan"), N_("Follow up"),
    N_("Learning and basic skills"), N_("Attendance and engagement"),
    N_("Mental health and well-being"), N_("Physical health, sleep and food"),
    N_("Family and care duties"), N_("Housing"), N_("Money"), N_("Legal matters"),
    N_("Language"), N_("Digital access and skills"), N_("Career direction and motivation"),
    N_("Safety and bullying"), N_("Substance use"), N_("Work placement"),
};
