/*
** support/consent_receipt.c — the consent receipt: one consent as a JSON
** object with the fields of ISO/IEC TS 27560:2023 (consent record
** information structure; the Kantara Initiative's Consent Receipt v1.1 is
** its ancestor).  docs/decisions.md lists which field holds what.
*/
#include "support/consent.h"
#include "base/date.h"
#include <stdio.h>
#include <string.h>

/* A JSON array of the comma-separated codes of list (new reference). */
static json_t *codes_array(const char *list) {
    json_t *a = json_array();
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, n));
        p = e ? e + 1 : NULL;
    }
    return a;
}

/* The consent's row, its learner's reference and its institution, read
** into the receipt's parts.  1 found, 0 not, -1 error. */
static int receipt_read(store *st, int64_t inst, int64_t learner, int64_t id, arena *a,
                        support_consent_row *out, const char **ref, const char **inst_code,
                        const char **inst_name, const char **country, cairn_err *err) {
    support_consent_row *rows;
    size_t n;
    if (support_consent_list(st, inst, learner, a, &rows, &n, err) < 0) return -1;
    int found = 0;
    for (size_t i = 0; i < n && !found; i++)
        if (rows[i].id == id) *out = rows[i], found = 1;
    if (!found) return 0;
    store_stmt *q = store_prepare(st,
        "SELECT l.ref, i.code, i.name, coalesce(i.country, '') FROM learner l"
        " JOIN institution i ON i.id = l.institution_id WHERE l.institution_id = ? AND l.id = ?",
        err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        *ref = store_col_dup(q, 0, a);
        *inst_code = store_col_dup(q, 1, a);
        *inst_name = store_col_dup(q, 2, a);
        *country = store_col_dup(q, 3, a);
    }
    store_finalize(q);
    return rc < 0 ? -1 : rc == STORE_ROW;
}

/* The consent receipt (see consent.h). */
int support_consent_receipt(store *st, int64_t institution_id, int64_t learner_id,
                            int64_t consent_id, json_t **out, cairn_err *err) {
    *out = NULL;
    arena *a = arena_new(0);
    support_consent_row r;
    const char *ref = "", *code = "", *name = "", *country = "";
    int rc = receipt_read(st, institution_id, learner_id, consent_id, a, &r, &ref, &code, &name,
                          &country, err);
    if (rc <= 0) {
        if (rc == 0) err_set(err, CAIRN_ENOTFOUND, "this learner has no consent no. %lld",
                             (long long)consent_id);
        arena_free(a);
        return -1;
    }
    char now[32];
    date_now_iso(now);
    int guardian = strcmp(r.given_by, "guardian") == 0;
    json_t *purpose = json_pack(
        "{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s}",
        "purpose_id", r.purpose, "purpose", support_consent_purpose_name(r.purpose),
        "lawful_basis", "consent (GDPR Art. 6(1)(a); Art. 8 for a child: given by a guardian)",
        "pii_information", codes_array(r.categories), "collection_method", r.method,
        "processing_method", "cairn, the institution's own server",
        "retention_period", "as the institution's retention settings say (cairn retention)",
        "withdrawal_method", "tell the institution (key worker or data protection officer); "
                             "it is recorded at once and stops any further sharing");
    json_t *third = json_array();
    if (r.recipient[0]) json_array_append_new(third, json_pack("{s:s}", "name", r.recipient));
    json_object_set_new(purpose, "recipient_third_parties", third);
    json_object_set_new(purpose, "jurisdictions", country[0] ? json_pack("[s]", country)
                                                              : json_array());
    json_t *events = json_array();
    json_array_append_new(events, json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s?}", "event_time", r.recorded_at, "event_type", "given",
        "event_state", "given", "event_by", guardian ? "delegate" : "pii_principal",
        "effective_from", r.valid_from, "delegate_name", guardian ? r.guardian_name : NULL));
    if (r.withdrawn)
        json_array_append_new(events, json_pack(
            "{s:s, s:s, s:s, s:s, s:s}", "event_time", r.withdrawn_at, "event_type", "withdrawn",
            "event_state", "withdrawn", "event_by",
            strcmp(r.withdrawn_by, "guardian") == 0 ? "delegate" : "pii_principal",
            "effective_from", r.withdrawn_effective));
    char record_id[160];
    snprintf(record_id, sizeof record_id, "cairn:%s:consent:%lld", code, (long long)r.id);
    *out = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:o, s:[o], s:{s:s, s:s?}, s:o, s:s, s:{s:s, s:s, s:s}}",
        "schema_version", "ISO/IEC TS 27560:2023", "record_id", record_id,
        "pii_principal_id", ref, "language", "en", "consent_type", "explicit",
        "pii_controllers", json_pack("[{s:s, s:s, s:s}]", "name", name, "id", code, "country",
                                     country),
        "purposes", purpose, "duration", "valid_from", r.valid_from, "valid_until",
        r.valid_until[0] ? r.valid_until : NULL,
        "events", events, "state", support_consent_state(&r, date_today()),
        "receipt", "receipt_id", record_id, "issued_at", now, "ancestor",
        "Kantara Initiative Consent Receipt v1.1");
    arena_free(a);
    if (!*out) return err_set(err, CAIRN_EINTERNAL, "the consent receipt could not be made");
    return 0;
}
