/*
** tests/unit/test_html.c — the escaping writers and typed printf of
** web/html.h, the page frame, and the parts of web/server.h that need no
** socket (listen address parsing, routing, the home page over a real
** database on both backends).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "base/buf.h"
#include "school/school.h"
#include "support/support.h"
#include "web/html.h"
#include "web/auth.h"
#include "web/page.h"
#include "web/server.h"
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------- */

/* What fn(b, s) appends to an empty buffer; caller frees. */
static char *run1(void (*fn)(buf *, const char *), const char *s) {
    buf b = BUF_INIT;
    fn(&b, s);
    buf_putc(&b, 0);   /* make sure data exists even when nothing was written */
    b.len--;
    return buf_detach(&b);
}

/* Assert fn(s) gives exactly want. */
static void check1(void (*fn)(buf *, const char *), const char *s, const char *want) {
    char *got = run1(fn, s);
    if (strcmp(got, want) != 0) print_error("input [%s]\n  got  [%s]\n  want [%s]\n", s ? s : "(null)", got, want);
    assert_string_equal(got, want);
    free(got);
}

/* 1 if s (NUL-terminated) is entirely well-formed UTF-8. */
static int utf8_valid(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) { p++; continue; }
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) { len = 3; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) len = 3;
        else if (c == 0xED) { len = 3; hi = 0x9F; }
        else if (c >= 0xEE && c <= 0xEF) len = 3;
        else if (c == 0xF0) { len = 4; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) { len = 4; hi = 0x8F; }
        else return 0;
        if (p[1] < lo || p[1] > hi) return 0;
        for (size_t i = 2; i < len; i++)
            if (p[i] < 0x80 || p[i] > 0xBF) return 0;
        p += len;
    }
    return 1;
}

/* 1 if hay contains needle ignoring ASCII case. */
static int contains_nocase(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i])) i++;
        if (i == n) return 1;
    }
    return 0;
}

/* ---- text and attribute values ----------------------------------------------- */

static void test_text_dangerous(void **state) {
    (void)state;
    check1(html_text, "&", "&amp;");
    check1(html_text, "<", "&lt;");
    check1(html_text, ">", "&gt;");
    check1(html_text, "\"", "&quot;");
    check1(html_text, "'", "&#39;");
    check1(html_text, "a<b>&\"c'd", "a&lt;b&gt;&amp;&quot;c&#39;d");
    check1(html_text, "&amp;", "&amp;amp;");          /* no double-decoding tricks */
    check1(html_text, "<script>alert(1)</script>",
           "&lt;script&gt;alert(1)&lt;/script&gt;");
    check1(html_text, "plain text, 42%", "plain text, 42%");
    check1(html_text, "", "");
    check1(html_text, NULL, "");
}

static void test_text_utf8_and_controls(void **state) {
    (void)state;
    check1(html_text, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    check1(html_text, "tab\tnl\ncr\r", "tab\tnl\ncr\r");             /* kept */
    check1(html_text, "a\x01" "b\x1F" "c\x7F" "d",
           "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d");
    check1(html_text, "\xC0\xBC", "\xEF\xBF\xBD\xEF\xBF\xBD");      /* overlong '<' */
    check1(html_text, "\xE0\x80\xBC", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    check1(html_text, "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* surrogate */
    check1(html_text, "\xF5\x80\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    check1(html_text, "x\xC3", "x\xEF\xBF\xBD");                     /* truncated */
    check1(html_text, "\x80<", "\xEF\xBF\xBD&lt;");                  /* stray continuation */

    buf b = BUF_INIT;
    html_text_n(&b, "<ab>", 2);
    assert_string_equal(buf_cstr(&b), "&lt;a");
    buf_free(&b);
}

static void test_attr(void **state) {
    (void)state;
    check1(html_attr_value, "\"><script>x</script>", "&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
    check1(html_attr_value, "' onmouseover='x", "&#39; onmouseover=&#39;x");
    check1(html_attr_value, "a&b", "a&amp;b");

    buf b = BUF_INIT;
    html_attr(&b, "title", "say \"hi\" & <go> 'now'");
    assert_string_equal(buf_cstr(&b), " title=\"say &quot;hi&quot; &amp; &lt;go&gt; &#39;now&#39;\"");
    buf_reset(&b);
    html_attr(&b, "data-x", "");
    assert_string_equal(buf_cstr(&b), " data-x=\"\"");
    buf_reset(&b);
    html_attr(&b, "title", NULL);                   /* omitted */
    html_attr(&b, "on click", "x");                 /* not a name */
    html_attr(&b, "a\"b", "x");
    html_attr(&b, "", "x");
    html_attr(&b, NULL, "x");
    assert_string_equal(buf_cstr(&b), "");
    buf_free(&b);
}

/* ---- URLs ------------------------------------------------------------------------- */

static void test_url_param(void **state) {
    (void)state;
    check1(html_url_param, "AZaz09-._~", "AZaz09-._~");
    check1(html_url_param, "a b&c=d/e?f#g%h+i", "a%20b%26c%3Dd%2Fe%3Ff%23g%25h%2Bi");
    check1(html_url_param, "<\"'>", "%3C%22%27%3E");
    check1(html_url_param, "caf\xC3\xA9", "caf%C3%A9");
    check1(html_url_param, "javascript:alert(1)", "javascript%3Aalert%281%29");
    check1(html_url_param, NULL, "");

    /* Every byte outside the unreserved set is encoded. */
    char all[256];
    for (int i = 1; i < 256; i++) all[i - 1] = (char)i;
    all[255] = 0;
    char *got = run1(html_url_param, all);
    for (const char *p = got; *p; p++) {
        unsigned char c = (unsigned char)*p;
        assert_true(isalnum(c) || strchr("-._~%", c));
    }
    assert_int_equal(strlen(got), 66 + 189 * 3);   /* 66 unreserved, 189 encoded */
    free(got);
}

/* ---- JSON -------------------------------------------------------------------------- */

static void test_json(void **state) {
    (void)state;
    check1(html_json, "plain", "\"plain\"");
    check1(html_json, "", "\"\"");
    check1(html_json, NULL, "null");
    check1(html_json, "q\"b\\s/", "\"q\\\"b\\\\s/\"");
    check1(html_json, "\b\f\n\r\t\x01\x1F\x7F", "\"\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\"");
    check1(html_json, "</script><!--&'", "\"\\u003c/script\\u003e\\u003c!--\\u0026\\u0027\"");
    check1(html_json, "a\xE2\x80\xA8" "b\xE2\x80\xA9" "c", "\"a\\u2028b\\u2029c\"");
    check1(html_json, "\xC3\xA9\xF0\x9F\x98\x80", "\"\xC3\xA9\xF0\x9F\x98\x80\"");
    check1(html_json, "bad\xFF\xC3", "\"bad\\ufffd\\ufffd\"");
}

/* ---- typed printf ----------------------------------------------------------------- */

static int format_errors;

/* Test format error handler: count instead of aborting. */
static void count_format_error(const char *fmt, const char *at) {
    (void)fmt;
    assert_int_equal(at[0], '%');
    format_errors++;
}

static void test_printf_typed(void **state) {
    (void)state;
    buf b = BUF_INIT;
    assert_int_equal(html_printf(&b, "<p class=\"x\">%T</p>", "<b>&"), 0);
    assert_string_equal(buf_cstr(&b), "<p class=\"x\">&lt;b&gt;&amp;</p>");
    buf_reset(&b);

    html_printf(&b, "<a title=\"%A\" href=\"/groups?q=%U&amp;p=%d\">%T</a>",
                "\"x\" onclick='y'", "a b/&", 2, "G1");
    assert_string_equal(buf_cstr(&b),
        "<a title=\"&quot;x&quot; onclick=&#39;y&#39;\" href=\"/groups?q=a%20b%2F%26&amp;p=2\">G1</a>");
    buf_reset(&b);

    html_printf(&b, "<script type=\"application/json\">{\"n\":%J}</script>", "</script>");
    assert_string_equal(buf_cstr(&b),
        "<script type=\"application/json\">{\"n\":\"\\u003c/script\\u003e\"}</script>");
    buf_reset(&b);

    html_printf(&b, "%d|%ld|%lld|%u|%lu|%llu|%zu|%f|%.2f|%.0f",
                -5, 123456789L, -9000000000LL, 7u, 8ul, 18446744073709551615ull,
                (size_t)42, 1.5, 3.14159, 2.5);
    assert_string_equal(buf_cstr(&b),
        "-5|123456789|-9000000000|7|8|18446744073709551615|42|1.500000|3.14|2");
    buf_reset(&b);

    html_printf(&b, "[%05d][%-4d][%3d][%06.2f][%02u]", 42, 7, 5, 3.14159, 3u);
    assert_string_equal(buf_cstr(&b), "[00042][7   ][  5][003.14][03]");
    buf_reset(&b);

    html_printf(&b, "100%% %T%%", "sure");
    assert_string_equal(buf_cstr(&b), "100% sure%");
    buf_reset(&b);

    html_printf(&b, "[%T][%A][%U]", NULL, NULL, NULL);    /* NULL prints nothing */
    assert_string_equal(buf_cstr(&b), "[][][]");
    buf_reset(&b);

    html_printf(&b, "no conversions at all");
    assert_string_equal(buf_cstr(&b), "no conversions at all");
    buf_free(&b);
}

/* Each of these must be refused: nothing written, -1, handler called. */
static void test_printf_refused(void **state) {
    (void)state;
    html_format_error_fn old = html_set_format_error(count_format_error);
    static const char *bad[] = {
        "%s", "x %s y", "%p", "%x", "%c", "%n", "%*d", "%.*f", "%H", "%5T", "%-T",
        "%.2d", "%zd", "%lf", "%lT", "%i", "%", "tail %", "%q", "%ls", "%999d",
        "%.99f", "%lllld",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        buf b = BUF_INIT;
        buf_puts(&b, "keep");
        format_errors = 0;
        int rc = html_printf(&b, bad[i], "<script>", "<script>", 1, 2);
        if (rc != -1 || strcmp(buf_cstr(&b), "keep") != 0 || format_errors != 1)
            print_error("format \"%s\": rc %d, buffer [%s], errors %d\n",
                        bad[i], rc, buf_cstr(&b), format_errors);
        assert_int_equal(rc, -1);
        assert_string_equal(buf_cstr(&b), "keep");
        assert_int_equal(format_errors, 1);
        buf_free(&b);
    }
    /* Conversions before the bad one are rolled back too. */
    buf b = BUF_INIT;
    format_errors = 0;
    assert_int_equal(html_printf(&b, "<p>%T</p>%s", "ok", "<script>"), -1);
    assert_int_equal(b.len, 0);
    assert_int_equal(format_errors, 1);
    buf_free(&b);
    html_set_format_error(old);
}

/* ---- "<script>" never gets through ------------------------------------------------ */

static void test_script_never_unescaped(void **state) {
    (void)state;
    static const char *evil[] = {
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "\"><script>alert(document.cookie)</script>",
        "'><ScRiPt>x</ScRiPt>",
        "</title><script>x</script>",
        "\xC0\xBCscript\xC0\xBE",                       /* overlong < and > */
        "<scr<script>ipt>",
        "%3Cscript%3E <script>",
        "\xE2\x80\xA8<script>\xE2\x80\xA9",
        "<!--<script>-->",
    };
    srand(1234);
    for (int round = 0; round < 400; round++) {
        char s[200];
        if (round < (int)(sizeof evil / sizeof evil[0])) {
            snprintf(s, sizeof s, "%s", evil[round]);
        } else {
            /* random bytes with "<script>" spliced in somewhere */
            size_t n = (size_t)(rand() % 60);
            for (size_t i = 0; i < n; i++) s[i] = (char)(1 + rand() % 255);
            s[n] = 0;
            size_t at = n ? (size_t)rand() % n : 0;
            char tmp[200];
            snprintf(tmp, sizeof tmp, "%.*s<script>%s", (int)at, s, s + at);
            memcpy(s, tmp, sizeof s);
        }
        buf b = BUF_INIT;
        html_text(&b, s);
        html_attr_value(&b, s);
        html_attr(&b, "title", s);
        html_url_param(&b, s);
        html_json(&b, s);
        html_printf(&b, "%T%A%U%J", s, s, s, s);
        const char *out = buf_cstr(&b);
        assert_false(contains_nocase(out, "<script"));
        assert_null(strchr(out, '<'));     /* no value may produce any tag */
        assert_null(strchr(out, '>'));
        assert_null(strchr(out, '\''));
        assert_true(utf8_valid(out));
        buf_free(&b);

        /* A whole page with the value as title and body text. */
        buf page = BUF_INIT;
        html_page_begin(&page, s, s);
        html_printf(&page, "<p>%T</p>", s);
        html_page_end(&page);
        assert_false(contains_nocase(buf_cstr(&page), "<script"));
        assert_true(utf8_valid(buf_cstr(&page)));
        buf_free(&page);
    }
}

/* ---- page frame and stylesheet ------------------------------------------------------ */

static void test_page(void **state) {
    (void)state;
    buf b = BUF_INIT;
    html_page_begin(&b, "de-AT", "Gruppen & <Klassen>");
    html_printf(&b, "<p>%T</p>\n", "Inhalt");
    html_page_end(&b);
    const char *p = buf_cstr(&b);
    assert_true(strncmp(p, "<!DOCTYPE html>\n", 16) == 0);
    assert_non_null(strstr(p, "<html lang=\"de-AT\">"));
    assert_non_null(strstr(p, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(p, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    assert_non_null(strstr(p, "<title>Gruppen &amp; &lt;Klassen&gt; \xE2\x80\x94 cairn</title>"));
    assert_non_null(strstr(p, "<link rel=\"stylesheet\" href=\"/assets/cairn.css\">"));
    assert_non_null(strstr(p, "<main id=\"main\""));
    assert_non_null(strstr(p, "</main>"));
    assert_true(strstr(p, "<main") < strstr(p, "<p>Inhalt</p>"));
    assert_true(strstr(p, "<p>Inhalt</p>") < strstr(p, "</main>"));
    assert_non_null(strstr(p, "</html>\n"));
    assert_null(strstr(p, "style="));             /* no inline styles (CSP) */
    assert_false(contains_nocase(p, "<script"));
    buf_free(&b);

    /* A malformed language falls back to "en"; an empty title to the name. */
    html_page_begin(&b, "en\" onload=\"x", NULL);
    assert_non_null(strstr(buf_cstr(&b), "<html lang=\"en\">"));
    assert_non_null(strstr(buf_cstr(&b), "<title>cairn</title>"));
    buf_reset(&b);
    html_page_begin(&b, NULL, "");
    assert_non_null(strstr(buf_cstr(&b), "<html lang=\"en\">"));
    buf_free(&b);
}

static void test_css(void **state) {
    (void)state;
    size_t len = 0;
    const char *css = html_asset_css(&len);
    assert_non_null(css);
    assert_true(len > 100);
    assert_int_equal(strlen(css), len);
    assert_null(strchr(css, '<'));
    assert_non_null(strstr(css, ".skip"));
    assert_non_null(strstr(css, "focus"));
}

/* ---- server parts that need no socket ------------------------------------------------ */

static void test_listen_parse(void **state) {
    (void)state;
    struct sockaddr_storage ss;
    socklen_t len = 0;
    cairn_err err = {0};
    assert_int_equal(web_listen_parse("127.0.0.1:8080", &ss, &len, &err), 0);
    assert_int_equal(ss.ss_family, AF_INET);
    assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 8080);
    assert_int_equal(len, sizeof(struct sockaddr_in));
    assert_int_equal(web_listen_parse("[::1]:65535", &ss, &len, &err), 0);
    assert_int_equal(ss.ss_family, AF_INET6);
    assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 65535);
    assert_int_equal(web_listen_parse("localhost:1", &ss, &len, &err), 0);
    assert_int_equal(ss.ss_family, AF_INET);
    assert_int_equal(web_listen_parse("0.0.0.0:80", &ss, &len, &err), 0);
    assert_int_equal(web_listen_parse("[::]:8080", &ss, &len, &err), 0);

    static const char *bad[] = {
        "", "8080", ":8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
        "127.0.0.1:80x", "127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1:999999",
        "::1:8080", "[::1]", "[::1]8080", "[127.0.0.1]:80", "[]:80", "1.2.3:80",
        "256.1.1.1:80", "example.org:80", "[::1]:", "[fe80::1%eth0]:80 x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err_clear(&err);
        int rc = web_listen_parse(bad[i], &ss, &len, &err);
        if (rc != -1) print_error("\"%s\" was accepted\n", bad[i]);
        assert_int_equal(rc, -1);
        assert_int_equal(err.code, CAIRN_EINVAL);
        assert_non_null(strstr(err.msg, "listen address"));
    }
    err_clear(&err);
    web_listen_parse("::1:8080", &ss, &len, &err);
    assert_non_null(strstr(err.msg, "brackets"));
    assert_int_equal(web_listen_parse(NULL, &ss, &len, &err), -1);
}

static void test_routes(void **state) {
    (void)state;
    char allow[64];
    const web_route *r = web_route_find("GET", "/healthz", allow, sizeof allow);
    assert_non_null(r);
    assert_string_equal(r->path, "/healthz");
    assert_non_null(web_route_find("HEAD", "/healthz", allow, sizeof allow));
    assert_non_null(web_route_find("GET", "/", allow, sizeof allow));
    r = web_route_find("GET", "/assets/cairn.css", allow, sizeof allow);
    assert_non_null(r);
    assert_string_equal(r->path, "/assets/{code}");

    assert_null(web_route_find("POST", "/", allow, sizeof allow));
    assert_string_equal(allow, "GET, HEAD");
    assert_null(web_route_find("GET", "/nope", allow, sizeof allow));
    assert_string_equal(allow, "");
    assert_null(web_route_find("GET", "/healthz/", allow, sizeof allow));
    assert_null(web_route_find("GET", "", allow, sizeof allow));

    /* Dispatch without a server: 404, 405 and the stylesheet. */
    web_request req = {0};
    web_response res;
    req.arena = arena_new(0);
    req.method = "GET";
    req.path = "/no/such/page";
    web_response_init(&res);
    web_dispatch(&req, &res);
    assert_int_equal(res.status, 404);
    assert_non_null(strstr(buf_cstr(&res.body), "<main"));
    web_response_free(&res);

    req.method = "DELETE";
    req.path = "/";
    web_response_init(&res);
    web_dispatch(&req, &res);
    assert_int_equal(res.status, 405);
    assert_string_equal(res.allow, "GET, HEAD");
    web_response_free(&res);

    req.method = "GET";
    req.path = "/assets/cairn.css";
    web_response_init(&res);
    web_dispatch(&req, &res);
    assert_int_equal(res.status, 200);
    assert_string_equal(res.content_type, "text/css; charset=utf-8");
    assert_int_equal(res.cache, WEB_CACHE_ASSET);
    assert_non_null(res.static_body);
    web_response_free(&res);

    req.path = "/assets/../etc/passwd";
    web_response_init(&res);
    web_dispatch(&req, &res);
    assert_int_equal(res.status, 404);
    web_response_free(&res);
    arena_free(req.arena);
}

/* GET / on kind's database: empty, then with hostile names.  The page
** needs a session (web/auth.h): without one it is a redirect to /login;
** the test signs in as a school leader of no particular institution by
** setting req.session, as a unit test may. */
static void home_on(store_kind kind) {
    store *st = test_store_fresh(kind, "web_home");
    cairn_err err = {0};
    assert_int_equal(school_migrate(st, NULL, &err), 0);
    assert_int_equal(support_migrate(st, NULL, &err), 0);
    assert_int_equal(web_migrate(st, NULL, &err), 0);

    web_request req = {0};
    web_response res;
    req.arena = arena_new(0);
    req.method = "GET";
    req.path = "/";
    req.st = st;
    web_response_init(&res);
    web_dispatch(&req, &res);
    assert_int_equal(res.status, 303);
    web_response_free(&res);

    auth_session leader = {0};
    leader.who.roles = ACCESS_ROLE_SCHOOL_LEADER;
    req.session = &leader;
    req.path = "/programmes";     /* signed in, "/" leads to the dashboard */
    web_response_init(&res);
    web_dispatch(&req, &res);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(buf_cstr(&res.body), "No school data yet"));
    web_response_free(&res);

    int rc = store_exec(st,
        "INSERT INTO institution (id, code, name, created_at) VALUES (1, 'S', 'School', '2025-01-01');"
        "INSERT INTO programme (institution_id, id, code, name, eqf_level) VALUES"
        " (1, 1, 'P<1>', 'Cook <script>alert(1)</script> & \"chef\"', 4),"
        " (1, 2, 'EL', 'Electrician', 3);"
        "INSERT INTO class_group (institution_id, id, code, name, programme_id) VALUES"
        " (1, 1, 'G1', 'Group ''one''', 1), (1, 2, 'G2', '<img src=x onerror=y>', 1),"
        " (1, 3, 'E1', 'Elec 1', 2);"
        "INSERT INTO learner (institution_id, id, ref, given_name, family_name) VALUES"
        " (1, 1, 'L1', 'A', 'B'), (1, 2, 'L2', 'C', 'D'), (1, 3, 'L3', 'E', 'F');"
        "INSERT INTO enrolment (institution_id, id, learner_id, programme_id, group_id, start_date, status) VALUES"
        " (1, 1, 1, 1, 1, '2025-09-01', 'active'), (1, 2, 2, 1, 1, '2025-09-01', 'active'),"
        " (1, 3, 3, 2, 3, '2025-09-01', 'left_early')",
        &err);
    if (rc != 0) print_error("%s\n", err.msg);
    assert_int_equal(rc, 0);

    web_response_init(&res);
    web_dispatch(&req, &res);
    const char *p = buf_cstr(&res.body);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(p, "Cook &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;chef&quot;"));
    assert_non_null(strstr(p, "P&lt;1&gt;"));
    assert_non_null(strstr(p, "&lt;img src=x onerror=y&gt;"));
    assert_non_null(strstr(p, "Group &#39;one&#39;"));
    assert_non_null(strstr(p, "Electrician"));
    assert_non_null(strstr(p, "2 active learners in 3 groups and 2 programmes"));
    assert_false(contains_nocase(p, "<script"));
    assert_null(strstr(p, "<img"));
    web_response_free(&res);
    arena_free(req.arena);
    test_store_drop(st);
}

static void test_home_sqlite(void **state) {
    (void)state;
    home_on(STORE_SQLITE);
}

static void test_home_postgres(void **state) {
    (void)state;
    if (!test_pg_enabled()) skip();
    home_on(STORE_POSTGRES);
}


/* ---- never down for one bad request --------------------------------------------- */

/* A page with a bad conversion: the html_printf that used to abort the
** release build. */
static void page_bad_format(web_ctx *c) {
    page_begin(c, "Broken");
    html_printf(c->b, "<p>%s</p>\n", "a conversion html.h does not have");
    page_end(c);
}

/* A handler that writes nothing at all. */
static void page_writes_nothing(web_ctx *c) {
    (void)c;
}

/* The same bad conversion on an API route. */
static void api_bad_format(web_ctx *c) {
    html_printf(c->b, "{\"a\":%p}", (void *)c);
}

static int format_errors;
/* A format error handler that only counts (the ASan build's default aborts). */
static void count_only(const char *fmt, const char *at) {
    (void)fmt; (void)at;
    format_errors++;
}

/* Dispatch method path as a public request outside the server; status out. */
static int status_of(const char *method, const char *path, char *ctype, size_t cap) {
    web_request req = {0};
    web_response res;
    req.arena = arena_new(0);
    req.method = method;
    req.path = path;
    web_response_init(&res);
    web_dispatch(&req, &res);
    int status = res.status;
    if (ctype) snprintf(ctype, cap, "%s", res.content_type);
    web_response_free(&res);
    arena_free(req.arena);
    return status;
}

static void test_never_down(void **state) {
    (void)state;
    static const web_route broken[] = {
        {"GET", "/test/bad-format", page_bad_format, ACCESS_PUBLIC, WEB_BODY_NONE, 0, 0, NULL,
         __FILE__, __LINE__},
        {"GET", "/test/nothing", page_writes_nothing, ACCESS_PUBLIC, WEB_BODY_NONE, 0, 0, NULL,
         __FILE__, __LINE__},
        {"GET", "/api/v1/test/bad-format", api_bad_format, ACCESS_PUBLIC, WEB_BODY_NONE, 0, 0,
         NULL, __FILE__, __LINE__},
    };
    web_routes_extra(broken, sizeof broken / sizeof broken[0]);
#if defined(__SANITIZE_ADDRESS__)
    html_format_error_fn old = html_set_format_error(count_only);
#else
    /* the release build's own handler must not stop the program */
    html_format_error_fn old = html_set_format_error(NULL);
    (void)count_only;
#endif
    char ct[64];
    assert_int_equal(status_of("GET", "/test/bad-format", ct, sizeof ct), 500);
    assert_string_equal(ct, "text/html; charset=utf-8");
    assert_int_equal(status_of("GET", "/assets/cairn.css", NULL, 0), 200);   /* still serving */
    assert_int_equal(status_of("GET", "/test/nothing", NULL, 0), 500);
    assert_int_equal(status_of("GET", "/api/v1/test/bad-format", ct, sizeof ct), 500);
    assert_string_equal(ct, "application/json");
    assert_int_equal(status_of("GET", "/assets/cairn.css", NULL, 0), 200);
    html_set_format_error(old);
    web_routes_extra(NULL, 0);
    assert_int_equal(status_of("GET", "/test/bad-format", NULL, 0), 404);
}

/* Typed path parameters: anything not of its type is 404 before a handler. */
static void test_route_params(void **state) {
    (void)state;
    char allow[64];
    assert_non_null(web_route_find("GET", "/learners/17", allow, sizeof allow));
    assert_non_null(web_route_find("GET", "/learners/999999999999999999", allow, sizeof allow));
    assert_null(web_route_find("GET", "/learners/0", allow, sizeof allow));
    assert_null(web_route_find("GET", "/learners/1x", allow, sizeof allow));
    assert_null(web_route_find("GET", "/learners/1000000000000000000", allow, sizeof allow));
    assert_null(web_route_find("GET", "/learners/", allow, sizeof allow));
    assert_non_null(web_route_find("GET", "/groups/G-1.a_b", allow, sizeof allow));
    assert_null(web_route_find("GET", "/groups/a%2Fb", allow, sizeof allow));
    assert_null(web_route_find("GET", "/groups/a\x01b", allow, sizeof allow));
    char long_code[80];
    memset(long_code, 'x', sizeof long_code);
    memcpy(long_code, "/groups/", 8);
    long_code[8 + 65] = 0;
    assert_null(web_route_find("GET", long_code, allow, sizeof allow));
    long_code[8 + 64] = 0;
    assert_non_null(web_route_find("GET", long_code, allow, sizeof allow));
    /* another method on a matching path: 405 with Allow */
    assert_null(web_route_find("POST", "/learners/5", allow, sizeof allow));
    assert_string_equal(allow, "GET, HEAD");
    assert_null(web_route_find("GET", "/learners/5/acknowledge", allow, sizeof allow));
    assert_string_equal(allow, "POST");
}

/* A request made outside the server reads its headers from req.headers
** (what fuzz/fuzz_case_api.c and tests use to send JSON), case-blind, and
** none without them. */
static void test_request_headers(void **state) {
    (void)state;
    web_request req = {0};
    assert_null(web_request_header(&req, "Content-Type"));
    static const char *const h[] = {"Content-Type", "application/json", "X-CSRF-Token", "abc",
                                    NULL};
    req.headers = h;
    assert_string_equal(web_request_header(&req, "content-type"), "application/json");
    assert_string_equal(web_request_header(&req, "X-CSRF-Token"), "abc");
    assert_null(web_request_header(&req, "Authorization"));
    assert_null(web_request_query(&req, "Content-Type"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_dangerous),
        cmocka_unit_test(test_text_utf8_and_controls),
        cmocka_unit_test(test_attr),
        cmocka_unit_test(test_url_param),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_printf_typed),
        cmocka_unit_test(test_printf_refused),
        cmocka_unit_test(test_script_never_unescaped),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_css),
        cmocka_unit_test(test_listen_parse),
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_request_headers),
        cmocka_unit_test(test_never_down),
        cmocka_unit_test(test_route_params),
        cmocka_unit_test(test_home_sqlite),
        cmocka_unit_test(test_home_postgres),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
