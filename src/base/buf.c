/*
** base/buf.c — growable byte buffers.
*/
#include "base/buf.h"
#include "base/mem.h"
#include <stdio.h>
#include <string.h>

/* Make b an empty buffer that owns nothing. */
void buf_init(buf *b) {
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

/* Release b's memory; b is empty and reusable after. */
void buf_free(buf *b) {
    free(b->data);
    buf_init(b);
}

/* Forget the contents but keep the allocation. */
void buf_reset(buf *b) {
    b->len = 0;
    b->failed = 0;
    if (b->data) b->data[0] = 0;
}

/* Ensure room for extra more bytes plus the terminating NUL. */
void buf_reserve(buf *b, size_t extra) {
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

/* Append n bytes from p. */
void buf_append(buf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

/* Append the NUL-terminated string s. */
void buf_puts(buf *b, const char *s) {
    buf_append(b, s, strlen(s));
}

/* Append one byte. */
void buf_putc(buf *b, int c) {
    buf_reserve(b, 1);
    b->data[b->len++] = (char)c;
    b->data[b->len] = 0;
}

/* Append printf-style formatted text (va_list form). */
void buf_vprintf(buf *b, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) { va_end(ap2); return; }
    if ((size_t)n < sizeof small) {
        buf_append(b, small, (size_t)n);
    } else {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

/* Append printf-style formatted text. */
void buf_printf(buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* The contents as a C string ("" when empty); owned by b. */
const char *buf_cstr(buf *b) {
    return b->data ? b->data : "";
}

/* Hand the contents to the caller, who frees them; b becomes empty. */
char *buf_detach(buf *b) {
    char *p = b->data ? b->data : xstrdup("");
    buf_init(b);
    return p;
}
