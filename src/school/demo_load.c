/*
** school/demo_load.c — the demo school into the database, through the same
** importers a school uses, so the demo proves them every time it runs.
*/
#include "school/school.h"
#include "base/mem.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Remove the files the generator wrote and the directory. */
static void demo_cleanup(const char *dir) {
    char path[4096];
    for (int k = 0; k < IMPORT_KIND_COUNT; k++) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, import_kind_name((import_kind)k));
        unlink(path);
    }
    rmdir(dir);
}

/* Write the demo files to a temp directory and import them all in one
** transaction.  The report (may be NULL) gets the import's counts. */
int school_demo_load(store *st, const demo_opts *opts, import_report *report, cairn_err *err) {
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/cairn-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return err_set(err, CAIRN_EIO, "cannot make a temporary directory in %s: %s",
                       tmp && *tmp ? tmp : "/tmp", strerror(errno));
    if (school_demo_write(opts, dir, err) < 0) {
        demo_cleanup(dir);
        return -1;
    }
    importer *im;
    if (importer_begin(st, NULL, &im, err) < 0) {
        demo_cleanup(dir);
        return -1;
    }
    for (int k = 0; k < IMPORT_KIND_COUNT; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.csv", dir, import_kind_name((import_kind)k));
        if (importer_file(im, (import_kind)k, path, err) < 0) {
            importer_abort(im);
            demo_cleanup(dir);
            return -1;
        }
    }
    import_report rep;
    int rc = importer_finish(im, &rep, err);
    demo_cleanup(dir);
    if (rc == 1) {
        /* The generator wrote a row the importer refuses: a bug in cairn. */
        err_set(err, CAIRN_EINTERNAL, "the demo generator wrote %ld bad rows; first: %.300s",
                rep.rows_bad, buf_cstr(&rep.messages));
        rc = -1;
    }
    if (report) *report = rep; else import_report_free(&rep);
    return rc < 0 ? -1 : 0;
}
