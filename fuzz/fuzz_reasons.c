/*
** fuzz/fuzz_reasons.c — libFuzzer target for the reasons of a flag
** (web/reasons.h): reading a stored reasons document and writing every
** sentence in every language.
**
** The input is the JSON text (cut at its first NUL).  For every input it
** checks:
**  1. page_reasons_parse never crashes and reads 0 .. max items; every
**     field it filled is NUL-terminated within its array;
**  2. every sentence, in every language, is valid UTF-8 without a NUL, and
**     outside the lang="en" wrapper of the stored text holds no markup: a
**     '<' or '&' that is not an entity would be an escaping bug.
*/
#include "base/buf.h"
#include "web/i18n.h"
#include "web/reasons.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop with a message: libFuzzer reports it as a crash with the input. */
static void die(const char *what) {
    fprintf(stderr, "fuzz_reasons: %s\n", what);
    abort();
}

/* 1 if s (n bytes) is well-formed UTF-8 without a NUL. */
static int utf8_ok(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t len = c >= 0x01 && c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2
                   : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!len || i + len > n) return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += len;
    }
    return 1;
}

/* Check that a sentence holds no markup but the English wrapper, and every
** '&' starts an entity. */
static void check_markup(const char *s) {
    static const char *const wrappers[] = {"<span lang=\"en\" dir=\"ltr\">", "<span lang=\"en\">"};
    size_t n = strlen(s);
    for (size_t w = 0; w < 2; w++) {
        size_t wl = strlen(wrappers[w]);
        if (n >= wl + 7 && strncmp(s, wrappers[w], wl) == 0 && strcmp(s + n - 7, "</span>") == 0) {
            s += wl;
            n -= wl + 7;
            break;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '<' || s[i] == '>' || s[i] == '"') die("markup in a sentence");
        if (s[i] == '&') {
            static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
            int ok = 0;
            for (size_t k = 0; k < 5; k++) ok |= strncmp(s + i, ents[k], strlen(ents[k])) == 0;
            if (!ok) die("an '&' that is not an entity");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *js = malloc(size + 1);
    if (!js) return 0;
    memcpy(js, data, size);
    js[size] = 0;
    enum { MAX = 8 };
    page_reason r[MAX + 1];
    memset(&r[MAX], 0x5A, sizeof r[MAX]);   /* a guard: never written */
    int n = page_reasons_parse(js, r, MAX);
    if (n < 0 || n > MAX) die("item count out of range");
    const unsigned char *g = (const unsigned char *)&r[MAX];
    for (size_t i = 0; i < sizeof r[MAX]; i++)
        if (g[i] != 0x5A) die("wrote past max items");
    size_t nl = 0;
    const i18n_lang *langs = i18n_langs(&nl);
    for (int i = 0; i < n; i++) {
        if (!memchr(r[i].code, 0, sizeof r[i].code) ||
            !memchr(r[i].indicator, 0, sizeof r[i].indicator) ||
            !memchr(r[i].text, 0, sizeof r[i].text))
            die("a field is not NUL-terminated");
        if (!r[i].indicator[0]) die("an item without an indicator was read");
        if (!utf8_ok((const unsigned char *)r[i].text, strlen(r[i].text)))
            die("the text was cut inside a character");
        for (size_t l = 0; l <= nl; l++) {
            buf b = BUF_INIT;
            page_reason_write(&b, l < nl ? &langs[l] : NULL, &r[i]);
            if (b.len == 0) die("an empty sentence");
            if (!utf8_ok((const unsigned char *)b.data, b.len)) die("a sentence is not UTF-8");
            check_markup(buf_cstr(&b));
            buf_free(&b);
        }
    }
    free(js);
    return 0;
}
