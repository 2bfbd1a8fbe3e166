/*
** tests/unit/testutil.c — shared helpers for the cmocka test programs.
*/
#include "testutil.h"
#include "base/buf.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "risk/risk.h"
#include "school/school.h"
#include "support/case.h"
#include "support/plan.h"
#include "support/support.h"
#include "web/access.h"
#include "web/auth.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What test_store_fresh() made, so test_store_drop() can undo it. */
typedef struct fresh {
    store        *st;
    store_kind    kind;
    char         *url;      /* what store_open got: a file path or a postgres URL */
    char         *dbname;   /* PostgreSQL database name */
    char         *dir;      /* SQLite temp directory */
    struct fresh *next;
} fresh;

static fresh *fresh_list;
static unsigned fresh_counter;

/* 1 if PostgreSQL tests should run; fails the test when it is not said
** either way. */
int test_pg_enabled(void) {
    const char *pg = getenv("CAIRN_TEST_PG");
    if (pg && *pg) return 1;
    const char *no = getenv("CAIRN_TEST_NO_PG");
    if (no && !strcmp(no, "1")) return 0;
    fail_msg("CAIRN_TEST_PG is not set: start a server with "
             "`export CAIRN_TEST_PG=$(scripts/pg-test.sh start)`, "
             "or set CAIRN_TEST_NO_PG=1 to run the SQLite half only");
    return 0;
}

/* A database name from name: t_<name>_<pid>_<n>, lower-case [a-z0-9_],
** at most 63 bytes.  Caller frees. */
static char *pg_dbname(const char *name) {
    char clean[32];
    size_t o = 0;
    for (const char *p = name ? name : "db"; *p && o < sizeof clean - 1; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        clean[o++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : '_';
    }
    clean[o] = 0;
    buf b = BUF_INIT;
    buf_printf(&b, "t_%s_%ld_%u", clean, (long)getpid(), ++fresh_counter);
    return buf_detach(&b);
}

/* The admin URL with its database name replaced by db.  Handles
** "postgresql://user@host:port/olddb?params", a missing path
** ("postgresql://user@?host=..."), and an empty host ("postgresql://u@/db").
** Caller frees. */
static char *pg_url_with_db(const char *admin, const char *db) {
    const char *p = strstr(admin, "://");
    buf b = BUF_INIT;
    if (!p) return NULL;
    p += 3;
    size_t auth = strcspn(p, "/?#");
    buf_append(&b, admin, (size_t)(p - admin) + auth);
    p += auth;
    buf_printf(&b, "/%s", db);
    if (*p == '/') p += 1 + strcspn(p + 1, "?#");
    buf_puts(&b, p);
    return buf_detach(&b);
}

/* Open the admin connection named by CAIRN_TEST_PG; fails the test on error. */
static store *pg_admin(void) {
    cairn_err err = {0};
    store *adm = NULL;
    const char *url = getenv("CAIRN_TEST_PG");
    if (!url || !*url) fail_msg("CAIRN_TEST_PG is not set");
    if (store_open(url, &adm, &err)) fail_msg("PostgreSQL admin connection: %s", err.msg);
    return adm;
}

/* A fresh empty database; see testutil.h.  Close with test_store_drop(). */
store *test_store_fresh(store_kind kind, const char *name) {
    cairn_err err = {0};
    fresh *f = xcalloc(1, sizeof *f);
    f->kind = kind;
    if (kind == STORE_POSTGRES) {
        if (!test_pg_enabled()) {
            free(f);
            skip();
        }
        f->dbname = pg_dbname(name);
        f->url = pg_url_with_db(getenv("CAIRN_TEST_PG"), f->dbname);
        if (!f->url) fail_msg("CAIRN_TEST_PG is not a postgresql:// URL: %s", getenv("CAIRN_TEST_PG"));
        store *adm = pg_admin();
        char sql[160];
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->dbname);
        if (store_exec(adm, sql, &err)) {
            store_close(adm);
            fail_msg("%s: %s", sql, err.msg);
        }
        store_close(adm);
        /* The keyring of sealed text (support/sealed.h): a file of this
        ** database's own, named by the environment for PostgreSQL. */
        f->dir = test_tmpdir();
        buf k = BUF_INIT;
        buf_printf(&k, "%s/%s.key", f->dir, f->dbname);
        setenv("CAIRN_KEY_FILE", k.data, 1);
        buf_free(&k);
    } else {
        f->dir = test_tmpdir();
        buf b = BUF_INIT;
        buf_printf(&b, "%s/%s.db", f->dir, name && *name ? name : "test");
        f->url = buf_detach(&b);
    }
    if (store_open(f->url, &f->st, &err)) fail_msg("opening fresh database %s: %s", f->url, err.msg);
    f->next = fresh_list;
    fresh_list = f;
    return f->st;
}

/* Find (and with unlink set, remove from the list) what made st. */
static fresh *fresh_find(store *st, int unlink_it) {
    for (fresh **pp = &fresh_list; *pp; pp = &(*pp)->next) {
        if ((*pp)->st == st) {
            fresh *f = *pp;
            if (unlink_it) *pp = f->next;
            return f;
        }
    }
    return NULL;
}

/* The URL test_store_fresh() opened st with; owned by the helper until
** test_store_drop(st). */
const char *test_store_url(store *st) {
    fresh *f = fresh_find(st, 0);
    if (!f) fail_msg("test_store_url: store was not made by test_store_fresh");
    return f->url;
}

/* Close st and delete its file / drop its database.  NULL is fine. */
void test_store_drop(store *st) {
    if (!st) return;
    fresh *f = fresh_find(st, 1);
    store_close(st);
    if (!f) return;
    if (f->kind == STORE_POSTGRES) {
        cairn_err err = {0};
        store *adm = pg_admin();
        char sql[200];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
        int rc = store_exec(adm, sql, &err);
        store_close(adm);
        if (rc) fail_msg("%s: %s", sql, err.msg);
    }
    if (f->dir) test_rm_rf(f->dir);   /* the file, its -wal and -shm; the keyring */
    free(f->url);
    free(f->dbname);
    free(f->dir);
    free(f);
}

/* A new empty directory under $TMPDIR (or /tmp); caller frees the string
** and removes the directory with test_rm_rf(). */
char *test_tmpdir(void) {
    const char *base = getenv("TMPDIR");
    buf b = BUF_INIT;
    buf_printf(&b, "%s/cairn-test-XXXXXX", base && *base ? base : "/tmp");
    char *path = buf_detach(&b);
    if (!mkdtemp(path)) fail_msg("mkdtemp %s: %s", path, strerror(errno));
    return path;
}

/* Remove path and everything under it (symlinks are removed, not followed);
** a missing path is fine. */
void test_rm_rf(const char *path) {
    struct stat sb;
    if (!path || lstat(path, &sb) != 0) return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
                buf b = BUF_INIT;
                buf_printf(&b, "%s/%s", path, e->d_name);
                test_rm_rf(buf_cstr(&b));
                buf_free(&b);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Write data[0..n) to dir/name; returns the full path (caller frees). */
char *test_write_file(const char *dir, const char *name, const char *data, size_t n) {
    buf b = BUF_INIT;
    buf_printf(&b, "%s/%s", dir, name);
    char *path = buf_detach(&b);
    FILE *fp = fopen(path, "wb");
    if (!fp) fail_msg("cannot create %s: %s", path, strerror(errno));
    if (n && fwrite(data, 1, n, fp) != n) fail_msg("cannot write %s: %s", path, strerror(errno));
    if (fclose(fp) != 0) fail_msg("cannot write %s: %s", path, strerror(errno));
    return path;
}

/* Path of tests/fixtures/rel, relative to the repository root where the
** tests run; caller frees. */
char *test_fixture(const char *rel) {
    buf b = BUF_INIT;
    buf_printf(&b, "tests/fixtures/%s", rel);
    return buf_detach(&b);
}

/* A fresh database with every room's tables and a hand-built school. */
store *test_school_db(store_kind kind, const char *name, const char *sql) {
    cairn_err err = {0};
    store *st = test_store_fresh(kind, name);
    if (cli_migrate(st, NULL, &err))   /* every room's, as `cairn init` */
        fail_msg("migrate: %s", err.msg);
    if (sql && store_exec(st, sql, &err)) fail_msg("school: %s", err.msg);
    return st;
}

/* Add an account for a test; its id. */
int64_t test_account_add(store *st, const char *user, const char *inst, const char *staff,
                         unsigned roles) {
    cairn_err err = {0};
    int64_t id = 0;
    auth_account_spec spec = {user, NULL, "correct horse battery", inst, staff, roles};
    if (auth_account_add(st, &spec, &id, &err)) fail_msg("add %s: %s", user, err.msg);
    return id;
}

/* The school of the case room's tests (see testutil.h). */
const char *const test_case_school_sql =
    "INSERT INTO institution (id, code, name, created_at) VALUES"
    " (1, 'ONE', 'School one', '2025-01-01T00:00:00Z');"
    "INSERT INTO term (institution_id, id, code, name, school_year, start_date, end_date) VALUES"
    " (1, 1, 'T1', 'Spring', '2024/25', '2025-01-06', '2025-03-28'),"
    " (1, 2, 'T2', 'Summer', '2024/25', '2025-04-14', '2025-07-04');"
    "INSERT INTO programme (institution_id, id, code, name) VALUES (1, 1, 'P1', 'Carpentry');"
    "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
    " (1, 1, 'G1', 'Group one', 1), (1, 2, 'G2', 'Group two', 1);"
    "INSERT INTO staff (institution_id, id, ref, given_name, family_name, job_title) VALUES"
    " (1, 1, 'T1', 'Tia', 'Teach', 'teacher'), (1, 3, 'K1', 'Kim', 'Keyone', 'counsellor'),"
    " (1, 4, 'P1', 'Pat', 'Psyone', 'psychologist'), (1, 5, 'P2', 'Per', 'Psytwo', 'psychologist'),"
    " (1, 6, 'H1', 'Hana', 'Head', 'head'), (1, 7, 'X1', 'Xan', 'Noacc', 'mentor'),"
    " (1, 8, 'K2', 'Kai', 'Keytwo', 'coach');"
    "INSERT INTO group_staff (institution_id, group_id, staff_id, role) VALUES"
    " (1, 1, 1, 'class_teacher');"
    "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
    " (1, 1, 'L1', 'Ada', 'One'), (1, 2, 'L2', 'Ben', 'Two'), (1, 3, 'L3', 'Cy', 'Three');"
    "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date,"
    " status) VALUES (1, 1, 1, 1, 1, '2024-09-01', 'active'),"
    " (1, 2, 2, 1, 2, '2024-09-01', 'active'), (1, 3, 3, 1, 2, '2024-09-01', 'active');"
    "INSERT INTO support_assignment (institution_id, learner_id, staff_id, assigned_at) VALUES"
    " (1, 1, 3, '2025-01-01T00:00:00Z'), (1, 2, 3, '2025-01-01T00:00:00Z');"
    "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by, thresholds)"
    " VALUES (1, 1, '2025-01-01T00:00:00Z', 'test', '{}');"
    "INSERT INTO risk_score (institution_id, learner_id, enrolment_id, asof, rule_set_version,"
    " tier, flags, reasons, features, input_hash, computed_at) VALUES"
    " (1, 1, 1, '2025-02-14', 1, 1, '[\"behaviour_serious\"]', '{}', '{}', 'x', 'now'),"
    " (1, 1, 1, '2025-03-14', 1, 2, '[\"attendance_low\"]', '{}', '{}', 'x', 'now'),"
    " (1, 2, 2, '2025-03-14', 1, 1, '[\"missing_work\"]', '{}', '{}', 'x', 'now');";

/* The case room's test school with its accounts (see testutil.h). */
test_case_school test_case_school_open(void **state, const char *name) {
    test_case_school s;
    s.st = test_school_db(KIND(state), name, test_case_school_sql);
    s.kw = test_account_add(s.st, "kw", "ONE", "K1", ACCESS_ROLE_KEY_WORKER);
    s.teacher = test_account_add(s.st, "teacher", "ONE", "T1", ACCESS_ROLE_TEACHER);
    s.p1 = test_account_add(s.st, "psyone", "ONE", "P1", ACCESS_ROLE_TEAM_MEMBER);
    s.p2 = test_account_add(s.st, "psytwo", "ONE", "P2", ACCESS_ROLE_TEAM_MEMBER);
    s.leader = test_account_add(s.st, "leader", "ONE", "H1", ACCESS_ROLE_SCHOOL_LEADER);
    return s;
}

/* Open a case from a flag (see testutil.h). */
int64_t test_case_open(const test_case_school *s, int64_t learner, const char *at) {
    cairn_err err = {0};
    support_case_problem p;
    int64_t id = 0;
    support_case_open_spec spec = {learner, 0, SUPPORT_CASE_FROM_FLAG, "Missed most of March.",
                                   -1, 0};
    if (support_case_open(s->st, 1, s->kw, &spec, at, &id, &p, &err) != 0)
        fail_msg("open: %s", err.msg);
    return id;
}

/* One goal for case id (see testutil.h). */
void test_case_goal(const test_case_school *s, int64_t id) {
    cairn_err err = {0};
    support_plan_problem p;
    support_goal_spec g = {0, "learning", "attendance", "Come every day", "days present of 10",
                           "6", "9", "2100-01-01", "", "", 0, "", 0};
    if (support_goal_add(s->st, 1, s->kw, SUPPORT_CASE_REL_KEY_WORKER, id, &g, NULL, NULL, &p,
                         &err) != 0)
        fail_msg("goal: %s", err.msg);
}

/* The first column of sql's first row (see testutil.h). */
int64_t test_count(store *st, const char *sql) {
    cairn_err err = {0};
    int64_t n = -1;
    if (store_query_int64(st, sql, -1, &n, &err)) fail_msg("%s: %s", sql, err.msg);
    return n;
}

/* The query plan of sql (see testutil.h). */
void test_query_plan(store *st, const char *sql, buf *plan) {
    buf q = BUF_INIT;
    buf_printf(&q, "EXPLAIN QUERY PLAN %s", sql);
    cairn_err err = {0};
    store_stmt *s = store_prepare(st, buf_cstr(&q), &err);
    if (!s) fail_msg("%s: %s", buf_cstr(&q), err.msg);
    int rc;
    while ((rc = store_step(s, &err)) == STORE_ROW) {
        buf_puts(plan, store_col_text(s, 3));
        buf_putc(plan, '\n');
    }
    assert_int_equal(rc, STORE_DONE);
    store_finalize(s);
    buf_free(&q);
}
