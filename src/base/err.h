/*
** base/err.h — errors a person can act on.
**
** Library functions never print.  A function that can fail returns int
** (0 = ok, -1 = failed) and fills a cairn_err with one message that says
** what went wrong and where ("attendance.csv:17:3: status \"abscent\" is not
** one of present, late, absent_excused, absent_unexcused").
*/
#ifndef CAIRN_BASE_ERR_H
#define CAIRN_BASE_ERR_H

#define CAIRN_ERR_MAX 1024

typedef struct cairn_err {
    int  code;                 /* 0 = no error; otherwise a CAIRN_E* value */
    char msg[CAIRN_ERR_MAX];   /* NUL-terminated message */
} cairn_err;

enum {
    CAIRN_EOK = 0,
    CAIRN_EINVAL = 1,   /* bad input from a person or a file */
    CAIRN_EIO = 2,      /* a file or socket could not be read or written */
    CAIRN_EDB = 3,      /* the database refused or failed */
    CAIRN_ENOTFOUND = 4,
    CAIRN_EINTERNAL = 5
};

/* Set err (if not NULL) to code and a printf-style message; returns -1 so a
** caller can write `return err_set(err, ...)`. */
int err_set(cairn_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Put "prefix: " in front of the message already in err. */
void err_prefix(cairn_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clear err to "no error". */
void err_clear(cairn_err *err);

#endif
