/*
** risk/risk_read_internal.h — between risk_read.c and reasons_memo.c (the
** reasons of a score, parsed and remembered).
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

#endif
