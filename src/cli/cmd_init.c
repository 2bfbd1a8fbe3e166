/*
** cli/cmd_init.c — `cairn init`: create or upgrade the database, and say
** what was done per room.
*/
#include "cli/cli.h"
#include "base/buf.h"
#include "base/mem.h"
#include "support/sealed.h"
#include <stdlib.h>
#include <string.h>

static int cmd_init(int argc, char **argv);

const cli_command cli_cmd_init = {
    "init", "create or upgrade the database",
    "cairn init [--db URL]\n"
    "  Applies every room's migrations that have not run yet, room by room, and\n"
    "  says how many each room (and each migration series of a room's own, such\n"
    "  as consent) applied, or that it is up to date.",
    cmd_init,
};

/* How many migrations schema_migration records per room, into names[] /
** counts[] (room names malloc'd; at most cap rooms); *n gets how many
** rooms.  A database without the table yet has none.  0 or -1. */
static int init_recorded(store *st, char **names, int *counts, size_t cap, size_t *n,
                         cairn_err *err) {
    *n = 0;
    int64_t have = 0;
    const char *exists = store_kind_of(st) == STORE_POSTGRES
        ? "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migration'"
          " AND table_schema = current_schema()"
        : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'";
    if (store_query_int64(st, exists, -1, &have, err) < 0) return -1;
    if (!have) return 0;
    store_stmt *q = store_prepare(st, "SELECT room, count(*) FROM schema_migration GROUP BY room"
                                      " ORDER BY room", err);
    if (!q) return -1;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW && *n < cap) {
        names[*n] = xstrdup(store_col_text(q, 0));
        counts[(*n)++] = (int)store_col_int64(q, 1);
    }
    store_finalize(q);
    return rc < 0 ? -1 : 0;
}

/* The count of room among names[0..n), 0 when absent. */
static int init_count(char **names, const int *counts, size_t n, const char *room) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], room) == 0) return counts[i];
    return 0;
}

/* One line for a room: how many it applied, or that it is up to date. */
static void init_line(const char *room, int applied) {
    if (applied)
        printf("  %-12s %d migration%s applied\n", room, applied, applied == 1 ? "" : "s");
    else
        printf("  %-12s up to date\n", room);
}

#define INIT_ROOMS_MAX 64   /* rooms and migration series a database may hold */

/* `cairn init`: apply every room's migrations and print, per room (and per
** migration series a room runs of its own, such as the support room's
** "consent"), how many ran, counted from schema_migration before and after;
** the first line names the database and the total. */
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
    char *before[INIT_ROOMS_MAX], *after[INIT_ROOMS_MAX];
    int nb_count[INIT_ROOMS_MAX], na_count[INIT_ROOMS_MAX];
    size_t nb = 0, na = 0;
    int made_key = 0;
    int rc = init_recorded(st, before, nb_count, INIT_ROOMS_MAX, &nb, &err);
    if (rc == 0) rc = cli_migrate(st, NULL, &err);
    if (rc == 0) rc = init_recorded(st, after, na_count, INIT_ROOMS_MAX, &na, &err);
    if (rc == 0) rc = support_key_ensure(st, &made_key, &err);
    if (rc < 0) {
        fprintf(stderr, "cairn init: %s\n", err.msg);
    } else {
        int total = 0;
        for (size_t i = 0; i < na; i++)
            total += na_count[i] - init_count(before, nb_count, nb, after[i]);
        printf("%s: %s (%d migration%s applied)\n", store_url(st),
               total ? "database created or upgraded" : "database is up to date", total,
               total == 1 ? "" : "s");
        for (size_t i = 0; i < cli_nrooms; i++) {   /* the rooms in their order ... */
            const char *room = cli_rooms[i].name;
            init_line(room, init_count(after, na_count, na, room) -
                                init_count(before, nb_count, nb, room));
        }
        for (size_t i = 0; i < na; i++) {           /* ... then their own series */
            int known = 0;
            for (size_t k = 0; k < cli_nrooms; k++) known |= strcmp(cli_rooms[k].name, after[i]) == 0;
            if (!known) init_line(after[i], na_count[i] - init_count(before, nb_count, nb, after[i]));
        }
    }
    if (rc == 0 && made_key) {
        buf path = BUF_INIT;
        support_key_path(st, &path, &err);
        printf("  key      made %s: keep it, and back it up apart from the database\n",
               path.data);
        buf_free(&path);
    }
    for (size_t i = 0; i < nb; i++) free(before[i]);
    for (size_t i = 0; i < na; i++) free(after[i]);
    store_close(st);
    return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
