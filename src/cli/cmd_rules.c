/*
** cli/cmd_rules.c — `cairn rules`: show or change the early-warning thresholds.
*/
#include "cli/cli.h"
#include "base/buf.h"
#include "risk/risk.h"
#include "school/school.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int cmd_rules(int argc, char **argv);

const cli_command cli_cmd_rules = {
    "rules", "show or change the early-warning thresholds (versioned)",
    "cairn rules [--db URL] [--institution CODE] [show]\n"
    "cairn rules [--db URL] [--institution CODE] [--by NAME] set JSON | set --file F\n"
    "  JSON names only the rules to change, e.g. '{\"attendance_low\": 85}' or\n"
    "  '{\"missing_work\": {\"enabled\": false}}'.  Each change stores a new version;\n"
    "  scores record the version that produced them.  See docs/risk.md.",
    cmd_rules,
};

/* Read all of path into b; 0 or -1 with err set. */
static int file_slurp(const char *path, buf *b, cairn_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(err, CAIRN_EIO, "cannot read %s: %s", path, strerror(errno));
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) return err_set(err, CAIRN_EIO, "cannot read %s", path);
    return 0;
}

/* `cairn rules`: show the early-warning thresholds, or store a new version. */
static int cmd_rules(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"file", required_argument, 0, 'f'},
        {"by", required_argument, 0, 'b'}, CLI_OPT_END};
    const char *db = NULL, *inst_code = NULL, *file = NULL, *by = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') inst_code = optarg;
        else if (c == 'f') file = optarg;
        else if (c == 'b') by = optarg;
        else if (c == 'h') { cli_usage_print(&cli_cmd_rules, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_rules, "%s", "unknown option");
    }
    const char *verb = optind < argc ? argv[optind] : "show";
    int set = !strcmp(verb, "set");
    if (!set && strcmp(verb, "show"))
        return cli_usage_error(&cli_cmd_rules, "unknown action \"%s\": use show or set", verb);
    const char *json = set && optind + 1 < argc ? argv[optind + 1] : NULL;
    if (set && !json == !file)
        return cli_usage_error(&cli_cmd_rules,
                               "%s", "set needs the changes as one JSON argument or --file F");
    if (optind + (set ? (json ? 2 : 1) : (optind < argc)) != argc)
        return cli_usage_error(&cli_cmd_rules, "%s", "too many arguments");
    cairn_err err = {0};
    buf text = BUF_INIT, out = BUF_INIT;
    if (file && file_slurp(file, &text, &err) < 0) {
        fprintf(stderr, "cairn rules: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    store *st = cli_db_open(cli_db_url(db), &err);
    int64_t inst = 0;
    int rc = st ? school_institution_resolve(st, inst_code, &inst, &err) : -1;
    if (rc == 0 && set) {
        const char *who = by ? by : getenv("USER");
        rc = risk_rules_set(st, inst, json ? json : buf_cstr(&text), who && *who ? who : "cairn",
                            &err);
    }
    risk_rules r;
    if (rc == 0) rc = risk_rules_load(st, inst, &r, &err);
    if (rc == 0) {
        risk_rules_json(&r, &out);
        printf("rule set version %d%s\n%s\n", r.version, set ? " (now in use)" : "",
               buf_cstr(&out));
    } else {
        fprintf(stderr, "cairn rules: %s\n%s", err.msg, set ? "nothing was changed\n" : "");
    }
    buf_free(&text);
    buf_free(&out);
    if (st) store_close(st);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
