/*
** web/risk/home.c — GET /: the home page, one for each role, the list
** first.  A key worker (and a team member) sees first what is due on
** their cases (web/support/case_home.c), then the whole caseload (learners without a flag
** too, and those without a score on the date below), flags nobody has
** acknowledged first; a teacher the learners with
** flags in the groups they teach, and those groups; a school leader the
** institution's attention list, its counts and its trend below; an
** administrator the installation's health (web/school/admin_home.c).  One
** account with several roles sees each part, in that order.
*/
#include "web/pages.h"
#include "web/page.h"
#include "gen/pages.h"
#include "base/date.h"
#include "base/mem.h"
#include "risk/risk_read.h"
#include "school/school_home.h"
#include "support/caseload.h"
#include "web/access.h"
#include "web/api.h"
#include "web/dashboard_data.h"
#include "web/html.h"
#include "web/trend.h"
#include "web/risk/attention_list.h"
#include "web/risk/home.h"
#include "web/support/case_view.h"
#include <stdlib.h>
#include <string.h>

#define HOME_CASELOAD_MAX 200   /* learners of a caseload shown on the home page */
#define HOME_LIST_ROWS    50    /* learners of the attention list on the home page */

/* Read the viewer's learners on asof that pass f (f->visible set here)
** into *rows, *n, *total, with their acknowledgements in *acks (malloc'd;
** caller frees all). */
static int home_rows(web_ctx *c, int32_t asof, risk_attention_filter *f, size_t limit,
                     risk_attention_row **rows, size_t *n, size_t *total, attention_ack **acks,
                     cairn_err *err) {
    buf pred = BUF_INIT;
    access_learner_predicate(c->who, "s.institution_id", "s.learner_id", &pred);
    risk_visibility vis = {buf_cstr(&pred), api_bind_access, c->who,
                           access_learner_set_narrow(c->who)};
    f->visible = &vis;
    *acks = NULL;
    int rc = risk_read_attention(c->st, c->who->institution_id, asof, f, limit, rows, n, total,
                                 err);
    f->visible = NULL;
    buf_free(&pred);
    if (rc != 0) return -1;
    *acks = *n ? calloc(*n, sizeof **acks) : NULL;
    return attention_acks_read(c->st, c->who->institution_id, *rows, *n, *acks, err);
}

/* Put the rows with flags nobody acknowledged first, keeping the order
** within each part: a stable order of places, then each cycle of it moved
** through one spare row (rows are 5 KB: no copy of the whole list). */
static void unacknowledged_first(risk_attention_row *rows, attention_ack *acks, size_t n) {
    if (n < 2) return;
    size_t *from = malloc(n * sizeof *from);   /* from[k]: the row that goes to place k */
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            if ((rows[i].nflags > acks[i].acked) == (pass == 0)) from[k++] = i;
    risk_attention_row *spare = NULL;
    for (size_t start = 0; start < n; start++) {
        if (from[start] == start) continue;   /* in place, or moved already */
        if (!spare) spare = malloc(sizeof *spare);
        *spare = rows[start];
        attention_ack spare_ack = acks[start];
        size_t to = start;
        while (from[to] != start) {
            size_t src = from[to];
            rows[to] = rows[src];
            acks[to] = acks[src];
            from[to] = to;
            to = src;
        }
        rows[to] = *spare;
        acks[to] = spare_ack;
        from[to] = to;
    }
    free(spare);
    free(from);
}

/* The count line under a list and a link to the whole list on the
** dashboard with tier (a constant: "" or "all"). */
static void more_link(buf *b, const i18n_lang *L, size_t n, size_t total, const char *tier,
                      const char *label) {
    char num[I18N_NUM_MAX], num2[I18N_NUM_MAX];
    html_printf(b, "<p>");
    if (total > n)
        html_printf(b, TN(L, "Showing %T of %T learner.", "Showing %T of %T learners.", total),
                    i18n_format_int(L, (long long)n, num, sizeof num),
                    i18n_format_int(L, (long long)total, num2, sizeof num2));
    else
        html_printf(b, TN(L, "%T learner.", "%T learners.", n),
                    i18n_format_int(L, (long long)n, num, sizeof num));
    if (tier[0]) html_printf(b, " <a href=\"/dashboard?tier=%U\">%T</a></p>\n", tier, label);
    else html_printf(b, " <a href=\"/dashboard\">%T</a></p>\n", label);
}

/* The learners of the caseload without a score on asof, as a list of
** links under the scored ones (so the caseload is whole). */
static int caseload_unscored(web_ctx *c, int32_t asof, size_t shown, cairn_err *err) {
    support_caseload_learner *rows = NULL;
    size_t n = 0;
    if (!c->who->staff_id) return 0;
    if (support_caseload_unscored(c->st, c->who->institution_id, c->who->staff_id, asof,
                                  HOME_CASELOAD_MAX, &rows, &n, err) != 0)
        return -1;
    buf *b = c->b;
    const i18n_lang *L = c->L;
    if (n) {
        html_printf(b, "<h3>%T</h3>\n<ul class=\"caseload-unscored\">\n",
                    shown ? T(L, "Also in your caseload, without a score on this date")
                          : T(L, "In your caseload, without a score on this date"));
        for (size_t i = 0; i < n; i++)
            html_printf(b, "<li><a href=\"/learners/%lld\">%T %T</a> "
                           "<span class=\"muted\">%T</span></li>\n",
                        (long long)rows[i].learner_id, rows[i].given_name, rows[i].family_name,
                        rows[i].ref);
        html_printf(b, "</ul>\n");
    }
    free(rows);
    return 0;
}

/* The key worker's caseload as read for the page: its learners scored on
** the page's date (acks: their acknowledgements), unacknowledged first. */
typedef struct home_caseload_rows {
    risk_attention_row *rows;
    attention_ack      *acks;
    size_t              n, total;
} home_caseload_rows;

/* Read the key worker's caseload on asof (asof 0: no scores yet, nothing
** read) into *cl (home_caseload_free frees it).  0 or -1. */
static int home_caseload_read(web_ctx *c, int32_t asof, home_caseload_rows *cl, cairn_err *err) {
    memset(cl, 0, sizeof *cl);
    risk_attention_filter f = {0};
    f.tier = RISK_TIER_FILTER_ALL;
    if (asof && home_rows(c, asof, &f, HOME_CASELOAD_MAX, &cl->rows, &cl->n, &cl->total,
                          &cl->acks, err) != 0)
        return -1;
    unacknowledged_first(cl->rows, cl->acks, cl->n);
    return 0;
}

/* Free what home_caseload_read read. */
static void home_caseload_free(home_caseload_rows *cl) {
    free(cl->rows);
    free(cl->acks);
    memset(cl, 0, sizeof *cl);
}

/* The latest scores of the caseload's rows as case_home_write takes them
** (a learner's score on the institution's latest date is their latest);
** malloc'd, caller frees; NULL when there are none. */
static support_case_risen *home_caseload_latest(const home_caseload_rows *cl) {
    if (!cl->n) return NULL;
    support_case_risen *latest = xcalloc(cl->n, sizeof *latest);
    for (size_t i = 0; i < cl->n; i++) {
        latest[i].learner_id = cl->rows[i].learner_id;
        latest[i].tier_now = (int)cl->rows[i].tier;
        latest[i].p_now = cl->rows[i].probability;
    }
    return latest;
}

/* The key worker's caseload (read by home_caseload_read): every learner,
** open flags first, then those without a score on asof. */
static int home_caseload(web_ctx *c, int32_t asof, int first, const home_caseload_rows *cl,
                         cairn_err *err) {
    const i18n_lang *L = c->L;
    buf *b = c->b;
    html_printf(b, first ? "<h2 id=\"list\" tabindex=\"-1\">%T</h2>\n" : "<h2>%T</h2>\n",
                T(L, "My caseload"));
    size_t before = b->len;
    if (cl->n) {
        more_link(b, L, cl->n, cl->total, "all", T(L, "Search and sort the whole caseload"));
        attention_case_cell cases;
        if (attention_case_cells(c, cl->rows, cl->n, &cases, err) != 0) return -1;
        attention_list_write_cases(b, L, T(L, "My caseload: flags nobody has acknowledged first"),
                                   NULL, cl->rows, cl->n, cl->acks, &cases);
    }
    if (caseload_unscored(c, asof, cl->n, err) != 0) return -1;
    if (b->len == before)
        html_printf(b, "<p class=\"notice\">%T</p>\n",
                    T(L, "No learner is in your caseload yet. A school leader names a "
                         "learner's key worker on the learner's page."));
    return 0;
}

/* The teacher's part: their groups' learners with flags, and the groups. */
static int home_teacher(web_ctx *c, int32_t asof, int first, cairn_err *err) {
    const i18n_lang *L = c->L;
    buf *b = c->b;
    school_group_summary *groups = NULL;
    size_t ngroups = 0;
    if (school_group_summaries_taught(c->st, c->who->institution_id, c->who->staff_id, &groups,
                                      &ngroups, err) != 0)
        return -1;
    risk_attention_filter f = {0};
    f.tier = -1;
    risk_attention_row *rows = NULL;
    attention_ack *acks = NULL;
    size_t n = 0, total = 0;
    int rc = asof ? home_rows(c, asof, &f, HOME_LIST_ROWS, &rows, &n, &total, &acks, err) : 0;
    if (rc == 0) {
        html_printf(b, first ? "<h2 id=\"list\" tabindex=\"-1\">%T</h2>\n" : "<h2>%T</h2>\n",
                    T(L, "Learners of my groups with flags"));
        if (!n) {
            html_printf(b, "<p class=\"notice\">%T</p>\n",
                        T(L, "No learner of your groups has a flag today."));
        } else {
            more_link(b, L, n, total, "", T(L, "Search, sort and filter the list"));
            attention_case_cell cases;
            rc = attention_case_cells(c, rows, n, &cases, err);
            if (rc == 0)
                attention_list_write_cases(b, L, T(L, "Learners of my groups with flags"), NULL,
                                           rows, n, acks, &cases);
        }
        html_printf(b, "<h2>%T</h2>\n", T(L, "My groups"));
        if (!ngroups) html_printf(b, "<p>%T</p>\n", T(L, "You teach no group yet."));
        else html_printf(b, "<ul class=\"inline\">\n");
        for (size_t i = 0; i < ngroups; i++)
            html_printf(b, "<li><a href=\"/groups/%U\">%T</a></li>\n", groups[i].group_code,
                        groups[i].group_name[0] ? groups[i].group_name : groups[i].group_code);
        if (ngroups) html_printf(b, "</ul>\n");
    }
    free(groups);
    free(rows);
    free(acks);
    return rc;
}

/* The leader's part: the institution's attention list, counts, trend. */
static int home_leader(web_ctx *c, int32_t asof, int with_list_id, cairn_err *err) {
    const i18n_lang *L = c->L;
    buf *b = c->b;
    dashboard_query q = {"", "", "", -1, 0, HOME_LIST_ROWS, "", 0, 0, 0};
    dashboard_data d;
    web_trend trend;
    if (dashboard_data_read(c->st, c->who, &q, &d, err) != 0) return -1;
    attention_ack *acks = d.n ? calloc(d.n, sizeof *acks) : NULL;
    if (attention_acks_read(c->st, c->who->institution_id, d.rows, d.n, acks, err) != 0 ||
        web_trend_get(c->st, c->who, asof ? asof : date_today(), &trend, err) != 0) {
        dashboard_data_free(&d);
        free(acks);
        return -1;
    }
    html_printf(b, with_list_id ? "<h2 id=\"list\" tabindex=\"-1\">%T</h2>\n" : "<h2>%T</h2>\n",
                T(L, "Learners who need attention"));
    if (!d.n) {
        html_printf(b, "<p class=\"notice\">%T</p>\n",
                    T(L, "No learner needs attention today."));
    } else {
        more_link(b, L, d.n, d.total, "", T(L, "Search, sort and filter the list"));
        attention_list_write(b, L, T(L, "Learners who need attention, most urgent first"), NULL,
                             d.rows, d.n, acks);
    }
    char num[I18N_NUM_MAX];
    html_printf(b, "<h2>%T</h2>\n<ul class=\"tiers\">\n", T(L, "Learners per tier"));
    for (int t = RISK_TIER_INDIVIDUAL; t >= RISK_TIER_UNIVERSAL; t--)
        html_printf(b, "<li class=\"tier-%d\"><strong>%T</strong> %T</li>\n", t,
                    i18n_format_int(L, (long long)d.counts[t], num, sizeof num),
                    page_tier_name(L, (risk_tier)t));
    html_printf(b, "</ul>\n");
    web_trend_write(b, L, &trend);
    dashboard_data_free(&d);
    free(acks);
    return 0;
}

/* The page's parts in the read transaction page_root opened. */
static void home_write(web_ctx *c, cairn_err *err) {
    const i18n_lang *L = c->L;
    unsigned roles = c->who->roles;
    int32_t asof = 0;
    if (risk_read_latest_asof(c->st, c->who->institution_id, &asof, err) != 0) {
        page_fail(c, "home", err->msg);
        return;
    }
    buf *b = c->b;
    int admin = (roles & ACCESS_ROLE_ADMINISTRATOR) != 0;
    int leader = (roles & ACCESS_ROLE_SCHOOL_LEADER) != 0;
    int teacher = (roles & ACCESS_ROLE_TEACHER) && c->who->staff_id;
    if (asof || admin || teacher || (roles & (ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_TEAM_MEMBER)))
        page_begin_list(c, T(L, "Home"));
    else page_begin(c, T(L, "Home"));
    html_printf(b, "<h1>%T</h1>\n", T(L, "Today"));
    if (asof) {
        char date[I18N_DATE_MAX];
        html_printf(b, "<p>");
        html_printf(b, T(L, "Scores as of %T. Flags are signs for a person to look at, never a "
                            "decision."), i18n_format_date(L, asof, date, sizeof date));
        html_printf(b, "</p>\n");
    } else if (roles & ~ACCESS_ROLE_ADMINISTRATOR) {
        html_printf(b, "<p class=\"notice\">");
        html_printf(b, T(L, "No scores yet \xE2\x80\x94 run <code>cairn score</code>."));
        html_printf(b, "</p>\n");
    }
    /* the first part written carries id="list", where the skip link lands */
    int first = 1, rc = 0;
    home_caseload_rows cl = {0};   /* read first: "risk rose" uses its scores */
    if ((roles & ACCESS_ROLE_KEY_WORKER) && home_caseload_read(c, asof, &cl, err) != 0) rc = -1;
    if (rc == 0 && admin && !leader) {
        rc = home_admin_write(c, first, err);
        first = 0;
    }
    if (rc == 0 && (roles & (ACCESS_ROLE_KEY_WORKER | ACCESS_ROLE_TEAM_MEMBER))) {
        support_case_risen *latest = home_caseload_latest(&cl);
        rc = case_home_write(c, first, latest, cl.n, err);   /* what is due on my cases, first */
        free(latest);
        first = 0;
    }
    if (rc == 0 && (roles & ACCESS_ROLE_KEY_WORKER)) {
        rc = home_caseload(c, asof, first, &cl, err);
        first = 0;
    }
    home_caseload_free(&cl);
    if (rc == 0 && teacher) {
        rc = home_teacher(c, asof, first, err);
        first = 0;
    }
    if (rc == 0 && leader) rc = case_approvals_list(c, 2, 0, err);   /* to answer, first */
    if (rc == 0 && leader) rc = case_moves_list(c, 2, 0, err);   /* offers from elsewhere */
    if (rc == 0 && asof && (leader || admin)) {
        rc = home_leader(c, asof, first, err);
        first = 0;
    }
    if (rc == 0 && admin && leader) rc = home_admin_write(c, first, err);
    if (rc != 0) {
        page_fail(c, "home", err->msg);
        return;
    }
    html_page_end(b);
}

/*
** WEBPAGE: GET /
** ACCESS:  administrator school_leader key_worker teacher team_member
** BODY:    none
**
** The home page of the viewer's roles, the list first: a key worker's
** (and a team member's) tasks due on their cases, then the caseload; a
** teacher's groups, a leader's attention list with counts
** and trend, an administrator's installation health.
*/
void page_root(web_ctx *c) {
    cairn_err err = {0};
    /* The page only reads: one read transaction, so SQLite takes its read
    ** lock once for the page's few dozen statements (and every part sees
    ** the same moment).  No part may write (the audit log refuses to).  Not
    ** with the administrator's part: it shows the page without the mail
    ** state when that query fails, which in a PostgreSQL transaction would
    ** fail every statement after it. */
    int opened = 0;
    if (!(c->who->roles & ACCESS_ROLE_ADMINISTRATOR) &&
        store_read_begin(c->st, &opened, &err) < 0) {
        page_fail(c, "home", err.msg);
        return;
    }
    home_write(c, &err);
    store_read_end(c->st, opened);
}
