/*
** school/import_write.c — resolving references and writing one row per kind.
**
** Every write is an upsert keyed by the school's own identifiers, so the same
** file imported twice changes no data and a corrected file updates in place.
** The upsert only fires when the stored row was written by an earlier import
** (import_id differs); when it does not fire, the key has already appeared in
** this import, which is reported as a duplicate.  All references are checked
** before anything is written, so a bad row writes nothing.  The statements
** themselves are in import_stmt.c, the batched event rows in import_batch.c.
*/
#include "school/import_internal.h"
#include "base/date.h"
#include <string.h>

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
int import_run_upsert(store_stmt *s, const import_spec *spec, buf *why, cairn_err *err) {
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
#define STMT(slot) store_stmt *s = import_stmt_get(im, slot, err); if (!s) return -1
#define RESOLVE(ref, col, idvar)                                                   \
    do {                                                                           \
        int rr_ = ref_resolve(im, ref, &v[col], &idvar, why, err);                 \
        if (rr_) { *bad_col = col; return rr_; }                                   \
    } while (0)


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
    int rc = import_run_upsert(s, spec, why, err);
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
    rc = import_run_upsert(s, spec, why, err);
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
    store_stmt *clear = import_stmt_get(im, ST_LEARNER_AUDIT_CLEAR, err);
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
    store_stmt *g = import_stmt_get(im, ST_GUARDIAN, err);
    store_stmt *s = import_stmt_get(im, ST_LEARNER_GUARDIAN, err);
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
    rc = import_run_upsert(s, spec, why, err);
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
    int rc = import_run_upsert(s, spec, why, err);
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
    int rc = import_run_upsert(s, spec, why, err);
    if (rc == 1) *bad_col = 0;
    if (rc == 0 && is_new) ref_added(im, REF_ENROLMENT, key, (size_t)kn, id);
    return rc;
}

/* Attendance: the hot path of every large import, written in batches. */
static int write_attendance(importer *im, const import_spec *spec, import_value *v,
                            const import_origin *org, int *bad_col, buf *why, cairn_err *err) {
    int64_t learner_id;
    RESOLVE(REF_LEARNER, 0, learner_id);
    import_batch_val *row = import_batch_row(im, ST_ATTENDANCE, spec, 7, org, err);
    if (!row) return -1;
    row[0].i = im->inst_id;
    row[1].i = learner_id;
    import_batch_text(&row[2], &v[1]);
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
    int rc = import_run_upsert(s, spec, why, err);
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
    int rc = import_run_upsert(s, spec, why, err);
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
        int rc = import_run_upsert(s, spec, why, err);
        if (rc == 1) *bad_col = 0;
        return rc;
    }
    import_batch_val *row = import_batch_row(im, ST_ENGAGEMENT, spec, 7, org, err);
    if (!row) return -1;
    row[0].i = im->inst_id;
    row[1].i = learner_id;
    import_batch_text(&row[2], &v[1]);
    import_batch_text(&row[3], &v[2]);
    import_batch_text(&row[4], &v[3]);
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
