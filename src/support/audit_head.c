/*
** support/audit_head.c — the audit chain's head kept outside the database
** (see audit.h, "The head file").
**
** The file has one line per institution, "institution id hash", after a
** comment line.  A writer takes an flock on "<file>.lock", reads the file,
** moves its institution's line forward (never back: two processes may
** commit in one order and write in the other), writes a temporary file and
** renames it over.
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

/* Read path's lines into *lines (caller frees), *n of them.  A missing file
** is an empty one.  0, or -1 with err set. */
static int head_read(const char *path, head_line **lines, size_t *n, cairn_err *err) {
    *lines = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) return 0;
        return err_set(err, CAIRN_EIO, "cannot read the audit head %s: %s", path, strerror(errno));
    }
    char line[256];
    size_t cap = 0;
    int rc = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n') continue;
        head_line h;
        long long inst, id;
        if (sscanf(line, "%lld %lld %64s", &inst, &id, h.hash) != 3 ||
            strlen(h.hash) != CRYPTO_SHA256_HEX_LEN - 1 || *n == HEAD_MAX_LINES) {
            rc = err_set(err, CAIRN_EINVAL, "%s:%d: not an audit head line", path, lineno);
            break;
        }
        h.inst = inst;
        h.id = id;
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            *lines = xrealloc(*lines, cap * sizeof **lines);
        }
        (*lines)[(*n)++] = h;
    }
    fclose(f);
    if (rc < 0) {
        free(*lines);
        *lines = NULL;
        *n = 0;
    }
    return rc;
}

/* Set inst's line of path to (id, hash): only forward unless force is set.
** Under the lock file; the new file replaces the old one by rename. */
static int head_write(const char *path, int64_t inst, int64_t id, const char *hash, int force,
                      cairn_err *err) {
    buf lock = BUF_INIT, tmp = BUF_INIT, text = BUF_INIT;
    buf_printf(&lock, "%s.lock", path);
    int fd = open(lock.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600), rc = -1;
    head_line *lines = NULL;
    size_t n = 0;
    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        err_set(err, CAIRN_EIO, "cannot lock %s: %s", lock.data, strerror(errno));
        goto done;
    }
    if (head_read(path, &lines, &n, err) < 0) goto done;
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
    buf_puts(&text, "# cairn audit head (support/audit.h): institution, newest event, its hash\n");
    for (size_t j = 0; j < n; j++)
        buf_printf(&text, "%lld %lld %s\n", (long long)lines[j].inst, (long long)lines[j].id,
                   lines[j].hash);
    buf_printf(&tmp, "%s.new-%ld", path, (long)getpid());
    int out = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0 || write(out, text.data, text.len) != (ssize_t)text.len) {
        err_set(err, CAIRN_EIO, "cannot write %s: %s", tmp.data, strerror(errno));
        if (out >= 0) close(out);
        unlink(tmp.data);
        goto done;
    }
    close(out);
    if (rename(tmp.data, path) < 0) {
        err_set(err, CAIRN_EIO, "cannot replace %s: %s", path, strerror(errno));
        unlink(tmp.data);
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0) close(fd);   /* releases the flock */
    free(lines);
    buf_free(&lock);
    buf_free(&tmp);
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
