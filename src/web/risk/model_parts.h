/*
** web/risk/model_parts.h — what the model page's files share: reading the
** model card (jansson), numbers for people, the words for the card's codes
** (model_names.c) and the technical sections (model_tech.c).  Only for
** src/web/risk/model*.c.
**
** Nothing returned needs freeing: strings are the card's (owned by the
** json_t), static, or the caller's out buffer.
*/
#ifndef CAIRN_WEB_RISK_MODEL_PARTS_H
#define CAIRN_WEB_RISK_MODEL_PARTS_H
#include "base/buf.h"
#include "web/i18n.h"
#include <jansson.h>
#include <stddef.h>

/* o[key] as a number, NAN when missing or not a number. */
double model_jnum(const json_t *o, const char *key);

/* o[key] as text, "" when missing or not a string (owned by o). */
const char *model_jstr(const json_t *o, const char *key);

/* A number for people with decimals, "–" for NAN; returns out. */
const char *model_fmt_num(const i18n_lang *L, double v, int decimals, char *out, size_t cap);

/* A share 0..1 as a percentage for people, "–" for NAN; returns out. */
const char *model_fmt_pct(const i18n_lang *L, double v, char *out, size_t cap);

/* A "YYYY-MM-DD..." text as L writes dates, or the text itself; returns out. */
const char *model_fmt_day(const i18n_lang *L, const char *s, char *out, size_t cap);

/* The smallest group or bin the card's figures may be shown for. */
size_t model_card_min_cell(const json_t *model_report);

/* The translated name of an audit attribute code ("first_language"). */
const char *model_attribute_name(const i18n_lang *L, const char *code);

/* The words for group code of attribute attr ("not_stated" of "gender",
** "ar" of "first_language"): a translated string, or for a code this page
** does not know "another language (xx)" written into out (cap bytes). */
const char *model_group_name(const i18n_lang *L, const char *attr, const char *code, char *out,
                             size_t cap);

/* The translated unit of an input as the card writes it ("days", "%"). */
const char *model_unit_name(const i18n_lang *L, const char *unit);

/* The technical figures of card for whoever wants them, in one closed
** <details>: what was trained when on what data, the inputs with their
** constraints, the evaluation against the rules and the calibration. */
void model_tech_write(buf *b, const i18n_lang *L, const json_t *card);

/* The fairness tables of card, per attribute, small groups withheld, in a
** closed <details>. */
void model_fairness_write(buf *b, const i18n_lang *L, const json_t *card);

#endif
