/*
** risk/features_internal.h — what risk/features.c shares with its tests.
**
** Not for other rooms: include risk/features.h.  The tests read the queries
** to check (EXPLAIN QUERY PLAN) that SQLite answers each one by walking a
** key in order, without sorting.
*/
#ifndef CAIRN_RISK_FEATURES_INTERNAL_H
#define CAIRN_RISK_FEATURES_INTERNAL_H
#include "risk/features.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

enum {
    RISK_Q_TERMS,              /* the institution's terms */
    RISK_Q_ATTENDANCE,         /* attendance of a learner-id range in a date window */
    RISK_Q_RESULTS,            /* results of a learner-id range up to a date */
    RISK_Q_BEHAVIOUR,          /* incidents of a learner-id range in a date window */
    RISK_Q_ENGAGEMENT,         /* platform activity of a learner-id range in a date window */
    RISK_Q_ENGAGEMENT_BEFORE,  /* each learner's last active day before a date */
    RISK_Q_COUNT
};

/* The SQL of each query, '?' placeholders, one text for both backends. */
extern const char *const risk_features_sql[RISK_Q_COUNT];

/* Learners (distinct learner ids) whose events are read per round of
** queries: bounds what PostgreSQL, which buffers a result whole, holds.
** RISK_CHUNK_LEARNERS by default; tests lower it to cross chunk borders. */
#define RISK_CHUNK_LEARNERS 1024
extern size_t risk_chunk_learners;

/* Windows, in days back from asof (asof itself is 0). */
#define RISK_WEEKS_SLOPE 8
#define RISK_WEEKS_DROP 12
#define RISK_DAYS_NO_TERM 112                     /* "this term" in no term */
#define RISK_ATT_BACK (7 * RISK_WEEKS_DROP - 1)   /* oldest day the weekly series needs */
#define RISK_BEH_BACK 55                          /* 8 weeks */
#define RISK_ENG_BACK 27                          /* 4 weeks */

/* ---- the school calendar (risk/calendar.c) -------------------------------- */

typedef struct risk_term_span {  /* one term, first and last day */
    int32_t first, last;
} risk_term_span;

/* Sort terms by first day, then last. */
void    risk_terms_order(risk_term_span *t, size_t n);
/* First day of "this term" for asof (terms sorted): the latest-starting
** term holding asof, else the RISK_DAYS_NO_TERM days before asof. */
int32_t risk_term_start_of(const risk_term_span *t, size_t n, int32_t asof);
/* Days of [from, to] in no term (terms sorted); 0 when to < from. */
int     risk_calendar_break_days(const risk_term_span *t, size_t n, int32_t from, int32_t to);
/* Weekdays of [from, to] inside a term (terms sorted). */
int     risk_calendar_school_days(const risk_term_span *t, size_t n, int32_t from, int32_t to);
/* Fill o->idle_break and o->cal_2w_change from o's asof and its platform
** indicators (terms sorted; n = 0 gives NAN for both). */
void    risk_calendar_fill(const risk_term_span *t, size_t n, risk_features *o);

/* ---- one learner's rows, as risk/features.c collects them ---------------- */

typedef struct risk_att_day {    /* one recorded school day */
    int32_t day;                 /* days since 1970-01-01 */
    uint8_t n, att, late, unx;   /* sessions: all, attended (present or late), late, unexcused */
} risk_att_day;

typedef struct risk_res_row {    /* one result */
    int32_t day;
    double  pct;                 /* 100 x score / max_score; NAN if missing or no score */
    uint8_t failed, missing, late;
} risk_res_row;

typedef struct risk_beh_row {    /* one incident */
    int32_t day;
    int     severity;            /* 1-3 */
} risk_beh_row;

typedef struct risk_eng_day {    /* one day with platform rows */
    int32_t day;
    int     active;              /* some row had value > 0 */
    double  sum[RISK_METRIC_KINDS];   /* per metric (RISK_METRIC_*), the sum of its rows */
} risk_eng_day;

typedef struct risk_eng_row {    /* one engagement row */
    int32_t day;
    int     kind;                /* its metric, RISK_METRIC_* */
    double  value;
} risk_eng_row;

/* ---- reading (risk/features.c) -------------------------------------------- */

typedef struct risk_date_cache { /* the month of the last date decoded */
    char    ym[8];               /* "YYYY-MM-" */
    int32_t first;               /* its first day */
    int     mdays;               /* its length */
    int     valid;
} risk_date_cache;

/* Decode the 'YYYY-MM-DD' in column col of s into *day (c remembers the
** last text decoded); -1 when it is not a date. */
int  risk_col_date(store_stmt *s, int col, risk_date_cache *c, int32_t *day);
/* Bind day as 'YYYY-MM-DD' to parameter idx of s. */
void risk_bind_date(store_stmt *s, int idx, int32_t day);

/* ---- one learner's rows in a fixed order (risk/features_calc.c) -----------
** Whatever order the database returns a learner's rows in, these put them
** in one order fixed by their content, so sums come out bit for bit the
** same.  They do nothing when the rows already are in that order. */

/* Sort by day and merge repeated days; returns the number of days left. */
size_t risk_att_days_order(risk_att_day *d, size_t n);
/* Sort by day, percentage (NAN last), failed, missing, late. */
void   risk_res_rows_order(risk_res_row *r, size_t n);
/* Sort by day, severity. */
void   risk_beh_rows_order(risk_beh_row *b, size_t n);
/* Sort by day, metric, value, and sum into *days (grown with
** xrealloc; *cap its capacity; the caller frees); returns the day count. */
size_t risk_eng_days_from_rows(risk_eng_row *rows, size_t n, risk_eng_day **days,
                               size_t *cap);

/* ---- the arithmetic (risk/features_calc.c) --------------------------------
** Each fills its indicators in v (a risk_features.v) for one target with
** asof and tstart (first day of "this term"), from one learner's rows
** sorted by day (results in any order).  Rows after asof are skipped. */

/* Least-squares slope of y against x over m points (m >= 2, x not all equal). */
double risk_calc_slope(const double *x, const double *y, int m);
/* Change point of weekly rates rate[0..m) in time order, week[i] = weeks
** before asof: *drop (after - before) and *weeks; NAN both when m < 4. */
void risk_calc_change_point(const double *rate, const int *week, int m, double *drop,
                            double *weeks);
void risk_calc_attendance(const risk_att_day *d, size_t nd, int32_t asof, int32_t tstart,
                          double *v);
void risk_calc_results(const risk_res_row *r, size_t nr, int32_t asof, int32_t tstart,
                       double *v);
void risk_calc_behaviour(const risk_beh_row *b, size_t nb, int32_t asof, double *v);
/* Returns 1 (v untouched) when the learner has no active day in e up to
** asof: the caller then needs the last active day before e's first day and
** finishes with risk_calc_engagement_history. */
int  risk_calc_engagement(const risk_eng_day *e, size_t ne, int32_t asof, double *v);
/* last_before = last active day, INT32_MIN for never. */
void risk_calc_engagement_history(int32_t asof, int32_t last_before, double *v);

#endif
