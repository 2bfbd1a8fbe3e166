/*
** base/date.h — calendar dates as day numbers.
**
** A date is an int32 count of days since 1970-01-01 (proleptic Gregorian),
** so "as of" comparisons and week arithmetic are plain integer math.  The
** only text form is ISO 8601 YYYY-MM-DD, which is also how dates are stored.
*/
#ifndef CAIRN_BASE_DATE_H
#define CAIRN_BASE_DATE_H
#include <stddef.h>
#include <stdint.h>

#define DATE_TEXT_LEN 11   /* "YYYY-MM-DD" plus NUL */

int32_t date_from_ymd(int y, int m, int d);                  /* no validation */
void    date_to_ymd(int32_t days, int *y, int *m, int *d);
int     date_valid_ymd(int y, int m, int d);                 /* 1 if a real date, years 1900..2199 */
int     date_parse(const char *s, size_t n, int32_t *days);  /* 0 ok; -1 not a real YYYY-MM-DD */
void    date_format(int32_t days, char out[DATE_TEXT_LEN]);
int     date_weekday(int32_t days);                          /* 0 = Monday ... 6 = Sunday */
int32_t date_today(void);                                    /* today in UTC */
void    date_now_iso(char out[32]);                          /* "YYYY-MM-DDTHH:MM:SSZ", UTC */

#endif
