/*
** web/trend.c — the institution's attendance and early-leaving trend, its
** cache, its charts and its JSON (see trend.h).  Whole-institution viewers
** read the series `cairn score` stored for the latest score date
** (school_trend_month); the live query, cached, serves everyone else and
** databases with nothing stored for that date.
*/
#include "web/trend.h"
#include "base/date.h"
#include "base/suppress.h"
#include "risk/metrics.h"
#include "web/chart.h"
#include "web/html.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Bind the access predicate's parameters (school_visibility.bind). */
static int bind_access(const void *ctx, store_stmt *s, int first) {
    return access_learner_predicate_bind(ctx, s, first);
}

/* 1 if who sees every learner of the institution: administrators and
** school leaders (web/access.h). */
static int sees_whole_institution(const access_ctx *who) {
    return (who->roles & (ACCESS_ROLE_ADMINISTRATOR | ACCESS_ROLE_SCHOOL_LEADER)) != 0;
}

/* 1 if who may be shown the stored whole-institution series: a viewer
** who sees every learner, with an account the predicate would let through
** (access_learner_predicate gives the disabled nothing). */
static int reads_stored_series(const access_ctx *who) {
    return sees_whole_institution(who) && !who->disabled && who->account_id > 0 &&
           who->institution_id > 0;
}

/* Start out for who as of ref: the period, and for whole-institution
** viewers the series `cairn score` stored for ref (school_trend_stored).
** 1 when out's months are filled from the store, 0 when the live query
** must fill them, -1 with err set on a database error. */
static int trend_begin(store *st, const access_ctx *who, int32_t ref, web_trend *out,
                       cairn_err *err) {
    memset(out, 0, sizeof *out);
    out->ref = ref;
    out->min_cell = METRIC_MIN_CELL;
    out->whole_institution = sees_whole_institution(who);
    if (school_trend_period(st, who->institution_id, ref, &out->first, &out->last,
                            &out->school_year, err))
        return -1;
    if (!reads_stored_series(who)) return 0;
    int found = school_trend_stored(st, who->institution_id, ref, out->first, out->last,
                                    out->month, &out->n, err);
    if (found < 0) return -1;
    out->stored = found;
    return found;
}

/* Fill out's months (period already set by trend_begin) with the live
** query over the learners the viewer may see (access_learner_predicate).  0 or -1
** with err set. */
static int trend_live(store *st, const access_ctx *who, web_trend *out, cairn_err *err) {
    buf pred = BUF_INIT;
    access_learner_predicate(who, "v.institution_id", "v.id", &pred);
    school_visibility vis = {buf_cstr(&pred), bind_access, who};
    int rc = school_trend(st, who->institution_id, out->first, out->last, &vis, out->month,
                          &out->n, err);
    buf_free(&pred);
    return rc ? -1 : 0;
}

/* Withhold months by the one suppression rule (base/suppress.h): the
** months' learner counts are a one-way table with no total shown, so a
** month with fewer than out->min_cell learners goes; flag it and zero its
** figures. */
static void trend_suppress(web_trend *out) {
    long long count[SCHOOL_TREND_MONTHS], sum = 0;
    unsigned char state[SCHOOL_TREND_MONTHS + 1];
    for (size_t i = 0; i < out->n; i++) {
        count[i] = out->month[i].learners;
        sum += count[i];
        state[i] = SUPPRESS_SHOWN;
    }
    state[out->n] = SUPPRESS_UNPUBLISHED;   /* no total over the year is shown */
    suppress_one_way(count, out->n, sum, (long long)out->min_cell, state);
    for (size_t i = 0; i < out->n; i++) {
        if (!suppress_withheld(state[i])) continue;
        school_trend_month *m = &out->month[i];
        out->suppressed[i] = 1;
        m->sessions = m->attended = m->learners = m->left_early = 0;
    }
}

/* Read the trend without the cache (see trend.h). */
int web_trend_read(store *st, const access_ctx *who, int32_t ref, web_trend *out,
                   cairn_err *err) {
    int from_store = trend_begin(st, who, ref, out, err);
    if (from_store < 0) return -1;
    /* nothing stored for ref: no scores on ref (the reference day is then
    ** today), a database scored before school_trend_month existed, or terms
    ** changed since the scoring run; or a restricted viewer */
    if (!from_store && trend_live(st, who, out, err)) return -1;
    trend_suppress(out);
    return 0;
}

/* ---- the cache ---------------------------------------------------------------------- */

typedef struct trend_slot {
    char    url[256];            /* store_url() of the database */
    int64_t institution_id;
    int64_t account_id;          /* 0 = shared by the whole-institution viewers */
    int64_t data_version;
    int32_t ref;
    time_t  made;                /* 0 = empty */
    web_trend trend;
} trend_slot;

static pthread_mutex_t trend_mu = PTHREAD_MUTEX_INITIALIZER;
static trend_slot trend_slots[WEB_TREND_CACHE_SLOTS];

/* The slot for the key, or NULL. Call with trend_mu held. */
static trend_slot *slot_find(const char *url, int64_t inst, int64_t account, int64_t version,
                             int32_t ref, time_t now) {
    for (int i = 0; i < WEB_TREND_CACHE_SLOTS; i++) {
        trend_slot *s = &trend_slots[i];
        if (s->made && now - s->made < WEB_TREND_CACHE_SECONDS && now >= s->made &&
            s->institution_id == inst && s->account_id == account &&
            s->data_version == version && s->ref == ref && strcmp(s->url, url) == 0)
            return s;
    }
    return NULL;
}

/* The slot to overwrite: an empty one, else the oldest. Call with trend_mu held. */
static trend_slot *slot_victim(void) {
    trend_slot *v = &trend_slots[0];
    for (int i = 0; i < WEB_TREND_CACHE_SLOTS; i++) {
        if (!trend_slots[i].made) return &trend_slots[i];
        if (trend_slots[i].made < v->made) v = &trend_slots[i];
    }
    return v;
}

/* Read the trend through the cache (see trend.h). */
int web_trend_get(store *st, const access_ctx *who, int32_t ref, web_trend *out,
                  cairn_err *err) {
    /* the stored series is a handful of rows: read it every time, uncached,
    ** so a new scoring run shows at once */
    if (reads_stored_series(who)) {
        int from_store = trend_begin(st, who, ref, out, err);
        if (from_store < 0) return -1;
        if (from_store) {
            trend_suppress(out);
            return 0;
        }
    }
    int64_t version = 0;
    if (school_data_version(st, &version, err)) return -1;
    const char *url = store_url(st) ? store_url(st) : "";
    int64_t account = sees_whole_institution(who) ? 0 : who->account_id;
    time_t now = time(NULL);
    pthread_mutex_lock(&trend_mu);
    trend_slot *hit = slot_find(url, who->institution_id, account, version, ref, now);
    if (hit) *out = hit->trend;
    pthread_mutex_unlock(&trend_mu);
    if (hit) {
        out->whole_institution = sees_whole_institution(who);
        return 0;
    }
    /* read outside the lock: two requests may both read; the later one wins */
    if (web_trend_read(st, who, ref, out, err)) return -1;
    if (strlen(url) >= sizeof hit->url) return 0;   /* not cached */
    pthread_mutex_lock(&trend_mu);
    trend_slot *s = slot_victim();
    snprintf(s->url, sizeof s->url, "%s", url);
    s->institution_id = who->institution_id;
    s->account_id = account;
    s->data_version = version;
    s->ref = ref;
    s->made = now;
    s->trend = *out;
    pthread_mutex_unlock(&trend_mu);
    return 0;
}

/* ---- the charts ------------------------------------------------------------------ */

/* Append the trend section (see trend.h). */
void web_trend_write(buf *b, const i18n_lang *L, const web_trend *t) {
    char d1[I18N_DATE_MAX], d2[I18N_DATE_MAX], num[I18N_NUM_MAX];
    html_printf(b, "<section aria-labelledby=\"h-trend\">\n<h2 id=\"h-trend\">%T</h2>\n<p>",
                T(L, "Attendance and early leaving this school year"));
    html_printf(b, t->whole_institution
                       ? T(L, "From %T to %T, over the whole institution.")
                       : T(L, "From %T to %T, over the learners you may see."),
                i18n_format_date(L, t->first, d1, sizeof d1),
                i18n_format_date(L, t->last, d2, sizeof d2));
    html_printf(b, "</p>\n");
    if (t->n == 0) {
        html_printf(b, "<p class=\"notice\">%T</p>\n</section>\n",
                    T(L, "No attendance has been recorded in this period."));
        return;
    }
    chart_point att[SCHOOL_TREND_MONTHS], left[SCHOOL_TREND_MONTHS];
    char labels[SCHOOL_TREND_MONTHS][I18N_DATE_MAX];
    int any_suppressed = 0;
    long max_left = 0;
    const char *withheld = T(L, "withheld (too few learners)");
    for (size_t i = 0; i < t->n; i++) {
        const school_trend_month *m = &t->month[i];
        const char *label = i18n_format_date(L, m->month_start, labels[i], sizeof labels[i]);
        att[i] = (chart_point){label, NAN, NULL};
        left[i] = (chart_point){label, NAN, NULL};
        if (t->suppressed[i]) {
            any_suppressed = 1;
            att[i].note = left[i].note = withheld;
            continue;
        }
        if (m->sessions > 0) att[i].value = (double)m->attended / (double)m->sessions;
        left[i].value = (double)m->left_early;
        if (m->left_early > max_left) max_left = m->left_early;
    }
    chart_line c = {0};
    c.id = "trend-attendance";
    c.title = T(L, "Attendance rate per month");
    c.desc = T(L, "A line of the share of recorded sessions attended (present or late) in "
                  "each month of the school year, from 0 to 100 per cent.");
    c.x_heading = TC(L, "trend", "Month beginning");
    c.y_heading = TC(L, "trend", "Attendance rate");
    c.y_min = 0;
    c.y_max = 1;
    c.format = CHART_PERCENT;
    c.points = att;
    c.n = t->n;
    chart_line_write(b, L, &c);
    c.id = "trend-left";
    c.title = T(L, "Learners who left early per month");
    c.desc = T(L, "A line of how many learners' enrolments ended with leaving early in each "
                  "month of the school year.");
    c.y_heading = T(L, "Learners who left early");
    c.y_max = max_left < 4 ? 4 : (double)max_left;
    c.format = CHART_NUMBER;
    c.decimals = 0;
    c.points = left;
    chart_line_write(b, L, &c);
    if (any_suppressed) {
        html_printf(b, "<p class=\"muted\">");
        html_printf(b, T(L, "Months with fewer than %T learners in view are withheld, so that no "
                            "figure points at a person."),
                    i18n_format_int(L, (long long)t->min_cell, num, sizeof num));
        html_printf(b, "</p>\n");
    }
    if (!t->whole_institution)
        html_printf(b, "<p class=\"muted\">%T</p>\n",
                    T(L, "Learners who have left are no longer in your groups, so the early "
                         "leaving count covers only those you may still see."));
    html_printf(b, "</section>\n");
}

/* ---- JSON -------------------------------------------------------------------------- */

/* Days since 1970 as "YYYY-MM-DD". */
static json_t *trend_day(int32_t days) {
    char d[DATE_TEXT_LEN];
    date_format(days, d);
    return json_string(d);
}

/* The trend as JSON (see trend.h); caller json_decref()s it. */
json_t *web_trend_json(const web_trend *t) {
    json_t *months = json_array();
    for (size_t i = 0; i < t->n; i++) {
        const school_trend_month *m = &t->month[i];
        char d[DATE_TEXT_LEN];
        date_format(m->month_start, d);
        d[7] = 0;   /* "YYYY-MM" */
        int sup = t->suppressed[i];
        json_array_append_new(months, json_pack(
            "{s:s,s:o,s:o,s:o,s:o,s:b}", "month", d,
            "sessions", sup ? json_null() : json_integer(m->sessions),
            "attendance_rate", sup || m->sessions == 0
                                   ? json_null()
                                   : json_real((double)m->attended / (double)m->sessions),
            "learners", sup ? json_null() : json_integer(m->learners),
            "left_early", sup ? json_null() : json_integer(m->left_early),
            "suppressed", sup));
    }
    return json_pack("{s:o,s:o,s:b,s:b,s:I,s:o}", "from", trend_day(t->first), "to",
                     trend_day(t->last), "school_year", t->school_year, "whole_institution",
                     t->whole_institution, "min_cell", (json_int_t)t->min_cell, "months",
                     months);
}
