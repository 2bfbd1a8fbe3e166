/*
** base/csv.c — the one CSV reader (and the one CSV field writer).
**
** How it works.  The reader keeps a window buf[pos..end) of raw input.  It is
** filled with read(2) (or memcpy from the caller's memory) in chunks, 1 MiB
** by default (csv_tune).  csv_next() parses one whole record from the
** window, decoding its fields into `rec` (fields back to back, each
** NUL-terminated) and their offsets into `f`.  When the window ends in the
** middle of a record, the partial record is moved to the front of the buffer,
** more input is read and the record is parsed again from its start; the
** buffer doubles only when the partial record fills more than half of it, so
** re-parsing costs O(record size) overall and memory stays at one chunk for
** any ordinary file.  The buffer can grow at most to what the limits allow:
** max_fields fields of max_field decoded bytes each (a raw quoted field can
** take twice its decoded size), and a record past either limit is an error
** long before that.
**
** Unquoted fields are scanned 8 bytes at a time: one word test finds the
** first byte that is the separator, a control byte below 0x0E (LF, CR, NUL,
** TAB...) or non-ASCII (>= 0x80), and copies the word to the output on the
** way.  Non-ASCII bytes go through a full UTF-8 check (no overlongs, no
** surrogates, nothing above U+10FFFF).  Quoted fields are scanned with memchr
** for the next quote and the span between is checked the same way.
**
** Errors are found in file order and the "field too long" check fires at the
** exact byte where a field passes the limit, so the same input gives the same
** records and the same error whatever the chunk size.
*/
#include "base/csv.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CSV_CHUNK_DEFAULT      ((size_t)1 << 20)
#define CSV_CHUNK_MIN          1
#define CSV_MAX_FIELD_DEFAULT  65536
#define CSV_MAX_FIELDS_DEFAULT 1024
#define CSV_DETECT_MAX         ((size_t)1 << 20)  /* bytes looked at to choose , or ; */
#define CSV_REC_SLACK          16   /* word stores may write 8 bytes past the end */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
#define CSV_SWAR 1
#else
#define CSV_SWAR 0
#endif

enum { CSV_MORE = 0, CSV_GOT = 1, CSV_BAD = -1 };

typedef struct csv_span {
    size_t off, len;   /* field text is rec[off .. off+len), NUL at rec[off+len] */
} csv_span;

struct csv_reader {
    int fd;                    /* -1 when reading from memory */
    const char *mem;           /* memory source (not owned) */
    size_t mem_len, mem_pos;
    unsigned char *buf;        /* raw window is buf[pos..end) */
    size_t cap, pos, end;
    int eof;                   /* the source has nothing more */
    char *rec;                 /* decoded fields of the current record */
    size_t rec_cap;            /* always >= cap + CSV_REC_SLACK */
    csv_span *f;               /* fields of the current record */
    size_t nf, f_cap;
    long line;                 /* physical line where the next record starts */
    long rec_line;             /* physical line where the current record starts */
    char sep;                  /* 0 until detected */
    int started;               /* BOM and separator handled */
    int state;                 /* 0 running, 1 finished, -1 failed */
    size_t max_field, max_fields, chunk;
    size_t max_rec;            /* most raw bytes a record can take within the limits */
    size_t max_buf;            /* most the buffer may grow to: max(chunk, max_rec) */
    size_t size_hint;          /* input size when known (first buffer need not be bigger) */
    uint64_t sepw;             /* sep in every byte of a word */
    unsigned char stop[256];   /* bytes that end the plain scan of an unquoted field */
    cairn_err err;             /* the error csv_next keeps returning after a failure */
    char *name;                /* used in messages; owned */
};

/* Record "name:line:column: message" as the reader's error (code
** CAIRN_EINVAL), put the reader into the failed state, return CSV_BAD. */
__attribute__((format(printf, 4, 5)))
static int csv_fail(csv_reader *r, long line, size_t col, const char *fmt, ...) {
    char msg[CAIRN_ERR_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    err_set(&r->err, CAIRN_EINVAL, "%s:%ld:%zu: %s", r->name, line, col, msg);
    r->state = -1;
    return CSV_BAD;
}

/* Common set-up of a reader for both sources; the caller fills fd/mem.
** Returns a reader owned by the caller (free with csv_close). */
static csv_reader *csv_new(const csv_opts *opts, const char *fallback_name) {
    csv_reader *r = xcalloc(1, sizeof *r);
    r->fd = -1;
    r->line = 1;
    r->rec_line = 0;
    r->sep = opts ? opts->sep : 0;
    r->max_field = opts && opts->max_field ? opts->max_field : CSV_MAX_FIELD_DEFAULT;
    if (r->max_field > SIZE_MAX / 8) r->max_field = SIZE_MAX / 8;
    csv_tune(r, CSV_MAX_FIELDS_DEFAULT, CSV_CHUNK_DEFAULT);
    const char *name = opts && opts->name ? opts->name : fallback_name;
    r->name = xstrdup(name ? name : "<input>");
    return r;
}

/* Set the fields-per-record limit and the read size (0 keeps the current
** value) and recompute the most the buffer may grow to.  Only before the
** first csv_next(); later calls are ignored. */
void csv_tune(csv_reader *r, size_t max_fields, size_t chunk) {
    if (r->started) return;
    if (max_fields) r->max_fields = max_fields;
    if (chunk) r->chunk = chunk < CSV_CHUNK_MIN ? CSV_CHUNK_MIN : chunk;
    /* Largest raw record the limits allow: per field an opening and closing
    ** quote, every content byte a doubled quote, a separator; plus CRLF and
    ** a little room to look ahead (UTF-8 sequences, CRLF). */
    size_t per = 2 * r->max_field + 4;
    if (r->max_fields > (SIZE_MAX / 4) / per) r->max_rec = SIZE_MAX / 4;
    else r->max_rec = r->max_fields * per + 64;
    r->max_buf = r->max_rec < r->chunk ? r->chunk : r->max_rec;
}

/* Open path for reading.  Returns a reader the caller frees with
** csv_close(), or NULL with err set (CAIRN_EIO) when the file cannot be
** opened or is a directory. */
csv_reader *csv_open_file(const char *path, const csv_opts *opts, cairn_err *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err_set(err, CAIRN_EIO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) st.st_mode = 0;
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        err_set(err, CAIRN_EIO, "%s: is a directory, not a CSV file", path);
        return NULL;
    }
    csv_reader *r = csv_new(opts, path);
    r->fd = fd;
    r->size_hint = S_ISREG(st.st_mode) ? (size_t)st.st_size : SIZE_MAX;
    return r;
}

/* Read from data[0..n).  The bytes are copied a chunk at a time as they are
** parsed, so data must stay valid until csv_close().  Never fails; the
** caller frees the reader with csv_close(). */
csv_reader *csv_open_mem(const char *data, size_t n, const csv_opts *opts) {
    csv_reader *r = csv_new(opts, NULL);
    r->mem = data;
    r->mem_len = data ? n : 0;
    r->size_hint = r->mem_len;
    return r;
}

/* Close the file (if any) and free the reader, its buffers and its name;
** every pointer csv_field() returned becomes invalid.  NULL is allowed. */
void csv_close(csv_reader *r) {
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    free(r->buf);
    free(r->rec);
    free(r->f);
    free(r->name);
    free(r);
}

/* Copy up to n more source bytes to dst; returns the count (0 = end of
** input) or -1 with errno set. */
static ssize_t csv_src_read(csv_reader *r, unsigned char *dst, size_t n) {
    if (r->fd < 0) {
        size_t k = r->mem_len - r->mem_pos;
        if (k > n) k = n;
        if (k) memcpy(dst, r->mem + r->mem_pos, k);
        r->mem_pos += k;
        return (ssize_t)k;
    }
    ssize_t k;
    do k = read(r->fd, dst, n); while (k < 0 && errno == EINTR);
    return k;
}

/* Move the unparsed bytes to the front, grow the buffer when they fill more
** than half of it, then read until the buffer is full or the input ends.
** Returns 0, or -1 with the reader failed (read error, or a record larger
** than the limits allow — which the field checks normally catch first). */
static int csv_refill(csv_reader *r) {
    size_t keep = r->end - r->pos;
    if (r->pos) {
        if (keep) memmove(r->buf, r->buf + r->pos, keep);
        r->pos = 0;
        r->end = keep;
    }
    if (!r->buf || (keep > r->cap / 2 && r->cap < r->max_buf)) {
        size_t cap = r->buf ? r->cap * 2 : r->chunk;
        if (!r->buf && r->size_hint < cap) cap = r->size_hint + 1;  /* small input */
        if (cap > r->max_buf || cap < r->cap) cap = r->max_buf;
        r->buf = xrealloc(r->buf, cap);
        r->cap = cap;
        r->rec = xrealloc(r->rec, cap + CSV_REC_SLACK);
        r->rec_cap = cap + CSV_REC_SLACK;
    }
    if (keep == r->cap)
        return csv_fail(r, r->line, 1, "record is longer than %zu bytes", r->cap);
    while (r->end < r->cap && !r->eof) {
        ssize_t k = csv_src_read(r, r->buf + r->end, r->cap - r->end);
        if (k < 0) {
            err_set(&r->err, CAIRN_EIO, "%s: read failed: %s", r->name, strerror(errno));
            r->state = -1;
            return -1;
        }
        if (k == 0) r->eof = 1;
        r->end += (size_t)k;
    }
    return 0;
}

/* Scan the first record of s[0..e) outside quotes, counting commas and
** semicolons.  Returns 1 when the record's end was seen, 0 when the window
** ended first. */
static int csv_detect_scan(const unsigned char *s, const unsigned char *e,
                           size_t *commas, size_t *semis) {
    int at_start = 1;
    while (s < e) {
        if (at_start && *s == '"') {
            s++;
            for (;;) {
                const unsigned char *q = memchr(s, '"', (size_t)(e - s));
                if (!q) return 0;
                s = q + 1;
                if (s == e) return 0;
                if (*s != '"') break;
                s++;
            }
            at_start = 0;
            continue;
        }
        unsigned char c = *s++;
        if (c == ',') { (*commas)++; at_start = 1; }
        else if (c == ';') { (*semis)++; at_start = 1; }
        else if (c == '\n' || c == '\r') return 1;
        else at_start = 0;
    }
    return 0;
}

/* First call of csv_next: check the separator, skip a UTF-8 BOM, detect the
** separator when none was given, prepare the scan tables.  0 or -1 (failed). */
static int csv_start(csv_reader *r) {
    r->started = 1;
    unsigned char sc = (unsigned char)r->sep;
    if (r->sep && (sc == '"' || sc == '\n' || sc == '\r' || sc >= 0x80)) {
        err_set(&r->err, CAIRN_EINVAL, "%s: 0x%02X cannot be used as the CSV separator",
                r->name, sc);
        r->state = -1;
        return -1;
    }
    while (r->end - r->pos < 3 && !r->eof)
        if (csv_refill(r) < 0) return -1;
    if (r->end - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0) r->pos += 3;
    if (!r->sep) {
        /* look at no more than the first CSV_DETECT_MAX bytes (or what the
        ** limits allow), whatever the chunk size, so the choice is the same
        ** for any chunk size */
        size_t most = r->max_rec < CSV_DETECT_MAX ? r->max_rec : CSV_DETECT_MAX;
        for (;;) {
            size_t commas = 0, semis = 0, have = r->end - r->pos;
            int enough = have >= most;
            int whole = csv_detect_scan(r->buf + r->pos, r->buf + r->pos + (enough ? most : have),
                                        &commas, &semis);
            if (whole || enough || r->eof) {
                r->sep = semis > commas ? ';' : ',';
                break;
            }
            if (csv_refill(r) < 0) return -1;
        }
    }
    r->sepw = (uint64_t)(unsigned char)r->sep * 0x0101010101010101ULL;
    memset(r->stop, 0, sizeof r->stop);
    for (int c = 0; c < 0x0E; c++) r->stop[c] = 1;
    for (int c = 0x80; c < 256; c++) r->stop[c] = 1;
    r->stop[(unsigned char)r->sep] = 1;
    return 0;
}

/* Length of the valid UTF-8 sequence starting at s (whose first byte is
** >= 0x80): 2..4, 0 when invalid (stray continuation, overlong form,
** surrogate, above U+10FFFF), -1 when e cuts it off before it could be
** judged. */
static int csv_utf8_len(const unsigned char *s, const unsigned char *e) {
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    int n;
    if (c < 0xC2) return 0;
    if (c < 0xE0) n = 2;
    else if (c < 0xF0) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        else if (c == 0xED) hi = 0x9F;
    } else if (c < 0xF5) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        else if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if (s + i >= e) return -1;
        unsigned b = s[i];
        if (b < lo || b > hi) return 0;
        lo = 0x80;
        hi = 0xBF;
    }
    return n;
}

#if CSV_SWAR
#define CSV_ONES  0x0101010101010101ULL
#define CSV_HIGHS 0x8080808080808080ULL

/* Unaligned 8-byte load. */
static inline uint64_t csv_load(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
#endif

/* Copy bytes from s to *po up to the first byte marked in stop (separator,
** control below 0x0E, non-ASCII) or lim; returns where it stopped.  May
** write up to 8 bytes past the copied ones (rec has slack for that). */
static inline const unsigned char *csv_scan_plain(const csv_reader *r, const unsigned char *s,
                                                  const unsigned char *lim, char **po) {
    char *o = *po;
#if CSV_SWAR
    const uint64_t sepw = r->sepw, k0e = CSV_ONES * 0x0E;
    while (lim - s >= 8) {
        uint64_t v = csv_load(s);
        uint64_t x = v ^ sepw;
        uint64_t m = ((v - k0e) | v | ((x - CSV_ONES) & ~x)) & CSV_HIGHS;
        memcpy(o, &v, 8);
        if (m) {
            unsigned k = (unsigned)__builtin_ctzll(m) >> 3;
            *po = o + k;
            return s + k;
        }
        s += 8;
        o += 8;
    }
#endif
    while (s < lim && !r->stop[*s]) *o++ = (char)*s++;
    *po = o;
    return s;
}

/* Copy bytes from s to *po up to the first control byte below 0x0E or
** non-ASCII byte, or lim (the quoted-field version of csv_scan_plain). */
static inline const unsigned char *csv_scan_quoted(const unsigned char *s,
                                                   const unsigned char *lim, char **po) {
    char *o = *po;
#if CSV_SWAR
    const uint64_t k0e = CSV_ONES * 0x0E;
    while (lim - s >= 8) {
        uint64_t v = csv_load(s);
        uint64_t m = ((v - k0e) | v) & CSV_HIGHS;
        memcpy(o, &v, 8);
        if (m) {
            unsigned k = (unsigned)__builtin_ctzll(m) >> 3;
            *po = o + k;
            return s + k;
        }
        s += 8;
        o += 8;
    }
#endif
    while (s < lim && *s >= 0x0E && *s < 0x80) *o++ = (char)*s++;
    *po = o;
    return s;
}

/* Parse one record from the window buf[pos..end).  On CSV_GOT the fields are
** in rec/f, *used is the number of raw bytes consumed and *lines the number
** of line ends in them.  CSV_MORE: the window ends inside the record and the
** input has more.  CSV_BAD: the reader failed with a message. */
static int csv_parse(csv_reader *r, size_t *used, long *lines) {
    const unsigned char *const start = r->buf + r->pos;
    const unsigned char *const e = r->buf + r->end;
    const unsigned char *s = start;
    const int eof = r->eof;
    const unsigned char sep = (unsigned char)r->sep;
    const size_t max_field = r->max_field;
    long line = r->line;
    char *const rec = r->rec;
    char *o = rec;
    size_t nf = 0;

    for (;;) {
        /* one field starts at s */
        if (nf == r->f_cap) {
            if (nf == r->max_fields)
                return csv_fail(r, line, nf + 1, "record has more than %zu fields", r->max_fields);
            size_t nc = r->f_cap ? r->f_cap * 2 : 16;
            if (nc > r->max_fields) nc = r->max_fields;
            r->f = xrealloc(r->f, nc * sizeof *r->f);
            r->f_cap = nc;
        }
        char *const fo = o;          /* field text starts here in rec */
        const long fline = line;     /* line where the field starts */

        if (s < e && *s == '"') {
            s++;
            for (;;) {
                size_t len = (size_t)(o - fo);
                if (len > max_field)
                    return csv_fail(r, fline, nf + 1, "field is longer than %zu bytes", max_field);
                size_t allowed = max_field - len;
                const unsigned char *lim = (size_t)(e - s) > allowed ? s + allowed + 1 : e;
                const unsigned char *q = memchr(s, '"', (size_t)(lim - s));
                const unsigned char *span_end = q ? q : lim;
                while (s < span_end) {
                    s = csv_scan_quoted(s, span_end, &o);
                    if (s == span_end) break;
                    unsigned char c = *s;
                    if (c >= 0x80) {
                        int n = csv_utf8_len(s, e);
                        if (n < 0 && !eof) return CSV_MORE;
                        if (n <= 0)
                            return csv_fail(r, line, nf + 1, "invalid UTF-8 (byte 0x%02X)", c);
                        memcpy(o, s, (size_t)n);
                        o += n;
                        s += n;
                    } else if (c == 0) {
                        return csv_fail(r, line, nf + 1, "NUL byte in the data");
                    } else {
                        if (c == '\n' || (c == '\r' && !(s + 1 < e && s[1] == '\n'))) line++;
                        *o++ = (char)c;
                        s++;
                    }
                }
                if (q && s == q) {
                    s = q + 1;
                    if (s == e) {
                        if (!eof) return CSV_MORE;
                        break;                      /* closing quote at end of input */
                    }
                    if (*s != '"') break;           /* closing quote */
                    *o++ = '"';                     /* doubled quote */
                    s++;
                    continue;
                }
                if ((size_t)(o - fo) > max_field) continue;  /* at the limit: too long */
                if (!eof) return CSV_MORE;
                return csv_fail(r, fline, nf + 1,
                                "quoted field is not closed before the end of the file");
            }
            if (s < e && *s != sep && *s != '\n' && *s != '\r')
                return csv_fail(r, line, nf + 1,
                                "text after the closing quote (a quote inside a quoted "
                                "field must be doubled)");
        } else {
            for (;;) {
                size_t len = (size_t)(o - fo);
                if (len > max_field)
                    return csv_fail(r, fline, nf + 1, "field is longer than %zu bytes", max_field);
                size_t allowed = max_field - len;
                const unsigned char *lim = (size_t)(e - s) > allowed ? s + allowed + 1 : e;
                s = csv_scan_plain(r, s, lim, &o);
                if (s == lim) {
                    if ((size_t)(o - fo) > max_field) continue;  /* too long: reported above */
                    if (!eof) return CSV_MORE;
                    break;                          /* field ends at end of input */
                }
                unsigned char c = *s;
                if (c == sep || c == '\n' || c == '\r') break;
                if (c >= 0x80) {
                    int n = csv_utf8_len(s, e);
                    if (n < 0 && !eof) return CSV_MORE;
                    if (n <= 0)
                        return csv_fail(r, line, nf + 1, "invalid UTF-8 (byte 0x%02X)", c);
                    memcpy(o, s, (size_t)n);
                    o += n;
                    s += n;
                } else if (c == 0) {
                    return csv_fail(r, line, nf + 1, "NUL byte in the data");
                } else {
                    *o++ = (char)c;                 /* TAB and other controls are data */
                    s++;
                }
            }
        }

        /* the field is complete; s is at its terminator or at the end */
        r->f[nf].off = (size_t)(fo - rec);
        r->f[nf].len = (size_t)(o - fo);
        *o++ = 0;
        nf++;
        if (s == e) break;                          /* only reached with eof */
        unsigned char c = *s;
        if (c == sep) {
            s++;
            continue;
        }
        if (c == '\n') {
            s++;
        } else {                                    /* '\r', alone or in CRLF */
            if (s + 1 == e && !eof) return CSV_MORE;
            s += (s + 1 < e && s[1] == '\n') ? 2 : 1;
        }
        line++;
        break;
    }
    r->nf = nf;
    *used = (size_t)(s - start);
    *lines = line - r->line;
    return CSV_GOT;
}

/* Advance to the next record.  Returns 1 (a record is ready), 0 (end of
** input) or -1 (err set; the reader stays failed and keeps returning -1
** with the same message). */
int csv_next(csv_reader *r, cairn_err *err) {
    if (r->state == 0 && !r->started && csv_start(r) < 0) r->state = -1;
    while (r->state == 0) {
        if (r->pos == r->end) {
            if (r->eof) {
                r->state = 1;
                break;
            }
            csv_refill(r);
            continue;
        }
        size_t used = 0;
        long lines = 0;
        int rc = csv_parse(r, &used, &lines);
        if (rc == CSV_GOT) {
            r->rec_line = r->line;
            r->line += lines;
            r->pos += used;
            return 1;
        }
        if (rc == CSV_BAD) break;
        if (r->eof) {                               /* cannot happen; never loop */
            err_set(&r->err, CAIRN_EINTERNAL, "%s: CSV reader stuck", r->name);
            r->state = -1;
            break;
        }
        csv_refill(r);
    }
    r->nf = 0;
    if (r->state > 0) return 0;
    if (err) *err = r->err;
    return -1;
}

/* Number of fields in the current record (0 before the first and after the
** last). */
size_t csv_nfields(const csv_reader *r) {
    return r->nf;
}

/* Field i of the current record, NUL-terminated, owned by the reader and
** valid until the next csv_next() or csv_close(). */
const char *csv_field(const csv_reader *r, size_t i, size_t *len) {
    if (i >= r->nf) {
        if (len) *len = 0;
        return "";
    }
    if (len) *len = r->f[i].len;
    return r->rec + r->f[i].off;
}

/* Physical 1-based line where the current record starts. */
long csv_line(const csv_reader *r) {
    return r->rec_line;
}

/* Separator in use: the one given, or the one detected once the first
** csv_next() ran (0 before that when detecting). */
char csv_sep(const csv_reader *r) {
    return r->sep;
}

/* Name used in messages; owned by the reader. */
const char *csv_name(const csv_reader *r) {
    return r->name;
}
