/*
** risk/risk_read_internal.h — between risk_read.c, reasons_memo.c (the
** reasons of a score, parsed and remembered) and risk_keyset.c (the SQL of
** the list's orders and keyset cursors).
*/
#ifndef CAIRN_RISK_READ_INTERNAL_H
#define CAIRN_RISK_READ_INTERNAL_H
#include "risk/risk_read.h"

/* Parse a score's stored flags and reasons JSON (NULL: none) into r's
** nflags, flag_codes, nreasons, reason and reason_fields (reasons_memo.c). */
void risk_reasons_parse(const char *flags, const char *reasons, risk_attention_row *r);

/* The same fields as risk_reasons_parse gives, remembered by the exact
** texts (risk/reasons_memo.c); thread-safe. */
void risk_reasons_fill(const char *flags, const char *reasons, risk_attention_row *r);

/* The number of flags in a stored JSON array of codes, in SQL. */
#define READ_NFLAGS                                                                 \
    "(length(s.flags) - length(replace(s.flags, ',', ''))"                          \
    " + CASE WHEN s.flags = '[]' THEN 0 ELSE 1 END)"

/* Where a page of the attention list starts: the sort keys of the row
** before it (keyset paging). */
typedef struct attention_cursor {
    int64_t tier;
    double  probability;          /* coalesce(probability, -1) */
    int64_t nflags;
    char    family_name[101], given_name[101], group_name[201];
    int64_t learner_id;
} attention_cursor;

#define KEYSET_MAX_FIELDS (2 * 8 + 2)   /* fields[] of keyset_cursor_sql, at most */

/* Append " ORDER BY ..." of f's order (f->sort, f->reverse) to sql,
** backwards when back is 1 (risk_keyset.c). */
void keyset_order_sql(const risk_attention_filter *f, int back, buf *sql);

/* How many parts (1 or 2) the rows after a cursor in f's order are read
** in: each part, read in the list's order, holds rows that all come
** before the next part's, so the parts one after the other are the list
** after the cursor, and the sum of their counts its count. */
int keyset_parts(const risk_attention_filter *f);

/* Append " AND ...", the condition of part part (0 <= part <
** keyset_parts(f)) of the rows after the cursor in f's order (before it
** when back is 1); the cursor fields to bind, in order, go to fields[]
** (*nf of them, at most KEYSET_MAX_FIELDS). */
void keyset_cursor_sql(const risk_attention_filter *f, int back, int part, buf *sql,
                       int *fields, size_t *nf);

/* Where cursor a comes against b in f's order (f->sort, f->reverse): <0
** before, 0 the same keys, >0 after — as keyset_order_sql's ORDER BY sorts
** on SQLite, whose texts compare byte by byte (risk_keyset.c). */
int keyset_cursor_cmp(const risk_attention_filter *f, const attention_cursor *a,
                      const attention_cursor *b);

/* The sort keys of row r into *c, its flags count computed from the
** stored flags text as READ_NFLAGS computes it (risk_keyset.c). */
void keyset_cursor_of_row(const risk_attention_row *r, const char *flags, attention_cursor *c);

/* Read the current row of a READ_COLUMNS query into *r (risk_read.c).
** 0, or -1 with err (a stored date that is not one). */
int risk_read_row(store_stmt *s, risk_attention_row *r, cairn_err *err);

/* Bind the institution and the day to parameters 1 and 2 (risk_read.c). */
void risk_read_bind_head(store_stmt *s, int64_t inst, int32_t asof);

/* Bind f's filter (with its tier when with_tier is 1) from parameter first
** on; returns the next parameter (risk_read.c). */
int risk_read_filter_bind(const risk_attention_filter *f, int with_tier, store_stmt *s,
                          int first);

/* 1 when the pages of f are read whole and sorted in C (risk_narrow.c): a
** narrow list on SQLite. */
int risk_narrow_here(store *st, const risk_attention_filter *f);

/* A page of narrow f on asof (risk_narrow.c): every row of its set read,
** sorted in f's order; from the start (cursor NULL), or the rows after the
** cursor (before it when before is 1), at most limit (> 0), in the list's
** order, into *rows (malloc'd; caller frees), *n; the list's rows into
** *all and those past the cursor into *beyond.  0 or -1. */
int risk_narrow_page(store *st, int64_t inst, int32_t asof, const risk_attention_filter *f,
                     const attention_cursor *cursor, int before, size_t limit,
                     risk_attention_row **rows, size_t *n, size_t *all, size_t *beyond,
                     cairn_err *err);

/* The SQL of a page of the attention list that passes f (risk_read.c;
** the tests read its plan): from the start (cursor 0) or part part of the
** rows after a cursor (before it when back is 1), in the list's order (the
** cursor's side first); names_only 1 selects the learner's id, reference
** and names alone; sorted_here 1 (a narrow list on SQLite, read whole
** from the start and sorted in C) without ORDER BY and LIMIT.  Its parameters: institution,
** date, f's (as filter_bind), the cursor fields[0..*nf), the limit (none
** on the first page of a narrow list). */
void risk_read_page_sql(const risk_attention_filter *f, int cursor, int back, int part,
                        int names_only, int sorted_here, buf *sql, int *fields, size_t *nf);

/* Bind the cursor c's fields[0..nf) (from keyset_cursor_sql) from
** parameter index i; returns the next index. */
int keyset_cursor_bind(const attention_cursor *c, const int *fields, size_t nf, store_stmt *s,
                       int i);

#endif
