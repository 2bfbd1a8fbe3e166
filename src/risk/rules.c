/*
** risk/rules.c — the early-warning rules, their thresholds per institution,
** and the peer comparison shown in their reasons.
**
** The default rules are the attendance / behaviour / course-performance
** ("ABC") flags of well-tested school early-warning systems, plus the
** learning platform:
**
**   attendance_low      attendance in the last 4 weeks below 90 % (when no
**                       attendance is recorded in those weeks: this term's)
**   attendance_drop     weekly attendance fell by 20 points or more, and
**                       that fall happened within the last 6 weeks
**   behaviour_serious   1 or more incidents of severity 2-3 in 8 weeks
**   behaviour_repeated  2 or more minor incidents in 8 weeks
**   failed_unit         1 or more failed assessments this term
**   missing_work        1 or more missing assessments this term
**   engagement_drop     no learning-platform activity for 14 days or more,
**                       or active days down by 5 or more (last 2 weeks
**                       against the 2 before)
**
** The two "change" rules carry a guard.  engagement_drop reads the school's
** calendar (risk/calendar.c): days idle in a break do not count, nor a fall
** in active days as large as the fall in school days — the first day after
** Christmas everybody has been away from the platform for two weeks, and
** that is the calendar — while a group that is idle in term time is still
** flagged.  attendance_drop (attendance is recorded only on school days, so
** breaks never show in it) and engagement_drop without terms carry the
** group guard: when the typical learner of the group (its median) meets the
** same condition, it is a whole-class change and the rule does not fire.
** Without peers (no group, or fewer than RISK_PEER_MIN known) the rule is
** applied as is.
**
** Tiers (risk_tiers_assign) and the peer medians are in risk/tiers.c.
**
** A flag is advice for a person to look at, never a decision: each carries a
** sentence with the learner's value, the school's threshold and, when the
** group is large enough, the typical value of the learner's group.
**
** Thresholds are stored per institution in risk_rule_set as a JSON object
** (risk_rules_json), one row per version; the latest version is in force.
*/
#include "risk/risk.h"
#include "base/date.h"
#include "base/mem.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lock key serialising rule-set changes ("cairRISK"-ish). */
#define RULES_LOCK_KEY 0x6361697252534bLL

#define NO_COND {RF_COUNT, RISK_CMP_GE, NULL, NULL, 0, 0, 0, 0}

static const risk_rule_info rule_info[RISK_RULE_COUNT] = {
    [RISK_RULE_ATTENDANCE_LOW] = {
        "attendance_low", "low attendance",
        "Attendance in the last 4 weeks is below the threshold (if no attendance was recorded "
        "in those weeks, attendance since the term began is used).",
        0, 0, RISK_COMBINE_FALLBACK,
        {{RF_ATT_RATE_4W, RISK_CMP_LT, "threshold", " %", 90, 1, 100, 0},
         {RF_ATT_RATE_TERM, RISK_CMP_LT, NULL, " %", 0, 0, 0, 0}}},
    [RISK_RULE_ATTENDANCE_DROP] = {
        "attendance_drop", "sharp drop in attendance",
        "Weekly attendance fell by at least the threshold (in % points), and the fall happened "
        "within the last few weeks.  Not when the learner's group fell as much (typical "
        "value of the group): that is the calendar, not the learner.",
        0, 1, RISK_COMBINE_AND,
        {{RF_ATT_DROP, RISK_CMP_LE, "threshold", " points", -20, -100, -1, 0},
         {RF_ATT_DROP_WEEKS, RISK_CMP_LE, "within_weeks", " weeks", 6, 1, 52, 1}}},
    [RISK_RULE_BEHAVIOUR_SERIOUS] = {
        "behaviour_serious", "serious behaviour incident",
        "At least the threshold number of moderate or serious behaviour incidents (severity 2 "
        "or 3) in the last 8 weeks.  This flag alone means a closer look (selective support).",
        1, 0, RISK_COMBINE_ONE,
        {{RF_BEHAV_SERIOUS_8W, RISK_CMP_GE, "threshold", "", 1, 1, 50, 1}, NO_COND}},
    [RISK_RULE_BEHAVIOUR_REPEATED] = {
        "behaviour_repeated", "repeated behaviour incidents",
        "At least the threshold number of minor behaviour incidents (severity 1) in the last "
        "8 weeks.",
        0, 0, RISK_COMBINE_ONE,
        {{RF_BEHAV_MINOR_8W, RISK_CMP_GE, "threshold", "", 2, 1, 50, 1}, NO_COND}},
    [RISK_RULE_FAILED_UNIT] = {
        "failed_unit", "failed assessment",
        "At least the threshold number of failed assessments this term.",
        0, 0, RISK_COMBINE_ONE,
        {{RF_FAILED_TERM, RISK_CMP_GE, "threshold", "", 1, 1, 50, 1}, NO_COND}},
    [RISK_RULE_MISSING_WORK] = {
        "missing_work", "missing assessments",
        "At least the threshold number of assessments not handed in this term.",
        0, 0, RISK_COMBINE_ONE,
        {{RF_MISSING_TERM, RISK_CMP_GE, "threshold", "", 1, 1, 50, 1}, NO_COND}},
    [RISK_RULE_ENGAGEMENT_DROP] = {
        "engagement_drop", "drop in engagement",
        "No activity on the learning platform for at least the threshold number of days, or "
        "the days active in the last 2 weeks fell by at least \"trend\" against the 2 weeks "
        "before.  Days in the school's breaks do not count (without terms: not when the "
        "learner's group as a whole was as inactive).",
        0, RISK_GUARD_CALENDAR, RISK_COMBINE_OR,
        {{RF_LMS_DAYS_SINCE, RISK_CMP_GE, "threshold", " days", 14, 1, 365, 1},
         {RF_LMS_TREND, RISK_CMP_LE, "trend", "", -5, -14, -1, 1}}},
};

/* The description of rule r (static). */
const risk_rule_info *risk_rule_info_of(risk_rule_id r) {
    return (unsigned)r < RISK_RULE_COUNT ? &rule_info[r] : NULL;
}

/* The rule called code, or -1. */
int risk_rule_find(const char *code) {
    for (int i = 0; i < RISK_RULE_COUNT; i++)
        if (code && strcmp(rule_info[i].code, code) == 0) return i;
    return -1;
}

/* Fill r with the defaults (version 0, institution 0). */
void risk_rules_defaults(risk_rules *r) {
    memset(r, 0, sizeof *r);
    for (int i = 0; i < RISK_RULE_COUNT; i++) {
        r->rule[i].enabled = 1;
        r->rule[i].threshold[0] = rule_info[i].cond[0].def;
        r->rule[i].threshold[1] =
            rule_info[i].cond[1].param ? rule_info[i].cond[1].def : rule_info[i].cond[0].def;
    }
    r->share_individual = RISK_SHARE_INDIVIDUAL_DEFAULT;
    r->share_selective = RISK_SHARE_SELECTIVE_DEFAULT;
}

/* ---- numbers as people read them ------------------------------------------------ */

/* v as text: whole numbers without decimals, others with one ("72",
** "89.5"); never "-0". */
static void num_format(double v, char *out, size_t cap) {
    if (v == 0) v = 0;   /* -0 -> 0 */
    if (v == rint(v)) snprintf(out, cap, "%.0f", v);
    else snprintf(out, cap, "%.1f", v);
    if (strcmp(out, "-0.0") == 0 || strcmp(out, "-0") == 0) snprintf(out, cap, "0");
}

/* Append v and its unit to the reason (" days" becomes " day" for 1). */
static void num_unit(char *out, size_t cap, double v, const char *unit) {
    char n[48];
    num_format(v, n, sizeof n);
    if (strcmp(unit, " days") == 0 && strcmp(n, "1") == 0) unit = " day";
    if (strcmp(unit, " weeks") == 0 && strcmp(n, "1") == 0) unit = " week";
    snprintf(out, cap, "%s%s", n, unit);
}

/* 1 if value v meets the condition against t; an unknown value never does. */
static int cond_holds(risk_cmp cmp, double v, double t) {
    if (isnan(v)) return 0;
    switch (cmp) {
    case RISK_CMP_LT: return v < t;
    case RISK_CMP_LE: return v <= t;
    case RISK_CMP_GE: return v >= t;
    }
    return 0;
}

/* Write the sentence of flag fl (rule i, which = the condition that fired)
** into fl->reason.  f gives any second value the sentence needs. */
static void reason_write(risk_flag *fl, int which, const risk_rules *r, const risk_features *f) {
    char v[64], t[64], w[64], t2[64];
    const risk_rule_info *ri = &rule_info[fl->rule];
    size_t cap = sizeof fl->reason;
    char *o = fl->reason;
    switch (fl->rule) {
    case RISK_RULE_ATTENDANCE_LOW:
        num_format(fl->value, v, sizeof v);
        num_format(fl->threshold, t, sizeof t);
        snprintf(o, cap, "attendance %s: %s %% — below the %s %% this school watches for",
                 which == 0 ? "in the last 4 weeks" : "this term", v, t);
        break;
    case RISK_RULE_ATTENDANCE_DROP: {
        double weeks = f->v[RF_ATT_DROP_WEEKS];
        num_format(-fl->value, v, sizeof v);
        num_format(-fl->threshold, t, sizeof t);
        num_unit(t2, sizeof t2, r->rule[fl->rule].threshold[1], " weeks");
        if (weeks < 1) snprintf(w, sizeof w, "this week");
        else {
            char wn[48];
            num_unit(wn, sizeof wn, weeks, " weeks");
            snprintf(w, sizeof w, "%s ago", wn);
        }
        snprintf(o, cap, "weekly attendance fell by %s points %s — this school watches for a "
                 "fall of %s points or more within %s", v, w, t, t2);
        break;
    }
    case RISK_RULE_BEHAVIOUR_SERIOUS:
    case RISK_RULE_BEHAVIOUR_REPEATED:
    case RISK_RULE_FAILED_UNIT:
    case RISK_RULE_MISSING_WORK: {
        static const char *const what[RISK_RULE_COUNT] = {
            [RISK_RULE_BEHAVIOUR_SERIOUS] =
                "moderate or serious behaviour incidents in the last 8 weeks",
            [RISK_RULE_BEHAVIOUR_REPEATED] = "minor behaviour incidents in the last 8 weeks",
            [RISK_RULE_FAILED_UNIT] = "failed assessments this term",
            [RISK_RULE_MISSING_WORK] = "missing assessments this term",
        };
        num_format(fl->value, v, sizeof v);
        num_format(fl->threshold, t, sizeof t);
        snprintf(o, cap, "%s: %s — this school watches for %s or more", what[fl->rule], v, t);
        break;
    }
    case RISK_RULE_ENGAGEMENT_DROP:
        if (which == 0) {
            num_unit(v, sizeof v, fl->value, " days");
            num_unit(t, sizeof t, fl->threshold, " days");
            snprintf(o, cap, "no learning-platform activity for %s — this school watches for "
                     "%s or more", v, t);
        } else {
            num_format(-fl->value, v, sizeof v);
            num_format(-fl->threshold, t, sizeof t);
            snprintf(o, cap, "days active on the learning platform fell by %s (last 2 weeks "
                     "against the 2 before) — this school watches for a fall of %s or more",
                     v, t);
        }
        break;
    case RISK_RULE_COUNT:
        break;
    }
    if (!isnan(fl->peer)) {
        /* a change is shown with its sign: "+4.9 points" rose, "-3.9 points" fell */
        char p[64];
        int signed_change = fl->feature == RF_ATT_DROP || fl->feature == RF_LMS_TREND;
        num_unit(p, sizeof p, fl->peer, ri->cond[which].unit);
        size_t len = strlen(o);
        snprintf(o + len, cap - len, " — peers in the same group: %s%s",
                 signed_change && p[0] != '-' && strcmp(p, "0") != 0 && strncmp(p, "0 ", 2) != 0
                     ? "+" : "", p);
    }
}

/* The flags of r that fire for f, with peer medians (may be NULL). */
int risk_rules_eval_peers(const risk_rules *r, const risk_features *f, const double *peer,
                          risk_flag *flags, size_t *nflags) {
    size_t n = 0;
    for (int i = 0; i < RISK_RULE_COUNT; i++) {
        if (!r->rule[i].enabled) continue;
        const risk_rule_info *ri = &rule_info[i];
        const risk_rule_cond *c0 = &ri->cond[0], *c1 = &ri->cond[1];
        double t0 = r->rule[i].threshold[0], t1 = r->rule[i].threshold[1];
        double v0 = f->v[c0->feature], v1 = c1->feature < RF_COUNT ? f->v[c1->feature] : NAN;
        if (ri->group_guard == RISK_GUARD_CALENDAR && f->calendar) {
            /* the school's breaks explain that much of the change: days idle in
            ** a break do not count, nor a fall in active days as large as the
            ** fall in school days; what the group did does not matter */
            if (!isnan(f->idle_break)) v0 -= f->idle_break;
            if (!isnan(f->cal_2w_change) && f->cal_2w_change < 0) v1 -= f->cal_2w_change;
        } else if (ri->group_guard && peer) {
            /* the group meets it too: a whole-class change, not the learner */
            if (cond_holds(c0->cmp, peer[c0->feature], t0)) v0 = NAN;
            if (ri->combine == RISK_COMBINE_OR && cond_holds(c1->cmp, peer[c1->feature], t1))
                v1 = NAN;
        }
        int which = -1;
        switch (ri->combine) {
        case RISK_COMBINE_ONE:
            if (cond_holds(c0->cmp, v0, t0)) which = 0;
            break;
        case RISK_COMBINE_FALLBACK:
            if (!isnan(v0)) {
                if (cond_holds(c0->cmp, v0, t0)) which = 0;
            } else if (cond_holds(c1->cmp, v1, t0)) {
                which = 1;
            }
            break;
        case RISK_COMBINE_AND:
            if (cond_holds(c0->cmp, v0, t0) && cond_holds(c1->cmp, v1, t1))
                which = 0;
            break;
        case RISK_COMBINE_OR:
            if (cond_holds(c0->cmp, v0, t0)) which = 0;
            else if (cond_holds(c1->cmp, v1, t1)) which = 1;
            break;
        }
        if (which < 0) continue;
        risk_flag *fl = &flags[n++];
        memset(fl, 0, sizeof *fl);
        fl->rule = (risk_rule_id)i;
        fl->code = ri->code;
        fl->feature = ri->cond[which].feature;
        fl->value = f->v[fl->feature];
        /* a fallback condition is compared with the first threshold */
        fl->threshold = (which == 1 && ri->combine != RISK_COMBINE_FALLBACK) ? t1 : t0;
        fl->peer = peer ? peer[fl->feature] : NAN;
        fl->serious = ri->serious;
        reason_write(fl, which, r, f);
    }
    *nflags = n;
    return 0;
}

/* The flags of r that fire for f, without peer comparison. */
int risk_rules_eval(const risk_rules *r, const risk_features *f, risk_flag *flags,
                    size_t *nflags) {
    return risk_rules_eval_peers(r, f, NULL, flags, nflags);
}

/* ---- thresholds as JSON ------------------------------------------------------------ */

/* A JSON number for v: an integer when whole. */
static json_t *json_num(double v) {
    if (v == rint(v) && fabs(v) < 1e15) return json_integer((json_int_t)v);
    return json_real(v);
}

/* The rules as the stored JSON object, appended to out. */
void risk_rules_json(const risk_rules *r, buf *out) {
    json_t *root = json_object();
    for (int i = 0; i < RISK_RULE_COUNT; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "enabled", json_boolean(r->rule[i].enabled));
        for (int c = 0; c < 2; c++)
            if (rule_info[i].cond[c].param)
                json_object_set_new(o, rule_info[i].cond[c].param, json_num(r->rule[i].threshold[c]));
        json_object_set_new(root, rule_info[i].code, o);
    }
    json_t *t = json_object();
    json_object_set_new(t, "individual", json_num(r->share_individual));
    json_object_set_new(t, "selective", json_num(r->share_selective));
    json_object_set_new(root, "tiers", t);
    char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    if (!s) abort();   /* only when out of memory */
    buf_puts(out, s);
    free(s);
    json_decref(root);
}

/* The rule codes, comma-separated, into b (for error messages). */
static void rule_codes(buf *b) {
    for (int i = 0; i < RISK_RULE_COUNT; i++)
        buf_printf(b, "%s%s", i ? ", " : "", rule_info[i].code);
}

/* Plain-language name of a JSON value's type, for errors. */
static const char *json_kind(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "text";
    case JSON_TRUE: case JSON_FALSE: return "true/false";
    case JSON_NULL: return "null";
    default: return "a number";
    }
}

/* Check and set parameter c of rule i from v. */
static int param_set(risk_rules *r, int i, int c, const json_t *v, cairn_err *err) {
    const risk_rule_cond *rc = &rule_info[i].cond[c];
    if (!json_is_number(v))
        return err_set(err, CAIRN_EINVAL, "%s: %s must be a number, not %s", rule_info[i].code,
                       rc->param, json_kind(v));
    double x = json_number_value(v);
    char lo[48], hi[48], xs[48];
    num_format(rc->min, lo, sizeof lo);
    num_format(rc->max, hi, sizeof hi);
    snprintf(xs, sizeof xs, "%g", x);
    if (!isfinite(x) || x < rc->min || x > rc->max)
        return err_set(err, CAIRN_EINVAL, "%s: %s %s is out of range; it must be from %s to %s%s",
                       rule_info[i].code, rc->param, xs, lo, hi, rc->unit);
    if (rc->whole && x != rint(x))
        return err_set(err, CAIRN_EINVAL, "%s: %s %s must be a whole number", rule_info[i].code,
                       rc->param, xs);
    r->rule[i].threshold[c] = x;
    if (c == 0 && !rule_info[i].cond[1].param) r->rule[i].threshold[1] = x;
    return 0;
}

/* Check and set the tiers' shares from v ({"individual": 5, "selective":
** 15}, per cent). */
static int tiers_set(risk_rules *r, json_t *v, cairn_err *err) {
    if (!json_is_object(v))
        return err_set(err, CAIRN_EINVAL, "tiers: give an object such as {\"individual\": 5, "
                       "\"selective\": 15} (per cent of the learners), not %s", json_kind(v));
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
        double *to = strcmp(k, "individual") == 0 ? &r->share_individual
                   : strcmp(k, "selective") == 0 ? &r->share_selective : NULL;
        if (!to)
            return err_set(err, CAIRN_EINVAL, "tiers has no setting \"%s\"; it has individual "
                           "and selective (per cent of the learners)", k);
        if (!json_is_number(x))
            return err_set(err, CAIRN_EINVAL, "tiers: %s must be a number, not %s", k,
                           json_kind(x));
        double p = json_number_value(x);
        if (!isfinite(p) || p < 0 || p > 100)
            return err_set(err, CAIRN_EINVAL, "tiers: %s %g %% is out of range; it must be "
                           "from 0 to 100 %%", k, p);
        *to = p;
    }
    if (r->share_individual + r->share_selective > 100)
        return err_set(err, CAIRN_EINVAL, "tiers: individual %g %% and selective %g %% make "
                       "more than 100 %%", r->share_individual, r->share_selective);
    return 0;
}

/* Apply the settings in json over r, checking everything; on error r may be
** partly changed (callers work on a copy). */
static int rules_apply_json(risk_rules *r, const char *json, cairn_err *err) {
    json_error_t je;
    json_t *root = json_loads(json ? json : "", JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return err_set(err, CAIRN_EINVAL, "the rule settings are not valid JSON: %s (line %d, "
                       "column %d)", je.text, je.line, je.column);
    int rc = 0;
    if (!json_is_object(root)) {
        rc = err_set(err, CAIRN_EINVAL, "the rule settings must be a JSON object of rule codes, "
                     "e.g. {\"attendance_low\": 85}, not %s", json_kind(root));
        goto done;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        if (strcmp(key, "tiers") == 0) {
            if ((rc = tiers_set(r, val, err)) < 0) goto done;
            continue;
        }
        int i = risk_rule_find(key);
        if (i < 0) {
            buf b = BUF_INIT;
            rule_codes(&b);
            rc = err_set(err, CAIRN_EINVAL, "there is no rule \"%s\"; the rules are %s (and "
                         "\"tiers\" sets the tiers' shares)", key,
                         buf_cstr(&b));
            buf_free(&b);
            goto done;
        }
        if (json_is_number(val)) {
            if ((rc = param_set(r, i, 0, val, err)) < 0) goto done;
            continue;
        }
        if (!json_is_object(val)) {
            rc = err_set(err, CAIRN_EINVAL, "%s: give a number (the threshold) or an object "
                         "such as {\"threshold\": 3, \"enabled\": true}, not %s", key,
                         json_kind(val));
            goto done;
        }
        const char *k2;
        json_t *v2;
        json_object_foreach(val, k2, v2) {
            if (strcmp(k2, "enabled") == 0) {
                if (!json_is_boolean(v2)) {
                    rc = err_set(err, CAIRN_EINVAL, "%s: enabled must be true or false, not %s",
                                 key, json_kind(v2));
                    goto done;
                }
                r->rule[i].enabled = json_is_true(v2);
                continue;
            }
            int c = -1;
            for (int j = 0; j < 2; j++)
                if (rule_info[i].cond[j].param && strcmp(rule_info[i].cond[j].param, k2) == 0) c = j;
            if (c < 0) {
                rc = err_set(err, CAIRN_EINVAL, "rule %s has no setting \"%s\"; it has "
                             "threshold%s%s and enabled", key, k2,
                             rule_info[i].cond[1].param ? ", " : "",
                             rule_info[i].cond[1].param ? rule_info[i].cond[1].param : "");
                goto done;
            }
            if ((rc = param_set(r, i, c, v2, err)) < 0) goto done;
        }
    }
done:
    json_decref(root);
    return rc;
}

/* 1 if a and b hold the same settings (versions aside). */
static int rules_same(const risk_rules *a, const risk_rules *b) {
    for (int i = 0; i < RISK_RULE_COUNT; i++)
        if (a->rule[i].enabled != b->rule[i].enabled ||
            a->rule[i].threshold[0] != b->rule[i].threshold[0] ||
            a->rule[i].threshold[1] != b->rule[i].threshold[1])
            return 0;
    return a->share_individual == b->share_individual &&
           a->share_selective == b->share_selective;
}

/* The latest stored version into *out (1) or 0 when there is none. */
static int rules_latest(store *st, int64_t inst, risk_rules *out, cairn_err *err) {
    store_stmt *s = store_prepare(st, "SELECT version, thresholds FROM risk_rule_set"
                                      " WHERE institution_id = ? ORDER BY version DESC LIMIT 1",
                                  err);
    if (!s) return -1;
    store_bind_int64(s, 1, inst);
    int rc = store_step(s, err);
    if (rc == STORE_ROW) {
        risk_rules_defaults(out);
        out->institution_id = inst;
        out->version = (int)store_col_int64(s, 0);
        if (rules_apply_json(out, store_col_text(s, 1), err) < 0) {
            err_prefix(err, "rule set version %d of this institution is damaged", out->version);
            rc = -1;
        } else {
            rc = 1;
        }
    }
    store_finalize(s);
    return rc;
}

/* Store r as version r->version, made by who. */
static int rules_insert(store *st, const risk_rules *r, const char *who, int ignore_dup,
                        cairn_err *err) {
    char now[32];
    date_now_iso(now);
    buf js = BUF_INIT;
    risk_rules_json(r, &js);
    store_stmt *s = store_prepare(st, ignore_dup
        ? "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by, thresholds)"
          " VALUES (?, ?, ?, ?, ?) ON CONFLICT (institution_id, version) DO NOTHING"
        : "INSERT INTO risk_rule_set (institution_id, version, created_at, created_by, thresholds)"
          " VALUES (?, ?, ?, ?, ?)", err);
    int rc = -1;
    if (s) {
        store_bind_int64(s, 1, r->institution_id);
        store_bind_int64(s, 2, r->version);
        store_bind_text(s, 3, now, (size_t)-1);
        store_bind_text(s, 4, who, (size_t)-1);
        store_bind_text(s, 5, js.data, js.len);
        rc = store_step(s, err) < 0 ? -1 : 0;
        store_finalize(s);
    }
    buf_free(&js);
    return rc;
}

/* Fail unless the institution exists. */
static int institution_check(store *st, int64_t inst, cairn_err *err) {
    int64_t n = 0;
    if (store_query_int64(st, "SELECT count(*) FROM institution WHERE id = ?", inst, &n, err) < 0)
        return -1;
    if (!n) return err_set(err, CAIRN_ENOTFOUND, "there is no institution with id %lld",
                           (long long)inst);
    return 0;
}

/* The latest rule set of the institution; stores version 1 with the
** defaults when there is none. */
int risk_rules_load(store *st, int64_t inst, risk_rules *out, cairn_err *err) {
    int rc = rules_latest(st, inst, out, err);
    if (rc != 0) return rc < 0 ? -1 : 0;
    if (institution_check(st, inst, err) < 0) return -1;
    risk_rules d;
    risk_rules_defaults(&d);
    d.institution_id = inst;
    d.version = 1;
    if (rules_insert(st, &d, "cairn (defaults)", 1, err) < 0) return -1;
    rc = rules_latest(st, inst, out, err);
    if (rc == 0) return err_set(err, CAIRN_EDB, "the default rule set could not be stored");
    return rc < 0 ? -1 : 0;
}

/* Check json against the latest rules and store the result as a new
** version; nothing is stored on any error or when nothing changes. */
int risk_rules_set(store *st, int64_t inst, const char *json, const char *who, cairn_err *err) {
    if (!who || !*who)
        return err_set(err, CAIRN_EINVAL, "say who changes the rules (it is recorded with them)");
    if (store_tx_begin_write(st, RULES_LOCK_KEY, err) < 0) return -1;
    risk_rules cur, next;
    int rc = institution_check(st, inst, err);
    if (rc == 0) {
        rc = rules_latest(st, inst, &cur, err);
        if (rc == 0) {
            risk_rules_defaults(&cur);
            cur.institution_id = inst;
        }
    }
    if (rc >= 0) {
        next = cur;
        rc = rules_apply_json(&next, json, err);
    }
    if (rc >= 0 && cur.version > 0 && rules_same(&cur, &next)) {
        store_tx_rollback(st);
        return 0;   /* no change, no new version */
    }
    if (rc >= 0) {
        next.version = cur.version + 1;
        rc = rules_insert(st, &next, who, 0, err);
    }
    if (rc < 0) {
        store_tx_rollback(st);
        return -1;
    }
    return store_tx_commit(st, err) < 0 ? -1 : 0;
}
