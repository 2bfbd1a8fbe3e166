/*
** base/date.c — calendar dates as day numbers (civil-from-days arithmetic).
*/
#include "base/date.h"
#include <stdio.h>
#include <time.h>

/* Days since 1970-01-01 for year y, month m (1-12), day d. */
int32_t date_from_ymd(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

/* Split a day number into year, month, day. */
void date_to_ymd(int32_t days, int *y, int *m, int *d) {
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

/* 1 if y-m-d is a real calendar date within the range cairn accepts. */
int date_valid_ymd(int y, int m, int d) {
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = mdays[m - 1] + (m == 2 && leap);
    return d <= max;
}

/* Parse exactly "YYYY-MM-DD" (n bytes) into *days; -1 if not a real date. */
int date_parse(const char *s, size_t n, int32_t *days) {
    if (n != 10 || s[4] != '-' || s[7] != '-') return -1;
    int v[8], k = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7) continue;
        if (s[i] < '0' || s[i] > '9') return -1;
        v[k++] = s[i] - '0';
    }
    int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    int m = v[4] * 10 + v[5];
    int d = v[6] * 10 + v[7];
    if (!date_valid_ymd(y, m, d)) return -1;
    *days = date_from_ymd(y, m, d);
    return 0;
}

/* Write the day number as "YYYY-MM-DD" into out. */
void date_format(int32_t days, char out[DATE_TEXT_LEN]) {
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    if (y < 0 || y > 9999) { snprintf(out, DATE_TEXT_LEN, "0000-00-00"); return; }
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = 0;
}

/* Day of the week, 0 = Monday. 1970-01-01 was a Thursday. */
int date_weekday(int32_t days) {
    int w = (int)((days + 3) % 7);
    return w < 0 ? w + 7 : w;
}

/* Today's date in UTC as a day number. */
int32_t date_today(void) {
    return (int32_t)(time(NULL) / 86400);
}

/* Current UTC time as ISO 8601 with seconds. */
void date_now_iso(char out[32]) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
