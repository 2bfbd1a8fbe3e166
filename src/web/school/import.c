/*
** web/school/import.c — importing a school data file from the browser and
** through the API (administrators only; the route rules say so).
**
**   GET  /import           the upload form: kind of data and the file
**   POST /import           multipart/form-data upload: the kind is
**                          recognised from the header (or taken from the
**                          form), the file is staged and checked with a
**                          dry run (school/school.h import_opts.dry_run);
**                          the report is shown, with a Confirm form naming
**                          the kind only when every row is good, else a
**                          link to the whole report as CSV
**                          (GET /import/report, import_help.c)
**   POST /import/confirm   imports the staged file for real (all or
**                          nothing), deletes it, writes the audit log
**   POST /api/v1/imports   ?kind=K[&dry_run=1], the CSV file as the body
**
** The uploaded file waits between the check and the confirm in a private
** staging directory, bound to the uploading account and usable once:
** web/import_staging.h.
*/
#include "school/school.h"
#include "support/audit.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/import_staging.h"
#include "web/school/import.h"
#include "web/multipart.h"
#include "web/pages.h"
#include "web/page.h"
#include "gen/pages.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMPORT_MESSAGES_SHOWN 100      /* bad-row messages kept and shown */

/* The kinds in the order docs/import.md says to import them, with names
** for people. */
static const struct { import_kind kind; const char *label; } kind_labels[] = {
    { IMPORT_INSTITUTIONS, N_("Institutions") },
    { IMPORT_SITES,        N_("Sites") },
    { IMPORT_TERMS,        N_("Terms") },
    { IMPORT_PROGRAMMES,   N_("Programmes") },
    { IMPORT_GROUPS,       N_("Class groups") },
    { IMPORT_LEARNERS,     N_("Learners") },
    { IMPORT_STAFF,        N_("Staff") },
    { IMPORT_GUARDIANS,    N_("Parents and guardians") },
    { IMPORT_GROUP_STAFF,  N_("Staff of class groups") },
    { IMPORT_ENROLMENTS,   N_("Enrolments") },
    { IMPORT_ATTENDANCE,   N_("Attendance") },
    { IMPORT_RESULTS,      N_("Assessment results") },
    { IMPORT_BEHAVIOUR,    N_("Behaviour incidents") },
    { IMPORT_ENGAGEMENT,   N_("Learning-platform activity") },
};
#define NKINDS (sizeof kind_labels / sizeof kind_labels[0])

/* The translated name of kind k; see import.h. */
const char *web_import_kind_label(const i18n_lang *L, import_kind k) {
    for (size_t i = 0; i < NKINDS; i++)
        if (kind_labels[i].kind == k) return T(L, kind_labels[i].label);
    return import_kind_name(k);
}

/* ---- running the importer ------------------------------------------------------- */

/* Import the file at path as kind into the caller's institution (its code
** looked up through the account; "" = the only one); see import.h. */
int web_import_run(web_request *req, store *st, import_kind kind, const char *path,
                   const char *name, int dry, int max_messages, import_outcome *out) {
    memset(out, 0, sizeof *out);
    import_report_init(&out->rep);
    auth_account acc;
    if (auth_account_find(st, req->session->username, &acc, &out->err) != 0) return -1;
    import_opts opts = {0};
    opts.institution = acc.institution_code[0] ? acc.institution_code : NULL;
    opts.max_messages = max_messages;
    opts.dry_run = dry;
    importer *im;
    if (importer_begin(st, &opts, &im, &out->err) != 0) return -1;
    if (name) importer_name_files(im, name);
    if (importer_file(im, kind, path, &out->err) != 0) {
        importer_abort(im);
        out->rc = -1;
        out->refused = out->err.code == CAIRN_EINVAL;
        return out->refused ? 0 : -1;
    }
    out->rc = importer_finish(im, &out->rep, &out->err);
    if (out->rc < 0) {
        out->refused = out->err.code == CAIRN_EINVAL;
        return out->refused ? 0 : -1;
    }
    return 0;
}

/* The base name of an uploaded file's name (browsers may send a path),
** copied into a; "upload.csv" when there is none. */
static const char *upload_name(const char *filename, arena *a) {
    const char *s = filename ? filename : "";
    for (const char *p = s; *p; p++) if (*p == '/' || *p == '\\') s = p + 1;
    return *s ? arena_printf(a, "%s", s) : "upload.csv";
}

/* Write the audit event of a real import that was written: kind and
** counts, no personal data.  A failure goes to the log (the import itself
** is committed by then). */
static void audit_import(web_request *req, store *st, import_kind kind, const import_outcome *o,
                         const char *via) {
    char detail[200];
    snprintf(detail, sizeof detail, "kind=%s rows_read=%ld rows_written=%ld via=%s",
             import_kind_name(kind), o->rep.rows_read, o->rep.rows_written, via);
    cairn_err err = {0};
    const access_ctx *who = &req->session->who;
    if (support_audit_append(st, who->institution_id, who->account_id, "import", 0, detail, &err) != 0)
        web_log(req, "import audit: %s", err.msg);
}

/* ---- pages ---------------------------------------------------------------------- */

/* The upload form, with the kind kind preselected (-1 = recognise it from
** the header, the default). */
static void upload_form(web_request *req, buf *b, const i18n_lang *L, int kind) {
    html_printf(b, "<form class=\"upload\" method=\"post\" action=\"/import\" "
                   "enctype=\"multipart/form-data\">\n"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
                   "<p class=\"notice\" id=\"import-whole\">%T</p>\n"
                   "<p><label for=\"import-file\">%T</label><br>\n"
                   "<input id=\"import-file\" name=\"file\" type=\"file\" "
                   "accept=\".csv,text/csv\" required aria-describedby=\"import-hint\"></p>\n"
                   "<p id=\"import-hint\" class=\"muted\">%T <a href=\"/help/import\">%T</a></p>\n"
                   "<p><label for=\"import-kind\">%T</label><br>\n"
                   "<select id=\"import-kind\" name=\"kind\">\n",
                req->session->csrf,
                T(L, "A file is imported whole or not at all: if one row is bad, nothing of "
                     "the file is written, and you get the list of what to fix."),
                T(L, "CSV file"),
                T(L, "A CSV file, UTF-8, whose first line names the columns."),
                T(L, "The formats, column by column"), T(L, "What the file holds"));
    html_printf(b, kind < 0 ? "<option value=\"auto\" selected>%T</option>\n"
                            : "<option value=\"auto\">%T</option>\n",
                T(L, "Recognise it from the header line (recommended)"));
    for (size_t i = 0; i < NKINDS; i++)
        html_printf(b, (int)kind_labels[i].kind == kind ? "<option value=\"%A\" selected>%T</option>\n"
                                                        : "<option value=\"%A\">%T</option>\n",
                    import_kind_name(kind_labels[i].kind), T(L, kind_labels[i].label));
    html_printf(b, "</select></p>\n<p><button type=\"submit\">%T</button></p>\n</form>\n",
                T(L, "Upload and check"));
}

/* Start the import page with title and its heading; ends inside <main>. */
static buf *import_page_begin(web_ctx *c, int status, const char *title) {
    c->res->status = status;
    buf *b = c->b;
    buf_reset(b);
    page_begin(c, title);
    html_printf(b, "<h1>%T</h1>\n", title);
    return b;
}

/* The form page again with an error saying what was wrong (a msgid) and,
** when detail is not NULL, the reader's English message. */
static void form_with_error(web_ctx *c, int status, const char *what, const char *detail,
                            int kind) {
    web_request *req = c->req;
    const i18n_lang *L = c->L;
    buf *b = import_page_begin(c, status, T(L, "Import data"));
    html_printf(b, "<div class=\"notice error\" role=\"alert\"><p>%T</p>\n", T(L, what));
    if (detail) html_printf(b, "<p><code lang=\"en\">%T</code></p>\n", detail);
    html_printf(b, "</div>\n");
    upload_form(req, b, L, kind);
    html_page_end(b);
}

/* The form again, saying that the header of the file called name fits no
** kind (or several), what it comes closest to, and where the formats are. */
static void kind_not_recognised(web_ctx *c, const char *name, const import_kind_guess *g) {
    const i18n_lang *L = c->L;
    buf *b = import_page_begin(c, 422, T(L, "Import data"));
    html_printf(b, "<div class=\"notice error\" role=\"alert\"><p>");
    if (g->nmatch > 1)
        html_printf(b, T(L, "The header line of <bdi>%T</bdi> fits more than one kind of data. "
                            "Choose which one it holds."), name);
    else if (g->closest >= 0)
        html_printf(b, T(L, "The file <bdi>%T</bdi> does not look like any kind of data cairn "
                            "imports. Its columns come closest to %T: compare its first line "
                            "with the formats, or choose the kind."), name,
                    web_import_kind_label(L, (import_kind)g->closest));
    else
        html_printf(b, T(L, "The file <bdi>%T</bdi> does not look like any kind of data cairn "
                            "imports: none of the names in its first line is a column cairn "
                            "knows. Is it the right file?"), name);
    html_printf(b, "</p></div>\n");
    upload_form(c->req, b, L, g->nmatch > 1 ? (int)g->match[0] : -1);
    html_page_end(b);
}

/* The counts and messages of a report; dry says whether rows were only
** checked.  With token (the staged upload of kind), a link to the whole
** report as CSV. */
static void report_section(buf *b, const i18n_lang *L, const import_outcome *o, int dry,
                           import_kind kind, const char *token) {
    char n1[I18N_NUM_MAX], n2[I18N_NUM_MAX];
    html_printf(b, "<section aria-labelledby=\"h-report\">\n<h2 id=\"h-report\">%T</h2>\n"
                   "<dl class=\"facts\">\n",
                dry ? T(L, "Validation report") : T(L, "Import report"));
    html_printf(b, "<dt>%T</dt><dd>%T</dd>\n", T(L, "Rows read"),
                i18n_format_int(L, o->rep.rows_read, n1, sizeof n1));
    html_printf(b, "<dt>%T</dt><dd>%T</dd>\n",
                dry ? T(L, "Rows that would be written") : T(L, "Rows written"),
                i18n_format_int(L, o->rep.rows_written, n1, sizeof n1));
    if (o->rc == 0) {
        html_printf(b, "<dt>%T</dt><dd>%T</dd>\n", dry ? T(L, "New rows it would add")
                                                        : T(L, "New rows"),
                    i18n_format_int(L, o->rep.rows_new, n1, sizeof n1));
        html_printf(b, "<dt>%T</dt><dd>%T</dd>\n", dry ? T(L, "Rows it would update")
                                                        : T(L, "Rows updated"),
                    i18n_format_int(L, o->rep.rows_updated, n1, sizeof n1));
        html_printf(b, "<dt>%T</dt><dd>%T</dd>\n", T(L, "Rows already there, unchanged"),
                    i18n_format_int(L, o->rep.rows_unchanged, n1, sizeof n1));
    }
    html_printf(b, "<dt>%T</dt><dd>%T</dd>\n</dl>\n", T(L, "Rows with problems"),
                i18n_format_int(L, o->rep.rows_bad, n1, sizeof n1));
    if (o->refused) {
        html_printf(b, "<p>%T</p>\n<p><code lang=\"en\">%T</code></p>\n",
                    T(L, "The file as a whole could not be read:"), o->err.msg);
    }
    if (o->rep.messages.len) {
        html_printf(b, "<h3>%T</h3>\n<table class=\"problems\">\n<thead><tr><th scope=\"col\">%T"
                       "</th><th scope=\"col\">%T</th><th scope=\"col\">%T</th></tr></thead>\n"
                       "<tbody>\n", T(L, "Problems, by line and column"), T(L, "Line"),
                    T(L, "Column"), T(L, "What to fix"));
        const char *p = o->rep.messages.data;
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            long line, col;
            const char *what;
            web_import_message_split(p, n, &line, &col, &what);
            html_printf(b, "<tr><td>%T</td><td>%T</td><td lang=\"en\">",
                        line ? i18n_format_int(L, line, n1, sizeof n1) : "",
                        col ? i18n_format_int(L, col, n2, sizeof n2) : "");
            html_text_n(b, what, n - (size_t)(what - p));
            html_printf(b, "</td></tr>\n");
            p += n + (nl ? 1 : 0);
        }
        html_printf(b, "</tbody></table>\n");
    }
    if (token && (o->rep.messages.len || o->refused))
        html_printf(b, "<p><a href=\"/import/report?kind=%A&amp;token=%A\" download>%T</a></p>\n",
                    import_kind_name(kind), token,
                    T(L, "Download the whole report (CSV: line, column, field, problem)"));
    if (o->rep.messages_dropped) {
        html_printf(b, "<p>");
        html_printf(b, TN(L, "%T more problem is not shown.", "%T more problems are not shown.",
                          o->rep.messages_dropped),
                    i18n_format_int(L, o->rep.messages_dropped, n1, sizeof n1));
        html_printf(b, "</p>\n");
    }
    html_printf(b, "</section>\n");
}

/*
** WEBPAGE: GET /import
** ACCESS:  administrator
** BODY:    none
** NAV:     40 Import data
**
** GET /import: the upload form.
*/
void page_import_get(web_ctx *c) {
    web_request *req = c->req;
    const i18n_lang *L = c->L;
    buf *b = import_page_begin(c, 200, T(L, "Import data"));
    html_printf(b, "<p>%T</p>\n",
                T(L, "Upload a file to check it first: nothing is written to the database "
                     "until you confirm the import."));
    upload_form(req, b, L, -1);
    html_page_end(b);
}

/*
** WEBPAGE: POST /import
** ACCESS:  administrator
** BODY:    upload
**
** POST /import: stage the upload, dry-run it, show the report.
*/
void page_import_post(web_ctx *c) {
    web_request *req = c->req;
    const i18n_lang *L = c->L;
    multipart_part parts[8];
    size_t n;
    cairn_err err = {0};
    if (multipart_parse(web_request_header(req, "Content-Type"), req->body, req->body_len,
                        req->arena, parts, 8, &n, &err) != 0) {
        form_with_error(c, 400, N_("The upload could not be read. Choose the file and "
                                          "upload it again."), err.msg, -1);
        return;
    }
    const multipart_part *kp = multipart_find(parts, n, "kind");
    const multipart_part *fp = multipart_find(parts, n, "file");
    char kind_name[32] = "";
    if (kp && !kp->filename && kp->len < sizeof kind_name) memcpy(kind_name, kp->data, kp->len);
    int kind = import_kind_parse(kind_name);
    int recognise = !kind_name[0] || !strcmp(kind_name, "auto");
    if (kind < 0 && !recognise) {
        form_with_error(c, 400, N_("Choose what kind of data the file holds."), NULL, -1);
        return;
    }
    if (!fp || !fp->filename) {
        form_with_error(c, 400, N_("Choose a file to upload."), NULL, kind);
        return;
    }
    if (fp->len == 0) {
        form_with_error(c, 400, N_("The file is empty. Choose the file with the data."),
                        NULL, kind);
        return;
    }
    /* What the header looks like: the kind when none was chosen, else a
    ** warning when the file looks like another kind than the one chosen. */
    import_kind_guess g;
    cairn_err derr = {0};
    int detected = import_kind_detect_mem(fp->data, fp->len, fp->filename, &g, &derr) == 0;
    if (recognise) {
        if (!detected) {
            form_with_error(c, 422, N_("The file could not be read as CSV."), derr.msg, -1);
            return;
        }
        if (g.nmatch != 1) {
            kind_not_recognised(c, fp->filename, &g);
            return;
        }
        kind = (int)g.match[0];
    }
    int other_kind = !recognise && detected && g.nmatch == 1 && (int)g.match[0] != kind
                     ? (int)g.match[0] : -1;
    store *st = c->st;
    const char *dir = import_staging_dir(st, req->arena, &err);
    char token[IMPORT_STAGING_TOKEN_LEN];
    import_staged sg;
    if (!dir || import_staging_save(dir, &req->session->who, (import_kind)kind, fp->data, fp->len,
                                    token, &sg, req->arena, &err)) {
        page_fail(c, "import staging", err.msg);
        return;
    }
    import_outcome o;
    if (web_import_run(req, st, (import_kind)kind, sg.csv, upload_name(fp->filename, req->arena),
                       1, IMPORT_MESSAGES_SHOWN, &o) != 0) {
        import_staging_discard(&sg, req->arena);
        page_fail(c, "import check", o.err.msg);
        import_report_free(&o.rep);
        return;
    }
    int clean = o.rc == 0 && o.rep.rows_bad == 0;
    buf *b = import_page_begin(c, clean ? 200 : 422, T(L, "Check the import"));
    html_printf(b, "<p>");
    html_printf(b, recognise ? T(L, "File <bdi>%T</bdi>: from its header line, it holds %T.")
                             : T(L, "File <bdi>%T</bdi>, checked as: %T."), fp->filename,
                web_import_kind_label(L, (import_kind)kind));
    html_printf(b, "</p>\n");
    if (other_kind >= 0) {
        html_printf(b, "<div class=\"notice error\" role=\"alert\"><p>");
        html_printf(b, T(L, "The file <bdi>%T</bdi> looks like %T, not %T. Was it the wrong "
                            "file, or the wrong choice?"), fp->filename,
                    web_import_kind_label(L, (import_kind)other_kind),
                    web_import_kind_label(L, (import_kind)kind));
        html_printf(b, "</p></div>\n");
    }
    report_section(b, L, &o, 1, (import_kind)kind, clean ? NULL : token);
    if (clean) {
        html_printf(b, "<form class=\"confirm\" method=\"post\" action=\"/import/confirm\">\n"
                       "<input type=\"hidden\" name=\"csrf\" value=\"%A\">\n"
                       "<input type=\"hidden\" name=\"token\" value=\"%A\">\n"
                       "<input type=\"hidden\" name=\"kind\" value=\"%A\">\n"
                       "<p>%T</p>\n<p><button type=\"submit\">",
                    req->session->csrf, token, import_kind_name((import_kind)kind),
                    T(L, "Every row is good. Nothing has been written yet."));
        html_printf(b, T(L, "Import as %T"), web_import_kind_label(L, (import_kind)kind));
        html_printf(b, "</button> <a href=\"/import\">%T</a></p>\n</form>\n",
                    recognise ? T(L, "Not this kind? Upload again and choose it")
                              : T(L, "Cancel"));
    } else {
        /* kept (unconfirmable in practice: its rows are bad) for the CSV
        ** report until the staging sweep removes it */
        html_printf(b, "<p class=\"notice\" role=\"alert\">%T</p>\n",
                    T(L, "Nothing was written. Fix the file and upload it again."));
        upload_form(req, b, L, kind);
    }
    html_page_end(b);
    import_report_free(&o.rep);
}

/*
** WEBPAGE: POST /import/confirm
** ACCESS:  administrator
** BODY:    form
**
** POST /import/confirm: import the staged upload for real.
*/
void page_import_confirm(web_ctx *c) {
    web_request *req = c->req;
    web_response *res = c->res;
    const i18n_lang *L = c->L;
    cairn_err err = {0};
    int kind = import_kind_parse(web_request_form(req, "kind") ? web_request_form(req, "kind") : "");
    if (kind < 0) {
        web_error_page(res, 400, "Bad request", "The form did not say what kind of data to import.");
        return;
    }
    store *st = c->st;
    const char *dir = import_staging_dir(st, req->arena, &err);
    import_staged sg;
    int claim = dir ? import_staging_claim(dir, web_request_form(req, "token"), &req->session->who,
                                           (import_kind)kind, &sg, req->arena, &err)
                    : IMPORT_CLAIM_FAILED;
    if (claim == IMPORT_CLAIM_FAILED) { page_fail(c, "import staging", err.msg); return; }
    if (claim == IMPORT_CLAIM_NOT_YOURS) {
        web_error_page(res, 403, "Not allowed", "Only the person who uploaded this file can "
                                                "confirm its import.");
        return;
    }
    if (claim == IMPORT_CLAIM_GONE) {
        web_error_page(res, 409, "Nothing to confirm", "This upload was already imported, has "
                       "expired or does not exist. Upload the file again.");
        return;
    }
    import_outcome o;
    if (claim == IMPORT_CLAIM_CHANGED) {
        import_staging_discard(&sg, req->arena);
        web_error_page(res, 409, "Nothing to confirm", "The uploaded file changed after it was "
                       "checked. Upload the file again.");
        return;
    }
    int rc = web_import_run(req, st, (import_kind)kind, sg.csv, NULL, 0, IMPORT_MESSAGES_SHOWN, &o);
    import_staging_discard(&sg, req->arena);
    if (rc != 0) {
        page_fail(c, "import", o.err.msg);
        import_report_free(&o.rep);
        return;
    }
    int done = o.rc == 0;
    if (done) audit_import(req, st, (import_kind)kind, &o, "page");
    buf *b = import_page_begin(c, done ? 200 : 422,
                               done ? T(L, "Import finished") : T(L, "Import failed"));
    html_printf(b, "<p>%T</p>\n", web_import_kind_label(L, (import_kind)kind));
    report_section(b, L, &o, 0, (import_kind)kind, NULL);
    if (done) {
        html_printf(b, "<p class=\"notice\">");
        html_printf(b, T(L, "The data is in. Risk scores update at the next scoring run "
                            "(<code>cairn score</code>)."));
        html_printf(b, "</p>\n");
    } else {
        html_printf(b, "<p class=\"notice\" role=\"alert\">%T</p>\n",
                    T(L, "The data changed since the check, and the import now fails. Nothing "
                         "was written. Fix the file and upload it again."));
    }
    html_printf(b, "<p><a href=\"/import\">%T</a></p>\n", T(L, "Import another file"));
    html_page_end(b);
    import_report_free(&o.rep);
}

/* ---- the API -------------------------------------------------------------------- */

/* Split one "file:line:column: what" message; see import.h. */
void web_import_message_split(const char *msg, size_t n, long *line, long *column,
                              const char **what) {
    *line = *column = 0;
    *what = msg;
    const char *p = memchr(msg, ':', n);
    if (!p || p + 1 >= msg + n || p[1] < '0' || p[1] > '9') return;
    char *end;
    long l = strtol(p + 1, &end, 10), c = 0;
    if (*end == ':' && end[1] >= '0' && end[1] <= '9') c = strtol(end + 1, &end, 10);
    if (end + 1 >= msg + n || end[0] != ':' || end[1] != ' ') return;
    *line = l;
    *column = c;
    *what = end + 2;
}

/* One "file:line:column: what" (or "file:line: what") message as a JSON
** error object {line, column, message}; line and column null when the
** message has none. */
static json_t *message_json(const char *msg, size_t n) {
    long line, col;
    const char *what;
    web_import_message_split(msg, n, &line, &col, &what);
    return json_pack("{s:o,s:o,s:s%}", "line", line ? json_integer(line) : json_null(),
                     "column", col ? json_integer(col) : json_null(), "message", what,
                     n - (size_t)(what - msg));
}

/*
** WEBPAGE: POST /api/v1/imports
** ACCESS:  administrator
** BODY:    upload
**
** POST /api/v1/imports?kind=K[&dry_run=1]: import (or check) the CSV body.
*/
void api_import_post(web_ctx *c) {
    web_request *req = c->req;
    web_response *res = c->res;
    cairn_err err = {0};
    if (!req->session) {
        web_error_json(res, 401, "unauthorized", "Send an API token or sign in first.");
        return;
    }
    const char *kq = web_request_query(req, "kind");
    int kind = kq ? import_kind_parse(kq) : -1;
    int recognise = !kq || !strcmp(kq, "auto");
    if (kind < 0 && !recognise) {
        web_error_json(res, 400, "bad_request", "kind must be auto or one of institutions, sites, "
                       "terms, programmes, groups, learners, staff, guardians, group_staff, "
                       "enrolments, attendance, results, behaviour, engagement.");
        return;
    }
    const char *dq = web_request_query(req, "dry_run");
    int dry = 0;
    if (dq && !strcmp(dq, "1")) dry = 1;
    else if (dq && strcmp(dq, "0") != 0) {
        web_error_json(res, 400, "bad_request", "dry_run must be 0 or 1.");
        return;
    }
    const char *ct = web_request_header(req, "Content-Type");
    size_t ctn = strlen("text/csv");
    if (!ct || strncasecmp(ct, "text/csv", ctn) != 0 || (ct[ctn] && ct[ctn] != ';' && ct[ctn] != ' ')) {
        web_error_json(res, 415, "unsupported_media_type",
                       "Send the file itself as the body, with Content-Type: text/csv.");
        return;
    }
    if (recognise) {
        import_kind_guess g;
        if (import_kind_detect_mem(req->body, req->body_len, "upload.csv", &g, &err) < 0) {
            web_error_json(res, 422, "unprocessable", err.msg);
            return;
        }
        if (g.nmatch != 1) {
            buf why = BUF_INIT;
            import_kind_guess_describe(&g, "the file", &why);
            buf_puts(&why, "; say which kind with ?kind=");   /* not HTML: a JSON error message */
            web_error_json(res, 422, "unprocessable", buf_cstr(&why));
            buf_free(&why);
            return;
        }
        kind = (int)g.match[0];
    }
    store *st = c->st;
    const char *dir = import_staging_dir(st, req->arena, &err);
    import_staged sg;
    if (!dir || import_staging_save(dir, &req->session->who, (import_kind)kind, req->body,
                                    req->body_len, NULL, &sg, req->arena, &err)) {
        web_log(req, "api import staging: %s", err.msg);
        web_error_json(res, 500, "internal", "The file could not be stored for the import.");
        return;
    }
    import_outcome o;
    int rc = web_import_run(req, st, (import_kind)kind, sg.csv, "upload.csv", dry,
                            IMPORT_MESSAGES_SHOWN, &o);
    import_staging_discard(&sg, req->arena);
    if (rc != 0) {
        web_log(req, "api import: %s", o.err.msg);
        web_error_json(res, 500, "internal", "The import failed; nothing was written. The "
                                             "server log has the details.");
        import_report_free(&o.rep);
        return;
    }
    if (o.rc == 0 && !dry) audit_import(req, st, (import_kind)kind, &o, "api");
    json_t *errors = json_array();
    const char *p = o.rep.messages.data ? o.rep.messages.data : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        json_array_append_new(errors, message_json(p, n));
        p += n + (nl ? 1 : 0);
    }
    if (o.refused) json_array_append_new(errors, message_json(o.err.msg, strlen(o.err.msg)));
    api_send(res, o.rc == 0 ? 200 : 422,
                json_pack("{s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:I}", "kind",
                          import_kind_name((import_kind)kind),
                          "dry_run", dry, "rows_read", (json_int_t)o.rep.rows_read, "rows_written",
                          (json_int_t)o.rep.rows_written, "rows_new", (json_int_t)o.rep.rows_new,
                          "rows_updated", (json_int_t)o.rep.rows_updated, "rows_unchanged",
                          (json_int_t)o.rep.rows_unchanged, "rows_bad", (json_int_t)o.rep.rows_bad,
                          "errors", errors, "errors_not_shown",
                          (json_int_t)o.rep.messages_dropped));
    import_report_free(&o.rep);
}
