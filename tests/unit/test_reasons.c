/*
** tests/unit/test_reasons.c — web/reasons.h: reading the stored reasons and
** writing each sentence in the page's language.  The English sentences are
** compared with what risk/rules.c and risk/explain.c write at scoring time
** for the same learner (less the "N weeks ago" / "within N weeks" parts of
** attendance_drop, which the stored item does not hold).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/buf.h"
#include "risk/explain.h"
#include "risk/risk.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/reasons.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------- */

/* Our language with this code; fails the test if there is none. */
static const i18n_lang *lang(const char *code) {
    size_t n = 0;
    const i18n_lang *all = i18n_langs(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].code, code) == 0) return &all[i];
    fail_msg("no language %s", code);
    return NULL;
}

/* The example learner's stored reasons (as in risk_score.reasons); the
** "text" fields are filled in from rules.c and explain.c by scored_json(). */
#define EXAMPLE_ITEMS 5

/* The English sentences rules.c and explain.c write for the example
** learner: 4 rules (attendance_low, attendance_drop, behaviour_serious,
** engagement_drop) and the model's reason for unexcused_4w, into text. */
static void scoring_texts(char text[EXAMPLE_ITEMS][RISK_REASON_MAX]) {
    risk_features f;
    memset(&f, 0, sizeof f);
    double peer[RF_COUNT];
    for (int k = 0; k < RF_COUNT; k++) f.v[k] = peer[k] = NAN;
    f.v[RF_ATT_RATE_4W] = 55;
    f.v[RF_ATT_DROP] = -31.33333333;
    f.v[RF_ATT_DROP_WEEKS] = 3;
    f.v[RF_BEHAV_SERIOUS_8W] = 1;
    f.v[RF_LMS_DAYS_SINCE] = 15;
    f.v[RF_UNEXCUSED_4W] = 7;
    peer[RF_ATT_RATE_4W] = 95;
    peer[RF_ATT_DROP] = -10;
    peer[RF_BEHAV_SERIOUS_8W] = 0;
    peer[RF_LMS_DAYS_SINCE] = 0;
    peer[RF_UNEXCUSED_4W] = 0;
    risk_rules r;
    risk_rules_defaults(&r);
    risk_flag fl[RISK_RULE_COUNT];
    size_t n = 0;
    assert_int_equal(risk_rules_eval_peers(&r, &f, peer, fl, &n), 0);
    assert_int_equal(n, 4);
    static const char *const order[4] = {"attendance_low", "attendance_drop",
                                         "behaviour_serious", "engagement_drop"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(fl[i].code, order[i]);
        snprintf(text[i], RISK_REASON_MAX, "%s", fl[i].reason);
    }
    risk_explain_sentence(RF_UNEXCUSED_4W, 7, 0, text[4], RISK_REASON_MAX);
}

/* The stored reasons document of the example learner, texts from scoring;
** caller frees. */
static char *scored_json(char text[EXAMPLE_ITEMS][RISK_REASON_MAX]) {
    scoring_texts(text);
    json_t *items = json_pack(
        "[{s:s,s:s,s:s,s:i,s:i,s:i,s:s}, {s:s,s:s,s:s,s:f,s:i,s:i,s:s},"
        " {s:s,s:s,s:s,s:i,s:i,s:i,s:s}, {s:s,s:s,s:s,s:i,s:i,s:i,s:s},"
        " {s:s,s:s,s:i,s:i,s:f,s:s}]",
        "kind", "rule", "code", "attendance_low", "indicator", "att_rate_4w", "value", 55,
        "threshold", 90, "peer", 95, "text", text[0],
        "kind", "rule", "code", "attendance_drop", "indicator", "att_drop", "value",
        -31.33333333, "threshold", -20, "peer", -10, "text", text[1],
        "kind", "rule", "code", "behaviour_serious", "indicator", "behav_serious_8w", "value", 1,
        "threshold", 1, "peer", 0, "text", text[2],
        "kind", "rule", "code", "engagement_drop", "indicator", "lms_days_since", "value", 15,
        "threshold", 14, "peer", 0, "text", text[3],
        "kind", "model", "indicator", "unexcused_4w", "value", 7, "peer", 0, "contribution", 1.19,
        "text", text[4]);
    assert_non_null(items);
    json_t *root = json_pack("{s:s,s:o}", "advice", "Look at it.", "items", items);
    char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(root);
    assert_non_null(s);
    return s;
}

/* The sentence of r in language code, into a fresh string (caller frees). */
static char *sentence(const char *code, const page_reason *r) {
    buf b = BUF_INIT;
    page_reason_write(&b, code ? lang(code) : NULL, r);
    char *s = strdup(buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* Remove the first occurrence of cut from s, in place. */
static void cut_out(char *s, const char *cut) {
    char *p = strstr(s, cut);
    assert_non_null(p);
    memmove(p, p + strlen(cut), strlen(p + strlen(cut)) + 1);
}

/* 1 if s contains needle. */
static int has(const char *s, const char *needle) {
    return strstr(s, needle) != NULL;
}

/* ---- tests ------------------------------------------------------------------------- */

/* The structured fields are read; English equals what scoring wrote. */
static void test_english_equals_scoring(void **state) {
    (void)state;
    char text[EXAMPLE_ITEMS][RISK_REASON_MAX];
    char *js = scored_json(text);
    page_reason r[8];
    assert_int_equal(page_reasons_parse(js, r, 8), EXAMPLE_ITEMS);
    assert_true(r[0].is_rule);
    assert_string_equal(r[0].code, "attendance_low");
    assert_string_equal(r[0].indicator, "att_rate_4w");
    assert_true(r[0].has_threshold && r[0].has_peer);
    assert_true(r[0].value == 55 && r[0].threshold == 90 && r[0].peer == 95);
    assert_false(r[4].is_rule);
    assert_string_equal(r[4].code, "");
    assert_false(r[4].has_threshold);
    assert_string_equal(r[4].text, text[4]);

    /* the stored item holds neither when the drop was nor the rule's window */
    cut_out(text[1], " 3 weeks ago");
    cut_out(text[1], " within 6 weeks");
    static const char *const expect[EXAMPLE_ITEMS] = {
        "attendance in the last 4 weeks: 55 % — below the 90 % this school watches for — "
        "peers in the same group: 95 %",
        "weekly attendance fell by 31.3 points — this school watches for a fall of 20 points "
        "or more — peers in the same group: -10 points",
        "moderate or serious behaviour incidents in the last 8 weeks: 1 — this school watches "
        "for 1 or more — peers in the same group: 0",
        "no learning-platform activity for 15 days — this school watches for 14 days or more — "
        "peers in the same group: 0 days",
        "days absent without excuse in the last 4 weeks: 7 days — peers in the same group: "
        "0 days",
    };
    for (int i = 0; i < EXAMPLE_ITEMS; i++) {
        char *en = sentence("en", &r[i]);
        assert_string_equal(en, text[i]);
        assert_string_equal(en, expect[i]);
        free(en);
        char *dflt = sentence(NULL, &r[i]);   /* no language: English */
        assert_string_equal(dflt, expect[i]);
        free(dflt);
    }
    free(js);
}

/* Every rule sentence of rules.c without peers, and the model's without. */
static void test_english_more(void **state) {
    (void)state;
    static const struct {
        const char *json, *expect;
    } cases[] = {
        {"{\"kind\":\"rule\",\"code\":\"attendance_low\",\"indicator\":\"att_rate_term\","
         "\"value\":72.25,\"threshold\":90,\"peer\":null}",
         "attendance this term: 72.3 % — below the 90 % this school watches for"},
        {"{\"kind\":\"rule\",\"code\":\"attendance_drop\",\"indicator\":\"att_drop\","
         "\"value\":-25,\"threshold\":-20,\"peer\":4.9}",
         "weekly attendance fell by 25 points — this school watches for a fall of 20 points or "
         "more — peers in the same group: +4.9 points"},
        {"{\"kind\":\"rule\",\"code\":\"behaviour_repeated\",\"indicator\":\"behav_minor_8w\","
         "\"value\":3,\"threshold\":2}",
         "minor behaviour incidents in the last 8 weeks: 3 — this school watches for 2 or more"},
        {"{\"kind\":\"rule\",\"code\":\"failed_unit\",\"indicator\":\"failed_term\","
         "\"value\":2,\"threshold\":1,\"peer\":0.5}",
         "failed assessments this term: 2 — this school watches for 1 or more — peers in the "
         "same group: 0.5"},
        {"{\"kind\":\"rule\",\"code\":\"missing_work\",\"indicator\":\"missing_term\","
         "\"value\":1,\"threshold\":1}",
         "missing assessments this term: 1 — this school watches for 1 or more"},
        {"{\"kind\":\"rule\",\"code\":\"engagement_drop\",\"indicator\":\"lms_days_since\","
         "\"value\":1,\"threshold\":1,\"peer\":1}",
         "no learning-platform activity for 1 day — this school watches for 1 day or more — "
         "peers in the same group: 1 day"},
        {"{\"kind\":\"rule\",\"code\":\"engagement_drop\",\"indicator\":\"lms_trend\","
         "\"value\":-6,\"threshold\":-5,\"peer\":-1}",
         "days active on the learning platform fell by 6 (last 2 weeks against the 2 before) — "
         "this school watches for a fall of 5 or more — peers in the same group: -1"},
        {"{\"kind\":\"model\",\"indicator\":\"att_drop\",\"value\":-31.33333333}",
         "change in weekly attendance since its biggest recent shift: -31.3 percentage points"},
        {"{\"kind\":\"model\",\"indicator\":\"lms_minutes_4w\",\"value\":12.5,\"peer\":180}",
         "minutes on the learning platform in the last 4 weeks: 12.5 minutes — peers in the "
         "same group: 180 minutes"},
        {"{\"kind\":\"model\",\"indicator\":\"score_avg_term\",\"value\":48}",
         "average mark this term: 48 %"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_error_t e;
        json_t *j = json_loads(cases[i].json, 0, &e);
        assert_non_null(j);
        page_reason r;
        assert_int_equal(page_reason_from_json(j, &r), 0);
        json_decref(j);
        char *en = sentence("en", &r);
        assert_string_equal(en, cases[i].expect);
        free(en);
    }
}

/* German, Ukrainian and Arabic: the translated name, numbers in the
** language's digits and separators, no English left. */
static void test_languages(void **state) {
    (void)state;
    char text[EXAMPLE_ITEMS][RISK_REASON_MAX];
    char *js = scored_json(text);
    page_reason r[EXAMPLE_ITEMS];
    assert_int_equal(page_reasons_parse(js, r, EXAMPLE_ITEMS), EXAMPLE_ITEMS);
    static const char *const codes[] = {"de", "uk", "ar"};
    static const char *const names[EXAMPLE_ITEMS] = {
        "attendance in the last 4 weeks", NULL,
        "moderate or serious behaviour incidents in the last 8 weeks", NULL,
        "days absent without excuse in the last 4 weeks"};
    static const double nums[EXAMPLE_ITEMS][2] = {{55, 95}, {31.3, 20}, {1, 0}, {15, 14}, {7, 0}};
    for (size_t c = 0; c < 3; c++) {
        const i18n_lang *L = lang(codes[c]);
        for (int i = 0; i < EXAMPLE_ITEMS; i++) {
            char *s = sentence(codes[c], &r[i]);
            if (names[i]) {
                const char *tr = i18n_tr(L, names[i]);
                assert_string_not_equal(tr, names[i]);   /* translated */
                if (!has(s, tr)) fail_msg("%s: \"%s\" lacks \"%s\"", codes[c], s, tr);
            }
            for (int k = 0; k < 2; k++) {
                char num[I18N_NUM_MAX];
                double v = nums[i][k];
                i18n_format_number(L, v, v == rint(v) ? 0 : 1, num, sizeof num);
                if (!has(s, num)) fail_msg("%s: \"%s\" lacks \"%s\"", codes[c], s, num);
            }
            /* no English and, in Arabic, no ASCII digit */
            assert_false(has(s, "this school"));
            assert_false(has(s, "peers"));
            assert_false(has(s, "<"));
            if (strcmp(codes[c], "ar") == 0)
                for (const char *p = s; *p; p++) assert_false(*p >= '0' && *p <= '9');
            free(s);
        }
    }
    /* spot checks of whole sentences */
    char *de = sentence("de", &r[1]);
    assert_true(has(de, "31,3"));
    free(de);
    char *ar = sentence("ar", &r[0]);
    assert_true(has(ar, "\xD9\xA5\xD9\xA5"));   /* ٥٥ */
    free(ar);
    char *uk = sentence("uk", &r[3]);
    assert_true(has(uk, "15 днів"));
    assert_true(has(uk, "14 днів"));
    assert_true(has(uk, "0 днів"));
    free(uk);
    free(js);
}

/* A remembered sentence is the one made afresh: in every language, after
** sentences of other languages and values of the same reason, appended
** after text already in the buffer, and after the memo is forgotten. */
static void test_remembered(void **state) {
    (void)state;
    char text[EXAMPLE_ITEMS][RISK_REASON_MAX];
    char *js = scored_json(text);
    page_reason r[EXAMPLE_ITEMS];
    assert_int_equal(page_reasons_parse(js, r, EXAMPLE_ITEMS), EXAMPLE_ITEMS);
    static const char *const codes[] = {"en", "de", "uk", "ar"};
    char *fresh[4][EXAMPLE_ITEMS][2];
    page_reasons_forget();   /* pass 0 makes them afresh; pass 1 replays pass 0's */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t c = 0; c < 4; c++)
            for (int i = 0; i < EXAMPLE_ITEMS; i++) {
                page_reason other = r[i];
                other.value += 1;   /* another value of the same reason */
                if (pass == 0) {
                    fresh[c][i][0] = sentence(codes[c], &r[i]);
                    fresh[c][i][1] = sentence(codes[c], &other);
                    assert_string_not_equal(fresh[c][i][0], fresh[c][i][1]);
                    continue;
                }
                buf b = BUF_INIT;
                buf_puts(&b, "<li>");   /* not HTML: a prefix the sentence must keep */
                page_reason_write(&b, lang(codes[c]), &r[i]);
                assert_string_equal(buf_cstr(&b) + 4, fresh[c][i][0]);
                assert_memory_equal(buf_cstr(&b), "<li>", 4);
                buf_free(&b);
                char *s = sentence(codes[c], &other);
                assert_string_equal(s, fresh[c][i][1]);
                free(s);
            }
        if (pass == 0)   /* the languages' sentences differ, so a key without it fails */
            assert_string_not_equal(fresh[0][0][0], fresh[1][0][0]);
    }
    for (size_t c = 0; c < 4; c++)
        for (int i = 0; i < EXAMPLE_ITEMS; i++) {
            free(fresh[c][i][0]);
            free(fresh[c][i][1]);
        }
    free(js);
}

/* Plural forms of the units follow the number in each language. */
static void test_plurals(void **state) {
    (void)state;
    page_reason r;
    memset(&r, 0, sizeof r);
    snprintf(r.indicator, sizeof r.indicator, "unexcused_term");
    static const struct {
        const char *code;
        double v;
        const char *expect;
    } cases[] = {
        {"en", 1, ": 1 day"},      {"en", 2, ": 2 days"},     {"en", 1.5, ": 1.5 days"},
        {"de", 1, ": 1 Tag"},      {"de", 2, ": 2 Tage"},     {"de", 1.5, ": 1,5 Tage"},
        {"uk", 1, ": 1 день"},     {"uk", 3, ": 3 дні"},      {"uk", 5, ": 5 днів"},
        {"uk", 21, ": 21 день"},   {"uk", 1.5, ": 1,5 дня"},
        {"ar", 3, "\xD9\xA3 أيام"}, {"ar", 11, "\xD9\xA1\xD9\xA1 يومًا"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r.value = cases[i].v;
        char *s = sentence(cases[i].code, &r);
        if (!has(s, cases[i].expect))
            fail_msg("%s %g: \"%s\" lacks \"%s\"", cases[i].code, cases[i].v, s, cases[i].expect);
        free(s);
    }
}

/* An indicator this version does not know: the stored English text, marked
** as English on other pages and escaped; an unknown rule the same. */
static void test_unknown(void **state) {
    (void)state;
    page_reason r[4];
    int n = page_reasons_parse(
        "{\"items\":[{\"kind\":\"model\",\"indicator\":\"new_thing_9w\",\"value\":3,"
        "\"text\":\"new thing <b>: 3\"},"
        "{\"kind\":\"rule\",\"code\":\"new_rule\",\"indicator\":\"att_rate_4w\",\"value\":50,"
        "\"threshold\":80,\"text\":\"a new rule & 50 %\"},"
        "{\"kind\":\"model\",\"indicator\":\"other_thing\",\"value\":2.25}]}",
        r, 4);
    assert_int_equal(n, 3);
    char *en = sentence("en", &r[0]);
    assert_string_equal(en, "new thing &lt;b&gt;: 3");
    free(en);
    char *de = sentence("de", &r[0]);
    assert_string_equal(de, "<span lang=\"en\">new thing &lt;b&gt;: 3</span>");
    free(de);
    char *ar = sentence("ar", &r[1]);
    assert_string_equal(ar, "<span lang=\"en\" dir=\"ltr\">a new rule &amp; 50 %</span>");
    free(ar);
    char *uk = sentence("uk", &r[2]);   /* no text: the code and the value */
    assert_true(has(uk, "other_thing"));
    assert_true(has(uk, "2,3"));
    free(uk);
    /* a known rule whose indicator is not the one it uses: the text */
    page_reason x = r[1];
    snprintf(x.code, sizeof x.code, "attendance_drop");
    char *t = sentence("en", &x);
    assert_string_equal(t, "a new rule &amp; 50 %");
    free(t);
}

/* What cannot be read gives nothing and no crash. */
static void test_malformed(void **state) {
    (void)state;
    page_reason r[4];
    static const char *const bad[] = {
        "", "{", "[", "null", "42", "\"items\"", "{\"items\":{}}", "{\"items\":[1,2,3]}",
        "{\"advice\":\"x\"}", "{\"items\":[{\"kind\":\"rule\"}]}",
        "{\"items\":[{\"kind\":\"other\",\"indicator\":\"att_rate_4w\",\"value\":1}]}",
        "{\"items\":[{\"kind\":\"model\",\"indicator\":\"att_rate_4w\",\"value\":\"1\"}]}",
        "{\"items\":[{\"kind\":\"model\",\"indicator\":\"att_rate_4w\",\"value\":null}]}",
        "{\"items\":[{\"kind\":\"model\",\"indicator\":\"\",\"value\":1}]}",
        "{\"items\":[{\"kind\":\"model\",\"indicator\":7,\"value\":1}]}",
        "{\"items\":[{\"kind\":\"model\",\"indicator\":\"att_rate_4w\",\"value\":1},]}",
        "\xff\xfe{}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(page_reasons_parse(bad[i], r, 4), 0);
    assert_int_equal(page_reasons_parse(NULL, r, 4), 0);
    assert_int_equal(page_reason_from_json(NULL, &r[0]), -1);
    /* max is respected; unreadable items are skipped, not counted */
    const char *two = "[{\"kind\":\"model\",\"indicator\":\"late_4w\",\"value\":1},"
                      "{\"kind\":\"x\"},"
                      "{\"kind\":\"model\",\"indicator\":\"late_4w\",\"value\":2}]";
    assert_int_equal(page_reasons_parse(two, r, 4), 2);
    assert_true(r[1].value == 2);
    assert_int_equal(page_reasons_parse(two, r, 1), 1);
    assert_int_equal(page_reasons_parse(two, r, 0), 0);
    /* long fields are cut, at a character */
    char big[2000];
    int k = snprintf(big, sizeof big, "[{\"kind\":\"rule\",\"code\":\"");
    for (int i = 0; i < 60; i++) k += snprintf(big + k, sizeof big - (size_t)k, "\xc3\xa9");
    k += snprintf(big + k, sizeof big - (size_t)k, "\",\"indicator\":\"late_4w\",\"value\":1e300,"
                  "\"threshold\":-1e300,\"text\":\"");
    for (int i = 0; i < 300; i++) k += snprintf(big + k, sizeof big - (size_t)k, "\xd0\x96");
    snprintf(big + k, sizeof big - (size_t)k, "\"}]");
    assert_int_equal(page_reasons_parse(big, r, 4), 1);
    assert_true(strlen(r[0].code) < sizeof r[0].code && strlen(r[0].code) % 2 == 0);
    assert_true(strlen(r[0].text) < sizeof r[0].text && strlen(r[0].text) % 2 == 0);
    for (size_t c = 0; c < 4; c++) {
        static const char *const codes[] = {"en", "de", "uk", "ar"};
        char *s = sentence(codes[c], &r[0]);
        assert_true(strlen(s) > 0);
        free(s);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english_equals_scoring),
        cmocka_unit_test(test_english_more),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_remembered),
        cmocka_unit_test(test_plurals),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
