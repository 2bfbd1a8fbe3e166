/*
** web/support/plan_print.c — GET /cases/{id}/plan/pdf: a case's plans as
** PDF, in the learner's language (their account's, else the viewer's),
** printed by chromium through web/pdf.h like the contract: one document
** with the built-in stylesheet inline, whose print rules drop the forms.
** The goals the viewer sees (support_goal_view), no forms.  Written to the
** audit log.
*/
#include "web/support/plan_web.h"
#include "support/contract.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/pdf.h"
#include "web/support/case_view.h"
#include "gen/pages.h"
#include <stdlib.h>

/* The document of case k's plans into b in L (c->b and c->L are swapped
** for the parts of the plan page, then put back). */
static void plan_document(web_ctx *c, buf *b, const i18n_lang *L, const support_case *k,
                          const support_goal *goals, size_t n, unsigned view, const char *note) {
    size_t len;
    const char *css = html_asset_css(&len);
    const char *title = arena_printf(c->arena, "%s \xE2\x80\x94 %s", T(L, "Plan"),
                                     k->learner_name);   /* not HTML: escaped by %T */
    html_printf(b, "<!DOCTYPE html>\n<html lang=\"%A\" dir=\"%A\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<title>%T</title>\n<style>\n", L->code, L->rtl ? "rtl" : "ltr", title);
    buf_append(b, css, len);   /* not HTML: the built-in stylesheet, a constant */
    html_printf(b, "\n</style>\n</head>\n<body class=\"plan-print\">\n<main>\n<h1>%T</h1>\n",
                title);
    buf *page_b = c->b;
    const i18n_lang *page_L = c->L;
    c->b = b;
    c->L = L;
    int full = !(view & SUPPORT_GOAL_TEACHING_ONLY);
    for (int kind = 0; kind < SUPPORT_PLAN_KIND_COUNT; kind++) {
        if (kind == SUPPORT_PLAN_HEALTH && !(view & SUPPORT_GOAL_SEES_HEALTH)) continue;
        plan_part(c, kind, goals, n, 0, full, note, NULL);
    }
    c->b = page_b;
    c->L = page_L;
    html_printf(b, "</main>\n</body>\n</html>\n");
}

/*
** WEBPAGE: GET /cases/{id}/plan/pdf
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The plans of a case as a PDF in the learner's language, printed by
** chromium headless (503 with a clear message when it is not installed).
** For the key worker and the team; a teacher on the team gets only the
** goals of a group they teach.  Written to the audit log.
*/
void page_case_plan_pdf(web_ctx *c) {
    char path[4096];
    const char *chromium = web_pdf_chromium(c, path, sizeof path);
    if (!chromium) return;
    cairn_err err = {0};
    unsigned view;
    if (!plan_viewer(c, &view, 0)) return;
    int64_t inst = c->who->institution_id;
    support_case *k = page_keep(c, calloc(1, sizeof *k));
    support_goal *goals = NULL;
    size_t n = 0;
    char lang[8] = "";
    buf recovery = BUF_INIT;   /* not HTML: the opened note, escaped by %T */
    if (support_case_get(c->st, inst, c->id, 0, k, &err) <= 0 ||
        support_goal_list(c->st, inst, c->id, view, c->who->staff_id, &goals, &n, &err) < 0 ||
        (!(view & SUPPORT_GOAL_TEACHING_ONLY) &&
         support_plan_recovery_get(c->st, inst, c->id, &recovery, &err) < 0) ||
        support_contract_language(c->st, inst, k->learner_id, lang, &err) < 0) {
        free(goals);
        buf_free(&recovery);
        page_fail(c, "plan pdf", err.msg[0] ? err.msg : "case vanished");
        return;
    }
    page_keep(c, goals);
    const char *note = arena_printf(c->arena, "%s", buf_cstr(&recovery));
    buf_free(&recovery);
    if (support_case_audit(c->st, inst, c->who->account_id, k->learner_id, c->id, "plan.print",
                           "printed", arena_printf(c->arena, "case %lld plan as PDF",
                                                   (long long)c->id), &err) != 0) {
        page_fail(c, "plan audit", err.msg);
        return;
    }
    const i18n_lang *L = lang[0] ? i18n_find(lang) : NULL;
    if (!L) L = c->L;
    buf html = BUF_INIT;   /* the document for chromium, made by html_printf */
    plan_document(c, &html, L, k, goals, n, view, note);
    web_pdf_reply(c, chromium, &html, "plan pdf",
                  N_("chromium could not print the plan. The server log has the details."));
    buf_free(&html);
}
