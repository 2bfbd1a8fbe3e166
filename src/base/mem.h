/*
** base/mem.h — allocation that never returns NULL.
**
** cairn treats running out of memory as fatal: the x* functions print one
** line to stderr and abort.  Everything they return is freed with free().
*/
#ifndef CAIRN_BASE_MEM_H
#define CAIRN_BASE_MEM_H
#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);             /* malloc or abort; caller frees */
void *xcalloc(size_t n, size_t sz);  /* zeroed; caller frees */
void *xrealloc(void *p, size_t n);   /* realloc or abort */
char *xstrdup(const char *s);        /* copy of s; caller frees */
char *xstrndup(const char *s, size_t n); /* copy of s[0..n) plus NUL; caller frees */
/* Copy src (NULL = "") into dst of cap bytes (cap > 0), cut at a UTF-8
** character boundary when it does not fit; dst is always NUL-terminated. */
void  str_copy(char *dst, size_t cap, const char *src);
/* "given family" into dst (cap bytes, cut at a character boundary like
** str_copy); NULL counts as "".  What snprintf "%s %s" gave, without its
** format machinery (a page joins hundreds of names). */
void  str_full_name(char *dst, size_t cap, const char *given, const char *family);
/* The decimal digits of v into out (NUL-terminated); returns their number.
** What snprintf's "%llu" gives, without its format machinery (pages write
** thousands of numbers and dates). */
#define STR_UINT_MAX 21
size_t str_uint(unsigned long long v, char out[STR_UINT_MAX]);

#endif
