/*
** web/reasons.c — the reasons of a flag in the reader's language; see
** web/reasons.h.
**
** The English wording is that of risk/rules.c (rule reasons) and
** risk/explain.c (the model's reasons) and the indicator names are those of
** risk/features_info.c: a change there is a change here (tests/unit/
** test_reasons.c compares the sentences).  Each sentence is one template
** with a %T per value; a value with a unit is first written as its own
** phrase (plural form for its number) and goes in as %T, as
** home_groups() in web/school/programmes.c does.  Phrases hold no markup and no '&'
** (the build checks every translation against its msgid), so what
** html_printf wrote into a phrase is plain text, escaped once in the
** sentence.
*/
#include "web/reasons.h"
#include "base/mem.h"
#include "base/memo.h"
#include "web/html.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* How a value is shown. */
typedef enum reason_unit {
    U_COUNT,             /* a plain number */
    U_PERCENT,           /* 55 % */
    U_DAYS,
    U_WEEKS,
    U_TIMES,
    U_MINUTES,
    U_PCT_POINTS,        /* percentage points (explain.c writes "% points") */
    U_PCT_POINTS_WEEK,   /* percentage points per week */
    U_POINTS_WEEK,       /* points per week (mood) */
    U_POINTS             /* percentage points, called "points" by the attendance_drop rule */
} reason_unit;

/* The indicators of risk/features_info.c: code, plain name, unit. */
typedef struct reason_indicator {
    const char *code;
    const char *name;    /* msgid */
    reason_unit unit;
} reason_indicator;

static const reason_indicator indicators[] = {
    {"att_rate_2w", N_("attendance in the last 2 weeks"), U_PERCENT},
    {"att_rate_4w", N_("attendance in the last 4 weeks"), U_PERCENT},
    {"att_rate_8w", N_("attendance in the last 8 weeks"), U_PERCENT},
    {"att_rate_term", N_("attendance this term"), U_PERCENT},
    {"unexcused_4w", N_("days absent without excuse in the last 4 weeks"), U_DAYS},
    {"unexcused_term", N_("days absent without excuse this term"), U_DAYS},
    {"unexcused_streak", N_("longest run of school days absent without excuse this term"),
     U_DAYS},
    {"late_4w", N_("times late in the last 4 weeks"), U_TIMES},
    {"att_slope_8w", N_("weekly change in attendance over the last 8 weeks"),
     U_PCT_POINTS_WEEK},
    {"att_drop", N_("change in weekly attendance since its biggest recent shift"), U_PCT_POINTS},
    {"att_drop_weeks", N_("weeks since attendance last shifted"), U_WEEKS},
    {"failed_term", N_("assessments failed this term"), U_COUNT},
    {"missing_term", N_("assessments not handed in this term"), U_COUNT},
    {"late_submit_term", N_("assessments handed in late this term"), U_COUNT},
    {"score_avg_term", N_("average mark this term"), U_PERCENT},
    {"score_change", N_("average mark this term compared with earlier terms"), U_PCT_POINTS},
    {"behav_minor_8w", N_("minor behaviour incidents in the last 8 weeks"), U_COUNT},
    {"behav_serious_8w", N_("moderate or serious behaviour incidents in the last 8 weeks"),
     U_COUNT},
    {"lms_active_4w", N_("days active on the learning platform in the last 4 weeks"), U_DAYS},
    {"lms_minutes_4w", N_("minutes on the learning platform in the last 4 weeks"), U_MINUTES},
    {"lms_days_since", N_("days since last active on the learning platform"), U_DAYS},
    {"lms_trend",
     N_("days active on the learning platform, last 2 weeks minus the 2 weeks before"), U_DAYS},
    {"mood_trend", N_("how the learner says they feel, weekly change"), U_POINTS_WEEK},
    {"weeks_enrolled", N_("weeks since starting the programme"), U_WEEKS},
    {"lms_clicks_4w", N_("clicks on the learning platform in the last 4 weeks"), U_COUNT},
    {"lms_logins_4w", N_("logins to the learning platform in the last 4 weeks"), U_COUNT},
    {"lms_submissions_4w", N_("work submitted on the learning platform in the last 4 weeks"),
     U_COUNT},
    {"lms_posts_4w", N_("forum posts on the learning platform in the last 4 weeks"), U_COUNT},
};

/* The indicator called code, or NULL. */
static const reason_indicator *indicator_find(const char *code) {
    for (size_t i = 0; i < sizeof indicators / sizeof indicators[0]; i++)
        if (strcmp(indicators[i].code, code) == 0) return &indicators[i];
    return NULL;
}

/* The translated name of indicator code, or NULL; see reasons.h. */
const char *page_indicator_name(const i18n_lang *L, const char *code) {
    const reason_indicator *ri = code ? indicator_find(code) : NULL;
    return ri ? T(L, ri->name) : NULL;
}

/* ---- reading ------------------------------------------------------------------------ */

/* Copy s into out (cap bytes), cut before a UTF-8 character that does not
** fit. */
static void copy_text(char *out, size_t cap, const char *s) {
    size_t n = strlen(s);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    }
    memcpy(out, s, n);
    out[n] = 0;
}

/* The number of o's member key into *v: 1, or 0 when missing, null or not
** a number (or not finite). */
static int num_member(const json_t *o, const char *key, double *v) {
    const json_t *x = json_object_get(o, key);
    if (!json_is_number(x)) return 0;
    double d = json_number_value(x);
    if (!isfinite(d)) return 0;
    *v = d;
    return 1;
}

/* Read one item; see reasons.h. */
int page_reason_from_json(const json_t *item, page_reason *out) {
    memset(out, 0, sizeof *out);
    if (!json_is_object(item)) return -1;
    const char *kind = json_string_value(json_object_get(item, "kind"));
    const char *ind = json_string_value(json_object_get(item, "indicator"));
    const char *code = json_string_value(json_object_get(item, "code"));
    const char *text = json_string_value(json_object_get(item, "text"));
    double value = 0;
    int is_rule = kind && strcmp(kind, "rule") == 0;
    if (!kind || (!is_rule && strcmp(kind, "model") != 0) || !ind || !*ind ||
        !num_member(item, "value", &value))
        return -1;
    out->is_rule = is_rule;
    if (is_rule && code) copy_text(out->code, sizeof out->code, code);
    copy_text(out->indicator, sizeof out->indicator, ind);
    if (text) copy_text(out->text, sizeof out->text, text);
    out->value = value;
    out->has_threshold = is_rule && num_member(item, "threshold", &out->threshold);
    out->has_peer = num_member(item, "peer", &out->peer);
    return 0;
}

/* Fill *out from risk_read's fields of one reason; see reasons.h. */
void page_reason_from_fields(const risk_reason_fields *f, const char *text, page_reason *out) {
    memset(out, 0, sizeof *out);
    if (text) copy_text(out->text, sizeof out->text, text);
    if (!f->indicator[0]) return;
    out->is_rule = f->is_rule;
    copy_text(out->code, sizeof out->code, f->code);
    copy_text(out->indicator, sizeof out->indicator, f->indicator);
    out->value = f->value;
    out->has_threshold = f->is_rule && !isnan(f->threshold);
    out->threshold = out->has_threshold ? f->threshold : 0;
    out->has_peer = !isnan(f->peer);
    out->peer = out->has_peer ? f->peer : 0;
}

/* Read a stored reasons document; see reasons.h. */
int page_reasons_parse(const char *reasons_json, page_reason *out, int max) {
    if (!reasons_json || !out || max <= 0) return 0;
    json_error_t jerr;
    json_t *root = json_loads(reasons_json, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) return 0;
    const json_t *items = json_is_array(root) ? root : json_object_get(root, "items");
    int n = 0;
    if (json_is_array(items))
        for (size_t i = 0; i < json_array_size(items) && n < max; i++)
            if (page_reason_from_json(json_array_get(items, i), &out[n]) == 0) n++;
    json_decref(root);
    return n;
}

/* ---- numbers and phrases ------------------------------------------------------------ */

/* Room for any double in any of our languages (Arabic digits take two
** bytes, and so do their separators). */
#define REASON_NUM_MAX 1024

/* A number as rules.c and explain.c show it — whole without decimals,
** else one decimal — in L's digits, into out.  *whole gets 1 when it is
** shown without decimals and *count the number for choosing its plural form
** (its size, kept below ULONG_MAX with the last six digits unchanged).
** signed_change puts a plus sign before a positive number ("+4.9": a rise). */
static const char *num_text(const i18n_lang *L, double v, int signed_change, char *out,
                            size_t cap, int *whole, unsigned long *count) {
    double r = isfinite(v * 10) ? round(v * 10) / 10 : v;
    if (r == 0) r = 0;   /* -0 -> 0 */
    *whole = isfinite(r) && r == rint(r);
    double a = fabs(r);
    *count = !*whole ? 0 : a < 1e9 ? (unsigned long)a : 1000000UL + (unsigned long)fmod(a, 1e6);
    const char *plus = "";
    if (signed_change && r > 0) plus = L->rtl ? "\xD8\x9C+" : "+";   /* U+061C like the minus */
    char num[REASON_NUM_MAX];
    i18n_format_number(L, r, *whole ? 0 : 1, num, sizeof num);
    size_t n = strlen(plus);   /* plus, then num: no snprintf (hundreds a page) */
    assert(n < cap);
    memcpy(out, plus, n);
    str_copy(out + n, cap - n, num);
    return out;
}

/* Write v with unit u as a plain-text phrase into p (emptied first). */
static const char *value_phrase(buf *p, const i18n_lang *L, double v, reason_unit u,
                                int signed_change) {
    char num[REASON_NUM_MAX + 8];
    int whole;
    unsigned long n;
    num_text(L, v, signed_change, num, sizeof num, &whole, &n);
    buf_reset(p);
    switch (u) {
    case U_COUNT:
        html_printf(p, "%T", num);
        break;
    case U_PERCENT:
        html_printf(p, TC(L, "percentage", "%T %%"), num);
        break;
    case U_DAYS:
        html_printf(p, whole ? TNC(L, "reason value", "%T day", "%T days", n)
                             : TC(L, "reason value, not a whole number", "%T days"), num);
        break;
    case U_WEEKS:
        html_printf(p, whole ? TNC(L, "reason value", "%T week", "%T weeks", n)
                             : TC(L, "reason value, not a whole number", "%T weeks"), num);
        break;
    case U_TIMES:
        html_printf(p, whole ? TNC(L, "reason value", "%T time", "%T times", n)
                             : TC(L, "reason value, not a whole number", "%T times"), num);
        break;
    case U_MINUTES:
        html_printf(p, whole ? TNC(L, "reason value", "%T minute", "%T minutes", n)
                             : TC(L, "reason value, not a whole number", "%T minutes"), num);
        break;
    case U_PCT_POINTS:
        html_printf(p, whole ? TNC(L, "reason value", "%T percentage point",
                                   "%T percentage points", n)
                             : TC(L, "reason value, not a whole number", "%T percentage points"),
                    num);
        break;
    case U_PCT_POINTS_WEEK:
        html_printf(p, whole ? TNC(L, "reason value", "%T percentage point per week",
                                   "%T percentage points per week", n)
                             : TC(L, "reason value, not a whole number",
                                  "%T percentage points per week"), num);
        break;
    case U_POINTS_WEEK:
        html_printf(p, whole ? TNC(L, "reason value", "%T point per week",
                                   "%T points per week", n)
                             : TC(L, "reason value, not a whole number", "%T points per week"),
                    num);
        break;
    case U_POINTS:
        html_printf(p, whole ? TNC(L, "reason value", "%T point", "%T points", n)
                             : TC(L, "reason value, not a whole number", "%T points"), num);
        break;
    }
    return buf_cstr(p);
}

/* ---- sentences ---------------------------------------------------------------------- */

/* The stored English text, marked as English when the page is not (and
** isolated in a right-to-left page); without a text, the indicator's code
** and the value. */
static void write_fallback(buf *b, const i18n_lang *L, const page_reason *r, buf *ph) {
    if (!r->text[0]) {
        html_printf(b, T(L, "%T: %T"), r->indicator, value_phrase(ph, L, r->value, U_COUNT, 0));
        return;
    }
    if (strcmp(L->code, "en") == 0) html_printf(b, "%T", r->text);
    else if (L->rtl) html_printf(b, "<span lang=\"en\" dir=\"ltr\">%T</span>", r->text);
    else html_printf(b, "<span lang=\"en\">%T</span>", r->text);
}

/* The model's sentence (risk/explain.c): the name, the value with its unit,
** the group's typical value. */
static void write_model(buf *b, const i18n_lang *L, const page_reason *r,
                        const reason_indicator *ind, buf *ph) {
    buf v = BUF_INIT;
    value_phrase(&v, L, r->value, ind->unit, 0);
    if (r->has_peer)
        html_printf(b, T(L, "%T: %T — peers in the same group: %T"), T(L, ind->name),
                    buf_cstr(&v), value_phrase(ph, L, r->peer, ind->unit, 0));
    else
        html_printf(b, T(L, "%T: %T"), T(L, ind->name), buf_cstr(&v));
    buf_free(&v);
}

/* A rule's sentence as risk/rules.c writes it; -1 (nothing written) for a
** rule or a rule/indicator pair it does not know. */
static int write_rule(buf *b, const i18n_lang *L, const page_reason *r,
                      const reason_indicator *ind, buf *ph) {
    if (!r->has_threshold) return -1;
    buf v = BUF_INIT, t = BUF_INIT;
    const char *p = "";
    const char *c = r->code, *i = ind->code;
    int rc = 0;
    if (strcmp(c, "attendance_low") == 0 &&
        (strcmp(i, "att_rate_4w") == 0 || strcmp(i, "att_rate_term") == 0)) {
        value_phrase(&v, L, r->value, U_PERCENT, 0);
        value_phrase(&t, L, r->threshold, U_PERCENT, 0);
        if (r->has_peer) {
            p = value_phrase(ph, L, r->peer, U_PERCENT, 0);
            html_printf(b, T(L, "%T: %T — below the %T this school watches for — peers in the "
                                "same group: %T"),
                        T(L, ind->name), buf_cstr(&v), buf_cstr(&t), p);
        } else {
            html_printf(b, T(L, "%T: %T — below the %T this school watches for"),
                        T(L, ind->name), buf_cstr(&v), buf_cstr(&t));
        }
    } else if (strcmp(c, "attendance_drop") == 0 && strcmp(i, "att_drop") == 0) {
        /* stored negative (a change); the sentence says how far it fell */
        value_phrase(&v, L, -r->value, U_POINTS, 0);
        value_phrase(&t, L, -r->threshold, U_POINTS, 0);
        if (r->has_peer) {
            p = value_phrase(ph, L, r->peer, U_POINTS, 1);
            html_printf(b, T(L, "weekly attendance fell by %T — this school watches for a fall "
                                "of %T or more — peers in the same group: %T"),
                        buf_cstr(&v), buf_cstr(&t), p);
        } else {
            html_printf(b, T(L, "weekly attendance fell by %T — this school watches for a fall "
                                "of %T or more"),
                        buf_cstr(&v), buf_cstr(&t));
        }
    } else if ((strcmp(c, "behaviour_serious") == 0 && strcmp(i, "behav_serious_8w") == 0) ||
               (strcmp(c, "behaviour_repeated") == 0 && strcmp(i, "behav_minor_8w") == 0) ||
               (strcmp(c, "failed_unit") == 0 && strcmp(i, "failed_term") == 0) ||
               (strcmp(c, "missing_work") == 0 && strcmp(i, "missing_term") == 0)) {
        /* rules.c names two of these its own way */
        const char *what = strcmp(c, "failed_unit") == 0 ? N_("failed assessments this term")
                         : strcmp(c, "missing_work") == 0 ? N_("missing assessments this term")
                         : ind->name;
        value_phrase(&v, L, r->value, U_COUNT, 0);
        value_phrase(&t, L, r->threshold, U_COUNT, 0);
        if (r->has_peer) {
            p = value_phrase(ph, L, r->peer, U_COUNT, 0);
            html_printf(b, T(L, "%T: %T — this school watches for %T or more — peers in the "
                                "same group: %T"),
                        T(L, what), buf_cstr(&v), buf_cstr(&t), p);
        } else {
            html_printf(b, T(L, "%T: %T — this school watches for %T or more"), T(L, what),
                        buf_cstr(&v), buf_cstr(&t));
        }
    } else if (strcmp(c, "engagement_drop") == 0 && strcmp(i, "lms_days_since") == 0) {
        value_phrase(&v, L, r->value, U_DAYS, 0);
        value_phrase(&t, L, r->threshold, U_DAYS, 0);
        if (r->has_peer) {
            p = value_phrase(ph, L, r->peer, U_DAYS, 0);
            html_printf(b, T(L, "no learning-platform activity for %T — this school watches for "
                                "%T or more — peers in the same group: %T"),
                        buf_cstr(&v), buf_cstr(&t), p);
        } else {
            html_printf(b, T(L, "no learning-platform activity for %T — this school watches for "
                                "%T or more"),
                        buf_cstr(&v), buf_cstr(&t));
        }
    } else if (strcmp(c, "engagement_drop") == 0 && strcmp(i, "lms_trend") == 0) {
        /* stored negative (a change); the sentence says how far it fell */
        value_phrase(&v, L, -r->value, U_COUNT, 0);
        value_phrase(&t, L, -r->threshold, U_COUNT, 0);
        if (r->has_peer) {
            p = value_phrase(ph, L, r->peer, U_COUNT, 1);
            html_printf(b, T(L, "days active on the learning platform fell by %T (last 2 weeks "
                                "against the 2 before) — this school watches for a fall of %T "
                                "or more — peers in the same group: %T"),
                        buf_cstr(&v), buf_cstr(&t), p);
        } else {
            html_printf(b, T(L, "days active on the learning platform fell by %T (last 2 weeks "
                                "against the 2 before) — this school watches for a fall of %T "
                                "or more"),
                        buf_cstr(&v), buf_cstr(&t));
        }
    } else {
        rc = -1;
    }
    buf_free(&v);
    buf_free(&t);
    return rc;
}

/* The sentences already written, under their language and reason
** (base/memo.h): a list of 25 learners writes about 60 of them a visit. */
static memo_table sentence_memo = MEMO_TABLE(4096);

/* Forget the remembered sentences (see reasons.h). */
void page_reasons_forget(void) {
    memo_clear(&sentence_memo);
}

/* Append n bytes of key material at p to the key k (*len bytes of cap). */
static void key_add(char *k, size_t *len, size_t cap, const void *p, size_t n) {
    assert(*len + n <= cap);
    memcpy(k + *len, p, n);
    *len += n;
}

/* The memo key of r in L into k (cap bytes): the language, then every
** field the sentence is made of, strings with their NUL; its length. */
static size_t sentence_key(const i18n_lang *L, const page_reason *r, char *k, size_t cap) {
    size_t len = 0;
    unsigned char flags[3] = {(unsigned char)(r->is_rule != 0),
                              (unsigned char)(r->has_threshold != 0),
                              (unsigned char)(r->has_peer != 0)};
    key_add(k, &len, cap, L->code, strlen(L->code) + 1);
    key_add(k, &len, cap, flags, sizeof flags);
    key_add(k, &len, cap, &r->value, sizeof r->value);
    key_add(k, &len, cap, &r->threshold, sizeof r->threshold);
    key_add(k, &len, cap, &r->peer, sizeof r->peer);
    key_add(k, &len, cap, r->code, strnlen(r->code, sizeof r->code - 1) + 1);
    key_add(k, &len, cap, r->indicator, strnlen(r->indicator, sizeof r->indicator - 1) + 1);
    key_add(k, &len, cap, r->text, strnlen(r->text, sizeof r->text - 1));
    return len;
}

/* Append a remembered sentence to the buf arg (a memo_get callback). */
static void sentence_replay(const void *html, size_t n, void *arg) {
    html_replay(arg, html, n);
}

/* Write the sentence of r; see reasons.h.  A pure function of L and r, so
** each sentence is made once and then replayed from sentence_memo. */
void page_reason_write(buf *b, const i18n_lang *L, const page_reason *r) {
    if (!L) L = i18n_default();
    char key[16 + 3 + 3 * sizeof(double) + sizeof r->code + sizeof r->indicator +
             sizeof r->text];
    size_t klen = sentence_key(L, r, key, sizeof key);
    if (memo_get(&sentence_memo, key, klen, sentence_replay, b)) return;
    size_t start = b->len;
    buf ph = BUF_INIT;
    const reason_indicator *ind = indicator_find(r->indicator);
    if (!ind) write_fallback(b, L, r, &ph);
    else if (!r->is_rule) write_model(b, L, r, ind, &ph);
    else if (write_rule(b, L, r, ind, &ph) < 0) {
        /* a rule this version does not know: its English text, else the value */
        if (r->text[0]) write_fallback(b, L, r, &ph);
        else write_model(b, L, r, ind, &ph);
    }
    buf_free(&ph);
    memo_put(&sentence_memo, key, klen, b->data + start, b->len - start);
}
