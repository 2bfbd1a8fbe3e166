/*
** web/i18n.h — languages: message catalogs, plural forms, dates, numbers.
**
** Every piece of interface text is an English msgid in the code, looked up
** in a catalog compiled from po/<code>.po into the program
** (scripts/po2c.sh writes build/gen/catalog.c at build time: sorted static
** tables, searched by binary search; no gettext at run time).  English needs
** no catalog: an untranslated msgid is shown as it is.  The languages are
** en, de, uk and ar (right to left).
**
** How a page uses it:
**
**     const i18n_lang *L = i18n_request(req);     account setting, else the
**                                                 browser's Accept-Language
**     html_page_begin(b, L->code, T(L, "Programmes and groups"));
**     html_printf(b, "<h1>%T</h1>\n", T(L, "Programmes and groups"));
**     char num[I18N_NUM_MAX];
**     html_printf(b, TN(L, "%T group", "%T groups", n),
**                 i18n_format_int(L, n, num, sizeof num));
**
** html_page_begin() puts dir="rtl" on <html> for Arabic and the built-in
** stylesheet uses logical sides only, so a page needs nothing more for
** right to left.  web_error_page() and web_redirect() take msgids and
** answer in the language of the request the thread is answering
** (i18n_current(); web_dispatch() sets it), so handlers pass English.
**
** THE RULES (tests/cli/test_i18n_cli.sh and tests/unit/test_i18n.c
** enforce them):
**   - A msgid is a string literal right in the call: T(L, "..."),
**     TC(L, "context", "..."), TN(L, "...", "...", n), TNC(L, "context",
**     "...", "...", n), or N_("...") to mark text that is translated later
**     with T(L, variable); web_error_page()'s title and message are msgids
**     too.  The extractor (scripts/po2c.sh pot) finds exactly these forms
**     in the .c files of src/web.  A msgctxt tells two uses of one English
**     text apart (a word in a heading and in a sentence).
**   - A translation may be used as an html_printf() template, so it is
**     trusted: the build refuses one whose conversions, markup (<code> ...)
**     or '&'s differ from its msgid's.  The only conversion in msgids is
**     %T: values, numbers included, go in as text, never into the msgid.
**   - Numbers shown to people go through i18n_format_int() /
**     i18n_format_number() and in as %T, never as %d (Arabic pages use
**     Arabic-Indic digits); dates through i18n_format_date().
**   - Never build a sentence from pieces.  One count: TN.  Several counts
**     in one sentence: a TC template with a %T for each count's TNC phrase
**     (see home_groups() in web/school/programmes.c), so each language can inflect.
**   - User-supplied text shown inside translated text is best wrapped in
**     <bdi> in the template when its direction may differ.
**   - Every msgid must be translated in every po/<code>.po (the CLI test
**     fails otherwise).  After adding msgids run
**         scripts/po2c.sh pot src/web/[a-z]*.c > po/cairn.pot
**     then add the new entries to po/de.po, po/uk.po and po/ar.po
**     (msgmerge --update po/de.po po/cairn.pot does it where gettext is
**     installed) and translate them.
**
** Numbers and dates (decided here, tested in tests/unit/test_i18n.c):
**
**   en   1,234.5     22 Nov 2026
**   de   1.234,5     22.11.2026
**   uk   1 234,5     22.11.2026      (group separator U+202F narrow no-break space)
**   ar   ١٬٢٣٤٫٥     ٢٢ نوفمبر ٢٠٢٦   (Arabic-Indic digits with U+066C / U+066B and
**                                     U+061C before a minus: CLDR's default for
**                                     "ar"; the month names of CLDR's "ar", as
**                                     in Egypt and the Gulf)
**
** Nothing here allocates; everything returned is static or the caller's
** buffer.  Everything is thread-safe (i18n_current_set() keeps one pointer
** per thread).
*/
#ifndef CAIRN_WEB_I18N_H
#define CAIRN_WEB_I18N_H
#include <stddef.h>
#include <stdint.h>

/* ---- the compiled catalogs (written by scripts/po2c.sh) ---------------------- */

/* One translated message.  key is the msgid, or msgctxt "\004" msgid;
** str is the translation, or for a plural message all nplurals forms one
** after another, each ending in its NUL.  Entries are sorted by key
** (strcmp order) and only hold complete, non-fuzzy translations. */
typedef struct i18n_entry {
    const char *key;
    const char *id_plural;    /* msgid_plural, NULL for a plain message */
    const char *str;
} i18n_entry;

typedef struct i18n_catalog {
    const char       *code;          /* "de": from the file name po/de.po */
    int               nplurals;      /* from the header's Plural-Forms */
    const char       *plural_forms;  /* the header's Plural-Forms, as written */
    const i18n_entry *entries;
    size_t            n;
} i18n_catalog;

extern const i18n_catalog i18n_catalog_de, i18n_catalog_uk, i18n_catalog_ar;

/* ---- languages ------------------------------------------------------------------ */

typedef struct i18n_lang {
    const char *code;        /* BCP 47 primary tag for <html lang>: "en" "de" "uk" "ar" */
    const char *name;        /* the language's name in itself: "Deutsch" */
    int         rtl;         /* 1 = written right to left (<html dir="rtl">) */
    int         nplurals;    /* plural forms of the language */
    int       (*plural)(unsigned long n);   /* which form for n: 0..nplurals-1 */
    const i18n_catalog *catalog;            /* NULL for English */
    const char *decimal;     /* decimal separator, UTF-8 */
    const char *group;       /* thousands separator, UTF-8 */
    const char *minus;       /* minus sign, UTF-8 */
    const char *const *digits;   /* the ten digits, UTF-8 */
} i18n_lang;

/* Every language the interface speaks, English first; *n gets the count. */
const i18n_lang *i18n_langs(size_t *n);

/* English, the fallback. */
const i18n_lang *i18n_default(void);

/* The language for a BCP 47 tag by its primary subtag, case-insensitive
** ("de", "de-AT", "AR-eg"), or NULL if it is not one of ours (or tag is
** NULL or malformed). */
const i18n_lang *i18n_find(const char *tag);

/* The language to answer in: user_setting (an account's language, "" or
** NULL = none) if it is one of ours; else the best of an Accept-Language
** header ("de-AT,de;q=0.9,en;q=0.5"): highest q-value among ours, the
** earlier one on a tie, q=0 and "*" ignored, malformed parts skipped; else
** English.  Never NULL. */
const i18n_lang *i18n_pick(const char *user_setting, const char *accept_language);

struct web_request;
/* i18n_pick() for a request: the signed-in account's language setting,
** then the Accept-Language header.  Outside the server (no connection)
** only the session counts. */
/* (before signing in, or with no setting, a ?lang= query naming one of ours
** comes before the header: the login page links each language) */
const i18n_lang *i18n_request(struct web_request *req);

/* The request the calling worker thread is answering, for code that writes
** text without a request at hand (web_error_page, web_redirect): set by
** web_dispatch() for the length of a request, NULL otherwise.
** i18n_current() is i18n_request() of it, or English when there is none. */
void i18n_current_set(struct web_request *req);
const i18n_lang *i18n_current(void);

/* ---- messages ------------------------------------------------------------------ */

/* msgid translated into l, or msgid itself when l has no translation for
** it (English always).  The result is static or msgid. */
const char *i18n_tr(const i18n_lang *l, const char *msgid);

/* The same with a msgctxt, to tell apart two meanings of one English
** text. */
const char *i18n_trc(const i18n_lang *l, const char *ctx, const char *msgid);

/* The form for count n of a message with plural forms: l's form for n, or
** when untranslated singular for n == 1 and plural otherwise.  The count is
** not put in: pass it (formatted) as an argument of the template. */
const char *i18n_trn(const i18n_lang *l, const char *singular, const char *plural,
                     unsigned long n);

/* The same with a msgctxt. */
const char *i18n_trnc(const i18n_lang *l, const char *ctx, const char *singular,
                      const char *plural, unsigned long n);

/* Which plural form l uses for n (0 .. l->nplurals - 1). */
int i18n_plural_index(const i18n_lang *l, unsigned long n);

/* Short forms for pages; the extractor looks for exactly these. */
#define T(l, s)          i18n_tr((l), (s))
#define TC(l, c, s)      i18n_trc((l), (c), (s))
#define TN(l, s, p, n)   i18n_trn((l), (s), (p), (unsigned long)(n))
#define TNC(l, c, s, p, n) i18n_trnc((l), (c), (s), (p), (unsigned long)(n))
#define N_(s)            (s)     /* marks a msgid that is translated elsewhere */

/* ---- numbers and dates --------------------------------------------------------- */

#define I18N_NUM_MAX  96   /* room for any |v| < 1e15 with up to 9 decimals */
#define I18N_DATE_MAX 64

/* v with decimals (0..9, clamped) digits after the separator, rounded
** (printf's rounding), in l's digits and separators, thousands grouped in
** threes ("1 234,5"); no minus sign for what rounds to zero.  Writes out
** (cap bytes) and returns it: "" if the number does not fit, never a cut
** one; out untouched if cap is 0.  NaN and infinities give "–" (U+2013). */
const char *i18n_format_number(const i18n_lang *l, double v, int decimals, char *out,
                               size_t cap);

/* An integer, exactly, the same way: "1,234", "١٬٢٣٤". */
const char *i18n_format_int(const i18n_lang *l, long long v, char *out, size_t cap);

/* A date (days since 1970-01-01, base/date.h) as l writes it: see the table
** above.  Returns out ("" if it does not fit). */
const char *i18n_format_date(const i18n_lang *l, int32_t days, char *out, size_t cap);

#endif
