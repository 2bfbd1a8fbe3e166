/*
** web/school/import_help.c — what helps an administrator with an import:
**
**   GET /help/import     the formats, column by column, rendered from
**                        school/import_spec.h (the same table the importer
**                        checks against), so the page never disagrees
**   GET /import/report   ?kind=K&token=T: the whole validation report of a
**                        staged upload as CSV (line, column, field,
**                        problem), every cell formula-neutralised
*/
#include "base/csv.h"
#include "school/import_spec.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/import_staging.h"
#include "web/pages.h"
#include "web/school/import.h"
#include "gen/pages.h"
#include <string.h>

#define REPORT_MESSAGES_MAX 1000000   /* messages in the downloaded report */

/* The type of column col, in words for people. */
static void col_type_words(buf *b, const i18n_lang *L, const import_col *col) {
    char n1[I18N_NUM_MAX], n2[I18N_NUM_MAX];
    switch (col->type) {
    case COL_TEXT:
        html_printf(b, T(L, "text, up to %T bytes"),
                    i18n_format_int(L, (long long)col->max_len, n1, sizeof n1));
        break;
    case COL_CODE: html_printf(b, "%T", T(L, "code (the school's own identifier)")); break;
    case COL_DATE: html_printf(b, "%T", T(L, "date, written YYYY-MM-DD")); break;
    case COL_INT:
        html_printf(b, T(L, "whole number from %T to %T"),
                    i18n_format_int(L, (long long)col->min, n1, sizeof n1),
                    i18n_format_int(L, (long long)col->max, n2, sizeof n2));
        break;
    case COL_NUM: html_printf(b, "%T", T(L, "number, 0 or more")); break;
    case COL_BOOL: html_printf(b, "%T", T(L, "yes or no")); break;
    case COL_ENUM:
        html_printf(b, "%T ", T(L, "one of:"));
        for (size_t i = 0; col->values[i]; i++)
            html_printf(b, i ? ", <code>%T</code>" : "<code>%T</code>", col->values[i]);
        break;
    }
}

/*
** WEBPAGE: GET /help/import
** ACCESS:  administrator
** BODY:    none
**
** GET /help/import: the import formats, column by column.
*/
void page_help_import(web_ctx *c) {
    const i18n_lang *L = c->L;
    buf *b = c->b;
    page_begin(c, T(L, "Import formats"));
    html_printf(b, "<h1>%T</h1>\n", T(L, "Import formats"));
    html_printf(b, "<ul>\n<li>%T</li>\n<li>%T</li>\n<li>%T</li>\n<li>%T</li>\n<li>%T</li>\n</ul>\n",
                T(L, "Files are CSV in UTF-8 (Excel: \"CSV UTF-8\"), separated by commas or "
                     "semicolons. The first line names the columns, in any order."),
                T(L, "cairn recognises the kind of data from the names in the first line."),
                T(L, "A file is imported whole or not at all: if one row is bad, nothing of "
                     "the file is written, and you get the list of what to fix."),
                T(L, "Importing a file again is safe: rows are matched by the school's own "
                     "identifiers, so a row is added once and later updated in place."),
                T(L, "Import in this order: institutions; sites, terms and programmes; "
                     "groups; learners and staff; guardians, group staff and enrolments; "
                     "then attendance, results, behaviour and platform activity."));
    for (int k = 0; k < IMPORT_KIND_COUNT; k++) {
        const import_spec *sp = import_spec_of((import_kind)k);
        html_printf(b, "<section aria-labelledby=\"k-%A\">\n<h2 id=\"k-%A\">%T "
                       "<code>%T</code></h2>\n<table>\n<thead><tr><th scope=\"col\">%T</th>"
                       "<th scope=\"col\">%T</th><th scope=\"col\">%T</th><th scope=\"col\">%T"
                       "</th></tr></thead>\n<tbody>\n",
                    sp->name, sp->name, web_import_kind_label(L, (import_kind)k), sp->name,
                    T(L, "Column"), T(L, "Required"), T(L, "Type"), T(L, "Meaning"));
        for (size_t i = 0; i < sp->ncols; i++) {
            const import_col *col = &sp->cols[i];
            html_printf(b, "<tr><td><code>%T</code></td><td>%T</td><td>", col->name,
                        col->required ? T(L, "yes") : T(L, "no"));
            col_type_words(b, L, col);
            html_printf(b, "</td><td lang=\"en\">%T</td></tr>\n", col->help);
        }
        html_printf(b, "</tbody></table>\n</section>\n");
    }
    html_page_end(b);
}

/* The header names of the CSV file at path (up to max), lower-cased into
** names[i] (64 bytes each); returns how many. */
static size_t staged_header(const char *path, char names[][64], size_t max) {
    cairn_err err = {0};
    csv_reader *r = csv_open_file(path, NULL, &err);
    size_t n = 0;
    if (r && csv_next(r, &err) == 1) {
        n = csv_nfields(r) < max ? csv_nfields(r) : max;
        for (size_t i = 0; i < n; i++) {
            size_t len;
            const char *f = csv_field(r, i, &len);
            snprintf(names[i], 64, "%.*s", (int)len, f);
        }
    }
    if (r) csv_close(r);
    return n;
}

/* One CSV line of the report: line, column, field, problem. */
static void report_row(buf *out, long line, long col, const char *field, const char *what,
                       size_t n) {
    char num[24];
    int k = line ? snprintf(num, sizeof num, "%ld", line) : 0;
    csv_write_field(out, num, (size_t)k, ',', 1);
    buf_putc(out, ',');   /* not HTML: a CSV report */
    k = col ? snprintf(num, sizeof num, "%ld", col) : 0;
    csv_write_field(out, num, (size_t)k, ',', 1);
    buf_putc(out, ',');   /* not HTML: a CSV report */
    csv_write_field(out, field, strlen(field), ',', 1);
    buf_putc(out, ',');   /* not HTML: a CSV report */
    csv_write_field(out, what, n, ',', 1);
    buf_putc(out, '\n');  /* not HTML: a CSV report */
}

/*
** WEBPAGE: GET /import/report
** ACCESS:  administrator
** BODY:    none
**
** GET /import/report?kind=K&token=T: the whole report of a staged upload as CSV.
*/
void page_import_report(web_ctx *c) {
    web_request *req = c->req;
    web_response *res = c->res;
    cairn_err err = {0};
    const char *kq = web_request_query(req, "kind");
    int kind = kq ? import_kind_parse(kq) : -1;
    const char *dir = import_staging_dir(c->st, req->arena, &err);
    import_staged sg;
    int peek = kind < 0 ? IMPORT_CLAIM_GONE
             : dir ? import_staging_peek(dir, web_request_query(req, "token"), &req->session->who,
                                         (import_kind)kind, &sg, req->arena, &err)
                   : IMPORT_CLAIM_FAILED;
    if (peek == IMPORT_CLAIM_FAILED) { page_fail(c, "import report", err.msg); return; }
    if (peek != IMPORT_CLAIM_OK) {
        web_error_page(res, 404, "Page not found", "This upload has expired or does not exist. "
                       "Upload the file again to get its report.");
        return;
    }
    import_outcome o;
    if (web_import_run(req, c->st, (import_kind)kind, sg.csv, NULL, 1, REPORT_MESSAGES_MAX,
                       &o) != 0) {
        page_fail(c, "import report", o.err.msg);
        import_report_free(&o.rep);
        return;
    }
    char header[64][64];
    size_t nh = staged_header(sg.csv, header, 64);
    res->content_type = "text/csv; charset=utf-8";
    buf *out = c->b;
    buf_reset(out);
    buf_puts(out, "line,column,field,problem\n");   /* not HTML: CSV */
    const char *p = o.rep.messages.data ? o.rep.messages.data : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        long line, col;
        const char *what;
        web_import_message_split(p, n, &line, &col, &what);
        report_row(out, line, col, col > 0 && (size_t)col <= nh ? header[col - 1] : "", what,
                   n - (size_t)(what - p));
        p += n + (nl ? 1 : 0);
    }
    if (o.refused) {
        long line, col;
        const char *what;
        size_t n = strlen(o.err.msg);
        web_import_message_split(o.err.msg, n, &line, &col, &what);
        report_row(out, line, col, col > 0 && (size_t)col <= nh ? header[col - 1] : "", what,
                   n - (size_t)(what - o.err.msg));
    }
    import_report_free(&o.rep);
}
