/*
** cli/cli.h — the command line as a room: one file per command.
**
** Each command is one record, declared in its own file beside its option
** parser and its usage text:
**
**   const cli_command cli_cmd_train = {"train", "one-line summary",
**                                      "cairn train [--db URL] ...", cmd_train};
**
** and listed once in cli_commands[] (cli/commands.c), in the order
** `cairn help` shows them.  src/main.c finds a command there and runs it;
** `cairn help`, `cairn CMD --help` and the README's command list
** (`cairn help --markdown`) are all printed from these records.
**
** Exit status of every command: 0 done; 1 failed (nothing changed);
** 2 wrong usage; 3 import done but bad rows were skipped (see --skip-bad).
*/
#ifndef CAIRN_CLI_CLI_H
#define CAIRN_CLI_CLI_H
#include "base/err.h"
#include "store/store.h"
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_PARTIAL = 3 };

/* One command: its name, the one line `cairn help` shows, the full usage
** (`cairn CMD --help`; the first line starts "cairn NAME"), and the
** function that runs it with argv[0] = the command's name. */
typedef struct cli_command {
    const char *name;
    const char *summary;
    const char *usage;
    int (*run)(int argc, char **argv);
} cli_command;

extern const cli_command cli_cmd_init, cli_cmd_import, cli_cmd_export, cli_cmd_demo,
    cli_cmd_rules, cli_cmd_score, cli_cmd_train, cli_cmd_evaluate, cli_cmd_serve,
    cli_cmd_user, cli_cmd_help, cli_cmd_erase, cli_cmd_retention, cli_cmd_setting;

/* Every command, in the order `cairn help` lists them, NULL-terminated. */
extern const cli_command *const cli_commands[];

/* The command called name, or NULL. */
const cli_command *cli_command_find(const char *name);

/* ---- what the commands share (cli/options.c) ---- */

/* The database URL: opt (--db), else $CAIRN_DB, else ./cairn.db.  Not owned. */
const char *cli_db_url(const char *opt);

/* Print "usage: " and c's usage text to f. */
void cli_usage_print(const cli_command *c, FILE *f);

/* Print "cairn NAME: " and the message, then c's usage, to stderr; returns
** CLI_EXIT_USAGE. */
__attribute__((format(printf, 2, 3)))
int cli_usage_error(const cli_command *c, const char *fmt, ...);

/* A whole non-negative number option; -1 if s is not one. */
long cli_parse_count(const char *s);

/* Open the database at url and apply every room's migrations
** (cli_migrate); NULL with err set on failure.  Close with store_close. */
store *cli_db_open(const char *url, cairn_err *err);

/* The long options every command takes. */
#define CLI_OPT_DB {"db", required_argument, 0, 'd'}
#define CLI_OPT_HELP {"help", no_argument, 0, 'h'}
#define CLI_OPT_END {0, 0, 0, 0}

/* ---- every room's migrations, from one list (cli/migrate.c) ---- */

/* A room with tables, and the function that brings them up to date. */
typedef struct cli_room {
    const char *name;
    int (*migrate)(store *st, int *applied, cairn_err *err);
} cli_room;

/* The rooms in the order their migrations run (DESIGN.md's order: a room's
** tables may refer only to rooms before it). */
extern const cli_room cli_rooms[];
extern const size_t cli_nrooms;

/* Apply every room's migrations in order; applied (cli_nrooms entries, may
** be NULL) gets how many ran per room.  0, or -1 with err set (the rooms
** before the failing one stay migrated; each migration is its own
** transaction). */
int cli_migrate(store *st, int *applied, cairn_err *err);

/* ---- nightly imports (cli/import_watch.c) ---- */

/* Score every institution (or the one called inst_code) again as of asof,
** through `cairn score`'s path (risk_score_run), one line each to log (may
** be NULL).  0, or -1 with err set. */
int cli_rescore(store *st, const char *inst_code, int32_t asof, FILE *log, cairn_err *err);

/* A folder watched for import files: `cairn import watch`, `cairn serve
** --import-dir`. */
typedef struct cli_import_watch {
    const char *dir;           /* the folder; done/ and failed/ are made in it */
    const char *db_url;
    const char *institution;   /* NULL = the only one (and rescore every one) */
    int         once;          /* 1 = take every file there now, then stop */
    int         interval;      /* seconds between scans; 0 = 10 */
    int32_t     asof;          /* day to score as of; 0 = today */
} cli_import_watch;

struct cli_import_watch_seen;  /* what the previous scan saw */

/* One scan: import the complete files of w->dir in dependency order, each
** whole or not at all, move each to done/ or failed/ with FILE.report.txt,
** rescore when something was written.  Lines for people go to log (may be
** NULL); *failed gets the files that failed.  Returns the files taken, or
** -1 with err set (the folder cannot be read, the scoring failed). */
int cli_import_watch_scan(store *st, const cli_import_watch *w,
                          struct cli_import_watch_seen *seen, FILE *log, int *failed,
                          cairn_err *err);

/* Open the database and scan w->dir every w->interval seconds until SIGINT
** or SIGTERM (when handle_signals) — or once, with w->once.  Returns an
** exit status: CLI_EXIT_FAIL when a file failed or the database could not
** be used. */
int cli_import_watch_run(const cli_import_watch *w, int handle_signals, FILE *log);

/* ---- retention (cli/cmd_retention.c; also run daily by cairn serve) ---- */

/* Run (dry: count only) the retention rules for institution inst (code
** for the lines) / for every institution, one line per rule to out (may be
** NULL).  0, or -1 with err set. */
int cli_retention_institution(store *st, int64_t inst, const char *code, int dry, FILE *out,
                              cairn_err *err);
int cli_retention_all(store *st, int dry, FILE *out, cairn_err *err);

/* ---- shared by train and evaluate (cli/options.c) ---- */

struct risk_train_config;

/* The options train and evaluate share: --horizons (c == 'H') into horizons
** (room for RISK_HORIZONS_MAX) and --allow-attribute (c == 'a') into allow
** (room for RISK_ATTR_COUNT), both recorded in cfg.  Returns CLI_EXIT_OK,
** or CLI_EXIT_USAGE after saying what is wrong for the command cmd. */
int cli_train_option(const cli_command *cmd, int c, const char *arg,
                     struct risk_train_config *cfg, int *horizons, const char **allow);

#endif
