/*
** risk/train_internal.h — what the files of the learned model share.
**
** Not for other rooms: include risk/train.h.  risk/train.c trains and stores
** a school's model with the card of risk/train_card.c and the writer of
** risk/train_store.c.
*/
#ifndef CAIRN_RISK_TRAIN_INTERNAL_H
#define CAIRN_RISK_TRAIN_INTERNAL_H
#include "risk/evaluate.h"
#include "risk/train.h"
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The model card (see risk/train.h and docs/risk.md); a new JSON object the
** caller releases with json_decref. */
json_t *risk_train_card_build(int version, const char *inst_code, const char *now,
                              const char *who, const risk_trainset *ts, const int *h, size_t nh,
                              const risk_cols *cols, const int *mono,
                              const risk_train_config *c, const risk_train_opts *o,
                              const risk_fitted *fit, const risk_eval *ev);

/* The model bytes as base64 text (malloc'd; caller frees). */
char *risk_train_model_base64(const buf *bytes);

/* Store the model as the next version, active; *version gets it.  Sets
** "version" in card.  Runs its own write transaction. */
int risk_train_model_store(store *st, int64_t inst, int horizon, const char *now,
                           const char *who, const char *features, json_t *card,
                           const char *model_b64, const char *calibration, int *version,
                           cairn_err *err);

#endif
