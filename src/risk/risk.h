/*
** risk/risk.h — early warning: rules, tiers, scores and their history.
**
** The risk room turns a learner's point-in-time indicators (risk/features.h)
** into signs a person can act on:
**
**   - rules: the attendance / behaviour / course-performance ("ABC") flags of
**     well-tested school early-warning systems, each with a plain-language
**     reason that gives the learner's value, the school's threshold and the
**     typical value in the learner's group.  Thresholds are per institution
**     and versioned (table risk_rule_set).
**   - tiers: the three levels of psychosocial support — universal (everyone),
**     selective, individual — from the model's probability or, without a
**     model, from the flags; optionally limited by what the team can take.
**   - scores: one row per learner per "as of" date (table risk_score), so a
**     learner's risk over time can be drawn; re-running a day replaces it.
**
** A flag is advice for a person to look at, never an automatic decision:
** every flag says why, and nothing in cairn acts on a flag by itself.
**
** Ownership: functions returning malloc'd memory say so; nothing prints.
*/
#ifndef CAIRN_RISK_RISK_H
#define CAIRN_RISK_RISK_H
#include "base/buf.h"
#include "base/err.h"
#include "risk/features.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

/* Create or upgrade the risk tables (risk_rule_set, risk_model, risk_score).
** The school tables must exist (school_migrate first).  *applied (may be
** NULL) gets how many migrations ran. */
int risk_migrate(store *st, int *applied, cairn_err *err);

/* ---- rules ------------------------------------------------------------------ */

/* The default rules, in the order flags are listed (attendance, behaviour,
** course performance, engagement). */
typedef enum {
    RISK_RULE_ATTENDANCE_LOW,      /* attendance in the last 4 weeks (else this term) < 90 % */
    RISK_RULE_ATTENDANCE_DROP,     /* weekly attendance fell >= 20 points within 6 weeks */
    RISK_RULE_BEHAVIOUR_SERIOUS,   /* >= 1 incident of severity 2-3 in 8 weeks (serious) */
    RISK_RULE_BEHAVIOUR_REPEATED,  /* >= 2 minor incidents in 8 weeks */
    RISK_RULE_FAILED_UNIT,         /* >= 1 failed assessment this term */
    RISK_RULE_MISSING_WORK,        /* >= 1 missing assessment this term */
    RISK_RULE_ENGAGEMENT_DROP,     /* no platform activity >= 14 days, or active days -5 */
    RISK_RULE_COUNT
} risk_rule_id;

typedef enum { RISK_CMP_LT, RISK_CMP_LE, RISK_CMP_GE } risk_cmp;   /* value < , <= , >= threshold */

/* How a rule's two conditions combine. */
typedef enum {
    RISK_COMBINE_ONE,        /* one condition only */
    RISK_COMBINE_FALLBACK,   /* the second indicator is read, with the first threshold,
                                only when the first indicator is not known */
    RISK_COMBINE_AND,        /* both must hold (both indicators known) */
    RISK_COMBINE_OR          /* either holds */
} risk_combine;

/* One condition of a rule: indicator, comparison, and the parameter that
** holds its threshold. */
typedef struct risk_rule_cond {
    risk_feature feature;
    risk_cmp     cmp;
    const char  *param;      /* JSON key: "threshold", "within_weeks", "trend"; NULL = shares cond[0]'s */
    const char  *unit;       /* written right after a value: " %", " points", " days", "" */
    double       def, min, max;   /* default and allowed range (inclusive) */
    int          whole;      /* the value must be a whole number */
} risk_rule_cond;

/* The fixed description of a rule. */
#define RISK_GUARD_CALENDAR 2

typedef struct risk_rule_info {
    const char    *code;     /* stable identifier, e.g. "attendance_low" */
    const char    *title;    /* short plain-language name: "low attendance" */
    const char    *what;     /* one sentence for a school leader */
    int            serious;  /* 1: this flag alone means selective support */
    int            group_guard;   /* 1: a condition does not hold when the learner's group
                                     as a whole meets it too (its median does): that is a
                                     whole-class change, not this learner.
                                     RISK_GUARD_CALENDAR: when the school's calendar is
                                     known (risk_features.calendar), the part of the change
                                     that a break explains is taken off instead, whatever
                                     the group did; without a calendar as 1 */
    risk_combine   combine;
    risk_rule_cond cond[2];  /* cond[1] unused when combine is RISK_COMBINE_ONE */
} risk_rule_info;

/* The description of rule r (static; never NULL for r < RISK_RULE_COUNT). */
const risk_rule_info *risk_rule_info_of(risk_rule_id r);

/* The rule called code, or -1. */
int risk_rule_find(const char *code);

/* An institution's rule set: one version of its thresholds. */
typedef struct risk_rules {
    int64_t institution_id;
    int     version;            /* risk_rule_set.version; 0 = the defaults, not stored */
    struct {
        int    enabled;         /* 0: the rule never fires */
        double threshold[2];    /* cond[0], cond[1] thresholds */
    } rule[RISK_RULE_COUNT];
    /* The tiers' shape, in per cent of the learners scored (JSON "tiers":
    ** {"individual": 5, "selective": 15}): the top share_individual are
    ** individual, the next share_selective selective (risk_tier_opts).  Both
    ** 0: tiers from the probability thresholds or flag counts instead. */
    double share_individual, share_selective;
} risk_rules;

/* Fill r with the default thresholds (version 0, institution 0). */
void risk_rules_defaults(risk_rules *r);

/* The latest rule-set version of the institution into *out; when it has
** none yet, version 1 with the defaults is stored first (created_by
** "cairn (defaults)"). */
int risk_rules_load(store *st, int64_t institution_id, risk_rules *out, cairn_err *err);

/* Change thresholds.  json is an object whose keys are rule codes; each
** value is a number (the rule's "threshold") or an object with any of
** "threshold", the rule's second parameter ("within_weeks" for
** attendance_drop, "trend" for engagement_drop) and "enabled" (true/false).
** The key "tiers" is not a rule: {"individual": 5, "selective": 15} sets
** the tiers' shares in per cent (0 to 100 each, together at most 100; both
** 0 = by thresholds).  Rules not named keep their current values.  Everything is checked first:
** an unknown rule code or key, a value that is not a number, a number out of
** its range or not whole where it must be gives an error naming it, and
** nothing is stored.  A valid change is stored as a new version (latest + 1)
** recorded as made by who; if it changes nothing, no version is added.
** Runs its own write transaction (so not inside one). */
int risk_rules_set(store *st, int64_t institution_id, const char *json, const char *who,
                   cairn_err *err);

/* The rules as the JSON object stored in risk_rule_set.thresholds (every
** rule with "enabled" and its parameters), appended to out. */
void risk_rules_json(const risk_rules *r, buf *out);

#define RISK_REASON_MAX 320

/* A rule that fired for a learner. */
typedef struct risk_flag {
    risk_rule_id rule;
    const char  *code;          /* the rule's code (static) */
    risk_feature feature;       /* the indicator whose value fired it */
    double       value;         /* the learner's value */
    double       threshold;     /* the school's threshold it crossed */
    double       peer;          /* median of the learner's group, NAN if not shown */
    int          serious;
    char         reason[RISK_REASON_MAX];   /* a sentence for a person to look at */
} risk_flag;

/* The flags of rules r that fire for f, in rule order, into flags (room for
** RISK_RULE_COUNT); *nflags gets how many.  Unknown (NAN) indicators never
** fire a rule.  Returns 0. */
int risk_rules_eval(const risk_rules *r, const risk_features *f, risk_flag *flags,
                    size_t *nflags);

/* As risk_rules_eval, with peer (may be NULL): RF_COUNT medians of the
** learner's group (from risk_peers_of), shown in each reason as "— peers in
** the same group: X" when known, and used by the rules with a group guard
** (attendance_drop, engagement_drop): when the group's median meets the
** condition too, it is the calendar (a holiday, a whole-class dip), and
** the rule does not fire. */
int risk_rules_eval_peers(const risk_rules *r, const risk_features *f, const double *peer,
                          risk_flag *flags, size_t *nflags);

/* ---- peer comparison ---------------------------------------------------------- */

/* A group's median is shown only when at least this many of its learners
** have the indicator known, so it never reveals one classmate's value. */
#define RISK_PEER_MIN 5

/* Per group (risk_target.group_id), the median of each indicator over the
** group's learners in one run. */
typedef struct risk_peers {
    size_t   ngroups;
    int64_t *group_id;           /* ascending */
    double  (*median)[RF_COUNT]; /* NAN where fewer than RISK_PEER_MIN known */
} risk_peers;

/* Compute the medians of rows[0..n) (learners without a group, group_id 0,
** are left out).  out is freed with risk_peers_free().  Returns 0. */
int risk_peer_medians(const risk_features *rows, size_t n, risk_peers *out, cairn_err *err);

/* The RF_COUNT medians of group_id, or NULL when the group is not known. */
const double *risk_peers_of(const risk_peers *p, int64_t group_id);

/* Release what risk_peer_medians() allocated; p is empty after. */
void risk_peers_free(risk_peers *p);

/* ---- tiers -------------------------------------------------------------------- */

/* The three levels of psychosocial support. */
typedef enum {
    RISK_TIER_UNIVERSAL = 0,    /* what every learner gets */
    RISK_TIER_SELECTIVE = 1,    /* a closer look, small-group or light-touch support */
    RISK_TIER_INDIVIDUAL = 2    /* a key worker and an individual plan */
} risk_tier;

#define RISK_TIER_COUNT 3

/* "universal", "selective", "individual". */
const char *risk_tier_name(risk_tier t);

/* Defaults for a zeroed struct are in the comments. */
typedef struct risk_tier_opts {
    double p_selective;         /* probability for selective, 0 = 0.3 */
    double p_individual;        /* probability for individual, 0 = 0.6 */
    long   capacity;            /* > 0: only the top N become individual */
    long   capacity_selective;  /* with capacity: > 0 the next M become selective;
                                   0 = after the top N, whoever the thresholds or
                                   rules put at selective or above is selective */
    double share_individual;    /* without capacity, > 0: the top share of learners
                                   (0.05 = 5 %) become individual (see below) */
    double share_selective;     /* with share_individual: the next share selective */
} risk_tier_opts;

/* The usual multi-tier shape, each institution's default (risk_rules):
** about 5 % individual, 15 % selective, the rest universal. */
#define RISK_SHARE_INDIVIDUAL_DEFAULT 5.0    /* per cent */
#define RISK_SHARE_SELECTIVE_DEFAULT 15.0    /* per cent */

/* What the tiers are decided from, per learner. */
typedef struct risk_tier_input {
    int64_t learner_id;         /* the last tie-break: lower id first */
    double  probability;        /* NAN when there is no model (or no estimate) */
    int     nflags;
    int     nserious;
} risk_tier_input;

/* The tier of each of in[0..n) into out[0..n).  o may be NULL.
**
** With a probability: individual when p >= p_individual, selective when
** p >= p_selective; a serious flag lifts a learner to at least selective.
** Without one (rules only): individual with 3 or more flags; selective with
** 2 flags or any serious flag; universal otherwise.
**
** With a capacity N: learners are ranked by probability, then serious
** flags, then flags (rules only: by flags, then serious flags), and last by
** learner id, lower first — an arbitrary but stable tie-break, so whoever
** sits at the boundary deserves a person's look.  The first N are
** individual, then the next M selective (or see capacity_selective).  Only
** learners with a sign — a probability, or at least one flag — are ranked;
** the rest stay universal.
**
** With shares (no capacity; share_individual or share_selective > 0): the
** same ranking; the first round(share_individual x n) learners are
** individual and the next round(share_selective x n) selective, n counting
** every learner given (those without a sign too, who are never lifted).  A
** serious flag still lifts a learner to at least selective (so the
** selective share can be a little above its setting).
**
** Options out of range (p not in (0,1], p_individual < p_selective,
** negative capacity, shares not in [0,1] or above 1 together) give an
** error. */
int risk_tiers_assign(const risk_tier_input *in, size_t n, const risk_tier_opts *o,
                      risk_tier *out, cairn_err *err);

/* ---- the learned model's call point ------------------------------------------ */

#define RISK_MODEL_REASONS 3

/* The model's estimate for one learner. */
typedef struct risk_prediction {
    double       probability;                  /* of leaving early; NAN = not estimated */
    int          nreasons;                     /* indicators that raised it most */
    risk_feature reason_feature[RISK_MODEL_REASONS];
    double       reason_contribution[RISK_MODEL_REASONS];   /* log-odds, > 0 */
} risk_prediction;

/* A predictor: estimates for rows[0..n) into out[0..n), and the version of
** the model used into *model_version — 0 means "no model", and then out is
** not read and scores are rules only. */
typedef int (*risk_predict_fn)(void *ctx, store *st, int64_t institution_id,
                               const risk_features *rows, size_t n, risk_prediction *out,
                               int *model_version, cairn_err *err);

/* CALL POINT for the learned model.  The default predictor used by
** risk_score_run(): the institution's active model in risk_model.  For now
** it always answers "no model" (*model_version = 0), so scores are rules
** only; the training work replaces its body (in risk/score.c) with a call
** to its predictor (risk_train_predict_active in risk/train.h). */
int risk_predict_active(void *ctx, store *st, int64_t institution_id,
                        const risk_features *rows, size_t n, risk_prediction *out,
                        int *model_version, cairn_err *err);

/* ---- scores ------------------------------------------------------------------- */

typedef struct risk_score_opts {
    risk_tier_opts  tiers;
    risk_predict_fn predict;    /* NULL = risk_predict_active */
    void           *predict_ctx;
    size_t          top;        /* learners in the summary's top list, 0 = 10 */
} risk_score_opts;

/* One of the learners most in need of a look, for the summary. */
typedef struct risk_score_top {
    int64_t   learner_id;
    char      ref[65];          /* the school's own identifier */
    char      name[160];        /* given and family name */
    risk_tier tier;
    double    probability;      /* NAN without a model */
    size_t    nflags;
    risk_flag flags[RISK_RULE_COUNT];
    size_t    nmodel;           /* the model's reasons that say something (see score.c) */
    char      model_reason[RISK_MODEL_REASONS][RISK_REASON_MAX];
} risk_score_top;

typedef struct risk_score_summary {
    int32_t asof;
    int     rule_set_version;
    int     model_version;       /* 0 = rules only */
    size_t  learners;            /* learners scored (one row each) */
    size_t  computed;            /* enrolments whose indicators were computed */
    size_t  written;             /* rows inserted or replaced */
    size_t  unchanged;           /* rows already stored exactly so: not written */
    size_t  removed;             /* rows of this date for learners no longer active */
    size_t  same_as_before;      /* learners whose score equals their previous date's */
    size_t  tier_count[RISK_TIER_COUNT];
    size_t  flagged;             /* learners with at least one flag */
    size_t  flag_count[RISK_RULE_COUNT];
    size_t  ntop;
    risk_score_top *top;         /* malloc'd; risk_score_summary_free() */
} risk_score_summary;

/* Score every learner active on asof: indicators -> rules -> model (if
** active) -> tiers, written to risk_score in one transaction, one row per
** learner for that date (a learner with two active enrolments gets the
** row of the one that needs more attention).  Re-running a date replaces
** its rows; a row whose content (indicators, versions, flags, reasons,
** tier) is unchanged is not written and counted as unchanged.  o may be
** NULL.  Runs its own write transaction (so not inside one); on error
** nothing is written.  out is filled (free with risk_score_summary_free()). */
int risk_score_run(store *st, int64_t institution_id, int32_t asof, const risk_score_opts *o,
                   risk_score_summary *out, cairn_err *err);

/* Release the summary's top list. */
void risk_score_summary_free(risk_score_summary *s);

/* The summary as a JSON object (counts, tiers, flags, top learners with
** their reasons), appended to out. */
void risk_score_summary_json(const risk_score_summary *s, buf *out);

#define RISK_FLAGS_JSON_MAX 256

/* One stored score of a learner. */
typedef struct risk_score_point {
    int32_t   asof;
    int64_t   enrolment_id;
    int       rule_set_version;
    int       model_version;
    double    probability;       /* NAN when there was no model */
    risk_tier tier;
    int       nflags;
    char      flags[RISK_FLAGS_JSON_MAX];   /* JSON array of flag codes */
} risk_score_point;

/* Every stored score of one learner, oldest first (for a chart).  *out is
** malloc'd (NULL when there are none); caller frees. */
int risk_score_history(store *st, int64_t institution_id, int64_t learner_id,
                       risk_score_point **out, size_t *n, cairn_err *err);

#endif
