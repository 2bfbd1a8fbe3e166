/*
** cli/cmd_help.c — `cairn help`: the list of commands, one command's usage,
** or (--markdown) the list as the README's "The command line" block.
*/
#include "cli/cli.h"
#include <string.h>

static int cmd_help(int argc, char **argv);

const cli_command cli_cmd_help = {
    "help", "list the commands, or show one command's usage",
    "cairn help [COMMAND]\n"
    "       cairn help --markdown   (the list as README.md's \"The command line\" block)",
    cmd_help,
};

/* Print every command of cli_commands[] and --version, one a line: prefix,
** the name padded to 9 columns, the summary. */
static void help_list(const char *prefix) {
    for (size_t i = 0; cli_commands[i]; i++)
        printf("%s%-9s %s\n", prefix, cli_commands[i]->name, cli_commands[i]->summary);
    printf("%s%-9s %s\n", prefix, "--version", "print the version");
}

/* `cairn help [--markdown] [COMMAND]`. */
static int cmd_help(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--markdown")) {
        if (argc > 2) return cli_usage_error(&cli_cmd_help, "%s", "--markdown takes no command");
        help_list("    cairn ");
        return CLI_EXIT_OK;
    }
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        cli_usage_print(&cli_cmd_help, stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 2) return cli_usage_error(&cli_cmd_help, "%s", "give at most one COMMAND");
    if (argc > 1) {
        const cli_command *c = cli_command_find(argv[1]);
        if (!c) return cli_usage_error(&cli_cmd_help, "no command \"%s\"", argv[1]);
        cli_usage_print(c, stdout);
        return CLI_EXIT_OK;
    }
    printf("cairn %s — see early, support together, keep learners.\n\n"
           "usage: cairn COMMAND [OPTIONS]   (cairn COMMAND --help for details)\n\n",
           CAIRN_VERSION);
    help_list("  ");
    printf("\nThe database is --db URL, else $CAIRN_DB, else %s; a postgresql:// URL "
           "selects PostgreSQL.\n", STORE_DEFAULT_URL);
    return CLI_EXIT_OK;
}
