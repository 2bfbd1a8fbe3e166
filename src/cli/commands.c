/*
** cli/commands.c — the one list of commands.  A new command is a file
** cli/cmd_NAME.c defining `const cli_command cli_cmd_NAME`, declared in
** cli.h and added here (the order is the order of `cairn help`).
*/
#include "cli/cli.h"
#include <string.h>

const cli_command *const cli_commands[] = {
    &cli_cmd_init,  &cli_cmd_import, &cli_cmd_export,   &cli_cmd_demo,
    &cli_cmd_rules, &cli_cmd_score,  &cli_cmd_train,    &cli_cmd_evaluate,
    &cli_cmd_serve, &cli_cmd_user,   &cli_cmd_setting,  &cli_cmd_erase,
    &cli_cmd_retention, &cli_cmd_help, NULL,
};

/* The command called name, or NULL. */
const cli_command *cli_command_find(const char *name) {
    for (size_t i = 0; cli_commands[i]; i++)
        if (strcmp(cli_commands[i]->name, name) == 0) return cli_commands[i];
    return NULL;
}
