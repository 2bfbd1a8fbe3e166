/*
** support/domains.h — the life domains that drive early leaving, one list
** for every part of the support room that names them: needs assessments,
** plan goals, case conferences and the needs an intervention answers.
** Names are English msgids; the web room translates them (its copies for
** the extractor are in web/support/case_words.c).
*/
#ifndef CAIRN_SUPPORT_DOMAINS_H
#define CAIRN_SUPPORT_DOMAINS_H

#define SUPPORT_DOMAIN_COUNT 14

typedef struct support_domain {
    const char *code;   /* stored: "mental_health" */
    const char *name;   /* msgid: "Mental health and well-being" */
} support_domain;

extern const support_domain support_domains[SUPPORT_DOMAIN_COUNT];

/* The index of the domain with code, or -1 when none has it. */
int support_domain_find(const char *code);

/* The code of domain i (0..SUPPORT_DOMAIN_COUNT-1), "" out of range. */
const char *support_domain_code(int i);

/* The name (msgid) of domain i, "" out of range. */
const char *support_domain_name(int i);

/* The name (msgid) of the domain with code; code itself when unknown. */
const char *support_domain_name_of(const char *code);

#endif
