/*
** risk/risk_read.h — read side of the scores for pages: who needs attention
** as of the latest score date, and one learner's latest score with its
** reasons.
**
** The risk room knows nothing of accounts; a caller that must limit the
** rows to what a person may see passes a visibility filter: a boolean SQL
** expression over the columns s.institution_id and s.learner_id (a
** constant written by the programmer, never input) and a function that
** binds its parameters.  The web room passes access_learner_predicate().
**
** Ownership: rows are malloc'd and freed by the caller; nothing prints.
*/
#ifndef CAIRN_RISK_RISK_READ_H
#define CAIRN_RISK_RISK_READ_H
#include "risk/risk.h"
#include "risk/risk_level.h"   /* risk in words: low, raised, high */

/* Limits rows to the learners someone may see (see above). */
typedef struct risk_visibility {
    const char *sql;                                       /* NULL = every learner */
    int (*bind)(const void *ctx, store_stmt *s, int first);  /* returns next index */
    const void *ctx;
    int narrow;   /* 1 = sql names a set of learners (a caseload, a teacher's groups):
                  ** the list reads their scores by learner, not the whole day's in
                  ** the order of risk_score_attention (seconds at 100,000) */
} risk_visibility;

/* The orders of the attention list.  Every order ends with the learner's
** id, so it is total and a keyset cursor names one place in it. */
typedef enum risk_attention_sort {
    RISK_SORT_URGENCY = 0,   /* tier, probability, number of flags (most first), name */
    RISK_SORT_NAME = 1,      /* family name, given name */
    RISK_SORT_GROUP = 2      /* group name, then name */
} risk_attention_sort;

#define RISK_TIER_FILTER_ALL (-2)   /* risk_attention_filter.tier: every learner scored */

/* What the attention list is narrowed to; zeroed = the attention list
** (tier -1): learners at selective or individual, and learners at universal
** with a new flag (one they did not have on the previous score date; a flag
** that only cleared is not new); any programme, group, flag.  "universal"
** alone is not a flag: every learner is there.  Whatever the filter, the
** list, its counts and its tier counts hold only learners still enrolled: a
** learner whose scored enrolment completed, left early or transferred (or
** ended by the score date) is never on it. */
typedef struct risk_attention_filter {
    const char *programme_code;   /* NULL or "" = any */
    const char *group_code;       /* NULL or "" = any */
    int         tier;             /* -1 = the attention list (above); 0..2 = that tier;
                                     RISK_TIER_FILTER_ALL = everyone scored */
    const char *flag;             /* a rule code; NULL or "" = any */
    const risk_visibility *visible;   /* NULL = everyone */
    const char *search;           /* part of the name, or the whole school reference;
                                     NULL or "" = any */
    risk_attention_sort sort;     /* the order (0 = by urgency) */
    int         reverse;          /* 1 = that order backwards */
} risk_attention_filter;

#define RISK_READ_REASONS (RISK_RULE_COUNT + RISK_MODEL_REASONS)

/* One reason's fields as scoring stored them (risk_score.reasons items):
** what a page needs to write the sentence again in the reader's language
** (web/reasons.h).  indicator "" = the item could not be read (show the
** English text). */
typedef struct risk_reason_fields {
    int    is_rule;          /* 1 = a rule that fired; 0 = one of the model's reasons */
    char   code[40];         /* the rule's code ("attendance_low"); "" for the model */
    char   indicator[40];    /* the indicator's code ("att_rate_4w") */
    double value;
    double threshold, peer;  /* NAN when the item has none */
} risk_reason_fields;

/* One learner's latest score, with names for a page. */
typedef struct risk_attention_row {
    int64_t   learner_id;
    char      ref[65];
    char      given_name[101], family_name[101];
    char      group_code[65], group_name[201];
    char      programme_code[65], programme_name[201];
    int32_t   asof;
    double    probability;                 /* NAN without a model */
    risk_tier tier;
    int       nflags;
    char      flag_codes[RISK_RULE_COUNT][40];
    int       nreasons;                    /* sentences, rules first, then the model's */
    char      reason[RISK_READ_REASONS][RISK_REASON_MAX];
    risk_reason_fields reason_fields[RISK_READ_REASONS];   /* reason[k]'s fields */
} risk_attention_row;

/* The latest score date of the institution into *asof; 0 when there are no
** scores yet (not an error). */
int risk_read_latest_asof(store *st, int64_t institution_id, int32_t *asof, cairn_err *err);

/* The learners of the institution scored on asof that pass f, ordered by
** tier (highest first), then probability, then number of flags (most
** first), then name; at most limit rows (0 = 200).  *rows malloc'd; *total
** (may be NULL) gets how many passed the filter before the limit. */
int risk_read_attention(store *st, int64_t institution_id, int32_t asof,
                        const risk_attention_filter *f, size_t limit,
                        risk_attention_row **rows, size_t *n, size_t *total, cairn_err *err);

/* Keyset paging: the rows of the same list that come after learner
** after_learner_id's score on asof (the last row of the previous page), at
** most limit (0 = 200), in the same order; *total as above.  Costs the same
** at any depth, where an offset costs every row it skips (at 100,000
** learners, 40,000 rows deep: a few ms against about 900 ms).  The
** learner need not pass f's programme, group, tier or flag (the page
** starts at its place in the order) but must pass f->visible: a cursor is
** a row the viewer may see.  -1 with CAIRN_ENOTFOUND when that learner has
** no score on asof or f->visible does not let it through (one answer for
** both, so a forged cursor reveals nothing about the learner). */
int risk_read_attention_after(store *st, int64_t institution_id, int32_t asof,
                              const risk_attention_filter *f, int64_t after_learner_id,
                              size_t limit, risk_attention_row **rows, size_t *n,
                              size_t *total, cairn_err *err);

/* One page of the list in f's order (f->sort, f->reverse): with cursor 0
** the first limit rows (0 = 200); with a cursor and before 0 the rows after
** that learner; with before 1 the limit rows before it (in list order).
** *total as above; *first gets the place in the whole list (1-based) of
** rows[0] (0 when there are none), so a page can say "51-100 of 241".
** The cursor follows risk_read_attention_after's rules (CAIRN_ENOTFOUND
** when it is not a row the viewer may see on asof). */
int risk_read_attention_page(store *st, int64_t institution_id, int32_t asof,
                             const risk_attention_filter *f, int64_t cursor, int before,
                             size_t limit, risk_attention_row **rows, size_t *n, size_t *total,
                             size_t *first, cairn_err *err);

/* How many learners scored on asof fall in each tier, among those that
** pass f with its tier ignored (f->tier is not read; all three tiers are
** counted, universal ones without flags too). */
int risk_read_tier_counts(store *st, int64_t institution_id, int32_t asof,
                          const risk_attention_filter *f, size_t counts[RISK_TIER_COUNT],
                          cairn_err *err);

/* The latest score of one learner into *out: 1 found, 0 no score yet,
** -1 error.  Does not check who may see it (the caller does). */
int risk_read_learner_latest(store *st, int64_t institution_id, int64_t learner_id,
                             risk_attention_row *out, cairn_err *err);

/* The row that follows learner_id's in f's order on asof (the learner
** page's "next learner"), with only its id, school reference and names
** filled (no reasons read): 1 found, 0 learner_id is the last, -1 with err
** (CAIRN_ENOTFOUND when learner_id has no score on asof or f->visible
** hides it, as risk_read_attention_page).  self (may be NULL) is the
** learner's own latest row (risk_read_learner_latest) when the caller has
** it and has checked the viewer may see the learner: its sort keys are
** taken from it instead of read again. */
int risk_read_attention_next(store *st, int64_t inst, int32_t asof,
                             const risk_attention_filter *f, int64_t learner_id,
                             const risk_attention_row *self, risk_attention_row *next,
                             cairn_err *err);

#endif
