/*
** web/api.h — the JSON API under /api/v1: what the staff pages show, for
** programs, with API tokens (Authorization: Bearer) or a session.  Each
** route lives with its page in web/<room>/; web/api.c holds what they share.
**
** The same access rules as the pages (web/access.h), errors as
** {"error":{"code":..,"message":..}} (web_error_json), lists paginated with
** limit and offset.  Described in docs/openapi.yaml, which
** tests/cli/test_api.sh checks against the live answers.
*/
#ifndef CAIRN_WEB_API_H
#define CAIRN_WEB_API_H
#include "risk/risk_read.h"
#include "web/server.h"
#include <jansson.h>
#include <stdint.h>

#define API_LIMIT_DEFAULT 50      /* learners per page without ?limit */
#define API_LIMIT_MAX     200     /* the largest ?limit accepted */
#define API_OFFSET_MAX    10000   /* the largest ?offset accepted; deeper pages
                                     use ?after= (keyset paging), as next does */

/* Write v (taken over: this frees it) into res as the JSON body with
** status; a 500 JSON error if it cannot be written.  The one way the API
** answers with JSON. */
void api_send(web_response *res, int status, json_t *v);

/* ---- for the API's routes in web/<room>/ ------------------------------------- */

struct web_ctx;

/* JSON forms: a day ("YYYY-MM-DD", null for 0), a stored text (null when
** empty), a probability (null when NaN), a current score (tier, flags,
** reasons, asof).  New references. */
json_t *api_json_day(int32_t days);
json_t *api_json_text(const char *s);
json_t *api_json_probability(double p);
json_t *api_json_score(const risk_attention_row *r);

/* risk_visibility.bind for access_learner_predicate (ctx is an access_ctx). */
int api_bind_access(const void *ctx, store_stmt *s, int first);

/* The request body as a JSON object whose members are all among the names
** allowed[0..n) (a new reference), or NULL after a 415 or 400 that says
** what is wrong. */
json_t *api_body_object(struct web_ctx *c, const char *const *allowed, size_t n);

/* The string member name of body, or NULL after a 400 saying it is missing
** or not a string.  Owned by body. */
const char *api_body_string(struct web_ctx *c, json_t *body, const char *name);

#endif
