/*
** school/import_batch.c — event rows written many to one statement (fewer
** round trips), each batch inside a savepoint and replayed row by row when
** one of its rows repeats a key (see import_internal.h).
*/
#include "school/import_internal.h"
#include <string.h>

/* ---- batches ------------------------------------------------------------
** See import_internal.h.  The multi-row statement is the single-row upsert
** with its VALUES tuple repeated IMPORT_BATCH_ROWS times. */

/* The multi-row form of import_stmt_sql[slot]; caller frees the buf. */
static void batch_sql(int slot, int nparams, buf *out) {
    const char *sql = import_stmt_sql[slot];
    const char *values = strstr(sql, " VALUES (");
    const char *tuple_end = strchr(values, ')') + 1;
    buf_append(out, sql, (size_t)(values - sql));
    buf_puts(out, " VALUES ");
    for (int r = 0; r < IMPORT_BATCH_ROWS; r++) {
        buf_puts(out, r ? ",(" : "(");
        for (int p = 0; p < nparams; p++) buf_puts(out, p ? ",?" : "?");
        buf_putc(out, ')');
    }
    buf_puts(out, tuple_end);
    import_sql_mark_changes(out);
}

/* Bind one row's values to s starting at parameter first. */
static void batch_bind(store_stmt *s, int first, const import_batch_val *row, int nparams) {
    for (int p = 0; p < nparams; p++) {
        switch (row[p].type) {
        case BATCH_TEXT: store_bind_text(s, first + p, row[p].t, row[p].tn); break;
        case BATCH_DOUBLE: store_bind_double(s, first + p, row[p].d); break;
        default: store_bind_int64(s, first + p, row[p].i);
        }
    }
}

/* Run a statement that takes no parameters and returns no rows. */
static int batch_exec(store_stmt *s, cairn_err *err) {
    int rc = store_step(s, err);
    store_reset(s);
    return rc < 0 ? -1 : 0;
}

/* A slot for one more row of kind slot; flushes first when the batch is full
** or holds another kind or file.  NULL on a fatal error. */
import_batch_val *import_batch_row(importer *im, int slot, const import_spec *spec, int nparams,
                                   const import_origin *org, cairn_err *err) {
    import_batch *b = &im->batch;
    if (b->n && (b->slot != slot || b->org != org || b->n == IMPORT_BATCH_ROWS))
        if (import_batch_flush(im, err) < 0) return NULL;
    if (b->slot != slot) {
        store_finalize(b->multi);
        buf sql = BUF_INIT;
        batch_sql(slot, nparams, &sql);
        im->slots_used |= 1u << slot;
        b->multi = store_prepare(im->st, buf_cstr(&sql), err);
        buf_free(&sql);
        if (!b->multi) return NULL;
        b->slot = slot;
        b->nparams = nparams;
        b->spec = spec;
    }
    if (b->n == 0) buf_reset(&b->raw);
    b->org = org;
    int r = b->n++;
    b->line[r] = org->line;
    b->raw_start[r] = b->raw.len;
    /* the source record is only needed for the bad-rows file */
    for (size_t f = 0; im->skip && org->raw && f < org->nraw; f++) {
        size_t n = org->raw_len[f];
        buf_append(&b->raw, &n, sizeof n);
        buf_append(&b->raw, org->raw[f], n);
    }
    memset(b->val[r], 0, sizeof b->val[r]);
    return b->val[r];
}

/* Put text (at most 64 bytes: the spec's code limit) into a batch value. */
void import_batch_text(import_batch_val *v, const import_value *src) {
    size_t n = src->n < sizeof v->t - 1 ? src->n : sizeof v->t - 1;
    memcpy(v->t, src->s, n);
    v->tn = (uint8_t)n;
    v->type = BATCH_TEXT;
}

/* Replay the batch row by row after a rollback, reporting each duplicate. */
static int batch_replay(importer *im, cairn_err *err) {
    import_batch *b = &im->batch;
    store_stmt *s = import_stmt_get(im, b->slot, err);
    if (!s) return -1;
    const import_origin *org = b->org;
    const char *raw[IMPORT_MAX_COLS * 4];
    size_t raw_len[IMPORT_MAX_COLS * 4];
    for (int r = 0; r < b->n; r++) {
        batch_bind(s, 1, b->val[r], b->nparams);
        buf_reset(&im->scratch);
        int rc = import_run_upsert(s, b->spec, &im->scratch, err);
        if (rc < 0) return -1;
        if (rc == 0) continue;
        /* Rebuild the row's origin from the copy kept in the batch. */
        import_origin o = *org;
        o.line = b->line[r];
        size_t off = b->raw_start[r];
        for (size_t f = 0; im->skip && org->raw && f < org->nraw && f < IMPORT_MAX_COLS * 4; f++) {
            memcpy(&raw_len[f], b->raw.data + off, sizeof(size_t));
            raw[f] = b->raw.data + off + sizeof(size_t);
            off += sizeof(size_t) + raw_len[f];
        }
        o.raw = im->skip && org->raw ? raw : NULL;
        o.raw_len = raw_len;
        if (o.nraw > IMPORT_MAX_COLS * 4) o.nraw = IMPORT_MAX_COLS * 4;
        char why[CAIRN_ERR_MAX];
        snprintf(why, sizeof why, "%s", buf_cstr(&im->scratch));
        buf_reset(&im->scratch);
        im->rep.rows_written--;
        importer_bad(im, &o, org->file_col ? org->file_col[0] : 0, why);
    }
    return 0;
}

/* Write the pending rows; see import_internal.h. */
int import_batch_flush(importer *im, cairn_err *err) {
    import_batch *b = &im->batch;
    if (!b->n) return 0;
    if (!b->savepoint) {
        b->savepoint = store_prepare(im->st, "SAVEPOINT cairn_batch", err);
        b->release = store_prepare(im->st, "RELEASE SAVEPOINT cairn_batch", err);
        b->rollback_to = store_prepare(im->st, "ROLLBACK TO SAVEPOINT cairn_batch", err);
        if (!b->savepoint || !b->release || !b->rollback_to) return -1;
    }
    int rc;
    if (b->n == IMPORT_BATCH_ROWS) {
        if (batch_exec(b->savepoint, err) < 0) return -1;
        for (int r = 0; r < b->n; r++) batch_bind(b->multi, 1 + r * b->nparams, b->val[r], b->nparams);
        rc = store_step(b->multi, err);
        int64_t changed = rc < 0 ? 0 : store_changes(b->multi);
        store_reset(b->multi);
        if (rc < 0) return -1;
        if (changed == b->n) {
            rc = batch_exec(b->release, err);
        } else {
            rc = batch_exec(b->rollback_to, err) < 0 || batch_exec(b->release, err) < 0 ||
                 batch_replay(im, err) < 0 ? -1 : 0;
        }
    } else {
        rc = batch_replay(im, err);   /* a short tail: one statement per row */
    }
    b->n = 0;
    return rc;
}

/* Free the batch's statements and memory. */
void import_batch_free(importer *im) {
    import_batch *b = &im->batch;
    store_finalize(b->multi);
    store_finalize(b->savepoint);
    store_finalize(b->release);
    store_finalize(b->rollback_to);
    b->multi = b->savepoint = b->release = b->rollback_to = NULL;
    b->slot = -1;
    b->n = 0;
    buf_free(&b->raw);
}

