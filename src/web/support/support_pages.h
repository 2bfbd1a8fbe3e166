/*
** web/support/support_pages.h — what the support room's pages give the
** others: the JSON forms of acknowledgements and key workers, for the
** learner's JSON (web/school/learner.c) and the POST endpoints.
*/
#ifndef CAIRN_WEB_SUPPORT_PAGES_H
#define CAIRN_WEB_SUPPORT_PAGES_H
#include "web/actions.h"
#include "web/page.h"
#include <jansson.h>

/* An acknowledgement / a key worker assignment as a JSON object (new
** references). */
json_t *support_json_ack(const support_ack *a);
json_t *support_json_key_worker(const support_key_worker *k);

/* The learner's acknowledgements (newest first) and current key worker
** into *acks and *kw (new references).  0 or -1 (err set). */
int support_learner_json(web_ctx *c, int64_t id, json_t **acks, json_t **kw, cairn_err *err);

#endif
