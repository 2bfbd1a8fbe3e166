/*
** school/demo_fixed.c — the demo school's fixed files: institution, sites,
** terms, programmes and groups; the staff (drawn from their own random
** stream); and who teaches, trains and keeps an eye on each group.
*/
#include "school/demo_internal.h"
#include "base/mem.h"
#include <stdio.h>

/* ---- the fixed files ------------------------------------------------------- */

/* Write institutions, sites, terms, programmes and groups. */
void demo_write_structure(demo *d, out_file *out) {
    out_file *o = &out[IMPORT_INSTITUTIONS];
    demo_cell(o, "DEMO-VET");
    demo_cell(o, "Riverside Vocational College");
    demo_cell(o, "IE");
    demo_row_end(o);

    o = &out[IMPORT_SITES];
    demo_cell(o, "RIV");
    demo_cell(o, "Riverside Campus");
    demo_cell(o, "12 Quay Street, Riverside");
    demo_row_end(o);
    demo_cell(o, "EGT");
    demo_cell(o, "Eastgate Technical Centre");
    demo_cell(o, "Unit 4, Eastgate Business Park, Riverside");
    demo_row_end(o);

    o = &out[IMPORT_TERMS];
    static const char *const term_names[3] = {"Autumn term", "Spring term", "Summer term"};
    for (int y = 0; y < d->years; y++) {
        const year_cal *c = &d->cal[y];
        char code[32], name[64], sy[16], a[DATE_TEXT_LEN], b[DATE_TEXT_LEN];
        snprintf(sy, sizeof sy, "%d/%02d", c->year, (c->year + 1) % 100);
        for (int t = 0; t < 3; t++) {
            snprintf(code, sizeof code, "%d-T%d", c->year, t + 1);
            snprintf(name, sizeof name, "%s %s", term_names[t], sy);
            date_format(c->term_first[t], a);
            date_format(c->term_last[t], b);
            demo_cell(o, code);
            demo_cell(o, name);
            demo_cell(o, sy);
            demo_cell(o, a);
            demo_cell(o, b);
            demo_row_end(o);
        }
    }

    o = &out[IMPORT_PROGRAMMES];
    for (int p = 0; p < PROGRAMMES; p++) {
        demo_cell(o, demo_programmes[p].code);
        demo_cell(o, demo_programmes[p].name);
        demo_cell_int(o, demo_programmes[p].eqf);
        demo_cell_int(o, demo_programmes[p].years * 12);
        demo_cell(o, demo_programmes[p].field);
        demo_row_end(o);
    }

    o = &out[IMPORT_GROUPS];
    for (int y = 0; y < d->years; y++) {
        int sy = d->start_year + y;
        char syt[16];
        snprintf(syt, sizeof syt, "%d/%02d", sy, (sy + 1) % 100);
        for (int p = 0; p < PROGRAMMES; p++)
            for (int k = 1; k <= demo_programmes[p].years; k++) {
                const cohort *c = demo_cohort_in_year(d, p, sy, k);
                if (!c) continue;
                for (int g = 0; g < c->ngroups; g++) {
                    char code[48], name[48];
                    demo_group_code(p, k, g, sy, code, name);
                    demo_cell(o, code);
                    demo_cell(o, name);
                    demo_cell(o, demo_programmes[p].code);
                    demo_cell(o, syt);
                    demo_cell_int(o, k);
                    demo_cell(o, demo_programmes[p].site);
                    demo_row_end(o);
                }
            }
    }
}

/* Write one staff member with the next number; returns the number. */
static int staff_row(out_file *o, rng *r, int *seq, const char *title) {
    int n = ++*seq;
    const name_group *g =
        &demo_name_groups[rng_chance(r, 0.8) ? 0 : 1 + rng_below(r, NAME_GROUPS - 1)];
    int female = rng_chance(r, 0.55);
    const char *given = female ? g->female[rng_below(r, g->nfemale)]
                               : g->male[rng_below(r, g->nmale)];
    const char *family = demo_family_name(g, rng_below(r, g->nfamily), female);
    char id[16];
    snprintf(id, sizeof id, "S%04d", n);
    buf e = BUF_INIT;
    demo_fold_ascii(&e, given);
    buf_putc(&e, '.');
    demo_fold_ascii(&e, family);
    buf_printf(&e, "%d@riverside-college.example", n);
    demo_cell(o, id);
    demo_cell(o, given);
    demo_cell(o, family);
    demo_cell(o, buf_cstr(&e));
    demo_cell(o, title);
    demo_row_end(o);
    buf_free(&e);
    return n;
}

/* Most groups programme p has in any one school year of the period. */
static int max_groups(const demo *d, int p) {
    int best = 0;
    for (int y = 0; y < d->years; y++) {
        int n = 0;
        for (int k = 1; k <= demo_programmes[p].years; k++) {
            const cohort *c = demo_cohort_in_year(d, p, d->start_year + y, k);
            if (c) n += c->ngroups;
        }
        if (n > best) best = n;
    }
    return best;
}

/* Write the staff (head, deputies, counsellors, coaches, social workers,
** teachers of general subjects, programme teachers and trainers) and keep
** the pools group_staff draws from. */
void demo_write_staff(demo *d, out_file *o) {
    rng r;
    rng_seed(&r, d->seed, 0xC0FFEEull);
    int seq = 0, total_groups = 0, mg[PROGRAMMES];
    for (int p = 0; p < PROGRAMMES; p++) total_groups += mg[p] = max_groups(d, p);
    staff_row(o, &r, &seq, "head");
    for (int i = 0; i < 1 + total_groups / 60; i++) staff_row(o, &r, &seq, "deputy head");
    int ncouns = 2 + total_groups / 12, ncoach = 2 + total_groups / 8;
    d->nkeyworkers = ncouns + ncoach;
    d->keyworkers = xcalloc((size_t)d->nkeyworkers, sizeof(int));
    for (int i = 0; i < ncouns; i++) d->keyworkers[i] = staff_row(o, &r, &seq, "counsellor");
    for (int i = 0; i < ncoach; i++)
        d->keyworkers[ncouns + i] = staff_row(o, &r, &seq, "coach");
    for (int i = 0; i < 1 + total_groups / 40; i++) staff_row(o, &r, &seq, "social worker");
    d->ngeneral = 4 + total_groups / 3;
    d->general = xcalloc((size_t)d->ngeneral, sizeof(int));
    for (int i = 0; i < d->ngeneral; i++) d->general[i] = staff_row(o, &r, &seq, "teacher");
    for (int p = 0; p < PROGRAMMES; p++) {
        d->nprog_teachers[p] = 4 + (mg[p] * 4 + 4) / 5;
        d->prog_teachers[p] = xcalloc((size_t)d->nprog_teachers[p], sizeof(int));
        for (int i = 0; i < d->nprog_teachers[p]; i++)
            d->prog_teachers[p][i] = staff_row(o, &r, &seq, "teacher");
        d->nprog_trainers[p] = 1 + mg[p] / 4;
        d->prog_trainers[p] = xcalloc((size_t)d->nprog_trainers[p], sizeof(int));
        for (int i = 0; i < d->nprog_trainers[p]; i++)
            d->prog_trainers[p][i] = staff_row(o, &r, &seq, "trainer");
    }
}

/* One group_staff row. */
static void group_staff_row(out_file *o, const char *group, int staff, const char *role) {
    char id[16];
    snprintf(id, sizeof id, "S%04d", staff);
    demo_cell(o, group);
    demo_cell(o, id);
    demo_cell(o, role);
    demo_row_end(o);
}

/* Link every group to its class teacher, three programme teachers, two
** teachers of general subjects, a workshop trainer and a key worker. */
void demo_write_group_staff(const demo *d, out_file *o) {
    int gseq = 0;
    for (int y = 0; y < d->years; y++) {
        int sy = d->start_year + y;
        for (int p = 0; p < PROGRAMMES; p++) {
            int q = 0;
            for (int k = 1; k <= demo_programmes[p].years; k++) {
                const cohort *c = demo_cohort_in_year(d, p, sy, k);
                if (!c) continue;
                for (int g = 0; g < c->ngroups; g++, q++, gseq++) {
                    char code[48];
                    demo_group_code(p, k, g, sy, code, NULL);
                    int nt = d->nprog_teachers[p];
                    int base = (int)((unsigned)(q * 4 + y) % (unsigned)nt);
                    group_staff_row(o, code, d->prog_teachers[p][base], "class_teacher");
                    for (int t = 1; t < 4; t++)
                        group_staff_row(o, code, d->prog_teachers[p][(base + t) % nt], "teacher");
                    int gb = (gseq * 2) % d->ngeneral;
                    group_staff_row(o, code, d->general[gb], "teacher");
                    group_staff_row(o, code, d->general[(gb + 1) % d->ngeneral], "teacher");
                    group_staff_row(o, code, d->prog_trainers[p][q % d->nprog_trainers[p]],
                                    "trainer");
                    group_staff_row(o, code, d->keyworkers[gseq % d->nkeyworkers], "key_worker");
                }
            }
        }
    }
}
