/*
** support/subject_parts.c — the registry of the parts of a learner's
** record (see subject.h): how each is read for the learner, how it is
** erased, and what forbids erasing it.  A room with new tables about a
** learner adds a row to support_subject_parts[] at the end of this file.
*/
#include "support/subject.h"
#include "support/assessment.h"
#include "support/case.h"
#include "support/case_move.h"
#include "support/review.h"
#include "support/consent.h"
#include "support/plan.h"
#include "support/contract.h"
#include <stdio.h>
#include <string.h>

/* The first object of a row array, kept; the array released ({} when empty). */
static json_t *first_object(json_t *rows) {
    json_t *o = json_array_size(rows) ? json_incref(json_array_get(rows, 0)) : json_object();
    json_decref(rows);
    return o;
}

/* ---- identity ------------------------------------------------------------------ */

/* Name, birth date, contact, recorded attributes, guardians, accounts. */
static int identity_read(store *st, int64_t inst, int64_t learner, json_t **out, cairn_err *err) {
    static const char *const ln[] = {"ref", "given_name", "family_name", "birth_date", "email"};
    static const char *const an[] = {"gender", "migrant_background", "special_needs",
                                     "first_language"};
    static const char *const gn[] = {"ref", "given_name", "family_name", "email", "phone",
                                     "relationship", "parental_responsibility"};
    static const char *const cn[] = {"username", "display_name", "created_at", "disabled"};
    json_t *l, *a, *g, *c;
    if (support_subject_rows(st, "SELECT ref, given_name, family_name, birth_date, email FROM"
                             " learner WHERE institution_id = ? AND id = ?", inst, learner, ln, 5,
                             &l, err) < 0)
        return -1;
    *out = first_object(l);
    if (support_subject_rows(st, "SELECT gender, migrant_background, special_needs,"
                             " first_language FROM learner_audit WHERE institution_id = ?"
                             " AND learner_id = ?", inst, learner, an, 4, &a, err) < 0 ||
        support_subject_rows(st, "SELECT g.ref, g.given_name, g.family_name, g.email, g.phone,"
                             " lg.relationship, lg.parental_responsibility FROM learner_guardian lg"
                             " JOIN guardian g ON g.institution_id = lg.institution_id"
                             " AND g.id = lg.guardian_id WHERE lg.institution_id = ?"
                             " AND lg.learner_id = ? ORDER BY g.ref", inst, learner, gn, 7, &g,
                             err) < 0 ||
        support_subject_rows(st, "SELECT username, display_name, created_at, disabled FROM account"
                             " WHERE institution_id = ? AND person_kind = 'learner'"
                             " AND person_id = ?", inst, learner, cn, 4, &c, err) < 0) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    json_object_set_new(*out, "recorded_attributes", first_object(a));
    json_object_set_new(*out, "guardians", g);
    json_object_set_new(*out, "accounts", c);
    return 0;
}

/* Names and contacts go; the birth year stays; guardians linked to no other
** learner are anonymised too; the learner's accounts are disabled. */
static int identity_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    /* Guardians first: those linked to this learner and to no other. */
    store_stmt *q = store_prepare(st,
        "UPDATE guardian SET ref = 'erased-g' || CAST(id AS TEXT), given_name = '',"
        " family_name = '', email = NULL, phone = NULL WHERE institution_id = ? AND id IN"
        " (SELECT lg.guardian_id FROM learner_guardian lg WHERE lg.institution_id = ?"
        "  AND lg.learner_id = ?) AND id NOT IN (SELECT o.guardian_id FROM learner_guardian o"
        "  WHERE o.institution_id = ? AND o.learner_id <> ?)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, inst);
    store_bind_int64(q, 3, learner);
    store_bind_int64(q, 4, inst);
    store_bind_int64(q, 5, learner);
    int rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) return -1;
    q = store_prepare(st,
        "UPDATE account SET username = 'erased-account-' || CAST(id AS TEXT),"
        " display_name = 'erased', password_hash = NULL, disabled = 1"
        " WHERE institution_id = ? AND person_kind = 'guardian' AND person_id IN"
        " (SELECT g.id FROM guardian g WHERE g.institution_id = ? AND g.ref LIKE 'erased-g%')", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, inst);
    rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) return -1;
    static const char *const rest[] = {
        "DELETE FROM learner_guardian WHERE institution_id = ? AND learner_id = ?",
        "DELETE FROM learner_audit WHERE institution_id = ? AND learner_id = ?",
        "UPDATE learner SET ref = 'erased-' || CAST(id AS TEXT), given_name = '', family_name = '',"
        " email = NULL, birth_date = CASE WHEN birth_date IS NULL THEN NULL"
        " ELSE substr(birth_date, 1, 4) || '-01-01' END WHERE institution_id = ? AND id = ?",
        "UPDATE account SET username = 'erased-account-' || CAST(id AS TEXT),"
        " display_name = 'erased', password_hash = NULL, disabled = 1"
        " WHERE institution_id = ? AND person_kind = 'learner' AND person_id = ?",
        NULL};
    return support_subject_run(st, rest, inst, learner, err);
}

/* ---- enrolments ------------------------------------------------------------------ */

/* Programmes, groups, dates and outcomes. */
static int enrolments_read(store *st, int64_t inst, int64_t learner, json_t **out,
                           cairn_err *err) {
    static const char *const n[] = {"programme", "programme_name", "group", "start_date",
                                    "expected_end_date", "status", "exit_date", "exit_reason"};
    return support_subject_rows(st,
        "SELECT p.code, p.name, g.code, e.start_date, e.expected_end_date, e.status, e.exit_date,"
        " e.exit_reason FROM enrolment e JOIN programme p ON p.institution_id = e.institution_id"
        " AND p.id = e.programme_id LEFT JOIN class_group g ON g.institution_id = e.institution_id"
        " AND g.id = e.group_id WHERE e.institution_id = ? AND e.learner_id = ?"
        " ORDER BY e.start_date", inst, learner, n, 8, out, err);
}

/* Dates to the first of their month, the group forgotten; programme and
** outcome stay. */
static int enrolments_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    static const char *const sqls[] = {
        "UPDATE enrolment SET group_id = NULL, start_date = substr(start_date, 1, 7) || '-01',"
        " expected_end_date = CASE WHEN expected_end_date IS NULL THEN NULL"
        "  ELSE substr(expected_end_date, 1, 7) || '-01' END,"
        " exit_date = CASE WHEN exit_date IS NULL THEN NULL ELSE substr(exit_date, 1, 7) || '-01' END"
        " WHERE institution_id = ? AND learner_id = ?",
        NULL};
    return support_subject_run(st, sqls, inst, learner, err);
}

/* A learner still enrolled (active or paused) is not erased. */
static int enrolments_hold(store *st, int64_t inst, int64_t learner, buf *why, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT e.status, p.code FROM enrolment e JOIN programme p"
                                      " ON p.institution_id = e.institution_id AND p.id = e.programme_id"
                                      " WHERE e.institution_id = ? AND e.learner_id = ?"
                                      " AND e.status IN ('active', 'paused') ORDER BY e.id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    int rc = store_step(q, err);
    if (rc == STORE_ROW)   /* not HTML: a message */
        buf_printf(why, "%sThe learner is still enrolled (%s in %s): erase after the enrolment "
                   "ends.", why->len ? " " : "", store_col_text(q, 0), store_col_text(q, 1));
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* ---- events ------------------------------------------------------------------ */

/* Counts and first and last day of each kind of event. */
static int events_read(store *st, int64_t inst, int64_t learner, json_t **out, cairn_err *err) {
    static const char *const an[] = {"sessions", "present", "late", "absent_excused",
                                     "absent_unexcused", "first", "last"};
    static const char *const cn[] = {"count", "first", "last"};
    static const char *const kinds[] = {"results", "behaviour", "engagement"};
    static const char *const sqls[] = {
        "SELECT count(*), min(date), max(date) FROM result WHERE institution_id = ? AND learner_id = ?",
        "SELECT count(*), min(date), max(date) FROM behaviour WHERE institution_id = ?"
        " AND learner_id = ?",
        "SELECT count(*), min(date), max(date) FROM engagement WHERE institution_id = ?"
        " AND learner_id = ?"};
    json_t *a;
    if (support_subject_rows(st,
            "SELECT count(*), sum(CASE WHEN status = 0 THEN 1 ELSE 0 END),"
            " sum(CASE WHEN status = 1 THEN 1 ELSE 0 END), sum(CASE WHEN status = 2 THEN 1 ELSE 0 END),"
            " sum(CASE WHEN status = 3 THEN 1 ELSE 0 END), min(date), max(date) FROM attendance"
            " WHERE institution_id = ? AND learner_id = ?", inst, learner, an, 7, &a, err) < 0)
        return -1;
    *out = json_object();
    json_object_set_new(*out, "attendance", first_object(a));
    for (size_t i = 0; i < 3; i++) {
        json_t *r;
        if (support_subject_rows(st, sqls[i], inst, learner, cn, 3, &r, err) < 0) {
            json_decref(*out);
            *out = NULL;
            return -1;
        }
        json_object_set_new(*out, kinds[i], first_object(r));
    }
    return 0;
}

/* Every event row goes (the month trends already counted stay). */
static int events_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    static const char *const sqls[] = {
        "DELETE FROM attendance WHERE institution_id = ? AND learner_id = ?",
        "DELETE FROM result WHERE institution_id = ? AND learner_id = ?",
        "DELETE FROM behaviour WHERE institution_id = ? AND learner_id = ?",
        "DELETE FROM engagement WHERE institution_id = ? AND learner_id = ?",
        NULL};
    return support_subject_run(st, sqls, inst, learner, err);
}

/* ---- scores ------------------------------------------------------------------ */

/* Each score with its tier, flags and reasons. */
static int scores_read(store *st, int64_t inst, int64_t learner, json_t **out, cairn_err *err) {
    static const char *const n[] = {"asof", "tier", "probability", "flags", "reasons",
                                    "rule_set_version", "model_version"};
    return support_subject_rows(st,
        "SELECT asof, tier, probability, flags, reasons, rule_set_version, model_version"
        " FROM risk_score WHERE institution_id = ? AND learner_id = ? ORDER BY asof",
        inst, learner, n, 7, out, err);
}

/* Scores go. */
static int scores_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    static const char *const sqls[] = {
        "DELETE FROM risk_score WHERE institution_id = ? AND learner_id = ?", NULL};
    return support_subject_run(st, sqls, inst, learner, err);
}

/* ---- acknowledgements ------------------------------------------------------------------ */

/* Who acknowledged which flag, when, with what comment (opened when it is
** sealed text, support/sealed.h). */
static int acks_read(store *st, int64_t inst, int64_t learner, json_t **out, cairn_err *err) {
    static const char *const n[] = {"flag", "score_date", "by", "comment", "at"};
    if (support_subject_rows(st,
            "SELECT f.rule_code, f.asof, coalesce(a.display_name, ''), f.comment, f.at"
            " FROM flag_acknowledgement f LEFT JOIN account a ON a.id = f.account_id"
            " WHERE f.institution_id = ? AND f.learner_id = ? ORDER BY f.id", inst, learner, n, 5,
            out, err) < 0)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach(*out, i, row) {
        buf plain = BUF_INIT;
        const char *stored = json_string_value(json_object_get(row, "comment"));
        int rc = consent_text_open(st, inst, stored, &plain, err);
        if (rc == 0) json_object_set_new(row, "comment", json_string(buf_cstr(&plain)));
        buf_free(&plain);
        if (rc < 0) {
            json_decref(*out);
            *out = NULL;
            return -1;
        }
    }
    return 0;
}

/* The comments go; that a flag was acknowledged stays. */
static int acks_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    static const char *const sqls[] = {
        "UPDATE flag_acknowledgement SET comment = '' WHERE institution_id = ? AND learner_id = ?",
        NULL};
    return support_subject_run(st, sqls, inst, learner, err);
}

/* ---- key workers ------------------------------------------------------------------ */

/* Key workers over time, and the staff a leader shared the record with. */
static int keyworkers_read(store *st, int64_t inst, int64_t learner, json_t **out,
                           cairn_err *err) {
    static const char *const kn[] = {"key_worker", "assigned_at", "ended_at"};
    static const char *const sn[] = {"shared_with", "shared_at"};
    json_t *k, *s;
    if (support_subject_rows(st,
            "SELECT s.given_name || ' ' || s.family_name, sa.assigned_at, sa.ended_at"
            " FROM support_assignment sa JOIN staff s ON s.institution_id = sa.institution_id"
            " AND s.id = sa.staff_id WHERE sa.institution_id = ? AND sa.learner_id = ?"
            " ORDER BY sa.assigned_at", inst, learner, kn, 3, &k, err) < 0)
        return -1;
    if (support_subject_rows(st,
            "SELECT s.given_name || ' ' || s.family_name, ls.shared_at FROM learner_share ls"
            " JOIN staff s ON s.institution_id = ls.institution_id AND s.id = ls.staff_id"
            " WHERE ls.institution_id = ? AND ls.learner_id = ? ORDER BY ls.shared_at",
            inst, learner, sn, 2, &s, err) < 0) {
        json_decref(k);
        return -1;
    }
    *out = json_pack("{s:o, s:o}", "assignments", k, "shares", s);
    return 0;
}

/* ---- consents ------------------------------------------------------------------ */

/* Consents with withdrawals, overrides and legal holds. */
static int consents_read(store *st, int64_t inst, int64_t learner, json_t **out, cairn_err *err) {
    static const char *const hn[] = {"placed_at", "lifted_at"};
    arena *a = arena_new(0);
    support_consent_row *c;
    support_consent_override_row *o;
    size_t nc, no;
    json_t *holds = NULL;
    if (support_consent_list(st, inst, learner, a, &c, &nc, err) < 0 ||
        support_consent_override_list(st, inst, learner, a, &o, &no, err) < 0 ||
        support_subject_rows(st, "SELECT placed_at, lifted_at FROM legal_hold WHERE"
                             " institution_id = ? AND learner_id = ? ORDER BY id", inst, learner,
                             hn, 2, &holds, err) < 0) {
        arena_free(a);
        return -1;
    }
    json_t *cs = json_array(), *os = json_array();
    for (size_t i = 0; i < nc; i++)
        json_array_append_new(cs, json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
            (json_int_t)c[i].id, "purpose", c[i].purpose, "recipient", c[i].recipient,
            "categories", c[i].categories, "valid_from", c[i].valid_from, "valid_until",
            c[i].valid_until, "given_by", c[i].given_by, "guardian", c[i].guardian_name, "method",
            c[i].method, "note", c[i].note, "recorded_at", c[i].recorded_at, "withdrawn_from",
            c[i].withdrawn_effective, "withdrawal_note", c[i].withdrawal_note));
    for (size_t i = 0; i < no; i++)
        json_array_append_new(os, json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)o[i].id, "purpose",
            o[i].purpose, "recipient", o[i].recipient, "category", o[i].category, "day", o[i].day,
            "reason", o[i].reason, "by", o[i].account_name));
    arena_free(a);
    *out = json_pack("{s:o, s:o, s:o}", "consents", cs, "emergency_overrides", os, "legal_holds",
                     holds);
    return 0;
}

/* Notes and reasons go, and the guardian named for family access; what
** was consented, when, stays as proof. */
static int consents_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    static const char *const sqls[] = {
        "UPDATE consent_withdrawal SET note = '' WHERE institution_id = ? AND consent_id IN"
        " (SELECT id FROM consent c WHERE c.institution_id = consent_withdrawal.institution_id"
        "  AND c.learner_id = ?)",
        "UPDATE consent SET note = '', recipient = CASE WHEN purpose = 'family_access'"
        " THEN 'a guardian (erased)' ELSE recipient END WHERE institution_id = ? AND learner_id = ?",
        "UPDATE consent_override SET reason = '' WHERE institution_id = ? AND learner_id = ?",
        "UPDATE legal_hold SET reason = '' WHERE institution_id = ? AND learner_id = ?",
        NULL};
    return support_subject_run(st, sqls, inst, learner, err);
}

/* A legal hold not lifted forbids erasure. */
static int consents_hold(store *st, int64_t inst, int64_t learner, buf *why, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT placed_at FROM legal_hold WHERE institution_id = ?"
                                      " AND learner_id = ? AND lifted_at IS NULL ORDER BY id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    int rc = store_step(q, err);
    if (rc == STORE_ROW)   /* not HTML: a message */
        buf_printf(why, "%sA legal hold placed %.10s forbids erasing this learner: lift it first "
                   "(cairn erase --lift-hold).", why->len ? " " : "", store_col_text(q, 0));
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* ---- notices and the audit of access ------------------------------------------------ */

/* Notices about the learner sent to staff. */
static int notices_read(store *st, int64_t inst, int64_t learner, json_t **out, cairn_err *err) {
    static const char *const n[] = {"kind", "detail", "created_at", "read_at"};
    return support_subject_rows(st, "SELECT kind, detail, created_at, read_at FROM notice"
                                    " WHERE institution_id = ? AND learner_id = ? ORDER BY id",
                                inst, learner, n, 4, out, err);
}

/* Notices about the learner go. */
static int notices_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    static const char *const sqls[] = {
        "DELETE FROM notice WHERE institution_id = ? AND learner_id = ?", NULL};
    return support_subject_run(st, sqls, inst, learner, err);
}

/* Who read or changed the learner's record, when, and what. */
static int audit_read(store *st, int64_t inst, int64_t learner, json_t **out, cairn_err *err) {
    static const char *const n[] = {"at", "who", "action", "detail"};
    return support_subject_rows(st,
        "SELECT e.at, coalesce(a.display_name, 'cairn'), e.action, e.detail FROM audit_event e"
        " LEFT JOIN account a ON a.id = e.account_id WHERE e.institution_id = ?"
        " AND e.learner_id = ? ORDER BY e.id", inst, learner, n, 4, out, err);
}

/* The registry: a new part is one row (see subject.h).  The audit log is
** read but never erased: it is append-only and holds no names. */
const support_subject_part support_subject_parts[] = {
    {"identity", "Identity", identity_read, identity_erase, NULL},
    {"enrolments", "Enrolments", enrolments_read, enrolments_erase, enrolments_hold},
    {"events", "Attendance, results, behaviour and engagement", events_read, events_erase, NULL},
    {"scores", "Risk scores and their reasons", scores_read, scores_erase, NULL},
    {"acknowledgements", "Flag acknowledgements", acks_read, acks_erase, NULL},
    {"key_workers", "Key workers", keyworkers_read, NULL, NULL},
    {"consents", "Consents", consents_read, consents_erase, consents_hold},
    {"cases", "Cases", support_case_subject_read, support_case_subject_erase,
     support_case_subject_hold},
    {"handovers", "Handovers of cases", support_case_move_subject_read, NULL,
     NULL},                                         /* erased with "cases": case_move_subject.c */
    {"assessments", "Needs assessments", support_assessment_subject_read,
     support_assessment_subject_erase, NULL},
    {"plans", "Plans and goals", support_plan_subject_read, support_plan_subject_erase, NULL},
    {"reviews", "Reviews of cases", support_review_subject_read, support_review_subject_erase,
     NULL},                                                     /* support/review_subject.c */
    {"contracts", "Learner contracts", support_contract_subject_read,
     support_contract_subject_erase, NULL},
    {"notices", "Notices to staff", notices_read, notices_erase, NULL},
    {"access_audit", "Who saw or changed this record", audit_read, NULL, NULL},
};
const size_t support_subject_nparts = sizeof support_subject_parts / sizeof *support_subject_parts;
