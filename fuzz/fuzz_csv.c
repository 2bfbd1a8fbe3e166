/*
** fuzz/fuzz_csv.c — libFuzzer target for the CSV reader and writer.
**
** The first input byte picks the options (separator, a small field limit,
** a small fields limit, a tiny chunk size); the rest is the CSV.  For every
** input it checks:
**  1. the reader never crashes, every field is NUL-terminated at its length,
**     and it ends with 0 or with an error message of the form "name:line:col:";
**  2. reading with a 1 MiB chunk and with a tiny chunk gives the same records,
**     line numbers and error (nothing depends on where reads split the input);
**  3. writing the records back with csv_write_field and reading that gives
**     the same fields (with neutralise on, only a leading ' may be added).
*/
#include "base/buf.h"
#include "base/csv.h"
#include "base/err.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Everything a reader produced, serialised: per record its line, field
** count and fields (length-prefixed), then the end code and message. */
typedef struct parsed {
    buf text;        /* the serialised form, for comparing two runs */
    buf fields;      /* the raw fields back to back, each followed by a NUL */
    size_t nrec;
    char sep;
    int rc;
} parsed;

/* Stop with a message: libFuzzer reports it as a crash with the input. */
static void die(const char *what) {
    fprintf(stderr, "fuzz_csv: %s\n", what);
    abort();
}

/* Read the whole input with the given options into p (caller frees p's bufs). */
static void run(const char *s, size_t n, char sep, size_t max_field, size_t max_fields,
                size_t chunk, parsed *p) {
    csv_opts o = {sep, max_field, "f.csv"};
    csv_reader *r = csv_open_mem(s, n, &o);
    csv_tune(r, max_fields, chunk);
    cairn_err err;
    int rc;
    buf_init(&p->text);
    buf_init(&p->fields);
    p->nrec = 0;
    while ((rc = csv_next(r, &err)) == 1) {
        size_t nf = csv_nfields(r);
        if (nf == 0 || nf > max_fields) die("bad field count");
        buf_printf(&p->text, "R%ld:%zu", csv_line(r), nf);
        for (size_t i = 0; i < nf; i++) {
            size_t len;
            const char *f = csv_field(r, i, &len);
            if (f[len] != 0 || memchr(f, 0, len)) die("field not NUL-terminated at its length");
            if (len > max_field) die("field over the limit");
            buf_printf(&p->text, ":%zu:", len);
            buf_append(&p->text, f, len);
            buf_append(&p->fields, f, len);
            buf_putc(&p->fields, 0);
        }
        buf_putc(&p->text, '\n');
        p->nrec++;
    }
    p->rc = rc;
    p->sep = csv_sep(r);
    if (rc < 0) {
        if (strncmp(err.msg, "f.csv:", 6) != 0) die("error message without the name");
        buf_printf(&p->text, "E:%d:%s", err.code, err.msg);
    } else if (rc != 0) {
        die("csv_next returned something other than 1, 0, -1");
    }
    if (csv_next(r, &err) != rc) die("reader did not stay at its end");
    csv_close(r);
}

/* Write the records of p (field counts from p->text) and read them back. */
static void round_trip(const parsed *p, size_t max_field, size_t max_fields, int neutralise) {
    buf out = BUF_INIT;
    const char *t = p->text.data, *f = p->fields.data;
    for (size_t rec = 0; rec < p->nrec; rec++) {
        /* "R<line>:<nf>" then nf times ":<len>:<bytes>", then '\n' */
        long line;
        size_t nf;
        int used;
        if (sscanf(t, "R%ld:%zu%n", &line, &nf, &used) != 2) die("bad serialisation");
        t += used;
        for (size_t i = 0; i < nf; i++) {
            size_t len;
            if (sscanf(t, ":%zu:%n", &len, &used) != 1) die("bad serialisation");
            t += used + len;
            if (i) buf_putc(&out, p->sep);
            csv_write_field(&out, f, len, p->sep, neutralise);
            f += len + 1;
        }
        t++;
        buf_puts(&out, rec % 2 ? "\r\n" : "\n");
    }
    csv_opts o = {p->sep, max_field + 1, "rt.csv"};
    csv_reader *r = csv_open_mem(out.data ? out.data : "", out.len, &o);
    csv_tune(r, max_fields, 0);
    cairn_err err;
    f = p->fields.data;
    t = p->text.data;
    for (size_t rec = 0; rec < p->nrec; rec++) {
        long line;
        size_t nf;
        int used;
        sscanf(t, "R%ld:%zu%n", &line, &nf, &used);
        t += used;
        if (csv_next(r, &err) != 1) {
            fprintf(stderr, "%s\n", err.msg);
            die("written records do not read back");
        }
        if (csv_nfields(r) != nf) die("field count changed in the round trip");
        for (size_t i = 0; i < nf; i++) {
            size_t len, glen;
            sscanf(t, ":%zu:%n", &len, &used);
            t += used + len;
            const char *g = csv_field(r, i, &glen);
            if (neutralise && glen == len + 1 && g[0] == '\'' && len > 0 &&
                strchr("=+-@\t\r", f[0])) {
                g++;
                glen--;
            }
            if (glen != len || memcmp(g, f, len) != 0) die("field changed in the round trip");
            f += len + 1;
        }
        t++;
    }
    if (csv_next(r, &err) != 0) die("extra record after the round trip");
    csv_close(r);
    buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    unsigned cfg = data[0];
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    static const char seps[] = {0, 0, ',', ';', '\t', '|', 0, ','};
    char sep = seps[cfg & 7];
    size_t max_field = (cfg & 8) ? 16 : 0;
    size_t max_fields = (cfg & 16) ? 4 : 1024;
    size_t chunk = 1 + (cfg >> 5) * 3;   /* 1, 4, 7, ... 22 */
    if (!max_field) max_field = 65536;

    parsed big, small;
    run(s, n, sep, max_field, max_fields, 0, &big);
    run(s, n, sep, max_field, max_fields, chunk, &small);
    if (big.text.len != small.text.len ||
        (big.text.len && memcmp(big.text.data, small.text.data, big.text.len) != 0)) {
        fprintf(stderr, "chunk 1 MiB:\n%s\nchunk %zu:\n%s\n", buf_cstr(&big.text), chunk,
                buf_cstr(&small.text));
        die("result depends on the chunk size");
    }
    if (big.sep != small.sep) die("separator depends on the chunk size");
    round_trip(&big, max_field, max_fields, 0);
    round_trip(&big, max_field, max_fields, 1);
    buf_free(&big.text);
    buf_free(&big.fields);
    buf_free(&small.text);
    buf_free(&small.fields);
    return 0;
}
