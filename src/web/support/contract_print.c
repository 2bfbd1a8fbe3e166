/*
** web/support/contract_print.c — the learner contract on paper: the print
** view (GET /cases/{id}/contract/print?version=N: a whole page in the
** learner's language with a print stylesheet, the code and the
** fingerprint, and lines for the signatures still missing) and the same
** as PDF (GET .../contract/pdf), printed by Debian's chromium headless
** (--print-to-pdf); a clear 503 when chromium is not installed.
*/
#include "web/support/contract_web.h"
#include "base/date.h"
#include "base/mem.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define CONTRACT_PDF_SECONDS 60   /* the longest chromium may take */

/* Write the print document (see contract_web.h). */
void contract_print_document(buf *b, const contract_version *v, const support_case *k,
                             int inline_css, const char *nonce) {
    const i18n_lang *L = i18n_find(v->language);
    if (!L) L = i18n_default();
    char day[I18N_DATE_MAX];
    html_printf(b, "<!DOCTYPE html>\n<html lang=\"%A\" dir=\"%A\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>%T %d</title>\n", L->code, L->rtl ? "rtl" : "ltr",
                T(L, "Learner contract"), v->number);
    if (!inline_css) html_printf(b, "<link rel=\"stylesheet\" href=\"/assets/cairn.css\">\n");
    html_printf(b, "<style nonce=\"%A\">\n"
                   "body.contract-print{font-family:serif;max-width:44em;margin:2em auto;"
                   "line-height:1.4;color:#000;background:#fff}\n"
                   ".contract-print pre{white-space:pre-wrap;font-family:inherit;font-size:1em}\n"
                   ".contract-print .sign-line{border-bottom:1px solid #000;height:2.5em}\n"
                   ".contract-print table{width:100%%;border-collapse:collapse;margin-top:1em}\n"
                   ".contract-print td,.contract-print th{padding:.3em;text-align:start;"
                   "vertical-align:bottom}\n"
                   ".contract-print .proof{margin-top:2em;font-size:.85em;"
                   "border-top:1px solid #000;padding-top:.5em}\n"
                   ".contract-print code{font-family:monospace;word-break:break-all}\n"
                   "@media print{@page{margin:2cm}body.contract-print{margin:0;max-width:none}"
                   ".no-print{display:none}}\n</style>\n</head>\n"
                   "<body class=\"contract-print\">\n<main>\n", nonce ? nonce : "");
    html_printf(b, "<pre>%T</pre>\n<table>\n<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">"
                   "%T</th><th scope=\"col\">%T</th></tr></thead>\n<tbody>\n", v->text,
                T(L, "Role"), T(L, "Name"), T(L, "Date and signature"));
    for (int r = 0; r < CONTRACT_ROLE_COUNT; r++) {
        const contract_signature *s = &v->sig[r];
        if (!s->id && r == CONTRACT_ROLE_GUARDIAN && !v->guardian_required) continue;
        html_printf(b, "<tr><th scope=\"row\">%T</th>", contract_role_words(L, r));
        if (s->id)
            html_printf(b, "<td><bdi>%T</bdi></td><td>%T (%T)</td></tr>\n", s->name,
                        case_day_text(L, s->signed_at, day, sizeof day),
                        contract_method_words(L, s->method));
        else
            html_printf(b, "<td><bdi>%T</bdi></td><td class=\"sign-line\"></td></tr>\n",
                        r == CONTRACT_ROLE_LEARNER ? k->learner_name
                        : r == CONTRACT_ROLE_KEY_WORKER ? k->key_worker_name : "");
    }
    html_printf(b, "</tbody>\n</table>\n<p class=\"proof\">%T <strong><code>%T</code></strong><br>"
                   "%T <code>%T</code><br>%T <code>/verify/%T</code></p>\n</main>\n</body>\n</html>\n",
                T(L, "Code:"), v->code, T(L, "Fingerprint (SHA-256):"), v->sha256,
                T(L, "Check this paper against the signed version at"), v->code);
}

/* The version ?version=N of c->id (the newest without one) with its case:
** 1, 0 answered (404 / 403 / 500).  *rows to free with
** support_contract_versions_free. */
static int version_pick(web_ctx *c, support_case *k, contract_version **rows, size_t *n,
                        const contract_version **v) {
    cairn_err err = {0};
    unsigned rel;
    if (!contract_viewer(c, &rel, 0)) return 0;
    if (support_case_get(c->st, c->who->institution_id, c->id, 0, k, &err) <= 0 ||
        support_contract_versions(c->st, c->who->institution_id, c->id, rows, n, &err) < 0) {
        page_fail(c, "contract", err.msg);
        return 0;
    }
    const char *want = web_request_query(c->req, "version");
    int64_t number = want ? page_parse_id(want) : 0;
    *v = NULL;
    for (size_t i = 0; i < *n; i++)
        if (!want ? i == 0 : (*rows)[i].number == number) *v = &(*rows)[i];
    if (!*v) {
        support_contract_versions_free(*rows, *n);
        page_not_found(c, "Contract not found", "This case has no contract of that version.");
        return 0;
    }
    if (support_case_audit(c->st, c->who->institution_id, c->who->account_id, k->learner_id,
                           c->id, "contract.print", "printed",
                           arena_printf(c->arena, "case %lld: contract version %d printed",
                                        (long long)c->id, (*v)->number), &err) != 0) {
        support_contract_versions_free(*rows, *n);
        page_fail(c, "contract audit", err.msg);
        return 0;
    }
    return 1;
}

/*
** WEBPAGE: GET /cases/{id}/contract/print
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The version ?version=N (the newest without) as a page to print, in the
** learner's language, with the code and fingerprint for /verify.  The key
** worker and the team only.
*/
void page_case_contract_print(web_ctx *c) {
    support_case k;
    contract_version *rows = NULL;
    size_t n = 0;
    const contract_version *v;
    if (!version_pick(c, &k, &rows, &n, &v)) return;
    contract_print_document(c->b, v, &k, 0, web_response_nonce(c->res));
    support_contract_versions_free(rows, n);
}

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
    snprintf(in, sizeof in, "%s/contract.html", dir);
    snprintf(out, sizeof out, "%s/contract.pdf", dir);
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
    time_t until = time(NULL) + CONTRACT_PDF_SECONDS;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (time(NULL) > until) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            err_set(err, CAIRN_EIO, "chromium took longer than %d seconds", CONTRACT_PDF_SECONDS);
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

/*
** WEBPAGE: GET /cases/{id}/contract/pdf
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The print view of ?version=N as a PDF, printed by chromium headless (503
** with a clear message when chromium is not installed).  The key worker
** and the team only.
*/
void page_case_contract_pdf(web_ctx *c) {
    char path[4096];
    const char *chromium = chromium_find(path, sizeof path);
    if (!chromium) {
        web_error_page(c->res, 503, "PDF not available",
                       "Making a PDF needs chromium, which is not installed on the server. "
                       "Use the print view and your browser's \"Save as PDF\" instead.");
        return;
    }
    support_case k;
    contract_version *rows = NULL;
    size_t n = 0;
    const contract_version *v;
    if (!version_pick(c, &k, &rows, &n, &v)) return;
    buf html = BUF_INIT;   /* the document for chromium, made by html_printf */
    contract_print_document(&html, v, &k, 1, "");
    support_contract_versions_free(rows, n);
    cairn_err err = {0};
    buf_reset(&c->res->body);
    if (pdf_print(chromium, &html, &c->res->body, &err) < 0) {
        buf_free(&html);
        buf_reset(&c->res->body);
        web_log(c->req, "contract pdf: %s", err.msg);
        web_error_page(c->res, 500, "The PDF could not be made",
                       "chromium could not print the contract. The server log has the details.");
        return;
    }
    buf_free(&html);
    c->res->content_type = "application/pdf";
}
