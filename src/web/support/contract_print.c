/*
** web/support/contract_print.c — the learner contract on paper: the print
** view (GET /cases/{id}/contract/print?version=N: a whole page in the
** learner's language with a print stylesheet, the code and the
** fingerprint, and lines for the signatures still missing) and the same
** as PDF (GET .../contract/pdf), printed by chromium through web/pdf.h
** (a clear 503 when chromium is not installed).
*/
#include "web/support/contract_web.h"
#include "base/date.h"
#include "base/mem.h"
#include "web/html.h"
#include "web/pdf.h"
#include "web/pages.h"
#include "gen/pages.h"

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
    const char *chromium = web_pdf_chromium(c, path, sizeof path);
    if (!chromium) return;
    support_case k;
    contract_version *rows = NULL;
    size_t n = 0;
    const contract_version *v;
    if (!version_pick(c, &k, &rows, &n, &v)) return;
    buf html = BUF_INIT;   /* the document for chromium, made by html_printf */
    contract_print_document(&html, v, &k, 1, "");
    support_contract_versions_free(rows, n);
    web_pdf_reply(c, chromium, &html, "contract pdf",
                  N_("chromium could not print the contract. The server log has the details."));
    buf_free(&html);
}
