/*
** risk/reasons_memo.c — a score's flags and reasons as pages read them
** (risk_read.h): parsed from their stored JSON (risk_reasons_parse), once,
** and then remembered by that exact text (risk_reasons_fill).
**
** Parsing the two JSON columns of a score with jansson cost about 12 µs a
** row: 40 % of a key worker's home page, which reads every learner of the
** caseload on each visit.  The parse is a pure function of the two texts,
** so its result is kept under the texts themselves (compared whole, not
** only by hash): a remembered answer is always the answer parsing would
** give, and nothing needs invalidating after a rescore, an erasure or a
** key rotation (a changed text is another key).  The table is a
** base/memo.h table of 1024 slots, one entry each (a new text takes its
** slot from the old one); about 6 MB when full.
*/
#include "risk/risk_read.h"
#include "risk/risk_read_internal.h"
#include "base/memo.h"
#include "base/mem.h"
#include <jansson.h>
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The number member name of item, or NAN when it has none. */
static double json_number_or_nan(const json_t *item, const char *name) {
    const json_t *v = json_object_get(item, name);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Fill *f from a stored reason item; f->indicator "" when the item lacks
** its kind, indicator or value. */
static void reason_fields_read(const json_t *item, risk_reason_fields *f) {
    memset(f, 0, sizeof *f);
    const char *kind = json_string_value(json_object_get(item, "kind"));
    const char *ind = json_string_value(json_object_get(item, "indicator"));
    const char *code = json_string_value(json_object_get(item, "code"));
    double value = json_number_or_nan(item, "value");
    f->threshold = f->peer = NAN;
    if (!kind || !ind || isnan(value) || (strcmp(kind, "rule") && strcmp(kind, "model"))) return;
    f->is_rule = strcmp(kind, "rule") == 0;
    if (f->is_rule && code) str_copy(f->code, sizeof f->code, code);
    str_copy(f->indicator, sizeof f->indicator, ind);
    f->value = value;
    if (f->is_rule) f->threshold = json_number_or_nan(item, "threshold");
    f->peer = json_number_or_nan(item, "peer");
}

/* Parse a score's stored flags (a JSON array of codes) and reasons (an
** object whose "items" hold the sentences and their fields) into r's
** flags and reasons (see risk_read_internal.h); what does not parse is
** left out. */
void risk_reasons_parse(const char *flags, const char *reasons, risk_attention_row *r) {
    r->nflags = r->nreasons = 0;
    json_t *a = json_loads(flags ? flags : "[]", 0, NULL);
    for (size_t i = 0; json_is_array(a) && i < json_array_size(a) && r->nflags < RISK_RULE_COUNT;
         i++) {
        const char *c = json_string_value(json_array_get(a, i));
        if (c) str_copy(r->flag_codes[r->nflags++], sizeof r->flag_codes[0], c);
    }
    json_decref(a);
    json_t *o = json_loads(reasons ? reasons : "{}", 0, NULL);
    json_t *items = json_object_get(o, "items");
    for (size_t i = 0; json_is_array(items) && i < json_array_size(items) &&
                       r->nreasons < RISK_READ_REASONS; i++) {
        const json_t *it = json_array_get(items, i);
        const char *t = json_string_value(json_object_get(it, "text"));
        if (!t || !*t) continue;
        reason_fields_read(it, &r->reason_fields[r->nreasons]);
        str_copy(r->reason[r->nreasons++], sizeof r->reason[0], t);
    }
    json_decref(o);
}

/* What is remembered of one parse: the parsed fields of risk_attention_row. */
typedef struct memo_parsed {
    int                nflags;
    char               flag_codes[RISK_RULE_COUNT][40];
    int                nreasons;
    char               reason[RISK_READ_REASONS][RISK_REASON_MAX];
    risk_reason_fields reason_fields[RISK_READ_REASONS];
} memo_parsed;

/* The parses, under the two texts: flags, a NUL, reasons (base/memo.h). */
static memo_table parsed_memo = MEMO_TABLE(1024);

/* Copy a remembered parse into the row arg (a memo_get callback). */
static void parsed_to_row(const void *value, size_t vlen, void *arg) {
    const memo_parsed *p = value;
    risk_attention_row *r = arg;
    assert(vlen == sizeof *p);
    r->nflags = p->nflags;
    memcpy(r->flag_codes, p->flag_codes, (size_t)p->nflags * sizeof r->flag_codes[0]);
    r->nreasons = p->nreasons;
    for (int k = 0; k < p->nreasons; k++) {
        str_copy(r->reason[k], sizeof r->reason[k], p->reason[k]);
        r->reason_fields[k] = p->reason_fields[k];
    }
}

/* The parsed fields of r as a remembered parse into *p. */
static void parsed_from_row(const risk_attention_row *r, memo_parsed *p) {
    memset(p, 0, sizeof *p);
    p->nflags = r->nflags;
    memcpy(p->flag_codes, r->flag_codes, (size_t)r->nflags * sizeof p->flag_codes[0]);
    p->nreasons = r->nreasons;
    for (int k = 0; k < r->nreasons; k++) {
        str_copy(p->reason[k], sizeof p->reason[k], r->reason[k]);
        p->reason_fields[k] = r->reason_fields[k];
    }
}

/* Fill r's flags and reasons from the stored texts (see
** risk_read_internal.h). */
void risk_reasons_fill(const char *flags, const char *reasons, risk_attention_row *r) {
    assert(r);
    if (!flags) flags = "[]";
    if (!reasons) reasons = "{}";
    size_t fl = strlen(flags), rl = strlen(reasons);
    char small[2048];
    char *key = fl + 1 + rl <= sizeof small ? small : xmalloc(fl + 1 + rl);
    memcpy(key, flags, fl + 1);   /* with its NUL: the two texts cannot run together */
    memcpy(key + fl + 1, reasons, rl);
    if (!memo_get(&parsed_memo, key, fl + 1 + rl, parsed_to_row, r)) {
        risk_reasons_parse(flags, reasons, r);
        memo_parsed *p = xmalloc(sizeof *p);
        parsed_from_row(r, p);
        memo_put(&parsed_memo, key, fl + 1 + rl, p, sizeof *p);
        free(p);
    }
    if (key != small) free(key);
}
