/*
** risk/model_card.h — read side of the learned models for pages: the
** versions an institution trained and the active version's model card
** (the JSON document risk/train.c writes into risk_model.card).
**
** Read-only; the card is returned as stored text for the caller to parse.
** Ownership: what is returned is malloc'd and freed by the caller.
*/
#ifndef CAIRN_RISK_MODEL_CARD_H
#define CAIRN_RISK_MODEL_CARD_H
#include "base/err.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

/* One stored model version, without the model itself. */
typedef struct risk_model_version {
    int  version;
    char created_at[33];      /* ISO 8601 UTC, as stored */
    char created_by[201];
    int  horizon_weeks;
    int  active;              /* 1 = the one `cairn score` uses */
} risk_model_version;

/* Every model version of the institution, newest first, into *rows
** (malloc'd; caller frees) and *n. */
int risk_model_versions(store *st, int64_t institution_id, risk_model_version **rows,
                        size_t *n, cairn_err *err);

/* The active model's card text into *card (malloc'd, NUL-terminated;
** caller frees) and its version into *version: 1 found, 0 no active model
** (*card NULL), -1 error. */
int risk_model_active_card(store *st, int64_t institution_id, char **card, int *version,
                           cairn_err *err);

#endif
