/*
** fuzz/fuzz_case_api.c — libFuzzer target for the JSON twins of the case
** room (issue 11): every POST /api/v1/cases/{id}/... route and POST
** /api/v1/learners/{id}/cases, called through the real router
** (web_dispatch) with a fuzzed JSON body, as the demo school's key
** worker, teacher or leader with an API token's session.
**
** Once: a temporary SQLite demo school of 60 learners with the demo
** accounts (so its cases in every state, plans, assessments, reviews and
** contracts).  Each input: byte 0 picks the route, byte 1 the account
** (low 2 bits) and the case or learner (the rest); the remaining bytes are
** the body.  For every input it checks:
**  1. nothing crashes, leaks or trips a sanitizer;
**  2. the answer is never 5xx, and its body is a JSON object;
**  3. a refusal (4xx) changes nothing: the rows of every case-room table
**     (but the audit log, which records refusals) are as before;
**  4. every refusal is the one error shape, {"error": {"code", "message"}}
**     with both non-empty, and "field", where there is one, is non-empty
**     text (a refusal not about one field has none);
**  5. an answer that took the body (2xx) had no member of another type
**     than its route's (once, a number was read as an absent text).
** The school drifts as inputs that pass change it; that is what a real
** school does too.  The router logs to stderr: run by hand with
** -close_fd_mask=2 to keep only libFuzzer's own lines; with
** FUZZ_CASE_API_TRACE set it prints each answer's status, path and body.
*/
#include "base/arena.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/err.h"
#include "cli/cli.h"
#include "school/school.h"
#include "store/store.h"
#include "web/access.h"
#include "web/auth.h"
#include "web/server.h"
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop with a message: libFuzzer reports it as a crash with the input. */
static void die(const char *what, const char *detail) {
    fprintf(stderr, "fuzz_case_api: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* The routes; "L" marks the learner route (its {id} is a learner).  With
** each, its body's members and their types: "name:t" with t 's' a
** string, 'S' a string or a number, 'i' a whole number, 'a' an array, 'o'
** an object; null is absent. */
static const struct {
    const char *route;
    const char *members[16];
} routes[] = {
    {"step", {"step:s", "reason:s", "outcome:s"}},
    {"tier", {"tier:s", "reason:s"}},
    {"team", {"staff_id:i", "role:s"}},
    {"team-remove", {"staff_id:i"}},
    {"task-done", {"task_id:i"}},
    {"follow-up", {"what:s", "owner_id:i", "due_on:s"}},
    {"transfer", {"staff_id:i", "reason:s"}},
    {"transfer-answer", {"answer:s", "comment:s"}},
    {"approval", {"answer:s", "comment:s"}},
    {"conference", {"held_on:s", "attendees:a", "domains:a", "notes:s", "decisions:a"}},
    {"assessments", {"assessed_on:s", "note:s", "domains:o"}},
    {"goals", {"goal_id:i", "plan:S", "domain:S", "what:S", "measure:S", "baseline:S",
               "target:S", "due_on:S", "learner_step:S", "support:S", "helper_staff_id:i",
               "helper_text:S", "group_id:i", "status:S", "reason:S"}},
    {"reviews", {"reviewed_on:s", "decision:s", "changed:s", "next_on:s", "progress:a"}},
    {"contract", {"school_commits:s", "learner_commits:s", "starts_on:s", "review_on:s"}},
    {"contract/sign", {"role:s", "method:s", "name:s", "version_sha256:s", "scan_sha256:s"}},
    {"contract/amend", {NULL}},
    {"L", {"source:s", "reason:s", "tier:s"}},
};
#define NROUTES (sizeof routes / sizeof routes[0])

/* The first member of body (a JSON object) whose type is not its
** route's, or NULL. */
static const char *wrong_type(size_t r, json_t *body) {
    for (const char *const *m = routes[r].members; *m; m++) {
        const char *colon = strchr(*m, ':');
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(colon - *m), *m);
        json_t *v = json_object_get(body, name);
        if (!v || json_is_null(v)) continue;
        int ok;
        switch (colon[1]) {
        case 's': ok = json_is_string(v); break;
        case 'S': ok = json_is_string(v) || json_is_number(v); break;
        case 'i': ok = json_is_integer(v); break;
        case 'a': ok = json_is_array(v); break;
        default: ok = json_is_object(v); break;
        }
        if (!ok) return *m;
    }
    return NULL;
}

/* The tables a refusal must leave alone (every case-room table but the
** audit log and the mail queue). */
static const char *const tables[] = {
    "support_case", "case_history", "case_task", "case_team_member", "case_transfer",
    "case_approval", "case_conference", "case_conference_attendee", "case_assessment",
    "case_assessment_domain", "support_goal", "support_plan", "case_review",
    "review_progress", "contract_version", "contract_signature", "support_assignment",
};
#define NTABLES (sizeof tables / sizeof tables[0])

static store  *st;
static access_ctx who[3];           /* keyworker, teacher, leader */
static int64_t cases[64], learners[64];
static size_t  ncases, nlearners;

/* ids from sql (one column) into out (room for max); returns how many. */
static size_t ids_of(const char *sql, int64_t *out, size_t max) {
    cairn_err err = {0};
    store_stmt *q = store_prepare(st, sql, &err);
    if (!q) die("prepare", err.msg);
    size_t n = 0;
    while (n < max && store_step(q, &err) == STORE_ROW) out[n++] = store_col_int64(q, 0);
    store_finalize(q);
    return n;
}

/* The demo school, once. */
static void school_once(void) {
    static int done;
    if (done) return;
    done = 1;
    char dir[] = "/tmp/fuzz_case_api.XXXXXX";
    if (!mkdtemp(dir)) die("mkdtemp", NULL);
    char url[128], key[128];
    snprintf(url, sizeof url, "%s/school.db", dir);
    snprintf(key, sizeof key, "%s/school.key", dir);
    setenv("CAIRN_KEY_FILE", key, 1);
    cairn_err err = {0};
    st = cli_db_open(url, &err);
    if (!st) die("open", err.msg);
    demo_opts d = {0};
    d.learners = 60;
    d.seed = 1;
    if (date_parse("2025-03-14", 10, &d.today) < 0) die("date", NULL);
    import_report rep;
    if (school_demo_load(st, &d, &rep, &err) < 0) die("demo", err.msg);
    import_report_free(&rep);
    auth_demo_account acc[AUTH_DEMO_ACCOUNTS];
    if (auth_demo_accounts(st, "DEMO-VET", acc, &err) < 0) die("demo accounts", err.msg);
    static const char *const users[3] = {"keyworker", "teacher", "leader"};
    for (int i = 0; i < 3; i++) {
        auth_account a;
        if (auth_account_find(st, users[i], &a, &err) < 0) die(users[i], err.msg);
        if (access_ctx_load(st, a.id, &who[i], &err) < 0) die(users[i], err.msg);
    }
    ncases = ids_of("SELECT id FROM support_case ORDER BY id", cases, 64);
    nlearners = ids_of("SELECT id FROM learner ORDER BY id", learners, 64);
    if (!ncases || !nlearners) die("the demo school has no cases", NULL);
}

/* Rows of every table in tables[] into n. */
static void count_rows(int64_t n[NTABLES]) {
    cairn_err err = {0};
    for (size_t i = 0; i < NTABLES; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        if (store_query_int64(st, sql, -1, &n[i], &err) < 0) die(sql, err.msg);
    }
}

/* Check one input; see the comment at the top. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    school_once();
    size_t r = data[0] % NROUTES;
    const char *route = routes[r].route;
    int learner = route[0] == 'L';
    size_t pick = data[1] >> 2;
    int64_t id = learner ? learners[pick % nlearners] : cases[pick % ncases];
    /* the body in its own allocation, NUL-terminated as the server makes it */
    size_t len = size - 2;
    char *body = malloc(len + 1);
    memcpy(body, data + 2, len);
    body[len] = 0;

    web_request req;
    web_response res;
    auth_session s;
    memset(&req, 0, sizeof req);
    memset(&s, 0, sizeof s);
    req.arena = arena_new(0);
    req.method = "POST";
    req.path = learner ? arena_printf(req.arena, "/api/v1/learners/%lld/cases", (long long)id)
                       : arena_printf(req.arena, "/api/v1/cases/%lld/%s", (long long)id, route);
    static const char *const headers[] = {"Content-Type", "application/json", NULL};
    req.headers = headers;
    req.st = st;
    req.client_addr = "127.0.0.1";
    req.body = body;
    req.body_len = len;
    strcpy(s.username, "fuzz");
    strcpy(s.display_name, "Fuzz");
    s.via_api_token = 1;
    s.who = who[(data[1] & 3) % 3];
    req.session = &s;

    int64_t before[NTABLES], after[NTABLES];
    count_rows(before);
    web_response_init(&res);
    web_dispatch(&req, &res);
    const char *out = buf_cstr(&res.body);
    if (getenv("FUZZ_CASE_API_TRACE"))   /* what each input got, on stdout */
        printf("%d %s %.200s\n", res.status, req.path, out);
    if (res.status >= 500) die(req.path, out);
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    if (!json_is_object(j)) die("the answer is not a JSON object", out);
    if (res.status < 300) {
        json_t *sent = json_loadb(body, len, 0, &jerr);
        const char *bad = json_is_object(sent) ? wrong_type(r, sent) : NULL;
        if (bad) die("a member of the wrong type was taken", bad);
        json_decref(sent);
    }
    if (res.status >= 400) {
        count_rows(after);
        for (size_t i = 0; i < NTABLES; i++)
            if (before[i] != after[i]) die("a refusal changed the table", tables[i]);
        json_t *e = json_object_get(j, "error");   /* the one error shape */
        const char *code = json_string_value(json_object_get(e, "code"));
        const char *msg = json_string_value(json_object_get(e, "message"));
        if (!code || !*code || !msg || !*msg) die("an error without code or message", out);
        json_t *field = json_object_get(e, "field");
        if (field && (!json_is_string(field) || !*json_string_value(field)))
            die("an error whose field is not text or is empty", out);
    }
    json_decref(j);
    web_response_free(&res);
    arena_free(req.arena);
    free(body);
    return 0;
}
