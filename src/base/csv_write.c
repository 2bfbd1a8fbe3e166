/*
** base/csv_write.c — writing CSV fields that csv_next reads back, safe to
** open in a spreadsheet (see csv.h; the reader is csv.c).
*/
#include "base/csv.h"
#include "base/buf.h"
#include <string.h>

/* 1 if s[0..n) is a plain number: optional sign, digits, at most one '.' or
** ',' decimal mark, at least one digit ("-3", "-0.5", "+12", "-1,5"). */
static int csv_plain_number(const char *s, size_t n) {
    size_t i = 0, digits = 0, marks = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') digits++;
        else if ((s[i] == '.' || s[i] == ',') && !marks) marks++;
        else return 0;
    }
    return digits > 0;
}

/* Append field s[0..n) to out (which the caller owns and frees), ready to
** be read back by csv_next with the same separator:
**  - quoted ("...", inner quotes doubled) when it contains sep, a quote, CR
**    or LF, begins or ends with a space or tab, or begins with a UTF-8 BOM;
**  - with neutralise set, a value beginning with = + - @ TAB or CR gets a
**    leading single quote so a spreadsheet shows it as text instead of
**    running it as a formula.  A plain number ("-3", "-0.5", "+12", "-1,5")
**    is NOT changed: negative numbers are ordinary data, and a bare number
**    cannot run anything.  A reader of such a file sees the quote as part of
**    the value (the usual OWASP recommendation).
** The separator is not written; the caller puts sep between fields and a
** line end after the last. */
void csv_write_field(struct buf *out, const char *s, size_t n, char sep, int neutralise) {
    int prefix = 0, quote = 0;
    if (neutralise && n > 0) {
        char c = s[0];
        if ((c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') &&
            !csv_plain_number(s, n))
            prefix = 1;
    }
    if (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')) quote = 1;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) quote = 1;
    size_t quotes = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') quotes++;
        if (c == sep || c == '"' || c == '\r' || c == '\n') quote = 1;
    }
    buf_reserve(out, n + quotes + 3);
    char *o = out->data + out->len;
    if (quote) *o++ = '"';
    if (prefix) *o++ = '\'';
    if (!quotes) {
        if (n) memcpy(o, s, n);
        o += n;
    } else {
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '"') *o++ = '"';
            *o++ = s[i];
        }
    }
    if (quote) *o++ = '"';
    out->len = (size_t)(o - out->data);
    out->data[out->len] = 0;
}
