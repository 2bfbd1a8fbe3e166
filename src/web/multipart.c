/*
** web/multipart.c — the strict multipart/form-data reader (see multipart.h).
**
** One pass over the body: the delimiter, a part's header lines up to the
** empty line, then its data up to the next CRLF + delimiter.
** Parameters of Content-Type and Content-Disposition are read by one small
** function (param_next) over a byte range, so nothing needs the header
** NUL-terminated or copied before it is checked.
*/
#include "web/multipart.h"
#include <string.h>
#include <strings.h>

/* 1 if c may appear in an RFC 9110 token (a header or parameter name). */
static int is_token_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* 1 if c may appear in a boundary (RFC 2046 bchars). */
static int is_boundary_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("'()+_,-./:=? ", c));
}

/* Skip spaces and tabs from p up to end; returns the first other byte. */
static const char *skip_ows(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    return p;
}

/* 1 if [p, end) starts with the word w (case-insensitive) followed by the
** end, ';', a space or a tab. */
static int starts_with_word(const char *p, const char *end, const char *w) {
    size_t n = strlen(w);
    if ((size_t)(end - p) < n || strncasecmp(p, w, n) != 0) return 0;
    return p + n == end || p[n] == ';' || p[n] == ' ' || p[n] == '\t';
}

#define PARAM_KEY_MAX 32   /* bytes of a parameter name, with its NUL */

/* Read the next parameter `; key=value` (value a token or a quoted string
** with backslash escapes) from *pp up to end into key (at most
** PARAM_KEY_MAX - 1 bytes) and value (at most cap - 1 bytes), both NUL-
** terminated.  1 read one, 0 no more, -1 with err set when it is malformed
** or too long; what names the header for the message. */
static int param_next(const char **pp, const char *end, char key[PARAM_KEY_MAX], char *value,
                      size_t cap, const char *what, cairn_err *err) {
    const char *p = skip_ows(*pp, end);
    if (p == end) return 0;
    if (*p != ';') return err_set(err, CAIRN_EINVAL, "%s: expected ';' before a parameter", what);
    p = skip_ows(p + 1, end);
    if (p == end) { *pp = p; return 0; }   /* a trailing ';' */
    size_t k = 0;
    while (p < end && is_token_char((unsigned char)*p)) {
        if (k + 1 >= PARAM_KEY_MAX)
            return err_set(err, CAIRN_EINVAL, "%s: a parameter name is too long", what);
        key[k++] = *p++;
    }
    key[k] = 0;
    if (k == 0 || p == end || *p != '=')
        return err_set(err, CAIRN_EINVAL, "%s: a parameter is not of the form name=value", what);
    p++;
    size_t v = 0;
    if (p < end && *p == '"') {
        for (p++;; p++) {
            if (p == end)
                return err_set(err, CAIRN_EINVAL, "%s: parameter %s has no closing quote", what, key);
            if (*p == '"') { p++; break; }
            if (*p == '\\' && p + 1 < end) p++;
            unsigned char c = (unsigned char)*p;
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return err_set(err, CAIRN_EINVAL, "%s: parameter %s holds a control character",
                               what, key);
            if (v + 1 >= cap)
                return err_set(err, CAIRN_EINVAL, "%s: parameter %s is longer than %zu bytes",
                               what, key, cap - 1);
            value[v++] = (char)c;
        }
    } else {
        while (p < end && is_token_char((unsigned char)*p)) {
            if (v + 1 >= cap)
                return err_set(err, CAIRN_EINVAL, "%s: parameter %s is longer than %zu bytes",
                               what, key, cap - 1);
            value[v++] = *p++;
        }
        if (v == 0)
            return err_set(err, CAIRN_EINVAL, "%s: parameter %s has no value", what, key);
    }
    value[v] = 0;
    *pp = p;
    return 1;
}

/* The boundary of a multipart/form-data Content-Type; see multipart.h. */
int multipart_boundary(const char *content_type, char out[MULTIPART_BOUNDARY_MAX + 1],
                       cairn_err *err) {
    out[0] = 0;
    if (!content_type)
        return err_set(err, CAIRN_EINVAL, "the request has no Content-Type; "
                                          "send the form as multipart/form-data");
    const char *end = content_type + strlen(content_type);
    const char *p = skip_ows(content_type, end);
    if (!starts_with_word(p, end, "multipart/form-data"))
        return err_set(err, CAIRN_EINVAL, "the Content-Type is not multipart/form-data");
    p += strlen("multipart/form-data");
    char key[PARAM_KEY_MAX], value[MULTIPART_BOUNDARY_MAX + 2];
    int rc, found = 0;
    while ((rc = param_next(&p, end, key, value, sizeof value, "Content-Type", err)) == 1) {
        if (strcasecmp(key, "boundary") != 0) continue;
        if (found) return err_set(err, CAIRN_EINVAL, "Content-Type: boundary is given twice");
        found = 1;
        size_t n = strlen(value);
        if (n == 0) return err_set(err, CAIRN_EINVAL, "Content-Type: the boundary is empty");
        if (n > MULTIPART_BOUNDARY_MAX)
            return err_set(err, CAIRN_EINVAL, "Content-Type: the boundary is longer than %d bytes",
                           MULTIPART_BOUNDARY_MAX);
        for (size_t i = 0; i < n; i++)
            if (!is_boundary_char((unsigned char)value[i]) || (value[i] == ' ' && i + 1 == n))
                return err_set(err, CAIRN_EINVAL,
                               "Content-Type: the boundary holds a character that is not "
                               "allowed (byte %zu)", i + 1);
        memcpy(out, value, n + 1);
    }
    if (rc < 0) return -1;
    if (!found) return err_set(err, CAIRN_EINVAL, "Content-Type: the boundary is missing");
    return 0;
}

/* Read the value of a Content-Disposition header [p, end) into part: it must
** be form-data with a name; filename is optional.  -1 with err set. */
static int parse_disposition(const char *p, const char *end, arena *a, multipart_part *part,
                             size_t offset, cairn_err *err) {
    if (!starts_with_word(p, end, "form-data"))
        return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: Content-Disposition is "
                                          "not form-data", offset);
    p += strlen("form-data");
    char key[PARAM_KEY_MAX], value[MULTIPART_NAME_MAX + 1];
    int rc;
    while ((rc = param_next(&p, end, key, value, sizeof value, "Content-Disposition", err)) == 1) {
        const char **slot = !strcasecmp(key, "name") ? &part->name
                            : !strcasecmp(key, "filename") ? &part->filename : NULL;
        if (!slot) continue;   /* filename* and others: not needed */
        if (*slot)
            return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: Content-Disposition "
                                              "gives %s twice", offset, key);
        *slot = arena_strdup(a, value);
    }
    if (rc < 0) {
        err_prefix(err, "multipart body, byte %zu", offset);
        return -1;
    }
    if (!part->name || !part->name[0])
        return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: Content-Disposition has no "
                                          "name", offset);
    return 0;
}

/* Read one part's header block from *pp (just after the delimiter's CRLF)
** up to and including the empty line into part.  -1 with err set. */
static int parse_headers(const char *body, const char **pp, const char *end, arena *a,
                         multipart_part *part, cairn_err *err) {
    const char *p = *pp, *start = p;
    const char *limit = (size_t)(end - p) > MULTIPART_HEADER_MAX ? p + MULTIPART_HEADER_MAX : end;
    int have_type = 0;
    for (;;) {
        size_t off = (size_t)(p - body) + 1;   /* 1-based, as in every message */
        const char *nl = memchr(p, '\n', (size_t)(limit - p));
        if (!nl) {
            if (limit < end)
                return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: the part's headers "
                               "are longer than %d bytes", (size_t)(start - body) + 1,
                               MULTIPART_HEADER_MAX);
            return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: the body ends inside a "
                                              "part's headers", off);
        }
        if (nl == p || nl[-1] != '\r')
            return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: a header line ends in a "
                                              "bare LF; lines must end in CRLF", off);
        const char *line = p, *line_end = nl - 1;
        *pp = p = nl + 1;
        if (line_end == line) break;   /* the empty line: the headers end */
        if (*line == ' ' || *line == '\t')
            return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: folded header lines "
                                              "are not accepted", off);
        const char *colon = memchr(line, ':', (size_t)(line_end - line));
        if (!colon || colon == line)
            return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: a header line has no "
                                              "name and colon", off);
        for (const char *q = line; q < colon; q++)
            if (!is_token_char((unsigned char)*q))
                return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: a header name holds "
                                                  "a character that is not allowed", off);
        const char *value = skip_ows(colon + 1, line_end), *vend = line_end;
        while (vend > value && (vend[-1] == ' ' || vend[-1] == '\t')) vend--;
        size_t name_len = (size_t)(colon - line);
        if (name_len == 19 && strncasecmp(line, "Content-Disposition", 19) == 0) {
            if (part->name)
                return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: Content-Disposition "
                                                  "appears twice in one part", off);
            if (parse_disposition(value, vend, a, part, off, err) < 0) return -1;
        } else if (name_len == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
            if (have_type)
                return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: Content-Type appears "
                                                  "twice in one part", off);
            have_type = 1;
            for (const char *q = value; q < vend; q++)
                if ((unsigned char)*q < 0x20 || *q == 0x7f)
                    return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: Content-Type "
                                                      "holds a control character", off);
            part->content_type = arena_strndup(a, value, (size_t)(vend - value));
        }
    }
    if (!part->name)
        return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: a part has no "
                                          "Content-Disposition", (size_t)(start - body) + 1);
    return 0;
}

/* The first place in [p, end) where needle[0..n) starts, or NULL (memmem is
** not in POSIX). */
static const char *find_bytes(const char *p, const char *end, const char *needle, size_t n) {
    while ((size_t)(end - p) >= n) {
        const char *c = memchr(p, needle[0], (size_t)(end - p) - n + 1);
        if (!c) return NULL;
        if (memcmp(c, needle, n) == 0) return c;
        p = c + 1;
    }
    return NULL;
}

/* Split a multipart/form-data body into parts; see multipart.h. */
int multipart_parse(const char *content_type, const char *body, size_t len, arena *a,
                    multipart_part *parts, size_t max, size_t *n, cairn_err *err) {
    *n = 0;
    char boundary[MULTIPART_BOUNDARY_MAX + 1];
    if (multipart_boundary(content_type, boundary, err) < 0) return -1;
    /* "\r\n--" boundary: the delimiter between parts; the first one comes
    ** without its CRLF. */
    char delim[MULTIPART_BOUNDARY_MAX + 5];
    size_t blen = strlen(boundary);
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, blen);
    size_t dlen = blen + 4;
    const char *p = body, *end = body + len;
    if (len < dlen - 2 || memcmp(p, delim + 2, dlen - 2) != 0)
        return err_set(err, CAIRN_EINVAL, "multipart body, byte 1: the body does not start "
                                          "with the boundary the Content-Type names");
    p += dlen - 2;
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') return 0;   /* the closing delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: a boundary must be "
                           "followed by CRLF or by -- at the end", (size_t)(p - body) + 1);
        p += 2;
        if (*n >= max)
            return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: more than %zu parts",
                           (size_t)(p - body) + 1, max);
        multipart_part *part = &parts[*n];
        memset(part, 0, sizeof *part);
        if (parse_headers(body, &p, end, a, part, err) < 0) return -1;
        const char *next = find_bytes(p, end, delim, dlen);
        if (!next)
            return err_set(err, CAIRN_EINVAL, "multipart body, byte %zu: the part \"%.60s\" does "
                           "not end with the boundary; the body may be cut short",
                           (size_t)(p - body) + 1, part->name);
        part->data = p;
        part->len = (size_t)(next - p);
        (*n)++;
        p = next + dlen;
    }
}

/* The first part named name, or NULL. */
const multipart_part *multipart_find(const multipart_part *parts, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(parts[i].name, name) == 0) return &parts[i];
    return NULL;
}
