/*
** cli/cmd_import.c — `cairn import`: school data from CSV files or a OneRoster bundle.
*/
#include "cli/cli.h"
#include "base/buf.h"
#include "base/date.h"
#include "risk/freshness.h"
#include "school/school.h"
#include "support/notice.h"
#include <stdio.h>
#include <string.h>

static int cmd_import(int argc, char **argv);

const cli_command cli_cmd_import = {
    "import", "import school data from CSV files or a OneRoster bundle (docs/import.md)",
    "cairn import [--db URL] [--institution CODE] [--skip-bad FILE] [--sum] KIND FILE...\n"
    "  KIND: institutions sites terms programmes groups learners staff guardians\n"
    "        group_staff enrolments attendance results behaviour engagement,\n"
    "        or oneroster DIR (a OneRoster 1.1/1.2 CSV bundle)\n"
    "  All files are one transaction: if any row is bad nothing is written and\n"
    "  every bad row is listed as file:line:column: what is wrong.  With\n"
    "  --skip-bad FILE the good rows are imported and the bad ones written to FILE.\n"
    "  A key on several rows of one file is ambiguous: all its rows are bad.\n"
    "  --sum (engagement only) adds the values of a key's rows up instead.\n"
    "  After an import every institution is scored again for today (as cairn score).\n"
    "  Formats: docs/import.md.  Exit status 0 ok, 1 nothing imported, 3 bad rows skipped.",
    cmd_import,
};

/* Print an import's outcome; returns the exit status. */
static int import_report_print(const char *what, int rc, const import_report *rep,
                               const char *skip_path, const cairn_err *err) {
    if (rep->messages.len) fputs(rep->messages.data, stderr);
    if (rep->messages_dropped)
        fprintf(stderr, "... and %ld more bad rows\n", rep->messages_dropped);
    if (rc < 0) {
        fprintf(stderr, "cairn import: %s\nnothing was imported\n", err->msg);
        return CLI_EXIT_FAIL;
    }
    if (rc == 1) {
        fprintf(stderr, "cairn import: %ld of %ld rows are bad; nothing was imported "
                "(fix them, or use --skip-bad FILE to import the good rows)\n",
                rep->rows_bad, rep->rows_read);
        return CLI_EXIT_FAIL;
    }
    printf("imported %s: %ld rows read, %ld written", what, rep->rows_read, rep->rows_written);
    if (rep->rows_bad)
        printf(", %ld bad rows skipped and written to %s", rep->rows_bad, skip_path);
    printf("\n");
    return rep->rows_bad ? CLI_EXIT_PARTIAL : CLI_EXIT_OK;
}

/* Tell the institution's administrators that an import failed (a notice;
** support/notice.h); a problem doing so is printed, not fatal. */
static void import_failure_tell(store *st, const char *inst_code, const char *what, int rc,
                                const import_report *rep, const cairn_err *why) {
    cairn_err err = {0};
    int64_t inst;
    char detail[400];
    if (rc < 0) snprintf(detail, sizeof detail, "%s: %s", what, why->msg);
    else snprintf(detail, sizeof detail, "%s: %ld of %ld rows are bad; nothing was imported",
                  what, rep->rows_bad, rep->rows_read);
    if (school_institution_resolve(st, inst_code, &inst, &err) < 0) return;  /* none yet */
    if (support_notice_admins(st, inst, SUPPORT_NOTICE_IMPORT_FAILED, detail, &err) < 0)
        fprintf(stderr, "cairn import: the administrators could not be told: %s\n", err.msg);
}

/* Score every institution again for today after an import (never stale
** scores); a failure is told on stderr and leaves the import as it is. */
static void import_rescore(store *st) {
    cairn_err err = {0};
    risk_rescore_result r;
    char d[DATE_TEXT_LEN];
    date_format(date_today(), d);
    cairn_err nerr = {0};
    if (risk_rescore_today(st, date_today(), 0, &r, &err) != 0) {
        fprintf(stderr, "cairn import: the data is imported, but scoring it for %s failed: %s\n"
                "(run cairn score to try again)\n", d, err.msg);
        char detail[300];
        snprintf(detail, sizeof detail, "scoring after an import, for %s: %s", d, err.msg);
        if (support_notice_admins_all(st, SUPPORT_NOTICE_SCORE_FAILED, detail, &nerr) < 0)
            fprintf(stderr, "cairn import: the administrators could not be told: %s\n", nerr.msg);
    } else {
        printf("scored %zu learners as of %s\n", r.learners, d);
        if (support_notice_rescored(st, d, NULL, &nerr) < 0)   /* newly flagged: key workers */
            fprintf(stderr, "cairn import: the key workers could not be told: %s\n", nerr.msg);
    }
}

/* `cairn import`: parse the options (see the usage above) and run it. */
static int cmd_import(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"skip-bad", required_argument, 0, 's'},
        {"sum", no_argument, 0, 'S'}, CLI_OPT_END};
    const char *db = NULL;
    import_opts io = {0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') io.institution = optarg;
        else if (c == 's') io.skip_bad_path = optarg;
        else if (c == 'S') io.sum = 1;
        else if (c == 'h') { cli_usage_print(&cli_cmd_import, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_import, "%s", "unknown option");
    }
    if (argc - optind < 2) return cli_usage_error(&cli_cmd_import,
                                                  "%s", "give a KIND and at least one FILE");
    const char *kind_name = argv[optind];
    int oneroster = strcmp(kind_name, "oneroster") == 0;
    int kind = import_kind_parse(kind_name);
    if (!oneroster && kind < 0)
        return cli_usage_error(&cli_cmd_import,
                               "unknown kind \"%s\" (see cairn import --help)", kind_name);
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn import: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    importer *im;
    import_report rep;
    import_report_init(&rep);
    int rc = importer_begin(st, &io, &im, &err);
    for (int i = optind + 1; rc == 0 && i < argc; i++) {
        rc = oneroster ? importer_oneroster(im, argv[i], &err)
                       : importer_file(im, (import_kind)kind, argv[i], &err);
        if (rc < 0) importer_abort(im);
    }
    if (rc == 0) rc = importer_finish(im, &rep, &err);
    int status = import_report_print(kind_name, rc, &rep, io.skip_bad_path, &err);
    if (status == CLI_EXIT_FAIL) import_failure_tell(st, io.institution, kind_name, rc, &rep, &err);
    if (rc == 0) import_rescore(st);
    import_report_free(&rep);
    store_close(st);
    return status;
}
