/*
** web/risk/list_csv.c — GET /dashboard.csv: the dashboard's list, with the
** same filters, search and order, as a CSV file for a spreadsheet.  Every
** export is one audit event (support/audit.h: "list.export", with the
** filters and the number of rows, never a name); a cell that a spreadsheet
** would run as a formula (= + - @) starts with ' (csv_write_field).
*/
#include "web/pages.h"
#include "web/page.h"
#include "gen/pages.h"
#include "base/csv.h"
#include "risk/risk_read.h"
#include "support/audit.h"
#include "web/access.h"
#include "web/api.h"
#include "web/html.h"
#include "web/risk/attention_list.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_CSV_MAX   20000   /* rows of one export */
#define LIST_CSV_CHUNK 500     /* rows read at a time */

/* Append one field and its separator (',' or the line's end when last). */
static void field(buf *b, const char *s, int last) {
    csv_write_field(b, s, strlen(s), ',', 1);
    buf_puts(b, last ? "\r\n" : ",");   /* not HTML: CSV */
}

/* Append r as one line of the file. */
static void csv_row(buf *b, const risk_attention_row *r) {
    char num[32] = "";
    if (!isnan(r->probability)) snprintf(num, sizeof num, "%.0f", r->probability * 100.0);
    buf flags = BUF_INIT, reasons = BUF_INIT;
    for (int k = 0; k < r->nflags; k++) {
        if (k) buf_puts(&flags, " ");   /* not HTML: CSV */
        buf_puts(&flags, r->flag_codes[k]);   /* not HTML: CSV */
    }
    for (int k = 0; k < r->nreasons; k++) {
        if (k) buf_puts(&reasons, "; ");   /* not HTML: CSV */
        buf_puts(&reasons, r->reason[k]);   /* not HTML: CSV */
    }
    field(b, r->ref, 0);
    field(b, r->given_name, 0);
    field(b, r->family_name, 0);
    field(b, r->group_code, 0);
    field(b, r->programme_code, 0);
    field(b, risk_tier_name(r->tier), 0);
    field(b, num, 0);
    field(b, buf_cstr(&flags), 0);
    field(b, buf_cstr(&reasons), 1);
    buf_free(&flags);
    buf_free(&reasons);
}

/*
** WEBPAGE: GET /dashboard.csv
** ACCESS:  staff
** BODY:    none
**
** The dashboard's list with the same query (q, programme, group, tier,
** flag, sort, order) as CSV, every page of it (at most 20,000 rows); one
** audit event per export.
*/
void page_dashboard_csv(web_ctx *c) {
    cairn_err err = {0};
    attention_params p;
    attention_params_read(c->req, &p);
    buf pred = BUF_INIT;
    access_learner_predicate(c->who, "s.institution_id", "s.learner_id", &pred);
    risk_visibility vis = {buf_cstr(&pred), api_bind_access, c->who,
                           access_learner_set_narrow(c->who)};
    p.f.visible = &vis;
    int64_t inst = c->who->institution_id;
    int32_t asof = 0;
    buf out = BUF_INIT;
    buf_puts(&out, "ref,given_name,family_name,group,programme,tier,estimated_risk_percent,"   /* not HTML: CSV */
                   "flags,reasons\r\n");
    size_t written = 0;
    int rc = risk_read_latest_asof(c->st, inst, &asof, &err);
    int64_t cursor = 0;
    while (rc == 0 && asof && written < LIST_CSV_MAX) {
        risk_attention_row *rows = NULL;
        size_t n = 0;
        rc = risk_read_attention_page(c->st, inst, asof, &p.f, cursor, 0, LIST_CSV_CHUNK, &rows,
                                      &n, NULL, NULL, &err);
        for (size_t i = 0; rc == 0 && i < n && written < LIST_CSV_MAX; i++, written++)
            csv_row(&out, &rows[i]);
        if (n) cursor = rows[n - 1].learner_id;
        free(rows);
        if (n < LIST_CSV_CHUNK) break;
    }
    buf_free(&pred);
    char detail[400];
    snprintf(detail, sizeof detail,
             "rows=%zu asof_set=%d tier=%s programme=%.64s group=%.64s flag=%.40s search=%s "
             "sort=%s%s", written, asof != 0, p.tier[0] ? p.tier : "attention",
             p.f.programme_code, p.f.group_code, p.f.flag, p.f.search[0] ? "yes" : "no",
             p.sort[0] ? p.sort : "urgency", p.order[0] ? " reversed" : "");
    if (rc == 0)
        rc = support_audit_append(c->st, inst, c->who->account_id, "list.export", 0, detail,
                                  &err);
    if (rc != 0) {
        buf_free(&out);
        page_fail(c, "list export", err.msg);
        return;
    }
    c->res->content_type = "text/csv; charset=utf-8";
    buf_append(c->b, buf_cstr(&out), out.len);   /* not HTML: CSV */
    buf_free(&out);
}
