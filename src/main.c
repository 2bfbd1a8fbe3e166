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
#include "base/buf.h"
#include "base/date.h"
#include "base/err.h"
#include "base/mem.h"
#include "risk/evaluate.h"
#include "risk/risk.h"
#include "risk/tabular.h"
#include "risk/train.h"
#include "school/school.h"
#include "store/store.h"
#include "web/auth.h"
#include "web/server.h"
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

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
    if (school_migrate(st, NULL, err) < 0 || risk_migrate(st, NULL, err) < 0 ||
        web_migrate(st, NULL, err) < 0) {
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
        {"sum", no_argument, 0, 'S'}, LONGOPT_END};
    const char *db = NULL;
    import_opts io = {0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') io.institution = optarg;
        else if (c == 's') io.skip_bad_path = optarg;
        else if (c == 'S') io.sum = 1;
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
        {"behind-proxy", no_argument, 0, 'P'}, LONGOPT_END};
    web_config cfg = {"127.0.0.1:8080", NULL, 0, 0};
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
        else if (c == 'P') cfg.behind_proxy = 1;
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

/* ---- score ----------------------------------------------------------------- */

/* Print a score run for a person: counts per tier, flags, and the learners
** to look at first with their reasons. */
static void score_print(const risk_score_summary *s) {
    char d[DATE_TEXT_LEN];
    date_format(s->asof, d);
    printf("Scores as of %s — rule set version %d, ", d, s->rule_set_version);
    if (s->model_version) printf("learned model version %d\n", s->model_version);
    else printf("rules only (no learned model is active)\n");
    printf("%zu learners scored: %zu rows written, %zu already stored unchanged",
           s->learners, s->written, s->unchanged);
    if (s->removed) printf(", %zu removed (no longer active on that day)", s->removed);
    printf("\n\n");
    static const char *const label[RISK_TIER_COUNT] = {
        "universal  (tier 0, everyone)", "selective  (tier 1)", "individual (tier 2)"};
    for (int t = RISK_TIER_COUNT - 1; t >= 0; t--)
        printf("  %-30s %6zu\n", label[t], s->tier_count[t]);
    printf("\n%zu learners have at least one flag:\n", s->flagged);
    for (int r = 0; r < RISK_RULE_COUNT; r++)
        printf("  %-30s %6zu\n", risk_rule_info_of((risk_rule_id)r)->title, s->flag_count[r]);
    printf("\nFlags are signs for a person to look at, never a decision; each says why.\n");
    if (!s->ntop) return;
    printf("\nLearners to look at first:\n");
    for (size_t i = 0; i < s->ntop; i++) {
        const risk_score_top *t = &s->top[i];
        printf("\n%2zu. %s  %s — %s", i + 1, t->ref, t->name, risk_tier_name(t->tier));
        if (!isnan(t->probability)) printf(", estimated chance of leaving %.0f %%",
                                                     100 * t->probability);
        printf(", %zu flag%s\n", t->nflags, t->nflags == 1 ? "" : "s");
        for (size_t k = 0; k < t->nflags; k++) printf("      - %s\n", t->flags[k].reason);
    }
}

/* ---- rules -------------------------------------------------------------------- */

/* Read all of path into b; 0 or -1 with err set. */
static int file_slurp(const char *path, buf *b, cairn_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(err, CAIRN_EIO, "cannot read %s: %s", path, strerror(errno));
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) return err_set(err, CAIRN_EIO, "cannot read %s", path);
    return 0;
}

/* `cairn rules`: show the early-warning thresholds, or store a new version. */
static int cmd_rules(int argc, char **argv) {
    static const struct option opts[] = {LONGOPT_DB, LONGOPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"file", required_argument, 0, 'f'},
        {"by", required_argument, 0, 'b'}, LONGOPT_END};
    const char *db = NULL, *inst_code = NULL, *file = NULL, *by = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'i') inst_code = optarg;
        else if (c == 'f') file = optarg;
        else if (c == 'b') by = optarg;
        else if (c == 'h') { usage_print(command_find("rules"), stdout); return EXIT_OK; }
        else return usage_error("rules", "%s", "unknown option");
    }
    const char *verb = optind < argc ? argv[optind] : "show";
    int set = !strcmp(verb, "set");
    if (!set && strcmp(verb, "show"))
        return usage_error("rules", "unknown action \"%s\": use show or set", verb);
    const char *json = set && optind + 1 < argc ? argv[optind + 1] : NULL;
    if (set && !json == !file)
        return usage_error("rules", "%s", "set needs the changes as one JSON argument or --file F");
    if (optind + (set ? (json ? 2 : 1) : (optind < argc)) != argc)
        return usage_error("rules", "%s", "too many arguments");
    cairn_err err = {0};
    buf text = BUF_INIT, out = BUF_INIT;
    if (file && file_slurp(file, &text, &err) < 0) {
        fprintf(stderr, "cairn rules: %s\n", err.msg);
        return EXIT_FAIL;
    }
    store *st = db_open_current(db_url(db), &err);
    int64_t inst = 0;
    int rc = st ? school_institution_resolve(st, inst_code, &inst, &err) : -1;
    if (rc == 0 && set) {
        const char *who = by ? by : getenv("USER");
        rc = risk_rules_set(st, inst, json ? json : buf_cstr(&text), who && *who ? who : "cairn",
                            &err);
    }
    risk_rules r;
    if (rc == 0) rc = risk_rules_load(st, inst, &r, &err);
    if (rc == 0) {
        risk_rules_json(&r, &out);
        printf("rule set version %d%s\n%s\n", r.version, set ? " (now in use)" : "",
               buf_cstr(&out));
    } else {
        fprintf(stderr, "cairn rules: %s\n%s", err.msg, set ? "nothing was changed\n" : "");
    }
    buf_free(&text);
    buf_free(&out);
    if (st) store_close(st);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int cmd_score(int argc, char **argv) {
    static const struct option opts[] = {LONGOPT_DB, LONGOPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"asof", required_argument, 0, 'a'},
        {"capacity", required_argument, 0, 'c'}, {"selective", required_argument, 0, 's'},
        {"top", required_argument, 0, 't'}, {"json", no_argument, 0, 'j'}, LONGOPT_END};
    const char *db = NULL, *inst_code = NULL;
    risk_score_opts o = {0};
    int32_t asof = date_today();
    int json = 0, c;
    long v;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'i': inst_code = optarg; break;
        case 'a':
            if (date_parse(optarg, strlen(optarg), &asof) < 0)
                return usage_error("score", "--asof \"%s\" is not a date written YYYY-MM-DD",
                                   optarg);
            break;
        case 'c':
            if ((v = parse_count(optarg)) < 1 || v > 10000000)
                return usage_error("score", "--capacity \"%s\" must be a number of learners, 1 "
                                   "or more", optarg);
            o.tiers.capacity = v;
            break;
        case 's':
            if ((v = parse_count(optarg)) < 1 || v > 10000000)
                return usage_error("score", "--selective \"%s\" must be a number of learners, 1 "
                                   "or more", optarg);
            o.tiers.capacity_selective = v;
            break;
        case 't':
            if ((v = parse_count(optarg)) < 1 || v > 1000)
                return usage_error("score", "--top \"%s\" must be 1 to 1000", optarg);
            o.top = (size_t)v;
            break;
        case 'j': json = 1; break;
        case 'h': usage_print(command_find("score"), stdout); return EXIT_OK;
        default: return usage_error("score", "%s", "unknown option");
        }
    }
    if (optind != argc) return usage_error("score", "unexpected argument \"%s\"", argv[optind]);
    if (o.tiers.capacity_selective && !o.tiers.capacity)
        return usage_error("score", "%s", "--selective M needs --capacity N");
    cairn_err err = {0};
    store *st = db_open_current(db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn score: %s\n", err.msg);
        return EXIT_FAIL;
    }
    int64_t inst;
    risk_score_summary sum;
    /* The learned model plugs in through o.predict (NULL = risk_predict_active,
    ** the institution's active model; rules only until one is trained). */
    if (school_institution_resolve(st, inst_code, &inst, &err) < 0 ||
        risk_score_run(st, inst, asof, &o, &sum, &err) < 0) {
        fprintf(stderr, "cairn score: %s\nno scores were written\n", err.msg);
        store_close(st);
        return EXIT_FAIL;
    }
    if (json) {
        buf b = BUF_INIT;
        risk_score_summary_json(&sum, &b);
        printf("%s\n", buf_cstr(&b));
        buf_free(&b);
    } else {
        score_print(&sum);
    }
    risk_score_summary_free(&sum);
    store_close(st);
    return EXIT_OK;
}

/* ---- train and evaluate ------------------------------------------------------ */

/* Parse "4,8,16" into h (room for max); returns how many, or -1 when an
** entry is not a whole number from 1 to RISK_HORIZON_WEEKS_MAX. */
static int horizons_parse(const char *s, int *h, int max) {
    int n = 0;
    const char *p = s;
    for (;;) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (errno || end == p || v < 1 || v > RISK_HORIZON_WEEKS_MAX || n == max) return -1;
        h[n++] = (int)v;
        if (*end == 0) return n;
        if (*end != ',') return -1;
        p = end + 1;
    }
}

/* The options train and evaluate share: --horizons (c == 'H') into horizons
** (room for RISK_HORIZONS_MAX) and --allow-attribute (c == 'a') into allow
** (room for RISK_ATTR_COUNT), both recorded in cfg.  Returns EXIT_OK, or
** EXIT_USAGE after saying what is wrong for the command cmd. */
static int train_option(const char *cmd, int c, const char *arg, risk_train_config *cfg,
                        int *horizons, const char **allow) {
    if (c == 'H') {
        int n = horizons_parse(arg, horizons, RISK_HORIZONS_MAX);
        if (n < 0)
            return usage_error(cmd, "--horizons \"%s\": give 1 to %d whole numbers of weeks "
                               "from 1 to %d, separated by commas (e.g. 4,8,16)",
                               arg, RISK_HORIZONS_MAX, RISK_HORIZON_WEEKS_MAX);
        cfg->horizons = horizons;
        cfg->nhorizons = (size_t)n;
    } else {
        if (risk_attr_find(arg) < 0)
            return usage_error(cmd, "unknown attribute \"%s\" for --allow-attribute: use "
                               "gender, migrant_background, special_needs or first_language",
                               arg);
        if (cfg->nallow < RISK_ATTR_COUNT) allow[cfg->nallow++] = arg;
    }
    return EXIT_OK;
}

/* Print what training did, for a person. */
static void train_print(const risk_train_result *r, const risk_train_config *c) {
    printf("model version %d trained and made active\n", r->version);
    printf("  learned from %zu rows: %zu enrolments, %zu of them left early (%zu rows)\n",
           r->rows, r->enrolments, r->leavers, r->positives);
    printf("  horizons:");
    static const int dflt[] = RISK_HORIZONS_DEFAULT;
    const int *h = c->horizons ? c->horizons : dflt;
    size_t nh = c->horizons ? c->nhorizons : sizeof dflt / sizeof *dflt;
    for (size_t i = 0; i < nh; i++) printf("%s %d", i ? "," : "", h[i]);
    printf(" weeks into each term (one model for all)\n");
    printf("  fairness attributes used as inputs: ");
    if (!c->nallow) printf("none");
    for (size_t i = 0; i < c->nallow; i++) printf("%s%s", i ? ", " : "", c->allow[i]);
    printf("\n  calibration: %s, on out-of-fold predictions\n",
           r->calib == RISK_CALIB_ISOTONIC ? "isotonic" : "Platt");
    printf("  evaluation (%s):\n", r->evaluation);
    printf("    ROC AUC %.3f, PR AUC %.3f, Brier %.3f\n", r->roc_auc, r->pr_auc, r->brier);
    printf("  The model card (data, features, parameters, metrics, fairness table) is stored\n"
           "  with the model; print it with --card.  `cairn score` now uses this model.\n");
}

static int cmd_train(int argc, char **argv) {
    static const struct option opts[] = {LONGOPT_DB, LONGOPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"horizons", required_argument, 0, 'H'},
        {"allow-attribute", required_argument, 0, 'a'}, {"by", required_argument, 0, 'b'},
        {"card", no_argument, 0, 'c'}, LONGOPT_END};
    const char *db = NULL, *inst_code = NULL;
    const char *allow[RISK_ATTR_COUNT];
    int horizons[RISK_HORIZONS_MAX], card = 0, c;
    risk_train_config cfg = {0};
    cfg.allow = allow;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'i': inst_code = optarg; break;
        case 'H':
        case 'a': {
            int bad = train_option("train", c, optarg, &cfg, horizons, allow);
            if (bad) return bad;
            break;
        }
        case 'b': cfg.by = optarg; break;
        case 'c': card = 1; break;
        case 'h': usage_print(command_find("train"), stdout); return EXIT_OK;
        default: return usage_error("train", "%s", "unknown option");
        }
    }
    if (optind != argc) return usage_error("train", "unexpected argument \"%s\"", argv[optind]);
    cairn_err err = {0};
    if (risk_train_config_check(&cfg, &err) < 0) return usage_error("train", "%s", err.msg);
    store *st = db_open_current(db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn train: %s\n", err.msg);
        return EXIT_FAIL;
    }
    int64_t inst;
    risk_train_result res;
    if (school_institution_resolve(st, inst_code, &inst, &err) < 0 ||
        risk_train_run(st, inst, &cfg, &res, &err) < 0) {
        fprintf(stderr, "cairn train: %s\nno model was stored\n", err.msg);
        store_close(st);
        return EXIT_FAIL;
    }
    if (card) printf("%s\n", res.card);
    else train_print(&res, &cfg);
    risk_train_result_free(&res);
    store_close(st);
    return EXIT_OK;
}

/* `cairn evaluate --table FILE ...`: the model on a table without events. */
static int evaluate_table(const char *path, const char *target, const char *positive,
                          const char *const *without, const char *const *categorical,
                          int folds, uint64_t seed, const char *calib) {
    risk_table_opts to = {0};
    to.target = target;
    to.positive = positive;
    /* "@uci-dropout" names the code columns of the UCI data set at once. */
    if (categorical[0] && !strcmp(categorical[0], "@uci-dropout"))
        to.categorical = risk_table_uci_categorical;
    else if (categorical[0])
        to.categorical = categorical;
    char name[512];
    if (!without[0]) snprintf(name, sizeof name, "all columns");
    else {
        size_t len = (size_t)snprintf(name, sizeof name, "without");
        for (size_t i = 0; without[i] && len < sizeof name; i++)
            len += (size_t)snprintf(name + len, sizeof name - len, "%s \"%s\"", i ? "," : "",
                                    without[i]);
    }
    risk_table_colset set = {name, without};
    risk_cv_opts cv = {0};
    cv.folds = folds;
    cv.seed = seed;
    /* Platt by default: on tables like UCI's, isotonic steps cost a little
    ** Brier score and ranking, Platt changes neither (see docs/risk.md). */
    cv.calib = !calib || !strcmp(calib, "platt") ? RISK_CALIB_PLATT
             : !strcmp(calib, "isotonic")        ? RISK_CALIB_ISOTONIC
                                                 : RISK_CALIB_NONE;
    risk_train_opts o;
    risk_table_train_defaults(&o);
    o.nthread = 1;   /* a few thousand rows: one thread, which never waits on another */
    risk_table_result res;
    buf out = BUF_INIT;
    cairn_err err = {0};
    if (risk_table_evaluate(path, &to, &set, 1, &cv, &o, &res, &out, &err) < 0) {
        fprintf(stderr, "cairn evaluate: %s\n", err.msg);
        buf_free(&out);
        return EXIT_FAIL;
    }
    fputs(buf_cstr(&out), stdout);
    printf("\nROC AUC (%s, %d-fold): %.4f\n", name, folds, res.roc_auc);
    buf_free(&out);
    return EXIT_OK;
}

static int cmd_evaluate(int argc, char **argv) {
    static const struct option opts[] = {LONGOPT_DB, LONGOPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"horizons", required_argument, 0, 'H'},
        {"allow-attribute", required_argument, 0, 'a'}, {"folds", required_argument, 0, 'k'},
        {"gap-tolerance", required_argument, 0, 'g'}, {"json", no_argument, 0, 'j'},
        {"table", required_argument, 0, 'T'}, {"target", required_argument, 0, 't'},
        {"positive", required_argument, 0, 'p'}, {"without", required_argument, 0, 'w'},
        {"seed", required_argument, 0, 's'}, {"calibration", required_argument, 0, 'C'},
        {"categorical", required_argument, 0, 'K'}, LONGOPT_END};
    enum { MAX_WITHOUT = 32, MAX_CATEGORICAL = 64 };
    const char *db = NULL, *inst_code = NULL, *table = NULL, *target = NULL, *positive = NULL;
    const char *calib = NULL;
    const char *without[MAX_WITHOUT + 1] = {0};
    const char *categorical[MAX_CATEGORICAL + 1] = {0};
    const char *allow[RISK_ATTR_COUNT];
    int horizons[RISK_HORIZONS_MAX], json = 0, c, nwithout = 0, ncategorical = 0, folds = 0;
    long v;
    uint64_t seed = 42;
    risk_train_config cfg = {0};
    cfg.allow = allow;
    risk_eval_opts eo = {0};
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'i': inst_code = optarg; break;
        case 'H':
        case 'a': {
            int bad = train_option("evaluate", c, optarg, &cfg, horizons, allow);
            if (bad) return bad;
            break;
        }
        case 'k':
            if ((v = parse_count(optarg)) < 2 || v > 20)
                return usage_error("evaluate", "--folds \"%s\" must be 2 to 20", optarg);
            folds = (int)v;
            break;
        case 'g': {
            char *end;
            double g = strtod(optarg, &end);
            if (*end || end == optarg || !(g > 0 && g < 1))
                return usage_error("evaluate", "--gap-tolerance \"%s\" must be a share above 0 "
                                   "and below 1 (0.10 = 10 points)", optarg);
            eo.gap_tolerance = g;
            break;
        }
        case 'j': json = 1; break;
        case 'T': table = optarg; break;
        case 't': target = optarg; break;
        case 'p': positive = optarg; break;
        case 'w':
            if (nwithout == MAX_WITHOUT)
                return usage_error("evaluate", "at most %d --without prefixes", MAX_WITHOUT);
            without[nwithout++] = optarg;
            break;
        case 'K':
            if (ncategorical == MAX_CATEGORICAL)
                return usage_error("evaluate", "at most %d --categorical columns", MAX_CATEGORICAL);
            categorical[ncategorical++] = optarg;
            break;
        case 's':
            if ((v = parse_count(optarg)) < 0)
                return usage_error("evaluate", "--seed \"%s\" must be a whole number", optarg);
            seed = (uint64_t)v;
            break;
        case 'C':
            if (strcmp(optarg, "isotonic") && strcmp(optarg, "platt") && strcmp(optarg, "none"))
                return usage_error("evaluate", "--calibration \"%s\": use isotonic, platt or "
                                   "none", optarg);
            calib = optarg;
            break;
        case 'h': usage_print(command_find("evaluate"), stdout); return EXIT_OK;
        default: return usage_error("evaluate", "%s", "unknown option");
        }
    }
    if (optind != argc) return usage_error("evaluate", "unexpected argument \"%s\"", argv[optind]);
    if (table) {
        if (!target || !positive)
            return usage_error("evaluate", "%s", "--table FILE needs --target COLUMN and "
                               "--positive VALUE");
        if (cfg.nallow || cfg.horizons || db || inst_code || json || eo.gap_tolerance)
            return usage_error("evaluate", "%s", "--table evaluates a file: --db, --institution, "
                               "--horizons, --allow-attribute, --gap-tolerance and --json do not "
                               "apply");
        return evaluate_table(table, target, positive, without, categorical,
                              folds ? folds : 5, seed, calib);
    }
    if (target || positive || nwithout || ncategorical || calib)
        return usage_error("evaluate", "%s", "--target, --positive, --without, --categorical "
                           "and --calibration go with --table FILE");
    eo.folds = folds;
    eo.lead_time = 1;
    cairn_err err = {0};
    if (risk_train_config_check(&cfg, &err) < 0) return usage_error("evaluate", "%s", err.msg);
    store *st = db_open_current(db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn evaluate: %s\n", err.msg);
        return EXIT_FAIL;
    }
    int64_t inst;
    risk_trainset ts = {0};
    risk_audit audit = {0};
    risk_eval *ev = xcalloc(1, sizeof *ev);
    int rc = school_institution_resolve(st, inst_code, &inst, &err);
    if (rc == 0) rc = risk_trainset_build(st, inst, cfg.horizons, cfg.nhorizons, &ts, &err);
    if (rc == 0) rc = risk_audit_load(st, inst, &audit, &err);
    if (rc == 0) {
        risk_cols cols;
        risk_cols_default(&cols);
        for (size_t i = 0; i < cfg.nallow; i++)
            risk_cols_add_attr(&cols, &audit, (risk_attr)risk_attr_find(cfg.allow[i]));
        int mono[RISK_COLS_MAX];
        risk_cols_monotone(&cols, mono);
        risk_train_opts o;
        risk_train_defaults(&o);
        o.monotone = mono;
        rc = risk_eval_school(st, inst, &ts, &cols, &audit, &o, &eo, ev, &err);
    }
    if (rc == 0) {
        buf b = BUF_INIT;
        if (json) rc = risk_eval_json(&b, ev, &err);
        else risk_eval_write(&b, ev);
        if (rc == 0) fputs(buf_cstr(&b), stdout);
        buf_free(&b);
    }
    if (rc < 0) fprintf(stderr, "cairn evaluate: %s\n", err.msg);
    free(ev);
    risk_audit_free(&audit);
    risk_trainset_free(&ts);
    store_close(st);
    return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

/* ---- user ------------------------------------------------------------------ */

/* Read a password into out (size bytes): the first line of standard input
** with from_stdin, else asked on the terminal with echo off (twice when
** confirm).  Returns EXIT_OK, or prints why not and returns the exit status. */
static int password_read(const char *cmd, int from_stdin, int confirm, const char *username,
                         char *out, size_t size) {
    if (from_stdin) {
        if (!fgets(out, (int)size, stdin)) {
            fprintf(stderr, "cairn user %s: no password on standard input\n", cmd);
            return EXIT_FAIL;
        }
        size_t n = strlen(out);
        if (n && out[n - 1] == '\n') out[--n] = 0;
        else if (!feof(stdin)) {
            fprintf(stderr, "cairn user %s: the password is longer than %d bytes\n", cmd,
                    AUTH_PASSWORD_MAX);
            return EXIT_FAIL;
        }
        if (n && out[n - 1] == '\r') out[--n] = 0;
        return EXIT_OK;
    }
    if (!isatty(STDIN_FILENO))
        return usage_error("user", "give the password on standard input with --password-stdin "
                           "(it is never taken from the command line)");
    struct termios old, quiet;
    if (tcgetattr(STDIN_FILENO, &old) != 0) {
        fprintf(stderr, "cairn user %s: cannot read the terminal: %s\n", cmd, strerror(errno));
        return EXIT_FAIL;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    char *again = xmalloc(size);
    int rc = EXIT_OK;
    for (int round = 0; round < (confirm ? 2 : 1) && rc == EXIT_OK; round++) {
        char *dst = round ? again : out;
        if (round) fputs("Repeat the password: ", stderr);
        else fprintf(stderr, "New password for %s: ", username);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        char *got = fgets(dst, (int)size, stdin);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
        if (!got) {
            fprintf(stderr, "cairn user %s: no password given\n", cmd);
            rc = EXIT_FAIL;
            break;
        }
        dst[strcspn(dst, "\r\n")] = 0;
    }
    if (rc == EXIT_OK && confirm && strcmp(out, again) != 0) {
        fprintf(stderr, "cairn user %s: the two passwords differ; nothing was changed\n", cmd);
        rc = EXIT_FAIL;
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
    static const struct option opts[] = {LONGOPT_DB, LONGOPT_HELP,
        {"role", required_argument, 0, 'r'}, {"institution", required_argument, 0, 'i'},
        {"staff", required_argument, 0, 's'}, {"name", required_argument, 0, 'n'},
        {"password-stdin", no_argument, 0, 'p'}, {"add", required_argument, 0, 'A'},
        {"remove", required_argument, 0, 'R'}, {"days", required_argument, 0, 'D'},
        LONGOPT_END};
    if (argc < 2) return usage_error("user", "%s", "give what to do: add, passwd, role, "
                                     "disable, enable, list, demo-accounts or token");
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        usage_print(command_find("user"), stdout);
        return EXIT_OK;
    }
    static const char *const subs[] = {"add", "passwd", "role", "disable", "enable", "list",
                                       "demo-accounts", "token", NULL};
    int known = 0;
    for (int i = 0; subs[i]; i++) known |= strcmp(subs[i], sub) == 0;
    if (!known) return usage_error("user", "unknown action \"%s\"", sub);
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
                return usage_error("user", "unknown role \"%s\" (roles: %s)", optarg,
                                   access_role_codes());
            roles |= bit;
            break;
        }
        case 'D':
            if ((days = parse_count(optarg)) < 1 || days > 3650)
                return usage_error("user", "--days \"%s\" must be 1 to 3650", optarg);
            break;
        case 'h': usage_print(command_find("user"), stdout); return EXIT_OK;
        default: return usage_error("user", "%s", "unknown option");
        }
    }
    int no_name = !strcmp(sub, "list") || !strcmp(sub, "demo-accounts");
    if (no_name && optind != argc)
        return usage_error("user", "unexpected argument \"%s\"", argv[optind]);
    if (!no_name && argc - optind != 1)
        return usage_error("user", "give exactly one USERNAME to %s", sub);
    const char *username = no_name ? NULL : argv[optind];
    if (!strcmp(sub, "add") && !roles)
        return usage_error("user", "give the new account a role with --role ROLE (roles: %s)",
                           access_role_codes());
    if (!strcmp(sub, "role") && !!role_add == !!role_remove)
        return usage_error("user", "%s", "give one of --add ROLE or --remove ROLE");
    unsigned role_change = 0;
    if (!strcmp(sub, "role") &&
        !(role_change = access_role_parse(role_add ? role_add : role_remove)))
        return usage_error("user", "unknown role \"%s\" (roles: %s)",
                           role_add ? role_add : role_remove, access_role_codes());
    if (!strcmp(sub, "token") && !name)
        return usage_error("user", "%s", "give the token a name with --name NAME");

    char password[AUTH_PASSWORD_MAX + 2] = "";
    if (!strcmp(sub, "add") || !strcmp(sub, "passwd")) {
        int rc = password_read(sub, from_stdin, 1, username, password, sizeof password);
        if (rc != EXIT_OK) return rc;
    }
    cairn_err err = {0};
    store *st = db_open_current(db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn user %s: %s\n", sub, err.msg);
        return EXIT_FAIL;
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
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static const command commands[] = {
    {"init", "create or upgrade the database",
     "cairn init [--db URL]", cmd_init},
    {"import", "import school data from CSV files or a OneRoster bundle",
     "cairn import [--db URL] [--institution CODE] [--skip-bad FILE] [--sum] KIND FILE...\n"
     "  KIND: institutions sites terms programmes groups learners staff guardians\n"
     "        group_staff enrolments attendance results behaviour engagement,\n"
     "        or oneroster DIR (a OneRoster 1.1/1.2 CSV bundle)\n"
     "  All files are one transaction: if any row is bad nothing is written and\n"
     "  every bad row is listed as file:line:column: what is wrong.  With\n"
     "  --skip-bad FILE the good rows are imported and the bad ones written to FILE.\n"
     "  A key on several rows of one file is ambiguous: all its rows are bad.\n"
     "  --sum (engagement only) adds the values of a key's rows up instead.\n"
     "  Formats: docs/import.md.  Exit status 0 ok, 1 nothing imported, 3 bad rows skipped.",
     cmd_import},
    {"export", "write school data out in the import format",
     "cairn export [--db URL] [--institution CODE] [-o FILE] KIND", cmd_export},
    {"demo", "create a realistic demo school",
     "cairn demo [--db URL] [--learners N] [--seed S] [--years Y] [--if-empty] [--out DIR]\n"
     "  --out DIR writes the import files instead of loading them", cmd_demo},
    {"rules", "show or change the early-warning thresholds (versioned)",
     "cairn rules [--db URL] [--institution CODE] [show]\n"
     "cairn rules [--db URL] [--institution CODE] [--by NAME] set JSON | set --file F\n"
     "  JSON names only the rules to change, e.g. '{\"attendance_low\": 85}' or\n"
     "  '{\"missing_work\": {\"enabled\": false}}'.  Each change stores a new version;\n"
     "  scores record the version that produced them.  See docs/risk.md.",
     cmd_rules},
    {"score", "flag the learners who need a look, as of a day",
     "cairn score [--db URL] [--institution CODE] [--asof YYYY-MM-DD] [--capacity N]\n"
     "            [--selective M] [--top K] [--json]\n"
     "  Scores every learner active on the day (default today) with the school's rules\n"
     "  (and its learned model, when one is active), puts each in a support tier —\n"
     "  universal, selective, individual — and stores one row per learner for that\n"
     "  day; running a day again replaces it.  --capacity N: only the N learners who\n"
     "  need it most become individual (--selective M: the next M selective).  Prints\n"
     "  counts per tier and the top K learners (default 10) with their reasons.\n"
     "  A flag is a sign for a person to look at, never a decision.  See docs/risk.md.",
     cmd_score},
    {"train", "learn a risk model from the school's own history",
     "cairn train [--db URL] [--institution CODE] [--horizons 4,8,16]\n"
     "            [--allow-attribute NAME]... [--by NAME] [--card]\n"
     "  Learns from every finished school year: each learner's indicators 4, 8 and 16\n"
     "  weeks (--horizons) into each term, and whether they left early before the year\n"
     "  ended.\n"
     "  Stores the model as a new version with its model card and makes it active, so\n"
     "  `cairn score` gives calibrated probabilities with reasons.  Fairness attributes\n"
     "  (gender, migrant_background, special_needs, first_language) are never inputs\n"
     "  unless --allow-attribute names one.  --by: who trains (default the OS user);\n"
     "  --card prints the model card as JSON.  See docs/risk.md.",
     cmd_train},
    {"evaluate", "how often the rules and the model are right",
     "cairn evaluate [--db URL] [--institution CODE] [--horizons 4,8,16]\n"
     "               [--allow-attribute NAME]... [--folds K] [--gap-tolerance 0.10] [--json]\n"
     "cairn evaluate --table FILE --target COLUMN --positive VALUE [--without PREFIX]...\n"
     "               [--categorical NAME|@uci-dropout]... [--folds 5] [--seed S]\n"
     "               [--calibration platt|isotonic|none]\n"
     "  On the school's history: ROC AUC, PR AUC, precision and recall at the top 5/10/20 %\n"
     "  and at the tiers, Brier, calibration, warning time and fairness by group, for the\n"
     "  rules and for the model.  Time-aware (learn from earlier years, judge the latest)\n"
     "  unless --folds K asks for k-fold cross-validation grouped by learner.\n"
     "  --table: the model on a table of learners with an outcome column (k-fold, default\n"
     "  5); --without leaves out every column whose name starts with PREFIX.",
     cmd_evaluate},
    {"serve", "serve the web application",
     "cairn serve [--db URL] [--listen ADDR:PORT] [--threads N] [--behind-proxy]\n"
     "  Listens on 127.0.0.1:8080 by default.  --behind-proxy: a TLS reverse proxy is in\n"
     "  front; trust its X-Forwarded-Proto (https gives Secure __Host- cookies) and the\n"
     "  last address of X-Forwarded-For.  Never use it without such a proxy.",
     cmd_serve},
    {"user", "manage accounts: add, passwd, role, disable, list, demo-accounts",
     "cairn user add USERNAME --role ROLE [--role ROLE...] [--institution CODE]\n"
     "                [--staff REF] [--name NAME] [--password-stdin]\n"
     "       cairn user passwd USERNAME [--password-stdin]\n"
     "       cairn user role USERNAME (--add ROLE | --remove ROLE)\n"
     "       cairn user disable USERNAME     (or enable USERNAME)\n"
     "       cairn user list\n"
     "       cairn user demo-accounts [--institution CODE]\n"
     "       cairn user token USERNAME --name NAME [--days N]\n"
     "  All take [--db URL].  ROLE: administrator, school_leader, key_worker, teacher\n"
     "  (also team_member, learner, guardian, external_service, data_protection_officer,\n"
     "  for pages still to come).  --staff REF links the account to a staff member: that\n"
     "  link decides which learners a teacher or key worker sees.  The password is read\n"
     "  from standard input with --password-stdin (its first line), else asked twice on\n"
     "  the terminal; it is never taken from the command line.  passwd and disable end\n"
     "  the account's sessions.  demo-accounts creates admin, leader, keyworker and\n"
     "  teacher with public demo passwords.  token prints a new API token once.\n"
     "  Exit status 0 done, 1 failed (nothing changed), 2 wrong usage.",
     cmd_user},
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
