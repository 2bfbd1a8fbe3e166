/*
** web/support/caseload_view.h — the pieces of the leader's figures
** (GET /caseload and GET /api/v1/caseload, web/support/case_caseload.c):
** the interventions by tier with their measured effect
** (web/support/caseload_interventions.c).
*/
#ifndef CAIRN_WEB_SUPPORT_CASELOAD_VIEW_H
#define CAIRN_WEB_SUPPORT_CASELOAD_VIEW_H
#include "support/intervention.h"
#include "support/intervention_effect.h"
#include "web/page.h"
#include <jansson.h>

/* The interventions of an institution in figures. */
typedef struct caseload_interventions {
    intervention                *rows;   /* the catalogue, by tier then name */
    intervention_effect_summary *sum;    /* per row; zeroed for a row without participants */
    size_t                       n;
    long long     by_tier[INTERVENTION_TIERS];      /* participants, per tier */
    unsigned char tier_state[INTERVENTION_TIERS + 1];   /* suppress_state; [3] the total */
    long long     total;
} caseload_interventions;

/* Read the figures of the viewer's institution into *out (kept by the page:
** nothing to free).  0, or -1 with err. */
int caseload_interventions_read(web_ctx *c, caseload_interventions *out, cairn_err *err);

/* The section of the page: participants by tier (a chart and its table),
** then each intervention's measured effect. */
void caseload_interventions_html(buf *b, const i18n_lang *L, const caseload_interventions *v);

/* The same as JSON: {"by_tier": [...], "interventions": [...]}. */
json_t *caseload_interventions_json(const caseload_interventions *v);

#endif
