/*
** cli/cmd_score.c — `cairn score`: flag the learners who need a look, as of a day.
*/
#include "cli/cli.h"
#include "base/buf.h"
#include "base/date.h"
#include "risk/risk.h"
#include "risk/risk_level.h"
#include "school/school.h"
#include "support/notice.h"
#include <math.h>
#include <string.h>

static int cmd_score(int argc, char **argv);

const cli_command cli_cmd_score = {
    "score", "flag the learners who need a look, as of a day, with reasons and tiers",
    "cairn score [--db URL] [--institution CODE] [--asof YYYY-MM-DD] [--capacity N]\n"
    "            [--selective M] [--top K] [--json]\n"
    "  Scores every learner active on the day (default today) with the school's rules\n"
    "  (and its learned model, when one is active), puts each in a support tier —\n"
    "  universal, selective, individual — and stores one row per learner for that\n"
    "  day; running a day again replaces it.  --capacity N: only the N learners who\n"
    "  need it most become individual (--selective M: the next M selective).  Prints\n"
    "  counts per tier and the top K learners (default 10) with their reasons.\n"
    "  A flag is a sign for a person to look at, never a decision.  See docs/risk.md.",
    cmd_score,
};

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
        "low     universal  (tier 0, everyone)", "raised  selective  (tier 1)",
        "high    individual (tier 2)"};
    for (int t = RISK_TIER_COUNT - 1; t >= 0; t--)
        printf("  %-36s %6zu\n", label[t], s->tier_count[t]);
    printf("\n%zu learners have at least one flag:\n", s->flagged);
    for (int r = 0; r < RISK_RULE_COUNT; r++)
        printf("  %-30s %6zu\n", risk_rule_info_of((risk_rule_id)r)->title, s->flag_count[r]);
    printf("\nFlags are signs for a person to look at, never a decision; each says why.\n");
    if (!s->ntop) return;
    printf("\nLearners to look at first:\n");
    for (size_t i = 0; i < s->ntop; i++) {
        const risk_score_top *t = &s->top[i];
        char pct[16];
        printf("\n%2zu. %s  %s — %s risk (%s)", i + 1, t->ref, t->name,
               risk_level_word(risk_level_of(t->tier)), risk_tier_name(t->tier));
        if (!isnan(t->probability)) printf(", estimated chance of leaving %s",
                                           risk_percent_text(t->probability, pct, sizeof pct));
        printf(", %zu flag%s\n", t->nflags, t->nflags == 1 ? "" : "s");
        for (size_t k = 0; k < t->nflags; k++) printf("      - %s\n", t->flags[k].reason);
        if (t->nmodel) printf("    the model's estimate was raised most by:\n");
        for (size_t k = 0; k < t->nmodel; k++) printf("      - %s\n", t->model_reason[k]);
    }
}

/* `cairn score`: parse the options (see the usage above) and run it. */
static int cmd_score(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"institution", required_argument, 0, 'i'}, {"asof", required_argument, 0, 'a'},
        {"capacity", required_argument, 0, 'c'}, {"selective", required_argument, 0, 's'},
        {"top", required_argument, 0, 't'}, {"json", no_argument, 0, 'j'}, CLI_OPT_END};
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
                return cli_usage_error(&cli_cmd_score,
                                       "--asof \"%s\" is not a date written YYYY-MM-DD",
                                   optarg);
            break;
        case 'c':
            if ((v = cli_parse_count(optarg)) < 1 || v > 10000000)
                return cli_usage_error(&cli_cmd_score,
                                       "--capacity \"%s\" must be a number of learners, 1 "
                                   "or more", optarg);
            o.tiers.capacity = v;
            break;
        case 's':
            if ((v = cli_parse_count(optarg)) < 1 || v > 10000000)
                return cli_usage_error(&cli_cmd_score,
                                       "--selective \"%s\" must be a number of learners, 1 "
                                   "or more", optarg);
            o.tiers.capacity_selective = v;
            break;
        case 't':
            if ((v = cli_parse_count(optarg)) < 1 || v > 1000)
                return cli_usage_error(&cli_cmd_score, "--top \"%s\" must be 1 to 1000", optarg);
            o.top = (size_t)v;
            break;
        case 'j': json = 1; break;
        case 'h': cli_usage_print(&cli_cmd_score, stdout); return CLI_EXIT_OK;
        default: return cli_usage_error(&cli_cmd_score, "%s", "unknown option");
        }
    }
    if (optind != argc) return cli_usage_error(&cli_cmd_score,
                                               "unexpected argument \"%s\"", argv[optind]);
    if (o.tiers.capacity_selective && !o.tiers.capacity)
        return cli_usage_error(&cli_cmd_score, "%s", "--selective M needs --capacity N");
    cairn_err err = {0};
    store *st = cli_db_open(cli_db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn score: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    int64_t inst;
    risk_score_summary sum;
    /* The learned model plugs in through o.predict (NULL = risk_predict_active,
    ** the institution's active model; rules only until one is trained). */
    int resolved = school_institution_resolve(st, inst_code, &inst, &err) == 0;
    if (!resolved || risk_score_run(st, inst, asof, &o, &sum, &err) < 0) {
        fprintf(stderr, "cairn score: %s\nno scores were written\n", err.msg);
        cairn_err nerr = {0};
        if (resolved &&   /* the administrators hear of it (support/notice.h) */
            support_notice_admins(st, inst, SUPPORT_NOTICE_SCORE_FAILED, err.msg, &nerr) < 0)
            fprintf(stderr, "cairn score: the administrators could not be told: %s\n", nerr.msg);
        store_close(st);
        return CLI_EXIT_FAIL;
    }
    char asof_text[DATE_TEXT_LEN];
    date_format(asof, asof_text);
    int told = 0;
    cairn_err nerr = {0};   /* key workers of newly flagged learners (support/notice.h) */
    if (support_notice_new_flags(st, inst, asof_text, &told, &nerr) < 0)
        fprintf(stderr, "cairn score: the key workers could not be told: %s\n", nerr.msg);
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
    return CLI_EXIT_OK;
}
