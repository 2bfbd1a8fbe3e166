/*
** school/import_detect.c — recognising a file's kind from its header line.
**
** The rule is import_spec's tables and nothing else: a header fits a kind
** when it names every required column of the kind and no column the kind
** does not know.  The web page proposes the recognised kind for the
** administrator to confirm; `cairn import FILE...` and `cairn import watch`
** use it when no kind is given.
*/
#include "school/import_internal.h"
#include "base/csv.h"
#include <assert.h>
#include <ctype.h>
#include <string.h>

/* Does the header (lower-cased, trimmed names) fit spec exactly?  *shared
** gets how close it comes: the header columns spec knows, less the
** required columns it lacks. */
static int header_fits(const import_spec *spec, char names[][64], size_t n, int *shared) {
    int fits = 1;
    *shared = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(names[i], "cairn_error") || !names[i][0]) continue;
        if (import_spec_col(spec, names[i]) >= 0) (*shared)++;
        else fits = 0;
    }
    for (size_t c = 0; c < spec->ncols; c++) {
        if (!spec->cols[c].required) continue;
        int found = 0;
        for (size_t i = 0; i < n && !found; i++) found = !strcmp(names[i], spec->cols[c].name);
        if (!found) { fits = 0; (*shared)--; }
    }
    return fits;
}

/* Which kinds the header fits; see school.h. */
void import_kind_detect(const char *const *names, size_t n, import_kind_guess *g) {
    assert(g && (names || n == 0));
    memset(g, 0, sizeof *g);
    g->closest = -1;
    enum { MAX_NAMES = 64 };
    char low[MAX_NAMES][64];
    if (n > MAX_NAMES) n = MAX_NAMES;   /* no kind has more than 16 columns */
    for (size_t i = 0; i < n; i++) {
        const char *s = names[i] ? names[i] : "";
        while (*s == ' ' || *s == '\t') s++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
        if (len >= sizeof low[i]) len = sizeof low[i] - 1;
        for (size_t k = 0; k < len; k++) low[i][k] = (char)tolower((unsigned char)s[k]);
        low[i][len] = 0;
    }
    for (int k = 0; k < IMPORT_KIND_COUNT; k++) {
        int shared;
        if (header_fits(import_spec_of((import_kind)k), low, n, &shared))
            g->match[g->nmatch++] = (import_kind)k;
        else if (shared > g->shared) {
            g->shared = shared;
            g->closest = k;
        }
    }
    if (g->nmatch) { g->closest = -1; g->shared = 0; }
}

/* Detect the kind of the header that is r's current record. */
static void header_detect(csv_reader *r, import_kind_guess *g) {
    size_t n = csv_nfields(r);
    if (n > 64) n = 64;
    const char *names[64];
    char copies[64][64];
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *f = csv_field(r, i, &len);
        if (len >= sizeof copies[i]) len = sizeof copies[i] - 1;
        memcpy(copies[i], f, len);
        copies[i][len] = 0;
        names[i] = copies[i];
    }
    import_kind_detect(names, n, g);
}

/* Detect the kind of r's first record, then close r; see school.h. */
static int reader_detect(csv_reader *r, const char *name, import_kind_guess *g, cairn_err *err) {
    int rc = csv_next(r, err);
    if (rc <= 0) {
        csv_close(r);
        if (rc == 0) return err_set(err, CAIRN_EINVAL, "%s:1: the file is empty; "
                                    "it needs a header line naming its columns", name);
        return -1;
    }
    header_detect(r, g);
    csv_close(r);
    return 0;
}

/* Read path's header line and detect its kind; see school.h. */
int import_kind_detect_file(const char *path, import_kind_guess *g, cairn_err *err) {
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    csv_opts co = {0, 0, name};
    csv_reader *r = csv_open_file(path, &co, err);
    if (!r) return -1;
    return reader_detect(r, name, g, err);
}

/* Detect the kind of the CSV text data[0..n); see school.h. */
int import_kind_detect_mem(const char *data, size_t n, const char *name, import_kind_guess *g,
                           cairn_err *err) {
    csv_opts co = {0, 0, name};
    csv_reader *r = csv_open_mem(data, n, &co);
    if (!r) return err_set(err, CAIRN_EINTERNAL, "%s: cannot read it", name);
    return reader_detect(r, name, g, err);
}

/* One sentence about g for the file called name; see school.h. */
void import_kind_guess_describe(const import_kind_guess *g, const char *name, buf *out) {
    if (g->nmatch == 1) {
        buf_printf(out, "%s looks like %s", name, import_kind_name(g->match[0]));
    } else if (g->nmatch > 1) {
        buf_printf(out, "%s could be", name);
        for (int i = 0; i < g->nmatch; i++)
            buf_printf(out, "%s %s", i == 0 ? "" : i == g->nmatch - 1 ? " or" : ",",
                       import_kind_name(g->match[i]));
        buf_puts(out, "; say which");
    } else if (g->closest >= 0) {
        buf_printf(out, "%s does not look like any kind cairn imports; its columns are "
                   "closest to %s", name, import_kind_name((import_kind)g->closest));
    } else {
        buf_printf(out, "%s does not look like any kind cairn imports: none of its columns "
                   "is one cairn knows", name);
    }
}

/* The import order of kind k; see school.h. */
int import_kind_rank(import_kind k) {
    static const int rank[IMPORT_KIND_COUNT] = {
        [IMPORT_INSTITUTIONS] = 0, [IMPORT_SITES] = 1, [IMPORT_TERMS] = 1,
        [IMPORT_PROGRAMMES] = 1, [IMPORT_GROUPS] = 2, [IMPORT_LEARNERS] = 3,
        [IMPORT_STAFF] = 3, [IMPORT_GUARDIANS] = 4, [IMPORT_GROUP_STAFF] = 4,
        [IMPORT_ENROLMENTS] = 5, [IMPORT_ATTENDANCE] = 6, [IMPORT_RESULTS] = 6,
        [IMPORT_BEHAVIOUR] = 6, [IMPORT_ENGAGEMENT] = 6,
    };
    assert((int)k >= 0 && k < IMPORT_KIND_COUNT);
    return rank[k];
}

/* Say what a refused header looks like; see import_internal.h. */
void import_kind_mismatch_note(csv_reader *r, import_kind kind, const char *name,
                               cairn_err *err) {
    if (!err->msg[0]) return;
    import_kind_guess g;
    header_detect(r, &g);
    if (g.nmatch != 1 || g.match[0] == kind) return;
    size_t at = strlen(err->msg);
    snprintf(err->msg + at, sizeof err->msg - at, " (%s looks like %s, not %s: was it the "
             "wrong file?)", name, import_kind_name(g.match[0]), import_kind_name(kind));
}
