/*
** tests/unit/test_base.c — dates, buffers, arenas and the crypto wrappers
** (base/date.h, base/buf.h, base/arena.h, base/crypto.h).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/mem.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/err.h"
#include "base/memo.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* ---- dates ------------------------------------------------------------ */

/* Parse s, assert it is a real date, return the day number. */
static int32_t day_of(const char *s) {
    int32_t d = -1;
    assert_int_equal(date_parse(s, strlen(s), &d), 0);
    return d;
}

static void test_date_known(void **state) {
    (void)state;
    assert_int_equal(day_of("1970-01-01"), 0);
    assert_int_equal(day_of("1970-01-02"), 1);
    assert_int_equal(day_of("1969-12-31"), -1);
    assert_int_equal(day_of("2000-03-01"), 11017);
    assert_int_equal(day_of("2024-02-29"), 19782);
    assert_int_equal(day_of("2025-09-01"), 20332);
    assert_int_equal(day_of("1900-01-01"), -25567);
    assert_int_equal(day_of("2199-12-31"), 84005);
    assert_int_equal(date_from_ymd(2024, 2, 29), 19782);
    int y, m, d;
    date_to_ymd(19782, &y, &m, &d);
    assert_int_equal(y, 2024);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    date_to_ymd(-25567, &y, &m, &d);
    assert_int_equal(y, 1900);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
    char out[DATE_TEXT_LEN];
    date_format(11017, out);
    assert_string_equal(out, "2000-03-01");
    date_format(-1, out);
    assert_string_equal(out, "1969-12-31");
}

static void test_date_leap(void **state) {
    (void)state;
    assert_true(date_valid_ymd(2024, 2, 29));
    assert_true(date_valid_ymd(2000, 2, 29));          /* divisible by 400 */
    assert_false(date_valid_ymd(1900, 2, 29));         /* divisible by 100 only */
    assert_false(date_valid_ymd(2100, 2, 29));
    assert_false(date_valid_ymd(2023, 2, 29));
    assert_true(date_valid_ymd(2023, 2, 28));
    assert_int_equal(day_of("2024-03-01") - day_of("2024-02-28"), 2);
    assert_int_equal(day_of("2023-03-01") - day_of("2023-02-28"), 1);
    assert_int_equal(day_of("2025-01-01") - day_of("2024-01-01"), 366);
    assert_int_equal(day_of("2026-01-01") - day_of("2025-01-01"), 365);
}

static void test_date_invalid(void **state) {
    (void)state;
    static const char *const bad[] = {
        "2023-02-29", "2024-13-01", "2024-1-01", "2024-01-1", "2024-00-10", "2024-04-31",
        "2024-01-00", "1900-02-29", "2024/01/01", "2024-01-0a", "24-01-01", "2024-01-011",
        "", "1899-12-31", "2200-01-01", " 024-01-01", "2024-06-31", "+024-01-01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t d = 12345;
        if (date_parse(bad[i], strlen(bad[i]), &d) != -1) fail_msg("accepted %s", bad[i]);
        assert_int_equal(d, 12345);                    /* untouched */
    }
    /* length is what is given, not up to a NUL */
    int32_t d;
    assert_int_equal(date_parse("2024-01-01x", 10, &d), 0);
    assert_int_equal(d, day_of("2024-01-01"));
    assert_int_equal(date_parse("2024-01-01", 9, &d), -1);
}

static void test_date_weekday(void **state) {
    (void)state;
    assert_int_equal(date_weekday(day_of("1970-01-01")), 3);   /* Thursday */
    assert_int_equal(date_weekday(day_of("2024-01-01")), 0);   /* Monday */
    assert_int_equal(date_weekday(day_of("2000-01-01")), 5);   /* Saturday */
    assert_int_equal(date_weekday(day_of("2025-09-01")), 0);   /* Monday */
    assert_int_equal(date_weekday(day_of("2024-02-29")), 3);   /* Thursday */
    assert_int_equal(date_weekday(day_of("1969-12-28")), 6);   /* Sunday, before the epoch */
    assert_int_equal(date_weekday(day_of("1900-01-01")), 0);   /* Monday */
}

static void test_date_round_trip(void **state) {
    (void)state;
    int32_t first = day_of("1900-01-01"), last = day_of("2199-12-31");
    int prev_w = date_weekday(first - 1);
    long count = 0;
    for (int32_t day = first; day <= last; day++) {
        char s[DATE_TEXT_LEN];
        date_format(day, s);
        assert_int_equal(strlen(s), 10);
        int32_t back = -999999;
        if (date_parse(s, 10, &back) != 0) fail_msg("%s does not parse", s);
        assert_int_equal(back, day);
        int y, m, d;
        date_to_ymd(day, &y, &m, &d);
        assert_true(date_valid_ymd(y, m, d));
        assert_int_equal(date_from_ymd(y, m, d), day);
        int w = date_weekday(day);
        assert_int_equal(w, (prev_w + 1) % 7);
        prev_w = w;
        count++;
    }
    /* 300 years, 73 leap years (1900 and 2100 are not) */
    assert_int_equal(count, 300 * 365 + 73);
}

static void test_date_today(void **state) {
    (void)state;
    int32_t t = date_today();
    assert_true(t > day_of("2024-01-01"));
    char iso[32];
    date_now_iso(iso);
    assert_int_equal(strlen(iso), 20);
    assert_int_equal(iso[10], 'T');
    assert_int_equal(iso[19], 'Z');
    int32_t d;
    assert_int_equal(date_parse(iso, 10, &d), 0);
    assert_true(d == t || d == t + 1);                 /* midnight may pass in between */
}

/* ---- buffers ---------------------------------------------------------- */

static void test_buf(void **state) {
    (void)state;
    buf b = BUF_INIT;
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(b.len, 0);
    buf_puts(&b, "abc");
    buf_putc(&b, 'd');
    buf_append(&b, "efgh", 2);
    assert_string_equal(buf_cstr(&b), "abcdef");
    assert_int_equal(b.len, 6);
    buf_printf(&b, "-%d-%s", 42, "x");
    assert_string_equal(b.data, "abcdef-42-x");
    assert_int_equal(b.len, 11);
    /* long printf (past the 256-byte fast path) */
    char big[1000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = 0;
    buf_printf(&b, "[%s]", big);
    assert_int_equal(b.len, 11 + 2 + 999);
    assert_int_equal(b.data[12], 'z');
    assert_int_equal(b.data[b.len - 1], ']');
    assert_int_equal(b.data[b.len], 0);
    /* embedded NULs are kept; len counts them */
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_cstr(&b), "");
    buf_append(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4);
    /* growth over many appends */
    buf_reset(&b);
    for (int i = 0; i < 100000; i++) buf_putc(&b, 'a' + i % 26);
    assert_int_equal(b.len, 100000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.data[99999], 'a' + 99999 % 26);
    assert_int_equal(b.data[100000], 0);
    char *s = buf_detach(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(strlen(s), 100000);
    free(s);
    /* detach of an empty buffer is an empty string the caller frees */
    s = buf_detach(&b);
    assert_string_equal(s, "");
    free(s);
    buf_reserve(&b, 500);
    assert_true(b.cap >= 501);
    assert_int_equal(b.len, 0);
    buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.cap, 0);
}

/* ---- arenas ----------------------------------------------------------- */

static int deferred[4], ndeferred;
/* Records the order in which deferred calls run. */
static void note_deferred(void *p) {
    if (ndeferred < 4) deferred[ndeferred++] = (int)(intptr_t)p;
}

/* arena_defer: calls run newest first, at reset and at free, once each;
** memory handed over is freed (the leak checker of the ASan build sees). */
static void test_arena_defer(void **state) {
    (void)state;
    arena *a = arena_new(0);
    arena_defer(a, note_deferred, (void *)(intptr_t)1);
    arena_defer(a, note_deferred, (void *)(intptr_t)2);
    arena_defer(a, free, malloc(100));
    arena_reset(a);
    assert_int_equal(ndeferred, 2);
    assert_int_equal(deferred[0], 2);
    assert_int_equal(deferred[1], 1);
    arena_reset(a);                               /* nothing left to run */
    assert_int_equal(ndeferred, 2);
    arena_defer(a, note_deferred, (void *)(intptr_t)3);
    arena_free(a);
    assert_int_equal(ndeferred, 3);
    assert_int_equal(deferred[2], 3);
}

static void test_arena_many(void **state) {
    (void)state;
    arena *a = arena_new(4096);
    enum { N = 20000 };
    unsigned char **p = malloc(N * sizeof *p);
    size_t *sz = malloc(N * sizeof *sz);
    for (int i = 0; i < N; i++) {
        sz[i] = (size_t)(i * 37 % 300) + 1;
        p[i] = arena_alloc(a, sz[i]);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % 16, 0);
        memset(p[i], i & 0xFF, sz[i]);
    }
    /* nothing overlapped: every allocation still holds its own pattern */
    for (int i = 0; i < N; i++)
        for (size_t k = 0; k < sz[i]; k++)
            if (p[i][k] != (unsigned char)(i & 0xFF)) fail_msg("allocation %d was overwritten", i);
    assert_true(arena_bytes(a) >= 4096 * 2);
    free(p);
    free(sz);
    arena_free(a);
}

static void test_arena_big_and_reset(void **state) {
    (void)state;
    arena *a = arena_new(1024);
    assert_int_equal(arena_bytes(a), 1024);
    char *small = arena_alloc(a, 100);
    memset(small, 'a', 100);
    char *big = arena_alloc(a, 1000000);           /* far bigger than a block */
    memset(big, 'b', 1000000);
    char *after = arena_alloc(a, 100);             /* still fits in the current block */
    memset(after, 'c', 100);
    assert_int_equal((uintptr_t)big % 16, 0);
    assert_int_equal(small[99], 'a');
    assert_int_equal(big[0], 'b');
    assert_int_equal(big[999999], 'b');
    assert_true(arena_bytes(a) >= 1024 + 1000000);
    char *z = arena_zalloc(a, 5000);
    for (int i = 0; i < 5000; i++) assert_int_equal(z[i], 0);
    assert_string_equal(arena_strdup(a, "hello"), "hello");
    assert_string_equal(arena_strndup(a, "hello world", 5), "hello");
    char *pf = arena_printf(a, "%s-%d", "n", 7);
    assert_string_equal(pf, "n-7");
    char longs[3000];
    memset(longs, 'q', sizeof longs - 1);
    longs[sizeof longs - 1] = 0;
    assert_string_equal(arena_printf(a, "%s", longs), longs);
    arena_reset(a);
    assert_int_equal(arena_bytes(a), 1024);        /* only one block kept */
    /* usable again after reset */
    for (int i = 0; i < 1000; i++) {
        char *q = arena_alloc(a, 64);
        memset(q, 'x', 64);
    }
    assert_true(arena_bytes(a) > 1024);
    arena_reset(a);
    arena_free(a);
    arena *d = arena_new(0);                       /* default block size */
    assert_int_equal(arena_bytes(d), 64 * 1024);
    arena_free(d);
}

/* ---- crypto ----------------------------------------------------------- */

static void test_crypto_seal_open(void **state) {
    (void)state;
    assert_int_equal(crypto_init(), 0);
    assert_int_equal(crypto_init(), 0);            /* idempotent */
    unsigned char key[CRYPTO_KEY_BYTES], other[CRYPTO_KEY_BYTES];
    crypto_random_bytes(key, sizeof key);
    crypto_random_bytes(other, sizeof other);
    assert_memory_not_equal(key, other, sizeof key);
    const char *plain = "Case note: learner mentioned housing problems.";
    size_t n = strlen(plain);
    buf sealed = BUF_INIT, sealed2 = BUF_INIT, out = BUF_INIT;
    assert_int_equal(crypto_text_seal(key, plain, n, &sealed), 0);
    assert_int_equal(sealed.len, n + CRYPTO_SEAL_OVERHEAD);
    for (size_t i = 0; i + 7 <= sealed.len; i++)
        assert_memory_not_equal(sealed.data + i, "housing", 7);
    /* a fresh nonce each time: same text seals differently */
    assert_int_equal(crypto_text_seal(key, plain, n, &sealed2), 0);
    assert_memory_not_equal(sealed.data, sealed2.data, sealed.len);
    cairn_err err = {0, ""};
    buf_puts(&out, ">");                           /* open appends */
    assert_int_equal(crypto_text_open(key, sealed.data, sealed.len, &out, &err), 0);
    assert_int_equal(out.len, n + 1);
    assert_string_equal(out.data + 1, plain);
    /* the wrong key */
    buf_reset(&out);
    assert_int_equal(crypto_text_open(other, sealed.data, sealed.len, &out, &err), -1);
    assert_int_equal(err.code, CAIRN_EINVAL);
    assert_string_equal(err.msg, "sealed text cannot be opened: wrong key, or it was changed");
    assert_int_equal(out.len, 0);
    /* any changed byte (nonce, tag or ciphertext) is rejected */
    for (size_t i = 0; i < sealed.len; i++) {
        sealed.data[i] ^= 0x01;
        err.code = 0;
        assert_int_equal(crypto_text_open(key, sealed.data, sealed.len, &out, &err), -1);
        assert_int_equal(err.code, CAIRN_EINVAL);
        assert_int_equal(out.len, 0);
        sealed.data[i] ^= 0x01;
    }
    /* cut short */
    assert_int_equal(crypto_text_open(key, sealed.data, sealed.len - 1, &out, &err), -1);
    assert_int_equal(crypto_text_open(key, sealed.data, CRYPTO_SEAL_OVERHEAD - 1, &out, &err), -1);
    assert_string_equal(err.msg, "sealed text is too short (39 bytes, at least 40)");
    /* still opens after all that */
    assert_int_equal(crypto_text_open(key, sealed.data, sealed.len, &out, &err), 0);
    assert_string_equal(out.data, plain);
    /* empty text */
    buf_reset(&sealed);
    buf_reset(&out);
    assert_int_equal(crypto_text_seal(key, "", 0, &sealed), 0);
    assert_int_equal(sealed.len, CRYPTO_SEAL_OVERHEAD);
    assert_int_equal(crypto_text_open(key, sealed.data, sealed.len, &out, &err), 0);
    assert_int_equal(out.len, 0);
    assert_string_equal(buf_cstr(&out), "");
    buf_free(&sealed);
    buf_free(&sealed2);
    buf_free(&out);
}

/* str_full_name: what "%s %s" gives, NULL as "", cut at a character. */
static void test_str_full_name(void **state) {
    (void)state;
    char out[16];
    str_full_name(out, sizeof out, "Ann", "Lee");
    assert_string_equal(out, "Ann Lee");
    str_full_name(out, sizeof out, NULL, "Lee");
    assert_string_equal(out, " Lee");
    str_full_name(out, sizeof out, "Ann", NULL);
    assert_string_equal(out, "Ann ");
    str_full_name(out, 8, "Ann", "Lee\xc3\xa9");   /* "Ann Lee" + 2-byte é: no room */
    assert_string_equal(out, "Ann Lee");
    str_full_name(out, 4, "Anna", "Lee");
    assert_string_equal(out, "Ann");
}

/* str_uint: what "%llu" gives. */
static void test_str_uint(void **state) {
    (void)state;
    unsigned long long v[] = {0, 7, 10, 99, 100, 12345678901234ULL, 18446744073709551615ULL};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char mine[STR_UINT_MAX], want[32];
        snprintf(want, sizeof want, "%llu", v[i]);
        assert_int_equal(str_uint(v[i], mine), strlen(want));
        assert_string_equal(mine, want);
    }
}

/* crypto_base64_decode: URL-safe, unpadded, strict (fuzz/fuzz_base64.c
** compares it with libsodium's decoder on every input). */
static void test_crypto_base64_decode(void **state) {
    (void)state;
    buf out = BUF_INIT;
    buf_puts(&out, ">");
    assert_int_equal(crypto_base64_decode("aGVsbG8", 7, &out), 0);
    assert_string_equal(out.data, ">hello");
    unsigned char bytes[] = {0xfb, 0xff, 0xbf, 0x00, 0x01};
    buf enc = BUF_INIT;
    crypto_base64_append(bytes, sizeof bytes, &enc);
    assert_string_equal(enc.data, "-_-_AAE");
    buf dec = BUF_INIT;
    assert_int_equal(crypto_base64_decode(enc.data, enc.len, &dec), 0);
    assert_int_equal(dec.len, sizeof bytes);
    assert_memory_equal(dec.data, bytes, sizeof bytes);
    const char *bad[] = {"aGVsbG9", "a", "aGVs+G8", "aGVs/G8", "aGVsbG8=", "aGV sbG8",
                         "\xa9\xb8\xa9\x8c"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(crypto_base64_decode(bad[i], strlen(bad[i]), &out), -1);
        assert_string_equal(out.data, ">hello");   /* unchanged */
    }
    assert_int_equal(crypto_base64_decode("", 0, &out), 0);
    assert_string_equal(out.data, ">hello");
    buf_free(&out);
    buf_free(&enc);
    buf_free(&dec);
}

/* 1 if s is exactly n lowercase hex digits. */
static int is_hex(const char *s, size_t n) {
    if (strlen(s) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

static void test_crypto_token_hash(void **state) {
    (void)state;
    char t1[65], t2[65];
    memset(t1, 'X', sizeof t1);
    crypto_random_token(t1, 32);
    crypto_random_token(t2, 32);
    assert_true(is_hex(t1, 64));
    assert_true(is_hex(t2, 64));
    assert_string_not_equal(t1, t2);
    char t3[201];
    crypto_random_token(t3, 100);                  /* longer than the internal chunk */
    assert_true(is_hex(t3, 200));
    char t0[1] = {'X'};
    crypto_random_token(t0, 0);
    assert_int_equal(t0[0], 0);

    char h[CRYPTO_SHA256_HEX_LEN];
    crypto_sha256_hex("abc", 3, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    crypto_sha256_hex("", 0, h);
    assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    assert_int_equal(crypto_constant_time_eq("abcdef", "abcdef", 6), 1);
    assert_int_equal(crypto_constant_time_eq("abcdef", "abcdeg", 6), 0);
    assert_int_equal(crypto_constant_time_eq("xbcdef", "abcdef", 6), 0);
    assert_int_equal(crypto_constant_time_eq("abcdef", "abcdeg", 5), 1);
}

/* A memo_get callback: the value into the buf arg; a value is aligned for
** any type (a struct is kept there). */
static void memo_into(const void *value, size_t vlen, void *arg) {
    assert_int_equal((uintptr_t)value % _Alignof(max_align_t), 0);
    buf_append(arg, value, vlen);   /* not HTML: test bytes */
}

/* base/memo.h: a value is found only under its exact key (not a prefix,
** not a key of the same hash slot), a new key takes its slot, a put
** replaces, empty keys and values work, and clear forgets. */
static void test_memo(void **state) {
    (void)state;
    static memo_table t = MEMO_TABLE(4);   /* 4 slots: keys share slots */
    buf b = BUF_INIT;
    assert_int_equal(memo_get(&t, "a", 1, memo_into, &b), 0);   /* empty, no slots yet */
    char key[16], val[16];
    for (int i = 0; i < 64; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        snprintf(val, sizeof val, "value %d", i);
        memo_put(&t, key, strlen(key), val, strlen(val) + 1);
        buf_reset(&b);
        assert_int_equal(memo_get(&t, key, strlen(key), memo_into, &b), 1);
        assert_string_equal(b.data, val);
        assert_int_equal(memo_get(&t, key, strlen(key) - 1, memo_into, &b), 0);   /* prefix */
    }
    /* 64 keys in 4 slots: at most 4 still there, each with its own value */
    int found = 0;
    for (int i = 0; i < 64; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        snprintf(val, sizeof val, "value %d", i);
        buf_reset(&b);
        if (memo_get(&t, key, strlen(key), memo_into, &b)) {
            found++;
            assert_string_equal(b.data, val);
        }
    }
    assert_true(found >= 1 && found <= 4);
    memo_put(&t, "key-63", 6, "new", 4);   /* replaces */
    buf_reset(&b);
    assert_int_equal(memo_get(&t, "key-63", 6, memo_into, &b), 1);
    assert_string_equal(b.data, "new");
    memo_put(&t, "", 0, "", 0);   /* empty key and value */
    buf_reset(&b);
    assert_int_equal(memo_get(&t, "", 0, memo_into, &b), 1);
    assert_int_equal(b.len, 0);
    memo_clear(&t);
    assert_int_equal(memo_get(&t, "", 0, memo_into, &b), 0);
    assert_int_equal(memo_get(&t, "key-63", 6, memo_into, &b), 0);
    buf_free(&b);
}

/* str_copy cuts long text at a UTF-8 character boundary and handles NULL. */
static void test_str_copy(void **state) {
    (void)state;
    char small[6];
    str_copy(small, sizeof small, "abcdefgh");
    assert_string_equal(small, "abcde");
    str_copy(small, sizeof small, "abcd\xC3\xA9");     /* "abcdé": é would not fit whole */
    assert_string_equal(small, "abcd");
    str_copy(small, sizeof small, NULL);
    assert_string_equal(small, "");
    str_copy(small, sizeof small, "\xC5\x81" "ab");     /* "Łab" fits */
    assert_string_equal(small, "\xC5\x81" "ab");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_known),
        cmocka_unit_test(test_date_leap),
        cmocka_unit_test(test_date_invalid),
        cmocka_unit_test(test_date_weekday),
        cmocka_unit_test(test_date_round_trip),
        cmocka_unit_test(test_date_today),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_arena_many),
        cmocka_unit_test(test_arena_defer),
        cmocka_unit_test(test_arena_big_and_reset),
        cmocka_unit_test(test_str_copy),
        cmocka_unit_test(test_memo),
        cmocka_unit_test(test_crypto_seal_open),
        cmocka_unit_test(test_crypto_token_hash),
        cmocka_unit_test(test_crypto_base64_decode),
        cmocka_unit_test(test_str_uint),
        cmocka_unit_test(test_str_full_name),
    };
    return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
