/*
** web/reasons.h — the reasons of a flag in the reader's language.
**
** Scoring (risk/score.c) stores each learner's reasons in
** risk_score.reasons as JSON: {"advice": "...", "items": [...]}, each item
** a rule that fired or an indicator that raised the model's estimate:
**
**   {"kind":"rule","code":"attendance_low","indicator":"att_rate_4w",
**    "value":55,"threshold":90,"peer":95,"text":"..."}
**   {"kind":"model","indicator":"unexcused_4w","value":7,"peer":0,
**    "contribution":1.19,"text":"..."}
**
** "text" is the sentence in English, written at scoring time.  Pages read
** the structured fields instead and write the sentence again in the page's
** language (one translatable template per sentence, numbers through
** i18n_format_number), with the same content as the English text: the
** indicator's plain name and the value with its unit, for a rule the
** school's threshold, and the typical value of the learner's group when
** there is one.  An indicator this module does not know (a newer model, say)
** is shown with the stored English text, marked lang="en".
**
** What the stored items do not hold is left out: for attendance_drop the
** "N weeks ago" and "within N weeks" parts of the English text.  The
** model's "% points" reads "percentage points" here (a "%" in a unit cannot
** be translated well: the build keeps every %% of a msgid in its translations).
*/
#ifndef CAIRN_WEB_REASONS_H
#define CAIRN_WEB_REASONS_H
#include "base/buf.h"
#include "risk/risk_read.h"
#include "web/i18n.h"
#include <jansson.h>

#define PAGE_REASON_TEXT_MAX 400   /* the stored English sentence, cut at a character */

typedef struct page_reason {
    int    is_rule;          /* 1 = a rule that fired, 0 = one of the model's reasons */
    char   code[40];         /* the rule's code ("attendance_low"), "" for the model */
    char   indicator[40];    /* the indicator's code ("att_rate_4w") */
    double value, threshold, peer;
    int    has_threshold, has_peer;   /* 0 when the field is missing or null */
    char   text[PAGE_REASON_TEXT_MAX];   /* the stored English sentence, "" if none */
} page_reason;

/* Read one item of "items" into *out.  0, or -1 (out zeroed) for an item
** that cannot be read: not an object, kind neither "rule" nor "model", no
** indicator text, or no number as value. */
int page_reason_from_json(const json_t *item, page_reason *out);

/* Read up to max items of a stored reasons document (the object with
** "items", or a bare array of items) into out.  Returns how many were read;
** items that cannot be read are skipped; malformed JSON or NULL gives 0. */
int page_reasons_parse(const char *reasons_json, page_reason *out, int max);

/* Fill *out from the fields risk_read gives beside a reason (text: its
** stored English sentence, may be NULL).  Fields that could not be read
** (indicator "") leave only the text, which page_reason_write then shows. */
void page_reason_from_fields(const risk_reason_fields *f, const char *text, page_reason *out);

/* Append the sentence of r in L's language (English when L is NULL) to b,
** escaped for element content: no markup except, for an indicator or rule
** this module does not know, a <span lang="en"> around the stored English
** text. */
void page_reason_write(buf *b, const i18n_lang *L, const page_reason *r);

/* Forget the sentences page_reason_write remembers (for tests: the next
** write of each is made afresh). */
void page_reasons_forget(void);

/* The plain name of indicator code ("att_rate_4w") in L's language (a
** static string, never freed), or NULL for a code this module does not
** know. */
const char *page_indicator_name(const i18n_lang *L, const char *code);

#endif
