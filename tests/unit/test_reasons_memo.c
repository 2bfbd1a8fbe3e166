/*
** tests/unit/test_reasons_memo.c — risk/reasons_memo.c: a score's flags
** and reasons read through the memo are exactly what parsing them gives,
** for the first read, a remembered one, a changed text of the same length
** and from several threads at once.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "risk/risk_read.h"
#include "risk/risk_read_internal.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXTS 300

/* The reasons text number i: two items whose numbers and words depend on i. */
static void reasons_text(int i, char *out, size_t n) {
    snprintf(out, n, "{\"advice\":\"signs\",\"items\":[{\"kind\":\"rule\",\"code\":\"failed_unit\","
             "\"indicator\":\"failed_term\",\"value\":%d,\"threshold\":1,\"peer\":0,\"text\":"
             "\"failed assessments this term: %d\"},{\"kind\":\"model\",\"indicator\":"
             "\"score_avg_term\",\"value\":%d.5,\"peer\":64.5,\"text\":\"average mark %d\"}]}",
             i % 7 + 1, i % 7 + 1, i, i);
}

/* Fail unless a and b have the same flags and reasons. */
static void rows_equal(const risk_attention_row *a, const risk_attention_row *b) {
    assert_int_equal(a->nflags, b->nflags);
    for (int k = 0; k < a->nflags; k++) assert_string_equal(a->flag_codes[k], b->flag_codes[k]);
    assert_int_equal(a->nreasons, b->nreasons);
    for (int k = 0; k < a->nreasons; k++) {
        const risk_reason_fields *x = &a->reason_fields[k], *y = &b->reason_fields[k];
        assert_string_equal(a->reason[k], b->reason[k]);
        assert_int_equal(x->is_rule, y->is_rule);
        assert_string_equal(x->code, y->code);
        assert_string_equal(x->indicator, y->indicator);
        assert_true(x->value == y->value);
        assert_true(x->threshold == y->threshold || (isnan(x->threshold) && isnan(y->threshold)));
        assert_true(x->peer == y->peer || (isnan(x->peer) && isnan(y->peer)));
    }
}

/* Parse and fill one pair of texts; fail unless both give the same row. */
static void same_as_parse(const char *flags, const char *reasons) {
    static risk_attention_row parsed, filled;
    memset(&parsed, 0, sizeof parsed);
    memset(&filled, 0x5a, sizeof filled);   /* whatever was there before */
    risk_reasons_parse(flags, reasons, &parsed);
    risk_reasons_fill(flags, reasons, &filled);
    rows_equal(&parsed, &filled);
}

/* First read, remembered read, a changed text, the first text again, and
** what does not parse. */
static void test_same_as_parse(void **state) {
    (void)state;
    char a[1024], b[1024];
    reasons_text(3, a, sizeof a);
    reasons_text(4, b, sizeof b);
    same_as_parse("[\"failed_unit\"]", a);
    same_as_parse("[\"failed_unit\"]", a);             /* from the memo */
    same_as_parse("[\"failed_unit\"]", b);             /* same length, other words */
    same_as_parse("[\"attendance_low\"]", a);          /* other flags, same reasons */
    same_as_parse("[\"failed_unit\"]", a);
    same_as_parse(NULL, NULL);
    same_as_parse("[1, \"x\"", "{\"items\": 3}");      /* not what scoring writes */
    static risk_attention_row r;
    risk_reasons_fill("[\"failed_unit\"]", b, &r);
    assert_int_equal(r.nreasons, 2);
    assert_string_equal(r.reason[1], "average mark 4");
    assert_true(r.reason_fields[1].value == 4.5);
    for (int i = 0; i < TEXTS; i++) {                  /* more texts than fit every slot */
        reasons_text(i, a, sizeof a);
        same_as_parse("[\"failed_unit\"]", a);
    }
}

/* Read TEXTS texts in a thread's own order; ok = 1 when every read agreed
** with parsing. */
typedef struct memo_worker {
    int seed, ok;
} memo_worker;

static void *memo_worker_run(void *arg) {
    memo_worker *w = arg;
    risk_attention_row *p = calloc(2, sizeof *p);
    w->ok = p != NULL;
    char text[1024];
    for (int n = 0; w->ok && n < 4 * TEXTS; n++) {
        int i = (n * 7 + w->seed * 13) % TEXTS;
        reasons_text(i, text, sizeof text);
        risk_reasons_parse("[\"failed_unit\"]", text, &p[0]);
        risk_reasons_fill("[\"failed_unit\"]", text, &p[1]);
        if (p[0].nreasons != p[1].nreasons || strcmp(p[0].reason[1], p[1].reason[1]) != 0 ||
            p[0].reason_fields[0].value != p[1].reason_fields[0].value)
            w->ok = 0;
    }
    free(p);
    return NULL;
}

/* Four threads reading and replacing the same slots at once. */
static void test_threads(void **state) {
    (void)state;
    memo_worker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (memo_worker){.seed = i};
        assert_int_equal(pthread_create(&t[i], NULL, memo_worker_run, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_true(w[i].ok);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_parse),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
