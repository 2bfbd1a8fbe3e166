/*
** tests/unit/test_suppress.c — small-cell suppression (base/suppress.h) on
** tables built to leak.
**
** The judge is an attacker written here, independent of the implementation:
** from the shown cells and the table's sums it (1) peels lines with one
** unknown cell, as a person with a calculator would ("overall minus the
** groups shown"), (2) looks at what each line leaves over ("the hidden
** groups together"), and (3) asks exact rational linear algebra whether any
** combination of the sums pins a hidden cell down.  A cell is sensitive
** when it counts fewer than the minimum (zero included for a published
** cell; people in no group only when 1..m-1).  Every case is first shown to
** leak when only the small cells are withheld, so the attacker can fail.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/suppress.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M 10   /* the minimum cell size used throughout */

/* A table as the attacker sees it: all values (to compare with what it
** works out), which cells are published at all, and the lines. */
typedef struct probe {
    size_t ncells;
    long long value[64];
    int published[64];
    size_t nlines;
    suppress_line line[16];
    size_t parts[16][16];
} probe;

/* 1 if cell c must not be learnt. */
static int sensitive(const probe *p, size_t c) {
    return p->value[c] < M && (p->published[c] || p->value[c] > 0);
}

/* ---- exact rank over the rationals (fraction-free integer elimination) ---- */

static long long gcd_ll(long long a, long long b) {
    if (a < 0) a = -a;
    if (b < 0) b = -b;
    while (b) { long long t = a % b; a = b; b = t; }
    return a;
}

/* Rank of the rows x cols integer matrix a (destroyed). */
static size_t int_rank(long long *a, size_t rows, size_t cols) {
    size_t rank = 0;
    for (size_t col = 0; col < cols && rank < rows; col++) {
        size_t piv = rows;
        for (size_t r = rank; r < rows; r++)
            if (a[r * cols + col]) { piv = r; break; }
        if (piv == rows) continue;
        for (size_t k = 0; k < cols; k++) {
            long long t = a[rank * cols + k];
            a[rank * cols + k] = a[piv * cols + k];
            a[piv * cols + k] = t;
        }
        for (size_t r = rank + 1; r < rows; r++) {
            long long x = a[r * cols + col], y = a[rank * cols + col];
            if (!x) continue;
            long long g = 0;
            for (size_t k = 0; k < cols; k++) {
                a[r * cols + k] = y * a[r * cols + k] - x * a[rank * cols + k];
                g = gcd_ll(g, a[r * cols + k]);
            }
            if (g > 1) for (size_t k = 0; k < cols; k++) a[r * cols + k] /= g;
        }
        rank++;
    }
    return rank;
}

/* 1 if the combination f (over all cells; only unknown ones may be
** non-zero) is fixed by the lines given the known cells: adding it to the
** lines' equations over the unknown cells does not raise their rank. */
static int fixed_by_lines(const probe *p, const int *known, const long long *f) {
    size_t cols = p->ncells, rows = p->nlines;
    long long *a = calloc((rows + 1) * cols, sizeof *a), *b = calloc((rows + 1) * cols, sizeof *b);
    for (size_t r = 0; r < rows; r++) {
        const suppress_line *l = &p->line[r];
        if (!known[l->total]) a[r * cols + l->total] -= 1;
        for (size_t i = 0; i < l->nparts; i++)
            if (!known[l->parts[i]]) a[r * cols + l->parts[i]] += 1;
    }
    memcpy(b, a, rows * cols * sizeof *a);
    for (size_t k = 0; k < cols; k++) b[rows * cols + k] = f[k];
    size_t r1 = int_rank(a, rows, cols), r2 = int_rank(b, rows + 1, cols);
    free(a);
    free(b);
    return r1 == r2;
}

/* The attack on p with shown[c] the cells shown: NULL when nothing
** sensitive can be learnt, else what leaked (static text). */
static const char *attack(const probe *p, const int *shown) {
    static char why[200];
    int known[64];
    long long val[64];
    for (size_t c = 0; c < p->ncells; c++) {
        /* nobody left over is a safe guess: an unpublished zero is known */
        known[c] = shown[c] || (!p->published[c] && p->value[c] == 0);
        val[c] = known[c] ? p->value[c] : -1;
        if (shown[c] && sensitive(p, c)) {
            snprintf(why, sizeof why, "cell %zu (%lld) is shown", c, p->value[c]);
            return why;
        }
    }
    /* (1) peel: a line with one unknown cell gives it away */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t r = 0; r < p->nlines; r++) {
            const suppress_line *l = &p->line[r];
            size_t unknown = 0, which = 0;
            long long parts = 0;
            if (!known[l->total]) unknown++, which = l->total;
            for (size_t i = 0; i < l->nparts; i++) {
                if (known[l->parts[i]]) parts += val[l->parts[i]];
                else unknown++, which = l->parts[i];
            }
            if (unknown != 1) continue;
            val[which] = which == l->total ? parts : val[l->total] - parts;
            known[which] = 1;
            changed = 1;
            assert_int_equal(val[which], p->value[which]);   /* the attack is right */
        }
    }
    for (size_t c = 0; c < p->ncells; c++)
        if (!shown[c] && known[c] && sensitive(p, c)) {
            snprintf(why, sizeof why, "cell %zu (%lld) is worked out by subtraction", c,
                     p->value[c]);
            return why;
        }
    /* (2) what a line leaves over: the hidden parts together */
    for (size_t r = 0; r < p->nlines; r++) {
        const suppress_line *l = &p->line[r];
        if (!known[l->total]) continue;
        long long rest = val[l->total];
        int hidden_sensitive = 0;
        for (size_t i = 0; i < l->nparts; i++) {
            if (known[l->parts[i]]) rest -= val[l->parts[i]];
            else hidden_sensitive |= sensitive(p, l->parts[i]);
        }
        if (hidden_sensitive && rest < M) {
            snprintf(why, sizeof why, "line %zu leaves %lld over, a small group", r, rest);
            return why;
        }
    }
    /* (3) any combination of the lines */
    long long f[64];
    for (size_t c = 0; c < p->ncells; c++) {
        if (known[c] || !sensitive(p, c)) continue;
        memset(f, 0, sizeof f);
        f[c] = 1;
        if (fixed_by_lines(p, known, f)) {
            snprintf(why, sizeof why, "cell %zu (%lld) follows from the sums", c, p->value[c]);
            return why;
        }
    }
    for (size_t r = 0; r < p->nlines; r++) {
        const suppress_line *l = &p->line[r];
        long long rest = 0;
        int hidden_sensitive = 0;
        memset(f, 0, sizeof f);
        for (size_t i = 0; i < l->nparts; i++) {
            if (known[l->parts[i]]) continue;
            hidden_sensitive |= sensitive(p, l->parts[i]);
            rest += p->value[l->parts[i]];
            f[l->parts[i]] = 1;
        }
        if (hidden_sensitive && rest < M && fixed_by_lines(p, known, f)) {
            snprintf(why, sizeof why, "the hidden parts of line %zu (%lld) follow from the sums",
                     r, rest);
            return why;
        }
    }
    return NULL;
}

/* ---- building tables ------------------------------------------------------------ */

/* A one-way probe: groups count[0..n), the people in no group (never
** shown), the total (published or not).  Cells: groups, rest, total. */
static void one_way_probe(probe *p, const long long *count, size_t n, long long total,
                          int total_published) {
    memset(p, 0, sizeof *p);
    long long sum = 0;
    for (size_t i = 0; i < n; i++) {
        p->value[i] = count[i];
        p->published[i] = 1;
        p->parts[0][i] = i;
        sum += count[i];
    }
    p->value[n] = total - sum;
    p->parts[0][n] = n;
    p->value[n + 1] = total;
    p->published[n + 1] = total_published;
    p->ncells = n + 2;
    p->nlines = 1;
    p->line[0] = (suppress_line){n + 1, n + 1, p->parts[0]};
}

/* Suppress the one-way table and return its shown[] for the probe. */
static void one_way_shown(const probe *p, size_t n, unsigned char *state, int *shown) {
    for (size_t i = 0; i < n; i++) shown[i] = !suppress_withheld(state[i]);
    shown[n] = 0;
    shown[n + 1] = p->published[n + 1] && !suppress_withheld(state[n]);
}

/* Run a one-way case: leaks with only the small cells withheld (when
** must_leak), does not after suppress_one_way; state[] (n + 1) is left for the caller to look at. */
static void one_way_case(const long long *count, size_t n, long long total, int total_published,
                         int must_leak, unsigned char *state) {
    probe p;
    one_way_probe(&p, count, n, total, total_published);
    int shown[64];
    for (size_t c = 0; c < p.ncells; c++) shown[c] = p.published[c] && p.value[c] >= M;
    if (must_leak && !attack(&p, shown))
        fail_msg("the table does not leak with only small cells withheld");
    for (size_t i = 0; i < n; i++) state[i] = SUPPRESS_SHOWN;
    state[n] = total_published ? SUPPRESS_SHOWN : SUPPRESS_UNPUBLISHED;
    suppress_one_way(count, n, total, M, state);
    one_way_shown(&p, n, state, shown);
    const char *why = attack(&p, shown);
    if (why) fail_msg("leaks after suppression: %s", why);
}

/* A two-way probe of r x c cells with margins, laid out as suppress_two_way. */
static void two_way_probe(probe *p, const long long *cell, size_t nr, size_t nc) {
    memset(p, 0, sizeof *p);
    size_t w = nc + 1;
    p->ncells = (nr + 1) * w;
    for (size_t c = 0; c < p->ncells; c++) p->published[c] = 1;
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            long long x = cell[r * nc + c];
            p->value[r * w + c] = x;
            p->value[r * w + nc] += x;
            p->value[nr * w + c] += x;
            p->value[nr * w + nc] += x;
        }
    size_t l = 0;
    for (size_t r = 0; r <= nr; r++, l++) {
        for (size_t c = 0; c < nc; c++) p->parts[l][c] = r * w + c;
        p->line[l] = (suppress_line){r * w + nc, nc, p->parts[l]};
    }
    for (size_t c = 0; c <= nc; c++, l++) {
        for (size_t r = 0; r < nr; r++) p->parts[l][r] = r * w + c;
        p->line[l] = (suppress_line){nr * w + c, nr, p->parts[l]};
    }
    p->nlines = l;
}

/* Run a two-way case as one_way_case does; state has (nr+1)*(nc+1) entries. */
static void two_way_case(const long long *cell, size_t nr, size_t nc, int must_leak,
                         unsigned char *state) {
    probe p;
    two_way_probe(&p, cell, nr, nc);
    int shown[64];
    for (size_t c = 0; c < p.ncells; c++) shown[c] = p.value[c] >= M;
    if (must_leak && !attack(&p, shown))
        fail_msg("the table does not leak with only small cells withheld");
    memset(state, SUPPRESS_SHOWN, p.ncells);
    suppress_two_way(cell, nr, nc, M, state);
    for (size_t c = 0; c < p.ncells; c++) shown[c] = !suppress_withheld(state[c]);
    const char *why = attack(&p, shown);
    if (why) fail_msg("leaks after suppression: %s", why);
}

/* ---- the cases --------------------------------------------------------------------- */

/* One small group beside big ones, with the overall: the overall minus the
** shown groups gave it away; now the smallest other group goes too. */
static void t_one_small_group(void **state) {
    (void)state;
    long long g[] = {50, 3, 40};
    unsigned char s[4];
    one_way_case(g, 3, 93, 1, 1, s);
    assert_int_equal(s[1], SUPPRESS_PRIMARY);
    assert_int_equal(s[2], SUPPRESS_COMPLEMENT);   /* 40, the smallest other */
    assert_int_equal(s[0], SUPPRESS_SHOWN);
    assert_int_equal(s[3], SUPPRESS_SHOWN);        /* the overall stays */
}

/* Two small groups: withheld together they still add up to a small group
** (3 + 4 = 7 from the overall), so a third one is withheld. */
static void t_two_small_groups(void **state) {
    (void)state;
    long long g[] = {50, 3, 4, 40};
    unsigned char s[5];
    one_way_case(g, 4, 97, 1, 1, s);
    assert_int_equal(s[1], SUPPRESS_PRIMARY);
    assert_int_equal(s[2], SUPPRESS_PRIMARY);
    assert_int_equal(s[3], SUPPRESS_COMPLEMENT);
    assert_int_equal(s[0], SUPPRESS_SHOWN);
}

/* A zero group: "overall minus the rest" would say 0; and two zeros
** withheld together still say 0 each. */
static void t_zero_cells(void **state) {
    (void)state;
    long long g[] = {0, 50, 60};
    unsigned char s[4];
    one_way_case(g, 3, 110, 1, 1, s);
    assert_int_equal(s[0], SUPPRESS_PRIMARY);
    assert_int_equal(s[1], SUPPRESS_COMPLEMENT);
    long long z[] = {0, 0, 50, 60};
    unsigned char s2[5];
    one_way_case(z, 4, 110, 1, 1, s2);
    assert_int_equal(s2[2], SUPPRESS_COMPLEMENT);
}

/* Everything small: nothing is shown, the overall included. */
static void t_everything_small(void **state) {
    (void)state;
    long long g[] = {2, 3, 4};
    unsigned char s[4];
    one_way_case(g, 3, 9, 1, 0, s);   /* withholding the small ones is all it takes */
    for (int i = 0; i < 4; i++) assert_true(suppress_withheld(s[i]));
    assert_int_equal(s[3], SUPPRESS_PRIMARY);
}

/* People in no group (unknown attribute): when there are enough of them
** they hide a small group by themselves; when they are few, they are a
** small group themselves and the smallest group is withheld for them. */
static void t_people_in_no_group(void **state) {
    (void)state;
    long long g[] = {50, 3};
    unsigned char s[3];
    one_way_case(g, 2, 80, 1, 0, s);     /* 27 in no group: they hide the 3 */
    assert_int_equal(s[0], SUPPRESS_SHOWN);
    assert_int_equal(s[1], SUPPRESS_PRIMARY);

    long long h[] = {50, 40};
    unsigned char t[3];
    one_way_case(h, 2, 93, 1, 1, t);     /* 3 in no group: overall - 50 - 40 */
    assert_int_equal(t[1], SUPPRESS_COMPLEMENT);
    assert_int_equal(t[0], SUPPRESS_SHOWN);
}

/* No total shown (the monthly trend): only the small cells go. */
static void t_no_total(void **state) {
    (void)state;
    long long g[] = {3, 50, 60};
    unsigned char s[4] = {0};
    for (int i = 0; i < 3; i++) s[i] = SUPPRESS_SHOWN;
    s[3] = SUPPRESS_UNPUBLISHED;
    suppress_one_way(g, 3, 113, M, s);
    assert_int_equal(s[0], SUPPRESS_PRIMARY);
    assert_int_equal(s[1], SUPPRESS_SHOWN);
    assert_int_equal(s[2], SUPPRESS_SHOWN);
    assert_int_equal(s[3], SUPPRESS_UNPUBLISHED);
    probe p;
    one_way_probe(&p, g, 3, 113, 0);
    int shown[64];
    one_way_shown(&p, 3, s, shown);
    assert_null(attack(&p, shown));
}

/* A hidden cell of a two-way table recoverable from its row and column
** margins: the complements must close a cycle. */
static void t_two_way_margins(void **state) {
    (void)state;
    long long cell[] = {
        30, 4,  25,
        20, 18, 40,
        35, 22, 15,
    };
    unsigned char s[16];
    two_way_case(cell, 3, 3, 1, s);
    assert_int_equal(s[0 * 4 + 1], SUPPRESS_PRIMARY);
    int withheld = 0;
    for (int i = 0; i < 16; i++) withheld += suppress_withheld(s[i]);
    assert_true(withheld >= 4);           /* a cycle of at least four cells */
    assert_false(suppress_withheld(s[15])); /* the grand total stays */
}

/* Small cells in one row and in one column of a two-way table, and a
** small margin. */
static void t_two_way_several(void **state) {
    (void)state;
    long long cell[] = {
        2,  3,  1,  2,    /* a small row: its margin 8 is small too */
        30, 12, 40, 25,
        16, 5,  30, 44,
    };
    unsigned char s[20];
    two_way_case(cell, 3, 4, 1, s);
    assert_int_equal(s[0 * 5 + 4], SUPPRESS_PRIMARY);   /* the row total 8 */
}

/* A small deterministic generator for the random tables. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(unsigned n) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

/* A count that is small about a third of the time. */
static long long rnd_count(void) {
    return rnd(3) == 0 ? (long long)rnd(M) : M + (long long)rnd(60);
}

/* Many random tables of both shapes: the attacker never wins, and the
** tables are not simply blanked (some cells stay shown overall). */
static void t_random_tables(void **state) {
    (void)state;
    size_t shown_total = 0, cells_total = 0;
    for (int k = 0; k < 400; k++) {
        long long g[8];
        size_t n = 1 + rnd(7);
        long long sum = 0;
        for (size_t i = 0; i < n; i++) sum += g[i] = rnd_count();
        long long total = sum + (rnd(2) ? 0 : (long long)rnd(20));
        int pub = rnd(4) != 0;
        probe p;
        one_way_probe(&p, g, n, total, pub);
        unsigned char s[9];
        for (size_t i = 0; i < n; i++) s[i] = SUPPRESS_SHOWN;
        s[n] = pub ? SUPPRESS_SHOWN : SUPPRESS_UNPUBLISHED;
        suppress_one_way(g, n, total, M, s);
        int shown[64];
        one_way_shown(&p, n, s, shown);
        const char *why = attack(&p, shown);
        if (why) fail_msg("one-way table %d leaks: %s", k, why);
        for (size_t i = 0; i < n; i++) shown_total += shown[i], cells_total++;
    }
    for (int k = 0; k < 300; k++) {
        size_t nr = 2 + rnd(3), nc = 2 + rnd(3);
        long long cell[16];
        for (size_t i = 0; i < nr * nc; i++) cell[i] = rnd_count();
        unsigned char s[64];
        two_way_case(cell, nr, nc, 0, s);
        for (size_t i = 0; i < (nr + 1) * (nc + 1); i++)
            shown_total += !suppress_withheld(s[i]), cells_total++;
    }
    assert_true(shown_total * 2 > cells_total);   /* more than half still shown */
}

/* The attacker itself: primary suppression alone is caught on each shape. */
static void t_attacker_catches_primary_only(void **state) {
    (void)state;
    long long g[] = {50, 3, 40};
    probe p;
    one_way_probe(&p, g, 3, 93, 1);
    int shown[64] = {1, 0, 1, 0, 1};
    assert_non_null(strstr(attack(&p, shown), "by subtraction"));
    long long two[] = {50, 3, 4, 40};
    one_way_probe(&p, two, 4, 97, 1);
    int shown2[64] = {1, 0, 0, 1, 0, 1};
    assert_non_null(strstr(attack(&p, shown2), "small group"));
    /* a four-cell cycle hides; a cycle joined to another by one cell does not */
    long long cell[] = {30, 4, 25, 20, 18, 40, 35, 22, 15};
    two_way_probe(&p, cell, 3, 3);
    int s3[64];
    for (size_t c = 0; c < p.ncells; c++) s3[c] = 1;
    s3[0 * 4 + 0] = s3[0 * 4 + 1] = s3[1 * 4 + 0] = s3[1 * 4 + 1] = 0;
    assert_null(attack(&p, s3));
    s3[1 * 4 + 1] = 1;
    assert_non_null(attack(&p, s3));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_attacker_catches_primary_only),
        cmocka_unit_test(t_one_small_group),
        cmocka_unit_test(t_two_small_groups),
        cmocka_unit_test(t_zero_cells),
        cmocka_unit_test(t_everything_small),
        cmocka_unit_test(t_people_in_no_group),
        cmocka_unit_test(t_no_total),
        cmocka_unit_test(t_two_way_margins),
        cmocka_unit_test(t_two_way_several),
        cmocka_unit_test(t_random_tables),
    };
    return cmocka_run_group_tests_name("suppress", tests, NULL, NULL);
}
