/*
** cli/cmd_audit.c — `cairn audit`: check the audit log (support/audit.h).
*/
#include "cli/cli.h"
#include "school/school.h"
#include "support/audit.h"
#include <string.h>

static int cmd_audit(int argc, char **argv);

const cli_command cli_cmd_audit = {
    "audit", "check that the audit log was not changed",
    "cairn audit [--db URL] [--institution CODE] verify\n"
    "cairn audit [--db URL] [--institution CODE] head-reset\n"
    "  verify walks each institution's chain of events and compares its end with\n"
    "  the head file beside the key; it finds an event changed, deleted, inserted,\n"
    "  reordered or removed from the end.  Exit 1 when a chain is broken.\n"
    "  head-reset writes the chain's end to the head file (after restoring a\n"
    "  backup); it refuses a broken chain.",
    cmd_audit,
};

/* Verify or reset the head of one institution; 0 intact, 1 broken, -1 error. */
static int audit_one(store *st, int64_t inst, const char *code, int reset, cairn_err *err) {
    if (reset) {
        int rc = support_audit_head_reset(st, inst, err);
        if (rc == 0) printf("%s: head file written\n", code);
        else if (rc == 1) printf("%s: BROKEN, head file left alone: %s\n", code, err->msg);
        return rc;
    }
    int64_t checked = 0, bad = 0, head = 0;
    char hash[CRYPTO_SHA256_HEX_LEN];
    int known = support_audit_head_file(st, inst, &head, hash, err);
    if (known < 0) return -1;
    int rc = support_audit_verify(st, inst, &checked, &bad, err);
    if (rc == 0)
        printf("%s: %lld event%s, intact%s\n", code, (long long)checked, checked == 1 ? "" : "s",
               known ? "; its end matches the head file"
                     : " (no head file line yet: only the chain was checked)");
    else if (rc == 1)
        printf("%s: BROKEN at event %lld: %s\n", code, (long long)bad, err->msg);
    return rc;
}

/* `cairn audit verify|head-reset`. */
static int cmd_audit(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, CLI_OPT_END};
    const char *db = NULL, *inst_code = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') inst_code = optarg;
        else if (c == 'h') { cli_usage_print(&cli_cmd_audit, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_audit, "%s", "unknown option");
    }
    const char *verb = optind < argc ? argv[optind] : "verify";
    int reset = !strcmp(verb, "head-reset");
    if (!reset && strcmp(verb, "verify"))
        return cli_usage_error(&cli_cmd_audit, "unknown action \"%s\": use verify or head-reset",
                               verb);
    if (optind + 1 < argc) return cli_usage_error(&cli_cmd_audit, "%s", "too many arguments");
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    int rc = st ? 0 : -1, broken = 0;
    store_stmt *q = st ? store_prepare(st, "SELECT id, code FROM institution"
                                           " WHERE ? = '' OR code = ? ORDER BY id", &err) : NULL;
    if (st && !q) rc = -1;
    if (q) {
        store_bind_text(q, 1, inst_code ? inst_code : "", (size_t)-1);
        store_bind_text(q, 2, inst_code ? inst_code : "", (size_t)-1);
        int found = 0, step;
        while (rc >= 0 && (step = store_step(q, &err)) == STORE_ROW) {
            found = 1;
            char code[128];
            snprintf(code, sizeof code, "%s", store_col_text(q, 1));
            int one = audit_one(st, store_col_int64(q, 0), code, reset, &err);
            if (one < 0) rc = -1;
            broken |= one == 1;
        }
        if (rc >= 0 && step < 0) rc = -1;
        if (rc >= 0 && !found && inst_code)
            rc = err_set(&err, CAIRN_ENOTFOUND, "no institution with code \"%s\"", inst_code);
        store_finalize(q);
    }
    if (rc < 0) fprintf(stderr, "cairn audit: %s\n", err.msg);
    store_close(st);
    return rc < 0 || broken ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
