/*
** cli/serve_jobs.h — the scheduled work of `cairn serve`, on a thread of
** its own beside the web server.
**
** Shape: one thread (serve_jobs_start .. serve_jobs_stop) with its own
** database connection, so no request ever waits for a job; one function
** per job (serve_job_score: today's scores), called by the thread when the
** job is due.  A job logs one line of what it did to stderr, in the
** server's log format, and a failure is logged and tried again when the job
** is next due; it never stops the server.  Another worker (mail, notices)
** adds its own function and its own due time here.
*/
#ifndef CAIRN_CLI_SERVE_JOBS_H
#define CAIRN_CLI_SERVE_JOBS_H
#include "store/store.h"

#define SERVE_SCORE_AT_DEFAULT (5 * 60)   /* 05:00, minutes after midnight */
#define SERVE_RETENTION_AT (3 * 60 + 30)   /* 03:30: the daily retention run */

typedef struct serve_jobs_config {
    const char *db_url;
    int score_at;          /* minutes after local midnight of the daily scoring;
                              -1 = no scheduled scoring at all */
    int interval_seconds;  /* > 0: score every this many seconds instead of daily
                              (for tests: CAIRN_SCORE_INTERVAL) */
} serve_jobs_config;

typedef struct serve_jobs serve_jobs;

/* Parse "HH:MM" (00:00 to 23:59) into minutes after midnight, or "off" into
** -1; returns -2 when s is neither. */
int serve_jobs_parse_time(const char *s);

/* Start the jobs thread (SIGINT and SIGTERM blocked in it, so web_serve's
** sigwait takes them): at start it scores today for every institution that
** has no scores of today yet, then again each day at cfg->score_at (or
** every cfg->interval_seconds; neither when scoring is off), and it runs the
** retention periods daily at SERVE_RETENTION_AT (local time).  cfg is copied; db_url must outlive the
** thread.  NULL when the thread cannot start (logged).  Free with
** serve_jobs_stop(). */
serve_jobs *serve_jobs_start(const serve_jobs_config *cfg);

/* Tell the thread to stop, wait for a job in progress to finish, free j.
** j may be NULL. */
void serve_jobs_stop(serve_jobs *j);

/* The retention job: apply the retention periods to every institution
** (cli_retention_all) and log what it removed.  0, or -1 (logged). */
int serve_job_retention(store *st);

/* The scoring job: score every institution for today (risk_rescore_today;
** only_missing 1 leaves those already scored today alone) and log what it
** did.  0, or -1 when it failed (logged). */
int serve_job_score(store *st, int only_missing);

#endif
