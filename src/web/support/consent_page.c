/*
** web/support/consent_page.c — a learner's consents: the Consent section
** of the learner page (a row of learner_sections[], web/school/learner.h)
** and the consent page GET /learners/{id}/consent with its three forms:
** record a consent, withdraw one, and (school leaders) an emergency
** override.  The forms post to web/support/consent_post.c; a refused one
** comes back here with 400, the error summary at the top (focused) and each
** error beside its field.  The rules are support/consent.h's; who may do
** what is web/access.h's (ACCESS_ACT_CONSENT, ACCESS_ACT_CONSENT_OVERRIDE).
*/
#include "web/support/consent_web.h"
#include "base/date.h"
#include "school/school.h"
#include "support/audit.h"
#include "support/setting.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/school/learner.h"
#include "gen/pages.h"
#include <stdio.h>
#include <string.h>

/* The translated name of a purpose (see consent_web.h). */
const char *consent_purpose_label(const i18n_lang *L, const char *code) {
    static const char *const names[SUPPORT_CONSENT_PURPOSES] = {   /* in the codes' order */
        N_("Early-warning processing"), N_("Sharing with a named organisation"),
        N_("Family access"), N_("Contact by a service")};
    for (size_t i = 0; code && i < SUPPORT_CONSENT_PURPOSES; i++)
        if (strcmp(code, support_consent_purpose_codes[i]) == 0) return T(L, names[i]);
    return "";
}

/* The translated name of a data category (see consent_web.h). */
const char *consent_category_label(const i18n_lang *L, const char *code) {
    static const char *const names[SUPPORT_CONSENT_CATEGORIES] = {
        N_("identity"), N_("contact details"), N_("attendance"), N_("results"), N_("behaviour"),
        N_("engagement"), N_("risk flags and scores"), N_("support"), N_("health")};
    for (size_t i = 0; code && i < SUPPORT_CONSENT_CATEGORIES; i++)
        if (strcmp(code, support_consent_category_codes[i]) == 0) return T(L, names[i]);
    return "";
}

/* The translated name of a state (see consent_web.h). */
const char *consent_state_label(const i18n_lang *L, const char *state) {
    if (!state) return "";
    if (strcmp(state, "active") == 0) return T(L, "In force");
    if (strcmp(state, "withdrawn") == 0) return T(L, "Withdrawn");
    if (strcmp(state, "expired") == 0) return T(L, "Ended");
    if (strcmp(state, "pending") == 0) return T(L, "Not yet begun");
    return "";
}

/* The categories of list, translated (see consent_web.h). */
void consent_categories_html(buf *b, const i18n_lang *L, const char *list) {
    int first = 1;
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        char code[32];
        size_t n = e ? (size_t)(e - p) : strlen(p);
        snprintf(code, sizeof code, "%.*s", (int)(n < sizeof code ? n : sizeof code - 1), p);
        html_printf(b, first ? "%T" : ", %T", consent_category_label(L, code));
        first = 0;
        p = e ? e + 1 : NULL;
    }
}

/* A day "YYYY-MM-DD" as L writes it ("" stays ""). */
static const char *day_label(const i18n_lang *L, const char *iso, char *out, size_t cap) {
    int32_t d;
    out[0] = 0;
    if (!iso || strlen(iso) < 10 || date_parse(iso, 10, &d) < 0) return out;
    return i18n_format_date(L, d, out, cap);
}

/* 1 when the learner decides alone today (support/consent.h), 0 not,
** -1 error. */
static int decides_alone(web_ctx *c, cairn_err *err) {
    int64_t limit;
    int age = support_learner_age(c->st, c->who->institution_id, c->id, date_today(), err);
    if (age < -1 || support_setting_get(c->st, c->who->institution_id, SUPPORT_CONSENT_AGE_ALONE,
                                        &limit, err) < 0)
        return -1;
    return age >= 0 && age >= limit;
}

/* The table of consents rows[0..n) (receipt links when receipts); alone:
** the learner decides alone today, so a guardian's consent no longer
** counts (support_consent_check) and says so. */
static void consent_table(buf *b, const i18n_lang *L, int64_t learner,
                          const support_consent_row *rows, size_t n, int receipts, int alone) {
    if (n == 0) {
        html_printf(b, "<p>%T</p>\n", T(L, "No consent has been recorded."));
        return;
    }
    html_printf(b, "<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">%T</th>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                   "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th>",
                T(L, "No."), T(L, "Purpose"), T(L, "Recipient"), T(L, "Data"), T(L, "Period"),
                T(L, "Given by"), T(L, "State"));
    if (receipts) html_printf(b, "<th scope=\"col\">%T</th>", T(L, "Receipt"));
    html_printf(b, "</tr></thead>\n<tbody>\n");
    int32_t today = date_today();
    for (size_t i = 0; i < n; i++) {
        const support_consent_row *r = &rows[i];
        char d1[I18N_DATE_MAX], d2[I18N_DATE_MAX];
        html_printf(b, "<tr><td>%lld</td><td>%T</td><td><bdi>%T</bdi></td><td>", (long long)r->id,
                    consent_purpose_label(L, r->purpose), r->recipient[0] ? r->recipient : "—");
        consent_categories_html(b, L, r->categories);
        html_printf(b, "</td><td>");
        if (r->valid_until[0])
            html_printf(b, T(L, "%T to %T"), day_label(L, r->valid_from, d1, sizeof d1),
                        day_label(L, r->valid_until, d2, sizeof d2));
        else
            html_printf(b, T(L, "from %T"), day_label(L, r->valid_from, d1, sizeof d1));
        html_printf(b, "</td><td>");
        if (strcmp(r->given_by, "guardian") == 0)
            html_printf(b, T(L, "guardian <bdi>%T</bdi>"), r->guardian_name);
        else
            html_printf(b, "%T", T(L, "the learner"));
        const char *state = support_consent_state(r, today);
        if (alone && strcmp(state, "active") == 0 && strcmp(r->given_by, "guardian") == 0)
            html_printf(b, "</td><td>%T", T(L, "Needs the learner's own consent now"));
        else
            html_printf(b, "</td><td>%T", consent_state_label(L, state));
        if (r->withdrawn) {
            html_printf(b, " (");
            html_printf(b, T(L, "from %T"), day_label(L, r->withdrawn_effective, d1, sizeof d1));
            html_printf(b, ")");
        }
        html_printf(b, "</td>");
        if (receipts)
            html_printf(b, "<td><a href=\"/api/v1/learners/%lld/consents/receipt?consent=%lld\" "
                           "download=\"consent-%lld.json\">%T</a></td>",
                        (long long)learner, (long long)r->id, (long long)r->id,
                        T(L, "Download (JSON)"));
        html_printf(b, "</tr>\n");
    }
    html_printf(b, "</tbody></table></div>\n");
}

/* The Consent section of the learner page (web/school/learner.h). */
int support_learner_consent(web_ctx *c, const learner_view *v, const char *title,
                            cairn_err *err) {
    support_consent_row *rows;
    size_t n;
    int alone = decides_alone(c, err);
    if (alone < 0 ||
        support_consent_list(c->st, c->who->institution_id, v->id, c->arena, &rows, &n, err) < 0)
        return -1;
    html_printf(c->b, "<section aria-labelledby=\"h-consent\">\n<h2 id=\"h-consent\">%T</h2>\n",
                title);
    consent_table(c->b, c->L, v->id, rows, n, 0, alone);
    html_printf(c->b, "<p><a href=\"/learners/%lld/consent\">%T</a></p>\n</section>\n",
                (long long)v->id, T(c->L, "Consents in detail: record, withdraw, receipts"));
    return 0;
}

/* The translated sentence for a refused field. */
static const char *field_message(const i18n_lang *L, const char *field) {
    static const struct { const char *field, *msg; } m[] = {
        {"purpose", N_("Choose a purpose.")},
        {"recipient", N_("Name who receives the data: the organisation, the service or the "
                         "guardian.")},
        {"categories", N_("Choose at least one kind of data.")},
        {"category", N_("Choose at least one kind of data.")},
        {"valid_from", N_("Write a real day as YYYY-MM-DD, or leave it empty.")},
        {"valid_until", N_("Write a real day as YYYY-MM-DD, not before the start, or leave it "
                           "empty.")},
        {"effective", N_("Write a real day as YYYY-MM-DD, or leave it empty.")},
        {"given_by", N_("Below the age of deciding alone a guardian with parental "
                        "responsibility gives consent; from that age only the learner.")},
        {"guardian", N_("Give the reference of a guardian of this learner with parental "
                        "responsibility.")},
        {"method", N_("Choose how it was given.")},
        {"note", N_("At most 2000 characters of text.")},
        {"reason", N_("Write why this cannot wait for consent (at most 2000 characters).")},
        {"consent", N_("Choose a consent of this learner that is not withdrawn yet.")},
    };
    for (size_t i = 0; field && i < sizeof m / sizeof *m; i++)
        if (strcmp(m[i].field, field) == 0) return T(L, m[i].msg);
    return T(L, "Check this field.");
}

/* The form f is being shown again for action, with field refused? */
static int refused(const consent_form *f, const char *action, const char *field) {
    return f && f->action && strcmp(f->action, action) == 0 && f->field &&
           (strcmp(f->field, field) == 0 ||
            (strcmp(field, "categories") == 0 && strcmp(f->field, "category") == 0));
}

/* The submitted value of a field when f is action's form, else dflt. */
static const char *value(const consent_form *f, const char *action, const char *v,
                         const char *dflt) {
    return f && f->action && strcmp(f->action, action) == 0 ? (v ? v : "") : dflt;
}

/* A labelled text input (id = name prefixed with the form's action). */
static void text_field(buf *b, const i18n_lang *L, const consent_form *f, const char *action,
                       const char *name, const char *label, const char *val) {
    char id[48], eid[56];
    snprintf(id, sizeof id, "%s-%s", action, name);
    snprintf(eid, sizeof eid, "%s-error", id);
    int bad = refused(f, action, name);
    html_printf(b, "<p><label for=\"%A\">%T</label><br>\n", id, label);
    if (bad)
        html_printf(b, "<span class=\"field-error\" id=\"%A\" role=\"alert\">%T</span><br>\n", eid,
                    field_message(L, name));
    html_printf(b, "<input type=\"text\" id=\"%A\" name=\"%A\" value=\"%A\"", id, name, val);
    if (bad) html_printf(b, " aria-invalid=\"true\" aria-describedby=\"%A\"", eid);
    html_printf(b, "></p>\n");
}

/* A labelled select of codes[i] with labels[i] (already translated). */
static void select_field(buf *b, const i18n_lang *L, const consent_form *f, const char *action,
                         const char *name, const char *label, const char *const *codes,
                         const char *const *labels, size_t n, const char *chosen) {
    char id[48], eid[56];
    snprintf(id, sizeof id, "%s-%s", action, name);
    snprintf(eid, sizeof eid, "%s-error", id);
    int bad = refused(f, action, name);
    html_printf(b, "<p><label for=\"%A\">%T</label><br>\n", id, label);
    if (bad)
        html_printf(b, "<span class=\"field-error\" id=\"%A\" role=\"alert\">%T</span><br>\n", eid,
                    field_message(L, name));
    html_printf(b, "<select id=\"%A\" name=\"%A\"", id, name);
    if (bad) html_printf(b, " aria-invalid=\"true\" aria-describedby=\"%A\"", eid);
    html_printf(b, ">\n");
    for (size_t i = 0; i < n; i++)
        html_printf(b, chosen && strcmp(chosen, codes[i]) == 0
                           ? "<option value=\"%A\" selected>%T</option>\n"
                           : "<option value=\"%A\">%T</option>\n", codes[i], labels[i]);
    html_printf(b, "</select></p>\n");
}

/* The purposes as codes and translated labels (arrays of 4). */
static void purposes(const i18n_lang *L, const char *labels[SUPPORT_CONSENT_PURPOSES]) {
    for (size_t i = 0; i < SUPPORT_CONSENT_PURPOSES; i++)
        labels[i] = consent_purpose_label(L, support_consent_purpose_codes[i]);
}

/* The form that records a consent. */
static void record_form(web_ctx *c, const consent_form *f) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    const char *plabels[SUPPORT_CONSENT_PURPOSES];
    purposes(L, plabels);
    static const char *const givers[] = {"learner", "guardian"};
    static const char *const methods[] = {"in_person", "paper", "online"};
    const char *glabels[] = {T(L, "the learner"), T(L, "a guardian")};
    const char *mlabels[] = {T(L, "in person"), T(L, "on paper"), T(L, "online")};
    html_printf(b, "<h2 id=\"h-record\">%T</h2>\n<form method=\"post\" "
                   "action=\"/learners/%lld/consent\">\n<input type=\"hidden\" name=\"csrf\" "
                   "value=\"%A\">\n", T(L, "Record a consent"), (long long)c->id,
                c->req->session ? c->req->session->csrf : "");
    select_field(b, L, f, "record", "purpose", T(L, "Purpose"), support_consent_purpose_codes,
                 plabels, SUPPORT_CONSENT_PURPOSES, value(f, "record", f ? f->purpose : NULL, NULL));
    text_field(b, L, f, "record", "recipient",
               T(L, "Recipient (organisation, service or guardian; none for early warning)"),
               value(f, "record", f ? f->recipient : NULL, ""));
    int bad = refused(f, "record", "categories");
    const char *cats = value(f, "record", f ? f->categories : NULL, "");
    html_printf(b, "<fieldset><legend>%T</legend>\n", T(L, "Data it covers"));
    if (bad)
        html_printf(b, "<p class=\"field-error\" id=\"record-categories-error\" role=\"alert\">%T"
                       "</p>\n", field_message(L, "categories"));
    for (size_t i = 0; i < SUPPORT_CONSENT_CATEGORIES; i++) {
        const char *code = support_consent_category_codes[i];
        char name[40];
        snprintf(name, sizeof name, "cat_%s", code);
        html_printf(b, strstr(cats, code) ? "<label><input type=\"checkbox\" name=\"%A\" "
                                            "value=\"1\" checked> %T</label><br>\n"
                                          : "<label><input type=\"checkbox\" name=\"%A\" "
                                            "value=\"1\"> %T</label><br>\n",
                    name, consent_category_label(L, code));
    }
    html_printf(b, "</fieldset>\n");
    text_field(b, L, f, "record", "valid_from", T(L, "From (YYYY-MM-DD; empty: today)"),
               value(f, "record", f ? f->valid_from : NULL, ""));
    text_field(b, L, f, "record", "valid_until", T(L, "Until (YYYY-MM-DD; empty: no end)"),
               value(f, "record", f ? f->valid_until : NULL, ""));
    select_field(b, L, f, "record", "given_by", T(L, "Given by"), givers, glabels, 2,
                 value(f, "record", f ? f->given_by : NULL, "learner"));
    text_field(b, L, f, "record", "guardian", T(L, "Guardian's reference (when a guardian gives it)"),
               value(f, "record", f ? f->guardian : NULL, ""));
    select_field(b, L, f, "record", "method", T(L, "How it was given"), methods, mlabels, 3,
                 value(f, "record", f ? f->method : NULL, "in_person"));
    text_field(b, L, f, "record", "note", T(L, "Note (optional)"),
               value(f, "record", f ? f->note : NULL, ""));
    html_printf(b, "<p><button type=\"submit\">%T</button></p>\n</form>\n", T(L, "Record consent"));
}

/* The form that withdraws a consent (when there is one to withdraw). */
static void withdraw_form(web_ctx *c, const consent_form *f, const support_consent_row *rows,
                          size_t n) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    size_t open = 0;
    for (size_t i = 0; i < n; i++) open += !rows[i].withdrawn;
    if (!open) return;
    static const char *const givers[] = {"learner", "guardian"};
    const char *glabels[] = {T(L, "the learner"), T(L, "a guardian")};
    html_printf(b, "<h2 id=\"h-withdraw\">%T</h2>\n<form method=\"post\" "
                   "action=\"/learners/%lld/consent/withdraw\">\n<input type=\"hidden\" "
                   "name=\"csrf\" value=\"%A\">\n", T(L, "Withdraw a consent"), (long long)c->id,
                c->req->session ? c->req->session->csrf : "");
    const char **codes = arena_alloc(c->arena, open * sizeof *codes);
    const char **labels = arena_alloc(c->arena, open * sizeof *labels);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].withdrawn) continue;
        codes[k] = arena_printf(c->arena, "%lld", (long long)rows[i].id);
        labels[k++] = arena_printf(c->arena, "%lld: %s%s%s", (long long)rows[i].id,
                                   consent_purpose_label(L, rows[i].purpose),
                                   rows[i].recipient[0] ? ", " : "", rows[i].recipient);
    }
    select_field(b, L, f, "withdraw", "consent", T(L, "Consent"), codes, labels, open,
                 value(f, "withdraw", f ? f->consent_id : NULL, NULL));
    select_field(b, L, f, "withdraw", "given_by", T(L, "Withdrawn by"), givers, glabels, 2,
                 value(f, "withdraw", f ? f->given_by : NULL, "learner"));
    text_field(b, L, f, "withdraw", "guardian", T(L, "Guardian's reference (when a guardian gives it)"),
               value(f, "withdraw", f ? f->guardian : NULL, ""));
    text_field(b, L, f, "withdraw", "effective", T(L, "From (YYYY-MM-DD; empty: today)"),
               value(f, "withdraw", f ? f->effective : NULL, ""));
    text_field(b, L, f, "withdraw", "note", T(L, "Note (optional)"),
               value(f, "withdraw", f ? f->note : NULL, ""));
    html_printf(b, "<p><button type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Withdraw consent"));
}

/* The leader's emergency override form. */
static void override_form(web_ctx *c, const consent_form *f) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    const char *plabels[SUPPORT_CONSENT_PURPOSES], *clabels[SUPPORT_CONSENT_CATEGORIES];
    purposes(L, plabels);
    for (size_t i = 0; i < SUPPORT_CONSENT_CATEGORIES; i++)
        clabels[i] = consent_category_label(L, support_consent_category_codes[i]);
    html_printf(b, "<h2 id=\"h-override\">%T</h2>\n<p>%T</p>\n<form method=\"post\" "
                   "action=\"/learners/%lld/consent/override\">\n<input type=\"hidden\" "
                   "name=\"csrf\" value=\"%A\">\n", T(L, "Emergency override"),
                T(L, "Only when the learner's safety cannot wait for consent: the sharing is "
                     "allowed for today, your reason is kept, and the data protection officer "
                     "sees it."), (long long)c->id, c->req->session ? c->req->session->csrf : "");
    select_field(b, L, f, "override", "purpose", T(L, "Purpose"), support_consent_purpose_codes,
                 plabels, SUPPORT_CONSENT_PURPOSES,
                 value(f, "override", f ? f->purpose : NULL, "share_organisation"));
    text_field(b, L, f, "override", "recipient",
               T(L, "Recipient (organisation, service or guardian; none for early warning)"),
               value(f, "override", f ? f->recipient : NULL, ""));
    select_field(b, L, f, "override", "category", T(L, "Data it covers"),
                 support_consent_category_codes, clabels, SUPPORT_CONSENT_CATEGORIES,
                 value(f, "override", f ? f->category : NULL, NULL));
    text_field(b, L, f, "override", "reason", T(L, "Reason"),
               value(f, "override", f ? f->reason : NULL, ""));
    html_printf(b, "<p><button type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Override for today"));
}

/* The "done" notice after a form went through. */
static void done_notice(web_ctx *c) {
    const char *done = web_request_query(c->req, "done");
    const char *text = !done ? NULL
                     : strcmp(done, "recorded") == 0 ? T(c->L, "The consent was recorded.")
                     : strcmp(done, "withdrawn") == 0 ? T(c->L, "The consent was withdrawn.")
                     : strcmp(done, "override") == 0
                         ? T(c->L, "The override was recorded; the data protection officer sees it.")
                         : NULL;
    if (text) html_printf(c->b, "<p class=\"notice\" role=\"status\">%T</p>\n", text);
}

/*
** WEBPAGE: GET /learners/{id}/consent
** ACCESS:  staff
** BODY:    none
**
** The learner's consents with their history and receipts; for those who
** may (web/access.h) the forms to record and withdraw one, and for school
** leaders the emergency override.  The view is written to the audit log.
*/
void page_learner_consent(web_ctx *c) {
    consent_page_show(c, 200, NULL);
}

/* The consent page (see consent_web.h). */
void consent_page_show(web_ctx *c, int status, const consent_form *form) {
    cairn_err err = {0};
    const access_ctx *who = c->who;
    school_learner_info li;
    int found = school_learner_get(c->st, who->institution_id, c->id, &li, &err);
    int may = found > 0 ? access_can_view_learner(who, c->id, &err) : 0;
    if (found < 0 || may < 0) { page_fail(c, "consent", err.msg); return; }
    if (!found) {
        page_not_found(c, "Learner not found", "There is no learner with this number.");
        return;
    }
    if (!may) { page_refuse(c, "You may not see this learner's record."); return; }
    int record = access_can_act_on_learner(who, c->id, ACCESS_ACT_CONSENT, &err);
    int override = access_can_act_on_learner(who, c->id, ACCESS_ACT_CONSENT_OVERRIDE, &err);
    support_consent_row *rows;
    size_t n;
    int alone = decides_alone(c, &err);
    if (record < 0 || override < 0 || alone < 0 ||
        support_audit_append(c->st, who->institution_id, who->account_id, "consent.view", c->id,
                             "consent page", &err) != 0 ||
        support_consent_list(c->st, who->institution_id, c->id, c->arena, &rows, &n, &err) < 0) {
        page_fail(c, "consent", err.msg);
        return;
    }
    const char *name = arena_printf(c->arena, "%s %s", li.given_name, li.family_name);
    page_begin(c, T(c->L, "Consent"));
    html_printf(c->b, "<h1>%T: <bdi>%T</bdi></h1>\n<p><a href=\"/learners/%lld\">%T</a></p>\n",
                T(c->L, "Consent"), name, (long long)c->id, T(c->L, "Back to the learner"));
    if (form)
        html_printf(c->b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                          "tabindex=\"-1\" autofocus>\n<h2>%T</h2>\n<p>%T</p>\n</div>\n",
                    T(c->L, "Nothing was saved"), T(c->L, "The form below says what to change."));
    else
        done_notice(c);
    consent_table(c->b, c->L, c->id, rows, n, 1, alone);
    if (record) {
        record_form(c, form);
        withdraw_form(c, form, rows, n);
    }
    if (override) override_form(c, form);
    page_end(c);
    c->res->status = status;
}
