/*
** support/contract_schema.c — the tables of learner contracts
** (support/contract.h), as the migration series "contract", applied from
** support_migrate().
**
**   contract_version    one numbered version of a case's contract: its
**                       language, code (unique over every institution:
**                       /verify looks it up without one), the parts
**                       (commitments sealed, dates), the exact text (sealed)
**                       and its SHA-256, and when it became signed.
**   contract_signature  one signature of a version: role (one each), the
**                       account or the typed name (sealed) and its initials,
**                       when, how (screen / paper), the scan's SHA-256 and
**                       the SHA-256 of the version signed.
*/
#include "support/contract.h"

#define CONTRACT_V1                                                             \
    "CREATE TABLE contract_version ("                                           \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, case_id BIGINT NOT NULL,"\
    " number INTEGER NOT NULL CHECK (number >= 1), language TEXT NOT NULL,"     \
    " code TEXT NOT NULL UNIQUE, school_commits TEXT NOT NULL,"                 \
    " learner_commits TEXT NOT NULL, starts_on TEXT, review_on TEXT,"           \
    " body TEXT NOT NULL, sha256 TEXT NOT NULL,"                                \
    " created_by BIGINT REFERENCES account(id), created_at TEXT NOT NULL,"      \
    " updated_at TEXT NOT NULL, signed_at TEXT,"                                \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, case_id, number),"\
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "CREATE TABLE contract_signature ("                                         \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL, version_id BIGINT NOT NULL,"\
    " role TEXT NOT NULL CHECK (role IN ('learner', 'guardian', 'key_worker')),"\
    " account_id BIGINT REFERENCES account(id), name TEXT NOT NULL,"            \
    " initials TEXT NOT NULL, signed_at TEXT NOT NULL,"                         \
    " method TEXT NOT NULL CHECK (method IN ('screen', 'paper')),"              \
    " scan_sha256 TEXT, version_sha256 TEXT NOT NULL,"                          \
    " recorded_by BIGINT REFERENCES account(id),"                               \
    " PRIMARY KEY (institution_id, id), UNIQUE (institution_id, version_id, role),"\
    " FOREIGN KEY (institution_id, version_id) REFERENCES contract_version(institution_id, id));"

static const store_migration contract_migrations[] = {
    {"contract", 1, "learner contracts: versions and signatures", CONTRACT_V1},
};

/* Apply the "contract" series (see contract.h); the SQL is the same on
** both backends. */
int support_contract_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, contract_migrations,
                         sizeof contract_migrations / sizeof *contract_migrations, applied, err);
}
