/*
** web/risk/attention_list.c — the list of learners shared by the home page,
** the dashboard and its export (see attention_list.h).
*/
#include "web/risk/attention_list.h"
#include "support/case.h"
#include "web/auth.h"
#include "web/pages.h"
#include "web/html.h"
#include "support/actions.h"
#include "web/access.h"
#include "web/api.h"
#include "base/date.h"
#include "base/mem.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_REASONS 3   /* reasons shown per learner */

/* A query parameter, or "" when absent or longer than max bytes. */
static const char *param(web_request *req, const char *name, size_t max) {
    const char *v = web_request_query(req, name);
    return v && strlen(v) <= max ? v : "";
}

/* Read the list's parameters (see attention_list.h). */
void attention_params_read(web_request *req, attention_params *p) {
    memset(p, 0, sizeof *p);
    p->f.programme_code = param(req, "programme", 64);
    p->f.group_code = param(req, "group", 64);
    p->f.flag = param(req, "flag", 64);
    if (p->f.flag[0] && risk_rule_find(p->f.flag) < 0) p->f.flag = "";
    p->f.search = param(req, "q", 100);
    p->tier = param(req, "tier", 3);
    if (!strcmp(p->tier, "all")) p->f.tier = RISK_TIER_FILTER_ALL;
    else if (p->tier[0] >= '0' && p->tier[0] <= '2' && !p->tier[1]) p->f.tier = p->tier[0] - '0';
    else { p->f.tier = -1; p->tier = ""; }
    p->sort = param(req, "sort", 8);
    if (!strcmp(p->sort, "name")) p->f.sort = RISK_SORT_NAME;
    else if (!strcmp(p->sort, "group")) p->f.sort = RISK_SORT_GROUP;
    else p->sort = "";
    p->order = param(req, "order", 8);
    if (strcmp(p->order, "reverse") != 0) p->order = "";
    p->f.reverse = p->order[0] != 0;
}

/* Append "&amp;name=value" when value is not empty. */
static void url_param(buf *b, const char *name, const char *value, int *first) {
    if (!value || !*value) return;
    html_printf(b, *first ? "?" : "&amp;");
    *first = 0;
    if (!strcmp(name, "programme")) html_printf(b, "programme=%U", value);
    else if (!strcmp(name, "group")) html_printf(b, "group=%U", value);
    else if (!strcmp(name, "tier")) html_printf(b, "tier=%U", value);
    else if (!strcmp(name, "flag")) html_printf(b, "flag=%U", value);
    else if (!strcmp(name, "q")) html_printf(b, "q=%U", value);
    else if (!strcmp(name, "sort")) html_printf(b, "sort=%U", value);
    else html_printf(b, "order=%U", value);
}

/* The link of the list (see attention_list.h). */
void attention_url(buf *b, const char *path, const attention_params *p,
                   const char *cursor_name, int64_t cursor) {
    int first = 1;
    html_printf(b, "%A", path);
    url_param(b, "programme", p->f.programme_code, &first);
    url_param(b, "group", p->f.group_code, &first);
    url_param(b, "tier", p->tier, &first);
    url_param(b, "flag", p->f.flag, &first);
    url_param(b, "q", p->f.search, &first);
    url_param(b, "sort", p->sort, &first);
    url_param(b, "order", p->order, &first);
    if (cursor_name && cursor) {
        html_printf(b, first ? "?" : "&amp;");
        html_printf(b, "%A=%lld", cursor_name, (long long)cursor);
    }
}

/* The acknowledgements of the rows (see attention_list.h). */
int attention_acks_read(store *st, int64_t inst, const risk_attention_row *rows, size_t n,
                        attention_ack *acks, cairn_err *err) {
    if (!n) return 0;
    int64_t *learners = xcalloc(n, sizeof *learners);
    char (*asofs)[11] = xcalloc(n, sizeof *asofs);
    support_ack_tally *t = xcalloc(n, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        learners[i] = rows[i].learner_id;
        char d[DATE_TEXT_LEN];
        date_format(rows[i].asof, d);
        str_copy(asofs[i], sizeof asofs[i], d);
    }
    int rc = support_ack_tally_of_learners(st, inst, learners, (const char (*)[11])asofs, n, t,
                                           err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        memset(&acks[i], 0, sizeof acks[i]);
        if (!rows[i].nflags) continue;   /* nothing to acknowledge */
        acks[i].acked = t[i].acked;
        str_copy(acks[i].by, sizeof acks[i].by, t[i].by);
        str_copy(acks[i].at, sizeof acks[i].at, t[i].at);
    }
    free(t);
    free(asofs);
    free(learners);
    return rc;
}

/* One column head: a link that sorts by key (reversed when already so
** sorted), or plain text when p is NULL or key is NULL. */
static void column_head(buf *b, const i18n_lang *L, const attention_params *p, const char *key,
                        const char *label) {
    if (!p || !key) {
        html_printf(b, "<th scope=\"col\">%T</th>", label);
        return;
    }
    attention_params q = *p;
    int current = !strcmp(p->sort, key);
    q.sort = key;
    q.order = current && !p->order[0] ? "reverse" : "";
    if (current)
        html_printf(b, "<th scope=\"col\" aria-sort=\"%A\">",
                    (p->order[0] != 0) == (key[0] != 0) ? "descending" : "ascending");
    else
        html_printf(b, "<th scope=\"col\">");
    html_printf(b, "<a href=\"");
    attention_url(b, "/dashboard", &q, NULL, 0);
    html_printf(b, "\">%T</a></th>", label);
}

/* Write the list (see attention_list.h). */
void attention_list_write(buf *b, const i18n_lang *L, const char *caption,
                          const attention_params *p, const risk_attention_row *rows, size_t n,
                          const attention_ack *acks) {
    attention_list_write_cases(b, L, caption, p, rows, n, acks, NULL);
}

/* The case cell of row i (see attention_list.h): a link to its case, or
** the button that opens one when the row has flags. */
static void case_cell(buf *b, const i18n_lang *L, const attention_case_cell *cases,
                      const risk_attention_row *r, size_t i) {
    if (cases->case_ids[i] < 0) return;   /* a case the viewer is not on */
    if (cases->case_ids[i]) {
        html_printf(b, "<p class=\"case-link\"><a href=\"/cases/%lld\">%T</a></p>",
                    (long long)cases->case_ids[i], T(L, "Go to the case"));
    } else if (r->nflags) {
        html_printf(b, "<form method=\"post\" action=\"/learners/%lld/cases\" class=\"case-open\">"
                       "<input type=\"hidden\" name=\"csrf\" value=\"%A\">"
                       "<input type=\"hidden\" name=\"source\" value=\"flag\">"
                       "<button type=\"submit\">%T</button></form>",
                    (long long)r->learner_id, cases->csrf, T(L, "Open a case"));
    }
}

/* The case cells of the rows for c's viewer (see attention_list.h): no
** button where the learner has no key worker and the viewer is not one
** (opening would be refused). */
int attention_case_cells(web_ctx *c, const risk_attention_row *rows, size_t n,
                         attention_case_cell *out, cairn_err *err) {
    int64_t *ids = page_keep(c, calloc(n ? n : 1, sizeof *ids));
    int64_t *learners = calloc(n ? n : 1, sizeof *learners);
    for (size_t i = 0; i < n; i++) learners[i] = rows[i].learner_id;
    unsigned *rels = calloc(n ? n : 1, sizeof *rels);
    int rc = access_learner_cases(c->who, learners, n, ids, rels, err);   /* 0: no case */
    int kw = (c->who->roles & ACCESS_ROLE_KEY_WORKER) != 0;
    int *has_kw = calloc(n ? n : 1, sizeof *has_kw);
    if (rc == 0 && !kw)   /* who is not a key worker opens a case with the learner's */
        rc = support_key_worker_has_of_learners(c->st, c->who->institution_id, learners, n,
                                                has_kw, err);
    free(learners);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (ids[i]) {   /* a case not theirs: no link */
            if (!rels[i]) ids[i] = -1;
        } else if (!kw && rows[i].nflags && !has_kw[i]) {   /* no key worker: no button */
            ids[i] = -1;
        }
    }
    free(rels);
    free(has_kw);
    out->csrf = c->req->session ? c->req->session->csrf : "";
    out->case_ids = ids;
    return rc;
}

/* The list with the case cells (see attention_list.h). */
void attention_list_write_cases(buf *b, const i18n_lang *L, const char *caption,
                                const attention_params *p, const risk_attention_row *rows,
                                size_t n, const attention_ack *acks,
                                const attention_case_cell *cases) {
    char num[I18N_NUM_MAX];
    html_printf(b, "<table class=\"attention\" role=\"table\">\n<caption>%T</caption>\n"
                   "<thead><tr>", caption);
    column_head(b, L, p, "name", T(L, "Learner"));
    column_head(b, L, p, "group", T(L, "Group"));
    column_head(b, L, p, "", T(L, "Tier"));
    column_head(b, L, p, NULL, T(L, "Why"));
    html_printf(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const risk_attention_row *r = &rows[i];
        char path[40];
        snprintf(path, sizeof path, "/learners/%lld", (long long)r->learner_id);
        html_printf(b, "<tr><th scope=\"row\"><a href=\"");
        if (p) attention_url(b, path, p, NULL, 0);   /* the learner page keeps the list */
        else html_printf(b, "%A", path);
        html_printf(b, "\">%T %T</a> <span class=\"muted\">%T</span></th>"
                       "<td>%T</td><td class=\"tier-%d\">%T",
                    r->given_name, r->family_name, r->ref,
                    r->group_name[0] ? r->group_name : r->group_code, (int)r->tier,
                    page_tier_name(L, r->tier));
        if (!isnan(r->probability)) {
            html_printf(b, "<br><span class=\"muted\">");
            html_printf(b, T(L, "estimated risk %T"),
                        i18n_format_number(L, r->probability * 100.0, 0, num, sizeof num));
            html_printf(b, "</span>");
        }
        html_printf(b, "</td><td><ul class=\"reasons\">\n");
        for (int k = 0; k < r->nreasons && k < LIST_REASONS; k++) page_reason_li(b, L, r, k);
        if (r->nreasons == 0) html_printf(b, "<li>%T</li>\n", T(L, "no flags"));
        html_printf(b, "</ul>");
        if (acks && acks[i].acked) {
            char day[I18N_DATE_MAX];
            int32_t d = 0;
            if (date_parse(acks[i].at, 10, &d) == 0) i18n_format_date(L, d, day, sizeof day);
            else str_copy(day, sizeof day, acks[i].at);
            html_printf(b, "<p class=\"acked\">");
            html_printf(b, T(L, "Acknowledged by %T on %T"), acks[i].by, day);
            html_printf(b, "</p>");
        } else if (acks && r->nflags) {
            html_printf(b, "<p class=\"unacked\">%T</p>", T(L, "Not acknowledged yet"));
        }
        if (cases) case_cell(b, L, cases, r, i);
        html_printf(b, "</td></tr>\n");
    }
    html_printf(b, "</tbody>\n</table>\n");
}

/* The learner page's way back to the list and on to the next learner (see
** attention_list.h). */
int attention_learner_nav(web_ctx *c, int64_t learner_id, const risk_attention_row *self,
                          cairn_err *err) {
    attention_params p;
    attention_params_read(c->req, &p);
    int64_t inst = c->who->institution_id;
    int32_t asof = 0;
    if (risk_read_latest_asof(c->st, inst, &asof, err) != 0) return -1;
    risk_attention_row *next = page_keep(c, calloc(1, sizeof *next));   /* 5 KB: not on the stack */
    int n = 0;
    if (asof) {
        buf pred = BUF_INIT;
        access_learner_predicate(c->who, "s.institution_id", "s.learner_id", &pred);
        risk_visibility vis = {buf_cstr(&pred), api_bind_access, c->who,
                               access_learner_set_narrow(c->who)};
        p.f.visible = &vis;
        n = risk_read_attention_next(c->st, inst, asof, &p.f, learner_id, self, next, err);
        buf_free(&pred);
        if (n < 0 && err->code != CAIRN_ENOTFOUND) return -1;   /* not scored: no next */
        if (n < 0) n = 0;
    }
    buf *b = c->b;
    const i18n_lang *L = c->L;
    html_printf(b, "<nav class=\"learner-list\" aria-label=\"%A\"><ul>\n<li><a href=\"",
                T(L, "The list"));
    attention_url(b, "/dashboard", &p, NULL, 0);
    html_printf(b, "\">%T</a></li>\n", T(L, "Back to the list"));
    if (n) {
        char path[40];
        snprintf(path, sizeof path, "/learners/%lld", (long long)next->learner_id);
        html_printf(b, "<li><a rel=\"next\" href=\"");
        attention_url(b, path, &p, NULL, 0);
        html_printf(b, "\">");
        html_printf(b, T(L, "Next learner: %T %T"), next->given_name, next->family_name);
        html_printf(b, "</a></li>\n");
    }
    html_printf(b, "</ul></nav>\n");
    return 0;
}
