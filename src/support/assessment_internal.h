/*
** support/assessment_internal.h — what the files of needs assessments
** share (support/assessment.c, demo_assessment.c); not for other rooms.
*/
#ifndef CAIRN_SUPPORT_ASSESSMENT_INTERNAL_H
#define CAIRN_SUPPORT_ASSESSMENT_INTERNAL_H
#include "support/assessment.h"

/* support_assessment_add, but with closed_too 1 a closed case takes the
** assessment too: the demo writes the assessments of cases it has closed
** already, back-dated to before the closing.  Never for a page. */
int assessment_add(store *st, int64_t institution_id, int64_t account_id, unsigned rel,
                   int64_t case_id, const support_assessment_spec *spec, const char *at,
                   int closed_too, int64_t *id, support_assessment_problem *problem, int *domain,
                   cairn_err *err);

#endif
