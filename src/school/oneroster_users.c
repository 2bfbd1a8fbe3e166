/*
** school/oneroster_users.c — people from a OneRoster bundle: roles.csv
** (1.2), users.csv (learners, staff, guardians, in three passes) and
** demographics.csv (learners' birth dates and sex).
*/
#include "school/oneroster_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    USR_SID, USR_STATUS, USR_ORGS, USR_ROLE, USR_GIVEN, USR_FAMILY, USR_IDENT, USR_EMAIL,
    USR_SMS, USR_PHONE, USR_AGENTS, USR_NCOLS
};
static const or_col user_cols[USR_NCOLS] = {
    [USR_SID] = {"sourcedId", 1}, [USR_STATUS] = {"status", 0},
    [USR_ORGS] = {"orgSourcedIds", 0}, [USR_ROLE] = {"role", 0},   /* 1.2: may be in roles.csv */
    [USR_GIVEN] = {"givenName", 1}, [USR_FAMILY] = {"familyName", 1},
    [USR_IDENT] = {"identifier", 0}, [USR_EMAIL] = {"email", 0}, [USR_SMS] = {"sms", 0},
    [USR_PHONE] = {"phone", 0}, [USR_AGENTS] = {"agentSourcedIds", 0},
};

enum { ROL_STATUS, ROL_USER, ROL_TYPE, ROL_ROLE, ROL_ORG, ROL_NCOLS };
static const or_col role_cols[ROL_NCOLS] = {
    [ROL_STATUS] = {"status", 0}, [ROL_USER] = {"userSourcedId", 1},
    [ROL_TYPE] = {"roleType", 0}, [ROL_ROLE] = {"role", 1}, [ROL_ORG] = {"orgSourcedId", 0},
};

enum { DEM_SID, DEM_STATUS, DEM_BIRTH, DEM_SEX, DEM_NCOLS };
static const or_col demographic_cols[DEM_NCOLS] = {
    [DEM_SID] = {"sourcedId", 1}, [DEM_STATUS] = {"status", 0},
    [DEM_BIRTH] = {"birthDate", 0}, [DEM_SEX] = {"sex", 0},
};

/* ---- roles.csv (1.2) -------------------------------------------------------------- */

/* roles.csv: each user's role, when users.csv has no role column.  A user
** with several roles gets the primary one at this school (or its district),
** else the first one there; roles at other schools only count when the user
** has none here (and then the user belongs elsewhere and is skipped). */
static int or_roles_read(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_ROLES, role_cols, ROL_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t un, rn, on, tn;
        const char *user = or_get(&f, ROL_USER, &un), *role = or_get(&f, ROL_ROLE, &rn);
        const char *org = or_get(&f, ROL_ORG, &on), *type = or_get(&f, ROL_TYPE, &tn);
        const char *canon;
        if (or_deleted(&f, ROL_STATUS)) continue;
        if (!un) { or_bad(o, &f, f.field[ROL_USER], "userSourcedId is empty"); continue; }
        if (or_role_person(role, rn, &canon) == P_NONE) {
            or_bad(o, &f, f.field[ROL_ROLE], "role \"%.*s\" is not a OneRoster role",
                   (int)(rn > 40 ? 40 : rn), role);
            continue;
        }
        int where = on ? or_org_where(o, org, on) : HERE;
        if (where == UNKNOWN) {
            or_bad(o, &f, f.field[ROL_ORG], "org \"%.*s\" is not in orgs.csv", (int)on, org);
            continue;
        }
        int rank = where == ELSEWHERE ? 1 : or_word_is(type, tn, "primary") ? 3 : 2;
        or_ent *e = or_index_get(&o->roles, user, un);
        if (e && e->kind >= rank) continue;
        size_t role_off = or_pool_add(o, canon, strlen(canon));
        if (!e) e = or_index_add(&o->roles, user, un, f.line);
        e->kind = rank;
        e->text = role_off;
        e->line = f.line;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* Report the rows of roles.csv whose user is not in users.csv. */
static int or_roles_check(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_ROLES, role_cols, ROL_NCOLS, 1, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t un;
        const char *user = or_get(&f, ROL_USER, &un);
        if (un && !or_deleted(&f, ROL_STATUS) && !or_index_get(&o->users, user, un))
            or_bad(o, &f, f.field[ROL_USER], "user \"%.*s\" is not in users.csv", (int)un, user);
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* ---- users.csv and demographics.csv ----------------------------------------------- */

/* The current user's role: from users.csv's role column, else from
** roles.csv.  *field gets its field number (0 when from roles.csv), *rank
** roles.csv's rank (1 = only at other schools).  "" when there is none. */
static const char *user_role(const oneroster *o, const or_file *f, size_t *n, int *field,
                             int *rank) {
    *rank = 2;
    if (f->field[USR_ROLE]) {
        *field = f->field[USR_ROLE];
        return or_get(f, USR_ROLE, n);
    }
    size_t sn;
    const char *sid = or_get(f, USR_SID, &sn);
    const or_ent *r = or_index_get(&o->roles, sid, sn);
    *field = 0;
    *rank = r ? r->kind : 0;
    *n = r ? strlen(or_pool_str(o, r->text)) : 0;
    return r ? or_pool_str(o, r->text) : "";
}

/* Whether the user's orgSourcedIds put it at another school only
** (ELSEWHERE), name an org not in orgs.csv (UNKNOWN, *bad set to it), or
** not (HERE). */
static int user_where(const oneroster *o, const or_file *f, const char **bad, size_t *bn) {
    size_t ln, n;
    const char *p = or_get(f, USR_ORGS, &ln), *end = p + ln, *sid;
    int any = 0, here = 0;
    while (or_list_next(&p, end, &sid, &n)) {
        int w = or_org_where(o, sid, n);
        if (w == UNKNOWN) {
            *bad = sid;
            *bn = n;
            return UNKNOWN;
        }
        any = 1;
        here |= w == HERE;
    }
    return any && !here ? ELSEWHERE : HERE;
}

/* Remember the guardians a student names in agentSourcedIds, so that a
** guardian whose own agentSourcedIds is empty is still linked. */
static void user_links(oneroster *o, const or_file *f, size_t student) {
    size_t ln, n;
    const char *p = or_get(f, USR_AGENTS, &ln), *end = p + ln, *sid;
    while (or_list_next(&p, end, &sid, &n)) {
        if (!o->guardian_links) o->guardian_links = hmap_new();
        if (o->nlinks == o->caplinks) {
            o->caplinks = o->caplinks ? 2 * o->caplinks : 64;
            o->links = xrealloc(o->links, o->caplinks * sizeof *o->links);
        }
        int64_t head = 0;
        hmap_get(o->guardian_links, sid, n, &head);
        o->links[o->nlinks] = (or_link){student, (size_t)head};
        hmap_put(o->guardian_links, sid, n, (int64_t)++o->nlinks);
    }
}

/* users.csv, first pass: index every user with its role, code and school;
** report rows that cannot be used at all. */
static int users_index(oneroster *o, or_file *f, cairn_err *err) {
    int rc;
    while ((rc = or_next(o, f, err)) == 1) {
        size_t n, in, rn, bn = 0;
        int rfield, rank;
        const char *sid = or_get(f, USR_SID, &n), *ident = or_get(f, USR_IDENT, &in);
        const char *role = user_role(o, f, &rn, &rfield, &rank), *canon = NULL, *bad = NULL;
        if (!n) { or_bad(o, f, f->field[USR_SID], "sourcedId is empty"); continue; }
        const or_ent *old = or_index_get(&o->users, sid, n);
        if (old) {
            or_bad(o, f, f->field[USR_SID], "sourcedId \"%.*s\" appears twice (first on line %ld)",
                   (int)n, sid, old->line);
            continue;
        }
        int person = or_role_person(role, rn, &canon);
        int where = user_where(o, f, &bad, &bn);
        size_t code = in ? or_pool_add(o, ident, in) : or_pool_add(o, sid, n);
        or_ent *e = or_index_add(&o->users, sid, n, f->line);
        e->code = code;
        e->kind = person;
        if (or_deleted(f, USR_STATUS) || where == ELSEWHERE || rank == 1) {
            e->state = E_SKIP;
        } else if (where == UNKNOWN) {
            e->state = E_BAD;
            or_bad(o, f, f->field[USR_ORGS], "org \"%.*s\" is not in orgs.csv", (int)bn, bad);
        } else if (!rn) {
            e->state = E_BAD;
            or_bad(o, f, rfield, rfield ? "role is empty" : "the user has no role in roles.csv");
        } else if (person == P_NONE) {
            e->state = E_BAD;
            or_bad(o, f, rfield, "role \"%.*s\" is not a OneRoster role (student, teacher, "
                   "parent, guardian, relative, administrator, ...)", (int)(rn > 40 ? 40 : rn), role);
        } else if (person == P_STUDENT) {
            user_links(o, f, o->users.n - 1);
        }
    }
    return rc < 0 ? -1 : 0;
}

/* demographics.csv: birth dates and sex of learners, checked here and kept
** in the user index until the learner rows are written. */
static int or_demographics(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_DEMOGRAPHICS, demographic_cols, DEM_NCOLS, 0, err);
    if (rc <= 0) return rc;
    static const struct { const char *sex, *gender; } sexes[] = {
        {"female", "female"}, {"male", "male"}, {"other", "diverse"},
        {"unspecified", "not_stated"},
    };
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t n, bn, sn;
        const char *sid = or_get(&f, DEM_SID, &n), *birth = or_get(&f, DEM_BIRTH, &bn);
        const char *sex = or_get(&f, DEM_SEX, &sn), *gender = NULL;
        int32_t day;
        if (or_deleted(&f, DEM_STATUS)) continue;
        or_ent *u = or_index_get(&o->users, sid, n);
        if (!u) {
            or_bad(o, &f, f.field[DEM_SID], "user \"%.*s\" is not in users.csv", (int)n, sid);
            continue;
        }
        if (u->state == E_SKIP) continue;
        if (u->seen) {
            or_bad(o, &f, f.field[DEM_SID], "user \"%.*s\" has a second row in demographics.csv",
                   (int)n, sid);
            continue;
        }
        u->seen = 1;
        if (bn && date_parse(birth, bn, &day) < 0) {
            or_bad(o, &f, f.field[DEM_BIRTH], "birthDate \"%.*s\" is not a date of the form "
                   "YYYY-MM-DD", (int)(bn > 40 ? 40 : bn), birth);
            continue;
        }
        if (bn && day > date_today()) {
            or_bad(o, &f, f.field[DEM_BIRTH], "birthDate %.*s is in the future", (int)bn, birth);
            continue;
        }
        for (size_t i = 0; sn && i < sizeof sexes / sizeof *sexes; i++)
            if (or_word_is(sex, sn, sexes[i].sex)) gender = sexes[i].gender;
        if (sn && !gender) {
            or_bad(o, &f, f.field[DEM_SEX], "sex \"%.*s\" is not female, male, other or "
                   "unspecified", (int)(sn > 40 ? 40 : sn), sex);
            continue;
        }
        if (u->kind != P_STUDENT) continue;   /* cairn keeps no staff or guardian birth dates */
        u->date = or_pool_add(o, birth, bn);
        u->text = gender ? or_pool_add(o, gender, strlen(gender)) : 0;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* The user entity the current row of users.csv defined, or NULL when the row
** was unusable (reported by users_index) or the user is skipped. */
static or_ent *user_here(const oneroster *o, const or_file *f) {
    size_t n;
    const char *sid = or_get(f, USR_SID, &n);
    or_ent *e = or_index_get(&o->users, sid, n);
    return e && e->line == f->line && e->state == E_OK ? e : NULL;
}

/* users.csv, second pass: students become learners (with their
** demographics), staff roles become staff with the role as job title. */
static int users_people(oneroster *o, or_file *f, cairn_err *err) {
    int rc;
    while ((rc = or_next(o, f, err)) == 1) {
        or_ent *e = user_here(o, f);
        if (!e || (e->kind != P_STUDENT && e->kind != P_STAFF)) continue;
        size_t in, rn;
        int rfield, rank;
        or_get(f, USR_IDENT, &in);
        const char *role = user_role(o, f, &rn, &rfield, &rank), *canon = "";
        or_role_person(role, rn, &canon);
        or_row r;
        if (e->kind == P_STUDENT) {
            const char *birth = or_pool_str(o, e->date), *gender = or_pool_str(o, e->text);
            or_row_start(&r, IMPORT_LEARNERS);
            or_row_cell(&r, "learner", f, in ? USR_IDENT : USR_SID);
            or_row_put(&r, "birth_date", birth, strlen(birth), 0);
            or_row_put(&r, "gender", gender, strlen(gender), 0);
        } else {
            or_row_start(&r, IMPORT_STAFF);
            or_row_cell(&r, "staff", f, in ? USR_IDENT : USR_SID);
            or_row_put(&r, "job_title", canon, strlen(canon), rfield);
        }
        or_row_cell(&r, "given_name", f, USR_GIVEN);
        or_row_cell(&r, "family_name", f, USR_FAMILY);
        or_row_cell(&r, "email", f, USR_EMAIL);
        int sent = or_row_send(o, &r, f, err);
        if (sent < 0) return -1;
        if (sent) e->state = E_BAD;
    }
    return rc < 0 ? -1 : 0;
}

/* Write one guardian row of the current users.csv record for the learner
** student (learner_field: where the learner came from, 0 = another row). */
static int guardian_row(oneroster *o, const or_file *f, const or_ent *g, const or_ent *student,
                        int learner_field, cairn_err *err) {
    static const char *const rel[] = {[P_PARENT] = "parent", [P_GUARDIAN] = "guardian",
                                      [P_RELATIVE] = "other"};
    size_t in, pn, rn;
    int rfield, rank;
    or_get(f, USR_IDENT, &in);
    or_get(f, USR_PHONE, &pn);
    user_role(o, f, &rn, &rfield, &rank);
    const char *learner = or_pool_str(o, student->code);
    or_row r;
    or_row_start(&r, IMPORT_GUARDIANS);
    or_row_cell(&r, "guardian", f, in ? USR_IDENT : USR_SID);
    or_row_cell(&r, "given_name", f, USR_GIVEN);
    or_row_cell(&r, "family_name", f, USR_FAMILY);
    or_row_cell(&r, "email", f, USR_EMAIL);
    or_row_cell(&r, "phone", f, pn ? USR_PHONE : USR_SMS);
    or_row_put(&r, "learner", learner, strlen(learner), learner_field);
    or_row_put(&r, "relationship", rel[g->kind], strlen(rel[g->kind]), rfield);
    or_row_put(&r, "parental_responsibility", g->kind == P_RELATIVE ? "no" : "yes",
            g->kind == P_RELATIVE ? 2 : 3, rfield);
    return or_row_send(o, &r, f, err) < 0 ? -1 : 0;
}

/* 1 if student is among done[0..n); else adds it and returns 0. */
static int seen_before(size_t **done, size_t *n, size_t *cap, size_t student) {
    for (size_t i = 0; i < *n; i++)
        if ((*done)[i] == student) return 1;
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *done = xrealloc(*done, *cap * sizeof **done);
    }
    (*done)[(*n)++] = student;
    return 0;
}

/* users.csv, third pass (learners exist now): parents, guardians and
** relatives become guardians, one row per student of this school they are
** linked to, by their own agentSourcedIds or by the student's. */
static int users_guardians(oneroster *o, or_file *f, cairn_err *err) {
    int rc;
    size_t *done = NULL, ndone, cap = 0;
    while ((rc = or_next(o, f, err)) == 1) {
        const or_ent *g = user_here(o, f);
        if (!g || g->kind < P_PARENT) continue;
        size_t ln, n, sn;
        const char *p = or_get(f, USR_AGENTS, &ln), *end = p + ln, *sid;
        ndone = 0;
        while (rc >= 0 && or_list_next(&p, end, &sid, &n)) {
            const or_ent *s = or_index_get(&o->users, sid, n);
            if (!s) {
                or_bad(o, f, f->field[USR_AGENTS], "agent \"%.*s\" is not in users.csv",
                       (int)n, sid);
                continue;
            }
            size_t si = (size_t)(s - o->users.ents);
            if (s->kind != P_STUDENT || s->state != E_OK || seen_before(&done, &ndone, &cap, si))
                continue;
            if (guardian_row(o, f, g, s, f->field[USR_AGENTS], err) < 0) rc = -1;
        }
        const char *gsid = or_get(f, USR_SID, &sn);
        int64_t link = 0;
        if (o->guardian_links) hmap_get(o->guardian_links, gsid, sn, &link);
        for (; rc >= 0 && link; link = (int64_t)o->links[link - 1].next) {
            size_t si = o->links[link - 1].student;
            if (o->users.ents[si].state != E_OK || seen_before(&done, &ndone, &cap, si)) continue;
            if (guardian_row(o, f, g, &o->users.ents[si], 0, err) < 0) rc = -1;
        }
        if (rc < 0) break;
    }
    free(done);
    return rc < 0 ? -1 : 0;
}

/* users.csv with roles.csv (1.2) and demographics.csv: index the users,
** merge demographics, then write learners and staff, then guardians. */
int or_users(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_USERS, user_cols, USR_NCOLS, 0, err);
    if (rc <= 0) return rc;
    if (!f.field[USR_ROLE]) {
        buf path = BUF_INIT;
        buf_printf(&path, "%s/%s", o->dir, or_files[F_ROLES].file);
        int have_roles = o->bulk[F_ROLES] >= 0 && access(buf_cstr(&path), F_OK) == 0;
        buf_free(&path);
        if (o->version < 12 || !have_roles) {
            or_close(&f);
            return err_set(err, CAIRN_EINVAL, "users.csv:1: required column \"role\" is "
                           "missing%s", o->version < 12 ? "" : " (and there is no roles.csv)");
        }
        if (or_roles_read(o, err) < 0) { or_close(&f); return -1; }
    }
    rc = users_index(o, &f, err);
    or_close(&f);
    if (rc == 0 && o->roles.map) rc = or_roles_check(o, err);
    if (rc == 0) rc = or_demographics(o, err);
    for (int pass = 0; rc == 0 && pass < 2; pass++) {
        if (or_open(o, &f, F_USERS, user_cols, USR_NCOLS, 1, err) < 0) return -1;
        rc = pass == 0 ? users_people(o, &f, err) : users_guardians(o, &f, err);
        or_close(&f);
    }
    return rc;
}
