/*
** support/case_schema.h — the migration series "case" (support/case_schema.c).
*/
#ifndef CAIRN_SUPPORT_CASE_SCHEMA_H
#define CAIRN_SUPPORT_CASE_SCHEMA_H
#include "base/err.h"
#include "store/store.h"

/* Create or upgrade the case tables (support_case, case_team_member,
** case_history, case_task); run after the support room's own series (it
** refers to learners, staff and accounts).  *applied (may be NULL) gets how
** many migrations ran.  0 or -1 (err set). */
int support_case_migrate(store *st, int *applied, cairn_err *err);

/* Create or upgrade the tables of approvals (the series "case_approval",
** support/case_approval_schema.c: case_approval, and the history kinds
** approval_ask, approval_yes, approval_no and learner_told); run after
** the "case" series.  0 or -1 (err set). */
int support_case_approval_migrate(store *st, int *applied, cairn_err *err);

#endif
