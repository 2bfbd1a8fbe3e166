/*
** support/contract_subject.c — the learner contracts part of a learner's
** whole record (support/subject.h): every version with its exact text,
** fingerprint, code and signatures (names opened) for `cairn export
** subject`; erased by blanking the texts, the commitments and the signers'
** names and initials, while versions, fingerprints, codes, roles, methods
** and dates stay (a paper can still be checked against its fingerprint,
** and the statistics keep their counts).  Open cases hold erasure back
** already (support/case_subject.c).
*/
#include "support/contract.h"
#include "support/case.h"
#include "support/subject.h"
#include <jansson.h>
#include <stdlib.h>

/* The ids of the learner's cases into ids (malloc'd). */
static int learner_cases(store *st, int64_t inst, int64_t learner, int64_t **ids, size_t *n,
                         cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT id FROM support_case WHERE institution_id = ?"
                                      " AND learner_id = ? ORDER BY id", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner);
    return store_stmt_ids(q, ids, n, err);
}

/* The part as JSON (see subject.h). */
int support_contract_subject_read(store *st, int64_t inst, int64_t learner, json_t **out,
                                  cairn_err *err) {
    int64_t *ids = NULL;
    size_t n = 0;
    *out = NULL;
    if (learner_cases(st, inst, learner, &ids, &n, err) < 0) return -1;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        contract_version *v = NULL;
        size_t nv = 0;
        if (support_contract_versions(st, inst, ids[i], &v, &nv, err) < 0) {
            json_decref(list);
            free(ids);
            return -1;
        }
        for (size_t k = 0; k < nv; k++) {
            json_t *sigs = json_array();
            for (int r = 0; r < CONTRACT_ROLE_COUNT; r++)
                if (v[k].sig[r].id)
                    json_array_append_new(sigs, json_pack(
                        "{s:s,s:s,s:s,s:s,s:s}", "role", contract_role_code(r), "name",
                        v[k].sig[r].name, "signed_at", v[k].sig[r].signed_at, "method",
                        contract_method_code(v[k].sig[r].method), "version_sha256",
                        v[k].sig[r].version_sha256));
            json_array_append_new(list, json_pack(
                "{s:I,s:i,s:s,s:s,s:s,s:s,s:s,s:o}", "case_id", (json_int_t)ids[i], "version",
                v[k].number, "language", v[k].language, "code", v[k].code, "sha256",
                v[k].sha256, "signed_at", v[k].signed_at, "text", v[k].text, "signatures",
                sigs));
        }
        support_contract_versions_free(v, nv);
    }
    free(ids);
    *out = list;
    return 0;
}

/* Blank the texts (see subject.h; in the caller's transaction). */
int support_contract_subject_erase(store *st, int64_t inst, int64_t learner, cairn_err *err) {
    static const char *const sqls[] = {
        "UPDATE contract_version SET body = '', school_commits = '', learner_commits = ''"
        " WHERE institution_id = ? AND case_id IN (SELECT id FROM support_case"
        " WHERE institution_id = contract_version.institution_id AND learner_id = ?)",
        "UPDATE contract_signature SET name = '', initials = '' WHERE institution_id = ?"
        " AND version_id IN (SELECT v.id FROM contract_version v JOIN support_case c"
        " ON c.institution_id = v.institution_id AND c.id = v.case_id"
        " WHERE v.institution_id = contract_signature.institution_id AND c.learner_id = ?)",
        NULL};
    return support_subject_run(st, sqls, inst, learner, err);
}
