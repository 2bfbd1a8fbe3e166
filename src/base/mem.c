/*
** base/mem.c — allocation that never returns NULL.
*/
#include "base/mem.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Report an allocation failure and stop: there is no sane way on. */
static void mem_die(size_t n) {
    fprintf(stderr, "cairn: out of memory (asked for %zu bytes)\n", n);
    abort();
}

/* malloc(n), aborting on failure; caller frees. */
void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) mem_die(n);
    return p;
}

/* calloc(n, sz), aborting on failure; caller frees. */
void *xcalloc(size_t n, size_t sz) {
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p) mem_die(n * sz);
    return p;
}

/* realloc(p, n), aborting on failure; caller frees the result. */
void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) mem_die(n);
    return q;
}

/* Copy of the NUL-terminated string s; caller frees. */
char *xstrdup(const char *s) {
    return xstrndup(s, strlen(s));
}

/* Copy of the first n bytes of s, NUL-terminated; caller frees. */
char *xstrndup(const char *s, size_t n) {
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* Copy src (NULL = "") into dst of cap bytes, cut at a UTF-8 boundary. */
void str_copy(char *dst, size_t cap, const char *src) {
    if (!src) src = "";
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--;
    }
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* The decimal digits of v (see mem.h). */
size_t str_uint(unsigned long long v, char out[STR_UINT_MAX]) {
    char tmp[STR_UINT_MAX];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
    return n;
}

/* "given family" (see mem.h). */
void str_full_name(char *dst, size_t cap, const char *given, const char *family) {
    assert(dst && cap > 0);
    str_copy(dst, cap, given);
    size_t n = strlen(dst);
    if (n + 1 >= cap) return;
    dst[n++] = ' ';
    str_copy(dst + n, cap - n, family);
}
