/*
** cli/options.c — what the commands share: the database URL, usage
** messages, number options, the train/evaluate options, opening the
** database with every room's tables up to date.
*/
#include "cli/cli.h"
#include "risk/risk.h"
#include "risk/train.h"
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The database URL: --db, else $CAIRN_DB, else ./cairn.db. */
const char *cli_db_url(const char *opt) {
    if (opt) return opt;
    const char *env = getenv("CAIRN_DB");
    return env && *env ? env : STORE_DEFAULT_URL;
}

/* Print a command's usage to f. */
void cli_usage_print(const cli_command *c, FILE *f) {
    assert(c && c->usage);
    fprintf(f, "usage: %s\n", c->usage);
}

/* Print an error for a command's bad usage and return CLI_EXIT_USAGE. */
int cli_usage_error(const cli_command *c, const char *fmt, ...) {
    fprintf(stderr, "cairn %s: ", c->name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    cli_usage_print(c, stderr);
    return CLI_EXIT_USAGE;
}

/* Parse a whole non-negative number option; -1 if it is not one. */
long cli_parse_count(const char *s) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < 0) return -1;
    return v;
}

/* Open the database and bring every room's schema up to date. */
store *cli_db_open(const char *url, cairn_err *err) {
    store *st;
    if (store_open(url, &st, err) < 0) return NULL;
    if (cli_migrate(st, NULL, err) < 0) {
        store_close(st);
        return NULL;
    }
    return st;
}

/* Parse "4,8,16" into h (room for max); returns how many, or -1 when an
** entry is not a whole number from 1 to RISK_HORIZON_WEEKS_MAX. */
static int horizons_parse(const char *s, int *h, int max) {
    int n = 0;
    const char *p = s;
    for (;;) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (errno || end == p || v < 1 || v > RISK_HORIZON_WEEKS_MAX || n == max) return -1;
        h[n++] = (int)v;
        if (*end == 0) return n;
        if (*end != ',') return -1;
        p = end + 1;
    }
}

/* --horizons and --allow-attribute for train and evaluate; see cli.h. */
int cli_train_option(const cli_command *cmd, int c, const char *arg, risk_train_config *cfg,
                     int *horizons, const char **allow) {
    if (c == 'H') {
        int n = horizons_parse(arg, horizons, RISK_HORIZONS_MAX);
        if (n < 0)
            return cli_usage_error(cmd, "--horizons \"%s\": give 1 to %d whole numbers of weeks "
                                   "from 1 to %d, separated by commas (e.g. 4,8,16)",
                                   arg, RISK_HORIZONS_MAX, RISK_HORIZON_WEEKS_MAX);
        cfg->horizons = horizons;
        cfg->nhorizons = (size_t)n;
    } else {
        if (risk_attr_find(arg) < 0)
            return cli_usage_error(cmd, "unknown attribute \"%s\" for --allow-attribute: use "
                                   "gender, migrant_background, special_needs or "
                                   "first_language", arg);
        if (cfg->nallow < RISK_ATTR_COUNT) allow[cfg->nallow++] = arg;
    }
    return CLI_EXIT_OK;
}
