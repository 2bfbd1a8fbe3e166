/*
** web/support/case_conference_page.c — case conferences on the case page:
** the list (day, who attended, the life domains discussed, notes, how many
** decisions became tasks) and the form that records one, and its POST
** /cases/{id}/conference.  For the key worker and the team (the
** support room refuses anyone else).  A refused form shows the case page
** again (400) with the error beside the form, nothing written.
*/
#include "web/support/case_view.h"
#include "base/date.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The staff of the case who may attend and own decisions: the key worker
** then the team, as <option>s. */
static void people_options(buf *b, const support_case_detail *d) {
    html_printf(b, "<option value=\"%lld\">%T</option>\n", (long long)d->c.key_worker_id,
                d->c.key_worker_name);
    for (size_t i = 0; i < d->nteam; i++)
        html_printf(b, "<option value=\"%lld\">%T</option>\n", (long long)d->team[i].staff_id,
                    d->team[i].name);
}

/* The list of conferences. */
static void conference_list(buf *b, const i18n_lang *L, const support_case_conference *rows,
                            size_t n) {
    char day[I18N_DATE_MAX], num[I18N_NUM_MAX];
    if (!n) {
        html_printf(b, "<p>%T</p>\n", T(L, "No conference yet."));
        return;
    }
    html_printf(b, "<ul class=\"conferences\">\n");
    for (size_t i = 0; i < n; i++) {
        const support_case_conference *f = &rows[i];
        html_printf(b, "<li><strong>%T</strong> \xE2\x80\x94 <bdi>%T</bdi>\n<p>%T: ",
                    i18n_format_date(L, f->held_on, day, sizeof day), f->attendees,
                    T(L, "Life domains discussed"));
        int any = 0;
        for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++)
            if (f->domains & (1u << k)) {
                html_printf(b, any ? ", %T" : "%T", T(L, support_domain_name(k)));
                any = 1;
            }
        html_printf(b, "</p>\n");
        if (f->notes[0]) html_printf(b, "<p class=\"comment\">%T</p>\n", f->notes);
        html_printf(b, "<p class=\"muted\">");
        html_printf(b, TN(L, "%T decision, now a task.", "%T decisions, now tasks.", f->ndecisions),
                    i18n_format_int(L, (long long)f->ndecisions, num, sizeof num));
        html_printf(b, "</p></li>\n");
    }
    html_printf(b, "</ul>\n");
}

/* The form that records a conference. */
static void conference_form(web_ctx *c, const support_case_detail *d, const case_form *form) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<h3 id=\"h-conference-new\">%T</h3>\n<form method=\"post\" "
                   "action=\"/cases/%lld/conference\">\n", T(L, "Record a conference"),
                (long long)d->c.id);
    case_csrf_field(b, c->req);
    case_form_error(b, L, form, "conference", "conference-error");
    html_printf(b, "<p><label for=\"cf-day\">%T</label>\n<input id=\"cf-day\" name=\"held_on\" "
                   "type=\"date\" required></p>\n<fieldset><legend>%T</legend>\n",
                T(L, "Held on"), T(L, "Who attended"));
    html_printf(b, "<label><input type=\"checkbox\" name=\"attendee\" value=\"%lld\" checked> "
                   "<bdi>%T</bdi></label>\n", (long long)d->c.key_worker_id, d->c.key_worker_name);
    for (size_t i = 0; i < d->nteam; i++)
        html_printf(b, "<label><input type=\"checkbox\" name=\"attendee\" value=\"%lld\"> "
                       "<bdi>%T</bdi></label>\n", (long long)d->team[i].staff_id, d->team[i].name);
    html_printf(b, "</fieldset>\n<fieldset><legend>%T</legend>\n", T(L, "Life domains discussed"));
    for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++)
        html_printf(b, "<label><input type=\"checkbox\" name=\"domain\" value=\"%A\"> %T</label>\n",
                    support_domain_code(k), T(L, support_domain_name(k)));
    html_printf(b, "</fieldset>\n<p><label for=\"cf-notes\">%T</label></p>\n"
                   "<textarea id=\"cf-notes\" name=\"notes\" rows=\"3\"></textarea>\n"
                   "<fieldset><legend>%T</legend>\n", T(L, "Notes (optional)"),
                T(L, "Decisions (each becomes a task)"));
    for (int i = 0; i < 3; i++) {
        html_printf(b, "<p><label for=\"cf-what-%d\">%T</label> <input id=\"cf-what-%d\" "
                       "name=\"what\" maxlength=\"200\"> <label for=\"cf-owner-%d\">%T</label> "
                       "<select id=\"cf-owner-%d\" name=\"owner_id\">\n",
                    i, T(L, "What"), i, i, T(L, "Owner"), i);
        people_options(b, d);
        html_printf(b, "</select> <label for=\"cf-due-%d\">%T</label> <input id=\"cf-due-%d\" "
                       "name=\"due_on\" type=\"date\"></p>\n", i, T(L, "Due"), i);
    }
    html_printf(b, "</fieldset>\n<p><button type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Record the conference"));
}

/* The conferences part of the case page (see case_view.h). */
int case_conference_part(web_ctx *c, const support_case_detail *d, const case_form *form,
                         cairn_err *err) {
    support_case_conference *rows = NULL;
    size_t n = 0;
    if (support_case_conferences(c->st, c->who->institution_id, d->c.id, 1, &rows, &n, err) < 0)
        return -1;
    page_keep(c, rows);
    buf *b = c->b;
    html_printf(b, "<section aria-labelledby=\"h-conferences\">\n<h2 id=\"h-conferences\">%T</h2>\n",
                T(c->L, "Case conferences"));
    conference_list(b, c->L, rows, n);
    if (d->c.state != SUPPORT_CASE_CLOSED) conference_form(c, d, form);
    html_printf(b, "</section>\n");
    return 0;
}

/*
** WEBPAGE: POST /cases/{id}/conference
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields held_on, attendee (repeated staff ids), domain (repeated codes),
** notes, and up to five decisions as repeated what, owner_id, due_on (rows
** without words are skipped): the key worker or a team member records a
** case conference; its decisions become follow-up tasks.
*/
void page_case_conference(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 0)) return;
    if (!rel) {
        page_refuse(c, "You may not change this case.");
        return;
    }
    web_request *req = c->req;
    case_form form = {0};
    form.form = "conference";
    int64_t attendees[64];
    support_case_decision decisions[SUPPORT_CASE_DECISIONS_MAX];
    support_case_conference_spec spec = {0};
    const char *held = web_request_form(req, "held_on"), *v;
    if (!held || date_parse(held, strlen(held), &spec.held_on) < 0) spec.held_on = INT32_MAX;
    for (size_t i = 0; i < 64 && (v = web_request_form_nth(req, "attendee", i)); i++)
        attendees[spec.nattendees++] = page_parse_id(v);
    for (size_t i = 0; (v = web_request_form_nth(req, "domain", i)); i++)
        for (int k = 0; k < SUPPORT_DOMAIN_COUNT; k++)
            if (!strcmp(v, support_domain_code(k))) spec.domains |= 1u << k;
    for (size_t i = 0; (v = web_request_form_nth(req, "what", i)) && i < 16; i++) {
        if (!*v) continue;
        if (spec.ndecisions == SUPPORT_CASE_DECISIONS_MAX) break;
        support_case_decision *d = &decisions[spec.ndecisions++];
        const char *due = web_request_form_nth(req, "due_on", i);
        d->what = v;
        d->owner_id = page_parse_id(web_request_form_nth(req, "owner_id", i));
        if (!due || date_parse(due, strlen(due), &d->due_on) < 0) d->due_on = 0;
    }
    spec.attendees = attendees;
    spec.decisions = decisions;
    spec.notes = web_request_form(req, "notes");
    int rc = support_case_conference_record(c->st, c->who->institution_id, c->who->account_id,
                                            rel, c->id, &spec, NULL, &form.problem, &err);
    if (rc < 0) {
        web_log(req, "case conference: %s", err.msg);
        web_error_page(c->res, 500, "The change could not be saved",
                       "Something went wrong while saving. Nothing was changed. "
                       "The server log has the details.");
    } else if (rc > 0) {
        case_page_show(c, 400, &form);
    } else {
        web_redirect(c->res, arena_printf(c->arena, "/cases/%lld?done=conference",
                                          (long long)c->id));
    }
}
