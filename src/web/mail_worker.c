/*
** web/mail_worker.c — the mail worker of `cairn serve` (see mail.h).
**
** Every WEB_MAIL_TICK_MS it reads the queued messages that are due
** (support_mail_due), builds each (support_mail_message) and hands it to
** the relay over SMTP with libcurl: MAIL FROM, RCPT TO, the message as the
** upload; STARTTLS when configured (or smtps://).  A failure is recorded
** with the next try after $CAIRN_MAIL_RETRY_SECONDS (default 60) doubled
** per attempt, at most an hour; after SUPPORT_MAIL_ATTEMPTS_MAX attempts
** the message is 'failed'.  Once a day (the first tick of a new UTC day)
** it queues the previous day's digests (support_mail_digest_queue).
*/
#include "web/mail.h"
#include "web/server_int.h"
#include "base/date.h"
#include "base/mem.h"
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WEB_MAIL_TICK_MS   500
#define WEB_MAIL_BATCH     20
#define WEB_MAIL_RETRY_MAX 3600

struct web_mail_worker {
    const char     *db_url;
    web_mail_config cfg;
    char            url[512], from[256];
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    int             stop;
    pthread_t       thread;
};

/* This process's configuration, for mail_status (set once at start). */
static pthread_mutex_t mail_cfg_mu = PTHREAD_MUTEX_INITIALIZER;
static char mail_cfg_relay[256], mail_cfg_from[256];

/* The upload: what is left of the message. */
typedef struct upload {
    const char *p;
    size_t      left;
} upload;

/* libcurl's read callback: the next piece of the message. */
static size_t upload_read(char *dst, size_t size, size_t nitems, void *arg) {
    upload *u = arg;
    size_t n = size * nitems < u->left ? size * nitems : u->left;
    memcpy(dst, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

/* 1 when addr is a plain address fit for an SMTP command: no space,
** control character or angle bracket, one '@' with text on both sides. */
static int address_ok(const char *addr) {
    const char *at = NULL;
    if (!addr || !*addr || strlen(addr) > 254) return 0;
    for (const char *s = addr; *s; s++) {
        if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '<' || *s == '>') return 0;
        if (*s == '@') {
            if (at) return 0;
            at = s;
        }
    }
    return at && at != addr && at[1];
}

/* Send one message (see mail.h). */
int mail_smtp_send(const web_mail_config *cfg, const char *to, const char *message, cairn_err *err) {
    if (!address_ok(to)) return err_set(err, CAIRN_EINVAL, "the recipient is not a valid address");
    if (!address_ok(cfg->mail_from))
        return err_set(err, CAIRN_EINVAL, "the sender (--mail-from) is not a valid address");
    CURL *h = curl_easy_init();
    if (!h) return err_set(err, CAIRN_EINTERNAL, "libcurl could not start");
    char from[300], rcpt[300], ebuf[CURL_ERROR_SIZE] = "";
    snprintf(from, sizeof from, "<%s>", cfg->mail_from);
    snprintf(rcpt, sizeof rcpt, "<%s>", to);
    struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
    upload u = {message, strlen(message)};
    curl_easy_setopt(h, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    if (cfg->starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(rcpts);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK)
        return err_set(err, CAIRN_EIO, "the relay did not take the message: %s",
                       ebuf[0] ? ebuf : curl_easy_strerror(rc));
    return 0;
}

/* The delay before attempt number attempts+1 (seconds). */
static long retry_delay(int attempts) {
    const char *env = getenv("CAIRN_MAIL_RETRY_SECONDS");
    long base = env && atol(env) > 0 ? atol(env) : 60, d = base;
    for (int i = 1; i < attempts && d < WEB_MAIL_RETRY_MAX; i++) d *= 2;
    return d < WEB_MAIL_RETRY_MAX ? d : WEB_MAIL_RETRY_MAX;
}

/* ISO 8601 UTC of t into out. */
static void iso_at(time_t t, char out[32]) {
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Send what is due on st; problems are logged.  0, or -1 when the
** database failed (the caller reconnects). */
static int mail_send_due(web_mail_worker *w, store *st) {
    cairn_err err = {0};
    char now[32];
    iso_at(time(NULL), now);
    support_mail *rows;
    size_t n;
    if (support_mail_due(st, now, WEB_MAIL_BATCH, &rows, &n, &err) < 0) {
        log_line("cairn serve: mail: %s", err.msg);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        support_mail *m = &rows[i];
        char *msg = support_mail_message(w->cfg.mail_from, m->recipient, m->subject, m->body,
                                         (int64_t)time(NULL));
        cairn_err serr = {0};
        int sent = mail_smtp_send(&w->cfg, m->recipient, msg, &serr) == 0;
        free(msg);
        char next[32];
        iso_at(time(NULL) + retry_delay(m->attempts + 1), next);
        if (!sent)
            log_line("cairn serve: mail %lld.%lld (attempt %d): %s", (long long)m->institution_id,
                     (long long)m->id, m->attempts + 1, serr.msg);
        if (rc == 0 && support_mail_result(st, m, sent ? NULL : serr.msg, next, &err) < 0) {
            log_line("cairn serve: mail: %s", err.msg);
            rc = -1;
        }
        support_mail_free(m);
    }
    free(rows);
    return rc;
}

/* The worker thread: send what is due every tick, and queue yesterday's
** digests on the first tick of each UTC day, until stop. */
static void *mail_worker_run(void *arg) {
    web_mail_worker *w = arg;
    store *st = NULL;
    int32_t digest_day = 0;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        if (!w->stop) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += WEB_MAIL_TICK_MS * 1000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec += 1;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&w->cv, &w->mu, &until);
        }
        int stop = w->stop;
        pthread_mutex_unlock(&w->mu);
        if (stop) break;
        cairn_err err = {0};
        if (!st && store_open(w->db_url, &st, &err) != 0) {
            log_line("cairn serve: mail: %s", err.msg);
            st = NULL;
            continue;
        }
        int32_t today = date_today();
        if (digest_day != today) {
            char day[DATE_TEXT_LEN];
            date_format(today - 1, day);
            int queued = 0;
            if (support_mail_digest_queue(st, day, &queued, &err) < 0)
                log_line("cairn serve: mail digest: %s", err.msg);
            else
                digest_day = today;
        }
        if (mail_send_due(w, st) < 0) {
            store_close(st);
            st = NULL;
        }
    }
    if (st) store_close(st);
    return NULL;
}

/* Copy url into out without its user information (user:password@). */
static void url_public(const char *url, char *out, size_t n) {
    const char *scheme = strstr(url, "://"), *at = strchr(url, '@');
    if (scheme && at && at > scheme) snprintf(out, n, "%.*s%s", (int)(scheme + 3 - url), url, at + 1);
    else str_copy(out, n, url);
}

/* Start the worker (see mail.h). */
web_mail_worker *web_mail_worker_start(const char *db_url, const web_mail_config *cfg) {
    if (!cfg || !cfg->smtp_url || !*cfg->smtp_url) return NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_line("cairn serve: mail: libcurl could not start; mail stays queued");
        return NULL;
    }
    web_mail_worker *w = xcalloc(1, sizeof *w);
    w->db_url = db_url;
    str_copy(w->url, sizeof w->url, cfg->smtp_url);
    str_copy(w->from, sizeof w->from, cfg->mail_from ? cfg->mail_from : "");
    w->cfg.smtp_url = w->url;
    w->cfg.mail_from = w->from;
    w->cfg.starttls = cfg->starttls;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, mail_worker_run, w) != 0) {
        log_line("cairn serve: mail: the worker thread could not start; mail stays queued");
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        curl_global_cleanup();
        return NULL;
    }
    pthread_mutex_lock(&mail_cfg_mu);
    url_public(w->url, mail_cfg_relay, sizeof mail_cfg_relay);
    str_copy(mail_cfg_from, sizeof mail_cfg_from, w->from);
    pthread_mutex_unlock(&mail_cfg_mu);
    log_line("cairn serve: mail goes out through %s from %s", mail_cfg_relay, w->from);
    return w;
}

/* Stop the worker after the message in hand, and free it. */
void web_mail_worker_stop(web_mail_worker *w) {
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
    pthread_mutex_lock(&mail_cfg_mu);
    mail_cfg_relay[0] = mail_cfg_from[0] = 0;
    pthread_mutex_unlock(&mail_cfg_mu);
    curl_global_cleanup();
}

/* Whether mail is on, and the queue (see mail.h). */
int mail_status(store *st, mail_status_info *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&mail_cfg_mu);
    out->on = mail_cfg_relay[0] != 0;
    str_copy(out->relay, sizeof out->relay, mail_cfg_relay);
    str_copy(out->from, sizeof out->from, mail_cfg_from);
    pthread_mutex_unlock(&mail_cfg_mu);
    return support_mail_counts_read(st, &out->counts, err);
}
