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
*/
#include "school/import_internal.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/date.h"
#include "base/hmap.h"
#include "base/mem.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- the files and the columns read from them ------------------------------ */

enum {
    F_MANIFEST, F_ORGS, F_SESSIONS, F_COURSES, F_CLASSES, F_USERS, F_ROLES,
    F_DEMOGRAPHICS, F_ENROLLMENTS, F_COUNT
};

/* File names and their manifest.csv property. */
static const struct { const char *file, *property; } or_files[F_COUNT] = {
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

/* A column cairn reads; other columns of a file are ignored. */
typedef struct or_col {
    const char *name;   /* as the OneRoster specification spells it; matched ignoring case */
    int required;       /* the file is refused without it */
} or_col;

enum { MAN_PROP, MAN_VALUE, MAN_NCOLS };
static const or_col manifest_cols[MAN_NCOLS] = {
    [MAN_PROP] = {"propertyName", 1}, [MAN_VALUE] = {"value", 1},
};

enum { ORG_SID, ORG_STATUS, ORG_NAME, ORG_TYPE, ORG_IDENT, ORG_NCOLS };
static const or_col org_cols[ORG_NCOLS] = {
    [ORG_SID] = {"sourcedId", 1}, [ORG_STATUS] = {"status", 0}, [ORG_NAME] = {"name", 1},
    [ORG_TYPE] = {"type", 1}, [ORG_IDENT] = {"identifier", 0},
};

enum { SES_SID, SES_STATUS, SES_TITLE, SES_TYPE, SES_START, SES_END, SES_YEAR, SES_NCOLS };
static const or_col session_cols[SES_NCOLS] = {
    [SES_SID] = {"sourcedId", 1}, [SES_STATUS] = {"status", 0}, [SES_TITLE] = {"title", 1},
    [SES_TYPE] = {"type", 1}, [SES_START] = {"startDate", 1}, [SES_END] = {"endDate", 1},
    [SES_YEAR] = {"schoolYear", 1},
};

enum { CRS_SID, CRS_STATUS, CRS_TITLE, CRS_CODE, CRS_ORG, CRS_NCOLS };
static const or_col course_cols[CRS_NCOLS] = {
    [CRS_SID] = {"sourcedId", 1}, [CRS_STATUS] = {"status", 0}, [CRS_TITLE] = {"title", 1},
    [CRS_CODE] = {"courseCode", 0}, [CRS_ORG] = {"orgSourcedId", 0},
};

enum { CLS_SID, CLS_STATUS, CLS_TITLE, CLS_COURSE, CLS_CODE, CLS_SCHOOL, CLS_TERMS, CLS_NCOLS };
static const or_col class_cols[CLS_NCOLS] = {
    [CLS_SID] = {"sourcedId", 1}, [CLS_STATUS] = {"status", 0}, [CLS_TITLE] = {"title", 1},
    [CLS_COURSE] = {"courseSourcedId", 1}, [CLS_CODE] = {"classCode", 0},
    [CLS_SCHOOL] = {"schoolSourcedId", 0}, [CLS_TERMS] = {"termSourcedIds", 0},
};

enum {
    USR_SID, USR_STATUS, USR_ORGS, USR_ROLE, USR_GIVEN, USR_FAMILY, USR_IDENT, USR_EMAIL,
    USR_SMS, USR_PHONE, USR_AGENTS, USR_NCOLS
};
static const or_col user_cols[USR_NCOLS] = {
    [USR_SID] = {"sourcedId", 1}, [USR_STATUS] = {"status", 0},
    [USR_ORGS] = {"orgSourcedIds", 0}, [USR_ROLE] = {"role", 0},   /* 1.2: may be in roles.csv */
    [USR_GIVEN] = {"givenName", 1}, [USR_FAMILY] = {"familyName", 1},
    [USR_IDENT] = {"identifier", 0}, [USR_EMAIL] = {"email", 0}, [USR_SMS] = {"sms", 0},
    [USR_PHONE] = {"phone", 0}, [USR_AGENTS] = {"agentSourcedIds", 0},
};

enum { ROL_STATUS, ROL_USER, ROL_TYPE, ROL_ROLE, ROL_ORG, ROL_NCOLS };
static const or_col role_cols[ROL_NCOLS] = {
    [ROL_STATUS] = {"status", 0}, [ROL_USER] = {"userSourcedId", 1},
    [ROL_TYPE] = {"roleType", 0}, [ROL_ROLE] = {"role", 1}, [ROL_ORG] = {"orgSourcedId", 0},
};

enum { DEM_SID, DEM_STATUS, DEM_BIRTH, DEM_SEX, DEM_NCOLS };
static const or_col demographic_cols[DEM_NCOLS] = {
    [DEM_SID] = {"sourcedId", 1}, [DEM_STATUS] = {"status", 0},
    [DEM_BIRTH] = {"birthDate", 0}, [DEM_SEX] = {"sex", 0},
};

enum { ENR_STATUS, ENR_CLASS, ENR_SCHOOL, ENR_USER, ENR_ROLE, ENR_PRIMARY, ENR_BEGIN, ENR_END,
       ENR_NCOLS };
static const or_col enrollment_cols[ENR_NCOLS] = {
    [ENR_STATUS] = {"status", 0}, [ENR_CLASS] = {"classSourcedId", 1},
    [ENR_SCHOOL] = {"schoolSourcedId", 0}, [ENR_USER] = {"userSourcedId", 1},
    [ENR_ROLE] = {"role", 1}, [ENR_PRIMARY] = {"primary", 0}, [ENR_BEGIN] = {"beginDate", 0},
    [ENR_END] = {"endDate", 0},
};

enum { OR_MAX_COLS = 12 };

/* What a OneRoster role makes of a person. */
enum { P_NONE, P_STUDENT, P_STAFF, P_PARENT, P_GUARDIAN, P_RELATIVE };

static const struct { const char *role; int person; } or_roles[] = {
    {"student", P_STUDENT}, {"teacher", P_STAFF}, {"administrator", P_STAFF},
    {"aide", P_STAFF}, {"counselor", P_STAFF}, {"proctor", P_STAFF},
    {"principal", P_STAFF}, {"districtAdministrator", P_STAFF},
    {"siteAdministrator", P_STAFF}, {"systemAdministrator", P_STAFF},
    {"parent", P_PARENT}, {"guardian", P_GUARDIAN}, {"relative", P_RELATIVE},
};

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

/* ---- small helpers ------------------------------------------------------------ */

/* Add s[0..n) to the pool; returns its offset (0 for an empty string). */
static size_t pool_add(oneroster *o, const char *s, size_t n) {
    if (!n) return 0;
    size_t off = o->pool.len;
    buf_append(&o->pool, s, n);
    buf_putc(&o->pool, 0);
    return off;
}

/* The pool string at off; valid until the next pool_add. */
static const char *pool_str(const oneroster *o, size_t off) {
    return o->pool.data + off;
}

/* The entity for sourcedId sid, or NULL; valid until the next index_add. */
static or_ent *index_get(const or_index *x, const char *sid, size_t n) {
    int64_t i;
    if (!x->map || !n || !hmap_get(x->map, sid, n, &i)) return NULL;
    return &x->ents[i];
}

/* A new zeroed entity for sid, defined on line; valid until the next
** index_add.  The caller has checked that sid is not there yet. */
static or_ent *index_add(or_index *x, const char *sid, size_t n, long line) {
    if (!x->map) x->map = hmap_new();
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 64;
        x->ents = xrealloc(x->ents, x->cap * sizeof *x->ents);
    }
    or_ent *e = &x->ents[x->n];
    memset(e, 0, sizeof *e);
    e->line = line;
    hmap_put(x->map, sid, n, (int64_t)x->n++);
    return e;
}

/* Free the index. */
static void index_free(or_index *x) {
    hmap_free(x->map);
    free(x->ents);
}

/* 1 if s[0..n) equals word, ignoring ASCII case. */
static int word_is(const char *s, size_t n, const char *word) {
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* The next item of the comma-separated list in [*p, end), trimmed, advancing
** *p; 0 when the list is done.  Empty items are skipped. */
static int list_next(const char **p, const char *end, const char **item, size_t *n) {
    while (*p < end) {
        const char *s = *p, *e = memchr(s, ',', (size_t)(end - s));
        if (!e) e = end;
        *p = e < end ? e + 1 : end;
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
        if (e > s) {
            *item = s;
            *n = (size_t)(e - s);
            return 1;
        }
    }
    return 0;
}

/* What a OneRoster role makes of a person (P_*), P_NONE when it is not a
** OneRoster role.  *canon gets the role as the specification spells it. */
static int role_person(const char *s, size_t n, const char **canon) {
    for (size_t i = 0; i < sizeof or_roles / sizeof *or_roles; i++) {
        if (word_is(s, n, or_roles[i].role)) {
            *canon = or_roles[i].role;
            return or_roles[i].person;
        }
    }
    return P_NONE;
}

/* ---- reading files ------------------------------------------------------------ */

/* Close f and free what it holds; f may be unopened. */
static void or_close(or_file *f) {
    if (f->r) csv_close(f->r);
    for (size_t i = 0; f->header && i < f->nh; i++) free(f->header[i]);
    free(f->header);
    free(f->raw);
    free(f->raw_len);
    memset(f, 0, sizeof *f);
}

/* Open file `which` of the bundle and map its header onto cols.  Returns 1
** when open (close with or_close), 0 when the file is absent (or the
** manifest says so), -1 with err set when it cannot be read or lacks a
** required column. */
static int or_open(oneroster *o, or_file *f, int which, const or_col *cols, size_t ncols,
                   int quiet, cairn_err *err) {
    memset(f, 0, sizeof *f);
    f->name = or_files[which].file;
    f->cols = cols;
    f->ncols = ncols;
    f->quiet = quiet;
    if (o->bulk[which] < 0) return 0;
    buf path = BUF_INIT;
    buf_printf(&path, "%s/%s", o->dir, f->name);
    if (access(buf_cstr(&path), F_OK) != 0) {
        buf_free(&path);
        if (o->bulk[which] > 0)
            return err_set(err, CAIRN_EINVAL, "%s: manifest.csv lists it as bulk, but %s has "
                           "no such file", f->name, o->dir);
        return 0;
    }
    csv_opts co = {',', 0, f->name};
    f->r = csv_open_file(buf_cstr(&path), &co, err);
    buf_free(&path);
    if (!f->r) return -1;
    int rc = csv_next(f->r, err);
    if (rc <= 0) {
        or_close(f);
        if (rc == 0)
            err_set(err, CAIRN_EINVAL, "%s:1: the file is empty; it needs a header line naming "
                    "its columns", or_files[which].file);
        return -1;
    }
    f->nh = csv_nfields(f->r);
    f->header = xcalloc(f->nh, sizeof *f->header);
    f->raw = xcalloc(f->nh, sizeof *f->raw);
    f->raw_len = xcalloc(f->nh, sizeof *f->raw_len);
    for (size_t i = 0; i < f->nh; i++) {
        size_t n;
        const char *h = csv_field(f->r, i, &n);
        while (n && (*h == ' ' || *h == '\t')) { h++; n--; }
        while (n && (h[n - 1] == ' ' || h[n - 1] == '\t')) n--;
        f->header[i] = xstrndup(h, n);
        for (size_t c = 0; c < ncols; c++) {
            if (strcasecmp(f->header[i], cols[c].name) != 0) continue;
            if (f->field[c]) {
                err_set(err, CAIRN_EINVAL, "%s:1:%zu: column \"%s\" appears twice", f->name,
                        i + 1, cols[c].name);
                or_close(f);
                return -1;
            }
            f->field[c] = (int)i + 1;
        }
    }
    for (size_t c = 0; c < ncols; c++) {
        if (cols[c].required && !f->field[c]) {
            err_set(err, CAIRN_EINVAL, "%s:1: required column \"%s\" is missing", f->name,
                    cols[c].name);
            or_close(f);
            return -1;
        }
    }
    return 1;
}

/* Record the current row of f as bad: "file:line:field: why" in the report
** and, when skipping bad rows, the original record in the bad-rows file
** (importer_bad); field 0 leaves the field out. */
static void or_bad(oneroster *o, const or_file *f, int field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void or_bad(oneroster *o, const or_file *f, int field, const char *fmt, ...) {
    char why[CAIRN_ERR_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    import_origin org = {f->name, f->line, NULL, f->nh, f->raw, f->raw_len,
                         (const char *const *)f->header};
    o->im->rep.rows_read++;
    importer_bad(o->im, &org, field, why);
}

/* Read the next data row of f: 1 a row, 0 the end, -1 error (err set).
** Blank lines are skipped; a row with more or fewer fields than the header
** is reported as bad (on the first pass over the file) and skipped. */
static int or_next(oneroster *o, or_file *f, cairn_err *err) {
    for (;;) {
        int rc = csv_next(f->r, err);
        if (rc <= 0) return rc;
        size_t nf = csv_nfields(f->r);
        f->line = csv_line(f->r);
        if (nf == 1 && csv_field(f->r, 0, NULL)[0] == 0) continue;
        for (size_t i = 0; i < f->nh; i++) {
            if (i < nf) {
                f->raw[i] = csv_field(f->r, i, &f->raw_len[i]);
            } else {
                f->raw[i] = "";
                f->raw_len[i] = 0;
            }
        }
        if (nf == f->nh) return 1;
        if (!f->quiet)
            or_bad(o, f, (int)(nf < f->nh ? nf : f->nh + 1),
                   "the row has %zu columns; the header has %zu", nf, f->nh);
    }
}

/* The trimmed cell of column c in the current row ("" when the file has no
** such column); *n gets its length.  Not NUL-terminated at *n. */
static const char *or_get(const or_file *f, int c, size_t *n) {
    int fld = f->field[c];
    if (!fld) {
        *n = 0;
        return "";
    }
    const char *s = f->raw[fld - 1];
    size_t len = f->raw_len[fld - 1];
    while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    *n = len;
    return s;
}

/* 1 if the current row's status column says tobedeleted. */
static int or_deleted(const or_file *f, int status_col) {
    size_t n;
    const char *s = or_get(f, status_col, &n);
    return word_is(s, n, "tobedeleted");
}

/* ---- rows for importer_record ------------------------------------------------- */

/* Start an empty row of kind. */
static void row_start(or_row *r, import_kind kind) {
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->spec = import_spec_of(kind);
}

/* Set spec column col of r to s[0..n), which came from field number field
** of the OneRoster record (0: it came from elsewhere). */
static void row_put(or_row *r, const char *col, const char *s, size_t n, int field) {
    int i = import_spec_col(r->spec, col);
    if (i < 0) {
        r->missing = col;
        return;
    }
    r->text[i] = s;
    r->len[i] = n;
    r->file_col[i] = field;
}

/* Set spec column col of r to the cell of column c of f. */
static void row_cell(or_row *r, const char *col, const or_file *f, int c) {
    size_t n;
    const char *s = or_get(f, c, &n);
    row_put(r, col, s, n, f->field[c]);
}

/* Send r through importer_record with f's current record as its origin.
** Returns 0 written, 1 bad (reported), -1 fatal (err set). */
static int row_send(oneroster *o, const or_row *r, const or_file *f, cairn_err *err) {
    if (r->missing)
        return err_set(err, CAIRN_EINTERNAL, "the OneRoster mapping fills column \"%s\", "
                       "which %s does not have", r->missing, r->spec->name);
    import_origin org = {f->name, f->line, r->file_col, f->nh, f->raw, f->raw_len,
                         (const char *const *)f->header};
    long bad = o->im->rep.rows_bad;
    if (importer_record(o->im, r->kind, r->text, r->len, &org, err) < 0) return -1;
    return o->im->rep.rows_bad > bad ? 1 : 0;
}

/* ---- manifest.csv ------------------------------------------------------------- */

/* Read manifest.csv when there is one: the OneRoster version and which
** files are bulk or absent.  Delta bundles are refused.  Without a manifest
** the version is 1.2 when there is a roles.csv, else 1.1. */
static int or_manifest(oneroster *o, cairn_err *err) {
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
        if (word_is(p, pn, "oneroster.version")) {
            if (word_is(v, vn, "1.0") || word_is(v, vn, "1.1")) o->version = 11;
            else if (word_is(v, vn, "1.2")) o->version = 12;
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
            if (!or_files[k].property || !word_is(p, pn, or_files[k].property)) continue;
            if (word_is(v, vn, "bulk")) o->bulk[k] = 1;
            else if (word_is(v, vn, "absent")) o->bulk[k] = -1;
            else if (word_is(v, vn, "delta")) {
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

/* ---- orgs.csv ------------------------------------------------------------------- */

/* Whether the org sid[0..n) is the chosen school (HERE), another school or
** a deleted org (ELSEWHERE), or not in orgs.csv (UNKNOWN).  Districts and
** other authorities above schools count as HERE: their courses are shared.
** Without orgs.csv everything is HERE. */
static int org_where(const oneroster *o, const char *sid, size_t n) {
    if (!o->have_orgs) return HERE;
    const or_ent *e = index_get(&o->orgs, sid, n);
    if (!e) return UNKNOWN;
    if (e == &o->orgs.ents[o->school]) return HERE;
    if (e->state != E_OK) return ELSEWHERE;
    return e->kind == ORG_AUTHORITY ? HERE : ELSEWHERE;
}

/* Choose the school the bundle is imported as: the org of type school
** (else the first org that is not an authority such as a district), and
** among several, the one whose identifier or sourcedId is opts.institution. */
static int org_choose(oneroster *o, cairn_err *err) {
    const char *want = o->im->opts.institution;
    int kind = ORG_SCHOOL;
    size_t count = 0, pick = 0, found = 0;
    for (int pass = 0; pass < 2 && !count; pass++) {
        kind = pass == 0 ? ORG_SCHOOL : ORG_OTHER;
        for (size_t i = 0; i < o->orgs.n; i++) {
            const or_ent *e = &o->orgs.ents[i];
            if (e->state != E_OK || e->kind != kind) continue;
            if (!count++) pick = i;
            if (want && (!strcmp(want, pool_str(o, e->code)) || !strcmp(want, pool_str(o, e->text)))) {
                found++;
                pick = i;
            }
            if (pass == 1 && !want) break;   /* the first such org */
        }
    }
    if (!count)
        return err_set(err, CAIRN_EINVAL, "orgs.csv: there is no school in it (no org of type "
                       "\"school\"), so there is nothing to import the bundle into");
    if ((want && found != 1) || (!want && count > 1)) {
        buf b = BUF_INIT;
        for (size_t i = 0, k = 0; i < o->orgs.n && k < 20; i++) {
            const or_ent *e = &o->orgs.ents[i];
            if (e->state != E_OK || e->kind != kind) continue;
            buf_printf(&b, "%s%s", k++ ? ", " : "", pool_str(o, e->code));
        }
        if (!want)
            err_set(err, CAIRN_EINVAL, "several schools in orgs.csv; choose one with "
                    "--institution CODE (one of: %s)", buf_cstr(&b));
        else
            err_set(err, CAIRN_EINVAL, "orgs.csv: no school has the identifier or sourcedId "
                    "\"%s\" given with --institution (the schools are: %s)", want, buf_cstr(&b));
        buf_free(&b);
        return -1;
    }
    o->school = pick;
    return 0;
}

/* The last message of the report, without its newline, into out (for a
** fatal error about a bad row); returns out. */
static const char *last_message(const importer *im, char *out, size_t size) {
    const buf *m = &im->rep.messages;
    size_t end = m->len, i;
    if (end && m->data[end - 1] == '\n') end--;
    for (i = end; i > 0 && m->data[i - 1] != '\n'; i--) {}
    if (end > i) snprintf(out, size, "%.*s", (int)(end - i), m->data + i);
    else snprintf(out, size, "see the report");
    return out;
}

/* orgs.csv: remember every org, choose the school, and write it as the
** institution the rest of the bundle goes to. */
static int or_orgs(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_ORGS, org_cols, ORG_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t n, tn, in;
        const char *sid = or_get(&f, ORG_SID, &n), *type = or_get(&f, ORG_TYPE, &tn);
        const char *ident = or_get(&f, ORG_IDENT, &in);
        if (!n) { or_bad(o, &f, f.field[ORG_SID], "sourcedId is empty"); continue; }
        const or_ent *old = index_get(&o->orgs, sid, n);
        if (old) {
            or_bad(o, &f, f.field[ORG_SID], "sourcedId \"%.*s\" appears twice (first on line %ld)",
                   (int)n, sid, old->line);
            continue;
        }
        size_t code = in ? pool_add(o, ident, in) : pool_add(o, sid, n);
        size_t sid_off = pool_add(o, sid, n);
        or_ent *e = index_add(&o->orgs, sid, n, f.line);
        e->code = code;
        e->text = sid_off;
        e->state = or_deleted(&f, ORG_STATUS) ? E_SKIP : E_OK;
        e->kind = word_is(type, tn, "school") ? ORG_SCHOOL
                : (word_is(type, tn, "district") || word_is(type, tn, "state") ||
                   word_is(type, tn, "national") || word_is(type, tn, "local")) ? ORG_AUTHORITY
                : ORG_OTHER;
    }
    or_close(&f);
    if (rc < 0) return -1;
    if (org_choose(o, err) < 0) return -1;
    o->have_orgs = 1;

    /* Second pass: the chosen org's own row becomes the institution. */
    long line = o->orgs.ents[o->school].line;
    if (or_open(o, &f, F_ORGS, org_cols, ORG_NCOLS, 1, err) < 0) return -1;
    while ((rc = or_next(o, &f, err)) == 1 && f.line != line) {}
    if (rc == 1) {
        const char *code = pool_str(o, o->orgs.ents[o->school].code);
        size_t in;
        or_get(&f, ORG_IDENT, &in);
        or_row r;
        row_start(&r, IMPORT_INSTITUTIONS);
        row_put(&r, "institution", code, strlen(code), f.field[in ? ORG_IDENT : ORG_SID]);
        row_cell(&r, "name", &f, ORG_NAME);
        rc = row_send(o, &r, &f, err);
        char last[CAIRN_ERR_MAX / 2];
        if (rc == 1)
            rc = err_set(err, CAIRN_EINVAL, "the school cannot be imported, so nothing else "
                         "can: %s", last_message(o->im, last, sizeof last));
    } else if (rc == 0) {
        rc = err_set(err, CAIRN_EINTERNAL, "orgs.csv changed while it was read");
    }
    or_close(&f);
    if (rc < 0) return -1;
    const char *code = pool_str(o, o->orgs.ents[o->school].code);
    int64_t id = 0;
    hmap_get(o->im->institutions, code, strlen(code), &id);
    if (o->im->inst_id && o->im->inst_id != id)
        return err_set(err, CAIRN_EINVAL, "orgs.csv:%ld: this import already goes to another "
                       "institution; import the school \"%s\" on its own", line, code);
    o->im->inst_id = id;
    return 0;
}

/* ---- academicSessions.csv -------------------------------------------------------- */

/* "2025" -> "2024/25" in out; anything else is returned as it is.  *n is
** the length in and out. */
static const char *school_year(const char *s, size_t *n, char out[16]) {
    if (*n != 4) return s;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i])) return s;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *n = (size_t)snprintf(out, 16, "%d/%02d", y - 1, y % 100);
    return out;
}

/* academicSessions.csv: terms, semesters and grading periods become terms;
** school years are remembered (classes may name them) but not imported. */
static int or_sessions(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_SESSIONS, session_cols, SES_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t n, tn, sn, yn;
        const char *sid = or_get(&f, SES_SID, &n), *type = or_get(&f, SES_TYPE, &tn);
        const char *start = or_get(&f, SES_START, &sn), *year = or_get(&f, SES_YEAR, &yn);
        if (!n) { or_bad(o, &f, f.field[SES_SID], "sourcedId is empty"); continue; }
        const or_ent *old = index_get(&o->sessions, sid, n);
        if (old) {
            or_bad(o, &f, f.field[SES_SID], "sourcedId \"%.*s\" appears twice (first on line %ld)",
                   (int)n, sid, old->line);
            continue;
        }
        char yb[16];
        year = school_year(year, &yn, yb);
        int is_term = word_is(type, tn, "term") || word_is(type, tn, "semester") ||
                      word_is(type, tn, "gradingPeriod");
        size_t start_off = pool_add(o, start, sn), year_off = pool_add(o, year, yn);
        or_ent *e = index_add(&o->sessions, sid, n, f.line);
        e->date = start_off;
        e->text = year_off;
        if (or_deleted(&f, SES_STATUS)) { e->state = E_SKIP; continue; }
        if (!is_term) {
            if (!word_is(type, tn, "schoolYear")) {
                e->state = E_BAD;
                or_bad(o, &f, f.field[SES_TYPE], "type \"%.*s\" is not term, semester, "
                       "gradingPeriod or schoolYear", (int)(tn > 40 ? 40 : tn), type);
            }
            continue;
        }
        or_row r;
        row_start(&r, IMPORT_TERMS);
        row_cell(&r, "term", &f, SES_SID);
        row_cell(&r, "name", &f, SES_TITLE);
        row_put(&r, "school_year", year, yn, f.field[SES_YEAR]);
        row_cell(&r, "start_date", &f, SES_START);
        row_cell(&r, "end_date", &f, SES_END);
        int sent = row_send(o, &r, &f, err);
        if (sent < 0) { rc = -1; break; }
        if (sent) o->sessions.ents[o->sessions.n - 1].state = E_BAD;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* ---- courses.csv ------------------------------------------------------------------ */

/* courses.csv: every course of the school (or of its district) becomes a
** programme, coded by courseCode, else by sourcedId. */
static int or_courses(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_COURSES, course_cols, CRS_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t n, cn, on;
        const char *sid = or_get(&f, CRS_SID, &n), *code = or_get(&f, CRS_CODE, &cn);
        const char *org = or_get(&f, CRS_ORG, &on);
        if (!n) { or_bad(o, &f, f.field[CRS_SID], "sourcedId is empty"); continue; }
        const or_ent *old = index_get(&o->courses, sid, n);
        if (old) {
            or_bad(o, &f, f.field[CRS_SID], "sourcedId \"%.*s\" appears twice (first on line %ld)",
                   (int)n, sid, old->line);
            continue;
        }
        int where = on ? org_where(o, org, on) : HERE;
        int code_col = cn ? CRS_CODE : CRS_SID;
        size_t code_off = cn ? pool_add(o, code, cn) : pool_add(o, sid, n);
        or_ent *e = index_add(&o->courses, sid, n, f.line);
        e->code = code_off;
        if (or_deleted(&f, CRS_STATUS) || where == ELSEWHERE) { e->state = E_SKIP; continue; }
        if (where == UNKNOWN) {
            e->state = E_BAD;
            or_bad(o, &f, f.field[CRS_ORG], "org \"%.*s\" is not in orgs.csv", (int)on, org);
            continue;
        }
        or_row r;
        row_start(&r, IMPORT_PROGRAMMES);
        row_cell(&r, "programme", &f, code_col);
        row_cell(&r, "name", &f, CRS_TITLE);
        int sent = row_send(o, &r, &f, err);
        if (sent < 0) { rc = -1; break; }
        if (sent) o->courses.ents[o->courses.n - 1].state = E_BAD;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* ---- classes.csv ------------------------------------------------------------------ */

/* The class's terms: each must be in academicSessions.csv; the first one
** that is gives the start date and school year (*term, NULL if none).
** Returns 0, or 1 after reporting the row as bad. */
static int class_terms(oneroster *o, const or_file *f, const or_ent **term) {
    size_t ln, n;
    const char *p = or_get(f, CLS_TERMS, &ln), *end = p + ln, *sid;
    *term = NULL;
    while (list_next(&p, end, &sid, &n)) {
        const or_ent *t = index_get(&o->sessions, sid, n);
        if (!t) {
            or_bad(o, f, f->field[CLS_TERMS], "term \"%.*s\" is not in academicSessions.csv",
                   (int)n, sid);
            return 1;
        }
        if (!*term && t->state == E_OK) *term = t;
    }
    return 0;
}

/* classes.csv: every class of the school becomes a group of its course's
** programme, coded by classCode, else by sourcedId. */
static int or_classes(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_CLASSES, class_cols, CLS_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t n, cn, sn, crn;
        const char *sid = or_get(&f, CLS_SID, &n), *code = or_get(&f, CLS_CODE, &cn);
        const char *school = or_get(&f, CLS_SCHOOL, &sn), *crs = or_get(&f, CLS_COURSE, &crn);
        if (!n) { or_bad(o, &f, f.field[CLS_SID], "sourcedId is empty"); continue; }
        const or_ent *old = index_get(&o->classes, sid, n);
        if (old) {
            or_bad(o, &f, f.field[CLS_SID], "sourcedId \"%.*s\" appears twice (first on line %ld)",
                   (int)n, sid, old->line);
            continue;
        }
        int where = sn ? org_where(o, school, sn) : HERE;
        const or_ent *course = index_get(&o->courses, crs, crn), *term = NULL;
        int state = E_OK;
        if (or_deleted(&f, CLS_STATUS) || where == ELSEWHERE) {
            state = E_SKIP;
        } else if (where == UNKNOWN) {
            state = E_BAD;
            or_bad(o, &f, f.field[CLS_SCHOOL], "school \"%.*s\" is not in orgs.csv", (int)sn, school);
        } else if (!course) {
            state = E_BAD;
            or_bad(o, &f, f.field[CLS_COURSE], "course \"%.*s\" is not in courses.csv",
                   (int)crn, crs);
        } else if (course->state == E_SKIP) {
            state = E_SKIP;
        } else if (course->state == E_BAD) {
            state = E_BAD;
            or_bad(o, &f, f.field[CLS_COURSE], "course \"%.*s\" was not imported: its row in "
                   "courses.csv (line %ld) is bad", (int)crn, crs, course->line);
        } else if (class_terms(o, &f, &term)) {
            state = E_BAD;
        }
        size_t programme = course ? course->code : 0;
        size_t start = term ? term->date : 0, year = term ? term->text : 0;
        size_t code_off = cn ? pool_add(o, code, cn) : pool_add(o, sid, n);
        or_ent *e = index_add(&o->classes, sid, n, f.line);
        e->code = code_off;
        e->text = programme;
        e->date = start;
        e->state = state;
        if (state != E_OK) continue;
        or_row r;
        row_start(&r, IMPORT_GROUPS);
        row_cell(&r, "group", &f, cn ? CLS_CODE : CLS_SID);
        row_cell(&r, "name", &f, CLS_TITLE);
        row_put(&r, "programme", pool_str(o, programme), strlen(pool_str(o, programme)),
                f.field[CLS_COURSE]);
        row_put(&r, "school_year", pool_str(o, year), strlen(pool_str(o, year)),
                f.field[CLS_TERMS]);
        int sent = row_send(o, &r, &f, err);
        if (sent < 0) { rc = -1; break; }
        if (sent) o->classes.ents[o->classes.n - 1].state = E_BAD;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* ---- roles.csv (1.2) -------------------------------------------------------------- */

/* roles.csv: each user's role, when users.csv has no role column.  A user
** with several roles gets the primary one at this school (or its district),
** else the first one there; roles at other schools only count when the user
** has none here (and then the user belongs elsewhere and is skipped). */
static int or_roles_read(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_ROLES, role_cols, ROL_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t un, rn, on, tn;
        const char *user = or_get(&f, ROL_USER, &un), *role = or_get(&f, ROL_ROLE, &rn);
        const char *org = or_get(&f, ROL_ORG, &on), *type = or_get(&f, ROL_TYPE, &tn);
        const char *canon;
        if (or_deleted(&f, ROL_STATUS)) continue;
        if (!un) { or_bad(o, &f, f.field[ROL_USER], "userSourcedId is empty"); continue; }
        if (role_person(role, rn, &canon) == P_NONE) {
            or_bad(o, &f, f.field[ROL_ROLE], "role \"%.*s\" is not a OneRoster role",
                   (int)(rn > 40 ? 40 : rn), role);
            continue;
        }
        int where = on ? org_where(o, org, on) : HERE;
        if (where == UNKNOWN) {
            or_bad(o, &f, f.field[ROL_ORG], "org \"%.*s\" is not in orgs.csv", (int)on, org);
            continue;
        }
        int rank = where == ELSEWHERE ? 1 : word_is(type, tn, "primary") ? 3 : 2;
        or_ent *e = index_get(&o->roles, user, un);
        if (e && e->kind >= rank) continue;
        size_t role_off = pool_add(o, canon, strlen(canon));
        if (!e) e = index_add(&o->roles, user, un, f.line);
        e->kind = rank;
        e->text = role_off;
        e->line = f.line;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* Report the rows of roles.csv whose user is not in users.csv. */
static int or_roles_check(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_ROLES, role_cols, ROL_NCOLS, 1, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t un;
        const char *user = or_get(&f, ROL_USER, &un);
        if (un && !or_deleted(&f, ROL_STATUS) && !index_get(&o->users, user, un))
            or_bad(o, &f, f.field[ROL_USER], "user \"%.*s\" is not in users.csv", (int)un, user);
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* ---- users.csv and demographics.csv ----------------------------------------------- */

/* The current user's role: from users.csv's role column, else from
** roles.csv.  *field gets its field number (0 when from roles.csv), *rank
** roles.csv's rank (1 = only at other schools).  "" when there is none. */
static const char *user_role(const oneroster *o, const or_file *f, size_t *n, int *field,
                             int *rank) {
    *rank = 2;
    if (f->field[USR_ROLE]) {
        *field = f->field[USR_ROLE];
        return or_get(f, USR_ROLE, n);
    }
    size_t sn;
    const char *sid = or_get(f, USR_SID, &sn);
    const or_ent *r = index_get(&o->roles, sid, sn);
    *field = 0;
    *rank = r ? r->kind : 0;
    *n = r ? strlen(pool_str(o, r->text)) : 0;
    return r ? pool_str(o, r->text) : "";
}

/* Whether the user's orgSourcedIds put it at another school only
** (ELSEWHERE), name an org not in orgs.csv (UNKNOWN, *bad set to it), or
** not (HERE). */
static int user_where(const oneroster *o, const or_file *f, const char **bad, size_t *bn) {
    size_t ln, n;
    const char *p = or_get(f, USR_ORGS, &ln), *end = p + ln, *sid;
    int any = 0, here = 0;
    while (list_next(&p, end, &sid, &n)) {
        int w = org_where(o, sid, n);
        if (w == UNKNOWN) {
            *bad = sid;
            *bn = n;
            return UNKNOWN;
        }
        any = 1;
        here |= w == HERE;
    }
    return any && !here ? ELSEWHERE : HERE;
}

/* Remember the guardians a student names in agentSourcedIds, so that a
** guardian whose own agentSourcedIds is empty is still linked. */
static void user_links(oneroster *o, const or_file *f, size_t student) {
    size_t ln, n;
    const char *p = or_get(f, USR_AGENTS, &ln), *end = p + ln, *sid;
    while (list_next(&p, end, &sid, &n)) {
        if (!o->guardian_links) o->guardian_links = hmap_new();
        if (o->nlinks == o->caplinks) {
            o->caplinks = o->caplinks ? 2 * o->caplinks : 64;
            o->links = xrealloc(o->links, o->caplinks * sizeof *o->links);
        }
        int64_t head = 0;
        hmap_get(o->guardian_links, sid, n, &head);
        o->links[o->nlinks] = (or_link){student, (size_t)head};
        hmap_put(o->guardian_links, sid, n, (int64_t)++o->nlinks);
    }
}

/* users.csv, first pass: index every user with its role, code and school;
** report rows that cannot be used at all. */
static int users_index(oneroster *o, or_file *f, cairn_err *err) {
    int rc;
    while ((rc = or_next(o, f, err)) == 1) {
        size_t n, in, rn, bn = 0;
        int rfield, rank;
        const char *sid = or_get(f, USR_SID, &n), *ident = or_get(f, USR_IDENT, &in);
        const char *role = user_role(o, f, &rn, &rfield, &rank), *canon = NULL, *bad = NULL;
        if (!n) { or_bad(o, f, f->field[USR_SID], "sourcedId is empty"); continue; }
        const or_ent *old = index_get(&o->users, sid, n);
        if (old) {
            or_bad(o, f, f->field[USR_SID], "sourcedId \"%.*s\" appears twice (first on line %ld)",
                   (int)n, sid, old->line);
            continue;
        }
        int person = role_person(role, rn, &canon);
        int where = user_where(o, f, &bad, &bn);
        size_t code = in ? pool_add(o, ident, in) : pool_add(o, sid, n);
        or_ent *e = index_add(&o->users, sid, n, f->line);
        e->code = code;
        e->kind = person;
        if (or_deleted(f, USR_STATUS) || where == ELSEWHERE || rank == 1) {
            e->state = E_SKIP;
        } else if (where == UNKNOWN) {
            e->state = E_BAD;
            or_bad(o, f, f->field[USR_ORGS], "org \"%.*s\" is not in orgs.csv", (int)bn, bad);
        } else if (!rn) {
            e->state = E_BAD;
            or_bad(o, f, rfield, rfield ? "role is empty" : "the user has no role in roles.csv");
        } else if (person == P_NONE) {
            e->state = E_BAD;
            or_bad(o, f, rfield, "role \"%.*s\" is not a OneRoster role (student, teacher, "
                   "parent, guardian, relative, administrator, ...)", (int)(rn > 40 ? 40 : rn), role);
        } else if (person == P_STUDENT) {
            user_links(o, f, o->users.n - 1);
        }
    }
    return rc < 0 ? -1 : 0;
}

/* demographics.csv: birth dates and sex of learners, checked here and kept
** in the user index until the learner rows are written. */
static int or_demographics(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_DEMOGRAPHICS, demographic_cols, DEM_NCOLS, 0, err);
    if (rc <= 0) return rc;
    static const struct { const char *sex, *gender; } sexes[] = {
        {"female", "female"}, {"male", "male"}, {"other", "diverse"},
        {"unspecified", "not_stated"},
    };
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t n, bn, sn;
        const char *sid = or_get(&f, DEM_SID, &n), *birth = or_get(&f, DEM_BIRTH, &bn);
        const char *sex = or_get(&f, DEM_SEX, &sn), *gender = NULL;
        int32_t day;
        if (or_deleted(&f, DEM_STATUS)) continue;
        or_ent *u = index_get(&o->users, sid, n);
        if (!u) {
            or_bad(o, &f, f.field[DEM_SID], "user \"%.*s\" is not in users.csv", (int)n, sid);
            continue;
        }
        if (u->state == E_SKIP) continue;
        if (u->seen) {
            or_bad(o, &f, f.field[DEM_SID], "user \"%.*s\" has a second row in demographics.csv",
                   (int)n, sid);
            continue;
        }
        u->seen = 1;
        if (bn && date_parse(birth, bn, &day) < 0) {
            or_bad(o, &f, f.field[DEM_BIRTH], "birthDate \"%.*s\" is not a date of the form "
                   "YYYY-MM-DD", (int)(bn > 40 ? 40 : bn), birth);
            continue;
        }
        if (bn && day > date_today()) {
            or_bad(o, &f, f.field[DEM_BIRTH], "birthDate %.*s is in the future", (int)bn, birth);
            continue;
        }
        for (size_t i = 0; sn && i < sizeof sexes / sizeof *sexes; i++)
            if (word_is(sex, sn, sexes[i].sex)) gender = sexes[i].gender;
        if (sn && !gender) {
            or_bad(o, &f, f.field[DEM_SEX], "sex \"%.*s\" is not female, male, other or "
                   "unspecified", (int)(sn > 40 ? 40 : sn), sex);
            continue;
        }
        if (u->kind != P_STUDENT) continue;   /* cairn keeps no staff or guardian birth dates */
        u->date = pool_add(o, birth, bn);
        u->text = gender ? pool_add(o, gender, strlen(gender)) : 0;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* The user entity the current row of users.csv defined, or NULL when the row
** was unusable (reported by users_index) or the user is skipped. */
static or_ent *user_here(const oneroster *o, const or_file *f) {
    size_t n;
    const char *sid = or_get(f, USR_SID, &n);
    or_ent *e = index_get(&o->users, sid, n);
    return e && e->line == f->line && e->state == E_OK ? e : NULL;
}

/* users.csv, second pass: students become learners (with their
** demographics), staff roles become staff with the role as job title. */
static int users_people(oneroster *o, or_file *f, cairn_err *err) {
    int rc;
    while ((rc = or_next(o, f, err)) == 1) {
        or_ent *e = user_here(o, f);
        if (!e || (e->kind != P_STUDENT && e->kind != P_STAFF)) continue;
        size_t in, rn;
        int rfield, rank;
        or_get(f, USR_IDENT, &in);
        const char *role = user_role(o, f, &rn, &rfield, &rank), *canon = "";
        role_person(role, rn, &canon);
        or_row r;
        if (e->kind == P_STUDENT) {
            const char *birth = pool_str(o, e->date), *gender = pool_str(o, e->text);
            row_start(&r, IMPORT_LEARNERS);
            row_cell(&r, "learner", f, in ? USR_IDENT : USR_SID);
            row_put(&r, "birth_date", birth, strlen(birth), 0);
            row_put(&r, "gender", gender, strlen(gender), 0);
        } else {
            row_start(&r, IMPORT_STAFF);
            row_cell(&r, "staff", f, in ? USR_IDENT : USR_SID);
            row_put(&r, "job_title", canon, strlen(canon), rfield);
        }
        row_cell(&r, "given_name", f, USR_GIVEN);
        row_cell(&r, "family_name", f, USR_FAMILY);
        row_cell(&r, "email", f, USR_EMAIL);
        int sent = row_send(o, &r, f, err);
        if (sent < 0) return -1;
        if (sent) e->state = E_BAD;
    }
    return rc < 0 ? -1 : 0;
}

/* Write one guardian row of the current users.csv record for the learner
** student (learner_field: where the learner came from, 0 = another row). */
static int guardian_row(oneroster *o, const or_file *f, const or_ent *g, const or_ent *student,
                        int learner_field, cairn_err *err) {
    static const char *const rel[] = {[P_PARENT] = "parent", [P_GUARDIAN] = "guardian",
                                      [P_RELATIVE] = "other"};
    size_t in, pn, rn;
    int rfield, rank;
    or_get(f, USR_IDENT, &in);
    or_get(f, USR_PHONE, &pn);
    user_role(o, f, &rn, &rfield, &rank);
    const char *learner = pool_str(o, student->code);
    or_row r;
    row_start(&r, IMPORT_GUARDIANS);
    row_cell(&r, "guardian", f, in ? USR_IDENT : USR_SID);
    row_cell(&r, "given_name", f, USR_GIVEN);
    row_cell(&r, "family_name", f, USR_FAMILY);
    row_cell(&r, "email", f, USR_EMAIL);
    row_cell(&r, "phone", f, pn ? USR_PHONE : USR_SMS);
    row_put(&r, "learner", learner, strlen(learner), learner_field);
    row_put(&r, "relationship", rel[g->kind], strlen(rel[g->kind]), rfield);
    row_put(&r, "parental_responsibility", g->kind == P_RELATIVE ? "no" : "yes",
            g->kind == P_RELATIVE ? 2 : 3, rfield);
    return row_send(o, &r, f, err) < 0 ? -1 : 0;
}

/* 1 if student is among done[0..n); else adds it and returns 0. */
static int seen_before(size_t **done, size_t *n, size_t *cap, size_t student) {
    for (size_t i = 0; i < *n; i++)
        if ((*done)[i] == student) return 1;
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *done = xrealloc(*done, *cap * sizeof **done);
    }
    (*done)[(*n)++] = student;
    return 0;
}

/* users.csv, third pass (learners exist now): parents, guardians and
** relatives become guardians, one row per student of this school they are
** linked to, by their own agentSourcedIds or by the student's. */
static int users_guardians(oneroster *o, or_file *f, cairn_err *err) {
    int rc;
    size_t *done = NULL, ndone, cap = 0;
    while ((rc = or_next(o, f, err)) == 1) {
        const or_ent *g = user_here(o, f);
        if (!g || g->kind < P_PARENT) continue;
        size_t ln, n, sn;
        const char *p = or_get(f, USR_AGENTS, &ln), *end = p + ln, *sid;
        ndone = 0;
        while (rc >= 0 && list_next(&p, end, &sid, &n)) {
            const or_ent *s = index_get(&o->users, sid, n);
            if (!s) {
                or_bad(o, f, f->field[USR_AGENTS], "agent \"%.*s\" is not in users.csv",
                       (int)n, sid);
                continue;
            }
            size_t si = (size_t)(s - o->users.ents);
            if (s->kind != P_STUDENT || s->state != E_OK || seen_before(&done, &ndone, &cap, si))
                continue;
            if (guardian_row(o, f, g, s, f->field[USR_AGENTS], err) < 0) rc = -1;
        }
        const char *gsid = or_get(f, USR_SID, &sn);
        int64_t link = 0;
        if (o->guardian_links) hmap_get(o->guardian_links, gsid, sn, &link);
        for (; rc >= 0 && link; link = (int64_t)o->links[link - 1].next) {
            size_t si = o->links[link - 1].student;
            if (o->users.ents[si].state != E_OK || seen_before(&done, &ndone, &cap, si)) continue;
            if (guardian_row(o, f, g, &o->users.ents[si], 0, err) < 0) rc = -1;
        }
        if (rc < 0) break;
    }
    free(done);
    return rc < 0 ? -1 : 0;
}

/* users.csv with roles.csv (1.2) and demographics.csv: index the users,
** merge demographics, then write learners and staff, then guardians. */
static int or_users(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_USERS, user_cols, USR_NCOLS, 0, err);
    if (rc <= 0) return rc;
    if (!f.field[USR_ROLE]) {
        buf path = BUF_INIT;
        buf_printf(&path, "%s/%s", o->dir, or_files[F_ROLES].file);
        int have_roles = o->bulk[F_ROLES] >= 0 && access(buf_cstr(&path), F_OK) == 0;
        buf_free(&path);
        if (o->version < 12 || !have_roles) {
            or_close(&f);
            return err_set(err, CAIRN_EINVAL, "users.csv:1: required column \"role\" is "
                           "missing%s", o->version < 12 ? "" : " (and there is no roles.csv)");
        }
        if (or_roles_read(o, err) < 0) { or_close(&f); return -1; }
    }
    rc = users_index(o, &f, err);
    or_close(&f);
    if (rc == 0 && o->roles.map) rc = or_roles_check(o, err);
    if (rc == 0) rc = or_demographics(o, err);
    for (int pass = 0; rc == 0 && pass < 2; pass++) {
        if (or_open(o, &f, F_USERS, user_cols, USR_NCOLS, 1, err) < 0) return -1;
        rc = pass == 0 ? users_people(o, &f, err) : users_guardians(o, &f, err);
        or_close(&f);
    }
    return rc;
}

/* ---- enrollments.csv --------------------------------------------------------------- */

/* One enrollment of a student: an active enrolment in the class's programme
** and group, from beginDate (else the class's first term's start). */
static int enrol_student(oneroster *o, const or_file *f, const or_ent *cls, const or_ent *u,
                         cairn_err *err) {
    size_t bn;
    or_get(f, ENR_BEGIN, &bn);
    if (!bn && !cls->date) {
        or_bad(o, f, f->field[ENR_BEGIN], "beginDate is empty and the class has no term to "
               "take the start date from");
        return 0;
    }
    const char *learner = pool_str(o, u->code), *programme = pool_str(o, cls->text);
    const char *group = pool_str(o, cls->code), *start = pool_str(o, cls->date);
    or_row r;
    row_start(&r, IMPORT_ENROLMENTS);
    row_put(&r, "learner", learner, strlen(learner), f->field[ENR_USER]);
    row_put(&r, "programme", programme, strlen(programme), f->field[ENR_CLASS]);
    if (bn) row_cell(&r, "start_date", f, ENR_BEGIN);
    else row_put(&r, "start_date", start, strlen(start), f->field[ENR_CLASS]);
    row_put(&r, "group", group, strlen(group), f->field[ENR_CLASS]);
    row_cell(&r, "expected_end_date", f, ENR_END);
    row_put(&r, "status", "active", 6, 0);
    return row_send(o, &r, f, err) < 0 ? -1 : 0;
}

/* One enrollment of a teacher: the teacher teaches the group, as its class
** teacher when the enrollment is primary. */
static int enrol_teacher(oneroster *o, const or_file *f, const or_ent *cls, const or_ent *u,
                         cairn_err *err) {
    size_t pn;
    const char *primary = or_get(f, ENR_PRIMARY, &pn);
    int is_primary = word_is(primary, pn, "true");
    if (pn && !is_primary && !word_is(primary, pn, "false")) {
        or_bad(o, f, f->field[ENR_PRIMARY], "primary \"%.*s\" is not true or false",
               (int)(pn > 40 ? 40 : pn), primary);
        return 0;
    }
    const char *group = pool_str(o, cls->code), *staff = pool_str(o, u->code);
    const char *role = is_primary ? "class_teacher" : "teacher";
    or_row r;
    row_start(&r, IMPORT_GROUP_STAFF);
    row_put(&r, "group", group, strlen(group), f->field[ENR_CLASS]);
    row_put(&r, "staff", staff, strlen(staff), f->field[ENR_USER]);
    row_put(&r, "role", role, strlen(role), f->field[ENR_PRIMARY]);
    return row_send(o, &r, f, err) < 0 ? -1 : 0;
}

/* The class and user of the current enrollment: 0 both usable, 1 skip the
** row (reported as bad when it is). */
static int enrol_refs(oneroster *o, const or_file *f, const or_ent **cls, const or_ent **u) {
    size_t sn, cn, un;
    const char *school = or_get(f, ENR_SCHOOL, &sn), *csid = or_get(f, ENR_CLASS, &cn);
    const char *usid = or_get(f, ENR_USER, &un);
    int where = sn ? org_where(o, school, sn) : HERE;
    if (where == ELSEWHERE) return 1;
    if (where == UNKNOWN) {
        or_bad(o, f, f->field[ENR_SCHOOL], "school \"%.*s\" is not in orgs.csv", (int)sn, school);
        return 1;
    }
    *cls = index_get(&o->classes, csid, cn);
    *u = index_get(&o->users, usid, un);
    if (!*cls) {
        or_bad(o, f, f->field[ENR_CLASS], "class \"%.*s\" is not in classes.csv", (int)cn, csid);
        return 1;
    }
    if ((*cls)->state == E_SKIP) return 1;
    if ((*cls)->state == E_BAD) {
        or_bad(o, f, f->field[ENR_CLASS], "class \"%.*s\" was not imported: its row in "
               "classes.csv (line %ld) is bad", (int)cn, csid, (*cls)->line);
        return 1;
    }
    if (!*u) {
        or_bad(o, f, f->field[ENR_USER], "user \"%.*s\" is not in users.csv", (int)un, usid);
        return 1;
    }
    if ((*u)->state == E_SKIP) return 1;
    if ((*u)->state == E_BAD) {
        or_bad(o, f, f->field[ENR_USER], "user \"%.*s\" was not imported: its row in users.csv "
               "(line %ld) is bad", (int)un, usid, (*u)->line);
        return 1;
    }
    return 0;
}

/* enrollments.csv: students' enrollments become enrolments, teachers'
** become group staff; other roles (aides, proctors, ...) are not imported. */
static int or_enrollments(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_ENROLLMENTS, enrollment_cols, ENR_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t rn, un;
        const char *role = or_get(&f, ENR_ROLE, &rn), *canon = "", *usid = or_get(&f, ENR_USER, &un);
        const or_ent *cls = NULL, *u = NULL;
        if (or_deleted(&f, ENR_STATUS)) continue;
        int person = role_person(role, rn, &canon);
        if (person == P_NONE) {
            or_bad(o, &f, f.field[ENR_ROLE], "role \"%.*s\" is not a OneRoster role",
                   (int)(rn > 40 ? 40 : rn), role);
            continue;
        }
        int is_teacher = !strcmp(canon, "teacher");
        if (person != P_STUDENT && !is_teacher) continue;
        if (enrol_refs(o, &f, &cls, &u)) continue;
        if (u->kind != (is_teacher ? P_STAFF : P_STUDENT)) {
            or_bad(o, &f, f.field[ENR_USER], "user \"%.*s\" is enrolled as a %s but is not a %s "
                   "in users.csv", (int)un, usid, canon, is_teacher ? "member of staff" : canon);
            continue;
        }
        if ((is_teacher ? enrol_teacher : enrol_student)(o, &f, cls, u, err) < 0) {
            rc = -1;
            break;
        }
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
    index_free(&o.orgs);
    index_free(&o.sessions);
    index_free(&o.courses);
    index_free(&o.classes);
    index_free(&o.users);
    index_free(&o.roles);
    hmap_free(o.guardian_links);
    free(o.links);
    buf_free(&o.pool);
    if (rc < 0) im->failed = 1;   /* nothing of a broken bundle may land */
    return rc < 0 ? -1 : 0;
}
