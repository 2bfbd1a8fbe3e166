/*
** cli/cmd_export.c — `cairn export`: school data in the import format.
*/
#include "cli/cli.h"
#include "school/school.h"
#include <errno.h>
#include <string.h>

static int cmd_export(int argc, char **argv);

const cli_command cli_cmd_export = {
    "export", "write school data out in the import format",
    "cairn export [--db URL] [--institution CODE] [-o FILE] KIND",
    cmd_export,
};

/* `cairn export`: parse the options (see the usage above) and run it. */
static int cmd_export(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"output", required_argument, 0, 'o'},
        CLI_OPT_END};
    const char *db = NULL, *inst = NULL, *out_path = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') inst = optarg;
        else if (c == 'o') out_path = optarg;
        else if (c == 'h') { cli_usage_print(&cli_cmd_export, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_export, "%s", "unknown option");
    }
    if (argc - optind != 1) return cli_usage_error(&cli_cmd_export, "%s", "give exactly one KIND");
    int kind = import_kind_parse(argv[optind]);
    if (kind < 0)
        return cli_usage_error(&cli_cmd_export,
                               "unknown kind \"%s\" (see cairn export --help)", argv[optind]);
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn export: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (!out) {
        fprintf(stderr, "cairn export: cannot write %s: %s\n", out_path, strerror(errno));
        store_close(st);
        return CLI_EXIT_FAIL;
    }
    int rc = school_export(st, inst, (import_kind)kind, out, &err);
    if (fflush(out) != 0 && rc == 0)
        rc = err_set(&err, CAIRN_EIO, "write failed: %s", strerror(errno));
    if (out != stdout) fclose(out);
    store_close(st);
    if (rc < 0) {
        fprintf(stderr, "cairn export: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}
