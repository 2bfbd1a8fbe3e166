/*
** web/support/case_move_page.c — handing a case over to another
** institution (support/case_move.h): the section of the case page (the
** key worker's offer, or the offer waiting; on a received case the link to
** its handover record), the handover record, and the receiving school
** leaders' list of offers and their answer.  The JSON twins are
** web/support/case_move_api.c.
**
** The receiving leaders see only what the offer carries: the learner's
** name and birth date, the sending institution, the reason and the tier;
** never the sending case (it is another institution's: 404 as ever).
*/
#include "web/support/case_view.h"
#include "support/actions.h"
#include "support/case_move.h"
#include "web/html.h"
#include "web/pages.h"
#include "gen/pages.h"
#include <stdlib.h>
#include <string.h>

/* The offer waiting, or the key worker's form to offer the case to
** another institution (see case_view.h). */
int case_move_part(web_ctx *c, const support_case_detail *d, unsigned rel,
                   const case_form *form, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    int64_t inst = c->who->institution_id;
    int came = support_case_handover_exists(c->st, inst, d->c.id, err);
    if (came < 0) return -1;
    if (came)
        html_printf(b, "<p class=\"handover\"><a href=\"/cases/%lld/handover\">%T</a></p>\n",
                    (long long)d->c.id,
                    T(L, "This case came from another institution: read its handover record"));
    support_case_move *m = page_keep(c, calloc(1, sizeof *m));
    int have = support_case_move_of_case(c->st, inst, d->c.id, 1, m, err);
    if (have < 0) return -1;
    int kw = (rel & SUPPORT_CASE_REL_KEY_WORKER) && d->c.state != SUPPORT_CASE_CLOSED;
    if (!have && !kw) return 0;
    html_printf(b, "<section aria-labelledby=\"h-move\">\n<h2 id=\"h-move\">%T</h2>\n",
                T(L, "Handover to another institution"));
    case_form_error(b, L, form, "move", "move-error");
    char day[I18N_DATE_MAX];
    if (have) {
        html_printf(b, "<p>");
        html_printf(b, T(L, "Offered to <bdi>%T</bdi> on %T, waiting for an answer."), m->to_name,
                    case_day_text(L, m->asked_at, day, sizeof day));
        html_printf(b, "</p>\n<p class=\"comment\">%T</p>\n", m->reason);
        if (!strcmp(m->state, "pending")) case_withdraw_form(c, d->c.id, rel, form);
    } else {
        support_case_institution *rows = NULL;
        size_t n = 0;
        if (support_case_move_institutions(c->st, inst, &rows, &n, err) < 0) return -1;
        page_keep(c, rows);
        if (!n) {
            html_printf(b, "<p>%T</p>\n", T(L, "There is no other institution in this database "
                                               "to hand the case to."));
        } else {
            html_printf(b, "<form method=\"post\" action=\"/cases/%lld/move\">\n",
                        (long long)d->c.id);
            case_csrf_field(b, c->req);
            html_printf(b, "<p><label for=\"mv-inst\">%T</label>\n<select id=\"mv-inst\" "
                           "name=\"to_institution\" required>\n<option value=\"\">%T</option>\n",
                        T(L, "Offer the case to another institution"),
                        T(L, "Choose an institution"));
            for (size_t i = 0; i < n; i++)
                html_printf(b, "<option value=\"%lld\">%T</option>\n", (long long)rows[i].id,
                            rows[i].name);
            html_printf(b, "</select></p>\n<p class=\"muted\">%T</p>\n"
                           "<p><label for=\"mv-reason\">%T</label></p>\n"
                           "<textarea id=\"mv-reason\" name=\"reason\" rows=\"2\" required>"
                           "%T</textarea>\n<p><button type=\"submit\">%T</button></p>\n</form>\n",
                        T(L, "The learner's consent to share their support record with that "
                             "institution is checked now and again when it accepts."),
                        T(L, "Reason (required)"),
                        form && form->form && !strcmp(form->form, "move") ? form->reason : "",
                        T(L, "Offer the case"));
        }
    }
    html_printf(b, "</section>\n");
    return 0;
}

/*
** WEBPAGE: POST /cases/{id}/move
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    form
**
** Fields to_institution and reason (required): the key worker offers the
** case to another institution of the database (or asks a school leader's
** approval first).  Refused without the learner's consent to share with it.
*/
void page_case_move(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 0)) return;
    case_form form = {0};
    form.form = "move";
    form.reason = web_request_form(c->req, "reason");
    int64_t to = page_parse_id(web_request_form(c->req, "to_institution"));
    int rc = to <= 0 ? case_refuse_form(&form, SUPPORT_CASE_INST_UNKNOWN)
                     : support_case_move_ask(c->st, c->who->institution_id, c->who->account_id,
                                             rel, c->id, to, form.reason, NULL, &form.problem,
                                             &err);
    case_form_answer(c, rc, &form, &err, "offered");
}

/* Write the members of a JSON object as a definition list, nested objects
** and arrays as lists (the handover record, read-only). */
static void record_write(buf *b, json_t *v) {
    if (json_is_object(v)) {
        const char *k;
        json_t *e;
        html_printf(b, "<dl>\n");
        json_object_foreach(v, k, e) {
            html_printf(b, "<dt>%T</dt><dd>", k);
            record_write(b, e);
            html_printf(b, "</dd>\n");
        }
        html_printf(b, "</dl>\n");
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        if (!json_array_size(v)) html_printf(b, "\xE2\x80\x94");
        else html_printf(b, "<ol>\n");
        json_array_foreach(v, i, e) {
            html_printf(b, "<li>");
            record_write(b, e);
            html_printf(b, "</li>\n");
        }
        if (json_array_size(v)) html_printf(b, "</ol>\n");
    } else if (json_is_string(v)) {
        html_printf(b, "<span class=\"pre\">%T</span>", json_string_value(v));
    } else if (json_is_integer(v)) {
        html_printf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        html_printf(b, "%f", json_real_value(v));
    } else if (json_is_boolean(v)) {
        html_printf(b, "%T", json_is_true(v) ? "true" : "false");
    }
}

/*
** WEBPAGE: GET /cases/{id}/handover
** ACCESS:  school_leader key_worker teacher team_member
** BODY:    none
**
** The handover record that came with a case from another institution,
** read-only, for the case's key worker and team: the sending case's facts,
** history, team, assessments, plan goals, contracts as signed and reviews.
** Every read is written to the audit log.
*/
void page_case_handover(web_ctx *c) {
    cairn_err err = {0};
    unsigned rel;
    if (!case_viewer(c, c->id, &rel, 0)) return;
    if (!case_rel_sees_contents(rel & ~SUPPORT_CASE_REL_RECEIVER)) {
        page_refuse(c, "Only the case's key worker and team read its handover record.");
        return;
    }
    json_t *rec = NULL;
    int rc = support_case_handover_read(c->st, c->who->institution_id, c->who->account_id, c->id,
                                        &rec, &err);
    if (rc < 0) {
        page_fail(c, "handover record", err.msg);
        return;
    }
    if (!rc) {
        page_not_found(c, "No handover record", "This case did not come from another "
                                                "institution.");
        return;
    }
    const i18n_lang *L = c->L;
    page_begin(c, T(L, "Handover record"));
    html_printf(c->b, "<h1>%T</h1>\n<p><a href=\"/cases/%lld\">%T</a></p>\n<p>",
                T(L, "Handover record"), (long long)c->id, T(L, "Back to the case"));
    html_printf(c->b, T(L, "Sent by <bdi>%T</bdi>. Read-only: it is what that institution "
                           "recorded, as it was when the case was handed over."),
                json_string_value(json_object_get(rec, "from_institution")));
    html_printf(c->b, "</p>\n<section class=\"record\">\n");
    record_write(c->b, rec);
    html_printf(c->b, "</section>\n");
    json_decref(rec);
    page_end(c);
}

/* The offers waiting for the viewer's institution (see case_view.h). */
int case_moves_list(web_ctx *c, int heading_level, int show_empty, cairn_err *err) {
    buf *b = c->b;
    const i18n_lang *L = c->L;
    support_case_move *rows = NULL;
    size_t n = 0;
    if (support_case_moves_incoming(c->st, c->who->institution_id, &rows, &n, err) < 0) return -1;
    page_keep(c, rows);
    if (!n && !show_empty) return 0;
    html_printf(b, heading_level == 3 ? "<h3>%T</h3>\n" : "<h2>%T</h2>\n",
                T(L, "Cases offered by other institutions"));
    if (!n) {
        html_printf(b, "<p>%T</p>\n", T(L, "No case is offered to your institution."));
        return 0;
    }
    char day[I18N_DATE_MAX];
    html_printf(b, "<ul class=\"moves\">\n");
    for (size_t i = 0; i < n; i++) {
        html_printf(b, "<li><a href=\"/case-moves/%lld?from=%lld\"><bdi>%T</bdi></a>: ",
                    (long long)rows[i].id, (long long)rows[i].from_institution,
                    rows[i].learner_name);
        html_printf(b, T(L, "offered by <bdi>%T</bdi> on %T"), rows[i].from_name,
                    case_day_text(L, rows[i].asked_at, day, sizeof day));
        html_printf(b, "</li>\n");
    }
    html_printf(b, "</ul>\n");
    return 0;
}

/*
** WEBPAGE: GET /case-moves
** ACCESS:  school_leader
** BODY:    none
**
** The cases other institutions of the database offer to the viewer's
** institution, oldest first, each with a link to answer it.
*/
void page_case_moves(web_ctx *c) {
    cairn_err err = {0};
    page_begin(c, T(c->L, "Cases offered by other institutions"));
    html_printf(c->b, "<h1>%T</h1>\n", T(c->L, "Cases offered by other institutions"));
    if (case_moves_list(c, 2, 1, &err) < 0) {
        page_fail(c, "case moves", err.msg);
        return;
    }
    page_end(c);
}

/* The answer page of offer c->id from from with status, and the problem
** of a refused answer (SUPPORT_CASE_OK none). */
static void offer_show(web_ctx *c, int64_t from, int status, support_case_problem problem) {
    cairn_err err = {0};
    const i18n_lang *L = c->L;
    int64_t inst = c->who->institution_id;
    support_case_move *m = page_keep(c, calloc(1, sizeof *m));
    int have = support_case_move_incoming_get(c->st, inst, from, c->id, m, &err);
    if (have <= 0) {
        if (have < 0) page_fail(c, "case move", err.msg);
        else page_not_found(c, "Offer not found", "No such offer waits for your institution.");
        return;
    }
    support_case_match *mt = NULL;
    support_staff *kws = NULL;
    size_t nm = 0, nk = 0;
    if (support_case_move_matches(c->st, inst, m, &mt, &nm, &err) < 0 ||
        support_key_worker_eligible(c->st, inst, &kws, &nk, &err) < 0) {
        free(mt);
        page_fail(c, "case move", err.msg);
        return;
    }
    page_keep(c, mt);
    page_keep(c, kws);
    buf *b = c->b;
    char day[I18N_DATE_MAX];
    page_begin(c, T(L, "A case offered by another institution"));
    html_printf(b, "<h1>%T</h1>\n", T(L, "A case offered by another institution"));
    if (problem)
        html_printf(b, "<div class=\"notice error\" id=\"error-summary\" role=\"alert\" "
                       "tabindex=\"-1\" autofocus>\n<h2>%T</h2>\n<p>%T</p>\n</div>\n",
                    T(L, "Nothing was saved"), case_problem_text(L, problem));
    html_printf(b, "<dl class=\"facts\">\n<dt>%T</dt><dd><bdi>%T</bdi></dd>\n"
                   "<dt>%T</dt><dd>%T</dd>\n<dt>%T</dt><dd><bdi>%T</bdi></dd>\n"
                   "<dt>%T</dt><dd>%T</dd>\n<dt>%T</dt><dd>%T</dd>\n"
                   "<dt>%T</dt><dd class=\"comment\">%T</dd>\n</dl>\n",
                T(L, "Learner"), m->learner_name, T(L, "Date of birth"),
                m->birth_date[0] ? m->birth_date : "\xE2\x80\x94", T(L, "Offered by"),
                m->from_name, T(L, "Offered on"), case_day_text(L, m->asked_at, day, sizeof day),
                T(L, "Tier of support"), case_tier_name(L, m->tier), T(L, "Reason"), m->reason);
    html_printf(b, "<form method=\"post\" action=\"/case-moves/%lld\">\n", (long long)m->id);
    case_csrf_field(b, c->req);
    html_printf(b, "<input type=\"hidden\" name=\"from\" value=\"%lld\">\n", (long long)from);
    html_printf(b, "<fieldset><legend>%T</legend>\n", T(L, "Which of your learners is it?"));
    if (!nm)
        html_printf(b, "<p>%T</p>\n", T(L, "None of your learners has this learner reference, or "
                                           "this name and date of birth. Decline, or come back "
                                           "after the import."));
    /* proposed: the learner with the same reference (always first), else
    ** the first with the same name and birth date; else none */
    size_t proposed = nm;
    for (size_t i = 0; i < nm && proposed == nm; i++)
        if (mt[i].same_ref || mt[i].exact) proposed = i;
    for (size_t i = 0; i < nm; i++) {
        html_printf(b, "<p><label><input type=\"radio\" name=\"learner_id\" value=\"%lld\"%T> "
                       "<bdi>%T</bdi> (%T, %T)", (long long)mt[i].learner_id,
                    i == proposed ? " checked" : "", mt[i].name,
                    mt[i].ref, mt[i].birth_date[0] ? mt[i].birth_date : "\xE2\x80\x94");
        if (mt[i].same_ref)
            html_printf(b, " <strong class=\"same-ref\">%T</strong>",
                        T(L, "same learner reference"));
        html_printf(b, "</label></p>\n");
    }
    html_printf(b, "</fieldset>\n<p><label for=\"mv-kw\">%T</label>\n<select id=\"mv-kw\" "
                   "name=\"key_worker_id\">\n<option value=\"\">%T</option>\n",
                T(L, "Key worker"), T(L, "Choose a staff member"));
    for (size_t i = 0; i < nk; i++)
        html_printf(b, "<option value=\"%lld\">%T %T</option>\n", (long long)kws[i].id,
                    kws[i].given_name, kws[i].family_name);
    html_printf(b, "</select></p>\n<p><label for=\"mv-comment\">%T</label></p>\n"
                   "<textarea id=\"mv-comment\" name=\"comment\" rows=\"2\"></textarea>\n<p>",
                T(L, "Comment (required to decline)"));
    if (nm)
        html_printf(b, "<button type=\"submit\" name=\"answer\" value=\"accept\">%T</button> ",
                    T(L, "Accept the case"));
    html_printf(b, "<button type=\"submit\" name=\"answer\" value=\"decline\">%T</button></p>\n"
                   "</form>\n", T(L, "Decline"));
    page_end(c);
    c->res->status = status;
}

/*
** WEBPAGE: GET /case-moves/{id}
** ACCESS:  school_leader
** BODY:    none
**
** One offer of a case from another institution (query from: that
** institution's id): the learner's name and birth date, the sending
** institution, the reason and the tier; the answer form, proposing the
** viewer's learner with the same learner reference (marked so) first,
** then those of that name and birth date, and their key workers.
*/
void page_case_move_offer(web_ctx *c) {
    offer_show(c, page_parse_id(web_request_query(c->req, "from")), 200, SUPPORT_CASE_OK);
}

/*
** WEBPAGE: POST /case-moves/{id}
** ACCESS:  school_leader
** BODY:    form
**
** Fields from, answer (accept, decline), learner_id and key_worker_id
** (accepting), comment (required to decline): a school leader of the
** receiving institution answers the offer.  Accepting opens the case here
** with the handover record; the page of the new case follows.
*/
void page_case_move_answer(web_ctx *c) {
    cairn_err err = {0};
    int64_t from = page_parse_id(web_request_form(c->req, "from"));
    const char *a = web_request_form(c->req, "answer");
    support_case_move_answer_spec spec = {
        a && !strcmp(a, "accept"), page_parse_id(web_request_form(c->req, "learner_id")),
        page_parse_id(web_request_form(c->req, "key_worker_id")),
        web_request_form(c->req, "comment")};
    support_case_problem p = SUPPORT_CASE_OK;
    int64_t made = 0;
    unsigned rel = (c->who->roles & ACCESS_ROLE_SCHOOL_LEADER) ? SUPPORT_CASE_REL_LEADER : 0;
    if (!a || (strcmp(a, "accept") && strcmp(a, "decline"))) {   /* not from the form */
        web_error_page(c->res, 400, "Nothing was saved", "Choose accept or decline.");
        return;
    }
    int rc = support_case_move_answer(c->st, c->who->institution_id, c->who->account_id, rel,
                                      from, c->id, &spec, NULL, &made, &p, &err);
    if (rc < 0) {
        web_log(c->req, "case move answer: %s", err.msg);
        web_error_page(c->res, 500, "The change could not be saved",
                       "Something went wrong while saving. Nothing was changed. "
                       "The server log has the details.");
    } else if (rc > 0) {
        offer_show(c, from, 400, p);
    } else if (made) {
        web_redirect(c->res, arena_printf(c->arena, "/cases/%lld?done=received", (long long)made));
    } else {
        web_redirect(c->res, "/case-moves");
    }
}
