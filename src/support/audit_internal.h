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

#endif
