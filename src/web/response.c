/*
** web/response.c — filling the answer: defaults, the CSP nonce, cookies,
** redirects, and the HTML and JSON error answers.
*/
#include "web/server.h"
#include "base/crypto.h"
#include "web/html.h"
#include "web/i18n.h"
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Set res to the defaults: 200, HTML, not cacheable, empty body. */
void web_response_init(web_response *res) {
    memset(res, 0, sizeof *res);
    res->status = 200;
    res->content_type = "text/html; charset=utf-8";
    buf_init(&res->body);
}

/* res's Content-Security-Policy nonce: 22 characters of base64url from 16
** random bytes, made on first use and kept in res (see server.h). */
const char *web_response_nonce(web_response *res) {
    if (!res->nonce[0]) {
        unsigned char raw[16];
        crypto_random_bytes(raw, sizeof raw);
        static const char b64[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        uint64_t acc = 0;
        int bits = 0, k = 0;
        for (size_t i = 0; i < sizeof raw; i++) {
            acc = (acc << 8) | raw[i];
            bits += 8;
            while (bits >= 6 && k < (int)sizeof res->nonce - 1) {
                bits -= 6;
                res->nonce[k++] = b64[(acc >> bits) & 63];
            }
        }
        if (bits > 0 && k < (int)sizeof res->nonce - 1) res->nonce[k++] = b64[(acc << (6 - bits)) & 63];
        res->nonce[k] = 0;
    }
    return res->nonce;
}

/* Free what res holds (its body). */
void web_response_free(web_response *res) {
    buf_free(&res->body);
}

/* Replace res with an HTML error page: status, title as heading, message,
** and a link to the start page.  title and message are msgids
** (web/i18n.h), shown in the language of the request being answered. */
void web_error_page(web_response *res, int status, const char *title, const char *message) {
    const i18n_lang *L = i18n_current();
    buf_reset(&res->body);
    res->static_body = NULL;
    res->static_len = 0;
    res->status = status;
    res->content_type = "text/html; charset=utf-8";
    res->cache = WEB_CACHE_NONE;
    html_page_begin(&res->body, L->code, T(L, title));
    html_printf(&res->body, "<h1>%T</h1>\n<p>%T</p>\n<p><a href=\"/\">%T</a></p>\n",
                T(L, title), T(L, message), T(L, "Go to the start page"));
    html_page_end(&res->body);
}

/* 1 for a path of the JSON API. */
int web_path_is_api(const char *path) {
    return path && strncmp(path, "/api/", 5) == 0;
}

/* The length of the valid UTF-8 sequence at s (n > 0 bytes left), or 0
** when it is malformed, overlong, a surrogate or beyond U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    if (s[0] < 0x80) return 1;
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (!len || len > n || s[0] > 0xF4) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
        return 0;
    return len;
}

/* text as valid UTF-8 in a new malloc'd string (the caller frees): every
** byte that does not begin a valid sequence becomes U+FFFD, so a message
** is never lost to a bad byte.  NULL stays "". */
static char *utf8_clean(const char *text) {
    buf b = BUF_INIT;   /* not HTML: a message for a JSON string */
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t n = strlen((const char *)s);
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len(s + i, n - i);
        if (k) buf_append(&b, s + i, k);          /* not HTML: as above */
        else buf_puts(&b, "\xEF\xBF\xBD");        /* not HTML: U+FFFD */
        i += k ? k : 1;
    }
    return buf_detach(&b);
}

/* Replace res with a JSON error object (see server.h).  A message that is
** not valid UTF-8 is repaired (utf8_clean) rather than dropped. */
void web_error_json(web_response *res, int status, const char *code, const char *message) {
    buf_reset(&res->body);
    res->static_body = NULL;
    res->static_len = 0;
    res->status = status;
    res->content_type = "application/json";
    res->cache = WEB_CACHE_NONE;
    char *clean = utf8_clean(message);
    json_t *o = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", clean);
    free(clean);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    /* not HTML: a JSON document from jansson */
    buf_puts(&res->body, text ? text : "{\"error\":{\"code\":\"internal\",\"message\":\"\"}}");
    free(text);
    json_decref(o);
}

/* Add a Set-Cookie value to res (see server.h). */
void web_response_cookie(web_response *res, const char *value) {
    if (res->ncookies < WEB_COOKIES_MAX) res->cookies[res->ncookies++] = value;
}

/* A 303 to location with a small page linking it (see server.h). */
void web_redirect(web_response *res, const char *location) {
    buf_reset(&res->body);
    res->static_body = NULL;
    res->static_len = 0;
    res->status = 303;
    res->content_type = "text/html; charset=utf-8";
    res->location = location;
    const i18n_lang *L = i18n_current();
    html_page_begin(&res->body, L->code, T(L, "Redirect"));
    html_printf(&res->body, "<p><a href=\"%A\">%T</a></p>\n", location, T(L, "Continue"));
    html_page_end(&res->body);
}
