/*
** support/audit_schema.c — the audit log's own migrations (series "audit").
**
**   1  audit_event gets version (1 = cairn 0.1.0's layout, 2 = with the
**      record and the reason; support/audit.h), record_kind, record_id and
**      reason; indexes for the data protection officer's filters (by
**      account, by action) and for "who has seen this record".
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

static const store_migration audit_migrations[] = {
    {"audit", 1, "audit events: record, reason, version", AUDIT_V1},
};

/* Apply the "audit" series (see support.h). */
int support_audit_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, audit_migrations, sizeof audit_migrations / sizeof *audit_migrations,
                         applied, err);
}
