/*
** cli/cmd_serve.c — `cairn serve`: the web application.
*/
#include "cli/cli.h"
#include "cli/serve_jobs.h"
#include "web/server.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int cmd_serve(int argc, char **argv);

const cli_command cli_cmd_serve = {
    "serve", "serve the web application",
    "cairn serve [--db URL] [--listen ADDR:PORT] [--threads N] [--behind-proxy]\n"
    "            [--trusted-proxy ADDR] [--score-at HH:MM|off] [--import-dir DIR]\n"
    "            [--smtp URL --mail-from ADDR [--smtp-starttls]]\n"
    "  Listens on 127.0.0.1:8080 by default.  --behind-proxy: a TLS reverse proxy on this\n"
    "  machine is in front; on connections from loopback trust its X-Forwarded-Proto\n"
    "  (https gives Secure __Host- cookies) and the last address of X-Forwarded-For (the\n"
    "  client address sign-in throttling counts by).  --trusted-proxy ADDR: the same for\n"
    "  a proxy at IP address ADDR, and only for connections from it.\n"
    "  Scores every institution for today at start when today's scores are missing,\n"
    "  then daily at --score-at (server's local time, default 05:00; off: never),\n"
    "  on a thread and connection of its own.  CAIRN_SCORE_INTERVAL=N (seconds, for\n"
    "  tests) scores every N seconds instead.\n"
    "  --import-dir DIR: import the files that land in DIR, as `cairn import watch DIR`\n"
    "  does (docs/import.md, Nightly imports).\n"
    "  --smtp URL: send the notices' mail through the relay at URL (smtp://host:port,\n"
    "  smtps://host:port; user:password@ in the URL to log in), from --mail-from ADDR;\n"
    "  --smtp-starttls requires STARTTLS.  Without --smtp mail is off and waits queued\n"
    "  (docs/deploy.md, \"Mail\").",
    cmd_serve,
};

/* The --import-dir watcher: runs beside the server for as long as it runs,
** with its own database connection. */
static void *import_dir_thread(void *arg) {
    cli_import_watch_run(arg, 0, stderr);
    return NULL;
}

/* `cairn serve`: parse the options (see the usage above) and run it. */
static int cmd_serve(int argc, char **argv) {
    static const struct option opts[] = {CLI_OPT_DB, CLI_OPT_HELP,
        {"listen", required_argument, 0, 'l'}, {"threads", required_argument, 0, 't'},
        {"behind-proxy", no_argument, 0, 'P'}, {"trusted-proxy", required_argument, 0, 'T'},
        {"score-at", required_argument, 0, 'S'}, {"import-dir", required_argument, 0, 'I'},
        {"smtp", required_argument, 0, 'M'}, {"mail-from", required_argument, 0, 'F'},
        {"smtp-starttls", no_argument, 0, 'L'}, CLI_OPT_END};
    serve_jobs_config jobs = {NULL, SERVE_SCORE_AT_DEFAULT, 0};
    static cli_import_watch watch;   /* read by the watcher thread while serving */
    memset(&watch, 0, sizeof watch);
    web_config cfg = {0};
    cfg.listen = "127.0.0.1:8080";
    const char *db = NULL;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'l') cfg.listen = optarg;
        else if (c == 't') {
            if ((v = cli_parse_count(optarg)) < 1 || v > 256)
                return cli_usage_error(&cli_cmd_serve, "--threads \"%s\" must be 1 to 256", optarg);
            cfg.threads = (int)v;
        }
        else if (c == 'P') cfg.behind_proxy = 1;
        else if (c == 'T') cfg.trusted_proxy = optarg;
        else if (c == 'I') watch.dir = optarg;
        else if (c == 'S') {
            if ((jobs.score_at = serve_jobs_parse_time(optarg)) < -1)
                return cli_usage_error(&cli_cmd_serve,
                                       "--score-at \"%s\" must be a time HH:MM (00:00 to 23:59) "
                                       "or off", optarg);
        }
        else if (c == 'M') cfg.smtp_url = optarg;
        else if (c == 'F') cfg.mail_from = optarg;
        else if (c == 'L') cfg.smtp_starttls = 1;
        else if (c == 'h') { cli_usage_print(&cli_cmd_serve, stdout); return CLI_EXIT_OK; }
        else return cli_usage_error(&cli_cmd_serve, "%s", "unknown option");
    }
    if (optind != argc) return cli_usage_error(&cli_cmd_serve,
                                               "unexpected argument \"%s\"", argv[optind]);
    if (cfg.smtp_url && !cfg.mail_from)
        return cli_usage_error(&cli_cmd_serve, "%s", "--smtp needs --mail-from ADDR");
    cfg.db_url = cli_db_url(db);
    cairn_err err = {0};
    store *st = cli_db_open(cfg.db_url, &err);   /* migrate once, before threads */
    if (!st) {
        fprintf(stderr, "cairn serve: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    store_close(st);
    const char *iv = getenv("CAIRN_SCORE_INTERVAL");
    if (iv && *iv) {
        if ((v = cli_parse_count(iv)) < 1 || v > 86400) {
            fprintf(stderr, "cairn serve: CAIRN_SCORE_INTERVAL=\"%s\" must be 1 to 86400 "
                    "seconds\n", iv);
            return CLI_EXIT_USAGE;
        }
        jobs.interval_seconds = (int)v;
    }
    if (watch.dir) {
        watch.db_url = cfg.db_url;
        pthread_t t;
        if (pthread_create(&t, NULL, import_dir_thread, &watch) != 0) {
            fprintf(stderr, "cairn serve: cannot start the --import-dir watcher\n");
            return CLI_EXIT_FAIL;
        }
        pthread_detach(t);
    }
    jobs.db_url = cfg.db_url;
    serve_jobs *sj = serve_jobs_start(&jobs);    /* NULL when off (or logged) */
    int rc = web_serve(&cfg, &err);
    serve_jobs_stop(sj);
    if (rc < 0) {
        fprintf(stderr, "cairn serve: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}
