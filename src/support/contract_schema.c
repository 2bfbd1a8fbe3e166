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
**   case_history        (version 2) takes the kind "contract": a version
**                       signed by everyone it needs.
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

/* Version 2: the case history's kind "contract" (a version signed by all).
** The list is the "case" series' kinds, those the "case_approval" series
** adds (it runs before this one) and "contract"; SQLite makes the table
** again and copies the rows (nothing refers to case_history), PostgreSQL
** replaces the constraint. */
#define HISTORY_KINDS                                                           \
    "('open', 'step', 'tier', 'team_add', 'team_remove', 'task_add', 'task_done',"\
    " 'transfer_ask', 'transfer_accept', 'transfer_decline', 'conference',"    \
    " 'approval_ask', 'approval_yes', 'approval_no', 'learner_told', 'contract')"

#define HISTORY_SQLITE                                                          \
    "CREATE TABLE case_history_contract ("                                      \
    " institution_id BIGINT NOT NULL, case_id BIGINT NOT NULL, seq BIGINT NOT NULL,"\
    " at TEXT NOT NULL, account_id BIGINT REFERENCES account(id),"              \
    " kind TEXT NOT NULL CHECK (kind IN " HISTORY_KINDS "),"                    \
    " from_value TEXT NOT NULL, to_value TEXT NOT NULL, reason TEXT NOT NULL,"  \
    " PRIMARY KEY (institution_id, case_id, seq),"                              \
    " FOREIGN KEY (institution_id, case_id) REFERENCES support_case(institution_id, id));"\
    "INSERT INTO case_history_contract (institution_id, case_id, seq, at, account_id, kind,"\
    " from_value, to_value, reason) SELECT institution_id, case_id, seq, at, account_id,"\
    " kind, from_value, to_value, reason FROM case_history;"                    \
    "DROP TABLE case_history;"                                                  \
    "ALTER TABLE case_history_contract RENAME TO case_history;"

#define HISTORY_PG                                                              \
    "ALTER TABLE case_history DROP CONSTRAINT case_history_kind_check;"         \
    "ALTER TABLE case_history ADD CONSTRAINT case_history_kind_check"           \
    " CHECK (kind IN " HISTORY_KINDS ");"

#define V1_NAME "learner contracts: versions and signatures"
#define V2_NAME "the case history's kind for a signed contract"

static const store_migration contract_sqlite[] = {
    {"contract", 1, V1_NAME, CONTRACT_V1},
    {"contract", 2, V2_NAME, HISTORY_SQLITE},
};
static const store_migration contract_pg[] = {
    {"contract", 1, V1_NAME, CONTRACT_V1},
    {"contract", 2, V2_NAME, HISTORY_PG},
};

/* Apply the "contract" series (see contract.h). */
int support_contract_migrate(store *st, int *applied, cairn_err *err) {
    int pg = store_kind_of(st) == STORE_POSTGRES;
    return store_migrate(st, pg ? contract_pg : contract_sqlite, 2, applied, err);
}
