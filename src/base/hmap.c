/*
** base/hmap.c — a string-to-int64 hash map: linear probing, FNV-1a hashes,
** keys in one growing string pool.
*/
#include "base/hmap.h"
#include "base/mem.h"
#include <string.h>

typedef struct hmap_slot {
    uint64_t hash;       /* 0 = empty */
    size_t   key_off;    /* offset of the key in the pool */
    uint32_t key_len;
    int64_t  value;
} hmap_slot;

struct hmap {
    hmap_slot *slots;
    size_t cap, count;   /* cap is a power of two */
    char  *pool;
    size_t pool_len, pool_cap;
};

/* FNV-1a 64, never 0 (see hmap.h). */
uint64_t hmap_hash(const char *s, size_t n) {
    /* eight bytes a step: a score's reasons (some 650 bytes, hashed for
    ** risk/reasons_memo.c on every caseload row) took 4% of a key worker's
    ** home page byte by byte */
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)n, w;
    for (; n >= 8; n -= 8, s += 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 31;
    }
    w = 0;
    memcpy(&w, s, n);
    return ((h ^ w) * 0x9E3779B97F4A7C15ULL) >> 3 | 1;   /* never 0 */
}

/* An empty map; caller frees with hmap_free. */
hmap *hmap_new(void) {
    hmap *m = xcalloc(1, sizeof *m);
    m->cap = 64;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    return m;
}

/* Free the map and its keys. */
void hmap_free(hmap *m) {
    if (!m) return;
    free(m->slots);
    free(m->pool);
    free(m);
}

/* The slot for key: where it is, or the empty slot where it would go. */
static hmap_slot *hmap_find(const hmap *m, uint64_t h, const char *key, size_t n) {
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        hmap_slot *s = &m->slots[i];
        if (s->hash == 0) return s;
        if (s->hash == h && s->key_len == n && memcmp(m->pool + s->key_off, key, n) == 0)
            return s;
    }
}

/* Double the table. */
static void hmap_grow(hmap *m) {
    hmap_slot *old = m->slots;
    size_t oldcap = m->cap;
    m->cap *= 2;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    size_t mask = m->cap - 1;
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i].hash) continue;
        size_t j = old[i].hash & mask;
        while (m->slots[j].hash) j = (j + 1) & mask;
        m->slots[j] = old[i];
    }
    free(old);
}

/* Insert or replace key -> v. */
void hmap_put(hmap *m, const char *key, size_t n, int64_t v) {
    uint64_t h = hmap_hash(key, n);
    hmap_slot *s = hmap_find(m, h, key, n);
    if (s->hash) { s->value = v; return; }
    if ((m->count + 1) * 4 > m->cap * 3) {
        hmap_grow(m);
        s = hmap_find(m, h, key, n);
    }
    if (m->pool_len + n > m->pool_cap) {
        size_t cap = m->pool_cap ? m->pool_cap : 4096;
        while (cap < m->pool_len + n) cap *= 2;
        m->pool = xrealloc(m->pool, cap);
        m->pool_cap = cap;
    }
    if (n) memcpy(m->pool + m->pool_len, key, n);
    s->hash = h;
    s->key_off = m->pool_len;
    s->key_len = (uint32_t)n;
    s->value = v;
    m->pool_len += n;
    m->count++;
}

/* Look key up: 1 with *v set, or 0. */
int hmap_get(const hmap *m, const char *key, size_t n, int64_t *v) {
    const hmap_slot *s = hmap_find(m, hmap_hash(key, n), key, n);
    if (!s->hash) return 0;
    if (v) *v = s->value;
    return 1;
}

/* Number of keys. */
size_t hmap_count(const hmap *m) {
    return m->count;
}
