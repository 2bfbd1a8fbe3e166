/*
** support/demo_consent.c — the demo school's consents (see demo.h): for the
** key worker's caseload and the first active learners, early-warning
** processing, sharing with named organisations, family access and contact
** by a service, given by the learner or (below the age of deciding alone)
** by a guardian; some withdrawn, some ended; and one emergency override by
** the school leader.  Deterministic: chosen by the learners' order alone.
*/
#include "support/demo.h"
#include "base/date.h"
#include "support/consent.h"
#include <stdio.h>
#include <string.h>

#define DEMO_CONSENT_LEARNERS 48   /* learners given consents */

/* One demo learner: id, enrolment start, and a guardian with parental
** responsibility (ref and name, "" when none). */
typedef struct demo_learner {
    int64_t id;
    char    start[DATE_TEXT_LEN];
    char    gref[65], gname[160];
} demo_learner;

/* Record one consent; a refusal (a learner too young with no guardian...)
** is skipped.  *id gets its id (0 when skipped).  0 or -1. */
static int demo_one(store *st, int64_t inst, int64_t account, const demo_learner *l,
                    const char *purpose, const char *recipient, const char *cats,
                    const char *until, const char *method, int64_t *id, cairn_err *err) {
    support_consent_problem p;
    support_consent_input in = {purpose, recipient, cats, l->start, until, "learner", NULL,
                                method, NULL};
    *id = 0;
    int rc = support_consent_record(st, inst, account, l->id, &in, id, &p, err);
    if (rc == 1 && l->gref[0]) {   /* too young: a guardian gives it */
        in.given_by = "guardian";
        in.guardian_ref = l->gref;
        in.note = "Signed at the enrolment interview.";
        rc = support_consent_record(st, inst, account, l->id, &in, id, &p, err);
    }
    return rc < 0 ? -1 : 0;
}

/* The demo consents and the override (see demo.h). */
int support_demo_consent(store *st, int64_t institution_id, int64_t recorder, int64_t leader,
                         int *n, cairn_err *err) {
    *n = 0;
    int64_t have = 0;
    if (store_query_int64(st, "SELECT count(*) FROM consent WHERE institution_id = ?",
                          institution_id, &have, err) < 0)
        return -1;
    if (have) return 0;
    store_stmt *q = store_prepare(st,
        "SELECT l.id, min(e.start_date),"
        " (SELECT g.ref FROM learner_guardian lg JOIN guardian g ON g.institution_id ="
        "  lg.institution_id AND g.id = lg.guardian_id WHERE lg.institution_id = l.institution_id"
        "  AND lg.learner_id = l.id AND lg.parental_responsibility = 1 ORDER BY g.id LIMIT 1),"
        " (SELECT g.given_name || ' ' || g.family_name FROM learner_guardian lg JOIN guardian g"
        "  ON g.institution_id = lg.institution_id AND g.id = lg.guardian_id"
        "  WHERE lg.institution_id = l.institution_id AND lg.learner_id = l.id"
        "  AND lg.parental_responsibility = 1 ORDER BY g.id LIMIT 1),"
        " CASE WHEN EXISTS (SELECT 1 FROM support_assignment a WHERE a.institution_id ="
        "  l.institution_id AND a.learner_id = l.id AND a.ended_at IS NULL) THEN 0 ELSE 1 END"
        " FROM learner l JOIN enrolment e ON e.institution_id = l.institution_id"
        " AND e.learner_id = l.id AND e.status = 'active' WHERE l.institution_id = ?"
        " GROUP BY l.institution_id, l.id ORDER BY 5, l.id LIMIT ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, DEMO_CONSENT_LEARNERS);
    demo_learner ls[DEMO_CONSENT_LEARNERS];
    size_t nl = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW && nl < DEMO_CONSENT_LEARNERS) {
        demo_learner *l = &ls[nl++];
        memset(l, 0, sizeof *l);
        l->id = store_col_int64(q, 0);
        snprintf(l->start, sizeof l->start, "%s", store_col_text(q, 1));
        const char *g = store_col_text(q, 2), *gn = store_col_text(q, 3);
        snprintf(l->gref, sizeof l->gref, "%s", g ? g : "");
        snprintf(l->gname, sizeof l->gname, "%s", gn ? gn : "");
    }
    store_finalize(q);
    if (rc < 0) return -1;
    int64_t withdrawn_learner = 0;
    for (size_t i = 0; i < nl; i++) {
        const demo_learner *l = &ls[i];
        int64_t id;
        int32_t start;
        char year_on[DATE_TEXT_LEN], later[DATE_TEXT_LEN];
        date_parse(l->start, strlen(l->start), &start);
        date_format(start + 365, year_on);
        date_format(start + 60, later);
        if (i % 6 != 5) {   /* most: early-warning processing */
            if (demo_one(st, institution_id, recorder, l, "early_warning", NULL,
                         "attendance,results,behaviour,engagement,risk", NULL, "paper", &id,
                         err) < 0)
                return -1;
            *n += id != 0;
        }
        if (i % 4 == 0) {   /* sharing with the employment agency, for a year */
            if (demo_one(st, institution_id, recorder, l, "share_organisation",
                         "Youth Employment Agency", "identity,contact,attendance", year_on,
                         "in_person", &id, err) < 0)
                return -1;
            *n += id != 0;
        }
        if (i % 5 == 1 && l->gname[0]) {   /* family access for the guardian */
            if (demo_one(st, institution_id, recorder, l, "family_access", l->gname,
                         "attendance,results,support", NULL, "online", &id, err) < 0)
                return -1;
            *n += id != 0;
        }
        if (i % 7 == 2) {   /* contact by counselling, then withdrawn */
            if (demo_one(st, institution_id, recorder, l, "service_contact",
                         "City Counselling Service", "identity,contact,support", NULL, "in_person",
                         &id, err) < 0)
                return -1;
            *n += id != 0;
            support_consent_problem p;
            if (id && support_consent_withdraw(st, institution_id, recorder, l->id, id, "learner",
                                               NULL, later, "Found help elsewhere.", &p, err) < 0)
                return -1;
            if (id && !withdrawn_learner) withdrawn_learner = l->id;
        }
    }
    if (withdrawn_learner && leader) {
        support_consent_problem p;
        int64_t oid;
        if (support_consent_override(st, institution_id, leader, withdrawn_learner,
                                     "share_organisation", "Child Protection Services", "support",
                                     "The learner told their tutor of violence at home today; the "
                                     "safeguarding duty cannot wait for consent.", &oid, &p, err) < 0)
            return -1;
    }
    return 0;
}
