/*
** fuzz/fuzz_table_columns.c — libFuzzer target for a table's description
** file (risk_table_columns_parse, risk/tabular.h).
**
** For every input it checks that the parser never crashes and either
** fails with a message "f.columns:..." and an empty result, or succeeds
** with NULL-terminated lists whose names are non-empty and hold no tab, CR
** or LF, a positive value only beside a target, and at most
** RISK_TABLE_COLUMNS_MAX names in all.
*/
#include "base/err.h"
#include "risk/tabular.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop with a message: libFuzzer reports it as a crash with the input. */
static void die(const char *what) {
    fprintf(stderr, "fuzz_table_columns: %s\n", what);
    abort();
}

/* Check one parsed name. */
static void name_check(const char *s) {
    if (!s || !*s) die("empty name");
    if (strpbrk(s, "\t\n")) die("name holds a tab or a newline");
}

/* Check a NULL-terminated list; returns its length. */
static size_t list_check(char **v) {
    if (!v) die("list is NULL after a successful parse");
    size_t n = 0;
    for (; v[n]; n++) name_check(v[n]);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    risk_table_columns c;
    cairn_err err = {0};
    int rc = risk_table_columns_parse((const char *)data, size, "f.columns", &c, &err);
    if (rc < 0) {
        if (rc != -1) die("error code other than -1");
        if (strncmp(err.msg, "f.columns", 9) != 0) die("error message without the file name");
        if (c.target || c.positive || c.categorical || c.numeric || c.ignore)
            die("result not empty after an error");
        return 0;
    }
    if (rc != 0) die("parse returned something other than 0 or -1");
    size_t n = list_check(c.categorical) + list_check(c.numeric) + list_check(c.ignore);
    if (c.target) {
        name_check(c.target);
        n++;
    }
    if (c.positive && (!c.target || !*c.positive || strchr(c.positive, '\t')))
        die("bad positive value");
    if (n > RISK_TABLE_COLUMNS_MAX) die("more names than the limit");
    risk_table_columns_free(&c);
    risk_table_columns_free(&c);
    return 0;
}
