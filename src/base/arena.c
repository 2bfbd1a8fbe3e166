/*
** base/arena.c — region allocation: a chain of blocks, bump-pointer inside.
*/
#include "base/arena.h"
#include "base/mem.h"
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct arena_block {
    struct arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} arena_block;

typedef struct arena_cleanup {
    struct arena_cleanup *next;
    void (*fn)(void *);
    void *p;
} arena_cleanup;

struct arena {
    arena_block *head;    /* current block; older blocks follow */
    size_t block_size;
    arena_cleanup *cleanups;  /* arena_defer(), newest first; in the blocks */
};

/* Run and forget the deferred calls of a, newest first. */
static void arena_run_cleanups(arena *a) {
    while (a->cleanups) {
        arena_cleanup *c = a->cleanups;
        a->cleanups = c->next;
        c->fn(c->p);
    }
}

/* A new block with room for at least n bytes. */
static arena_block *arena_block_new(size_t n) {
    arena_block *b = xmalloc(sizeof *b + n);
    b->next = NULL;
    b->size = n;
    b->used = 0;
    return b;
}

/* Create an arena whose blocks are block_size bytes (0 = 64 KiB). */
arena *arena_new(size_t block_size) {
    arena *a = xmalloc(sizeof *a);
    a->block_size = block_size ? block_size : 64 * 1024;
    a->head = arena_block_new(a->block_size);
    a->cleanups = NULL;
    return a;
}

/* Free every block and the arena itself. */
void arena_free(arena *a) {
    if (!a) return;
    arena_run_cleanups(a);
    arena_block *b = a->head;
    while (b) {
        arena_block *n = b->next;
        free(b);
        b = n;
    }
    free(a);
}

/* Drop all allocations; keeps one standard-size block for reuse (oversized
** blocks are freed). */
void arena_reset(arena *a) {
    arena_run_cleanups(a);
    arena_block *keep = NULL, *b = a->head;
    while (b) {
        arena_block *n = b->next;
        if (!keep && b->size == a->block_size) keep = b;
        else free(b);
        b = n;
    }
    if (!keep) keep = arena_block_new(a->block_size);
    keep->next = NULL;
    keep->used = 0;
    a->head = keep;
}

/* n bytes aligned to 16, valid until the arena is reset or freed. */
void *arena_alloc(arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    arena_block *b = a->head;
    if (b->size - b->used < n) {
        size_t sz = n > a->block_size ? n : a->block_size;
        arena_block *nb = arena_block_new(sz);
        /* Keep the big block behind the current one when it is oversized, so
        ** the current block's free space is not wasted. */
        if (n > a->block_size && b->size - b->used > 0) {
            nb->next = b->next;
            b->next = nb;
            nb->used = n;
            return nb->data;
        }
        nb->next = b;
        a->head = b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

/* Zeroed arena memory. */
void *arena_zalloc(arena *a, size_t n) {
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

/* Copy of s[0..n) plus NUL, owned by a. */
char *arena_strndup(arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* Copy of the C string s, owned by a. */
char *arena_strdup(arena *a, const char *s) {
    return arena_strndup(a, s, strlen(s));
}

/* printf into arena memory. */
char *arena_printf(arena *a, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

/* Total bytes held by the arena's blocks. */
size_t arena_bytes(const arena *a) {
    size_t n = 0;
    for (const arena_block *b = a->head; b; b = b->next) n += b->size;
    return n;
}

/* Register fn(p) to run when a is reset or freed. */
void arena_defer(arena *a, void (*fn)(void *), void *p) {
    assert(a && fn);
    arena_cleanup *c = arena_alloc(a, sizeof *c);
    c->fn = fn;
    c->p = p;
    c->next = a->cleanups;
    a->cleanups = c;
}
