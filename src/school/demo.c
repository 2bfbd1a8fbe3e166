/*
** school/demo.c — the demo school: Riverside Vocational College.
**
** Writes a believable vocational college as import files, one <kind>.csv per
** import kind, in the columns of school/import_spec.c.  Every later feature is
** tested, shown and benchmarked against it, so the data has the shape of the
** real thing:
**
**   - one institution (DEMO-VET, Ireland), two sites, three terms a school
**     year with the usual breaks (Halloween, Christmas, February mid-term,
**     Easter, summer) and bank holidays;
**   - eight programmes (EQF 3-4, two or three years) with cohorts entering
**     every September, taught in groups of about 22 (EL-1A 2024/25 is the
**     same class as EL-2A 2025/26), teachers, trainers, counsellors, coaches;
**   - learners with multicultural names, birth dates, e-mails and the fairness
**     audit attributes; guardians for those under 18;
**   - enrolments that end active, completed, left_early (about one in six)
**     or transferred;
**   - per school day while enrolled: whole-day attendance, learning-platform
**     engagement, rare behaviour incidents; results per unit and assessment.
**
** Hidden model.  Each learner has a latent risk r in [0,1) that sets their
** baseline absence, lateness, results, engagement, behaviour and their
** chance of leaving.  Daily probabilities are the baseline times a calendar
** factor (Mondays and Fridays worse, winter illness, dips before breaks) and
** a class-climate factor.  In the 4-12 weeks before a learner leaves a drift
** s rises from 0 to its strength: unexcused absence, lateness, missing and
** failed work and incidents rise, engagement fades — except for about 18% of
** leavers who give no warning.  About 14% of those who stay have a bad patch
** of a few weeks with the same signs, then recover.
**
** Determinism.  Each learner draws from their own xoshiro256** stream seeded
** from (seed, learner number); the shared structure (staff, due dates,
** class climate) from hashes of the seed.  Only integer and IEEE + - * /
** arithmetic is used (no libm functions, no clock), so the same options
** give byte-identical files.
**
** Files.  school/demo_internal.h lists the files this generator is split
** into and what each holds; this one writes the output files and holds the
** entry points.
**
** Scale.  Learners are generated one at a time and their rows streamed to
** the files (rows collect in a 256 KiB buffer per file, written through a
** 1 MiB stdio buffer), so memory depends on the number of groups and staff,
** never on the number of event rows: about 14 MB for 200,000 learners.
**
** Numbers (seed 1, two school years, 2024/25-2025/26): 600 learners give
** about 143,000 attendance rows; 30,000 give 7.0 million; 45,000 give 10.5
** million.  Learners average about 234 attendance rows over two years, not
** 2 x 181 school days, because cohorts finish and enter within the period
** and some leave.  One thread writes over 10 million attendance rows (and
** 13 million engagement rows) a second when the disk keeps up.
*/
#include "school/demo_internal.h"
#include "base/csv.h"
#include "base/err.h"
#include "base/mem.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- output files ---------------------------------------------------------- */

/* Write out what o has buffered; records a failure in o->err. */
void demo_out_flush(out_file *o) {
    if (o->b.len && !o->err && fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len)
        o->err = errno ? errno : EIO;
    buf_reset(&o->b);
}

/* Append one cell (any text, quoted when needed) and its separator. */
void demo_cell(out_file *o, const char *s) {
    csv_write_field(&o->b, s, strlen(s), ',', 0);
    buf_putc(&o->b, ',');
}

/* Append a whole-number cell. */
void demo_cell_int(out_file *o, long v) {
    char t[24];
    int n = snprintf(t, sizeof t, "%ld,", v);
    buf_append(&o->b, t, (size_t)n);
}

/* Append a yes/no cell. */
void demo_cell_bool(out_file *o, int v) {
    buf_append(&o->b, v ? "yes," : "no,", v ? 4 : 3);
}

/* End the row: the last separator becomes the line end. */
void demo_row_end(out_file *o) {
    o->b.data[o->b.len - 1] = '\n';
    o->rows++;
    if (o->b.len >= FLUSH_AT) demo_out_flush(o);
}

/* Create dir/<kind>.csv and write its header from the spec. */
static int out_open(out_file *o, const char *dir, import_kind k, cairn_err *err) {
    buf p = BUF_INIT;
    buf_printf(&p, "%s/%s.csv", dir, import_kind_name(k));
    o->path = buf_detach(&p);
    o->f = fopen(o->path, "wb");
    if (!o->f) return err_set(err, CAIRN_EIO, "cannot create %s: %s", o->path, strerror(errno));
    o->vbuf = xmalloc(1u << 20);
    setvbuf(o->f, o->vbuf, _IOFBF, 1u << 20);
    buf_reserve(&o->b, FLUSH_AT + 4096);
    const import_spec *sp = import_spec_of(k);
    for (size_t i = 0; i < sp->ncols; i++) demo_cell(o, sp->cols[i].name);
    demo_row_end(o);
    o->rows = 0;
    return 0;
}

/* Flush and close o; -1 with err set if any write failed.  Frees o's memory. */
static int out_close(out_file *o, int ok, cairn_err *err) {
    int rc = 0;
    if (o->f) {
        if (ok) demo_out_flush(o);
        if (fclose(o->f) != 0 && !o->err) o->err = errno ? errno : EIO;
        if (ok && o->err)
            rc = err_set(err, CAIRN_EIO, "cannot write %s: %s", o->path, strerror(o->err));
    }
    free(o->vbuf);
    free(o->path);
    buf_free(&o->b);
    memset(o, 0, sizeof *o);
    return rc;
}

/* See demo.h. */
int school_demo_period(const demo_opts *opts, int32_t *first_day, int32_t *last_day,
                       cairn_err *err) {
    demo d;
    memset(&d, 0, sizeof d);
    if (demo_opts_read(opts, &d, err) < 0) return -1;
    year_cal c;
    demo_year_cal_make(d.start_year, &c);
    *first_day = c.first;
    demo_year_cal_make(d.start_year + d.years - 1, &c);
    *last_day = c.last;
    if (d.today) {
        demo_calendar(&d);      /* the last school day on or before today */
        if (d.cut >= 0) *last_day = d.days[d.cut].date;
        demo_free(&d);
    }
    return 0;
}

/* See demo.h.  Nothing is returned to free; on failure the files written so
** far are left in dir. */
int school_demo_write_counted(const demo_opts *opts, const char *dir,
                              long counts[IMPORT_KIND_COUNT], cairn_err *err) {
    demo d;
    memset(&d, 0, sizeof d);
    if (demo_opts_read(opts, &d, err) < 0) return -1;
    out_file out[IMPORT_KIND_COUNT];
    memset(out, 0, sizeof out);
    int failed = 0, told = 0;      /* told: err already says what failed */
    for (int k = 0; k < IMPORT_KIND_COUNT && !failed; k++)
        if (out_open(&out[k], dir, (import_kind)k, err) < 0) failed = told = 1;
    if (!failed) {
        demo_calendar(&d);
        demo_cohorts(&d);
        demo_write_structure(&d, out);
        demo_write_staff(&d, &out[IMPORT_STAFF]);
        demo_write_group_staff(&d, &out[IMPORT_GROUP_STAFF]);
        for (int c = 0; c < d.ncohorts && !failed; c++) {
            const cohort *co = &d.cohorts[c];
            for (long i = co->first; i < co->first + co->n && !failed; i++) {
                demo_learner_write(&d, co, i, out);
                if ((i & 255) == 0)
                    for (int k = 0; k < IMPORT_KIND_COUNT; k++)
                        if (out[k].err) failed = 1;
            }
        }
    }
    for (int k = 0; k < IMPORT_KIND_COUNT; k++) {
        if (counts) counts[k] = out[k].rows;
        cairn_err e2;
        err_clear(&e2);
        if (out_close(&out[k], !told, &e2) < 0) {
            failed = 1;
            if (!told && err) *err = e2;
            told = 1;
        }
    }
    if (failed && !told) err_set(err, CAIRN_EIO, "cannot write the demo files in %s", dir);
    demo_free(&d);
    return failed ? -1 : 0;
}

/* See school.h. */
int school_demo_write(const demo_opts *opts, const char *dir, cairn_err *err) {
    return school_demo_write_counted(opts, dir, NULL, err);
}
