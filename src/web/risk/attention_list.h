/*
** web/risk/attention_list.h — the list of learners as the home page, the
** dashboard and its CSV export share it: what the link says (filters,
** search, order, kept in the URL), the list itself (a table on a wide
** screen, cards on a phone: cairn.css), and who acknowledged a row's flags.
*/
#ifndef CAIRN_WEB_RISK_ATTENTION_LIST_H
#define CAIRN_WEB_RISK_ATTENTION_LIST_H
#include "risk/risk_read.h"
#include "web/page.h"

/* The list's parameters as the link gives them.  Texts point into the
** request (or are ""); f.visible is left NULL for the caller. */
typedef struct attention_params {
    risk_attention_filter f;
    const char *tier;     /* "", "0".."2" or "all" */
    const char *sort;     /* "", "name" or "group" */
    const char *order;    /* "" or "reverse" */
} attention_params;

/* Read the list's parameters from req's query string into *p; a value
** that is not one of the choices counts as absent. */
void attention_params_read(web_request *req, attention_params *p);

/* Append path (a constant) with p's parameters, HTML-escaped for an
** attribute; with cursor_name (a constant, may be NULL) also that
** parameter set to cursor. */
void attention_url(buf *b, const char *path, const attention_params *p,
                   const char *cursor_name, int64_t cursor);

/* Who last acknowledged a row's flags on its score date. */
typedef struct attention_ack {
    int  acked;        /* flags of the current score acknowledged */
    char by[201];      /* the latest one's account name */
    char at[32];       /* and when (ISO) */
} attention_ack;

/* The acknowledgements of rows[0..n) into acks[0..n): 0, or -1 with err. */
int attention_acks_read(store *st, int64_t institution_id, const risk_attention_row *rows,
                        size_t n, attention_ack *acks, cairn_err *err);

/* Write the list of rows with caption; when p is not NULL the column heads
** are links that sort by that column (keeping p's filters); acks may be
** NULL. */
void attention_list_write(buf *b, const i18n_lang *L, const char *caption,
                          const attention_params *p, const risk_attention_row *rows, size_t n,
                          const attention_ack *acks);

/* What the list adds to each row's last cell for someone who works on
** cases: a link to the learner's open case, or a one-click button that
** opens one from the row's flags (POST /learners/{id}/cases,
** web/support/case_learner.c). */
typedef struct attention_case_cell {
    const char    *csrf;       /* the session's CSRF token */
    const int64_t *case_ids;   /* per row: its open case, 0 = none (the button), < 0 = a
                                  case the viewer is not on (nothing) */
} attention_case_cell;

/* The case cells of rows[0..n) for c's viewer into *out (the ids live as
** long as the request): each row's open case, -1 where the viewer is not
** on it, or where there is none and nobody to be its key worker (the
** learner has none and the viewer is not one).  0, or -1 with err set. */
int attention_case_cells(web_ctx *c, const risk_attention_row *rows, size_t n,
                         attention_case_cell *out, cairn_err *err);

/* attention_list_write with the case cell of cases (NULL = none). */
void attention_list_write_cases(buf *b, const i18n_lang *L, const char *caption,
                                const attention_params *p, const risk_attention_row *rows,
                                size_t n, const attention_ack *acks,
                                const attention_case_cell *cases);

/* Write the learner page's links "back to the list" and "next learner"
** (the list the viewer came from: its parameters are in the learner
** page's own link).  self (may be NULL): the learner's latest score row,
** read by the page already.  0, or -1 with err set. */
int attention_learner_nav(web_ctx *c, int64_t learner_id, const risk_attention_row *self,
                          cairn_err *err);

#endif
