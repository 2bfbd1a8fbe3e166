/*
** support/sealed.c — sealing free text under the keyring (see sealed.h).
**
** The keyring file, 0600, one key a line:
**
**     # cairn keyring: keep it secret; back it up apart from the database
**     current 3fa2c1d0 <64 hex digits>
**     old 91b07e22 <64 hex digits>
**
** It is made by writing a temporary file and link()ing it into place (two
** processes racing to make it agree on one), and changed by writing a
** temporary file and rename()ing it over, under an flock() on
** "<keyring>.lock".  Every process keeps what it read, with the file's
** identity (device, inode, size, mode, modification and change times): a call that finds the
** identity changed reads the file again.
*/
#include "support/sealed.h"
#include "base/crypto.h"
#include "base/mem.h"
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEALED_PREFIX "s1:"
#define SEALED_PREFIX_LEN 3
#define RING_MAX_KEYS 8
#define RING_MAX_FILE 4096
static const char seal_ctx[8] = {'c', 'a', 'i', 'r', 'n', 's', 'l', '1'};

typedef struct ring_key {
    char id[SUPPORT_KEY_ID_LEN + 1];
    unsigned char key[CRYPTO_KEY_BYTES];
    int current;
} ring_key;

/* One keyring file as this process last read it. */
typedef struct ring {
    char *path;
    struct stat seen;        /* identity when read */
    int nkeys;
    ring_key keys[RING_MAX_KEYS];
    struct ring *next;
} ring;

static pthread_mutex_t ring_mutex = PTHREAD_MUTEX_INITIALIZER;
static ring *ring_cache;

static _Thread_local int key_scope_depth;         /* support_key_scope_begin */
static _Thread_local ring *key_scope_ring;        /* looked at in this scope */

/* Open a key scope on this thread (see sealed.h). */
void support_key_scope_begin(void) {
    key_scope_depth++;
}

/* End it; the outermost forgets what it looked at. */
void support_key_scope_end(void) {
    assert(key_scope_depth > 0);
    if (--key_scope_depth == 0) key_scope_ring = NULL;
}

/* The keyring's path (see sealed.h). */
int support_key_path(store *st, buf *out, cairn_err *err) {
    if (store_kind_of(st) == STORE_POSTGRES) {
        const char *p = getenv(SUPPORT_KEY_ENV);
        if (!p || !*p)
            return err_set(err, CAIRN_EINVAL, "the key of sealed text is kept in a file outside "
                           "the database; with PostgreSQL set %s to its path (docs/deploy.md, "
                           "\"The key\")", SUPPORT_KEY_ENV);
        buf_puts(out, p);
        return 0;
    }
    const char *url = store_url(st);
    if (!url) url = STORE_DEFAULT_URL;
    if (strncmp(url, "file:", 5) == 0) url += 5;
    size_t n = strcspn(url, "?");
    if (n == 0 || strncmp(url, ":memory:", 8) == 0 || strstr(url, "mode=memory"))
        return err_set(err, CAIRN_EINVAL, "an in-memory database has no place beside it for "
                       "the key of sealed text");
    buf_append(out, url, n);
    buf_puts(out, ".key");
    return 0;
}

/* 1 if s[0..n) are lowercase hex digits. */
static int is_hex(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

/* Parse the keyring text into r's keys; -1 with err set when malformed. */
static int ring_parse(ring *r, const char *path, char *text, cairn_err *err) {
    int lineno = 0, ncurrent = 0;
    r->nkeys = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (line[0] == '#' || line[0] == 0) continue;
        char state[16], id[32], hex[80];
        if (sscanf(line, "%15s %31s %79s", state, id, hex) != 3 ||
            strlen(id) != SUPPORT_KEY_ID_LEN || !is_hex(id, SUPPORT_KEY_ID_LEN) ||
            strlen(hex) != 2 * CRYPTO_KEY_BYTES || !is_hex(hex, 2 * CRYPTO_KEY_BYTES) ||
            (strcmp(state, "current") != 0 && strcmp(state, "old") != 0))
            return err_set(err, CAIRN_EINVAL, "%s:%d: not a key line (\"current|old ID HEX\")",
                           path, lineno);
        if (r->nkeys == RING_MAX_KEYS)
            return err_set(err, CAIRN_EINVAL, "%s: more than %d keys", path, RING_MAX_KEYS);
        ring_key *k = &r->keys[r->nkeys++];
        memcpy(k->id, id, SUPPORT_KEY_ID_LEN + 1);
        for (int i = 0; i < CRYPTO_KEY_BYTES; i++) {
            unsigned v;
            sscanf(hex + 2 * i, "%2x", &v);
            k->key[i] = (unsigned char)v;
        }
        k->current = state[0] == 'c';
        ncurrent += k->current;
    }
    if (ncurrent != 1)
        return err_set(err, CAIRN_EINVAL, "%s: %d keys are marked current (one must be)", path,
                       ncurrent);
    return 0;
}

/* Read path into r.  1 = there is no such file, 0 = read, -1 = error. */
static int ring_read(ring *r, const char *path, cairn_err *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 1;
        return err_set(err, CAIRN_EIO, "cannot read the keyring %s: %s", path, strerror(errno));
    }
    char text[RING_MAX_FILE + 1];
    struct stat sb;
    ssize_t n = fstat(fd, &sb) == 0 ? read(fd, text, RING_MAX_FILE) : -1;
    int e = errno;
    close(fd);
    if (n < 0) return err_set(err, CAIRN_EIO, "cannot read the keyring %s: %s", path, strerror(e));
    if (sb.st_mode & 077)
        return err_set(err, CAIRN_EINVAL, "the keyring %s may be read by others than its owner "
                       "(mode %03o); chmod 600 it", path, (unsigned)(sb.st_mode & 0777));
    text[n] = 0;
    int rc = ring_parse(r, path, text, err);
    crypto_wipe(text, sizeof text);
    if (rc < 0) return -1;
    r->seen = sb;
    return 0;
}

/* Write r's keys to a new temporary file beside path; its name is appended
** to tmp.  0 or -1 with err set. */
static int ring_write_tmp(const ring *r, const char *path, buf *tmp, cairn_err *err) {
    char rnd[17];
    crypto_random_token(rnd, 8);
    buf_printf(tmp, "%s.new-%ld-%s", path, (long)getpid(), rnd);
    buf text = BUF_INIT;
    buf_puts(&text, "# cairn keyring (docs/deploy.md): keep it secret; back it up apart from "
                    "the database\n");
    for (int i = 0; i < r->nkeys; i++) {
        char hex[2 * CRYPTO_KEY_BYTES + 1];
        for (int j = 0; j < CRYPTO_KEY_BYTES; j++)
            snprintf(hex + 2 * j, 3, "%02x", r->keys[i].key[j]);
        buf_printf(&text, "%s %s %s\n", r->keys[i].current ? "current" : "old", r->keys[i].id,
                   hex);
        crypto_wipe(hex, sizeof hex);
    }
    int fd = open(tmp->data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int rc = -1;
    if (fd >= 0) {
        rc = (write(fd, text.data, text.len) == (ssize_t)text.len && fsync(fd) == 0) ? 0 : -1;
        int e = errno;
        close(fd);
        errno = e;
    }
    if (rc < 0) {
        err_set(err, CAIRN_EIO, "cannot write the keyring %s: %s", tmp->data, strerror(errno));
        if (fd >= 0) unlink(tmp->data);
    }
    crypto_wipe(text.data, text.len);
    buf_free(&text);
    return rc;
}

/* A fresh key with a random id into k. */
static void key_new(ring_key *k, int current) {
    char id[SUPPORT_KEY_ID_LEN + 1];
    crypto_random_token(id, SUPPORT_KEY_ID_LEN / 2);
    memcpy(k->id, id, sizeof id);
    crypto_random_bytes(k->key, CRYPTO_KEY_BYTES);
    k->current = current;
}

/* Make the keyring at path with one new key unless it exists (link() makes
** exactly one racer's file the keyring).  *created gets 1 if this made it. */
static int ring_create(const char *path, int *created, cairn_err *err) {
    ring r = {0};
    r.nkeys = 1;
    key_new(&r.keys[0], 1);
    buf tmp = BUF_INIT;
    int rc = ring_write_tmp(&r, path, &tmp, err);
    crypto_wipe(&r, sizeof r);
    if (rc == 0) {
        if (link(tmp.data, path) == 0) *created = 1;
        else if (errno != EEXIST)
            rc = err_set(err, CAIRN_EIO, "cannot make the keyring %s: %s", path, strerror(errno));
        unlink(tmp.data);
    }
    buf_free(&tmp);
    return rc;
}

/* The cached ring of path, read again if the file changed, made if create
** is set and there is none.  Call with ring_mutex held.  NULL with err set
** (CAIRN_ENOTFOUND when there is no keyring and create is 0). */
static ring *ring_get(const char *path, int create, cairn_err *err) {
    ring *r = ring_cache;
    while (r && strcmp(r->path, path) != 0) r = r->next;
    struct stat sb;
    if (r && stat(path, &sb) == 0 && sb.st_dev == r->seen.st_dev && sb.st_ino == r->seen.st_ino &&
        sb.st_size == r->seen.st_size && sb.st_mtim.tv_sec == r->seen.st_mtim.tv_sec &&
        sb.st_mtim.tv_nsec == r->seen.st_mtim.tv_nsec && sb.st_mode == r->seen.st_mode &&
        sb.st_ctim.tv_sec == r->seen.st_ctim.tv_sec && sb.st_ctim.tv_nsec == r->seen.st_ctim.tv_nsec)
        return r;
    ring fresh = {0};
    int rc = ring_read(&fresh, path, err);
    if (rc == 1 && create) {
        int made = 0;
        if (ring_create(path, &made, err) < 0) return NULL;
        rc = ring_read(&fresh, path, err);
    }
    if (rc == 1) {
        err_set(err, CAIRN_ENOTFOUND, "there is no keyring at %s", path);
        return NULL;
    }
    if (rc < 0) return NULL;
    if (!r) {
        r = xcalloc(1, sizeof *r);
        r->path = xstrdup(path);
        r->next = ring_cache;
        ring_cache = r;
    }
    fresh.path = r->path;
    fresh.next = r->next;
    *r = fresh;
    crypto_wipe(&fresh, sizeof fresh);
    return r;
}

/* Copy the key named id (the current key when id is NULL) of st's keyring,
** with its id, into *out (the caller wipes it).  create: make the keyring
** if missing.  0, or -1 with err set. */
static int key_find(store *st, const char *id, int create, ring_key *out, cairn_err *err) {
    buf path = BUF_INIT;
    if (support_key_path(st, &path, err) < 0) return -1;
    int rc = -1;
    pthread_mutex_lock(&ring_mutex);
    ring *r = NULL;
    if (id && key_scope_ring && strcmp(key_scope_ring->path, path.data) == 0)
        for (int i = 0; i < key_scope_ring->nkeys && !r; i++)
            if (strcmp(key_scope_ring->keys[i].id, id) == 0) r = key_scope_ring;
    if (!r) r = ring_get(path.data, create, err);
    if (r && key_scope_depth > 0) key_scope_ring = r;
    if (r) {
        for (int i = 0; i < r->nkeys && rc < 0; i++)
            if (id ? strcmp(r->keys[i].id, id) == 0 : r->keys[i].current) {
                *out = r->keys[i];
                rc = 0;
            }
        if (rc < 0)
            err_set(err, CAIRN_ENOTFOUND, "the key %s is not in the keyring %s (retired, or the "
                    "database was moved without its key)", id ? id : "current", path.data);
    }
    pthread_mutex_unlock(&ring_mutex);
    buf_free(&path);
    return rc;
}

/* Open st's seal lock file ("<keyring>.seal-lock") and flock it with op
** (LOCK_SH or LOCK_EX); the descriptor, or -1 with err set. */
static int seal_lock_take(store *st, int op, cairn_err *err) {
    buf path = BUF_INIT;
    if (support_key_path(st, &path, err) < 0) {
        buf_free(&path);
        return -1;
    }
    buf_puts(&path, ".seal-lock");
    int fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, op) < 0) {
        err_set(err, CAIRN_EIO, "cannot lock %s: %s", path.data, strerror(errno));
        if (fd >= 0) close(fd);
        fd = -1;
    }
    buf_free(&path);
    return fd;
}

/* store_tx_on_end hook: the sealing transaction ended; let a rotation on. */
static void seal_lock_release(void *arg, int committed) {
    (void)committed;
    close((int)(intptr_t)arg);
}

/* The exclusive seal lock (see sealed.h). */
int support_key_seal_lock(store *st, cairn_err *err) {
    return seal_lock_take(st, LOCK_EX, err);
}

/* Release it. */
void support_key_seal_unlock(int fd) {
    if (fd >= 0) close(fd);
}

/* Seal plain under the current key (see sealed.h).  Inside a transaction
** the shared seal lock is held until it ends, so a rotation's last count
** waits for the row this text goes into. */
int support_text_seal(store *st, int64_t institution_id, const char *plain, buf *out,
                      cairn_err *err) {
    if (!plain) return err_set(err, CAIRN_EINVAL, "sealed text: no text given");
    if (institution_id <= 0) return err_set(err, CAIRN_EINVAL, "sealed text: no institution");
    if (store_in_tx(st)) {
        int fd = seal_lock_take(st, LOCK_SH, err);
        if (fd < 0) return -1;
        store_tx_on_end(st, seal_lock_release, (void *)(intptr_t)fd);
    }
    ring_key k;
    if (key_find(st, NULL, 1, &k, err) < 0) return -1;
    unsigned char sub[CRYPTO_KEY_BYTES];
    crypto_key_derive(k.key, (uint64_t)institution_id, seal_ctx, sub);
    buf raw = BUF_INIT;
    int rc = crypto_text_seal(sub, plain, strlen(plain), &raw);
    if (rc == 0) {
        buf_printf(out, SEALED_PREFIX "%s:", k.id);
        crypto_base64_append(raw.data, raw.len, out);
    } else {
        err_set(err, CAIRN_EINVAL, "sealed text: the text is too long");
    }
    crypto_wipe(sub, sizeof sub);
    crypto_wipe(&k, sizeof k);
    buf_free(&raw);
    return rc;
}

/* 1 if stored starts "s1:<8 hex>:" (see sealed.h). */
int support_text_is_sealed(const char *stored) {
    return stored && strncmp(stored, SEALED_PREFIX, SEALED_PREFIX_LEN) == 0 &&
           strlen(stored) > SEALED_PREFIX_LEN + SUPPORT_KEY_ID_LEN &&
           is_hex(stored + SEALED_PREFIX_LEN, SUPPORT_KEY_ID_LEN) &&
           stored[SEALED_PREFIX_LEN + SUPPORT_KEY_ID_LEN] == ':';
}

/* The key id of sealed text (see sealed.h). */
int support_text_key_id(const char *stored, char id[SUPPORT_KEY_ID_LEN + 1]) {
    if (!support_text_is_sealed(stored)) return -1;
    memcpy(id, stored + SEALED_PREFIX_LEN, SUPPORT_KEY_ID_LEN);
    id[SUPPORT_KEY_ID_LEN] = 0;
    return 0;
}

/* Open sealed text (see sealed.h). */
int support_text_open(store *st, int64_t institution_id, const char *stored, buf *out,
                      cairn_err *err) {
    char id[SUPPORT_KEY_ID_LEN + 1];
    if (support_text_key_id(stored, id) < 0)
        return err_set(err, CAIRN_EINVAL, "this text is not sealed text");
    if (institution_id <= 0) return err_set(err, CAIRN_EINVAL, "sealed text: no institution");
    const char *b64 = stored + SEALED_PREFIX_LEN + SUPPORT_KEY_ID_LEN + 1;
    buf raw = BUF_INIT;
    if (crypto_base64_decode(b64, strlen(b64), &raw) < 0) {
        buf_free(&raw);
        return err_set(err, CAIRN_EINVAL, "sealed text cannot be opened: it was changed");
    }
    ring_key k;
    int rc = key_find(st, id, 0, &k, err);
    if (rc == 0) {
        unsigned char sub[CRYPTO_KEY_BYTES];
        crypto_key_derive(k.key, (uint64_t)institution_id, seal_ctx, sub);
        rc = crypto_text_open(sub, raw.data, raw.len, out, err);
        crypto_wipe(sub, sizeof sub);
        crypto_wipe(&k, sizeof k);
    }
    buf_free(&raw);
    return rc;
}

/* Make the keyring unless it exists (see sealed.h). */
int support_key_ensure(store *st, int *created, cairn_err *err) {
    int made = 0;
    if (created) *created = 0;
    buf path = BUF_INIT;
    if (support_key_path(st, &path, err) < 0) return -1;
    pthread_mutex_lock(&ring_mutex);
    int rc = access(path.data, F_OK) == 0 ? 0 : ring_create(path.data, &made, err);
    if (rc == 0 && !ring_get(path.data, 0, err)) rc = -1;
    pthread_mutex_unlock(&ring_mutex);
    buf_free(&path);
    if (created) *created = made;
    return rc;
}

/* The current key's id (see sealed.h). */
int support_key_current(store *st, char id[SUPPORT_KEY_ID_LEN + 1], cairn_err *err) {
    ring_key k;
    if (key_find(st, NULL, 1, &k, err) < 0) return -1;
    memcpy(id, k.id, SUPPORT_KEY_ID_LEN + 1);
    crypto_wipe(&k, sizeof k);
    return 0;
}

/* Change st's keyring: with add set, a new current key (id into new_id);
** otherwise drop every key but the current one (*dropped gets how many).
** Under the keyring's lock file, so two rotations do not interleave. */
static int ring_change(store *st, int add, char new_id[SUPPORT_KEY_ID_LEN + 1], int *dropped,
                       cairn_err *err) {
    buf path = BUF_INIT, lock = BUF_INIT, tmp = BUF_INIT;
    if (support_key_path(st, &path, err) < 0) return -1;
    buf_printf(&lock, "%s.lock", path.data);
    int fd = open(lock.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600), rc = -1;
    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        err_set(err, CAIRN_EIO, "cannot lock %s: %s", lock.data, strerror(errno));
        goto done;
    }
    pthread_mutex_lock(&ring_mutex);
    ring *r = ring_get(path.data, 1, err);
    ring next = {0};
    if (r) {
        next = *r;
        if (add) {
            if (next.nkeys == RING_MAX_KEYS) {
                err_set(err, CAIRN_EINVAL, "%s already holds %d keys: finish the rotation "
                        "under way first", path.data, RING_MAX_KEYS);
                r = NULL;
            } else {
                for (int i = 0; i < next.nkeys; i++) next.keys[i].current = 0;
                key_new(&next.keys[next.nkeys], 1);
                memcpy(new_id, next.keys[next.nkeys].id, SUPPORT_KEY_ID_LEN + 1);
                next.nkeys++;
            }
        } else {
            int j = 0;
            for (int i = 0; i < next.nkeys; i++)
                if (next.keys[i].current) next.keys[j++] = next.keys[i];
            if (dropped) *dropped = next.nkeys - j;
            next.nkeys = j;
        }
    }
    if (r && ring_write_tmp(&next, path.data, &tmp, err) == 0) {
        if (rename(tmp.data, path.data) == 0) rc = 0;
        else {
            err_set(err, CAIRN_EIO, "cannot replace the keyring %s: %s", path.data,
                    strerror(errno));
            unlink(tmp.data);
        }
    }
    crypto_wipe(&next, sizeof next);
    if (rc == 0 && !ring_get(path.data, 0, err)) rc = -1;
    pthread_mutex_unlock(&ring_mutex);
done:
    if (fd >= 0) close(fd);
    buf_free(&path);
    buf_free(&lock);
    buf_free(&tmp);
    return rc;
}

/* Add a new current key (see sealed.h). */
int support_key_add(store *st, char id[SUPPORT_KEY_ID_LEN + 1], cairn_err *err) {
    return ring_change(st, 1, id, NULL, err);
}

/* Drop the keys that are not current (see sealed.h). */
int support_key_retire_old(store *st, int *retired, cairn_err *err) {
    int n = 0;
    int rc = ring_change(st, 0, NULL, &n, err);
    if (retired) *retired = rc == 0 ? n : 0;
    return rc;
}

/* The key ids, current first (see sealed.h). */
int support_key_list(store *st, buf *out, cairn_err *err) {
    buf path = BUF_INIT;
    if (support_key_path(st, &path, err) < 0) return -1;
    pthread_mutex_lock(&ring_mutex);
    ring *r = ring_get(path.data, 0, err);
    if (r) {
        for (int pass = 1; pass >= 0; pass--)
            for (int i = 0; i < r->nkeys; i++)
                if (r->keys[i].current == pass)
                    buf_printf(out, "%s%s", out->len ? " " : "", r->keys[i].id);
    }
    pthread_mutex_unlock(&ring_mutex);
    buf_free(&path);
    return r ? 0 : -1;
}
