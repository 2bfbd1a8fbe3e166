/*
** risk/risk_keyset.c — the SQL of the attention list's orders and of its
** keyset cursors (see risk_read_internal.h): ORDER BY, and the rows after
** a cursor, in the parts that let the index risk_score_attention be
** entered at the cursor.
*/
#include "risk/risk_read_internal.h"
#include "base/mem.h"
#include <assert.h>
#include <math.h>
#include <string.h>

/* One key of an order: its SQL, 1 when it sorts descending, and which
** field of attention_cursor holds its value. */
enum { KEY_TIER, KEY_PROB, KEY_NFLAGS, KEY_FAMILY, KEY_GIVEN, KEY_GROUP, KEY_ID };
typedef struct sort_key {
    const char *sql;
    int desc, field;
} sort_key;

#define KEYS_NAME {"l.family_name", 0, KEY_FAMILY}, {"l.given_name", 0, KEY_GIVEN}, \
                  {"l.id", 0, KEY_ID}
static const sort_key keys_urgency[] = {
    {"s.tier", 1, KEY_TIER}, {"coalesce(s.probability, -1)", 1, KEY_PROB},
    {READ_NFLAGS, 1, KEY_NFLAGS}, KEYS_NAME};
static const sort_key keys_name[] = {KEYS_NAME};
static const sort_key keys_group[] = {{"coalesce(g.name, '')", 0, KEY_GROUP}, KEYS_NAME};

/* The keys of order sort into *keys; returns how many. */
static size_t sort_keys(risk_attention_sort sort, const sort_key **keys) {
    switch (sort) {
    case RISK_SORT_NAME: *keys = keys_name; return sizeof keys_name / sizeof *keys_name;
    case RISK_SORT_GROUP: *keys = keys_group; return sizeof keys_group / sizeof *keys_group;
    case RISK_SORT_URGENCY: break;
    }
    *keys = keys_urgency;
    return sizeof keys_urgency / sizeof *keys_urgency;
}

/* Append " ORDER BY ..." of f's order (see risk_read_internal.h). */
void keyset_order_sql(const risk_attention_filter *f, int back, buf *sql) {
    const sort_key *k;
    size_t n = sort_keys(f->sort, &k);
    buf_puts(sql, " ORDER BY ");
    for (size_t i = 0; i < n; i++) {
        int desc = k[i].desc ^ (f->reverse != 0) ^ (back != 0);
        buf_printf(sql, "%s%s%s", i ? ", " : "", k[i].sql, desc ? " DESC" : "");
    }
}

/* How many parts the rows after a cursor are read in (see
** risk_read_internal.h). */
int keyset_parts(const risk_attention_filter *f) {
    return f->sort == RISK_SORT_URGENCY ? 2 : 1;
}

/* Append " AND ...": part of the rows after the cursor (see
** risk_read_internal.h).  In the order by urgency, part 0 is the cursor's
** own tier: "s.tier = ? AND coalesce(s.probability, -1) <= ?" (>= going
** up) is a range of risk_score_attention, so the index is entered at the
** cursor (SQLite 3.40 does not take a row-value range (tier, probability)
** <= (?, ?) with an expression column: it walked the tier from its top),
** and the remaining keys, from the probability on, decide the ties.  Part
** 1 is every tier beyond the cursor's: all of it comes after the cursor. */
void keyset_cursor_sql(const risk_attention_filter *f, int back, int part, buf *sql,
                       int *fields, size_t *nf) {
    const sort_key *k;
    size_t n = sort_keys(f->sort, &k), from = 0;
    assert(part >= 0 && part < keyset_parts(f));
    *nf = 0;
    buf_puts(sql, " AND ");
    if (f->sort == RISK_SORT_URGENCY) {
        int desc = 1 ^ (f->reverse != 0) ^ (back != 0);
        if (part == 1) {
            buf_printf(sql, "s.tier %s ?", desc ? "<" : ">");
            fields[(*nf)++] = KEY_TIER;
            return;
        }
        buf_printf(sql, "s.tier = ? AND coalesce(s.probability, -1) %s ? AND ",
                   desc ? "<=" : ">=");
        fields[(*nf)++] = KEY_TIER;
        fields[(*nf)++] = KEY_PROB;
        from = 1;
    }
    for (size_t i = from; i < n; i++) {
        int desc = k[i].desc ^ (f->reverse != 0) ^ (back != 0);
        buf_printf(sql, "(%s %s ?", k[i].sql, desc ? "<" : ">");
        fields[(*nf)++] = k[i].field;
        if (i + 1 < n) {
            buf_printf(sql, " OR (%s = ? AND ", k[i].sql);
            fields[(*nf)++] = k[i].field;
        }
    }
    for (size_t i = from; i < n; i++) buf_puts(sql, i + 1 < n ? "))" : ")");
}

/* Bind the cursor's fields (see risk_read_internal.h). */
int keyset_cursor_bind(const attention_cursor *c, const int *fields, size_t nf, store_stmt *s,
                       int i) {
    for (size_t k = 0; k < nf; k++) {
        switch (fields[k]) {
        case KEY_TIER: store_bind_int64(s, i++, c->tier); break;
        case KEY_PROB: store_bind_double(s, i++, c->probability); break;
        case KEY_NFLAGS: store_bind_int64(s, i++, c->nflags); break;
        case KEY_FAMILY: store_bind_text(s, i++, c->family_name, (size_t)-1); break;
        case KEY_GIVEN: store_bind_text(s, i++, c->given_name, (size_t)-1); break;
        case KEY_GROUP: store_bind_text(s, i++, c->group_name, (size_t)-1); break;
        default: store_bind_int64(s, i++, c->learner_id); break;
        }
    }
    return i;
}

/* Compare two keys of field k, ascending: <0, 0, >0. */
static int key_cmp(int field, const attention_cursor *a, const attention_cursor *b) {
    switch (field) {
    case KEY_TIER: return (a->tier > b->tier) - (a->tier < b->tier);
    case KEY_PROB: return (a->probability > b->probability) - (a->probability < b->probability);
    case KEY_NFLAGS: return (a->nflags > b->nflags) - (a->nflags < b->nflags);
    case KEY_FAMILY: return strcmp(a->family_name, b->family_name);
    case KEY_GIVEN: return strcmp(a->given_name, b->given_name);
    case KEY_GROUP: return strcmp(a->group_name, b->group_name);
    default: return (a->learner_id > b->learner_id) - (a->learner_id < b->learner_id);
    }
}

/* Where a comes against b in f's order (see risk_read_internal.h). */
int keyset_cursor_cmp(const risk_attention_filter *f, const attention_cursor *a,
                      const attention_cursor *b) {
    const sort_key *k;
    size_t n = sort_keys(f->sort, &k);
    for (size_t i = 0; i < n; i++) {
        int c = key_cmp(k[i].field, a, b);
        if (c) return (k[i].desc ^ (f->reverse != 0)) ? -c : c;
    }
    return 0;
}

/* The sort keys of row r (see risk_read_internal.h). */
void keyset_cursor_of_row(const risk_attention_row *r, const char *flags, attention_cursor *c) {
    c->tier = (int64_t)r->tier;
    c->probability = isnan(r->probability) ? -1 : r->probability;
    int64_t commas = 0;   /* READ_NFLAGS, from the same text */
    for (const char *p = flags ? flags : ""; *p; p++) commas += *p == ',';
    c->nflags = flags ? commas + (strcmp(flags, "[]") != 0) : 0;
    str_copy(c->family_name, sizeof c->family_name, r->family_name);
    str_copy(c->given_name, sizeof c->given_name, r->given_name);
    str_copy(c->group_name, sizeof c->group_name, r->group_name);
    c->learner_id = r->learner_id;
}
