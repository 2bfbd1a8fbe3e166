/*
** web/demo_caseloads.c — `cairn demo --cases N`: the demo school's key
** workers at scale (see auth.h).  Accounts keyworker-001, keyworker-002,
** … (the demo key worker's public password), linked to the staff who are
** key worker of groups, in staff order, each given a caseload of up to 25
** cases by support_demo_scale_caseload (support/demo_scale.c).
*/
#include "web/auth.h"
#include "base/mem.h"
#include "school/school.h"
#include "support/demo.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One key worker of groups: staff id and ref, and an account linked to
** them already (0 = none). */
typedef struct demo_kw {
    int64_t staff, account;
    char    ref[65];
} demo_kw;

/* The staff of inst who are key worker of a group with active learners, by
** staff id, with the account linked to each (malloc'd into *out). */
static int demo_kw_list(store *st, int64_t inst, demo_kw **out, size_t *n, cairn_err *err) {
    store_stmt *q = store_prepare(st,
        /* from group_staff outward: one pass over it, not one per staff member */
        "SELECT s.id, s.ref, (SELECT min(a.id) FROM account a WHERE a.institution_id ="
        " s.institution_id AND a.person_kind = 'staff' AND a.person_id = s.id)"
        " FROM (SELECT DISTINCT staff_id FROM group_staff WHERE institution_id = ?"
        " AND role = 'key_worker') k JOIN staff s ON s.institution_id = ? AND s.id = k.staff_id"
        " ORDER BY s.id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, inst);
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        *out = xrealloc(*out, (*n + 1) * sizeof **out);
        demo_kw *k = &(*out)[(*n)++];
        k->staff = store_col_int64(q, 0);
        str_copy(k->ref, sizeof k->ref, store_col_text(q, 1));
        k->account = store_col_is_null(q, 2) ? 0 : store_col_int64(q, 2);
    }
    store_finalize(q);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* Make demo caseloads (see auth.h). */
int auth_demo_caseloads(store *st, const char *institution, int cases, int *made, int *workers,
                        cairn_err *err) {
    int64_t inst = 0;
    *made = *workers = 0;
    if (school_institution_resolve(st, institution, &inst, err) < 0) return -1;
    demo_kw *kw = NULL;
    size_t nkw = 0;
    int32_t today;
    if (support_demo_school_today(st, inst, &today, err) < 0 ||
        demo_kw_list(st, inst, &kw, &nkw, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nkw && *made < cases; i++) {
        int64_t account = kw[i].account;
        if (!account) {
            char user[AUTH_USERNAME_MAX + 1];
            snprintf(user, sizeof user, "keyworker-%03zu", i + 1);
            auth_account have;
            cairn_err e2 = {0};
            if (auth_account_find(st, user, &have, &e2) == 0) continue;   /* someone else's */
            auth_account_spec spec = {user, NULL, "cairn-demo-counsellor", institution, kw[i].ref,
                                      ACCESS_ROLE_KEY_WORKER};
            if (auth_account_add(st, &spec, &account, err) < 0) {
                rc = -1;
                break;
            }
        }
        int n = 0;
        rc = support_demo_scale_caseload(st, inst, kw[i].staff, account, cases - *made, today, &n,
                                         err);
        *made += n;
        if (n) (*workers)++;
    }
    free(kw);
    return rc;
}
