/*
** support/audit_schema.c — the audit log's own migrations (series "audit").
**
**   1  audit_event gets version (1 = cairn 0.1.0's layout, 2 = with the
**      record and the reason; support/audit.h), record_kind, record_id and
**      reason; indexes for the data protection officer's filters (by
**      account, by action) and for "who has seen this record".
**   2  audit_reader: "who has seen this learner's record" kept as it is
**      written (one row per learner and account: views and the last one),
**      filled from the events already there.  The chain stays the record;
**      this is its index for the learner page, which aggregated every view
**      event of the learner on every view (O(views), growing forever).
**   3  the index by learner ends in the event id, as those by account and
**      by action do, so the data protection officer's list filtered by a
**      learner walks that learner's events newest first (it walked the
**      whole chain from its newest event back for a learner seen rarely).
*/
#include "support/support.h"

#define AUDIT_V1                                                                \
    "ALTER TABLE audit_event ADD COLUMN version SMALLINT NOT NULL DEFAULT 1;"   \
    "ALTER TABLE audit_event ADD COLUMN record_kind TEXT;"                      \
    "ALTER TABLE audit_event ADD COLUMN record_id BIGINT;"                      \
    "ALTER TABLE audit_event ADD COLUMN reason TEXT;"                           \
    "CREATE INDEX audit_event_by_account ON audit_event (institution_id, account_id, id);" \
    "CREATE INDEX audit_event_by_action ON audit_event (institution_id, action, id);"     \
    "CREATE INDEX audit_event_by_record ON audit_event (institution_id, record_kind, record_id);"

/* A view event, as support_audit_readers counts it (SQL over e.*). */
#define AUDIT_IS_VIEW "(e.action LIKE '%.view' OR e.reason = 'viewed')"

#define AUDIT_V2                                                                \
    "CREATE TABLE audit_reader ("                                               \
    " institution_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"              \
    " account_id BIGINT NOT NULL, views BIGINT NOT NULL CHECK (views > 0),"     \
    " last_at TEXT NOT NULL,"                                                   \
    " PRIMARY KEY (institution_id, learner_id, account_id));"                   \
    "INSERT INTO audit_reader (institution_id, learner_id, account_id, views, last_at)" \
    " SELECT e.institution_id, e.learner_id, e.account_id, count(*), max(e.at)"  \
    " FROM audit_event e WHERE e.learner_id IS NOT NULL AND e.account_id IS NOT NULL" \
    " AND " AUDIT_IS_VIEW " GROUP BY e.institution_id, e.learner_id, e.account_id;"

#define AUDIT_V3                                                                \
    "DROP INDEX audit_event_by_learner;"                                        \
    "CREATE INDEX audit_event_by_learner ON audit_event (institution_id, learner_id, id);"

static const store_migration audit_migrations[] = {
    {"audit", 1, "audit events: record, reason, version", AUDIT_V1},
    {"audit", 2, "who has seen a learner's record, kept as events are written", AUDIT_V2},
    {"audit", 3, "audit events by learner in event order", AUDIT_V3},
};

/* Apply the "audit" series (see support.h). */
int support_audit_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, audit_migrations, sizeof audit_migrations / sizeof *audit_migrations,
                         applied, err);
}
