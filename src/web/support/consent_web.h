/*
** web/support/consent_web.h — what the consent pages share
** (web/support/consent_page.c: the learner page's Consent section and the
** consent page; consent_post.c: its forms; consent_api.c: the JSON twins;
** privacy.c: the data protection officer's page).
*/
#ifndef CAIRN_WEB_SUPPORT_CONSENT_WEB_H
#define CAIRN_WEB_SUPPORT_CONSENT_WEB_H
#include "support/consent.h"
#include "web/page.h"
#include <jansson.h>

/* A refused submission of one of the consent page's forms, shown again:
** which form ("record", "withdraw", "override"), the field refused (a
** support_consent_problem field), and the values as submitted (NULL =
** empty). */
typedef struct consent_form {
    const char *action, *field;
    const char *purpose, *recipient, *categories, *valid_from, *valid_until;
    const char *given_by, *guardian, *method, *note;
    const char *consent_id, *effective, *category, *reason;
} consent_form;

/* The consent page of learner c->id with status (200, or 400 with form, a
** refused submission).  Checks access and writes the view to the audit
** log. */
void consent_page_show(web_ctx *c, int status, const consent_form *form);

/* The translated name of a purpose, data category or state code ("" for
** an unknown one). */
const char *consent_purpose_label(const i18n_lang *L, const char *code);
const char *consent_category_label(const i18n_lang *L, const char *code);
const char *consent_state_label(const i18n_lang *L, const char *state);

/* Write the comma-separated categories of list, translated, as text. */
void consent_categories_html(buf *b, const i18n_lang *L, const char *list);

/* A consent row as a JSON object (new reference), state as of today. */
json_t *consent_row_json(const support_consent_row *r);

/* An override row as a JSON object (new reference). */
json_t *consent_override_json(const support_consent_override_row *o);

#endif
