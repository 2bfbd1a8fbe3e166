/*
** web/school/programmes.c — the programmes of the school and their groups.
*/
#include "web/page.h"
#include "web/auth.h"
#include "web/html.h"
#include "school/school.h"
#include "gen/pages.h"
#include <string.h>

/* Write the programme / group table of rows[0..n) into b, in language L. */
static void home_groups(buf *b, const i18n_lang *L, const school_group_summary *rows,
                        size_t n) {
    long learners = 0;
    size_t programmes = 0;
    char num[I18N_NUM_MAX];
    for (size_t i = 0; i < n; i++) {
        learners += rows[i].learners_active;
        if (rows[i].programme_code[0] &&
            (i == 0 || strcmp(rows[i].programme_code, rows[i - 1].programme_code) != 0))
            programmes++;
    }
    /* "2 active learners in 3 groups and 2 programmes.": each count's phrase
    ** has its plural form and, through the context, the grammatical case
    ** its place in the sentence needs.  The phrases are filled into their
    ** own buffers and go into the sentence as %T: they hold no markup and
    ** no '&' (the build checks every translation against its msgid), so
    ** what html_printf wrote there is plain text, escaped once here. */
    buf phrase[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    html_printf(&phrase[0],
                TNC(L, "home summary", "%T active learner", "%T active learners", learners),
                i18n_format_int(L, learners, num, sizeof num));
    html_printf(&phrase[1], TNC(L, "home summary: in N groups", "%T group", "%T groups", n),
                i18n_format_int(L, (long long)n, num, sizeof num));
    html_printf(&phrase[2],
                TNC(L, "home summary: and N programmes", "%T programme", "%T programmes",
                    programmes),
                i18n_format_int(L, (long long)programmes, num, sizeof num));
    html_printf(b, "<p>");
    html_printf(b, TC(L, "home summary", "%T in %T and %T."), buf_cstr(&phrase[0]),
                buf_cstr(&phrase[1]), buf_cstr(&phrase[2]));
    html_printf(b, "</p>\n");
    for (int i = 0; i < 3; i++) buf_free(&phrase[i]);
    for (size_t i = 0; i < n; i++) {
        const school_group_summary *g = &rows[i];
        if (i == 0 || strcmp(g->programme_code, rows[i - 1].programme_code) != 0) {
            if (g->programme_code[0])
                html_printf(b, "<section>\n<h2>%T <span class=\"code\">%T</span></h2>\n",
                            g->programme_name[0] ? g->programme_name : g->programme_code,
                            g->programme_code);
            else
                html_printf(b, "<section>\n<h2>%T</h2>\n", T(L, "Groups without a programme"));
            if (g->eqf_level > 0) {
                html_printf(b, "<p class=\"muted\">");
                html_printf(b, T(L, "EQF level %T"),
                            i18n_format_int(L, g->eqf_level, num, sizeof num));
                html_printf(b, "</p>\n");
            }
            html_printf(b,
                "<table>\n<thead><tr><th scope=\"col\">%T</th><th scope=\"col\">%T</th>"
                "<th scope=\"col\" class=\"num\">%T</th></tr></thead>\n<tbody>\n",
                T(L, "Group"), T(L, "Code"), T(L, "Active learners"));
        }
        html_printf(b, "<tr><th scope=\"row\"><a href=\"/groups/%U\">%T</a></th>"
                       "<td class=\"code\">%T</td><td class=\"num\">%T</td></tr>\n",
                    g->group_code, g->group_name[0] ? g->group_name : g->group_code, g->group_code,
                    i18n_format_int(L, g->learners_active, num, sizeof num));
        if (i + 1 == n || strcmp(g->programme_code, rows[i + 1].programme_code) != 0)
            html_printf(b, "</tbody>\n</table>\n</section>\n");
    }
}

/*
** WEBPAGE: GET /programmes
** ACCESS:  staff
** BODY:    none
** NAV:     20 Programmes and groups
**
** The signed-in account's institution's programmes and groups with active
** learner counts, read-only.  An account of no institution (a test) sees
** the only one.
*/
void page_home(web_ctx *c) {
    cairn_err err = {0};
    const i18n_lang *L = c->L;
    int64_t inst = c->who->institution_id;
    if (inst <= 0 && school_institution_resolve(c->st, NULL, &inst, &err) != 0) {
        if (err.code == CAIRN_ENOTFOUND) {
            buf *b = c->b;
            html_page_begin(b, L->code, T(L, "Programmes and groups"));
            html_printf(b, "<h1>%T</h1>\n", T(L, "Programmes and groups"));
            page_auth_signout(c->req, b);
            html_printf(b, "<p class=\"notice\">");
            html_printf(b, T(L, "No school data yet \xE2\x80\x94 run <code>cairn demo</code> "
                               "or <code>cairn import</code>."));
            html_printf(b, "</p>\n");
            html_page_end(b);
            return;
        }
        page_fail(c, "home", err.msg);
        return;
    }
    school_group_summary *rows = NULL;
    size_t n = 0;
    if (school_group_summaries(c->st, inst, &rows, &n, &err) != 0) {
        page_fail(c, "home", err.msg);
        return;
    }
    page_keep(c, rows);
    page_begin(c, T(L, "Programmes and groups"));
    html_printf(c->b, "<h1>%T</h1>\n", T(L, "Programmes and groups"));
    if (n == 0) {
        html_printf(c->b, "<p class=\"notice\">");
        html_printf(c->b, T(L, "This school has no groups yet \xE2\x80\x94 add them with "
                               "<code>cairn import</code>."));
        html_printf(c->b, "</p>\n");
    } else {
        home_groups(c->b, L, rows, n);
    }
    page_end(c);
}
