/*
** base/err.c — errors a person can act on.
*/
#include "base/err.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Fill err with code and a formatted message; always returns -1. */
int err_set(cairn_err *err, int code, const char *fmt, ...) {
    if (!err) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code ? code : CAIRN_EINTERNAL;
    return -1;
}

/* Prefix the message in err with a formatted string and ": ". */
void err_prefix(cairn_err *err, const char *fmt, ...) {
    if (!err) return;
    char head[CAIRN_ERR_MAX], old[CAIRN_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s: %s", head, old);
}

/* Reset err to the no-error state. */
void err_clear(cairn_err *err) {
    if (!err) return;
    err->code = 0;
    err->msg[0] = 0;
}
