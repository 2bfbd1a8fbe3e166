/*
** school/import_spec.c — the columns of every import kind.
*/
#include "school/import_spec.h"
#include <string.h>

#define CODE(n, req, help)  {n, COL_CODE, req, 64, 0, 0, NULL, help}
#define TEXT(n, req, len, help) {n, COL_TEXT, req, len, 0, 0, NULL, help}
#define DATE(n, req, help)  {n, COL_DATE, req, 10, 0, 0, NULL, help}
#define INT(n, req, lo, hi, help) {n, COL_INT, req, 20, lo, hi, NULL, help}
#define NUM(n, req, lo, hi, help) {n, COL_NUM, req, 32, lo, hi, NULL, help}
#define BOOL(n, req, help)  {n, COL_BOOL, req, 5, 0, 0, NULL, help}
#define ENUM(n, req, v, help) {n, COL_ENUM, req, 64, 0, 0, v, help}
#define COUNT(a) (sizeof(a) / sizeof *(a))

const char *const import_attendance_status[] = {
    "present", "late", "absent_excused", "absent_unexcused", NULL};

static const char *const enrolment_status[] = {
    "active", "paused", "completed", "left_early", "transferred", NULL};

static const char *const exit_reasons[] = {
    "completed", "personal", "health", "family", "financial", "employment",
    "wrong_choice", "academic", "behaviour", "relocation", "transfer",
    "apprenticeship_ended", "other", "unknown", NULL};

static const char *const relationships[] = {
    "mother", "father", "parent", "guardian", "carer", "grandparent",
    "sibling", "other", NULL};

static const char *const staff_roles[] = {
    "teacher", "class_teacher", "trainer", "key_worker", NULL};

static const char *const behaviour_types[] = {
    "disruption", "lateness", "truancy", "verbal_abuse", "aggression",
    "bullying", "property_damage", "substance", "cheating", "other", NULL};

static const char *const genders[] = {
    "female", "male", "diverse", "not_stated", NULL};

static const import_col institution_cols[] = {
    CODE("institution", 1, "the institution's own code"),
    TEXT("name", 1, 200, "full name"),
    TEXT("country", 0, 2, "ISO 3166 two-letter country code"),
};
static const import_col site_cols[] = {
    CODE("site", 1, "site code"),
    TEXT("name", 1, 200, "site name"),
    TEXT("address", 0, 500, "postal address"),
};
static const import_col term_cols[] = {
    CODE("term", 1, "term code, e.g. 2024-T1"),
    TEXT("name", 1, 200, "name shown to people"),
    TEXT("school_year", 1, 20, "school year, e.g. 2024/25"),
    DATE("start_date", 1, "first day"),
    DATE("end_date", 1, "last day (not before start_date)"),
};
static const import_col programme_cols[] = {
    CODE("programme", 1, "programme code"),
    TEXT("name", 1, 200, "qualification name"),
    INT("eqf_level", 0, 1, 8, "European Qualifications Framework level 1-8"),
    INT("duration_months", 0, 1, 120, "nominal duration in months"),
    TEXT("field", 0, 100, "occupational field"),
};
static const import_col group_cols[] = {
    CODE("group", 1, "group / class code"),
    TEXT("name", 1, 200, "name shown to people"),
    CODE("programme", 0, "programme code (from programmes)"),
    TEXT("school_year", 0, 20, "school year, e.g. 2024/25"),
    INT("year_of_programme", 0, 1, 10, "1 for first-year groups, ..."),
    CODE("site", 0, "site code (from sites)"),
};
static const import_col learner_cols[] = {
    CODE("learner", 1, "the school's learner id"),
    TEXT("given_name", 1, 200, "given name"),
    TEXT("family_name", 1, 200, "family name"),
    DATE("birth_date", 0, "date of birth"),
    TEXT("email", 0, 254, "e-mail address"),
    ENUM("gender", 0, genders, "fairness audit only: female, male, diverse, not_stated"),
    BOOL("migrant_background", 0, "fairness audit only"),
    BOOL("special_needs", 0, "fairness audit only: special educational needs"),
    TEXT("first_language", 0, 35, "fairness audit only: BCP 47 language tag"),
};
static const import_col staff_cols[] = {
    CODE("staff", 1, "the school's staff id"),
    TEXT("given_name", 1, 200, "given name"),
    TEXT("family_name", 1, 200, "family name"),
    TEXT("email", 0, 254, "e-mail address"),
    TEXT("job_title", 0, 100, "e.g. teacher, counsellor, coach, head"),
};
static const import_col guardian_cols[] = {
    CODE("guardian", 1, "the school's guardian id"),
    TEXT("given_name", 1, 200, "given name"),
    TEXT("family_name", 1, 200, "family name"),
    TEXT("email", 0, 254, "e-mail address"),
    TEXT("phone", 0, 40, "phone number"),
    CODE("learner", 1, "learner id (from learners)"),
    ENUM("relationship", 1, relationships, "relationship to the learner"),
    BOOL("parental_responsibility", 1, "holds parental responsibility"),
};
static const import_col group_staff_cols[] = {
    CODE("group", 1, "group code (from groups)"),
    CODE("staff", 1, "staff id (from staff)"),
    ENUM("role", 0, staff_roles, "teacher (default), class_teacher, trainer, key_worker"),
};
static const import_col enrolment_cols[] = {
    CODE("learner", 1, "learner id (from learners)"),
    CODE("programme", 1, "programme code (from programmes)"),
    DATE("start_date", 1, "first day in the programme"),
    CODE("group", 0, "group code (from groups)"),
    DATE("expected_end_date", 0, "planned last day"),
    ENUM("status", 1, enrolment_status, "active, paused, completed, left_early, transferred"),
    DATE("exit_date", 0, "required unless active or paused"),
    ENUM("exit_reason", 0, exit_reasons, "required for left_early and transferred"),
};
static const import_col attendance_cols[] = {
    CODE("learner", 1, "learner id (from learners)"),
    DATE("date", 1, "school day"),
    INT("session", 0, 0, 16, "0 (default) = whole day, 1..16 = lesson/period"),
    ENUM("status", 1, import_attendance_status, "present, late, absent_excused, absent_unexcused"),
    INT("minutes", 0, 0, 1440, "minutes late or missed (default 0)"),
};
static const import_col result_cols[] = {
    CODE("learner", 1, "learner id (from learners)"),
    CODE("unit", 1, "unit / module code"),
    CODE("assessment", 1, "assessment code within the unit"),
    DATE("date", 1, "date the result was due or given"),
    NUM("score", 0, 0, 1e9, "score achieved (empty when missing)"),
    NUM("max_score", 0, 0, 1e9, "highest possible score"),
    BOOL("passed", 0, "yes / no; empty = unknown"),
    BOOL("late", 0, "submitted late"),
    BOOL("missing", 0, "never submitted"),
};
static const import_col behaviour_cols[] = {
    CODE("incident", 1, "the school's incident id"),
    CODE("learner", 1, "learner id (from learners)"),
    DATE("date", 1, "date of the incident"),
    ENUM("type", 1, behaviour_types, "kind of incident"),
    INT("severity", 1, 1, 3, "1 minor, 2 moderate, 3 serious"),
};
static const import_col engagement_cols[] = {
    CODE("learner", 1, "learner id (from learners)"),
    DATE("date", 1, "day of activity"),
    CODE("source", 1, "system, e.g. lms"),
    CODE("metric", 1, "e.g. logins, minutes, submissions, views"),
    NUM("value", 1, 0, 1e9, "amount on that day"),
};

#define SPEC(k, n, t, key, c, h) {k, n, t, key, c, COUNT(c), h}
static const import_spec specs[IMPORT_KIND_COUNT] = {
    SPEC(IMPORT_INSTITUTIONS, "institutions", "institution", "institution", institution_cols,
         "schools and colleges"),
    SPEC(IMPORT_SITES, "sites", "site", "site", site_cols, "an institution's sites / campuses"),
    SPEC(IMPORT_TERMS, "terms", "term", "term", term_cols, "terms of the school year"),
    SPEC(IMPORT_PROGRAMMES, "programmes", "programme", "programme", programme_cols,
         "VET programmes / qualifications"),
    SPEC(IMPORT_GROUPS, "groups", "class_group", "group", group_cols, "classes / groups"),
    SPEC(IMPORT_LEARNERS, "learners", "learner", "learner", learner_cols, "learners"),
    SPEC(IMPORT_STAFF, "staff", "staff", "staff", staff_cols, "teachers, trainers, counsellors"),
    SPEC(IMPORT_GUARDIANS, "guardians", "guardian", "guardian, learner", guardian_cols,
         "parents and guardians, one row per learner they are linked to"),
    SPEC(IMPORT_GROUP_STAFF, "group_staff", "group_staff", "group, staff", group_staff_cols,
         "who teaches which group"),
    SPEC(IMPORT_ENROLMENTS, "enrolments", "enrolment", "learner, programme, start_date",
         enrolment_cols, "learners' enrolments and how they ended"),
    SPEC(IMPORT_ATTENDANCE, "attendance", "attendance", "learner, date, session",
         attendance_cols, "daily or per-session attendance"),
    SPEC(IMPORT_RESULTS, "results", "result", "learner, unit, assessment", result_cols,
         "assessment results"),
    SPEC(IMPORT_BEHAVIOUR, "behaviour", "behaviour", "incident, learner", behaviour_cols,
         "behaviour incidents"),
    SPEC(IMPORT_ENGAGEMENT, "engagement", "engagement", "learner, date, source, metric",
         engagement_cols, "learning-platform activity per day"),
};

/* The spec of kind k (k must be valid). */
const import_spec *import_spec_of(import_kind k) {
    return &specs[k];
}

/* Index of the column called name in spec, or -1. */
int import_spec_col(const import_spec *spec, const char *name) {
    for (size_t i = 0; i < spec->ncols; i++)
        if (strcmp(spec->cols[i].name, name) == 0) return (int)i;
    return -1;
}

/* The kind whose name is s, or -1. */
int import_kind_parse(const char *s) {
    for (int k = 0; k < IMPORT_KIND_COUNT; k++)
        if (strcmp(specs[k].name, s) == 0) return k;
    return -1;
}

/* The name of kind k. */
const char *import_kind_name(import_kind k) {
    return specs[k].name;
}
