/*
** web/support/plan_web.h — what the plan pages share
** (web/support/plan_*.c): the viewer's view of a case's goals, the plan
** page shown again with a refused form, the words for plans and problems,
** and the plan section of the case page.
*/
#ifndef CAIRN_WEB_SUPPORT_PLAN_H
#define CAIRN_WEB_SUPPORT_PLAN_H
#include "support/plan.h"
#include "web/page.h"

/* A refused form of the plan page, to show again with its error. */
typedef struct plan_form {
    const char          *form;      /* "goal", "close", "not_now", "recovery" */
    support_plan_problem problem;
    int64_t              goal_id;   /* the goal of a refused close (0 none) */
    const char          *domain;    /* the domain of a refused "not now" */
} plan_form;

/* What the viewer may see of case c->id's goals (support_goal_view) into
** *view: 1 go on; 0 answered already (404, 403 for anyone who does not see
** goals, e.g. a leader not on the team; 500), as a page or as JSON. */
int plan_viewer(web_ctx *c, unsigned *view, int json);

/* The plan page of c->id with status (200, or 400 with form). */
void plan_page_show(web_ctx *c, int status, const plan_form *form);

/* One plan of kind into c->b in c->L: its heading, its goals (the goals of
** that kind among goals[0..n)) as a table, the recovery note of the
** learning plan when full; the forms only when may_write.  form may be
** NULL. */
void plan_part(web_ctx *c, int kind, const support_goal *goals, size_t n, int may_write,
               int full, const char *recovery, const plan_form *form);

/* The translated sentence for a refused input. */
const char *plan_problem_text(const i18n_lang *L, support_plan_problem p);

/* The translated name of a plan kind, and of a goal's status. */
const char *plan_kind_name(const i18n_lang *L, int kind);
const char *plan_status_name(const i18n_lang *L, int status);

/* A number of a goal's measure as L writes it (no decimals when whole). */
const char *plan_number_text(const i18n_lang *L, double v, char *out, size_t cap);

/* The plan section of the case page (one call from case_page_show): the
** number of goals per plan the viewer sees, those due within
** SUPPORT_GOAL_SOON_DAYS, the domains not yet answered and a link to the
** plan page.  Writes nothing for a viewer who sees no goals.  0 or -1. */
struct support_case_detail;
int plan_case_section(web_ctx *c, const struct support_case_detail *d, unsigned rel,
                      cairn_err *err);

/* The form that adds a goal, or edits the one named by ?edit= (one of
** goals[0..n), which view shows), refilled from the request after a
** refused goal form, with its errors beside the fields
** (web/support/plan_form.c).  0 or -1. */
int plan_goal_form(web_ctx *c, unsigned view, const support_goal *goals, size_t n,
                   const plan_form *form, cairn_err *err);

/* Fill spec from the request's form fields (pointers into the request). */
void plan_spec_from_form(web_request *req, support_goal_spec *spec);

#endif
