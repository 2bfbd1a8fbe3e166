/*
** support/review_goals.c — the open goals of a case's plans as a review
** sees them (see review.h).  The goals belong to the plan part
** (support/plan.h); until it is merged a case has no goals here, and
** progress values are kept by goal id.
*/
#include "support/review.h"
#include <stdlib.h>

/* The open goals of case_id (see review.h). */
int support_review_goals(store *st, int64_t institution_id, int64_t case_id, int with_text,
                         support_review_goal **rows, size_t *n, cairn_err *err) {
    (void)st;
    (void)institution_id;
    (void)case_id;
    (void)with_text;
    (void)err;
    *rows = NULL;
    *n = 0;
    return 0;
}
