/*
** school/oneroster_internal.h — what the files of the OneRoster import share.
**
** Not for other rooms: importer_oneroster() is declared in school/school.h.
** school/oneroster.c says how a bundle is read; the files are
**
**   oneroster.c          manifest.csv and the bundle as a whole;
**   oneroster_read.c     the string pool, the sourcedId indexes, reading a
**                        file (header mapping, bad rows) and rows for
**                        importer_record();
**   oneroster_school.c   orgs, academicSessions, courses and classes;
**   oneroster_users.c    roles, users, demographics, guardians;
**   oneroster_enrol.c    enrollments.
*/
#ifndef CAIRN_SCHOOL_ONEROSTER_INTERNAL_H
#define CAIRN_SCHOOL_ONEROSTER_INTERNAL_H
#include "school/import_internal.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/hmap.h"
#include <stddef.h>

/* ---- the files -------------------------------------------------------------- */

enum {
    F_MANIFEST, F_ORGS, F_SESSIONS, F_COURSES, F_CLASSES, F_USERS, F_ROLES,
    F_DEMOGRAPHICS, F_ENROLLMENTS, F_COUNT
};

/* File names and their manifest.csv property. */
typedef struct or_file_name {
    const char *file, *property;
} or_file_name;
extern const or_file_name or_files[F_COUNT];

/* A column cairn reads; other columns of a file are ignored. */
typedef struct or_col {
    const char *name;   /* as the OneRoster specification spells it; matched ignoring case */
    int required;       /* the file is refused without it */
} or_col;

enum { OR_MAX_COLS = 12 };

/* What a OneRoster role makes of a person. */
enum { P_NONE, P_STUDENT, P_STAFF, P_PARENT, P_GUARDIAN, P_RELATIVE };

/* ---- state ------------------------------------------------------------------ */

/* An entity's standing, for the rows that refer to it. */
enum {
    E_OK,     /* imported (or, for orgs and school years, usable) */
    E_SKIP,   /* another school's, or status tobedeleted: rows referring to it are skipped */
    E_BAD     /* its own row was bad: rows referring to it are bad too */
};

/* What later files need to know of one entity.  Strings are offsets into
** the pool (0 = ""). */
typedef struct or_ent {
    int state;
    int kind;       /* orgs: org kind; users: P_*; roles: rank */
    int seen;       /* users: demographics already merged */
    long line;      /* the line that defined it */
    size_t code;    /* our code: institution, term, programme, group, person */
    size_t date;    /* term: start; class: its first term's start; learner: birth date */
    size_t text;    /* term: school year; class: programme code; org: sourcedId;
                       learner: gender; role: the role */
} or_ent;

/* sourcedId -> entity. */
typedef struct or_index {
    hmap *map;      /* sourcedId -> index into ents */
    or_ent *ents;
    size_t n, cap;
} or_index;

/* A guardian named in a student's agentSourcedIds (kept per guardian). */
typedef struct or_link {
    size_t student;   /* index into users.ents */
    size_t next;      /* next link of the same guardian + 1; 0 = none */
} or_link;

/* Org kinds. */
enum { ORG_SCHOOL, ORG_AUTHORITY, ORG_OTHER };

/* Where a row belongs. */
enum { HERE, ELSEWHERE, UNKNOWN };

/* One OneRoster file being read. */
typedef struct or_file {
    const char *name;           /* "users.csv" */
    const or_col *cols;
    size_t ncols;
    int quiet;                  /* a later pass: malformed rows were reported already */
    csv_reader *r;
    int field[OR_MAX_COLS];     /* column -> 1-based field number; 0 = not in the file */
    size_t nh;                  /* fields in the header */
    char **header;              /* header names as written */
    const char **raw;           /* the current record, nh fields */
    size_t *raw_len;
    long line;                  /* line where the current record starts */
} or_file;

/* A row of one of our kinds being filled from a OneRoster record. */
typedef struct or_row {
    import_kind kind;
    const import_spec *spec;
    const char *text[IMPORT_MAX_COLS];
    size_t len[IMPORT_MAX_COLS];
    int file_col[IMPORT_MAX_COLS];
    const char *missing;        /* a spec column the mapping named that does not exist */
} or_row;

/* The import of one bundle. */
typedef struct oneroster {
    importer *im;
    const char *dir;
    int version;                /* 11 or 12 */
    int bulk[F_COUNT];          /* manifest: 1 bulk, -1 absent, 0 not said */
    int have_orgs;              /* orgs.csv was read */
    size_t school;              /* orgs index of the chosen school */
    buf pool;                   /* NUL-terminated strings; offset 0 is "" */
    or_index orgs, sessions, courses, classes, users, roles;
    hmap *guardian_links;       /* guardian sourcedId -> first link + 1 */
    or_link *links;
    size_t nlinks, caplinks;
} oneroster;

/* ---- the string pool and indexes (oneroster_read.c) ------------------------- */

/* Add s[0..n) to the pool; returns its offset (0 for an empty string). */
size_t or_pool_add(oneroster *o, const char *s, size_t n);

/* The pool string at off; valid until the next or_pool_add. */
const char *or_pool_str(const oneroster *o, size_t off);

/* The entity for sourcedId sid, or NULL; valid until the next or_index_add. */
or_ent *or_index_get(const or_index *x, const char *sid, size_t n);

/* A new zeroed entity for sid, defined on line; valid until the next
** or_index_add.  The caller has checked that sid is not there yet. */
or_ent *or_index_add(or_index *x, const char *sid, size_t n, long line);

/* Free the index. */
void or_index_free(or_index *x);

/* 1 if s[0..n) equals word, ignoring ASCII case. */
int or_word_is(const char *s, size_t n, const char *word);

/* The next item of the comma-separated list in [*p, end), trimmed, advancing
** *p; 0 when the list is done.  Empty items are skipped. */
int or_list_next(const char **p, const char *end, const char **item, size_t *n);

/* What a OneRoster role makes of a person (P_*), P_NONE when it is not a
** OneRoster role.  *canon gets the role as the specification spells it. */
int or_role_person(const char *s, size_t n, const char **canon);

/* ---- reading a file (oneroster_read.c) --------------------------------------- */

/* Close f and free what it holds; f may be unopened. */
void or_close(or_file *f);

/* Open file `which` of the bundle and map its header onto cols: 1 open
** (close with or_close), 0 absent, -1 with err set. */
int or_open(oneroster *o, or_file *f, int which, const or_col *cols, size_t ncols, int quiet,
            cairn_err *err);

/* Record the current row of f as bad: "file:line:field: why" in the report
** and, when skipping bad rows, the original record in the bad-rows file
** (importer_bad); field 0 leaves the field out. */
void or_bad(oneroster *o, const or_file *f, int field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Read the next data row of f: 1 a row, 0 the end, -1 error (err set). */
int or_next(oneroster *o, or_file *f, cairn_err *err);

/* The trimmed cell of column c in the current row ("" when the file has no
** such column); *n gets its length.  Not NUL-terminated at *n. */
const char *or_get(const or_file *f, int c, size_t *n);

/* 1 if the current row's status column says tobedeleted. */
int or_deleted(const or_file *f, int status_col);

/* ---- rows for importer_record (oneroster_read.c) ------------------------------ */

/* Start an empty row of kind. */
void or_row_start(or_row *r, import_kind kind);

/* Set spec column col of r to s[0..n), which came from field number field
** of the OneRoster record (0: it came from elsewhere). */
void or_row_put(or_row *r, const char *col, const char *s, size_t n, int field);

/* Set spec column col of r to the cell of column c of f. */
void or_row_cell(or_row *r, const char *col, const or_file *f, int c);

/* Send r through importer_record with f's current record as its origin.
** Returns 0 written, 1 bad (reported), -1 fatal (err set). */
int or_row_send(oneroster *o, const or_row *r, const or_file *f, cairn_err *err);

/* ---- the files, in the order they are read ------------------------------------ */

/* manifest.csv: the version and which files are bulk or absent (oneroster.c). */
int or_manifest(oneroster *o, cairn_err *err);

/* Whether an org is the chosen school (HERE), another (ELSEWHERE) or not in
** orgs.csv (UNKNOWN) (oneroster_school.c). */
int or_org_where(const oneroster *o, const char *sid, size_t n);

/* orgs.csv, academicSessions.csv, courses.csv, classes.csv
** (oneroster_school.c): 0, or -1 with err set. */
int or_orgs(oneroster *o, cairn_err *err);
int or_sessions(oneroster *o, cairn_err *err);
int or_courses(oneroster *o, cairn_err *err);
int or_classes(oneroster *o, cairn_err *err);

/* users.csv with roles.csv and demographics.csv (oneroster_users.c). */
int or_users(oneroster *o, cairn_err *err);

/* enrollments.csv (oneroster_enrol.c). */
int or_enrollments(oneroster *o, cairn_err *err);

#endif
