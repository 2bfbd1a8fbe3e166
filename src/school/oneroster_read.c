/*
** school/oneroster_read.c — the machinery every OneRoster file is read
** with: the string pool and the sourcedId indexes, opening a file and
** mapping its header onto the columns cairn reads, rows reported as bad
** with their file, line and field, and rows of our own kinds sent through
** importer_record().
*/
#include "school/oneroster_internal.h"
#include "base/mem.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const struct { const char *role; int person; } or_roles[] = {
    {"student", P_STUDENT}, {"teacher", P_STAFF}, {"administrator", P_STAFF},
    {"aide", P_STAFF}, {"counselor", P_STAFF}, {"proctor", P_STAFF},
    {"principal", P_STAFF}, {"districtAdministrator", P_STAFF},
    {"siteAdministrator", P_STAFF}, {"systemAdministrator", P_STAFF},
    {"parent", P_PARENT}, {"guardian", P_GUARDIAN}, {"relative", P_RELATIVE},
};

/* ---- small helpers ------------------------------------------------------------ */

/* Add s[0..n) to the pool; returns its offset (0 for an empty string). */
size_t or_pool_add(oneroster *o, const char *s, size_t n) {
    if (!n) return 0;
    size_t off = o->pool.len;
    buf_append(&o->pool, s, n);
    buf_putc(&o->pool, 0);
    return off;
}

/* The pool string at off; valid until the next pool_add. */
const char *or_pool_str(const oneroster *o, size_t off) {
    return o->pool.data + off;
}

/* The entity for sourcedId sid, or NULL; valid until the next index_add. */
or_ent *or_index_get(const or_index *x, const char *sid, size_t n) {
    int64_t i;
    if (!x->map || !n || !hmap_get(x->map, sid, n, &i)) return NULL;
    return &x->ents[i];
}

/* A new zeroed entity for sid, defined on line; valid until the next
** index_add.  The caller has checked that sid is not there yet. */
or_ent *or_index_add(or_index *x, const char *sid, size_t n, long line) {
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
void or_index_free(or_index *x) {
    hmap_free(x->map);
    free(x->ents);
}

/* 1 if s[0..n) equals word, ignoring ASCII case. */
int or_word_is(const char *s, size_t n, const char *word) {
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* The next item of the comma-separated list in [*p, end), trimmed, advancing
** *p; 0 when the list is done.  Empty items are skipped. */
int or_list_next(const char **p, const char *end, const char **item, size_t *n) {
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
int or_role_person(const char *s, size_t n, const char **canon) {
    for (size_t i = 0; i < sizeof or_roles / sizeof *or_roles; i++) {
        if (or_word_is(s, n, or_roles[i].role)) {
            *canon = or_roles[i].role;
            return or_roles[i].person;
        }
    }
    return P_NONE;
}

/* ---- reading files ------------------------------------------------------------ */

/* Close f and free what it holds; f may be unopened. */
void or_close(or_file *f) {
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
int or_open(oneroster *o, or_file *f, int which, const or_col *cols, size_t ncols,
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
void or_bad(oneroster *o, const or_file *f, int field, const char *fmt, ...) {
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
int or_next(oneroster *o, or_file *f, cairn_err *err) {
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
const char *or_get(const or_file *f, int c, size_t *n) {
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
int or_deleted(const or_file *f, int status_col) {
    size_t n;
    const char *s = or_get(f, status_col, &n);
    return or_word_is(s, n, "tobedeleted");
}

/* ---- rows for importer_record ------------------------------------------------- */

/* Start an empty row of kind. */
void or_row_start(or_row *r, import_kind kind) {
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->spec = import_spec_of(kind);
}

/* Set spec column col of r to s[0..n), which came from field number field
** of the OneRoster record (0: it came from elsewhere). */
void or_row_put(or_row *r, const char *col, const char *s, size_t n, int field) {
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
void or_row_cell(or_row *r, const char *col, const or_file *f, int c) {
    size_t n;
    const char *s = or_get(f, c, &n);
    or_row_put(r, col, s, n, f->field[c]);
}

/* Send r through importer_record with f's current record as its origin.
** Returns 0 written, 1 bad (reported), -1 fatal (err set). */
int or_row_send(oneroster *o, const or_row *r, const or_file *f, cairn_err *err) {
    if (r->missing)
        return err_set(err, CAIRN_EINTERNAL, "the OneRoster mapping fills column \"%s\", "
                       "which %s does not have", r->missing, r->spec->name);
    import_origin org = {f->name, f->line, r->file_col, f->nh, f->raw, f->raw_len,
                         (const char *const *)f->header};
    long bad = o->im->rep.rows_bad;
    if (importer_record(o->im, r->kind, r->text, r->len, &org, err) < 0) return -1;
    return o->im->rep.rows_bad > bad ? 1 : 0;
}
