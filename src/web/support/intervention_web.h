/*
** web/support/intervention_web.h — who may see and do what with
** interventions, and what the intervention pages share.
**
** The rules (docs/decisions.md, "Interventions"):
**
**   catalogue       every staff role reads it (it holds no personal data);
**                   administrators and school leaders add and edit entries
**                   (the institution's offer and its evidence claims are a
**                   leadership decision); key workers and teachers read.
**   start a run     administrators, school leaders and key workers.
**   a run           the deliverer sees every participant and records
**                   sessions; the current key worker of a participant sees
**                   that participant's row (and the case team, once cases
**                   exist: support/case lands separately); administrators,
**                   school leaders and other key workers otherwise see
**                   counts and the suppressed effect, never names (a key
**                   worker so that they can add a learner of theirs); anyone
**                   else (a teacher not delivering it) sees nothing (404, as
**                   for a run that does not exist).
**   add a learner   the deliverer or a key worker, for a learner they may
**                   see (access_can_view_learner).
**   learner page    the rows of the runs the viewer delivers, or all of
**                   them for the learner's key worker; a leader reads only
**                   how many there are.
*/
#ifndef CAIRN_WEB_SUPPORT_INTERVENTION_WEB_H
#define CAIRN_WEB_SUPPORT_INTERVENTION_WEB_H
#include "support/intervention.h"
#include "support/intervention_effect.h"
#include "web/page.h"

/* What a viewer sees of a run. */
typedef enum iv_sight {
    IV_SEE_NONE = 0,        /* nothing: answer 404 */
    IV_SEE_AGGREGATE,       /* counts and the suppressed effect */
    IV_SEE_SOME,            /* the rows of their participants, and the aggregate */
    IV_SEE_ALL              /* the deliverer: everything, and records sessions */
} iv_sight;

/* 1 if who is an administrator or school leader (not disabled). */
int iv_is_leader(const access_ctx *who);
/* 1 if who may add and edit catalogue entries. */
int iv_may_edit_catalogue(const access_ctx *who);
/* 1 if who may start a run. */
int iv_may_start_run(const access_ctx *who);
/* 1 if who may see participant p's row of run r (deliverer, p's current
** key worker holding the key worker role, or a key worker or team member
** account on the case p joined with: access_case_relation). */
int iv_participant_visible(const access_ctx *who, const intervention_run *r,
                           const intervention_participant *p);
/* What who sees of run r with participants parts[0..n). */
iv_sight iv_run_sight(const access_ctx *who, const intervention_run *r,
                      const intervention_participant *parts, size_t n);

/* The translated name of a tier, an evidence level, a mode. */
const char *iv_tier_name(const i18n_lang *L, const char *code);
const char *iv_evidence_name(const i18n_lang *L, const char *code);
const char *iv_mode_name(const i18n_lang *L, const char *code);
/* The translated name of a life domain (code), and a needs list
** ("learning,money") written as translated names, comma-separated. */
const char *iv_domain_name(const i18n_lang *L, const char *code);
void iv_needs_text(buf *b, const i18n_lang *L, const char *needs);
/* The translated name of effect indicator (IE_*) with its window. */
const char *iv_effect_name(const i18n_lang *L, int indicator, int duration_weeks);

/* Write "<p class=field-error id=ID role=alert>...</p>" for problem p. */
void iv_field_error(buf *b, const i18n_lang *L, const char *id, intervention_problem p);

/* Write the effect table of s (a <table> with a caption), for an
** intervention of duration_weeks; what is withheld says so. */
void iv_effect_table(buf *b, const i18n_lang *L, const intervention_effect_summary *s,
                     int duration_weeks);

/* s as JSON: {"participants", "indicators": [{code, name, measured,
** mean_change, suppressed}]} with withheld values null. */
json_t *iv_effect_json(const intervention_effect_summary *s, int duration_weeks);

/* A catalogue entry / a run as JSON (new references). */
json_t *iv_entry_json(const intervention *e);
json_t *iv_run_json(const intervention_run *r);

#endif
