/*
** cli/import_watch.c — `cairn import watch DIR` and `cairn serve --import-dir
** DIR`: import whatever files a school's nightly export drops into a folder.
**
** One scan takes the *.csv files in DIR that are complete (a FILE.done
** marker beside them, or size and modification time unchanged since the
** previous scan; with --once every file is taken), recognises each one's
** kind from its header, and imports them in dependency order (institutions,
** sites/terms/programmes, groups, people, links and enrolments, events),
** each file in its own transaction: whole or not at all.  Each file then
** moves to DIR/done/ or DIR/failed/ with FILE.report.txt beside it, and
** after a batch in which something was written every institution is scored
** again (cli_rescore).  docs/import.md "Nightly imports" is the reference.
*/
#include "cli/cli.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/mem.h"
#include "risk/freshness.h"
#include "risk/risk.h"
#include "school/school.h"
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A file of one scan. */
typedef struct watch_file {
    char  *name;        /* in DIR */
    off_t  size;
    time_t mtime;
    int    kind;        /* recognised kind, or -1 */
    int    ready;
} watch_file;

/* What the previous scan saw, for the "size unchanged" rule. */
struct cli_import_watch_seen {
    watch_file *files;
    size_t n;
};

/* Score every institution (or the one named) again as of asof, writing one
** line to log: risk_rescore_today (risk/freshness.h) for all of them, as
** `cairn import` and the server's scheduler do; `cairn score`'s path
** (risk_score_run) for the one of --institution.  See cli.h. */
int cli_rescore(store *st, const char *inst_code, int32_t asof, FILE *log, cairn_err *err) {
    char d[DATE_TEXT_LEN];
    date_format(asof, d);
    if (!inst_code) {
        risk_rescore_result r;
        if (risk_rescore_today(st, asof, 0, &r, err) != 0) return -1;
        if (log) fprintf(log, "rescored as of %s: %zu learners in %zu institutions\n", d,
                         r.learners, r.institutions);
        return 0;
    }
    int64_t id;
    risk_score_opts o = {0};
    risk_score_summary sum;
    if (school_institution_resolve(st, inst_code, &id, err) < 0 ||
        risk_score_run(st, id, asof, &o, &sum, err) < 0)
        return -1;
    if (log) fprintf(log, "rescored as of %s: %zu learners in 1 institution\n", d, sum.learners);
    risk_score_summary_free(&sum);
    return 0;
}

/* Does name end with suffix (any case)? */
static int ends_with(const char *name, const char *suffix) {
    size_t n = strlen(name), m = strlen(suffix);
    return n >= m && strcasecmp(name + n - m, suffix) == 0;
}

/* The files of DIR worth looking at (*.csv, not hidden), with their size
** and time; *out is malloc'd (free the names too). */
static int watch_list(const char *dir, watch_file **out, size_t *nout, cairn_err *err) {
    DIR *d = opendir(dir);
    if (!d) return err_set(err, CAIRN_EIO, "cannot read the folder %s: %s", dir, strerror(errno));
    watch_file *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".csv")) continue;
        buf p = BUF_INIT;
        buf_printf(&p, "%s/%s", dir, e->d_name);
        struct stat sb;
        int ok = stat(buf_cstr(&p), &sb) == 0 && S_ISREG(sb.st_mode);
        buf_free(&p);
        if (!ok) continue;
        if (n == cap) v = xrealloc(v, (cap = cap ? 2 * cap : 16) * sizeof *v);
        v[n++] = (watch_file){xstrdup(e->d_name), sb.st_size, sb.st_mtime, -1, 0};
    }
    closedir(d);
    *out = v;
    *nout = n;
    return 0;
}

/* Order of a batch: dependency rank of the kind, then the file name. */
static int watch_file_cmp(const void *a, const void *b) {
    const watch_file *x = a, *y = b;
    int rx = x->kind < 0 ? -1 : import_kind_rank((import_kind)x->kind);
    int ry = y->kind < 0 ? -1 : import_kind_rank((import_kind)y->kind);
    if (rx != ry) return rx < ry ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Move DIR/name to DIR/sub/name (or name with a time stamp when that is
** taken) and write the report beside it as NAME.report.txt. */
static void watch_file_settle(const char *dir, const char *sub, const char *name,
                              const char *report, FILE *log) {
    buf from = BUF_INIT, to = BUF_INIT, rep = BUF_INIT, marker = BUF_INIT;
    buf_printf(&from, "%s/%s", dir, name);
    buf_printf(&to, "%s/%s/%s", dir, sub, name);
    if (access(buf_cstr(&to), F_OK) == 0) {
        char stamp[32];
        date_now_iso(stamp);
        for (char *p = stamp; *p; p++) if (*p == ':') *p = '-';
        to.len = 0;
        buf_printf(&to, "%s/%s/%.*s-%s.csv", dir, sub, (int)(strlen(name) - 4), name, stamp);
    }
    if (rename(buf_cstr(&from), buf_cstr(&to)) != 0 && log)
        fprintf(log, "cairn import watch: cannot move %s to %s: %s\n", buf_cstr(&from),
                buf_cstr(&to), strerror(errno));
    buf_printf(&rep, "%s.report.txt", buf_cstr(&to));
    FILE *f = fopen(buf_cstr(&rep), "w");
    if (f) {
        fputs(report, f);
        fclose(f);
    }
    buf_printf(&marker, "%s.done", buf_cstr(&from));
    unlink(buf_cstr(&marker));
    buf_free(&from);
    buf_free(&to);
    buf_free(&rep);
    buf_free(&marker);
}

/* Import one file of kind into the database in its own transaction and
** write what happened to report.  1 written, 0 failed. */
static int watch_import_one(store *st, const cli_import_watch *w, const char *path,
                            const char *name, import_kind kind, buf *report) {
    import_opts io = {0};
    io.institution = w->institution;
    importer *im;
    import_report rep;
    import_report_init(&rep);
    cairn_err err = {0};
    int rc = importer_begin(st, &io, &im, &err);
    if (rc == 0) {
        rc = importer_file(im, kind, path, &err);
        if (rc < 0) importer_abort(im);
        else rc = importer_finish(im, &rep, &err);
    }
    char now[32];
    date_now_iso(now);
    buf_printf(report, "file: %s\nkind: %s (recognised from the header)\nchecked: %s\n",
               name, import_kind_name(kind), now);
    if (rc == 0) {
        buf_printf(report, "result: imported (%ld rows read, %ld written: %ld new, %ld updated, "
                   "%ld unchanged)\n", rep.rows_read, rep.rows_written, rep.rows_new,
                   rep.rows_updated, rep.rows_unchanged);
    } else {
        buf_puts(report, "result: nothing was imported (a file is imported whole or not at all)\n");
        if (rc == 1)
            buf_printf(report, "%ld of %ld rows are bad; fix them and put the file in the "
                       "folder again\n", rep.rows_bad, rep.rows_read);
        else buf_printf(report, "%s\n", err.msg);
    }
    if (rep.messages.len) buf_puts(report, rep.messages.data);
    if (rep.messages_dropped)
        buf_printf(report, "... and %ld more bad rows\n", rep.messages_dropped);
    import_report_free(&rep);
    return rc == 0;
}

/* Is f complete?  A FILE.done marker, --once, or the same size and time
** as at the previous scan. */
static int watch_ready(const cli_import_watch *w, const watch_file *f,
                       const struct cli_import_watch_seen *seen) {
    if (w->once) return 1;
    buf m = BUF_INIT;
    buf_printf(&m, "%s/%s.done", w->dir, f->name);
    int marked = access(buf_cstr(&m), F_OK) == 0;
    buf_free(&m);
    if (marked) return 1;
    for (size_t i = 0; seen && i < seen->n; i++)
        if (!strcmp(seen->files[i].name, f->name))
            return seen->files[i].size == f->size && seen->files[i].mtime == f->mtime;
    return 0;
}

/* Forget what a scan saw. */
static void seen_free(struct cli_import_watch_seen *seen) {
    for (size_t i = 0; i < seen->n; i++) free(seen->files[i].name);
    free(seen->files);
    seen->files = NULL;
    seen->n = 0;
}

/* One scan of w->dir; see cli.h. */
int cli_import_watch_scan(store *st, const cli_import_watch *w,
                          struct cli_import_watch_seen *seen, FILE *log, int *failed,
                          cairn_err *err) {
    assert(st && w && w->dir && seen && failed);
    *failed = 0;
    for (int i = 0; i < 2; i++) {
        buf sub = BUF_INIT;
        buf_printf(&sub, "%s/%s", w->dir, i ? "failed" : "done");
        int rc = mkdir(buf_cstr(&sub), 0750);
        int e = errno;
        buf_free(&sub);
        if (rc != 0 && e != EEXIST)
            return err_set(err, CAIRN_EIO, "cannot create %s/%s: %s", w->dir,
                           i ? "failed" : "done", strerror(e));
    }
    watch_file *v = NULL;
    size_t n = 0;
    if (watch_list(w->dir, &v, &n, err) < 0) return -1;
    size_t nready = 0;
    for (size_t i = 0; i < n; i++) {
        v[i].ready = watch_ready(w, &v[i], seen);
        if (!v[i].ready) continue;
        nready++;
        buf p = BUF_INIT;
        buf_printf(&p, "%s/%s", w->dir, v[i].name);
        import_kind_guess g;
        cairn_err derr = {0};
        if (import_kind_detect_file(buf_cstr(&p), &g, &derr) == 0 && g.nmatch == 1)
            v[i].kind = (int)g.match[0];
        else {
            buf report = BUF_INIT;
            buf_printf(&report, "file: %s\nresult: nothing was imported\n", v[i].name);
            if (derr.msg[0]) buf_printf(&report, "%s\n", derr.msg);
            else {
                import_kind_guess_describe(&g, v[i].name, &report);
                buf_puts(&report, ".\nThe header line must name the columns of one kind "
                         "(see /help/import); rename the columns and put the file in the "
                         "folder again.\n");
            }
            watch_file_settle(w->dir, "failed", v[i].name, buf_cstr(&report), log);
            if (log) fprintf(log, "%s: failed (kind not recognised)\n", v[i].name);
            buf_free(&report);
            (*failed)++;
            v[i].ready = 0;
        }
        buf_free(&p);
    }
    qsort(v, n, sizeof *v, watch_file_cmp);
    int written = 0;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].ready) continue;
        buf p = BUF_INIT, report = BUF_INIT;
        buf_printf(&p, "%s/%s", w->dir, v[i].name);
        int ok = watch_import_one(st, w, buf_cstr(&p), v[i].name, (import_kind)v[i].kind, &report);
        watch_file_settle(w->dir, ok ? "done" : "failed", v[i].name, buf_cstr(&report), log);
        if (log) fprintf(log, "%s: %s (%s)\n", v[i].name, ok ? "imported" : "failed",
                         import_kind_name((import_kind)v[i].kind));
        if (ok) written++; else (*failed)++;
        buf_free(&p);
        buf_free(&report);
    }
    /* Remember the files not taken, for the next scan's "unchanged" rule. */
    seen_free(seen);
    for (size_t i = 0; i < n; i++) {
        if (v[i].ready || v[i].kind >= 0) { free(v[i].name); continue; }
        seen->files = xrealloc(seen->files, (seen->n + 1) * sizeof *seen->files);
        seen->files[seen->n++] = v[i];
    }
    free(v);
    if (written && cli_rescore(st, w->institution, w->asof ? w->asof : date_today(), log, err) < 0)
        return -1;
    return (int)nready;
}

static volatile sig_atomic_t watch_stop;

/* SIGINT / SIGTERM: finish the current scan, then stop. */
static void watch_on_signal(int sig) {
    (void)sig;
    watch_stop = 1;
}

/* Run the watch loop (or one scan with w->once); see cli.h. */
int cli_import_watch_run(const cli_import_watch *w, int handle_signals, FILE *log) {
    cairn_err err = {0};
    store *st = cli_db_open(w->db_url, &err);
    if (!st) {
        fprintf(stderr, "cairn import watch: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    if (handle_signals) {
        signal(SIGINT, watch_on_signal);
        signal(SIGTERM, watch_on_signal);
    }
    struct cli_import_watch_seen seen = {0};
    int status = CLI_EXIT_OK;
    do {
        int failed;
        if (cli_import_watch_scan(st, w, &seen, log, &failed, &err) < 0) {
            fprintf(stderr, "cairn import watch: %s\n", err.msg);
            status = CLI_EXIT_FAIL;
            if (w->once) break;
            memset(&err, 0, sizeof err);
        } else if (failed) {
            status = CLI_EXIT_FAIL;
        }
        if (log) fflush(log);
        for (int s = 0; !w->once && !watch_stop && s < (w->interval > 0 ? w->interval : 10); s++)
            sleep(1);
    } while (!w->once && !watch_stop);
    seen_free(&seen);
    store_close(st);
    return status;
}
