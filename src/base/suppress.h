/*
** base/suppress.h — small-cell suppression: the one function every
** aggregate cairn shows goes through (the fairness tables, the dashboard
** trend; every later one — surveys, regional roll-ups, referral figures —
** too: docs/decisions.md, "Small-cell suppression").
**
** A table is a set of cells, each a count of people, and lines: a line says
** that one cell (its total) is the sum of others (its parts).  A one-way
** table is one line: the groups and the overall (suppress_one_way).  A
** two-way table has a line per row and per column, its margins being cells
** too (suppress_two_way).  Anything else (a hierarchy, linked tables) is a
** suppress_table with its own lines.
**
** The rule, with m the minimum cell size:
**
**  1. Primary.  A shown cell that counts fewer than m people is withheld
**     (SUPPRESS_PRIMARY); a zero too.  A cell the caller never shows
**     (SUPPRESS_UNPUBLISHED: the learners with no value recorded, say) is
**     protected in the same way when it counts 1 to m-1 people.  These are
**     the protected cells.  An unpublished cell that counts zero hides
**     nothing (that nobody is left over is an easy guess): it is taken as
**     known below.
**  2. Complementary.  In every line that holds a protected cell or a cell
**     withheld by this step, (a) at least two of its cells are hidden, and (b)
**     when the line's total is shown, the hidden parts together count at
**     least m people: otherwise "total minus what is shown" gives a small
**     group, or a small union of groups, away.  Until both hold, the
**     smallest shown cell of the line is withheld too (SUPPRESS_COMPLEMENT;
**     on equal counts a part before the total, then the lower index).
**  3. Audit.  The withheld pattern is checked by linear algebra over all
**     the lines at once: no protected cell may be determined by the shown
**     cells, nor the withheld parts of a line that holds one, when together
**     they count fewer than m.  If one is, the smallest shown cell of a
**     line holding it is withheld too, and 2 and 3 run again.  At worst
**     everything ends withheld, which shows nothing.
**
** Only exact derivation is ruled out: bounds (a withheld cell of a line
** whose withheld parts count 30 lies between 0 and 30) remain, as in every
** cell-suppression scheme.  Pure C, no allocation visible to the caller,
** thread-safe.
*/
#ifndef CAIRN_BASE_SUPPRESS_H
#define CAIRN_BASE_SUPPRESS_H
#include <stddef.h>

/* A cell's state: in, SHOWN or UNPUBLISHED; out, any. */
typedef enum suppress_state {
    SUPPRESS_SHOWN = 0,     /* may be shown */
    SUPPRESS_PRIMARY,       /* withheld: fewer than the minimum */
    SUPPRESS_COMPLEMENT,    /* withheld: it would give a protected cell away */
    SUPPRESS_UNPUBLISHED    /* never shown by the caller (unchanged) */
} suppress_state;

/* cell total = the sum of cells parts[0..nparts). */
typedef struct suppress_line {
    size_t total;
    size_t nparts;
    const size_t *parts;
} suppress_line;

typedef struct suppress_table {
    size_t ncells;
    const long long *value;     /* ncells counts, each >= 0 */
    unsigned char *state;       /* ncells suppress_state: in SHOWN or UNPUBLISHED */
    size_t nlines;
    const suppress_line *line;  /* each total the sum of its parts (asserted) */
} suppress_table;

/* Apply the rule above to t with minimum cell size min_cell (>= 1):
** t->state[] is updated in place. */
void suppress_table_apply(suppress_table *t, long long min_cell);

/* A one-way table: n groups with counts count[0..n) and their overall
** total (>= the sum of the groups; what is left over — people in no group —
** is a cell of its own, never shown).  state has n + 1 entries, the groups
** then the total; in, each SUPPRESS_SHOWN or SUPPRESS_UNPUBLISHED (the
** total UNPUBLISHED when the table shows none), out as above. */
void suppress_one_way(const long long *count, size_t n, long long total, long long min_cell,
                      unsigned char *state);

/* A two-way table of nrows x ncols counts, cell[r * ncols + c], with its
** margins.  state has (nrows + 1) * (ncols + 1) entries, row-major: entry
** r * (ncols + 1) + c for the cell, column ncols the row totals, row nrows
** the column totals, the last entry the grand total.  In, each
** SUPPRESS_SHOWN or SUPPRESS_UNPUBLISHED; out as above. */
void suppress_two_way(const long long *cell, size_t nrows, size_t ncols, long long min_cell,
                      unsigned char *state);

/* 1 if state (a suppress_state) means the cell is not shown. */
static inline int suppress_withheld(unsigned char state) {
    return state != SUPPRESS_SHOWN;
}

#endif
