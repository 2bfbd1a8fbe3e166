/*
** tests/unit/test_multipart.c — the multipart/form-data reader
** (web/multipart.h).
**
** Most tests turn a body into one string — "name|filename|content-type|data"
** per part (filename and type "-" when absent) or "ERR:message" — and
** compare it exactly, so a wrong split, a lost byte or a missing error all
** fail.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "web/multipart.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CT "multipart/form-data; boundary=XyZ"

/* Parse body[0..n) under content_type with at most max parts and describe
** the result (caller frees). */
static char *describe_n(const char *content_type, const char *body, size_t n, size_t max) {
    arena *a = arena_new(0);
    multipart_part parts[MULTIPART_PARTS_MAX + 4];
    size_t np = 99;
    cairn_err err = {0};
    buf b = BUF_INIT;
    if (multipart_parse(content_type, body, n, a, parts, max, &np, &err) < 0) {
        assert_int_equal(err.code, CAIRN_EINVAL);
        buf_printf(&b, "ERR:%s", err.msg);
    } else {
        for (size_t i = 0; i < np; i++) {
            buf_printf(&b, "%s|%s|%s|", parts[i].name, parts[i].filename ? parts[i].filename : "-",
                       parts[i].content_type ? parts[i].content_type : "-");
            buf_append(&b, parts[i].data, parts[i].len);
            buf_putc(&b, '\n');
            /* data points into the body: no copy */
            assert_true(parts[i].data >= body && parts[i].data + parts[i].len <= body + n);
        }
    }
    arena_free(a);
    if (!b.data) buf_puts(&b, "");
    return buf_detach(&b);
}

/* describe_n for a NUL-terminated body and the default part limit. */
static char *describe(const char *content_type, const char *body) {
    return describe_n(content_type, body, strlen(body), MULTIPART_PARTS_MAX);
}

/* Assert that body parses to want. */
static void expect(const char *content_type, const char *body, const char *want) {
    char *got = describe(content_type, body);
    if (strcmp(got, want) != 0) fail_msg("got:  %s\nwant: %s", got, want);
    free(got);
}

/* Assert that the boundary of content_type is want, or that it fails with a
** message containing want when fails is 1. */
static void expect_boundary(const char *content_type, int fails, const char *want) {
    char out[MULTIPART_BOUNDARY_MAX + 1];
    cairn_err err = {0};
    int rc = multipart_boundary(content_type, out, &err);
    if (fails) {
        assert_int_equal(rc, -1);
        if (!strstr(err.msg, want)) fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    } else {
        if (rc != 0) fail_msg("%s: %s", content_type, err.msg);
        assert_string_equal(out, want);
    }
}

/* A form with a field and a file, as a browser sends it. */
static void t_field_and_file(void **state) {
    (void)state;
    expect(CT,
           "--XyZ\r\n"
           "Content-Disposition: form-data; name=\"kind\"\r\n"
           "\r\n"
           "learners\r\n"
           "--XyZ\r\n"
           "Content-Disposition: form-data; name=\"file\"; filename=\"learners.csv\"\r\n"
           "Content-Type: text/csv\r\n"
           "\r\n"
           "ref,given_name\r\nL1,Ann\r\n"
           "\r\n"
           "--XyZ--\r\n",
           "kind|-|-|learners\n"
           "file|learners.csv|text/csv|ref,given_name\r\nL1,Ann\r\n\n");
}

/* Data may hold CR, LF, NUL, dashes and the boundary text without its CRLF
** "--" in front; an empty part and an empty file name are kept as such. */
static void t_data_bytes(void **state) {
    (void)state;
    static const char body[] =
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
        "x\r\n-XyZ\n--XyZ \0y\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"e\"; filename=\"\"\r\n\r\n"
        "\r\n--XyZ--";
    char *got = describe_n(CT, body, sizeof body - 1, MULTIPART_PARTS_MAX);
    static const char want[] = "a|-|-|x\r\n-XyZ\n--XyZ \0y\ne||-|\n";
    assert_memory_equal(got, want, sizeof want);
    free(got);
}

/* Header names and the disposition are case-insensitive; other headers
** and parameters are ignored; a quoted name unescapes backslashes; the
** epilogue after the closing delimiter is ignored. */
static void t_lenient_where_allowed(void **state) {
    (void)state;
    expect(CT,
           "--XyZ\r\ncontent-disposition:FORM-DATA ;  NAME=\"a\\\"b\"; filename*=UTF-8''x.csv ;\r\n"
           "X-Other: whatever\r\nCONTENT-TYPE:  text/plain \r\n\r\nv\r\n--XyZ--epilogue\r\nmore",
           "a\"b|-|text/plain|v\n");
}

/* The boundary from the Content-Type: bare or quoted, with the characters
** RFC 2046 allows, case-insensitive names; everything else refused. */
static void t_boundary(void **state) {
    (void)state;
    expect_boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", 0,
                    "----WebKitFormBoundary7MA4YWxkTrZu0gW");
    expect_boundary("Multipart/Form-Data;BOUNDARY=\"a b'()+_,-./:=?\"; charset=utf-8", 0,
                    "a b'()+_,-./:=?");
    expect_boundary("multipart/form-data; charset=x; boundary=z", 0, "z");
    expect_boundary(NULL, 1, "no Content-Type");
    expect_boundary("text/csv", 1, "not multipart/form-data");
    expect_boundary("multipart/form-datax; boundary=a", 1, "not multipart/form-data");
    expect_boundary("multipart/mixed; boundary=a", 1, "not multipart/form-data");
    expect_boundary("multipart/form-data", 1, "boundary is missing");
    expect_boundary("multipart/form-data; boundary=", 1, "has no value");
    expect_boundary("multipart/form-data; boundary=\"\"", 1, "boundary is empty");
    expect_boundary("multipart/form-data; boundary=\"ab \"", 1, "holds a character");
    expect_boundary("multipart/form-data; boundary=\"a<b\"", 1, "holds a character");
    expect_boundary("multipart/form-data; boundary=a; boundary=b", 1, "given twice");
    expect_boundary("multipart/form-data; boundary=\"abc", 1, "no closing quote");
    expect_boundary("multipart/form-data boundary=a", 1, "expected ';'");
    expect_boundary("multipart/form-data; boundary", 1, "name=value");
    expect_boundary("multipart/form-data; a-parameter-name-much-longer-than-32-bytes=1; "
                    "boundary=a", 1, "parameter name is too long");
    expect_boundary("multipart/form-data; boundary="
                    "12345678901234567890123456789012345678901234567890123456789012345678901",
                    1, "longer than");
    expect_boundary("multipart/form-data; boundary="
                    "1234567890123456789012345678901234567890123456789012345678901234567890",
                    0, "1234567890123456789012345678901234567890123456789012345678901234567890");
}

/* Malformed bodies: each is refused with a message saying what and where. */
static void t_errors(void **state) {
    (void)state;
    const struct { const char *body, *want; } cases[] = {
        {"", "ERR:multipart body, byte 1: the body does not start with the boundary the "
             "Content-Type names"},
        {"preamble\r\n--XyZ\r\n", "ERR:multipart body, byte 1: the body does not start"
                                  " with the boundary the Content-Type names"},
        {"--XyZ", "ERR:multipart body, byte 6: a boundary must be followed by CRLF or by -- "
                  "at the end"},
        {"--XyZx\r\n", "ERR:multipart body, byte 6: a boundary must be followed by CRLF or by"
                       " -- at the end"},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv",
         "ERR:multipart body, byte 50: the part \"a\" does not end with the boundary; the body "
         "may be cut short"},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZ",
         "ERR:multipart body, byte 58: a boundary must be followed by CRLF or by -- at the end"},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\n\nv\r\n--XyZ--",
         "ERR:multipart body, byte 8: a header line ends in a bare LF; lines must end in CRLF"},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\n",
         "ERR:multipart body, byte 48: the body ends inside a part's headers"},
        {"--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 8: a part has no Content-Disposition"},
        {"--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 8: Content-Disposition is not form-data"},
        {"--XyZ\r\nContent-Disposition: form-data; filename=a\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 8: Content-Disposition has no name"},
        {"--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 8: Content-Disposition has no name"},
        {"--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 8: Content-Disposition gives name twice"},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; "
         "name=b\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 48: Content-Disposition appears twice in one part"},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a\r\nContent-Type: "
         "b\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 65: Content-Type appears twice in one part"},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\n folded\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 48: folded header lines are not accepted"},
        {"--XyZ\r\nno colon here\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 8: a header line has no name and colon"},
        {"--XyZ\r\nBad Name: x\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 8: a header name holds a character that is not allowed"},
        {"--XyZ\r\nContent-Disposition: form-data; name=\"a\rb\"\r\n\r\nv\r\n--XyZ--",
         "ERR:multipart body, byte 8: Content-Disposition: parameter name holds a control "
         "character"},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a\x7f\r\n\r\nv\r\n"
         "--XyZ--",
         "ERR:multipart body, byte 48: Content-Type holds a control character"},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = describe(CT, cases[i].body);
        if (strcmp(got, cases[i].want) != 0) {
            fprintf(stderr, "case %zu\ngot:  %s\nwant: %s\n", i, got, cases[i].want);
            bad++;
        }
        free(got);
    }
    assert_int_equal(bad, 0);
    char *got = describe("text/plain", "--XyZ--");
    assert_string_equal(got, "ERR:the Content-Type is not multipart/form-data");
    free(got);
}

/* The limits: the number of parts, the size of a header block, the length
** of a name. */
static void t_limits(void **state) {
    (void)state;
    buf b = BUF_INIT;
    for (int i = 0; i < 3; i++)
        buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=p%d\r\n\r\n%d\r\n", i, i);
    buf_puts(&b, "--XyZ--\r\n");
    char *got = describe_n(CT, b.data, b.len, 3);
    assert_string_equal(got, "p0|-|-|0\np1|-|-|1\np2|-|-|2\n");
    free(got);
    got = describe_n(CT, b.data, b.len, 2);
    assert_string_equal(got, "ERR:multipart body, byte 114: more than 2 parts");
    free(got);
    buf_free(&b);

    buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX-Long: ");
    for (int i = 0; i < MULTIPART_HEADER_MAX; i++) buf_putc(&b, 'x');
    buf_puts(&b, "\r\n\r\nv\r\n--XyZ--");
    got = describe(CT, b.data);
    assert_string_equal(got, "ERR:multipart body, byte 8: the part's headers are longer than "
                             "2048 bytes");
    free(got);
    buf_free(&b);

    buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"");
    for (int i = 0; i < MULTIPART_NAME_MAX + 1; i++) buf_putc(&b, 'n');
    buf_puts(&b, "\"\r\n\r\nv\r\n--XyZ--");
    got = describe(CT, b.data);
    assert_string_equal(got, "ERR:multipart body, byte 8: Content-Disposition: parameter name "
                             "is longer than 255 bytes");
    free(got);
    buf_free(&b);
}

/* multipart_find gives the first part of a name, NULL for none. */
static void t_find(void **state) {
    (void)state;
    static const char body[] =
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n2\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n3\r\n--XyZ--";
    arena *a = arena_new(0);
    multipart_part parts[4];
    size_t n;
    cairn_err err = {0};
    assert_int_equal(multipart_parse(CT, body, sizeof body - 1, a, parts, 4, &n, &err), 0);
    assert_int_equal(n, 3);
    const multipart_part *p = multipart_find(parts, n, "a");
    assert_non_null(p);
    assert_memory_equal(p->data, "1", 1);
    p = multipart_find(parts, n, "b");
    assert_non_null(p);
    assert_memory_equal(p->data, "3", 1);
    assert_null(multipart_find(parts, n, "c"));
    arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_field_and_file),
        cmocka_unit_test(t_data_bytes),
        cmocka_unit_test(t_lenient_where_allowed),
        cmocka_unit_test(t_boundary),
        cmocka_unit_test(t_errors),
        cmocka_unit_test(t_limits),
        cmocka_unit_test(t_find),
    };
    return cmocka_run_group_tests_name("multipart", tests, NULL, NULL);
}
