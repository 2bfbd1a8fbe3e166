/*
** support/intervention_starter.c — the starter catalogue every institution
** gets once (intervention_starter_ensure, see support/intervention.h).
**
** The evidence notes say what is known and how far it carries: most of the
** research is from general schooling (ages 5 to 16), rarely from vocational
** education, and measures attainment more often than staying in education.
** The months of progress are the Education Endowment Foundation's Teaching
** and Learning Toolkit's summaries; the levels follow the ESSA evidence
** tiers loosely (strong, moderate, promising, a rationale only).  An
** institution edits these as it learns; cairn shows its own measured
** effect beside them (support/intervention_effect.h).
*/
#include "support/intervention.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include <assert.h>
#include <stdlib.h>

/* name, tier, needs, dosage, weeks, delivered by, level, source */
static const char *const starter[][IV_F_COUNT] = {
    {"Social and emotional learning", "universal", "mental_health,attendance,safety",
     "One lesson of 45 minutes a week for the whole group", "12", "Class teacher",
     "strong",
     "Durlak et al. (2011), meta-analysis of 213 school-based universal programmes: better "
     "social and emotional skills, behaviour and attainment; EEF Toolkit: about +4 months. "
     "Mostly ages 5-16, few studies in vocational education."},
    {"Mentoring", "selective", "attendance,career,mental_health",
     "One meeting of 45 minutes a week with the same mentor", "12",
     "Trained mentor (staff or volunteer)", "moderate",
     "EEF Toolkit: about +2 months on attainment, larger effects on attitudes and "
     "attendance in some studies; DuBois et al. (2011) meta-analysis: modest average "
     "effects, stronger where mentors are trained and meet regularly."},
    {"Tutoring in small groups", "selective", "learning",
     "Three sessions of 30 to 45 minutes a week, 2 to 5 learners per tutor", "10",
     "Subject teacher or trained tutor", "strong",
     "EEF Toolkit: small-group tuition about +4 months, one-to-one about +5 months; Nickow, "
     "Oreopoulos and Quan (2020), meta-analysis of 96 randomised trials: large effects, "
     "largest when tutoring is frequent and in school hours."},
    {"Psychological first aid", "individual", "mental_health,safety",
     "One to three conversations of 30 to 60 minutes soon after a distressing event", "1",
     "Staff trained in psychological first aid", "rationale",
     "WHO (2011) Psychological first aid: guide for field workers, based on expert "
     "consensus; Fox et al. (2012), systematic review: no controlled studies of its effect "
     "were found. Use it as humane first support and refer on, not as treatment."},
    {"School-based counselling", "individual", "mental_health,family",
     "One session of 50 minutes a week", "8", "Qualified school counsellor",
     "moderate",
     "Cooper et al. (2021), ETHOS randomised trial in 18 schools (ages 13-16): less "
     "psychological distress after humanistic school-based counselling, a small effect; "
     "little evidence yet on attendance or results."},
    {"Art or music based activities", "selective", "mental_health,attendance",
     "One workshop of 90 minutes a week in a small group", "8",
     "Art or music teacher, or an artist with a youth worker", "promising",
     "Fancourt and Finn (2019), WHO scoping review: arts engagement is associated with "
     "well-being and social inclusion, mostly from observational studies; EEF Toolkit: "
     "arts participation about +3 months, moderate evidence."},
    {"Career guidance", "universal", "career,placement",
     "Two one-to-one interviews of 45 minutes and one employer encounter", "6",
     "Careers adviser", "promising",
     "Hughes et al. (2016), international literature review of careers education: "
     "positive but mixed evidence, mostly not causal; Cedefop VET toolkit for tackling "
     "early leaving lists guidance as a core measure."},
    {"Language support", "selective", "language,learning",
     "Two sessions of 60 minutes a week of the language of instruction, using the "
     "vocational vocabulary", "12", "Language teacher", "promising",
     "EEF Toolkit: oral language interventions about +6 months, mostly with young "
     "children; evidence for adolescents learning the language of instruction in VET is "
     "thin. Measure it here."},
    {"Transition support", "selective", "attendance,career,family",
     "A planning meeting before the start, then a short check-in each week", "6",
     "Key worker or form tutor", "rationale",
     "Cedefop VET toolkit for tackling early leaving: the first weeks are when learners "
     "drop out most, and induction and transition measures are recommended; the evidence "
     "is descriptive (case studies), not controlled."},
    {"Make-up of missed learning time", "individual", "learning,attendance",
     "Two extra sessions of 60 minutes a week on the work missed", "4",
     "Subject teacher", "promising",
     "EEF Toolkit: extending school time about +3 months, moderate evidence, larger when "
     "the time is targeted and well taught; recovery of missed workshop practice in VET "
     "has not been studied."},
};

#define STARTER_N (sizeof starter / sizeof starter[0])

/* Write the starter catalogue once (see intervention.h). */
int intervention_starter_ensure(store *st, int64_t institution_id, int *added, cairn_err *err) {
    int64_t seeded = 0, next = 0;
    int rc = -1, k = 0;
    char now[32];
    if (added) *added = 0;
    if (store_query_int64(st, "SELECT count(*) FROM intervention_seeded WHERE institution_id = ?",
                          institution_id, &seeded, err) < 0)
        return -1;
    if (seeded) return 0;
    date_now_iso(now);
    intervention *e = xcalloc(1, sizeof *e);
    store_stmt *ins = NULL, *mark = NULL;
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + institution_id, err) < 0) goto out;
    mark = store_prepare(st, "INSERT INTO intervention_seeded (institution_id, seeded_at)"
                             " VALUES (?, ?) ON CONFLICT (institution_id) DO NOTHING", err);
    if (!mark) goto out;
    store_bind_int64(mark, 1, institution_id);
    store_bind_text(mark, 2, now, (size_t)-1);
    if (store_step(mark, err) < 0) goto out;
    if (store_changes(mark) == 0) {          /* another process did it meanwhile */
        rc = 0;
        goto out;
    }
    if (store_query_int64(st, "SELECT coalesce(max(id), 0) FROM intervention"
                              " WHERE institution_id = ?", institution_id, &next, err) < 0)
        goto out;
    ins = store_prepare(st, "INSERT INTO intervention (institution_id, id, name, tier, needs,"
                            " dosage, duration_weeks, delivered_by, evidence_level,"
                            " evidence_source, created_at, updated_at)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            " ON CONFLICT (institution_id, name) DO NOTHING", err);
    if (!ins) goto out;
    for (size_t i = 0; i < STARTER_N; i++) {
        intervention_problem prob[IV_F_COUNT];
        int bad = intervention_validate(starter[i], e, prob);
        assert(bad == 0);
        (void)bad;
        store_bind_int64(ins, 1, institution_id);
        store_bind_int64(ins, 2, next + 1 + (int64_t)i);
        store_bind_text(ins, 3, e->name, (size_t)-1);
        store_bind_text(ins, 4, e->tier, (size_t)-1);
        store_bind_text(ins, 5, e->needs, (size_t)-1);
        store_bind_text(ins, 6, e->dosage, (size_t)-1);
        store_bind_int64(ins, 7, e->duration_weeks);
        store_bind_text(ins, 8, e->delivered_by, (size_t)-1);
        store_bind_text(ins, 9, e->evidence_level, (size_t)-1);
        store_bind_text(ins, 10, e->evidence_source, (size_t)-1);
        store_bind_text(ins, 11, now, (size_t)-1);
        store_bind_text(ins, 12, now, (size_t)-1);
        if (store_step(ins, err) < 0) goto out;
        k += (int)store_changes(ins);
    }
    rc = 0;
out:
    store_finalize(ins);
    store_finalize(mark);
    free(e);
    if (rc == 0 && store_in_tx(st) && store_tx_commit(st, err) < 0) rc = -1;
    if (rc < 0) store_tx_rollback(st);
    else if (added) *added = k;
    return rc;
}
