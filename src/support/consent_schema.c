/*
** support/consent_schema.c — the tables of consent, settings, legal holds
** and erasure, as the migration series "consent" (run by support_migrate
** after the "support" series; docs/decisions.md, "Consent, subject access,
** erasure and retention").
**
**   consent             one consent as given: learner, purpose, recipient,
**                       data categories (comma-separated codes, sorted),
**                       period (valid_from, valid_until NULL = open), who gave
**                       it (the learner, or a guardian with parental
**                       responsibility), how (method), a note (sealed text),
**                       who recorded it and when.  A row is never changed by
**                       cairn: a new consent is a new row, a withdrawal a row
**                       of consent_withdrawal (only erasure blanks the note).
**   consent_withdrawal  the withdrawal of one consent: when it takes effect,
**                       who withdrew it (learner or guardian), a note (sealed),
**                       who recorded it and when.  At most one per consent.
**   consent_override    a leader's emergency override: what was shared
**                       without consent (purpose, recipient, category), the
**                       day it covers, the written reason (sealed), who and
**                       when.  Listed for the data protection officer.
**   support_setting     an institution's settings by name ("consent.age_alone",
**                       "retention.score", ...; support/setting.h): the value
**                       as text, who set it and when.
**   legal_hold          a hold that forbids erasing a learner (a court case,
**                       a safeguarding enquiry): reason (sealed), placed by and
**                       at, lifted by and at.
**   learner_erasure     which learners were erased (anonymised), by whom and
**                       when: erasure is refused twice and listed for the DPO.
**
** Times are ISO 8601 UTC TEXT, days 'YYYY-MM-DD' TEXT, like the school tables.
*/
#include "support/consent.h"
#include "support/support.h"

#define CONSENT_V1_SQL                                                          \
    "CREATE TABLE consent ("                                                    \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                      \
    " learner_id BIGINT NOT NULL,"                                              \
    " purpose TEXT NOT NULL CHECK (purpose IN ('early_warning',"                \
    "  'share_organisation', 'family_access', 'service_contact')),"             \
    " recipient TEXT NOT NULL, categories TEXT NOT NULL,"                       \
    " valid_from TEXT NOT NULL, valid_until TEXT,"                              \
    " given_by TEXT NOT NULL CHECK (given_by IN ('learner', 'guardian')),"      \
    " guardian_id BIGINT,"                                                      \
    " method TEXT NOT NULL CHECK (method IN ('in_person', 'paper', 'online')),"\
    " note TEXT NOT NULL, recorded_by BIGINT, recorded_at TEXT NOT NULL,"       \
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id),"\
    " FOREIGN KEY (institution_id, guardian_id) REFERENCES guardian(institution_id, id));"\
    "CREATE INDEX consent_by_learner ON consent (institution_id, learner_id, purpose);"\
    "CREATE TABLE consent_withdrawal ("                                         \
    " institution_id BIGINT NOT NULL, consent_id BIGINT NOT NULL,"              \
    " effective TEXT NOT NULL,"                                                 \
    " withdrawn_by TEXT NOT NULL CHECK (withdrawn_by IN ('learner', 'guardian')),"\
    " guardian_id BIGINT, note TEXT NOT NULL,"                                  \
    " recorded_by BIGINT, recorded_at TEXT NOT NULL,"                           \
    " PRIMARY KEY (institution_id, consent_id),"                                \
    " FOREIGN KEY (institution_id, consent_id) REFERENCES consent(institution_id, id));"\
    "CREATE TABLE consent_override ("                                           \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                      \
    " learner_id BIGINT NOT NULL, purpose TEXT NOT NULL, recipient TEXT NOT NULL,"\
    " category TEXT NOT NULL, day TEXT NOT NULL, reason TEXT NOT NULL,"         \
    " account_id BIGINT NOT NULL, at TEXT NOT NULL,"                            \
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id));"\
    "CREATE INDEX consent_override_by_learner ON consent_override (institution_id, learner_id);"\
    "CREATE TABLE support_setting ("                                            \
    " institution_id BIGINT NOT NULL REFERENCES institution(id),"               \
    " name TEXT NOT NULL, value TEXT NOT NULL,"                                 \
    " set_by BIGINT, set_at TEXT NOT NULL,"                                     \
    " PRIMARY KEY (institution_id, name));"                                     \
    "CREATE TABLE legal_hold ("                                                 \
    " institution_id BIGINT NOT NULL, id BIGINT NOT NULL,"                      \
    " learner_id BIGINT NOT NULL, reason TEXT NOT NULL,"                        \
    " placed_by BIGINT, placed_at TEXT NOT NULL,"                               \
    " lifted_by BIGINT, lifted_at TEXT,"                                        \
    " PRIMARY KEY (institution_id, id),"                                        \
    " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id));"\
    "CREATE TABLE learner_erasure ("                                            \
    " institution_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"              \
    " erased_by BIGINT, erased_at TEXT NOT NULL, why TEXT NOT NULL,"            \
    " PRIMARY KEY (institution_id, learner_id));"

static const store_migration consent_migrations[] = {
    {"consent", 1, "consents, withdrawals, overrides, settings, legal holds, erasures",
     CONSENT_V1_SQL},
};

/* Create or upgrade the consent series' tables (the same SQL on both
** databases); *applied (may be NULL) gets how many ran. */
int support_consent_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, consent_migrations,
                         sizeof consent_migrations / sizeof *consent_migrations, applied, err);
}
