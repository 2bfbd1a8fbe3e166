/*
** cli/cmd_demo.c — `cairn demo`: a realistic demo school, loaded or written as import files.
*/
#include "cli/cli.h"
#include "base/date.h"
#include "school/school.h"
#include "web/auth.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int cmd_demo(int argc, char **argv);

const cli_command cli_cmd_demo = {
    "demo", "create a realistic demo school",
    "cairn demo [--db URL] [--learners N] [--seed S] [--years Y] [--today YYYY-MM-DD]\n"
    "           [--if-empty] [--out DIR] [--cases N]\n"
    "  The school runs up to today (--today: that day instead, for a fixed school):\n"
    "  the school year in progress and the Y - 1 before it (default 2), complete.\n"
    "  --out DIR writes the import files instead of loading them\n"
    "  --cases N then opens N cases (the school's, also one loaded before with\n"
    "  --if-empty): up to 25 per key worker of groups, the flagged learners first,\n"
    "  in every state, with assessments, plans, reviews, contracts and\n"
    "  interventions; accounts keyworker-001... (password cairn-demo-counsellor)",
    cmd_demo,
};

/* Seconds on the monotonic clock. */
static double demo_clock(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* --cases N: the demo caseloads at scale on the school in st (web/auth.h);
** closes st.  The exit status. */
static int demo_cases(store *st, int cases) {
    cairn_err err = {0};
    int made = 0, workers = 0, rc = 0;
    if (cases > 0) {
        double t0 = demo_clock();
        rc = auth_demo_caseloads(st, NULL, cases, &made, &workers, &err);
        if (rc < 0) fprintf(stderr, "cairn demo: %s\n", err.msg);
        else printf("%d demo cases for %d key workers in %.1f s\n", made, workers,
                    demo_clock() - t0);
    }
    store_close(st);
    return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* `cairn demo`: parse the options (see the usage above) and run it. */
static int cmd_demo(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"learners", required_argument, 0, 'n'}, {"seed", required_argument, 0, 's'},
        {"years", required_argument, 0, 'y'}, {"out", required_argument, 0, 'o'},
        {"if-empty", no_argument, 0, 'e'}, {"today", required_argument, 0, 't'},
        {"cases", required_argument, 0, 'c'}, CLI_OPT_END};
    const char *db = NULL, *out_dir = NULL;
    demo_opts d = {0};
    d.seed = 1;
    d.today = date_today();
    int if_empty = 0, cases = 0, c;
    long v;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'n':
            if ((v = cli_parse_count(optarg)) < 1 || v > 2000000)
                return cli_usage_error(&cli_cmd_demo,
                                       "--learners \"%s\" must be a number from 1 to 2000000", optarg);
            d.learners = v;
            break;
        case 's':
            if ((v = cli_parse_count(optarg)) < 0)
                return cli_usage_error(&cli_cmd_demo,
                                       "--seed \"%s\" must be a whole number", optarg);
            d.seed = (uint64_t)v;
            break;
        case 'y':
            if ((v = cli_parse_count(optarg)) < 1 || v > 5)
                return cli_usage_error(&cli_cmd_demo, "--years \"%s\" must be 1 to 5", optarg);
            d.years = (int)v;
            break;
        case 't':
            if (date_parse(optarg, strlen(optarg), &d.today) < 0)
                return cli_usage_error(&cli_cmd_demo,
                                       "--today \"%s\" is not a date written YYYY-MM-DD", optarg);
            break;
        case 'c':
            if ((v = cli_parse_count(optarg)) < 0 || v > 1000000)
                return cli_usage_error(&cli_cmd_demo,
                                       "--cases \"%s\" must be a number from 0 to 1000000", optarg);
            cases = (int)v;
            break;
        case 'o': out_dir = optarg; break;
        case 'e': if_empty = 1; break;
        case 'h': cli_usage_print(&cli_cmd_demo, stdout); return CLI_EXIT_OK;
        default: return cli_usage_error(&cli_cmd_demo, "%s", "unknown option");
        }
    }
    if (optind != argc) return cli_usage_error(&cli_cmd_demo,
                                               "unexpected argument \"%s\"", argv[optind]);
    cairn_err err = {0};
    if (out_dir) {
        if (mkdir(out_dir, 0777) < 0 && errno != EEXIST) {
            fprintf(stderr, "cairn demo: cannot create %s: %s\n", out_dir, strerror(errno));
            return CLI_EXIT_FAIL;
        }
        if (school_demo_write(&d, out_dir, &err) < 0) {
            fprintf(stderr, "cairn demo: %s\n", err.msg);
            return CLI_EXIT_FAIL;
        }
        printf("demo school written to %s\n", out_dir);
        return CLI_EXIT_OK;
    }
    store *st = cli_db_open(cli_db_url(db), &err);
    if (!st) {
        fprintf(stderr, "cairn demo: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    if (if_empty) {
        int64_t n = 0;
        if (store_query_int64(st, "SELECT count(*) FROM institution", -1, &n, &err) == 0 && n > 0) {
            printf("%s already holds a school; leaving it as it is\n", store_url(st));
            return demo_cases(st, cases);
        }
    }
    import_report rep;
    int rc = school_demo_load(st, &d, &rep, &err);
    if (rc < 0) {
        fprintf(stderr, "cairn demo: %s\n", err.msg);
        store_close(st);
        return CLI_EXIT_FAIL;
    }
    printf("demo school created in %s: %ld rows\n", store_url(st), rep.rows_written);
    import_report_free(&rep);
    return demo_cases(st, cases);
}
