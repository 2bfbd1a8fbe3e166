/*
** web/support/contract_web.h — what the learner contract's pages share
** (web/support/contract_*.c): the words, the labels of the text in a
** language, the viewer check, and the print document.
*/
#ifndef CAIRN_WEB_SUPPORT_CONTRACT_WEB_H
#define CAIRN_WEB_SUPPORT_CONTRACT_WEB_H
#include "support/contract.h"
#include "web/support/case_view.h"

/* A refused contract form, to show again beside its field. */
typedef struct contract_form {
    const char      *form;       /* "draft", "sign", "amend" */
    contract_problem problem;
    const char      *school, *learner, *starts, *review, *name;   /* as typed */
} contract_form;

/* The translated sentence of a problem. */
const char *contract_problem_words(const i18n_lang *L, contract_problem p);

/* The translated name of a role / method. */
const char *contract_role_words(const i18n_lang *L, int role);
const char *contract_method_words(const i18n_lang *L, int method);

/* The labels of the contract text in language L. */
void contract_labels_of(const i18n_lang *L, contract_labels *out);

/* The language of case k's contract (the learner's account language, else
** the default); NULL and a 500 already answered on error. */
const i18n_lang *contract_language(web_ctx *c, int64_t learner_id, int json);

/* 1 when the viewer (relationship rel) may read case_id's contract: the
** key worker, the team and a receiver, not a team member whose role is
** teacher; 0 not; -1 error. */
int contract_may_read(web_ctx *c, int64_t case_id, unsigned rel, cairn_err *err);

/* The viewer's relationship to c->id when they see its contract (key
** worker, team, a receiver): 1; 0 answered already (404, 403, 500). */
int contract_viewer(web_ctx *c, unsigned *rel, int json);

/* A typed day ("YYYY-MM-DD"): 0 for empty, -1 for one that is not a date. */
int32_t contract_day_field(const char *s);

/* The contract page of c->id with status (200, or 400 with form). */
void contract_page_show(web_ctx *c, int status, const contract_form *form);

/* Write the print document of version v (a whole HTML page in v's
** language with the code and fingerprint); the stylesheet linked, or
** inlined when inline_css (for chromium's PDF). */
void contract_print_document(buf *b, const contract_version *v, const support_case *k,
                             int inline_css, const char *nonce);

#endif
