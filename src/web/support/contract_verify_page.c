/*
** web/support/contract_verify_page.c — /verify: anyone holding a printed
** learner contract types its code (and, if they like, the fingerprint
** printed beside it) and learns whether that version is signed, whether
** the fingerprint matches the version signed, and when and by whom (roles
** and initials) it was signed — not its text, nor the learner's name
** (docs/decisions.md, "The learner contract").  A wrong code is a failure
** of the sign-in throttle's pair ("#verify", address): after
** AUTH_FAIL_FREE wrong codes the address waits, growing (429).
*/
#include "web/support/contract_web.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <ctype.h>
#include <string.h>

#define VERIFY_KEY "#verify"   /* the throttle's key: never a user name */

/* The verify form (with code typed in). */
static void verify_form(buf *b, const i18n_lang *L, const char *code) {
    html_printf(b, "<form method=\"get\" action=\"/verify\" class=\"no-print\">\n<p><label "
                   "for=\"vf-code\">%T</label> <input id=\"vf-code\" name=\"code\" required "
                   "maxlength=\"40\" autocomplete=\"off\" value=\"%A\"></p>\n<p><label "
                   "for=\"vf-fp\">%T</label> <input id=\"vf-fp\" name=\"fingerprint\" "
                   "maxlength=\"100\" autocomplete=\"off\"></p>\n<p><button type=\"submit\">%T"
                   "</button></p>\n</form>\n",
                T(L, "Code printed on the contract"), code ? code : "",
                T(L, "Fingerprint printed on it (optional)"), T(L, "Check"));
}

/*
** WEBPAGE: GET /verify
** ACCESS:  public
** BODY:    none
**
** The form to check a printed learner contract; ?code=C&fingerprint=F
** goes on to /verify/C (the code as printed, the fingerprint when it is
** hex digits); a code of the wrong shape says so (404) without a lookup.
*/
void page_verify_form(web_ctx *c) {
    const char *code = web_request_query(c->req, "code");
    const char *fp = web_request_query(c->req, "fingerprint");
    char norm[CONTRACT_CODE_CHARS + 1];
    int typed = code && *code;
    if (typed && support_contract_code_normalise(code, norm) == 0) {
        int hex = fp && *fp && strlen(fp) <= 100;
        for (const char *q = fp; hex && *q; q++)
            hex = isxdigit((unsigned char)*q);
        web_redirect(c->res, arena_printf(c->arena, "/verify/%.4s-%.4s-%.4s-%.4s%s%s", norm,
                                          norm + 4, norm + 8, norm + 12,
                                          hex ? "?fingerprint=" : "", hex ? fp : ""));
        return;
    }
    const i18n_lang *L = c->L;
    if (typed) c->res->status = 404;
    html_page_begin(c->b, L->code, T(L, "Check a learner contract"));
    html_printf(c->b, "<h1>%T</h1>\n", T(L, "Check a learner contract"));
    if (typed)
        html_printf(c->b, "<div class=\"notice error\" role=\"alert\"><p><strong>%T</strong></p>"
                          "<p>%T</p></div>\n", T(L, "No contract has this code."),
                    T(L, "Check the code on the paper: four groups of four letters and digits."));
    else
        html_printf(c->b, "<p>%T</p>\n", T(L, "Type the code printed at the foot of the contract."));
    verify_form(c->b, L, code);
    html_page_end(c->b);
}

/* Look the code up, throttled: 1 with *v filled (v->found 0 for a wrong
** code, its failure recorded), 0 answered (429, 503, 500). */
static int verify_lookup(web_ctx *c, const char *fp, contract_verdict *v, int json) {
    cairn_err err = {0};
    const char *addr = c->req->client_addr ? c->req->client_addr : "";
    int64_t now = auth_now(), wait = 0;
    if (!c->st) {
        if (json) web_error_json(c->res, 503, "unavailable", "The database cannot be reached.");
        else web_error_page(c->res, 503, "Database unavailable",
                            "The database cannot be reached right now. Please try again in a "
                            "minute.");
        return 0;
    }
    if (auth_login_wait(c->st, VERIFY_KEY, addr, now, &wait, &err) < 0) goto fail;
    if (wait > 0) {
        c->res->retry_after = (int)wait;
        if (json)
            web_error_json(c->res, 429, "too_many_requests",
                           "Too many wrong codes from here. Wait a little before the next try.");
        else
            web_error_page(c->res, 429, "Too many wrong codes",
                           "Too many wrong codes from here. Wait a little before the next try: "
                           "the wait grows with each wrong code.");
        return 0;
    }
    if (support_contract_verify(c->st, c->code, fp, v, &err) < 0) goto fail;
    if (!v->found && auth_throttle_fail(c->st, VERIFY_KEY, addr, now, &err) < 0) goto fail;
    return 1;
fail:
    if (json) api_fail(c, "verify", err.msg);
    else page_fail(c, "verify", err.msg);
    return 0;
}

/*
** WEBPAGE: GET /verify/{code}
** ACCESS:  public
** BODY:    none
**
** Whether the contract version with this code is signed, whether the
** ?fingerprint= typed matches it, and when and by whom (roles and
** initials) it was signed.  A wrong code says so (404) and counts against
** the address (429 after a few).
*/
void page_verify(web_ctx *c) {
    const char *fp = web_request_query(c->req, "fingerprint");
    contract_verdict v;
    if (!verify_lookup(c, fp, &v, 0)) return;
    const i18n_lang *L = c->L;
    buf *b = c->b;
    char day[I18N_DATE_MAX];
    html_page_begin(b, L->code, T(L, "Check a learner contract"));
    html_printf(b, "<h1>%T</h1>\n", T(L, "Check a learner contract"));
    if (!v.found) {
        c->res->status = 404;
        html_printf(b, "<div class=\"notice error\" role=\"alert\"><p><strong>%T</strong></p>"
                       "<p>%T</p></div>\n", T(L, "No contract has this code."),
                    T(L, "Check the code on the paper: four groups of four letters and digits."));
        verify_form(b, L, c->code);
        html_page_end(b);
        return;
    }
    html_printf(b, "<div class=\"notice%T\" role=\"status\"><p><strong>",
                v.is_signed && !(v.fingerprint_given && !v.fingerprint_matches) ? "" : " error");
    char num[I18N_NUM_MAX];
    i18n_format_int(L, (long long)v.number, num, sizeof num);
    if (v.is_signed)
        html_printf(b, T(L, "Version %T of this learner contract was signed on %T."), num,
                    case_day_text(L, v.signed_at, day, sizeof day));
    else
        html_printf(b, T(L, "Version %T of this learner contract is not signed (yet)."), num);
    html_printf(b, "</strong></p>\n");
    if (v.fingerprint_given)
        html_printf(b, "<p><strong>%T</strong></p>\n",
                    v.fingerprint_matches
                        ? T(L, "The fingerprint matches: the paper is the version on record.")
                        : T(L, "The fingerprint does NOT match: this paper is not the version "
                               "on record."));
    else
        html_printf(b, "<p>%T</p>\n", T(L, "Type the fingerprint printed on the paper as well to "
                                           "check that its text is the version on record."));
    if (v.superseded)
        html_printf(b, "<p>%T</p>\n", T(L, "A later version has been signed since: this one is "
                                           "no longer the one in force."));
    html_printf(b, "</div>\n<dl class=\"facts\"><dt>%T</dt><dd>%T</dd><dt>%T</dt><dd><code "
                   "class=\"hash\">%T</code></dd></dl>\n", T(L, "School"), v.institution,
                T(L, "Fingerprint on record (SHA-256)"), v.sha256);
    if (v.nsig) {
        html_printf(b, "<table><caption>%T</caption>\n<thead><tr><th scope=\"col\">%T</th><th "
                       "scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                       "</tr></thead>\n<tbody>\n", T(L, "Signatures"), T(L, "Role"),
                    T(L, "Initials"), T(L, "When"), T(L, "How"));
        for (int i = 0; i < v.nsig; i++)
            html_printf(b, "<tr><td>%T</td><td><bdi>%T</bdi></td><td>%T</td><td>%T</td></tr>\n",
                        contract_role_words(L, v.sig[i].role), v.sig[i].initials,
                        case_day_text(L, v.sig[i].at, day, sizeof day),
                        contract_method_words(L, v.sig[i].method));
        html_printf(b, "</tbody>\n</table>\n");
    }
    html_page_end(b);
}

/*
** WEBPAGE: GET /api/v1/verify/{code}
** ACCESS:  public
** BODY:    none
**
** The same as JSON: {"found", "version", "signed", "signed_at",
** "superseded", "fingerprint_matches" (null when none was given),
** "institution", "sha256", "signatures": [{"role", "initials",
** "signed_at", "method"}]}; 404 for a wrong code, 429 after a few.
*/
void api_verify(web_ctx *c) {
    const char *fp = web_request_query(c->req, "fingerprint");
    contract_verdict v;
    if (!verify_lookup(c, fp, &v, 1)) return;
    if (!v.found) {
        api_not_found(c, "No contract has this code.");
        return;
    }
    json_t *sigs = json_array();
    for (int i = 0; i < v.nsig; i++)
        json_array_append_new(sigs, json_pack("{s:s,s:s,s:s,s:s}", "role",
                                              contract_role_code(v.sig[i].role), "initials",
                                              v.sig[i].initials, "signed_at", v.sig[i].at,
                                              "method", contract_method_code(v.sig[i].method)));
    api_reply(c, 200, json_pack("{s:b,s:i,s:b,s:o,s:b,s:o,s:s,s:s,s:o}", "found", 1, "version",
                                v.number, "signed", v.is_signed, "signed_at",
                                api_json_text(v.signed_at), "superseded", v.superseded,
                                "fingerprint_matches",
                                v.fingerprint_given ? json_boolean(v.fingerprint_matches)
                                                    : json_null(),
                                "institution", v.institution, "sha256", v.sha256,
                                "signatures", sigs));
}
