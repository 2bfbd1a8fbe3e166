/*
** base/memo.c — remembered answers by the exact bytes of their question;
** see base/memo.h.
*/
#include "base/memo.h"
#include "base/hmap.h"
#include "base/mem.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* The slot of hash h in t. */
static memo_entry *memo_slot(memo_table *t, uint64_t h) {
    return &t->slots[h & (t->nslots - 1)];
}

/* Remembered answer of key (see memo.h). */
int memo_get(memo_table *t, const void *key, size_t klen,
             void (*use)(const void *value, size_t vlen, void *arg), void *arg) {
    assert(t && use && (key || !klen));
    uint64_t h = hmap_hash(key, klen);
    int found = 0;
    pthread_mutex_lock(&t->mu);
    if (t->slots) {
        const memo_entry *e = memo_slot(t, h);
        if (e->hash == h && e->klen == klen && memcmp(e->vk + e->vlen, key, klen) == 0) {
            use(e->vk, e->vlen, arg);
            found = 1;
        }
    }
    pthread_mutex_unlock(&t->mu);
    return found;
}

/* Remember value under key (see memo.h): the copy is made before the lock,
** the old entry freed after it. */
void memo_put(memo_table *t, const void *key, size_t klen, const void *value, size_t vlen) {
    assert(t && (key || !klen) && (value || !vlen));
    assert(t->nslots && (t->nslots & (t->nslots - 1)) == 0);
    memo_entry fresh = {hmap_hash(key, klen), klen, vlen, xmalloc(vlen + klen + 1)};
    if (vlen) memcpy(fresh.vk, value, vlen);   /* first: aligned as malloc aligns */
    if (klen) memcpy(fresh.vk + vlen, key, klen);
    memo_entry old = {0};
    pthread_mutex_lock(&t->mu);
    if (!t->slots) t->slots = xcalloc(t->nslots, sizeof *t->slots);
    memo_entry *e = memo_slot(t, fresh.hash);
    old = *e;
    *e = fresh;
    pthread_mutex_unlock(&t->mu);
    free(old.vk);
}

/* Forget everything (see memo.h). */
void memo_clear(memo_table *t) {
    assert(t);
    pthread_mutex_lock(&t->mu);
    memo_entry *slots = t->slots;
    size_t n = t->nslots;
    t->slots = NULL;
    pthread_mutex_unlock(&t->mu);
    for (size_t i = 0; slots && i < n; i++) free(slots[i].vk);
    free(slots);
}
