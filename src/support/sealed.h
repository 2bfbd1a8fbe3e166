/*
** support/sealed.h — sensitive free text sealed at rest.
**
** Case notes, assessment comments, goals' free text, health plans, consent
** notes and acknowledgement comments are stored only as sealed text:
**
**     s1:<key id>:<base64url( nonce || XSalsa20-Poly1305 ciphertext )>
**
** under a 32-byte key derived from the keyring's current master key and the
** institution id (crypto_key_derive), so text of one institution does not
** open under another's id.  The key id (8 hex digits, random) names the
** master key, so `cairn key rotate` (support/sealed_rotate.c) can tell text
** under the old key from text under the new one.
**
** The keyring is a file outside the database (docs/deploy.md, "The key"):
**   SQLite      <database file>.key, beside the database, made 0600 by
**               `cairn init` or by the first seal;
**   PostgreSQL  the path in the environment variable CAIRN_KEY_FILE (made
**               the same way when missing; an error when the variable is
**               unset).
** Use: store the TEXT support_text_seal gives (a TEXT column), read it back
** with support_text_open, and add the column to support_sealed_columns[]
** (support/sealed_columns.h) so `cairn key rotate` re-encrypts it.
**
** Each process reads it once and again only when the file changes (a
** rotation by another process), under a mutex: any thread may call these.
*/
#ifndef CAIRN_SUPPORT_SEALED_H
#define CAIRN_SUPPORT_SEALED_H
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include <stdint.h>

#define SUPPORT_KEY_ID_LEN 8            /* hex digits of a key id */
#define SUPPORT_KEY_ENV "CAIRN_KEY_FILE" /* the keyring's path for PostgreSQL */

/* Seal plain (a NUL-terminated text) for institution_id under the current
** key, appending the text to store to out (caller owns; normally empty).
** Makes the keyring if there is none.  -1 with err set when there is no
** place for the keyring or it cannot be read or written (out unchanged). */
int support_text_seal(store *st, int64_t institution_id, const char *plain, buf *out,
                      cairn_err *err);

/* Open stored (made by support_text_seal for institution_id), appending
** the plain text to out (caller owns).  -1 with err set when stored is not
** sealed text, its key is not in the keyring, it was changed, or it belongs
** to another institution (out unchanged). */
int support_text_open(store *st, int64_t institution_id, const char *stored, buf *out,
                      cairn_err *err);

/* 1 if stored has the form of sealed text ("s1:<key id>:..."), 0 if not
** (plain text written before it was sealed). */
int support_text_is_sealed(const char *stored);

/* The key id stored was sealed under, copied into id (NUL-terminated); 0,
** or -1 when stored is not sealed text. */
int support_text_key_id(const char *stored, char id[SUPPORT_KEY_ID_LEN + 1]);

/* A key scope on this thread (the web router opens one per request):
** within it, opening sealed text looks at the keyring file once (the first
** open; again only for a key id the ring it read does not have), not once
** per text: a page opens dozens, and the stat of each was 7% of the case
** page.  A keyring changed on disk is seen by the next scope, as at every
** open outside one.  Sealing always looks.  Scopes nest; end each begun. */
void support_key_scope_begin(void);
void support_key_scope_end(void);

/* The keyring's path for st, appended to out (caller owns).  -1 with err
** set when there is none (PostgreSQL without CAIRN_KEY_FILE, an in-memory
** SQLite database). */
int support_key_path(store *st, buf *out, cairn_err *err);

/* Make the keyring if it does not exist yet (`cairn init`); *created (may
** be NULL) gets 1 when it was made now. */
int support_key_ensure(store *st, int *created, cairn_err *err);

/* The current key's id into id.  Makes the keyring if there is none. */
int support_key_current(store *st, char id[SUPPORT_KEY_ID_LEN + 1], cairn_err *err);

/* Add a new key and make it current; the former keys stay readable until
** support_key_retire_old().  The new id goes into id. */
int support_key_add(store *st, char id[SUPPORT_KEY_ID_LEN + 1], cairn_err *err);

/* Remove every key but the current one from the keyring; *retired (may be
** NULL) gets how many went.  Text still sealed under them cannot be opened
** afterwards: call it only when none is left (support_key_rotate). */
int support_key_retire_old(store *st, int *retired, cairn_err *err);

/* Seal text inside the write transaction that stores it: a seal in a
** transaction holds a shared lock on "<keyring>.seal-lock" until the
** transaction ends, and `cairn key rotate` takes it exclusively for its
** last count before it retires the old key, so no row sealed under the old
** key can be committed after that count.  support_key_seal_lock takes it
** exclusively: a descriptor for support_key_seal_unlock, or -1 with err. */
int  support_key_seal_lock(store *st, cairn_err *err);
void support_key_seal_unlock(int fd);

/* The ids of the keys in the keyring: the current one first, then the
** others, as "id id ..." appended to out. */
int support_key_list(store *st, buf *out, cairn_err *err);

#endif
