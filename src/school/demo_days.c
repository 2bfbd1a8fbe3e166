/*
** school/demo_days.c — what happens to a learner on each school day while
** enrolled: attendance (with lateness and runs of illness), behaviour
** incidents, learning-platform engagement; and their results per unit and
** assessment.  Attendance and engagement rows are written straight into the
** file buffer: they are most of the output.
*/
#include "school/demo_internal.h"
#include <stdio.h>
#include <string.h>

static const char *const beh_types[] = {
    "disruption", "lateness", "verbal_abuse", "aggression", "bullying", "property_damage",
    "substance", "cheating", "other"};
static const unsigned beh_type_w[] = {30, 14, 12, 5, 5, 4, 4, 6, 5};
static const unsigned sev_normal[] = {65, 28, 7};
static const unsigned sev_serious[] = {30, 45, 25};
static const unsigned sev_light[] = {80, 18, 2};

/* Append a learner-major event row prefix "L000001,2024-09-02," to o. */
static inline char *row_prefix(out_file *o, const learner *l, const sday *s, size_t more) {
    buf_reserve(&o->b, l->reflen + DATE_TEXT_LEN + more + 2);
    char *p = o->b.data + o->b.len;
    memcpy(p, l->ref, l->reflen);
    p += l->reflen;
    *p++ = ',';
    memcpy(p, s->text, 10);
    p += 10;
    *p++ = ',';
    return p;
}

/* Write the decimal digits of v (0 <= v < 10^9) at p; returns the end. */
static inline char *put_uint(char *p, unsigned v) {
    char t[12];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *p++ = t[--n];
    return p;
}

/* Close a row written directly into o's buffer up to p. */
static inline void row_done(out_file *o, char *p) {
    *p++ = '\n';
    o->b.len = (size_t)(p - o->b.data);
    o->b.data[o->b.len] = 0;
    o->rows++;
}

/* Write learner l's attendance, behaviour and engagement, day by day. */
void demo_learner_days(demo *d, rng *r, const learner *l, out_file *out) {
    static const char *const st_text[4] = {"present", "late", "absent_excused", "absent_unexcused"};
    static const unsigned char st_len[4] = {7, 4, 14, 16};
    out_file *att = &out[IMPORT_ATTENDANCE], *beh = &out[IMPORT_BEHAVIOUR],
             *eng = &out[IMPORT_ENGAGEMENT];
    int ill_left = 0;
    for (int i = l->d0; i <= l->d1; i++) {
        const sday *s = &d->days[i];
        double drift = drift_at(l, s->date);
        int st;
        unsigned minutes = 0;
        if (ill_left > 0) {
            st = ST_EXCUSED;
            ill_left--;
        } else {
            double u = rng_unif(r);
            double p_ill = l->ill_base * s->ill_f * (1 + 3 * drift * l->w_ill);
            double p_unx = l->unx_base * s->unx_f * l->group_f + 0.62 * drift * l->w_unx;
            double p_exc = 0.004;                   /* appointments, funerals, ... */
            double p_late = l->late_base * s->late_f + 0.10 * drift;
            if (u < p_ill) {
                st = ST_EXCUSED;
                double v = rng_unif(r);
                ill_left = (v < 0.55) + (v < 0.3) + (v < 0.15) + (v < 0.06);
            } else if ((u -= p_ill) < p_unx) {
                st = ST_UNEXCUSED;
            } else if ((u -= p_unx) < p_exc) {
                st = ST_EXCUSED;
            } else if ((u -= p_exc) < p_late) {
                st = ST_LATE;
            } else {
                st = ST_PRESENT;
            }
        }
        if (st == ST_LATE) {
            double v = rng_unif(r);
            minutes = 5 + (unsigned)(v * v * 55);
        } else if (st >= ST_EXCUSED) {
            minutes = DAY_MINUTES;
        }
        char *p = row_prefix(att, l, s, 32);
        *p++ = '0';
        *p++ = ',';
        memcpy(p, st_text[st], st_len[st]);
        p += st_len[st];
        *p++ = ',';
        p = put_uint(p, minutes);
        row_done(att, p);

        /* behaviour: on days in school, or truancy on a day skipped */
        double pb = st <= ST_LATE ? l->beh_rate * s->beh_f + 0.012 * drift * l->w_beh
                  : st == ST_UNEXCUSED ? 0.015 + 0.05 * drift : 0;
        if (pb > 0 && rng_unif(r) < pb) {
            const char *type;
            const unsigned *sev;
            if (st == ST_UNEXCUSED) {
                type = "truancy";
                sev = sev_light;
            } else if (st == ST_LATE && rng_chance(r, 0.5)) {
                type = "lateness";
                sev = sev_light;
            } else {
                int t = rng_weighted(r, beh_type_w, (int)COUNT(beh_type_w));
                type = beh_types[t];
                sev = t >= 3 && t <= 6 ? sev_serious : t == 1 || t == 7 ? sev_light : sev_normal;
            }
            int severity = 1 + rng_weighted(r, sev, 3);
            char id[24];
            snprintf(id, sizeof id, "B%07ld", ++d->incident_seq);
            demo_cell(beh, id);
            buf_append(&beh->b, l->ref, l->reflen);
            buf_putc(&beh->b, ',');
            buf_append(&beh->b, s->text, 10);
            buf_putc(&beh->b, ',');
            demo_cell(beh, type);
            demo_cell_int(beh, severity);
            demo_row_end(beh);
        }

        /* engagement with the learning platform */
        if (l->eng_p > 0) {
            double pe = l->eng_p * s->eng_f * (st >= ST_EXCUSED ? 0.35 : 1.0) *
                        (1 - 0.85 * drift * l->w_eng);
            if (rng_unif(r) < pe) {
                double v = rng_unif(r);
                unsigned logins = 1 + (v < 0.35) + (v < 0.1);
                double m = l->eng_min * (0.25 + 1.5 * rng_unif(r)) * (1 - 0.6 * drift);
                unsigned mins = m < 1 ? 1 : (unsigned)m;
                p = row_prefix(eng, l, s, 24);
                memcpy(p, "lms,logins,", 11);
                p = put_uint(p + 11, logins);
                row_done(eng, p);
                p = row_prefix(eng, l, s, 24);
                memcpy(p, "lms,minutes,", 12);
                p = put_uint(p + 12, mins);
                row_done(eng, p);
            }
        }
        if (att->b.len >= FLUSH_AT) demo_out_flush(att);
        if (eng->b.len >= FLUSH_AT) demo_out_flush(eng);
    }
}

/* Write learner l's results: per school year of the period they are in,
** three vocational units with an assessment each term and mathematics and
** communication with two; only those due while enrolled. */
void demo_learner_results(const demo *d, rng *r, const learner *l, out_file *o) {
    if (l->d1 < l->d0) return;
    int32_t from = d->days[l->d0].date, to = d->days[l->d1].date;
    for (int y = 0; y < d->years; y++) {
        int sy = d->start_year + y;
        int k = sy - l->co->entry + 1;
        if (k < 1 || k > l->pd->years) continue;
        const year_cal *c = &d->cal[y];
        for (int t = 0; t < 3; t++) {
            for (int u = 0; u < 5; u++) {
                /* common units (u 3, 4) are assessed in terms 1 and 3 only */
                if (u >= 3 && t == 1) continue;
                char unit[32], ass[8];
                if (u < 3)
                    snprintf(unit, sizeof unit, "%s-%s", l->pd->code,
                             l->pd->units[(k - 1) * 3 + u]);
                else
                    snprintf(unit, sizeof unit, "%s%d", u == 3 ? "MATH" : "COMM", k);
                snprintf(ass, sizeof ass, "A%d", u < 3 ? t + 1 : t == 0 ? 1 : 2);
                uint64_t h = hash5(d->seed, 21, (uint64_t)l->co->prog, (uint64_t)(sy * 8 + k),
                                   (uint64_t)(u * 4 + t));
                int32_t a = c->term_first[t], b = c->term_last[t];
                int32_t due = a + (int32_t)((double)(b - a) * (0.35 + 0.6 * hash01(h)));
                due = demo_cal_school_day(c, due, -1);
                if (due < from || due > to) continue;
                double diff = -6 + 12 * hash01(mix64(h));
                double s = drift_at(l, due);
                double rs = s * l->w_res;
                int missing = rng_chance(r, 0.02 + 0.05 * l->r + 0.55 * rs);
                int late = !missing && rng_chance(r, 0.06 + 0.1 * l->r + 0.3 * rs);
                double score = l->ability + diff + 9 * rng_norm(r) - 28 * rs - (late ? 4 : 0);
                int sc = score < 0 ? 0 : score > 100 ? 100 : (int)(score + 0.5);
                char dt[DATE_TEXT_LEN];
                date_format(due, dt);
                buf_append(&o->b, l->ref, l->reflen);
                buf_putc(&o->b, ',');
                demo_cell(o, unit);
                demo_cell(o, ass);
                demo_cell(o, dt);
                if (missing) buf_putc(&o->b, ',');
                else demo_cell_int(o, sc);
                demo_cell_int(o, 100);
                demo_cell_bool(o, !missing && sc >= 50);
                demo_cell_bool(o, late);
                demo_cell_bool(o, missing);
                demo_row_end(o);
            }
        }
    }
}
