/*
** cli/cmd_setting.c — `cairn setting`: list, show or change an
** institution's settings (support/setting.h).
*/
#include "cli/cli.h"
#include "school/school.h"
#include "support/setting.h"

static int cmd_setting(int argc, char **argv);

const cli_command cli_cmd_setting = {
    "setting", "show or change an institution's settings (consent age, retention periods)",
    "cairn setting [--db URL] [--institution CODE] [NAME [VALUE]]\n"
    "\n"
    "Without NAME, lists every setting with its value and default; with NAME,\n"
    "prints its value; with VALUE, changes it (written to the audit log).\n"
    "consent.age_alone is the age from which a learner gives consent alone\n"
    "(default 16); retention.* are periods in days (0 = keep for ever);\n"
    "review.days.* are the days between reviews of a case by its tier (a\n"
    "universal case: the end of the term, else review.days.universal).",
    cmd_setting,
};

/* `cairn setting`: parse the options (see the usage above) and run it. */
static int cmd_setting(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, CLI_OPT_END};
    const char *db = NULL, *inst = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') inst = optarg;
        else if (c == 'h') { cli_usage_print(&cli_cmd_setting, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_setting, "%s", "unknown option");
    }
    int nargs = argc - optind;
    if (nargs > 2) return cli_usage_error(&cli_cmd_setting, "%s", "give at most NAME and VALUE");
    const char *name = nargs > 0 ? argv[optind] : NULL;
    if (name && !support_setting_find(name))
        return cli_usage_error(&cli_cmd_setting, "there is no setting \"%s\"", name);
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    int64_t iid = 0, v = 0;
    int rc = st ? school_institution_resolve(st, inst, &iid, &err) : -1, status = CLI_EXIT_OK;
    if (rc == 0 && nargs == 2) {
        rc = support_setting_set(st, iid, 0, name, argv[optind + 1], &err);
        if (rc == 0) printf("%s = %s\n", name, argv[optind + 1]);
    } else if (rc == 0 && name) {
        rc = support_setting_get(st, iid, name, &v, &err);
        if (rc == 0) printf("%lld\n", (long long)v);
    } else if (rc == 0) {
        for (size_t i = 0; rc == 0 && i < support_nsettings; i++) {
            rc = support_setting_get(st, iid, support_settings[i].name, &v, &err);
            if (rc == 0)
                printf("%-28s %8lld  (default %lld) %s\n", support_settings[i].name, (long long)v,
                       (long long)support_settings[i].dflt, support_settings[i].what);
        }
    }
    if (rc != 0) {
        fprintf(stderr, "cairn setting: %s\n", err.msg);
        status = rc > 0 ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    if (st) store_close(st);
    return status;
}
