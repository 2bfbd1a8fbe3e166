/*
** web/support/learner_actions.c — the support room's row of the learner
** page (web/school/learner.h): the Actions section (acknowledge a current
** flag with a comment; see and name the key worker), and the JSON forms of
** both (web/support/support_pages.h).  The POST endpoints are
** web/support/acknowledge.c and web/support/key_worker.c.
**
** The forms work without JavaScript: a change that goes through answers
** 303 back to /learners/{id}?done=... (Post/Redirect/Get, shown as a status
** notice); refused input re-renders the learner page with 400 and the error
** next to its field (aria-describedby, aria-invalid), nothing written.  The
** gate has checked the CSRF field "csrf" before the handler runs; who may
** act is decided by access_can_act_on_learner() (web/access.h); the writers
** (web/actions.h) write the audit events.
*/
#include "web/actions.h"
#include "base/date.h"
#include "risk/risk_read.h"
#include "school/school.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/api.h"
#include "web/school/learner.h"
#include "web/support/support_pages.h"
#include <stdlib.h>
#include <string.h>

/* Write the error paragraph (id) for problem p, translated, next to its
** field. */
static void field_error(buf *b, const i18n_lang *L, const char *id, support_problem p) {
    char num[I18N_NUM_MAX];
    html_printf(b, "<p class=\"field-error\" id=\"%A\" role=\"alert\">", id);
    switch (p) {
    case SUPPORT_FLAG_MISSING:
    case SUPPORT_FLAG_NOT_CURRENT:
        html_printf(b, "%T", T(L, "This flag is no longer one of the learner's current flags, "
                                  "so it cannot be acknowledged. Nothing was saved."));
        break;
    case SUPPORT_COMMENT_EMPTY:
        html_printf(b, "%T", T(L, "Write a comment: what you noticed or did about this flag."));
        break;
    case SUPPORT_COMMENT_TOO_LONG:
        html_printf(b, T(L, "The comment is too long: write at most %T characters."),
                    i18n_format_int(L, SUPPORT_COMMENT_MAX, num, sizeof num));
        break;
    case SUPPORT_COMMENT_BAD_TEXT:
        html_printf(b, "%T", T(L, "The comment holds characters that cannot be stored (control "
                                  "characters or broken text). Please type it again."));
        break;
    case SUPPORT_STAFF_MISSING:
        html_printf(b, "%T", T(L, "Choose a staff member from the list."));
        break;
    case SUPPORT_STAFF_UNKNOWN:
    case SUPPORT_STAFF_NOT_ELIGIBLE:
        html_printf(b, "%T", T(L, "This staff member cannot be named key worker. Choose one "
                                  "from the list."));
        break;
    case SUPPORT_OK: break;
    }
    html_printf(b, "</p>\n");
}

/* A stored ISO time or date ("2025-03-14T08:00:00Z") as L writes the date. */
static const char *day_text(const i18n_lang *L, const char *iso, char *out, size_t cap) {
    int32_t days;
    if (!iso || strlen(iso) < 10 || date_parse(iso, 10, &days) < 0) {
        out[0] = 0;
        return out;
    }
    return i18n_format_date(L, days, out, cap);
}

/* The acknowledgements of flag code among acks[0..n), as a list. */
static void ack_items(buf *b, const i18n_lang *L, const support_ack *acks, size_t n,
                      const char *code) {
    int any = 0;
    char d1[I18N_DATE_MAX], d2[I18N_DATE_MAX];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(acks[i].rule_code, code) != 0) continue;
        if (!any) html_printf(b, "<ul class=\"acks\">\n");
        any = 1;
        html_printf(b, "<li><p class=\"muted\">");
        html_printf(b, T(L, "Acknowledged by <bdi>%T</bdi> on %T for the score of %T:"),
                    acks[i].by[0] ? acks[i].by : "?", day_text(L, acks[i].at, d1, sizeof d1),
                    day_text(L, acks[i].asof, d2, sizeof d2));
        html_printf(b, "</p>\n<p class=\"comment\">%T</p></li>\n", acks[i].comment);
    }
    if (any) html_printf(b, "</ul>\n");
}

/* One flag's block: its name, its acknowledgements and the form to add
** one (index k makes the ids unique; form is shown again when it was for
** this flag). */
static void ack_form(buf *b, web_request *req, const i18n_lang *L, int64_t learner_id,
                     const char *code, int k, const support_ack *acks, size_t n,
                     const page_action_form *form) {
    int mine = form && form->action && strcmp(form->action, "acknowledge") == 0 &&
               form->flag && strcmp(form->flag, code) == 0 &&
               strcmp(support_problem_field(form->problem), "comment") == 0;
    char fid[48], hid[48], eid[48];
    snprintf(fid, sizeof fid, "ack-comment-%d", k);
    snprintf(hid, sizeof hid, "ack-hint-%d", k);
    snprintf(eid, sizeof eid, "ack-error-%d", k);
    html_printf(b, "<div class=\"action\">\n<h4>%T</h4>\n", page_flag_name(L, code));
    ack_items(b, L, acks, n, code);
    char num[I18N_NUM_MAX];
    html_printf(b, "<form method=\"post\" action=\"/learners/%lld/acknowledge\">\n"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
                   "<input type=\"hidden\" name=\"flag\" value=\"%A\">\n"
                   "<p><label for=\"%A\">",
                (long long)learner_id, req->session ? req->session->csrf : "", code, fid);
    html_printf(b, T(L, "Your comment on: %T"), page_flag_name(L, code));
    html_printf(b, "</label></p>\n<p class=\"muted\" id=\"%A\">", hid);
    html_printf(b, T(L, "What you noticed or did about it; up to %T characters."),
                i18n_format_int(L, SUPPORT_COMMENT_MAX, num, sizeof num));
    html_printf(b, "</p>\n");
    if (mine) field_error(b, L, eid, form->problem);
    html_printf(b, "<textarea id=\"%A\" name=\"comment\" rows=\"3\" required "
                   "aria-describedby=\"%A", fid, hid);
    if (mine) html_printf(b, " %A\" aria-invalid=\"true\">", eid);
    else html_printf(b, "\">");
    html_printf(b, "%T</textarea>\n<p><button type=\"submit\">%T</button></p>\n</form>\n</div>\n",
                mine && form->comment ? form->comment : "", T(L, "Acknowledge this flag"));
}

/* The key worker part: who it is, and the form for those who may name
** one.  0 or -1 (err set). */
static int key_worker_part(buf *b, web_request *req, const i18n_lang *L, const access_ctx *who,
                           int64_t learner_id, const page_action_form *form, cairn_err *err) {
    support_key_worker kw;
    char d[I18N_DATE_MAX];
    int have = support_key_worker_current(who->st, who->institution_id, learner_id, &kw, err);
    if (have < 0) return -1;
    html_printf(b, "<h3 id=\"h-key-worker\">%T</h3>\n<p>", T(L, "Key worker"));
    if (have)
        html_printf(b, T(L, "<bdi>%T %T</bdi> is the key worker since %T."), kw.staff.given_name,
                    kw.staff.family_name, day_text(L, kw.assigned_at, d, sizeof d));
    else
        html_printf(b, "%T", T(L, "No key worker has been named yet."));
    html_printf(b, "</p>\n");
    int may = access_can_act_on_learner(who, learner_id, ACCESS_ACT_ASSIGN_KEY_WORKER, err);
    if (may <= 0) return may;
    support_staff *staff = NULL;
    size_t n = 0;
    if (support_key_worker_eligible(who->st, who->institution_id, &staff, &n, err) < 0) return -1;
    if (n == 0) {
        html_printf(b, "<p class=\"muted\">%T</p>\n",
                    T(L, "Nobody can be named yet: a key worker needs an account with the key "
                         "worker role."));
        free(staff);
        return 0;
    }
    int mine = form && form->action && strcmp(form->action, "key-worker") == 0 &&
               form->problem != SUPPORT_OK;
    int64_t chosen = mine ? form->staff_id : have ? kw.staff.id : 0;
    html_printf(b, "<form method=\"post\" action=\"/learners/%lld/key-worker\">\n"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
                   "<p><label for=\"kw-staff\">%T</label></p>\n",
                (long long)learner_id, req->session ? req->session->csrf : "",
                T(L, "Name a key worker"));
    if (mine) field_error(b, L, "kw-error", form->problem);
    html_printf(b, mine ? "<p><select id=\"kw-staff\" name=\"staff_id\" required "
                          "aria-describedby=\"kw-error\" aria-invalid=\"true\">\n"
                        : "<p><select id=\"kw-staff\" name=\"staff_id\" required>\n");
    html_printf(b, "<option value=\"\">%T</option>\n", T(L, "Choose a staff member"));
    for (size_t i = 0; i < n; i++) {
        const support_staff *s = &staff[i];
        html_printf(b, s->id == chosen ? "<option value=\"%lld\" selected>%T %T"
                                       : "<option value=\"%lld\">%T %T",
                    (long long)s->id, s->given_name, s->family_name);
        if (s->job_title[0]) html_printf(b, " (%T)", s->job_title);
        html_printf(b, "</option>\n");
    }
    html_printf(b, "</select></p>\n<p><button type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Assign key worker"));
    free(staff);
    return 0;
}

/* The Actions section of the learner page (see web/school/learner.h): per
** current flag its acknowledgements and a form to acknowledge it; the
** current key worker and, when the viewer may assign one, a form to do
** so; v->form (may be NULL) is a refused submission to show again. */
int support_learner_actions(web_ctx *c, const learner_view *v, const char *title,
                            cairn_err *err) {
    web_request *req = c->req;
    buf *b = c->b;
    const i18n_lang *L = c->L;
    const access_ctx *who = c->who;
    int64_t learner_id = v->id;
    const risk_attention_row *sc = v->score;
    int have = v->have;
    const page_action_form *form = v->form;
    support_ack *acks = NULL;
    size_t n = 0;
    if (support_ack_list(who->st, who->institution_id, learner_id, &acks, &n, err) < 0)
        return -1;
    html_printf(b, "<section aria-labelledby=\"h-actions\">\n<h2 id=\"h-actions\">%T</h2>\n"
                   "<h3 id=\"h-acknowledge\">%T</h3>\n",
                title, T(L, "Acknowledge the flags"));
    if (form && form->action && strcmp(form->action, "acknowledge") == 0 &&
        strcmp(support_problem_field(form->problem), "flag") == 0)
        field_error(b, L, "ack-error", form->problem);
    if (!have || sc->nflags == 0) {
        html_printf(b, "<p>%T</p>\n", T(L, "There are no current flags to acknowledge."));
    } else {
        html_printf(b, "<p class=\"muted\">%T</p>\n",
                    T(L, "Say that you have seen a flag and what you did about it. Everyone "
                         "who may open this record reads it."));
        int can = access_can_act_on_learner(who, learner_id, ACCESS_ACT_ACKNOWLEDGE, err);
        if (can < 0) {
            free(acks);
            return -1;
        }
        for (int i = 0; can && i < sc->nflags; i++)
            ack_form(b, req, L, learner_id, sc->flag_codes[i], i, acks, n, form);
    }
    free(acks);
    if (key_worker_part(b, req, L, who, learner_id, form, err) < 0) return -1;
    html_printf(b, "</section>\n");
    return 0;
}

/* ---- the JSON forms ----------------------------------------------------------- */

/* An acknowledgement as a JSON object. */
json_t *support_json_ack(const support_ack *a) {
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)a->id,
                     "learner_id", (json_int_t)a->learner_id, "flag", a->rule_code,
                     "asof", a->asof, "comment", a->comment, "at", a->at,
                     "account_id", (json_int_t)a->account_id, "by", a->by);
}

/* A key worker assignment as a JSON object. */
json_t *support_json_key_worker(const support_key_worker *k) {
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:s,s:o}", "learner_id",
                     (json_int_t)k->learner_id, "staff_id", (json_int_t)k->staff.id,
                     "ref", k->staff.ref, "given_name", k->staff.given_name,
                     "family_name", k->staff.family_name,
                     "job_title", api_json_text(k->staff.job_title),
                     "assigned_at", k->assigned_at,
                     "assigned_by", k->assigned_by ? json_integer(k->assigned_by) : json_null());
}

/* The learner's acknowledgements (newest first) and current key worker
** into *acks and *kw (new references).  0 or -1 (err set). */
int support_learner_json(web_ctx *c, int64_t id, json_t **acks, json_t **kw, cairn_err *err) {
    store *st = c->st;
    int64_t inst = c->who->institution_id;
    support_ack *rows = NULL;
    size_t n = 0;
    support_key_worker cur;
    int have;
    int listed = support_ack_list(st, inst, id, &rows, &n, err);
    page_keep(c, rows);
    if (listed < 0 || (have = support_key_worker_current(st, inst, id, &cur, err)) < 0)
        return -1;
    *acks = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(*acks, support_json_ack(&rows[i]));
    *kw = have ? support_json_key_worker(&cur) : json_null();
    return 0;
}

