/*
** support/support.h — the support room: what happens for a learner once
** someone looks (DESIGN.md).  Today: key-worker assignments and shares
** (support/actions.h), flag acknowledgements (support/actions.h), the
** demo caseloads (support/demo.h), the hash-chained audit log
** (support/audit.h) and notices and mail (support/notice.h).  This header holds the room's migrations.
*/
#ifndef CAIRN_SUPPORT_SUPPORT_H
#define CAIRN_SUPPORT_SUPPORT_H
#include "base/err.h"
#include "store/store.h"

/* Create or upgrade the support room's tables (support/support_schema.c):
** support_assignment, learner_share, flag_acknowledgement, audit_event.
** Run after school_migrate (they refer to institutions, learners, staff and
** accounts).  On a database of cairn 0.1.0, whose "web" migrations 1 and 2
** made these tables, the matching support migrations are recorded without
** running (store_migration_adopt) and every row stays.  *applied (may be
** NULL) gets how many migrations ran or were recorded so. */
int support_migrate(store *st, int *applied, cairn_err *err);

/* The audit log's series "audit" (support/audit_schema.c); support_migrate
** runs it after its own. */
int support_audit_migrate(store *st, int *applied, cairn_err *err);

#endif
