/*
** risk/calendar.c — the school's calendar as the indicators and the rules
** need it: the terms (table term), "this term" for a day, and how much of a
** window was school time.  A day outside every term is a break (the summer,
** Christmas, Easter, or whatever the school leaves between its terms); a
** school day is a weekday inside a term.
**
** The rules' group guard reads two figures of each learner's row
** (risk_calendar_fill): of the days since the learner was last active on
** the learning platform, how many fell in a break; and how many school days
** the last 2 weeks held against the 2 weeks before.  So "no activity for 16
** days" right after a 2-week break is the calendar, not the learner — even
** for a learner whose classmates were active, and however many of the
** group were inactive in term time.
*/
#include "risk/features_internal.h"
#include "base/date.h"
#include <math.h>
#include <stdlib.h>

/* Terms by first day, then last. */
static int term_cmp(const void *a, const void *b) {
    const risk_term_span *x = a, *y = b;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    return x->last < y->last ? -1 : x->last > y->last;
}

/* Sort terms by first day, then last. */
void risk_terms_order(risk_term_span *t, size_t n) {
    if (n > 1) qsort(t, n, sizeof *t, term_cmp);
}

/* First day of "this term" for asof: the latest-starting term holding asof,
** else the 16 weeks before asof. */
int32_t risk_term_start_of(const risk_term_span *t, size_t n, int32_t asof) {
    for (size_t i = n; i-- > 0;)
        if (t[i].first <= asof && asof <= t[i].last) return t[i].first;
    return asof - (RISK_DAYS_NO_TERM - 1);
}

/* Weekdays (Monday to Friday) in [from, to]; 0 when to < from. */
static int weekdays_in(int32_t from, int32_t to) {
    if (to < from) return 0;
    int32_t days = to - from + 1;
    int n = (int)(days / 7) * 5;
    for (int32_t d = from + days / 7 * 7; d <= to; d++) n += date_weekday(d) < 5;
    return n;
}

/* Days of [from, to] inside a term (count_weekdays 0) or school days in it
** (weekdays inside a term, count_weekdays 1); terms sorted by first day,
** overlapping terms counted once. */
static int in_terms(const risk_term_span *t, size_t n, int32_t from, int32_t to,
                    int count_weekdays) {
    int total = 0;
    int32_t cur = from;
    for (size_t i = 0; i < n && cur <= to; i++) {
        int32_t s = t[i].first > cur ? t[i].first : cur;
        int32_t e = t[i].last < to ? t[i].last : to;
        if (s > e) continue;
        total += count_weekdays ? weekdays_in(s, e) : (int)(e - s + 1);
        cur = e + 1;
    }
    return total;
}

/* Days of [from, to] in no term (a break); 0 when to < from. */
int risk_calendar_break_days(const risk_term_span *t, size_t n, int32_t from, int32_t to) {
    if (to < from) return 0;
    return (int)(to - from + 1) - in_terms(t, n, from, to, 0);
}

/* School days (weekdays inside a term) of [from, to]. */
int risk_calendar_school_days(const risk_term_span *t, size_t n, int32_t from, int32_t to) {
    return in_terms(t, n, from, to, 1);
}

/* The calendar figures of row o (its asof and its platform indicators):
** idle_break, the days since the learner was last active that fell in a
** break, and cal_2w_change, the school days of the last 2 weeks minus those
** of the 2 weeks before; calendar 1 when there are terms, else 0 and both
** NAN (idle_break is NAN too when the days since are not known). */
void risk_calendar_fill(const risk_term_span *t, size_t n, risk_features *o) {
    o->idle_break = o->cal_2w_change = NAN;
    o->calendar = n > 0;
    if (n == 0) return;
    int32_t asof = o->t.asof;
    o->cal_2w_change = risk_calendar_school_days(t, n, asof - 13, asof) -
                       risk_calendar_school_days(t, n, asof - 27, asof - 14);
    double since = o->v[RF_LMS_DAYS_SINCE];
    if (!isnan(since) && since > 0)
        o->idle_break = risk_calendar_break_days(t, n, asof - (int32_t)since + 1, asof);
    else if (!isnan(since))
        o->idle_break = 0;
}
