/*
** web/html.c — escaping writers typed by context, the typed printf, the page
** frame and the built-in stylesheet.  See html.h for the rule.
*/
#include "web/html.h"
#include "web/i18n.h"
#include "base/mem.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ------------------------------------------------------------- */

static const char REPLACEMENT[] = "\xEF\xBF\xBD";   /* U+FFFD */

/* Length (1..4) of the well-formed UTF-8 sequence at s, which has n bytes
** left, or 0 if the bytes there are not well-formed (stray continuation,
** overlong form, surrogate, beyond U+10FFFF, truncated). */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;               /* range of the 2nd byte */
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) { len = 3; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) { len = 3; hi = 0x9F; }  /* no surrogates */
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) { len = 4; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) { len = 4; hi = 0x8F; }
    else return 0;
    if (n < len) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return len;
}

/* ---- text and attributes ------------------------------------------------ */

/* The entity for byte c in text/attribute context, or NULL if c is copied
** as is.  Control characters other than tab, LF and CR become U+FFFD. */
static const char *html_entity(unsigned char c) {
    switch (c) {
    case '&':  return "&amp;";
    case '<':  return "&lt;";
    case '>':  return "&gt;";
    case '"':  return "&quot;";
    case '\'': return "&#39;";
    case '\t': case '\n': case '\r': return NULL;
    default:
        if (c < 0x20 || c == 0x7F) return REPLACEMENT;
        return NULL;
    }
}

/* Append the first n bytes of s escaped for text or a quoted attribute
** value (the same escaping serves both).  Runs of safe bytes are copied in
** one go. */
void html_text_n(buf *b, const char *s, size_t n) {
    if (!s) return;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    const unsigned char *run = p;
    while (p < end) {
        if (*p < 0x80) {
            const char *ent = html_entity(*p);
            if (!ent) { p++; continue; }
            buf_append(b, run, (size_t)(p - run));
            buf_puts(b, ent);
            run = ++p;
        } else {
            size_t len = utf8_len(p, (size_t)(end - p));
            if (len) { p += len; continue; }
            buf_append(b, run, (size_t)(p - run));
            buf_puts(b, REPLACEMENT);
            run = ++p;
        }
    }
    buf_append(b, run, (size_t)(p - run));
}

/* Append s escaped for element content; NULL appends nothing. */
void html_text(buf *b, const char *s) {
    if (s) html_text_n(b, s, strlen(s));
}

/* Append s escaped for a quoted attribute value; NULL appends nothing. */
void html_attr_value(buf *b, const char *s) {
    if (s) html_text_n(b, s, strlen(s));
}

/* 1 if name is a plausible constant attribute name. */
static int attr_name_ok(const char *name) {
    if (!name || !*name) return 0;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':'))
            return 0;
    }
    return 1;
}

/* Append ` name="escaped value"`; nothing if value is NULL or the name is
** not a plain attribute name. */
void html_attr(buf *b, const char *name, const char *value) {
    if (!value || !attr_name_ok(name)) return;
    buf_putc(b, ' ');
    buf_puts(b, name);
    buf_puts(b, "=\"");
    html_attr_value(b, value);
    buf_putc(b, '"');
}

/* ---- URLs ------------------------------------------------------------------ */

/* Append s percent-encoded as one URL component (RFC 3986 unreserved
** characters kept, every other byte as %XX with upper-case hex). */
void html_url_param(buf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    if (!s) return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
            buf_putc(b, c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_append(b, e, 3);
        }
    }
}

/* ---- JSON ------------------------------------------------------------------ */

/* Append s as a JSON string literal with quotes.  Besides what JSON needs
** (quote, backslash, control characters), < > & ' and U+2028/U+2029 are
** written as \u escapes so the literal cannot end a <script> element, open
** a comment, or break a JavaScript parser; invalid UTF-8 becomes \ufffd.
** NULL appends the JSON literal null. */
void html_json(buf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    if (!s) { buf_puts(b, "null"); return; }
    size_t n = strlen(s);
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    buf_putc(b, '"');
    while (p < end) {
        unsigned char c = *p;
        if (c < 0x80) {
            switch (c) {
            case '"':  buf_puts(b, "\\\""); break;
            case '\\': buf_puts(b, "\\\\"); break;
            case '\b': buf_puts(b, "\\b"); break;
            case '\f': buf_puts(b, "\\f"); break;
            case '\n': buf_puts(b, "\\n"); break;
            case '\r': buf_puts(b, "\\r"); break;
            case '\t': buf_puts(b, "\\t"); break;
            default:
                if (c < 0x20 || c == 0x7F || c == '<' || c == '>' || c == '&' || c == '\'') {
                    char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                    buf_append(b, e, 6);
                } else {
                    buf_putc(b, c);
                }
            }
            p++;
            continue;
        }
        size_t len = utf8_len(p, (size_t)(end - p));
        if (!len) {
            buf_puts(b, "\\ufffd");
            p++;
        } else if (len == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
            buf_puts(b, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
            p += 3;
        } else {
            buf_append(b, p, len);
            p += len;
        }
    }
    buf_putc(b, '"');
}

/* ---- typed printf ---------------------------------------------------------- */

/* 1 in the sanitizer build, where a bad conversion stops the program. */
#if defined(__SANITIZE_ADDRESS__)
#define HTML_FORMAT_ERROR_FATAL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HTML_FORMAT_ERROR_FATAL 1
#endif
#endif

/* The default format error handler: a bad conversion is a bug in our code.
** The buffer is marked failed (the router answers that request with a
** 500 and the server goes on); the line goes to stderr; the sanitizer
** build stops, so the tests find it. */
static void html_format_error_default(const char *fmt, const char *at) {
    fprintf(stderr, "html_printf: conversion \"%.6s\" is not allowed in format \"%s\"\n",
            at, fmt);
#ifdef HTML_FORMAT_ERROR_FATAL
    abort();
#endif
}

static html_format_error_fn format_error = html_format_error_default;

/* Install fn as the format error handler (NULL restores the default);
** returns the previous one. */
html_format_error_fn html_set_format_error(html_format_error_fn fn) {
    html_format_error_fn old = format_error;
    format_error = fn ? fn : html_format_error_default;
    return old;
}

/* Append fmt with each typed conversion replaced by its escaped argument
** (see html.h).  On a bad conversion b is left exactly as it was, the error
** handler runs, and -1 is returned. */
int html_vprintf(buf *b, const char *fmt, va_list ap) {
    size_t start = b->len;
    const char *p = fmt;
    while (*p) {
        if (*p != '%') {
            const char *q = strchr(p, '%');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            buf_append(b, p, n);
            p += n;
            continue;
        }
        const char *at = p++;
        if (*p == '%') { buf_putc(b, '%'); p++; continue; }

        int minus = 0, zero = 0, width = -1, prec = -1, lng = 0, size = 0;
        for (; *p == '-' || *p == '0'; p++) {
            if (*p == '-') minus = 1; else zero = 1;
        }
        if (*p >= '1' && *p <= '9') {
            width = 0;
            while (*p >= '0' && *p <= '9' && width <= 64) width = width * 10 + (*p++ - '0');
            if (width > 64) goto bad;
        }
        if (*p == '.') {
            p++;
            prec = 0;
            while (*p >= '0' && *p <= '9' && prec <= 20) prec = prec * 10 + (*p++ - '0');
            if (prec > 20) goto bad;
        }
        if (*p == 'l') { lng = 1; p++; if (*p == 'l') { lng = 2; p++; } }
        else if (*p == 'z') { size = 1; p++; }
        int decorated = minus || zero || width >= 0 || prec >= 0 || lng || size;
        if (width < 0) width = 0;

        switch (*p) {
        case 'T': case 'A': case 'U': case 'J': {
            if (decorated) goto bad;
            const char *s = va_arg(ap, const char *);
            if (*p == 'U') html_url_param(b, s);
            else if (*p == 'J') html_json(b, s);
            else if (s) html_text_n(b, s, strlen(s));
            break;
        }
        case 'd': {
            if (prec >= 0 || size) goto bad;
            long long v = lng == 2 ? va_arg(ap, long long)
                        : lng == 1 ? (long long)va_arg(ap, long)
                        : (long long)va_arg(ap, int);
            if (!width) {   /* the common case, without printf */
                char digits[STR_UINT_MAX];
                if (v < 0) buf_putc(b, '-');
                size_t nd = str_uint(v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v,
                                     digits);
                buf_append(b, digits, nd);
            } else if (minus) buf_printf(b, "%-*lld", width, v);
            else if (zero) buf_printf(b, "%0*lld", width, v);
            else buf_printf(b, "%*lld", width, v);
            break;
        }
        case 'u': {
            if (prec >= 0) goto bad;
            unsigned long long v = size ? (unsigned long long)va_arg(ap, size_t)
                                 : lng == 2 ? va_arg(ap, unsigned long long)
                                 : lng == 1 ? (unsigned long long)va_arg(ap, unsigned long)
                                 : (unsigned long long)va_arg(ap, unsigned);
            if (!width) {
                char digits[STR_UINT_MAX];
                buf_append(b, digits, str_uint(v, digits));
            } else if (minus) buf_printf(b, "%-*llu", width, v);
            else if (zero) buf_printf(b, "%0*llu", width, v);
            else buf_printf(b, "%*llu", width, v);
            break;
        }
        case 'f': {
            if (lng || size) goto bad;
            double v = va_arg(ap, double);
            if (prec < 0) prec = 6;
            if (minus) buf_printf(b, "%-*.*f", width, prec, v);
            else if (zero) buf_printf(b, "%0*.*f", width, prec, v);
            else buf_printf(b, "%*.*f", width, prec, v);
            break;
        }
        default:
            goto bad;
        }
        p++;
        continue;
    bad:
        b->len = start;
        if (b->data) b->data[start] = 0;
        b->failed = 1;          /* the router answers 500 for this request */
        format_error(fmt, at);
        return -1;
    }
    return 0;
}

/* Typed printf; see html.h. */
int html_printf(buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = html_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

/* ---- the page frame ---------------------------------------------------- */

/* 1 if lang looks like a BCP 47 tag: a letter first, then letters, digits
** and hyphens, at most 35 bytes. */
static int lang_ok(const char *lang) {
    if (!lang) return 0;
    size_t n = strlen(lang);
    if (n < 2 || n > 35) return 0;
    if (!((lang[0] >= 'a' && lang[0] <= 'z') || (lang[0] >= 'A' && lang[0] <= 'Z'))) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = lang[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    return 1;
}

/* Open an HTML5 page (see html.h); the title shows as "title — cairn".
** The frame's own text is in the language of lang (English if that is
** not one of web/i18n.h's), with dir="rtl" for a right-to-left one. */
void html_page_begin(buf *b, const char *lang, const char *title) {
    html_page_begin_skip(b, lang, title, "main");
}

/* html_page_begin with the skip link pointing at the element whose id is
** skip_id (a constant; see html.h). */
void html_page_begin_skip(buf *b, const char *lang, const char *title, const char *skip_id) {
    const char *tag = lang_ok(lang) ? lang : "en";
    const i18n_lang *l = i18n_find(tag);
    if (!l) l = i18n_default();
    html_printf(b, "<!DOCTYPE html>\n<html lang=\"%A\"", tag);
    if (l->rtl) html_printf(b, " dir=\"rtl\"");
    html_printf(b,
        ">\n"
        "<head>\n"
        "<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    if (title && *title)
        html_printf(b, "<title>%T \xE2\x80\x94 cairn</title>\n", title);
    else
        html_printf(b, "<title>cairn</title>\n");
    html_printf(b,
        "<link rel=\"stylesheet\" href=\"/assets/cairn.css\">\n"
        "</head>\n"
        "<body>\n"
        "<a class=\"skip\" href=\"#%A\">%T</a>\n"
        "<header class=\"site\"><a class=\"brand\" href=\"/\">cairn</a></header>\n"
        "<main id=\"main\" tabindex=\"-1\">\n",
        skip_id, strcmp(skip_id, "main") ? T(l, "Skip to the list") : T(l, "Skip to main content"));
}

/* The language of the page in b, read back from the <html lang="..."> that
** html_page_begin() wrote at its start; the current request's if b does
** not start that way. */
static const i18n_lang *page_lang(const buf *b) {
    static const char head[] = "<!DOCTYPE html>\n<html lang=\"";
    size_t hl = sizeof head - 1;
    if (b->data && b->len > hl && memcmp(b->data, head, hl) == 0) {
        char tag[40];
        size_t n = 0;
        while (n < sizeof tag - 1 && hl + n < b->len && b->data[hl + n] != '"') {
            tag[n] = b->data[hl + n];
            n++;
        }
        tag[n] = 0;
        const i18n_lang *l = i18n_find(tag);
        return l ? l : i18n_default();
    }
    return i18n_current();
}

/* Close the page opened by html_page_begin(), in the page's language. */
void html_page_end(buf *b) {
    html_printf(b,
        "</main>\n"
        "<footer class=\"site\"><p>cairn"
#ifdef CAIRN_VERSION
        " " CAIRN_VERSION
#endif
        " \xE2\x80\x94 %T</p></footer>\n"
        "</body>\n"
        "</html>\n",
        T(page_lang(b), "helping every learner stay"));
}

/* ---- the stylesheet -------------------------------------------------------- */

/* The stylesheet, src/web/assets/cairn.css, embedded at build time by
** tools/mkpages.c (build/gen/assets.c). */
extern const char web_asset_cairn_css[];
extern const size_t web_asset_cairn_css_len;

/* The built-in stylesheet (static; never freed). */
const char *html_asset_css(size_t *len) {
    if (len) *len = web_asset_cairn_css_len;
    return web_asset_cairn_css;
}

/* Append a fragment these writers wrote earlier (see html.h). */
void html_replay(buf *b, const char *html, size_t n) {
    assert(b && (html || !n));
    buf_append(b, html, n);
}
