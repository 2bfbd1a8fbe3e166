/*
** cli/cmd_export.c — `cairn export`: school data in the import format, or
** one learner's whole record (`cairn export subject LEARNER`, subject
** access: support/subject.h) as HTML or JSON.
*/
#include "cli/cli.h"
#include "cli/subject_html.h"
#include "school/school.h"
#include "support/subject.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int cmd_export(int argc, char **argv);

const cli_command cli_cmd_export = {
    "export", "write school data out in the import format, or one learner's whole record",
    "cairn export [--db URL] [--institution CODE] [-o FILE] KIND\n"
    "cairn export [--db URL] [--institution CODE] [-o FILE] [--format html|json]\n"
    "             subject LEARNER\n"
    "\n"
    "KIND is one of the import kinds (docs/import.md).  `subject LEARNER` writes\n"
    "everything cairn holds about the learner with that school reference (identity,\n"
    "enrolments, events, scores and reasons, acknowledgements, key workers,\n"
    "consents, notices, who saw the record) as a readable page (html, the\n"
    "default) or as JSON; the export is written to the audit log.",
    cmd_export,
};

/* `cairn export subject REF`: the learner's whole record as JSON or HTML
** to out_path (NULL = stdout), audited.  Returns an exit status. */
static int export_subject(const char *db, const char *inst, const char *ref, int json,
                          const char *out_path) {
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    int64_t iid = 0, lid = 0;
    json_t *rec = NULL;
    int rc = st ? 0 : -1;
    if (rc == 0) rc = support_subject_find(st, inst, ref, &iid, &lid, &err);
    if (rc == 0) rc = support_subject_export(st, iid, lid, 0, &rec, &err);
    if (st) store_close(st);
    if (rc < 0) {
        fprintf(stderr, "cairn export: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    buf b = BUF_INIT;
    if (json) {
        char *text = json_dumps(rec, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        buf_puts(&b, text ? text : "");   /* not HTML: the JSON record */
        buf_putc(&b, '\n');
        free(text);
    } else {
        cli_subject_html(rec, &b);
    }
    json_decref(rec);
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (!out) {
        fprintf(stderr, "cairn export: cannot write %s: %s\n", out_path, strerror(errno));
        buf_free(&b);
        return CLI_EXIT_FAIL;
    }
    size_t wrote = fwrite(b.data, 1, b.len, out);
    int bad = wrote != b.len || fflush(out) != 0;
    if (out != stdout) bad |= fclose(out) != 0;
    buf_free(&b);
    if (bad) {
        fprintf(stderr, "cairn export: write failed: %s\n", strerror(errno));
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* `cairn export`: parse the options (see the usage above) and run it. */
static int cmd_export(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"output", required_argument, 0, 'o'},
        {"format", required_argument, 0, 'f'}, CLI_OPT_END};
    const char *db = NULL, *inst = NULL, *out_path = NULL, *format = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') inst = optarg;
        else if (c == 'o') out_path = optarg;
        else if (c == 'f') format = optarg;
        else if (c == 'h') { cli_usage_print(&cli_cmd_export, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_export, "%s", "unknown option");
    }
    if (argc - optind >= 1 && strcmp(argv[optind], "subject") == 0) {
        if (argc - optind != 2)
            return cli_usage_error(&cli_cmd_export, "%s", "give the learner's reference after subject");
        if (format && strcmp(format, "html") != 0 && strcmp(format, "json") != 0)
            return cli_usage_error(&cli_cmd_export, "--format is html or json, not \"%s\"", format);
        return export_subject(db, inst, argv[optind + 1], format && strcmp(format, "json") == 0,
                              out_path);
    }
    if (format) return cli_usage_error(&cli_cmd_export, "%s", "--format is for subject only");
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
