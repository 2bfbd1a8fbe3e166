/*
** web/mail.h — the mail worker of `cairn serve` (web/mail_worker.c) and
** what a page may ask of it (mail_status).
**
** With a relay (`cairn serve --smtp URL --mail-from ADDR`), a thread of its
** own sends the queued messages of support/notice.h over SMTP with libcurl,
** retrying with a doubling delay, and queues each "digest" account's
** digest of the previous day once a day.  Without one, mail is "off": the
** notices work and the messages wait in the queue.
*/
#ifndef CAIRN_WEB_MAIL_H
#define CAIRN_WEB_MAIL_H
#include "base/err.h"
#include "store/store.h"
#include "support/notice.h"

typedef struct web_mail_config {
    const char *smtp_url;    /* smtp://host:port or smtps://host:port; NULL = mail off */
    const char *mail_from;   /* the envelope and From address */
    int         starttls;    /* 1 = require STARTTLS on smtp:// */
} web_mail_config;

typedef struct web_mail_worker web_mail_worker;

/* Start the worker on db_url with cfg (copied); NULL when mail is off
** (no smtp_url) or the thread cannot start (logged).  Stop and free with
** web_mail_worker_stop (NULL: nothing). */
web_mail_worker *web_mail_worker_start(const char *db_url, const web_mail_config *cfg);
void web_mail_worker_stop(web_mail_worker *w);

/* What the administrator's page shows: whether mail is on, the relay
** (without any user or password in its URL) and the queue's counts. */
typedef struct mail_status_info {
    int  on;                          /* 1 = a relay is configured in this server */
    char relay[256];                  /* "" when off */
    char from[256];
    support_mail_counts counts;
} mail_status_info;

/* Fill *out from this process's configuration and st's queue.  0 or -1. */
int mail_status(store *st, mail_status_info *out, cairn_err *err);

/* Send one message over SMTP now (the worker's step, for tests): 0 sent,
** -1 with err saying why not. */
int mail_smtp_send(const web_mail_config *cfg, const char *to, const char *message, cairn_err *err);

#endif
