/*
** school/demo_internal.h — what the files of the demo school share.
**
** Not for other rooms: include school/demo.h.  school/demo.c says what the
** demo school is and how it is generated; the files are
**
**   demo.c           the output files and the entry points;
**   demo_names.c     names by background, e-mail addresses;
**   demo_plan.c      programmes, the calendar, cohorts and groups;
**   demo_fixed.c     the fixed files: structure, staff, group staff;
**   demo_learner.c   who a learner is and how their enrolment goes
**                    (the hidden model), their guardians;
**   demo_days.c      a learner's days and results.
**
** The random numbers are static inline here: every row draws several.
*/
#ifndef CAIRN_SCHOOL_DEMO_INTERNAL_H
#define CAIRN_SCHOOL_DEMO_INTERNAL_H
#include "school/demo.h"
#include "school/import_spec.h"
#include "base/buf.h"
#include "base/date.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define COUNT(a) (sizeof(a) / sizeof *(a))
#define FLUSH_AT (256u * 1024u)
#define CLASS_SIZE 22     /* learners a group is planned for */
#define DAY_MINUTES 360      /* a whole school day, for whole-day absences */

/* ---- random numbers ----------------------------------------------------- */

/* The splitmix64 finaliser: a well-mixed 64-bit hash of x. */
static inline uint64_t mix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* A hash of the seed and up to four small numbers, for shared structure. */
static inline uint64_t hash5(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    uint64_t h = mix64(seed ^ 0x5DEECE66Dull);
    h = mix64(h ^ a);
    h = mix64(h ^ (b + 0x1000003ull));
    h = mix64(h ^ (c + 0x2000005ull));
    return mix64(h ^ (d + 0x3000007ull));
}

/* A hash as a number in [0, 1). */
static inline double hash01(uint64_t h) {
    return (double)(h >> 11) * 0x1.0p-53;
}

typedef struct rng {
    uint64_t s[4];
} rng;

/* Seed r for one stream (a learner, the staff list) of the demo seed. */
static inline void rng_seed(rng *r, uint64_t seed, uint64_t stream) {
    uint64_t x = mix64(seed) ^ mix64(stream ^ 0xD1B54A32D192ED03ull);
    for (int i = 0; i < 4; i++) r->s[i] = mix64(x + (uint64_t)i * 0x632BE59BD9B4E019ull);
}

/* Rotate x left by k bits. */
static inline uint64_t rotl64(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

/* The next 64 random bits (xoshiro256**). */
static inline uint64_t rng_next(rng *r) {
    uint64_t *s = r->s;
    uint64_t out = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return out;
}

/* A uniform number in [0, 1). */
static inline double rng_unif(rng *r) {
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* A uniform whole number in [0, n), n > 0. */
static inline int rng_below(rng *r, int n) {
    return (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* 1 with probability p. */
static inline int rng_chance(rng *r, double p) {
    return rng_unif(r) < p;
}

/* A roughly normal number, mean 0 and sd 1 (Irwin-Hall of four, no libm). */
static inline double rng_norm(rng *r) {
    double s = rng_unif(r) + rng_unif(r) + rng_unif(r) + rng_unif(r);
    return (s - 2.0) * 1.7320508075688772;
}

/* An index in [0, n) drawn with the given weights (not all zero). */
static inline int rng_weighted(rng *r, const unsigned *w, int n) {
    unsigned total = 0;
    for (int i = 0; i < n; i++) total += w[i];
    int x = rng_below(r, (int)total);
    for (int i = 0; i < n; i++) {
        if (x < (int)w[i]) return i;
        x -= (int)w[i];
    }
    return n - 1;
}

/* ---- names (demo_names.c) ------------------------------------------------ */

/* One background: given names by sex, family names (a female form aligned
** with the male one where the language has them), first languages. */
typedef struct name_group {
    const char *const *female, *const *male, *const *family, *const *family_f;
    int nfemale, nmale, nfamily;
    const char *lang[3];      /* first languages for those not speaking English */
    unsigned lang_w[3];
    double lang_home;         /* share whose first language is not English */
    int migrant;              /* 1 = migrant background */
    unsigned weight;          /* share of learners (of the sum of weights) */
} name_group;
#define NAME_GROUPS 13    /* backgrounds in demo_name_groups */
extern const name_group demo_name_groups[NAME_GROUPS];

/* The family name at index i in its female or male form. */
const char *demo_family_name(const name_group *g, int i, int female);

/* Append to out the name s folded to lower-case ASCII letters and digits
** for an e-mail address (Róisín -> roisin, O'Brien -> obrien). */
void demo_fold_ascii(buf *out, const char *s);

/* ---- programmes, calendar and plan (demo_plan.c) -------------------------- */

typedef struct programme_def {
    const char *code, *name, *field, *site;
    int eqf, years;
    double weight;        /* relative intake */
    double female;        /* share of female learners */
    double absence;       /* programme factor on unexcused absence */
    double leaving;       /* programme factor on the chance of leaving */
    const char *units[9]; /* three vocational units per year of programme */
} programme_def;

#define PROGRAMMES 8      /* entries of demo_programmes */
#define MAX_PROG_YEARS 3
extern const programme_def demo_programmes[PROGRAMMES];

typedef struct year_cal {
    int year;                        /* calendar year the school year starts in */
    int32_t first, last;             /* first and last school day */
    int32_t term_first[3], term_last[3];
    int32_t off[12][2];              /* closed ranges without school */
    int noff;
} year_cal;

/* One school day of the generated period with its calendar factors. */
typedef struct sday {
    int32_t date;
    char text[DATE_TEXT_LEN];
    unsigned char wday, month;
    double ill_f, unx_f, late_f, eng_f, beh_f, leave_w;
} sday;

typedef struct cohort {
    int prog, entry;        /* programme index, calendar year of entry */
    long first, n;          /* learners [first, first + n) */
    int ngroups;
    double weight;
} cohort;

typedef struct demo {
    uint64_t seed;
    long learners;
    int years, start_year;
    year_cal *cal;          /* years school years */
    sday *days;             /* the school days of the period */
    int ndays;
    int *year_day0;         /* index of each school year's first day; [years] = ndays */
    int32_t first, last;    /* first and last school day */
    int32_t today;          /* 0 = no cut; else nothing happens after this day */
    int cut;                /* with today: index of the last school day <= today (-1 none) */
    int *day_at;            /* date - first -> index of the first school day >= date */
    cohort *cohorts;
    int ncohorts;
    /* staff pools: indices into the staff numbering (S0001 = 1) */
    int *prog_teachers[PROGRAMMES], nprog_teachers[PROGRAMMES];
    int *prog_trainers[PROGRAMMES], nprog_trainers[PROGRAMMES];
    int *general, ngeneral;
    int *keyworkers, nkeyworkers;
    long guardian_seq, incident_seq;
} demo;

/* Parse the options into d's basic fields; -1 with err set when one is out
** of range. */
int demo_opts_read(const demo_opts *opts, demo *d, cairn_err *err);

/* Fill c with the school year starting in September of year y. */
void demo_year_cal_make(int y, year_cal *c);

/* The nearest school day of c at or after d (dir 1) or at or before d (-1). */
int32_t demo_cal_school_day(const year_cal *c, int32_t d, int dir);

/* Build the calendar of the period: every school day with its factors. */
void demo_calendar(demo *d);

/* Index of the first school day of the period on or after date t. */
int demo_day_index(const demo *d, int32_t t);

/* First and last school day of the school year starting in year y. */
void demo_school_year_bounds(const demo *d, int y, int32_t *first, int32_t *last);

/* Split the learners into cohorts (programme x entry year) by intake weight. */
void demo_cohorts(demo *d);

/* The cohort of programme p that is in year k of the programme in school
** year y, or NULL. */
const cohort *demo_cohort_in_year(const demo *d, int p, int y, int k);

/* The code ("EL-1A-2024") and name ("EL-1A 2024/25", unless name is NULL)
** of group letter g of programme p, year k of the programme, school year y. */
void demo_group_code(int p, int k, int g, int y, char code[48], char name[48]);

/* Release everything d holds. */
void demo_free(demo *d);

/* ---- output files (demo.c) ------------------------------------------------ */

typedef struct out_file {
    FILE *f;
    char *path;
    char *vbuf;
    buf b;
    long rows;
    int err;               /* errno of the first failed write, 0 = fine */
} out_file;

/* Write out what o has buffered; records a failure in o->err. */
void demo_out_flush(out_file *o);

/* Append one cell (any text, quoted when needed) and its separator. */
void demo_cell(out_file *o, const char *s);

/* Append a whole-number cell. */
void demo_cell_int(out_file *o, long v);

/* Append a yes/no cell. */
void demo_cell_bool(out_file *o, int v);

/* End the row: the last separator becomes the line end. */
void demo_row_end(out_file *o);

/* ---- the fixed files (demo_fixed.c) --------------------------------------- */

/* Write institutions, sites, terms, programmes and groups. */
void demo_write_structure(demo *d, out_file *out);

/* Write the staff and keep the pools group staff draws from. */
void demo_write_staff(demo *d, out_file *o);

/* Link every group to its teachers, trainer and key worker. */
void demo_write_group_staff(const demo *d, out_file *o);

/* ---- learners (demo_learner.c, demo_days.c) ------------------------------- */

enum { ST_PRESENT, ST_LATE, ST_EXCUSED, ST_UNEXCUSED };
enum { EN_ACTIVE, EN_COMPLETED, EN_LEFT, EN_TRANSFERRED };

typedef struct learner {
    long idx;
    char ref[16];
    size_t reflen;
    const cohort *co;
    const programme_def *pd;
    int letter;
    /* hidden traits */
    double r, ill_base, unx_base, late_base, ability, eng_p, eng_min, beh_rate, group_f;
    int adult;
    /* enrolment */
    int32_t start, expected_end, exit;
    int status, reason;
    int d0, d1;             /* school-day indices with events, inclusive; d1 < d0 = none */
    /* drift before leaving, and a bad patch */
    int32_t drift_from;
    double drift_len, drift_str, w_unx, w_ill, w_res, w_beh, w_eng;
    int32_t patch_mid;
    double patch_half, patch_peak;
} learner;

/* How far learner l has drifted on date t: 0 = as usual, up to about 1. */
static inline double drift_at(const learner *l, int32_t t) {
    double s = 0;
    if (l->drift_str > 0 && t >= l->drift_from) {
        double x = (double)(t - l->drift_from) / l->drift_len;
        if (x > 1) x = 1;
        s = l->drift_str * x * (0.4 + 0.6 * x);
    }
    if (l->patch_peak > 0) {
        double dist = (double)(t > l->patch_mid ? t - l->patch_mid : l->patch_mid - t);
        if (dist < l->patch_half) {
            double p = l->patch_peak * (1.0 - dist / l->patch_half);
            if (p > s) s = p;
        }
    }
    return s;
}

/* Generate learner idx of cohort co and write all their rows. */
void demo_learner_write(demo *d, const cohort *co, long idx, out_file *out);

/* Write learner l's attendance, behaviour and engagement, day by day. */
void demo_learner_days(demo *d, rng *r, const learner *l, out_file *out);

/* Write learner l's results for the school years of the period. */
void demo_learner_results(const demo *d, rng *r, const learner *l, out_file *o);

#endif
