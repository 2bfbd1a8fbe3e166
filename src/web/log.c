/*
** web/log.c — the server's log: one line per request (the access log, from
** web/http.c), lines tagged with a request id (web_log) and the server's
** own lines (log_line), all to stderr.
*/
#include "web/server_int.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
static void log_time(char out[32]) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

/* A log-safe copy of s (see server_int.h). */
void log_clean(char *out, size_t size, const char *s) {
    size_t i = 0;
    for (; s && s[i] && s[i] != '?' && s[i] != '#' && i + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (c <= 0x20 || c >= 0x7F || c == '"' || c == '\\') ? '?' : (char)c;
    }
    out[i] = 0;
    if (s && s[i] && s[i] != '?' && s[i] != '#' && size > 4) memcpy(out + size - 4, "...", 4);
}

/* One timestamped line to stderr (see server_int.h). */
void log_line(const char *fmt, ...) {
    char line[1200], ts[32];
    log_time(ts);
    int n = snprintf(line, sizeof line, "%s ", ts);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = strlen(line);
    if (len + 1 < sizeof line) { line[len] = '\n'; line[len + 1] = 0; }
    else line[sizeof line - 2] = '\n';
    fputs(line, stderr);
}

/* A line tagged with req's id (see server.h). */
void web_log(const web_request *req, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    log_line("req=%llu %s", (unsigned long long)(req ? req->id : 0), msg);
}
