/*
** web/auth_internal.h — what the files of web/auth.h (password.c,
** account.c, session.c, gate.c) share and nobody else uses.
*/
#ifndef CAIRN_WEB_AUTH_INTERNAL_H
#define CAIRN_WEB_AUTH_INTERNAL_H
#include <stddef.h>

/* 1 if s is exactly n lowercase hex digits (a token's shape); 0 otherwise,
** also for NULL. */
int auth_is_hex(const char *s, size_t n);

/* Check password against a hash of a random password nobody has (made once,
** on first use), and throw the answer away: signing in with an unknown user
** name then costs as much time as with a known one. */
void auth_password_verify_dummy(const char *password);

#endif
