/*
** cli/subject_html.h — a learner's whole record as readable HTML.
*/
#ifndef CAIRN_CLI_SUBJECT_HTML_H
#define CAIRN_CLI_SUBJECT_HTML_H
#include "base/buf.h"
#include <jansson.h>

/* Append the record made by support_subject_export() to b as a complete
** HTML page (styles inline, so the file stands alone and prints). */
void cli_subject_html(json_t *record, buf *b);

#endif
