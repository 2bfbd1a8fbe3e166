/*
** support/retention.h — how long records are kept, and the run that
** enforces it (`cairn retention run`, and `cairn serve` once a day).
**
** One rule per record type, each with its period in days in the setting
** "retention.RULE" (support/setting.h, where the defaults are; 0 = keep for
** ever): departed learners are anonymised (support_subject_erase, skipped
** while a hold forbids it), old scores, acknowledgements, ended consents,
** notices and sent mail are deleted.  The audit log is never deleted: it is
** append-only and holds no names.  Each rule of each institution is one
** transaction with its audit event ("retention.run").
*/
#ifndef CAIRN_SUPPORT_RETENTION_H
#define CAIRN_SUPPORT_RETENTION_H
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include <stdint.h>

/* What a run did (or, dry, would do) to one rule of one institution. */
typedef struct support_retention_line {
    const char *rule;       /* "score" */
    const char *what;       /* "risk scores older than the period" */
    int64_t     days;       /* the period; 0 = kept for ever (nothing done) */
    char        cutoff[11]; /* records before this day are due ("" when kept) */
    int64_t     due;        /* records due */
    int64_t     done;       /* records deleted or anonymised (0 when dry) */
    int64_t     held;       /* learners kept because a hold forbids erasure */
} support_retention_line;

/* The rules, for listing: name of rule i (i < support_retention_nrules). */
extern const size_t support_retention_nrules;
const char *support_retention_rule_name(size_t i);

/* Run every rule for institution_id as of day today (a day number), dry =
** count only.  lines (support_retention_nrules entries, caller's) get what
** happened.  0, or -1 with err set (rules before the failing one stay
** done). */
int support_retention_run(store *st, int64_t institution_id, int32_t today, int dry,
                          support_retention_line *lines, cairn_err *err);

#endif
