/*
** base/crypto.c — thin wrappers over libsodium.
*/
#include "base/crypto.h"
#include "base/buf.h"
#include "base/err.h"
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(CRYPTO_KEY_BYTES == crypto_secretbox_KEYBYTES, "secretbox key size");
_Static_assert(CRYPTO_NONCE_BYTES == crypto_secretbox_NONCEBYTES, "secretbox nonce size");
_Static_assert(CRYPTO_MAC_BYTES == crypto_secretbox_MACBYTES, "secretbox MAC size");

/* sodium_init() is itself thread-safe and idempotent (0 first time, 1
** after); this returns 0 in both cases and -1 when it fails. */
int crypto_init(void) {
    return sodium_init() < 0 ? -1 : 0;
}

/* Initialise libsodium or stop: without a working CSPRNG nothing that
** depends on secrets may go on. */
static void crypto_ready(void) {
    static _Atomic int ready;
    if (ready) return;
    if (crypto_init() < 0) {
        fprintf(stderr, "cairn: libsodium could not be initialised\n");
        abort();
    }
    ready = 1;
}

/* Fill p[0..n) from the CSPRNG. */
void crypto_random_bytes(void *p, size_t n) {
    crypto_ready();
    randombytes_buf(p, n);
}

/* Hex of nbytes random bytes into out (2*nbytes+1 bytes, caller's). */
void crypto_random_token(char *out, size_t nbytes) {
    unsigned char chunk[32];
    crypto_ready();
    out[0] = 0;
    while (nbytes) {
        size_t k = nbytes < sizeof chunk ? nbytes : sizeof chunk;
        randombytes_buf(chunk, k);
        sodium_bin2hex(out, 2 * k + 1, chunk, k);
        out += 2 * k;
        nbytes -= k;
    }
    sodium_memzero(chunk, sizeof chunk);
}

/* SHA-256 of p[0..n) as lowercase hex into out (caller's 65 bytes). */
void crypto_sha256_hex(const void *p, size_t n, char out[CRYPTO_SHA256_HEX_LEN]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_ready();
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(out, CRYPTO_SHA256_HEX_LEN, h, sizeof h);
}

/* Append nonce || secretbox(plain) to out (caller's buffer). */
int crypto_text_seal(const unsigned char key[CRYPTO_KEY_BYTES], const void *plain, size_t n,
                     struct buf *out) {
    crypto_ready();
    if (n > crypto_secretbox_MESSAGEBYTES_MAX - CRYPTO_SEAL_OVERHEAD) return -1;
    buf_reserve(out, n + CRYPTO_SEAL_OVERHEAD);
    unsigned char *dst = (unsigned char *)out->data + out->len;
    randombytes_buf(dst, CRYPTO_NONCE_BYTES);
    if (crypto_secretbox_easy(dst + CRYPTO_NONCE_BYTES, plain, n, dst, key) != 0) return -1;
    out->len += n + CRYPTO_SEAL_OVERHEAD;
    out->data[out->len] = 0;
    return 0;
}

/* Verify and decrypt sealed[0..n), appending the plain text to out. */
int crypto_text_open(const unsigned char key[CRYPTO_KEY_BYTES], const void *sealed, size_t n,
                     struct buf *out, cairn_err *err) {
    crypto_ready();
    if (n < CRYPTO_SEAL_OVERHEAD)
        return err_set(err, CAIRN_EINVAL, "sealed text is too short (%zu bytes, at least %d)",
                       n, CRYPTO_SEAL_OVERHEAD);
    const unsigned char *in = sealed;
    size_t plain_len = n - CRYPTO_SEAL_OVERHEAD;
    buf_reserve(out, plain_len);
    unsigned char *dst = (unsigned char *)out->data + out->len;
    if (crypto_secretbox_open_easy(dst, in + CRYPTO_NONCE_BYTES, n - CRYPTO_NONCE_BYTES, in,
                                   key) != 0) {
        out->data[out->len] = 0;
        return err_set(err, CAIRN_EINVAL,
                       "sealed text cannot be opened: wrong key, or it was changed");
    }
    out->len += plain_len;
    out->data[out->len] = 0;
    return 0;
}

/* 1 if equal, compared in constant time. */
int crypto_constant_time_eq(const void *a, const void *b, size_t n) {
    return sodium_memcmp(a, b, n) == 0;
}

/* Subkey subkey_id of master under ctx (crypto_kdf_derive_from_key). */
void crypto_key_derive(const unsigned char master[CRYPTO_KEY_BYTES], uint64_t subkey_id,
                       const char ctx[8], unsigned char out[CRYPTO_KEY_BYTES]) {
    _Static_assert(CRYPTO_KEY_BYTES == crypto_kdf_KEYBYTES, "kdf key size");
    crypto_ready();
    crypto_kdf_derive_from_key(out, CRYPTO_KEY_BYTES, subkey_id, ctx, master);
}

/* URL-safe unpadded base64 of p[0..n), appended to out. */
void crypto_base64_append(const void *p, size_t n, struct buf *out) {
    const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    size_t len = sodium_base64_encoded_len(n, variant);   /* counts the NUL */
    crypto_ready();
    buf_reserve(out, len);
    sodium_bin2base64(out->data + out->len, len, p, n, variant);
    out->len += len - 1;
}

/* Decode URL-safe unpadded base64; -1 on anything else. */
int crypto_base64_decode(const char *text, size_t n, struct buf *out) {
    /* URL-safe alphabet, value + 1 (0 = not base64).  A table, not
    ** sodium_base642bin: what is decoded here is ciphertext, which needs no
    ** constant time, and sodium's decoder was 7% of the case page. */
    static const unsigned char value[256] = {
        ['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
        ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15,
        ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
        ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29,
        ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
        ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
        ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
        ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
        ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['-'] = 63, ['_'] = 64,
    };
    buf_reserve(out, n);   /* decoded is never longer than the text */
    unsigned char *o = (unsigned char *)out->data + out->len;
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = value[(unsigned char)text[i]];
        if (!v) {
            out->data[out->len] = 0;
            return -1;
        }
        acc = (acc << 6) | (v - 1);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[got++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (bits > 4 || acc != 0) {   /* a dangling character, or bits that are not zero */
        out->data[out->len] = 0;
        return -1;
    }
    out->len += got;
    out->data[out->len] = 0;
    return 0;
}

/* sodium_memzero: not optimised away. */
void crypto_wipe(void *p, size_t n) {
    sodium_memzero(p, n);
}
