/*
** web/support/contract_page.c — GET /cases/{id}/contract: the learner
** contract of a case for its key worker and team: the current version (its
** text, fingerprint and code, its state and signatures), the key worker's
** forms (the draft, a signature, an amendment), and the history with two
** versions side by side, the changed lines marked.  Also the contract's
** line on the case page (contract_case_summary).
*/
#include "web/support/contract_web.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "web/access.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The error paragraph of form name's field when the refused form is it. */
static void field_error(buf *b, const i18n_lang *L, const contract_form *f, const char *form,
                        const char *field) {
    if (!f || !f->problem || strcmp(f->form, form)) return;
    const char *want = contract_problem_field(f->problem);
    if (strcmp(want, field) && !(field[0] == '*' && !want[0])) return;
    html_printf(b, "<p class=\"field-error\" id=\"err-%A-%A\">%T</p>\n", form,
                field[0] == '*' ? "form" : field, contract_problem_words(L, f->problem));
}

/* The state of version v as words. */
static void state_words(buf *b, const i18n_lang *L, const contract_version *v) {
    char day[I18N_DATE_MAX];
    if (v->signed_at[0]) {
        html_printf(b, T(L, "Signed on %T"), case_day_text(L, v->signed_at, day, sizeof day));
        if (v->superseded) html_printf(b, " \xE2\x80\x94 %T", T(L, "replaced by a later version"));
        return;
    }
    int any = 0;
    for (int r = 0; r < CONTRACT_ROLE_COUNT; r++)
        if (v->sig[r].id) any = 1;
    if (!any) {
        html_printf(b, "%T", T(L, "Draft: it can still change until its first signature"));
        return;
    }
    html_printf(b, "%T ", T(L, "Waiting for the signature of:"));
    int first = 1;
    for (int r = 0; r < CONTRACT_ROLE_COUNT; r++)
        if (!v->sig[r].id && (r != CONTRACT_ROLE_GUARDIAN || v->guardian_required)) {
            html_printf(b, first ? "%T" : ", %T", contract_role_words(L, r));
            first = 0;
        }
}

/* The signatures of v as a table. */
static void signatures_table(buf *b, const i18n_lang *L, const contract_version *v) {
    char day[I18N_DATE_MAX];
    html_printf(b, "<table class=\"signatures\">\n<caption>%T</caption>\n<thead><tr><th scope=\"col\">"
                   "%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T"
                   "</th><th scope=\"col\">%T</th></tr></thead>\n<tbody>\n",
                T(L, "Signatures"), T(L, "Role"), T(L, "Name"), T(L, "When"), T(L, "How"),
                T(L, "Fingerprint signed"));
    for (int r = 0; r < CONTRACT_ROLE_COUNT; r++) {
        const contract_signature *s = &v->sig[r];
        if (!s->id) {
            if (r == CONTRACT_ROLE_GUARDIAN && !v->guardian_required) continue;
            html_printf(b, "<tr><th scope=\"row\">%T</th><td colspan=\"4\" class=\"muted\">%T"
                           "</td></tr>\n", contract_role_words(L, r), T(L, "Not signed yet"));
            continue;
        }
        /* data-label: the column's name, shown before the value when the
        ** table is stacked on a phone (cairn.css) */
        html_printf(b, "<tr><th scope=\"row\">%T</th><td data-label=\"%A\"><bdi>%T</bdi></td>"
                       "<td data-label=\"%A\">%T</td><td data-label=\"%A\">%T",
                    contract_role_words(L, r), T(L, "Name"), s->name, T(L, "When"),
                    case_day_text(L, s->signed_at, day, sizeof day), T(L, "How"),
                    contract_method_words(L, s->method));
        if (s->scan_sha256[0])
            html_printf(b, "<br><span class=\"muted\">%T <code>%T</code></span>",
                        T(L, "Scan SHA-256:"), s->scan_sha256);
        html_printf(b, "</td><td data-label=\"%A\"><code class=\"hash\">%T</code></td></tr>\n",
                    T(L, "Fingerprint signed"), s->version_sha256);
    }
    html_printf(b, "</tbody>\n</table>\n");
}

/* The draft form (values from the refused form, else the current draft). */
static void draft_form(web_ctx *c, const contract_version *v, const contract_form *f) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    int mine = f && !strcmp(f->form, "draft");
    char s[DATE_TEXT_LEN] = "", r[DATE_TEXT_LEN] = "";
    if (v && v->starts_on) date_format(v->starts_on, s);
    if (v && v->review_on) date_format(v->review_on, r);
    html_printf(b, "<h2 id=\"h-draft\">%T</h2>\n<form method=\"post\" action=\"/cases/%lld/contract\">\n",
                v ? T(L, "Change the draft") : T(L, "Write the contract"), (long long)c->id);
    case_csrf_field(b, c->req);
    field_error(b, L, f, "draft", "*");
    field_error(b, L, f, "draft", "school_commits");
    html_printf(b, "<p><label for=\"ct-school\">%T</label></p>\n<textarea id=\"ct-school\" "
                   "name=\"school_commits\" rows=\"5\" maxlength=\"2000\">%T</textarea>\n",
                T(L, "What the school commits to"),
                mine && f->school ? f->school : v ? v->school_commits : "");
    html_printf(b, "<p><label for=\"ct-learner\">%T</label></p>\n<textarea id=\"ct-learner\" "
                   "name=\"learner_commits\" rows=\"5\" maxlength=\"2000\">%T</textarea>\n",
                T(L, "What the learner commits to"),
                mine && f->learner ? f->learner : v ? v->learner_commits : "");
    field_error(b, L, f, "draft", "review_on");
    html_printf(b, "<p><label for=\"ct-starts\">%T</label> <input id=\"ct-starts\" name=\"starts_on\" "
                   "type=\"date\" value=\"%A\"> <label for=\"ct-review\">%T</label> <input "
                   "id=\"ct-review\" name=\"review_on\" type=\"date\" value=\"%A\"></p>\n",
                T(L, "Starts on"), mine && f->starts ? f->starts : s, T(L, "Review by"),
                mine && f->review ? f->review : r);
    html_printf(b, "<p><button type=\"submit\">%T</button></p>\n</form>\n", T(L, "Save the draft"));
}

/* The sign form for the roles still to sign v. */
static void sign_form(web_ctx *c, const contract_version *v, const contract_form *f) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<h2 id=\"h-sign\">%T</h2>\n<p>%T</p>\n<form method=\"post\" "
                   "action=\"/cases/%lld/contract/sign\" enctype=\"multipart/form-data\">\n",
                T(L, "Record a signature"),
                T(L, "Signed in person on this screen: the learner or the guardian reads the "
                     "text above and types their name. Signed on paper: upload the scan."),
                (long long)c->id);
    case_csrf_field(b, c->req);
    html_printf(b, "<input type=\"hidden\" name=\"version_sha256\" value=\"%A\">\n", v->sha256);
    field_error(b, L, f, "sign", "*");
    field_error(b, L, f, "sign", "version_sha256");
    field_error(b, L, f, "sign", "role");
    html_printf(b, "<p><label for=\"sg-role\">%T</label> <select id=\"sg-role\" name=\"role\">\n",
                T(L, "Who signs"));
    for (int r = 0; r < CONTRACT_ROLE_COUNT; r++)
        if (!v->sig[r].id)
            html_printf(b, "<option value=\"%A\">%T</option>\n", contract_role_code(r),
                        contract_role_words(L, r));
    html_printf(b, "</select></p>\n");
    field_error(b, L, f, "sign", "name");
    html_printf(b, "<p><label for=\"sg-name\">%T</label> <input id=\"sg-name\" name=\"name\" "
                   "maxlength=\"200\" value=\"%A\"> <span class=\"muted\">%T</span></p>\n",
                T(L, "Name of the person signing"), f && f->name ? f->name : "",
                T(L, "(not needed for the key worker)"));
    field_error(b, L, f, "sign", "method");
    html_printf(b, "<fieldset><legend>%T</legend>\n<label><input type=\"radio\" name=\"method\" "
                   "value=\"screen\" checked> %T</label>\n<label><input type=\"radio\" "
                   "name=\"method\" value=\"paper\"> %T</label>\n</fieldset>\n",
                T(L, "How"), contract_method_words(L, 0), contract_method_words(L, 1));
    field_error(b, L, f, "sign", "scan");
    html_printf(b, "<p><label for=\"sg-scan\">%T</label> <input id=\"sg-scan\" name=\"scan\" "
                   "type=\"file\" accept=\"application/pdf,image/*\"></p>\n"
                   "<p><button type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Scan of the signed paper (optional)"), T(L, "Record the signature"));
}

/* The two versions a and b side by side, changed lines marked (a line
** diff by the longest common subsequence; the texts are short). */
static void side_by_side(buf *b, const i18n_lang *L, const contract_version *va,
                         const contract_version *vb) {
    char *ta = xstrdup(va->text), *tb = xstrdup(vb->text);
    const char *la[400], *lb[400];
    size_t na = 0, nb = 0;
    for (char *s = strtok(ta, "\n"); s && na < 400; s = strtok(NULL, "\n")) la[na++] = s;
    for (char *s = strtok(tb, "\n"); s && nb < 400; s = strtok(NULL, "\n")) lb[nb++] = s;
    unsigned short *t = xcalloc((na + 1) * (nb + 1), sizeof *t);
#define LCS(i, j) t[(i) * (nb + 1) + (j)]
    for (size_t i = na; i-- > 0;)
        for (size_t j = nb; j-- > 0;)
            LCS(i, j) = !strcmp(la[i], lb[j]) ? LCS(i + 1, j + 1) + 1
                        : LCS(i + 1, j) > LCS(i, j + 1) ? LCS(i + 1, j) : LCS(i, j + 1);
    html_printf(b, "<table class=\"contract-diff\">\n<thead><tr><th scope=\"col\">%T %d</th>"
                   "<th scope=\"col\">%T %d</th></tr></thead>\n<tbody>\n",
                T(L, "Version"), va->number, T(L, "Version"), vb->number);
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && !strcmp(la[i], lb[j])) {
            html_printf(b, "<tr><td>%T</td><td>%T</td></tr>\n", la[i], lb[j]);
            i++, j++;
        } else if (i < na && (j == nb || LCS(i + 1, j) >= LCS(i, j + 1))) {
            html_printf(b, "<tr><td class=\"del\"><del>%T</del></td><td></td></tr>\n", la[i++]);
        } else {
            html_printf(b, "<tr><td></td><td class=\"ins\"><ins>%T</ins></td></tr>\n", lb[j++]);
        }
    }
#undef LCS
    html_printf(b, "</tbody>\n</table>\n");
    free(t);
    free(ta);
    free(tb);
}

/* The history: every version, and two side by side (?a=&b=, else the
** newest two). */
static void history_part(web_ctx *c, const contract_version *rows, size_t n) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char day[I18N_DATE_MAX];
    html_printf(b, "<section aria-labelledby=\"h-versions\">\n<h2 id=\"h-versions\">%T</h2>\n<ol>\n",
                T(L, "Versions"));
    for (size_t i = n; i-- > 0;) {
        html_printf(b, "<li>%T %d, %T: ", T(L, "Version"), rows[i].number,
                    case_day_text(L, rows[i].created_at, day, sizeof day));
        state_words(b, L, &rows[i]);
        html_printf(b, " \xE2\x80\x94 <a href=\"/cases/%lld/contract/print?version=%d\">%T</a></li>\n",
                    (long long)c->id, rows[i].number, T(L, "Print"));
    }
    html_printf(b, "</ol>\n");
    if (n >= 2) {
        int a = (int)page_parse_id(web_request_query(c->req, "a"));
        int bb = (int)page_parse_id(web_request_query(c->req, "b"));
        const contract_version *va = &rows[1], *vb = &rows[0];
        for (size_t i = 0; i < n; i++) {
            if (rows[i].number == a) va = &rows[i];
            if (rows[i].number == bb) vb = &rows[i];
        }
        html_printf(b, "<h3>%T</h3>\n", T(L, "Two versions side by side"));
        side_by_side(b, L, va, vb);
    }
    html_printf(b, "</section>\n");
}

/* The contract page (see contract_web.h). */
void contract_page_show(web_ctx *c, int status, const contract_form *form) {
    cairn_err err = {0};
    unsigned rel;
    if (!contract_viewer(c, &rel, 0)) return;
    support_case k;
    if (support_case_get(c->st, c->who->institution_id, c->id, 0, &k, &err) <= 0) {
        page_fail(c, "case", err.msg);
        return;
    }
    contract_version *rows = NULL;
    size_t n = 0;
    if (support_contract_versions(c->st, c->who->institution_id, c->id, &rows, &n, &err) < 0) {
        page_fail(c, "contract", err.msg);
        return;
    }
    if (support_case_audit(c->st, c->who->institution_id, c->who->account_id, k.learner_id, c->id,
                           "contract.view", "viewed",
                           arena_printf(c->arena, "case %lld: contract", (long long)c->id),
                           &err) != 0) {
        support_contract_versions_free(rows, n);
        page_fail(c, "contract audit", err.msg);
        return;
    }
    const i18n_lang *L = c->L;
    buf *b = c->b;
    /* not HTML: the title as text, escaped by page_begin and %T */
    const char *title = arena_printf(c->arena, "%s \xE2\x80\x94 %s", T(L, "Learner contract"),
                                     k.learner_name);
    page_begin(c, title);
    html_printf(b, "<h1>%T</h1>\n<p><a href=\"/cases/%lld\">%T</a></p>\n", title,
                (long long)c->id, T(L, "Back to the case"));
    if (form && form->problem) {
        html_printf(b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                       "tabindex=\"-1\" autofocus>\n<h2>%T</h2>\n<p>%T</p>\n</div>\n",
                    T(L, "Nothing was saved"), contract_problem_words(L, form->problem));
    } else {
        const char *done = web_request_query(c->req, "done");
        if (done && *done)
            html_printf(b, "<p class=\"notice\" role=\"status\">%T</p>\n", T(L, "Saved."));
    }
    int kw = (rel & SUPPORT_CASE_REL_KEY_WORKER) && k.state != SUPPORT_CASE_CLOSED;
    const contract_version *v = n ? &rows[0] : NULL;
    int nsig = 0;
    for (int r = 0; v && r < CONTRACT_ROLE_COUNT; r++) nsig += v->sig[r].id != 0;
    if (!v) {
        html_printf(b, "<p>%T</p>\n", T(L, "There is no contract yet."));
    } else {
        html_printf(b, "<section aria-labelledby=\"h-current\">\n<h2 id=\"h-current\">%T %d</h2>\n"
                       "<p class=\"contract-state\"><strong>", T(L, "Version"), v->number);
        state_words(b, L, v);
        html_printf(b, "</strong></p>\n<dl class=\"facts\"><dt>%T</dt><dd><code>%T</code></dd>"
                       "<dt>%T</dt><dd><code class=\"hash\">%T</code></dd></dl>\n",
                    T(L, "Code for checking the paper"), v->code, T(L, "Fingerprint (SHA-256)"),
                    v->sha256);
        const i18n_lang *CL = i18n_find(v->language);
        html_printf(b, "<pre class=\"contract-text\" lang=\"%A\" dir=\"%A\">%T</pre>\n",
                    CL ? CL->code : "en", CL && CL->rtl ? "rtl" : "ltr", v->text);
        html_printf(b, "<p><a href=\"/cases/%lld/contract/print?version=%d\">%T</a> \xC2\xB7 "
                       "<a href=\"/cases/%lld/contract/pdf?version=%d\">%T</a></p>\n",
                    (long long)c->id, v->number, T(L, "Print view"), (long long)c->id, v->number,
                    T(L, "PDF"));
        signatures_table(b, L, v);
        if (v->guardian_required && !v->signed_at[0])
            html_printf(b, "<p class=\"notice\">%T</p>\n",
                        T(L, "The learner is under the age of majority, or their birth date is "
                             "not on record: a parent or guardian signs too."));
        html_printf(b, "</section>\n");
    }
    if (kw && (!v || !nsig)) draft_form(c, v, form);
    if (kw && v && !v->signed_at[0]) sign_form(c, v, form);
    if (kw && v && nsig) {
        html_printf(b, "<h2 id=\"h-amend\">%T</h2>\n<form method=\"post\" "
                       "action=\"/cases/%lld/contract/amend\">\n", T(L, "Amend"), (long long)c->id);
        case_csrf_field(b, c->req);
        field_error(b, L, form, "amend", "*");
        html_printf(b, "<p>%T</p>\n<p><button type=\"submit\">%T</button></p>\n</form>\n",
                    T(L, "A signed version never changes: amending makes a new version from the "
                         "current goals, to be signed again."),
                    T(L, "Make a new version"));
    }
    if (n) history_part(c, rows, n);
    support_contract_versions_free(rows, n);
    page_end(c);
    c->res->status = status;
}

/*
** WEBPAGE: GET /cases/{id}/contract
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The learner contract of a case: the current version with its state,
** code, fingerprint and signatures; for the key worker the draft, sign and
** amend forms; the history with two versions side by side (?a=N&b=M).
** The key worker and the team only (403 for a leader not on the team).
*/
void page_case_contract(web_ctx *c) {
    contract_page_show(c, 200, NULL);
}

/* The contract's line on the case page (see case_view.h). */
void contract_case_summary(web_ctx *c, int64_t case_id) {
    cairn_err err = {0};
    contract_state s;
    const i18n_lang *L = c->L;
    buf *b = c->b;
    unsigned rel = 0;
    int may = access_case_relation(c->who, case_id, &rel, &err) < 0
                  ? -1 : contract_may_read(c, case_id, rel, &err);
    if (may <= 0) {
        if (may < 0) web_log(c->req, "contract access: %s", err.msg);
        return;
    }
    if (support_contract_state(c->st, c->who->institution_id, case_id, &s, &err) < 0) {
        web_log(c->req, "contract state: %s", err.msg);
        return;
    }
    char day[I18N_DATE_MAX], num[I18N_NUM_MAX];
    i18n_format_int(L, (long long)s.number, num, sizeof num);
    html_printf(b, "<section aria-labelledby=\"h-contract\">\n<h2 id=\"h-contract\">%T</h2>\n<p>",
                T(L, "Learner contract"));
    if (!s.number) {
        html_printf(b, "%T", T(L, "No contract yet."));
    } else if (s.signed_at[0]) {
        html_printf(b, T(L, "Version %T, signed on %T."), num,
                    case_day_text(L, s.signed_at, day, sizeof day));
    } else if (!s.nsignatures) {
        html_printf(b, T(L, "Version %T, a draft."), num);
    } else {
        html_printf(b, T(L, "Version %T, waiting for the signature of:"), num);
        int first = 1;
        for (int r = 0; r < CONTRACT_ROLE_COUNT; r++)
            if (s.missing[r]) {
                html_printf(b, first ? " %T" : ", %T", contract_role_words(L, r));
                first = 0;
            }
    }
    html_printf(b, " <a href=\"/cases/%lld/contract\">%T</a></p>\n</section>\n", (long long)case_id,
                T(L, "Open the contract"));
}
