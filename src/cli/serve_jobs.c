/*
** cli/serve_jobs.c — the scheduled work of `cairn serve` (see serve_jobs.h).
*/
#include "cli/serve_jobs.h"
#include "base/date.h"
#include "cli/cli.h"
#include "base/mem.h"
#include "risk/freshness.h"
#include "support/notice.h"
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JOBS_TICK_SECONDS 30   /* the thread looks at the clock at least this often */

struct serve_jobs {
    serve_jobs_config cfg;
    pthread_mutex_t   mu;
    pthread_cond_t    cv;
    int               stop;
    pthread_t         thread;
};

/* One line to stderr in the server's log format: "<UTC time> cairn serve: ...". */
static void jobs_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void jobs_log(const char *fmt, ...) {
    char msg[1024], ts[32];
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts + n, sizeof ts - n, ".%03ldZ", now.tv_nsec / 1000000L);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s cairn serve: %s\n", ts, msg);
}

/* "HH:MM" or "off" (see serve_jobs.h). */
int serve_jobs_parse_time(const char *s) {
    if (!s) return -2;
    if (strcmp(s, "off") == 0) return -1;
    if (strlen(s) != 5 || s[2] != ':') return -2;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9')) return -2;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59) return -2;
    return h * 60 + m;
}

/* The scoring job (see serve_jobs.h). */
int serve_job_score(store *st, int only_missing) {
    cairn_err err = {0};
    int32_t today = date_today();
    char d[DATE_TEXT_LEN];
    date_format(today, d);
    risk_rescore_result r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (risk_rescore_today(st, today, only_missing, &r, &err) != 0) {
        jobs_log("scoring for %s failed: %s", d, err.msg);
        char detail[300];
        snprintf(detail, sizeof detail, "the daily scoring for %s: %s", d, err.msg);
        cairn_err nerr = {0};   /* the administrators hear of it (support/notice.h) */
        if (support_notice_admins_all(st, SUPPORT_NOTICE_SCORE_FAILED, detail, &nerr) < 0)
            jobs_log("the administrators could not be told: %s", nerr.msg);
        return -1;
    }
    cairn_err nerr = {0};       /* key workers of newly flagged learners */
    if (r.institutions && support_notice_rescored(st, d, NULL, &nerr) < 0)
        jobs_log("the key workers could not be told: %s", nerr.msg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (r.institutions)
        jobs_log("scored %zu learners of %zu institution%s for %s (%zu rows written) in %.0f ms",
                 r.learners, r.institutions, r.institutions == 1 ? "" : "s", d, r.written, ms);
    else
        jobs_log("scores for %s are there already; nothing to score", d);
    return 0;
}

/* The next time (seconds since the epoch) the daily scoring is due after
** now: today's or tomorrow's score_at in local time. */
static time_t next_daily(time_t now, int score_at) {
    struct tm tm;
    localtime_r(&now, &tm);
    tm.tm_hour = score_at / 60;
    tm.tm_min = score_at % 60;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t <= now) {
        tm.tm_mday += 1;
        tm.tm_hour = score_at / 60;
        tm.tm_min = score_at % 60;
        tm.tm_sec = 0;
        tm.tm_isdst = -1;
        t = mktime(&tm);
    }
    return t;
}

/* Wait until due (or at most JOBS_TICK_SECONDS, to look at the clock again)
** or a stop; returns 1 when told to stop. */
static int jobs_wait(serve_jobs *j, time_t due) {
    pthread_mutex_lock(&j->mu);
    if (!j->stop) {
        time_t now = time(NULL), until = due;
        if (until > now + JOBS_TICK_SECONDS) until = now + JOBS_TICK_SECONDS;
        struct timespec ts = {until, 0};
        pthread_cond_timedwait(&j->cv, &j->mu, &ts);
    }
    int stop = j->stop;
    pthread_mutex_unlock(&j->mu);
    return stop;
}

/* Run a job on the thread's store, opening it first when needed (a
** connection that failed is closed and opened again next time). */
static void jobs_run_score(serve_jobs *j, store **st, int only_missing) {
    cairn_err err = {0};
    if (!*st && store_open(j->cfg.db_url, st, &err) != 0) {
        jobs_log("scheduled scoring: cannot open the database: %s", err.msg);
        *st = NULL;
        return;
    }
    if (serve_job_score(*st, only_missing) != 0) {
        store_close(*st);
        *st = NULL;
    }
}

/* The retention job (see serve_jobs.h). */
int serve_job_retention(store *st) {
    cairn_err err = {0};
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    int rc = cli_retention_all(st, 0, m, &err);
    if (m) fclose(m);
    if (rc < 0) jobs_log("retention run failed: %s", err.msg);
    size_t removed = 0;
    for (char *line = text, *next; line && *line; line = next) {   /* the lines that did something */
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        if (strstr(line, ": removed ") && !strstr(line, ": removed 0 of 0 ")) {
            jobs_log("retention: %s", line);
            removed++;
        }
    }
    if (rc == 0 && !removed) jobs_log("retention: nothing past its period");
    free(text);
    return rc < 0 ? -1 : 0;
}

/* Open the thread's store when needed and run the retention job. */
static void jobs_run_retention(serve_jobs *j, store **st) {
    cairn_err err = {0};
    if (!*st && store_open(j->cfg.db_url, st, &err) != 0) {
        jobs_log("retention: cannot open the database: %s", err.msg);
        *st = NULL;
        return;
    }
    if (serve_job_retention(*st) != 0) {
        store_close(*st);
        *st = NULL;
    }
}

/* The jobs thread: today's scores at start when missing, then each time
** the scoring is due; the retention run daily at SERVE_RETENTION_AT (not at
** start: a server started on an old copy deletes nothing before someone
** could look); until stopped. */
static void *jobs_main(void *arg) {
    serve_jobs *j = arg;
    store *st = NULL;
    int scoring = j->cfg.score_at >= 0 || j->cfg.interval_seconds > 0;
    if (!scoring)
        jobs_log("no scheduled scoring; retention daily at %02d:%02d", SERVE_RETENTION_AT / 60,
                 SERVE_RETENTION_AT % 60);
    else if (j->cfg.interval_seconds > 0)
        jobs_log("scoring for today at start when missing, then every %d s",
                 j->cfg.interval_seconds);
    else
        jobs_log("scoring for today at start when missing, then daily at %02d:%02d",
                 j->cfg.score_at / 60, j->cfg.score_at % 60);
    if (scoring) jobs_run_score(j, &st, 1);
    time_t far = (time_t)1 << 40;
    time_t due = !scoring ? far
               : j->cfg.interval_seconds > 0 ? time(NULL) + j->cfg.interval_seconds
                                             : next_daily(time(NULL), j->cfg.score_at);
    time_t retention_due = next_daily(time(NULL), SERVE_RETENTION_AT);
    while (!jobs_wait(j, due < retention_due ? due : retention_due)) {
        time_t now = time(NULL);
        if (now >= due) {
            jobs_run_score(j, &st, 0);
            due = j->cfg.interval_seconds > 0 ? time(NULL) + j->cfg.interval_seconds
                                              : next_daily(time(NULL), j->cfg.score_at);
        }
        if (now >= retention_due) {
            jobs_run_retention(j, &st);
            retention_due = next_daily(time(NULL), SERVE_RETENTION_AT);
        }
    }
    if (st) store_close(st);
    return NULL;
}

/* Start the jobs thread (see serve_jobs.h). */
serve_jobs *serve_jobs_start(const serve_jobs_config *cfg) {
    if (!cfg || !cfg->db_url) return NULL;
    serve_jobs *j = xcalloc(1, sizeof *j);
    j->cfg = *cfg;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    int rc = pthread_create(&j->thread, NULL, jobs_main, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        jobs_log("cannot start the thread of scheduled scoring; scores are made by imports "
                 "and cairn score only");
        pthread_mutex_destroy(&j->mu);
        pthread_cond_destroy(&j->cv);
        free(j);
        return NULL;
    }
    return j;
}

/* Stop the jobs thread and free it (see serve_jobs.h). */
void serve_jobs_stop(serve_jobs *j) {
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    j->stop = 1;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    free(j);
}
