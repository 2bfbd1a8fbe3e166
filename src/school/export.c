/*
** school/export.c — school data back out in the import format.
**
** The header comes from the import spec, so an export always re-imports
** cleanly and changes nothing.  Cells that a spreadsheet would run as a
** formula are neutralised by csv_write_field().
*/
#include "school/import_spec.h"
#include "base/csv.h"
#include <string.h>

/* One SELECT per kind, columns in spec order; ? is the institution id
** (institutions are exported whole). */
static const char *const export_sql[IMPORT_KIND_COUNT] = {
    [IMPORT_INSTITUTIONS] = "SELECT code, name, country FROM institution WHERE ? >= 0 ORDER BY code",
    [IMPORT_SITES] = "SELECT code, name, address FROM site WHERE institution_id = ? ORDER BY code",
    [IMPORT_TERMS] = "SELECT code, name, school_year, start_date, end_date FROM term"
                     " WHERE institution_id = ? ORDER BY start_date, code",
    [IMPORT_PROGRAMMES] = "SELECT code, name, eqf_level, duration_months, field FROM programme"
                          " WHERE institution_id = ? ORDER BY code",
    [IMPORT_GROUPS] =
        "SELECT g.code, g.name, p.code, g.school_year, g.year_of_programme, s.code"
        " FROM class_group g"
        " LEFT JOIN programme p ON p.institution_id = g.institution_id AND p.id = g.programme_id"
        " LEFT JOIN site s ON s.institution_id = g.institution_id AND s.id = g.site_id"
        " WHERE g.institution_id = ? ORDER BY g.code",
    [IMPORT_LEARNERS] =
        "SELECT l.ref, l.given_name, l.family_name, l.birth_date, l.email, a.gender,"
        " a.migrant_background, a.special_needs, a.first_language"
        " FROM learner l LEFT JOIN learner_audit a"
        "   ON a.institution_id = l.institution_id AND a.learner_id = l.id"
        " WHERE l.institution_id = ? ORDER BY l.ref",
    [IMPORT_STAFF] = "SELECT ref, given_name, family_name, email, job_title FROM staff"
                     " WHERE institution_id = ? ORDER BY ref",
    [IMPORT_GUARDIANS] =
        "SELECT g.ref, g.given_name, g.family_name, g.email, g.phone, l.ref, lg.relationship,"
        " lg.parental_responsibility"
        " FROM learner_guardian lg"
        " JOIN guardian g ON g.institution_id = lg.institution_id AND g.id = lg.guardian_id"
        " JOIN learner l ON l.institution_id = lg.institution_id AND l.id = lg.learner_id"
        " WHERE lg.institution_id = ? ORDER BY g.ref, l.ref",
    [IMPORT_GROUP_STAFF] =
        "SELECT g.code, s.ref, gs.role FROM group_staff gs"
        " JOIN class_group g ON g.institution_id = gs.institution_id AND g.id = gs.group_id"
        " JOIN staff s ON s.institution_id = gs.institution_id AND s.id = gs.staff_id"
        " WHERE gs.institution_id = ? ORDER BY g.code, s.ref",
    [IMPORT_ENROLMENTS] =
        "SELECT l.ref, p.code, e.start_date, g.code, e.expected_end_date, e.status,"
        " e.exit_date, e.exit_reason FROM enrolment e"
        " JOIN learner l ON l.institution_id = e.institution_id AND l.id = e.learner_id"
        " JOIN programme p ON p.institution_id = e.institution_id AND p.id = e.programme_id"
        " LEFT JOIN class_group g ON g.institution_id = e.institution_id AND g.id = e.group_id"
        " WHERE e.institution_id = ? ORDER BY l.ref, e.start_date, p.code",
    [IMPORT_ATTENDANCE] =
        "SELECT l.ref, a.date, a.session, a.status, a.minutes FROM attendance a"
        " JOIN learner l ON l.institution_id = a.institution_id AND l.id = a.learner_id"
        " WHERE a.institution_id = ? ORDER BY a.learner_id, a.date, a.session",
    [IMPORT_RESULTS] =
        "SELECT l.ref, r.unit, r.assessment, r.date, r.score, r.max_score, r.passed, r.late,"
        " r.missing FROM result r"
        " JOIN learner l ON l.institution_id = r.institution_id AND l.id = r.learner_id"
        " WHERE r.institution_id = ? ORDER BY r.learner_id, r.unit, r.assessment",
    [IMPORT_BEHAVIOUR] =
        "SELECT b.incident, l.ref, b.date, b.type, b.severity FROM behaviour b"
        " JOIN learner l ON l.institution_id = b.institution_id AND l.id = b.learner_id"
        " WHERE b.institution_id = ? ORDER BY b.incident, l.ref",
    [IMPORT_ENGAGEMENT] =
        "SELECT l.ref, e.date, e.source, e.metric, e.value FROM engagement e"
        " JOIN learner l ON l.institution_id = e.institution_id AND l.id = e.learner_id"
        " WHERE e.institution_id = ? ORDER BY e.learner_id, e.date, e.source, e.metric",
};

/* Append column col of the current row, formatted for spec column c. */
static void export_cell(buf *b, store_stmt *s, int col, const import_col *c, import_kind kind) {
    if (store_col_is_null(s, col)) return;
    char tmp[64];
    const char *text;
    switch (c->type) {
    case COL_INT:
        snprintf(tmp, sizeof tmp, "%lld", (long long)store_col_int64(s, col));
        text = tmp;
        break;
    case COL_NUM:
        snprintf(tmp, sizeof tmp, "%.15g", store_col_double(s, col));
        text = tmp;
        break;
    case COL_BOOL:
        text = store_col_int64(s, col) ? "yes" : "no";
        break;
    default:
        text = store_col_text(s, col);
        if (kind == IMPORT_ATTENDANCE && c->type == COL_ENUM) {
            int64_t code = store_col_int64(s, col);
            text = code >= 0 && code <= 3 ? import_attendance_status[code] : "";
        }
    }
    csv_write_field(b, text, strlen(text), ',', 1);
}

/* Write kind for the institution to out; see school.h. */
int school_export(store *st, const char *institution, import_kind kind, FILE *out, cairn_err *err) {
    int64_t inst = 0;
    if (kind != IMPORT_INSTITUTIONS && school_institution_resolve(st, institution, &inst, err) < 0)
        return -1;
    const import_spec *spec = import_spec_of(kind);
    store_stmt *s = store_prepare(st, export_sql[kind], err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    buf b = BUF_INIT;
    for (size_t i = 0; i < spec->ncols; i++) {
        if (i) buf_putc(&b, ',');
        buf_puts(&b, spec->cols[i].name);
    }
    buf_putc(&b, '\n');
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        for (size_t i = 0; i < spec->ncols; i++) {
            if (i) buf_putc(&b, ',');
            export_cell(&b, s, (int)i, &spec->cols[i], kind);
        }
        buf_putc(&b, '\n');
        if (b.len > (1 << 20)) {
            if (fwrite(b.data, 1, b.len, out) != b.len) { rc = -2; break; }
            buf_reset(&b);
        }
    }
    if (rc == STORE_DONE && b.len && fwrite(b.data, 1, b.len, out) != b.len) rc = -2;
    buf_free(&b);
    store_finalize(s);
    if (rc == -2) return err_set(err, CAIRN_EIO, "cannot write the export");
    return rc < 0 ? -1 : 0;
}
