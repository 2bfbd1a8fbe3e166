/*
** school/import_stmt.c — the importer's upsert statements: their SQL per
** slot, the columns a narrower file keeps, the marking of new, changed and
** unchanged rows, and settling those counts before the commit.
*/
#include "school/import_internal.h"
#include <string.h>

#define UPSERT_TAIL(table) " WHERE " table ".import_id <> excluded.import_id"

const char *const import_stmt_sql[ST_COUNT] = {
    [ST_INSTITUTION] =
        "INSERT INTO institution (id, code, name, country, import_id, created_at)"
        " VALUES (?,?,?,?,?,?) ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
        " country = excluded.country, import_id = excluded.import_id" UPSERT_TAIL("institution"),
    [ST_SITE] =
        "INSERT INTO site (institution_id, id, code, name, address, import_id)"
        " VALUES (?,?,?,?,?,?) ON CONFLICT (institution_id, code) DO UPDATE SET"
        " name = excluded.name, address = excluded.address, import_id = excluded.import_id"
        UPSERT_TAIL("site"),
    [ST_TERM] =
        "INSERT INTO term (institution_id, id, code, name, school_year, start_date, end_date,"
        " import_id) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (institution_id, code) DO UPDATE SET"
        " name = excluded.name, school_year = excluded.school_year,"
        " start_date = excluded.start_date, end_date = excluded.end_date,"
        " import_id = excluded.import_id" UPSERT_TAIL("term"),
    [ST_PROGRAMME] =
        "INSERT INTO programme (institution_id, id, code, name, eqf_level, duration_months,"
        " field, import_id) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (institution_id, code)"
        " DO UPDATE SET name = excluded.name, eqf_level = excluded.eqf_level,"
        " duration_months = excluded.duration_months, field = excluded.field,"
        " import_id = excluded.import_id" UPSERT_TAIL("programme"),
    [ST_GROUP] =
        "INSERT INTO class_group (institution_id, id, code, name, programme_id, school_year,"
        " year_of_programme, site_id, import_id) VALUES (?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (institution_id, code) DO UPDATE SET name = excluded.name,"
        " programme_id = excluded.programme_id, school_year = excluded.school_year,"
        " year_of_programme = excluded.year_of_programme, site_id = excluded.site_id,"
        " import_id = excluded.import_id" UPSERT_TAIL("class_group"),
    [ST_LEARNER] =
        "INSERT INTO learner (institution_id, id, ref, given_name, family_name, birth_date,"
        " email, import_id) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (institution_id, ref)"
        " DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name,"
        " birth_date = excluded.birth_date, email = excluded.email,"
        " import_id = excluded.import_id" UPSERT_TAIL("learner"),
    [ST_LEARNER_AUDIT] =
        "INSERT INTO learner_audit (institution_id, learner_id, gender, migrant_background,"
        " special_needs, first_language, import_id) VALUES (?,?,?,?,?,?,?)"
        " ON CONFLICT (institution_id, learner_id) DO UPDATE SET gender = excluded.gender,"
        " migrant_background = excluded.migrant_background,"
        " special_needs = excluded.special_needs, first_language = excluded.first_language,"
        " import_id = excluded.import_id",
    [ST_LEARNER_AUDIT_CLEAR] =
        "DELETE FROM learner_audit WHERE institution_id = ? AND learner_id = ?"
        " AND gender IS NULL AND migrant_background IS NULL AND special_needs IS NULL"
        " AND first_language IS NULL",
    [ST_STAFF] =
        "INSERT INTO staff (institution_id, id, ref, given_name, family_name, email,"
        " job_title, import_id) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (institution_id, ref)"
        " DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name,"
        " email = excluded.email, job_title = excluded.job_title,"
        " import_id = excluded.import_id" UPSERT_TAIL("staff"),
    [ST_GUARDIAN] =
        "INSERT INTO guardian (institution_id, id, ref, given_name, family_name, email, phone,"
        " import_id) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (institution_id, ref)"
        " DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name,"
        " email = excluded.email, phone = excluded.phone, import_id = excluded.import_id"
        UPSERT_TAIL("guardian"),
    [ST_LEARNER_GUARDIAN] =
        "INSERT INTO learner_guardian (institution_id, learner_id, guardian_id, relationship,"
        " parental_responsibility, import_id) VALUES (?,?,?,?,?,?)"
        " ON CONFLICT (institution_id, learner_id, guardian_id) DO UPDATE SET"
        " relationship = excluded.relationship,"
        " parental_responsibility = excluded.parental_responsibility,"
        " import_id = excluded.import_id" UPSERT_TAIL("learner_guardian"),
    [ST_GROUP_STAFF] =
        "INSERT INTO group_staff (institution_id, group_id, staff_id, role, import_id)"
        " VALUES (?,?,?,?,?) ON CONFLICT (institution_id, group_id, staff_id) DO UPDATE SET"
        " role = excluded.role, import_id = excluded.import_id" UPSERT_TAIL("group_staff"),
    [ST_ENROLMENT] =
        "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id,"
        " start_date, expected_end_date, status, exit_date, exit_reason, import_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (institution_id, learner_id, programme_id, start_date) DO UPDATE SET"
        " group_id = excluded.group_id, expected_end_date = excluded.expected_end_date,"
        " status = excluded.status, exit_date = excluded.exit_date,"
        " exit_reason = excluded.exit_reason, import_id = excluded.import_id"
        UPSERT_TAIL("enrolment"),
    [ST_ATTENDANCE] =
        "INSERT INTO attendance (institution_id, learner_id, date, session, status, minutes,"
        " import_id) VALUES (?,?,?,?,?,?,?)"
        " ON CONFLICT (institution_id, learner_id, date, session) DO UPDATE SET"
        " status = excluded.status, minutes = excluded.minutes,"
        " import_id = excluded.import_id" UPSERT_TAIL("attendance"),
    [ST_RESULT] =
        "INSERT INTO result (institution_id, learner_id, unit, assessment, date, score,"
        " max_score, passed, late, missing, import_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (institution_id, learner_id, unit, assessment) DO UPDATE SET"
        " date = excluded.date, score = excluded.score, max_score = excluded.max_score,"
        " passed = excluded.passed, late = excluded.late, missing = excluded.missing,"
        " import_id = excluded.import_id" UPSERT_TAIL("result"),
    [ST_BEHAVIOUR] =
        "INSERT INTO behaviour (institution_id, incident, learner_id, date, type, severity,"
        " import_id) VALUES (?,?,?,?,?,?,?)"
        " ON CONFLICT (institution_id, incident, learner_id) DO UPDATE SET"
        " date = excluded.date, type = excluded.type, severity = excluded.severity,"
        " import_id = excluded.import_id" UPSERT_TAIL("behaviour"),
    [ST_ENGAGEMENT] =
        "INSERT INTO engagement (institution_id, learner_id, date, source, metric, value,"
        " import_id) VALUES (?,?,?,?,?,?,?)"
        " ON CONFLICT (institution_id, learner_id, date, source, metric) DO UPDATE SET"
        " value = excluded.value, import_id = excluded.import_id" UPSERT_TAIL("engagement"),
    /* --sum: a second row of a key in this import adds its value; the
    ** first replaces what an earlier import stored */
    [ST_ENGAGEMENT_SUM] =
        "INSERT INTO engagement (institution_id, learner_id, date, source, metric, value,"
        " import_id) VALUES (?,?,?,?,?,?,?)"
        " ON CONFLICT (institution_id, learner_id, date, source, metric) DO UPDATE SET"
        " value = CASE WHEN engagement.import_id IN (excluded.import_id,"
        " excluded.import_id + " IMPORT_CHANGED_OFFSET ")"
        " THEN engagement.value + excluded.value ELSE excluded.value END,"
        " import_id = CASE WHEN engagement.import_id = excluded.import_id"
        " THEN excluded.import_id ELSE excluded.import_id + " IMPORT_CHANGED_OFFSET " END",
};

/* Optional columns that an update keeps when the file does not have them
** (a narrower file must never wipe what it does not mention): statement
** slot, spec column, table column.  An empty cell in a column the file has
** still clears the value. */
static const struct { int slot, spec_col; const char *column; } keep_cols[] = {
    {ST_INSTITUTION, 2, "country"},
    {ST_SITE, 2, "address"},
    {ST_PROGRAMME, 2, "eqf_level"}, {ST_PROGRAMME, 3, "duration_months"},
    {ST_PROGRAMME, 4, "field"},
    {ST_GROUP, 2, "programme_id"}, {ST_GROUP, 3, "school_year"},
    {ST_GROUP, 4, "year_of_programme"}, {ST_GROUP, 5, "site_id"},
    {ST_LEARNER, 3, "birth_date"}, {ST_LEARNER, 4, "email"},
    {ST_LEARNER_AUDIT, 5, "gender"}, {ST_LEARNER_AUDIT, 6, "migrant_background"},
    {ST_LEARNER_AUDIT, 7, "special_needs"}, {ST_LEARNER_AUDIT, 8, "first_language"},
    {ST_STAFF, 3, "email"}, {ST_STAFF, 4, "job_title"},
    {ST_GUARDIAN, 3, "email"}, {ST_GUARDIAN, 4, "phone"},
    {ST_GROUP_STAFF, 2, "role"},
    {ST_ENROLMENT, 3, "group_id"}, {ST_ENROLMENT, 4, "expected_end_date"},
    {ST_RESULT, 4, "score"}, {ST_RESULT, 5, "max_score"}, {ST_RESULT, 6, "passed"},
    {ST_RESULT, 7, "late"}, {ST_RESULT, 8, "missing"},
};

/* import_stmt_sql[slot] with "col = excluded.col" turned into "col = table.col"
** for each kept column in mask; caller frees out. */
static void stmt_sql_keeping(int slot, uint32_t mask, buf *out) {
    buf_puts(out, import_stmt_sql[slot]);
    for (size_t k = 0; k < sizeof keep_cols / sizeof *keep_cols; k++) {
        if (keep_cols[k].slot != slot || !(mask >> keep_cols[k].spec_col & 1)) continue;
        const char *into = import_stmt_sql[slot] + strlen("INSERT INTO ");   /* every kept slot is an upsert */
        size_t tlen = strcspn(into, " (");
        char from[128], to[128];
        snprintf(from, sizeof from, "%s = excluded.%s", keep_cols[k].column, keep_cols[k].column);
        snprintf(to, sizeof to, "%s = %.*s.%s", keep_cols[k].column, (int)tlen, into,
                 keep_cols[k].column);
        char *at = strstr(out->data, from);
        if (!at) continue;
        buf rest = BUF_INIT;
        buf_puts(&rest, at + strlen(from));
        out->len = (size_t)(at - out->data);
        buf_puts(out, to);
        buf_append(out, rest.data, rest.len);
        buf_free(&rest);
    }
}

/* Make the upsert sql tell new, changed and unchanged rows apart (see
** import_internal.h, IMPORT_CHANGED_OFFSET): an update whose columns all
** equal the stored ones sets import_id to -X, any other update to
** X + offset; an insert keeps X.  The duplicate guard then skips all three.
** Statements without that guard (the audit rows, --sum) are left as they
** are.  Kept columns ("c = table.c") are not compared. */
void import_sql_mark_changes(buf *sql) {
    const char *text = buf_cstr(sql);
    const char *set = strstr(text, " DO UPDATE SET ");
    const char *where = set ? strstr(set, " WHERE ") : NULL;
    if (!where || !strstr(where, ".import_id <> excluded.import_id")) return;
    buf out = BUF_INIT, cmp = BUF_INIT;
    const char *into = text + strlen("INSERT INTO ");
    int tlen = (int)strcspn(into, " (");
    set += strlen(" DO UPDATE SET ");
    buf_append(&out, text, (size_t)(set - text));
    for (const char *p = set; p < where;) {
        const char *end = strstr(p, ", ");
        if (!end || end > where) end = where;
        char col[64];
        size_t n = strcspn(p, " ");
        snprintf(col, sizeof col, "%.*s", (int)(n < 63 ? n : 63), p);
        char expect[160];
        snprintf(expect, sizeof expect, "%s = excluded.%s", col, col);
        if (!strcmp(col, "import_id")) {
            buf_puts(&out, "import_id = CASE WHEN ");
            buf_puts(&out, cmp.len ? buf_cstr(&cmp) : "1 = 1");
            buf_puts(&out, " THEN -excluded.import_id ELSE excluded.import_id + "
                     IMPORT_CHANGED_OFFSET " END");
        } else {
            if ((size_t)(end - p) == strlen(expect) && !strncmp(p, expect, strlen(expect)))
                buf_printf(&cmp, "%s%.*s.%s IS NOT DISTINCT FROM excluded.%s",
                           cmp.len ? " AND " : "", tlen, into, col, col);
            buf_append(&out, p, (size_t)(end - p));
        }
        if (end < where) buf_puts(&out, ", ");
        p = end < where ? end + 2 : where;
    }
    buf_printf(&out, " WHERE %.*s.import_id NOT IN (excluded.import_id, -excluded.import_id,"
               " excluded.import_id + " IMPORT_CHANGED_OFFSET ")", tlen, into);
    buf_reset(sql);
    buf_append(sql, out.data, out.len);
    buf_free(&out);
    buf_free(&cmp);
}

/* The session's statement for slot, prepared for the columns the current
** row's file has (see keep_cols); re-prepared only when that changes. */
store_stmt *import_stmt_get(importer *im, int slot, cairn_err *err) {
    uint32_t mask = 0;
    for (size_t k = 0; k < sizeof keep_cols / sizeof *keep_cols; k++)
        if (keep_cols[k].slot == slot && (im->row_absent >> keep_cols[k].spec_col & 1))
            mask |= 1u << keep_cols[k].spec_col;
    if (im->stmt[slot] && im->stmt_mask[slot] == mask) return im->stmt[slot];
    store_finalize(im->stmt[slot]);
    buf sql = BUF_INIT;
    stmt_sql_keeping(slot, mask, &sql);
    import_sql_mark_changes(&sql);
    im->slots_used |= 1u << slot;
    im->stmt[slot] = store_prepare(im->st, buf_cstr(&sql), err);
    im->stmt_mask[slot] = mask;
    buf_free(&sql);
    return im->stmt[slot];
}

/* Count the rows this session inserted, changed and left as they were in
** the tables it wrote, into the report, and give them all import_id X
** again (see import_sql_mark_changes).  The guardian table is settled but not
** counted: a guardians row is its link.  0 or -1. */
int import_counts_settle(importer *im, cairn_err *err) {
    char done[ST_COUNT][64];
    int ndone = 0;
    int64_t x = im->import_id, changed = x + ((int64_t)1 << 40);
    for (int slot = 0; slot < ST_COUNT; slot++) {
        if (!(im->slots_used >> slot & 1) || slot == ST_LEARNER_AUDIT ||
            slot == ST_LEARNER_AUDIT_CLEAR)
            continue;
        const char *into = import_stmt_sql[slot] + strlen("INSERT INTO ");
        char table[64];
        snprintf(table, sizeof table, "%.*s", (int)strcspn(into, " ("), into);
        int seen = 0;
        for (int i = 0; i < ndone; i++) seen |= !strcmp(done[i], table);
        if (seen) continue;
        memcpy(done[ndone++], table, sizeof table);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT import_id, count(*) FROM %s WHERE import_id IN (?, ?, ?)"
                 " GROUP BY import_id", table);
        store_stmt *q = store_prepare(im->st, sql, err);
        if (!q) return -1;
        store_bind_int64(q, 1, x);
        store_bind_int64(q, 2, -x);
        store_bind_int64(q, 3, changed);
        int rc;
        int counted = slot != ST_GUARDIAN;
        while ((rc = store_step(q, err)) == STORE_ROW) {
            int64_t id = store_col_int64(q, 0), n = store_col_int64(q, 1);
            if (!counted) continue;
            if (id == x) im->rep.rows_new += n;
            else if (id == changed) im->rep.rows_updated += n;
            else im->rep.rows_unchanged += n;
        }
        store_finalize(q);
        if (rc < 0) return -1;
        snprintf(sql, sizeof sql, "UPDATE %s SET import_id = ? WHERE import_id IN (?, ?)", table);
        q = store_prepare(im->st, sql, err);
        if (!q) return -1;
        store_bind_int64(q, 1, x);
        store_bind_int64(q, 2, -x);
        store_bind_int64(q, 3, changed);
        rc = store_step(q, err);
        store_finalize(q);
        if (rc < 0) return -1;
    }
    return 0;
}

