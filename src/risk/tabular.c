/*
** risk/tabular.c — reading a table of learners (one row per learner,
** number columns and an outcome) into memory.  The model on it is in
** tabular_cv.c and tabular_linear.c; the description file that says which
** columns hold codes in tabular_columns.c.
*/
#include "risk/tabular.h"
#include "base/csv.h"
#include "base/mem.h"
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- reading ------------------------------------------------------------ */

/* s[0..*n) with leading and trailing white space removed: returns the new
** start and shrinks *n. */
static const char *tab_trim(const char *s, size_t *n) {
    while (*n && isspace((unsigned char)s[0])) s++, (*n)--;
    while (*n && isspace((unsigned char)s[*n - 1])) (*n)--;
    return s;
}

/* 1 if s[0..n) is a plain decimal number: optional sign, digits with at most
** one point (at least one digit), optional exponent.  Rejects hex, "inf",
** "nan" and thousands separators, which strtod would take or half-take. */
static int tab_is_decimal(const char *s, size_t n) {
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    while (i < n && isdigit((unsigned char)s[i])) i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && isdigit((unsigned char)s[i])) i++, digits++;
    }
    if (!digits) return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t ed = 0;
        while (i < n && isdigit((unsigned char)s[i])) i++, ed++;
        if (!ed) return 0;
    }
    return i == n;
}

/* 1 if name (trimmed) equals s exactly. */
static int tab_name_is(const char *name, const char *s) {
    size_t n = strlen(s);
    const char *t = tab_trim(s, &n);
    return strlen(name) == n && memcmp(name, t, n) == 0;
}

/* 1 if name starts with prefix (prefix trimmed at its start only: a prefix
** may end in a space on purpose). */
static int tab_name_starts(const char *name, const char *prefix) {
    while (isspace((unsigned char)*prefix)) prefix++;
    return *prefix && strncmp(name, prefix, strlen(prefix)) == 0;
}

/* Append s to b for a message, quoted, at most 40 bytes of it. */
static void tab_quote(buf *b, const char *s, size_t n) {
    if (n > 40) buf_printf(b, "\"%.40s...\"", s);
    else buf_printf(b, "\"%.*s\"", (int)n, s);
}

/* The header: trimmed names (caller frees each and the array), which to
** keep, which is the outcome.  Fills err on a bad header. */
static int tab_header(csv_reader *r, const risk_table_opts *o, const char *target,
                      char ***names_out, int **keep_out, size_t *nf_out, size_t *tcol_out,
                      cairn_err *err) {
    size_t nf = csv_nfields(r);
    char **names = xcalloc(nf, sizeof *names);
    int *keep = xcalloc(nf, sizeof *keep);
    size_t tcol = SIZE_MAX;
    buf msg = BUF_INIT;
    for (size_t i = 0; i < nf; i++) {
        size_t n;
        const char *f = csv_field(r, i, &n);
        f = tab_trim(f, &n);
        names[i] = xstrndup(f, n);
        if (n == 0) {
            err_set(err, CAIRN_EINVAL, "%s:%ld:%zu: column %zu has no name in the header",
                    csv_name(r), csv_line(r), i + 1, i + 1);
            goto fail;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(names[j], names[i])) {
                err_set(err, CAIRN_EINVAL, "%s:%ld:%zu: column \"%s\" appears twice (also column %zu)",
                        csv_name(r), csv_line(r), i + 1, names[i], j + 1);
                goto fail;
            }
        keep[i] = 1;
        if (tab_name_is(names[i], target)) {
            tcol = i;
            keep[i] = 0;
        }
    }
    if (tcol == SIZE_MAX) {
        for (size_t i = 0; i < nf && i < 8; i++) buf_printf(&msg, "%s\"%s\"", i ? ", " : "", names[i]);
        if (nf > 8) buf_puts(&msg, ", ...");
        err_set(err, CAIRN_EINVAL, "%s:%ld: no outcome column \"%s\"; the header has %s",
                csv_name(r), csv_line(r), target, buf_cstr(&msg));
        goto fail;
    }
    for (const char *const *d = o->drop; d && *d; d++) {
        int hit = 0;
        for (size_t i = 0; i < nf; i++)
            if (i != tcol && tab_name_is(names[i], *d)) keep[i] = 0, hit = 1;
        if (!hit) {
            err_set(err, CAIRN_EINVAL, "%s: no column \"%s\" to leave out (names must match exactly)",
                    csv_name(r), *d);
            goto fail;
        }
    }
    for (const char *const *d = o->drop_prefix; d && *d; d++) {
        int hit = 0;
        for (size_t i = 0; i < nf; i++)
            if (i != tcol && tab_name_starts(names[i], *d)) keep[i] = 0, hit = 1;
        if (!hit) {
            err_set(err, CAIRN_EINVAL, "%s: no column starts with \"%s\", so none is left out",
                    csv_name(r), *d);
            goto fail;
        }
    }
    for (int numeric = 0; numeric < 2; numeric++)
        for (const char *const *d = numeric ? o->numeric : o->categorical; d && *d; d++) {
            int hit = 0;
            for (size_t i = 0; i < nf; i++)
                if (i != tcol && tab_name_is(names[i], *d)) hit = 1;
            if (!hit) {
                err_set(err, CAIRN_EINVAL, "%s: no column \"%s\" to treat as %s "
                        "(names must match exactly)", csv_name(r), *d,
                        numeric ? "a number" : "categorical");
                goto fail;
            }
        }
    size_t kept = 0;
    for (size_t i = 0; i < nf; i++) kept += keep[i];
    if (!kept) {
        err_set(err, CAIRN_EINVAL, "%s: no attribute column is left besides the outcome \"%s\"",
                csv_name(r), target);
        goto fail;
    }
    buf_free(&msg);
    *names_out = names;
    *keep_out = keep;
    *nf_out = nf;
    *tcol_out = tcol;
    return 0;
fail:
    buf_free(&msg);
    for (size_t i = 0; i < nf; i++) free(names[i]);
    free(names);
    free(keep);
    return -1;
}

/* Read the file into *out; see tabular.h. */
int risk_table_read(const char *path, const risk_table_opts *o, risk_table *out,
                    cairn_err *err) {
    static const risk_table_opts dflt;
    if (!out) return err_set(err, CAIRN_EINVAL, "no table to fill (out is NULL)");
    memset(out, 0, sizeof *out);
    if (!path) return err_set(err, CAIRN_EINVAL, "no file name (path is NULL)");
    if (!o) o = &dflt;
    const char *target = o->target ? o->target : "Target";
    const char *positive = o->positive ? o->positive : "Dropout";
    size_t plen = strlen(positive);
    positive = tab_trim(positive, &plen);

    csv_opts co = {0};
    co.name = o->name;
    csv_reader *r = csv_open_file(path, &co, err);
    if (!r) return -1;
    int rc = csv_next(r, err);
    if (rc <= 0) {
        if (rc == 0) err_set(err, CAIRN_EINVAL, "%s: the file is empty; it needs a header row", csv_name(r));
        csv_close(r);
        return -1;
    }
    char **names = NULL;
    int *keep = NULL;
    size_t nf = 0, tcol = 0;
    if (tab_header(r, o, target, &names, &keep, &nf, &tcol, err)) {
        csv_close(r);
        return -1;
    }
    size_t ncols = 0;
    for (size_t i = 0; i < nf; i++) ncols += keep[i];

    size_t cap = 1024, nrows = 0, positives = 0;
    float *X = xmalloc(cap * ncols * sizeof *X);
    int *y = xmalloc(cap * sizeof *y);
    buf seen = BUF_INIT;     /* distinct outcome values, for the "no positive" message */
    size_t nseen = 0;
    while ((rc = csv_next(r, err)) == 1) {
        if (csv_nfields(r) != nf) {
            err_set(err, CAIRN_EINVAL, "%s:%ld: the row has %zu fields, the header has %zu",
                    csv_name(r), csv_line(r), csv_nfields(r), nf);
            rc = -1;
            break;
        }
        if (nrows == cap) {
            cap *= 2;
            X = xrealloc(X, cap * ncols * sizeof *X);
            y = xrealloc(y, cap * sizeof *y);
        }
        float *row = X + nrows * ncols;
        size_t c = 0;
        for (size_t i = 0; i < nf && rc == 1; i++) {
            size_t n;
            const char *f = csv_field(r, i, &n);
            f = tab_trim(f, &n);
            if (i == tcol) {
                if (n == 0) {
                    err_set(err, CAIRN_EINVAL, "%s:%ld:%zu: the outcome \"%s\" is empty",
                            csv_name(r), csv_line(r), i + 1, names[i]);
                    rc = -1;
                    break;
                }
                int pos = n == plen && memcmp(f, positive, n) == 0;
                y[nrows] = pos;
                positives += (size_t)pos;
                if (!pos && nseen < 6) {
                    buf probe = BUF_INIT;
                    buf_append(&probe, f, n);
                    buf_putc(&probe, 0);   /* seen is a list of NUL-terminated values */
                    int dup = 0;
                    for (size_t at = 0; at < seen.len; at += strlen(seen.data + at) + 1)
                        if (!strcmp(seen.data + at, probe.data)) dup = 1;
                    if (!dup) buf_append(&seen, probe.data, n + 1), nseen++;
                    buf_free(&probe);
                }
                continue;
            }
            if (!keep[i]) continue;
            if (n == 0) {
                row[c++] = NAN;
                continue;
            }
            if (!tab_is_decimal(f, n)) {
                buf v = BUF_INIT;
                tab_quote(&v, f, n);
                int comma = memchr(f, ',', n) != NULL;
                err_set(err, CAIRN_EINVAL, "%s:%ld:%zu: %s in column \"%s\" is not a number%s",
                        csv_name(r), csv_line(r), i + 1, buf_cstr(&v), names[i],
                        comma ? " (write decimals with a point: 1.5, not 1,5)" : "");
                buf_free(&v);
                rc = -1;
                break;
            }
            char tmp[64];
            double d;
            if (n < sizeof tmp) {
                memcpy(tmp, f, n);
                tmp[n] = 0;
                errno = 0;
                d = strtod(tmp, NULL);
            } else {
                d = HUGE_VAL;
            }
            if (!isfinite(d) || fabs(d) > FLT_MAX) {
                buf v = BUF_INIT;
                tab_quote(&v, f, n);
                err_set(err, CAIRN_EINVAL, "%s:%ld:%zu: %s in column \"%s\" is too large a number",
                        csv_name(r), csv_line(r), i + 1, buf_cstr(&v), names[i]);
                buf_free(&v);
                rc = -1;
                break;
            }
            row[c++] = (float)d;
        }
        if (rc != 1) break;
        nrows++;
    }
    if (rc == 0 && nrows == 0) {
        err_set(err, CAIRN_EINVAL, "%s: the file has a header but no rows", csv_name(r));
        rc = -1;
    }
    if (rc == 0 && positives == 0) {
        buf list = BUF_INIT;
        size_t k = 0;
        for (size_t at = 0; at < seen.len; at += strlen(seen.data + at) + 1, k++)
            buf_printf(&list, "%s\"%s\"", k ? ", " : "", seen.data + at);
        err_set(err, CAIRN_EINVAL,
                "%s: no row has %s \"%.*s\" (the positive outcome); values seen: %s%s",
                csv_name(r), target, (int)plen, positive, buf_cstr(&list),
                nseen >= 6 ? ", ..." : "");
        buf_free(&list);
        rc = -1;
    }
    buf_free(&seen);
    csv_close(r);
    if (rc != 0) {
        for (size_t i = 0; i < nf; i++) free(names[i]);
        free(names);
        free(keep);
        free(X);
        free(y);
        return -1;
    }
    out->nrows = nrows;
    out->ncols = ncols;
    out->colnames = xmalloc(ncols * sizeof *out->colnames);
    out->categorical = o->categorical ? xcalloc(ncols, 1) : NULL;
    for (size_t i = 0, c = 0; i < nf; i++) {
        if (keep[i]) {
            for (const char *const *d = o->categorical; out->categorical && *d; d++)
                if (tab_name_is(names[i], *d)) out->categorical[c] = 1;
            out->colnames[c++] = names[i];
        } else {
            free(names[i]);
        }
    }
    free(names);
    free(keep);
    out->X = xrealloc(X, nrows * ncols * sizeof *X);
    out->y = xrealloc(y, nrows * sizeof *y);
    out->positives = positives;
    return 0;
}

/* Free the table's arrays and empty it. */
void risk_table_free(risk_table *t) {
    if (!t) return;
    for (size_t i = 0; t->colnames && i < t->ncols; i++) free(t->colnames[i]);
    free(t->colnames);
    free(t->categorical);
    free(t->X);
    free(t->y);
    memset(t, 0, sizeof *t);
}

