/*
** web/multipart.h — a small, strict reader of multipart/form-data bodies
** (RFC 7578 on RFC 2046), the encoding of a form that uploads a file.
**
** A body looks like this (every line break is CRLF):
**
**     --BOUNDARY
**     Content-Disposition: form-data; name="kind"
**
**     learners
**     --BOUNDARY
**     Content-Disposition: form-data; name="file"; filename="learners.csv"
**     Content-Type: text/csv
**
**     ref,given_name,...
**     --BOUNDARY--
**
** Strict means: the body starts with the first delimiter (no preamble),
** every line of a part's headers ends in CRLF (a bare LF is an error),
** every part has a Content-Disposition of form-data with a name, the
** closing delimiter is there (anything after it is ignored, as RFC 2046
** says), and there are at most MULTIPART_PARTS_MAX parts whose header
** blocks are at most MULTIPART_HEADER_MAX bytes each.  Headers other than
** Content-Disposition and Content-Type are ignored.
**
** No needless copies: a part's data points into the body; only the names
** (a few bytes, unquoted) are copied, into the caller's arena.
*/
#ifndef CAIRN_WEB_MULTIPART_H
#define CAIRN_WEB_MULTIPART_H
#include "base/arena.h"
#include "base/err.h"
#include <stddef.h>

#define MULTIPART_BOUNDARY_MAX 70     /* RFC 2046's limit on a boundary */
#define MULTIPART_PARTS_MAX    16     /* parts in one body */
#define MULTIPART_HEADER_MAX   2048   /* bytes of one part's header block */
#define MULTIPART_NAME_MAX     255    /* bytes of a name or file name */

typedef struct multipart_part {
    const char *name;          /* the form field's name (arena) */
    const char *filename;      /* the file name the browser sent (arena), or
                                  NULL for a plain field; may be "" */
    const char *content_type;  /* the part's Content-Type (arena), or NULL */
    const char *data;          /* the content: points into the body, not
                                  NUL-terminated */
    size_t      len;
} multipart_part;

/* Read the boundary parameter of a Content-Type header value
** ("multipart/form-data; boundary=xyz" or boundary="x y z") into out.  -1
** with err set (CAIRN_EINVAL) when the type is not multipart/form-data or
** the boundary is missing, empty, longer than MULTIPART_BOUNDARY_MAX or
** holds a character RFC 2046 does not allow. */
int multipart_boundary(const char *content_type, char out[MULTIPART_BOUNDARY_MAX + 1],
                       cairn_err *err);

/* Split body[0..len) with the boundary of content_type into parts[0..max)
** (max at most MULTIPART_PARTS_MAX is sensible); *n gets how many.  Names,
** file names and content types are copied into a; data points into body,
** which must outlive parts.  -1 with err set (CAIRN_EINVAL) and a message
** saying what is wrong and where (byte offset) for anything malformed or
** beyond the limits. */
int multipart_parse(const char *content_type, const char *body, size_t len, arena *a,
                    multipart_part *parts, size_t max, size_t *n, cairn_err *err);

/* The first part named name, or NULL. */
const multipart_part *multipart_find(const multipart_part *parts, size_t n, const char *name);

#endif
