/*
** school/school.h — institutions, programmes, groups, terms, people,
** enrolments and the four event streams; their importers, exporters and the
** demo school generator.
**
** The file formats are documented in docs/import.md; the column lists live
** in one table, school/import_spec.c, which the importer, the exporter, the
** OneRoster mapping and the demo generator all share.
*/
#ifndef CAIRN_SCHOOL_SCHOOL_H
#define CAIRN_SCHOOL_SCHOOL_H
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include <stdint.h>
#include <stdio.h>

/* Create or upgrade the school tables (and accounts/roles). */
int school_migrate(store *st, int *applied, cairn_err *err);

/* ---- institutions ------------------------------------------------------- */

/* Resolve the institution an operation works on: by code when code is not
** NULL, else the only institution in the database.  Errors say what to do
** when there is none or more than one. */
int school_institution_resolve(store *st, const char *code, int64_t *id, cairn_err *err);

/* ---- import --------------------------------------------------------------- */

typedef enum {
    IMPORT_INSTITUTIONS, IMPORT_SITES, IMPORT_TERMS, IMPORT_PROGRAMMES,
    IMPORT_GROUPS, IMPORT_LEARNERS, IMPORT_STAFF, IMPORT_GUARDIANS,
    IMPORT_GROUP_STAFF, IMPORT_ENROLMENTS, IMPORT_ATTENDANCE, IMPORT_RESULTS,
    IMPORT_BEHAVIOUR, IMPORT_ENGAGEMENT,
    IMPORT_KIND_COUNT
} import_kind;

/* The kind named s ("learners", ...), or -1. */
int import_kind_parse(const char *s);
/* The name of kind k ("learners"). */
const char *import_kind_name(import_kind k);

/* ---- recognising a file's kind from its header (import_detect.c) ---- */

/* What a CSV header looks like.  A header fits a kind exactly when it has
** every required column of that kind and no column the kind does not know
** (cairn_error, which --skip-bad files carry, is ignored).  When no kind
** fits, closest is the kind sharing most columns with the header (-1 when
** none shares any), so a message can say "this looks like learners, but
** ...". */
typedef struct import_kind_guess {
    int nmatch;                          /* kinds that fit exactly: 1 = recognised */
    import_kind match[IMPORT_KIND_COUNT];
    int closest;                         /* when nmatch == 0: a kind or -1 */
    int shared;                          /* how close: columns in common less
                                            required ones missing */
} import_kind_guess;

/* Which kind(s) the header names[0..n) (any case, spaces trimmed) fits. */
void import_kind_detect(const char *const *names, size_t n, import_kind_guess *g);

/* Read the header line of the CSV file at path and detect its kind into g.
** -1 (err set, naming the file) when the file cannot be read or is empty. */
int import_kind_detect_file(const char *path, import_kind_guess *g, cairn_err *err);

/* The same for the CSV text data[0..n) (an upload); name is used in
** messages. */
int import_kind_detect_mem(const char *data, size_t n, const char *name, import_kind_guess *g,
                           cairn_err *err);

/* One sentence for a person about g for the file called name, e.g. "x.csv
** looks like attendance" or "x.csv does not look like any kind cairn
** imports; its columns are closest to learners"; written to out. */
void import_kind_guess_describe(const import_kind_guess *g, const char *name, buf *out);

/* The order kinds are imported in when several are given at once (a
** nightly folder, `cairn import FILE...`): institutions, then sites, terms
** and programmes, groups, people, their links and enrolments, then the
** events.  Lower first. */
int import_kind_rank(import_kind k);

typedef struct import_opts {
    const char *institution;    /* institution code; NULL = the only one */
    const char *skip_bad_path;  /* NULL = all-or-nothing; else import the
                                   good rows and write the bad ones here */
    int max_messages;           /* messages kept in the report; 0 = 200 */
    int dry_run;                /* 1 = check only: every row is validated and
                                   written inside the transaction (so the
                                   database checks keys and references), then
                                   importer_finish rolls back; the report says
                                   what a real import would have done */
    int sum;                    /* 1 = engagement only: rows with the same key
                                   (in the files of one import) add their
                                   values up instead of being ambiguous */
} import_opts;

typedef struct import_report {
    long rows_read;      /* data rows seen (header excluded) */
    long rows_written;   /* rows inserted or updated */
    long rows_new;       /* of the rows written: rows that were not there before, */
    long rows_updated;   /* rows that were there with other values, */
    long rows_unchanged; /* and rows that were there exactly so (guardians and
                            learners count their link and learner row only) */
    long rows_bad;       /* rows rejected */
    buf  messages;       /* one "file:line:column: what" per line, capped */
    long messages_dropped;
} import_report;

void import_report_init(import_report *r);
void import_report_free(import_report *r);

/* An import session: one write transaction over one or more files, possibly
** of several kinds (the demo and OneRoster use that).  Typical use:
**
**   importer *im; importer_begin(st, &opts, &im, &err);
**   importer_file(im, IMPORT_LEARNERS, "learners.csv", &err);
**   rc = importer_finish(im, &report, &err);   // commits or rolls back
**
** importer_file returns -1 only for problems that stop the file as a whole
** (cannot open it, missing required column); bad rows are collected in the
** report.  importer_finish commits when no row was bad (or skip_bad_path is
** set) and returns 0, returns 1 when it rolled back because rows were bad,
** and -1 on other errors (rolled back).  With opts.dry_run it never commits:
** 0 then means the import would succeed (rows_written = rows it would write),
** and the report is the one the real import would give.  importer_abort()
** rolls back and frees. */
typedef struct importer importer;

int  importer_begin(store *st, const import_opts *opts, importer **out, cairn_err *err);
int  importer_file(importer *im, import_kind kind, const char *path, cairn_err *err);
/* Call the files read from now on name in messages (an upload staged
** under another name); NULL = each file's base name.  name must outlive
** the session. */
void importer_name_files(importer *im, const char *name);
int  importer_finish(importer *im, import_report *report, cairn_err *err);
void importer_abort(importer *im);

/* Import a OneRoster 1.1 / 1.2 CSV bundle from dir into the session. */
int  importer_oneroster(importer *im, const char *dir, cairn_err *err);

/* ---- export --------------------------------------------------------------- */

/* Write kind's rows for the institution to out in the import format (comma,
** UTF-8, header first); cells that could run as spreadsheet formulas are
** neutralised.  Re-importing the output changes nothing. */
int school_export(store *st, const char *institution, import_kind kind, FILE *out, cairn_err *err);

/* ---- the demo school ------------------------------------------------------ */

typedef struct demo_opts {
    long     learners;      /* how many learners in all; 0 = 600 */
    uint64_t seed;          /* same seed, same school */
    int      years;         /* school years of events; 0 = 2 */
    const char *start_year; /* first school year's start, "2024" by default */
    int32_t  today;         /* 0 = the whole period (fixed dates, no clock); else the
                               school runs up to this day: the last school year is
                               the one in progress on it (unless start_year says
                               otherwise), no events after it, and whoever leaves,
                               completes or transfers after it is still active */
} demo_opts;

/* Write the demo school as import files (institutions.csv, programmes.csv,
** ... attendance.csv) into dir, which must exist. */
int school_demo_write(const demo_opts *opts, const char *dir, cairn_err *err);

/* Generate the demo school into the database through the importers. */
int school_demo_load(store *st, const demo_opts *opts, import_report *report, cairn_err *err);

/* ---- read side for pages ---------------------------------------------------- */

typedef struct school_group_summary {
    char    programme_code[65], programme_name[201];
    char    group_code[65], group_name[201];
    int     eqf_level;
    long    learners_active;    /* active enrolments in the group */
} school_group_summary;

/* The groups of institution_id (with staff_id > 0: only those staff_id
** teaches, not as key worker) with programme and active learner count,
** ordered by programme then group; *rows malloc'd, the caller frees. */
int school_group_summaries_for(store *st, int64_t institution_id, int64_t staff_id,
                               school_group_summary **rows, size_t *n, cairn_err *err);
/* Every group of the institution: school_group_summaries_for with no staff. */
int school_group_summaries(store *st, int64_t institution_id,
                           school_group_summary **rows, size_t *n, cairn_err *err);

/* One learner's identity and the enrolment that matters most now (an
** active one, else the latest), for the learner page. */
typedef struct school_learner_info {
    int64_t id;
    char    ref[65], given_name[101], family_name[101], birth_date[11];
    int     has_enrolment;
    char    programme_code[65], programme_name[201];
    char    group_code[65], group_name[201];
    char    start_date[11], expected_end_date[11], exit_date[11];
    char    status[16];          /* "active", "paused", "completed", ... */
} school_learner_info;

/* Read learner_id of the institution into *out: 1 found, 0 no such
** learner, -1 error. */
int school_learner_get(store *st, int64_t institution_id, int64_t learner_id,
                       school_learner_info *out, cairn_err *err);

/* One week of a learner's events (Monday to Sunday). */
typedef struct school_week {
    int32_t week_start;          /* the Monday, days since 1970-01-01 */
    int     present, late, excused, unexcused;   /* attendance sessions */
    int     results, failed, missing;            /* assessments dated that week */
    int     incidents, serious;                  /* behaviour (serious: severity 2-3) */
    int     active_days;                         /* days with learning-platform activity */
} school_week;

/* The weeks weeks ending with the week of last_day, oldest first, into
** out[0..weeks). */
int school_learner_weeks(store *st, int64_t institution_id, int64_t learner_id,
                         int32_t last_day, int weeks, school_week *out, cairn_err *err);

/* A class group by code. */
typedef struct school_group_info {
    int64_t id;
    char    code[65], name[201], programme_code[65], programme_name[201];
} school_group_info;

/* Find group code of the institution: 1 found, 0 none, -1 error. */
int school_group_find(store *st, int64_t institution_id, const char *code,
                      school_group_info *out, cairn_err *err);

/* Limits a trend or a list to the learners someone may see: a boolean SQL
** expression over the learner table's institution and id columns (v.* in
** school_trend, l.* in school_group_attendance_weeks; a constant written
** by the programmer, never input) and a function that
** binds its parameters, returning the next index.  The web room passes
** access_learner_predicate().  sql NULL = every learner. */
typedef struct school_visibility {
    const char *sql;
    int (*bind)(const void *ctx, store_stmt *s, int first);
    const void *ctx;
} school_visibility;

#define SCHOOL_WEEKS_MAX 26

/* One learner's weekly attendance in a group. */
typedef struct school_group_week_row {
    int64_t learner_id;
    char    ref[65], given_name[101], family_name[101];
    int     attended[SCHOOL_WEEKS_MAX];   /* present or late sessions */
    int     recorded[SCHOOL_WEEKS_MAX];   /* sessions recorded */
} school_group_week_row;

/* The learners enrolled in group_id at some time in the weeks (enrolment
** started by the last day, not left before the first) that vis lets
** through (NULL = all), ordered by family and given name, with
** their attendance in the weeks (<= SCHOOL_WEEKS_MAX) weeks ending with the
** week of last_day; *week_start gets the first Monday.  *rows malloc'd;
** caller frees. */
int school_group_attendance_weeks(store *st, int64_t institution_id, int64_t group_id,
                                  int32_t last_day, int weeks,
                                  const school_visibility *vis, int32_t *week_start,
                                  school_group_week_row **rows, size_t *n, cairn_err *err);

/* ---- the institution's trend (dashboard) --------------------------------------- */


#define SCHOOL_TREND_MONTHS 13   /* a school year's months, at most */

/* One calendar month of the trend. */
typedef struct school_trend_month {
    int32_t month_start;   /* the 1st of the month, days since 1970-01-01 */
    long    sessions;      /* attendance sessions recorded */
    long    attended;      /* of them present or late */
    long    learners;      /* distinct learners with a session recorded */
    long    left_early;    /* learners whose enrolment ended 'left_early' in the month */
} school_trend_month;

/* The school year that day falls in, from the term table: the school_year
** of the latest term starting on or before day, spanning its terms' first
** start and last end.  1 found (*first, *last set), 0 no such term, -1
** error. */
int school_year_span(store *st, int64_t institution_id, int32_t day, int32_t *first,
                       int32_t *last, cairn_err *err);

/* The months from the month of first to the month of last (at most
** SCHOOL_TREND_MONTHS, the latest kept) into out[0..*n), each with its
** attendance (sessions dated first..last) and early leavers (exit_date
** first..last), counted over the learners vis lets through (NULL = all).
** One aggregate query per series; the attendance one walks the learners
** and, for each the filter lets through, its primary-key range of the
** period, so a teacher's trend reads only their learners' rows.  A whole
** institution's school year is still millions of rows (about 0.8 s of CPU
** at 20,000 learners on SQLite): `cairn score` stores it per score date
** (school_trend_store), and web/trend.h caches the restricted views. */
int school_trend(store *st, int64_t institution_id, int32_t first, int32_t last,
                 const school_visibility *vis, school_trend_month out[SCHOOL_TREND_MONTHS],
                 size_t *n, cairn_err *err);

/* The trend's period as of ref: the school year ref falls in (the term
** table, school_year_span) cut at ref, *school_year = 1; without terms,
** the twelve calendar months up to ref, *school_year = 0.  0 or -1 error. */
int school_trend_period(store *st, int64_t institution_id, int32_t ref, int32_t *first,
                        int32_t *last, int *school_year, cairn_err *err);

/* Compute the whole institution's trend (school_trend over every learner)
** for the period of asof (school_trend_period) and replace the stored set
** of (institution_id, asof) in table school_trend_month with it: raw
** counts, one row per month of the period, empty months included.  Runs
** inside the caller's transaction when one is open (`cairn score` calls it
** inside its write transaction), else in its own.  About the cost of one
** live whole-institution trend. */
int school_trend_store(store *st, int64_t institution_id, int32_t asof, cairn_err *err);

/* The stored set of (institution_id, asof) as school_trend would give it
** for first..last, into out[0..*n): 1 found, 0 when nothing is stored for
** asof or the stored months are not the period's (the terms changed
** since; *n = 0 then), -1 error. */
int school_trend_stored(store *st, int64_t institution_id, int32_t asof, int32_t first,
                        int32_t last, school_trend_month out[SCHOOL_TREND_MONTHS], size_t *n,
                        cairn_err *err);

/* When the scores of (institution_id, asof) were last written by `cairn
** score`: the computed_at of the trend it stores in the same transaction
** (school_trend_store), ISO text into out, "" when none is stored.  A
** primary-key range read; for caches of what is read from the scores. */
int school_scores_written_at(store *st, int64_t institution_id, int32_t asof, char out[32],
                             cairn_err *err);

/* A number that changes whenever an import has written to the database
** (the latest import_run id); for caches of what is read from imported
** data. */
int school_data_version(store *st, int64_t *version, cairn_err *err);

#endif
