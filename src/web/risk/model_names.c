/*
** web/risk/model_names.c — the words the model page shows for what the
** model card stores as codes: the fairness attributes and their groups
** ("not_stated", "ar"), and the units of the inputs, in the reader's
** language.  See web/risk/model_parts.h.
*/
#include "web/risk/model_parts.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The translated name of an audit attribute code; the code itself for one
** this page does not know. */
const char *model_attribute_name(const i18n_lang *L, const char *code) {
    if (!strcmp(code, "gender")) return TC(L, "model", "Gender");
    if (!strcmp(code, "migrant_background")) return TC(L, "model", "Migrant background");
    if (!strcmp(code, "special_needs")) return TC(L, "model", "Special needs");
    if (!strcmp(code, "first_language")) return TC(L, "model", "First language");
    return code;
}

/* A language by its BCP 47 primary subtag and English name (a msgid). */
typedef struct language_name {
    const char *tag, *name;
} language_name;

/* The languages the page names; the demo school's and the most common
** first languages of learners in Europe. */
static const language_name languages[] = {
    {"ar", N_("Arabic")},     {"bg", N_("Bulgarian")},  {"bn", N_("Bengali")},
    {"cs", N_("Czech")},      {"de", N_("German")},     {"en", N_("English")},
    {"es", N_("Spanish")},    {"fa", N_("Persian")},    {"fil", N_("Filipino")},
    {"fr", N_("French")},     {"ga", N_("Irish")},      {"hi", N_("Hindi")},
    {"hr", N_("Croatian")},   {"hu", N_("Hungarian")},  {"ig", N_("Igbo")},
    {"it", N_("Italian")},    {"ku", N_("Kurdish")},    {"lt", N_("Lithuanian")},
    {"lv", N_("Latvian")},    {"ml", N_("Malayalam")},  {"pa", N_("Punjabi")},
    {"pl", N_("Polish")},     {"ps", N_("Pashto")},     {"pt", N_("Portuguese")},
    {"ro", N_("Romanian")},   {"ru", N_("Russian")},    {"sk", N_("Slovak")},
    {"so", N_("Somali")},     {"sq", N_("Albanian")},   {"sr", N_("Serbian")},
    {"ti", N_("Tigrinya")},   {"tr", N_("Turkish")},    {"uk", N_("Ukrainian")},
    {"ur", N_("Urdu")},       {"vi", N_("Vietnamese")}, {"yo", N_("Yoruba")},
    {"zh", N_("Chinese")},
};

/* The name of the language of BCP 47 tag code ("pt-BR" is Portuguese), or
** NULL. */
static const char *language_of(const i18n_lang *L, const char *code) {
    size_t n = strcspn(code, "-_");
    for (size_t i = 0; i < sizeof languages / sizeof languages[0]; i++)
        if (strlen(languages[i].tag) == n && !strncasecmp(languages[i].tag, code, n))
            return T(L, languages[i].name);
    return NULL;
}

/* The words for group code of attribute attr; see model_parts.h. */
const char *model_group_name(const i18n_lang *L, const char *attr, const char *code, char *out,
                             size_t cap) {
    if (!strcmp(code, "other")) return TC(L, "group", "other (small groups together)");
    if (!strcmp(attr, "gender")) {
        if (!strcmp(code, "female")) return TC(L, "gender", "female");
        if (!strcmp(code, "male")) return TC(L, "gender", "male");
        if (!strcmp(code, "diverse")) return TC(L, "gender", "diverse");
        if (!strcmp(code, "not_stated")) return TC(L, "gender", "not stated");
    } else if (!strcmp(attr, "migrant_background") || !strcmp(attr, "special_needs")) {
        if (!strcmp(code, "yes")) return TC(L, "model", "yes");
        if (!strcmp(code, "no")) return TC(L, "model", "no");
    } else if (!strcmp(attr, "first_language")) {
        const char *name = language_of(L, code);
        if (name) return name;
        snprintf(out, cap, "%s (%s)", T(L, "another language"), code);
        return out;
    }
    snprintf(out, cap, "%s (%s)", T(L, "another group"), code);
    return out;
}

/* The translated unit of an input as the card writes it; see
** model_parts.h. */
const char *model_unit_name(const i18n_lang *L, const char *unit) {
    static const struct { const char *unit, *words; } units[] = {
        {"days", N_("days")}, {"times", N_("times")}, {"count", N_("number")},
        {"% points", N_("percentage points")},
        {"% points per week", N_("percentage points per week")}, {"weeks", N_("weeks")},
        {"% of max", N_("per cent of the maximum mark")}, {"minutes", N_("minutes")},
        {"points per week", N_("points per week")}, {"clicks", N_("clicks")},
        {"logins", N_("logins")}, {"submissions", N_("submissions")},
        {"forum posts", N_("forum posts")}, {"0/1", N_("yes or no")},
    };
    if (!strcmp(unit, "%")) return "%";
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(units[i].unit, unit)) return T(L, units[i].words);
    return unit;
}
