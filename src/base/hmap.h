/*
** base/hmap.h — a string-to-int64 hash map (open addressing).
**
** Used to resolve a school's own identifiers ("L000123") to cairn's ids
** without a database round trip per row.  Keys are copied into the map.
*/
#ifndef CAIRN_BASE_HMAP_H
#define CAIRN_BASE_HMAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct hmap hmap;

hmap  *hmap_new(void);                                   /* free with hmap_free */
void   hmap_free(hmap *m);
/* Set key (n bytes) to v, replacing any old value. */
void   hmap_put(hmap *m, const char *key, size_t n, int64_t v);
/* 1 and *v set if key is present, else 0. */
int    hmap_get(const hmap *m, const char *key, size_t n, int64_t *v);
size_t hmap_count(const hmap *m);
/* The map's hash of n bytes at s (never 0), for other tables too (the
** reasons memo, the SQLite statement cache). */
uint64_t hmap_hash(const char *s, size_t n);

#endif
