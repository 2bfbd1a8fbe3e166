/*
** web/checkpoint.c — the WAL checkpointer of `cairn serve`.
**
** The workers' connections never checkpoint the SQLite write-ahead log
** (web_request_store); this thread does, every WEB_CHECKPOINT_MS, on a
** connection of its own, so no request waits for the fsync of a checkpoint.
** Often, because a busy server appends thousands of audit events a second
** and a long log makes every page read look through it; a checkpoint that
** copies everything lets the next writer start the log afresh.
*/
#include "web/server_int.h"
#include "base/mem.h"
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define WEB_CHECKPOINT_MS 100
/* A log longer than this (frames: 32 MiB of 4 KiB pages) is checkpointed
** with RESTART, which briefly holds writers back, so it starts afresh. */
#define WEB_WAL_RESTART_FRAMES 8192

struct web_checkpointer {
    const char     *db_url;
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    int             stop;
    pthread_t       thread;
};

/* The checkpointer thread: a PASSIVE checkpoint every WEB_CHECKPOINT_MS,
** and a RESTART one when the log has grown past WEB_WAL_RESTART_FRAMES,
** until stop, and one more at the end.  Problems go to the log; it tries again. */
static void *checkpointer_run(void *arg) {
    web_checkpointer *c = arg;
    store *st = NULL;
    int stop = 0;
    while (!stop) {
        pthread_mutex_lock(&c->mu);
        if (!c->stop) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += WEB_CHECKPOINT_MS * 1000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec += 1;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&c->cv, &c->mu, &until);
        }
        stop = c->stop;
        pthread_mutex_unlock(&c->mu);
        cairn_err err = {0};
        if (!st && store_open(c->db_url, &st, &err) != 0) {
            log_line("cairn serve: checkpointer: %s", err.msg);
            st = NULL;
            continue;
        }
        long frames = 0;
        if (store_checkpoint(st, 0, &frames, &err) != 0 ||
            (frames > WEB_WAL_RESTART_FRAMES && store_checkpoint(st, 1, &frames, &err) != 0)) {
            log_line("cairn serve: checkpointer: %s", err.msg);
            store_close(st);
            st = NULL;
        }
    }
    if (st) store_close(st);
    return NULL;
}

/* Tell the checkpointer to stop and wait for its last checkpoint (when
** started is 1). */
/* Start the checkpointer thread (see server_int.h). */
web_checkpointer *web_checkpointer_start(const char *db_url) {
    web_checkpointer *c = xcalloc(1, sizeof *c);
    c->db_url = db_url;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&c->thread, NULL, checkpointer_run, c) != 0) {
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c);
        return NULL;
    }
    return c;
}

/* Tell the checkpointer to stop, wait for its last checkpoint, free it. */
void web_checkpointer_stop(web_checkpointer *c) {
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
}
