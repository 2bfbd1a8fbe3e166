/*
** tests/unit/test_sealed.c — sealed text (support/sealed.h) on SQLite and
** PostgreSQL: the round trip, a wrong key, changed text, another
** institution, the keyring's place and mode, a new key beside the old one,
** and many threads at once.
*/
#include "testutil.h"
#include "base/buf.h"
#include "support/sealed.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const secret = "Sie erzählte vom Streit zu Hause — ask before sharing.";

/* The keyring path of st (caller frees). */
static char *ring_path(store *st) {
    buf b = BUF_INIT;
    cairn_err err = {0};
    if (support_key_path(st, &b, &err)) fail_msg("key path: %s", err.msg);
    return buf_detach(&b);
}

/* Seal text for inst; the stored form (caller frees). */
static char *seal(store *st, int64_t inst, const char *text) {
    buf b = BUF_INIT;
    cairn_err err = {0};
    if (support_text_seal(st, inst, text, &b, &err)) fail_msg("seal: %s", err.msg);
    return buf_detach(&b);
}

/* Replace the keyring at path with one holding key id with other bytes. */
static void ring_replace(const char *path, const char *id) {
    assert_int_equal(unlink(path), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "current %s %064d\n", id, 7);
    fclose(f);
    chmod(path, 0600);
}

/* Sealed text opens to what was sealed, differs each time, shows nothing of
** the plain text, and makes a keyring only its owner may read. */
static void test_round_trip(void **state) {
    store *st = test_store_fresh(KIND(state), "sealed_rt");
    cairn_err err = {0};
    char *a = seal(st, 1, secret), *b = seal(st, 1, secret), *e = seal(st, 1, "");
    assert_true(support_text_is_sealed(a));
    assert_false(support_text_is_sealed(secret));
    assert_string_not_equal(a, b);
    assert_null(strstr(a, "Streit"));
    buf out = BUF_INIT;
    assert_int_equal(support_text_open(st, 1, a, &out, &err), 0);
    assert_string_equal(out.data, secret);
    buf_reset(&out);
    assert_int_equal(support_text_open(st, 1, e, &out, &err), 0);
    assert_string_equal(buf_cstr(&out), "");
    char *path = ring_path(st);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    if (KIND(state) == STORE_SQLITE) assert_non_null(strstr(path, "sealed_rt.db.key"));
    buf_free(&out);
    free(a), free(b), free(e), free(path);
    test_store_drop(st);
}

/* Another institution, changed text, a keyring with another key under the
** same id, and a new keyring: each refuses to open, leaving out alone. */
static void test_refusals(void **state) {
    store *st = test_store_fresh(KIND(state), "sealed_no");
    cairn_err err = {0};
    char *a = seal(st, 1, secret);
    buf out = BUF_INIT;
    buf_puts(&out, "kept");
    assert_int_equal(support_text_open(st, 2, a, &out, &err), -1);
    assert_string_equal(out.data, "kept");
    char *t = strdup(a);
    size_t n = strlen(t);
    t[n - 5] = t[n - 5] == 'A' ? 'B' : 'A';
    assert_int_equal(support_text_open(st, 1, t, &out, &err), -1);
    assert_int_equal(support_text_open(st, 1, secret, &out, &err), -1);
    assert_non_null(strstr(err.msg, "not sealed"));
    t[n - 30] = 0;
    assert_int_equal(support_text_open(st, 1, t, &out, &err), -1);
    /* Same id, other key bytes. */
    char *path = ring_path(st), id[SUPPORT_KEY_ID_LEN + 1];
    assert_int_equal(support_text_key_id(a, id), 0);
    ring_replace(path, id);
    assert_int_equal(support_text_open(st, 1, a, &out, &err), -1);
    assert_non_null(strstr(err.msg, "wrong key"));
    /* A keyring others may read is refused. */
    chmod(path, 0644);
    assert_int_equal(support_text_open(st, 1, a, &out, &err), -1);
    assert_non_null(strstr(err.msg, "chmod 600"));
    /* A new keyring: the old id is not in it. */
    assert_int_equal(unlink(path), 0);
    free(seal(st, 1, "new"));
    assert_int_equal(support_text_open(st, 1, a, &out, &err), -1);
    assert_non_null(strstr(err.msg, "not in the keyring"));
    assert_string_equal(out.data, "kept");
    buf_free(&out);
    free(a), free(t), free(path);
    test_store_drop(st);
}

/* In a key scope (one a web request) the keyring file is looked at once:
** a keyring replaced in the middle (same id, other bytes) is seen by the
** next scope, as outside one at once; a key id the ring read does not have
** makes it look again within the scope; sealing always looks. */
static void test_key_scope(void **state) {
    store *st = test_store_fresh(KIND(state), "sealed_scope");
    cairn_err err = {0};
    char *a = seal(st, 1, "kept"), *path = ring_path(st), id[SUPPORT_KEY_ID_LEN + 1];
    assert_int_equal(support_text_key_id(a, id), 0);
    buf out = BUF_INIT;
    support_key_scope_begin();
    assert_int_equal(support_text_open(st, 1, a, &out, &err), 0);   /* looks, once */
    ring_replace(path, id);
    buf_reset(&out);
    assert_int_equal(support_text_open(st, 1, a, &out, &err), 0);   /* the ring it read */
    assert_string_equal(out.data, "kept");
    support_key_scope_begin();                                      /* nested: the same */
    assert_int_equal(support_text_open(st, 1, a, &out, &err), 0);
    support_key_scope_end();
    support_key_scope_end();
    assert_int_equal(support_text_open(st, 1, a, &out, &err), -1);  /* the next looks */
    assert_non_null(strstr(err.msg, "wrong key"));
    /* a text under a key the scope's ring does not have: looks again */
    support_key_scope_begin();
    assert_int_equal(support_text_open(st, 1, a, &out, &err), -1);
    assert_int_equal(unlink(path), 0);
    char *b = seal(st, 1, "fresh");                                  /* a new keyring */
    buf_reset(&out);
    assert_int_equal(support_text_open(st, 1, b, &out, &err), 0);
    assert_string_equal(out.data, "fresh");
    support_key_scope_end();
    buf_free(&out);
    free(a), free(b), free(path);
    test_store_drop(st);
}

/* PostgreSQL without CAIRN_KEY_FILE says so; with it, works. */
static void test_pg_needs_key_file(void **state) {
    store *st = test_store_fresh(STORE_POSTGRES, "sealed_env");
    cairn_err err = {0};
    char *keep = strdup(getenv(SUPPORT_KEY_ENV));
    unsetenv(SUPPORT_KEY_ENV);
    buf out = BUF_INIT;
    assert_int_equal(support_text_seal(st, 1, secret, &out, &err), -1);
    assert_non_null(strstr(err.msg, SUPPORT_KEY_ENV));
    assert_int_equal(out.len, 0);
    setenv(SUPPORT_KEY_ENV, keep, 1);
    assert_int_equal(support_text_seal(st, 1, secret, &out, &err), 0);
    buf_free(&out);
    free(keep);
    test_store_drop(st);
}

/* A new key becomes current; text under the old one still opens until the
** old one is retired, then it does not. */
static void test_new_key(void **state) {
    store *st = test_store_fresh(KIND(state), "sealed_key");
    cairn_err err = {0};
    char *a = seal(st, 3, secret), old[SUPPORT_KEY_ID_LEN + 1], cur[SUPPORT_KEY_ID_LEN + 1];
    assert_int_equal(support_key_current(st, old, &err), 0);
    assert_int_equal(support_key_add(st, cur, &err), 0);
    assert_string_not_equal(old, cur);
    char *b = seal(st, 3, secret), id[SUPPORT_KEY_ID_LEN + 1];
    assert_int_equal(support_text_key_id(b, id), 0);
    assert_string_equal(id, cur);
    buf out = BUF_INIT, list = BUF_INIT;
    assert_int_equal(support_key_list(st, &list, &err), 0);
    char want[40];
    snprintf(want, sizeof want, "%s %s", cur, old);
    assert_string_equal(list.data, want);
    assert_int_equal(support_text_open(st, 3, a, &out, &err), 0);
    int retired = 0;
    assert_int_equal(support_key_retire_old(st, &retired, &err), 0);
    assert_int_equal(retired, 1);
    assert_int_equal(support_text_open(st, 3, a, &out, &err), -1);
    buf_reset(&out);
    assert_int_equal(support_text_open(st, 3, b, &out, &err), 0);
    assert_string_equal(out.data, secret);
    buf_free(&out), buf_free(&list);
    free(a), free(b);
    test_store_drop(st);
}

typedef struct worker {
    store *st;
    int ok;
} worker;

/* Seal and open 200 texts on a shared store's keyring (the keyring cache
** is shared; the store is only read for its kind and URL). */
static void *worker_run(void *arg) {
    worker *w = arg;
    w->ok = 1;
    for (int i = 0; i < 200; i++) {
        char text[32];
        snprintf(text, sizeof text, "note %d", i);
        buf s = BUF_INIT, o = BUF_INIT;
        cairn_err err = {0};
        if (support_text_seal(w->st, 1 + i % 3, text, &s, &err) ||
            support_text_open(w->st, 1 + i % 3, s.data, &o, &err) || strcmp(o.data, text))
            w->ok = 0;
        buf_free(&s), buf_free(&o);
    }
    return NULL;
}

/* Four threads sealing at once, while the keyring is first made. */
static void test_threads(void **state) {
    store *st = test_store_fresh(KIND(state), "sealed_thr");
    worker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i].st = st;
        pthread_create(&t[i], NULL, worker_run, &w[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_true(w[i].ok);
    }
    test_store_drop(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        BOTH(test_round_trip),
        BOTH(test_refusals),
        BOTH(test_key_scope),
        cmocka_unit_test(test_pg_needs_key_file),
        BOTH(test_new_key),
        BOTH(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
