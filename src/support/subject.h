/*
** support/subject.h — a learner's whole record for the learner (subject
** access), its erasure (anonymisation), legal holds.
**
** One registry, support_subject_parts[] (support/subject_parts.c), lists
** the parts of a learner's record: identity, enrolments, events, scores,
** acknowledgements, key workers, consents, notices, the audit of access.
** Each part says how to read it (a JSON value), how to erase it, and
** whether it forbids erasing now.  A room that adds tables about a learner
** (cases, plans...) adds one row there, and `cairn export subject` and
** `cairn erase` take it along; nothing else changes.
**
** Erasure anonymises: names, contacts and free text go; what aggregate
** statistics need stays (the programme, the outcome, dates coarsened to the
** month, the birth year; key-worker assignments; the audit log, which holds
** no names).  It is refused while a part forbids it: an active or paused
** enrolment, a legal hold not lifted, and whatever later parts add (an open
** case).  docs/decisions.md, "Consent, subject access, erasure and
** retention".
*/
#ifndef CAIRN_SUPPORT_SUBJECT_H
#define CAIRN_SUPPORT_SUBJECT_H
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include <jansson.h>
#include <stdint.h>

typedef struct support_subject_part {
    const char *key;     /* JSON member name: "identity" */
    const char *title;   /* English heading: "Identity" */
    /* The part as a new JSON value (object or array) into *out. 0 or -1. */
    int (*read)(store *st, int64_t inst, int64_t learner, json_t **out, cairn_err *err);
    /* Erase the part, in the caller's transaction.  NULL = nothing to do. */
    int (*erase)(store *st, int64_t inst, int64_t learner, cairn_err *err);
    /* 1 when the part forbids erasure now (a sentence appended to why),
    ** 0 when not, -1 on error.  NULL = never. */
    int (*hold)(store *st, int64_t inst, int64_t learner, buf *why, cairn_err *err);
} support_subject_part;

extern const support_subject_part support_subject_parts[];
extern const size_t support_subject_nparts;

/* The learner whose school reference is ref, in the institution with code
** inst_code (NULL = the only institution).  0 with *inst and *learner set;
** -1 with err set (CAIRN_ENOTFOUND when there is none). */
int support_subject_find(store *st, const char *inst_code, const char *ref, int64_t *inst,
                         int64_t *learner, cairn_err *err);

/* The learner's whole record as a new JSON object: {"learner": ref,
** "institution": code, "made_at": time, "parts": [{"key", "title",
** "data"}...]} in registry order; audited ("subject.export", by account,
** 0 = the command line).  The caller json_decref()s *out.  0 or -1. */
int support_subject_export(store *st, int64_t inst, int64_t learner, int64_t account,
                           json_t **out, cairn_err *err);

/* Erase (anonymise) the learner, by account, with why (a short reason
** without names, kept in learner_erasure and the audit log).  0 done;
** 1 refused (refusal gets the sentences: holds, already erased); -1 error
** (nothing changed).  One transaction under the audit lock. */
int support_subject_erase(store *st, int64_t inst, int64_t learner, int64_t account,
                          const char *why, buf *refusal, cairn_err *err);

/* What forbids erasing the learner now: 1 (sentences appended to why),
** 0 nothing, -1 error. */
int support_subject_holds(store *st, int64_t inst, int64_t learner, buf *why, cairn_err *err);

/* Place a legal hold on the learner with a reason (sealed), or lift every
** hold (reason ignored); audited.  0, 1 refused (err: no reason, nothing to
** lift), -1 error. */
int support_legal_hold_place(store *st, int64_t inst, int64_t account, int64_t learner,
                             const char *reason, cairn_err *err);
int support_legal_hold_lift(store *st, int64_t inst, int64_t account, int64_t learner,
                            cairn_err *err);

/* A JSON array of objects, one per row of sql (two parameters: the
** institution and the learner), member i named names[i], values as text
** (null for NULL).  For the parts' read functions.  0 or -1. */
int support_subject_rows(store *st, const char *sql, int64_t inst, int64_t learner,
                         const char *const *names, size_t n, json_t **out, cairn_err *err);

/* Run each statement of sqls (NULL-terminated; two parameters: the
** institution and the learner) in the caller's transaction.  For the
** parts' erase functions.  0 or -1. */
int support_subject_run(store *st, const char *const *sqls, int64_t inst, int64_t learner,
                        cairn_err *err);

#endif
