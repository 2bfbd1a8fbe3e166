/*
** web/access.c — the one place access is decided (see access.h).
**
** Who may use a route is the ACCESS of its record (web/page.h), in the
** route table tools/mkpages.c makes; tests/unit/test_access.c walks every
** route as every role against its own table of expected answers.
*/
#include "web/access.h"
#include "support/case.h"
#include <assert.h>
#include <string.h>

/* ---- roles -------------------------------------------------------------------- */

typedef struct role_info {
    unsigned    bit;
    const char *code;
    const char *name;
} role_info;

/* In bit order; codes as in the role table of school/school_schema.c. */
static const role_info roles[ACCESS_ROLE_COUNT] = {
    { ACCESS_ROLE_ADMINISTRATOR,    "administrator",           "Administrator" },
    { ACCESS_ROLE_SCHOOL_LEADER,    "school_leader",           "School leader" },
    { ACCESS_ROLE_KEY_WORKER,       "key_worker",              "Key worker" },
    { ACCESS_ROLE_TEACHER,          "teacher",                 "Teacher / trainer" },
    { ACCESS_ROLE_TEAM_MEMBER,      "team_member",             "Multi-professional team member" },
    { ACCESS_ROLE_LEARNER,          "learner",                 "Learner" },
    { ACCESS_ROLE_GUARDIAN,         "guardian",                "Parent / guardian" },
    { ACCESS_ROLE_EXTERNAL_SERVICE, "external_service",        "External service" },
    { ACCESS_ROLE_DPO,              "data_protection_officer", "Data protection officer" },
};

/* The bit of role code, or 0. */
unsigned access_role_parse(const char *code) {
    if (!code) return 0;
    for (int i = 0; i < ACCESS_ROLE_COUNT; i++)
        if (strcmp(roles[i].code, code) == 0) return roles[i].bit;
    return 0;
}

/* The code of a single role bit, or NULL. */
const char *access_role_code(unsigned bit) {
    for (int i = 0; i < ACCESS_ROLE_COUNT; i++)
        if (roles[i].bit == bit) return roles[i].code;
    return NULL;
}

/* The display name of a single role bit, or NULL. */
const char *access_role_name(unsigned bit) {
    for (int i = 0; i < ACCESS_ROLE_COUNT; i++)
        if (roles[i].bit == bit) return roles[i].name;
    return NULL;
}

/* "school_leader, teacher" for the role bits in set, "-" for none (not HTML:
** plain text for the command line). */
void access_roles_format(unsigned set, buf *out) {
    int any = 0;
    for (int i = 0; i < ACCESS_ROLE_COUNT; i++) {
        if (!(set & roles[i].bit)) continue;
        if (any) buf_puts(out, ", ");
        buf_puts(out, roles[i].code);
        any = 1;
    }
    if (!any) buf_puts(out, "-");
}

/* Every role code, comma-separated (static). */
const char *access_role_codes(void) {
    return "administrator, school_leader, key_worker, teacher, team_member, learner, "
           "guardian, external_service, data_protection_officer";
}

/* ---- who is asking -------------------------------------------------------------- */

/* Load an account's institution, staff link, roles and disabled flag. */
int access_ctx_load(store *st, int64_t account_id, access_ctx *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    out->st = st;
    out->account_id = account_id;
    store_stmt *q = store_prepare(st,
        "SELECT institution_id, person_kind, person_id, disabled FROM account WHERE id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, account_id);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        out->institution_id = store_col_is_null(q, 0) ? 0 : store_col_int64(q, 0);
        const char *kind = store_col_text(q, 1);
        if (kind && strcmp(kind, "staff") == 0 && !store_col_is_null(q, 2))
            out->staff_id = store_col_int64(q, 2);
        out->disabled = store_col_int64(q, 3) != 0;
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (rc != STORE_ROW)
        return err_set(err, CAIRN_ENOTFOUND, "there is no account %lld", (long long)account_id);
    if (out->disabled || !out->institution_id) return 0;
    q = store_prepare(st, "SELECT role FROM account_role WHERE account_id = ? AND institution_id = ?",
                      err);
    if (!q) return -1;
    store_bind_int64(q, 1, account_id);
    store_bind_int64(q, 2, out->institution_id);
    while ((rc = store_step(q, err)) == STORE_ROW) out->roles |= access_role_parse(store_col_text(q, 0));
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* ---- learner records -------------------------------------------------------------- */

/* 1 if ctx sees the whole institution. */
static int ctx_sees_all(const access_ctx *ctx) {
    return (ctx->roles & (ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER)) != 0;
}

/* 1 if ctx can see anything at all. */
static int ctx_sees_some(const access_ctx *ctx) {
    return !ctx->disabled && ctx->institution_id > 0 && ctx->account_id > 0;
}

/* 1 if ctx's cases (key worker or team member of a case not closed) give
** it learners: a staff link and a role that works on cases. */
static int ctx_on_cases(const access_ctx *ctx) {
    return ctx->staff_id > 0 && (ctx->roles & (ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_TEACHER |
                                               ACCESS_ROLE_TEAM_MEMBER)) != 0;
}

/* The predicate text (see access.h).  Parameters, in order: account id,
** institution id, then (only when not already seeing everything) the
** institution and staff ids once for a teacher, twice for a key worker
** and twice for the cases (key worker, teacher or team member; only with a
** staff link).  The learners a viewer who does not see everything may see
** are one uncorrelated set, "learner IN (... UNION ...)", each part read
** from its own index by staff: SQLite builds it once per statement and
** looks the few learners up, where EXISTS tests per row read every score
** of the school (a key worker's home page: seconds at 100,000 learners).
** Not HTML: SQL text. */
void access_learner_predicate(const access_ctx *ctx, const char *inst_col,
                              const char *learner_col, buf *sql) {
    if (!ctx_sees_some(ctx)) {
        buf_puts(sql, "(1 = 0)");
        return;
    }
    buf_printf(sql, "(EXISTS (SELECT 1 FROM account acc_a WHERE acc_a.id = ? AND acc_a.disabled = 0)"
                    " AND %s = ? AND (", inst_col);
    if (ctx_sees_all(ctx)) {
        buf_puts(sql, "1 = 1))");
        return;
    }
    const char *sep = "";
    buf_printf(sql, "%s IN (", learner_col);
    if ((ctx->roles & ACCESS_ROLE_TEACHER) && ctx->staff_id > 0) {
        buf_puts(sql,
            "SELECT acc_e.learner_id FROM group_staff acc_g CROSS JOIN enrolment acc_e"
            " WHERE acc_g.institution_id = ? AND acc_g.staff_id = ? AND acc_g.role <> 'key_worker'"
            " AND acc_e.institution_id = acc_g.institution_id AND acc_e.group_id = acc_g.group_id"
            " AND acc_e.status = 'active'");
        sep = " UNION ";
    }
    if ((ctx->roles & ACCESS_ROLE_KEY_WORKER) && ctx->staff_id > 0) {
        buf_printf(sql,
            "%sSELECT acc_s.learner_id FROM support_assignment acc_s WHERE acc_s.institution_id = ?"
            " AND acc_s.staff_id = ? AND acc_s.ended_at IS NULL"
            " UNION SELECT acc_h.learner_id FROM learner_share acc_h WHERE acc_h.institution_id = ?"
            " AND acc_h.staff_id = ?", sep);
        sep = " UNION ";
    }
    if (ctx_on_cases(ctx)) {
        buf_printf(sql,
            "%sSELECT acc_c.learner_id FROM support_case acc_c WHERE acc_c.institution_id = ?"
            " AND acc_c.key_worker_id = ? AND acc_c.state <> 'closed'"
            " UNION SELECT acc_c2.learner_id FROM case_team_member acc_t CROSS JOIN support_case acc_c2"
            " WHERE acc_t.institution_id = ? AND acc_t.staff_id = ?"
            " AND acc_c2.institution_id = acc_t.institution_id AND acc_c2.id = acc_t.case_id"
            " AND acc_c2.state <> 'closed'", sep);
        sep = " UNION ";
    }
    if (!*sep) buf_puts(sql, "SELECT 0 WHERE 1 = 0");
    buf_puts(sql, ")))");
}

/* Bind what access_learner_predicate() wrote; returns the next index. */
int access_learner_predicate_bind(const access_ctx *ctx, store_stmt *s, int first) {
    int i = first;
    if (!ctx_sees_some(ctx)) return i;
    store_bind_int64(s, i++, ctx->account_id);
    store_bind_int64(s, i++, ctx->institution_id);
    if (ctx_sees_all(ctx)) return i;
    int parts = 0;
    if ((ctx->roles & ACCESS_ROLE_TEACHER) && ctx->staff_id > 0) parts += 1;
    if ((ctx->roles & ACCESS_ROLE_KEY_WORKER) && ctx->staff_id > 0) parts += 2;
    if (ctx_on_cases(ctx)) parts += 2;
    for (int k = 0; k < parts; k++) {
        store_bind_int64(s, i++, ctx->institution_id);
        store_bind_int64(s, i++, ctx->staff_id);
    }
    return i;
}

/* 1 when the predicate names a set of learners (see access.h). */
int access_learner_set_narrow(const access_ctx *ctx) {
    return !ctx_sees_some(ctx) || !ctx_sees_all(ctx);
}

/* 1 may view, 0 may not, -1 error (see access.h). */
int access_can_view_learner(const access_ctx *ctx, int64_t learner_id, cairn_err *err) {
    if (!ctx || !ctx->st || !ctx_sees_some(ctx) || learner_id <= 0) return 0;
    buf sql = BUF_INIT;   /* not HTML: SQL text */
    buf_puts(&sql, "SELECT 1 FROM learner l WHERE l.institution_id = ? AND l.id = ? AND ");
    access_learner_predicate(ctx, "l.institution_id", "l.id", &sql);
    store_stmt *q = store_prepare(ctx->st, buf_cstr(&sql), err);
    buf_free(&sql);
    if (!q) return -1;
    store_bind_int64(q, 1, ctx->institution_id);
    store_bind_int64(q, 2, learner_id);
    access_learner_predicate_bind(ctx, q, 3);
    int rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) return -1;
    return rc == STORE_ROW;
}

/* 1 may act, 0 may not, -1 error (see access.h): acknowledging needs what
** viewing needs; assigning a key worker needs the administrator or school
** leader role on top (and viewing, which also asks the database whether the
** account is still enabled and the learner is of its institution). */
int access_can_act_on_learner(const access_ctx *ctx, int64_t learner_id, access_action action,
                              cairn_err *err) {
    if (!ctx) return 0;
    switch (action) {
    case ACCESS_ACT_ACKNOWLEDGE:
        return access_can_view_learner(ctx, learner_id, err);
    case ACCESS_ACT_ASSIGN_KEY_WORKER:
        if (!ctx_sees_all(ctx)) return 0;
        return access_can_view_learner(ctx, learner_id, err);
    case ACCESS_ACT_CONSENT:
        if (!ctx_sees_all(ctx) && !(ctx->roles & ACCESS_ROLE_KEY_WORKER)) return 0;
        return access_can_view_learner(ctx, learner_id, err);
    case ACCESS_ACT_CONSENT_OVERRIDE:
        if (!(ctx->roles & ACCESS_ROLE_SCHOOL_LEADER)) return 0;
        return access_can_view_learner(ctx, learner_id, err);
    }
    return 0;
}

/* 1 may view the group, 0 may not, -1 error (see access.h).  Asks the
** database whether the account is still enabled, as the learner check does. */
int access_can_view_group(const access_ctx *ctx, int64_t group_id, cairn_err *err) {
    if (!ctx || !ctx->st || !ctx_sees_some(ctx) || group_id <= 0) return 0;
    int sees_all = ctx_sees_all(ctx);
    if (!sees_all && !((ctx->roles & ACCESS_ROLE_TEACHER) && ctx->staff_id > 0)) return 0;
    buf sql = BUF_INIT;   /* not HTML: SQL text */
    buf_puts(&sql, "SELECT 1 FROM class_group g WHERE g.institution_id = ? AND g.id = ?"
                   " AND EXISTS (SELECT 1 FROM account acc_a WHERE acc_a.id = ?"
                   " AND acc_a.disabled = 0)");
    if (!sees_all)
        buf_puts(&sql, " AND EXISTS (SELECT 1 FROM group_staff acc_g"
                       " WHERE acc_g.institution_id = g.institution_id AND acc_g.group_id = g.id"
                       " AND acc_g.staff_id = ? AND acc_g.role <> 'key_worker')");
    store_stmt *q = store_prepare(ctx->st, buf_cstr(&sql), err);
    buf_free(&sql);
    if (!q) return -1;
    store_bind_int64(q, 1, ctx->institution_id);
    store_bind_int64(q, 2, group_id);
    store_bind_int64(q, 3, ctx->account_id);
    if (!sees_all) store_bind_int64(q, 4, ctx->staff_id);
    int rc = store_step(q, err);
    store_finalize(q);
    if (rc < 0) return -1;
    return rc == STORE_ROW;
}

/* ---- cases ----------------------------------------------------------------------- */

/* ctx's relationship to a case (see access.h). */
int access_case_relation(const access_ctx *ctx, int64_t case_id, unsigned *rel, cairn_err *err) {
    return access_case_relations(ctx, &case_id, 1, rel, err);
}

/* ctx's relationship to each of n cases (see access.h): the account asked
** once, each case's relationship and leader bit by one statement each,
** stepped once per case. */
int access_case_relations(const access_ctx *ctx, const int64_t *case_ids, size_t n,
                          unsigned *rels, cairn_err *err) {
    assert(n == 0 || (case_ids && rels));
    for (size_t i = 0; i < n; i++) rels[i] = 0;
    if (!ctx || !ctx->st || !ctx_sees_some(ctx) || !ctx->roles || !n) return 0;
    int64_t enabled = 0;
    if (store_query_int64(ctx->st, "SELECT count(*) FROM account WHERE id = ? AND disabled = 0",
                          ctx->account_id, &enabled, err) < 0)
        return -1;
    if (!enabled) return 0;
    if (support_case_relations(ctx->st, ctx->institution_id, case_ids, n, ctx->staff_id, rels,
                               err) < 0)
        return -1;
    if (!(ctx->roles & ACCESS_ROLE_SCHOOL_LEADER)) return 0;
    /* a leader of the case's own institution only: an unknown case, or one
    ** of another institution, has no relationship at all */
    store_stmt *q = store_prepare(ctx->st,
        "SELECT count(*) FROM support_case WHERE institution_id = ? AND id = ?", err);
    if (!q) return -1;
    int rc = 0;
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        if (case_ids[i] <= 0) continue;   /* no case: no relationship */
        store_bind_int64(q, 1, ctx->institution_id);
        store_bind_int64(q, 2, case_ids[i]);
        rc = store_step(q, err);
        if (rc == STORE_ROW && store_col_int64(q, 0) > 0) rels[i] |= SUPPORT_CASE_REL_LEADER;
        store_reset(q);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Each learner's open case and ctx's relationship to it (see access.h):
** what access_case_relations checks, in the statement that finds the
** case.  The case is found in ctx's institution, so a leader of it has the
** leader bit for every case found. */
int access_learner_cases(const access_ctx *ctx, const int64_t *learners, size_t n,
                         int64_t *case_ids, unsigned *rels, cairn_err *err) {
    assert(ctx && ctx->st && (n == 0 || (learners && case_ids && rels)));
    if (support_case_open_of_learners(ctx->st, ctx->institution_id, learners, n, ctx->staff_id,
                                      case_ids, rels, err) < 0)
        return -1;
    int64_t enabled = 0;
    if (ctx_sees_some(ctx) && ctx->roles && n &&
        store_query_int64(ctx->st, "SELECT count(*) FROM account WHERE id = ? AND disabled = 0",
                          ctx->account_id, &enabled, err) < 0)
        enabled = -1;
    for (size_t i = 0; i < n; i++) {
        if (enabled <= 0) rels[i] = 0;
        else if (case_ids[i] > 0 && (ctx->roles & ACCESS_ROLE_SCHOOL_LEADER))
            rels[i] |= SUPPORT_CASE_REL_LEADER;
    }
    return enabled < 0 ? -1 : 0;
}

/* ---- routes ---------------------------------------------------------------------- */

/* Allow / deny / no rule for role_set on route, from the route's own
** ACCESS (see access.h). */
int access_route_allowed(unsigned role_set, const web_route *route) {
    if (!route || !route->access) return ACCESS_NO_RULE;
    if (route->access & ACCESS_PUBLIC) return ACCESS_ALLOW;
    if (!(role_set & ACCESS_SIGNED_IN)) return ACCESS_DENY;
    if (route->access & ACCESS_SIGNED_IN) return ACCESS_ALLOW;
    return (role_set & route->access & ACCESS_ROLES_ALL) ? ACCESS_ALLOW : ACCESS_DENY;
}
