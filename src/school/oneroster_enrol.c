/*
** school/oneroster_enrol.c — enrollments.csv from a OneRoster bundle:
** students' enrollments become enrolments, teachers' become group staff.
*/
#include "school/oneroster_internal.h"
#include <string.h>

enum { ENR_STATUS, ENR_CLASS, ENR_SCHOOL, ENR_USER, ENR_ROLE, ENR_PRIMARY, ENR_BEGIN, ENR_END,
       ENR_NCOLS };
static const or_col enrollment_cols[ENR_NCOLS] = {
    [ENR_STATUS] = {"status", 0}, [ENR_CLASS] = {"classSourcedId", 1},
    [ENR_SCHOOL] = {"schoolSourcedId", 0}, [ENR_USER] = {"userSourcedId", 1},
    [ENR_ROLE] = {"role", 1}, [ENR_PRIMARY] = {"primary", 0}, [ENR_BEGIN] = {"beginDate", 0},
    [ENR_END] = {"endDate", 0},
};

/* ---- enrollments.csv --------------------------------------------------------------- */

/* One enrollment of a student: an active enrolment in the class's programme
** and group, from beginDate (else the class's first term's start). */
static int enrol_student(oneroster *o, const or_file *f, const or_ent *cls, const or_ent *u,
                         cairn_err *err) {
    size_t bn;
    or_get(f, ENR_BEGIN, &bn);
    if (!bn && !cls->date) {
        or_bad(o, f, f->field[ENR_BEGIN], "beginDate is empty and the class has no term to "
               "take the start date from");
        return 0;
    }
    const char *learner = or_pool_str(o, u->code), *programme = or_pool_str(o, cls->text);
    const char *group = or_pool_str(o, cls->code), *start = or_pool_str(o, cls->date);
    or_row r;
    or_row_start(&r, IMPORT_ENROLMENTS);
    or_row_put(&r, "learner", learner, strlen(learner), f->field[ENR_USER]);
    or_row_put(&r, "programme", programme, strlen(programme), f->field[ENR_CLASS]);
    if (bn) or_row_cell(&r, "start_date", f, ENR_BEGIN);
    else or_row_put(&r, "start_date", start, strlen(start), f->field[ENR_CLASS]);
    or_row_put(&r, "group", group, strlen(group), f->field[ENR_CLASS]);
    or_row_cell(&r, "expected_end_date", f, ENR_END);
    or_row_put(&r, "status", "active", 6, 0);
    return or_row_send(o, &r, f, err) < 0 ? -1 : 0;
}

/* One enrollment of a teacher: the teacher teaches the group, as its class
** teacher when the enrollment is primary. */
static int enrol_teacher(oneroster *o, const or_file *f, const or_ent *cls, const or_ent *u,
                         cairn_err *err) {
    size_t pn;
    const char *primary = or_get(f, ENR_PRIMARY, &pn);
    int is_primary = or_word_is(primary, pn, "true");
    if (pn && !is_primary && !or_word_is(primary, pn, "false")) {
        or_bad(o, f, f->field[ENR_PRIMARY], "primary \"%.*s\" is not true or false",
               (int)(pn > 40 ? 40 : pn), primary);
        return 0;
    }
    const char *group = or_pool_str(o, cls->code), *staff = or_pool_str(o, u->code);
    const char *role = is_primary ? "class_teacher" : "teacher";
    or_row r;
    or_row_start(&r, IMPORT_GROUP_STAFF);
    or_row_put(&r, "group", group, strlen(group), f->field[ENR_CLASS]);
    or_row_put(&r, "staff", staff, strlen(staff), f->field[ENR_USER]);
    or_row_put(&r, "role", role, strlen(role), f->field[ENR_PRIMARY]);
    return or_row_send(o, &r, f, err) < 0 ? -1 : 0;
}

/* The class and user of the current enrollment: 0 both usable, 1 skip the
** row (reported as bad when it is). */
static int enrol_refs(oneroster *o, const or_file *f, const or_ent **cls, const or_ent **u) {
    size_t sn, cn, un;
    const char *school = or_get(f, ENR_SCHOOL, &sn), *csid = or_get(f, ENR_CLASS, &cn);
    const char *usid = or_get(f, ENR_USER, &un);
    int where = sn ? or_org_where(o, school, sn) : HERE;
    if (where == ELSEWHERE) return 1;
    if (where == UNKNOWN) {
        or_bad(o, f, f->field[ENR_SCHOOL], "school \"%.*s\" is not in orgs.csv", (int)sn, school);
        return 1;
    }
    *cls = or_index_get(&o->classes, csid, cn);
    *u = or_index_get(&o->users, usid, un);
    if (!*cls) {
        or_bad(o, f, f->field[ENR_CLASS], "class \"%.*s\" is not in classes.csv", (int)cn, csid);
        return 1;
    }
    if ((*cls)->state == E_SKIP) return 1;
    if ((*cls)->state == E_BAD) {
        or_bad(o, f, f->field[ENR_CLASS], "class \"%.*s\" was not imported: its row in "
               "classes.csv (line %ld) is bad", (int)cn, csid, (*cls)->line);
        return 1;
    }
    if (!*u) {
        or_bad(o, f, f->field[ENR_USER], "user \"%.*s\" is not in users.csv", (int)un, usid);
        return 1;
    }
    if ((*u)->state == E_SKIP) return 1;
    if ((*u)->state == E_BAD) {
        or_bad(o, f, f->field[ENR_USER], "user \"%.*s\" was not imported: its row in users.csv "
               "(line %ld) is bad", (int)un, usid, (*u)->line);
        return 1;
    }
    return 0;
}

/* enrollments.csv: students' enrollments become enrolments, teachers'
** become group staff; other roles (aides, proctors, ...) are not imported. */
int or_enrollments(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_ENROLLMENTS, enrollment_cols, ENR_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t rn, un;
        const char *role = or_get(&f, ENR_ROLE, &rn), *canon = "", *usid = or_get(&f, ENR_USER, &un);
        const or_ent *cls = NULL, *u = NULL;
        if (or_deleted(&f, ENR_STATUS)) continue;
        int person = or_role_person(role, rn, &canon);
        if (person == P_NONE) {
            or_bad(o, &f, f.field[ENR_ROLE], "role \"%.*s\" is not a OneRoster role",
                   (int)(rn > 40 ? 40 : rn), role);
            continue;
        }
        int is_teacher = !strcmp(canon, "teacher");
        if (person != P_STUDENT && !is_teacher) continue;
        if (enrol_refs(o, &f, &cls, &u)) continue;
        if (u->kind != (is_teacher ? P_STAFF : P_STUDENT)) {
            or_bad(o, &f, f.field[ENR_USER], "user \"%.*s\" is enrolled as a %s but is not a %s "
                   "in users.csv", (int)un, usid, canon, is_teacher ? "member of staff" : canon);
            continue;
        }
        if ((is_teacher ? enrol_teacher : enrol_student)(o, &f, cls, u, err) < 0) {
            rc = -1;
            break;
        }
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}
