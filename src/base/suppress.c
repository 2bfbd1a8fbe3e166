/*
** base/suppress.c — small-cell suppression (see suppress.h for the rule).
**
** Steps 1 and 2 are a loop over the lines; step 3 puts the lines' equations
** over the withheld cells into reduced row echelon form (doubles: the
** coefficients are 0 and +-1, the tables small) and asks whether a
** protected cell, or a small line remainder, lies in their row space — that
** is exactly "can be computed from the shown cells".
*/
#include "base/suppress.h"
#include "base/mem.h"
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 1 if cell c is hidden from a reader: withheld, except an unpublished
** zero (that nobody is left over is an easy guess, so it hides nothing). */
static int is_hidden(const suppress_table *t, size_t c) {
    return suppress_withheld(t->state[c]) &&
           !(t->state[c] == SUPPRESS_UNPUBLISHED && t->value[c] == 0);
}

/* 1 if cell c must not be worked out: a primary cell, or an unpublished one
** that counts 1..m-1 people. */
static int is_protected(const suppress_table *t, size_t c, long long m) {
    unsigned char s = t->state[c];
    return s == SUPPRESS_PRIMARY ||
           (s == SUPPRESS_UNPUBLISHED && t->value[c] > 0 && t->value[c] < m);
}

/* 1 if line l holds a protected cell or a complementary one (the lines rule
** 2 applies to). */
static int line_needs_rule(const suppress_table *t, const suppress_line *l, long long m) {
    if (is_protected(t, l->total, m) || t->state[l->total] == SUPPRESS_COMPLEMENT) return 1;
    for (size_t i = 0; i < l->nparts; i++)
        if (is_protected(t, l->parts[i], m) || t->state[l->parts[i]] == SUPPRESS_COMPLEMENT)
            return 1;
    return 0;
}

/* Withhold the smallest shown cell of line l as complementary (a part
** before the total on equal counts, then the lower index).  1 if one was
** withheld, 0 if every cell of the line is already withheld. */
static int withhold_smallest(suppress_table *t, const suppress_line *l) {
    size_t best = 0;
    int found = 0;
    for (size_t i = 0; i < l->nparts; i++) {
        size_t c = l->parts[i];
        if (t->state[c] != SUPPRESS_SHOWN) continue;
        if (!found || t->value[c] < t->value[best] ||
            (t->value[c] == t->value[best] && c < best)) {
            best = c;
            found = 1;
        }
    }
    if (!found || t->value[l->total] < t->value[best]) {
        if (t->state[l->total] == SUPPRESS_SHOWN) {
            best = l->total;
            found = 1;
        }
    }
    if (found) t->state[best] = SUPPRESS_COMPLEMENT;
    return found;
}

/* Withhold the smallest shown cell of the whole table.  0 if none is left. */
static int withhold_smallest_anywhere(suppress_table *t) {
    size_t best = 0;
    int found = 0;
    for (size_t c = 0; c < t->ncells; c++) {
        if (t->state[c] != SUPPRESS_SHOWN) continue;
        if (!found || t->value[c] < t->value[best]) best = c, found = 1;
    }
    if (found) t->state[best] = SUPPRESS_COMPLEMENT;
    return found;
}

/* Step 2 on line l: 1 if a cell was withheld, 0 if the line is fine. */
static int line_complement(suppress_table *t, const suppress_line *l, long long m) {
    if (!line_needs_rule(t, l, m)) return 0;
    size_t hidden = is_hidden(t, l->total) ? 1 : 0;
    long long parts_hidden = 0;
    for (size_t i = 0; i < l->nparts; i++) {
        if (!is_hidden(t, l->parts[i])) continue;
        hidden++;
        parts_hidden += t->value[l->parts[i]];
    }
    if (hidden >= 2 && (is_hidden(t, l->total) || parts_hidden >= m))
        return 0;
    return withhold_smallest(t, l);
}

/* ---- step 3: what the shown cells determine ----------------------------------------------- */

/* The lines as equations over the withheld cells, in reduced row echelon
** form: rows x cols doubles, pivot[r] the pivot column of row r. */
typedef struct echelon {
    size_t rows, cols;
    double *a;
    size_t *pivot;
    size_t *col_of;     /* cell -> column, (size_t)-1 for a shown cell */
} echelon;

/* Build the echelon form of t's lines over its withheld cells.  Free with
** echelon_free. */
static void echelon_make(const suppress_table *t, echelon *e) {
    e->col_of = xmalloc((t->ncells ? t->ncells : 1) * sizeof *e->col_of);
    e->cols = 0;
    for (size_t c = 0; c < t->ncells; c++)
        e->col_of[c] = is_hidden(t, c) ? e->cols++ : (size_t)-1;
    e->a = xcalloc((t->nlines ? t->nlines : 1) * (e->cols ? e->cols : 1), sizeof *e->a);
    e->pivot = xmalloc((t->nlines ? t->nlines : 1) * sizeof *e->pivot);
    for (size_t r = 0; r < t->nlines; r++) {
        const suppress_line *l = &t->line[r];
        double *row = e->a + r * e->cols;
        if (e->col_of[l->total] != (size_t)-1) row[e->col_of[l->total]] -= 1;
        for (size_t i = 0; i < l->nparts; i++)
            if (e->col_of[l->parts[i]] != (size_t)-1) row[e->col_of[l->parts[i]]] += 1;
    }
    /* Gauss-Jordan with partial pivoting */
    size_t rank = 0;
    for (size_t col = 0; col < e->cols && rank < t->nlines; col++) {
        size_t best = rank;
        for (size_t r = rank + 1; r < t->nlines; r++)
            if (fabs(e->a[r * e->cols + col]) > fabs(e->a[best * e->cols + col])) best = r;
        if (fabs(e->a[best * e->cols + col]) < 1e-9) continue;
        if (best != rank)
            for (size_t k = 0; k < e->cols; k++) {
                double tmp = e->a[rank * e->cols + k];
                e->a[rank * e->cols + k] = e->a[best * e->cols + k];
                e->a[best * e->cols + k] = tmp;
            }
        double p = e->a[rank * e->cols + col];
        for (size_t k = 0; k < e->cols; k++) e->a[rank * e->cols + k] /= p;
        for (size_t r = 0; r < t->nlines; r++) {
            if (r == rank) continue;
            double f = e->a[r * e->cols + col];
            if (f == 0) continue;
            for (size_t k = 0; k < e->cols; k++)
                e->a[r * e->cols + k] -= f * e->a[rank * e->cols + k];
        }
        e->pivot[rank++] = col;
    }
    e->rows = rank;
}

/* Free what echelon_make allocated. */
static void echelon_free(echelon *e) {
    free(e->a);
    free(e->pivot);
    free(e->col_of);
}

/* 1 if the combination v (cols entries, changed) of withheld cells is
** determined by the lines: it lies in the row space of e. */
static int echelon_determines(const echelon *e, double *v) {
    for (size_t r = 0; r < e->rows; r++) {
        double f = v[e->pivot[r]];
        if (f == 0) continue;
        for (size_t k = 0; k < e->cols; k++) v[k] -= f * e->a[r * e->cols + k];
    }
    for (size_t k = 0; k < e->cols; k++)
        if (fabs(v[k]) > 1e-7) return 0;
    return 1;
}

/* Step 3: find a protected cell, or a small line remainder, that the shown
** cells determine, and withhold one more cell against it.  1 if a cell was
** withheld, 0 if nothing is determined (or nothing is left to withhold). */
static int audit(suppress_table *t, long long m) {
    echelon e;
    echelon_make(t, &e);
    double *v = xmalloc((e.cols ? e.cols : 1) * sizeof *v);
    int fixed = 0;
    for (size_t c = 0; c < t->ncells && !fixed; c++) {
        if (!is_protected(t, c, m)) continue;
        memset(v, 0, (e.cols ? e.cols : 1) * sizeof *v);
        v[e.col_of[c]] = 1;
        if (!echelon_determines(&e, v)) continue;
        for (size_t r = 0; r < t->nlines && !fixed; r++) {
            const suppress_line *l = &t->line[r];
            int holds = l->total == c;
            for (size_t i = 0; i < l->nparts && !holds; i++) holds = l->parts[i] == c;
            if (holds) fixed = withhold_smallest(t, l);
        }
        if (!fixed) fixed = withhold_smallest_anywhere(t);
        if (!fixed) break;   /* everything is withheld already */
    }
    for (size_t r = 0; r < t->nlines && !fixed; r++) {
        const suppress_line *l = &t->line[r];
        long long sum = 0;
        int any_protected = 0, any = 0;
        memset(v, 0, (e.cols ? e.cols : 1) * sizeof *v);
        for (size_t i = 0; i < l->nparts; i++) {
            size_t c = l->parts[i];
            if (!is_hidden(t, c)) continue;
            any = 1;
            any_protected |= is_protected(t, c, m);
            sum += t->value[c];
            v[e.col_of[c]] = 1;
        }
        if (!any || !any_protected || sum >= m) continue;
        if (echelon_determines(&e, v)) {
            fixed = withhold_smallest(t, l);
            if (!fixed) fixed = withhold_smallest_anywhere(t);
        }
    }
    free(v);
    echelon_free(&e);
    return fixed;
}

/* ---- the entry points ------------------------------------------------------------------------- */

/* Apply the rule (suppress.h) to t. */
void suppress_table_apply(suppress_table *t, long long min_cell) {
    assert(t && min_cell >= 1);
    assert(t->ncells == 0 || (t->value && t->state));
    for (size_t c = 0; c < t->ncells; c++) {
        assert(t->value[c] >= 0);
        assert(t->state[c] == SUPPRESS_SHOWN || t->state[c] == SUPPRESS_UNPUBLISHED);
        if (t->state[c] == SUPPRESS_SHOWN && t->value[c] < min_cell)
            t->state[c] = SUPPRESS_PRIMARY;
    }
    for (size_t r = 0; r < t->nlines; r++) {
        const suppress_line *l = &t->line[r];
        long long sum = 0;
        assert(l->total < t->ncells);
        for (size_t i = 0; i < l->nparts; i++) {
            assert(l->parts[i] < t->ncells && l->parts[i] != l->total);
            sum += t->value[l->parts[i]];
        }
        assert(sum == t->value[l->total]);
        (void)sum;
    }
    for (;;) {
        int changed = 1;
        while (changed) {
            changed = 0;
            for (size_t r = 0; r < t->nlines; r++) changed |= line_complement(t, &t->line[r], min_cell);
        }
        if (!audit(t, min_cell)) break;
    }
}

/* A one-way table: the groups, the rest, the total (suppress.h). */
void suppress_one_way(const long long *count, size_t n, long long total, long long min_cell,
                      unsigned char *state) {
    assert((count || n == 0) && state);
    long long sum = 0;
    for (size_t i = 0; i < n; i++) sum += count[i];
    assert(total >= sum);
    /* cells: the n groups, the rest (never shown), the total */
    long long *value = xmalloc((n + 2) * sizeof *value);
    unsigned char *st = xmalloc(n + 2);
    size_t *parts = xmalloc((n + 1) * sizeof *parts);
    for (size_t i = 0; i < n; i++) value[i] = count[i], st[i] = state[i], parts[i] = i;
    value[n] = total - sum;
    st[n] = SUPPRESS_UNPUBLISHED;
    parts[n] = n;
    value[n + 1] = total;
    st[n + 1] = state[n];
    suppress_line line = {n + 1, n + 1, parts};
    suppress_table t = {n + 2, value, st, 1, &line};
    suppress_table_apply(&t, min_cell);
    for (size_t i = 0; i < n; i++) state[i] = st[i];
    state[n] = st[n + 1];
    free(value);
    free(st);
    free(parts);
}

/* A two-way table with its margins (suppress.h). */
void suppress_two_way(const long long *cell, size_t nrows, size_t ncols, long long min_cell,
                      unsigned char *state) {
    assert(cell && state && nrows && ncols);
    size_t w = ncols + 1, ncells = (nrows + 1) * w;
    long long *value = xcalloc(ncells, sizeof *value);
    for (size_t r = 0; r < nrows; r++)
        for (size_t c = 0; c < ncols; c++) {
            long long x = cell[r * ncols + c];
            value[r * w + c] = x;
            value[r * w + ncols] += x;
            value[nrows * w + c] += x;
            value[nrows * w + ncols] += x;
        }
    /* lines: each row, each column, the row of column totals, the column of row totals */
    size_t nlines = nrows + ncols + 2;
    suppress_line *line = xmalloc(nlines * sizeof *line);
    size_t *parts = xmalloc(2 * ncells * sizeof *parts), used = 0;
    for (size_t r = 0; r <= nrows; r++) {
        line[r] = (suppress_line){r * w + ncols, ncols, parts + used};
        for (size_t c = 0; c < ncols; c++) parts[used++] = r * w + c;
    }
    for (size_t c = 0; c <= ncols; c++) {
        line[nrows + 1 + c] = (suppress_line){nrows * w + c, nrows, parts + used};
        for (size_t r = 0; r < nrows; r++) parts[used++] = r * w + c;
    }
    suppress_table t = {ncells, value, state, nlines, line};
    suppress_table_apply(&t, min_cell);
    free(value);
    free(line);
    free(parts);
}
