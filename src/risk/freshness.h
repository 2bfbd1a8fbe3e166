/*
** risk/freshness.h — how old the scores are, and scoring again for today.
**
** Scores are made for a day (risk_score_run).  They go stale as school days
** pass without new ones: a page whose scores are more than
** RISK_STALE_SCHOOL_DAYS school days old says so.  A school day is a
** weekday inside one of the institution's terms (every weekday when it has
** no terms).  risk_rescore_today() is what `cairn import`, the nightly
** import watcher and the scheduler of `cairn serve` call to make today's
** scores.
**
** Ownership: nothing returned needs freeing; nothing prints.
*/
#ifndef CAIRN_RISK_FRESHNESS_H
#define CAIRN_RISK_FRESHNESS_H
#include "risk/risk.h"

#define RISK_STALE_SCHOOL_DAYS 2    /* older than this many school days = stale */

/* How old an institution's latest scores are on a day. */
typedef struct risk_freshness {
    int32_t asof;          /* the latest score date; 0 = no scores yet */
    int32_t today;         /* the day asked about */
    int     school_days;   /* school days after asof up to and including today
                              (0 when asof >= today; -1 without scores) */
    int     stale;         /* 1 when school_days > RISK_STALE_SCHOOL_DAYS */
} risk_freshness;

/* The number of school days d with from < d <= to in the institution's
** calendar (weekdays inside a term; every weekday without terms) into
** *days; 0 when to <= from.  Counts at most 10 years. */
int risk_school_days_between(store *st, int64_t institution_id, int32_t from, int32_t to,
                             int *days, cairn_err *err);

/* How old the institution's latest scores are on today, into *out. */
int risk_freshness_of(store *st, int64_t institution_id, int32_t today, risk_freshness *out,
                      cairn_err *err);

/* What risk_rescore_today() did. */
typedef struct risk_rescore_result {
    size_t institutions;   /* institutions scored */
    size_t skipped;        /* institutions left alone: already scored on today (only_missing) */
    size_t learners;       /* learners scored, all institutions together */
    size_t written;        /* rows written (new or changed) */
} risk_rescore_result;

/* Score every institution for today with its own settings and active model,
** as `cairn score --asof today` does (one transaction per institution;
** running it again replaces the day's rows).  only_missing 1: leave an
** institution alone whose latest scores are from today already.  res may be
** NULL.  On error the institutions scored before it keep their new scores;
** err names the one that failed.  Call it outside a transaction, after an
** import has committed. */
int risk_rescore_today(store *st, int32_t today, int only_missing, risk_rescore_result *res,
                       cairn_err *err);

#endif
