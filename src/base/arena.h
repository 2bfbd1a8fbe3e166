/*
** base/arena.h — region allocation for requests and jobs.
**
** Everything allocated from an arena is freed at once by arena_reset() or
** arena_free(); never free() a pointer that came from here.
*/
#ifndef CAIRN_BASE_ARENA_H
#define CAIRN_BASE_ARENA_H
#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(size_t block_size);          /* 0 = default 64 KiB; free with arena_free */
void   arena_free(arena *a);                  /* release all blocks and the arena */
void   arena_reset(arena *a);                 /* forget all allocations, keep first block */
void  *arena_alloc(arena *a, size_t n);       /* n bytes, 16-aligned, owned by a */
void  *arena_zalloc(arena *a, size_t n);      /* same, zeroed */
char  *arena_strndup(arena *a, const char *s, size_t n);  /* owned by a */
char  *arena_strdup(arena *a, const char *s);             /* owned by a */
char  *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t arena_bytes(const arena *a);           /* bytes held in blocks (for measuring) */

/* Call fn(p) when a is reset or freed (last registered, first called): for
** memory or handles a request or job owns that did not come from a.  fn
** must not be NULL; p may be. */
void   arena_defer(arena *a, void (*fn)(void *), void *p);

#endif
