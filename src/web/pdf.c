/*
** web/pdf.c — pages as PDF with chromium headless (see pdf.h): the
** document is written to a private temporary directory with a fresh
** profile, chromium prints it with --print-to-pdf within PDF_SECONDS, and
** the directory is removed.
*/
#include "web/pdf.h"
#include "web/server.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PDF_SECONDS 60   /* the longest chromium may take */

/* The chromium to run: $CAIRN_CHROMIUM, else chromium or chromium-browser
** on the PATH; NULL when there is none. */
static const char *chromium_find(char *out, size_t cap) {
    const char *env = getenv("CAIRN_CHROMIUM");
    if (env && *env) return access(env, X_OK) == 0 ? env : NULL;
    const char *path = getenv("PATH");
    static const char *const names[] = {"chromium", "chromium-browser"};
    for (size_t i = 0; i < 2; i++) {
        const char *p = path ? path : "/usr/bin:/bin";
        while (*p) {
            const char *e = strchr(p, ':');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            snprintf(out, cap, "%.*s/%s", (int)len, p, names[i]);
            if (len && access(out, X_OK) == 0) return out;
            p += len + (e ? 1 : 0);
        }
    }
    return NULL;
}

/* Print html to a PDF with chromium into pdf (appended).  0, or -1 with
** err set. */
static int pdf_print(const char *chromium, buf *html, buf *pdf, cairn_err *err) {
    char dir[] = "/tmp/cairn-pdf-XXXXXX";
    if (!mkdtemp(dir)) return err_set(err, CAIRN_EIO, "mkdtemp: %s", strerror(errno));
    char in[64], out[64], profile[64], arg_out[96], arg_profile[96], url[80];
    snprintf(in, sizeof in, "%s/page.html", dir);
    snprintf(out, sizeof out, "%s/page.pdf", dir);
    snprintf(profile, sizeof profile, "%s/profile", dir);
    snprintf(arg_out, sizeof arg_out, "--print-to-pdf=%s", out);
    snprintf(arg_profile, sizeof arg_profile, "--user-data-dir=%s", profile);
    snprintf(url, sizeof url, "file://%s", in);
    int rc = -1;
    FILE *f = fopen(in, "wb");
    if (!f || fwrite(html->data, 1, html->len, f) != html->len) {
        if (f) fclose(f);
        err_set(err, CAIRN_EIO, "cannot write %s", in);
        goto out;
    }
    fclose(f);
    const char *argv[] = {chromium, "--headless", "--disable-gpu", "--no-pdf-header-footer",
                          "--no-first-run", "--disable-extensions", arg_profile, arg_out,
                          geteuid() == 0 ? "--no-sandbox" : "--no-zygote", url, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int s = posix_spawn(&pid, chromium, &fa, NULL, (char *const *)(uintptr_t)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (s != 0) {
        err_set(err, CAIRN_EIO, "cannot run %s: %s", chromium, strerror(s));
        goto out;
    }
    int status = 0;
    time_t until = time(NULL) + PDF_SECONDS;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (time(NULL) > until) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            err_set(err, CAIRN_EIO, "chromium took longer than %d seconds", PDF_SECONDS);
            goto out;
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    f = fopen(out, "rb");
    if (!f) {
        err_set(err, CAIRN_EIO, "chromium made no PDF (exit status %d)", status);
        goto out;
    }
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(pdf, chunk, k);   /* not HTML: the PDF's bytes */
    fclose(f);
    rc = pdf->len > 4 && !memcmp(pdf->data, "%PDF", 4) ? 0
         : err_set(err, CAIRN_EIO, "chromium's output is not a PDF");
out:
    unlink(in);
    unlink(out);
    {   /* the profile chromium left: removed with the directory */
        pid_t rm;
        const char *rmv[] = {"rm", "-rf", dir, NULL};
        if (posix_spawnp(&rm, "rm", NULL, NULL, (char *const *)(uintptr_t)rmv, environ) == 0)
            waitpid(rm, NULL, 0);
    }
    return rc;
}

/* The chromium to run, or the 503 (see pdf.h). */
const char *web_pdf_chromium(web_ctx *c, char *out, size_t cap) {
    const char *chromium = chromium_find(out, cap);
    if (!chromium)
        web_error_page(c->res, 503, "PDF not available",
                       "Making a PDF needs chromium, which is not installed on the server. "
                       "Use the print view and your browser's \"Save as PDF\" instead.");
    return chromium;
}

/* Print html into c's response (see pdf.h). */
void web_pdf_reply(web_ctx *c, const char *chromium, buf *html, const char *what,
                   const char *failed) {
    cairn_err err = {0};
    buf_reset(&c->res->body);
    if (pdf_print(chromium, html, &c->res->body, &err) < 0) {
        buf_reset(&c->res->body);
        web_log(c->req, "%s: %s", what, err.msg);
        web_error_page(c->res, 500, "The PDF could not be made", failed);
        return;
    }
    c->res->content_type = "application/pdf";
}
