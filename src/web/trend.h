/*
** web/trend.h — the institution's attendance and early-leaving trend for
** the dashboard and GET /api/v1/summary (web/trend.c).
**
** Over the school year of a reference day (the latest score date, else
** today): the monthly attendance rate and the number of learners who left
** early per month, counted over the learners the viewer may see
** (access_learner_predicate).  A month with fewer than METRIC_MIN_CELL
** (risk/metrics.h, the fairness table's minimum cell) learners in view is
** suppressed: its figures are never shown, only that they are withheld.
**
** Where the numbers come from, and when they are refreshed:
**  - Those who see the whole institution (administrators, school leaders):
**    the rows `cairn score` stored for the reference day in
**    school_trend_month (school_trend_store(), in the scoring run's write
**    transaction), read on every request, uncached: a handful of rows.  They
**    are refreshed when a date is scored (again): an import after the run
**    shows at the next run, as in the scores themselves.  Stored figures are
**    raw counts; suppression is applied here, when shown.  When nothing is
**    stored for the reference day (no scores yet: the reference day is
**    today; a database scored before the table existed; terms changed since
**    the run), the live query below answers instead.
**  - Everyone else (teachers, key workers ...): the live query
**    (school_trend() with access_learner_predicate), which reads only their
**    learners' rows, through an in-memory cache keyed by database,
**    institution, viewer (one shared entry for whole-institution viewers on
**    the live fallback), reference day and school_data_version().  An entry
**    is dropped when an import commits (the data version changes), when the
**    reference day changes (a new scoring run), and after
**    WEB_TREND_CACHE_SECONDS in any case, for writes that bypass the
**    importers.
*/
#ifndef CAIRN_WEB_TREND_H
#define CAIRN_WEB_TREND_H
#include "base/buf.h"
#include "school/school.h"
#include "web/access.h"
#include "web/i18n.h"
#include <jansson.h>

#define WEB_TREND_CACHE_SECONDS 600
#define WEB_TREND_CACHE_SLOTS   64

typedef struct web_trend {
    int32_t ref;                 /* the reference day */
    int32_t first, last;         /* the period: the school year up to ref */
    int     school_year;         /* 1 = from the term table; 0 = the last 12 months */
    int     whole_institution;   /* 1 = the viewer sees every learner */
    int     stored;              /* 1 = months read from school_trend_month (cairn score) */
    size_t  min_cell;            /* months with fewer learners are suppressed */
    size_t  n;
    school_trend_month month[SCHOOL_TREND_MONTHS];   /* suppressed: figures zeroed */
    int     suppressed[SCHOOL_TREND_MONTHS];
} web_trend;

/* Read the trend for who (st set) as of ref into *out, without the cache
** (whole-institution viewers: the stored rows when there are, see above),
** with suppression applied.  -1 with err set on a database error. */
int web_trend_read(store *st, const access_ctx *who, int32_t ref, web_trend *out,
                   cairn_err *err);

/* The same through the cache (see above).  Thread-safe. */
int web_trend_get(store *st, const access_ctx *who, int32_t ref, web_trend *out,
                  cairn_err *err);

/* Append the trend section (heading, two charts with their tables, the
** suppression note) to b in L. */
void web_trend_write(buf *b, const i18n_lang *L, const web_trend *t);

/* The trend as a JSON object (new reference; caller json_decref()s it):
** {"from","to","school_year","whole_institution","min_cell","months":[
** {"month","sessions","attendance_rate","learners","left_early",
** "suppressed"}]}, suppressed months with null figures. */
json_t *web_trend_json(const web_trend *t);

#endif
