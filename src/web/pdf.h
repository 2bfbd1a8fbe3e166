/*
** web/pdf.h — pages as PDF, printed by Debian's chromium headless
** (--print-to-pdf): the one way cairn makes a PDF (the contract, the plan).
** chromium is $CAIRN_CHROMIUM, else chromium or chromium-browser on the
** PATH; without it the route answers 503 with a clear message.
*/
#ifndef CAIRN_WEB_PDF_H
#define CAIRN_WEB_PDF_H
#include "web/page.h"

/* The chromium to run, into out (cap bytes); NULL when there is none, and
** then c is answered already (503, "use the print view"). */
const char *web_pdf_chromium(web_ctx *c, char *out, size_t cap);

/* Print html (a whole document that needs nothing from the server: styles
** inline) with chromium into c's response as application/pdf; on failure a
** 500 page saying failed (a msgid), the reason in the server log under
** what ("contract pdf"). */
void web_pdf_reply(web_ctx *c, const char *chromium, buf *html, const char *what,
                   const char *failed);

#endif
