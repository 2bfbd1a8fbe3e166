/*
** web/dashboard_data.c — the dashboard's reads and their cache (see
** dashboard_data.h).
*/
#include "web/dashboard_data.h"
#include "base/mem.h"
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- reading ------------------------------------------------------------------- */

/* Bind the access predicate's parameters (risk_visibility.bind). */
static int bind_access(const void *ctx, store_stmt *s, int first) {
    return access_learner_predicate_bind(ctx, s, first);
}

/* 1 when who sees every learner of the institution (the same list for all
** such viewers, so one cache entry serves them all). */
static int sees_whole_institution(const access_ctx *who) {
    return !who->disabled &&
           (who->roles & (ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER)) != 0;
}

/* Read everything for q on asof from the database, without the cache. */
static int read_live(store *st, const access_ctx *who, const dashboard_query *q, int32_t asof,
                     dashboard_data *out, cairn_err *err) {
    buf pred = BUF_INIT;
    access_learner_predicate(who, "s.institution_id", "s.learner_id", &pred);
    risk_visibility vis = {buf_cstr(&pred), bind_access, who, access_learner_set_narrow(who)};
    risk_attention_filter f = {q->programme, q->group, q->tier,     q->flag,
                               &vis,         q->search, (risk_attention_sort)q->sort,
                               q->reverse};
    int64_t inst = who->institution_id;
    /* one row more than the page, to know whether a next page exists */
    size_t want = q->limit + 1;
    int rc = school_group_summaries(st, inst, &out->groups, &out->ngroups, err);
    if (rc == 0 && asof) rc = risk_read_tier_counts(st, inst, asof, &f, out->counts, err);
    if (rc == 0 && asof)
        rc = risk_read_attention_page(st, inst, asof, &f, q->after, q->before, want,
                                      &out->rows, &out->n, &out->total, &out->first, err);
    buf_free(&pred);
    if (rc != 0) return -1;
    if (out->n > q->limit) {
        if (q->before) {   /* the extra row is the first: drop it */
            memmove(out->rows, out->rows + 1, q->limit * sizeof *out->rows);
            out->first++;
        }
        out->n = q->limit;
        out->more = 1;
    }
    return 0;
}

/* ---- the cache -------------------------------------------------------------------- */

typedef struct dashboard_slot {
    char    url[256];             /* store_url() of the database */
    int64_t institution_id;
    int32_t asof;
    char    scores_at[32];        /* school_scores_written_at() */
    int64_t data_version;         /* school_data_version() */
    char    programme[65], group[65], flag[65], search[101];
    int     tier, sort, reverse, before;
    int64_t after;
    size_t  limit;
    time_t  made;                 /* 0 = empty */
    time_t  used;
    dashboard_shared *entry;      /* the answer; the slot holds one reference */
} dashboard_slot;

/* One cached answer, read by many requests at once without a copy (a
** page of 50 rows is about 300 KB): its rows and groups are freed when the
** last holder lets go.  refs is read and written under dashboard_mu. */
struct dashboard_shared {
    int            refs;          /* the slot's reference and each request's */
    dashboard_data data;          /* owns rows and groups; data.shared is NULL */
};

static pthread_mutex_t dashboard_mu = PTHREAD_MUTEX_INITIALIZER;
static dashboard_slot dashboard_slots[DASHBOARD_CACHE_SLOTS];

/* 1 when slot s holds the answer for this key. Call with dashboard_mu held. */
static int slot_matches(const dashboard_slot *s, const char *url, int64_t inst, int32_t asof,
                        const char *scores_at, int64_t version, const dashboard_query *q,
                        time_t now) {
    return s->made && now >= s->made && now - s->made < DASHBOARD_CACHE_SECONDS &&
           s->institution_id == inst && s->asof == asof && s->data_version == version &&
           s->tier == q->tier && s->after == q->after && s->limit == q->limit &&
           s->sort == q->sort && s->reverse == q->reverse && s->before == q->before &&
           !strcmp(s->search, q->search) &&
           !strcmp(s->scores_at, scores_at) && !strcmp(s->programme, q->programme) &&
           !strcmp(s->group, q->group) && !strcmp(s->flag, q->flag) && !strcmp(s->url, url);
}

/* Let go of one reference to e; the last frees it.  Call with dashboard_mu
** held.  Returns the rows and groups to free (after unlocking) in *dead, or
** leaves *dead empty. */
static void shared_release_locked(dashboard_shared *e, dashboard_data *dead) {
    assert(e && e->refs > 0);
    memset(dead, 0, sizeof *dead);
    if (--e->refs > 0) return;
    *dead = e->data;
    free(e);
}

/* 1 when every text of q fits a slot's fields (else it is not cached). */
static int query_fits(const dashboard_query *q) {
    return strlen(q->programme) < 65 && strlen(q->group) < 65 && strlen(q->flag) < 65 &&
           strlen(q->search) < 101;
}

/* ---- the entry point ------------------------------------------------------------------ */

/* Read the dashboard, through the cache for whole-institution viewers. */
int dashboard_data_read(store *st, const access_ctx *who, const dashboard_query *q,
                        dashboard_data *out, cairn_err *err) {
    memset(out, 0, sizeof *out);
    int64_t inst = who->institution_id;
    int32_t asof = 0;
    if (risk_read_latest_asof(st, inst, &asof, err) != 0) return -1;
    out->asof = asof;
    const char *url = store_url(st) ? store_url(st) : "";
    int cacheable = asof && sees_whole_institution(who) && query_fits(q) && strlen(url) < 256;
    char scores_at[32] = "";
    int64_t version = 0;
    if (cacheable && (school_scores_written_at(st, inst, asof, scores_at, err) != 0 ||
                      school_data_version(st, &version, err) != 0))
        return -1;
    cacheable = cacheable && scores_at[0];   /* scored before the stamp existed: live */
    time_t now = time(NULL);
    if (cacheable) {
        int hit = 0;
        pthread_mutex_lock(&dashboard_mu);
        for (int i = 0; i < DASHBOARD_CACHE_SLOTS && !hit; i++) {
            dashboard_slot *s = &dashboard_slots[i];
            if (slot_matches(s, url, inst, asof, scores_at, version, q, now)) {
                *out = s->entry->data;          /* shared, not copied */
                out->shared = s->entry;
                s->entry->refs++;
                s->used = now;
                hit = 1;
            }
        }
        pthread_mutex_unlock(&dashboard_mu);
        if (hit) {
            out->from_cache = 1;
            return 0;
        }
    }
    /* read outside the lock: two requests may both read; the later one wins */
    if (read_live(st, who, q, asof, out, err) != 0) {
        dashboard_data_free(out);
        out->asof = asof;
        return -1;
    }
    if (!cacheable) return 0;
    dashboard_shared *entry = xcalloc(1, sizeof *entry);
    entry->refs = 2;                  /* the slot's and this request's */
    entry->data = *out;
    entry->data.shared = NULL;
    out->shared = entry;
    dashboard_data dead = {0};
    pthread_mutex_lock(&dashboard_mu);
    dashboard_slot *v = &dashboard_slots[0];
    for (int i = 0; i < DASHBOARD_CACHE_SLOTS; i++) {
        dashboard_slot *s = &dashboard_slots[i];
        if (!s->made || now - s->made >= DASHBOARD_CACHE_SECONDS) { v = s; break; }
        if (s->used < v->used) v = s;
    }
    if (v->entry) shared_release_locked(v->entry, &dead);
    v->entry = entry;
    snprintf(v->url, sizeof v->url, "%s", url);
    v->institution_id = inst;
    v->asof = asof;
    snprintf(v->scores_at, sizeof v->scores_at, "%s", scores_at);
    v->data_version = version;
    snprintf(v->programme, sizeof v->programme, "%s", q->programme);
    snprintf(v->group, sizeof v->group, "%s", q->group);
    snprintf(v->flag, sizeof v->flag, "%s", q->flag);
    snprintf(v->search, sizeof v->search, "%s", q->search);
    v->tier = q->tier;
    v->sort = q->sort;
    v->reverse = q->reverse;
    v->before = q->before;
    v->after = q->after;
    v->limit = q->limit;
    v->made = v->used = now;
    pthread_mutex_unlock(&dashboard_mu);
    free(dead.rows);                  /* an evicted answer no request holds */
    free(dead.groups);
    return 0;
}

/* Free the rows and groups of d, or let go of its shared entry, and empty
** it. */
void dashboard_data_free(dashboard_data *d) {
    if (d->shared) {
        dashboard_data dead;
        pthread_mutex_lock(&dashboard_mu);
        shared_release_locked(d->shared, &dead);
        pthread_mutex_unlock(&dashboard_mu);
        free(dead.rows);
        free(dead.groups);
    } else {
        free(d->rows);
        free(d->groups);
    }
    memset(d, 0, sizeof *d);
}
