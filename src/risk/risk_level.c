/*
** risk/risk_level.c — risk in words (see risk_level.h).
*/
#include "risk/risk_level.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>

/* The level of a tier: individual high, selective raised, else low. */
risk_level risk_level_of(risk_tier tier) {
    if (tier == RISK_TIER_INDIVIDUAL) return RISK_LEVEL_HIGH;
    if (tier == RISK_TIER_SELECTIVE) return RISK_LEVEL_RAISED;
    return RISK_LEVEL_LOW;
}

/* The English word of a level (static). */
const char *risk_level_word(risk_level level) {
    switch (level) {
    case RISK_LEVEL_HIGH: return "high";
    case RISK_LEVEL_RAISED: return "raised";
    case RISK_LEVEL_LOW: break;
    }
    return "low";
}

/* The estimate as "34 %", "<1 %", ">99 %" or "" into out; returns out. */
char *risk_percent_text(double p, char *out, size_t cap) {
    assert(out && cap > 0);
    if (isnan(p) || p < 0 || p > 1) snprintf(out, cap, "%s", "");
    else if (p < 0.005) snprintf(out, cap, "<1 %%");
    else if (p > 0.995) snprintf(out, cap, ">99 %%");
    else snprintf(out, cap, "%.0f %%", 100 * p);
    return out;
}

/* "high risk (34 %)" or "raised risk" into out; returns out. */
char *risk_level_text(risk_tier tier, double p, char *out, size_t cap) {
    assert(out && cap > 0);
    char pct[16];
    risk_percent_text(p, pct, sizeof pct);
    if (pct[0]) snprintf(out, cap, "%s risk (%s)", risk_level_word(risk_level_of(tier)), pct);
    else snprintf(out, cap, "%s risk", risk_level_word(risk_level_of(tier)));
    return out;
}
