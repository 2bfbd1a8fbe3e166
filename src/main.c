/*
** main.c — the cairn command line: parse arguments and dispatch.
**
** Each command is one row of the commands[] table: its name, a one-line
** summary, its usage text, and the function that runs it.  Nothing else
** lives here; the work is done by the rooms.
**
** Exit status: 0 done; 1 failed (nothing changed); 2 wrong usage;
** 3 import done but bad rows were skipped (see --skip-bad).
*/
#include "base/err.h"
#include "base/mem.h"
#include "school/school.h"
#include "store/store.h"
#include "web/server.h"
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_PARTIAL = 3 };

typedef struct command {
    const char *name;
    const char *summary;
    const char *usage;
    int (*run)(int argc, char **argv);
} command;

static int cmd_help(int argc, char **argv);

/* ---- shared option handling ------------------------------------------------ */

/* The database URL: --db, else $CAIRN_DB, else ./cairn.db. */
static const char *db_url(const char *opt) {
    if (opt) return opt;
    const char *env = getenv("CAIRN_DB");
    return env && *env ? env : STORE_DEFAULT_URL;
}

/* Print a command's usage to f. */
static void usage_print(const command *c, FILE *f) {
    fprintf(f, "usage: %s\n", c->usage);
}

/* Find the command called name. */
static const command *command_find(const char *name);

/* Print an error for a command's bad usage and return EXIT_USAGE. */
__attribute__((format(printf, 2, 3)))
static int usage_error(const char *cmd, const char *fmt, ...) {
    fprintf(stderr, "cairn %s: ", cmd);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    usage_print(command_find(cmd), stderr);
    return EXIT_USAGE;
}

/* Parse a whole non-negative number option; -1 if it is not one. */
static long parse_count(const char *s) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < 0) return -1;
    return v;
}

/* Open the database and bring its schema up to date. */
static store *db_open_current(const char *url, cairn_err *err) {
    store *st;
    if (store_open(url, &st, err) < 0) return NULL;
    if (school_migrate(st, NULL, err) < 0) {
        store_close(st);
        return NULL;
    }
    return st;
}

#define LONGOPT_DB {"db", required_argument, 0, 'd'}
#define LONGOPT_HELP {"help", no_argument, 0, 'h'}
#define LONGOPT_END {0, 0, 0, 0}

/* ---- init ------------------------------------------------------------------ */

static int cmd_init(int argc, char **argv) {
    static const struct option opts[] = {LONGOPT_DB, LONGOPT_HELP, LONGOPT_END};
    const char *db = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'h') { usage_print(command_find("init"), stdout); return EXIT_OK; }
        else return usage_error("init", "%s", "unknown option");
    }
    if (optind != argc) return usage_error("init", "unexpected argument \"%s\"", argv[optind]);
    cairn_err err = {0};
    store *st;
    int applied = 0;
    if (store_open(db_url(db), &st, &err) < 0 || school_migrate(st, &applied, &err) < 0) {
        fprintf(stderr, "cairn init: %s\n", err.msg);
        return EXIT_FAIL;
    }
    printf("%s: %s (%d migration%s applied)\n", store_url(st),
           applied ? "database created or upgraded" : "database is up to date", applied,
           applied == 1 ? "" : "s");
    store_close(st);
    return EXIT_OK;
}

/* ---- import ---------------------------------------------------------------- */

/* Print an import's outcome; returns the exit status. */
static int import_report_print(const char *what, int rc, const import_report *rep,
                               const char *skip_path, const cairn_err *err) {
    if (rep->messages.len) fputs(rep->messages.data, stderr);
    if (rep->messages_dropped)
        fprintf(stderr, "... and %ld more bad rows\n", rep->messages_dropped);
    if (rc < 0) {
        fprintf(stderr, "cairn import: %s\nnothing was imported\n", err->msg);
        return EXIT_FAIL;
    }
    if (rc == 1) {
        fprintf(stderr, "cairn import: %ld of %ld rows are bad; nothing was imported "
                "(fix them, or use --skip-bad FILE to import the good rows)\n",
                rep->rows_bad, rep->rows_read);
        return EXIT_FAIL;
    }
    printf("imported %s: %ld rows read, %ld written", what, rep->rows_read, rep->rows_written);
    if (rep->rows_bad)
        printf(", %ld bad rows skipped and written to %s", rep->rows_bad, skip_path);
    printf("\n");
    return rep->rows_bad ? EXIT_PARTIAL : EXIT_OK;
}

static int cmd_import(int argc, char **argv) {
    static const struct option opts[] = {LONGOPT_DB, LONGOPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"skip-bad", required_argument, 0, 's'},
        LONGOPT_END};
    const char *db = NULL;
    import_opts io = {0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') io.institution = optarg;
        else if (c == 's') io.skip_bad_path = optarg;
        else if (c == 'h') { usage_print(command_find("import"), stdout); return EXIT_OK; }
        else return usage_error("import", "%s", "unknown option");
    }
    if (argc - optind < 2) return usage_error("import", "%s", "give a KIND and at least one FILE");
    const char *kind_name = argv[optind];
    int oneroster = strcmp(kind_name, "oneroster") == 0;
    int kind = import_kind_parse(kind_name);
    if (!oneroster && kind < 0)
        return usage_error("import", "unknown kind \"%s\" (see cairn import --help)", kind_name);
    cairn_err err = {0};
    store *st = db_open_current(db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn import: %s\n", err.msg);
        return EXIT_FAIL;
    }
    importer *im;
    import_report rep;
    import_report_init(&rep);
    int rc = importer_begin(st, &io, &im, &err);
    for (int i = optind + 1; rc == 0 && i < argc; i++) {
        rc = oneroster ? importer_oneroster(im, argv[i], &err)
                       : importer_file(im, (import_kind)kind, argv[i], &err);
        if (rc < 0) importer_abort(im);
    }
    if (rc == 0) rc = importer_finish(im, &rep, &err);
    int status = import_report_print(kind_name, rc, &rep, io.skip_bad_path, &err);
    import_report_free(&rep);
    store_close(st);
    return status;
}

/* ---- export ---------------------------------------------------------------- */

static int cmd_export(int argc, char **argv) {
    static const struct option opts[] = {LONGOPT_DB, LONGOPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"output", required_argument, 0, 'o'},
        LONGOPT_END};
    const char *db = NULL, *inst = NULL, *out_path = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') inst = optarg;
        else if (c == 'o') out_path = optarg;
        else if (c == 'h') { usage_print(command_find("export"), stdout); return EXIT_OK; }
        else return usage_error("export", "%s", "unknown option");
    }
    if (argc - optind != 1) return usage_error("export", "%s", "give exactly one KIND");
    int kind = import_kind_parse(argv[optind]);
    if (kind < 0)
        return usage_error("export", "unknown kind \"%s\" (see cairn export --help)", argv[optind]);
    cairn_err err = {0};
    store *st = db_open_current(db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn export: %s\n", err.msg);
        return EXIT_FAIL;
    }
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (!out) {
        fprintf(stderr, "cairn export: cannot write %s: %s\n", out_path, strerror(errno));
        store_close(st);
        return EXIT_FAIL;
    }
    int rc = school_export(st, inst, (import_kind)kind, out, &err);
    if (fflush(out) != 0 && rc == 0) rc = err_set(&err, CAIRN_EIO, "write failed: %s", strerror(errno));
    if (out != stdout) fclose(out);
    store_close(st);
    if (rc < 0) {
        fprintf(stderr, "cairn export: %s\n", err.msg);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* ---- demo ------------------------------------------------------------------ */

static int cmd_demo(int argc, char **argv) {
    static const struct option opts[] = {LONGOPT_DB, LONGOPT_HELP,
        {"learners", required_argument, 0, 'n'}, {"seed", required_argument, 0, 's'},
        {"years", required_argument, 0, 'y'}, {"out", required_argument, 0, 'o'},
        {"if-empty", no_argument, 0, 'e'}, LONGOPT_END};
    const char *db = NULL, *out_dir = NULL;
    demo_opts d = {0};
    d.seed = 1;
    int if_empty = 0, c;
    long v;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'n':
            if ((v = parse_count(optarg)) < 1 || v > 2000000)
                return usage_error("demo", "--learners \"%s\" must be a number from 1 to 2000000", optarg);
            d.learners = v;
            break;
        case 's':
            if ((v = parse_count(optarg)) < 0)
                return usage_error("demo", "--seed \"%s\" must be a whole number", optarg);
            d.seed = (uint64_t)v;
            break;
        case 'y':
            if ((v = parse_count(optarg)) < 1 || v > 5)
                return usage_error("demo", "--years \"%s\" must be 1 to 5", optarg);
            d.years = (int)v;
            break;
        case 'o': out_dir = optarg; break;
        case 'e': if_empty = 1; break;
        case 'h': usage_print(command_find("demo"), stdout); return EXIT_OK;
        default: return usage_error("demo", "%s", "unknown option");
        }
    }
    if (optind != argc) return usage_error("demo", "unexpected argument \"%s\"", argv[optind]);
    cairn_err err = {0};
    if (out_dir) {
        if (mkdir(out_dir, 0777) < 0 && errno != EEXIST) {
            fprintf(stderr, "cairn demo: cannot create %s: %s\n", out_dir, strerror(errno));
            return EXIT_FAIL;
        }
        if (school_demo_write(&d, out_dir, &err) < 0) {
            fprintf(stderr, "cairn demo: %s\n", err.msg);
            return EXIT_FAIL;
        }
        printf("demo school written to %s\n", out_dir);
        return EXIT_OK;
    }
    store *st = db_open_current(db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn demo: %s\n", err.msg);
        return EXIT_FAIL;
    }
    if (if_empty) {
        int64_t n = 0;
        if (store_query_int64(st, "SELECT count(*) FROM institution", -1, &n, &err) == 0 && n > 0) {
            printf("%s already holds a school; leaving it as it is\n", store_url(st));
            store_close(st);
            return EXIT_OK;
        }
    }
    import_report rep;
    int rc = school_demo_load(st, &d, &rep, &err);
    if (rc < 0) {
        fprintf(stderr, "cairn demo: %s\n", err.msg);
        store_close(st);
        return EXIT_FAIL;
    }
    printf("demo school created in %s: %ld rows\n", store_url(st), rep.rows_written);
    import_report_free(&rep);
    store_close(st);
    return EXIT_OK;
}

/* ---- serve ----------------------------------------------------------------- */

static int cmd_serve(int argc, char **argv) {
    static const struct option opts[] = {LONGOPT_DB, LONGOPT_HELP,
        {"listen", required_argument, 0, 'l'}, {"threads", required_argument, 0, 't'},
        LONGOPT_END};
    web_config cfg = {"127.0.0.1:8080", NULL, 0};
    const char *db = NULL;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'l') cfg.listen = optarg;
        else if (c == 't') {
            if ((v = parse_count(optarg)) < 1 || v > 256)
                return usage_error("serve", "--threads \"%s\" must be 1 to 256", optarg);
            cfg.threads = (int)v;
        }
        else if (c == 'h') { usage_print(command_find("serve"), stdout); return EXIT_OK; }
        else return usage_error("serve", "%s", "unknown option");
    }
    if (optind != argc) return usage_error("serve", "unexpected argument \"%s\"", argv[optind]);
    cfg.db_url = db_url(db);
    cairn_err err = {0};
    store *st = db_open_current(cfg.db_url, &err);   /* migrate once, before threads */
    if (!st) {
        fprintf(stderr, "cairn serve: %s\n", err.msg);
        return EXIT_FAIL;
    }
    store_close(st);
    if (web_serve(&cfg, &err) < 0) {
        fprintf(stderr, "cairn serve: %s\n", err.msg);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static const command commands[] = {
    {"init", "create or upgrade the database",
     "cairn init [--db URL]", cmd_init},
    {"import", "import school data from CSV files or a OneRoster bundle",
     "cairn import [--db URL] [--institution CODE] [--skip-bad FILE] KIND FILE...\n"
     "  KIND: institutions sites terms programmes groups learners staff guardians\n"
     "        group_staff enrolments attendance results behaviour engagement,\n"
     "        or oneroster DIR (a OneRoster 1.1/1.2 CSV bundle)\n"
     "  All files are one transaction: if any row is bad nothing is written and\n"
     "  every bad row is listed as file:line:column: what is wrong.  With\n"
     "  --skip-bad FILE the good rows are imported and the bad ones written to FILE.\n"
     "  Formats: docs/import.md.  Exit status 0 ok, 1 nothing imported, 3 bad rows skipped.",
     cmd_import},
    {"export", "write school data out in the import format",
     "cairn export [--db URL] [--institution CODE] [-o FILE] KIND", cmd_export},
    {"demo", "create a realistic demo school",
     "cairn demo [--db URL] [--learners N] [--seed S] [--years Y] [--if-empty] [--out DIR]\n"
     "  --out DIR writes the import files instead of loading them", cmd_demo},
    {"serve", "serve the web application",
     "cairn serve [--db URL] [--listen ADDR:PORT] [--threads N]   (default 127.0.0.1:8080)",
     cmd_serve},
    {"help", "list the commands, or show one command's usage",
     "cairn help [COMMAND]", cmd_help},
    {NULL, NULL, NULL, NULL},
};

/* ---- help ------------------------------------------------------------------ */

/* List the commands, or one command's usage. */
static int cmd_help(int argc, char **argv) {
    if (argc > 1) {
        const command *c = command_find(argv[1]);
        if (!c) return usage_error("help", "no command \"%s\"", argv[1]);
        usage_print(c, stdout);
        return EXIT_OK;
    }
    printf("cairn %s — see early, support together, keep learners.\n\n"
           "usage: cairn COMMAND [OPTIONS]   (cairn COMMAND --help for details)\n\n",
           CAIRN_VERSION);
    for (const command *c = commands; c->name; c++) printf("  %-8s %s\n", c->name, c->summary);
    printf("\nThe database is --db URL, else $CAIRN_DB, else %s; a postgresql:// URL "
           "selects PostgreSQL.\n", STORE_DEFAULT_URL);
    return EXIT_OK;
}

static const command *command_find(const char *name) {
    for (const command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        cmd_help(1, argv);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("cairn %s\n", CAIRN_VERSION);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) return cmd_help(1, argv);
    const command *c = command_find(argv[1]);
    if (!c) {
        fprintf(stderr, "cairn: unknown command \"%s\"; try cairn help\n", argv[1]);
        return EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
