/*
** school/oneroster_school.c — the school's structure from a OneRoster
** bundle: orgs.csv (which org is the school), academicSessions.csv (terms),
** courses.csv (programmes) and classes.csv (groups).
*/
#include "school/oneroster_internal.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum { ORG_SID, ORG_STATUS, ORG_NAME, ORG_TYPE, ORG_IDENT, ORG_NCOLS };
static const or_col org_cols[ORG_NCOLS] = {
    [ORG_SID] = {"sourcedId", 1}, [ORG_STATUS] = {"status", 0}, [ORG_NAME] = {"name", 1},
    [ORG_TYPE] = {"type", 1}, [ORG_IDENT] = {"identifier", 0},
};

enum { SES_SID, SES_STATUS, SES_TITLE, SES_TYPE, SES_START, SES_END, SES_YEAR, SES_NCOLS };
static const or_col session_cols[SES_NCOLS] = {
    [SES_SID] = {"sourcedId", 1}, [SES_STATUS] = {"status", 0}, [SES_TITLE] = {"title", 1},
    [SES_TYPE] = {"type", 1}, [SES_START] = {"startDate", 1}, [SES_END] = {"endDate", 1},
    [SES_YEAR] = {"schoolYear", 1},
};

enum { CRS_SID, CRS_STATUS, CRS_TITLE, CRS_CODE, CRS_ORG, CRS_NCOLS };
static const or_col course_cols[CRS_NCOLS] = {
    [CRS_SID] = {"sourcedId", 1}, [CRS_STATUS] = {"status", 0}, [CRS_TITLE] = {"title", 1},
    [CRS_CODE] = {"courseCode", 0}, [CRS_ORG] = {"orgSourcedId", 0},
};

enum { CLS_SID, CLS_STATUS, CLS_TITLE, CLS_COURSE, CLS_CODE, CLS_SCHOOL, CLS_TERMS, CLS_NCOLS };
static const or_col class_cols[CLS_NCOLS] = {
    [CLS_SID] = {"sourcedId", 1}, [CLS_STATUS] = {"status", 0}, [CLS_TITLE] = {"title", 1},
    [CLS_COURSE] = {"courseSourcedId", 1}, [CLS_CODE] = {"classCode", 0},
    [CLS_SCHOOL] = {"schoolSourcedId", 0}, [CLS_TERMS] = {"termSourcedIds", 0},
};

/* ---- orgs.csv ------------------------------------------------------------------- */

/* Whether the org sid[0..n) is the chosen school (HERE), another school or
** a deleted org (ELSEWHERE), or not in orgs.csv (UNKNOWN).  Districts and
** other authorities above schools count as HERE: their courses are shared.
** Without orgs.csv everything is HERE. */
int or_org_where(const oneroster *o, const char *sid, size_t n) {
    if (!o->have_orgs) return HERE;
    const or_ent *e = or_index_get(&o->orgs, sid, n);
    if (!e) return UNKNOWN;
    if (e == &o->orgs.ents[o->school]) return HERE;
    if (e->state != E_OK) return ELSEWHERE;
    return e->kind == ORG_AUTHORITY ? HERE : ELSEWHERE;
}

/* Choose the school the bundle is imported as: the org of type school
** (else the first org that is not an authority such as a district), and
** among several, the one whose identifier or sourcedId is opts.institution. */
static int org_choose(oneroster *o, cairn_err *err) {
    const char *want = o->im->opts.institution;
    int kind = ORG_SCHOOL;
    size_t count = 0, pick = 0, found = 0;
    for (int pass = 0; pass < 2 && !count; pass++) {
        kind = pass == 0 ? ORG_SCHOOL : ORG_OTHER;
        for (size_t i = 0; i < o->orgs.n; i++) {
            const or_ent *e = &o->orgs.ents[i];
            if (e->state != E_OK || e->kind != kind) continue;
            if (!count++) pick = i;
            if (want && (!strcmp(want, or_pool_str(o, e->code)) ||
                         !strcmp(want, or_pool_str(o, e->text)))) {
                found++;
                pick = i;
            }
            if (pass == 1 && !want) break;   /* the first such org */
        }
    }
    if (!count)
        return err_set(err, CAIRN_EINVAL, "orgs.csv: there is no school in it (no org of type "
                       "\"school\"), so there is nothing to import the bundle into");
    if ((want && found != 1) || (!want && count > 1)) {
        buf b = BUF_INIT;
        for (size_t i = 0, k = 0; i < o->orgs.n && k < 20; i++) {
            const or_ent *e = &o->orgs.ents[i];
            if (e->state != E_OK || e->kind != kind) continue;
            buf_printf(&b, "%s%s", k++ ? ", " : "", or_pool_str(o, e->code));
        }
        if (!want)
            err_set(err, CAIRN_EINVAL, "several schools in orgs.csv; choose one with "
                    "--institution CODE (one of: %s)", buf_cstr(&b));
        else
            err_set(err, CAIRN_EINVAL, "orgs.csv: no school has the identifier or sourcedId "
                    "\"%s\" given with --institution (the schools are: %s)", want, buf_cstr(&b));
        buf_free(&b);
        return -1;
    }
    o->school = pick;
    return 0;
}

/* The last message of the report, without its newline, into out (for a
** fatal error about a bad row); returns out. */
static const char *last_message(const importer *im, char *out, size_t size) {
    const buf *m = &im->rep.messages;
    size_t end = m->len, i;
    if (end && m->data[end - 1] == '\n') end--;
    for (i = end; i > 0 && m->data[i - 1] != '\n'; i--) {}
    if (end > i) snprintf(out, size, "%.*s", (int)(end - i), m->data + i);
    else snprintf(out, size, "see the report");
    return out;
}

/* orgs.csv: remember every org, choose the school, and write it as the
** institution the rest of the bundle goes to. */
int or_orgs(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_ORGS, org_cols, ORG_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t n, tn, in;
        const char *sid = or_get(&f, ORG_SID, &n), *type = or_get(&f, ORG_TYPE, &tn);
        const char *ident = or_get(&f, ORG_IDENT, &in);
        if (!n) { or_bad(o, &f, f.field[ORG_SID], "sourcedId is empty"); continue; }
        const or_ent *old = or_index_get(&o->orgs, sid, n);
        if (old) {
            or_bad(o, &f, f.field[ORG_SID], "sourcedId \"%.*s\" appears twice (first on line %ld)",
                   (int)n, sid, old->line);
            continue;
        }
        size_t code = in ? or_pool_add(o, ident, in) : or_pool_add(o, sid, n);
        size_t sid_off = or_pool_add(o, sid, n);
        or_ent *e = or_index_add(&o->orgs, sid, n, f.line);
        e->code = code;
        e->text = sid_off;
        e->state = or_deleted(&f, ORG_STATUS) ? E_SKIP : E_OK;
        e->kind = or_word_is(type, tn, "school") ? ORG_SCHOOL
                : (or_word_is(type, tn, "district") || or_word_is(type, tn, "state") ||
                   or_word_is(type, tn, "national") || or_word_is(type, tn, "local"))
                ? ORG_AUTHORITY
                : ORG_OTHER;
    }
    or_close(&f);
    if (rc < 0) return -1;
    if (org_choose(o, err) < 0) return -1;
    o->have_orgs = 1;

    /* Second pass: the chosen org's own row becomes the institution. */
    long line = o->orgs.ents[o->school].line;
    if (or_open(o, &f, F_ORGS, org_cols, ORG_NCOLS, 1, err) < 0) return -1;
    while ((rc = or_next(o, &f, err)) == 1 && f.line != line) {}
    if (rc == 1) {
        const char *code = or_pool_str(o, o->orgs.ents[o->school].code);
        size_t in;
        or_get(&f, ORG_IDENT, &in);
        or_row r;
        or_row_start(&r, IMPORT_INSTITUTIONS);
        or_row_put(&r, "institution", code, strlen(code), f.field[in ? ORG_IDENT : ORG_SID]);
        or_row_cell(&r, "name", &f, ORG_NAME);
        rc = or_row_send(o, &r, &f, err);
        char last[CAIRN_ERR_MAX / 2];
        if (rc == 1)
            rc = err_set(err, CAIRN_EINVAL, "the school cannot be imported, so nothing else "
                         "can: %s", last_message(o->im, last, sizeof last));
    } else if (rc == 0) {
        rc = err_set(err, CAIRN_EINTERNAL, "orgs.csv changed while it was read");
    }
    or_close(&f);
    if (rc < 0) return -1;
    const char *code = or_pool_str(o, o->orgs.ents[o->school].code);
    int64_t id = 0;
    hmap_get(o->im->institutions, code, strlen(code), &id);
    if (o->im->inst_id && o->im->inst_id != id)
        return err_set(err, CAIRN_EINVAL, "orgs.csv:%ld: this import already goes to another "
                       "institution; import the school \"%s\" on its own", line, code);
    o->im->inst_id = id;
    return 0;
}

/* ---- academicSessions.csv -------------------------------------------------------- */

/* "2025" -> "2024/25" in out; anything else is returned as it is.  *n is
** the length in and out. */
static const char *school_year(const char *s, size_t *n, char out[16]) {
    if (*n != 4) return s;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i])) return s;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *n = (size_t)snprintf(out, 16, "%d/%02d", y - 1, y % 100);
    return out;
}

/* academicSessions.csv: terms, semesters and grading periods become terms;
** school years are remembered (classes may name them) but not imported. */
int or_sessions(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_SESSIONS, session_cols, SES_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t n, tn, sn, yn;
        const char *sid = or_get(&f, SES_SID, &n), *type = or_get(&f, SES_TYPE, &tn);
        const char *start = or_get(&f, SES_START, &sn), *year = or_get(&f, SES_YEAR, &yn);
        if (!n) { or_bad(o, &f, f.field[SES_SID], "sourcedId is empty"); continue; }
        const or_ent *old = or_index_get(&o->sessions, sid, n);
        if (old) {
            or_bad(o, &f, f.field[SES_SID], "sourcedId \"%.*s\" appears twice (first on line %ld)",
                   (int)n, sid, old->line);
            continue;
        }
        char yb[16];
        year = school_year(year, &yn, yb);
        int is_term = or_word_is(type, tn, "term") || or_word_is(type, tn, "semester") ||
                      or_word_is(type, tn, "gradingPeriod");
        size_t start_off = or_pool_add(o, start, sn), year_off = or_pool_add(o, year, yn);
        or_ent *e = or_index_add(&o->sessions, sid, n, f.line);
        e->date = start_off;
        e->text = year_off;
        if (or_deleted(&f, SES_STATUS)) { e->state = E_SKIP; continue; }
        if (!is_term) {
            if (!or_word_is(type, tn, "schoolYear")) {
                e->state = E_BAD;
                or_bad(o, &f, f.field[SES_TYPE], "type \"%.*s\" is not term, semester, "
                       "gradingPeriod or schoolYear", (int)(tn > 40 ? 40 : tn), type);
            }
            continue;
        }
        or_row r;
        or_row_start(&r, IMPORT_TERMS);
        or_row_cell(&r, "term", &f, SES_SID);
        or_row_cell(&r, "name", &f, SES_TITLE);
        or_row_put(&r, "school_year", year, yn, f.field[SES_YEAR]);
        or_row_cell(&r, "start_date", &f, SES_START);
        or_row_cell(&r, "end_date", &f, SES_END);
        int sent = or_row_send(o, &r, &f, err);
        if (sent < 0) { rc = -1; break; }
        if (sent) o->sessions.ents[o->sessions.n - 1].state = E_BAD;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* ---- courses.csv ------------------------------------------------------------------ */

/* courses.csv: every course of the school (or of its district) becomes a
** programme, coded by courseCode, else by sourcedId. */
int or_courses(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_COURSES, course_cols, CRS_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t n, cn, on;
        const char *sid = or_get(&f, CRS_SID, &n), *code = or_get(&f, CRS_CODE, &cn);
        const char *org = or_get(&f, CRS_ORG, &on);
        if (!n) { or_bad(o, &f, f.field[CRS_SID], "sourcedId is empty"); continue; }
        const or_ent *old = or_index_get(&o->courses, sid, n);
        if (old) {
            or_bad(o, &f, f.field[CRS_SID], "sourcedId \"%.*s\" appears twice (first on line %ld)",
                   (int)n, sid, old->line);
            continue;
        }
        int where = on ? or_org_where(o, org, on) : HERE;
        int code_col = cn ? CRS_CODE : CRS_SID;
        size_t code_off = cn ? or_pool_add(o, code, cn) : or_pool_add(o, sid, n);
        or_ent *e = or_index_add(&o->courses, sid, n, f.line);
        e->code = code_off;
        if (or_deleted(&f, CRS_STATUS) || where == ELSEWHERE) { e->state = E_SKIP; continue; }
        if (where == UNKNOWN) {
            e->state = E_BAD;
            or_bad(o, &f, f.field[CRS_ORG], "org \"%.*s\" is not in orgs.csv", (int)on, org);
            continue;
        }
        or_row r;
        or_row_start(&r, IMPORT_PROGRAMMES);
        or_row_cell(&r, "programme", &f, code_col);
        or_row_cell(&r, "name", &f, CRS_TITLE);
        int sent = or_row_send(o, &r, &f, err);
        if (sent < 0) { rc = -1; break; }
        if (sent) o->courses.ents[o->courses.n - 1].state = E_BAD;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}

/* ---- classes.csv ------------------------------------------------------------------ */

/* The class's terms: each must be in academicSessions.csv; the first one
** that is gives the start date and school year (*term, NULL if none).
** Returns 0, or 1 after reporting the row as bad. */
static int class_terms(oneroster *o, const or_file *f, const or_ent **term) {
    size_t ln, n;
    const char *p = or_get(f, CLS_TERMS, &ln), *end = p + ln, *sid;
    *term = NULL;
    while (or_list_next(&p, end, &sid, &n)) {
        const or_ent *t = or_index_get(&o->sessions, sid, n);
        if (!t) {
            or_bad(o, f, f->field[CLS_TERMS], "term \"%.*s\" is not in academicSessions.csv",
                   (int)n, sid);
            return 1;
        }
        if (!*term && t->state == E_OK) *term = t;
    }
    return 0;
}

/* classes.csv: every class of the school becomes a group of its course's
** programme, coded by classCode, else by sourcedId. */
int or_classes(oneroster *o, cairn_err *err) {
    or_file f;
    int rc = or_open(o, &f, F_CLASSES, class_cols, CLS_NCOLS, 0, err);
    if (rc <= 0) return rc;
    while ((rc = or_next(o, &f, err)) == 1) {
        size_t n, cn, sn, crn;
        const char *sid = or_get(&f, CLS_SID, &n), *code = or_get(&f, CLS_CODE, &cn);
        const char *school = or_get(&f, CLS_SCHOOL, &sn), *crs = or_get(&f, CLS_COURSE, &crn);
        if (!n) { or_bad(o, &f, f.field[CLS_SID], "sourcedId is empty"); continue; }
        const or_ent *old = or_index_get(&o->classes, sid, n);
        if (old) {
            or_bad(o, &f, f.field[CLS_SID], "sourcedId \"%.*s\" appears twice (first on line %ld)",
                   (int)n, sid, old->line);
            continue;
        }
        int where = sn ? or_org_where(o, school, sn) : HERE;
        const or_ent *course = or_index_get(&o->courses, crs, crn), *term = NULL;
        int state = E_OK;
        if (or_deleted(&f, CLS_STATUS) || where == ELSEWHERE) {
            state = E_SKIP;
        } else if (where == UNKNOWN) {
            state = E_BAD;
            or_bad(o, &f, f.field[CLS_SCHOOL], "school \"%.*s\" is not in orgs.csv", (int)sn, school);
        } else if (!course) {
            state = E_BAD;
            or_bad(o, &f, f.field[CLS_COURSE], "course \"%.*s\" is not in courses.csv",
                   (int)crn, crs);
        } else if (course->state == E_SKIP) {
            state = E_SKIP;
        } else if (course->state == E_BAD) {
            state = E_BAD;
            or_bad(o, &f, f.field[CLS_COURSE], "course \"%.*s\" was not imported: its row in "
                   "courses.csv (line %ld) is bad", (int)crn, crs, course->line);
        } else if (class_terms(o, &f, &term)) {
            state = E_BAD;
        }
        size_t programme = course ? course->code : 0;
        size_t start = term ? term->date : 0, year = term ? term->text : 0;
        size_t code_off = cn ? or_pool_add(o, code, cn) : or_pool_add(o, sid, n);
        or_ent *e = or_index_add(&o->classes, sid, n, f.line);
        e->code = code_off;
        e->text = programme;
        e->date = start;
        e->state = state;
        if (state != E_OK) continue;
        or_row r;
        or_row_start(&r, IMPORT_GROUPS);
        or_row_cell(&r, "group", &f, cn ? CLS_CODE : CLS_SID);
        or_row_cell(&r, "name", &f, CLS_TITLE);
        or_row_put(&r, "programme", or_pool_str(o, programme), strlen(or_pool_str(o, programme)),
                f.field[CLS_COURSE]);
        or_row_put(&r, "school_year", or_pool_str(o, year), strlen(or_pool_str(o, year)),
                f.field[CLS_TERMS]);
        int sent = or_row_send(o, &r, &f, err);
        if (sent < 0) { rc = -1; break; }
        if (sent) o->classes.ents[o->classes.n - 1].state = E_BAD;
    }
    or_close(&f);
    return rc < 0 ? -1 : 0;
}
