/*
** cli/cmd_train.c — `cairn train`: learn a risk model from the school's own history.
*/
#include "cli/cli.h"
#include "risk/risk.h"
#include "risk/train.h"
#include "school/school.h"

static int cmd_train(int argc, char **argv);

const cli_command cli_cmd_train = {
    "train", "learn a risk model from the school's own history",
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
    cmd_train,
};

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

/* `cairn train`: parse the options (see the usage above) and run it. */
static int cmd_train(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"horizons", required_argument, 0, 'H'},
        {"allow-attribute", required_argument, 0, 'a'}, {"by", required_argument, 0, 'b'},
        {"card", no_argument, 0, 'c'}, CLI_OPT_END};
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
            int bad = cli_train_option(&cli_cmd_train, c, optarg, &cfg, horizons, allow);
            if (bad) return bad;
            break;
        }
        case 'b': cfg.by = optarg; break;
        case 'c': card = 1; break;
        case 'h': cli_usage_print(&cli_cmd_train, stdout); return CLI_EXIT_OK;
        default: return cli_usage_error(&cli_cmd_train, "%s", "unknown option");
        }
    }
    if (optind != argc) return cli_usage_error(&cli_cmd_train,
                                               "unexpected argument \"%s\"", argv[optind]);
    cairn_err err = {0};
    if (risk_train_config_check(&cfg, &err) < 0) return cli_usage_error(&cli_cmd_train,
                                                                        "%s", err.msg);
    store *st = cli_db_open(cli_db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn train: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    int64_t inst;
    risk_train_result res;
    if (school_institution_resolve(st, inst_code, &inst, &err) < 0 ||
        risk_train_run(st, inst, &cfg, &res, &err) < 0) {
        fprintf(stderr, "cairn train: %s\nno model was stored\n", err.msg);
        store_close(st);
        return CLI_EXIT_FAIL;
    }
    if (card) printf("%s\n", res.card);
    else train_print(&res, &cfg);
    risk_train_result_free(&res);
    store_close(st);
    return CLI_EXIT_OK;
}
