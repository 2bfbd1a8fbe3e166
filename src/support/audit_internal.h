/*
** support/audit_internal.h — between audit.c and audit_head.c.
*/
#ifndef CAIRN_SUPPORT_AUDIT_INTERNAL_H
#define CAIRN_SUPPORT_AUDIT_INTERNAL_H
#include "support/audit.h"

/* Once the open transaction commits (at once outside one), move the head
** file's line of inst forward to event id with hash; nothing when it rolls
** back or there is no head file path.  Errors are not reported: verify
** finds the events the file is behind on. */
void audit_head_follow(store *st, int64_t inst, int64_t id, const char hash[CRYPTO_SHA256_HEX_LEN]);

/* support_audit_verify, comparing the end with the head file only when
** use_head is set. */
int audit_verify_impl(store *st, int64_t institution_id, int use_head, int64_t *checked,
                      int64_t *bad_id, cairn_err *err);

/* Insert ev after the event *last whose hash is prev, in the caller's
** transaction; *last and prev move to the new event (audit.c). */
int audit_insert_after(store *st, int64_t inst, const support_audit_event *ev, int v2,
                       int64_t *last, char prev[CRYPTO_SHA256_HEX_LEN], cairn_err *err);

/* Append a checked ev in a transaction of its own (audit.c). */
int audit_write_alone(store *st, int64_t institution_id, const support_audit_event *ev, int v2,
                      cairn_err *err);

/* 1 if st's events outside a transaction go through the group commit
** (audit_group.c): st is a store of the database being served. */
int audit_group_serves(store *st);

/* Append a checked ev with the waiting events of other threads in one
** transaction, returning once it is committed (audit_group.c). */
int audit_group_write(store *st, int64_t inst, const support_audit_event *ev, int v2,
                      cairn_err *err);

/* Write n checked events to inst's chain in one transaction of their own
** (the audit write lock taken), the head file following: 0, or -1 with
** err set and nothing written (audit_group.c). */
int audit_batch_write(store *st, int64_t inst, const support_audit_event *const *evs,
                      const int *v2s, size_t n, cairn_err *err);

/* 1 if this thread collects its events (support_audit_defer_begin) and
** took a copy of ev; 0 if the caller must write it (audit_defer.c). */
int audit_defer_take(int64_t inst, const support_audit_event *ev, int v2);

#endif
