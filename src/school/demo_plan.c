/*
** school/demo_plan.c — the shape of the demo school before any learner:
** its eight programmes, the Irish school calendar of the period (terms,
** breaks, bank holidays, each school day with its calendar factors), the
** options, and the cohorts and groups the learners are split into.
*/
#include "school/demo_internal.h"
#include "base/err.h"
#include "base/mem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LEARNERS 600
#define DEFAULT_YEARS 2
#define DEFAULT_START_YEAR 2024
#define MAX_LEARNERS 10000000L
#define MAX_YEARS 10

/* ---- programmes ----------------------------------------------------------- */

const programme_def demo_programmes[PROGRAMMES] = {
    {"EL", "Electrician", "Electrical engineering", "EGT", 4, 3, 1.2, 0.05, 0.95, 0.9,
     {"SAFETY", "CIRCUITS", "TOOLS", "WIRING", "MACHINES", "CONTROLS", "INSTALL", "SOLAR",
      "TESTING"}},
    {"CK", "Cook", "Hospitality and catering", "RIV", 4, 3, 1.0, 0.40, 1.10, 1.15,
     {"HYGIENE", "KNIFE", "BASICS", "PASTRY", "SAUCES", "MENU", "KITCHEN", "COSTING",
      "SERVICE"}},
    {"RT", "Retail sales assistant", "Wholesale and retail", "RIV", 3, 2, 0.9, 0.55, 1.15, 1.2,
     {"SALES", "STOCK", "CUSTOMER", "VISUAL", "ONLINE", "CASH", NULL, NULL, NULL}},
    {"HC", "Health-care assistant", "Health and social care", "RIV", 4, 3, 1.1, 0.85, 0.90, 0.85,
     {"CARE", "FIRSTAID", "BODY", "MOBILITY", "NUTRITION", "DEMENTIA", "PALLIATIVE", "MEDS",
      "RECORDS"}},
    {"IT", "IT technician", "Information and communication technologies", "EGT", 4, 3, 1.2,
     0.15, 1.00, 0.95,
     {"HARDWARE", "OS", "NETWORK", "SCRIPT", "SUPPORT", "SECURITY", "CLOUD", "DATABASE",
      "PROJECT"}},
    {"CM", "Car mechatronics technician", "Motor vehicles", "EGT", 4, 3, 1.0, 0.05, 0.95, 0.9,
     {"ENGINE", "TOOLS", "SAFETY", "BRAKES", "ELECTRICS", "DIAG", "HYBRID", "COMFORT",
      "SERVICE"}},
    {"HD", "Hairdresser", "Personal services", "RIV", 3, 3, 0.7, 0.85, 1.10, 1.1,
     {"CUT", "COLOUR", "CLIENT", "STYLE", "CHEMISTRY", "BARBER", "SALON", "BRIDAL",
      "BUSINESS"}},
    {"LG", "Warehouse and logistics operative", "Transport and logistics", "EGT", 3, 2, 0.8,
     0.20, 1.20, 1.2,
     {"WAREHOUSE", "FORKLIFT", "STOCK", "ROUTES", "CUSTOMS", "SYSTEMS", NULL, NULL, NULL}},
};
_Static_assert(COUNT(demo_programmes) == PROGRAMMES, "PROGRAMMES is the number of programmes");

/* ---- calendar ------------------------------------------------------------- */

/* The first day on or after d that is weekday wd (0 = Monday). */
static int32_t on_or_after(int32_t d, int wd) {
    while (date_weekday(d) != wd) d++;
    return d;
}

/* The last day on or before d that is weekday wd (0 = Monday). */
static int32_t on_or_before(int32_t d, int wd) {
    while (date_weekday(d) != wd) d--;
    return d;
}

/* Easter Sunday of year y (the anonymous Gregorian algorithm). */
static int32_t easter_sunday(int y) {
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return date_from_ymd(y, month, day);
}

/* Add the closed range [a, b] of days without school to c. */
static void cal_off(year_cal *c, int32_t a, int32_t b) {
    c->off[c->noff][0] = a;
    c->off[c->noff][1] = b;
    c->noff++;
}

/* 1 if d is a school day of the school year c: Monday to Friday, within the
** year, not in a break or on a bank holiday. */
static int cal_is_school_day(const year_cal *c, int32_t d) {
    if (d < c->first || d > c->last || date_weekday(d) > 4) return 0;
    for (int i = 0; i < c->noff; i++)
        if (d >= c->off[i][0] && d <= c->off[i][1]) return 0;
    return 1;
}

/* The nearest school day of c at or after d (dir 1) or at or before d (-1). */
int32_t demo_cal_school_day(const year_cal *c, int32_t d, int dir) {
    while (!cal_is_school_day(c, d)) d += dir;
    return d;
}

/* Fill c with the school year starting in September of year y, on an Irish
** pattern: from the first Monday of September to the last Friday on or
** before 27 June, with Halloween week, Christmas (21 Dec - 5 Jan), St
** Brigid's Day, February mid-term, St Patrick's Day, two weeks at Easter and
** the May and June bank holidays off. */
void demo_year_cal_make(int y, year_cal *c) {
    memset(c, 0, sizeof *c);
    c->year = y;
    c->first = on_or_after(date_from_ymd(y, 9, 1), 0);
    c->last = on_or_before(date_from_ymd(y + 1, 6, 27), 4);
    int32_t h = date_from_ymd(y, 10, 31);
    int32_t mon = h - date_weekday(h);
    cal_off(c, mon, mon + 4);
    cal_off(c, date_from_ymd(y, 12, 21), date_from_ymd(y + 1, 1, 5));
    int32_t f1 = date_from_ymd(y + 1, 2, 1);
    int32_t brigid = date_weekday(f1) == 4 ? f1 : on_or_after(f1, 0);
    cal_off(c, brigid, brigid);
    int32_t f17 = date_from_ymd(y + 1, 2, 17);
    mon = f17 - date_weekday(f17);
    cal_off(c, mon, mon + 4);
    int32_t pat = date_from_ymd(y + 1, 3, 17);
    if (date_weekday(pat) > 4) pat = on_or_after(pat, 0);
    cal_off(c, pat, pat);
    int32_t easter = easter_sunday(y + 1);
    cal_off(c, easter - 6, easter + 5);
    int32_t may = on_or_after(date_from_ymd(y + 1, 5, 1), 0);
    cal_off(c, may, may);
    int32_t june = on_or_after(date_from_ymd(y + 1, 6, 1), 0);
    cal_off(c, june, june);
    c->term_first[0] = demo_cal_school_day(c, c->first, 1);
    c->term_last[0] = demo_cal_school_day(c, date_from_ymd(y, 12, 20), -1);
    c->term_first[1] = demo_cal_school_day(c, date_from_ymd(y + 1, 1, 6), 1);
    c->term_last[1] = demo_cal_school_day(c, easter - 7, -1);
    c->term_first[2] = demo_cal_school_day(c, easter + 6, 1);
    c->term_last[2] = demo_cal_school_day(c, c->last, -1);
}

/* ---- the plan: options, days, cohorts, groups ------------------------------ */

/* Calendar weights by month (index 1..12; July/August are never school days). */
static const double month_ill[13] = {0, 1.5, 1.35, 1.0, 0.8, 0.7, 0.7, 0, 0, 0.6, 0.8, 1.0, 1.3};
static const double month_unx[13] = {0, 1.05, 1.0, 1.0, 1.05, 1.2, 1.4, 0, 0, 0.7, 0.9, 1.0, 1.15};
static const double month_leave[13] = {0, 1.4, 1.0, 0.9, 0.8, 0.8, 0.6, 0, 0, 1.5, 1.4, 1.2, 1.1};
static const double wday_unx[5] = {1.35, 0.9, 0.85, 0.9, 1.45};
static const double wday_ill[5] = {1.2, 1.0, 1.0, 1.0, 1.05};
static const double wday_late[5] = {1.4, 1.0, 0.95, 1.0, 1.1};
static const double wday_eng[5] = {1.0, 1.05, 1.05, 1.0, 0.8};

/* Parse the options into d's basic fields; -1 with err set when one is out
** of range. */
int demo_opts_read(const demo_opts *opts, demo *d, cairn_err *err) {
    d->seed = opts ? opts->seed : 0;
    d->learners = opts && opts->learners ? opts->learners : DEFAULT_LEARNERS;
    d->years = opts && opts->years ? opts->years : DEFAULT_YEARS;
    d->start_year = DEFAULT_START_YEAR;
    d->today = opts ? opts->today : 0;
    if (d->today) {
        /* the school year in progress on today is the last one: the one
        ** whose first school day is on or before it */
        int y, m, dd;
        date_to_ymd(d->today, &y, &m, &dd);
        year_cal c;
        demo_year_cal_make(y, &c);
        int current = d->today >= c.first ? y : y - 1;
        d->start_year = current - (d->years - 1);
    }
    if (d->learners < 1 || d->learners > MAX_LEARNERS)
        return err_set(err, CAIRN_EINVAL, "demo: the number of learners must be between 1 and %ld "
                       "(got %ld)", MAX_LEARNERS, d->learners);
    if (d->years < 1 || d->years > MAX_YEARS)
        return err_set(err, CAIRN_EINVAL, "demo: the number of school years must be between 1 "
                       "and %d (got %d)", MAX_YEARS, d->years);
    if (opts && opts->start_year) {
        const char *s = opts->start_year;
        int y = 0, n = 0;
        for (; s[n] >= '0' && s[n] <= '9' && n < 5; n++) y = y * 10 + (s[n] - '0');
        if (n != 4 || s[n] || y < 1970 || y + d->years > 2150)
            return err_set(err, CAIRN_EINVAL, "demo: start year \"%.40s\" is not a year from "
                           "1970 to %d", s, 2150 - d->years);
        d->start_year = y;
    }
    return 0;
}

/* Build the calendar of the period: every school day with its factors. */
void demo_calendar(demo *d) {
    d->cal = xcalloc((size_t)d->years, sizeof *d->cal);
    d->year_day0 = xcalloc((size_t)d->years + 1, sizeof *d->year_day0);
    for (int y = 0; y < d->years; y++) demo_year_cal_make(d->start_year + y, &d->cal[y]);
    d->first = d->cal[0].first;
    d->last = d->cal[d->years - 1].last;
    size_t cap = (size_t)d->years * 200;
    d->days = xcalloc(cap, sizeof *d->days);
    d->ndays = 0;
    for (int y = 0; y < d->years; y++) {
        const year_cal *c = &d->cal[y];
        d->year_day0[y] = d->ndays;
        for (int32_t t = c->first; t <= c->last; t++) {
            if (!cal_is_school_day(c, t)) continue;
            if ((size_t)d->ndays == cap) {
                cap *= 2;
                d->days = xrealloc(d->days, cap * sizeof *d->days);
            }
            sday *s = &d->days[d->ndays++];
            memset(s, 0, sizeof *s);
            int yy, mm, dd;
            date_to_ymd(t, &yy, &mm, &dd);
            s->date = t;
            date_format(t, s->text);
            s->wday = (unsigned char)date_weekday(t);
            s->month = (unsigned char)mm;
        }
    }
    d->year_day0[d->years] = d->ndays;
    /* factors: the last two school days before a break (a gap longer than
    ** a long weekend) and the first day back are worse */
    for (int i = 0; i < d->ndays; i++) {
        sday *s = &d->days[i];
        int pre = 0, post = 0;
        for (int k = 0; k < 2 && i + k < d->ndays; k++) {
            int32_t next = i + k + 1 < d->ndays ? d->days[i + k + 1].date : s->date + 90;
            if (next - d->days[i + k].date > 4) pre = 1;
        }
        if (i > 0 && s->date - d->days[i - 1].date > 4) post = 1;
        s->ill_f = month_ill[s->month] * wday_ill[s->wday];
        s->unx_f = month_unx[s->month] * wday_unx[s->wday] * (pre ? 1.8 : 1.0) * (post ? 1.3 : 1.0);
        s->late_f = wday_late[s->wday] * (s->month == 12 || s->month <= 2 ? 1.2 : 1.0) *
                    (post ? 1.3 : 1.0);
        s->eng_f = wday_eng[s->wday] * (pre ? 0.8 : 1.0) * (s->month == 6 ? 0.85 : 1.0);
        s->beh_f = (s->wday == 4 ? 1.2 : 1.0) * (pre ? 1.3 : 1.0) * (s->month == 6 ? 0.8 : 1.0);
        s->leave_w = month_leave[s->month];
    }
    int span = d->last - d->first + 1;
    d->day_at = xmalloc((size_t)span * sizeof *d->day_at);
    int j = 0;
    for (int k = 0; k < span; k++) {
        while (j < d->ndays && d->days[j].date < d->first + k) j++;
        d->day_at[k] = j;
    }
    d->cut = d->ndays - 1;
    if (d->today) d->cut = demo_day_index(d, d->today + 1) - 1;
}

/* Index of the first school day of the period on or after date t. */
int demo_day_index(const demo *d, int32_t t) {
    if (t <= d->first) return 0;
    if (t > d->last) return d->ndays;
    return d->day_at[t - d->first];
}

/* First and last school day of the school year starting in year y, which may
** lie outside the period (for learners who entered earlier or finish later). */
void demo_school_year_bounds(const demo *d, int y, int32_t *first, int32_t *last) {
    if (y >= d->start_year && y < d->start_year + d->years) {
        *first = d->cal[y - d->start_year].first;
        *last = d->cal[y - d->start_year].last;
        return;
    }
    year_cal c;
    demo_year_cal_make(y, &c);
    *first = c.first;
    *last = c.last;
}

/* How many groups a cohort of n learners is taught in: n / 22 rounded, at
** least one (so groups hold about 16 to 33 learners, 22 on average). */
static int groups_for(long n) {
    if (n == 0) return 0;
    if (n < CLASS_SIZE + CLASS_SIZE / 2) return 1;
    return (int)((n + CLASS_SIZE / 2) / CLASS_SIZE);
}

/* Split the learners into cohorts (programme x entry year) by intake weight,
** earlier cohorts thinned by those who left before the period. */
void demo_cohorts(demo *d) {
    int n = 0, cap = PROGRAMMES * (d->years + MAX_PROG_YEARS);
    d->cohorts = xcalloc((size_t)cap, sizeof *d->cohorts);
    double total = 0;
    for (int e = d->start_year - MAX_PROG_YEARS + 1; e < d->start_year + d->years; e++) {
        for (int p = 0; p < PROGRAMMES; p++) {
            if (e + demo_programmes[p].years - 1 < d->start_year) continue;
            cohort *c = &d->cohorts[n++];
            c->prog = p;
            c->entry = e;
            c->weight = demo_programmes[p].weight;
            for (int k = e; k < d->start_year; k++) c->weight *= 0.86;
            total += c->weight;
        }
    }
    d->ncohorts = n;
    /* largest remainder: floors first, then the biggest fractions */
    long given = 0;
    double *frac = xcalloc((size_t)n, sizeof *frac);
    for (int i = 0; i < n; i++) {
        double q = (double)d->learners * d->cohorts[i].weight / total;
        d->cohorts[i].n = (long)q;
        frac[i] = q - (double)d->cohorts[i].n;
        given += d->cohorts[i].n;
    }
    while (given < d->learners) {
        int best = 0;
        for (int i = 1; i < n; i++)
            if (frac[i] > frac[best]) best = i;
        d->cohorts[best].n++;
        frac[best] = -1;
        given++;
    }
    free(frac);
    long first = 0;
    for (int i = 0; i < n; i++) {
        cohort *c = &d->cohorts[i];
        c->first = first;
        first += c->n;
        c->ngroups = groups_for(c->n);
    }
}

/* The cohort of programme p that is in year k of the programme in school
** year y, or NULL. */
const cohort *demo_cohort_in_year(const demo *d, int p, int y, int k) {
    for (int i = 0; i < d->ncohorts; i++)
        if (d->cohorts[i].prog == p && d->cohorts[i].entry == y - k + 1) return &d->cohorts[i];
    return NULL;
}

/* Write the group letter(s) for index i: A..Z, AA, AB, ... */
static void group_letters(int i, char out[8]) {
    char tmp[8];
    int n = 0;
    i++;
    while (i > 0 && n < 7) {
        i--;
        tmp[n++] = (char)('A' + i % 26);
        i /= 26;
    }
    for (int k = 0; k < n; k++) out[k] = tmp[n - 1 - k];
    out[n] = 0;
}

/* The code ("EL-1A-2024") and name ("EL-1A 2024/25") of group letter g of
** programme p, year k of the programme, school year y. */
void demo_group_code(int p, int k, int g, int y, char code[48], char name[48]) {
    char l[8];
    group_letters(g, l);
    snprintf(code, 48, "%s-%d%s-%d", demo_programmes[p].code, k, l, y);
    if (name)
        snprintf(name, 48, "%s-%d%s %d/%02d", demo_programmes[p].code, k, l, y, (y + 1) % 100);
}


/* Release everything d holds. */
void demo_free(demo *d) {
    free(d->cal);
    free(d->days);
    free(d->year_day0);
    free(d->day_at);
    free(d->cohorts);
    for (int p = 0; p < PROGRAMMES; p++) {
        free(d->prog_teachers[p]);
        free(d->prog_trainers[p]);
    }
    free(d->general);
    free(d->keyworkers);
    memset(d, 0, sizeof *d);
}
