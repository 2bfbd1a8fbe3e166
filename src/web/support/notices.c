/*
** web/support/notices.c — the signed-in person's notices (support/notice.h):
** GET /notices lists them with "mark read" (POST /notices/{id}/read,
** POST /notices/read-all) and the mail preference form (POST
** /notices/settings), and for administrators whether mail is on;
** GET /api/v1/notices is the same as JSON.  The
** navigation shows the unread count (page_nav_notices, web/page.c).
*/
#include "web/api.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/mail.h"
#include "web/page.h"
#include "support/notice.h"
#include "gen/pages.h"
#include <stdlib.h>
#include <string.h>

#define NOTICES_SHOWN 100

/* One notice as a sentence in the reader's language, with a link to the
** learner when it is about one. */
static void notice_write(web_ctx *c, const support_notice *n) {
    const i18n_lang *L = c->L;
    if (!strcmp(n->kind, SUPPORT_NOTICE_KEYWORKER) || !strcmp(n->kind, SUPPORT_NOTICE_FLAGGED)) {
        html_printf(c->b, "%T <a href=\"/learners/%lld\">%T</a>",
                    !strcmp(n->kind, SUPPORT_NOTICE_KEYWORKER)
                        ? T(L, "You were named key worker of")
                        : T(L, "Newly flagged in your caseload:"),
                    (long long)n->learner_id, n->learner_name);
        if (n->detail[0]) html_printf(c->b, " <span class=\"muted\">(%T)</span>", n->detail);
    } else if (!strcmp(n->kind, SUPPORT_NOTICE_HANDOVER)) {
        html_printf(c->b, T(L, "Your new key worker is <bdi>%T</bdi>."), n->detail);
    } else {
        html_printf(c->b, "%T %T", !strcmp(n->kind, SUPPORT_NOTICE_IMPORT_FAILED)
                                       ? T(L, "An import failed:")
                                       : T(L, "A scoring run failed:"),
                    n->detail);
    }
}

/* The mail preference form. */
static void notices_settings_form(web_ctx *c, support_mail_pref pref, const char *csrf) {
    const i18n_lang *L = c->L;
    static const support_mail_pref all[] = {SUPPORT_MAIL_EACH, SUPPORT_MAIL_DIGEST, SUPPORT_MAIL_NONE};
    const char *labels[] = {T(L, "Each notice as it comes"), T(L, "One digest a day"),
                            T(L, "No mail")};
    html_printf(c->b, "<h2 id=\"mail-settings\">%T</h2>\n<form method=\"post\" action=\"/notices/settings\">\n"
                      "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n<fieldset><legend>%T</legend>\n",
                T(L, "Mail settings"), csrf, T(L, "What cairn mails you"));
    for (int i = 0; i < 3; i++)
        html_printf(c->b, all[i] == pref
                              ? "<label><input type=\"radio\" name=\"mail\" value=\"%A\" checked> %T</label><br>\n"
                              : "<label><input type=\"radio\" name=\"mail\" value=\"%A\"> %T</label><br>\n",
                    support_mail_pref_code(all[i]), labels[i]);
    html_printf(c->b, "</fieldset>\n<button type=\"submit\">%T</button>\n</form>\n", T(L, "Save"));
}

/* For administrators: whether mail is on (mail_status, web/mail.h) and the
** queue, one line. */
static void notices_mail_line(web_ctx *c) {
    cairn_err err = {0};
    mail_status_info ms;
    const i18n_lang *L = c->L;
    if (!(c->who->roles & ACCESS_ROLE_ADMINISTRATOR)) return;
    if (mail_status(c->st, &ms, &err) < 0) {
        web_log(c->req, "mail status: %s", err.msg);
        return;
    }
    if (!ms.on)
        html_printf(c->b, "<p class=\"mail-status\">%T</p>\n",
                    T(L, "Mail is off: no mail relay is configured (cairn serve --smtp). "
                         "Notices still appear here; their mail waits in the queue."));
    else
        html_printf(c->b, "<p class=\"mail-status\">%T %T. %T %lld, %T %lld, %T %lld.</p>\n",
                    T(L, "Mail goes out through"), ms.relay, T(L, "Queued:"),
                    (long long)ms.counts.queued, T(L, "sent:"), (long long)ms.counts.sent,
                    T(L, "failed:"), (long long)ms.counts.failed);
}

/*
** WEBPAGE: GET /notices
** ACCESS:  signed-in
** BODY:    none
** NAV:     90 Notices
**
** The viewer's notices, newest first, unread ones with a "mark read"
** button, and what they receive by mail.
*/
void page_notices(web_ctx *c) {
    cairn_err err = {0};
    support_notice *rows;
    size_t n;
    support_mail_pref pref;
    if (support_notice_list(c->st, c->who->account_id, NOTICES_SHOWN, &rows, &n, &err) < 0 ||
        support_mail_pref_get(c->st, c->who->account_id, &pref, &err) < 0) {
        page_fail(c, "notices", err.msg);
        return;
    }
    page_keep(c, rows);
    const i18n_lang *L = c->L;
    const char *csrf = c->req->session ? c->req->session->csrf : "";
    page_begin(c, T(L, "Notices"));
    html_printf(c->b, "<h1>%T</h1>\n", T(L, "Notices"));
    int unread = 0;
    for (size_t i = 0; i < n; i++) unread += !rows[i].read;
    if (!n) html_printf(c->b, "<p>%T</p>\n", T(L, "You have no notices."));
    if (unread)
        html_printf(c->b, "<form method=\"post\" action=\"/notices/read-all\">"
                          "<input type=\"hidden\" name=\"csrf\" value=\"%A\">"
                          "<button type=\"submit\">%T</button></form>\n",
                    csrf, T(L, "Mark all read"));
    if (n) html_printf(c->b, "<ul class=\"notices\">\n");
    for (size_t i = 0; i < n; i++) {
        html_printf(c->b, rows[i].read ? "<li><time datetime=\"%A\">%T</time> "
                                       : "<li class=\"unread\"><time datetime=\"%A\">%T</time> ",
                    rows[i].created_at, rows[i].created_at);
        if (!rows[i].read) html_printf(c->b, "<strong>%T</strong> ", T(L, "New:"));
        notice_write(c, &rows[i]);
        if (!rows[i].read)
            html_printf(c->b, " <form class=\"inline\" method=\"post\" action=\"/notices/%lld/read\">"
                              "<input type=\"hidden\" name=\"csrf\" value=\"%A\">"
                              "<button type=\"submit\">%T</button></form>",
                        (long long)rows[i].id, csrf, T(L, "Mark read"));
        html_printf(c->b, "</li>\n");
    }
    if (n) html_printf(c->b, "</ul>\n");
    notices_settings_form(c, pref, csrf);
    notices_mail_line(c);
    page_end(c);
}

/*
** WEBPAGE: POST /notices/{id}/read
** ACCESS:  signed-in
** BODY:    form
**
** Mark one of the viewer's notices read, then back to /notices; another
** account's notice or an unknown id is a 404.
*/
void page_notice_read(web_ctx *c) {
    cairn_err err = {0};
    int64_t changed = 0;
    if (support_notice_mark_read(c->st, c->who->account_id, c->id, &changed, &err) < 0) {
        page_fail(c, "notice read", err.msg);
        return;
    }
    if (!changed) {
        support_notice *rows;
        size_t n, mine = 0;
        if (support_notice_list(c->st, c->who->account_id, (size_t)-1 / 2, &rows, &n, &err) < 0) {
            page_fail(c, "notice read", err.msg);
            return;
        }
        for (size_t i = 0; i < n; i++) mine |= rows[i].id == c->id;
        free(rows);
        if (!mine) {          /* read already is fine; not the viewer's is not */
            page_not_found(c, T(c->L, "Notice not found"), T(c->L, "You have no notice with this number."));
            return;
        }
    }
    web_redirect(c->res, "/notices");
}

/*
** WEBPAGE: POST /notices/read-all
** ACCESS:  signed-in
** BODY:    form
**
** Mark all the viewer's notices read, then back to /notices.
*/
void page_notices_read_all(web_ctx *c) {
    cairn_err err = {0};
    if (support_notice_mark_read(c->st, c->who->account_id, 0, NULL, &err) < 0) {
        page_fail(c, "notices read", err.msg);
        return;
    }
    web_redirect(c->res, "/notices");
}

/*
** WEBPAGE: POST /notices/settings
** ACCESS:  signed-in
** BODY:    form
**
** Field mail: none, digest or each; then back to /notices.  Anything else
** is a 400.
*/
void page_notices_settings(web_ctx *c) {
    cairn_err err = {0};
    support_mail_pref pref;
    if (support_mail_pref_parse(web_request_form(c->req, "mail"), &pref) < 0) {
        web_error_page(c->res, 400, "Not saved", "Choose one of the mail settings.");
        return;
    }
    if (support_mail_pref_set(c->st, c->who->account_id, pref, &err) < 0) {
        page_fail(c, "notice settings", err.msg);
        return;
    }
    web_redirect(c->res, "/notices#mail-settings");
}

/*
** WEBPAGE: GET /api/v1/notices
** ACCESS:  signed-in
** BODY:    none
**
** The caller's notices as JSON: unread (a count) and items of id, kind,
** learner_id (null when about no learner), detail, created_at and read.
*/
void api_notices(web_ctx *c) {
    cairn_err err = {0};
    support_notice *rows;
    size_t n;
    int64_t unread = 0;
    if (support_notice_list(c->st, c->who->account_id, NOTICES_SHOWN, &rows, &n, &err) < 0 ||
        support_notice_unread(c->st, c->who->account_id, &unread, &err) < 0) {
        api_fail(c, "notices", err.msg);
        return;
    }
    page_keep(c, rows);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I,s:s,s:o,s:s,s:s,s:b}", "id",
                                               (json_int_t)rows[i].id, "kind", rows[i].kind,
                                               "learner_id", rows[i].learner_id
                                                   ? json_integer(rows[i].learner_id) : json_null(),
                                               "detail", rows[i].detail, "created_at",
                                               rows[i].created_at, "read", rows[i].read));
    api_reply(c, 200, json_pack("{s:I,s:o}", "unread", (json_int_t)unread, "items", items));
}

/* The unread count the navigation shows beside "Notices" (0 on any
** problem: the navigation never fails a page). */
long page_nav_notices(web_ctx *c) {
    cairn_err err = {0};
    int64_t n = 0;
    if (!c->st || !c->who || c->who->account_id <= 0) return 0;
    if (support_notice_unread(c->st, c->who->account_id, &n, &err) < 0) return 0;
    return (long)n;
}
