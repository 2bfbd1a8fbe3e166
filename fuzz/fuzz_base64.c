/*
** fuzz/fuzz_base64.c — libFuzzer target for crypto_base64_decode (base/crypto.h),
** the decoder of sealed text's ciphertext, checked against libsodium's own
** decoder (sodium_base642bin, URL-safe, no padding), which it replaced for
** speed.
**
** For every input (any bytes) it checks:
**  1. both decoders accept or refuse it alike, except that an input with a
**     byte outside ASCII is always refused here (libsodium 1.0.18's
**     constant-time decoder maps some such bytes into its alphabet, and
**     accepts, for example, A9 B8 A9 8C: a leniency not kept);
**  2. when accepted, both give the same bytes, and encoding them again
**     (crypto_base64_append) gives the input back;
**  3. a refused input leaves the output buffer as it was.
*/
#include "base/buf.h"
#include "base/crypto.h"
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop with a message: libFuzzer reports it as a crash with the input. */
static void die(const char *what) {
    fprintf(stderr, "fuzz_base64: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (sodium_init() < 0) die("sodium_init");
    const char *text = (const char *)data;
    buf out = BUF_INIT;
    buf_puts(&out, "kept");
    int mine = crypto_base64_decode(text, size, &out);
    unsigned char *ref = malloc(size + 1);
    size_t got = 0;
    const char *end = NULL;
    int theirs = sodium_base642bin(ref, size + 1, text, size, NULL, &got, &end,
                                   sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
                 end == text + size ? 0 : -1;
    int ascii = 1;
    for (size_t i = 0; i < size; i++) ascii &= data[i] < 0x80;
    if (!ascii && mine == 0) die("accepts a byte outside ASCII");
    if (ascii && mine != theirs) die("accepts what libsodium refuses, or the other way round");
    if (mine < 0) {
        if (out.len != 4 || memcmp(out.data, "kept", 4) != 0) die("a refusal changed the output");
    } else if (ascii) {
        if (out.len != 4 + got || memcmp(out.data + 4, ref, got) != 0)
            die("decodes to other bytes than libsodium");
        buf again = BUF_INIT;
        crypto_base64_append(ref, got, &again);
        if (again.len != size || memcmp(again.data, text, size) != 0)
            die("encoding the bytes again does not give the input back");
        buf_free(&again);
    }
    free(ref);
    buf_free(&out);
    return 0;
}
