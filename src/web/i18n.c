/*
** web/i18n.c — the languages, catalog lookup, plural rules, Accept-Language,
** number and date formatting.  See i18n.h.
**
** The plural rules are the Plural-Forms expressions of the po files written
** out in C (tests/unit/test_i18n.c checks that each catalog's header says
** the same thing), so nothing is evaluated at run time.
*/
#include "web/i18n.h"
#include "base/date.h"
#include "base/mem.h"
#include "web/auth.h"
#include "web/server.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- plural rules -------------------------------------------------------------- */

/* English and German: "nplurals=2; plural=(n != 1);" */
static int plural_germanic(unsigned long n) {
    return n != 1;
}

/* Ukrainian: "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 &&
** n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);" — 1, 21: one; 2-4, 22-24:
** few; 0, 5-20, 25: many. */
static int plural_uk(unsigned long n) {
    unsigned long d = n % 10, h = n % 100;
    if (d == 1 && h != 11) return 0;
    if (d >= 2 && d <= 4 && (h < 10 || h >= 20)) return 1;
    return 2;
}

/* Arabic: "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3
** && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);" — zero, one, two, few (3-10),
** many (11-99), other (100-102, ...). */
static int plural_ar(unsigned long n) {
    unsigned long h = n % 100;
    if (n == 0) return 0;
    if (n == 1) return 1;
    if (n == 2) return 2;
    if (h >= 3 && h <= 10) return 3;
    if (h >= 11) return 4;
    return 5;
}

/* ---- the languages --------------------------------------------------------------- */

static const char *const digits_latn[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
static const char *const digits_arab[10] = {   /* U+0660 .. U+0669 */
    "\xD9\xA0", "\xD9\xA1", "\xD9\xA2", "\xD9\xA3", "\xD9\xA4",
    "\xD9\xA5", "\xD9\xA6", "\xD9\xA7", "\xD9\xA8", "\xD9\xA9",
};

static const i18n_lang langs[] = {
    {"en", "English", 0, 2, plural_germanic, NULL, ".", ",", "-", digits_latn},
    {"de", "Deutsch", 0, 2, plural_germanic, &i18n_catalog_de, ",", ".", "-", digits_latn},
    {"uk", "\xD0\xA3\xD0\xBA\xD1\x80\xD0\xB0\xD1\x97\xD0\xBD\xD1\x81\xD1\x8C\xD0\xBA\xD0\xB0",
     0, 3, plural_uk, &i18n_catalog_uk, ",", "\xE2\x80\xAF", "-", digits_latn},
    {"ar", "\xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9",
     1, 6, plural_ar, &i18n_catalog_ar,
     "\xD9\xAB", "\xD9\xAC", "\xD8\x9C-", digits_arab},   /* ٫ ٬ and ALM + '-' */
};
#define NLANGS (sizeof langs / sizeof langs[0])

/* All languages (see i18n.h). */
const i18n_lang *i18n_langs(size_t *n) {
    if (n) *n = NLANGS;
    return langs;
}

/* English. */
const i18n_lang *i18n_default(void) {
    return &langs[0];
}

/* The lower-case ASCII form of c. */
static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Our language whose code equals the primary subtag s[0..n) (1-8
** letters), or NULL. */
static const i18n_lang *find_primary(const char *s, size_t n) {
    if (n < 1 || n > 8) return NULL;
    for (size_t i = 0; i < NLANGS; i++) {
        const char *c = langs[i].code;
        size_t k = 0;
        while (k < n && c[k] && lower((unsigned char)s[k]) == c[k]) k++;
        if (k == n && c[k] == 0) return &langs[i];
    }
    return NULL;
}

/* The language of a BCP 47 tag by its primary subtag (see i18n.h). */
const i18n_lang *i18n_find(const char *tag) {
    if (!tag) return NULL;
    size_t n = 0;
    while (n < 9 && ((tag[n] >= 'a' && tag[n] <= 'z') || (tag[n] >= 'A' && tag[n] <= 'Z'))) n++;
    if (tag[n] != 0 && tag[n] != '-' && tag[n] != '_') return NULL;
    return find_primary(tag, n);
}

/* Parse a qvalue at p (after "q="): 0, 0.x, 1, 1.000.  Returns it in
** thousandths (0..1000) or -1 if malformed; *end gets where it stopped. */
static int parse_q(const char *p, const char **end) {
    int q;
    if (*p == '0') q = 0;
    else if (*p == '1') q = 1000;
    else return -1;
    p++;
    if (*p == '.') {
        p++;
        int scale = 100;
        for (int i = 0; i < 3 && *p >= '0' && *p <= '9'; i++, p++, scale /= 10)
            q += (*p - '0') * scale;
        if (q > 1000) return -1;
    }
    *end = p;
    return q;
}

/* The best of our languages in an Accept-Language header, or NULL (see
** i18n_pick).  At most 64 elements and 4 KiB are looked at. */
static const i18n_lang *pick_accept(const char *h) {
    const i18n_lang *best = NULL;
    int best_q = 0;
    const char *start = h;
    for (int elements = 0; *h && elements < 64 && h - start < 4096; elements++) {
        while (*h == ' ' || *h == '\t' || *h == ',') h++;
        if (!*h) break;
        const char *tag = h;
        while (*h && *h != ',' && *h != ';' && *h != ' ' && *h != '\t') h++;
        size_t taglen = (size_t)(h - tag);
        int q = 1000, ok = 1;
        while (*h == ' ' || *h == '\t') h++;
        while (*h == ';') {                      /* parameters: only q counts */
            h++;
            while (*h == ' ' || *h == '\t') h++;
            if ((h[0] == 'q' || h[0] == 'Q') && h[1] == '=') {
                const char *e = h + 2;
                int v = parse_q(h + 2, &e);
                if (v < 0) ok = 0; else q = v;
                h = e;
            }
            while (*h && *h != ',' && *h != ';') {
                if (*h != ' ' && *h != '\t') ok = 0;   /* junk after the value */
                h++;
            }
        }
        while (*h && *h != ',') { ok = 0; h++; }
        if (!ok || q <= best_q) continue;
        size_t primary = 0;
        while (primary < taglen && tag[primary] != '-') primary++;
        const i18n_lang *l = find_primary(tag, primary);
        if (l) { best = l; best_q = q; }
    }
    return best;
}

/* The language to answer in (see i18n.h). */
const i18n_lang *i18n_pick(const char *user_setting, const char *accept_language) {
    const i18n_lang *l = user_setting && *user_setting ? i18n_find(user_setting) : NULL;
    if (!l && accept_language) l = pick_accept(accept_language);
    return l ? l : &langs[0];
}

/* The language for a request (see i18n.h). */
const i18n_lang *i18n_request(struct web_request *req) {
    if (!req) return &langs[0];
    const char *setting = req->session ? req->session->language : NULL;
    /* before signing in, the login page's language links (?lang=de) */
    if (!req->session || !setting || !*setting) {
        const char *asked = web_request_query(req, "lang");
        if (asked && i18n_find(asked)) setting = asked;
    }
    return i18n_pick(setting, web_request_header(req, "Accept-Language"));
}

static _Thread_local struct web_request *current_req;

/* Remember the request this thread answers (NULL = none). */
void i18n_current_set(struct web_request *req) {
    current_req = req;
}

/* The language of the request this thread answers, else English. */
const i18n_lang *i18n_current(void) {
    return i18n_request(current_req);
}

/* ---- lookup ------------------------------------------------------------------------ */

/* strcmp(key, ctx "\004" msgid) without building the second string; ctx
** NULL means msgid alone. */
static int key_cmp(const char *key, const char *ctx, const char *msgid) {
    const unsigned char *k = (const unsigned char *)key;
    if (ctx) {
        const unsigned char *c = (const unsigned char *)ctx;
        for (; *c; k++, c++)
            if (*k != *c) return *k < *c ? -1 : 1;
        if (*k != 4) return *k < 4 ? -1 : 1;
        k++;
    }
    const unsigned char *m = (const unsigned char *)msgid;
    for (; *m; k++, m++)
        if (*k != *m) return *k < *m ? -1 : 1;
    return *k != 0;
}

/* The entry for (ctx, msgid) in l's catalog by binary search, or NULL. */
static const i18n_entry *lookup(const i18n_lang *l, const char *ctx, const char *msgid) {
    if (!l || !l->catalog || !msgid) return NULL;
    const i18n_entry *e = l->catalog->entries;
    size_t lo = 0, hi = l->catalog->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = key_cmp(e[mid].key, ctx, msgid);
        if (c == 0) return &e[mid];
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

/* msgid in l (see i18n.h). */
const char *i18n_tr(const i18n_lang *l, const char *msgid) {
    const i18n_entry *e = lookup(l, NULL, msgid);
    return e ? e->str : msgid;
}

/* msgid with a context in l (see i18n.h). */
const char *i18n_trc(const i18n_lang *l, const char *ctx, const char *msgid) {
    const i18n_entry *e = lookup(l, ctx, msgid);
    return e ? e->str : msgid;
}

/* Which plural form l uses for n. */
int i18n_plural_index(const i18n_lang *l, unsigned long n) {
    if (!l) l = &langs[0];
    int i = l->plural(n);
    return i < 0 || i >= l->nplurals ? l->nplurals - 1 : i;
}

/* The form for n of a plural message with a context (ctx NULL = none). */
const char *i18n_trnc(const i18n_lang *l, const char *ctx, const char *singular,
                      const char *plural, unsigned long n) {
    const i18n_entry *e = lookup(l, ctx, singular);
    if (!e || !e->id_plural) return n == 1 ? singular : plural;
    int i = i18n_plural_index(l, n);
    if (i >= l->catalog->nplurals) i = l->catalog->nplurals - 1;
    const char *s = e->str;
    while (i-- > 0) s += strlen(s) + 1;
    return s;
}

/* The form for n of a plural message (see i18n.h). */
const char *i18n_trn(const i18n_lang *l, const char *singular, const char *plural,
                     unsigned long n) {
    return i18n_trnc(l, NULL, singular, plural, n);
}

/* ---- numbers ----------------------------------------------------------------------- */

/* A writer into a fixed buffer that remembers whether everything fit. */
typedef struct outbuf {
    char  *p;
    size_t cap, len;
    int    overflow;
} outbuf;

/* Append s to o (nothing once it has overflowed). */
static void out_puts(outbuf *o, const char *s) {
    size_t n = strlen(s);
    if (o->overflow || o->len + n + 1 > o->cap) { o->overflow = 1; return; }
    memcpy(o->p + o->len, s, n + 1);
    o->len += n;
}

/* Finish o: out as written, or "" if it overflowed. */
static const char *out_done(outbuf *o) {
    if (o->cap == 0) return o->p;
    if (o->overflow) o->p[0] = 0;
    return o->p;
}

/* The digits of a (>= 0) with decimals (0..9) places, as "%.*f" writes
** them, into raw: 1, or 0 when a is too large or too near a rounding tie
** for integer arithmetic to be sure of matching (the caller then uses
** snprintf, whose floating-point path is about twenty times slower: a page
** of the list writes hundreds of numbers). */
static int fixed_digits(double a, int decimals, char *raw, size_t cap) {
    static const double scale[10] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    assert(decimals >= 0 && decimals <= 9 && cap >= 32);
    double x = a * scale[decimals];
    if (!(x < 1e15)) return 0;
    double fl = floor(x);
    if (fabs((x - fl) - 0.5) < 1e-6) return 0;   /* a tie, or nearly: snprintf decides */
    unsigned long long n = (unsigned long long)fl + (x - fl > 0.5);
    char tmp[32];
    int len = 0;
    do {
        tmp[len++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (len <= decimals) tmp[len++] = '0';   /* at least one digit before the point */
    size_t k = 0;
    for (int i = len - 1; i >= 0; i--) {
        raw[k++] = tmp[i];
        if (i == decimals && decimals > 0) raw[k++] = '.';
    }
    raw[k] = 0;
    return 1;
}

/* Write the ASCII digits int_part (grouped) and frac (may be NULL or "") in
** l's digits and separators, with l's minus sign when neg. */
static void write_number(const i18n_lang *l, int neg, const char *int_part, const char *frac,
                         outbuf *o) {
    size_t n = strlen(int_part);
    if (neg) out_puts(o, l->minus);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) out_puts(o, l->group);
        out_puts(o, l->digits[int_part[i] - '0']);
    }
    if (frac && *frac) {
        out_puts(o, l->decimal);
        for (const char *f = frac; *f; f++) out_puts(o, l->digits[*f - '0']);
    }
}

/* A number in l's way (see i18n.h). */
const char *i18n_format_number(const i18n_lang *l, double v, int decimals, char *out,
                               size_t cap) {
    outbuf o = {out, cap, 0, 0};
    if (cap) out[0] = 0;
    if (!l) l = &langs[0];
    if (decimals < 0) decimals = 0;
    if (decimals > 9) decimals = 9;
    if (!isfinite(v)) {
        out_puts(&o, "\xE2\x80\x93");
        return out_done(&o);
    }
    char raw[400];   /* enough for DBL_MAX with 9 decimals */
    if (!fixed_digits(fabs(v), decimals, raw, sizeof raw))
        snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    char *dot = strchr(raw, '.');
    if (dot) *dot = 0;
    /* No minus for what rounds to zero: -0.004 with 2 decimals is "0.00". */
    int nonzero = raw[strspn(raw, "0")] != 0 || (dot && dot[1 + strspn(dot + 1, "0")] != 0);
    write_number(l, signbit(v) && nonzero, raw, dot ? dot + 1 : NULL, &o);
    return out_done(&o);
}

/* An integer in l's way (see i18n.h). */
const char *i18n_format_int(const i18n_lang *l, long long v, char *out, size_t cap) {
    outbuf o = {out, cap, 0, 0};
    if (cap) out[0] = 0;
    if (!l) l = &langs[0];
    unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char raw[STR_UINT_MAX];
    str_uint(mag, raw);
    write_number(l, v < 0, raw, NULL, &o);
    return out_done(&o);
}

/* ---- dates ------------------------------------------------------------------------- */

static const char *const months_en[12] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
/* يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر */
static const char *const months_ar[12] = {
    "\xD9\x8A\xD9\x86\xD8\xA7\xD9\x8A\xD8\xB1",
    "\xD9\x81\xD8\xA8\xD8\xB1\xD8\xA7\xD9\x8A\xD8\xB1",
    "\xD9\x85\xD8\xA7\xD8\xB1\xD8\xB3",
    "\xD8\xA3\xD8\xA8\xD8\xB1\xD9\x8A\xD9\x84",
    "\xD9\x85\xD8\xA7\xD9\x8A\xD9\x88",
    "\xD9\x8A\xD9\x88\xD9\x86\xD9\x8A\xD9\x88",
    "\xD9\x8A\xD9\x88\xD9\x84\xD9\x8A\xD9\x88",
    "\xD8\xA3\xD8\xBA\xD8\xB3\xD8\xB7\xD8\xB3",
    "\xD8\xB3\xD8\xA8\xD8\xAA\xD9\x85\xD8\xA8\xD8\xB1",
    "\xD8\xA3\xD9\x83\xD8\xAA\xD9\x88\xD8\xA8\xD8\xB1",
    "\xD9\x86\xD9\x88\xD9\x81\xD9\x85\xD8\xA8\xD8\xB1",
    "\xD8\xAF\xD9\x8A\xD8\xB3\xD9\x85\xD8\xA8\xD8\xB1",
};

/* Append the decimal digits of v (>= 0), at least width of them, in l's
** digits. */
static void out_digits(outbuf *o, const i18n_lang *l, int v, int width) {
    char raw[STR_UINT_MAX];
    size_t n = str_uint(v < 0 ? 0 : (unsigned long long)v, raw);
    for (size_t k = n; k < (size_t)width; k++) out_puts(o, l->digits[0]);
    for (const char *p = raw; *p; p++) out_puts(o, l->digits[*p - '0']);
}

/* A date in l's way (see i18n.h). */
const char *i18n_format_date(const i18n_lang *l, int32_t days, char *out, size_t cap) {
    outbuf o = {out, cap, 0, 0};
    if (cap) out[0] = 0;
    if (!l) l = &langs[0];
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    const char *const *months = strcmp(l->code, "ar") == 0 ? months_ar
                              : strcmp(l->code, "en") == 0 ? months_en : NULL;
    if (months && m >= 1 && m <= 12) {
        out_digits(&o, l, d, 1);                                /* 22 Nov 2026 */
        out_puts(&o, " ");
        out_puts(&o, months[m - 1]);
        out_puts(&o, " ");
        out_digits(&o, l, y, 4);
    } else {
        out_digits(&o, l, d, 2);                                /* 22.11.2026 */
        out_puts(&o, ".");
        out_digits(&o, l, m, 2);
        out_puts(&o, ".");
        out_digits(&o, l, y, 4);
    }
    return out_done(&o);
}
