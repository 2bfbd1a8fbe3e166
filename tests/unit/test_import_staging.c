/*
** tests/unit/test_import_staging.c — uploaded import files waiting for
** their confirm (web/import_staging.h): save, claim by the owner only,
** once only, a changed file, expiry and the sweep, and a staging directory
** that is not private.  Each test stages under a fresh SQLite file in a
** temp directory, so the staging directory is "<file>-imports" there.
*/
#include "testutil.h"
#include "base/arena.h"
#include "web/import_staging.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define CSV "ref,given_name\nL1,Ada\n"

/* One test's world: a database, its staging directory and an arena. */
typedef struct world {
    store      *st;
    arena      *a;
    const char *dir;
} world;

static void world_open(world *w) {
    cairn_err err = {0};
    w->st = test_store_fresh(STORE_SQLITE, "staging");
    w->a = arena_new(0);
    w->dir = import_staging_dir(w->st, w->a, &err);
    if (!w->dir) fail_msg("import_staging_dir: %s", err.msg);
}

static void world_close(world *w) {
    arena_free(w->a);
    test_store_drop(w->st);
}

/* An account with these ids (the rest of the context unused here). */
static access_ctx who_is(int64_t account_id, int64_t institution_id) {
    access_ctx who;
    memset(&who, 0, sizeof who);
    who.account_id = account_id;
    who.institution_id = institution_id;
    return who;
}

/* 1 if path exists (not following a link). */
static int exists(const char *path) {
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* Set the access and modification times of path seconds_ago into the past. */
static void age(const char *path, long seconds_ago) {
    struct timeval tv[2];
    tv[0].tv_sec = tv[1].tv_sec = time(NULL) - seconds_ago;
    tv[0].tv_usec = tv[1].tv_usec = 0;
    if (utimes(path, tv) != 0) fail_msg("utimes %s", path);
}

/* Stage CSV as learners for who; returns the token in tok. */
static import_staged save(world *w, const access_ctx *who, char *tok) {
    cairn_err err = {0};
    import_staged sg;
    if (import_staging_save(w->dir, who, IMPORT_LEARNERS, CSV, strlen(CSV), tok, &sg, w->a, &err))
        fail_msg("import_staging_save: %s", err.msg);
    return sg;
}

static void test_dir_is_private(void **state) {
    world w;
    world_open(&w);
    struct stat sb;
    assert_int_equal(lstat(w.dir, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(sb.st_mode & 0777, 0700);
    assert_non_null(strstr(w.dir, "staging.db-imports"));
    /* a directory others may enter is refused */
    assert_int_equal(chmod(w.dir, 0755), 0);
    cairn_err err = {0};
    assert_null(import_staging_dir(w.st, w.a, &err));
    assert_int_equal(err.code, CAIRN_EIO);
    assert_non_null(strstr(err.msg, "not a private directory"));
    assert_int_equal(chmod(w.dir, 0700), 0);
    world_close(&w);
}

static void test_save_layout(void **state) {
    world w;
    world_open(&w);
    access_ctx who = who_is(7, 1);
    char tok[IMPORT_STAGING_TOKEN_LEN];
    import_staged sg = save(&w, &who, tok);
    assert_int_equal(strlen(tok), IMPORT_STAGING_TOKEN_BYTES * 2);
    assert_int_equal(strspn(tok, "0123456789abcdef"), IMPORT_STAGING_TOKEN_BYTES * 2);
    /* the upload's directory is named by the token's hash, not the token */
    assert_string_not_equal(sg.id, tok);
    assert_null(strstr(sg.csv, tok));
    struct stat sb;
    assert_int_equal(lstat(sg.csv, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(sb.st_size, (off_t)strlen(CSV));
    const char *owner = arena_printf(w.a, "%s/%s/owner", w.dir, sg.id);
    assert_int_equal(lstat(owner, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    FILE *f = fopen(owner, "r");
    assert_non_null(f);
    char text[300] = "";
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_non_null(strstr(text, "account=7\ninstitution=1\nkind=learners\nsha256="));
    /* without a token there is no owner file: nobody can claim it */
    import_staged anon;
    cairn_err err = {0};
    assert_int_equal(import_staging_save(w.dir, &who, IMPORT_LEARNERS, CSV, strlen(CSV), NULL,
                                         &anon, w.a, &err), 0);
    assert_true(exists(anon.csv));
    assert_false(exists(arena_printf(w.a, "%s/%s/owner", w.dir, anon.id)));
    import_staging_discard(&anon, w.a);
    assert_false(exists(arena_printf(w.a, "%s/%s", w.dir, anon.id)));
    import_staging_discard(&sg, w.a);
    world_close(&w);
}

static void test_claim_owner_once(void **state) {
    world w;
    world_open(&w);
    access_ctx who = who_is(7, 1), other = who_is(8, 1), elsewhere = who_is(7, 2);
    char tok[IMPORT_STAGING_TOKEN_LEN];
    import_staged sg = save(&w, &who, tok), got;
    cairn_err err = {0};
    /* someone else: refused, and the upload is left for its owner */
    assert_int_equal(import_staging_claim(w.dir, tok, &other, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_NOT_YOURS);
    assert_int_equal(import_staging_claim(w.dir, tok, &elsewhere, IMPORT_LEARNERS, &got, w.a,
                                          &err), IMPORT_CLAIM_NOT_YOURS);
    /* another kind, a malformed or an unknown token: nothing to claim */
    assert_int_equal(import_staging_claim(w.dir, tok, &who, IMPORT_STAFF, &got, w.a, &err),
                     IMPORT_CLAIM_GONE);
    assert_int_equal(import_staging_claim(w.dir, NULL, &who, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_GONE);
    assert_int_equal(import_staging_claim(w.dir, "../x", &who, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_GONE);
    char bad[IMPORT_STAGING_TOKEN_LEN];
    memcpy(bad, tok, sizeof bad);
    bad[0] = bad[0] == 'a' ? 'b' : 'a';
    assert_int_equal(import_staging_claim(w.dir, bad, &who, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_GONE);
    /* the owner: once */
    assert_int_equal(import_staging_claim(w.dir, tok, &who, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_OK);
    assert_string_equal(got.id, sg.id);
    assert_string_equal(got.csv, sg.csv);
    assert_true(exists(got.csv));
    assert_int_equal(import_staging_claim(w.dir, tok, &who, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_GONE);
    import_staging_discard(&got, w.a);
    assert_false(exists(arena_printf(w.a, "%s/%s", w.dir, sg.id)));
    assert_int_equal(import_staging_claim(w.dir, tok, &who, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_GONE);
    world_close(&w);
}

static void test_claim_changed(void **state) {
    world w;
    world_open(&w);
    access_ctx who = who_is(7, 1);
    char tok[IMPORT_STAGING_TOKEN_LEN];
    import_staged sg = save(&w, &who, tok), got;
    FILE *f = fopen(sg.csv, "a");
    assert_non_null(f);
    fputs("L2,Grace\n", f);
    fclose(f);
    cairn_err err = {0};
    assert_int_equal(import_staging_claim(w.dir, tok, &who, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_CHANGED);
    assert_string_equal(got.id, sg.id);
    /* a changed upload is used up too */
    assert_int_equal(import_staging_claim(w.dir, tok, &who, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_GONE);
    import_staging_discard(&got, w.a);
    assert_false(exists(arena_printf(w.a, "%s/%s", w.dir, sg.id)));
    world_close(&w);
}

static void test_claim_not_an_owner_file(void **state) {
    world w;
    world_open(&w);
    access_ctx who = who_is(7, 1);
    char tok[IMPORT_STAGING_TOKEN_LEN];
    import_staged sg = save(&w, &who, tok), got;
    const char *owner = arena_printf(w.a, "%s/%s/owner", w.dir, sg.id);
    FILE *f = fopen(owner, "w");
    assert_non_null(f);
    fputs("garbage\n", f);
    fclose(f);
    cairn_err err = {0};
    assert_int_equal(import_staging_claim(w.dir, tok, &who, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_FAILED);
    assert_non_null(strstr(err.msg, "not an owner file"));
    import_staging_discard(&sg, w.a);
    world_close(&w);
}

static void test_expiry_and_sweep(void **state) {
    world w;
    world_open(&w);
    access_ctx who = who_is(7, 1);
    char tok[IMPORT_STAGING_TOKEN_LEN], tok2[IMPORT_STAGING_TOKEN_LEN];
    import_staged sg = save(&w, &who, tok), got;
    const char *sub = arena_printf(w.a, "%s/%s", w.dir, sg.id);
    /* an owner file older than the limit: refused */
    age(arena_printf(w.a, "%s/owner", sub), IMPORT_STAGING_MAX_AGE + 60);
    cairn_err err = {0};
    assert_int_equal(import_staging_claim(w.dir, tok, &who, IMPORT_LEARNERS, &got, w.a, &err),
                     IMPORT_CLAIM_GONE);
    assert_true(exists(sub));
    /* the next save sweeps old uploads away and keeps young ones */
    import_staged young = save(&w, &who, tok2);
    assert_true(exists(sub));
    age(sub, IMPORT_STAGING_MAX_AGE + 60);
    import_staged third = save(&w, &who, tok2);
    assert_false(exists(sub));
    assert_true(exists(young.csv));
    assert_true(exists(third.csv));
    import_staging_discard(&young, w.a);
    import_staging_discard(&third, w.a);
    world_close(&w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dir_is_private),
        cmocka_unit_test(test_save_layout),
        cmocka_unit_test(test_claim_owner_once),
        cmocka_unit_test(test_claim_changed),
        cmocka_unit_test(test_claim_not_an_owner_file),
        cmocka_unit_test(test_expiry_and_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
