/*
** base/csv.h — the one CSV reader.
**
** Streams a file of any size in constant memory.  Accepts UTF-8 with or
** without a BOM, comma or semicolon separators (detected from the first
** record, outside quotes), LF or CRLF line ends, and RFC 4180 quoting with
** embedded separators, doubled quotes and newlines.  Rejects, with the line
** and column where it happens: invalid UTF-8, a NUL byte, an unterminated
** quote, text after a closing quote, a field longer than the limit and a
** record with more fields than the limit.  Memory is about two chunks
** (2 MiB) for ordinary files, less for small ones, and never more than the
** limits allow (max_fields fields of max_field bytes, about twice that raw).
**
** Lines are physical lines of the file (1-based), so a record with an
** embedded newline spans several; columns are field numbers (1-based).
**
**   csv_reader *r = csv_open_file("a.csv", &opts, &err);
**   while ((rc = csv_next(r, &err)) == 1)
**       for (size_t i = 0; i < csv_nfields(r); i++) use(csv_field(r, i, &len));
**   csv_close(r);
*/
#ifndef CAIRN_BASE_CSV_H
#define CAIRN_BASE_CSV_H
#include "base/err.h"
#include <stddef.h>

typedef struct csv_reader csv_reader;

typedef struct csv_opts {
    char   sep;            /* 0 = detect ',' or ';' from the first record; '"', CR,
                           ** LF or a non-ASCII byte make the first csv_next fail */
    size_t max_field;      /* 0 = default 65536 bytes */
    const char *name;      /* file name used in messages; NULL = path or "<input>" */
} csv_opts;

/* Open path for reading; opts may be NULL.  NULL and err set on failure.
** Free with csv_close(). */
csv_reader *csv_open_file(const char *path, const csv_opts *opts, cairn_err *err);

/* Read from memory (copied a chunk at a time as it is parsed, never as a
** whole; must outlive the reader).  Never fails. */
csv_reader *csv_open_mem(const char *data, size_t n, const csv_opts *opts);

/* Change two limits before the first csv_next(); 0 keeps the default.
** max_fields: fields per record (default 1024; more is an error).  chunk:
** bytes read at a time (default 1 MiB; tests and the fuzzer use tiny ones
** to put chunk boundaries everywhere). */
void csv_tune(csv_reader *r, size_t max_fields, size_t chunk);

/* Release the reader and everything it returned. */
void csv_close(csv_reader *r);

/* Read the next record: 1 = a record, 0 = end of input, -1 = error with
** err set to "name:line:column: what".  After -1 the reader stays in error. */
int csv_next(csv_reader *r, cairn_err *err);

size_t      csv_nfields(const csv_reader *r);
/* Field i of the current record, NUL-terminated, unquoted; *len gets its
** length if len is not NULL.  Valid until the next csv_next().  i must be
** below csv_nfields(). */
const char *csv_field(const csv_reader *r, size_t i, size_t *len);
long        csv_line(const csv_reader *r);      /* line where the current record starts */
char        csv_sep(const csv_reader *r);       /* separator in use (after the first record) */
const char *csv_name(const csv_reader *r);      /* name used in messages */

/* Write one field to out, quoted when needed, with sep as separator.  When
** neutralise is set, a value beginning with = + - @ (or tab/CR) is prefixed
** with a single quote so spreadsheets do not run it as a formula. */
struct buf;
void csv_write_field(struct buf *out, const char *s, size_t n, char sep, int neutralise);

#endif
