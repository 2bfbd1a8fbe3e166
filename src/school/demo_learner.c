/*
** school/demo_learner.c — one learner's story: who they are (identity),
** their hidden traits, their enrolment and how it ends (completed, left
** early, transferred), the drift before leaving or a bad patch, their
** guardians, and the learner and enrolment rows.  demo_days.c writes what
** happens on each day.
*/
#include "school/demo_internal.h"
#include <stdio.h>
#include <string.h>

/* ---- learners ------------------------------------------------------------- */

static const char *const en_status[] = {"active", "completed", "left_early", "transferred"};

static const char *const leave_reasons[] = {
    "wrong_choice", "employment", "personal", "academic", "health", "family", "financial",
    "behaviour", "relocation", "apprenticeship_ended", "other", "unknown"};
static const unsigned leave_reason_w[] = {20, 15, 15, 12, 8, 8, 6, 5, 4, 3, 2, 2};
enum { R_WRONG, R_EMPLOY, R_PERSONAL, R_ACADEMIC, R_HEALTH, R_FAMILY, R_FINANCIAL,
       R_BEHAVIOUR, R_RELOC, R_APPR, R_OTHER, R_UNKNOWN };

/* Pick a school day in [a, b] weighted by the calendar's leaving weights. */
static int pick_exit_day(const demo *d, rng *r, int a, int b) {
    double total = 0;
    for (int i = a; i <= b; i++) total += d->days[i].leave_w;
    double x = rng_unif(r) * total;
    for (int i = a; i <= b; i++) {
        x -= d->days[i].leave_w;
        if (x < 0) return i;
    }
    return b;
}

/* Who a learner is: drawn first, from the learner's own stream. */
typedef struct identity {
    const name_group *g;
    const char *given, *family, *gender, *lang;
    int fam, female, adult, migrant, sen;
    int32_t birth;
} identity;

/* Draw the identity of a learner entering programme pd in year entry. */
static void identity_make(rng *r, const programme_def *pd, int entry, identity *id) {
    static const unsigned age_w[] = {10, 50, 20, 8, 5, 7};
    memset(id, 0, sizeof *id);
    unsigned ng_w[NAME_GROUPS];
    for (int i = 0; i < NAME_GROUPS; i++) ng_w[i] = demo_name_groups[i].weight;
    id->g = &demo_name_groups[rng_weighted(r, ng_w, NAME_GROUPS)];
    const name_group *g = id->g;
    double v = rng_unif(r);
    id->gender = v < 0.008 ? "diverse" : v < 0.023 ? "not_stated"
               : rng_unif(r) < pd->female ? "female" : "male";
    id->female = id->gender[0] == 'f' || (id->gender[0] != 'm' && rng_chance(r, 0.5));
    id->given = id->female ? g->female[rng_below(r, g->nfemale)] : g->male[rng_below(r, g->nmale)];
    id->fam = rng_below(r, g->nfamily);
    id->family = demo_family_name(g, id->fam, id->female);
    int age = 15 + rng_weighted(r, age_w, (int)COUNT(age_w));
    if (age == 20) age = 20 + rng_below(r, 26);
    id->adult = age >= 20;
    id->birth = date_from_ymd(entry - age, 9, 1) - 1 - rng_below(r, 365);
    id->migrant = g->migrant || rng_chance(r, 0.02);
    id->lang = "en";
    if (rng_chance(r, g->lang_home)) id->lang = g->lang[rng_weighted(r, g->lang_w, 3)];
    id->sen = rng_chance(r, id->female ? 0.10 : 0.16);
}

/* Draw learner idx of cohort co: hidden traits, enrolment and how it ends.
** All draws come from r in a fixed order. */
static void learner_make(const demo *d, rng *r, const cohort *co, long idx, const identity *id,
                         learner *l) {
    memset(l, 0, sizeof *l);
    l->idx = idx;
    l->reflen = (size_t)snprintf(l->ref, sizeof l->ref, "L%06ld", idx + 1);
    l->co = co;
    l->pd = &demo_programmes[co->prog];
    l->letter = (int)((idx - co->first) % co->ngroups);
    l->r = rng_unif(r);
    double r2 = l->r * l->r;
    l->group_f = 0.75 + 0.6 * hash01(hash5(d->seed, 11, (uint64_t)co->prog,
                                           (uint64_t)co->entry, (uint64_t)l->letter));
    l->ill_base = 0.010 + 0.018 * rng_unif(r);
    l->unx_base = (0.004 + 0.06 * r2 * (0.4 + 1.2 * rng_unif(r))) * l->pd->absence;
    l->late_base = (0.01 + 0.06 * rng_unif(r) * (0.5 + l->r)) * (id->adult ? 0.6 : 1.0);
    l->ability = 70 + 11 * rng_norm(r) - 14 * l->r;
    l->eng_p = rng_chance(r, 0.04) ? 0 : 0.9 - 0.55 * l->r * rng_unif(r);
    l->eng_min = (15 + 45 * rng_unif(r)) * (id->adult ? 1.3 : 1.0);
    double u = rng_unif(r);
    l->beh_rate = (0.0004 + 0.02 * r2 * l->r * u) * (id->adult ? 0.4 : 1.0);

    /* enrolment dates */
    int32_t yfirst, ylast;
    demo_school_year_bounds(d, co->entry, &yfirst, &ylast);
    l->start = yfirst;
    int late_entry = co->entry >= d->start_year && rng_chance(r, 0.05);
    if (late_entry) {
        int i = d->year_day0[co->entry - d->start_year] + 5 + rng_below(r, 30);
        l->start = d->days[i].date;
    }
    int32_t efirst, elast;
    demo_school_year_bounds(d, co->entry + l->pd->years - 1, &efirst, &elast);
    l->expected_end = elast;
    int32_t natural_last = elast < d->last ? elast : d->last;
    l->d0 = demo_day_index(d, l->start);
    l->d1 = demo_day_index(d, natural_last + 1) - 1;
    l->status = elast <= d->last ? EN_COMPLETED : EN_ACTIVE;
    l->exit = l->status == EN_COMPLETED ? elast : 0;
    l->reason = -1;

    /* leaving early or transferring: year by year while in the period */
    double mult = (0.3 + 2.2 * r2) * l->pd->leaving * (id->sen ? 1.2 : 1.0) *
                  (id->adult ? 1.15 : 1.0);
    for (int y = 0; y < d->years && l->d1 >= l->d0; y++) {
        int a = d->year_day0[y], b = d->year_day0[y + 1] - 1;
        if (a < l->d0) a = l->d0;
        if (b > l->d1) b = l->d1;
        if (b - a < 15) continue;
        int k = d->start_year + y - co->entry + 1;
        double frac = (double)(b - a + 1) / (double)(d->year_day0[y + 1] - d->year_day0[y]);
        double hazard = (k == 1 ? 0.17 : k == 2 ? 0.10 : 0.06) * mult * frac;
        double ul = rng_unif(r), ut = rng_unif(r);
        if (ul < hazard) {
            int i = pick_exit_day(d, r, a + 10, b);
            l->status = EN_LEFT;
            l->exit = d->days[i].date;
            l->d1 = i;
            l->reason = rng_weighted(r, leave_reason_w, (int)COUNT(leave_reason_w));
            break;
        }
        if (ut < 0.02 * frac) {
            int i = a + 10 + rng_below(r, b - a - 9);
            l->status = EN_TRANSFERRED;
            l->exit = d->days[i].date;
            l->d1 = i;
            break;
        }
    }

    /* the warning signs before leaving (none for about 18%), or a bad patch */
    if (l->status == EN_LEFT && !rng_chance(r, 0.18)) {
        l->drift_len = 28 + 56 * rng_unif(r);
        l->drift_from = l->exit - (int32_t)l->drift_len;
        l->drift_str = 0.55 + 0.45 * rng_unif(r);
        l->w_unx = 1.0;
        l->w_ill = 0.2;
        l->w_res = 1.0;
        l->w_beh = 1.0;
        l->w_eng = 1.0;
        switch (l->reason) {
        case R_HEALTH: l->w_unx = 0.35; l->w_ill = 1.2; break;
        case R_ACADEMIC: l->w_res = 1.6; break;
        case R_BEHAVIOUR: l->w_beh = 4.0; break;
        case R_WRONG: l->w_eng = 1.3; break;
        case R_FAMILY: l->w_ill = 0.6; break;
        default: break;
        }
    } else if (l->status != EN_LEFT && l->d1 - l->d0 > 40 && rng_chance(r, 0.14)) {
        int i = l->d0 + 10 + rng_below(r, l->d1 - l->d0 - 20);
        l->patch_mid = d->days[i].date;
        l->patch_half = 10 + 18 * rng_unif(r);
        l->patch_peak = 0.35 + 0.4 * rng_unif(r);
        l->w_unx = 0.8;
        l->w_ill = 0.4;
        l->w_res = 0.8;
        l->w_beh = 1.0;
        l->w_eng = 0.8;
    }
}

/* Write the guardians of a learner who is under 18 when the period (or their
** enrolment) starts: one or two, mostly parents. */
static void learner_guardians(demo *d, rng *r, const learner *l, const name_group *g,
                              int family, out_file *o) {
    static const char *const single[] = {"mother", "father", "grandparent", "guardian", "carer"};
    static const unsigned single_w[] = {70, 12, 8, 5, 5};
    int two = rng_chance(r, 0.65);
    const char *rel[2];
    int pr[2], female[2];
    if (two) {
        double v = rng_unif(r);
        if (v < 0.90) { rel[0] = "mother"; rel[1] = "father"; female[0] = 1; female[1] = 0; }
        else if (v < 0.95) { rel[0] = "parent"; rel[1] = "parent"; female[0] = female[1] = 1; }
        else { rel[0] = "mother"; rel[1] = "grandparent"; female[0] = 1; female[1] = 1; }
        pr[0] = 1;
        pr[1] = strcmp(rel[1], "grandparent") != 0 && !rng_chance(r, 0.08);
    } else {
        int k = rng_weighted(r, single_w, (int)COUNT(single_w));
        rel[0] = single[k];
        female[0] = k == 1 ? 0 : k == 0 ? 1 : rng_chance(r, 0.7);
        pr[0] = k == 4 ? 0 : k == 2 ? rng_chance(r, 0.6) : 1;
    }
    for (int i = 0; i < 1 + two; i++) {
        const char *given = female[i] ? g->female[rng_below(r, g->nfemale)]
                                      : g->male[rng_below(r, g->nmale)];
        int fam = family;
        if (female[i] && strcmp(rel[i], "mother") == 0 && rng_chance(r, 0.25))
            fam = rng_below(r, g->nfamily);
        const char *family_text = demo_family_name(g, fam, female[i]);
        long n = ++d->guardian_seq;
        char id[24], phone[32];
        snprintf(id, sizeof id, "G%06ld", n);
        snprintf(phone, sizeof phone, "+353 8%d 555 %04d", 3 + rng_below(r, 7),
                 rng_below(r, 10000));
        buf e = BUF_INIT;
        demo_fold_ascii(&e, given);
        buf_putc(&e, '.');
        demo_fold_ascii(&e, family_text);
        buf_printf(&e, "%ld@mail.example", n);
        demo_cell(o, id);
        demo_cell(o, given);
        demo_cell(o, family_text);
        demo_cell(o, buf_cstr(&e));
        demo_cell(o, phone);
        buf_append(&o->b, l->ref, l->reflen);
        buf_putc(&o->b, ',');
        demo_cell(o, rel[i]);
        demo_cell_bool(o, pr[i]);
        demo_row_end(o);
        buf_free(&e);
    }
}

/* Generate learner idx of cohort co and write all their rows. */
void demo_learner_write(demo *d, const cohort *co, long idx, out_file *out) {
    rng r;
    rng_seed(&r, d->seed, 0x100000000ull + (uint64_t)idx);
    identity id;
    identity_make(&r, &demo_programmes[co->prog], co->entry, &id);
    learner l;
    learner_make(d, &r, co, idx, &id, &l);
    const char *given = id.given, *family = id.family;

    out_file *o = &out[IMPORT_LEARNERS];
    char bd[DATE_TEXT_LEN];
    date_format(id.birth, bd);
    buf e = BUF_INIT;
    demo_fold_ascii(&e, given);
    buf_putc(&e, '.');
    demo_fold_ascii(&e, family);
    buf_printf(&e, "%ld@students.riverside-college.example", idx + 1);
    demo_cell(o, l.ref);
    demo_cell(o, given);
    demo_cell(o, family);
    demo_cell(o, bd);
    demo_cell(o, buf_cstr(&e));
    demo_cell(o, id.gender);
    demo_cell_bool(o, id.migrant);
    demo_cell_bool(o, id.sen);
    demo_cell(o, id.lang);
    demo_row_end(o);
    buf_free(&e);

    /* guardians for minors: age at the later of enrolment and period start */
    int32_t ref_day = l.start > d->first ? l.start : d->first;
    int by, bm, bdd, ry, rm, rd;
    date_to_ymd(id.birth, &by, &bm, &bdd);
    date_to_ymd(ref_day, &ry, &rm, &rd);
    int age_then = ry - by - (rm < bm || (rm == bm && rd < bdd));
    if (age_then < 18) learner_guardians(d, &r, &l, id.g, id.fam, &out[IMPORT_GUARDIANS]);

    /* up to today: no events after it, and an end after it has not come yet
    ** (its random draws are still made, so the days before today are the
    ** same whatever today is) */
    int not_yet = d->today && l.status != EN_ACTIVE && l.exit > d->today;
    if (d->today && l.d1 > d->cut) l.d1 = d->cut;

    /* enrolment */
    o = &out[IMPORT_ENROLMENTS];
    int32_t last_day = l.d1 >= l.d0 ? d->days[l.d1].date : d->first;
    int sy = d->start_year;
    for (int y = 0; y < d->years; y++)
        if (last_day >= d->cal[y].first) sy = d->start_year + y;
    int k = sy - co->entry + 1;
    if (k < 1) k = 1;
    if (k > l.pd->years) k = l.pd->years;
    char gcode[48], sd[DATE_TEXT_LEN], ed[DATE_TEXT_LEN];
    demo_group_code(co->prog, k, l.letter, sy, gcode, NULL);
    date_format(l.start, sd);
    date_format(l.expected_end, ed);
    demo_cell(o, l.ref);
    demo_cell(o, l.pd->code);
    demo_cell(o, sd);
    demo_cell(o, gcode);
    demo_cell(o, ed);
    demo_cell(o, en_status[not_yet ? EN_ACTIVE : l.status]);
    if (l.status == EN_ACTIVE || not_yet) {
        buf_append(&o->b, ",,", 2);
        if (l.status == EN_TRANSFERRED) (void)rng_chance(&r, 0.75);
    } else {
        char xd[DATE_TEXT_LEN];
        date_format(l.exit, xd);
        demo_cell(o, xd);
        demo_cell(o, l.status == EN_COMPLETED ? "completed"
              : l.status == EN_LEFT ? leave_reasons[l.reason]
              : rng_chance(&r, 0.75) ? "transfer" : "relocation");
    }
    demo_row_end(o);

    demo_learner_days(d, &r, &l, out);
    demo_learner_results(d, &r, &l, &out[IMPORT_RESULTS]);
    for (int f = 0; f < IMPORT_KIND_COUNT; f++)
        if (out[f].b.len >= FLUSH_AT) demo_out_flush(&out[f]);
}
