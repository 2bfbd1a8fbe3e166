/*
** cli/cmd_user.c — `cairn user`: accounts on the command line.
*/
#include "cli/cli.h"
#include "base/buf.h"
#include "base/mem.h"
#include "web/auth.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int cmd_user(int argc, char **argv);

const cli_command cli_cmd_user = {
    "user", "accounts: add passwd role disable enable unlock list demo-accounts token",
    "cairn user add USERNAME --role ROLE [--role ROLE...] [--institution CODE]\n"
    "                [--staff REF] [--name NAME] [--password-stdin]\n"
    "       cairn user passwd USERNAME [--password-stdin]\n"
    "       cairn user role USERNAME (--add ROLE | --remove ROLE)\n"
    "       cairn user disable USERNAME\n"
    "       cairn user enable USERNAME\n"
    "       cairn user unlock USERNAME\n"
    "       cairn user list\n"
    "       cairn user demo-accounts [--institution CODE]\n"
    "       cairn user token USERNAME --name NAME [--days N]\n"
    "  All take [--db URL].  ROLE: administrator, school_leader, key_worker, teacher\n"
    "  (also team_member, learner, guardian, external_service, data_protection_officer,\n"
    "  for pages still to come).  --staff REF links the account to a staff member: that\n"
    "  link decides which learners a teacher or key worker sees.  The password is read\n"
    "  from standard input with --password-stdin (its first line), else asked twice on\n"
    "  the terminal; it is never taken from the command line.  passwd and disable end\n"
    "  the account's sessions.  unlock clears the name's failed sign-ins from every\n"
    "  address (the growing waits between tries).  demo-accounts creates admin, leader,\n"
    "  keyworker and teacher with public demo passwords.  token prints a new API token\n"
    "  once.\n"
    "  Exit status 0 done, 1 failed (nothing changed), 2 wrong usage.",
    cmd_user,
};

/* Read a password into out (size bytes): the first line of standard input
** with from_stdin, else asked on the terminal with echo off (twice when
** confirm).  Returns CLI_EXIT_OK, or prints why not and returns the exit status. */
static int password_read(const char *cmd, int from_stdin, int confirm, const char *username,
                         char *out, size_t size) {
    if (from_stdin) {
        if (!fgets(out, (int)size, stdin)) {
            fprintf(stderr, "cairn user %s: no password on standard input\n", cmd);
            return CLI_EXIT_FAIL;
        }
        size_t n = strlen(out);
        if (n && out[n - 1] == '\n') out[--n] = 0;
        else if (!feof(stdin)) {
            fprintf(stderr, "cairn user %s: the password is longer than %d bytes\n", cmd,
                    AUTH_PASSWORD_MAX);
            return CLI_EXIT_FAIL;
        }
        if (n && out[n - 1] == '\r') out[--n] = 0;
        return CLI_EXIT_OK;
    }
    if (!isatty(STDIN_FILENO))
        return cli_usage_error(&cli_cmd_user,
                               "give the password on standard input with --password-stdin "
                           "(it is never taken from the command line)");
    struct termios old, quiet;
    if (tcgetattr(STDIN_FILENO, &old) != 0) {
        fprintf(stderr, "cairn user %s: cannot read the terminal: %s\n", cmd, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    char *again = xmalloc(size);
    int rc = CLI_EXIT_OK;
    for (int round = 0; round < (confirm ? 2 : 1) && rc == CLI_EXIT_OK; round++) {
        char *dst = round ? again : out;
        if (round) fputs("Repeat the password: ", stderr);
        else fprintf(stderr, "New password for %s: ", username);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        char *got = fgets(dst, (int)size, stdin);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
        if (!got) {
            fprintf(stderr, "cairn user %s: no password given\n", cmd);
            rc = CLI_EXIT_FAIL;
            break;
        }
        dst[strcspn(dst, "\r\n")] = 0;
    }
    if (rc == CLI_EXIT_OK && confirm && strcmp(out, again) != 0) {
        fprintf(stderr, "cairn user %s: the two passwords differ; nothing was changed\n", cmd);
        rc = CLI_EXIT_FAIL;
    }
    memset(again, 0, size);
    free(again);
    return rc;
}

/* Print the accounts as a table. */
static void user_list_print(const auth_account *rows, size_t n) {
    printf("%-16s %-24s %-28s %-10s %-8s %-8s %s\n", "USER", "NAME", "ROLES", "INSTITUTION",
           "STAFF", "STATUS", "SESSIONS");
    for (size_t i = 0; i < n; i++) {
        const auth_account *a = &rows[i];
        buf roles = BUF_INIT;
        access_roles_format(a->roles, &roles);
        printf("%-16s %-24s %-28s %-10s %-8s %-8s %lld\n", a->username, a->display_name,
               buf_cstr(&roles), a->institution_code[0] ? a->institution_code : "-",
               a->staff_ref[0] ? a->staff_ref : "-",
               a->disabled ? "disabled" : a->has_password ? "active" : "no-pass",
               (long long)a->sessions);
        buf_free(&roles);
    }
    if (!n) printf("(no accounts yet: cairn user add, or cairn user demo-accounts)\n");
}

/* Print the demo accounts (scripts/run-demo.sh shows this). */
static void user_demo_print(const auth_demo_account *d, size_t n) {
    printf("Demo accounts (for trying cairn out only: these passwords are public):\n");
    printf("  %-10s %-22s %-14s %s\n", "user", "password", "role", "linked to");
    for (size_t i = 0; i < n; i++)
        printf("  %-10s %-22s %-14s %s%s\n", d[i].username, d[i].password, d[i].role,
               d[i].linked, d[i].created ? "" : "  (already there, left as it was)");
}

/* cairn user ACTION ...: accounts on the command line (see its usage). */
static int cmd_user(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"role", required_argument, 0, 'r'}, {"institution", required_argument, 0, 'i'},
        {"staff", required_argument, 0, 's'}, {"name", required_argument, 0, 'n'},
        {"password-stdin", no_argument, 0, 'p'}, {"add", required_argument, 0, 'A'},
        {"remove", required_argument, 0, 'R'}, {"days", required_argument, 0, 'D'},
        CLI_OPT_END};
    if (argc < 2) return cli_usage_error(&cli_cmd_user, "%s", "give what to do: add, passwd, role, "
                                     "disable, enable, unlock, list, demo-accounts or token");
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        cli_usage_print(&cli_cmd_user, stdout);
        return CLI_EXIT_OK;
    }
    static const char *const subs[] = {"add", "passwd", "role", "disable", "enable", "unlock",
                                       "list", "demo-accounts", "token", NULL};
    int known = 0;
    for (int i = 0; subs[i]; i++) known |= strcmp(subs[i], sub) == 0;
    if (!known) return cli_usage_error(&cli_cmd_user, "unknown action \"%s\"", sub);
    const char *db = NULL, *inst = NULL, *staff = NULL, *name = NULL, *role_add = NULL,
               *role_remove = NULL;
    unsigned roles = 0;
    int from_stdin = 0, c;
    long days = 0;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'i': inst = optarg; break;
        case 's': staff = optarg; break;
        case 'n': name = optarg; break;
        case 'p': from_stdin = 1; break;
        case 'A': role_add = optarg; break;
        case 'R': role_remove = optarg; break;
        case 'r': {
            unsigned bit = access_role_parse(optarg);
            if (!bit)
                return cli_usage_error(&cli_cmd_user, "unknown role \"%s\" (roles: %s)", optarg,
                                   access_role_codes());
            roles |= bit;
            break;
        }
        case 'D':
            if ((days = cli_parse_count(optarg)) < 1 || days > 3650)
                return cli_usage_error(&cli_cmd_user, "--days \"%s\" must be 1 to 3650", optarg);
            break;
        case 'h': cli_usage_print(&cli_cmd_user, stdout); return CLI_EXIT_OK;
        default: return cli_usage_error(&cli_cmd_user, "%s", "unknown option");
        }
    }
    int no_name = !strcmp(sub, "list") || !strcmp(sub, "demo-accounts");
    if (no_name && optind != argc)
        return cli_usage_error(&cli_cmd_user, "unexpected argument \"%s\"", argv[optind]);
    if (!no_name && argc - optind != 1)
        return cli_usage_error(&cli_cmd_user, "give exactly one USERNAME to %s", sub);
    const char *username = no_name ? NULL : argv[optind];
    if (!strcmp(sub, "add") && !roles)
        return cli_usage_error(&cli_cmd_user,
                               "give the new account a role with --role ROLE (roles: %s)",
                           access_role_codes());
    if (!strcmp(sub, "role") && !!role_add == !!role_remove)
        return cli_usage_error(&cli_cmd_user, "%s", "give one of --add ROLE or --remove ROLE");
    unsigned role_change = 0;
    if (!strcmp(sub, "role") &&
        !(role_change = access_role_parse(role_add ? role_add : role_remove)))
        return cli_usage_error(&cli_cmd_user, "unknown role \"%s\" (roles: %s)",
                           role_add ? role_add : role_remove, access_role_codes());
    if (!strcmp(sub, "token") && !name)
        return cli_usage_error(&cli_cmd_user, "%s", "give the token a name with --name NAME");

    char password[AUTH_PASSWORD_MAX + 2] = "";
    if (!strcmp(sub, "add") || !strcmp(sub, "passwd")) {
        int rc = password_read(sub, from_stdin, 1, username, password, sizeof password);
        if (rc != CLI_EXIT_OK) return rc;
    }
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn user %s: %s\n", sub, err.msg);
        return CLI_EXIT_FAIL;
    }
    int rc = 0;
    if (!strcmp(sub, "add")) {
        auth_account_spec spec = {username, name, password, inst, staff, roles};
        auth_account a;
        rc = auth_account_add(st, &spec, NULL, &err);
        if (rc == 0 && auth_account_find(st, username, &a, &err) == 0) {
            buf rs = BUF_INIT;
            access_roles_format(a.roles, &rs);
            printf("user %s added: %s, roles %s, institution %s%s%s\n", a.username,
                   a.display_name, buf_cstr(&rs), a.institution_code,
                   a.staff_ref[0] ? ", staff " : "", a.staff_ref);
            buf_free(&rs);
        }
    } else if (!strcmp(sub, "passwd")) {
        rc = auth_account_password_set(st, username, password, &err);
        if (rc == 0) printf("password of %s changed; its sessions were ended\n", username);
    } else if (!strcmp(sub, "role")) {
        rc = auth_account_role_change(st, username, role_change, role_add != NULL, &err);
        if (rc == 0) printf("user %s: role %s %s\n", username, access_role_code(role_change),
                            role_add ? "given" : "taken away");
    } else if (!strcmp(sub, "disable") || !strcmp(sub, "enable")) {
        int off = !strcmp(sub, "disable");
        rc = auth_account_disable(st, username, off, &err);
        if (rc == 0) printf("user %s %s\n", username,
                            off ? "disabled; its sessions were ended" : "enabled");
    } else if (!strcmp(sub, "unlock")) {
        auth_account a;
        int64_t cleared = 0;
        rc = auth_account_find(st, username, &a, &err);
        if (rc == 0) rc = auth_login_unlock(st, a.username, &cleared, &err);
        if (rc == 0) printf("user %s: %lld failed sign-in%s cleared\n", a.username,
                            (long long)cleared, cleared == 1 ? "" : "s");
    } else if (!strcmp(sub, "list")) {
        auth_account *rows;
        size_t n;
        rc = auth_account_list(st, &rows, &n, &err);
        if (rc == 0) {
            user_list_print(rows, n);
            free(rows);
        }
    } else if (!strcmp(sub, "demo-accounts")) {
        auth_demo_account d[AUTH_DEMO_ACCOUNTS];
        rc = auth_demo_accounts(st, inst, d, &err);
        if (rc == 0) user_demo_print(d, AUTH_DEMO_ACCOUNTS);
    } else if (!strcmp(sub, "token")) {
        auth_account a;
        char token[AUTH_API_TOKEN_LEN + 1];
        int64_t now = auth_now();
        rc = auth_account_find(st, username, &a, &err);
        if (rc == 0 && a.disabled)
            rc = err_set(&err, CAIRN_EINVAL, "user \"%s\" is disabled", a.username);
        if (rc == 0)
            rc = auth_token_create(st, a.id, name, now, days ? now + days * 86400 : 0, token, &err);
        if (rc == 0) {
            printf("%s\n", token);
            fprintf(stderr, "API token \"%s\" for %s%s: shown only now; send it as "
                    "\"Authorization: Bearer TOKEN\"\n", name, a.username,
                    days ? "" : " (no expiry)");
        }
    }
    memset(password, 0, sizeof password);
    store_close(st);
    if (rc < 0) {
        fprintf(stderr, "cairn user %s: %s\n", sub, err.msg);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}
