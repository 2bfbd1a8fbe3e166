/*
** risk/tabular_columns.c — a table's description file: which columns hold
** category codes, which is the outcome, which to leave out.  Any data set
** can have one (data.csv beside data.csv.columns); nothing about one data
** set is written into the program.  The format is in tabular.h and
** docs/risk.md; the parser is strict and names file:line on every error.
*/
#include "risk/tabular.h"
#include "base/mem.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COLUMNS_FILE_MAX = 1 << 20 };

/* A growing NULL-terminated array of names. */
typedef struct name_list {
    char **v;
    size_t n, cap;
} name_list;

/* Append a copy of s[0..len) to l, keeping it NULL-terminated. */
static void name_list_add(name_list *l, const char *s, size_t len) {
    if (l->n + 2 > l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = xstrndup(s, len);
    l->v[l->n] = NULL;
}

/* The list's array (an empty NULL-terminated one when nothing was added);
** the caller owns it. */
static char **name_list_take(name_list *l) {
    if (!l->v) l->v = xcalloc(1, sizeof *l->v);
    return l->v;
}

/* Free a NULL-terminated array of strings (NULL is fine). */
static void names_free(char **v) {
    for (size_t i = 0; v && v[i]; i++) free(v[i]);
    free(v);
}

/* Release what a parse filled. */
void risk_table_columns_free(risk_table_columns *c) {
    if (!c) return;
    free(c->target);
    free(c->positive);
    names_free(c->categorical);
    names_free(c->numeric);
    names_free(c->ignore);
    memset(c, 0, sizeof *c);
}

/* 1 if s[0..n) equals the NUL-terminated word w. */
static int field_is(const char *s, size_t n, const char *w) {
    return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* Parse the description in text[0..n); see tabular.h. */
int risk_table_columns_parse(const char *text, size_t n, const char *name,
                             risk_table_columns *out, cairn_err *err) {
    if (!out) return err_set(err, CAIRN_EINVAL, "no description to fill (out is NULL)");
    memset(out, 0, sizeof *out);
    if (!name) name = "<columns>";
    if (n && !text) return err_set(err, CAIRN_EINVAL, "%s: no text", name);
    name_list cat = {0}, num = {0}, ign = {0}, all = {0};
    long line = 0, described = 0;
    int rc = 0;
    if (memchr(text ? text : "", 0, n)) {
        rc = err_set(err, CAIRN_EINVAL, "%s: the file holds a NUL byte; it must be text", name);
        goto done;
    }
    for (size_t pos = 0; pos < n;) {
        const char *s = text + pos, *nl = memchr(s, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - s) : n - pos;
        pos += len + (nl != NULL);
        line++;
        if (len && s[len - 1] == '\r') len--;
        if (len == 0 || s[0] == '#') continue;
        if (++described > RISK_TABLE_COLUMNS_MAX) {
            rc = err_set(err, CAIRN_EINVAL, "%s:%ld: more than %d columns described", name,
                         line, RISK_TABLE_COLUMNS_MAX);
            goto done;
        }
        /* up to three tab-separated fields: name, kind, value */
        const char *f[3];
        size_t fl[3], nfield = 0;
        for (size_t i = 0, start = 0; i <= len; i++) {
            if (i < len && s[i] != '\t') continue;
            if (nfield == 3) {
                rc = err_set(err, CAIRN_EINVAL, "%s:%ld: too many tab-separated fields (at most "
                             "NAME, KIND and, for the target, its positive value)", name, line);
                goto done;
            }
            f[nfield] = s + start;
            fl[nfield++] = i - start;
            start = i + 1;
        }
        if (nfield < 2) {
            rc = err_set(err, CAIRN_EINVAL, "%s:%ld: no tab: write NAME<TAB>KIND (categorical, "
                         "numeric, target or ignore)", name, line);
            goto done;
        }
        if (fl[0] == 0) {
            rc = err_set(err, CAIRN_EINVAL, "%s:%ld: the column name is empty", name, line);
            goto done;
        }
        int target = field_is(f[1], fl[1], "target");
        name_list *into = field_is(f[1], fl[1], "categorical") ? &cat
                        : field_is(f[1], fl[1], "numeric")     ? &num
                        : field_is(f[1], fl[1], "ignore")      ? &ign
                                                               : NULL;
        if (!target && !into) {
            rc = err_set(err, CAIRN_EINVAL, "%s:%ld: unknown kind \"%.*s\": use categorical, "
                         "numeric, target or ignore", name, line, (int)(fl[1] > 40 ? 40 : fl[1]),
                         f[1]);
            goto done;
        }
        if (nfield == 3 && !target) {
            rc = err_set(err, CAIRN_EINVAL, "%s:%ld: only a target line takes a third field "
                         "(its positive value)", name, line);
            goto done;
        }
        if (nfield == 3 && fl[2] == 0) {
            rc = err_set(err, CAIRN_EINVAL, "%s:%ld: the positive value is empty", name, line);
            goto done;
        }
        for (size_t i = 0; i < all.n; i++)
            if (field_is(f[0], fl[0], all.v[i])) {
                rc = err_set(err, CAIRN_EINVAL, "%s:%ld: column \"%s\" is described twice", name,
                             line, all.v[i]);
                goto done;
            }
        name_list_add(&all, f[0], fl[0]);
        if (target) {
            if (out->target) {
                rc = err_set(err, CAIRN_EINVAL, "%s:%ld: a second target (\"%s\" is the first)",
                             name, line, out->target);
                goto done;
            }
            out->target = xstrndup(f[0], fl[0]);
            if (nfield == 3) out->positive = xstrndup(f[2], fl[2]);
        } else {
            name_list_add(into, f[0], fl[0]);
        }
    }
done:
    names_free(all.v);
    out->categorical = name_list_take(&cat);
    out->numeric = name_list_take(&num);
    out->ignore = name_list_take(&ign);
    if (rc < 0) risk_table_columns_free(out);
    return rc;
}

/* Read the file at path and parse it; see tabular.h. */
int risk_table_columns_read(const char *path, risk_table_columns *out, cairn_err *err) {
    if (out) memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(err, CAIRN_EIO, "cannot read %s: %s", path, strerror(errno));
    char *text = xmalloc(COLUMNS_FILE_MAX + 1);
    size_t n = fread(text, 1, COLUMNS_FILE_MAX + 1, f);
    int bad = ferror(f);
    fclose(f);
    int rc;
    if (bad) rc = err_set(err, CAIRN_EIO, "cannot read %s", path);
    else if (n > COLUMNS_FILE_MAX)
        rc = err_set(err, CAIRN_EINVAL, "%s: larger than %d bytes; a description has one short "
                     "line per column", path, COLUMNS_FILE_MAX);
    else rc = risk_table_columns_parse(text, n, path, out, err);
    free(text);
    return rc;
}
