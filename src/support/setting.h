/*
** support/setting.h — an institution's settings for the support room.
**
** Settings live in the table support_setting (institution_id, name, value
** as text, who set it and when; support/consent_schema.c), one row per
** setting that differs from its default.  Every setting is declared once in
** support_settings[] (support/setting.c) with its default, its range and a
** line saying what it is; nothing else can be stored.  `cairn setting`
** lists and changes them; a change is audited ("setting.set").
**
** Numbers only for now: "consent.age_alone" (the age from which a learner
** gives or refuses consent alone, default 16) and the retention periods
** "retention.RULE" in days (support/retention.h; 0 = keep for ever).
*/
#ifndef CAIRN_SUPPORT_SETTING_H
#define CAIRN_SUPPORT_SETTING_H
#include "base/err.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

typedef struct support_setting_def {
    const char *name;      /* "consent.age_alone" */
    int64_t     dflt;      /* the default */
    int64_t     min, max;  /* the range a value must be in */
    const char *what;      /* one English line */
} support_setting_def;

extern const support_setting_def support_settings[];
extern const size_t support_nsettings;

/* The definition of name, or NULL. */
const support_setting_def *support_setting_find(const char *name);

/* institution_id's value of name (its default when not set) into *out.
** 0, or -1 with err set (unknown name, database error). */
int support_setting_get(store *st, int64_t institution_id, const char *name, int64_t *out,
                        cairn_err *err);

/* Set name to value (decimal text in the setting's range), by account (0 =
** the command line), audited.  0; 1 when the name or value is refused (err
** says why; nothing written); -1 on a database error. */
int support_setting_set(store *st, int64_t institution_id, int64_t account, const char *name,
                        const char *value, cairn_err *err);

#define SUPPORT_CONSENT_AGE_ALONE "consent.age_alone"

#endif
