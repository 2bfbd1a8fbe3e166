/*
** web/assets.c — the built-in files: the stylesheet (src/web/assets/cairn.css,
** embedded at build time; web/html.h's html_asset_css).
*/
#include "web/page.h"
#include "web/html.h"
#include "gen/pages.h"
#include <string.h>

/*
** WEBPAGE: GET /assets/{code}
** ACCESS:  public
** BODY:    none
**
** The stylesheet at /assets/cairn.css, cacheable for an hour (the login
** page needs it before anyone signs in); any other name is 404.
*/
void page_asset(web_ctx *c) {
    if (strcmp(c->code, "cairn.css") == 0) {
        c->res->static_body = html_asset_css(&c->res->static_len);
        c->res->content_type = "text/css; charset=utf-8";
        c->res->cache = WEB_CACHE_ASSET;
        return;
    }
    page_not_found(c, "Page not found", "There is no page at this address.");
}
