/*
** support/case_conference.c — case conferences: a team meeting on a case,
** who attended, the life domains discussed, notes, and decisions that
** become follow-up tasks (see case.h).
*/
#include "support/case_internal.h"
#include "base/date.h"
#include "base/mem.h"
#include "support/audit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Check spec against the case (in the transaction): 0 fine, 1 refused. */
static int spec_check(store *st, int64_t inst, int64_t case_id, int32_t opened, int32_t today,
                      const support_case_conference_spec *spec, support_case_problem *problem,
                      cairn_err *err) {
    if (spec->held_on > today || spec->held_on < opened)
        return case_refuse(SUPPORT_CASE_HELD_ON_BAD, problem, err);
    if (!spec->nattendees) return case_refuse(SUPPORT_CASE_ATTENDEES_BAD, problem, err);
    for (size_t i = 0; i < spec->nattendees; i++) {
        unsigned rel = 0;
        if (support_case_relation(st, inst, case_id, spec->attendees[i], &rel, err) < 0)
            return -1;
        if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)))
            return case_refuse(SUPPORT_CASE_ATTENDEES_BAD, problem, err);
    }
    if (!(spec->domains & ((1u << SUPPORT_DOMAIN_COUNT) - 1)))
        return case_refuse(SUPPORT_CASE_DOMAINS_MISSING, problem, err);
    if (spec->ndecisions > SUPPORT_CASE_DECISIONS_MAX)
        return case_refuse(SUPPORT_CASE_REASON_BAD, problem, err);
    for (size_t i = 0; i < spec->ndecisions; i++) {
        const support_case_decision *d = &spec->decisions[i];
        unsigned rel = 0;
        if (support_case_relation(st, inst, case_id, d->owner_id, &rel, err) < 0) return -1;
        if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)))
            return case_refuse(SUPPORT_CASE_OWNER_BAD, problem, err);
        if (d->due_on < spec->held_on) return case_refuse(SUPPORT_CASE_DUE_BAD, problem, err);
        char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
        support_case_problem p = SUPPORT_CASE_OK;
        int bad = support_case_reason_check(d->what, text, &p);
        size_t chars = 0;
        for (const unsigned char *c = (const unsigned char *)text; *c; c++)
            chars += (*c & 0xC0) != 0x80;
        support_case_problem why = bad || chars > SUPPORT_CASE_FOLLOW_UP_MAX
                                       ? SUPPORT_CASE_REASON_BAD
                                       : !text[0] ? SUPPORT_CASE_REASON_MISSING : SUPPORT_CASE_OK;
        free(text);
        if (why) return case_refuse(why, problem, err);
    }
    return 0;
}

/* Insert one decision as a follow-up of conference conf; in the
** transaction. */
static int decision_insert(store *st, int64_t inst, int64_t case_id, int64_t conf,
                           const support_case_decision *d, const char *now, cairn_err *err) {
    char *text = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_problem p;
    support_case_reason_check(d->what, text, &p);
    buf sealed = BUF_INIT;   /* not HTML: the stored words */
    int64_t id = 0;
    int rc = -1;
    char due[DATE_TEXT_LEN];
    date_format(d->due_on, due);
    if (support_case_text_seal(st, inst, text, &sealed, err) == 0 &&
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_task"
                              " WHERE institution_id = ?", inst, &id, err) == 0) {
        store_stmt *q = store_prepare(st, "INSERT INTO case_task (institution_id, id, case_id,"
                                          " kind, title, owner_id, due_on, created_at,"
                                          " conference_id) VALUES"
                                          " (?, ?, ?, 'follow_up', ?, ?, ?, ?, ?)", err);
        if (q) {
            store_bind_int64(q, 1, inst);
            store_bind_int64(q, 2, id);
            store_bind_int64(q, 3, case_id);
            store_bind_text(q, 4, buf_cstr(&sealed), (size_t)-1);
            store_bind_int64(q, 5, d->owner_id);
            store_bind_text(q, 6, due, (size_t)-1);
            store_bind_text(q, 7, now, (size_t)-1);
            store_bind_int64(q, 8, conf);
            rc = store_step(q, err) < 0 ? -1 : 0;
            store_finalize(q);
        }
    }
    buf_free(&sealed);
    free(text);
    return rc;
}

/* The comma-separated codes of the domains in bits. */
static void domains_text(unsigned bits, buf *out) {
    for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++)
        if (bits & (1u << d)) buf_printf(out, "%s%s", out->len ? "," : "", support_domain_code(d));
}

/* Record a conference (see case.h). */
int support_case_conference_record(store *st, int64_t inst, int64_t account_id, unsigned rel,
                                   int64_t case_id, const support_case_conference_spec *spec,
                                   const char *at, support_case_problem *problem,
                                   cairn_err *err) {
    if (problem) *problem = SUPPORT_CASE_OK;
    if (!(rel & (SUPPORT_CASE_REL_KEY_WORKER | SUPPORT_CASE_REL_TEAM)))
        return case_refuse(SUPPORT_CASE_NOT_YOURS, problem, err);
    char now[32];
    if (at) str_copy(now, sizeof now, at);
    else date_now_iso(now);
    char *notes = xmalloc(SUPPORT_CASE_TEXT_BYTES);
    support_case_problem p = SUPPORT_CASE_OK;
    buf sealed = BUF_INIT, doms = BUF_INIT;   /* not HTML: stored text */
    int rc = -1;
    if (support_case_reason_check(spec->notes, notes, &p)) {
        rc = case_refuse(p, problem, err);
        goto out;
    }
    if (case_tx_begin(st, inst, err) < 0) goto out;
    support_case k;
    int found = support_case_get(st, inst, case_id, 0, &k, err);
    if (found <= 0) {
        if (!found) err_set(err, CAIRN_ENOTFOUND, "there is no case %lld", (long long)case_id);
        goto fail;
    }
    if (k.state == SUPPORT_CASE_CLOSED) {
        rc = case_refuse(SUPPORT_CASE_IS_CLOSED, problem, err);
        goto fail;
    }
    rc = spec_check(st, inst, case_id, case_day_of(k.opened_at), case_day_of(now), spec, problem,
                    err);
    if (rc != 0) goto fail;
    rc = -1;
    int64_t id = 0;
    char day[DATE_TEXT_LEN], cid[24], detail[128];
    date_format(spec->held_on, day);
    domains_text(spec->domains, &doms);
    if (support_case_text_seal(st, inst, notes, &sealed, err) < 0 ||
        store_query_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM case_conference"
                              " WHERE institution_id = ?", inst, &id, err) < 0)
        goto fail;
    store_stmt *q = store_prepare(st, "INSERT INTO case_conference (institution_id, id, case_id,"
                                      " held_on, domains, notes, recorded_by, recorded_at)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err);
    if (!q) goto fail;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, id);
    store_bind_int64(q, 3, case_id);
    store_bind_text(q, 4, day, (size_t)-1);
    store_bind_text(q, 5, buf_cstr(&doms), (size_t)-1);
    store_bind_text(q, 6, buf_cstr(&sealed), (size_t)-1);
    store_bind_int64(q, 7, account_id);
    store_bind_text(q, 8, now, (size_t)-1);
    int s = store_step(q, err);
    store_finalize(q);
    if (s < 0) goto fail;
    q = store_prepare(st, "INSERT INTO case_conference_attendee (institution_id, conference_id,"
                          " staff_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", err);
    if (!q) goto fail;
    for (size_t i = 0; s >= 0 && i < spec->nattendees; i++) {
        store_bind_int64(q, 1, inst);
        store_bind_int64(q, 2, id);
        store_bind_int64(q, 3, spec->attendees[i]);
        s = store_step(q, err);
    }
    store_finalize(q);
    if (s < 0) goto fail;
    for (size_t i = 0; i < spec->ndecisions; i++)
        if (decision_insert(st, inst, case_id, id, &spec->decisions[i], now, err) < 0) goto fail;
    snprintf(cid, sizeof cid, "%lld", (long long)id);
    snprintf(detail, sizeof detail, "case %lld: conference %lld on %s, %zu decisions",
             (long long)case_id, (long long)id, day, spec->ndecisions);
    if (case_history_add_in_tx(st, inst, case_id, now, account_id, "conference", day, cid, "",
                               err) < 0 ||
        support_case_audit(st, inst, account_id, k.learner_id, case_id, "case.conference", NULL,
                           detail, err) < 0)
        goto fail;
    rc = store_tx_commit(st, err) < 0 ? -1 : 0;
    goto out;
fail:
    store_tx_rollback(st);
out:
    buf_free(&sealed);
    buf_free(&doms);
    free(notes);
    return rc;
}

/* The domain bits of "a,b,c". */
static unsigned domains_parse(const char *s) {
    unsigned bits = 0;
    while (s && *s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        for (int d = 0; d < SUPPORT_DOMAIN_COUNT; d++)
            if (strlen(support_domain_code(d)) == n && !strncmp(s, support_domain_code(d), n))
                bits |= 1u << d;
        s = e ? e + 1 : NULL;
    }
    return bits;
}

/* The names of a conference's attendees into out. */
static int attendees_read(store *st, int64_t inst, int64_t conf, char *out, size_t cap,
                          cairn_err *err) {
    store_stmt *q = store_prepare(st, "SELECT s.given_name, s.family_name FROM"
                                      " case_conference_attendee a JOIN staff s"
                                      " ON s.institution_id = a.institution_id AND s.id = a.staff_id"
                                      " WHERE a.institution_id = ? AND a.conference_id = ?"
                                      " ORDER BY s.family_name, s.given_name", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, conf);
    buf names = BUF_INIT;   /* not HTML: names as text */
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW)
        buf_printf(&names, "%s%s %s", names.len ? ", " : "", store_col_text(q, 0),
                   store_col_text(q, 1));
    store_finalize(q);
    str_copy(out, cap, buf_cstr(&names));
    buf_free(&names);
    return rc < 0 ? -1 : 0;
}

/* The conferences of a case (see case.h). */
int support_case_conferences(store *st, int64_t inst, int64_t case_id, int with_text,
                             support_case_conference **rows, size_t *n, cairn_err *err) {
    *rows = NULL;
    *n = 0;
    store_stmt *q = store_prepare(st,
        /* a conference's tasks are on its case (the writer above): read
        ** through the case's tasks (case_task_by_case), not all of them */
        "SELECT f.id, f.held_on, f.domains, f.notes, (SELECT count(*) FROM case_task t"
        " WHERE t.institution_id = f.institution_id AND t.case_id = f.case_id"
        " AND t.conference_id = f.id)"
        " FROM case_conference f WHERE f.institution_id = ? AND f.case_id = ?"
        " ORDER BY f.held_on DESC, f.id DESC", err);
    if (!q) return -1;
    store_bind_int64(q, 1, inst);
    store_bind_int64(q, 2, case_id);
    size_t cap = 0;
    int rc;
    while ((rc = store_step(q, err)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *rows = xrealloc(*rows, cap * sizeof **rows);
        }
        support_case_conference *c = &(*rows)[(*n)++];
        memset(c, 0, sizeof *c);
        c->id = store_col_int64(q, 0);
        const char *held = store_col_text(q, 1);
        if (!held || date_parse(held, strlen(held), &c->held_on) < 0) c->held_on = 0;
        c->domains = domains_parse(store_col_text(q, 2));
        c->ndecisions = (size_t)store_col_int64(q, 4);
        if (with_text) {
            buf plain = BUF_INIT;   /* not HTML: the notes */
            if (support_case_text_open(st, inst, store_col_text(q, 3), &plain, err) < 0) {
                buf_free(&plain);
                rc = -1;
                break;
            }
            str_copy(c->notes, sizeof c->notes, buf_cstr(&plain));
            buf_free(&plain);
        }
    }
    store_finalize(q);
    for (size_t i = 0; rc >= 0 && i < *n; i++)
        if (attendees_read(st, inst, (*rows)[i].id, (*rows)[i].attendees,
                           sizeof (*rows)[i].attendees, err) < 0)
            rc = -1;
    if (rc < 0) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}
