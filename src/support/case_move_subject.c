/*
** support/case_move_subject.c — the handovers part of a learner's whole
** record (support/subject.h): the handover records that came with the
** learner's cases from other institutions, opened and readable as JSON,
** and the offers of the learner's cases to another key worker or another
** institution, their reasons and answers (an answer of a withdrawn offer
** is why it was withdrawn) opened.  Erasure is the cases part's
** (support/case_subject.c): it blanks these texts and the records.
*/
#include "support/case_move_internal.h"
#include "base/mem.h"
#include "support/subject.h"
#include <stdlib.h>
#include <string.h>

/* Replace member name of each object of rows (sealed text or NULL) by its
** opened text ("" for NULL). */
static int open_member(store *st, int64_t inst, json_t *rows, const char *name, cairn_err *err) {
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *stored = json_string_value(json_object_get(row, name));
        buf plain = BUF_INIT;   /* not HTML: a reason, into JSON */
        if (stored && support_case_text_open(st, inst, stored, &plain, err) < 0) {
            buf_free(&plain);
            return -1;
        }
        json_object_set_new(row, name, json_string(buf_cstr(&plain)));
        buf_free(&plain);
    }
    return 0;
}

/* The records that came with the learner's cases into *out, opened. */
static int received_read(store *st, int64_t inst, int64_t learner, json_t **out,
                         cairn_err *err) {
    static const char *const n[] = {"case", "from_institution", "their_case", "made_at",
                                    "record"};
    if (support_subject_rows(st, "SELECT h.case_id, f.name, h.from_case_id, h.made_at, h.record"
                                 " FROM case_handover h JOIN support_case c ON c.institution_id ="
                                 " h.institution_id AND c.id = h.case_id JOIN institution f ON"
                                 " f.id = h.from_institution WHERE h.institution_id = ?"
                                 " AND c.learner_id = ? ORDER BY h.case_id",
                             inst, learner, n, 5, out, err) < 0)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach(*out, i, row) {
        json_t *rec = NULL;
        int64_t case_id = 0;
        const char *id = json_string_value(json_object_get(row, "case"));
        if (id) case_id = strtoll(id, NULL, 10);
        if (case_handover_open(st, inst, case_id,
                               json_string_value(json_object_get(row, "record")), &rec,
                               err) < 0) {
            json_decref(*out);
            *out = NULL;
            return -1;
        }
        json_object_set_new(row, "record", rec);
    }
    return 0;
}

/* The offers of the learner's cases, both kinds, oldest first, into *out. */
static int offered_read(store *st, int64_t inst, int64_t learner, json_t **out,
                        cairn_err *err) {
    static const char *const n[] = {"case", "to", "to_name", "state", "asked_at", "reason",
                                    "answered_at", "answer"};
    json_t *staff = NULL;
    if (support_subject_rows(st, "SELECT m.case_id, 'institution', t.name, m.state, m.asked_at,"
                                 " m.reason, m.answered_at, m.answer FROM case_move m"
                                 " JOIN support_case c ON c.institution_id = m.institution_id"
                                 " AND c.id = m.case_id JOIN institution t ON t.id ="
                                 " m.to_institution WHERE m.institution_id = ?"
                                 " AND c.learner_id = ? ORDER BY m.asked_at, m.id",
                             inst, learner, n, 8, out, err) < 0)
        return -1;
    if (support_subject_rows(st, "SELECT x.case_id, 'key_worker', s.given_name || ' ' ||"
                                 " s.family_name, x.state, x.asked_at, x.reason, x.answered_at,"
                                 " x.answer FROM case_transfer x JOIN support_case c ON"
                                 " c.institution_id = x.institution_id AND c.id = x.case_id"
                                 " JOIN staff s ON s.institution_id = x.institution_id AND s.id ="
                                 " x.to_staff WHERE x.institution_id = ? AND c.learner_id = ?"
                                 " ORDER BY x.asked_at, x.id",
                             inst, learner, n, 8, &staff, err) < 0 ||
        json_array_extend(*out, staff) < 0 || open_member(st, inst, *out, "reason", err) < 0 ||
        open_member(st, inst, *out, "answer", err) < 0) {
        json_decref(staff);
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    json_decref(staff);
    return 0;
}

/* The learner's handovers (see case_move.h). */
int support_case_move_subject_read(store *st, int64_t inst, int64_t learner, json_t **out,
                                   cairn_err *err) {
    json_t *received = NULL, *offered = NULL;
    *out = NULL;
    if (received_read(st, inst, learner, &received, err) < 0) return -1;
    if (offered_read(st, inst, learner, &offered, err) < 0) {
        json_decref(received);
        return -1;
    }
    *out = json_pack("{s:o,s:o}", "received", received, "offered", offered);
    return *out ? 0 : err_set(err, CAIRN_EINTERNAL, "handovers: out of memory");
}
