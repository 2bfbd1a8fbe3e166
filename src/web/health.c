/*
** web/health.c — the health check for load balancers and scripts.
*/
#include "web/page.h"
#include "gen/pages.h"

/*
** WEBPAGE: GET /healthz
** ACCESS:  public
** BODY:    none
**
** "ok" when this worker's database connection answers SELECT 1, else 503
** (and the connection is dropped so the next request reconnects).  Plain
** text.
*/
void page_healthz(web_ctx *c) {
    cairn_err err = {0};
    int64_t one = 0;
    c->res->content_type = "text/plain; charset=utf-8";
    store *st = c->st ? c->st : web_request_store(c->req, &err);
    if (st && store_query_int64(st, "SELECT 1", -1, &one, &err) == 0 && one == 1) {
        buf_puts(c->b, "ok\n");                  /* not HTML: text/plain */
        return;
    }
    web_log(c->req, "healthz: database unavailable: %s",
            err.msg[0] ? err.msg : "SELECT 1 gave no 1");
    if (st) web_request_store_discard(c->req);
    c->res->status = 503;
    buf_puts(c->b, "database unavailable\n");   /* not HTML: text/plain */
}
