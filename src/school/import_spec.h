/*
** school/import_spec.h — the columns of every import kind, in one table.
**
** The importer validates against it, the exporter writes its header from it,
** the OneRoster mapping and the demo generator fill rows in its terms, and
** docs/import.md describes it.  Change a format here and nowhere else.
*/
#ifndef CAIRN_SCHOOL_IMPORT_SPEC_H
#define CAIRN_SCHOOL_IMPORT_SPEC_H
#include "school/school.h"
#include <stddef.h>

typedef enum {
    COL_TEXT,   /* free text, up to max_len bytes of UTF-8 */
    COL_CODE,   /* an identifier: no spaces at either end, no control chars */
    COL_DATE,   /* YYYY-MM-DD */
    COL_INT,    /* whole number within [min, max] */
    COL_NUM,    /* decimal number within [min, max] ('.' as decimal point) */
    COL_BOOL,   /* yes/no, true/false, 1/0 (any case) */
    COL_ENUM    /* one of values[] (any case; stored lower case) */
} import_col_type;

typedef struct import_col {
    const char *name;             /* header name, lower case */
    import_col_type type;
    int    required;              /* 1 = must be present and non-empty */
    size_t max_len;               /* text/code length limit in bytes */
    double min, max;              /* for COL_INT and COL_NUM */
    const char *const *values;    /* for COL_ENUM, NULL-terminated */
    const char *help;             /* one line for docs and --help */
} import_col;

typedef struct import_spec {
    import_kind kind;
    const char *name;             /* "learners" */
    const char *table;            /* main table written */
    const char *key;              /* columns that identify a row, for messages */
    const import_col *cols;
    size_t ncols;
    const char *help;
} import_spec;

/* The spec of kind k. */
const import_spec *import_spec_of(import_kind k);

/* Index of column name in spec, or -1. */
int import_spec_col(const import_spec *spec, const char *name);

/* Attendance status codes as stored (index = code). */
extern const char *const import_attendance_status[];

#endif
