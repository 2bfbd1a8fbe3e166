/*
** risk/risk_level.h — risk in words for people: low, raised, high, with
** the model's estimate as a percentage.  Pages and the command line use
** these so a learner's risk is never shown as a bare tier number.
**
** The word follows the tier, which follows the institution's shares (see
** risk.h): individual = high, selective = raised, universal = low.  Pages
** translate the word (it is an msgid) and put the percentage beside it.
**
** Ownership: nothing is allocated; strings are static.
*/
#ifndef CAIRN_RISK_RISK_LEVEL_H
#define CAIRN_RISK_RISK_LEVEL_H
#include "risk/risk.h"
#include <stddef.h>

/* Risk in three words. */
typedef enum {
    RISK_LEVEL_LOW = 0,      /* universal: what every learner gets */
    RISK_LEVEL_RAISED = 1,   /* selective: a closer look */
    RISK_LEVEL_HIGH = 2      /* individual: a key worker and a plan */
} risk_level;

/* The level of a tier (an out-of-range tier counts as low). */
risk_level risk_level_of(risk_tier tier);

/* "low", "raised" or "high" (static, English: the msgid a page
** translates). */
const char *risk_level_word(risk_level level);

/* The estimate as a percentage for a person, into out (cap bytes): "34 %",
** "<1 %" below half a per cent, ">99 %" above 99.5, "" when p is not a
** probability (no model).  Returns out. */
char *risk_percent_text(double probability, char *out, size_t cap);

/* The whole phrase for a line of text, into out: "high risk (34 %)", or
** "raised risk" without an estimate.  Returns out. */
char *risk_level_text(risk_tier tier, double probability, char *out, size_t cap);

#endif
