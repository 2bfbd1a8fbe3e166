/* web/pages_model.c — placeholder until written (session 2). */
#include "web/api.h"
#include "web/pages.h"
void page_model(web_request *req, web_response *res) { (void)req; web_error_json(res, 501, "not_implemented", "not written yet"); }
void api_model(web_request *req, web_response *res) { (void)req; web_error_json(res, 501, "not_implemented", "not written yet"); }
void api_summary(web_request *req, web_response *res) { (void)req; web_error_json(res, 501, "not_implemented", "not written yet"); }
void api_group(web_request *req, web_response *res) { (void)req; web_error_json(res, 501, "not_implemented", "not written yet"); }
