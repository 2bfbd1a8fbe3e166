/*
** base/buf.h — growable byte buffers.
**
** A buf owns its bytes; buf_free() releases them.  data is always
** NUL-terminated after any append, so buf_cstr() is free.
*/
#ifndef CAIRN_BASE_BUF_H
#define CAIRN_BASE_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char  *data;   /* NULL until the first append */
    size_t len;    /* bytes used, not counting the NUL */
    size_t cap;    /* bytes allocated */
    int    failed; /* 1 once a writer refused to write into b (web/html.h's
                      html_printf with a bad conversion); cleared by
                      buf_init, buf_free and buf_reset */
} buf;

#define BUF_INIT {NULL, 0, 0, 0}

void buf_init(buf *b);                               /* empty buffer */
void buf_free(buf *b);                               /* release; b is empty after */
void buf_reset(buf *b);                              /* len = 0, keep memory */
void buf_reserve(buf *b, size_t extra);              /* room for extra more bytes */
void buf_append(buf *b, const void *p, size_t n);    /* append n bytes */
void buf_puts(buf *b, const char *s);                /* append a C string */
void buf_putc(buf *b, int c);                        /* append one byte */
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *buf_cstr(buf *b);                        /* "" when empty; owned by b */
char *buf_detach(buf *b);                            /* caller frees; b is empty after */

#endif
