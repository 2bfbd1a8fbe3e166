/*
** store/store_migrate.c — the migrations runner (see store.h): each room's
** list of migrations applied in order under one advisory lock, recorded in
** schema_migration, and adopted when an older release made the same tables.
*/
#include "store/store.h"
#include "store/store_internal.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Advisory lock key that serialises migrations across processes ("cairnMIG"). */
#define STORE_MIGRATE_LOCK_KEY INT64_C(0x636169726e4d4947)

/* ---- migrations ---------------------------------------------------------- */

/* Check the list: fields present, versions positive and ascending per room. */
static int migrations_check(const store_migration *list, size_t n, cairn_err *err) {
    for (size_t i = 0; i < n; i++) {
        const store_migration *m = &list[i];
        if (!m->room || !*m->room || !m->name || !m->sql || m->version <= 0)
            return err_set(err, CAIRN_EINTERNAL,
                           "migration %zu is incomplete (room, positive version, name and sql are needed)", i);
        for (size_t j = i; j-- > 0;) {
            if (strcmp(list[j].room, m->room) != 0) continue;
            if (list[j].version >= m->version)
                return err_set(err, CAIRN_EINTERNAL,
                               "migrations of room %s are not in ascending order: version %d comes after %d",
                               m->room, m->version, list[j].version);
            break;
        }
    }
    return 0;
}

/* Create schema_migration if missing, under the migration lock. */
static int migrations_table(store *st, cairn_err *err) {
    if (store_tx_begin_write(st, STORE_MIGRATE_LOCK_KEY, err)) return -1;
    if (store_exec(st,
                   "CREATE TABLE IF NOT EXISTS schema_migration ("
                   " room TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL,"
                   " applied_at TEXT NOT NULL, PRIMARY KEY (room, version))",
                   err) ||
        store_tx_commit(st, err)) {
        store_tx_rollback(st);
        err_prefix(err, "cannot create table schema_migration");
        return -1;
    }
    return 0;
}

/* Refuse to run against a database migrated by a newer program: a room's
** highest applied version must be one this list knows. */
static int migrations_not_newer(store *st, const store_migration *list, size_t n, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT max(version) FROM schema_migration WHERE room = ?", err);
    if (!q) return -1;
    for (size_t i = 0; i < n; i++) {
        const char *room = list[i].room;
        int seen = 0, top = 0;
        for (size_t j = 0; j < n; j++) {
            if (strcmp(list[j].room, room) != 0) continue;
            if (j < i) seen = 1;
            if (list[j].version > top) top = list[j].version;
        }
        if (seen) continue;
        store_reset(q);
        store_bind_text(q, 1, room, (size_t)-1);
        int rc = store_step(q, err);
        if (rc < 0) {
            store_finalize(q);
            return -1;
        }
        if (rc == STORE_ROW && !store_col_is_null(q, 0) && store_col_int64(q, 0) > top) {
            int64_t have = store_col_int64(q, 0);
            store_finalize(q);
            return err_set(err, CAIRN_EINVAL,
                           "the database has %s migration %lld but this program knows only up to %d: "
                           "it was written by a newer cairn; upgrade cairn",
                           room, (long long)have, top);
        }
    }
    store_finalize(q);
    return 0;
}

/* 1 if (room, version) is recorded, 0 if not, -1 on error. */
static int migration_applied(store_stmt *q, const store_migration *m, cairn_err *err) {
    store_reset(q);
    store_bind_text(q, 1, m->room, (size_t)-1);
    store_bind_int64(q, 2, m->version);
    int rc = store_step(q, err);
    if (rc < 0) return -1;
    store_reset(q);
    return rc == STORE_ROW;
}

/* Apply m unless recorded: 1 applied, 0 already there, -1 failed (rolled
** back, err says which migration). */
static int migration_apply(store *st, store_stmt *q, store_stmt *ins, const store_migration *m,
                           cairn_err *err) {
    int have = migration_applied(q, m, err);   /* cheap check without the lock */
    if (have) return have < 0 ? -1 : 0;
    if (store_tx_begin_write(st, STORE_MIGRATE_LOCK_KEY, err)) return -1;
    have = migration_applied(q, m, err);       /* again, now holding the lock */
    if (have > 0) {
        store_tx_rollback(st);
        return 0;
    }
    char now[32];
    date_now_iso(now);
    if (have < 0 || store_exec(st, m->sql, err)) goto fail;
    store_reset(ins);
    store_bind_text(ins, 1, m->room, (size_t)-1);
    store_bind_int64(ins, 2, m->version);
    store_bind_text(ins, 3, m->name, (size_t)-1);
    store_bind_text(ins, 4, now, (size_t)-1);
    if (store_step(ins, err) < 0) goto fail;
    store_reset(ins);
    if (store_tx_commit(st, err)) goto fail;
    return 1;
fail:
    store_reset(ins);
    store_tx_rollback(st);
    err_prefix(err, "migration %s %d (%s) failed and was rolled back", m->room, m->version, m->name);
    return -1;
}

/* Apply the pending migrations of list, each in its own transaction with
** its schema_migration row; see store.h. */
int store_migrate(store *st, const store_migration *list, size_t n, int *applied, cairn_err *err) {
    int count = 0, rc = -1;
    store_stmt *q = NULL, *ins = NULL;
    if (applied) *applied = 0;
    if (store_in_tx(st))
        return err_set(err, CAIRN_EINTERNAL, "migrations cannot run inside an open transaction");
    if (migrations_check(list, n, err)) return -1;
    if (migrations_table(st, err)) return -1;
    if (migrations_not_newer(st, list, n, err)) return -1;
    q = store_prepare(st, "SELECT 1 FROM schema_migration WHERE room = ? AND version = ?", err);
    if (!q) goto out;
    ins = store_prepare(st,
                        "INSERT INTO schema_migration (room, version, name, applied_at) VALUES (?, ?, ?, ?)",
                        err);
    if (!ins) goto out;
    for (size_t i = 0; i < n; i++) {
        int r = migration_apply(st, q, ins, &list[i], err);
        if (r < 0) goto out;
        count += r;
    }
    rc = 0;
out:
    store_finalize(q);
    store_finalize(ins);
    if (applied) *applied = count;
    return rc;
}

/* 1 if table exists in the database (the current schema on PostgreSQL),
** 0 if not, -1 on error.  In the caller's transaction. */
static int migration_table_exists(store *st, const char *table, cairn_err *err) {
    int64_t n = 0;
    store_stmt *q = store_prepare(st, st->kind == STORE_POSTGRES
        ? "SELECT count(*) FROM information_schema.tables"
          " WHERE table_schema = current_schema() AND table_name = ?"
        : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, table, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) n = store_col_int64(q, 0);
    store_finalize(q);
    return rc < 0 ? -1 : n > 0;
}

/* Record m without running it when table exists (see store.h). */
int store_migration_adopt(store *st, const store_migration *m, const char *table, int *adopted,
                          cairn_err *err) {
    int rc = -1, have = 0, exists = 0;
    store_stmt *q = NULL, *ins = NULL;
    if (adopted) *adopted = 0;
    if (store_in_tx(st))
        return err_set(err, CAIRN_EINTERNAL, "migrations cannot run inside an open transaction");
    if (migrations_check(m, 1, err) || migrations_table(st, err)) return -1;
    if (store_tx_begin_write(st, STORE_MIGRATE_LOCK_KEY, err)) return -1;
    q = store_prepare(st, "SELECT 1 FROM schema_migration WHERE room = ? AND version = ?", err);
    if (!q || (have = migration_applied(q, m, err)) < 0) goto out;
    if (!have && (exists = migration_table_exists(st, table, err)) < 0) goto out;
    if (!have && exists) {
        char now[32];
        date_now_iso(now);
        ins = store_prepare(st, "INSERT INTO schema_migration (room, version, name, applied_at)"
                                " VALUES (?, ?, ?, ?)", err);
        if (!ins) goto out;
        store_bind_text(ins, 1, m->room, (size_t)-1);
        store_bind_int64(ins, 2, m->version);
        store_bind_text(ins, 3, m->name, (size_t)-1);
        store_bind_text(ins, 4, now, (size_t)-1);
        if (store_step(ins, err) < 0) goto out;
    }
    rc = 0;
out:
    store_finalize(q);
    store_finalize(ins);
    if (rc == 0 && store_tx_commit(st, err) < 0) rc = -1;
    if (rc < 0) {
        store_tx_rollback(st);
        err_prefix(err, "migration %s %d (%s) could not be adopted", m->room, m->version, m->name);
    } else if (adopted) {
        *adopted = !have && exists;
    }
    return rc;
}

/* Turn SQLite's automatic WAL checkpoint on (the default, every 1000
** pages) or off for this connection; see store.h. */
int store_autocheckpoint(store *st, int on, cairn_err *err) {
    if (st->kind != STORE_SQLITE) return 0;
    return store_exec(st, on ? "PRAGMA wal_autocheckpoint=1000;" : "PRAGMA wal_autocheckpoint=0;",
                      err);
}

/* Checkpoint the WAL (SQLite): PASSIVE, or RESTART when restart is 1;
** *log_frames gets the frames in the log afterwards; see store.h. */
int store_checkpoint(store *st, int restart, long *log_frames, cairn_err *err) {
    *log_frames = 0;
    if (st->kind != STORE_SQLITE) return 0;
    store_stmt *q = store_prepare(st, restart ? "PRAGMA wal_checkpoint(RESTART)"
                                              : "PRAGMA wal_checkpoint(PASSIVE)", err);
    if (!q) return -1;
    int rc = store_step(q, err);
    if (rc == STORE_ROW) *log_frames = (long)store_col_int64(q, 1);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Queue this connection's writers on a process mutex (SQLite); see store.h. */
void store_queue_writers(store *st) {
    if (st->kind == STORE_SQLITE) (void)sq_queue_writers(st);
}
