/*
** support/demo_review.c — the demo school's reviews (see review.h).
*/
#include "support/review.h"

/* The demo's reviews (see review.h). */
int support_demo_reviews(store *st, int64_t institution_id, int32_t today, cairn_err *err) {
    (void)st;
    (void)institution_id;
    (void)today;
    (void)err;
    return 0;
}
