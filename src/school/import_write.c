/*
** school/import_write.c — resolving references and writing one row per kind.
**
** Every write is an upsert keyed by the school's own identifiers, so the same
** file imported twice changes no data and a corrected file updates in place.
** The upsert only fires when the stored row was written by an earlier import
** (import_id differs); when it does not fire, the key has already appeared in
** this import, which is reported as a duplicate.  All references are checked
** before anything is written, so a bad row writes nothing.
*/
#include "school/import_internal.h"
#include "base/date.h"
#include <string.h>

/* Statement slots, prepared on first use and kept for the session. */
enum {
    ST_INSTITUTION, ST_SITE, ST_TERM, ST_PROGRAMME, ST_GROUP, ST_LEARNER,
    ST_LEARNER_AUDIT, ST_STAFF, ST_GUARDIAN, ST_LEARNER_GUARDIAN, ST_GROUP_STAFF,
    ST_ENROLMENT, ST_ATTENDANCE, ST_RESULT, ST_BEHAVIOUR, ST_ENGAGEMENT, ST_LEARNER_AUDIT_CLEAR, ST_ENGAGEMENT_SUM, ST_COUNT
};

#define UPSERT_TAIL(table) " WHERE " table ".import_id <> excluded.import_id"

static const char *const stmt_sql[ST_COUNT] = {
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

/* Reference tables: how to load the school's identifiers and cairn's ids. */
static const struct { const char *table, *key_sql, *noun, *kind; } ref_info[REF_COUNT] = {
    [REF_SITE] = {"site", "code", "site", "sites"},
    [REF_TERM] = {"term", "code", "term", "terms"},
    [REF_PROGRAMME] = {"programme", "code", "programme", "programmes"},
    [REF_GROUP] = {"class_group", "code", "group", "groups"},
    [REF_LEARNER] = {"learner", "ref", "learner", "learners"},
    [REF_STAFF] = {"staff", "ref", "staff member", "staff"},
    [REF_GUARDIAN] = {"guardian", "ref", "guardian", "guardians"},
    [REF_ENROLMENT] = {"enrolment",
                       "learner_id || '|' || programme_id || '|' || start_date",
                       "enrolment", "enrolments"},
};

/* The session's statement for slot i, prepared on first use. */
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

/* stmt_sql[slot] with "col = excluded.col" turned into "col = table.col"
** for each kept column in mask; caller frees out. */
static void stmt_sql_keeping(int slot, uint32_t mask, buf *out) {
    buf_puts(out, stmt_sql[slot]);
    for (size_t k = 0; k < sizeof keep_cols / sizeof *keep_cols; k++) {
        if (keep_cols[k].slot != slot || !(mask >> keep_cols[k].spec_col & 1)) continue;
        const char *into = stmt_sql[slot] + strlen("INSERT INTO ");   /* every kept slot is an upsert */
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
static void sql_mark_changes(buf *sql) {
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
static store_stmt *stmt_get(importer *im, int slot, cairn_err *err) {
    uint32_t mask = 0;
    for (size_t k = 0; k < sizeof keep_cols / sizeof *keep_cols; k++)
        if (keep_cols[k].slot == slot && (im->row_absent >> keep_cols[k].spec_col & 1))
            mask |= 1u << keep_cols[k].spec_col;
    if (im->stmt[slot] && im->stmt_mask[slot] == mask) return im->stmt[slot];
    store_finalize(im->stmt[slot]);
    buf sql = BUF_INIT;
    stmt_sql_keeping(slot, mask, &sql);
    sql_mark_changes(&sql);
    im->slots_used |= 1u << slot;
    im->stmt[slot] = store_prepare(im->st, buf_cstr(&sql), err);
    im->stmt_mask[slot] = mask;
    buf_free(&sql);
    return im->stmt[slot];
}

/* The map of identifiers for ref, loaded from the database on first use. */
static hmap *ref_map(importer *im, import_ref ref, cairn_err *err) {
    if (im->refs[ref]) return im->refs[ref];
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s, id FROM %s WHERE institution_id = ?",
             ref_info[ref].key_sql, ref_info[ref].table);
    store_stmt *s = store_prepare(im->st, sql, err);
    if (!s) return NULL;
    store_bind_int64(s, 1, im->inst_id);
    hmap *m = hmap_new();
    int64_t max = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        const char *k = store_col_text(s, 0);
        int64_t id = store_col_int64(s, 1);
        hmap_put(m, k, strlen(k), id);
        if (id > max) max = id;
    }
    store_finalize(s);
    if (rc < 0) { hmap_free(m); return NULL; }
    im->refs[ref] = m;
    im->next_id[ref] = max + 1;
    return m;
}

/* The institution scoped rows go to: opts->institution, or the only one. */
int importer_institution(importer *im, int64_t *id, cairn_err *err) {
    if (!im->inst_id) {
        const char *code = im->opts.institution;
        if (code) {
            if (!hmap_get(im->institutions, code, strlen(code), &im->inst_id))
                return err_set(err, CAIRN_EINVAL, "there is no institution \"%s\"; import it "
                               "first with `cairn import institutions FILE`", code);
        } else if (hmap_count(im->institutions) == 1) {
            /* the only key: look it up through the database for its id */
            if (store_query_int64(im->st, "SELECT min(id) FROM institution", -1,
                                  &im->inst_id, err) < 0)
                return -1;
        } else if (hmap_count(im->institutions) == 0) {
            return err_set(err, CAIRN_EINVAL, "there is no institution yet; import one first "
                           "with `cairn import institutions FILE` (or run `cairn demo`)");
        } else {
            return err_set(err, CAIRN_EINVAL, "the database holds %zu institutions; say which "
                           "one with --institution CODE", hmap_count(im->institutions));
        }
    }
    *id = im->inst_id;
    return 0;
}

/* Resolve v (a code column) through ref: 0 found, 1 unknown (why filled),
** -1 fatal. An empty optional value resolves to *id = 0. */
static int ref_resolve(importer *im, import_ref ref, const import_value *v, int64_t *id,
                       buf *why, cairn_err *err) {
    *id = 0;
    if (!v->n) return 0;
    hmap *m = ref_map(im, ref, err);
    if (!m) return -1;
    if (hmap_get(m, v->s, v->n, id)) return 0;
    buf_printf(why, "unknown %s \"%.64s\": it is not in %s (import %s first)",
               ref_info[ref].noun, v->s, ref_info[ref].kind, ref_info[ref].kind);
    return 1;
}

/* The id of key in ref, or a new one (remembered only once written). */
static int ref_id_for(importer *im, import_ref ref, const char *key, size_t n, int64_t *id,
                      int *is_new, cairn_err *err) {
    hmap *m = ref_map(im, ref, err);
    if (!m) return -1;
    *is_new = !hmap_get(m, key, n, id);
    if (*is_new) *id = im->next_id[ref];
    return 0;
}

/* Remember a newly written entity. */
static void ref_added(importer *im, import_ref ref, const char *key, size_t n, int64_t id) {
    hmap_put(im->refs[ref], key, n, id);
    im->next_id[ref] = id + 1;
}

/* ---- binding helpers: an empty value binds NULL ------------------------- */

static void bind_text_or_null(store_stmt *s, int i, const import_value *v) {
    if (v->n) store_bind_text(s, i, v->s, v->n); else store_bind_null(s, i);
}
static void bind_int_or_null(store_stmt *s, int i, const import_value *v) {
    if (v->n) store_bind_int64(s, i, v->i); else store_bind_null(s, i);
}
static void bind_num_or_null(store_stmt *s, int i, const import_value *v) {
    if (v->n) store_bind_double(s, i, v->d); else store_bind_null(s, i);
}

/* Run a bound upsert: 0 written, 1 duplicate within this import (why
** filled), -1 fatal. */
static int run_upsert(store_stmt *s, const import_spec *spec, buf *why, cairn_err *err) {
    int rc = store_step(s, err);
    int64_t n = rc < 0 ? 0 : store_changes(s);
    store_reset(s);
    if (rc < 0) return -1;
    if (n == 0) {
        buf_printf(why, IMPORT_DUP_PREFIX " a row with the same %s appears earlier in this import",
                   spec->key);
        return 1;
    }
    return 0;
}

/* Shorthand for the per-kind writers below. */
#define STMT(slot) store_stmt *s = stmt_get(im, slot, err); if (!s) return -1
#define RESOLVE(ref, col, idvar)                                                   \
    do {                                                                           \
        int rr_ = ref_resolve(im, ref, &v[col], &idvar, why, err);                 \
        if (rr_) { *bad_col = col; return rr_; }                                   \
    } while (0)


/* ---- batches ------------------------------------------------------------
** See import_internal.h.  The multi-row statement is the single-row upsert
** with its VALUES tuple repeated IMPORT_BATCH_ROWS times. */

/* The multi-row form of stmt_sql[slot]; caller frees the buf. */
static void batch_sql(int slot, int nparams, buf *out) {
    const char *sql = stmt_sql[slot];
    const char *values = strstr(sql, " VALUES (");
    const char *tuple_end = strchr(values, ')') + 1;
    buf_append(out, sql, (size_t)(values - sql));
    buf_puts(out, " VALUES ");
    for (int r = 0; r < IMPORT_BATCH_ROWS; r++) {
        buf_puts(out, r ? ",(" : "(");
        for (int p = 0; p < nparams; p++) buf_puts(out, p ? ",?" : "?");
        buf_putc(out, ')');
    }
    buf_puts(out, tuple_end);
    sql_mark_changes(out);
}

/* Bind one row's values to s starting at parameter first. */
static void batch_bind(store_stmt *s, int first, const import_batch_val *row, int nparams) {
    for (int p = 0; p < nparams; p++) {
        switch (row[p].type) {
        case BATCH_TEXT: store_bind_text(s, first + p, row[p].t, row[p].tn); break;
        case BATCH_DOUBLE: store_bind_double(s, first + p, row[p].d); break;
        default: store_bind_int64(s, first + p, row[p].i);
        }
    }
}

/* Run a statement that takes no parameters and returns no rows. */
static int batch_exec(store_stmt *s, cairn_err *err) {
    int rc = store_step(s, err);
    store_reset(s);
    return rc < 0 ? -1 : 0;
}

/* A slot for one more row of kind slot; flushes first when the batch is full
** or holds another kind or file.  NULL on a fatal error. */
static import_batch_val *batch_row(importer *im, int slot, const import_spec *spec, int nparams,
                                   const import_origin *org, cairn_err *err) {
    import_batch *b = &im->batch;
    if (b->n && (b->slot != slot || b->org != org || b->n == IMPORT_BATCH_ROWS))
        if (import_batch_flush(im, err) < 0) return NULL;
    if (b->slot != slot) {
        store_finalize(b->multi);
        buf sql = BUF_INIT;
        batch_sql(slot, nparams, &sql);
        im->slots_used |= 1u << slot;
        b->multi = store_prepare(im->st, buf_cstr(&sql), err);
        buf_free(&sql);
        if (!b->multi) return NULL;
        b->slot = slot;
        b->nparams = nparams;
        b->spec = spec;
    }
    if (b->n == 0) buf_reset(&b->raw);
    b->org = org;
    int r = b->n++;
    b->line[r] = org->line;
    b->raw_start[r] = b->raw.len;
    /* the source record is only needed for the bad-rows file */
    for (size_t f = 0; im->skip && org->raw && f < org->nraw; f++) {
        size_t n = org->raw_len[f];
        buf_append(&b->raw, &n, sizeof n);
        buf_append(&b->raw, org->raw[f], n);
    }
    memset(b->val[r], 0, sizeof b->val[r]);
    return b->val[r];
}

/* Put text (at most 64 bytes: the spec's code limit) into a batch value. */
static void batch_text(import_batch_val *v, const import_value *src) {
    size_t n = src->n < sizeof v->t - 1 ? src->n : sizeof v->t - 1;
    memcpy(v->t, src->s, n);
    v->tn = (uint8_t)n;
    v->type = BATCH_TEXT;
}

/* Replay the batch row by row after a rollback, reporting each duplicate. */
static int batch_replay(importer *im, cairn_err *err) {
    import_batch *b = &im->batch;
    STMT(b->slot);
    const import_origin *org = b->org;
    const char *raw[IMPORT_MAX_COLS * 4];
    size_t raw_len[IMPORT_MAX_COLS * 4];
    for (int r = 0; r < b->n; r++) {
        batch_bind(s, 1, b->val[r], b->nparams);
        buf_reset(&im->scratch);
        int rc = run_upsert(s, b->spec, &im->scratch, err);
        if (rc < 0) return -1;
        if (rc == 0) continue;
        /* Rebuild the row's origin from the copy kept in the batch. */
        import_origin o = *org;
        o.line = b->line[r];
        size_t off = b->raw_start[r];
        for (size_t f = 0; im->skip && org->raw && f < org->nraw && f < IMPORT_MAX_COLS * 4; f++) {
            memcpy(&raw_len[f], b->raw.data + off, sizeof(size_t));
            raw[f] = b->raw.data + off + sizeof(size_t);
            off += sizeof(size_t) + raw_len[f];
        }
        o.raw = im->skip && org->raw ? raw : NULL;
        o.raw_len = raw_len;
        if (o.nraw > IMPORT_MAX_COLS * 4) o.nraw = IMPORT_MAX_COLS * 4;
        char why[CAIRN_ERR_MAX];
        snprintf(why, sizeof why, "%s", buf_cstr(&im->scratch));
        buf_reset(&im->scratch);
        im->rep.rows_written--;
        importer_bad(im, &o, org->file_col ? org->file_col[0] : 0, why);
    }
    return 0;
}

/* Write the pending rows; see import_internal.h. */
int import_batch_flush(importer *im, cairn_err *err) {
    import_batch *b = &im->batch;
    if (!b->n) return 0;
    if (!b->savepoint) {
        b->savepoint = store_prepare(im->st, "SAVEPOINT cairn_batch", err);
        b->release = store_prepare(im->st, "RELEASE SAVEPOINT cairn_batch", err);
        b->rollback_to = store_prepare(im->st, "ROLLBACK TO SAVEPOINT cairn_batch", err);
        if (!b->savepoint || !b->release || !b->rollback_to) return -1;
    }
    int rc;
    if (b->n == IMPORT_BATCH_ROWS) {
        if (batch_exec(b->savepoint, err) < 0) return -1;
        for (int r = 0; r < b->n; r++) batch_bind(b->multi, 1 + r * b->nparams, b->val[r], b->nparams);
        rc = store_step(b->multi, err);
        int64_t changed = rc < 0 ? 0 : store_changes(b->multi);
        store_reset(b->multi);
        if (rc < 0) return -1;
        if (changed == b->n) {
            rc = batch_exec(b->release, err);
        } else {
            rc = batch_exec(b->rollback_to, err) < 0 || batch_exec(b->release, err) < 0 ||
                 batch_replay(im, err) < 0 ? -1 : 0;
        }
    } else {
        rc = batch_replay(im, err);   /* a short tail: one statement per row */
    }
    b->n = 0;
    return rc;
}

/* Free the batch's statements and memory. */
void import_batch_free(importer *im) {
    import_batch *b = &im->batch;
    store_finalize(b->multi);
    store_finalize(b->savepoint);
    store_finalize(b->release);
    store_finalize(b->rollback_to);
    b->multi = b->savepoint = b->release = b->rollback_to = NULL;
    b->slot = -1;
    b->n = 0;
    buf_free(&b->raw);
}

/* Write one institution. */
static int write_institution(importer *im, const import_spec *spec, import_value *v,
                             int *bad_col, buf *why, cairn_err *err) {
    STMT(ST_INSTITUTION);
    int64_t id;
    int is_new = !hmap_get(im->institutions, v[0].s, v[0].n, &id);
    if (is_new) id = im->next_inst_id;
    store_bind_int64(s, 1, id);
    store_bind_text(s, 2, v[0].s, v[0].n);
    store_bind_text(s, 3, v[1].s, v[1].n);
    bind_text_or_null(s, 4, &v[2]);
    store_bind_int64(s, 5, im->import_id);
    store_bind_text(s, 6, im->started_at, (size_t)-1);
    int rc = run_upsert(s, spec, why, err);
    if (rc == 0 && is_new) {
        hmap_put(im->institutions, v[0].s, v[0].n, id);
        im->next_inst_id = id + 1;
    }
    if (rc == 1) *bad_col = 0;
    return rc;
}

/* Write an entity keyed by a code in column 0: the statement's first three
** parameters are institution_id, id, code; bind_rest binds the others and
** returns 0, or 1 for a bad row. */
typedef int (*bind_rest_fn)(importer *im, store_stmt *s, import_value *v, int *bad_col,
                            buf *why, cairn_err *err);

static int write_entity(importer *im, const import_spec *spec, import_value *v, int slot,
                        import_ref ref, bind_rest_fn bind_rest, int *bad_col, buf *why,
                        cairn_err *err) {
    STMT(slot);
    int64_t id;
    int is_new;
    if (ref_id_for(im, ref, v[0].s, v[0].n, &id, &is_new, err) < 0) return -1;
    store_bind_int64(s, 1, im->inst_id);
    store_bind_int64(s, 2, id);
    store_bind_text(s, 3, v[0].s, v[0].n);
    int rc = bind_rest(im, s, v, bad_col, why, err);
    if (rc) { store_reset(s); return rc; }
    rc = run_upsert(s, spec, why, err);
    if (rc == 1) *bad_col = 0;
    if (rc == 0 && is_new) ref_added(im, ref, v[0].s, v[0].n, id);
    return rc;
}

static int bind_site(importer *im, store_stmt *s, import_value *v, int *bad_col, buf *why,
                     cairn_err *err) {
    store_bind_text(s, 4, v[1].s, v[1].n);
    bind_text_or_null(s, 5, &v[2]);
    store_bind_int64(s, 6, im->import_id);
    return 0;
}

static int bind_term(importer *im, store_stmt *s, import_value *v, int *bad_col, buf *why,
                     cairn_err *err) {
    if (v[4].date < v[3].date) {
        *bad_col = 4;
        buf_printf(why, "end_date %s is before start_date %s", v[4].s, v[3].s);
        return 1;
    }
    store_bind_text(s, 4, v[1].s, v[1].n);
    store_bind_text(s, 5, v[2].s, v[2].n);
    store_bind_text(s, 6, v[3].s, v[3].n);
    store_bind_text(s, 7, v[4].s, v[4].n);
    store_bind_int64(s, 8, im->import_id);
    return 0;
}

static int bind_programme(importer *im, store_stmt *s, import_value *v, int *bad_col,
                          buf *why, cairn_err *err) {
    store_bind_text(s, 4, v[1].s, v[1].n);
    bind_int_or_null(s, 5, &v[2]);
    bind_int_or_null(s, 6, &v[3]);
    bind_text_or_null(s, 7, &v[4]);
    store_bind_int64(s, 8, im->import_id);
    return 0;
}

static int bind_group(importer *im, store_stmt *s, import_value *v, int *bad_col, buf *why,
                      cairn_err *err) {
    int64_t programme_id, site_id;
    RESOLVE(REF_PROGRAMME, 2, programme_id);
    RESOLVE(REF_SITE, 5, site_id);
    store_bind_text(s, 4, v[1].s, v[1].n);
    if (programme_id) store_bind_int64(s, 5, programme_id); else store_bind_null(s, 5);
    bind_text_or_null(s, 6, &v[3]);
    bind_int_or_null(s, 7, &v[4]);
    if (site_id) store_bind_int64(s, 8, site_id); else store_bind_null(s, 8);
    store_bind_int64(s, 9, im->import_id);
    return 0;
}

static int bind_person(importer *im, store_stmt *s, import_value *v, int *bad_col, buf *why,
                       cairn_err *err) {
    store_bind_text(s, 4, v[1].s, v[1].n);
    store_bind_text(s, 5, v[2].s, v[2].n);
    bind_text_or_null(s, 6, &v[3]);
    bind_text_or_null(s, 7, &v[4]);
    store_bind_int64(s, 8, im->import_id);
    return 0;
}

/* Learners: the learner row, then the fairness-audit row when any of its
** columns has a value. */
static int write_learner(importer *im, const import_spec *spec, import_value *v, int *bad_col,
                         buf *why, cairn_err *err) {
    if (v[3].n && v[3].date > date_today()) {
        *bad_col = 3;
        buf_printf(why, "birth_date %s is in the future", v[3].s);
        return 1;
    }
    int rc = write_entity(im, spec, v, ST_LEARNER, REF_LEARNER, bind_person, bad_col, why, err);
    /* The audit row: untouched when the file has none of its columns, else
    ** upserted (keeping the columns the file does not have); a row left with
    ** no value at all is removed, so "nothing known" is stored as no row. */
    if (rc || (im->row_absent >> 5 & 0xF) == 0xF) return rc;
    STMT(ST_LEARNER_AUDIT);
    int64_t id = 0;
    hmap_get(im->refs[REF_LEARNER], v[0].s, v[0].n, &id);
    store_bind_int64(s, 1, im->inst_id);
    store_bind_int64(s, 2, id);
    bind_text_or_null(s, 3, &v[5]);
    bind_int_or_null(s, 4, &v[6]);
    bind_int_or_null(s, 5, &v[7]);
    bind_text_or_null(s, 6, &v[8]);
    store_bind_int64(s, 7, im->import_id);
    rc = store_step(s, err);
    store_reset(s);
    if (rc < 0) return -1;
    if (v[5].n || v[6].n || v[7].n || v[8].n) return 0;
    store_stmt *clear = stmt_get(im, ST_LEARNER_AUDIT_CLEAR, err);
    if (!clear) return -1;
    store_bind_int64(clear, 1, im->inst_id);
    store_bind_int64(clear, 2, id);
    rc = store_step(clear, err);
    store_reset(clear);
    return rc < 0 ? -1 : 0;
}

/* Guardians: the guardian (once per import, however many learners), then the
** link to the learner, which is the row's key. */
static int write_guardian(importer *im, const import_spec *spec, import_value *v,
                          int *bad_col, buf *why, cairn_err *err) {
    int64_t learner_id, guardian_id;
    int is_new;
    RESOLVE(REF_LEARNER, 5, learner_id);
    if (ref_id_for(im, REF_GUARDIAN, v[0].s, v[0].n, &guardian_id, &is_new, err) < 0) return -1;
    store_stmt *g = stmt_get(im, ST_GUARDIAN, err);
    store_stmt *s = stmt_get(im, ST_LEARNER_GUARDIAN, err);
    if (!g || !s) return -1;
    store_bind_int64(g, 1, im->inst_id);
    store_bind_int64(g, 2, guardian_id);
    store_bind_text(g, 3, v[0].s, v[0].n);
    bind_person(im, g, v, bad_col, why, err);
    int rc = store_step(g, err);
    store_reset(g);
    if (rc < 0) return -1;
    if (is_new) ref_added(im, REF_GUARDIAN, v[0].s, v[0].n, guardian_id);
    store_bind_int64(s, 1, im->inst_id);
    store_bind_int64(s, 2, learner_id);
    store_bind_int64(s, 3, guardian_id);
    store_bind_text(s, 4, v[6].s, v[6].n);
    store_bind_int64(s, 5, v[7].i);
    store_bind_int64(s, 6, im->import_id);
    rc = run_upsert(s, spec, why, err);
    if (rc == 1) *bad_col = 0;
    return rc;
}

static int write_group_staff(importer *im, const import_spec *spec, import_value *v,
                             int *bad_col, buf *why, cairn_err *err) {
    int64_t group_id, staff_id;
    RESOLVE(REF_GROUP, 0, group_id);
    RESOLVE(REF_STAFF, 1, staff_id);
    STMT(ST_GROUP_STAFF);
    store_bind_int64(s, 1, im->inst_id);
    store_bind_int64(s, 2, group_id);
    store_bind_int64(s, 3, staff_id);
    store_bind_text(s, 4, v[2].n ? v[2].s : "teacher", (size_t)-1);
    store_bind_int64(s, 5, im->import_id);
    int rc = run_upsert(s, spec, why, err);
    if (rc == 1) *bad_col = 0;
    return rc;
}

/* Enrolments: the lifecycle rules are checked here. */
static int write_enrolment(importer *im, const import_spec *spec, import_value *v,
                           int *bad_col, buf *why, cairn_err *err) {
    int64_t learner_id, programme_id, group_id;
    RESOLVE(REF_LEARNER, 0, learner_id);
    RESOLVE(REF_PROGRAMME, 1, programme_id);
    RESOLVE(REF_GROUP, 3, group_id);
    const char *status = v[5].s;
    int ended = !strcmp(status, "completed") || !strcmp(status, "left_early") ||
                !strcmp(status, "transferred");
    if (v[4].n && v[4].date < v[2].date) {
        *bad_col = 4;
        buf_printf(why, "expected_end_date %s is before start_date %s", v[4].s, v[2].s);
        return 1;
    }
    if (ended && !v[6].n) {
        *bad_col = 6;
        buf_printf(why, "exit_date is required when status is %s", status);
        return 1;
    }
    if (!ended && v[6].n) {
        *bad_col = 6;
        buf_printf(why, "exit_date must be empty while status is %s", status);
        return 1;
    }
    if (v[6].n && v[6].date < v[2].date) {
        *bad_col = 6;
        buf_printf(why, "exit_date %s is before start_date %s", v[6].s, v[2].s);
        return 1;
    }
    if ((!strcmp(status, "left_early") || !strcmp(status, "transferred")) && !v[7].n) {
        *bad_col = 7;
        buf_printf(why, "exit_reason is required when status is %s", status);
        return 1;
    }
    char key[96];
    int kn = snprintf(key, sizeof key, "%lld|%lld|%s", (long long)learner_id,
                      (long long)programme_id, v[2].s);
    int64_t id;
    int is_new;
    if (ref_id_for(im, REF_ENROLMENT, key, (size_t)kn, &id, &is_new, err) < 0) return -1;
    STMT(ST_ENROLMENT);
    store_bind_int64(s, 1, im->inst_id);
    store_bind_int64(s, 2, id);
    store_bind_int64(s, 3, learner_id);
    store_bind_int64(s, 4, programme_id);
    if (group_id) store_bind_int64(s, 5, group_id); else store_bind_null(s, 5);
    store_bind_text(s, 6, v[2].s, v[2].n);
    bind_text_or_null(s, 7, &v[4]);
    store_bind_text(s, 8, status, (size_t)-1);
    bind_text_or_null(s, 9, &v[6]);
    bind_text_or_null(s, 10, &v[7]);
    store_bind_int64(s, 11, im->import_id);
    int rc = run_upsert(s, spec, why, err);
    if (rc == 1) *bad_col = 0;
    if (rc == 0 && is_new) ref_added(im, REF_ENROLMENT, key, (size_t)kn, id);
    return rc;
}

/* Attendance: the hot path of every large import, written in batches. */
static int write_attendance(importer *im, const import_spec *spec, import_value *v,
                            const import_origin *org, int *bad_col, buf *why, cairn_err *err) {
    int64_t learner_id;
    RESOLVE(REF_LEARNER, 0, learner_id);
    import_batch_val *row = batch_row(im, ST_ATTENDANCE, spec, 7, org, err);
    if (!row) return -1;
    row[0].i = im->inst_id;
    row[1].i = learner_id;
    batch_text(&row[2], &v[1]);
    row[3].i = v[2].n ? v[2].i : 0;
    row[4].i = v[3].i;
    row[5].i = v[4].n ? v[4].i : 0;
    row[6].i = im->import_id;
    return 0;
}

static int write_result(importer *im, const import_spec *spec, import_value *v, int *bad_col,
                        buf *why, cairn_err *err) {
    int64_t learner_id;
    RESOLVE(REF_LEARNER, 0, learner_id);
    if (v[4].n && v[5].n && v[4].d > v[5].d) {
        *bad_col = 4;
        buf_printf(why, "score %g is above max_score %g", v[4].d, v[5].d);
        return 1;
    }
    if (v[8].n && v[8].i && v[4].n) {
        *bad_col = 4;
        buf_printf(why, "a missing assessment cannot have a score");
        return 1;
    }
    STMT(ST_RESULT);
    store_bind_int64(s, 1, im->inst_id);
    store_bind_int64(s, 2, learner_id);
    store_bind_text(s, 3, v[1].s, v[1].n);
    store_bind_text(s, 4, v[2].s, v[2].n);
    store_bind_text(s, 5, v[3].s, v[3].n);
    bind_num_or_null(s, 6, &v[4]);
    bind_num_or_null(s, 7, &v[5]);
    bind_int_or_null(s, 8, &v[6]);
    store_bind_int64(s, 9, v[7].n ? v[7].i : 0);
    store_bind_int64(s, 10, v[8].n ? v[8].i : 0);
    store_bind_int64(s, 11, im->import_id);
    int rc = run_upsert(s, spec, why, err);
    if (rc == 1) *bad_col = 0;
    return rc;
}

static int write_behaviour(importer *im, const import_spec *spec, import_value *v,
                           int *bad_col, buf *why, cairn_err *err) {
    int64_t learner_id;
    RESOLVE(REF_LEARNER, 1, learner_id);
    STMT(ST_BEHAVIOUR);
    store_bind_int64(s, 1, im->inst_id);
    store_bind_text(s, 2, v[0].s, v[0].n);
    store_bind_int64(s, 3, learner_id);
    store_bind_text(s, 4, v[2].s, v[2].n);
    store_bind_text(s, 5, v[3].s, (size_t)-1);
    store_bind_int64(s, 6, v[4].i);
    store_bind_int64(s, 7, im->import_id);
    int rc = run_upsert(s, spec, why, err);
    if (rc == 1) *bad_col = 0;
    return rc;
}

static int write_engagement(importer *im, const import_spec *spec, import_value *v,
                            const import_origin *org, int *bad_col, buf *why, cairn_err *err) {
    int64_t learner_id;
    RESOLVE(REF_LEARNER, 0, learner_id);
    if (im->opts.sum) {
        /* one row at a time: PostgreSQL refuses one statement that updates
        ** a row twice, which a batch holding a key twice would */
        STMT(ST_ENGAGEMENT_SUM);
        store_bind_int64(s, 1, im->inst_id);
        store_bind_int64(s, 2, learner_id);
        store_bind_text(s, 3, v[1].s, v[1].n);
        store_bind_text(s, 4, v[2].s, v[2].n);
        store_bind_text(s, 5, v[3].s, v[3].n);
        store_bind_double(s, 6, v[4].d);
        store_bind_int64(s, 7, im->import_id);
        int rc = run_upsert(s, spec, why, err);
        if (rc == 1) *bad_col = 0;
        return rc;
    }
    import_batch_val *row = batch_row(im, ST_ENGAGEMENT, spec, 7, org, err);
    if (!row) return -1;
    row[0].i = im->inst_id;
    row[1].i = learner_id;
    batch_text(&row[2], &v[1]);
    batch_text(&row[3], &v[2]);
    batch_text(&row[4], &v[3]);
    row[5].d = v[4].d;
    row[5].type = BATCH_DOUBLE;
    row[6].i = im->import_id;
    return 0;
}

/* Write the resolved row v of spec's kind; see import_internal.h. */
int import_write_row(importer *im, const import_spec *spec, import_value *v,
                     const import_origin *org, int *bad_col, buf *why, cairn_err *err) {
    if (spec->kind == IMPORT_INSTITUTIONS)
        return write_institution(im, spec, v, bad_col, why, err);
    int64_t inst;
    if (importer_institution(im, &inst, err) < 0) return -1;
    switch (spec->kind) {
    case IMPORT_SITES:
        return write_entity(im, spec, v, ST_SITE, REF_SITE, bind_site, bad_col, why, err);
    case IMPORT_TERMS:
        return write_entity(im, spec, v, ST_TERM, REF_TERM, bind_term, bad_col, why, err);
    case IMPORT_PROGRAMMES:
        return write_entity(im, spec, v, ST_PROGRAMME, REF_PROGRAMME, bind_programme, bad_col,
                            why, err);
    case IMPORT_GROUPS:
        return write_entity(im, spec, v, ST_GROUP, REF_GROUP, bind_group, bad_col, why, err);
    case IMPORT_LEARNERS: return write_learner(im, spec, v, bad_col, why, err);
    case IMPORT_STAFF:
        return write_entity(im, spec, v, ST_STAFF, REF_STAFF, bind_person, bad_col, why, err);
    case IMPORT_GUARDIANS: return write_guardian(im, spec, v, bad_col, why, err);
    case IMPORT_GROUP_STAFF: return write_group_staff(im, spec, v, bad_col, why, err);
    case IMPORT_ENROLMENTS: return write_enrolment(im, spec, v, bad_col, why, err);
    case IMPORT_ATTENDANCE: return write_attendance(im, spec, v, org, bad_col, why, err);
    case IMPORT_RESULTS: return write_result(im, spec, v, bad_col, why, err);
    case IMPORT_BEHAVIOUR: return write_behaviour(im, spec, v, bad_col, why, err);
    case IMPORT_ENGAGEMENT: return write_engagement(im, spec, v, org, bad_col, why, err);
    default: return err_set(err, CAIRN_EINTERNAL, "no writer for %s", spec->name);
    }
}

/* Count the rows this session inserted, changed and left as they were in
** the tables it wrote, into the report, and give them all import_id X
** again (see sql_mark_changes).  The guardian table is settled but not
** counted: a guardians row is its link.  0 or -1. */
int import_counts_settle(importer *im, cairn_err *err) {
    char done[ST_COUNT][64];
    int ndone = 0;
    int64_t x = im->import_id, changed = x + ((int64_t)1 << 40);
    for (int slot = 0; slot < ST_COUNT; slot++) {
        if (!(im->slots_used >> slot & 1) || slot == ST_LEARNER_AUDIT ||
            slot == ST_LEARNER_AUDIT_CLEAR)
            continue;
        const char *into = stmt_sql[slot] + strlen("INSERT INTO ");
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
