/*
** support/contract_internal.h — what the files of the learner contract
** share (support/contract*.c); not for other rooms.
*/
#ifndef CAIRN_SUPPORT_CONTRACT_INTERNAL_H
#define CAIRN_SUPPORT_CONTRACT_INTERNAL_H
#include "support/contract.h"

/* Open stored sealed text (or "" for empty) into a malloc'd string; NULL
** with err set when it cannot be opened. */
char *contract_open_dup(store *st, int64_t inst, const char *stored, cairn_err *err);

/* The stored 16-character code with dashes every four. */
void contract_code_print(const char *code, char out[CONTRACT_CODE_TEXT]);

/* Fill v->sig[] from the table (names opened when names is 1). */
int contract_signatures_read(store *st, int64_t inst, contract_version *v, int names,
                             cairn_err *err);

/* A fresh code: CONTRACT_CODE_CHARS characters of Crockford base32. */
void contract_code_new(char out[CONTRACT_CODE_CHARS + 1]);

/* The writers of contract.h with any_state 1 also on a closed case: the
** demo's back-dated contracts of cases closed since (support/demo_contract.c). */
int contract_draft_write(store *st, int64_t inst, int64_t account_id, unsigned rel,
                         int64_t case_id, int any_state, const contract_parts *parts,
                         const contract_labels *labels, const char *lang, const char *at,
                         int *number, contract_problem *problem, cairn_err *err);
int contract_amend_write(store *st, int64_t inst, int64_t account_id, unsigned rel,
                         int64_t case_id, int any_state, const contract_labels *labels,
                         const char *lang, const char *at, int *number,
                         contract_problem *problem, cairn_err *err);
int contract_sign_write(store *st, int64_t inst, int64_t account_id, unsigned rel,
                        int64_t case_id, int any_state, const contract_sign_spec *spec,
                        const char *at, int *now_signed, contract_problem *problem,
                        cairn_err *err);

#endif
