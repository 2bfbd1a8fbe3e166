/*
** risk/features.h — point-in-time indicators.
**
** For a learner and a date D every indicator is computed only from events
** dated on or before D, so a model trained on indicators "as of" a horizon
** never sees the future.  Each indicator has a plain-language name and a
** unit, so a teacher can read it; NAN means "not known" (no events of that
** kind yet), never zero.  The exact definitions (windows, terms, sessions,
** what counts as failed or active) are at the top of risk/features.c.
*/
#ifndef CAIRN_RISK_FEATURES_H
#define CAIRN_RISK_FEATURES_H
#include "base/err.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

typedef enum {
    RF_ATT_RATE_2W,        /* attendance rate, last 2 weeks (%, present+late of school days recorded) */
    RF_ATT_RATE_4W,        /* ... last 4 weeks */
    RF_ATT_RATE_8W,        /* ... last 8 weeks */
    RF_ATT_RATE_TERM,      /* ... since the term began */
    RF_UNEXCUSED_4W,       /* unexcused absences, last 4 weeks (days) */
    RF_UNEXCUSED_TERM,     /* unexcused absences this term (days) */
    RF_UNEXCUSED_STREAK,   /* longest run of consecutive unexcused school days this term (days) */
    RF_LATE_4W,            /* late arrivals, last 4 weeks (times) */
    RF_ATT_SLOPE_8W,       /* trend of weekly attendance over 8 weeks (% points per week) */
    RF_ATT_DROP,           /* change-point: weekly attendance after the largest recent shift minus before (% points; negative = drop) */
    RF_ATT_DROP_WEEKS,     /* weeks since that shift (weeks) */
    RF_FAILED_TERM,        /* failed assessments this term (count) */
    RF_MISSING_TERM,       /* missing assessments this term (count) */
    RF_LATE_SUBMIT_TERM,   /* late submissions this term (count) */
    RF_SCORE_AVG_TERM,     /* average score this term (% of max) */
    RF_SCORE_CHANGE,       /* this term's average minus the learner's own earlier terms' (% points) */
    RF_BEHAV_MINOR_8W,     /* behaviour incidents of severity 1, last 8 weeks (count) */
    RF_BEHAV_SERIOUS_8W,   /* behaviour incidents of severity 2-3, last 8 weeks (count) */
    RF_LMS_ACTIVE_4W,      /* days active on the learning platform, last 4 weeks (days) */
    RF_LMS_MINUTES_4W,     /* minutes on the learning platform, last 4 weeks (minutes) */
    RF_LMS_DAYS_SINCE,     /* days since last learning-platform activity (days) */
    RF_LMS_TREND,          /* active days in the last 2 weeks minus the 2 weeks before (days) */
    RF_MOOD_TREND,         /* trend of check-in mood (points per week); NAN until check-ins exist */
    RF_WEEKS_ENROLLED,     /* weeks since the enrolment began (weeks) */
    /* the platform's other metrics, each known only when the school sends it
    ** (appended: the numbers of the indicators above never change) */
    RF_LMS_CLICKS_4W,      /* clicks (or page views) on the learning platform, last 4 weeks */
    RF_LMS_LOGINS_4W,      /* logins to the learning platform, last 4 weeks */
    RF_LMS_SUBMISSIONS_4W, /* work submitted on the learning platform, last 4 weeks */
    RF_LMS_POSTS_4W,       /* forum posts on the learning platform, last 4 weeks */
    RF_COUNT
} risk_feature;

/* The platform metrics cairn reads, each with its own indicator: a row of
** table engagement counts for metric k when its metric (any case) is one
** of the names of risk_metric_aliases(k).  RISK_METRIC_OTHER rows only make a
** day active. */
enum {
    RISK_METRIC_OTHER,
    RISK_METRIC_MINUTES,
    RISK_METRIC_CLICKS,
    RISK_METRIC_LOGINS,
    RISK_METRIC_SUBMISSIONS,
    RISK_METRIC_POSTS,
    RISK_METRIC_KINDS
};

/* The plain name of metric k ("minutes", "forum posts"); NULL for
** RISK_METRIC_OTHER or out of range.  Static. */
const char *risk_metric_name(int k);

/* The names a school may send for metric k, comma-separated ("clicks,
** click, views, page_views"); static, "" for RISK_METRIC_OTHER. */
const char *risk_metric_aliases(int k);

/* The indicator of metric k (its sum over the last 4 weeks), or -1. */
int risk_metric_feature(int k);


typedef struct risk_feature_info {
    const char *code;       /* stable identifier, e.g. "att_rate_4w" */
    const char *name;       /* plain language: "attendance in the last 4 weeks" */
    const char *unit;       /* "%", "days", "count", "% points per week" ... */
    int direction;          /* +1 more = riskier, -1 less = riskier, 0 not known */
} risk_feature_info;

/* The description of feature f (a static entry, never freed; NULL when f is
** out of range). */
const risk_feature_info *risk_feature_info_of(risk_feature f);

/* The feature whose code is code ("att_rate_4w"), or -1: for reading the
** feature list a stored model or rule names. */
int risk_feature_find(const char *code);

/* One learner's enrolment to compute indicators for, as of a date. */
typedef struct risk_target {
    int64_t learner_id;
    int64_t enrolment_id;
    int64_t group_id;       /* 0 if none */
    int32_t asof;           /* days since 1970-01-01 */
    int32_t start;          /* enrolment start (days) */
} risk_target;

typedef struct risk_features {
    risk_target t;
    double v[RF_COUNT];     /* NAN = not known */
    /* the school calendar around asof, for the rules' guard (not model
    ** inputs); calendar 0 (no terms; or a row made by hand): the two are
    ** not known */
    int    calendar;        /* 1: the two below come from the school's terms */
    double idle_break;      /* of the days since last platform activity, those in a break
                               (NAN when the days since are not known) */
    double cal_2w_change;   /* school days in the last 2 weeks minus the 2 weeks before */
} risk_features;

/* Which metrics rows[0..n) know (bit k set: metric k's indicator is known
** in at least one row). */
unsigned risk_metrics_known(const risk_features *rows, size_t n);

/* The enrolments active on day asof (started on or before it and not exited
** before it; a paused enrolment counts as active) of the institution, one
** target each with that asof, ordered by learner.  *targets is malloc'd;
** caller frees. */
int risk_targets_active(store *st, int64_t institution_id, int32_t asof,
                        risk_target **targets, size_t *n, cairn_err *err);

/* Compute the indicators of every target (targets may have different asof
** dates and repeat a learner).  Reads each event table once, in key order,
** never reading an event dated after the target's asof.  *out is malloc'd
** with n rows in the order of targets; caller frees. */
int risk_features_compute(store *st, int64_t institution_id, const risk_target *targets,
                          size_t n, risk_features **out, cairn_err *err);

/* Shorthand: indicators of every enrolment active on asof. */
int risk_features_asof(store *st, int64_t institution_id, int32_t asof,
                       risk_features **out, size_t *n, cairn_err *err);

#endif
