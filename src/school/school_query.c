/*
** school/school_query.c — read-side queries the pages and commands share.
*/
#include "school/school.h"
#include "base/mem.h"
#include <string.h>

/* Resolve the institution by code, or the only one when code is NULL. */
int school_institution_resolve(store *st, const char *code, int64_t *id, cairn_err *err) {
    *id = 0;
    if (code) {
        store_stmt *s = store_prepare(st, "SELECT id FROM institution WHERE code = ?", err);
        if (!s) return -1;
        store_bind_text(s, 1, code, (size_t)-1);
        int rc = store_step(s, err);
        if (rc == STORE_ROW) *id = store_col_int64(s, 0);
        store_finalize(s);
        if (rc < 0) return -1;
        if (!*id) return err_set(err, CAIRN_ENOTFOUND, "there is no institution \"%s\"", code);
        return 0;
    }
    int64_t n;
    if (store_query_int64(st, "SELECT count(*) FROM institution", -1, &n, err) < 0) return -1;
    if (n == 0)
        return err_set(err, CAIRN_ENOTFOUND, "there is no institution yet; run `cairn demo` "
                       "or `cairn import institutions FILE`");
    if (n > 1)
        return err_set(err, CAIRN_EINVAL, "the database holds %lld institutions; say which one "
                       "with --institution CODE", (long long)n);
    return store_query_int64(st, "SELECT min(id) FROM institution", -1, id, err);
}

/* Copy text into a fixed field, truncating. */
static void copy_field(char *dst, size_t cap, const char *src) {
    if (!src) src = "";
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* Every group with its programme and active learner count; *rows is
** malloc'd and freed by the caller. */
int school_group_summaries(store *st, int64_t institution_id, school_group_summary **rows,
                           size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *s = store_prepare(st,
        "SELECT coalesce(p.code, ''), coalesce(p.name, ''), coalesce(p.eqf_level, 0),"
        " g.code, g.name,"
        " (SELECT count(*) FROM enrolment e WHERE e.institution_id = g.institution_id"
        "   AND e.group_id = g.id AND e.status = 'active')"
        " FROM class_group g LEFT JOIN programme p"
        "   ON p.institution_id = g.institution_id AND p.id = g.programme_id"
        " WHERE g.institution_id = ? ORDER BY p.name, g.code", err);
    if (!s) return -1;
    store_bind_int64(s, 1, institution_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        school_group_summary *r = &(*rows)[(*n)++];
        copy_field(r->programme_code, sizeof r->programme_code, store_col_text(s, 0));
        copy_field(r->programme_name, sizeof r->programme_name, store_col_text(s, 1));
        r->eqf_level = (int)store_col_int64(s, 2);
        copy_field(r->group_code, sizeof r->group_code, store_col_text(s, 3));
        copy_field(r->group_name, sizeof r->group_name, store_col_text(s, 4));
        r->learners_active = (long)store_col_int64(s, 5);
    }
    store_finalize(s);
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}
