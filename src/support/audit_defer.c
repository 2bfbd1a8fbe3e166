/*
** support/audit_defer.c — view events that a page hands to the audit
** writer thread instead of waiting for them (see audit.h, "Deferred
** events").
**
** Why: every learner page and case page appends a "viewed" event.  Written
** by the worker thread itself, each such commit made the other workers'
** SQLite connections throw their page cache away (a connection that sees
** another's commit in the WAL starts its next read with an empty cache),
** so every page read its b-tree pages again through pread: a third of the
** learner page's time.  Here the worker only copies its events and goes on
** to the next request; the web layer holds the page back (its connection
** suspended) until this thread has committed the events, so a page is
** still never shown before its view is in the log.  The thread writes what
** has come in every AUDIT_DEFER_GATHER_MS: one transaction per institution
** (audit_batch_write), one cache reset per batch instead of one per page.
** When a batch fails, its events are written one by one, so a bad event
** fails only its own page.
*/
#include "support/audit.h"
#include "support/audit_internal.h"
#include "base/mem.h"
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AUDIT_DEFER_GATHER_MS 5   /* how long the thread lets events gather */
#define AUDIT_DEFER_EVENTS_MAX 16 /* events one page may defer; more are written at once */

/* One deferred event: a deep copy of the caller's (its texts in text[]). */
typedef struct defer_event {
    int64_t             inst;
    int                 v2;
    int                 written;   /* tried by the writer (audit_defer.c's write_all) */
    support_audit_event ev;
    char               *text;      /* the copies of ev's strings, one block */
} defer_event;

/* One page's events, then its place in the writer's queue. */
struct support_audit_deferred {
    defer_event                    events[AUDIT_DEFER_EVENTS_MAX];
    size_t                         n;
    int                            rc;           /* 0, or -1 once an event failed */
    char                           why[160];     /* the first failure, for the log */
    support_audit_deferred_done    done;
    void                          *arg;
    struct support_audit_deferred *next;
};

static _Thread_local support_audit_deferred *defer_current;   /* this thread's page */

static pthread_mutex_t writer_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  writer_cv = PTHREAD_COND_INITIALIZER;
static pthread_t       writer_thread;
static int             writer_running, writer_stopping;
static char           *writer_url;
static support_audit_deferred *writer_queue, **writer_tail = &writer_queue;
static struct timespec writer_first;   /* when the first page of writer_queue came */

/* ---- collecting ---------------------------------------------------------------- */

/* Start collecting this thread's events (see audit.h). */
support_audit_deferred *support_audit_defer_begin(void) {
    assert(!defer_current);
    pthread_mutex_lock(&writer_mu);
    int on = writer_running && !writer_stopping;
    pthread_mutex_unlock(&writer_mu);
    if (!on) return NULL;
    defer_current = xcalloc(1, sizeof *defer_current);
    return defer_current;
}

/* Stop collecting (see audit.h). */
void support_audit_defer_end(support_audit_deferred *d) {
    assert(defer_current == d);
    defer_current = NULL;
}

/* How many events d holds. */
size_t support_audit_defer_count(const support_audit_deferred *d) {
    return d ? d->n : 0;
}

/* Why d's events could not be written ("" when they were). */
const char *support_audit_defer_why(const support_audit_deferred *d) {
    return d ? d->why : "";
}

/* Free d and its copies (not submitted, or done). */
void support_audit_defer_free(support_audit_deferred *d) {
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) free(d->events[i].text);
    free(d);
}

/* A copy of s at *p in the block (NULL stays NULL); *p moves past it. */
static const char *copy_into(char **p, const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*p, s, n);
    const char *out = *p;
    *p += n;
    return out;
}

/* 1 if ev was taken into this thread's page (see audit_internal.h). */
int audit_defer_take(int64_t inst, const support_audit_event *ev, int v2) {
    support_audit_deferred *d = defer_current;
    if (!d || d->n == AUDIT_DEFER_EVENTS_MAX) return 0;
    const char *s[4] = {ev->action, ev->record_kind, ev->reason, ev->detail};
    size_t len = 0;
    for (int i = 0; i < 4; i++) len += s[i] ? strlen(s[i]) + 1 : 0;
    defer_event *e = &d->events[d->n++];
    e->inst = inst;
    e->v2 = v2;
    e->ev = *ev;
    e->text = xmalloc(len ? len : 1);
    char *p = e->text;
    e->ev.action = copy_into(&p, ev->action);
    e->ev.record_kind = copy_into(&p, ev->record_kind);
    e->ev.reason = copy_into(&p, ev->reason);
    e->ev.detail = copy_into(&p, ev->detail);
    return 1;
}

/* Queue d for the writer (see audit.h). */
void support_audit_defer_submit(support_audit_deferred *d, support_audit_deferred_done done,
                                void *arg) {
    assert(d && d->n > 0 && done && !d->next);
    d->done = done;
    d->arg = arg;
    pthread_mutex_lock(&writer_mu);
    int on = writer_running && !writer_stopping;
    if (on) {
        if (!writer_queue) clock_gettime(CLOCK_MONOTONIC, &writer_first);
        *writer_tail = d;
        writer_tail = &d->next;
        pthread_cond_signal(&writer_cv);
    }
    pthread_mutex_unlock(&writer_mu);
    if (!on) {   /* the server is stopping: the page is not shown, not left waiting */
        d->rc = -1;
        str_copy(d->why, sizeof d->why, "the audit writer has stopped");
        done(arg, -1);
    }
}

/* ---- writing ------------------------------------------------------------------- */

/* Write the events of institution inst from the pages of list, in their
** order, in one transaction; when that fails, each event alone, marking
** the pages whose events could not be written.  Every event of inst is
** marked written (tried) afterwards. */
static void write_institution(store *st, int64_t inst, support_audit_deferred *list) {
    enum { BATCH = 256 };
    const support_audit_event *evs[BATCH];
    int v2s[BATCH];
    size_t n = 0;
    int whole = 1;   /* every event of inst fits in one batch */
    for (support_audit_deferred *d = list; d; d = d->next)
        for (size_t i = 0; i < d->n; i++) {
            if (d->events[i].inst != inst) continue;
            if (n == BATCH) {
                whole = 0;
                continue;
            }
            evs[n] = &d->events[i].ev;
            v2s[n++] = d->events[i].v2;
        }
    cairn_err err = {0};
    int batched = whole && audit_batch_write(st, inst, evs, v2s, n, &err) == 0;
    for (support_audit_deferred *d = list; d; d = d->next)
        for (size_t i = 0; i < d->n; i++) {
            defer_event *e = &d->events[i];
            if (e->inst != inst) continue;
            cairn_err one = {0};
            if (!batched && audit_write_alone(st, inst, &e->ev, e->v2, &one) < 0) {
                if (!d->rc) str_copy(d->why, sizeof d->why, one.msg);
                d->rc = -1;
            }
            e->written = 1;
        }
}

/* Write every event of list, institution by institution (each
** institution's chain in one transaction). */
static void write_all(store *st, support_audit_deferred *list) {
    for (support_audit_deferred *d = list; d; d = d->next)
        for (size_t i = 0; i < d->n; i++)
            if (!d->events[i].written) write_institution(st, d->events[i].inst, list);
}

/* The writer thread: what came in, AUDIT_DEFER_GATHER_MS after the first
** of it came (not after the last batch was written: the pages that came
** during that write have waited for it already). */
static void *writer_main(void *unused) {
    (void)unused;
    store *st = NULL;
    pthread_mutex_lock(&writer_mu);
    for (;;) {
        while (!writer_queue && !writer_stopping) pthread_cond_wait(&writer_cv, &writer_mu);
        if (!writer_queue) break;   /* stopping, nothing left */
        int stopping = writer_stopping;
        struct timespec until = writer_first;   /* the gather counts from the first page */
        pthread_mutex_unlock(&writer_mu);
        until.tv_nsec += AUDIT_DEFER_GATHER_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        /* pages that came while the last batch was written have waited already */
        if (!stopping) clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
        pthread_mutex_lock(&writer_mu);
        support_audit_deferred *list = writer_queue;
        writer_queue = NULL;
        writer_tail = &writer_queue;
        pthread_mutex_unlock(&writer_mu);
        cairn_err err = {0};
        int failed = 0;
        if (!st && store_open(writer_url, &st, &err) == 0) store_queue_writers(st);
        if (st) write_all(st, list);
        while (list) {
            support_audit_deferred *next = list->next;
            list->next = NULL;
            if (!st) {
                list->rc = -1;
                str_copy(list->why, sizeof list->why, err.msg);
            }
            if (list->rc < 0) failed = 1;
            list->done(list->arg, list->rc);   /* the page owns it from here */
            list = next;
        }
        if (failed && st) {   /* start afresh: the connection may be what failed */
            store_close(st);
            st = NULL;
        }
        pthread_mutex_lock(&writer_mu);
    }
    pthread_mutex_unlock(&writer_mu);
    store_close(st);
    return NULL;
}

/* Start the writer thread for db_url (see audit.h). */
int support_audit_writer_start(const char *db_url, cairn_err *err) {
    assert(db_url);
    pthread_mutex_lock(&writer_mu);
    assert(!writer_running);
    writer_url = xstrdup(db_url);
    writer_stopping = 0;
    int rc = pthread_create(&writer_thread, NULL, writer_main, NULL);
    writer_running = rc == 0;
    if (rc != 0) {
        free(writer_url);
        writer_url = NULL;
    }
    pthread_mutex_unlock(&writer_mu);
    if (rc != 0) return err_set(err, CAIRN_EINTERNAL, "cannot start the audit writer thread");
    return 0;
}

/* Write what is queued and stop the writer thread (see audit.h). */
void support_audit_writer_stop(void) {
    pthread_mutex_lock(&writer_mu);
    if (!writer_running) {
        pthread_mutex_unlock(&writer_mu);
        return;
    }
    writer_stopping = 1;
    pthread_cond_signal(&writer_cv);
    pthread_mutex_unlock(&writer_mu);
    pthread_join(writer_thread, NULL);
    pthread_mutex_lock(&writer_mu);
    writer_running = 0;
    free(writer_url);
    writer_url = NULL;
    pthread_mutex_unlock(&writer_mu);
}
