/*
** support/consent.h — consent records, the check made at the moment of
** sharing, a leader's emergency override, and the consent receipt.
**
** A consent is given for one learner, one purpose, one recipient (the
** organisation, the service, the guardian given family access; none for
** early-warning processing, which the institution itself does) and a set of
** data categories, for a period (from a day, until a day or open).  It is
** given by the learner once they have reached the institution's age of
** deciding alone (setting "consent.age_alone", default 16; support/setting.h)
** and before that by a guardian with parental responsibility.  A consent
** never changes: withdrawing it adds a withdrawal (effective from a day);
** a new consent is a new record.  Tables: support/consent_schema.c.
**
** Anything that shares data calls support_consent_check() at that moment,
** and shares nothing when it answers 0; why->text says why, for a person.
** A school leader may override in an emergency with a written reason
** (support_consent_override): the override covers that learner, purpose,
** recipient and category for the one day, is audited and is listed for the
** data protection officer.  The access decision (who may record, withdraw
** or override) is the caller's (web/access.h, the command line).
**
** Every write takes the institution's audit lock and writes its audit event
** (support/audit.h) in the same transaction.  Notes and reasons are sealed
** at rest (consent_text_seal in consent.c, over support/sealed.h).
*/
#ifndef CAIRN_SUPPORT_CONSENT_H
#define CAIRN_SUPPORT_CONSENT_H
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include <jansson.h>
#include <stdint.h>

/* The purposes, by code. */
#define SUPPORT_CONSENT_PURPOSES 4
extern const char *const support_consent_purpose_codes[SUPPORT_CONSENT_PURPOSES];
/* "early_warning", "share_organisation", "family_access", "service_contact" */

/* The data categories a consent may name, by code. */
#define SUPPORT_CONSENT_CATEGORIES 9
extern const char *const support_consent_category_codes[SUPPORT_CONSENT_CATEGORIES];
/* identity contact attendance results behaviour engagement risk support health */

/* 1 if code is one of the purposes (or categories), else 0. */
int support_consent_purpose_ok(const char *code);
int support_consent_category_ok(const char *code);

/* The English name of a purpose code ("Early-warning processing"), a msgid
** the pages translate; "" for an unknown code.  Static. */
const char *support_consent_purpose_name(const char *code);

/* 1 if the purpose names a recipient (all but early_warning). */
int support_consent_purpose_has_recipient(const char *code);

/* A refused input: the field it is about ("purpose", "recipient",
** "categories", "valid_from", "valid_until", "given_by", "guardian",
** "method", "note", "consent", "reason", "category") and one English
** sentence. */
typedef struct support_consent_problem {
    const char *field;
    char        text[300];
} support_consent_problem;

/* What a person records: text as typed (NULL = empty). */
typedef struct support_consent_input {
    const char *purpose;       /* a purpose code */
    const char *recipient;     /* required unless early_warning (then ignored) */
    const char *categories;    /* codes separated by commas or spaces, at least one */
    const char *valid_from;    /* YYYY-MM-DD; empty = today */
    const char *valid_until;   /* YYYY-MM-DD or empty = open */
    const char *given_by;      /* "learner" or "guardian" */
    const char *guardian_ref;  /* the guardian's reference, when given_by guardian */
    const char *method;        /* "in_person" (default), "paper", "online" */
    const char *note;          /* optional, at most 2000 bytes */
} support_consent_input;

/* Record a consent for learner_id of institution_id, recorded by account
** (0 = the command line).  0 and *id (may be NULL) set; 1 when the input is
** refused (*p says which field and why; nothing written); -1 on a database
** error (err set). */
int support_consent_record(store *st, int64_t institution_id, int64_t account, int64_t learner_id,
                           const support_consent_input *in, int64_t *id,
                           support_consent_problem *p, cairn_err *err);

/* Withdraw consent consent_id of learner_id: by "learner" (at any age) or
** "guardian" (guardian_ref, with parental responsibility, while the learner
** is under the age of deciding alone), effective from effective (YYYY-MM-DD,
** empty = today), with an optional note.  0, 1 refused (*p), -1 error. */
int support_consent_withdraw(store *st, int64_t institution_id, int64_t account,
                             int64_t learner_id, int64_t consent_id, const char *by,
                             const char *guardian_ref, const char *effective, const char *note,
                             support_consent_problem *p, cairn_err *err);

/* One consent with its withdrawal, as listed.  Strings owned by the arena
** given to the list function; never NULL ("" when absent). */
typedef struct support_consent_row {
    int64_t     id, learner_id;
    const char *learner_ref;                    /* the school's reference */
    const char *purpose, *recipient, *categories;
    const char *valid_from, *valid_until;       /* until "" = open */
    const char *given_by, *guardian_name, *method, *note;
    const char *recorded_by, *recorded_at;      /* account's display name */
    int         withdrawn;                      /* 1 = there is a withdrawal */
    const char *withdrawn_effective, *withdrawn_by, *withdrawal_note, *withdrawn_at;
} support_consent_row;

/* The consents of learner_id (0 = every learner of the institution), newest
** first, into *rows (arena-owned, *n of them).  0, or -1 with err set. */
int support_consent_list(store *st, int64_t institution_id, int64_t learner_id, arena *a,
                         support_consent_row **rows, size_t *n, cairn_err *err);

/* The state of r on day (a date_today()-style day number): "active",
** "withdrawn", "expired" or "pending" (starts later).  Static. */
const char *support_consent_state(const support_consent_row *r, int32_t day);

/* Why a check answered as it did. */
typedef struct support_consent_why {
    int64_t consent_id;    /* the consent that allows it, or 0 */
    int64_t override_id;   /* the emergency override that allows it, or 0 */
    char    text[400];     /* one English sentence for a person */
} support_consent_why;

/* May learner_id's data of category be used for purpose with recipient on
** day at?  1 yes (why->consent_id or why->override_id says by what), 0 no
** (why->text says why: no consent, withdrawn, ended, not yet begun, given
** by a guardian though the learner now decides alone...), -1 could not
** tell (err set; share nothing).  The recipient is compared without case
** and surrounding space; it is ignored for early_warning. */
int support_consent_check(store *st, int64_t institution_id, int64_t learner_id,
                          const char *purpose, const char *recipient, const char *category,
                          int32_t at, support_consent_why *why, cairn_err *err);

/* A leader's emergency override, by account, for learner_id: purpose,
** recipient, category, for today, with a written reason (required, at most
** 2000 bytes; sealed).  Audited ("consent.override").  0 and *id (may be
** NULL), 1 refused (*p), -1 error. */
int support_consent_override(store *st, int64_t institution_id, int64_t account,
                             int64_t learner_id, const char *purpose, const char *recipient,
                             const char *category, const char *reason, int64_t *id,
                             support_consent_problem *p, cairn_err *err);

/* One override as listed (strings arena-owned). */
typedef struct support_consent_override_row {
    int64_t     id, learner_id;
    const char *learner_name, *purpose, *recipient, *category, *day, *reason;
    const char *account_name, *at;
} support_consent_override_row;

/* The overrides of learner_id (0 = all of the institution), newest first. */
int support_consent_override_list(store *st, int64_t institution_id, int64_t learner_id,
                                  arena *a, support_consent_override_row **rows, size_t *n,
                                  cairn_err *err);

/* The consent receipt of consent_id (of learner_id) as a new JSON object
** with the fields of ISO/IEC TS 27560 (docs/decisions.md lists them); the
** caller json_decref()s it.  0, CAIRN_ENOTFOUND-coded -1 when there is no
** such consent of that learner, -1 on error. */
int support_consent_receipt(store *st, int64_t institution_id, int64_t learner_id,
                            int64_t consent_id, json_t **out, cairn_err *err);

/* The learner's age in whole years on day, or -1 when the birth date is
** unknown or unreadable (then the learner counts as not deciding alone);
** -2 on a database error (err set). */
int support_learner_age(store *st, int64_t institution_id, int64_t learner_id, int32_t day,
                        cairn_err *err);

/* Seal (and open) a consent note or reason for storing: the one place the
** consent part turns free text into what is stored (support/sealed.h; an
** empty note stays ""; text stored before sealing opens as it is).  out
** gets the text to store / the plain text.  0, or -1 with err set. */
int consent_text_seal(store *st, int64_t institution_id, const char *plain, buf *out,
                      cairn_err *err);
int consent_text_open(store *st, int64_t institution_id, const char *stored, buf *out,
                      cairn_err *err);

/* Create or upgrade the consent series (support/consent_schema.c). */
int support_consent_migrate(store *st, int *applied, cairn_err *err);

#endif
