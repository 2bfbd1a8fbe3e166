/*
** support/contract.h — the learner contract: the goals, what the school
** commits to and what the learner commits to, as numbered versions of one
** case, each an exact UTF-8 text with its SHA-256, signed by the learner,
** by a guardian when the learner is a minor, and by the key worker.
**
** A version is a draft until its first signature: the key worker may change
** its parts and the text and hash are made again.  From the first signature
** on it is frozen: the writers refuse every change, and an amendment is a
** new version n+1 made from the current parts.  The text is rendered here
** (support_contract_render) from its parts and the labels the caller gives
** in the version's language; it is sealed at rest (support/sealed.h), the
** hash is of the plain text.
**
** Each version gets a short code (CONTRACT_CODE_CHARS characters of
** Crockford base32, 80 random bits) printed on the paper with the
** fingerprint; support_contract_verify answers for a stranger holding it:
** which version, signed or not, whether the fingerprint matches, and by
** whom (roles and initials) and when (docs/decisions.md, "The learner
** contract").
**
** Signatures record the role, who (an account, or the name typed for the
** learner or guardian signing in person), when, how (on screen / on paper,
** with the SHA-256 of a scan when one was uploaded) and the SHA-256 of the
** version signed, which must be the version's.  A guardian's signature is
** required when the learner is younger than the institution's
** "contract.age_of_majority" (default 18) on the signing day, or has no
** birth date.  When every required signature is there the version is
** signed; a later signed version supersedes it.
**
** Writers take the viewer's relationship (SUPPORT_CASE_REL_* of case.h):
** only the key worker changes, signs and amends.  Each runs in the case
** writers' transaction and appends its audit event ("contract.*").
** Memory: structs are filled in place; lists and texts malloc'd, freed
** with support_contract_free.
*/
#ifndef CAIRN_SUPPORT_CONTRACT_H
#define CAIRN_SUPPORT_CONTRACT_H
#include "base/buf.h"
#include "base/crypto.h"
#include "base/err.h"
#include "store/store.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define CONTRACT_TEXT_MAX   2000   /* characters of one commitment text */
#define CONTRACT_NAME_MAX   200    /* characters of a typed signer name */
#define CONTRACT_CODE_CHARS 16     /* the code, without its dashes (80 bits) */
#define CONTRACT_CODE_TEXT  20     /* "XXXX-XXXX-XXXX-XXXX" and NUL */
#define CONTRACT_AGE_OF_MAJORITY "contract.age_of_majority"

typedef enum contract_role {
    CONTRACT_ROLE_LEARNER = 0,
    CONTRACT_ROLE_GUARDIAN,
    CONTRACT_ROLE_KEY_WORKER
} contract_role;
#define CONTRACT_ROLE_COUNT 3

typedef enum contract_method {
    CONTRACT_ON_SCREEN = 0,   /* signed in person on the key worker's screen */
    CONTRACT_ON_PAPER         /* signed on paper, scanned */
} contract_method;

/* Codes ("learner", "screen") and English names (msgids); NULL / "" out of
** range; _parse gives -1 for an unknown code. */
const char *contract_role_code(int role);
const char *contract_role_name(int role);
int         contract_role_parse(const char *code);
const char *contract_method_code(int method);
int         contract_method_parse(const char *code);

typedef enum contract_problem {
    CONTRACT_OK = 0,
    CONTRACT_NOT_YOURS,         /* only the key worker changes, signs, amends */
    CONTRACT_CASE_CLOSED,       /* a closed case takes no new contract */
    CONTRACT_TEXT_BAD,          /* too long or broken text (field in *field) */
    CONTRACT_TEXT_MISSING,      /* neither commitment written */
    CONTRACT_DATE_BAD,          /* not a date, or review before start */
    CONTRACT_FROZEN,            /* the version has a signature: amend it */
    CONTRACT_NONE,              /* no version yet */
    CONTRACT_NOT_FROZEN,        /* amending an unsigned draft: edit it */
    CONTRACT_ROLE_BAD,          /* not learner, guardian or key worker */
    CONTRACT_METHOD_BAD,        /* not screen or paper */
    CONTRACT_NAME_MISSING,      /* the learner's / guardian's name */
    CONTRACT_HASH_MISMATCH,     /* the version changed since it was shown */
    CONTRACT_ALREADY_SIGNED,    /* that role has signed this version */
    CONTRACT_SUPERSEDED,        /* not the current version */
    CONTRACT_SCAN_BAD           /* a scan hash that is not 64 hex digits */
} contract_problem;

/* The field a problem is about and one English sentence. */
const char *contract_problem_field(contract_problem p);
const char *contract_problem_text(contract_problem p);

/* The parts a version is made of (plain text, normalised by the writers). */
typedef struct contract_parts {
    const char *school_commits;    /* what the school commits to */
    const char *learner_commits;   /* what the learner commits to */
    int32_t     starts_on;         /* day numbers; 0 = none */
    int32_t     review_on;
} contract_parts;

/* The headings of the text in the version's language (from the web room,
** which translates); NULL members are English. */
typedef struct contract_labels {
    const char *title, *version, *learner, *key_worker, *starts, *review;
    const char *goals, *no_goals, *school, *learner_part;
    const char *measure, *from, *to, *by, *step, *support, *helper;   /* in a goal */
} contract_labels;

/* One signature. */
typedef struct contract_signature {
    int64_t id, account_id;
    int     role, method;
    char    name[CONTRACT_NAME_MAX * 4 + 1];     /* opened */
    char    initials[16];
    char    signed_at[32];
    char    version_sha256[CRYPTO_SHA256_HEX_LEN];
    char    scan_sha256[CRYPTO_SHA256_HEX_LEN];  /* "" without a scan */
} contract_signature;

/* One version, with its text and signatures. */
typedef struct contract_version {
    int64_t id, case_id, learner_id;
    int     number;
    char    language[8];
    char    code[CONTRACT_CODE_TEXT];            /* with dashes */
    char    sha256[CRYPTO_SHA256_HEX_LEN];
    char    created_at[32], signed_at[32];       /* signed_at "" until signed */
    int     superseded;                          /* a later version exists */
    int     guardian_required;                   /* as of today / the signing day */
    char   *school_commits, *learner_commits;    /* opened; malloc'd */
    int32_t starts_on, review_on;
    char   *text;                                /* the exact text; malloc'd */
    contract_signature sig[CONTRACT_ROLE_COUNT]; /* by role; id 0 = not signed */
} contract_version;

void support_contract_version_free(contract_version *v);
void support_contract_versions_free(contract_version *v, size_t n);

/* Render the canonical text of a version into out (appended): the labels
** in the version's language, the learner's and key worker's names, the
** dates, the goals (goals[0..ngoals), each a text of one or more lines,
** made by support_contract_goal_text) and both commitments; lines end in
** LF, no trailing spaces, one LF at the end. */
void support_contract_render(const contract_labels *L, int number, const char *learner,
                             const char *key_worker, const contract_parts *p,
                             const char *const *goals, size_t ngoals, buf *out);

/* One goal of the plan (support/plan.h) as the contract's text: what, the
** measure from baseline to target by the due day, the learner's step, the
** school's support and who helps, one per line (empty ones left out),
** appended to out. */
struct support_goal;
void support_contract_goal_text(const contract_labels *L, const struct support_goal *g,
                                buf *out);

/* The language of learner_id's contract: their account's language when
** they have one, else "" (the caller's default).  0 or -1. */
int support_contract_language(store *st, int64_t inst, int64_t learner_id, char out[8],
                              cairn_err *err);

/* Save the draft of case_id (the key worker): makes version 1 when there is
** none, or changes the current version while it has no signature.  labels
** as for render (the language's); lang the language code.  0 done
** (*number may be NULL), 1 refused (*problem), -1 error. */
int support_contract_draft_save(store *st, int64_t inst, int64_t account_id, unsigned rel,
                                int64_t case_id, const contract_parts *parts,
                                const contract_labels *labels, const char *lang,
                                const char *at, int *number, contract_problem *problem,
                                cairn_err *err);

/* Amend: version n+1 from the current one's parts, when the current one
** has a signature.  0, 1 refused, -1. */
int support_contract_amend(store *st, int64_t inst, int64_t account_id, unsigned rel,
                           int64_t case_id, const contract_labels *labels, const char *lang,
                           const char *at, int *number, contract_problem *problem,
                           cairn_err *err);

/* What a signature takes. */
typedef struct contract_sign_spec {
    int         role, method;
    const char *name;             /* the learner's / guardian's; ignored for the key worker */
    const char *version_sha256;   /* the hash the signer was shown */
    const char *scan_sha256;      /* NULL or "" without a scan */
} contract_sign_spec;

/* Sign the current version of case_id (the key worker records every
** signature).  *now_signed gets 1 when this made the version signed.  0,
** 1 refused, -1. */
int support_contract_sign(store *st, int64_t inst, int64_t account_id, unsigned rel,
                          int64_t case_id, const contract_sign_spec *spec, const char *at,
                          int *now_signed, contract_problem *problem, cairn_err *err);

/* Every version of case_id, newest first, with texts and signatures
** (*rows malloc'd; free with support_contract_versions_free).  0 or -1. */
int support_contract_versions(store *st, int64_t inst, int64_t case_id, contract_version **rows,
                              size_t *n, cairn_err *err);

/* Whether the learner of case_id needs a guardian's signature on day: 1,
** 0, -1 error. */
int support_contract_guardian_required(store *st, int64_t inst, int64_t learner_id, int32_t day,
                                       cairn_err *err);

/* The short state of case_id's contract for the case page, without text:
** *number 0 = no contract; *signed_on the day the current version was
** signed ("" not yet); missing[] 1 for each role still to sign. */
typedef struct contract_state {
    int  number;
    char signed_at[32];
    int  missing[CONTRACT_ROLE_COUNT];
    int  nsignatures;
} contract_state;
int support_contract_state(store *st, int64_t inst, int64_t case_id, contract_state *out,
                           cairn_err *err);

/* What /verify tells a stranger. */
typedef struct contract_verdict {
    int  found;                         /* 0: no version has this code */
    int  number, is_signed, superseded;
    int  fingerprint_given, fingerprint_matches;
    char institution[201];
    char signed_at[32];
    char sha256[CRYPTO_SHA256_HEX_LEN];
    int  nsig;
    struct { int role, method; char initials[16]; char at[32]; } sig[CONTRACT_ROLE_COUNT];
} contract_verdict;

/* Normalise a typed code into out (16 characters of Crockford base32,
** upper case; O read as 0, I and L as 1; dashes and spaces dropped): 0, or
** -1 when it is not a code. */
int support_contract_code_normalise(const char *typed, char out[CONTRACT_CODE_CHARS + 1]);

/* Look up code (any institution) and compare fingerprint (the hash as
** printed, any case; NULL or "" = not given).  0 (v->found says), -1. */
int support_contract_verify(store *st, const char *code, const char *fingerprint,
                            contract_verdict *v, cairn_err *err);

/* Initials of a name ("Ana María López" -> "A. M. L."), into out. */
void support_contract_initials(const char *name, char *out, size_t cap);

/* The learner contracts part of the learner's whole record
** (support/contract_subject.c, a row of support_subject_parts[]): read
** with every text opened; erased by blanking texts and signers' names. */
int support_contract_subject_read(store *st, int64_t institution_id, int64_t learner_id,
                                  json_t **out, cairn_err *err);
int support_contract_subject_erase(store *st, int64_t institution_id, int64_t learner_id,
                                   cairn_err *err);

/* The migration series "contract" (support/contract_schema.c). */
int support_contract_migrate(store *st, int *applied, cairn_err *err);

#endif
