/*
** tests/unit/test_csv.c — the CSV reader and field writer (base/csv.h).
**
** Most tests turn a whole input into one string — "line:field|field\n" per
** record, then "ERR:message" when the reader fails — and compare it
** exactly.  Every such input is parsed with several chunk sizes (1 byte, a
** few odd sizes, the default 1 MiB) and all must give the same string, so
** each test also checks that nothing depends on where reads split the input.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parse data[0..n) with the given separator (0 = detect), field limit (0 =
** default), fields limit (0 = default) and chunk size (0 = default) and
** describe the result as a string (caller frees). */
static char *describe_tuned(const char *data, size_t n, char sep, size_t max_field,
                            size_t max_fields, size_t chunk) {
    csv_opts o = {sep, max_field, "t.csv"};
    csv_reader *r = csv_open_mem(data, n, &o);
    csv_tune(r, max_fields, chunk);
    buf b = BUF_INIT;
    cairn_err err;
    int rc;
    while ((rc = csv_next(r, &err)) == 1) {
        buf_printf(&b, "%ld:", csv_line(r));
        for (size_t i = 0; i < csv_nfields(r); i++) {
            size_t len = 99;
            const char *f = csv_field(r, i, &len);
            assert_int_equal(len, strlen(f));
            if (i) buf_putc(&b, '|');
            buf_append(&b, f, len);
        }
        buf_putc(&b, '\n');
    }
    if (rc < 0) {
        buf_printf(&b, "ERR:%s", err.msg);
        assert_int_equal(err.code, CAIRN_EINVAL);
        /* the reader stays failed with the same message */
        cairn_err again;
        assert_int_equal(csv_next(r, &again), -1);
        assert_string_equal(again.msg, err.msg);
    } else {
        assert_int_equal(csv_next(r, &err), 0);     /* end stays end */
    }
    csv_close(r);
    return buf_detach(&b);
}

/* describe_tuned() over several chunk sizes; all must agree.  Caller frees. */
static char *describe_opts(const char *data, size_t n, char sep, size_t max_field,
                           size_t max_fields) {
    static const size_t chunks[] = {1, 2, 3, 5, 7, 16, 64, 0};
    char *first = describe_tuned(data, n, sep, max_field, max_fields, 0);
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        char *other = describe_tuned(data, n, sep, max_field, max_fields, chunks[i]);
        if (strcmp(first, other) != 0)
            fail_msg("chunk %zu gives\n%s\ninstead of\n%s", chunks[i], other, first);
        free(other);
    }
    return first;
}

/* Assert that NUL-terminated input s (detected separator, default limits)
** gives exactly want. */
#define EXPECT(s, want) expect_str((s), sizeof(s) - 1, 0, 0, 0, (want))
#define EXPECT_SEP(s, sep, want) expect_str((s), sizeof(s) - 1, (sep), 0, 0, (want))

static void expect_str(const char *s, size_t n, char sep, size_t max_field, size_t max_fields,
                       const char *want) {
    char *got = describe_opts(s, n, sep, max_field, max_fields);
    assert_string_equal(got, want);
    free(got);
}

/* Separator detected after the first csv_next() of s. */
static char detected_sep(const char *s) {
    csv_reader *r = csv_open_mem(s, strlen(s), NULL);
    cairn_err err;
    assert_int_equal(csv_next(r, &err), 1);
    char c = csv_sep(r);
    csv_close(r);
    return c;
}

static void test_basic_comma(void **state) {
    (void)state;
    EXPECT("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
    EXPECT("a,b,c\n1,2,3", "1:a|b|c\n2:1|2|3\n");          /* no final newline */
    EXPECT("x,,z\n,\n", "1:x||z\n2:|\n");                   /* empty fields */
    EXPECT("a,b,\n", "1:a|b|\n");                           /* trailing empty field */
    EXPECT("a,b,", "1:a|b|\n");
    EXPECT("tab\there,5'11\"\n", "1:tab\there|5'11\"\n");  /* TAB and a mid-field quote are data */
}

static void test_separator_detection(void **state) {
    (void)state;
    assert_int_equal(detected_sep("a;b;c\n1,5;2;3\n"), ';');
    assert_int_equal(detected_sep("a,b,c\n1;2;3\n"), ',');
    assert_int_equal(detected_sep("x,y;z;w\n"), ';');            /* more ';' than ',' */
    assert_int_equal(detected_sep("x;y,z,w\n"), ',');
    assert_int_equal(detected_sep("x;y,z\n"), ',');              /* tie: comma */
    assert_int_equal(detected_sep("alone\n"), ',');
    assert_int_equal(detected_sep("\"a,b,c\";d\n"), ';');        /* commas in quotes ignored */
    assert_int_equal(detected_sep("\"a;\"\"b;;c\",d,e;f\n"), ','); /* doubled quote inside */
    assert_int_equal(detected_sep("a;b\nc,d,e,f,g\n"), ';');     /* first record only */
    EXPECT("a;b;c\n1,5;2;3\n", "1:a|b|c\n2:1,5|2|3\n");
    EXPECT_SEP("a;b,c\n", ',', "1:a;b|c\n");                     /* given separator wins */
    EXPECT_SEP("a\tb c\n", '\t', "1:a|b c\n");
    /* the UCI dropout data set header style: ; with quoted names */
    EXPECT("\"Marital status\";\"Application mode\";Target\n1;17;Dropout\n",
           "1:Marital status|Application mode|Target\n2:1|17|Dropout\n");
}

static void test_bom(void **state) {
    (void)state;
    EXPECT("\xEF\xBB\xBFid;name\n1;x\n", "1:id|name\n2:1|x\n");
    EXPECT("\xEF\xBB\xBF", "");
    EXPECT("\xEF\xBB\xBF\"q\",b\n", "1:q|b\n");
    /* a BOM later on is just text (U+FEFF is valid UTF-8) */
    EXPECT("a\n\xEF\xBB\xBF" "b\n", "1:a\n2:\xEF\xBB\xBF" "b\n");
}

static void test_line_ends(void **state) {
    (void)state;
    EXPECT("a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n");
    EXPECT("a,b\r\nc,d", "1:a|b\n2:c|d\n");
    EXPECT("a\rb\r\nc\n", "1:a\n2:b\n3:c\n");                    /* bare CR ends a line */
    EXPECT("a\r", "1:a\n");
    EXPECT("a\r\r\nb\n", "1:a\n2:\n3:b\n");
    EXPECT("\"q\"\r\n\"r\"\r", "1:q\n2:r\n");
}

static void test_empty_lines(void **state) {
    (void)state;
    EXPECT("", "");
    EXPECT("a\n", "1:a\n");
    EXPECT("a", "1:a\n");
    EXPECT("\n", "1:\n");
    EXPECT("a\n\nb\n", "1:a\n2:\n3:b\n");
    EXPECT("a\n\n", "1:a\n2:\n");
    EXPECT("a\r\n\r\nb\r\n", "1:a\n2:\n3:b\n");
    EXPECT("\"\"\n", "1:\n");                                   /* empty quoted field */
    EXPECT("\"\",\"\"", "1:|\n");
}

static void test_quotes(void **state) {
    (void)state;
    EXPECT("\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\"\nnext,x\n",
           "1:a,b|say \"hi\"|line1\nline2\n3:next|x\n");
    /* CRLF inside quotes is kept as it is and counts as one line */
    EXPECT("\"a\r\nb\",c\r\nd\r\n", "1:a\r\nb|c\n3:d\n");
    /* a bare CR inside quotes is kept and counts as a line end */
    EXPECT("\"a\rb\",c\nd\n", "1:a\rb|c\n3:d\n");
    EXPECT("\"\"\"\"\n", "1:\"\n");
    EXPECT("\"a\"\"\"\n", "1:a\"\n");
    EXPECT("\"\"\"a\",\"b\"\"\"\"c\"\n", "1:\"a|b\"\"c\n");
    EXPECT("\"one\ntwo\nthree\",x\n\"four\n\nfive\"\nlast\n",
           "1:one\ntwo\nthree|x\n4:four\n\nfive\n7:last\n");
    EXPECT("\"q\"", "1:q\n");                                   /* closing quote at EOF */
    EXPECT("\"multi\nbyte \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"\n",
           "1:multi\nbyte \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n");
    EXPECT("\"sep;inside\";2\n", "1:sep;inside|2\n");
}

static void test_utf8_valid(void **state) {
    (void)state;
    EXPECT("\xC3\xA9t\xC3\xA9,\xE2\x82\xAC\n", "1:\xC3\xA9t\xC3\xA9|\xE2\x82\xAC\n");
    EXPECT("\xF0\x9F\x98\x80\n", "1:\xF0\x9F\x98\x80\n");      /* 4 bytes */
    EXPECT("\xF4\x8F\xBF\xBF\n", "1:\xF4\x8F\xBF\xBF\n");      /* U+10FFFF */
    EXPECT("\xEF\xBF\xBF\n", "1:\xEF\xBF\xBF\n");              /* U+FFFF */
    EXPECT("\xED\x9F\xBF,\xEE\x80\x80\n", "1:\xED\x9F\xBF|\xEE\x80\x80\n"); /* around surrogates */
    EXPECT("\xC2\x80\n", "1:\xC2\x80\n");                      /* smallest 2-byte */
    EXPECT("\xE0\xA0\x80\n", "1:\xE0\xA0\x80\n");              /* smallest 3-byte */
    EXPECT("\xF0\x90\x80\x80\n", "1:\xF0\x90\x80\x80\n");      /* smallest 4-byte */
    /* long mixed line so the 8-byte scan meets non-ASCII at every offset */
    EXPECT("abcdefg\xC3\xA9hijklmn\xE2\x82\xACopqrstuvw\xF0\x9F\x98\x80xyz,abcdefgh\xC3\xA9\n",
           "1:abcdefg\xC3\xA9hijklmn\xE2\x82\xACopqrstuvw\xF0\x9F\x98\x80xyz|abcdefgh\xC3\xA9\n");
}

static void test_utf8_invalid(void **state) {
    (void)state;
    EXPECT("ok,fine\nx,\xC3\x28\n", "1:ok|fine\nERR:t.csv:2:2: invalid UTF-8 (byte 0xC3)");
}

/* The table of invalid sequences: each in an unquoted and a quoted field. */
static void test_utf8_invalid_kinds(void **state) {
    (void)state;
    static const struct { const char *bytes; unsigned lead; } bad[] = {
        {"\x80", 0x80},                 /* stray continuation */
        {"\xBF", 0xBF},
        {"\xC0\xAF", 0xC0},             /* overlong '/' */
        {"\xC1\xBF", 0xC1},             /* overlong */
        {"\xE0\x80\xAF", 0xE0},         /* overlong 3-byte */
        {"\xE0\x9F\xBF", 0xE0},
        {"\xF0\x80\x80\xAF", 0xF0},     /* overlong 4-byte */
        {"\xF0\x8F\xBF\xBF", 0xF0},
        {"\xED\xA0\x80", 0xED},         /* surrogate U+D800 */
        {"\xED\xBF\xBF", 0xED},         /* surrogate U+DFFF */
        {"\xF4\x90\x80\x80", 0xF4},     /* U+110000 */
        {"\xF5\x80\x80\x80", 0xF5},
        {"\xFE", 0xFE},
        {"\xFF", 0xFF},
        {"\xC3\x28", 0xC3},             /* missing continuation */
        {"\xE2\x82\x28", 0xE2},
        {"\xF0\x9F\x98", 0xF0},         /* cut short before the newline */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char in[64], want[128];
        snprintf(in, sizeof in, "h1,h2\nline,two\nx,ab%scd\n", bad[i].bytes);
        snprintf(want, sizeof want, "1:h1|h2\n2:line|two\nERR:t.csv:3:2: invalid UTF-8 (byte 0x%02X)",
                 bad[i].lead);
        expect_str(in, strlen(in), 0, 0, 0, want);
        snprintf(in, sizeof in, "h1,h2\nline,two\n\"x\ny\",\"a\nb%scd\"\n", bad[i].bytes);
        snprintf(want, sizeof want, "1:h1|h2\n2:line|two\nERR:t.csv:5:2: invalid UTF-8 (byte 0x%02X)",
                 bad[i].lead);
        expect_str(in, strlen(in), 0, 0, 0, want);
    }
    /* cut off by the end of the file */
    EXPECT("a,b\nc,d\xE2\x82", "1:a|b\nERR:t.csv:2:2: invalid UTF-8 (byte 0xE2)");
    EXPECT("\xF0", "ERR:t.csv:1:1: invalid UTF-8 (byte 0xF0)");
}

static void test_nul(void **state) {
    (void)state;
    static const char in1[] = "a,b\nc,d\0e\n";
    expect_str(in1, sizeof in1 - 1, 0, 0, 0, "1:a|b\nERR:t.csv:2:2: NUL byte in the data");
    static const char in2[] = "a,b\n\"c\n\",\"x\ny\0\"\n";
    expect_str(in2, sizeof in2 - 1, 0, 0, 0, "1:a|b\nERR:t.csv:4:2: NUL byte in the data");
    static const char in3[] = "\0";
    expect_str(in3, 1, 0, 0, 0, "ERR:t.csv:1:1: NUL byte in the data");
}

static void test_unterminated_quote(void **state) {
    (void)state;
    /* reported at the line of the opening quote */
    EXPECT("a,b\nc,\"open\nmore\n",
           "1:a|b\nERR:t.csv:2:2: quoted field is not closed before the end of the file");
    EXPECT("\"", "ERR:t.csv:1:1: quoted field is not closed before the end of the file");
    EXPECT("x,\"a\"\"", "ERR:t.csv:1:2: quoted field is not closed before the end of the file");
}

static void test_text_after_quote(void **state) {
    (void)state;
    EXPECT("a,\"b\"x\n",
           "ERR:t.csv:1:2: text after the closing quote (a quote inside a quoted field must be "
           "doubled)");
    /* after a multi-line field the error is on the line of the stray text */
    EXPECT("h\n\"x\ny\"z\n",
           "1:h\nERR:t.csv:3:1: text after the closing quote (a quote inside a quoted field must "
           "be doubled)");
    EXPECT("\"a\" ,b\n",
           "ERR:t.csv:1:1: text after the closing quote (a quote inside a quoted field must be "
           "doubled)");
}

static void test_field_limit(void **state) {
    (void)state;
    expect_str("abcde,abcde\n", 12, 0, 5, 0, "1:abcde|abcde\n");
    expect_str("abcde,abcdef\n", 13, 0, 5, 0, "ERR:t.csv:1:2: field is longer than 5 bytes");
    expect_str("abcdef", 6, 0, 5, 0, "ERR:t.csv:1:1: field is longer than 5 bytes");
    /* quoted: the limit is on the decoded value */
    expect_str("\"ab\"\"cd\"\n", 9, 0, 5, 0, "1:ab\"cd\n");
    expect_str("\"ab\"\"cde\"\n", 10, 0, 5, 0, "ERR:t.csv:1:1: field is longer than 5 bytes");
    expect_str("\"abcd\"\"\"\n", 9, 0, 5, 0, "1:abcd\"\n");
    expect_str("\"abcde\"\"\"\n", 10, 0, 5, 0, "ERR:t.csv:1:1: field is longer than 5 bytes");
    /* a multi-line quoted field is reported at the line where it starts */
    expect_str("a\n\"ab\ncd\nefgh\"\n", 15, 0, 5, 0,
               "1:a\nERR:t.csv:2:1: field is longer than 5 bytes");
    /* a multi-byte character that would cross the limit */
    expect_str("abc\xE2\x82\xAC\n", 7, 0, 6, 0, "1:abc\xE2\x82\xAC\n");
    expect_str("abcd\xE2\x82\xAC\n", 8, 0, 6, 0, "ERR:t.csv:1:1: field is longer than 6 bytes");
    /* the limit comes first when both apply: bad byte after the limit */
    expect_str("abcdefgh\xFF\n", 10, 0, 5, 0, "ERR:t.csv:1:1: field is longer than 5 bytes");
    expect_str("abc\xFF" "defgh\n", 10, 0, 5, 0, "ERR:t.csv:1:1: invalid UTF-8 (byte 0xFF)");
    /* the default limit is 65536 bytes */
    size_t n = 65537;
    char *big = malloc(n + 2);
    memset(big, 'x', n);
    big[n] = '\n';
    expect_str(big, n + 1, 0, 0, 0, "ERR:t.csv:1:1: field is longer than 65536 bytes");
    char *ok = describe_tuned(big + 1, n, 0, 0, 0, 0);
    assert_int_equal(strlen(ok), 2 + 65536 + 1);
    free(ok);
    free(big);
}

static void test_fields_limit(void **state) {
    (void)state;
    expect_str("a,b,c\n", 6, 0, 0, 3, "1:a|b|c\n");
    expect_str("a,b,c,d\n", 8, 0, 0, 3, "ERR:t.csv:1:4: record has more than 3 fields");
    expect_str("a,b,c,\n", 7, 0, 0, 3, "ERR:t.csv:1:4: record has more than 3 fields");
    expect_str("a\n\"x\ny\",b,c,d\n", 14, 0, 0, 3,
               "1:a\nERR:t.csv:3:4: record has more than 3 fields");
    /* default: 1024 */
    buf b = BUF_INIT;
    for (int i = 0; i < 1024; i++) buf_puts(&b, i ? ",x" : "x");
    char *got = describe_tuned(b.data, b.len, 0, 0, 0, 0);
    assert_int_equal(strlen(got), 2 + 1024 * 2);
    free(got);
    buf_puts(&b, ",x\n");
    expect_str(b.data, b.len, 0, 0, 0, "ERR:t.csv:1:1025: record has more than 1024 fields");
    buf_free(&b);
}

static void test_line_numbers(void **state) {
    (void)state;
    /* records after multi-line fields start on the right physical line */
    static const char lines[] = "h1,h2\n\"a\nb\nc\",d\ne,\"f\r\ng\"\nlast,1\n";
    csv_reader *r = csv_open_mem(lines, strlen(lines), NULL);
    cairn_err err;
    long want[] = {1, 2, 5, 7};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(csv_next(r, &err), 1);
        assert_int_equal(csv_line(r), want[i]);
        assert_int_equal(csv_nfields(r), 2);
    }
    size_t len;
    assert_string_equal(csv_field(r, 0, &len), "last");
    assert_int_equal(len, 4);
    assert_int_equal(csv_next(r, &err), 0);
    assert_int_equal(csv_nfields(r), 0);
    assert_string_equal(csv_name(r), "<input>");
    csv_close(r);
}

static void test_bad_separator(void **state) {
    (void)state;
    csv_opts o = {'"', 0, "q.csv"};
    csv_reader *r = csv_open_mem("a\"b\n", 4, &o);
    cairn_err err;
    assert_int_equal(csv_next(r, &err), -1);
    assert_int_equal(err.code, CAIRN_EINVAL);
    assert_string_equal(err.msg, "q.csv: 0x22 cannot be used as the CSV separator");
    csv_close(r);
}

static void test_open_file_errors(void **state) {
    (void)state;
    cairn_err err;
    assert_null(csv_open_file("/nonexistent/x.csv", NULL, &err));
    assert_int_equal(err.code, CAIRN_EIO);
    assert_string_equal(err.msg, "/nonexistent/x.csv: cannot open: No such file or directory");
    assert_null(csv_open_file("/tmp", NULL, &err));
    assert_int_equal(err.code, CAIRN_EIO);
    assert_string_equal(err.msg, "/tmp: is a directory, not a CSV file");
}

/* ---- a big file streamed across chunk boundaries ---------------------- */

/* Deterministic content of field j of row i of the big file (into b). */
static void big_field(buf *b, unsigned i, unsigned j) {
    buf_reset(b);
    if (i == 30000 && j == 1) {                      /* a field much larger than a chunk */
        for (unsigned k = 0; k < 1500000; k++) buf_putc(b, (char)('a' + k % 26));
        return;
    }
    switch ((i + j) % 5) {
    case 0: buf_printf(b, "L%06u", i); break;
    case 1: buf_printf(b, "2025-09-%02u", 1 + i % 28); break;
    case 2: buf_printf(b, "multi\nline \"%u\", \xC3\xA9t\xC3\xA9", i); break;
    case 3: for (unsigned k = 0; k < (i * 7 + j) % 300; k++) buf_puts(b, k % 3 ? "x" : "\xE2\x82\xAC"); break;
    default: break;                                  /* empty */
    }
}

static void test_big_file(void **state) {
    (void)state;
    char path[] = "/tmp/cairn-test-csv-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    buf line = BUF_INIT, fld = BUF_INIT;
    const unsigned rows = 60000, cols = 4;
    for (unsigned i = 0; i < rows; i++) {
        buf_reset(&line);
        for (unsigned j = 0; j < cols; j++) {
            big_field(&fld, i, j);
            if (j) buf_putc(&line, ';');
            csv_write_field(&line, fld.data ? fld.data : "", fld.len, ';', 0);
        }
        buf_puts(&line, i % 2 ? "\r\n" : "\n");
        fwrite(line.data, 1, line.len, fp);
    }
    long size = ftell(fp);
    fclose(fp);
    assert_true(size > 4 * 1024 * 1024);

    /* default chunk, then a small one (every record re-read across reads),
    ** then a field limit too small for the big field */
    for (int pass = 0; pass < 3; pass++) {
        csv_opts o = {0, pass < 2 ? 2000000 : 1000000, NULL};
        cairn_err err;
        csv_reader *r = csv_open_file(path, &o, &err);
        assert_non_null(r);
        if (pass == 1) csv_tune(r, 0, 4093);
        long line_no = 1;
        unsigned i = 0;
        int rc;
        while ((rc = csv_next(r, &err)) == 1) {
            assert_int_equal(csv_line(r), line_no);
            assert_int_equal(csv_nfields(r), cols);
            for (unsigned j = 0; j < cols; j++) {
                big_field(&fld, i, j);
                size_t len;
                const char *f = csv_field(r, j, &len);
                assert_int_equal(len, fld.len);
                if (len && memcmp(f, fld.data, len) != 0) fail_msg("row %u field %u differs", i, j);
                if ((i + j) % 5 == 2 && !(i == 30000 && j == 1)) line_no++;
            }
            assert_int_equal(csv_sep(r), ';');
            line_no++;
            i++;
        }
        if (pass < 2) {
            assert_int_equal(rc, 0);
            assert_int_equal(i, rows);
        } else {
            assert_int_equal(rc, -1);
            assert_int_equal(i, 30000);
            char want[200];
            snprintf(want, sizeof want, "%s:%ld:2: field is longer than 1000000 bytes", path, line_no);
            assert_string_equal(err.msg, want);
        }
        csv_close(r);
    }
    unlink(path);
    buf_free(&line);
    buf_free(&fld);
}

/* ---- the writer ------------------------------------------------------- */

/* csv_write_field of s as a fresh string (caller frees). */
static char *wr(const char *s, char sep, int neutralise) {
    buf b = BUF_INIT;
    csv_write_field(&b, s, strlen(s), sep, neutralise);
    return buf_detach(&b);
}

#define EXPECT_WRITE(s, sep, neut, want)                                      \
    do {                                                                      \
        char *got_ = wr((s), (sep), (neut));                                  \
        assert_string_equal(got_, (want));                                    \
        free(got_);                                                           \
    } while (0)

static void test_write_quoting(void **state) {
    (void)state;
    EXPECT_WRITE("abc", ',', 0, "abc");
    EXPECT_WRITE("", ',', 0, "");
    EXPECT_WRITE("a,b", ',', 0, "\"a,b\"");
    EXPECT_WRITE("a,b", ';', 0, "a,b");
    EXPECT_WRITE("a;b", ';', 0, "\"a;b\"");
    EXPECT_WRITE("say \"hi\"", ',', 0, "\"say \"\"hi\"\"\"");
    EXPECT_WRITE("\"", ',', 0, "\"\"\"\"");
    EXPECT_WRITE("x\ny", ',', 0, "\"x\ny\"");
    EXPECT_WRITE("x\ry", ',', 0, "\"x\ry\"");
    EXPECT_WRITE(" lead", ',', 0, "\" lead\"");
    EXPECT_WRITE("trail ", ',', 0, "\"trail \"");
    EXPECT_WRITE("in side", ',', 0, "in side");
    EXPECT_WRITE("\xEF\xBB\xBFx", ',', 0, "\"\xEF\xBB\xBFx\"");
    EXPECT_WRITE("=SUM(A1)", ',', 0, "=SUM(A1)");           /* not asked to neutralise */
    /* appends to what is there */
    buf b = BUF_INIT;
    buf_puts(&b, "a,");
    csv_write_field(&b, "b,c", 3, ',', 0);
    assert_string_equal(b.data, "a,\"b,c\"");
    assert_int_equal(b.len, 7);
    buf_free(&b);
}

static void test_write_neutralise(void **state) {
    (void)state;
    EXPECT_WRITE("=SUM(A1)", ',', 1, "'=SUM(A1)");
    EXPECT_WRITE("+1+cmd|' /C calc'!A0", ',', 1, "'+1+cmd|' /C calc'!A0");
    EXPECT_WRITE("-2+3", ',', 1, "'-2+3");
    EXPECT_WRITE("@SUM(1)", ',', 1, "'@SUM(1)");
    EXPECT_WRITE("\t=1", ',', 1, "\"'\t=1\"");
    EXPECT_WRITE("\r=1", ',', 1, "\"'\r=1\"");
    EXPECT_WRITE("=a,b", ',', 1, "\"'=a,b\"");
    EXPECT_WRITE("-", ',', 1, "'-");
    EXPECT_WRITE("-1e5", ',', 1, "'-1e5");
    EXPECT_WRITE("--1", ',', 1, "'--1");
    EXPECT_WRITE("-1.2.3", ',', 1, "'-1.2.3");
    /* plain numbers are data, not formulas */
    EXPECT_WRITE("-3", ',', 1, "-3");
    EXPECT_WRITE("-0.5", ',', 1, "-0.5");
    EXPECT_WRITE("+12", ',', 1, "+12");
    EXPECT_WRITE("-.5", ',', 1, "-.5");
    EXPECT_WRITE("-1,5", ';', 1, "-1,5");
    EXPECT_WRITE("-1,5", ',', 1, "\"-1,5\"");
    EXPECT_WRITE("plain", ',', 1, "plain");
    EXPECT_WRITE("a=b", ',', 1, "a=b");
}

static void test_write_round_trip(void **state) {
    (void)state;
    static const char *const fields[] = {
        "plain", "", "a,b", "a;b", "say \"hi\"", "\"", "\"\"", "line1\nline2", "cr\rlf\r\n",
        " lead", "trail ", "\ttab", "=cmd()", "-3", "-0.5", "@at", "+1+1", "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC",
        ("\xEF\xBB\xBF" "bom"), "'quoted already",
    };
    const size_t nf = sizeof fields / sizeof fields[0];
    static const char seps[] = {',', ';', '\t'};
    for (size_t si = 0; si < sizeof seps; si++) {
        for (int neut = 0; neut <= 1; neut++) {
            buf out = BUF_INIT;
            /* one record of every field, then one record per field */
            for (size_t i = 0; i < nf; i++) {
                if (i) buf_putc(&out, seps[si]);
                csv_write_field(&out, fields[i], strlen(fields[i]), seps[si], neut);
            }
            buf_putc(&out, '\n');
            for (size_t i = 0; i < nf; i++) {
                csv_write_field(&out, fields[i], strlen(fields[i]), seps[si], neut);
                buf_puts(&out, "\r\n");
            }
            csv_opts o = {seps[si], 0, NULL};
            csv_reader *r = csv_open_mem(out.data, out.len, &o);
            cairn_err err;
            assert_int_equal(csv_next(r, &err), 1);
            assert_int_equal(csv_nfields(r), nf);
            for (size_t rec = 0; rec <= nf; rec++) {
                if (rec) {
                    assert_int_equal(csv_next(r, &err), 1);
                    assert_int_equal(csv_nfields(r), 1);
                }
                for (size_t i = 0; i < csv_nfields(r); i++) {
                    const char *want = fields[rec ? rec - 1 : i];
                    const char *got = csv_field(r, i, NULL);
                    int formula = neut && strchr("=+-@\t\r", want[0]) && want[0] &&
                                  strcmp(want, "-3") != 0 && strcmp(want, "-0.5") != 0;
                    if (formula) {
                        assert_int_equal(got[0], '\'');
                        got++;
                    }
                    assert_string_equal(got, want);
                }
            }
            assert_int_equal(csv_next(r, &err), 0);
            csv_close(r);
            buf_free(&out);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_comma),
        cmocka_unit_test(test_separator_detection),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_empty_lines),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_utf8_invalid_kinds),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_text_after_quote),
        cmocka_unit_test(test_field_limit),
        cmocka_unit_test(test_fields_limit),
        cmocka_unit_test(test_line_numbers),
        cmocka_unit_test(test_bad_separator),
        cmocka_unit_test(test_open_file_errors),
        cmocka_unit_test(test_big_file),
        cmocka_unit_test(test_write_quoting),
        cmocka_unit_test(test_write_neutralise),
        cmocka_unit_test(test_write_round_trip),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
