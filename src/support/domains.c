/*
** support/domains.c — the life domains (see domains.h).
*/
#include "support/domains.h"
#include <string.h>

const support_domain support_domains[SUPPORT_DOMAIN_COUNT] = {
    {"learning", "Learning and basic skills"},
    {"attendance", "Attendance and engagement"},
    {"mental_health", "Mental health and well-being"},
    {"physical_health", "Physical health, sleep and food"},
    {"family", "Family and care duties"},
    {"housing", "Housing"},
    {"money", "Money"},
    {"legal", "Legal matters"},
    {"language", "Language"},
    {"digital", "Digital access and skills"},
    {"career", "Career direction and motivation"},
    {"safety", "Safety and bullying"},
    {"substance", "Substance use"},
    {"placement", "Work placement"},
};

/* The index of code among the domains, or -1. */
int support_domain_find(const char *code) {
    for (int i = 0; code && i < SUPPORT_DOMAIN_COUNT; i++)
        if (!strcmp(support_domains[i].code, code)) return i;
    return -1;
}

/* Domain i's code, "" out of range. */
const char *support_domain_code(int i) {
    return i >= 0 && i < SUPPORT_DOMAIN_COUNT ? support_domains[i].code : "";
}

/* Domain i's name (msgid), "" out of range. */
const char *support_domain_name(int i) {
    return i >= 0 && i < SUPPORT_DOMAIN_COUNT ? support_domains[i].name : "";
}

/* The name (msgid) of code's domain, code itself when unknown. */
const char *support_domain_name_of(const char *code) {
    int i = support_domain_find(code);
    return i >= 0 ? support_domains[i].name : code ? code : "";
}
