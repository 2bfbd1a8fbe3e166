/* web/pages_import.c — placeholder until written (session 2). */
#include "web/api.h"
#include "web/pages.h"
void page_import_get(web_request *req, web_response *res) { (void)req; web_error_json(res, 501, "not_implemented", "not written yet"); }
void page_import_post(web_request *req, web_response *res) { (void)req; web_error_json(res, 501, "not_implemented", "not written yet"); }
void page_import_confirm(web_request *req, web_response *res) { (void)req; web_error_json(res, 501, "not_implemented", "not written yet"); }
void api_import_post(web_request *req, web_response *res) { (void)req; web_error_json(res, 501, "not_implemented", "not written yet"); }
