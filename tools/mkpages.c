/*
** tools/mkpages.c — make the web room's page table from the records beside
** the handlers (docs/decisions.md, "Pages are declared once").
**
**   mkpages pages OUT.c OUT.h OPENAPI FILE.c...   the route table and prototypes
**   mkpages asset OUT.c SYMBOL FILE               a file as a C byte array
**
** A record is the comment block right above a handler:
**
**     ** WEBPAGE: GET /learners/{id}
**     ** ACCESS:  staff
**     ** BODY:    none
**     ** NAV:     20 Dashboard            (optional: order and msgid of the label)
**     ...
**     *\/
**     void page_learner(web_ctx *c) {
**
** Any rule broken stops the build with "FILE:LINE: what" on stderr and
** exit status 1; nothing is written then.  Outputs are written only when
** their text changed, so an unchanged table does not rebuild the pages.
** Built and run on the build machine with the host cc; it includes
** nothing of src/, so the role codes are listed here (as web/access.c).
*/
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROUTES 512
#define MAX_API    512
#define LINE_MAX_  4096

typedef struct route {
    char method[8], pattern[160], handler[96], access[256], body[16], nav_label[128];
    int nav_order, line;
    const char *file;
} route;

static route routes[MAX_ROUTES];
static int nroutes, nerrors;

/* The openapi paths (server prefix added, parameters normalised to {}). */
static char api_paths[MAX_API][200];
static char api_methods[MAX_API][8];
static int napi;

/* Role codes and the C names of their bits: keep in step with web/access.c. */
static const struct { const char *code, *bit; } roles[] = {
    {"administrator", "ACCESS_ROLE_ADMINISTRATOR"},
    {"school_leader", "ACCESS_ROLE_SCHOOL_LEADER"},
    {"key_worker", "ACCESS_ROLE_KEY_WORKER"},
    {"teacher", "ACCESS_ROLE_TEACHER"},
    {"team_member", "ACCESS_ROLE_TEAM_MEMBER"},
    {"learner", "ACCESS_ROLE_LEARNER"},
    {"guardian", "ACCESS_ROLE_GUARDIAN"},
    {"external_service", "ACCESS_ROLE_EXTERNAL_SERVICE"},
    {"data_protection_officer", "ACCESS_ROLE_DPO"},
};

/* Report a broken rule at file:line. */
static void fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    nerrors++;
}

/* s without leading and trailing white space (in place). */
static char *trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
    return s;
}

/* If line is a comment line "** KEY: value", the value (trimmed); else NULL. */
static char *field(char *line, const char *key) {
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (strncmp(p, "**", 2) != 0) return NULL;
    p = trim(p + 2);
    size_t k = strlen(key);
    if (strncmp(p, key, k) != 0 || p[k] != ':') return NULL;
    return trim(p + k + 1);
}

/* 1 if s is a segment of literal path characters. */
static int literal_segment(const char *s, size_t n) {
    if (!n) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i])) return 0;
    return 1;
}

/* Check a pattern: "/" or "/seg/seg" with segments literal, {id} or {code}. */
static int pattern_check(const route *r) {
    const char *p = r->pattern;
    if (p[0] != '/') {
        fail(r->file, r->line, "the path \"%s\" must start with '/'", p);
        return -1;
    }
    if (!strcmp(p, "/")) return 0;
    int ids = 0, codes = 0;
    while (*p == '/') {
        const char *s = p + 1, *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n && s[0] == '{') {
            if (n == 4 && !strncmp(s, "{id}", 4)) ids++;
            else if (n == 6 && !strncmp(s, "{code}", 6)) codes++;
            else {
                fail(r->file, r->line, "unknown parameter type \"%.*s\" in \"%s\" (use {id} or "
                     "{code})", (int)n, s, r->pattern);
                return -1;
            }
        } else if (!literal_segment(s, n)) {
            fail(r->file, r->line, "malformed path \"%s\" (segments of A-Za-z0-9._- or a "
                 "parameter, no empty ones)", r->pattern);
            return -1;
        }
        p = s + n;
    }
    if (ids > 1 || codes > 1) {
        fail(r->file, r->line, "\"%s\": at most one {id} and one {code}", r->pattern);
        return -1;
    }
    return 0;
}

/* Turn an ACCESS value into a C expression in out; -1 on an unknown word. */
static int access_expr(const route *r, const char *value, char *out, size_t cap) {
    if (!*value || *value == ' ') {
        fail(r->file, r->line, "ACCESS is empty (public, signed-in, staff or role codes)");
        return -1;
    }
    if (!strcmp(value, "public")) return snprintf(out, cap, "ACCESS_PUBLIC"), 0;
    if (!strcmp(value, "signed-in")) return snprintf(out, cap, "ACCESS_SIGNED_IN"), 0;
    if (!strcmp(value, "staff")) return snprintf(out, cap, "ACCESS_ROLES_STAFF"), 0;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", value);
    out[0] = 0;
    for (char *w = strtok(copy, " \t"); w; w = strtok(NULL, " \t")) {
        size_t i = 0, n = sizeof roles / sizeof roles[0];
        while (i < n && strcmp(roles[i].code, w) != 0) i++;
        if (i == n) {
            fail(r->file, r->line, "unknown role \"%s\" in ACCESS (public, signed-in, staff, or "
                 "role codes of web/access.c)", w);
            return -1;
        }
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", len ? " | " : "", roles[i].bit);
    }
    return 0;
}

/* The BODY kind as its C constant and limit, or -1. */
static int body_expr(const route *r, const char **kind, const char **limit) {
    static const struct { const char *word, *kind, *limit; } kinds[] = {
        {"none", "WEB_BODY_NONE", "0"},
        {"form", "WEB_BODY_FORM", "WEB_BODY_MAX"},
        {"upload", "WEB_BODY_UPLOAD", "WEB_UPLOAD_MAX"},
        {"json", "WEB_BODY_JSON", "WEB_BODY_MAX"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(r->body, kinds[i].word)) {
            *kind = kinds[i].kind;
            *limit = kinds[i].limit;
            return 0;
        }
    fail(r->file, r->line, "unknown BODY \"%s\" (none, form, upload or json)", r->body);
    return -1;
}

/* p with every {name} replaced by {}, into out. */
static void normalise(const char *p, char *out, size_t cap) {
    size_t o = 0;
    while (*p && o + 3 < cap) {
        if (*p == '{') {
            const char *e = strchr(p, '}');
            if (e) {
                out[o++] = '{';
                out[o++] = '}';
                p = e + 1;
                continue;
            }
        }
        out[o++] = *p++;
    }
    out[o] = 0;
}

/* Read docs/openapi.yaml (JSON in YAML): the server url, then each path
** key (4 spaces in) and its method keys (6 spaces in). */
static int openapi_read(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s:0: cannot open it\n", path);
        return -1;
    }
    char line[LINE_MAX_], prefix[100] = "", cur[160] = "";
    while (fgets(line, sizeof line, f)) {
        char *u = strstr(line, "\"servers\"");
        if (u && (u = strstr(u, "\"url\""))) {
            char *q = strchr(u + 5, '"'), *e = q ? strchr(q + 1, '"') : NULL;
            if (q && e) snprintf(prefix, sizeof prefix, "%.*s", (int)(e - q - 1), q + 1);
            continue;
        }
        if (!strncmp(line, "    \"/", 6)) {
            char *e = strchr(line + 5, '"');
            if (e) snprintf(cur, sizeof cur, "%.*s", (int)(e - line - 5), line + 5);
            continue;
        }
        static const char *const methods[] = {"get", "post", "put", "patch", "delete"};
        for (size_t i = 0; cur[0] && i < 5; i++) {
            char key[32];
            snprintf(key, sizeof key, "      \"%s\":", methods[i]);
            if (strncmp(line, key, strlen(key)) != 0 || napi >= MAX_API) continue;
            char full[200];
            snprintf(full, sizeof full, "%s%s", prefix, cur);
            normalise(full, api_paths[napi], sizeof api_paths[napi]);
            for (size_t k = 0; methods[i][k]; k++)
                api_methods[napi][k] = (char)toupper((unsigned char)methods[i][k]);
            napi++;
        }
    }
    fclose(f);
    return 0;
}

/* Check that an /api/ route is described in the openapi file. */
static void api_check(const route *r, const char *openapi) {
    if (strncmp(r->pattern, "/api/", 5) != 0) return;
    char norm[200];
    normalise(r->pattern, norm, sizeof norm);
    for (int i = 0; i < napi; i++)
        if (!strcmp(api_paths[i], norm) && !strcmp(api_methods[i], r->method)) return;
    fail(r->file, r->line, "%s %s is not described in %s", r->method, r->pattern, openapi);
}

/* If line starts a handler "void NAME(web_ctx *...", copy NAME; else -1. */
static int handler_name(const char *line, char *out, size_t cap) {
    if (strncmp(line, "void ", 5) != 0) return -1;
    const char *p = line + 5, *s = p;
    while (isalnum((unsigned char)*p) || *p == '_') p++;
    if (p == s || (size_t)(p - s) >= cap) return -1;
    const char *q = p;
    while (*q == ' ') q++;
    if (strncmp(q, "(web_ctx *", 10) != 0) return -1;
    snprintf(out, cap, "%.*s", (int)(p - s), s);
    return 0;
}

/* Read the records of one source file. */
static void scan_file(const char *path, const char *openapi) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fail(path, 0, "cannot open it");
        return;
    }
    char line[LINE_MAX_];
    int lineno = 0;
    route *r = NULL;       /* the record being read */
    int after = 0;         /* 1 = the comment closed; the definition comes next */
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *v;
        if (r && after) {
            if (!trim(line)[0]) continue;
            if (handler_name(line, r->handler, sizeof r->handler) != 0)
                fail(r->file, r->line, "WEBPAGE is not followed by a definition "
                     "\"void NAME(web_ctx *c)\"");
            else if (!r->access[0])
                fail(r->file, r->line, "WEBPAGE %s %s has no ACCESS", r->method, r->pattern);
            else if (!r->body[0])
                fail(r->file, r->line, "WEBPAGE %s %s has no BODY", r->method, r->pattern);
            else
                nroutes++;
            r = NULL;
            after = 0;
            continue;
        }
        if ((v = field(line, "WEBPAGE")) != NULL) {
            if (r) fail(r->file, r->line, "WEBPAGE is not followed by a definition");
            if (nroutes >= MAX_ROUTES) {
                fail(path, lineno, "more than %d routes", MAX_ROUTES);
                break;
            }
            r = &routes[nroutes];
            memset(r, 0, sizeof *r);
            r->file = path;
            r->line = lineno;
            char *sp = v + strcspn(v, " \t");
            if (!*sp || (size_t)(sp - v) >= sizeof r->method) {
                fail(path, lineno, "WEBPAGE wants METHOD PATH, e.g. \"GET /learners/{id}\"");
                r = NULL;
                continue;
            }
            snprintf(r->method, sizeof r->method, "%.*s", (int)(sp - v), v);
            snprintf(r->pattern, sizeof r->pattern, "%s", trim(sp));
            if (strcmp(r->method, "GET") && strcmp(r->method, "POST") &&
                strcmp(r->method, "PUT") && strcmp(r->method, "PATCH") &&
                strcmp(r->method, "DELETE"))
                fail(path, lineno, "unknown method \"%s\"", r->method);
            continue;
        }
        if (!r) continue;
        if ((v = field(line, "ACCESS")) != NULL) {
            snprintf(r->access, sizeof r->access, "%s", v);
            if (!v[0]) snprintf(r->access, sizeof r->access, " ");
        } else if ((v = field(line, "BODY")) != NULL) {
            snprintf(r->body, sizeof r->body, "%s", v[0] ? v : "?");
        } else if ((v = field(line, "NAV")) != NULL) {
            char *end;
            long order = strtol(v, &end, 10);
            if (end == v || order <= 0 || !trim(end)[0])
                fail(path, lineno, "NAV wants an order number and a label msgid");
            r->nav_order = (int)order;
            snprintf(r->nav_label, sizeof r->nav_label, "%s", trim(end));
        } else if (strstr(line, "*/")) {
            after = 1;
        }
    }
    if (r) fail(r->file, r->line, "WEBPAGE is not followed by a definition");
    fclose(f);
    (void)openapi;
}

/* Write text to path unless the file already holds exactly it. */
static int write_if_changed(const char *path, const char *text, size_t len) {
    FILE *f = fopen(path, "rb");
    if (f) {
        char *old = malloc(len + 1);
        size_t n = old ? fread(old, 1, len + 1, f) : 0;
        fclose(f);
        int same = old && n == len && memcmp(old, text, len) == 0;
        free(old);
        if (same) return 0;
    }
    f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "%s:0: cannot write it\n", path);
        return -1;
    }
    return 0;
}

/* A growing string. */
typedef struct sbuf { char *p; size_t len, cap; } sbuf;
static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) exit(2);
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) exit(2);
    }
}

/* Append s as a C string literal (quotes included). */
static void sb_cstr(sbuf *b, const char *s) {
    sb_printf(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') sb_printf(b, "\\%c", *s);
        else sb_printf(b, "%c", *s);
    }
    sb_printf(b, "\"");
}

/* mkpages pages OUT.c OUT.h OPENAPI FILE... */
static int make_pages(int argc, char **argv) {
    const char *out_c = argv[2], *out_h = argv[3], *openapi = argv[4];
    if (openapi_read(openapi) != 0) return 1;
    for (int i = 5; i < argc; i++) scan_file(argv[i], openapi);
    sbuf c = {0}, h = {0};
    sb_printf(&c, "/* Made by tools/mkpages.c from the WEBPAGE records of src/web; do not edit. */\n"
                  "#include \"web/access.h\"\n#include \"web/i18n.h\"\n#include \"web/page.h\"\n"
                  "#include \"web/server_int.h\"\n"
                  "#include \"gen/pages.h\"\n\nconst web_route web_routes[] = {\n");
    sb_printf(&h, "/* Made by tools/mkpages.c from the WEBPAGE records of src/web; do not edit. */\n"
                  "#ifndef CAIRN_GEN_PAGES_H\n#define CAIRN_GEN_PAGES_H\n"
                  "struct web_ctx;\n\n");
    for (int i = 0; i < nroutes; i++) {
        route *r = &routes[i];
        char access[512];
        const char *kind = NULL, *limit = NULL;
        if (pattern_check(r) != 0 || access_expr(r, r->access, access, sizeof access) != 0 ||
            body_expr(r, &kind, &limit) != 0)
            continue;
        for (int k = 0; k < i; k++)
            if (!strcmp(routes[k].method, r->method) && !strcmp(routes[k].pattern, r->pattern))
                fail(r->file, r->line, "%s %s is declared twice (first at %s:%d)", r->method,
                     r->pattern, routes[k].file, routes[k].line);
        api_check(r, openapi);
        sb_printf(&c, "    { \"%s\", ", r->method);
        sb_cstr(&c, r->pattern);
        sb_printf(&c, ", %s, %s, %s, %s, %d, ", r->handler, access, kind, limit, r->nav_order);
        if (r->nav_label[0]) {
            sb_printf(&c, "N_(");
            sb_cstr(&c, r->nav_label);
            sb_printf(&c, ")");
        } else {
            sb_printf(&c, "NULL");
        }
        sb_printf(&c, ", ");
        sb_cstr(&c, r->file);
        sb_printf(&c, ", %d },\n", r->line);
        int seen = 0;
        for (int k = 0; k < i; k++) seen |= !strcmp(routes[k].handler, r->handler);
        /* no file:line here, so moving a record does not rebuild every page */
        if (!seen) sb_printf(&h, "void %s(struct web_ctx *c);\n", r->handler);
    }
    sb_printf(&c, "};\nconst size_t web_routes_count = sizeof web_routes / sizeof web_routes[0];\n");
    sb_printf(&h, "\n#endif\n");
    if (nerrors) return 1;
    if (write_if_changed(out_c, c.p, c.len) != 0 || write_if_changed(out_h, h.p, h.len) != 0)
        return 1;
    free(c.p);
    free(h.p);
    return 0;
}

/* mkpages asset OUT.c SYMBOL FILE: const unsigned char SYMBOL[] and
** const size_t SYMBOL_len, NUL-terminated for convenience. */
static int make_asset(char **argv) {
    FILE *f = fopen(argv[4], "rb");
    if (!f) {
        fprintf(stderr, "%s:0: cannot open it\n", argv[4]);
        return 1;
    }
    sbuf c = {0};
    sb_printf(&c, "/* Made by tools/mkpages.c from %s; do not edit. */\n#include <stddef.h>\n"
                  "const char %s[] = {\n", argv[4], argv[3]);
    int ch;
    size_t n = 0;
    while ((ch = fgetc(f)) != EOF) {
        sb_printf(&c, "%d,%s", (signed char)ch, ++n % 20 ? "" : "\n");
    }
    fclose(f);
    sb_printf(&c, "0};\nconst size_t %s_len = %zu;\n", argv[3], n);
    int rc = write_if_changed(argv[2], c.p, c.len) != 0;
    free(c.p);
    return rc;
}

int main(int argc, char **argv) {
    if (argc >= 5 && !strcmp(argv[1], "pages")) return make_pages(argc, argv);
    if (argc == 5 && !strcmp(argv[1], "asset")) return make_asset(argv);
    fprintf(stderr, "usage: mkpages pages OUT.c OUT.h OPENAPI FILE.c...\n"
                    "       mkpages asset OUT.c SYMBOL FILE\n");
    return 2;
}
