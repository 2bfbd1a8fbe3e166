/*
** support/caseload.h — a key worker's caseload as the home page needs it
** beside the scores: the learners of the caseload that have no score on a
** given date (not enrolled then, or scored before they were assigned), so
** that the home page lists every learner of the caseload.
**
** Ownership: rows are malloc'd and freed by the caller; nothing prints.
*/
#ifndef CAIRN_SUPPORT_CASELOAD_H
#define CAIRN_SUPPORT_CASELOAD_H
#include "base/err.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

typedef struct support_caseload_learner {
    int64_t learner_id;
    char    ref[65], given_name[101], family_name[101];
} support_caseload_learner;

/* The learners currently in staff_id's caseload (institution_id), still
** enrolled (an active or paused enrolment: a departed learner is never
** listed), without a
** risk score on asof (0 = without any score), by family then given name,
** at most limit (0 = 500), into *rows (*n of them; NULL when none).  0, or
** -1 with err set. */
int support_caseload_unscored(store *st, int64_t institution_id, int64_t staff_id, int32_t asof,
                              size_t limit, support_caseload_learner **rows, size_t *n,
                              cairn_err *err);

#endif
