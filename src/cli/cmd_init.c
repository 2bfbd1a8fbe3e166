/*
** cli/cmd_init.c — `cairn init`: create or upgrade the database, and say
** what was done per room.
*/
#include "cli/cli.h"
#include "base/buf.h"
#include "base/mem.h"
#include "support/sealed.h"
#include <stdlib.h>

static int cmd_init(int argc, char **argv);

const cli_command cli_cmd_init = {
    "init", "create or upgrade the database",
    "cairn init [--db URL]\n"
    "  Applies every room's migrations that have not run yet, room by room, and\n"
    "  says how many each room applied (or that it is up to date).",
    cmd_init,
};

/* `cairn init`: apply every room's migrations and print, per room, how many
** ran; the first line names the database and the total. */
static int cmd_init(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP, CLI_OPT_END};
    const char *db = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'h') { cli_usage_print(&cli_cmd_init, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_init, "%s", "unknown option");
    }
    if (optind != argc)
        return cli_usage_error(&cli_cmd_init, "unexpected argument \"%s\"", argv[optind]);
    cairn_err err = {0};
    store *st;
    if (store_open(cli_db_url(db), &st, &err) < 0) {
        fprintf(stderr, "cairn init: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    int *applied = xcalloc(cli_nrooms, sizeof *applied);
    if (cli_migrate(st, applied, &err) < 0) {
        fprintf(stderr, "cairn init: %s\n", err.msg);
        free(applied);
        store_close(st);
        return CLI_EXIT_FAIL;
    }
    int made_key = 0;
    if (support_key_ensure(st, &made_key, &err) < 0) {
        fprintf(stderr, "cairn init: %s\n", err.msg);
        free(applied);
        store_close(st);
        return CLI_EXIT_FAIL;
    }
    int total = 0;
    for (size_t i = 0; i < cli_nrooms; i++) total += applied[i];
    printf("%s: %s (%d migration%s applied)\n", store_url(st),
           total ? "database created or upgraded" : "database is up to date", total,
           total == 1 ? "" : "s");
    for (size_t i = 0; i < cli_nrooms; i++) {
        if (applied[i])
            printf("  %-8s %d migration%s applied\n", cli_rooms[i].name, applied[i],
                   applied[i] == 1 ? "" : "s");
        else
            printf("  %-8s up to date\n", cli_rooms[i].name);
    }
    if (made_key) {
        buf path = BUF_INIT;
        support_key_path(st, &path, &err);
        printf("  key      made %s: keep it, and back it up apart from the database\n",
               path.data);
        buf_free(&path);
    }
    free(applied);
    store_close(st);
    return CLI_EXIT_OK;
}
