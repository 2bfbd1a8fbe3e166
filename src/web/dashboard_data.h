/*
** web/dashboard_data.h — what the dashboard shows, read through a cache for
** the viewers who see the whole institution.
**
** A school leader's dashboard sorts every learner scored on the latest date
** (88,000 at 100,000 learners) to show the 50 most urgent: about 100 ms of
** database work, the same for every leader and administrator of the
** institution, and it only changes when `cairn score` or an import writes.
** So for those viewers the answer (counts per tier, the page of rows, the
** group list for the filter form) is kept in memory, keyed by database,
** institution, score date, the filters and the page, and checked on every
** request against two stamps that change with the data:
**
**   school_scores_written_at()  changes with every scoring run of the date
**   school_data_version()       changes with every import
**
** plus a time limit (DASHBOARD_CACHE_SECONDS) for writes that bypass both.
** Each check is a primary-key read.  Viewers who see part of the school
** (teachers, key workers) are read live: their lists are small, and a key
** worker must see a learner named to them at once.
*/
#ifndef CAIRN_WEB_DASHBOARD_DATA_H
#define CAIRN_WEB_DASHBOARD_DATA_H
#include "risk/risk_read.h"
#include "school/school.h"
#include "web/access.h"

#define DASHBOARD_CACHE_SLOTS   32
#define DASHBOARD_CACHE_SECONDS 600

/* What the viewer asked for. */
typedef struct dashboard_query {
    const char *programme;   /* programme code, "" = any */
    const char *group;       /* group code, "" = any */
    const char *flag;        /* rule code, "" = any */
    int         tier;        /* 0..2, -1 = any tier above universal or flagged,
                                RISK_TIER_FILTER_ALL = everyone */
    int64_t     after;       /* the last learner of the previous page; 0 = first page */
    size_t      limit;       /* rows per page */
    const char *search;      /* name or school reference, "" = any */
    int         sort;        /* risk_attention_sort */
    int         reverse;     /* 1 = that order backwards */
    int         before;      /* 1 = after names the first learner of the next page:
                                read the page before it */
} dashboard_query;

typedef struct dashboard_shared dashboard_shared;

/* What the dashboard shows.  Filled by dashboard_data_read(); free with
** dashboard_data_free().  From the cache, rows and groups belong to a
** shared entry (shared != NULL) that other requests read at the same
** time: read them, never write or free them yourself. */
typedef struct dashboard_data {
    int32_t              asof;     /* the latest score date; 0 = no scores yet */
    size_t               counts[RISK_TIER_COUNT];
    risk_attention_row  *rows;     /* malloc'd, or the shared entry's; n of them */
    size_t               n, total; /* total: rows passing the filters, all pages */
    size_t               first;    /* place of rows[0] in the whole list, 1-based */
    int                  more;     /* 1 = a next page exists */
    school_group_summary *groups;  /* malloc'd, or the shared entry's; every group */
    size_t               ngroups;
    int                  from_cache;
    dashboard_shared    *shared;   /* the cache entry rows and groups belong to, or NULL */
} dashboard_data;

/* Read the dashboard of who (access_ctx with st set) for q into *out,
** through the cache when who sees the whole institution.  0, or -1 with err
** set (*out is then empty).  An `after` learner without a score on that
** date is CAIRN_ENOTFOUND. */
int dashboard_data_read(store *st, const access_ctx *who, const dashboard_query *q,
                        dashboard_data *out, cairn_err *err);

/* Free what dashboard_data_read() filled (a shared entry: let go of it;
** the last holder frees it). */
void dashboard_data_free(dashboard_data *d);

#endif
