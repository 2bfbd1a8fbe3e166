/*
** support/contract_verify.c — who must sign (the guardian of a minor), the
** printed code, initials, and what /verify tells a stranger holding the
** paper (see contract.h and docs/decisions.md, "The learner contract").
*/
#include "support/contract_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "support/setting.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Whether the learner needs a guardian on day (see contract.h). */
int support_contract_guardian_required(store *st, int64_t inst, int64_t learner_id, int32_t day,
                                       cairn_err *err) {
    int64_t majority = 18;
    if (support_setting_get(st, inst, CONTRACT_AGE_OF_MAJORITY, &majority, err) < 0) return -1;
    store_stmt *q = store_prepare(st, "SELECT birth_date FROM learner WHERE institution_id = ?"
                                      " AND id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, learner_id);
    int rc = store_step(q, err);
    int32_t born = 0;
    int known = 0;
    if (rc == STORE_ROW) {
        const char *b = store_col_text(q, 0);
        known = b && date_parse(b, strlen(b), &born) == 0;
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (!known) return 1;   /* no birth date: a guardian signs too */
    int by, bm, bd, y, m, d;
    date_to_ymd(born, &by, &bm, &bd);
    date_to_ymd(day, &y, &m, &d);
    int age = y - by - (m < bm || (m == bm && d < bd));
    return age < majority;
}

/* Normalise a typed code (see contract.h). */
int support_contract_code_normalise(const char *typed, char out[CONTRACT_CODE_CHARS + 1]) {
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    size_t k = 0;
    for (const char *s = typed ? typed : ""; *s; s++) {
        int c = toupper((unsigned char)*s);
        if (c == '-' || c == ' ') continue;
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        if (!c || !strchr(alphabet, c) || k == CONTRACT_CODE_CHARS) return -1;
        out[k++] = (char)c;
    }
    out[k] = 0;
    return k == CONTRACT_CODE_CHARS ? 0 : -1;
}

/* Initials of a name (see contract.h). */
void support_contract_initials(const char *name, char *out, size_t cap) {
    size_t k = 0;
    int start = 1;
    out[0] = 0;
    for (const unsigned char *s = (const unsigned char *)(name ? name : ""); *s; s++) {
        if (*s == ' ' || *s == '-' || *s == '\t') {
            start = 1;
            continue;
        }
        if (!start) continue;
        start = 0;
        size_t n = 1;   /* one whole UTF-8 character */
        while (s[n] && (s[n] & 0xC0) == 0x80) n++;
        if (k + n + 3 >= cap) break;
        if (k) out[k++] = ' ';
        memcpy(out + k, s, n);
        k += n;
        out[k++] = '.';
        out[k] = 0;
        s += n - 1;
    }
}

/* Lower-case hex of a typed fingerprint into out (spaces and colons
** dropped); "" when it is not one. */
static void fingerprint_normalise(const char *typed, char out[CRYPTO_SHA256_HEX_LEN]) {
    size_t k = 0;
    for (const char *s = typed; *s; s++) {
        if (*s == ' ' || *s == ':' || *s == '-') continue;
        if (!isxdigit((unsigned char)*s) || k == 64) {
            out[0] = 0;
            return;
        }
        out[k++] = (char)tolower((unsigned char)*s);
    }
    out[k] = 0;
}

/* Look up a code (see contract.h). */
int support_contract_verify(store *st, const char *code, const char *fingerprint,
                            contract_verdict *v, cairn_err *err) {
    memset(v, 0, sizeof *v);
    char norm[CONTRACT_CODE_CHARS + 1];
    if (support_contract_code_normalise(code, norm) < 0) return 0;
    store_stmt *q = store_prepare(st, "SELECT v.institution_id, v.id, v.number, v.sha256,"
                                      " v.signed_at, i.name, c.learner_id, c.id,"
                                      " (SELECT count(*) FROM contract_version w"
                                      " WHERE w.institution_id = v.institution_id"
                                      " AND w.case_id = v.case_id AND w.number > v.number"
                                      " AND w.signed_at IS NOT NULL)"
                                      " FROM contract_version v"
                                      " JOIN institution i ON i.id = v.institution_id"
                                      " JOIN support_case c ON c.institution_id ="
                                      " v.institution_id AND c.id = v.case_id"
                                      " WHERE v.code = ?", err);
    if (!q) return -1;
    store_bind_text(q, 1, norm, (size_t)-1);
    int rc = store_step(q, err);
    contract_version cv;
    memset(&cv, 0, sizeof cv);
    int64_t inst = 0, learner = 0, case_id = 0;
    if (rc == STORE_ROW) {
        v->found = 1;
        inst = store_col_int64(q, 0);
        cv.id = store_col_int64(q, 1);
        v->number = (int)store_col_int64(q, 2);
        str_copy(v->sha256, sizeof v->sha256, store_col_text(q, 3));
        str_copy(v->signed_at, sizeof v->signed_at, store_col_text(q, 4));
        str_copy(v->institution, sizeof v->institution, store_col_text(q, 5));
        learner = store_col_int64(q, 6);
        case_id = store_col_int64(q, 7);
        v->superseded = store_col_int64(q, 8) > 0;
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (!v->found) return 0;
    v->is_signed = v->signed_at[0] != 0;
    if (fingerprint && *fingerprint) {
        char fp[CRYPTO_SHA256_HEX_LEN];
        fingerprint_normalise(fingerprint, fp);
        v->fingerprint_given = 1;
        v->fingerprint_matches = fp[0] && !strcmp(fp, v->sha256);
    }
    if (contract_signatures_read(st, inst, &cv, 0, err) < 0) return -1;
    for (int r = 0; r < CONTRACT_ROLE_COUNT; r++) {
        if (!cv.sig[r].id) continue;
        v->sig[v->nsig].role = r;
        v->sig[v->nsig].method = cv.sig[r].method;
        str_copy(v->sig[v->nsig].initials, sizeof v->sig[v->nsig].initials, cv.sig[r].initials);
        str_copy(v->sig[v->nsig].at, sizeof v->sig[v->nsig].at, cv.sig[r].signed_at);
        v->nsig++;
    }
    char detail[120];
    snprintf(detail, sizeof detail, "case %lld: contract version %d verified by code%s",
             (long long)case_id, v->number,
             !v->fingerprint_given ? "" : v->fingerprint_matches ? ", fingerprint matches"
                                                                 : ", fingerprint differs");
    support_audit_event ev = {.account_id = 0, .action = "contract.verify",
                              .learner_id = learner, .record_kind = "contract_version",
                              .record_id = cv.id, .reason = "verified by code",
                              .detail = detail};
    return support_audit_record(st, inst, &ev, err) < 0 ? -1 : 0;
}
