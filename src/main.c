/*
** main.c — the cairn command line: find the command and run it.
**
** Every command is a record in src/cli/ (cli/cli.h: its name, summary,
** usage and function, listed in cli/commands.c); nothing else lives here.
** Exit status: 0 done; 1 failed (nothing changed); 2 wrong usage;
** 3 import done but bad rows were skipped (see --skip-bad).
*/
#include "cli/cli.h"
#include <stdio.h>
#include <string.h>

/* Dispatch argv[1] to its command, with the command's name as its argv[0]. */
int main(int argc, char **argv) {
    char *help[] = {"help", NULL};
    if (argc < 2) {
        cli_cmd_help.run(1, help);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("cairn %s\n", CAIRN_VERSION);
        return CLI_EXIT_OK;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) return cli_cmd_help.run(1, help);
    const cli_command *c = cli_command_find(argv[1]);
    if (!c) {
        fprintf(stderr, "cairn: unknown command \"%s\"; try cairn help\n", argv[1]);
        return CLI_EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
