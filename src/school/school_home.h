/*
** school/school_home.h — what the home pages read from the school room: the
** groups a staff member teaches, and the installation's health for an
** administrator (the last import, the last scoring run, the accounts).
**
** Ownership: rows are malloc'd and freed by the caller; nothing prints.
*/
#ifndef CAIRN_SCHOOL_SCHOOL_HOME_H
#define CAIRN_SCHOOL_SCHOOL_HOME_H
#include "school/school.h"

/* The groups staff_id of the institution teaches (group_staff, any role
** there but 'key_worker'), as school_group_summaries() gives them, in the
** same order.  *rows is malloc'd; caller frees. */
int school_group_summaries_taught(store *st, int64_t institution_id, int64_t staff_id,
                                  school_group_summary **rows, size_t *n, cairn_err *err);

/* The installation's health as the database knows it. */
typedef struct school_health {
    char    import_at[32];       /* finished_at of the latest import; "" = none yet */
    char    import_kind[64];     /* its kinds ("learners,attendance") */
    long    import_written, import_bad;
    char    scored_at[32];       /* when `cairn score` last wrote; "" = never */
    long    accounts, accounts_disabled;
    long    learners_active;     /* learners with an active enrolment */
} school_health;

/* Fill *out for institution_id: 0, or -1 with err set. */
int school_health_read(store *st, int64_t institution_id, school_health *out, cairn_err *err);

#endif
