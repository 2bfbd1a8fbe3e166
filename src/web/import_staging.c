/*
** web/import_staging.c — uploaded import files waiting for their confirm.
** The layout on disk and the security properties are described in
** web/import_staging.h.
*/
#include "web/import_staging.h"
#include "base/buf.h"
#include "base/crypto.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The staging directory for st's database (see the header), created when
** missing; refused unless it is a directory of ours that nobody else may
** enter.  The path is in a; NULL with err set. */
const char *import_staging_dir(const store *st, arena *a, cairn_err *err) {
    const char *url = store_url(st);
    const char *dir;
    if (store_kind_of(st) == STORE_SQLITE && url && *url && url[0] != ':' &&
        strncmp(url, "file:", 5) != 0) {
        dir = arena_printf(a, "%s-imports", url);
    } else {
        const char *tmp = getenv("TMPDIR");
        dir = arena_printf(a, "%s/cairn-imports-%lu", tmp && *tmp ? tmp : "/tmp",
                           (unsigned long)geteuid());
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        err_set(err, CAIRN_EIO, "%s: cannot create the staging directory: %s", dir, strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() ||
        (sb.st_mode & 077)) {
        err_set(err, CAIRN_EIO, "%s: the staging directory is not a private directory of this "
                                "server's user", dir);
        return NULL;
    }
    return dir;
}

/* Remove one upload's directory dir/id and what is in it (no error if it
** is gone). */
static void remove_upload(const char *dir, const char *id, arena *a) {
    const char *sub = arena_printf(a, "%s/%s", dir, id);
    DIR *d = opendir(sub);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlink(arena_printf(a, "%s/%s", sub, e->d_name));
        closedir(d);
    }
    rmdir(sub);
}

/* Delete the upload sg (see the header). */
void import_staging_discard(const import_staged *sg, arena *a) {
    if (sg && sg->dir && sg->id) remove_upload(sg->dir, sg->id, a);
}

/* Remove the uploads in dir older than IMPORT_STAGING_MAX_AGE. */
static void sweep(const char *dir, arena *a) {
    DIR *d = opendir(dir);
    if (!d) return;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat sb;
        if (e->d_name[0] == '.') continue;
        if (lstat(arena_printf(a, "%s/%s", dir, e->d_name), &sb) == 0 &&
            S_ISDIR(sb.st_mode) && now - sb.st_mtime > IMPORT_STAGING_MAX_AGE)
            remove_upload(dir, e->d_name, a);
    }
    closedir(d);
}

/* Write data[0..n) to a new file path, mode 0600 (never through a link,
** never over an existing file).  -1 with err set. */
static int write_private(const char *path, const void *data, size_t n, cairn_err *err) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return err_set(err, CAIRN_EIO, "%s: cannot create: %s", path, strerror(errno));
    const char *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            err_set(err, CAIRN_EIO, "%s: cannot write: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    if (close(fd) != 0) return err_set(err, CAIRN_EIO, "%s: cannot write: %s", path, strerror(errno));
    return 0;
}

/* The upload directory id of a token: its SHA-256 (in a). */
static const char *upload_id(const char *token, arena *a) {
    char h[CRYPTO_SHA256_HEX_LEN];
    crypto_sha256_hex(token, strlen(token), h);
    return arena_strdup(a, h);
}

/* Sweep, then stage data[0..n) as kind for who (see the header). */
int import_staging_save(const char *dir, const access_ctx *who, import_kind kind,
                        const void *data, size_t n, char *token, import_staged *out, arena *a,
                        cairn_err *err) {
    sweep(dir, a);
    char tok[IMPORT_STAGING_TOKEN_LEN];
    crypto_random_token(tok, IMPORT_STAGING_TOKEN_BYTES);
    out->dir = dir;
    out->id = upload_id(tok, a);
    const char *sub = arena_printf(a, "%s/%s", dir, out->id);
    if (mkdir(sub, 0700) != 0)
        return err_set(err, CAIRN_EIO, "%s: cannot create: %s", sub, strerror(errno));
    out->csv = arena_printf(a, "%s/%s.csv", sub, import_kind_name(kind));
    int rc = write_private(out->csv, data, n, err);
    if (rc == 0 && token) {
        char sha[CRYPTO_SHA256_HEX_LEN];
        crypto_sha256_hex(data, n, sha);
        const char *owner = arena_printf(a, "account=%lld\ninstitution=%lld\nkind=%s\n"
                                         "sha256=%s\n", (long long)who->account_id,
                                         (long long)who->institution_id, import_kind_name(kind), sha);
        rc = write_private(arena_printf(a, "%s/owner", sub), owner, strlen(owner), err);
        memcpy(token, tok, sizeof tok);
    }
    if (rc != 0) remove_upload(dir, out->id, a);
    return rc;
}

/* Take the upload of token for kind on behalf of who (see the header). */
static int staging_take(const char *dir, const char *token, const access_ctx *who,
                        import_kind kind, import_staged *out, arena *a, cairn_err *err, int take);

/* Claim the upload once; see import_staging.h. */
int import_staging_claim(const char *dir, const char *token, const access_ctx *who,
                         import_kind kind, import_staged *out, arena *a, cairn_err *err) {
    return staging_take(dir, token, who, kind, out, a, err, 1);
}

/* Look at the upload without using it up; see import_staging.h. */
int import_staging_peek(const char *dir, const char *token, const access_ctx *who,
                        import_kind kind, import_staged *out, arena *a, cairn_err *err) {
    return staging_take(dir, token, who, kind, out, a, err, 0);
}

/* The checks of a claim; take = 1 uses the upload up (owner -> owner.used). */
static int staging_take(const char *dir, const char *token, const access_ctx *who,
                        import_kind kind, import_staged *out, arena *a, cairn_err *err, int take) {
    memset(out, 0, sizeof *out);
    if (!token || strlen(token) != IMPORT_STAGING_TOKEN_BYTES * 2 ||
        strspn(token, "0123456789abcdef") != IMPORT_STAGING_TOKEN_BYTES * 2)
        return IMPORT_CLAIM_GONE;
    out->dir = dir;
    out->id = upload_id(token, a);
    const char *owner = arena_printf(a, "%s/%s/owner", dir, out->id);
    out->csv = arena_printf(a, "%s/%s/%s.csv", dir, out->id, import_kind_name(kind));
    FILE *f = fopen(owner, "re");
    if (!f) {
        if (errno == ENOENT) return IMPORT_CLAIM_GONE;
        err_set(err, CAIRN_EIO, "%s: %s", owner, strerror(errno));
        return IMPORT_CLAIM_FAILED;
    }
    long long account = 0, inst = 0;
    char kind_name[40] = "", sha[CRYPTO_SHA256_HEX_LEN] = "";
    struct stat sb;
    int fields = fscanf(f, "account=%lld\ninstitution=%lld\nkind=%39s\nsha256=%64s\n", &account,
                        &inst, kind_name, sha);
    int fresh = fstat(fileno(f), &sb) == 0 && time(NULL) - sb.st_mtime <= IMPORT_STAGING_MAX_AGE;
    fclose(f);
    if (fields != 4) {
        err_set(err, CAIRN_EIO, "%s: not an owner file", owner);
        return IMPORT_CLAIM_FAILED;
    }
    if (account != who->account_id || inst != who->institution_id) return IMPORT_CLAIM_NOT_YOURS;
    if (strcmp(kind_name, import_kind_name(kind)) != 0 || !fresh) return IMPORT_CLAIM_GONE;
    if (take && rename(owner, arena_printf(a, "%s.used", owner)) != 0) return IMPORT_CLAIM_GONE;
    f = fopen(out->csv, "rbe");
    if (!f) return IMPORT_CLAIM_CHANGED;
    buf content = BUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&content, chunk, got);   /* not HTML: the staged file, to hash */
    fclose(f);
    char now_sha[CRYPTO_SHA256_HEX_LEN];
    crypto_sha256_hex(content.data ? content.data : "", content.len, now_sha);
    buf_free(&content);
    return strcmp(now_sha, sha) == 0 ? IMPORT_CLAIM_OK : IMPORT_CLAIM_CHANGED;
}
