/*
** support/audit_head.c — the audit chain's head kept outside the database
** (see audit.h, "The head file").
**
** The file has one line per institution, "institution id hash", after a
** comment line.  A writer takes an exclusive flock on the file, reads it,
** moves its institution's line forward (never back: two processes may
** commit in one order and write in the other) and rewrites it in place;
** readers take a shared flock.
*/
#include "support/audit_internal.h"
#include "base/mem.h"
#include "support/sealed.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define HEAD_MAX_LINES 4096

typedef struct head_line {
    int64_t inst, id;
    char hash[CRYPTO_SHA256_HEX_LEN];
} head_line;

/* The head file's path (see audit.h). */
int support_audit_head_path(store *st, buf *out, cairn_err *err) {
    buf key = BUF_INIT;
    if (support_key_path(st, &key, err) < 0) {
        buf_free(&key);
        return -1;
    }
    size_t n = key.len;
    if (n > 4 && strcmp(key.data + n - 4, ".key") == 0) n -= 4;
    buf_append(out, key.data, n);
    buf_puts(out, ".audit-head");
    buf_free(&key);
    return 0;
}

/* All of fd's bytes from the start into text (a NUL-terminated buf).  0 or
** -1 (errno set). */
static int head_slurp(int fd, buf *text) {
    char chunk[4096];
    off_t at = 0;
    ssize_t k;
    while ((k = pread(fd, chunk, sizeof chunk, at)) > 0) {
        buf_append(text, chunk, (size_t)k);
        at += k;
    }
    buf_append(text, "", 0);   /* data NUL-terminated, even when empty */
    return k < 0 ? -1 : 0;
}

/* Parse the head file's text (of path, for messages) into *lines (caller
** frees), *n of them.  0, or -1 with err set. */
static int head_parse(char *text, const char *path, head_line **lines, size_t *n,
                      cairn_err *err) {
    *lines = NULL;
    *n = 0;
    size_t cap = 0;
    int lineno = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (line[0] == '#') continue;
        head_line h;
        long long inst, id;
        if (sscanf(line, "%lld %lld %64s", &inst, &id, h.hash) != 3 ||
            strlen(h.hash) != CRYPTO_SHA256_HEX_LEN - 1 || *n == HEAD_MAX_LINES) {
            free(*lines);
            *lines = NULL;
            *n = 0;
            return err_set(err, CAIRN_EINVAL, "%s:%d: not an audit head line", path, lineno);
        }
        h.inst = inst;
        h.id = id;
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            *lines = xrealloc(*lines, cap * sizeof **lines);
        }
        (*lines)[(*n)++] = h;
    }
    return 0;
}

/* Read path's lines under a shared flock (a writer rewrites it in place).
** A missing file is an empty one.  0, or -1 with err set. */
static int head_read(const char *path, head_line **lines, size_t *n, cairn_err *err) {
    *lines = NULL;
    *n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 0;
        return err_set(err, CAIRN_EIO, "cannot read the audit head %s: %s", path, strerror(errno));
    }
    buf text = BUF_INIT;
    int rc = flock(fd, LOCK_SH) < 0 || head_slurp(fd, &text) < 0
                 ? err_set(err, CAIRN_EIO, "cannot read the audit head %s: %s", path,
                           strerror(errno))
                 : head_parse(text.data, path, lines, n, err);
    close(fd);
    buf_free(&text);
    return rc;
}

/* Set inst's line of path to (id, hash): only forward unless force is set.
** Rewritten in place under an exclusive flock on the file itself (no
** rename: on ext4 a rename over a file flushes it, milliseconds per
** event). */
static int head_write(const char *path, int64_t inst, int64_t id, const char *hash, int force,
                      cairn_err *err) {
    buf text = BUF_INIT;
    head_line *lines = NULL;
    size_t n = 0;
    int rc = -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) < 0 || head_slurp(fd, &text) < 0) {
        err_set(err, CAIRN_EIO, "cannot update the audit head %s: %s", path, strerror(errno));
        goto done;
    }
    if (head_parse(text.data, path, &lines, &n, err) < 0) goto done;
    size_t i = 0;
    while (i < n && lines[i].inst != inst) i++;
    if (i < n && lines[i].id >= id && !force) {
        rc = 0;   /* another writer got further already */
        goto done;
    }
    if (i == n) {
        lines = xrealloc(lines, (n + 1) * sizeof *lines);
        n++;
    }
    lines[i].inst = inst;
    lines[i].id = id;
    memcpy(lines[i].hash, hash, CRYPTO_SHA256_HEX_LEN);
    buf_reset(&text);
    buf_puts(&text, "# cairn audit head (support/audit.h): institution, newest event, its hash\n");
    for (size_t j = 0; j < n; j++)
        buf_printf(&text, "%lld %lld %s\n", (long long)lines[j].inst, (long long)lines[j].id,
                   lines[j].hash);
    if (pwrite(fd, text.data, text.len, 0) != (ssize_t)text.len ||
        ftruncate(fd, (off_t)text.len) < 0) {
        err_set(err, CAIRN_EIO, "cannot write the audit head %s: %s", path, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0) close(fd);   /* releases the flock */
    free(lines);
    buf_free(&text);
    return rc;
}

typedef struct head_pending {
    char *path;
    int64_t inst, id;
    char hash[CRYPTO_SHA256_HEX_LEN];
} head_pending;

/* store_tx_on_end hook: write the head once committed; frees p. */
static void head_on_end(void *arg, int committed) {
    head_pending *p = arg;
    cairn_err err = {0};
    if (committed) head_write(p->path, p->inst, p->id, p->hash, 0, &err);
    free(p->path);
    free(p);
}

/* Follow the chain's new end after commit (see audit_internal.h). */
void audit_head_follow(store *st, int64_t inst, int64_t id, const char hash[CRYPTO_SHA256_HEX_LEN]) {
    buf path = BUF_INIT;
    cairn_err err = {0};
    if (support_audit_head_path(st, &path, &err) < 0) {
        buf_free(&path);
        return;
    }
    head_pending *p = xcalloc(1, sizeof *p);
    p->path = buf_detach(&path);
    p->inst = inst;
    p->id = id;
    memcpy(p->hash, hash, CRYPTO_SHA256_HEX_LEN);
    store_tx_on_end(st, head_on_end, p);
}

/* What the head file records for institution_id (see audit.h). */
int support_audit_head_file(store *st, int64_t institution_id, int64_t *id,
                            char hash[CRYPTO_SHA256_HEX_LEN], cairn_err *err) {
    *id = 0;
    memset(hash, '0', CRYPTO_SHA256_HEX_LEN - 1);
    hash[CRYPTO_SHA256_HEX_LEN - 1] = 0;
    buf path = BUF_INIT;
    cairn_err quiet = {0};
    if (support_audit_head_path(st, &path, &quiet) < 0) {
        buf_free(&path);
        return 0;   /* no place for one: only the chain can be checked */
    }
    head_line *lines = NULL;
    size_t n = 0;
    int rc = head_read(path.data, &lines, &n, err);
    buf_free(&path);
    if (rc < 0) return -1;
    for (size_t i = 0; i < n; i++)
        if (lines[i].inst == institution_id) {
            *id = lines[i].id;
            memcpy(hash, lines[i].hash, CRYPTO_SHA256_HEX_LEN);
            rc = 1;
        }
    free(lines);
    return rc;
}

/* Write the database's chain end to the head file after checking the
** chain (see audit.h). */
int support_audit_head_reset(store *st, int64_t institution_id, cairn_err *err) {
    buf path = BUF_INIT;
    if (support_audit_head_path(st, &path, err) < 0) {
        buf_free(&path);
        return -1;
    }
    int64_t id = 0, bad = 0;
    char hash[CRYPTO_SHA256_HEX_LEN];
    int rc = audit_verify_impl(st, institution_id, 0, NULL, &bad, err);
    if (rc == 0) rc = support_audit_head(st, institution_id, &id, hash, err);
    if (rc == 0) rc = head_write(path.data, institution_id, id, hash, 1, err);
    buf_free(&path);
    return rc;
}
