/*
** fuzz/fuzz_multipart.c — libFuzzer target for the multipart/form-data
** reader (web/multipart.h).
**
** The input's first line (up to the first '\n', at most 200 bytes) is the
** Content-Type header; the rest is the body.  For every input it checks:
**  1. the reader never crashes or reads outside the body;
**  2. it ends with 0 and at most the allowed number of parts, each with a
**     non-empty name and data lying inside the body, in order, not
**     overlapping; or with -1 and a non-empty message;
**  3. the same body with a smaller part limit gives either the same parts
**     (when they fit) or the "more than N parts" error — never anything else;
**  4. the boundary reader agrees: when it refuses the header, so does the
**     body reader, with the same message.
*/
#include "base/arena.h"
#include "base/err.h"
#include "web/multipart.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop with a message: libFuzzer reports it as a crash with the input. */
static void die(const char *what) {
    fprintf(stderr, "fuzz_multipart: %s\n", what);
    abort();
}

/* Check one input; see the comment at the top. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *in = (const char *)data;
    const char *nl = memchr(in, '\n', size < 200 ? size : 200);
    if (!nl) return 0;
    char ct[201];
    memcpy(ct, in, (size_t)(nl - in));
    ct[nl - in] = 0;
    /* the body in its own allocation, so ASan catches any read past it */
    size_t len = size - (size_t)(nl - in) - 1;
    char *body = malloc(len ? len : 1);
    memcpy(body, nl + 1, len);

    arena *a = arena_new(0);
    multipart_part parts[MULTIPART_PARTS_MAX];
    size_t n = 0;
    cairn_err err = {0};
    int rc = multipart_parse(ct, body, len, a, parts, MULTIPART_PARTS_MAX, &n, &err);
    char boundary[MULTIPART_BOUNDARY_MAX + 1];
    cairn_err berr = {0};
    int brc = multipart_boundary(ct, boundary, &berr);
    if (rc == 0) {
        if (brc != 0) die("the body was read but the boundary refused");
        if (n > MULTIPART_PARTS_MAX) die("too many parts");
        const char *prev = body;
        for (size_t i = 0; i < n; i++) {
            if (!parts[i].name || !parts[i].name[0]) die("a part without a name");
            if (parts[i].data < prev || parts[i].data + parts[i].len > body + len)
                die("a part outside the body or out of order");
            prev = parts[i].data + parts[i].len;
        }
    } else {
        if (rc != -1 || !err.msg[0] || err.code != CAIRN_EINVAL) die("a failure without a message");
        if (brc != 0 && strcmp(berr.msg, err.msg) != 0) die("the boundary errors differ");
    }
    if (n > 0) {
        size_t max = n - 1, m = 0;
        multipart_part fewer[MULTIPART_PARTS_MAX];
        cairn_err ferr = {0};
        int frc = multipart_parse(ct, body, len, a, fewer, max, &m, &ferr);
        if (rc == 0) {
            if (frc == 0) die("more parts than the limit were accepted");
            if (!strstr(ferr.msg, "more than")) die("a smaller limit gave another error");
        }
        if (frc == 0) {
            for (size_t i = 0; i < m; i++)
                if (fewer[i].data != parts[i].data || fewer[i].len != parts[i].len)
                    die("a smaller limit split differently");
        }
    }
    arena_free(a);
    free(body);
    return 0;
}
