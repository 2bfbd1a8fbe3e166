/*
** support/mail_queue.c — the mail queue, the daily digest and the RFC 5322
** message builder (see notice.h).
*/
#include "support/notice.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the queue -------------------------------------------------------------------- */

/* Queue a message in the caller's transaction (see notice.h). */
int support_mail_enqueue_in_tx(store *st, int64_t institution_id, int64_t account_id,
                               const char *recipient, const char *subject, const char *body,
                               cairn_err *err) {
    assert(store_in_tx(st) && recipient && subject && body);
    char now[32];
    date_now_iso(now);
    int64_t id = 0;
    if (store_query_int64(st, "SELECT coalesce(max(id), 0) FROM mail_queue WHERE institution_id = ?",
                          institution_id, &id, err) < 0)
        return -1;
    store_stmt *q = store_prepare(st,
        "INSERT INTO mail_queue (institution_id, id, account_id, recipient, subject, body, state,"
        " attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)", err);
    if (!q) return -1;
    store_bind_int64(q, 1, institution_id);
    store_bind_int64(q, 2, id + 1);
    if (account_id > 0) store_bind_int64(q, 3, account_id);
    else store_bind_null(q, 3);
    store_bind_text(q, 4, recipient, (size_t)-1);
    store_bind_text(q, 5, subject, (size_t)-1);
    store_bind_text(q, 6, body, (size_t)-1);
    store_bind_text(q, 7, now, (size_t)-1);
    store_bind_text(q, 8, now, (size_t)-1);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Free what a queued message holds (not m itself). */
void support_mail_free(support_mail *m) {
    if (!m) return;
    free(m->recipient);
    free(m->subject);
    free(m->body);
    memset(m, 0, sizeof *m);
}

/* The messages due (see notice.h). */
int support_mail_due(store *st, const char *now, size_t limit, support_mail **rows, size_t *n,
                     cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        "SELECT institution_id, id, recipient, subject, body, attempts FROM mail_queue"
        " WHERE state = 'queued' AND next_attempt_at <= ?"
        " ORDER BY next_attempt_at, institution_id, id LIMIT ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, now, (size_t)-1);
    store_bind_int64(q, 2, (int64_t)limit);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) *rows = xrealloc(*rows, (cap = cap ? cap * 2 : 8) * sizeof **rows);
        support_mail *m = &(*rows)[(*n)++];
        m->institution_id = store_col_int64(q, 0);
        m->id = store_col_int64(q, 1);
        m->recipient = xstrdup(store_col_text(q, 2));
        m->subject = xstrdup(store_col_text(q, 3));
        m->body = xstrdup(store_col_text(q, 4));
        m->attempts = (int)store_col_int64(q, 5);
    }
    store_finalize(q);
    if (rc < 0) {
        for (size_t i = 0; i < *n; i++) support_mail_free(&(*rows)[i]);
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

/* Record an attempt (see notice.h). */
int support_mail_result(store *st, const support_mail *m, const char *error,
                        const char *next_attempt, cairn_err *err) {
    char now[32];
    date_now_iso(now);
    store_stmt *q;
    if (!error) {
        q = store_prepare(st, "UPDATE mail_queue SET state = 'sent', attempts = attempts + 1,"
                              " sent_at = ?, last_error = NULL WHERE institution_id = ? AND id = ?", err);
        if (!q) return -1;
        store_bind_text(q, 1, now, (size_t)-1);
    } else {
        q = store_prepare(st, "UPDATE mail_queue SET attempts = attempts + 1, last_error = ?,"
                              " next_attempt_at = ?, state = CASE WHEN attempts + 1 >= ?"
                              " THEN 'failed' ELSE 'queued' END"
                              " WHERE institution_id = ? AND id = ?", err);
        if (!q) return -1;
        char e[256];
        str_copy(e, sizeof e, error);
        store_bind_text(q, 1, e, (size_t)-1);
        store_bind_text(q, 2, next_attempt ? next_attempt : now, (size_t)-1);
        store_bind_int64(q, 3, SUPPORT_MAIL_ATTEMPTS_MAX);
    }
    store_bind_int64(q, error ? 4 : 2, m->institution_id);
    store_bind_int64(q, error ? 5 : 3, m->id);
    int rc = store_step(q, err);
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* Counts by state (see notice.h). */
int support_mail_counts_read(store *st, support_mail_counts *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    store_stmt *q = store_prepare(st, "SELECT state, count(*) FROM mail_queue GROUP BY state", err);
    if (!q) return -1;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        const char *s = store_col_text(q, 0);
        int64_t c = store_col_int64(q, 1);
        if (!strcmp(s, "queued")) out->queued = c;
        else if (!strcmp(s, "sent")) out->sent = c;
        else if (!strcmp(s, "failed")) out->failed = c;
    }
    store_finalize(q);
    if (rc < 0) return -1;
    q = store_prepare(st, "SELECT last_error FROM mail_queue WHERE last_error IS NOT NULL"
                          " ORDER BY next_attempt_at DESC LIMIT 1", err);
    if (!q) return -1;
    rc = store_step(q, err);
    if (rc == STORE_ROW) str_copy(out->last_error, sizeof out->last_error, store_col_text(q, 0));
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* ---- the daily digest ---------------------------------------------------------------- */

typedef struct digest_to {
    int64_t account_id, institution_id;
    char    email[255];
} digest_to;

/* Queue one account's digest of day and record the day; its own write
** transaction.  0 or -1. */
static int digest_one(store *st, const digest_to *t, const char *day, cairn_err *err) {
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + t->institution_id, err) < 0) return -1;
    store_stmt *q = store_prepare(st,
        "SELECT n.kind, coalesce(l.given_name || ' ' || l.family_name, ''), n.detail"
        " FROM notice n LEFT JOIN learner l ON l.institution_id = n.institution_id"
        " AND l.id = n.learner_id WHERE n.account_id = ? AND substr(n.created_at, 1, 10) = ?"
        " ORDER BY n.id", err);
    buf body;
    buf_init(&body);
    int rc = q ? 0 : -1, count = 0;
    if (q) {
        store_bind_int64(q, 1, t->account_id);
        store_bind_text(q, 2, day, (size_t)-1);
        while ((rc = store_step(q, err)) == STORE_ROW) {
            const char *kind = store_col_text(q, 0), *who = store_col_text(q, 1),
                       *detail = store_col_text(q, 2);
            buf_puts(&body, "- ");
            if (!strcmp(kind, SUPPORT_NOTICE_KEYWORKER))
                buf_printf(&body, "You were named key worker of %s.", who);
            else if (!strcmp(kind, SUPPORT_NOTICE_FLAGGED))
                buf_printf(&body, "%s of your caseload is newly flagged (%s).", who, detail);
            else if (!strcmp(kind, SUPPORT_NOTICE_IMPORT_FAILED))
                buf_printf(&body, "An import failed: %s", detail);
            else
                buf_printf(&body, "A scoring run failed: %s", detail);
            buf_putc(&body, '\n');
            count++;
        }
        store_finalize(q);
    }
    if (rc >= 0 && count) {
        char subject[80];
        snprintf(subject, sizeof subject, "cairn: your notices of %.10s (%d)", day, count);
        buf_puts(&body, "\nSign in to cairn and open Notices to see them.\n");
        rc = support_mail_enqueue_in_tx(st, t->institution_id, t->account_id, t->email, subject,
                                        buf_cstr(&body), err);
    }
    buf_free(&body);
    if (rc >= 0) {
        q = store_prepare(st, "UPDATE notice_pref SET digest_on = ? WHERE account_id = ?", err);
        rc = q ? 0 : -1;
        if (q) {
            store_bind_text(q, 1, day, (size_t)-1);
            store_bind_int64(q, 2, t->account_id);
            rc = store_step(q, err) < 0 ? -1 : 0;
            store_finalize(q);
        }
    }
    if (rc < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err);
}

/* Queue the day's digests (see notice.h). */
int support_mail_digest_queue(store *st, const char *day, int *queued, cairn_err *err) {
    if (queued) *queued = 0;
    store_stmt *q = store_prepare(st,
        "SELECT a.id, a.institution_id, s.email FROM account a"
        " JOIN notice_pref p ON p.account_id = a.id AND p.mail = 'digest'"
        " JOIN staff s ON a.person_kind = 'staff' AND s.institution_id = a.institution_id"
        "  AND s.id = a.person_id"
        " WHERE a.disabled = 0 AND coalesce(s.email, '') <> ''"
        " AND (p.digest_on IS NULL OR p.digest_on < ?)"
        " AND EXISTS (SELECT 1 FROM notice n WHERE n.account_id = a.id"
        "  AND substr(n.created_at, 1, 10) = ?) ORDER BY a.id", err);
    if (!q) return -1;
    store_bind_text(q, 1, day, (size_t)-1);
    store_bind_text(q, 2, day, (size_t)-1);
    digest_to *to = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (n == cap) to = xrealloc(to, (cap = cap ? cap * 2 : 8) * sizeof *to);
        to[n].account_id = store_col_int64(q, 0);
        to[n].institution_id = store_col_int64(q, 1);
        str_copy(to[n].email, sizeof to[n].email, store_col_text(q, 2));
        n++;
    }
    store_finalize(q);
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        rc = digest_one(st, &to[i], day, err);
        if (rc == 0 && queued) (*queued)++;
    }
    free(to);
    return rc < 0 ? -1 : 0;
}

/* ---- the message ------------------------------------------------------------------------ */

/* Append n bytes of p to out as base64, a CRLF after every 76 characters
** when wrap is set. */
static void base64_put(buf *out, const unsigned char *p, size_t n, int wrap) {
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {a[v >> 18 & 63], a[v >> 12 & 63], i + 1 < n ? a[v >> 6 & 63] : '=',
                     i + 2 < n ? a[v & 63] : '='};
        buf_append(out, q, 4);
        if (wrap && (col += 4) >= 76 && i + 3 < n) {
            buf_puts(out, "\r\n");
            col = 0;
        }
    }
}

/* s with every byte below 0x20 and DEL as a space, into out (caller's buf). */
static void header_clean(buf *out, const char *s) {
    for (; s && *s; s++) buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

/* Build a message (see notice.h). */
char *support_mail_message(const char *from, const char *to, const char *subject,
                           const char *body, int64_t t) {
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    buf m, f, s;
    buf_init(&m);
    buf_init(&f);
    buf_init(&s);
    header_clean(&f, from);
    header_clean(&s, subject);
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    buf_printf(&m, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
               months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    buf_printf(&m, "From: %s\r\nTo: ", buf_cstr(&f));
    header_clean(&m, to);
    const char *at = strrchr(buf_cstr(&f), '@');
    char token[33];
    crypto_random_token(token, 16);
    char domain[200];
    str_copy(domain, sizeof domain, at && at[1] ? at + 1 : "cairn.invalid");
    for (char *d = domain; *d; d++)
        if (*d == '>' || *d == ' ' || *d == '<') *d = 0;
    buf_printf(&m, "\r\nMessage-ID: <%s.%lld@%s>\r\nSubject: ", token, (long long)t,
               domain[0] ? domain : "cairn.invalid");
    const unsigned char *sp = (const unsigned char *)buf_cstr(&s);
    size_t sn = strlen((const char *)sp);
    int ascii = 1;
    for (size_t i = 0; i < sn; i++) ascii &= sp[i] < 0x80;
    if (ascii) {
        buf_append(&m, sp, sn);
    } else {                   /* RFC 2047 words of at most 45 bytes, whole characters */
        for (size_t i = 0; i < sn;) {
            size_t len = sn - i < 45 ? sn - i : 45;
            while (i + len < sn && len > 1 && (sp[i + len] & 0xC0) == 0x80) len--;
            if (i) buf_puts(&m, "\r\n ");
            buf_puts(&m, "=?UTF-8?B?");
            base64_put(&m, sp + i, len, 0);
            buf_puts(&m, "?=");
            i += len;
        }
    }
    buf_puts(&m, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                 "Content-Transfer-Encoding: base64\r\n\r\n");
    buf crlf;
    buf_init(&crlf);
    for (const char *b = body ? body : ""; *b; b++) {
        if (*b == '\n' && (b == body || b[-1] != '\r')) buf_putc(&crlf, '\r');
        buf_putc(&crlf, *b);
    }
    base64_put(&m, (const unsigned char *)buf_cstr(&crlf), crlf.len, 1);
    buf_puts(&m, "\r\n");
    buf_free(&crlf);
    buf_free(&f);
    buf_free(&s);
    return buf_detach(&m);
}
