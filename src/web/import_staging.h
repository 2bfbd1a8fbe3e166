/*
** web/import_staging.h — where an uploaded import file waits between its
** dry run and the confirm (web/school/import.c).
**
** Layout on disk:
**
**     <staging directory>/              mode 0700, owned by the server's user
**         <id>/                         one per upload, mode 0700
**             <kind>.csv                the uploaded bytes, mode 0600
**             owner                     mode 0600, four lines:
**                                           account=<account id>
**                                           institution=<institution id>
**                                           kind=<kind name>
**                                           sha256=<SHA-256 of the .csv>
**             owner.used                the owner file after the confirm
**
** The staging directory is "<database file>-imports" next to a SQLite
** file, else "$TMPDIR/cairn-imports-<uid>" (/tmp without TMPDIR).  The
** browser gets a random token (IMPORT_STAGING_TOKEN_BYTES random bytes in
** hex); <id> is the token's SHA-256, so listing the directory does not give
** tokens away.
**
** Security properties:
**   - the staging directory is refused unless it is a real directory (not
**     a link) of the server's user that nobody else may enter (no group or
**     other bits); files are created O_EXCL|O_NOFOLLOW, mode 0600, so
**     nothing is written through a planted link or over an existing file;
**   - only the uploading account, in the same institution, can claim an
**     upload; anyone else's claim leaves it as it is;
**   - a claim renames "owner" to "owner.used" before it hands the file out:
**     rename is atomic, so a token works once even when two confirms race;
**   - the file must still hash to what was checked, and uploads older than
**     IMPORT_STAGING_MAX_AGE are refused and, at the next save, swept away.
**
** Every string these functions return is allocated in the arena the caller
** passes (freed with it); nothing here is to be free()d.
*/
#ifndef CAIRN_WEB_IMPORT_STAGING_H
#define CAIRN_WEB_IMPORT_STAGING_H
#include "base/arena.h"
#include "base/err.h"
#include "school/school.h"
#include "store/store.h"
#include "web/access.h"
#include <stddef.h>

#define IMPORT_STAGING_MAX_AGE     3600   /* seconds an upload waits for its confirm */
#define IMPORT_STAGING_TOKEN_BYTES 32     /* random bytes of a token */
#define IMPORT_STAGING_TOKEN_LEN   (IMPORT_STAGING_TOKEN_BYTES * 2 + 1)  /* hex and NUL */

/* One staged upload (strings in the caller's arena). */
typedef struct import_staged {
    const char *dir;   /* the staging directory */
    const char *id;    /* the upload's directory name: the token's SHA-256 */
    const char *csv;   /* path of the staged file, for importer_file() */
} import_staged;

/* What import_staging_claim() came to. */
enum {
    IMPORT_CLAIM_OK = 0,    /* *out filled; the upload can never be claimed again */
    IMPORT_CLAIM_GONE,      /* no such upload, used, expired, or another kind */
    IMPORT_CLAIM_NOT_YOURS, /* another account's: left as it is */
    IMPORT_CLAIM_CHANGED,   /* the file is not what was checked (discard it) */
    IMPORT_CLAIM_FAILED     /* could not tell: err set */
};

/* The staging directory for st's database, created (0700) when missing and
** refused unless it is a private directory of this server's user.  The
** path is in a; NULL with err set (CAIRN_EIO). */
const char *import_staging_dir(const store *st, arena *a, cairn_err *err);

/* Sweep uploads older than IMPORT_STAGING_MAX_AGE out of dir (from
** import_staging_dir), then stage data[0..n) as kind in a new upload
** directory.  With token not NULL (IMPORT_STAGING_TOKEN_LEN bytes), also
** write the owner file binding the upload to who's account and institution
** and put the token into token; with token NULL the upload cannot be
** claimed (for importing at once, then discarding).  *out gets the paths,
** in a.  -1 with err set, nothing left behind. */
int import_staging_save(const char *dir, const access_ctx *who, import_kind kind,
                        const void *data, size_t n, char *token, import_staged *out, arena *a,
                        cairn_err *err);

/* Take the upload of token (as the browser sent it; NULL is fine) staged
** as kind, on behalf of who (its account and institution must be the
** owner's).  Returns an IMPORT_CLAIM_* code; *out gets the paths (in a)
** whenever the token is well formed, so even a CHANGED upload can be
** discarded.  The caller discards the upload when it is done with it. */
int import_staging_claim(const char *dir, const char *token, const access_ctx *who,
                         import_kind kind, import_staged *out, arena *a, cairn_err *err);

/* The same checks as import_staging_claim, but the upload stays claimable
** (for downloading its report while it waits).  Same return codes. */
int import_staging_peek(const char *dir, const char *token, const access_ctx *who,
                        import_kind kind, import_staged *out, arena *a, cairn_err *err);

/* Delete the upload sg and everything in it (nothing to do when it is
** already gone or sg was never filled).  Scratch paths go into a. */
void import_staging_discard(const import_staged *sg, arena *a);

#endif
