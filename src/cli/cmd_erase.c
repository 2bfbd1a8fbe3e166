/*
** cli/cmd_erase.c — `cairn erase`: anonymise one learner (support/subject.h),
** and place or lift the legal holds that forbid it.
*/
#include "cli/cli.h"
#include "support/subject.h"
#include <string.h>

static int cmd_erase(int argc, char **argv);

const cli_command cli_cmd_erase = {
    "erase", "anonymise a learner's record for good (subject erasure), legal holds",
    "cairn erase [--db URL] [--institution CODE] [--reason TEXT] --confirm LEARNER\n"
    "cairn erase [--db URL] [--institution CODE] --hold REASON LEARNER\n"
    "cairn erase [--db URL] [--institution CODE] --lift-hold LEARNER\n"
    "\n"
    "LEARNER is the school's reference.  Erasing removes names, contacts, events,\n"
    "scores and free text and keeps what statistics need (programme, outcome, dates\n"
    "to the month, birth year).  It cannot be undone, so it needs --confirm; without\n"
    "it, says what would stop it.  It is refused while the learner is enrolled\n"
    "(active or paused) or under a legal hold.  Everything is written to the\n"
    "audit log; --reason (no names) is kept with the erasure.",
    cmd_erase,
};

/* `cairn erase`: parse the options (see the usage above) and run it. */
static int cmd_erase(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"reason", required_argument, 0, 'r'},
        {"confirm", no_argument, 0, 'y'}, {"hold", required_argument, 0, 'H'},
        {"lift-hold", no_argument, 0, 'L'}, CLI_OPT_END};
    const char *db = NULL, *inst = NULL, *reason = NULL, *hold = NULL;
    int confirm = 0, lift = 0, c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') inst = optarg;
        else if (c == 'r') reason = optarg;
        else if (c == 'y') confirm = 1;
        else if (c == 'H') hold = optarg;
        else if (c == 'L') lift = 1;
        else if (c == 'h') { cli_usage_print(&cli_cmd_erase, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_erase, "%s", "unknown option");
    }
    if (argc - optind != 1) return cli_usage_error(&cli_cmd_erase, "%s", "give one LEARNER");
    if ((hold != NULL) + lift + confirm > 1)
        return cli_usage_error(&cli_cmd_erase, "%s", "--confirm, --hold and --lift-hold go alone");
    const char *ref = argv[optind];
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    int64_t iid = 0, lid = 0;
    int rc = st ? support_subject_find(st, inst, ref, &iid, &lid, &err) : -1;
    buf why = BUF_INIT;   /* not HTML: messages for the terminal */
    int status = CLI_EXIT_OK;
    if (rc < 0) {
        status = CLI_EXIT_FAIL;
    } else if (hold || lift) {
        rc = hold ? support_legal_hold_place(st, iid, 0, lid, hold, &err)
                  : support_legal_hold_lift(st, iid, 0, lid, &err);
        if (rc != 0) status = CLI_EXIT_FAIL;
        else printf("%s: legal hold %s\n", ref, hold ? "placed" : "lifted");
    } else if (!confirm) {
        rc = support_subject_holds(st, iid, lid, &why, &err);
        if (rc < 0) {
            status = CLI_EXIT_FAIL;
        } else if (rc > 0) {
            fprintf(stderr, "cairn erase: %s cannot be erased: %s\n", ref, buf_cstr(&why));
            status = CLI_EXIT_FAIL;
        } else {
            fprintf(stderr, "cairn erase: erasing %s cannot be undone; run again with --confirm\n",
                    ref);
            status = CLI_EXIT_USAGE;
        }
    } else {
        rc = support_subject_erase(st, iid, lid, 0, reason ? reason : "on request", &why, &err);
        if (rc < 0) {
            status = CLI_EXIT_FAIL;
        } else if (rc > 0) {
            fprintf(stderr, "cairn erase: %s cannot be erased: %s\n", ref, buf_cstr(&why));
            status = CLI_EXIT_FAIL;
        } else {
            printf("%s: erased (anonymised)\n", ref);
        }
    }
    if (rc < 0 || (rc > 0 && (hold || lift))) fprintf(stderr, "cairn erase: %s\n", err.msg);
    buf_free(&why);
    if (st) store_close(st);
    return status;
}
