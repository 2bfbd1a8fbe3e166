/*
** web/support/privacy.c — the data protection officer's page: every
** emergency override of consent with its reason, every consent (without
** notes) with its state, and the erasures; the same as JSON.  School
** leaders see it too (they make the overrides).  The view is audited.
*/
#include "web/support/consent_web.h"
#include "base/date.h"
#include "support/audit.h"
#include "web/api.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <string.h>

/* What the page shows, read once: overrides, consents, erasures. */
typedef struct privacy_view {
    support_consent_override_row *ov;
    support_consent_row          *cs;
    size_t                        nov, ncs;
    int64_t                       erased;
} privacy_view;

/* Read the view, audited.  0 or -1 (err set). */
static int privacy_read(web_ctx *c, privacy_view *v, cairn_err *err) {
    int64_t inst = c->who->institution_id;
    if (support_audit_append(c->st, inst, c->who->account_id, "privacy.view", 0,
                             "overrides and consents", err) != 0 ||
        support_consent_override_list(c->st, inst, 0, c->arena, &v->ov, &v->nov, err) < 0 ||
        support_consent_list(c->st, inst, 0, c->arena, &v->cs, &v->ncs, err) < 0 ||
        store_query_int64(c->st, "SELECT count(*) FROM learner_erasure WHERE institution_id = ?",
                          inst, &v->erased, err) < 0)
        return -1;
    return 0;
}

/*
** WEBPAGE: GET /privacy
** ACCESS:  data_protection_officer school_leader
** BODY:    none
** NAV:     80 Privacy
**
** Emergency overrides (newest first, with the leader's reason), every
** consent with its state, and how many learners were erased.
*/
void page_privacy(web_ctx *c) {
    cairn_err err = {0};
    privacy_view v = {0};
    if (privacy_read(c, &v, &err) < 0) { page_fail(c, "privacy", err.msg); return; }
    buf *b = c->b;
    const i18n_lang *L = c->L;
    char num[I18N_NUM_MAX];
    page_begin(c, T(L, "Privacy"));
    html_printf(b, "<h1>%T</h1>\n<h2>%T</h2>\n", T(L, "Privacy"), T(L, "Emergency overrides"));
    if (!v.nov) html_printf(b, "<p>%T</p>\n", T(L, "There has been no emergency override."));
    else
        html_printf(b, "<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">%T</th>"
                       "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                       "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                       "</tr></thead>\n<tbody>\n", T(L, "Day"), T(L, "Learner"), T(L, "Purpose"),
                    T(L, "Recipient"), T(L, "Data"), T(L, "Reason"), T(L, "By"));
    for (size_t i = 0; i < v.nov; i++) {
        const support_consent_override_row *o = &v.ov[i];
        html_printf(b, "<tr><td>%T</td><td><bdi>%T</bdi></td><td>%T</td><td><bdi>%T</bdi></td>"
                       "<td>%T</td><td>%T</td><td><bdi>%T</bdi></td></tr>\n", o->day,
                    o->learner_name, consent_purpose_label(L, o->purpose), o->recipient,
                    consent_category_label(L, o->category), o->reason, o->account_name);
    }
    if (v.nov) html_printf(b, "</tbody></table></div>\n");
    html_printf(b, "<h2>%T</h2>\n", T(L, "Consents"));
    if (!v.ncs) html_printf(b, "<p>%T</p>\n", T(L, "No consent has been recorded."));
    else
        html_printf(b, "<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">%T</th>"
                       "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                       "<th scope=\"col\">%T</th><th scope=\"col\">%T</th></tr></thead>\n<tbody>\n",
                    T(L, "No."), T(L, "Learner"), T(L, "Purpose"), T(L, "Recipient"),
                    T(L, "Data"), T(L, "State"));
    int32_t today = date_today();
    for (size_t i = 0; i < v.ncs; i++) {
        const support_consent_row *r = &v.cs[i];
        html_printf(b, "<tr><td>%lld</td><td>%T</td><td>%T</td><td><bdi>%T</bdi></td><td>",
                    (long long)r->id, r->learner_ref, consent_purpose_label(L, r->purpose),
                    r->recipient);
        consent_categories_html(b, L, r->categories);
        html_printf(b, "</td><td>%T</td></tr>\n", consent_state_label(L, support_consent_state(r, today)));
    }
    if (v.ncs) html_printf(b, "</tbody></table></div>\n");
    html_printf(b, "<h2>%T</h2>\n<p>", T(L, "Erasures"));
    html_printf(b, T(L, "Learners erased (anonymised): %T."),
                i18n_format_int(L, (long)v.erased, num, sizeof num));
    html_printf(b, "</p>\n");
    page_end(c);
}

/*
** WEBPAGE: GET /api/v1/privacy
** ACCESS:  data_protection_officer school_leader
** BODY:    none
**
** The privacy page as JSON: {"overrides": [...], "consents": [...],
** "erased_learners": N}.
*/
void api_privacy(web_ctx *c) {
    cairn_err err = {0};
    privacy_view v = {0};
    if (privacy_read(c, &v, &err) < 0) { api_fail(c, "privacy", err.msg); return; }
    json_t *o = json_array(), *cs = json_array();
    for (size_t i = 0; i < v.nov; i++) json_array_append_new(o, consent_override_json(&v.ov[i]));
    for (size_t i = 0; i < v.ncs; i++) {
        json_t *r = consent_row_json(&v.cs[i]);
        json_object_del(r, "note");   /* the officer sees the record, not the notes */
        json_object_set_new(r, "learner", json_string(v.cs[i].learner_ref));
        json_array_append_new(cs, r);
    }
    api_reply(c, 200, json_pack("{s:o, s:o, s:I}", "overrides", o, "consents", cs,
                                "erased_learners", (json_int_t)v.erased));
}
