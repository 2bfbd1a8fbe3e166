/*
** school/import_repeat.c — a key repeated within one import file.
**
** The database finds a repeated key as the file is written (import_id, see
** import_write.c); importer_file then rolls the file back to a savepoint,
** reads it again to learn the keys of the repeating rows, and once more to
** import it with every row of those keys bad, each message naming the
** other lines (docs/import.md, docs/decisions.md).  Memory holds only the
** repeated keys.
*/
#include "school/import_internal.h"
#include "base/mem.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Forget the repeated keys and lines of the last file. */
void importer_dups_clear(importer *im) {
    hmap_free(im->dup_lines);
    hmap_free(im->dup_keys);
    im->dup_lines = im->dup_keys = NULL;
    for (size_t i = 0; i < im->ndups; i++) free(im->dups[i].lines);
    free(im->dups);
    im->dups = NULL;
    im->ndups = im->capdups = 0;
}

/* ---- the second and third readings -------------------------------------------------- */

/* The row's key (spec->key's columns, parsed) as text into im->keytext. */
static void key_text(importer *im, const import_spec *spec, const import_value *v,
                     int *first_col) {
    buf *k = &im->keytext;
    buf_reset(k);
    *first_col = -1;
    const char *p = spec->key;
    while (*p) {
        size_t n = strcspn(p, ",");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        int c = import_spec_col(spec, name);
        assert(c >= 0);   /* import_spec.c names its key columns */
        if (*first_col < 0) *first_col = c;
        const import_value *x = &v[c];
        switch (spec->cols[c].type) {
        case COL_DATE: buf_printf(k, "d%ld", (long)x->date); break;
        case COL_INT: case COL_BOOL: case COL_ENUM: buf_printf(k, "i%lld", (long long)x->i); break;
        case COL_NUM: buf_printf(k, "n%.17g", x->d); break;
        default: buf_printf(k, "s%zu:", x->n); buf_append(k, x->s, x->n);
        }
        buf_putc(k, '\x1f');
        p += n;
        while (*p == ',' || *p == ' ') p++;
    }
}

/* "also on line 9" / "also on lines 4, 9 and 12" (up to 8, then "and N
** more") of the lines in lines[0..n) and first (0 = none) but self. */
static void other_lines(buf *why, long first, const long *lines, size_t n, long self) {
    long shown[9];
    size_t k = 0, total = 0;
    if (first && first != self) shown[k++] = first, total++;
    for (size_t i = 0; i < n; i++) {
        if (lines[i] == self) continue;
        if (k < 8) shown[k++] = lines[i];
        total++;
    }
    buf_printf(why, "also on line%s ", total > 1 ? "s" : "");
    for (size_t i = 0; i < k; i++)
        buf_printf(why, "%s%ld", i == 0 ? "" : (i + 1 == k && total == k ? " and " : ", "), shown[i]);
    if (total > k) buf_printf(why, " and %zu more", total - k);
}

/* In the second and third readings of a file (see importer_file): learn
** the key of a row the database found repeating one (returns 2: stop
** here), or make every row of a repeated key bad (1, why filled).  0: go
** on and write the row. */
int importer_row_repeated(importer *im, const import_spec *spec, const import_value *v,
                        const import_origin *org, int *bad_col, buf *why) {
    int64_t at;
    int first_col;
    int dup_line = im->dup_lines &&
                   hmap_get(im->dup_lines, (const char *)&org->line, sizeof org->line, &at);
    if (im->pass == IMPORT_PASS_KEYS) {
        if (!dup_line) return 2;
        key_text(im, spec, v, &first_col);
        if (!im->dup_keys) im->dup_keys = hmap_new();
        if (!hmap_get(im->dup_keys, im->keytext.data, im->keytext.len, &at)) {
            if (im->ndups == im->capdups) {
                im->capdups = im->capdups ? 2 * im->capdups : 16;
                im->dups = xrealloc(im->dups, im->capdups * sizeof *im->dups);
            }
            at = (int64_t)im->ndups;
            im->dups[im->ndups++] = (import_dup){0, NULL, 0, 0};
            hmap_put(im->dup_keys, im->keytext.data, im->keytext.len, at);
        }
        import_dup *d = &im->dups[at];
        if (d->n == d->cap) {
            d->cap = d->cap ? 2 * d->cap : 4;
            d->lines = xrealloc(d->lines, d->cap * sizeof *d->lines);
        }
        d->lines[d->n++] = org->line;
        return 2;
    }
    if (!im->dup_keys) return 0;
    key_text(im, spec, v, &first_col);
    if (!hmap_get(im->dup_keys, im->keytext.data, im->keytext.len, &at)) return 0;
    import_dup *d = &im->dups[at];
    if (!dup_line) {
        d->first_line = org->line;   /* its first row in this file */
    } else if (!d->first_line && d->n == 1) {
        return 0;   /* once in this file, first in an earlier one: the database says so */
    }
    *bad_col = first_col;
    buf_printf(why, IMPORT_DUP_PREFIX " the same %s is ", spec->key);
    other_lines(why, d->first_line, d->lines, d->n, org->line);
    buf_puts(why, " of this file; cairn cannot know which row is right, so none of them "
                  "is imported");
    return 1;
}

/* ---- a file, read again when a key repeats ------------------------------------------ */

/* Where the session stood before a file: its report and bad-rows file. */
typedef struct file_mark {
    int64_t rows_read, rows_written, rows_bad, dropped;
    size_t messages_len;
    long skip_at;
    char *skip_header_sig;
} file_mark;

/* Mark the session's state and open savepoint cairn_file.  0 or -1. */
static int mark_take(importer *im, file_mark *m, cairn_err *err) {
    m->rows_read = im->rep.rows_read;
    m->rows_written = im->rep.rows_written;
    m->rows_bad = im->rep.rows_bad;
    m->dropped = im->rep.messages_dropped;
    m->messages_len = im->rep.messages.len;
    m->skip_at = im->skip ? (fflush(im->skip), ftell(im->skip)) : 0;
    m->skip_header_sig = im->skip_header_sig ? xstrdup(im->skip_header_sig) : NULL;
    return store_exec(im->st, "SAVEPOINT cairn_file", err) < 0 ? -1 : 0;
}

/* Put the report and the bad-rows file back as they were at m. */
static void mark_report(importer *im, const file_mark *m) {
    im->rep.rows_read = m->rows_read;
    im->rep.rows_written = m->rows_written;
    im->rep.rows_bad = m->rows_bad;
    im->rep.messages_dropped = m->dropped;
    im->rep.messages.len = m->messages_len;
    if (im->rep.messages.data) im->rep.messages.data[m->messages_len] = 0;
    if (im->skip) {
        fflush(im->skip);
        if (ftruncate(fileno(im->skip), m->skip_at) == 0) fseek(im->skip, m->skip_at, SEEK_SET);
    }
    free(im->skip_header_sig);
    im->skip_header_sig = m->skip_header_sig ? xstrdup(m->skip_header_sig) : NULL;
}

/* Undo everything written since m: roll back to the savepoint, forget the
** identifiers learnt since (they are reloaded from the database on use).
** 0 or -1. */
static int mark_rewind(importer *im, const file_mark *m, cairn_err *err) {
    mark_report(im, m);
    if (store_exec(im->st, "ROLLBACK TO SAVEPOINT cairn_file", err) < 0) return -1;
    for (int i = 0; i < REF_COUNT; i++) {
        hmap_free(im->refs[i]);
        im->refs[i] = NULL;
    }
    hmap_free(im->institutions);
    im->institutions = hmap_new();
    return importer_load_institutions(im, err);
}

/* Import one CSV file of kind into the session; see school.h.  Read once;
** if the database found a key repeated, the file's writes are undone and
** it is read again to learn the repeated keys, then once more with every
** row of such a key bad (docs/import.md).  Memory holds those keys only. */
int importer_file(importer *im, import_kind kind, const char *path, cairn_err *err) {
    if (im->opts.sum && kind != IMPORT_ENGAGEMENT) {
        im->failed = 1;
        return err_set(err, CAIRN_EINVAL, "--sum adds up engagement values; %s rows have no "
                       "value to add, so it cannot be used with them", import_kind_name(kind));
    }
    file_mark m;
    if (mark_take(im, &m, err) < 0) {
        im->failed = 1;
        free(m.skip_header_sig);
        return -1;
    }
    importer_dups_clear(im);
    im->pass = IMPORT_PASS_WRITE;
    int rc = importer_file_read(im, kind, path, err);
    if (rc == 0 && im->dup_lines) {
        if (mark_rewind(im, &m, err) < 0) rc = -1;
        im->pass = IMPORT_PASS_KEYS;
        if (rc == 0) rc = importer_file_read(im, kind, path, err);
        mark_report(im, &m);
        im->pass = IMPORT_PASS_AMBIGUOUS;
        if (rc == 0) rc = importer_file_read(im, kind, path, err);
    }
    im->pass = IMPORT_PASS_WRITE;
    importer_dups_clear(im);
    free(m.skip_header_sig);
    if (rc == 0 && store_exec(im->st, "RELEASE SAVEPOINT cairn_file", err) < 0) rc = -1;
    if (rc < 0) im->failed = 1;
    return rc;
}
