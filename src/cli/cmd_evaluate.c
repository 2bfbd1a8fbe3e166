/*
** cli/cmd_evaluate.c — `cairn evaluate`: how often the rules and the model are right.
*/
#include "cli/cli.h"
#include "base/buf.h"
#include "base/mem.h"
#include "risk/evaluate.h"
#include "risk/risk.h"
#include "risk/tabular.h"
#include "risk/train.h"
#include "school/school.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmd_evaluate(int argc, char **argv);

const cli_command cli_cmd_evaluate = {
    "evaluate", "how often the rules and the model are right (docs/risk.md)",
    "cairn evaluate [--db URL] [--institution CODE] [--horizons 4,8,16]\n"
    "               [--allow-attribute NAME]... [--folds K] [--gap-tolerance 0.10] [--json]\n"
    "cairn evaluate --table FILE [--columns DESC] [--target COLUMN --positive VALUE]\n"
    "               [--without PREFIX]... [--categorical NAME]... [--folds 5] [--seed S]\n"
    "               [--calibration platt|isotonic|none]\n"
    "  On the school's history: ROC AUC, PR AUC, precision and recall at the top 5/10/20 %\n"
    "  and at the tiers, Brier, calibration, warning time and fairness by group, for the\n"
    "  rules and for the model.  Time-aware (learn from earlier years, judge the latest)\n"
    "  unless --folds K asks for k-fold cross-validation grouped by learner.\n"
    "  --table: the model on a table of learners with an outcome column (k-fold, default\n"
    "  5); --without leaves out every column whose name starts with PREFIX; --categorical\n"
    "  NAME says a column holds category codes (a course, a nationality), not amounts.\n"
    "  The table's description file (--columns DESC, else FILE.columns when it exists)\n"
    "  can say the same, one line per column: NAME<TAB>categorical|numeric|ignore, or\n"
    "  NAME<TAB>target<TAB>POSITIVE VALUE.  See docs/risk.md.",
    cmd_evaluate,
};

/* What the command line says about a table to evaluate. */
typedef struct table_args {
    const char *path;               /* --table */
    const char *columns;            /* --columns, NULL = path.columns when it exists */
    const char *target, *positive;  /* NULL = the description's */
    const char *calib;              /* NULL = platt */
    const char *const *without;     /* --without prefixes, NULL-terminated */
    const char *const *categorical; /* --categorical names, NULL-terminated */
    int folds;
    uint64_t seed;
} table_args;

/* Count a NULL-terminated array. */
static size_t names_count(const char *const *v) {
    size_t n = 0;
    while (v && v[n]) n++;
    return n;
}

/* Read the table's description into *d: a's --columns, else path.columns
** when there is one (else *d stays empty, nothing read).  Sets *used to the
** file read (xmalloc'd, caller frees; NULL when none).  0, or -1 with err. */
static int table_columns_load(const table_args *a, risk_table_columns *d, char **used,
                              cairn_err *err) {
    memset(d, 0, sizeof *d);
    *used = NULL;
    buf beside = BUF_INIT;
    buf_printf(&beside, "%s.columns", a->path);
    const char *path = a->columns ? a->columns
                     : access(buf_cstr(&beside), F_OK) == 0 ? buf_cstr(&beside) : NULL;
    int rc = path ? risk_table_columns_read(path, d, err) : 0;
    if (path && rc == 0) *used = xstrndup(path, strlen(path));
    buf_free(&beside);
    return rc;
}

/* `cairn evaluate --table FILE ...`: the model on a table without events.
** The description file's lists and the command line's are joined; an
** outcome named on the command line replaces the file's, whose column is
** then left out (an outcome is never an input). */
static int evaluate_table(const table_args *a) {
    risk_table_columns d;
    char *used;
    cairn_err err = {0};
    if (table_columns_load(a, &d, &used, &err) < 0) {
        fprintf(stderr, "cairn evaluate: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    risk_table_opts to = {0};
    to.target = a->target ? a->target : d.target;
    to.positive = a->positive ? a->positive : d.positive;
    if (!to.target || !to.positive) {
        risk_table_columns_free(&d);
        free(used);
        return cli_usage_error(&cli_cmd_evaluate, "--table FILE needs --target COLUMN and "
                               "--positive VALUE, or a line NAME<TAB>target<TAB>VALUE in its "
                               "description (%s.columns or --columns DESC)", a->path);
    }
    size_t ncat = names_count((const char *const *)d.categorical),
           nign = names_count((const char *const *)d.ignore);
    const char **cat = xcalloc(ncat + names_count(a->categorical) + 1, sizeof *cat);
    const char **drop = xcalloc(nign + 2, sizeof *drop);
    for (size_t i = 0; i < ncat; i++) cat[i] = d.categorical[i];   /* d's lists may be NULL */
    for (size_t i = 0; a->categorical[i]; i++) cat[ncat + i] = a->categorical[i];
    for (size_t i = 0; i < nign; i++) drop[i] = d.ignore[i];
    if (d.target && strcmp(d.target, to.target)) drop[nign] = d.target;
    to.categorical = cat[0] ? cat : NULL;
    to.drop = drop[0] ? drop : NULL;
    to.numeric = (const char *const *)d.numeric;

    char name[512];
    if (!a->without[0]) snprintf(name, sizeof name, "all columns");
    else {
        size_t len = (size_t)snprintf(name, sizeof name, "without");
        for (size_t i = 0; a->without[i] && len < sizeof name; i++)
            len += (size_t)snprintf(name + len, sizeof name - len, "%s \"%s\"", i ? "," : "",
                                    a->without[i]);
    }
    risk_table_colset set = {name, a->without};
    risk_cv_opts cv = {0};
    cv.folds = a->folds;
    cv.seed = a->seed;
    /* Platt by default: on tables like UCI's, isotonic steps cost a little
    ** Brier score and ranking, Platt changes neither (see docs/risk.md). */
    cv.calib = !a->calib || !strcmp(a->calib, "platt") ? RISK_CALIB_PLATT
             : !strcmp(a->calib, "isotonic")           ? RISK_CALIB_ISOTONIC
                                                       : RISK_CALIB_NONE;
    risk_train_opts o;
    risk_table_train_defaults(&o);
    o.nthread = 1;   /* a few thousand rows: one thread, which never waits on another */
    risk_table_result res;
    buf out = BUF_INIT;
    int rc = risk_table_evaluate(a->path, &to, &set, 1, &cv, &o, &res, &out, &err);
    if (rc < 0) {
        fprintf(stderr, "cairn evaluate: %s\n", err.msg);
    } else {
        if (used) printf("columns described by %s\n\n", used);
        fputs(buf_cstr(&out), stdout);
        printf("\nROC AUC (%s, %d-fold): %.4f\n", name, a->folds, res.roc_auc);
    }
    buf_free(&out);
    free(cat);
    free(drop);
    free(used);
    risk_table_columns_free(&d);
    return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* `cairn evaluate`: parse the options (see the usage above) and run it. */
static int cmd_evaluate(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"horizons", required_argument, 0, 'H'},
        {"allow-attribute", required_argument, 0, 'a'}, {"folds", required_argument, 0, 'k'},
        {"gap-tolerance", required_argument, 0, 'g'}, {"json", no_argument, 0, 'j'},
        {"table", required_argument, 0, 'T'}, {"target", required_argument, 0, 't'},
        {"positive", required_argument, 0, 'p'}, {"without", required_argument, 0, 'w'},
        {"seed", required_argument, 0, 's'}, {"calibration", required_argument, 0, 'C'},
        {"categorical", required_argument, 0, 'K'}, {"columns", required_argument, 0, 'L'},
        CLI_OPT_END};
    enum { MAX_WITHOUT = 32, MAX_CATEGORICAL = 64 };
    const char *db = NULL, *inst_code = NULL, *table = NULL, *target = NULL, *positive = NULL;
    const char *calib = NULL, *columns = NULL;
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
            int bad = cli_train_option(&cli_cmd_evaluate, c, optarg, &cfg, horizons, allow);
            if (bad) return bad;
            break;
        }
        case 'k':
            if ((v = cli_parse_count(optarg)) < 2 || v > 20)
                return cli_usage_error(&cli_cmd_evaluate, "--folds \"%s\" must be 2 to 20", optarg);
            folds = (int)v;
            break;
        case 'g': {
            char *end;
            double g = strtod(optarg, &end);
            if (*end || end == optarg || !(g > 0 && g < 1))
                return cli_usage_error(&cli_cmd_evaluate,
                                       "--gap-tolerance \"%s\" must be a share above 0 "
                                   "and below 1 (0.10 = 10 points)", optarg);
            eo.gap_tolerance = g;
            break;
        }
        case 'j': json = 1; break;
        case 'T': table = optarg; break;
        case 'L': columns = optarg; break;
        case 't': target = optarg; break;
        case 'p': positive = optarg; break;
        case 'w':
            if (nwithout == MAX_WITHOUT)
                return cli_usage_error(&cli_cmd_evaluate,
                                       "at most %d --without prefixes", MAX_WITHOUT);
            without[nwithout++] = optarg;
            break;
        case 'K':
            if (ncategorical == MAX_CATEGORICAL)
                return cli_usage_error(&cli_cmd_evaluate,
                                       "at most %d --categorical columns", MAX_CATEGORICAL);
            categorical[ncategorical++] = optarg;
            break;
        case 's':
            if ((v = cli_parse_count(optarg)) < 0)
                return cli_usage_error(&cli_cmd_evaluate,
                                       "--seed \"%s\" must be a whole number", optarg);
            seed = (uint64_t)v;
            break;
        case 'C':
            if (strcmp(optarg, "isotonic") && strcmp(optarg, "platt") && strcmp(optarg, "none"))
                return cli_usage_error(&cli_cmd_evaluate,
                                       "--calibration \"%s\": use isotonic, platt or "
                                   "none", optarg);
            calib = optarg;
            break;
        case 'h': cli_usage_print(&cli_cmd_evaluate, stdout); return CLI_EXIT_OK;
        default: return cli_usage_error(&cli_cmd_evaluate, "%s", "unknown option");
        }
    }
    if (optind != argc) return cli_usage_error(&cli_cmd_evaluate,
                                               "unexpected argument \"%s\"", argv[optind]);
    if (table) {
        if (cfg.nallow || cfg.horizons || db || inst_code || json || eo.gap_tolerance)
            return cli_usage_error(&cli_cmd_evaluate, "%s", "--table evaluates a file: --db, "
                                   "--institution, --horizons, --allow-attribute, "
                                   "--gap-tolerance and --json do not apply");
        table_args ta = {table, columns, target, positive, calib, without, categorical,
                         folds ? folds : 5, seed};
        return evaluate_table(&ta);
    }
    if (target || positive || nwithout || ncategorical || calib || columns)
        return cli_usage_error(&cli_cmd_evaluate, "%s", "--target, --positive, --without, "
                               "--categorical, --columns and --calibration go with --table FILE");
    eo.folds = folds;
    eo.lead_time = 1;
    cairn_err err = {0};
    if (risk_train_config_check(&cfg, &err) < 0) return cli_usage_error(&cli_cmd_evaluate,
                                                                        "%s", err.msg);
    store *st = cli_db_open(cli_db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn evaluate: %s\n", err.msg);
        return CLI_EXIT_FAIL;
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
        risk_cols_for(&cols, ts.rows, ts.n);
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
    return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
