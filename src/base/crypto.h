/*
** base/crypto.h — the few cryptographic operations cairn needs (libsodium).
**
** Tokens and secrets come from the system CSPRNG; sensitive text is sealed
** with XSalsa20-Poly1305 (libsodium secretbox) under a 32-byte key, as
** nonce || ciphertext, so a copy of the database alone reveals none of it.
** Names are crypto_* but none collide with libsodium's own symbols.
*/
#ifndef CAIRN_BASE_CRYPTO_H
#define CAIRN_BASE_CRYPTO_H
#include "base/err.h"
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_KEY_BYTES      32   /* key of crypto_text_seal / crypto_text_open */
#define CRYPTO_NONCE_BYTES    24   /* random nonce at the front of a sealed text */
#define CRYPTO_MAC_BYTES      16   /* authentication tag */
#define CRYPTO_SEAL_OVERHEAD  (CRYPTO_NONCE_BYTES + CRYPTO_MAC_BYTES)
#define CRYPTO_SHA256_HEX_LEN 65   /* 64 hex digits plus NUL */

struct buf;

/* Initialise libsodium; safe to call any number of times, from any thread.
** 0 = ready, -1 = the library could not start (no entropy source).  The
** other functions call it themselves and abort if it fails. */
int crypto_init(void);

/* Fill p[0..n) with random bytes. */
void crypto_random_bytes(void *p, size_t n);

/* Write 2*nbytes lowercase hex digits of nbytes random bytes and a NUL into
** out, which must hold 2*nbytes+1 bytes (e.g. 32 bytes -> 65 chars). */
void crypto_random_token(char *out, size_t nbytes);

/* SHA-256 of p[0..n) as 64 lowercase hex digits and a NUL. */
void crypto_sha256_hex(const void *p, size_t n, char out[CRYPTO_SHA256_HEX_LEN]);

/* Encrypt and authenticate plain[0..n) under key, appending
** nonce || ciphertext (n + CRYPTO_SEAL_OVERHEAD bytes) to out, which the
** caller owns.  0, or -1 only when n is beyond what libsodium accepts. */
int crypto_text_seal(const unsigned char key[CRYPTO_KEY_BYTES], const void *plain, size_t n,
                     struct buf *out);

/* Check and decrypt sealed[0..n) made by crypto_text_seal under key,
** appending the plain text to out (caller owns; out stays NUL-terminated).
** -1 with err set (CAIRN_EINVAL) when it is too short, was changed, or the
** key is wrong; out is then unchanged. */
int crypto_text_open(const unsigned char key[CRYPTO_KEY_BYTES], const void *sealed, size_t n,
                     struct buf *out, cairn_err *err);

/* Derive the 32-byte subkey number subkey_id of master for the 8-byte
** context ctx (libsodium crypto_kdf: BLAKE2b), into out (caller's). */
void crypto_key_derive(const unsigned char master[CRYPTO_KEY_BYTES], uint64_t subkey_id,
                       const char ctx[8], unsigned char out[CRYPTO_KEY_BYTES]);

/* Append p[0..n) as URL-safe base64 without padding to out (caller owns). */
void crypto_base64_append(const void *p, size_t n, struct buf *out);

/* Decode URL-safe unpadded base64 text[0..n), appending the bytes to out
** (caller owns).  -1 when text is not such base64 (out unchanged). */
int crypto_base64_decode(const char *text, size_t n, struct buf *out);

/* Erase p[0..n) so the compiler cannot skip it (keys on the stack). */
void crypto_wipe(void *p, size_t n);

/* 1 if a[0..n) equals b[0..n), in time that does not depend on where they
** differ (for comparing tokens and MACs); 0 otherwise. */
int crypto_constant_time_eq(const void *a, const void *b, size_t n);

#endif
