/*
** cli/cmd_import.c — `cairn import`: school data from CSV files or a OneRoster bundle.
*/
#include "cli/cli.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "risk/freshness.h"
#include "school/school.h"
#include "support/notice.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmd_import(int argc, char **argv);

const cli_command cli_cmd_import = {
    "import", "import school data from CSV files or a OneRoster bundle (docs/import.md)",
    "cairn import [--db URL] [--institution CODE] [--skip-bad FILE] [--sum] [KIND] FILE...\n"
    "cairn import watch [--db URL] [--institution CODE] [--once] [--interval S]\n"
    "                   [--asof YYYY-MM-DD] DIR\n"
    "  KIND: institutions sites terms programmes groups learners staff guardians\n"
    "        group_staff enrolments attendance results behaviour engagement,\n"
    "        or oneroster DIR (a OneRoster 1.1/1.2 CSV bundle).  Without a KIND\n"
    "        (or with auto) each file's kind is recognised from its header and\n"
    "        the files are imported in dependency order.\n"
    "  watch DIR imports the *.csv files that land in DIR (complete: FILE.done\n"
    "  beside it, or unchanged for one interval, default 10 s), each whole or not\n"
    "  at all, moves each to DIR/done or DIR/failed with FILE.report.txt, and\n"
    "  scores again after each batch.  --once: take what is there, then exit.\n"
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
    printf("imported %s: %ld rows read, %ld written (%ld new, %ld updated, %ld unchanged)", what,
           rep->rows_read, rep->rows_written, rep->rows_new, rep->rows_updated,
           rep->rows_unchanged);
    if (rep->rows_bad)
        printf(", %ld bad rows skipped and written to %s", rep->rows_bad, skip_path);
    printf("\n");
    return rep->rows_bad ? CLI_EXIT_PARTIAL : CLI_EXIT_OK;
}

/* `cairn import watch`: parse its options and run the watch loop. */
static int cmd_import_watch(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"once", no_argument, 0, 'o'},
        {"interval", required_argument, 0, 'n'}, {"asof", required_argument, 0, 'a'},
        CLI_OPT_END};
    cli_import_watch w = {0};
    const char *db = NULL;
    int c;
    long v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') w.institution = optarg;
        else if (c == 'o') w.once = 1;
        else if (c == 'n') {
            if ((v = cli_parse_count(optarg)) < 1 || v > 86400)
                return cli_usage_error(&cli_cmd_import, "--interval \"%s\" must be 1 to 86400 "
                                       "seconds", optarg);
            w.interval = (int)v;
        } else if (c == 'a') {
            if (date_parse(optarg, strlen(optarg), &w.asof) < 0)
                return cli_usage_error(&cli_cmd_import, "--asof \"%s\" is not a date written "
                                       "YYYY-MM-DD", optarg);
        } else if (c == 'h') { cli_usage_print(&cli_cmd_import, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_import, "%s", "unknown option");
    }
    if (argc - optind != 1)
        return cli_usage_error(&cli_cmd_import, "%s", "watch needs one folder: cairn import watch DIR");
    w.dir = argv[optind];
    w.db_url = cli_db_url(db);
    return cli_import_watch_run(&w, 1, stdout);
}

/* A file of `cairn import FILE...` with its recognised kind. */
typedef struct auto_file { const char *path; import_kind kind; int order; } auto_file;

/* Order of auto files: dependency rank, then the order given. */
static int auto_file_cmp(const void *a, const void *b) {
    const auto_file *x = a, *y = b;
    int rx = import_kind_rank(x->kind), ry = import_kind_rank(y->kind);
    if (rx != ry) return rx < ry ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Recognise the kind of each of the n files; sorted into import order in
** *out (malloc'd).  The kinds' names, comma-separated, go to what.  0, or
** CLI_EXIT_FAIL after saying which file is not recognised and why. */
static int auto_kinds(char **files, int n, auto_file **out, buf *what) {
    auto_file *v = xcalloc((size_t)n, sizeof *v);
    for (int i = 0; i < n; i++) {
        import_kind_guess g;
        cairn_err err = {0};
        const char *name = strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i];
        if (import_kind_detect_file(files[i], &g, &err) < 0) {
            fprintf(stderr, "cairn import: %s\nnothing was imported\n", err.msg);
            free(v);
            return CLI_EXIT_FAIL;
        }
        if (g.nmatch != 1) {
            buf b = BUF_INIT;
            import_kind_guess_describe(&g, name, &b);
            fprintf(stderr, "%s:1: cannot tell what kind of data this is: %s; name the kind "
                    "(cairn import KIND %s)\nnothing was imported\n", name, buf_cstr(&b), name);
            buf_free(&b);
            free(v);
            return CLI_EXIT_FAIL;
        }
        v[i] = (auto_file){files[i], g.match[0], i};
    }
    qsort(v, (size_t)n, sizeof *v, auto_file_cmp);
    for (int i = 0; i < n; i++)
        if (!strstr(buf_cstr(what), import_kind_name(v[i].kind))) {
            if (what->len) buf_puts(what, ", ");
            buf_puts(what, import_kind_name(v[i].kind));
        }
    *out = v;
    return 0;
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
    if (argc > 1 && strcmp(argv[1], "watch") == 0) return cmd_import_watch(argc - 1, argv + 1);
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
    if (argc - optind < 1) return cli_usage_error(&cli_cmd_import,
                                                  "%s", "give at least one FILE");
    const char *kind_name = argv[optind];
    int oneroster = strcmp(kind_name, "oneroster") == 0;
    int kind = import_kind_parse(kind_name);
    /* No kind: "auto", or a first argument that is a file and not a kind. */
    int is_auto = !strcmp(kind_name, "auto") ||
                  (!oneroster && kind < 0 && access(kind_name, F_OK) == 0);
    if (!oneroster && kind < 0 && !is_auto)
        return cli_usage_error(&cli_cmd_import,
                               "unknown kind \"%s\" (see cairn import --help)", kind_name);
    int first = optind + (strcmp(kind_name, "auto") == 0 || !is_auto);
    if (first >= argc) return cli_usage_error(&cli_cmd_import, "%s", "give at least one FILE");
    auto_file *files = NULL;
    buf what = BUF_INIT;
    if (is_auto) {
        int rc = auto_kinds(argv + first, argc - first, &files, &what);
        if (rc) { buf_free(&what); return rc; }
        kind_name = buf_cstr(&what);
    }
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn import: %s\n", err.msg);
        free(files);
        buf_free(&what);
        return CLI_EXIT_FAIL;
    }
    importer *im;
    import_report rep;
    import_report_init(&rep);
    int rc = importer_begin(st, &io, &im, &err);
    for (int i = first; rc == 0 && i < argc; i++) {
        rc = oneroster ? importer_oneroster(im, argv[i], &err)
           : is_auto   ? importer_file(im, files[i - first].kind, files[i - first].path, &err)
                       : importer_file(im, (import_kind)kind, argv[i], &err);
        if (rc < 0) importer_abort(im);
    }
    if (rc == 0) rc = importer_finish(im, &rep, &err);
    int status = import_report_print(kind_name, rc, &rep, io.skip_bad_path, &err);
    if (status == CLI_EXIT_FAIL) import_failure_tell(st, io.institution, kind_name, rc, &rep, &err);
    if (rc == 0) import_rescore(st);
    import_report_free(&rep);
    store_close(st);
    free(files);
    buf_free(&what);
    return status;
}
