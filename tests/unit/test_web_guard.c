/*
** tests/unit/test_web_guard.c — the web room's small guards against hostile
** input (web/server.h): the same-site path a form may send us back to
** (web_path_is_local), the raw request target's path (web_target_path_ok),
** and the JSON error answer when its message is not valid UTF-8, and the
** refusal of the JSON twins with or without a field (api_field_error).
*/
#include "testutil.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/server.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Paths a browser could read as another site, or that carry control
** bytes or backslashes, are refused; ordinary paths are kept. */
static void test_path_is_local(void **state) {
    (void)state;
    static const char *const hostile[] = {
        "/\t/evil.example",     /* what the form decoder makes of /%09/evil.example */
        "/%09/evil.example",    /* the same, if a browser decodes it again */
        "//evil",
        "/\\evil",
        "/%2F/evil",
        "/%5Cevil",
        "/a\\b",
        "/ok%5Cx",
        "https://x",
        "http:/x",
        "evil",
        "",
        "/a\rb",
        "/a\nLocation: x",
        "/a%0d%0ab",
        "/a%00b",
        "/\x7F",
        "/%7f",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
        if (web_path_is_local(hostile[i]))
            fail_msg("accepted hostile path #%zu \"%s\"", i, hostile[i]);
    assert_false(web_path_is_local(NULL));
    static const char *const fine[] = {
        "/", "/ok?x=1", "/dashboard", "/groups/Klasse 1", "/groups/%C3%A4", "/learners/12",
        "/a/b//c", "/%", "/%zz", "/ok#frag",
    };
    for (size_t i = 0; i < sizeof fine / sizeof *fine; i++)
        if (!web_path_is_local(fine[i])) fail_msg("refused the path \"%s\"", fine[i]);
    char long_path[WEB_LOCAL_PATH_MAX + 2];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[0] = '/';
    long_path[sizeof long_path - 1] = 0;
    assert_false(web_path_is_local(long_path));
    long_path[WEB_LOCAL_PATH_MAX] = 0;
    assert_true(web_path_is_local(long_path));
}

/* A control byte in the path, raw or percent-encoded, is refused; the
** query string is not the path's business. */
static void test_target_path_ok(void **state) {
    (void)state;
    assert_false(web_target_path_ok("/healthz%00/x"));
    assert_false(web_target_path_ok("/healthz%00"));
    assert_false(web_target_path_ok("/a%0Ab"));
    assert_false(web_target_path_ok("/a%1fb"));
    assert_false(web_target_path_ok("/a%7Fb"));
    assert_false(web_target_path_ok("/a\tb"));
    assert_false(web_target_path_ok(NULL));
    assert_true(web_target_path_ok("/healthz"));
    assert_true(web_target_path_ok("/groups/%C3%A4%20x"));
    assert_true(web_target_path_ok("/a%"));
    assert_true(web_target_path_ok("/a%0"));
    assert_true(web_target_path_ok("/dashboard?x=%00"));
}

/* A form field holding a NUL byte counts as missing: a C string would end
** at the NUL and "/a%00//evil" would be read as "/a". */
static void test_form_nul(void **state) {
    (void)state;
    web_request req;
    memset(&req, 0, sizeof req);
    req.arena = arena_new(0);
    req.body = "return=/a%00b&return=/second&lang=de&x%00y=1&ok=%2500";
    req.body_len = strlen(req.body);
    assert_null(web_request_form(&req, "return"));
    assert_string_equal(web_request_form(&req, "lang"), "de");
    assert_null(web_request_form(&req, "x"));
    assert_string_equal(web_request_form(&req, "ok"), "%00");
    arena_free(req.arena);
}

/* Member name of res's JSON error, checked to be bad_request and text: a
** copy (malloc'd), or NULL when the error has none. */
static char *error_member(web_response *res, const char *name) {
    json_error_t jerr;
    json_t *j = json_loadb(res->body.data, res->body.len, 0, &jerr);
    if (!j) fail_msg("not JSON: %s", jerr.text);
    json_t *e = json_object_get(j, "error");
    assert_string_equal(json_string_value(json_object_get(e, "code")), "bad_request");
    json_t *v = json_object_get(e, name);
    if (v) assert_true(json_is_string(v));
    char *out = v ? strdup(json_string_value(v)) : NULL;
    json_decref(j);
    return out;
}

/* The message of res's JSON error, checked to be bad_request (malloc'd). */
static char *error_message(web_response *res) {
    char *m = error_member(res, "message");
    assert_non_null(m);
    return m;
}

/* A JSON error whose message is not valid UTF-8 (a name cut inside a
** character) keeps its code and its message, the bad bytes as U+FFFD;
** it never turns into {"code":"internal","message":""}. */
static void test_error_json_utf8(void **state) {
    (void)state;
    web_response res;
    web_response_init(&res);
    web_error_json(&res, 400, "bad_request", "unknown field \"ab\xC3\"");
    char *m = error_message(&res);
    assert_string_equal(m, "unknown field \"ab\xEF\xBF\xBD\"");
    free(m);
    web_error_json(&res, 400, "bad_request", "\xFF\xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 \xE2\x82\xAC");
    m = error_message(&res);
    assert_non_null(strstr(m, "\xE2\x82\xAC"));            /* the euro sign survives */
    assert_null(strstr(m, "\xED\xA0"));                     /* a surrogate does not */
    free(m);
    assert_int_equal(res.status, 400);
    web_response_free(&res);
}

/* A refusal of one field names it; a refusal not about one field (NULL or
** "") has no "field" member at all, never an empty one; both are 400
** bad_request with the message. */
static void test_field_error(void **state) {
    (void)state;
    web_response res;
    web_response_init(&res);
    web_ctx c = {.res = &res, .b = &res.body};
    api_field_error(&c, "role", "Choose who signs.");
    assert_int_equal(res.status, 400);
    char *f = error_member(&res, "field"), *m = error_message(&res);
    assert_non_null(f);
    assert_string_equal(f, "role");
    assert_string_equal(m, "Choose who signs.");
    free(f);
    free(m);
    static const char *const none[] = {"", NULL};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        buf_reset(&res.body);
        api_field_error(&c, none[i], "This version has no signature yet.");
        assert_int_equal(res.status, 400);
        assert_null(error_member(&res, "field"));
        m = error_message(&res);
        assert_string_equal(m, "This version has no signature yet.");
        free(m);
        assert_null(strstr(buf_cstr(&res.body), "\"field\""));
    }
    web_response_free(&res);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_is_local),
        cmocka_unit_test(test_target_path_ok),
        cmocka_unit_test(test_form_nul),
        cmocka_unit_test(test_error_json_utf8),
        cmocka_unit_test(test_field_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
