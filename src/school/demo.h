/*
** school/demo.h — the demo school generator, beyond what school.h declares.
**
** school_demo_write() (in school.h) writes the demo school as import files;
** the functions here add what benchmarks and tests need: how many rows each
** file got, and which dates the generated events cover.
*/
#ifndef CAIRN_SCHOOL_DEMO_H
#define CAIRN_SCHOOL_DEMO_H
#include "school/school.h"
#include <stdint.h>

/* Write the demo school into dir (which must exist), one <kind>.csv per
** import kind, and put the number of data rows (header excluded) written to
** each file in counts[kind] (counts may be NULL).  Same options, same bytes.
** opts may be NULL for the defaults. */
int school_demo_write_counted(const demo_opts *opts, const char *dir,
                              long counts[IMPORT_KIND_COUNT], cairn_err *err);

/* The first and last school day (days since 1970-01-01) of the period the
** demo's events cover for these options: the first school day of the first
** school year to the last school day of the last one.  Checks the options
** like school_demo_write() does. */
int school_demo_period(const demo_opts *opts, int32_t *first_day, int32_t *last_day,
                       cairn_err *err);

#endif
