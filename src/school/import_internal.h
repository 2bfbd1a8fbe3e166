/*
** school/import_internal.h — what the importer's parts share: the session,
** parsed values, and the one entry point every row goes through.
**
** A row reaches importer_record() as text per spec column, whatever file it
** came from (our CSV formats, or OneRoster after mapping).  importer_record
** validates, resolves references, writes, and on a bad row records
** "file:line:column: what" — column being the field number in the source file.
*/
#ifndef CAIRN_SCHOOL_IMPORT_INTERNAL_H
#define CAIRN_SCHOOL_IMPORT_INTERNAL_H
#include "base/hmap.h"
#include "school/import_spec.h"
#include <stdio.h>

#define IMPORT_MAX_COLS 16

/* A parsed cell. */
typedef struct import_value {
    const char *s;     /* trimmed text, NUL-terminated (lower-cased for ENUM) */
    size_t n;          /* 0 = empty / absent */
    int64_t i;         /* COL_INT, COL_BOOL (0/1), COL_ENUM (index) */
    double d;          /* COL_NUM */
    int32_t date;      /* COL_DATE, days since 1970-01-01 */
} import_value;

/* Where a row came from, for messages and the bad-rows file. */
typedef struct import_origin {
    const char *file;            /* name used in messages */
    long line;                   /* line where the record starts */
    const int *file_col;         /* spec column -> 1-based field number; 0 = not in file */
    /* the raw record, to copy into the bad-rows file (may be NULL) */
    size_t nraw;
    const char *const *raw;
    const size_t *raw_len;
    const char *const *header;   /* the file's header names (nraw of them) */
} import_origin;

/* Lookup tables of the school's own identifiers -> cairn ids. */
typedef enum {
    REF_SITE, REF_TERM, REF_PROGRAMME, REF_GROUP, REF_LEARNER, REF_STAFF,
    REF_GUARDIAN, REF_ENROLMENT, REF_COUNT
} import_ref;

enum { IMPORT_STMT_MAX = 24 };

/* Rows of the big event streams are written 64 at a time with one multi-row
** upsert (about twice as fast as one statement per row on SQLite, and far
** fewer round trips on PostgreSQL).  Each batch runs inside a savepoint:
** when the statement changes fewer rows than it carried, a key was repeated,
** so the batch is rolled back and replayed row by row to name the duplicate.
** A pending row keeps a copy of its source record for that case. */
#define IMPORT_BATCH_ROWS 64
#define IMPORT_BATCH_PARAMS 8

typedef enum { BATCH_INT, BATCH_TEXT, BATCH_DOUBLE } import_batch_type;

typedef struct import_batch_val {
    uint8_t type;     /* import_batch_type */
    uint8_t tn;       /* length of t */
    char t[66];       /* text up to a code's 64 bytes */
    int64_t i;
    double d;
} import_batch_val;

typedef struct import_batch {
    int slot;                     /* statement slot of the single-row upsert; -1 = empty */
    const import_spec *spec;
    int nparams;
    int n;                        /* rows pending */
    import_batch_val val[IMPORT_BATCH_ROWS][IMPORT_BATCH_PARAMS];
    long line[IMPORT_BATCH_ROWS];
    size_t raw_start[IMPORT_BATCH_ROWS];  /* offset of the row's fields in raw */
    buf raw;                      /* per field: size_t length, then the bytes */
    const import_origin *org;     /* the file being read (valid until it ends) */
    store_stmt *multi;            /* the IMPORT_BATCH_ROWS-row statement */
    store_stmt *savepoint, *release, *rollback_to;
} import_batch;

/* The message of a row whose key the database already saw in this import
** (import_write.c); importer_bad notes such rows for the second reading. */
#define IMPORT_DUP_PREFIX "duplicate key:"

/* A file is read once; when a key turns out repeated in it, it is read
** again to learn those keys (IMPORT_PASS_KEYS, nothing written or
** reported) and once more to import it with every row of such a key bad
** (IMPORT_PASS_AMBIGUOUS). */
enum { IMPORT_PASS_WRITE, IMPORT_PASS_KEYS, IMPORT_PASS_AMBIGUOUS };

/* A key repeated in the file being read: the lines the database found
** repeating it (first pass), and the line of its first row, once seen. */
typedef struct import_dup {
    long first_line;             /* 0 = not seen yet in this file */
    long *lines;
    size_t n, cap;
} import_dup;

struct importer {
    store *st;
    import_opts opts;
    int64_t import_id;           /* this session's import_run id */
    int64_t inst_id;             /* 0 until resolved */
    int64_t next_inst_id;        /* for new institutions */
    hmap *institutions;          /* code -> id, loaded at begin */
    hmap *refs[REF_COUNT];       /* loaded on first use, per institution */
    int64_t next_id[REF_COUNT];
    store_stmt *stmt[IMPORT_STMT_MAX];
    uint32_t stmt_mask[IMPORT_STMT_MAX]; /* kept columns each statement was prepared for */
    uint32_t row_absent;         /* bit i: spec column i is not in the row's file */
    import_report rep;
    FILE *skip;                  /* bad-rows file, when skipping */
    char *skip_header_sig;       /* header written last to the bad-rows file */
    buf kinds, sources;          /* for the import_run row */
    buf scratch;
    char started_at[32];
    int failed;                  /* a fatal error happened: must roll back */
    import_batch batch;          /* pending event rows */
    int pass;                    /* IMPORT_PASS_* of the file being read */
    hmap *dup_lines;             /* line -> 1: rows of this file found repeating a key */
    hmap *dup_keys;              /* key text -> index into dups */
    import_dup *dups;
    size_t ndups, capdups;
    buf keytext;
    const char *file_name;       /* name of the files in messages; NULL = their base name */
    uint32_t slots_used;         /* statement slots prepared: the tables written */
};

/* Statement slots, prepared on first use and kept for the session. */
enum {
    ST_INSTITUTION, ST_SITE, ST_TERM, ST_PROGRAMME, ST_GROUP, ST_LEARNER,
    ST_LEARNER_AUDIT, ST_STAFF, ST_GUARDIAN, ST_LEARNER_GUARDIAN, ST_GROUP_STAFF,
    ST_ENROLMENT, ST_ATTENDANCE, ST_RESULT, ST_BEHAVIOUR, ST_ENGAGEMENT, ST_LEARNER_AUDIT_CLEAR, ST_ENGAGEMENT_SUM, ST_COUNT
};

/* The upsert of each slot (import_stmt.c). */
extern const char *const import_stmt_sql[ST_COUNT];

/* The session's statement for slot, prepared for the columns the current
** row's file has; owned by the session (import_stmt.c). */
store_stmt *import_stmt_get(importer *im, int slot, cairn_err *err);

/* Rewrite an upsert's sql so it marks new, changed and unchanged rows
** (import_stmt.c, IMPORT_CHANGED_OFFSET). */
void import_sql_mark_changes(buf *sql);

/* Run a bound upsert: 0 written, 1 duplicate within this import (why
** filled), -1 fatal (import_write.c). */
int import_run_upsert(store_stmt *s, const import_spec *spec, buf *why, cairn_err *err);

/* The next row of the batch for slot and origin org, flushing first when
** full or of another slot; NULL with err set on failure (import_batch.c). */
import_batch_val *import_batch_row(importer *im, int slot, const import_spec *spec, int nparams,
                                   const import_origin *org, cairn_err *err);

/* Copy src's text into a batch value (cut to the value's size). */
void import_batch_text(import_batch_val *v, const import_value *src);

/* While a session runs, a row it changed carries import_id X + this (2^40)
** and a row it found identical -X; import_counts_settle counts them and
** sets both back to X before the commit. */
#define IMPORT_CHANGED_OFFSET "1099511627776"

/* Count new, changed and unchanged rows into the report and settle their
** import_id (import_write.c).  Call once, after the last file, before the
** commit or the dry run's rollback.  0 or -1. */
int import_counts_settle(importer *im, cairn_err *err);

/* Note kind and source in the session's import_run summary (import.c). */
void importer_note(importer *im, const char *kind, const char *source);

/* Validate, resolve and write one row of kind; text[i]/len[i] is the cell of
** spec column i (NULL/0 when the file has no such column).  org must stay
** valid until the file ends (import_batch_flush), since event rows are
** written in batches.  Returns 0 when the row was written or recorded as
** bad, -1 on a fatal error (err set). */
int importer_record(importer *im, import_kind kind, const char *const *text,
                    const size_t *len, const import_origin *org, cairn_err *err);

/* Write the row with the resolved values (import_write.c).  Returns 0 written
** (or queued in the batch), 1 bad (*bad_col = spec column or -1, why filled),
** -1 fatal (err set). */
int import_write_row(importer *im, const import_spec *spec, import_value *v,
                     const import_origin *org, int *bad_col, buf *why, cairn_err *err);

/* Write the pending batch (import_write.c); duplicates found are reported as
** bad rows.  Call before the current file's origin goes away.  0 or -1. */
int import_batch_flush(importer *im, cairn_err *err);

/* Free the batch's statements and memory. */
void import_batch_free(importer *im);

/* Record a bad row: "file:line:column: why" in the report and, when skipping,
** the source record in the bad-rows file (import.c). */
void importer_bad(importer *im, const import_origin *org, int file_col, const char *why);

/* Read one CSV file of kind into the session in its current pass
** (import.c); importer_file (import_repeat.c) calls it once, or three times
** when a key repeats.  0, or -1 for a problem with the file as a whole. */
int importer_file_read(importer *im, import_kind kind, const char *path, cairn_err *err);

/* Reload the institutions' codes and ids from the database (import.c). */
int importer_load_institutions(importer *im, cairn_err *err);

/* Forget the repeated keys and lines of the last file (import_repeat.c). */
void importer_dups_clear(importer *im);

/* In the second and third readings of a file (import_repeat.c): learn the
** key of a row the database found repeating one (returns 2: do not write
** it), or make every row of a repeated key bad (1, *bad_col and why
** filled); 0: write the row. */
int importer_row_repeated(importer *im, const import_spec *spec, const import_value *v,
                          const import_origin *org, int *bad_col, buf *why);

/* The header in r (the current record) was refused for kind with err set:
** when it fits another kind, add "(NAME looks like X, not KIND: was it the
** wrong file?)" to err's message (import_detect.c). */
struct csv_reader;
void import_kind_mismatch_note(struct csv_reader *r, import_kind kind, const char *name,
                               cairn_err *err);

/* The institution scoped rows belong to, resolving it on first use. */
int importer_institution(importer *im, int64_t *id, cairn_err *err);

#endif
