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

/* The SQL of a page of the attention list that passes f (risk_read.c;
** the tests read its plan): from the start (cursor 0) or part part of the
** rows after a cursor (before it when back is 1), in the list's order (the
** cursor's side first); names_only 1 selects the learner's id, reference
** and names alone; sorted_here 1 (the first page of a narrow list on
** SQLite, sorted in C) without ORDER BY.  Its parameters: institution,
** date, f's (as filter_bind), the cursor fields[0..*nf), the limit (none
** on the first page of a narrow list). */
void risk_read_page_sql(const risk_attention_filter *f, int cursor, int back, int part,
                        int names_only, int sorted_here, buf *sql, int *fields, size_t *nf);

/* Bind the cursor c's fields[0..nf) (from keyset_cursor_sql) from
** parameter index i; returns the next index. */
int keyset_cursor_bind(const attention_cursor *c, const int *fields, size_t nf, store_stmt *s,
                       int i);

#endif
