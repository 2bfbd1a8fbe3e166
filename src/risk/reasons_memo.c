/*
** risk/reasons_memo.c — a score's flags and reasons as pages read them
** (risk_read.h), parsed from their stored JSON once and then remembered by
** that exact text.
**
** Parsing the two JSON columns of a score with jansson cost about 12 µs a
** row: 40 % of a key worker's home page, which reads every learner of the
** caseload on each visit.  The parse is a pure function of the two texts,
** so its result is kept under the texts themselves (compared whole, not
** only by hash): a remembered answer is always the answer parsing would
** give, and nothing needs invalidating after a rescore, an erasure or a
** key rotation (a changed text is another key).  One fixed table of
** MEMO_SLOTS slots, one entry each (a new text takes its slot from the old
** one), under one mutex held only to compare and copy; about 6 MB when
** full.
*/
#include "risk/risk_read.h"
#include "risk/risk_read_internal.h"
#include "base/hmap.h"
#include "base/mem.h"
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MEMO_SLOTS 1024   /* a power of two */

/* What is remembered of one parse: the parsed fields of risk_attention_row. */
typedef struct memo_parsed {
    int                nflags;
    char               flag_codes[RISK_RULE_COUNT][40];
    int                nreasons;
    char               reason[RISK_READ_REASONS][RISK_REASON_MAX];
    risk_reason_fields reason_fields[RISK_READ_REASONS];
} memo_parsed;

typedef struct memo_slot {
    uint64_t     hash;          /* 0 = empty */
    char        *flags, *reasons;
    memo_parsed *parsed;
} memo_slot;

static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;
static memo_slot       memo[MEMO_SLOTS];

/* The hash of the pair of texts, never 0. */
static uint64_t memo_hash(const char *flags, const char *reasons) {
    uint64_t h = hmap_hash(flags, strlen(flags)) * 1099511628211ULL ^
                 hmap_hash(reasons, strlen(reasons));
    return h ? h : 1;
}

/* Copy the parsed fields between a row and a remembered parse. */
static void parsed_to_row(const memo_parsed *p, risk_attention_row *r) {
    r->nflags = p->nflags;
    memcpy(r->flag_codes, p->flag_codes, (size_t)p->nflags * sizeof r->flag_codes[0]);
    r->nreasons = p->nreasons;
    for (int k = 0; k < p->nreasons; k++) {
        str_copy(r->reason[k], sizeof r->reason[k], p->reason[k]);
        r->reason_fields[k] = p->reason_fields[k];
    }
}

/* The parsed fields of r as a remembered parse (malloc'd; caller frees). */
static memo_parsed *parsed_from_row(const risk_attention_row *r) {
    memo_parsed *p = xcalloc(1, sizeof *p);
    p->nflags = r->nflags;
    memcpy(p->flag_codes, r->flag_codes, (size_t)r->nflags * sizeof p->flag_codes[0]);
    p->nreasons = r->nreasons;
    for (int k = 0; k < r->nreasons; k++) {
        str_copy(p->reason[k], sizeof p->reason[k], r->reason[k]);
        p->reason_fields[k] = r->reason_fields[k];
    }
    return p;
}

/* Fill r's flags and reasons from the stored texts (see
** risk_read_internal.h). */
void risk_reasons_fill(const char *flags, const char *reasons, risk_attention_row *r) {
    assert(r);
    if (!flags) flags = "[]";
    if (!reasons) reasons = "{}";
    uint64_t h = memo_hash(flags, reasons);
    memo_slot *s = &memo[h & (MEMO_SLOTS - 1)];
    pthread_mutex_lock(&memo_mu);
    if (s->hash == h && strcmp(s->flags, flags) == 0 && strcmp(s->reasons, reasons) == 0) {
        parsed_to_row(s->parsed, r);
        pthread_mutex_unlock(&memo_mu);
        return;
    }
    pthread_mutex_unlock(&memo_mu);
    risk_reasons_parse(flags, reasons, r);
    memo_slot fresh = {h, xstrdup(flags), xstrdup(reasons), parsed_from_row(r)};
    pthread_mutex_lock(&memo_mu);
    memo_slot old = *s;
    *s = fresh;
    pthread_mutex_unlock(&memo_mu);
    free(old.flags);
    free(old.reasons);
    free(old.parsed);
}
