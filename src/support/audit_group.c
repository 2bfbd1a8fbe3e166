/*
** support/audit_group.c — group commit of the audit events that the web
** server's worker threads write outside a transaction (a page's "viewed"
** event; see audit.h).
**
** Each such event was a write transaction of its own: the write lock, a
** read of the chain's end, one row, a commit and a rewrite of the head
** file, one thread after another.  Now the first thread that finds no batch
** being written becomes the writer: it takes the waiting events of its
** institution (its own among them, in the order they came), writes them in
** one transaction on its own connection (one lock, one read of the chain's
** end, one commit, one rewrite of the head file) and wakes their threads.
** Every thread returns only once its own event is committed, as before: a
** page is never shown before its view is in the log.  When a batch fails,
** each of its threads writes its own event alone, so a bad event fails
** only its own request.  Only stores of the database named by
** support_audit_group_serve() take part (one server, one database).
*/
#include "support/audit.h"
#include "support/audit_internal.h"
#include "base/mem.h"
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_BATCH_MAX 128   /* events of one transaction */

enum { W_WAITING, W_TAKEN, W_DONE, W_RETRY };

/* One thread's event while it waits (on that thread's stack). */
typedef struct group_waiter {
    int64_t                    inst;
    const support_audit_event *ev;
    int                        v2, state;
    struct group_waiter       *next;         /* in the queue */
    struct group_waiter       *batch_next;   /* in the batch being written */
} group_waiter;

static pthread_mutex_t group_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  group_cv = PTHREAD_COND_INITIALIZER;
static char           *group_url;                    /* NULL = off */
static group_waiter   *group_queue;
static int             group_writing;

/* Group the events of stores of db_url (NULL: stop grouping); see audit.h. */
void support_audit_group_serve(const char *db_url) {
    pthread_mutex_lock(&group_mu);
    assert(!group_writing && !group_queue);
    free(group_url);
    group_url = db_url ? xstrdup(db_url) : NULL;
    pthread_mutex_unlock(&group_mu);
}

/* 1 if st's events go through the group (see audit_internal.h). */
int audit_group_serves(store *st) {
    pthread_mutex_lock(&group_mu);
    int on = group_url && strcmp(group_url, store_url(st)) == 0;
    pthread_mutex_unlock(&group_mu);
    return on;
}

/* Unlink up to GROUP_BATCH_MAX waiting events of inst from the queue, in
** their order, marked taken; returns the first (linked by batch_next).
** Called with group_mu held. */
static group_waiter *batch_take(int64_t inst) {
    group_waiter *first = NULL, **end = &first, **link = &group_queue;
    size_t n = 0;
    while (*link && n < GROUP_BATCH_MAX) {
        group_waiter *w = *link;
        if (w->inst != inst) {
            link = &w->next;
            continue;
        }
        *link = w->next;
        w->state = W_TAKEN;
        *end = w;
        end = &w->batch_next;
        n++;
    }
    *end = NULL;
    return first;
}

/* Write n events to inst's chain in one transaction (see audit_internal.h). */
int audit_batch_write(store *st, int64_t inst, const support_audit_event *const *evs,
                      const int *v2s, size_t n, cairn_err *err) {
    assert(st && inst > 0 && (evs || !n));
    int64_t last = 0;
    char prev[CRYPTO_SHA256_HEX_LEN];
    if (store_tx_begin_write(st, SUPPORT_AUDIT_LOCK_BASE + inst, err) < 0) return -1;
    if (support_audit_head(st, inst, &last, prev, err) < 0) goto fail;
    for (size_t i = 0; i < n; i++)
        if (audit_insert_after(st, inst, evs[i], v2s[i], &last, prev, err) < 0) goto fail;
    audit_head_follow(st, inst, last, prev);
    return store_tx_commit(st, err) < 0 ? -1 : 0;
fail:
    store_tx_rollback(st);
    return -1;
}

/* Write batch's events (at most GROUP_BATCH_MAX) to inst's chain in one
** transaction on st: 0, or -1 with err set and nothing written. */
static int batch_write(store *st, int64_t inst, group_waiter *batch, cairn_err *err) {
    const support_audit_event *evs[GROUP_BATCH_MAX];
    int v2s[GROUP_BATCH_MAX];
    size_t n = 0;
    for (group_waiter *w = batch; w; w = w->batch_next) {
        assert(n < GROUP_BATCH_MAX);
        evs[n] = w->ev;
        v2s[n++] = w->v2;
    }
    return audit_batch_write(st, inst, evs, v2s, n, err);
}

/* Append ev with the events of other threads (see audit_internal.h). */
int audit_group_write(store *st, int64_t inst, const support_audit_event *ev, int v2,
                      cairn_err *err) {
    assert(st && ev && inst > 0);
    group_waiter me = {.inst = inst, .ev = ev, .v2 = v2, .state = W_WAITING};
    pthread_mutex_lock(&group_mu);
    group_waiter **end = &group_queue;
    while (*end) end = &(*end)->next;
    *end = &me;
    while (me.state == W_WAITING || me.state == W_TAKEN) {
        if (me.state == W_WAITING && !group_writing) {
            group_writing = 1;
            group_waiter *batch = batch_take(inst);
            pthread_mutex_unlock(&group_mu);
            cairn_err batch_err = {0};
            int rc = batch_write(st, inst, batch, &batch_err);
            pthread_mutex_lock(&group_mu);
            for (group_waiter *w = batch; w; w = w->batch_next)
                w->state = rc == 0 ? W_DONE : W_RETRY;
            group_writing = 0;
            pthread_cond_broadcast(&group_cv);
        } else {
            pthread_cond_wait(&group_cv, &group_mu);
        }
    }
    pthread_mutex_unlock(&group_mu);
    if (me.state == W_RETRY) return audit_write_alone(st, inst, ev, v2, err);
    return 0;
}
