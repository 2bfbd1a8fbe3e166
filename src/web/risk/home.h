/*
** web/risk/home.h — the parts of the home page (GET /, web/risk/home.c)
** written by other files.
*/
#ifndef CAIRN_WEB_RISK_HOME_H
#define CAIRN_WEB_RISK_HOME_H
#include "web/page.h"

/* Write the administrator's part of the home page (the installation's
** health: the last import, the last scoring run, accounts, mail, disk,
** backups) to c->b; its heading is the skip link's target (id="list")
** when first is 1.  0, or -1 with err set (nothing sensible written). */
int home_admin_write(web_ctx *c, int first, cairn_err *err);

#endif
