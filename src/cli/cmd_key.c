/*
** cli/cmd_key.c — `cairn key`: the keyring of sealed text (support/sealed.h).
*/
#include "cli/cli.h"
#include "base/buf.h"
#include "support/sealed.h"
#include "support/sealed_columns.h"
#include <string.h>

static int cmd_key(int argc, char **argv);

const cli_command cli_cmd_key = {
    "key", "show the key of sealed text, or rotate it (re-encrypting everything)",
    "cairn key [--db URL] [show]\n"
    "cairn key [--db URL] [--batch N] rotate\n"
    "  The key is a file outside the database: beside an SQLite database\n"
    "  (DB.key), or the path in CAIRN_KEY_FILE for PostgreSQL (docs/deploy.md).\n"
    "  rotate makes a new key, re-encrypts every sealed column under it in\n"
    "  batches of N rows (500) while the server keeps running, then removes the\n"
    "  old key.  Text written before sealing is sealed on the way.",
    cmd_key,
};

/* `cairn key show|rotate`. */
static int cmd_key(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"batch", required_argument, 0, 'b'}, CLI_OPT_END};
    const char *db = NULL;
    long batch = 500;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'b') {
            batch = cli_parse_count(optarg);
            if (batch <= 0 || batch > 100000)
                return cli_usage_error(&cli_cmd_key, "--batch \"%s\" is not 1 to 100000", optarg);
        } else if (c == 'h') { cli_usage_print(&cli_cmd_key, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_key, "%s", "unknown option");
    }
    const char *verb = optind < argc ? argv[optind] : "show";
    int rotate = !strcmp(verb, "rotate");
    if (!rotate && strcmp(verb, "show"))
        return cli_usage_error(&cli_cmd_key, "unknown action \"%s\": use show or rotate", verb);
    if (optind + 1 < argc) return cli_usage_error(&cli_cmd_key, "%s", "too many arguments");
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    buf path = BUF_INIT, ids = BUF_INIT;
    int rc = st ? support_key_path(st, &path, &err) : -1;
    support_reseal_counts n = {0};
    if (rc == 0 && rotate) {
        char id[SUPPORT_KEY_ID_LEN + 1];
        int retired = 0;
        rc = support_key_rotate(st, (int)batch, id, &n, &retired, &err);
        if (rc >= 0)
            printf("new key %s; %lld value%s re-encrypted (%lld sealed for the first time)\n", id,
                   (long long)n.resealed, n.resealed == 1 ? "" : "s", (long long)n.plain);
        if (rc == 0) printf("%d old key%s retired\n", retired, retired == 1 ? "" : "s");
    } else if (rc == 0) {
        rc = support_key_list(st, &ids, &err);
        if (rc == 0) {
            char *sp = strchr(ids.data, ' ');
            printf("keyring %s\ncurrent key %.*s\n", path.data,
                   sp ? (int)(sp - ids.data) : (int)ids.len, ids.data);
            if (sp) printf("older keys (a rotation is not finished): %s\n", sp + 1);
        }
    }
    if (rc != 0) fprintf(stderr, "cairn key: %s\n", err.msg);
    buf_free(&path);
    buf_free(&ids);
    store_close(st);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
