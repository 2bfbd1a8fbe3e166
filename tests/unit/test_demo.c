/*
** tests/unit/test_demo.c — the demo school generator (school/demo.c).
**
** The demo is what every later feature is tested, shown and benchmarked
** against, so these tests hold it to its promises: the same seed gives the
** same bytes, every file is exactly in the import format, references
** resolve, about one in six learners leaves early, events fall only on
** school days within the enrolment, and leavers drift before they go.
*/
#include "testutil.h"
#include "school/demo.h"
#include "school/import_spec.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/date.h"
#include "base/hmap.h"
#include "base/mem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEARNERS 600

/* The demo written once with seed 42 and the defaults, shared by the tests
** that only read it. */
static char *shared_dir;
static long shared_counts[IMPORT_KIND_COUNT];
static int32_t period_first, period_last;

/* dir/<kind>.csv; caller frees. */
static char *kind_path(const char *dir, import_kind k) {
    buf b = BUF_INIT;
    buf_printf(&b, "%s/%s.csv", dir, import_kind_name(k));
    return buf_detach(&b);
}

/* The whole file at path; *n gets its size.  Caller frees. */
static char *read_all(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    buf b = BUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, got);
    fclose(f);
    *n = b.len;
    return buf_detach(&b);
}

/* Write the demo with opts into a new temp dir; returns the dir (caller
** frees and removes it with test_rm_rf). */
static char *demo_into_tmp(const demo_opts *opts, long counts[IMPORT_KIND_COUNT]) {
    char *dir = test_tmpdir();
    cairn_err err;
    err_clear(&err);
    if (school_demo_write_counted(opts, dir, counts, &err) != 0)
        fail_msg("school_demo_write_counted: %s", err.msg);
    return dir;
}

/* Group setup: the shared demo (default options but the seed). */
static int setup(void **state) {
    (void)state;
    demo_opts o = {0};
    o.seed = 42;
    shared_dir = demo_into_tmp(&o, shared_counts);
    cairn_err err;
    err_clear(&err);
    if (school_demo_period(&o, &period_first, &period_last, &err) != 0) return -1;
    return 0;
}

/* Group teardown: remove the shared demo. */
static int teardown(void **state) {
    (void)state;
    test_rm_rf(shared_dir);
    free(shared_dir);
    return 0;
}

/* Open dir/<kind>.csv, check its header is exactly the spec's columns in
** order, and return the reader positioned on the first data row.  Caller
** closes it with csv_close(). */
static csv_reader *open_kind(const char *dir, import_kind k) {
    char *path = kind_path(dir, k);
    cairn_err err;
    err_clear(&err);
    csv_reader *r = csv_open_file(path, NULL, &err);
    if (!r) fail_msg("%s", err.msg);
    free(path);
    const import_spec *sp = import_spec_of(k);
    if (csv_next(r, &err) != 1) fail_msg("%s.csv: no header: %s", sp->name, err.msg);
    assert_int_equal(csv_sep(r), ',');
    if (csv_nfields(r) != sp->ncols)
        fail_msg("%s.csv: header has %zu columns, the spec %zu", sp->name, csv_nfields(r),
                 sp->ncols);
    for (size_t i = 0; i < sp->ncols; i++)
        if (strcmp(csv_field(r, i, NULL), sp->cols[i].name) != 0)
            fail_msg("%s.csv: header column %zu is \"%s\", the spec says \"%s\"", sp->name, i + 1,
                     csv_field(r, i, NULL), sp->cols[i].name);
    return r;
}

/* Next data row of r: 1, or 0 at the end; fails the test on a CSV error. */
static int next_row(csv_reader *r) {
    cairn_err err;
    err_clear(&err);
    int rc = csv_next(r, &err);
    if (rc < 0) fail_msg("%s", err.msg);
    return rc;
}

/* Field i of the current row. */
static const char *fld(csv_reader *r, size_t i) {
    return csv_field(r, i, NULL);
}

/* The date in field i (must be valid). */
static int32_t fld_date(csv_reader *r, size_t i) {
    size_t n;
    const char *s = csv_field(r, i, &n);
    int32_t d;
    if (date_parse(s, n, &d) != 0)
        fail_msg("%s:%ld: \"%s\" is not a date", csv_name(r), csv_line(r), s);
    return d;
}

/* 0-based learner number of a ref "L000123" (must be well formed). */
static long learner_no(csv_reader *r, const char *s) {
    char *end;
    long n = s[0] == 'L' ? strtol(s + 1, &end, 10) : 0;
    if (s[0] != 'L' || *end || n < 1)
        fail_msg("%s:%ld: learner ref \"%s\"", csv_name(r), csv_line(r), s);
    return n - 1;
}

/* Fail unless value v (n bytes) is valid for column c of the spec. */
static void check_value(csv_reader *r, const import_col *c, const char *v, size_t n) {
    const char *why = NULL;
    if (n == 0) {
        if (c->required) why = "required but empty";
    } else {
        switch (c->type) {
        case COL_TEXT:
            if (n > c->max_len) why = "too long";
            break;
        case COL_CODE:
            if (n > c->max_len) why = "too long";
            else if (v[0] == ' ' || v[n - 1] == ' ') why = "spaces at an end";
            for (size_t i = 0; i < n && !why; i++)
                if ((unsigned char)v[i] < 0x20) why = "control character";
            break;
        case COL_DATE: {
            int32_t d;
            if (date_parse(v, n, &d) != 0) why = "not a date";
            break;
        }
        case COL_INT: {
            char *end;
            long x = strtol(v, &end, 10);
            if (*end || (double)x < c->min || (double)x > c->max)
                why = "not a whole number in range";
            break;
        }
        case COL_NUM: {
            char *end;
            double x = strtod(v, &end);
            if (*end || x < c->min || x > c->max) why = "not a number in range";
            break;
        }
        case COL_BOOL:
            if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) why = "not yes/no";
            break;
        case COL_ENUM: {
            why = "not one of the allowed values";
            for (const char *const *e = c->values; *e; e++)
                if (strcmp(*e, v) == 0) why = NULL;
            break;
        }
        }
    }
    if (why) fail_msg("%s:%ld: column %s: \"%s\" is %s", csv_name(r), csv_line(r), c->name, v, why);
}

/* Same seed and options: every file byte for byte the same; different
** seed: different learners and attendance. */
static void test_deterministic(void **state) {
    (void)state;
    demo_opts o = {0};
    o.learners = 250;
    o.seed = 7;
    long c1[IMPORT_KIND_COUNT], c2[IMPORT_KIND_COUNT], c3[IMPORT_KIND_COUNT];
    char *a = demo_into_tmp(&o, c1);
    char *b = demo_into_tmp(&o, c2);
    o.seed = 8;
    char *c = demo_into_tmp(&o, c3);
    for (int k = 0; k < IMPORT_KIND_COUNT; k++) {
        char *pa = kind_path(a, (import_kind)k), *pb = kind_path(b, (import_kind)k),
             *pc = kind_path(c, (import_kind)k);
        size_t na, nb, nc;
        char *da = read_all(pa, &na), *db = read_all(pb, &nb), *dc = read_all(pc, &nc);
        assert_int_equal(c1[k], c2[k]);
        if (na != nb || memcmp(da, db, na) != 0)
            fail_msg("%s differs between two runs with the same seed", pa);
        if (k == IMPORT_LEARNERS || k == IMPORT_ATTENDANCE || k == IMPORT_ENROLMENTS ||
            k == IMPORT_RESULTS)
            if (na == nc && memcmp(da, dc, na) == 0)
                fail_msg("%s is the same for seeds 7 and 8", pc);
        free(da), free(db), free(dc);
        free(pa), free(pb), free(pc);
    }
    assert_int_equal(c1[IMPORT_LEARNERS], 250);
    test_rm_rf(a), test_rm_rf(b), test_rm_rf(c);
    free(a), free(b), free(c);
}

/* Every file: the spec's header, the spec's number of fields in every row,
** every value valid for its column (enums, dates, numbers, booleans), LF
** line ends, and as many rows as reported. */
static void test_files_follow_spec(void **state) {
    (void)state;
    assert_int_equal(shared_counts[IMPORT_LEARNERS], LEARNERS);
    for (int k = 0; k < IMPORT_KIND_COUNT; k++) {
        const import_spec *sp = import_spec_of((import_kind)k);
        char *path = kind_path(shared_dir, (import_kind)k);
        size_t n;
        char *raw = read_all(path, &n);
        if (n == 0 || raw[n - 1] != '\n') fail_msg("%s does not end with a line end", path);
        if (memchr(raw, '\r', n)) fail_msg("%s has a CR", path);
        free(raw);
        free(path);
        csv_reader *r = open_kind(shared_dir, (import_kind)k);
        long rows = 0;
        while (next_row(r)) {
            rows++;
            if (csv_nfields(r) != sp->ncols)
                fail_msg("%s:%ld: %zu fields, the spec has %zu", csv_name(r), csv_line(r),
                         csv_nfields(r), sp->ncols);
            for (size_t i = 0; i < sp->ncols; i++) {
                size_t len;
                const char *v = csv_field(r, i, &len);
                check_value(r, &sp->cols[i], v, len);
            }
        }
        csv_close(r);
        if (rows != shared_counts[k])
            fail_msg("%s.csv: %ld rows, reported %ld", sp->name, rows, shared_counts[k]);
        if (rows == 0) fail_msg("%s.csv is empty", sp->name);
    }
}

/* Every reference points at a row of the file it names; keys are unique. */
static void test_references(void **state) {
    (void)state;
    hmap *progs = hmap_new(), *groups = hmap_new(), *staff = hmap_new(), *learners = hmap_new(),
         *sites = hmap_new(), *incidents = hmap_new(), *gs = hmap_new();
    struct { import_kind k; hmap *m; } keys[] = {
        {IMPORT_PROGRAMMES, progs}, {IMPORT_GROUPS, groups}, {IMPORT_STAFF, staff},
        {IMPORT_LEARNERS, learners}, {IMPORT_SITES, sites}, {IMPORT_BEHAVIOUR, incidents}};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        csv_reader *r = open_kind(shared_dir, keys[i].k);
        while (next_row(r)) {
            int64_t v;
            if (hmap_get(keys[i].m, fld(r, 0), strlen(fld(r, 0)), &v))
                fail_msg("%s:%ld: key %s repeated", csv_name(r), csv_line(r), fld(r, 0));
            hmap_put(keys[i].m, fld(r, 0), strlen(fld(r, 0)), 1);
        }
        csv_close(r);
    }
    int64_t v;
    csv_reader *r = open_kind(shared_dir, IMPORT_GROUPS);
    while (next_row(r)) {
        if (!hmap_get(progs, fld(r, 2), strlen(fld(r, 2)), &v) ||
            !hmap_get(sites, fld(r, 5), strlen(fld(r, 5)), &v))
            fail_msg("%s:%ld: unknown programme or site", csv_name(r), csv_line(r));
    }
    csv_close(r);
    r = open_kind(shared_dir, IMPORT_GROUP_STAFF);
    while (next_row(r)) {
        if (!hmap_get(groups, fld(r, 0), strlen(fld(r, 0)), &v) ||
            !hmap_get(staff, fld(r, 1), strlen(fld(r, 1)), &v))
            fail_msg("%s:%ld: unknown group or staff", csv_name(r), csv_line(r));
        buf key = BUF_INIT;
        buf_printf(&key, "%s|%s", fld(r, 0), fld(r, 1));
        if (hmap_get(gs, key.data, key.len, &v))
            fail_msg("%s:%ld: group and staff repeated", csv_name(r), csv_line(r));
        hmap_put(gs, key.data, key.len, 1);
        buf_free(&key);
    }
    csv_close(r);
    r = open_kind(shared_dir, IMPORT_ENROLMENTS);
    while (next_row(r)) {
        if (!hmap_get(learners, fld(r, 0), strlen(fld(r, 0)), &v) ||
            !hmap_get(progs, fld(r, 1), strlen(fld(r, 1)), &v) ||
            !hmap_get(groups, fld(r, 3), strlen(fld(r, 3)), &v))
            fail_msg("%s:%ld: unknown learner, programme or group", csv_name(r), csv_line(r));
        if (strncmp(fld(r, 1), fld(r, 3), strlen(fld(r, 1))) != 0)
            fail_msg("%s:%ld: group of another programme", csv_name(r), csv_line(r));
    }
    csv_close(r);
    import_kind by_learner[] = {IMPORT_GUARDIANS, IMPORT_ATTENDANCE, IMPORT_RESULTS,
                                IMPORT_BEHAVIOUR, IMPORT_ENGAGEMENT};
    for (size_t i = 0; i < sizeof by_learner / sizeof *by_learner; i++) {
        const import_spec *sp = import_spec_of(by_learner[i]);
        int col = import_spec_col(sp, "learner");
        assert_true(col >= 0);
        r = open_kind(shared_dir, by_learner[i]);
        while (next_row(r))
            if (!hmap_get(learners, fld(r, (size_t)col), strlen(fld(r, (size_t)col)), &v))
                fail_msg("%s:%ld: unknown learner %s", csv_name(r), csv_line(r),
                         fld(r, (size_t)col));
        csv_close(r);
    }
    hmap_free(progs), hmap_free(groups), hmap_free(staff), hmap_free(learners);
    hmap_free(sites), hmap_free(incidents), hmap_free(gs);
}

/* One learner's enrolment as the tests need it. */
typedef struct enrol {
    int32_t start, end;   /* events allowed in [start, end] */
    int left, status_seen;
    int32_t exit;
} enrol;

/* Read enrolments.csv into an array indexed by learner number (caller
** frees); checks the exit rules on the way and reports the counts. */
static enrol *read_enrolments(long *n_left, long *n_transferred, long *n_completed,
                              long *n_active) {
    enrol *e = xcalloc(LEARNERS, sizeof *e);
    *n_left = *n_transferred = *n_completed = *n_active = 0;
    csv_reader *r = open_kind(shared_dir, IMPORT_ENROLMENTS);
    while (next_row(r)) {
        long no = learner_no(r, fld(r, 0));
        assert_true(no < LEARNERS);
        if (e[no].status_seen) fail_msg("%s:%ld: second enrolment", csv_name(r), csv_line(r));
        e[no].status_seen = 1;
        e[no].start = fld_date(r, 2);
        int32_t expected = fld_date(r, 4);
        const char *st = fld(r, 5), *exit = fld(r, 6), *reason = fld(r, 7);
        if (expected <= e[no].start)
            fail_msg("%s:%ld: ends before it starts", csv_name(r), csv_line(r));
        if (strcmp(st, "active") == 0) {
            (*n_active)++;
            if (*exit || *reason) fail_msg("%s:%ld: active with an exit", csv_name(r), csv_line(r));
            if (expected <= period_last)
                fail_msg("%s:%ld: still active after its expected end", csv_name(r), csv_line(r));
            e[no].end = period_last;
        } else {
            if (!*exit || !*reason) fail_msg("%s:%ld: %s without exit date or reason", csv_name(r),
                                             csv_line(r), st);
            e[no].exit = e[no].end = fld_date(r, 6);
            if (e[no].exit < e[no].start || e[no].exit > period_last)
                fail_msg("%s:%ld: exit date outside enrolment or period", csv_name(r), csv_line(r));
            if (strcmp(st, "left_early") == 0) {
                (*n_left)++;
                e[no].left = 1;
                if (strcmp(reason, "completed") == 0 || strcmp(reason, "transfer") == 0)
                    fail_msg("%s:%ld: left early with reason %s", csv_name(r), csv_line(r), reason);
            } else if (strcmp(st, "transferred") == 0) {
                (*n_transferred)++;
            } else if (strcmp(st, "completed") == 0) {
                (*n_completed)++;
                if (strcmp(reason, "completed") != 0 || e[no].exit != expected)
                    fail_msg("%s:%ld: completed oddly", csv_name(r), csv_line(r));
            } else {
                fail_msg("%s:%ld: status %s", csv_name(r), csv_line(r), st);
            }
        }
    }
    csv_close(r);
    for (long i = 0; i < LEARNERS; i++)
        if (!e[i].status_seen) fail_msg("learner %ld has no enrolment", i + 1);
    return e;
}

/* About one in six leaves early (12-22%); some transfer, complete, stay. */
static void test_enrolment_outcomes(void **state) {
    (void)state;
    long left, transferred, completed, active;
    enrol *e = read_enrolments(&left, &transferred, &completed, &active);
    double rate = (double)left / LEARNERS;
    if (rate < 0.12 || rate > 0.22) fail_msg("leaver rate %.3f outside 0.12-0.22", rate);
    assert_true(transferred > 0 && transferred < LEARNERS / 10);
    assert_true(completed > LEARNERS / 10);
    assert_true(active > LEARNERS / 10);
    free(e);
}

/* Events only on school days (Monday to Friday, never in the Christmas or
** summer breaks) within the learner's enrolment and the period; attendance
** one row per learner and day, learner by learner, in date order. */
static void test_events_within_enrolment(void **state) {
    (void)state;
    long left, transferred, completed, active;
    enrol *e = read_enrolments(&left, &transferred, &completed, &active);
    import_kind kinds[] = {IMPORT_ATTENDANCE, IMPORT_RESULTS, IMPORT_BEHAVIOUR, IMPORT_ENGAGEMENT};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        const import_spec *sp = import_spec_of(kinds[k]);
        size_t lc = (size_t)import_spec_col(sp, "learner");
        size_t dc = (size_t)import_spec_col(sp, "date");
        csv_reader *r = open_kind(shared_dir, kinds[k]);
        long prev_no = -1;
        int32_t prev_date = 0;
        while (next_row(r)) {
            long no = learner_no(r, fld(r, lc));
            assert_true(no < LEARNERS);
            int32_t d = fld_date(r, dc);
            int y, m, dd;
            date_to_ymd(d, &y, &m, &dd);
            if (date_weekday(d) > 4)
                fail_msg("%s:%ld: %s is a weekend", csv_name(r), csv_line(r), fld(r, dc));
            if (m == 7 || m == 8 || (m == 12 && dd >= 21) || (m == 1 && dd <= 5))
                fail_msg("%s:%ld: %s is in a break", csv_name(r), csv_line(r), fld(r, dc));
            if (d < e[no].start || d > e[no].end || d < period_first || d > period_last)
                fail_msg("%s:%ld: %s outside the enrolment", csv_name(r), csv_line(r), fld(r, dc));
            if (kinds[k] == IMPORT_ATTENDANCE) {
                if (strcmp(fld(r, 2), "0") != 0)
                    fail_msg("%s:%ld: session is not 0", csv_name(r), csv_line(r));
                if (no < prev_no || (no == prev_no && d <= prev_date))
                    fail_msg("%s:%ld: not learner by learner in date order", csv_name(r),
                             csv_line(r));
                prev_no = no;
                prev_date = d;
            }
        }
        csv_close(r);
    }
    free(e);
}

/* A leaver's attendance row within the last six weeks before exit. */
typedef struct late_row {
    int32_t date;
    int absent;
} late_row;

/* Leavers miss clearly more school in their last six weeks than those who
** stay miss on the same dates; some leavers give no warning; some who stay
** have a bad patch. */
static void test_leavers_drift(void **state) {
    (void)state;
    long left, transferred, completed, active;
    enrol *e = read_enrolments(&left, &transferred, &completed, &active);
    int span = period_last - period_first + 1;
    long *stay_abs = xcalloc((size_t)span, sizeof(long));
    long *stay_n = xcalloc((size_t)span, sizeof(long));
    late_row *late = NULL;
    size_t nlate = 0, cap = 0;
    long *leaver_abs = xcalloc(LEARNERS, sizeof(long)), *leaver_n = xcalloc(LEARNERS, sizeof(long));
    /* bad patches: a stayer absent 9 or more days of some 30 school days
    ** who, over the whole period, misses less than one day in eight */
    long patchy = 0, stayers = 0, cur = -1, window_abs = 0, seen = 0, total_abs = 0;
    int had_patch = 0;
    unsigned char ring[30];
    csv_reader *r = open_kind(shared_dir, IMPORT_ATTENDANCE);
    while (next_row(r)) {
        long no = learner_no(r, fld(r, 0));
        int32_t d = fld_date(r, 1);
        int absent = strncmp(fld(r, 3), "absent", 6) == 0;
        if (e[no].left) {
            if (e[no].exit - d <= 42) {
                if (nlate == cap)
                    late = xrealloc(late, (cap = cap ? cap * 2 : 1024) * sizeof *late);
                late[nlate].date = d;
                late[nlate++].absent = absent;
                leaver_abs[no] += absent;
                leaver_n[no]++;
            }
            continue;
        }
        stay_abs[d - period_first] += absent;
        stay_n[d - period_first]++;
        if (no != cur) {
            patchy += had_patch && total_abs * 8 < seen;
            stayers++;
            cur = no;
            window_abs = seen = total_abs = 0;
            had_patch = 0;
        }
        int slot = (int)(seen % 30);
        if (seen >= 30) window_abs -= ring[slot];
        ring[slot] = (unsigned char)absent;
        window_abs += absent;
        total_abs += absent;
        seen++;
        if (seen >= 30 && window_abs >= 9) had_patch = 1;
    }
    patchy += had_patch && total_abs * 8 < seen;
    csv_close(r);
    double mine = 0, theirs = 0;
    for (size_t i = 0; i < nlate; i++) {
        long n = stay_n[late[i].date - period_first];
        mine += late[i].absent;
        theirs += n ? (double)stay_abs[late[i].date - period_first] / (double)n : 0;
    }
    assert_true(nlate > 1000);
    mine /= (double)nlate;
    theirs /= (double)nlate;
    if (mine < theirs + 0.10 || mine < 2.5 * theirs)
        fail_msg("leavers' last six weeks: %.3f absent, others on the same dates %.3f", mine,
                 theirs);
    long quiet = 0, leavers = 0;
    for (long i = 0; i < LEARNERS; i++) {
        if (!e[i].left || leaver_n[i] < 10) continue;
        leavers++;
        if ((double)leaver_abs[i] / (double)leaver_n[i] < 0.15) quiet++;
    }
    double q = (double)quiet / (double)leavers;
    if (q < 0.05 || q > 0.35) fail_msg("%.3f of leavers show no warning (want about 0.18)", q);
    double p = (double)patchy / (double)stayers;
    if (p < 0.03 || p > 0.40) fail_msg("%.3f of those who stay have a bad patch", p);
    free(stay_abs), free(stay_n), free(late), free(leaver_abs), free(leaver_n);
    free(e);
}

/* Bad options and an unwritable directory give clear errors. */
static void test_bad_options(void **state) {
    (void)state;
    cairn_err err;
    demo_opts o = {0};
    int32_t a, b;
    o.years = -1;
    err_clear(&err);
    assert_int_equal(school_demo_write(&o, "/nonexistent", &err), -1);
    assert_int_equal(err.code, CAIRN_EINVAL);
    assert_non_null(strstr(err.msg, "school years"));
    o.years = 0;
    o.learners = -5;
    err_clear(&err);
    assert_int_equal(school_demo_period(&o, &a, &b, &err), -1);
    assert_int_equal(err.code, CAIRN_EINVAL);
    o.learners = 0;
    o.start_year = "20x4";
    err_clear(&err);
    assert_int_equal(school_demo_write(&o, "/nonexistent", &err), -1);
    assert_non_null(strstr(err.msg, "20x4"));
    o.start_year = "2030";
    assert_int_equal(school_demo_period(&o, &a, &b, &err), 0);
    char t[DATE_TEXT_LEN];
    date_format(a, t);
    assert_string_equal(t, "2030-09-02");
    date_format(b, t);
    assert_string_equal(t, "2032-06-25");
    o.start_year = NULL;
    err_clear(&err);
    assert_int_equal(school_demo_write(&o, "/nonexistent/dir", &err), -1);
    assert_int_equal(err.code, CAIRN_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/dir"));
}

/* Run the demo tests. */
int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_files_follow_spec),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_enrolment_outcomes),
        cmocka_unit_test(test_events_within_enrolment),
        cmocka_unit_test(test_leavers_drift),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
