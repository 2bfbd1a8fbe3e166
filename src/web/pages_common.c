/*
** web/pages_common.c — what the staff pages share (see pages.h).
*/
#include "web/pages.h"
#include "web/page.h"
#include "gen/pages.h"
#include "web/html.h"
#include "web/reasons.h"
#include <string.h>

/* The translated name of a tier. */
const char *page_tier_name(const i18n_lang *L, risk_tier t) {
    switch (t) {
    case RISK_TIER_UNIVERSAL: return T(L, "Universal support");
    case RISK_TIER_SELECTIVE: return T(L, "Selective support");
    case RISK_TIER_INDIVIDUAL: return T(L, "Individual support");
    }
    return "?";
}

/* The rules' names, as risk/rules.c calls them, marked for translation. */
static const struct { const char *code, *name; } flag_names[] = {
    { "attendance_low",     N_("low attendance") },
    { "attendance_drop",    N_("sharp drop in attendance") },
    { "behaviour_serious",  N_("serious behaviour incident") },
    { "behaviour_repeated", N_("repeated behaviour incidents") },
    { "failed_unit",        N_("failed assessment") },
    { "missing_work",       N_("missing assessments") },
    { "engagement_drop",    N_("drop in engagement") },
};

/* The translated name of a flag code. */
const char *page_flag_name(const i18n_lang *L, const char *code) {
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (code && strcmp(flag_names[i].code, code) == 0) return T(L, flag_names[i].name);
    return code ? code : "";
}

/* Reason k of r as <li>, rewritten in L's language from its fields. */
void page_reason_li(buf *b, const i18n_lang *L, const risk_attention_row *r, int k) {
    page_reason pr;
    page_reason_from_fields(&r->reason_fields[k], r->reason[k], &pr);
    html_printf(b, "<li>");
    page_reason_write(b, L, &pr);
    html_printf(b, "</li>\n");
}

/* A positive decimal id, or 0. */
int64_t page_parse_id(const char *s) {
    if (!s || !*s || strlen(s) > 18) return 0;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}
