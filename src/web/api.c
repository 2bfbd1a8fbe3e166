/*
** web/api.c — what the JSON API under /api/v1 shares (see api.h): the one
** way to answer with JSON, the JSON forms of dates and scores, reading a
** JSON body; and GET /api/v1/me.  The API's other routes live with their
** pages, in web/<room>/.
*/
#include "web/api.h"
#include "base/date.h"
#include "web/access.h"
#include "web/auth.h"
#include "web/page.h"
#include "gen/pages.h"
#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- answering ---------------------------------------------------------------- */

/* Write v (which this takes over) into res as the JSON body with status
** (see api.h). */
void api_send(web_response *res, int status, json_t *v) {
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    if (!text) {
        web_error_json(res, 500, "internal", "The answer could not be written.");
        return;
    }
    buf_reset(&res->body);
    res->status = status;
    res->content_type = "application/json";
    buf_puts(&res->body, text);   /* not HTML: a JSON document from jansson */
    free(text);
}

/* ---- JSON forms ----------------------------------------------------------------- */

/* Days since 1970 as "YYYY-MM-DD", or JSON null for 0. */
json_t *api_json_day(int32_t days) {
    if (!days) return json_null();
    char d[DATE_TEXT_LEN];
    date_format(days, d);
    return json_string(d);
}

/* A stored text as a JSON string, or null when empty. */
json_t *api_json_text(const char *s) {
    return s && *s ? json_string(s) : json_null();
}

/* A probability as a number, or null when there was no model. */
json_t *api_json_probability(double p) {
    return isnan(p) ? json_null() : json_real(p);
}

/* The current score of row r as a JSON object (tier, probability, flags,
** reasons, asof). */
json_t *api_json_score(const risk_attention_row *r) {
    json_t *flags = json_array(), *reasons = json_array();
    for (int k = 0; k < r->nflags; k++) json_array_append_new(flags, json_string(r->flag_codes[k]));
    for (int k = 0; k < r->nreasons; k++) json_array_append_new(reasons, json_string(r->reason[k]));
    return json_pack("{s:o,s:i,s:s,s:o,s:o,s:o}", "asof", api_json_day(r->asof), "tier",
                     (int)r->tier, "tier_name", risk_tier_name(r->tier), "probability",
                     api_json_probability(r->probability), "flags", flags, "reasons", reasons);
}

/* Bind the access predicate's parameters (risk_visibility.bind). */
int api_bind_access(const void *ctx, store_stmt *s, int first) {
    return access_learner_predicate_bind(ctx, s, first);
}

/* ---- reading a JSON body ---------------------------------------------------------- */

/* 1 if the request says its body is JSON (application/json, parameters
** such as charset allowed). */
static int body_is_json(web_request *req) {
    const char *ct = web_request_header(req, "Content-Type");
    size_t n = strlen("application/json");
    return ct && strncasecmp(ct, "application/json", n) == 0 &&
           (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

/* The body as a JSON object whose members are all among allowed[0..n)
** (see api.h). */
json_t *api_body_object(web_ctx *c, const char *const *allowed, size_t n) {
    web_request *req = c->req;
    if (!body_is_json(req)) {
        web_error_json(c->res, 415, "unsupported_media_type",
                       "Send the body as JSON with Content-Type: application/json.");
        return NULL;
    }
    json_error_t jerr;
    json_t *body = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES,
                              &jerr);
    if (!body) {
        api_bad_request(c, arena_printf(c->arena, "The body is not valid JSON: line %d, column "
                                                  "%d: %s.", jerr.line, jerr.column, jerr.text));
        return NULL;
    }
    if (!json_is_object(body)) {
        json_decref(body);
        api_bad_request(c, "The body must be a JSON object.");
        return NULL;
    }
    const char *key;
    json_t *value;
    json_object_foreach(body, key, value) {
        size_t i = 0;
        while (i < n && strcmp(key, allowed[i]) != 0) i++;
        if (i == n) {
            /* at most 64 bytes of the name, cut before a character, never
            ** inside one (jansson has checked that key is UTF-8) */
            int len = (int)strlen(key);
            if (len > 64) {
                len = 64;
                while (len > 0 && ((unsigned char)key[len] & 0xC0) == 0x80) len--;
            }
            api_bad_request(c, arena_printf(c->arena, "The body has an unknown field \"%.*s%s\".",
                                            len, key, key[len] ? "..." : ""));
            json_decref(body);
            return NULL;
        }
    }
    return body;
}

/* The string member name of body, or NULL after a 400 (see api.h). */
const char *api_body_string(web_ctx *c, json_t *body, const char *name) {
    json_t *v = json_object_get(body, name);
    if (!json_is_string(v)) {
        api_bad_request(c, arena_printf(c->arena, "%s is required and must be a string.", name));
        return NULL;
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        api_bad_request(c, arena_printf(c->arena, "%s must not hold a NUL character.", name));
        return NULL;
    }
    return json_string_value(v);
}

/* ---- GET /api/v1/me ------------------------------------------------------------------ */

/*
** WEBPAGE: GET /api/v1/me
** ACCESS:  signed-in
** BODY:    none
**
** Who the caller is: user name, display name, roles, institution, and
** whether it came with an API token.
*/
void api_me(web_ctx *c) {
    const auth_session *s = c->req->session;
    assert(s);
    json_t *roles = json_array();
    for (int i = 0; i < ACCESS_ROLE_COUNT; i++)
        if (s->who.roles & (1u << i))
            json_array_append_new(roles, json_string(access_role_code(1u << i)));
    json_t *inst = s->who.institution_id
                       ? json_pack("{s:I}", "id", (json_int_t)s->who.institution_id)
                       : json_null();
    api_reply(c, 200, json_pack("{s:s,s:s,s:o,s:o,s:b}", "username", s->username,
                                "display_name", s->display_name, "roles", roles,
                                "institution", inst, "via_api_token", s->via_api_token));
}
