/*
** cli/subject_html.c — a learner's whole record (support/subject.h) as one
** readable HTML file, written only through web/html.h's typed writers.
** Any part renders itself: an object as a table of names and values, a
** list of objects as a table with a column per name, text as text; so a
** part added to the registry later needs nothing here.
*/
#include "cli/subject_html.h"
#include "web/html.h"
#include <string.h>

static void value_html(buf *b, json_t *v, int depth);

/* A name from the JSON ("valid_from") as a heading ("valid from"). */
static void name_html(buf *b, const char *key) {
    char t[128];
    size_t n = strlen(key);
    if (n >= sizeof t) n = sizeof t - 1;
    for (size_t i = 0; i < n; i++) t[i] = key[i] == '_' ? ' ' : key[i];
    t[n] = 0;
    html_text(b, t);
}

/* A list: a table when its first element is an object, else one line each. */
static void array_html(buf *b, json_t *a, int depth) {
    if (json_array_size(a) == 0) {
        html_printf(b, "<p class=\"none\">None.</p>\n");
        return;
    }
    json_t *first = json_array_get(a, 0);
    if (!json_is_object(first)) {
        html_printf(b, "<ul>");
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) {
            html_printf(b, "<li>");
            value_html(b, v, depth + 1);
            html_printf(b, "</li>");
        }
        html_printf(b, "</ul>\n");
        return;
    }
    html_printf(b, "<table><thead><tr>");
    const char *key;
    json_t *v;
    json_object_foreach(first, key, v) {
        html_printf(b, "<th scope=\"col\">");
        name_html(b, key);
        html_printf(b, "</th>");
    }
    html_printf(b, "</tr></thead><tbody>\n");
    size_t i;
    json_t *row;
    json_array_foreach(a, i, row) {
        html_printf(b, "<tr>");
        json_object_foreach(first, key, v) {
            html_printf(b, "<td>");
            value_html(b, json_object_get(row, key), depth + 1);
            html_printf(b, "</td>");
        }
        html_printf(b, "</tr>\n");
    }
    html_printf(b, "</tbody></table>\n");
}

/* One JSON value as HTML. */
static void value_html(buf *b, json_t *v, int depth) {
    if (!v || json_is_null(v)) return;
    if (json_is_string(v)) {
        html_text(b, json_string_value(v));
    } else if (json_is_integer(v)) {
        html_printf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        html_printf(b, "%.3f", json_real_value(v));
    } else if (json_is_boolean(v)) {
        html_printf(b, "%T", json_is_true(v) ? "yes" : "no");
    } else if (json_is_array(v)) {
        array_html(b, v, depth);
    } else if (json_is_object(v)) {
        html_printf(b, "<table class=\"fields\"><tbody>\n");
        const char *key;
        json_t *m;
        json_object_foreach(v, key, m) {
            html_printf(b, "<tr><th scope=\"row\">");
            name_html(b, key);
            html_printf(b, "</th><td>");
            value_html(b, m, depth + 1);
            html_printf(b, "</td></tr>\n");
        }
        html_printf(b, "</tbody></table>\n");
    }
}

/* The record as a page (see subject_html.h). */
void cli_subject_html(json_t *record, buf *b) {
    const char *ref = json_string_value(json_object_get(record, "learner"));
    const char *inst = json_string_value(json_object_get(record, "institution"));
    const char *made = json_string_value(json_object_get(record, "made_at"));
    html_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                   "<title>Record of learner %T</title><style>"
                   "body{font-family:sans-serif;margin:2em;max-width:70em}"
                   "table{border-collapse:collapse;margin:.5em 0}"
                   "th,td{border:1px solid #999;padding:.2em .5em;text-align:start;"
                   "vertical-align:top}.none{color:#555}"
                   "@media print{h2{break-before:auto}}</style></head>\n<body><main>\n"
                   "<h1>Record of learner %T</h1>\n"
                   "<p>Institution %T. Made %T: everything cairn holds about this learner.</p>\n",
                ref, ref, inst, made);
    size_t i;
    json_t *part;
    json_array_foreach(json_object_get(record, "parts"), i, part) {
        html_printf(b, "<section><h2>%T</h2>\n",
                    json_string_value(json_object_get(part, "title")));
        value_html(b, json_object_get(part, "data"), 0);
        html_printf(b, "</section>\n");
    }
    html_printf(b, "</main></body></html>\n");
}
