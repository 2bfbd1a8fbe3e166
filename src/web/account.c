/*
** web/account.c — accounts (add, find, list, password, roles, disable) and
** the demo school's accounts (see auth.h).  The demo key worker's caseload
** is the support room's (support/demo.h).
*/
#include "web/auth.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "school/school.h"
#include "support/assessment.h"
#include "support/demo.h"
#include "support/review.h"
#include "support/plan.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Serialises account changes (user names, ids) between writers. */
#define AUTH_ACCOUNT_LOCK_KEY 0x6361697241434354LL   /* "cairACCT" */

/* ---- accounts ---------------------------------------------------------------------------- */

#define ACCOUNT_COLUMNS                                                                   \
    "SELECT a.id, a.username, a.display_name, a.institution_id, i.code, a.person_kind,"   \
    " a.person_id, s.ref, a.disabled, a.password_hash,"                                   \
    " (SELECT count(*) FROM web_session ws WHERE ws.account_id = a.id"                    \
    "  AND ws.last_seen_at > ? AND ws.created_at > ?)"                                    \
    " FROM account a LEFT JOIN institution i ON i.id = a.institution_id"                  \
    " LEFT JOIN staff s ON a.person_kind = 'staff' AND s.institution_id = a.institution_id" \
    " AND s.id = a.person_id "

/* Fill *a from a row of ACCOUNT_COLUMNS. */
static void account_from_row(store_stmt *q, auth_account *a) {
    memset(a, 0, sizeof *a);
    a->id = store_col_int64(q, 0);
    str_copy(a->username, sizeof a->username, store_col_text(q, 1));
    str_copy(a->display_name, sizeof a->display_name, store_col_text(q, 2));
    a->institution_id = store_col_is_null(q, 3) ? 0 : store_col_int64(q, 3);
    str_copy(a->institution_code, sizeof a->institution_code, store_col_text(q, 4));
    const char *kind = store_col_text(q, 5);
    if (kind && strcmp(kind, "staff") == 0 && !store_col_is_null(q, 6))
        a->staff_id = store_col_int64(q, 6);
    str_copy(a->staff_ref, sizeof a->staff_ref, store_col_text(q, 7));
    a->disabled = store_col_int64(q, 8) != 0;
    a->has_password = !store_col_is_null(q, 9);
    a->sessions = store_col_int64(q, 10);
}

/* Bind the two session-count parameters of ACCOUNT_COLUMNS. */
static void account_bind_now(store_stmt *q) {
    int64_t now = auth_now();
    store_bind_int64(q, 1, now - AUTH_IDLE_SECONDS);
    store_bind_int64(q, 2, now - AUTH_ABSOLUTE_SECONDS);
}

/* The role bits of an account in an institution. */
static int account_roles(store *st, int64_t account, int64_t inst, unsigned *roles,
                         cairn_err *err) {
    *roles = 0;
    store_stmt *q = store_prepare(st,
        "SELECT role FROM account_role WHERE account_id = ? AND institution_id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, account);
    store_bind_int64(q, 2, inst);
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) *roles |= access_role_parse(store_col_text(q, 0));
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Read one account by user name (see auth.h). */
int auth_account_find(store *st, const char *username, auth_account *out, cairn_err *err) {
    char name[AUTH_USERNAME_MAX + 1];
    if (auth_username_normalise(username, name, err) < 0) return -1;
    store_stmt *q = store_prepare(st, ACCOUNT_COLUMNS "WHERE a.username = ?", err);
    if (!q) return -1;
    account_bind_now(q);
    store_bind_text(q, 3, name, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) account_from_row(q, out);
    store_finalize(q);
    if (rc < 0) return -1;
    if (rc != STORE_ROW)
        return err_set(err, CAIRN_ENOTFOUND, "there is no user \"%s\" (cairn user list shows "
                       "them all)", name);
    return account_roles(st, out->id, out->institution_id, &out->roles, err);
}

/* Every account by user name (see auth.h). */
int auth_account_list(store *st, auth_account **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st, ACCOUNT_COLUMNS "ORDER BY a.username", err);
    if (!q) return -1;
    account_bind_now(q);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        account_from_row(q, &(*rows)[(*n)++]);
    }
    store_finalize(q);
    for (size_t i = 0; rc >= 0 && i < *n; i++)
        if (account_roles(st, (*rows)[i].id, (*rows)[i].institution_id, &(*rows)[i].roles, err) < 0)
            rc = -1;
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* The staff member with ref in inst: id and "Given Family" name. */
static int staff_find(store *st, int64_t inst, const char *ref, int64_t *id, char *name,
                      size_t name_size, cairn_err *err) {
    store_stmt *q = store_prepare(st,
        "SELECT id, given_name, family_name FROM staff WHERE institution_id = ? AND ref = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_text(q, 2, ref, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        *id = store_col_int64(q, 0);
        buf b = BUF_INIT;
        /* not HTML: a display name, escaped where it is shown */
        buf_printf(&b, "%s %s", store_col_text(q, 1), store_col_text(q, 2));
        str_copy(name, name_size, buf_cstr(&b));
        buf_free(&b);
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (rc != STORE_ROW)
        return err_set(err, CAIRN_ENOTFOUND, "there is no staff member with the reference "
                       "\"%.64s\" in this institution (import staff first)", ref);
    return 0;
}

/* Insert the account row and its roles; inside the caller's transaction. */
static int account_insert(store *st, const char *name, const char *display, const char *hash,
                          int64_t inst, int64_t staff, unsigned roles, int64_t *id,
                          cairn_err *err) {
    int64_t exists = 0, max = 0;
    store_stmt *q = store_prepare(st, "SELECT count(*) FROM account WHERE username = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, name, (size_t)-1);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) exists = store_col_int64(q, 0);
    store_finalize(q);
    if (rc < 0) return -1;
    if (exists) return err_set(err, CAIRN_EINVAL, "the user name \"%s\" is taken", name);
    if (store_query_int64(st, "SELECT COALESCE(max(id), 0) FROM account", -1, &max, err) < 0)
        return -1;
    *id = max + 1;
    char now[32];
    date_now_iso(now);
    q = store_prepare(st,
        "INSERT INTO account (id, username, display_name, password_hash, disabled,"
        " institution_id, person_kind, person_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, *id);
    store_bind_text(q, 2, name, (size_t)-1);
    store_bind_text(q, 3, display, (size_t)-1);
    store_bind_text(q, 4, hash, (size_t)-1);
    store_bind_int64(q, 5, inst);
    if (staff) {
        store_bind_text(q, 6, "staff", (size_t)-1);
        store_bind_int64(q, 7, staff);
    } else {
        store_bind_null(q, 6);
        store_bind_null(q, 7);
    }
    store_bind_text(q, 8, now, (size_t)-1);
    store_bind_text(q, 9, now, (size_t)-1);
    rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) {
        if (store_last_error(st) == STORE_ERR_UNIQUE)
            return err_set(err, CAIRN_EINVAL, "the user name \"%s\" is taken", name);
        return -1;
    }
    q = store_prepare(st, "INSERT INTO account_role (account_id, institution_id, role) VALUES (?, ?, ?)",
                      err);
    if (!q) return -1;
    for (int b = 0; b < ACCESS_ROLE_COUNT && rc >= 0; b++) {
        if (!(roles & (1u << b))) continue;
        store_bind_int64(q, 1, *id);
        store_bind_int64(q, 2, inst);
        store_bind_text(q, 3, access_role_code(1u << b), (size_t)-1);
        rc = store_step(q, err);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Create an account (see auth.h). */
int auth_account_add(store *st, const auth_account_spec *spec, int64_t *id_out, cairn_err *err) {
    char name[AUTH_USERNAME_MAX + 1], staff_name[AUTH_NAME_MAX + 1] = "", hash[AUTH_HASH_MAX];
    int64_t inst = 0, staff = 0, id = 0;
    if (auth_username_normalise(spec->username, name, err) < 0) return -1;
    if (!(spec->roles & ACCESS_ROLES_ALL) || (spec->roles & ~ACCESS_ROLES_ALL))
        return err_set(err, CAIRN_EINVAL, "give the account at least one role (%s)",
                       access_role_codes());
    if (spec->display_name && (strlen(spec->display_name) > AUTH_NAME_MAX || !*spec->display_name))
        return err_set(err, CAIRN_EINVAL, "the display name must be 1 to %d bytes", AUTH_NAME_MAX);
    if (auth_password_check(spec->password, name, err) < 0) return -1;
    if (school_institution_resolve(st, spec->institution, &inst, err) < 0) return -1;
    if (spec->staff_ref &&
        staff_find(st, inst, spec->staff_ref, &staff, staff_name, sizeof staff_name, err) < 0)
        return -1;
    const char *display = spec->display_name ? spec->display_name
                        : staff_name[0] ? staff_name : name;
    if (auth_password_hash(spec->password, hash, err) < 0) return -1;
    if (store_tx_begin_write(st, AUTH_ACCOUNT_LOCK_KEY, err) < 0) return -1;
    if (account_insert(st, name, display, hash, inst, staff, spec->roles, &id, err) < 0) {
        store_tx_rollback(st);
        sodium_memzero(hash, sizeof hash);
        return -1;
    }
    sodium_memzero(hash, sizeof hash);
    if (store_tx_commit(st, err) < 0) return -1;
    if (id_out) *id_out = id;
    return 0;
}

/* New password, sessions ended (see auth.h). */
int auth_account_password_set(store *st, const char *username, const char *password,
                              cairn_err *err) {
    return auth_account_password_change(st, username, password, NULL, 0, NULL, err);
}

/* Delete the sessions of account id but the one whose token hash is keep
** (NULL = all). */
static int sessions_end_but(store *st, int64_t id, const char *keep, cairn_err *err) {
    if (!keep) return auth_session_end_all(st, id, err);
    store_stmt *q = store_prepare(st,
        "DELETE FROM web_session WHERE account_id = ? AND token_hash <> ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, id);
    store_bind_text(q, 2, keep, (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* New password; other sessions and, when asked, API tokens ended (see auth.h). */
int auth_account_password_change(store *st, const char *username, const char *password,
                                 const char *keep_session_hash, int revoke_tokens,
                                 int64_t *tokens_revoked, cairn_err *err) {
    auth_account a;
    char hash[AUTH_HASH_MAX], now[32];
    if (tokens_revoked) *tokens_revoked = 0;
    if (auth_account_find(st, username, &a, err) < 0) return -1;
    if (auth_password_check(password, a.username, err) < 0) return -1;
    if (auth_password_hash(password, hash, err) < 0) return -1;
    date_now_iso(now);
    if (store_tx_begin_write(st, AUTH_ACCOUNT_LOCK_KEY, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "UPDATE account SET password_hash = ?, updated_at = ? WHERE id = ?", err);
    int rc = -1;
    if (q) {
        store_bind_text(q, 1, hash, (size_t)-1);
        store_bind_text(q, 2, now, (size_t)-1);
        store_bind_int64(q, 3, a.id);
        rc = store_step(q, err);
        store_finalize(q);
    }
    sodium_memzero(hash, sizeof hash);
    if (rc < 0 || sessions_end_but(st, a.id, keep_session_hash, err) < 0 ||
        (revoke_tokens && auth_token_revoke_all(st, a.id, tokens_revoked, err) < 0)) {
        store_tx_rollback(st);
        if (tokens_revoked) *tokens_revoked = 0;
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* Give or take one role (see auth.h). */
int auth_account_role_change(store *st, const char *username, unsigned role, int add,
                             cairn_err *err) {
    auth_account a;
    const char *code = access_role_code(role);
    if (!code) return err_set(err, CAIRN_EINVAL, "not a role (roles: %s)", access_role_codes());
    if (auth_account_find(st, username, &a, err) < 0) return -1;
    if (!a.institution_id)
        return err_set(err, CAIRN_EINVAL, "user \"%s\" belongs to no institution", a.username);
    if (add && (a.roles & role))
        return err_set(err, CAIRN_EINVAL, "user \"%s\" already has the role %s", a.username, code);
    if (!add && !(a.roles & role))
        return err_set(err, CAIRN_EINVAL, "user \"%s\" does not have the role %s", a.username, code);
    if (store_tx_begin_write(st, AUTH_ACCOUNT_LOCK_KEY, err) < 0) return -1;
    store_stmt *q = store_prepare(st, add
        ? "INSERT INTO account_role (account_id, institution_id, role) VALUES (?, ?, ?)"
        : "DELETE FROM account_role WHERE account_id = ? AND institution_id = ? AND role = ?", err);
    int rc = -1;
    if (q) {
        store_bind_int64(q, 1, a.id);
        store_bind_int64(q, 2, a.institution_id);
        store_bind_text(q, 3, code, (size_t)-1);
        rc = store_step(q, err);
        store_finalize(q);
    }
    if (rc < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* Disable or enable (see auth.h). */
int auth_account_disable(store *st, const char *username, int disabled, cairn_err *err) {
    auth_account a;
    char now[32];
    if (auth_account_find(st, username, &a, err) < 0) return -1;
    date_now_iso(now);
    if (store_tx_begin_write(st, AUTH_ACCOUNT_LOCK_KEY, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "UPDATE account SET disabled = ?, updated_at = ? WHERE id = ?", err);
    int rc = -1;
    if (q) {
        store_bind_int64(q, 1, disabled ? 1 : 0);
        store_bind_text(q, 2, now, (size_t)-1);
        store_bind_int64(q, 3, a.id);
        rc = store_step(q, err);
        store_finalize(q);
    }
    if (rc < 0 || (disabled && auth_session_end_all(st, a.id, err) < 0)) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}

/* ---- the demo accounts ---------------------------------------------------------------------- */

/* The first staff member found by sql (one int64 parameter: the
** institution): id, ref and a description "S0001 Anna Berg".  0 found, 1
** none, -1 error. */
static int demo_staff(store *st, const char *sql, int64_t inst, int64_t *id, char *ref,
                      size_t ref_size, char *desc, size_t desc_size, cairn_err *err) {
    store_stmt *q = store_prepare(st, sql, err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        *id = store_col_int64(q, 0);
        str_copy(ref, ref_size, store_col_text(q, 1));
        buf b = BUF_INIT;
        /* not HTML: a description for the command line */
        buf_printf(&b, "staff %s %s %s", store_col_text(q, 1), store_col_text(q, 2),
                   store_col_text(q, 3));
        if (store_col_count(q) > 4)
            buf_printf(&b, ", teaches %lld groups with active learners", /* not HTML */
                       (long long)store_col_int64(q, 4));
        str_copy(desc, desc_size, buf_cstr(&b));
        buf_free(&b);
    }
    store_finalize(q);
    if (rc < 0) return -1;
    return rc == STORE_ROW ? 0 : 1;
}

/* Create the demo accounts (see auth.h). */
int auth_demo_accounts(store *st, const char *institution,
                       auth_demo_account out[AUTH_DEMO_ACCOUNTS], cairn_err *err) {
    static const struct {
        const char *user, *password;
        unsigned    role;
        const char *staff_sql;
    } demo[AUTH_DEMO_ACCOUNTS] = {
        /* none holds its user name (the password policy refuses that) */
        {"admin", "cairn-demo-office", ACCESS_ROLE_ADMINISTRATOR, NULL},
        {"leader", "cairn-demo-principal", ACCESS_ROLE_SCHOOL_LEADER,
         "SELECT id, ref, given_name, family_name FROM staff WHERE institution_id = ?"
         " AND job_title = 'head' ORDER BY id LIMIT 1"},
        {"keyworker", "cairn-demo-counsellor", ACCESS_ROLE_KEY_WORKER,
         /* counted from group_staff outward: starting from staff made the
         ** planner scan every enrolment once per staff member (minutes at
         ** 100,000 learners) */
         "SELECT s.id, s.ref, s.given_name, s.family_name FROM"
         " (SELECT gs.institution_id AS inst, gs.staff_id AS staff_id, count(*) AS n"
         "  FROM group_staff gs JOIN enrolment e"
         "  ON e.institution_id = gs.institution_id AND e.group_id = gs.group_id"
         "  WHERE gs.institution_id = ? AND gs.role = 'key_worker' AND e.status = 'active'"
         "  GROUP BY gs.institution_id, gs.staff_id) c"
         " JOIN staff s ON s.institution_id = c.inst AND s.id = c.staff_id"
         " ORDER BY c.n DESC, s.id LIMIT 1"},
        {"teacher", "cairn-demo-classroom", ACCESS_ROLE_TEACHER,
         "SELECT s.id, s.ref, s.given_name, s.family_name, c.ngroups FROM"
         " (SELECT gs.institution_id AS inst, gs.staff_id AS staff_id,"
         "  count(DISTINCT gs.group_id) AS ngroups"
         "  FROM group_staff gs JOIN enrolment e"
         "  ON e.institution_id = gs.institution_id AND e.group_id = gs.group_id"
         "  WHERE gs.institution_id = ? AND gs.role <> 'key_worker' AND e.status = 'active'"
         "  GROUP BY gs.institution_id, gs.staff_id) c"
         " JOIN staff s ON s.institution_id = c.inst AND s.id = c.staff_id"
         " ORDER BY c.ngroups DESC, s.id LIMIT 1"},
        {"dpo", "cairn-demo-privacy", ACCESS_ROLE_DPO, NULL},
    };
    int64_t inst = 0, admin_id = 0, ids[AUTH_DEMO_ACCOUNTS] = {0};
    int64_t kw_staff = 0, kw_account = 0, teacher_staff = 0;
    if (school_institution_resolve(st, institution, &inst, err) < 0) return -1;
    for (int i = 0; i < AUTH_DEMO_ACCOUNTS; i++) {
        auth_demo_account *o = &out[i];
        memset(o, 0, sizeof *o);
        str_copy(o->username, sizeof o->username, demo[i].user);
        str_copy(o->password, sizeof o->password, demo[i].password);
        str_copy(o->role, sizeof o->role, access_role_code(demo[i].role));
        auth_account have;
        cairn_err e2 = {0};
        if (auth_account_find(st, demo[i].user, &have, &e2) == 0) {
            str_copy(o->linked, sizeof o->linked, have.staff_ref[0] ? have.staff_ref : "-");
            if (i == 0) admin_id = have.id;
            ids[i] = have.id;
            continue;
        }
        if (e2.code != CAIRN_ENOTFOUND) {
            *err = e2;
            return -1;
        }
        int64_t staff = 0, id = 0;
        char ref[65] = "";
        int found = 1;
        if (demo[i].staff_sql) {
            found = demo_staff(st, demo[i].staff_sql, inst, &staff, ref, sizeof ref, o->linked,
                               sizeof o->linked, err);
            if (found < 0) return -1;
            if (found == 1) str_copy(o->linked, sizeof o->linked, "no staff member to link");
        } else {
            str_copy(o->linked, sizeof o->linked, "not linked to a staff member");
        }
        auth_account_spec spec = {demo[i].user, NULL, demo[i].password, institution,
                                  found == 0 && demo[i].staff_sql ? ref : NULL, demo[i].role};
        if (auth_account_add(st, &spec, &id, err) < 0) return -1;
        if (i == 0) admin_id = id;
        ids[i] = id;
        o->created = 1;
        if (demo[i].role == ACCESS_ROLE_TEACHER) teacher_staff = staff;
        if (demo[i].role == ACCESS_ROLE_KEY_WORKER && staff) {
            kw_staff = staff;
            kw_account = id;
            int n = 0;
            if (support_demo_caseload(st, inst, staff, admin_id, &n, err) < 0) return -1;
            size_t len = strlen(o->linked);
            snprintf(o->linked + len, sizeof o->linked - len, ", caseload of %d learners", n);
        }
    }
    if (kw_staff) {   /* a new key worker: cases for the caseload (support/demo_case.c) */
        int n = 0;
        if (support_demo_cases(st, inst, kw_staff, kw_account, teacher_staff, &n, err) < 0)
            return -1;
        if (support_demo_plans(st, inst, kw_account, &n, err) < 0) return -1;   /* plan.h */
        if (support_demo_assessments(st, inst, kw_account, &n, err) < 0) return -1;
        if (support_demo_approvals(st, inst, kw_staff, kw_account, err) < 0) return -1;
        if (support_demo_reviews(st, inst, kw_account, err) < 0) return -1;   /* review.h */
        if (support_demo_contracts(st, inst, kw_staff, kw_account, &n, err) < 0) return -1;
    }
    int runs = 0;   /* interventions: once the key worker and teacher exist */
    if (admin_id && support_demo_interventions(st, inst, admin_id, &runs, err) < 0) return -1;
    int n = 0;   /* the demo consents: recorded by the key worker, one override by the leader */
    if (support_demo_consent(st, inst, ids[2], ids[1], &n, err) < 0) return -1;
    /* a handover to another institution, when the database holds one (demo_move.c) */
    if (kw_staff && support_demo_move(st, inst, kw_staff, kw_account, err) < 0) return -1;
    /* a new key worker's caseload: what a few days of reading left in the log */
    return kw_staff ? support_demo_audit(st, inst, kw_staff, err) : 0;
}
