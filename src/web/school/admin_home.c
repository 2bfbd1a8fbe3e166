/*
** web/school/admin_home.c — the administrator's part of the home page
** (web/risk/home.h): the installation's health as far as cairn knows it.
** The last import and the last scoring run, the accounts, mail, the free
** disk of the database's folder, and what is known of backups.
*/
#include "web/risk/home.h"
#include "web/html.h"
#include "web/page.h"
#include "web/mail.h"
#include "base/date.h"
#include "school/school_home.h"
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

/* The Mail row's text: off (no relay; notices stay in the application), or
** the relay and the queue's counts (web/mail.h, mail_status). */
static void home_mail_state(web_ctx *c, buf *b) {
    const i18n_lang *L = c->L;
    mail_status_info ms;
    cairn_err err = {0};
    if (mail_status(c->st, &ms, &err) < 0) {
        web_log(c->req, "mail status: %s", err.msg);
        html_printf(b, "%T", T(L, "not known"));
        return;
    }
    if (!ms.on) {
        html_printf(b, "%T", T(L, "off (no mail relay is configured; notices stay in the application)"));
        return;
    }
    html_printf(b, "%T %T. %T %lld, %T %lld, %T %lld.", T(L, "Mail goes out through"), ms.relay,
                T(L, "Queued:"), (long long)ms.counts.queued, T(L, "sent:"),
                (long long)ms.counts.sent, T(L, "failed:"), (long long)ms.counts.failed);
    if (ms.counts.last_error[0])
        html_printf(b, " <span lang=\"en\">%T</span>", ms.counts.last_error);
}

/* Free bytes of the folder that holds path (a SQLite file), into *free_mb
** (MiB): 1 known, 0 not (PostgreSQL, or the folder cannot be read). */
static int disk_free_mb(store *st, unsigned long long *free_mb) {
    if (store_kind_of(st) != STORE_SQLITE || !store_url(st)) return 0;
    char dir[1024];
    const char *url = store_url(st);
    if (!strncmp(url, "file:", 5)) url += 5;
    size_t n = strcspn(url, "?");
    if (n >= sizeof dir) return 0;
    memcpy(dir, url, n);
    dir[n] = 0;
    char *slash = strrchr(dir, '/');
    if (slash) *slash = slash == dir ? '/' : 0;
    if (slash == dir) dir[1] = 0;
    if (!slash) strcpy(dir, ".");
    struct statvfs sv;
    if (statvfs(dir, &sv) != 0) return 0;
    *free_mb = (unsigned long long)sv.f_bavail * sv.f_frsize / (1024 * 1024);
    return 1;
}

/* Start one row of the health table: its head what (text); the caller
** writes the state and calls row_end(). */
static void row_begin(buf *b, const char *what) {
    html_printf(b, "<tr><th scope=\"row\">%T</th><td>", what);
}

/* End a row of the health table. */
static void row_end(buf *b) {
    html_printf(b, "</td></tr>\n");
}

/* An ISO time (UTC) as "date, HH:MM UTC" in L into out. */
static const char *when(const i18n_lang *L, const char *iso, char *out, size_t cap) {
    int32_t d;
    if (strlen(iso) < 16 || date_parse(iso, 10, &d) != 0) {
        snprintf(out, cap, "%s", iso);
        return out;
    }
    char day[I18N_DATE_MAX];
    snprintf(out, cap, "%s, %.5s UTC", i18n_format_date(L, d, day, sizeof day), iso + 11);
    return out;
}

/* The administrator's part (see home.h). */
int home_admin_write(web_ctx *c, int first, cairn_err *err) {
    const i18n_lang *L = c->L;
    buf *b = c->b;
    school_health h;
    if (school_health_read(c->st, c->who->institution_id, &h, err) != 0) return -1;
    char t[160], num[I18N_NUM_MAX], num2[I18N_NUM_MAX];
    html_printf(b, first ? "<h2 id=\"list\" tabindex=\"-1\">%T</h2>\n" : "<h2>%T</h2>\n",
                T(L, "The installation"));
    html_printf(b, "<table class=\"health\">\n<caption>%T</caption>\n<tbody>\n",
                T(L, "What cairn knows of its own health"));
    row_begin(b, T(L, "Last import"));
    if (h.import_at[0])
        html_printf(b, T(L, "%T: %T rows written, %T refused (%T)"),
                    when(L, h.import_at, t, sizeof t),
                    i18n_format_int(L, h.import_written, num, sizeof num),
                    i18n_format_int(L, h.import_bad, num2, sizeof num2), h.import_kind);
    else
        html_printf(b, "%T", T(L, "none yet"));
    row_end(b);
    row_begin(b, T(L, "Last scoring run"));
    html_printf(b, "%T", h.scored_at[0] ? when(L, h.scored_at, t, sizeof t) : T(L, "never"));
    row_end(b);
    row_begin(b, T(L, "Accounts"));
    html_printf(b, T(L, "%T accounts, %T of them disabled"),
                i18n_format_int(L, h.accounts, num, sizeof num),
                i18n_format_int(L, h.accounts_disabled, num2, sizeof num2));
    row_end(b);
    row_begin(b, T(L, "Learners enrolled"));
    html_printf(b, "%T", i18n_format_int(L, h.learners_active, num, sizeof num));
    row_end(b);
    row_begin(b, T(L, "Mail"));
    home_mail_state(c, b);
    row_end(b);
    unsigned long long mb = 0;
    row_begin(b, T(L, "Disk"));
    if (disk_free_mb(c->st, &mb))
        html_printf(b, T(L, "%T MB free in the database's folder"),
                    i18n_format_int(L, (long long)mb, num, sizeof num));
    else
        html_printf(b, "%T", T(L, "not known here (the database is on another server)"));
    row_end(b);
    row_begin(b, T(L, "Backups"));
    html_printf(b, "%T", T(L, "not known to cairn: it makes no backups itself. Copy the database "
                              "(sqlite3 .backup, or pg_dump) every night and keep the copies "
                              "on another machine."));
    row_end(b);
    html_printf(b, "</tbody>\n</table>\n<ul class=\"inline\">\n"
                   "<li><a href=\"/import\">%T</a></li>\n<li><a href=\"/model\">%T</a></li>\n"
                   "</ul>\n", T(L, "Import files"), T(L, "The model"));
    return 0;
}
