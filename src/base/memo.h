/*
** base/memo.h — remembered answers of a pure function, kept under the exact
** bytes of their question.
**
** A memo_table is a fixed number of slots (a power of two), one entry
** each: a question's hash picks its slot, and a new question takes the
** slot from the one there before.  A lookup compares the whole key, not
** only its hash, so a remembered answer is always the one the function
** would give; nothing needs invalidating when data changes (changed input
** is another key).  One mutex per table, held only to compare and copy.
** Used by the reasons of a score (risk/reasons_memo.c: their parse) and
** their sentences in a language (web/reasons.c: the HTML).
**
**     static memo_table parsed = MEMO_TABLE(1024);
**     if (!memo_get(&parsed, key, klen, copy_out, &row)) { compute; memo_put(...); }
*/
#ifndef CAIRN_BASE_MEMO_H
#define CAIRN_BASE_MEMO_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct memo_entry {
    uint64_t       hash;   /* 0 = empty */
    size_t         klen, vlen;
    unsigned char *vk;     /* the value's vlen bytes (aligned for any type), then the key's */
} memo_entry;

typedef struct memo_table {
    pthread_mutex_t mu;
    size_t          nslots;   /* a power of two */
    memo_entry     *slots;    /* allocated at the first memo_put */
} memo_table;

/* A static table of n slots (n a power of two). */
#define MEMO_TABLE(n) {PTHREAD_MUTEX_INITIALIZER, (n), NULL}

/* When key (klen bytes) is remembered: call use(value, vlen, arg) with the
** table locked (use must not call into the same table) and return 1; else
** return 0 and call nothing. */
int memo_get(memo_table *t, const void *key, size_t klen,
             void (*use)(const void *value, size_t vlen, void *arg), void *arg);

/* Remember value (vlen bytes, copied) under key (klen bytes, copied),
** replacing whatever held the key's slot. */
void memo_put(memo_table *t, const void *key, size_t klen, const void *value, size_t vlen);

/* Forget everything t holds and free its slots (for tests). */
void memo_clear(memo_table *t);

#endif
