/*
** web/school/import.h — what the import page (import.c), its report
** download and its help page (import_help.c) share.
*/
#ifndef CAIRN_WEB_SCHOOL_IMPORT_H
#define CAIRN_WEB_SCHOOL_IMPORT_H
#include "school/school.h"
#include "web/i18n.h"
#include "web/page.h"

/* What one import (or dry run) of one file came to. */
typedef struct import_outcome {
    int           rc;          /* 0 clean, 1 bad rows, -1 refused or failed */
    int           refused;     /* 1 = the file as a whole was refused (err says why) */
    import_report rep;         /* counts and messages; freed by the caller */
    cairn_err     err;
} import_outcome;

/* Import the file at path as kind into the caller's institution, a dry run
** when dry is 1, keeping up to max_messages messages; messages call the
** file name (the name it was uploaded with; NULL = the staged name).  Fills *out; the
** caller frees out->rep.  -1 for a failure that is not the file's fault
** (database, disk): out->err says what, for the log. */
int web_import_run(web_request *req, store *st, import_kind kind, const char *path,
                   const char *name, int dry, int max_messages, import_outcome *out);

/* The translated name of kind k ("Attendance"). */
const char *web_import_kind_label(const i18n_lang *L, import_kind k);

/* Split one "file:line:column: what" message (n bytes) into its parts:
** *line and *column are 0 when the message has none; *what points into msg. */
void web_import_message_split(const char *msg, size_t n, long *line, long *column,
                              const char **what);

#endif
