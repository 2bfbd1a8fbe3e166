/*
** web/html.h — the only way to write HTML.
**
** Every byte of a page goes into a buf through one of these writers, and
** each writer knows the context it writes into:
**
**   html_text(b, s)            element content    & < > " '  -> entities
**   html_attr(b, name, value)  ` name="value"`    same escaping, quoted
**   html_url_param(b, s)       one URL component  everything but A-Za-z0-9-._~
**                                                 is percent-encoded
**   html_json(b, s)            a JSON string      "..." with < > & ' U+2028
**                                                 U+2029 as \uXXXX, safe in a
**                                                 <script type=application/json>
**
** Text and attribute writers also replace invalid UTF-8 and control
** characters (other than tab, LF, CR) with U+FFFD, so no input can change
** how a browser decodes the page.
**
** html_printf() is the convenient form.  THE RULE: the format string is a
** compile-time constant written by us and is copied as trusted HTML; every
** value arrives through a typed conversion and is escaped for its context.
** There is no conversion that copies a runtime string raw:
**
**   %T   const char *  text-escaped (element content)      NULL prints nothing
**   %A   const char *  attribute-escaped; the template supplies the quotes:
**                      <td title="%A">
**   %U   const char *  percent-encoded URL component: <a href="/groups?q=%U">
**   %J   const char *  JSON string literal including its quotes
**   %d %ld %lld        int, long, long long    (flags '-' '0' and a width allowed,
**   %u %lu %llu %zu    unsigned variants        e.g. %04d)
**   %f                 double; precision allowed (%.1f), width and flags too
**   %%                 a literal '%'
**
** Anything else ('%s', '%p', '%*d', '%H', a flag on %T ...) is a programming
** error: the whole call writes nothing, marks the buffer failed (b->failed:
** the router then answers that request with a 500 and the server keeps
** serving), returns -1 and calls the format error handler, which logs it
** (and aborts in the sanitizer build).  '%H' is reserved
** for a future "trusted constant template" conversion and is deliberately
** not implemented.
**
** The rule is checked at test time by scripts/lint/writers.py (run by
** tests/cli/test_html_writers.sh over every .c file under src/web): it
** refuses a raw buf_ write not marked with a "not HTML: why" comment, a
** format that is not a literal or a T() msgid, a conversion not listed
** above, a missing or extra argument, and an argument of a known wrong type.
**
** URLs in href/src: build them from a constant path in the template and %U
** for each variable part.  Never put a runtime-supplied whole URL in an
** href (a "javascript:" URL survives attribute escaping).
**
** Nothing here allocates except through the buf; b owns everything written.
*/
#ifndef CAIRN_WEB_HTML_H
#define CAIRN_WEB_HTML_H
#include "base/buf.h"
#include <stdarg.h>
#include <stddef.h>

/* Append s escaped for element content.  NULL appends nothing. */
void html_text(buf *b, const char *s);
/* Same for the first n bytes of s. */
void html_text_n(buf *b, const char *s, size_t n);

/* Append s escaped for use inside a quoted attribute value (no quotes). */
void html_attr_value(buf *b, const char *s);

/* Append ` name="value"` with value escaped.  name must be a constant
** attribute name ([A-Za-z0-9_:-]+); any other name is a programming error
** and appends nothing.  A NULL value appends nothing (attribute omitted). */
void html_attr(buf *b, const char *name, const char *value);

/* Append s percent-encoded as one URL component (path segment or query
** value): every byte outside A-Z a-z 0-9 - . _ ~ becomes %XX. */
void html_url_param(buf *b, const char *s);

/* Append s as a JSON string literal, quotes included, safe inside a
** <script> element and inside an attribute.  NULL appends null. */
void html_json(buf *b, const char *s);

/* Append n bytes of HTML that the writers above wrote earlier in this
** process and that were kept as they were (a remembered fragment: the
** sentences of web/reasons.c).  Never for text from outside: it is not
** escaped again. */
void html_replay(buf *b, const char *html, size_t n);

/* Typed printf; see the rule above.  Returns 0, or -1 (and appends nothing)
** when fmt holds a conversion that is not allowed. */
int html_printf(buf *b, const char *fmt, ...);
int html_vprintf(buf *b, const char *fmt, va_list ap);

/* Called with the format and the position of the offending conversion when
** html_printf meets a bad conversion.  The default prints one line to
** stderr, and aborts in the sanitizer build (ASan) only.
** html_set_format_error() installs fn (NULL = the default) and returns the
** previous handler; meant for tests, not thread-safe. */
typedef void (*html_format_error_fn)(const char *fmt, const char *at);
html_format_error_fn html_set_format_error(html_format_error_fn fn);

/* Start a page: doctype, <html lang>, charset, viewport, title, the
** stylesheet /assets/cairn.css, a skip link, a header with the name of the
** application, and open <main id="main">.  lang is a BCP 47 tag such as
** "en" ("en" if NULL or malformed); title is text.  Finish with
** html_page_end(). */
void html_page_begin(buf *b, const char *lang, const char *title);
/* The same with the skip link going to the element whose id is skip_id (a
** constant, "list" on the pages that lead with a list; it must be there
** and take focus: tabindex="-1"). */
void html_page_begin_skip(buf *b, const char *lang, const char *title, const char *skip_id);
/* Close <main>, add the footer, close the page. */
void html_page_end(buf *b);

/* The built-in stylesheet served at /assets/cairn.css: a static string
** compiled into the program (never freed); *len gets its length. */
const char *html_asset_css(size_t *len);

#endif
