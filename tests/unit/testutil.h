/*
** tests/unit/testutil.h — shared helpers for the cmocka test programs.
**
** Every test that touches a database runs on both backends.  PostgreSQL is
** the server scripts/pg-test.sh starts for `make check`; its admin URL is in
** the environment variable CAIRN_TEST_PG (e.g.
** "postgresql://postgres@/postgres?host=/tmp/cairn-pg.X&port=54329").
** When CAIRN_TEST_PG is unset, PostgreSQL tests FAIL (they are never skipped
** silently) unless CAIRN_TEST_NO_PG=1 is set for a quick local run.
*/
#ifndef CAIRN_TESTUTIL_H
#define CAIRN_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "base/buf.h"
#include "store/store.h"

/* Run a test on both backends: in the cmocka_unit_test list write
** BOTH(test_fn); inside the test KIND(state) is the store_kind to use. */
static const store_kind test_kind_sqlite = STORE_SQLITE;
static const store_kind test_kind_pg = STORE_POSTGRES;
#define KIND(state) (*(const store_kind *)*(state))
#define BOTH(f)                                                                  \
    {#f " [sqlite]", f, NULL, NULL, (void *)(uintptr_t)&test_kind_sqlite},       \
    {#f " [postgres]", f, NULL, NULL, (void *)(uintptr_t)&test_kind_pg}

/* A fresh, empty database of the given kind, unique to this process and
** name: a new SQLite file in a temp dir, or a new PostgreSQL database
** created through CAIRN_TEST_PG.  Fails the test on error.  Close with
** test_store_drop(), which also deletes the file / drops the database.
** For PostgreSQL it also points CAIRN_KEY_FILE (support/sealed.h) at a new
** keyring file of this database's own; SQLite's is beside the file. */
store *test_store_fresh(store_kind kind, const char *name);
void   test_store_drop(store *st);

/* The URL test_store_fresh() used for st (to hand to a child process). */
const char *test_store_url(store *st);

/* 1 if PostgreSQL tests should run (CAIRN_TEST_PG set), 0 if explicitly
** disabled with CAIRN_TEST_NO_PG=1.  Fails the test if neither is set. */
int test_pg_enabled(void);

/* A new empty temp directory; caller frees the string (the directory is
** removed by test_rm_rf). */
char *test_tmpdir(void);
void  test_rm_rf(const char *path);

/* Write n bytes to dir/name; returns the full path (caller frees). */
char *test_write_file(const char *dir, const char *name, const char *data, size_t n);

/* Path of a file under tests/fixtures (caller frees); the test programs are
** run from the repository root. */
char *test_fixture(const char *rel);

/* A fresh database of kind (see test_store_fresh) with the school, risk and
** web tables, and sql (a test's hand-built school) run in it.  Fails the
** test on error. */
store *test_school_db(store_kind kind, const char *name, const char *sql);

/* Add an account (password "correct horse battery") in institution code
** inst, linked to staff ref staff (NULL = none), with role bits roles;
** returns its id.  Fails the test on error. */
int64_t test_account_add(store *st, const char *user, const char *inst, const char *staff,
                         unsigned roles);

/* One institution with two terms, a programme, two groups, seven staff (a
** teacher of G1, key workers K1 and K2, two psychologists, a head, a mentor
** without an account), three active learners (L1 and L2 on K1's caseload)
** and scores on two dates: the school the case room's tests open cases in
** (for test_school_db; test_case_school_open adds the accounts). */
extern const char *const test_case_school_sql;

/* That school with its accounts (test_case.c, test_case_team.c,
** test_assessment.c): key worker K1 (staff 3), teacher T1 (staff 1),
** psychologists P1 and P2 (staff 4, 5; team_member accounts), head H1
** (staff 6). */
typedef struct test_case_school {
    store  *st;
    int64_t kw, teacher, p1, p2, leader;   /* account ids */
} test_case_school;
/* Open it as a fresh database name of the test's kind (test_store_drop it). */
test_case_school test_case_school_open(void **state, const char *name);
/* Open a case for learner from a flag on at, as K1; returns its id.  Fails
** the test on error. */
int64_t test_case_open(const test_case_school *s, int64_t learner, const char *at);
/* Give case id one goal, as K1, so that its plan can be agreed
** (support/plan.h).  Fails the test on error. */
void test_case_goal(const test_case_school *s, int64_t id);

/* The first column of sql's first row (sql takes no parameter).  Fails the
** test on error. */
int64_t test_count(store *st, const char *sql);

/* Append SQLite's query plan of sql on st to plan, one line per step
** (EXPLAIN QUERY PLAN's detail column); fails the test on an error. */
void test_query_plan(store *st, const char *sql, buf *plan);

#endif
