/*
** support/case_move_internal.h — what the files of handovers to another
** institution share (support/case_move.c, case_move_accept.c); not for
** other rooms.
*/
#ifndef CAIRN_SUPPORT_CASE_MOVE_INTERNAL_H
#define CAIRN_SUPPORT_CASE_MOVE_INTERNAL_H
#include "support/case_internal.h"
#include "support/case_move.h"
#include "support/consent.h"

/* Institution id's code and name: 1, 0 none, -1. */
int case_move_institution(store *st, int64_t id, char code[65], char name[201], cairn_err *err);

/* May learner (of inst) be handed to to_inst on day?  A consent of purpose
** share_organisation to to_inst (by name or code) for "identity" and
** "support", or an override of the day for each: 1 yes (why says by
** what), 0 no (why->text says what is missing), -1. */
int case_move_consent(store *st, int64_t inst, int64_t learner, int64_t to_inst, int32_t day,
                      support_consent_why *why, cairn_err *err);

/* The handover record stored (sealed under inst's key) for case_id,
** opened as a new JSON object into *out (caller json_decref()s); "" (the
** learner erased, support/subject.h) is {"erased": true}.  Not audited:
** the caller's read is.  0 or -1. */
int case_handover_open(store *st, int64_t inst, int64_t case_id, const char *stored,
                       json_t **out, cairn_err *err);

#endif
