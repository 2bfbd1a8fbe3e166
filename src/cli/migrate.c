/*
** cli/migrate.c — every room's migrations, from one list.
**
** `cairn init` and every command that opens the database (cli_db_open) run
** this list, so no command can see a database with only some rooms'
** tables.  A new room with tables adds one row here, in DESIGN.md's order.
*/
#include "cli/cli.h"
#include "risk/risk.h"
#include "school/school.h"
#include "support/support.h"
#include "web/auth.h"
#include <assert.h>

const cli_room cli_rooms[] = {
    {"school", school_migrate},
    {"risk", risk_migrate},
    {"support", support_migrate},
    {"web", web_migrate},
};
const size_t cli_nrooms = sizeof cli_rooms / sizeof *cli_rooms;

/* Run each room's migrations in order; see cli.h. */
int cli_migrate(store *st, int *applied, cairn_err *err) {
    assert(st);
    for (size_t i = 0; i < cli_nrooms; i++) {
        int n = 0;
        if (cli_rooms[i].migrate(st, &n, err) < 0) return -1;
        if (applied) applied[i] = n;
    }
    return 0;
}
