/*
** school/oneroster.c — a OneRoster 1.1 / 1.2 CSV bundle into an import
** session.
**
** Every OneRoster record becomes zero or more rows of our own kinds, each
** sent through importer_record(), so validation, upserts, the all-or-nothing
** rule and the bad-rows file work exactly as for our own CSV files.  Every
** message names the OneRoster file, its line and its field number.
**
** OneRoster names everything by sourcedId; cairn by the school's own codes.
** The files are read in order (orgs, academicSessions, courses, classes,
** users with roles and demographics, enrollments) and small indexes remember,
** for each entity, the code it was given, so later files can be translated
** before importer_record() resolves the codes in the database.  Memory grows
** with the number of entities (orgs, terms, courses, classes, people), never
** with the number of enrollments, which stream through.
**
** The mapping is described for people in docs/import.md ("OneRoster").
** school/oneroster_internal.h lists the files the reader is split into;
** this one holds the list of files, manifest.csv and the bundle as a whole.
*/
#include "school/oneroster_internal.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the files -------------------------------------------------------------- */

/* File names and their manifest.csv property. */
const or_file_name or_files[F_COUNT] = {
    [F_MANIFEST] = {"manifest.csv", NULL},
    [F_ORGS] = {"orgs.csv", "file.orgs"},
    [F_SESSIONS] = {"academicSessions.csv", "file.academicSessions"},
    [F_COURSES] = {"courses.csv", "file.courses"},
    [F_CLASSES] = {"classes.csv", "file.classes"},
    [F_USERS] = {"users.csv", "file.users"},
    [F_ROLES] = {"roles.csv", "file.roles"},
    [F_DEMOGRAPHICS] = {"demographics.csv", "file.demographics"},
    [F_ENROLLMENTS] = {"enrollments.csv", "file.enrollments"},
};

enum { MAN_PROP, MAN_VALUE, MAN_NCOLS };
static const or_col manifest_cols[MAN_NCOLS] = {
    [MAN_PROP] = {"propertyName", 1}, [MAN_VALUE] = {"value", 1},
};

/* ---- manifest.csv ------------------------------------------------------------- */

/* Read manifest.csv when there is one: the OneRoster version and which
** files are bulk or absent.  Delta bundles are refused.  Without a manifest
** the version is 1.2 when there is a roles.csv, else 1.1. */
int or_manifest(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_MANIFEST, manifest_cols, MAN_NCOLS, 0, err);
    if (rc < 0) return -1;
    if (rc == 0) {
        buf path = BUF_INIT;
        buf_printf(&path, "%s/%s", o->dir, or_files[F_ROLES].file);
        o->version = access(buf_cstr(&path), F_OK) == 0 ? 12 : 11;
        buf_free(&path);
        return 0;
    }
    o->version = 11;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t pn, vn;
        const char *p = or_get(&f, MAN_PROP, &pn), *v = or_get(&f, MAN_VALUE, &vn);
        int vf = f.field[MAN_VALUE];
        if (or_word_is(p, pn, "oneroster.version")) {
            if (or_word_is(v, vn, "1.0") || or_word_is(v, vn, "1.1")) o->version = 11;
            else if (or_word_is(v, vn, "1.2")) o->version = 12;
            else {
                err_set(err, CAIRN_EINVAL, "manifest.csv:%ld:%d: oneroster.version \"%.*s\" is "
                        "not supported; cairn reads OneRoster 1.1 and 1.2", f.line, vf,
                        (int)(vn > 40 ? 40 : vn), v);
                rc = -1;
                break;
            }
            continue;
        }
        for (int k = 0; k < F_COUNT; k++) {
            if (!or_files[k].property || !or_word_is(p, pn, or_files[k].property)) continue;
            if (or_word_is(v, vn, "bulk")) o->bulk[k] = 1;
            else if (or_word_is(v, vn, "absent")) o->bulk[k] = -1;
            else if (or_word_is(v, vn, "delta")) {
                err_set(err, CAIRN_EINVAL, "manifest.csv:%ld:%d: %s is a delta file; cairn "
                        "imports whole (bulk) bundles only: export a bulk bundle", f.line, vf,
                        or_files[k].file);
                rc = -1;
            } else {
                err_set(err, CAIRN_EINVAL, "manifest.csv:%ld:%d: %s is \"%.*s\"; it must be "
                        "bulk, delta or absent", f.line, vf, or_files[k].property,
                        (int)(vn > 40 ? 40 : vn), v);
                rc = -1;
            }
        }
        if (rc < 0) break;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* ---- the bundle -------------------------------------------------------------------- */

/* Import the OneRoster bundle in dir into the session; see school.h.  Bad
** rows are collected in the session's report; -1 (err set, and the session
** must be rolled back) when a file as a whole is unusable. */
int importer_oneroster(importer *im, const char *dir, cairn_err *err) {
    oneroster o;
    memset(&o, 0, sizeof o);
    o.im = im;
    o.dir = dir;
    buf_putc(&o.pool, 0);   /* offset 0 is the empty string */
    importer_note(im, "oneroster", dir);
    int rc = or_manifest(&o, err);
    if (rc == 0) rc = or_orgs(&o, err);
    if (rc == 0) rc = or_sessions(&o, err);
    if (rc == 0) rc = or_courses(&o, err);
    if (rc == 0) rc = or_classes(&o, err);
    if (rc == 0) rc = or_users(&o, err);
    if (rc == 0) rc = or_enrollments(&o, err);
    or_index_free(&o.orgs);
    or_index_free(&o.sessions);
    or_index_free(&o.courses);
    or_index_free(&o.classes);
    or_index_free(&o.users);
    or_index_free(&o.roles);
    hmap_free(o.guardian_links);
    free(o.links);
    buf_free(&o.pool);
    if (rc < 0) im->failed = 1;   /* nothing of a broken bundle may land */
    return rc < 0 ? -1 : 0;
}
