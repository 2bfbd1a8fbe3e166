/*
** school/import.c — the import session: one write transaction, CSV files
** mapped onto the spec's columns, values validated, bad rows reported as
** "file:line:column: what", all-or-nothing unless asked to skip bad rows.
**
** Row writing (references, SQL) is in import_write.c; OneRoster mapping in
** oneroster.c.  Memory does not grow with the size of a file: rows stream
** through, and a key repeated within one import is found by the database
** (see import_id in school_schema.c), not by remembering keys.  A key
** repeated within one file is ambiguous: when the database finds one, the
** file's writes are rolled back to a savepoint and the file is read twice
** more, remembering only the repeated keys (import_repeat.c).
*/
#include "school/import_internal.h"
#include "base/csv.h"
#include "base/date.h"
#include "base/mem.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- reports ------------------------------------------------------------ */

/* An empty report. */
void import_report_init(import_report *r) {
    memset(r, 0, sizeof *r);
    buf_init(&r->messages);
}

/* Free the report's messages. */
void import_report_free(import_report *r) {
    buf_free(&r->messages);
}

/* ---- session ------------------------------------------------------------ */

/* Load code -> id for all institutions, and the next free institution id. */
int importer_load_institutions(importer *im, cairn_err *err) {
    store_stmt *s = store_prepare(im->st, "SELECT code, id FROM institution", err);
    if (!s) return -1;
    int rc;
    int64_t max = 0;
    while ((rc = store_step(s, err)) == STORE_ROW) {
        const char *code = store_col_text(s, 0);
        int64_t id = store_col_int64(s, 1);
        hmap_put(im->institutions, code, strlen(code), id);
        if (id > max) max = id;
    }
    store_finalize(s);
    im->next_inst_id = max + 1;
    return rc < 0 ? -1 : 0;
}

/* Start an import session: opens the write transaction. *out is freed by
** importer_finish() or importer_abort(). */
int importer_begin(store *st, const import_opts *opts, importer **out, cairn_err *err) {
    *out = NULL;
    importer *im = xcalloc(1, sizeof *im);
    im->st = st;
    im->batch.slot = -1;
    buf_init(&im->batch.raw);
    if (opts) im->opts = *opts;
    if (im->opts.max_messages <= 0) im->opts.max_messages = 200;
    import_report_init(&im->rep);
    buf_init(&im->kinds);
    buf_init(&im->sources);
    buf_init(&im->scratch);
    buf_init(&im->keytext);
    im->institutions = hmap_new();
    date_now_iso(im->started_at);
    if (im->opts.skip_bad_path) {
        im->skip = fopen(im->opts.skip_bad_path, "w");
        if (!im->skip) {
            err_set(err, CAIRN_EIO, "%s: cannot write the bad-rows file: %s",
                    im->opts.skip_bad_path, strerror(errno));
            importer_abort(im);
            return -1;
        }
    }
    if (store_tx_begin_write(st, 0x6361697206LL /* "cair" import lock */, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM import_run", -1,
                          &im->import_id, err) < 0 ||
        importer_load_institutions(im, err) < 0) {
        importer_abort(im);
        return -1;
    }
    *out = im;
    return 0;
}

/* Roll back and free everything the session holds. */
void importer_abort(importer *im) {
    if (!im) return;
    import_batch_free(im);
    for (int i = 0; i < IMPORT_STMT_MAX; i++) store_finalize(im->stmt[i]);
    if (store_in_tx(im->st)) store_tx_rollback(im->st);
    for (int i = 0; i < REF_COUNT; i++) hmap_free(im->refs[i]);
    hmap_free(im->institutions);
    importer_dups_clear(im);
    buf_free(&im->keytext);
    if (im->skip) fclose(im->skip);
    free(im->skip_header_sig);
    import_report_free(&im->rep);
    buf_free(&im->kinds);
    buf_free(&im->sources);
    buf_free(&im->scratch);
    free(im);
}

/* Record the session in import_run (needs the institution when there is one). */
static int importer_log_run(importer *im, cairn_err *err) {
    char done[32];
    date_now_iso(done);
    store_stmt *s = store_prepare(im->st,
        "INSERT INTO import_run (institution_id, id, kind, source, started_at, finished_at,"
        " rows_read, rows_written, rows_bad) VALUES (?,?,?,?,?,?,?,?,?)", err);
    if (!s) return -1;
    store_bind_int64(s, 1, im->inst_id);
    store_bind_int64(s, 2, im->import_id);
    store_bind_text(s, 3, buf_cstr(&im->kinds), (size_t)-1);
    store_bind_text(s, 4, buf_cstr(&im->sources), (size_t)-1);
    store_bind_text(s, 5, im->started_at, (size_t)-1);
    store_bind_text(s, 6, done, (size_t)-1);
    store_bind_int64(s, 7, im->rep.rows_read);
    store_bind_int64(s, 8, im->rep.rows_written);
    store_bind_int64(s, 9, im->rep.rows_bad);
    int rc = store_step(s, err);
    store_finalize(s);
    return rc < 0 ? -1 : 0;
}

/* Finish the session: commit if nothing was bad or bad rows are skipped,
** else roll back; a dry run always rolls back.  Returns 0 committed (or
** would commit), 1 rolled back because of bad rows, -1 error (rolled back).
** The report is moved to *report; im is freed. */
int importer_finish(importer *im, import_report *report, cairn_err *err) {
    int rc;
    if (im->failed) {
        rc = -1;
        if (err && !err->code) err_set(err, CAIRN_EINTERNAL, "import failed");
    } else if (im->rep.rows_bad && !im->opts.skip_bad_path) {
        rc = 1;
    } else {
        import_batch_free(im);
        for (int i = 0; i < IMPORT_STMT_MAX; i++) {
            store_finalize(im->stmt[i]);
            im->stmt[i] = NULL;
        }
        rc = import_counts_settle(im, err) < 0 || importer_log_run(im, err) < 0 ? -1 : 0;
        if (rc == 0 && im->opts.dry_run)
            store_tx_rollback(im->st);   /* a dry run: everything checked, nothing kept */
        else if (rc == 0 && store_tx_commit(im->st, err) < 0)
            rc = -1;
        if (rc == 0 && im->skip) {
            if (fclose(im->skip) != 0) {
                im->skip = NULL;
                err_set(err, CAIRN_EIO, "%s: cannot write the bad-rows file",
                        im->opts.skip_bad_path);
                rc = -1;   /* the import itself is committed; say so in main */
            }
            im->skip = NULL;
        }
    }
    if (rc != 0)
        im->rep.rows_written = im->rep.rows_new = im->rep.rows_updated = im->rep.rows_unchanged = 0;
    if (report) {
        *report = im->rep;
        import_report_init(&im->rep);
    }
    importer_abort(im);
    return rc;
}

/* ---- bad rows --------------------------------------------------------------- */

/* Write the bad row and its reason to the bad-rows file: the source's header
** plus a cairn_error column; a new header line whenever the header changes. */
static void importer_skip_write(importer *im, const import_origin *org, const char *msg) {
    if (!im->skip || !org->raw) return;
    buf *b = &im->scratch;
    buf_reset(b);
    for (size_t i = 0; i < org->nraw; i++) {
        if (i) buf_putc(b, ',');
        buf_puts(b, org->header[i]);
    }
    if (!im->skip_header_sig || strcmp(im->skip_header_sig, buf_cstr(b)) != 0) {
        free(im->skip_header_sig);
        im->skip_header_sig = xstrdup(buf_cstr(b));
        buf_reset(b);
        for (size_t i = 0; i < org->nraw; i++) {
            csv_write_field(b, org->header[i], strlen(org->header[i]), ',', 1);
            buf_putc(b, ',');
        }
        buf_puts(b, "cairn_error\n");
        fwrite(b->data, 1, b->len, im->skip);
    }
    buf_reset(b);
    for (size_t i = 0; i < org->nraw; i++) {
        csv_write_field(b, org->raw[i], org->raw_len[i], ',', 1);
        buf_putc(b, ',');
    }
    csv_write_field(b, msg, strlen(msg), ',', 1);
    buf_putc(b, '\n');
    fwrite(b->data, 1, b->len, im->skip);
}

/* Record a bad row: one message "file:line:column: why" in the report (up to
** the cap), and the row in the bad-rows file when skipping. */
void importer_bad(importer *im, const import_origin *org, int file_col, const char *why) {
    char msg[CAIRN_ERR_MAX];
    if (im->pass == IMPORT_PASS_KEYS) return;   /* only learning keys: nothing reported */
    if (im->pass == IMPORT_PASS_WRITE && !im->opts.sum &&
        strncmp(why, IMPORT_DUP_PREFIX, strlen(IMPORT_DUP_PREFIX)) == 0) {
        if (!im->dup_lines) im->dup_lines = hmap_new();
        hmap_put(im->dup_lines, (const char *)&org->line, sizeof org->line, 1);
    }
    if (file_col > 0)
        snprintf(msg, sizeof msg, "%s:%ld:%d: %s", org->file, org->line, file_col, why);
    else
        snprintf(msg, sizeof msg, "%s:%ld: %s", org->file, org->line, why);
    im->rep.rows_bad++;
    if (im->rep.rows_bad <= im->opts.max_messages) {
        buf_puts(&im->rep.messages, msg);
        buf_putc(&im->rep.messages, '\n');
    } else {
        im->rep.messages_dropped++;
    }
    importer_skip_write(im, org, msg);
}

/* Report a bad row found before the database saw it; rows still pending in
** the batch are written (and their duplicates reported) first, so messages
** keep the order of the file. */
static int importer_bad_now(importer *im, const import_origin *org, int file_col,
                            const char *why, cairn_err *err) {
    char copy[CAIRN_ERR_MAX];
    snprintf(copy, sizeof copy, "%s", why);   /* why may live in im->scratch */
    if (im->batch.n && import_batch_flush(im, err) < 0) return -1;
    importer_bad(im, org, file_col, copy);
    return 0;
}

/* ---- values ----------------------------------------------------------------- */

/* Trim ASCII spaces and tabs from both ends of s[0..*n). */
static const char *trim(const char *s, size_t *n) {
    while (*n && (*s == ' ' || *s == '\t')) { s++; (*n)--; }
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t')) (*n)--;
    return s;
}

/* Describe the allowed values of an enum column into why. */
static void enum_list(buf *why, const import_col *c) {
    for (int i = 0; c->values[i]; i++) {
        if (i) buf_puts(why, c->values[i + 1] ? ", " : " or ");
        buf_puts(why, c->values[i]);
    }
}

/* Parse cell text (n bytes) as column c into v, copying into tmp (at least
** n+1 bytes).  0 ok; -1 with why filled. */
static int import_value_parse(const import_col *c, const char *s, size_t n, char *tmp,
                              import_value *v, buf *why) {
    memset(v, 0, sizeof *v);
    s = trim(s, &n);
    /* Undo `cairn export`'s formula neutralisation (csv_write_field): a
    ** single quote in front of = + - @ is dropped, so an export re-imports
    ** unchanged ("+44 20 7946 0000" is exported as "'+44 20 7946 0000"). */
    if ((c->type == COL_TEXT || c->type == COL_CODE) && n >= 2 && s[0] == '\'' &&
        (s[1] == '=' || s[1] == '+' || s[1] == '-' || s[1] == '@')) {
        s++;
        n--;
    }
    memcpy(tmp, s, n);
    tmp[n] = 0;
    if (c->type == COL_TEXT) {
        /* A line break inside a quoted field of a Windows (CRLF) file is
        ** stored as a plain LF, like one from any other file. */
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            if (tmp[i] == '\r') {
                tmp[o++] = '\n';
                if (i + 1 < n && tmp[i + 1] == '\n') i++;
            } else {
                tmp[o++] = tmp[i];
            }
        }
        tmp[o] = 0;
        n = o;
    }
    v->s = tmp;
    v->n = n;
    if (n == 0) {
        if (c->required) {
            buf_printf(why, "%s is required and is empty", c->name);
            return -1;
        }
        return 0;
    }
    if (n > c->max_len) {
        buf_printf(why, "%s is %zu bytes long; the limit is %zu", c->name, n, c->max_len);
        return -1;
    }
    switch (c->type) {
    case COL_TEXT:
    case COL_CODE:
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)tmp[i];
            if (ch < 0x20 && !(c->type == COL_TEXT && (ch == '\n' || ch == '\t'))) {
                buf_printf(why, "%s contains a control character (byte 0x%02x)", c->name, ch);
                return -1;
            }
        }
        return 0;
    case COL_DATE:
        if (date_parse(tmp, n, &v->date) < 0) {
            buf_printf(why, "%s \"%.40s\" is not a date of the form YYYY-MM-DD", c->name, tmp);
            return -1;
        }
        return 0;
    case COL_INT: {
        char *end;
        errno = 0;
        long long x = strtoll(tmp, &end, 10);
        if (errno || *end || end == tmp) {
            buf_printf(why, "%s \"%.40s\" is not a whole number", c->name, tmp);
            return -1;
        }
        if ((double)x < c->min || (double)x > c->max) {
            buf_printf(why, "%s %lld is outside %.0f..%.0f", c->name, x, c->min, c->max);
            return -1;
        }
        v->i = x;
        return 0;
    }
    case COL_NUM: {
        /* Accept a decimal comma when there is no point (semicolon files). */
        char *comma = strchr(tmp, ',');
        if (comma && !strchr(tmp, '.') && !strchr(comma + 1, ',')) *comma = '.';
        char *end;
        errno = 0;
        double x = strtod(tmp, &end);
        if (errno || *end || end == tmp || !isfinite(x) || isalpha((unsigned char)tmp[0]) ||
            strpbrk(tmp, "xXpP")) {
            buf_printf(why, "%s \"%.40s\" is not a number", c->name, s);
            return -1;
        }
        if (x < c->min || x > c->max) {
            buf_printf(why, "%s %g is outside %g..%g", c->name, x, c->min, c->max);
            return -1;
        }
        v->d = x;
        return 0;
    }
    case COL_BOOL: {
        static const char *const yes[] = {"yes", "y", "true", "1", NULL};
        static const char *const no[] = {"no", "n", "false", "0", NULL};
        for (int i = 0; yes[i]; i++)
            if (strcasecmp(tmp, yes[i]) == 0) { v->i = 1; return 0; }
        for (int i = 0; no[i]; i++)
            if (strcasecmp(tmp, no[i]) == 0) { v->i = 0; return 0; }
        buf_printf(why, "%s \"%.40s\" is not yes or no", c->name, tmp);
        return -1;
    }
    case COL_ENUM:
        for (int i = 0; c->values[i]; i++) {   /* exact spelling first: the common case */
            if (strcmp(tmp, c->values[i]) == 0) {
                v->i = i;
                v->s = c->values[i];
                return 0;
            }
        }
        for (int i = 0; c->values[i]; i++) {
            if (strcasecmp(tmp, c->values[i]) == 0) {
                v->i = i;
                v->s = c->values[i];
                return 0;
            }
        }
        buf_printf(why, "%s \"%.40s\" is not one of ", c->name, tmp);
        enum_list(why, c);
        return -1;
    }
    return 0;
}

/* Validate, resolve and write one row; see import_internal.h. */
int importer_record(importer *im, import_kind kind, const char *const *text,
                    const size_t *len, const import_origin *org, cairn_err *err) {
    const import_spec *spec = import_spec_of(kind);
    import_value v[IMPORT_MAX_COLS];
    char *tmp[IMPORT_MAX_COLS];
    char stackbuf[4096];
    size_t used = 0;
    buf *why = &im->scratch;
    im->rep.rows_read++;
    buf_reset(why);
    int rc = 0, bad_col = -1;
    for (size_t i = 0; i < spec->ncols; i++) {
        size_t n = text[i] ? len[i] : 0;
        char *t = (used + n + 1 <= sizeof stackbuf) ? stackbuf + used : xmalloc(n + 1);
        if (t != stackbuf + used) tmp[i] = t; else { tmp[i] = NULL; used += n + 1; }
        if (import_value_parse(&spec->cols[i], text[i] ? text[i] : "", n, t, &v[i], why) < 0) {
            rc = 1;
            bad_col = (int)i;
            /* keep parsing the rest so every cell is NUL-terminated; only
            ** the first bad cell of a row is reported */
            for (size_t j = i + 1; j < spec->ncols; j++) {
                size_t m = text[j] ? len[j] : 0;
                char *u = (used + m + 1 <= sizeof stackbuf) ? stackbuf + used : xmalloc(m + 1);
                if (u != stackbuf + used) tmp[j] = u; else { tmp[j] = NULL; used += m + 1; }
                memcpy(u, text[j] ? text[j] : "", m);
                u[m] = 0;
            }
            break;
        }
    }
    if (rc == 0 && im->pass != IMPORT_PASS_WRITE) {
        rc = importer_row_repeated(im, spec, v, org, &bad_col, why);
        if (rc == 2) goto done;   /* only learning keys */
    }
    if (rc == 0) {
        im->row_absent = 0;
        for (size_t i = 0; i < spec->ncols; i++)
            if (!text[i]) im->row_absent |= 1u << i;
        rc = import_write_row(im, spec, v, org, &bad_col, why, err);
    }
    for (size_t i = 0; i < spec->ncols; i++) free(tmp[i]);
    if (rc < 0) {
        im->failed = 1;
        err_prefix(err, "%s:%ld", org->file, org->line);
        return -1;
    }
    if (rc == 1) {
        int fc = bad_col >= 0 && org->file_col ? org->file_col[bad_col] : 0;
        if (importer_bad_now(im, org, fc, buf_cstr(why), err) < 0) {
            im->failed = 1;
            return -1;
        }
    } else {
        im->rep.rows_written++;
    }
    return 0;
done:
    for (size_t i = 0; i < spec->ncols; i++) free(tmp[i]);
    return 0;
}

/* ---- CSV files ---------------------------------------------------------------- */

/* Note kind and source in the session's import_run summary. */
void importer_note(importer *im, const char *kind, const char *source) {
    if (!strstr(buf_cstr(&im->kinds), kind)) {
        if (im->kinds.len) buf_putc(&im->kinds, ',');
        buf_puts(&im->kinds, kind);
    }
    if (im->sources.len < 900) {
        if (im->sources.len) buf_putc(&im->sources, ',');
        buf_puts(&im->sources, source);
    }
}

/* The name the next files are given in messages; see school.h. */
void importer_name_files(importer *im, const char *name) {
    im->file_name = name;
}

/* Read one CSV file of kind into the session, in the current pass (see
** import_internal.h). */
int importer_file_read(importer *im, import_kind kind, const char *path, cairn_err *err) {
    const import_spec *spec = import_spec_of(kind);
    const char *name = im->file_name ? im->file_name
                     : strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    csv_opts co = {0, 0, name};
    csv_reader *r = csv_open_file(path, &co, err);
    if (!r) {
        im->failed = 1;   /* the session must not commit without this file */
        return -1;
    }
    if (im->pass == IMPORT_PASS_WRITE) importer_note(im, spec->name, name);
    int rc = csv_next(r, err);
    if (rc <= 0) {
        im->failed = 1;
        csv_close(r);
        if (rc == 0) return err_set(err, CAIRN_EINVAL, "%s:1: the file is empty; "
                                    "it needs a header line naming its columns", name);
        return -1;
    }
    /* Map the header onto the spec. */
    size_t nh = csv_nfields(r);
    int file_col[IMPORT_MAX_COLS] = {0};
    int *hmap_cols = xcalloc(nh, sizeof *hmap_cols);   /* file field -> spec col or -1 */
    char **header = xcalloc(nh, sizeof *header);
    int bad = 0;
    for (size_t f = 0; f < nh; f++) {
        size_t n;
        const char *h = csv_field(r, f, &n);
        h = trim(h, &n);
        header[f] = xstrndup(h, n);
        for (char *p = header[f]; *p; p++) *p = (char)tolower((unsigned char)*p);
        int c = import_spec_col(spec, header[f]);
        hmap_cols[f] = c;
        if (c >= 0) {
            if (file_col[c]) {
                err_set(err, CAIRN_EINVAL, "%s:1:%zu: column \"%s\" appears twice", name, f + 1, header[f]);
                bad = 1;
                break;
            }
            file_col[c] = (int)f + 1;
        } else if (strcmp(header[f], "cairn_error") != 0) {
            buf b = BUF_INIT;
            for (size_t i = 0; i < spec->ncols; i++) {
                if (i) buf_puts(&b, ", ");
                buf_puts(&b, spec->cols[i].name);
            }
            err_set(err, CAIRN_EINVAL, "%s:1:%zu: unknown column \"%.60s\" for %s; the columns are: %s",
                    name, f + 1, header[f], spec->name, buf_cstr(&b));
            buf_free(&b);
            bad = 1;
            break;
        }
    }
    if (!bad) {
        /* Name every missing required column, and all the required ones. */
        buf missing = BUF_INIT, needed = BUF_INIT;
        size_t nmissing = 0;
        for (size_t c = 0; c < spec->ncols; c++) {
            if (!spec->cols[c].required) continue;
            if (needed.len) buf_puts(&needed, ", ");
            buf_puts(&needed, spec->cols[c].name);
            if (file_col[c]) continue;
            if (nmissing++) buf_puts(&missing, ", ");
            buf_printf(&missing, "\"%s\"", spec->cols[c].name);
        }
        if (nmissing) {
            err_set(err, CAIRN_EINVAL, "%s:1: required column%s %s %s missing; %s files need: %s",
                    name, nmissing > 1 ? "s" : "", buf_cstr(&missing),
                    nmissing > 1 ? "are" : "is", spec->name, buf_cstr(&needed));
            bad = 1;
        }
        buf_free(&missing);
        buf_free(&needed);
    }
    if (bad) import_kind_mismatch_note(r, kind, name, err);
    if (!bad) {
        const char *text[IMPORT_MAX_COLS];
        size_t len[IMPORT_MAX_COLS];
        const char **raw = xcalloc(nh, sizeof *raw);
        size_t *raw_len = xcalloc(nh, sizeof *raw_len);
        import_origin org = {name, 0, file_col, nh, raw, raw_len, (const char *const *)header};
        while ((rc = csv_next(r, err)) == 1) {
            size_t nf = csv_nfields(r);
            org.line = csv_line(r);
            if (nf == 1 && csv_field(r, 0, NULL)[0] == 0) continue;   /* blank line */
            for (size_t f = 0; f < nh && f < nf; f++) raw[f] = csv_field(r, f, &raw_len[f]);
            for (size_t f = nf; f < nh; f++) { raw[f] = ""; raw_len[f] = 0; }
            if (nf != nh) {
                char why[160];
                snprintf(why, sizeof why, "the row has %zu columns; the header has %zu", nf, nh);
                if (importer_bad_now(im, &org, (int)(nf < nh ? nf : nh + 1), why, err) < 0) {
                    rc = -1;
                    break;
                }
                im->rep.rows_read++;
                continue;
            }
            for (size_t c = 0; c < spec->ncols; c++) {
                if (file_col[c]) {
                    text[c] = raw[file_col[c] - 1];
                    len[c] = raw_len[file_col[c] - 1];
                } else {
                    text[c] = NULL;
                    len[c] = 0;
                }
            }
            if (importer_record(im, kind, text, len, &org, err) < 0) { rc = -1; break; }
        }
        if (rc == 0 && import_batch_flush(im, err) < 0) rc = -1;
        free(raw);
        free(raw_len);
    }
    if (bad || rc < 0) im->failed = 1;   /* nothing of a broken file may land */
    for (size_t f = 0; f < nh; f++) free(header[f]);
    free(header);
    free(hmap_cols);
    csv_close(r);
    return bad || rc < 0 ? -1 : 0;
}
