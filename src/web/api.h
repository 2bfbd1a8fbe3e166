/*
** web/api.h — the JSON API under /api/v1 (web/api.c): what the staff pages
** show, for programs, with API tokens (Authorization: Bearer) or a session.
**
** The same access rules as the pages (web/access.h), errors as
** {"error":{"code":..,"message":..}} (web_error_json), lists paginated with
** limit and offset.  Described in docs/openapi.yaml, which
** tests/cli/test_api.sh checks against the live answers.
*/
#ifndef CAIRN_WEB_API_H
#define CAIRN_WEB_API_H
#include "web/server.h"
#include <jansson.h>

#define API_LIMIT_DEFAULT 50      /* learners per page without ?limit */
#define API_LIMIT_MAX     200     /* the largest ?limit accepted */
#define API_OFFSET_MAX    10000   /* the largest ?offset accepted; deeper pages
                                     use ?after= (keyset paging), as next does */

/* Write v (taken over: this frees it) into res as the JSON body with
** status; a 500 JSON error if it cannot be written.  The one way the API
** answers with JSON. */
void api_send(web_response *res, int status, json_t *v);

void api_me(web_request *req, web_response *res);        /* GET /api/v1/me */
void api_learners(web_request *req, web_response *res);  /* GET /api/v1/learners */
void api_learner(web_request *req, web_response *res);   /* GET /api/v1/learners/{id} */
/* POST /api/v1/learners/{id}/acknowledgements and .../key-worker (in
** web/api.c, beside the JSON helpers; the domain is web/actions.h) */
void api_learner_post(web_request *req, web_response *res);
void api_model(web_request *req, web_response *res);     /* GET /api/v1/model (web/pages_model.c) */
/* GET /api/v1/summary: tier counts and the institution's trend;
** GET /api/v1/groups/{code}: a group's weekly attendance (web/pages_model.c) */
void api_summary(web_request *req, web_response *res);
void api_group(web_request *req, web_response *res);
/* POST /api/v1/imports?kind=K[&dry_run=1], the CSV file as the body
** (web/pages_import.c) */
void api_import_post(web_request *req, web_response *res);

#endif
