/*
** cli/cmd_retention.c — `cairn retention`: enforce the retention periods
** (support/retention.h) now, or say what that would do.
*/
#include "cli/cli.h"
#include "base/date.h"
#include "base/mem.h"
#include "school/school.h"
#include "support/retention.h"
#include <stdlib.h>
#include <string.h>

static int cmd_retention(int argc, char **argv);

const cli_command cli_cmd_retention = {
    "retention", "delete or anonymise what is past its retention period",
    "cairn retention [--db URL] [--institution CODE] [--dry-run] run\n"
    "\n"
    "Applies each retention rule (periods: cairn setting, retention.*) to every\n"
    "institution (or the one given): departed learners are anonymised unless a hold\n"
    "forbids it, old scores, acknowledgements, ended consents, notices and sent mail\n"
    "are deleted.  --dry-run only says what would be done.  cairn serve runs it\n"
    "once a day.",
    cmd_retention,
};

/* Run (or dry-run) every rule for institution inst (code) and print one
** line per rule to out.  0, or -1 with err set. */
int cli_retention_institution(store *st, int64_t inst, const char *code, int dry, FILE *out,
                              cairn_err *err) {
    support_retention_line lines[16];
    if (support_retention_nrules > sizeof lines / sizeof *lines)
        return err_set(err, CAIRN_EINTERNAL, "too many retention rules");
    if (support_retention_run(st, inst, date_today(), dry, lines, err) < 0) return -1;
    for (size_t i = 0; out && i < support_retention_nrules; i++) {
        const support_retention_line *l = &lines[i];
        if (l->days == 0)
            fprintf(out, "%s %s: kept for ever (retention.%s is 0)\n", code, l->rule, l->rule);
        else if (dry)
            fprintf(out, "%s %s: would remove %lld: %s before %s%s\n", code, l->rule,
                    (long long)(l->due - l->held), l->what, l->cutoff,
                    l->held ? "; some are held" : "");
        else
            fprintf(out, "%s %s: removed %lld of %lld due: %s before %s\n", code, l->rule,
                    (long long)l->done, (long long)l->due, l->what, l->cutoff);
        if (l->held)
            fprintf(out, "%s %s: %lld kept: a hold forbids erasing them\n", code, l->rule,
                    (long long)l->held);
    }
    return 0;
}

/* `cairn retention`: parse the options (see the usage above) and run it. */
static int cmd_retention(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"dry-run", no_argument, 0, 'n'},
        CLI_OPT_END};
    const char *db = NULL, *inst = NULL;
    int dry = 0, c;
    while ((c = getopt_long(argc, argv, "hn", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') inst = optarg;
        else if (c == 'n') dry = 1;
        else if (c == 'h') { cli_usage_print(&cli_cmd_retention, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_retention, "%s", "unknown option");
    }
    if (argc - optind != 1 || strcmp(argv[optind], "run") != 0)
        return cli_usage_error(&cli_cmd_retention, "%s", "say run");
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    int rc = st ? 0 : -1;
    if (rc == 0 && inst) {
        int64_t id = 0;
        rc = school_institution_resolve(st, inst, &id, &err);
        if (rc == 0) rc = cli_retention_institution(st, id, inst, dry, stdout, &err);
    } else if (rc == 0) {
        rc = cli_retention_all(st, dry, stdout, &err);
    }
    if (st) store_close(st);
    if (rc < 0) {
        fprintf(stderr, "cairn retention: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* Every institution in turn (see cli.h). */
int cli_retention_all(store *st, int dry, FILE *out, cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT id, code FROM institution ORDER BY code", err);
    if (!q) return -1;
    int64_t *ids = NULL;
    char **codes = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            ids = xrealloc(ids, cap * sizeof *ids);
            codes = xrealloc(codes, cap * sizeof *codes);
        }
        ids[n] = store_col_int64(q, 0);
        codes[n++] = xstrdup(store_col_text(q, 1));
    }
    store_finalize(q);
    for (size_t i = 0; rc >= 0 && i < n; i++)
        if (cli_retention_institution(st, ids[i], codes[i], dry, out, err) < 0) {
            err_prefix(err, "institution %s", codes[i]);
            rc = -1;
        }
    for (size_t i = 0; i < n; i++) free(codes[i]);
    free(codes);
    free(ids);
    return rc < 0 ? -1 : 0;
}
