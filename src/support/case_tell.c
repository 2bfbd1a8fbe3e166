/*
** support/case_tell.c — telling the learner of a handover (see case.h,
** "handovers"): when a new key worker accepts a case, the learner gets a
** notice (when they have an enabled account) and a mail (when they have an
** e-mail address) through the notice and mail queue (support/notice.h), in
** their language: their account's language when it is one of the four
** below, else English.  Either way the case's history says so
** ("learner_told": how, when, by whom).  When there is no way to reach
** them, the new key worker gets a follow-up task "tell the learner".
**
** The mail's words are here, not in po/: the support room cannot reach the
** web room's catalogues (docs/decisions.md, "The learner is told of a
** handover").
*/
#include "support/case_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include "support/notice.h"
#include <stdio.h>
#include <string.h>

/* The handover mail in one language: {learner}, {worker} and {school} are
** replaced. */
typedef struct tell_words {
    const char *lang, *subject, *body;
} tell_words;

static const tell_words words[] = {
    {"en",
     "Your new key worker at {school}",
     "Dear {learner},\n\nfrom today {worker} is your key worker at {school}: "
     "the person you can turn to about your learning and anything that gets i"
     "n its way. {worker} will contact you within the next few school days.\n"
     "\n{school}\n"},
    {"de",
     "Ihre neue Bezugsperson an der Schule {school}",
     "Hallo {learner},\n\nab heute ist {worker} Ihre Bezugsperson an der Schu"
     "le {school}: die Person, an die Sie sich bei Fragen zu Ihrer Ausbildung"
     " und bei allem, was Ihnen dabei im Weg steht, wenden k\xC3\xB6nnen. {wo"
     "rker} meldet sich in den n\xC3\xA4"
     "chsten Schultagen bei Ihnen.\n\n{school}\n"},
    {"uk",
     "\xD0\x92\xD0\xB0\xD1\x88\xD0\xB0 \xD0\xBD\xD0\xBE\xD0\xB2\xD0\xB0 \xD0\xB2"
     "\xD1\x96\xD0\xB4\xD0\xBF\xD0\xBE\xD0\xB2\xD1\x96\xD0\xB4\xD0\xB0\xD0\xBB"
     "\xD1\x8C\xD0\xBD\xD0\xB0 \xD0\xBE\xD1\x81\xD0\xBE\xD0\xB1\xD0\xB0 \xD1\x83"
     " {school}",
     "\xD0\x92\xD1\x96\xD1\x82\xD0\xB0\xD1\x94\xD0\xBC\xD0\xBE, {learner}!\n\n"
     "\xD0\x92\xD1\x96\xD0\xB4\xD1\x81\xD1\x8C\xD0\xBE\xD0\xB3\xD0\xBE\xD0\xB4"
     "\xD0\xBD\xD1\x96 {worker} \xE2\x80\x94 \xD0\xB2\xD0\xB0\xD1\x88\xD0\xB0"
     " \xD0\xB2\xD1\x96\xD0\xB4\xD0\xBF\xD0\xBE\xD0\xB2\xD1\x96\xD0\xB4\xD0\xB0"
     "\xD0\xBB\xD1\x8C\xD0\xBD\xD0\xB0 \xD0\xBE\xD1\x81\xD0\xBE\xD0\xB1\xD0\xB0"
     " \xD1\x83 {school}: \xD0\xBB\xD1\x8E\xD0\xB4\xD0\xB8\xD0\xBD\xD0\xB0, \xD0\xB4"
     "\xD0\xBE \xD1\x8F\xD0\xBA\xD0\xBE\xD1\x97 \xD0\xBC\xD0\xBE\xD0\xB6\xD0\xBD"
     "\xD0\xB0 \xD0\xB7\xD0\xB2\xD0\xB5\xD1\x80\xD0\xBD\xD1\x83\xD1\x82\xD0\xB8"
     "\xD1\x81\xD1\x8F \xD1\x89\xD0\xBE\xD0\xB4\xD0\xBE \xD0\xBD\xD0\xB0\xD0\xB2"
     "\xD1\x87\xD0\xB0\xD0\xBD\xD0\xBD\xD1\x8F \xD1\x82\xD0\xB0 \xD0\xB2\xD1\x81"
     "\xD1\x8C\xD0\xBE\xD0\xB3\xD0\xBE, \xD1\x89\xD0\xBE \xD0\xB9\xD0\xBE\xD0\xBC"
     "\xD1\x83 \xD0\xB7\xD0\xB0\xD0\xB2\xD0\xB0\xD0\xB6\xD0\xB0\xD1\x94. {wor"
     "ker} \xD0\xB7\xD0\xB2\xE2\x80\x99\xD1\x8F\xD0\xB6\xD0\xB5\xD1\x82\xD1\x8C"
     "\xD1\x81\xD1\x8F \xD0\xB7 \xD0\xB2\xD0\xB0\xD0\xBC\xD0\xB8 \xD0\xBF\xD1\x80"
     "\xD0\xBE\xD1\x82\xD1\x8F\xD0\xB3\xD0\xBE\xD0\xBC \xD0\xBD\xD0\xB0\xD0\xB9"
     "\xD0\xB1\xD0\xBB\xD0\xB8\xD0\xB6\xD1\x87\xD0\xB8\xD1\x85 \xD0\xBD\xD0\xB0"
     "\xD0\xB2\xD1\x87\xD0\xB0\xD0\xBB\xD1\x8C\xD0\xBD\xD0\xB8\xD1\x85 \xD0\xB4"
     "\xD0\xBD\xD1\x96\xD0\xB2.\n\n{school}\n"},
    {"ar",
     "\xD8\xA7\xD9\x84\xD9\x85\xD8\xB3\xD8\xA4\xD9\x88\xD9\x84 \xD8\xA7\xD9\x84"
     "\xD8\xB1\xD8\xA6\xD9\x8A\xD8\xB3\xD9\x8A \xD8\xA7\xD9\x84\xD8\xAC\xD8\xAF"
     "\xD9\x8A\xD8\xAF \xD8\xB9\xD9\x86\xD9\x83 \xD9\x81\xD9\x8A {school}",
     "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD9\x8B\xD8\xA7 {learner}\xD8\x8C\n\n\xD9\x85"
     "\xD9\x86 \xD8\xA7\xD9\x84\xD9\x8A\xD9\x88\xD9\x85 \xD8\xB5\xD8\xA7\xD8\xB1"
     " {worker} \xD8\xA7\xD9\x84\xD9\x85\xD8\xB3\xD8\xA4\xD9\x88\xD9\x84 \xD8\xA7"
     "\xD9\x84\xD8\xB1\xD8\xA6\xD9\x8A\xD8\xB3\xD9\x8A \xD8\xB9\xD9\x86\xD9\x83"
     " \xD9\x81\xD9\x8A {school}: \xD8\xA7\xD9\x84\xD8\xB4\xD8\xAE\xD8\xB5 \xD8\xA7"
     "\xD9\x84\xD8\xB0\xD9\x8A \xD9\x8A\xD9\x85\xD9\x83\xD9\x86\xD9\x83 \xD8\xA7"
     "\xD9\x84\xD9\x84\xD8\xAC\xD9\x88\xD8\xA1 \xD8\xA5\xD9\x84\xD9\x8A\xD9\x87"
     " \xD8\xA8\xD8\xB4\xD8\xA3\xD9\x86 \xD8\xAA\xD8\xB9\xD9\x84\xD9\x91\xD9\x85"
     "\xD9\x83 \xD9\x88\xD9\x83\xD9\x84 \xD9\x85\xD8\xA7 \xD9\x8A\xD8\xB9\xD9\x8A"
     "\xD9\x82\xD9\x87. \xD8\xB3\xD9\x8A\xD8\xAA\xD9\x88\xD8\xA7\xD8\xB5\xD9\x84"
     " {worker} \xD9\x85\xD8\xB9\xD9\x83 \xD8\xAE\xD9\x84\xD8\xA7\xD9\x84 \xD8\xA7"
     "\xD9\x84\xD8\xA3\xD9\x8A\xD8\xA7\xD9\x85 \xD8\xA7\xD9\x84\xD8\xAF\xD8\xB1"
     "\xD8\xA7\xD8\xB3\xD9\x8A\xD8\xA9 \xD8\xA7\xD9\x84\xD9\x82\xD8\xA7\xD8\xAF"
     "\xD9\x85\xD8\xA9.\n\n{school}\n"},
};

/* The words for a language tag ("de", "de-AT"; English otherwise). */
static const tell_words *words_for(const char *lang) {
    for (size_t i = 0; lang && i < sizeof words / sizeof words[0]; i++)
        if (!strncmp(lang, words[i].lang, 2) && (!lang[2] || lang[2] == '-' || lang[2] == '_'))
            return &words[i];
    return &words[0];
}

/* Append tpl to out with {learner}, {worker} and {school} replaced. */
static void fill(buf *out, const char *tpl, const char *learner, const char *worker,
                 const char *school) {
    static const char *const keys[] = {"{learner}", "{worker}", "{school}"};
    const char *vals[] = {learner, worker, school};
    while (*tpl) {
        size_t k = 0;
        while (k < 3 && strncmp(tpl, keys[k], strlen(keys[k])) != 0) k++;
        if (k < 3) {
            buf_puts(out, vals[k]);   /* not HTML: a text/plain mail */
            tpl += strlen(keys[k]);
        } else {
            buf_append(out, tpl++, 1);   /* not HTML: a text/plain mail */
        }
    }
}

/* Who the learner is and how to reach them. */
typedef struct tell_who {
    char    given[101], email[255], lang[36], school[201], worker[203];
    int64_t account;   /* the learner's enabled account, 0 none */
} tell_who;

/* Fill *w for learner and new key worker to_staff; in the transaction. */
static int who_read(store *st, int64_t inst, int64_t learner, int64_t to_staff, tell_who *w,
                    cairn_err *err) {
    memset(w, 0, sizeof *w);
    store_stmt *q = store_prepare(st,
        "SELECT l.given_name, coalesce(l.email, ''), i.name, s.given_name || ' ' || s.family_name,"
        " coalesce((SELECT min(a.id) FROM account a WHERE a.institution_id = l.institution_id"
        "  AND a.person_kind = 'learner' AND a.person_id = l.id AND a.disabled = 0), 0),"
        " coalesce((SELECT a.language FROM account a WHERE a.institution_id = l.institution_id"
        "  AND a.person_kind = 'learner' AND a.person_id = l.id AND a.disabled = 0"
        "  AND a.language IS NOT NULL ORDER BY a.id LIMIT 1), '')"
        " FROM learner l JOIN institution i ON i.id = l.institution_id"
        " JOIN staff s ON s.institution_id = l.institution_id AND s.id = ?"
        " WHERE l.institution_id = ? AND l.id = ?", err);
    if (!q) return -1;
    store_bind_int64(q, 1, to_staff);
    store_bind_int64(q, 2, inst);
    store_bind_int64(q, 3, learner);
    int rc = store_step(q, err);
    if (rc == STORE_ROW) {
        str_copy(w->given, sizeof w->given, store_col_text(q, 0));
        str_copy(w->email, sizeof w->email, store_col_text(q, 1));
        str_copy(w->school, sizeof w->school, store_col_text(q, 2));
        str_copy(w->worker, sizeof w->worker, store_col_text(q, 3));
        w->account = store_col_int64(q, 4);
        str_copy(w->lang, sizeof w->lang, store_col_text(q, 5));
    }
    store_finalize(q);
    if (rc < 0) return -1;
    if (!strchr(w->email, '@')) w->email[0] = 0;
    return 0;
}

/* The follow-up "tell the learner" for to_staff; in the transaction. */
static int tell_task(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                     int64_t learner, int64_t to_staff, const char *now, cairn_err *err) {
    int32_t due = 0;
    int64_t id = 0;
    buf sealed = BUF_INIT;   /* not HTML: the stored title */
    if (support_case_school_days_after(st, inst, case_day_of(now),
                                       SUPPORT_CASE_FIRST_CONTACT_DAYS, &due, err) < 0 ||
        support_case_text_seal(st, inst, SUPPORT_CASE_TELL_TASK, &sealed, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_task"
                              " WHERE institution_id = ?", inst, &id, err) < 0) {
        buf_free(&sealed);
        return -1;
    }
    char dtext[DATE_TEXT_LEN], tid[24], detail[96];
    date_format(due, dtext);
    store_stmt *q = store_prepare(st, "INSERT INTO case_task (institution_id, id, case_id, kind,"
                                      " title, owner_id, due_on, created_at) VALUES"
                                      " (?, ?, ?, 'follow_up', ?, ?, ?, ?)", err);
    int s = -1;
    if (q) {
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, id);
        store_bind_int64(q, 3, case_id);
        store_bind_text(q, 4, buf_cstr(&sealed), (size_t)-1);
        store_bind_int64(q, 5, to_staff);
        store_bind_text(q, 6, dtext, (size_t)-1);
        store_bind_text(q, 7, now, (size_t)-1);
        s = store_step(q, err);
        store_finalize(q);
    }
    buf_free(&sealed);
    snprintf(tid, sizeof tid, "%lld", (long long)id);
    snprintf(detail, sizeof detail, "case %lld: follow-up %lld due %s (tell the learner)",
             (long long)case_id, (long long)id, dtext);
    if (s < 0 ||
        case_history_add_in_tx(st, inst, case_id, now, account_id, "task_add", "follow_up", tid,
                               "", err) < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id, "case.task_add", NULL, detail,
                           err) < 0)
        return -1;
    return 0;
}

/* Tell the learner of the handover (see case_internal.h). */
int case_learner_tell_in_tx(store *st, int64_t inst, int64_t account_id, int64_t case_id,
                            int64_t learner, int64_t to_staff, const char *now, cairn_err *err) {
    tell_who w;
    if (who_read(st, inst, learner, to_staff, &w, err) < 0) return -1;
    char how[24] = "";
    if (w.account) {
        if (support_notice_add_in_tx(st, inst, w.account, SUPPORT_NOTICE_HANDOVER, learner,
                                     w.worker, err) < 0)
            return -1;
        str_copy(how, sizeof how, "notice");
    }
    if (w.email[0]) {
        const tell_words *t = words_for(w.lang);
        buf subject = BUF_INIT, body = BUF_INIT;   /* not HTML: a text/plain mail */
        fill(&subject, t->subject, w.given, w.worker, w.school);
        fill(&body, t->body, w.given, w.worker, w.school);
        int rc = support_mail_enqueue_in_tx(st, inst, 0, w.email, buf_cstr(&subject),
                                            buf_cstr(&body), err);
        buf_free(&subject);
        buf_free(&body);
        if (rc < 0) return -1;
        str_copy(how, sizeof how, w.account ? "notice,mail" : "mail");
    }
    if (!how[0]) return tell_task(st, inst, account_id, case_id, learner, to_staff, now, err);
    char to[24], detail[96];
    snprintf(to, sizeof to, "%lld", (long long)to_staff);
    snprintf(detail, sizeof detail, "case %lld: learner told of the handover (%s)",
             (long long)case_id, how);
    if (case_history_add_in_tx(st, inst, case_id, now, account_id, "learner_told", how, to, "",
                               err) < 0 ||
        support_case_audit(st, inst, account_id, learner, case_id, "case.learner_told", NULL,
                           detail, err) < 0)
        return -1;
    return 0;
}
