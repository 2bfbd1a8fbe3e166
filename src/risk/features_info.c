/*
** risk/features_info.c — what each indicator is called, in words a teacher
** uses, its unit and which way is riskier.
**
** The codes are stable: models, rules and explanations store them, so a code
** is never renamed or reused; a new indicator gets a new code.
*/
#include "risk/features.h"
#include <math.h>
#include <string.h>

static const risk_feature_info infos[RF_COUNT] = {
    [RF_ATT_RATE_2W] = {"att_rate_2w", "attendance in the last 2 weeks", "%", -1},
    [RF_ATT_RATE_4W] = {"att_rate_4w", "attendance in the last 4 weeks", "%", -1},
    [RF_ATT_RATE_8W] = {"att_rate_8w", "attendance in the last 8 weeks", "%", -1},
    [RF_ATT_RATE_TERM] = {"att_rate_term", "attendance this term", "%", -1},
    [RF_UNEXCUSED_4W] = {"unexcused_4w", "days absent without excuse in the last 4 weeks",
                         "days", +1},
    [RF_UNEXCUSED_TERM] = {"unexcused_term", "days absent without excuse this term", "days", +1},
    [RF_UNEXCUSED_STREAK] = {"unexcused_streak",
                             "longest run of school days absent without excuse this term",
                             "days", +1},
    [RF_LATE_4W] = {"late_4w", "times late in the last 4 weeks", "times", +1},
    [RF_ATT_SLOPE_8W] = {"att_slope_8w", "weekly change in attendance over the last 8 weeks",
                         "% points per week", -1},
    [RF_ATT_DROP] = {"att_drop", "change in weekly attendance since its biggest recent shift",
                     "% points", -1},
    [RF_ATT_DROP_WEEKS] = {"att_drop_weeks", "weeks since attendance last shifted", "weeks", 0},
    [RF_FAILED_TERM] = {"failed_term", "assessments failed this term", "count", +1},
    [RF_MISSING_TERM] = {"missing_term", "assessments not handed in this term", "count", +1},
    [RF_LATE_SUBMIT_TERM] = {"late_submit_term", "assessments handed in late this term", "count",
                             +1},
    [RF_SCORE_AVG_TERM] = {"score_avg_term", "average mark this term", "% of max", -1},
    [RF_SCORE_CHANGE] = {"score_change", "average mark this term compared with earlier terms",
                         "% points", -1},
    [RF_BEHAV_MINOR_8W] = {"behav_minor_8w", "minor behaviour incidents in the last 8 weeks",
                           "count", +1},
    [RF_BEHAV_SERIOUS_8W] = {"behav_serious_8w",
                             "moderate or serious behaviour incidents in the last 8 weeks",
                             "count", +1},
    [RF_LMS_ACTIVE_4W] = {"lms_active_4w",
                          "days active on the learning platform in the last 4 weeks", "days", -1},
    [RF_LMS_MINUTES_4W] = {"lms_minutes_4w", "minutes on the learning platform in the last 4 weeks",
                           "minutes", -1},
    [RF_LMS_DAYS_SINCE] = {"lms_days_since", "days since last active on the learning platform",
                           "days", +1},
    [RF_LMS_TREND] = {"lms_trend",
                      "days active on the learning platform, last 2 weeks minus the 2 weeks before",
                      "days", -1},
    [RF_MOOD_TREND] = {"mood_trend", "how the learner says they feel, weekly change",
                       "points per week", -1},
    [RF_WEEKS_ENROLLED] = {"weeks_enrolled", "weeks since starting the programme", "weeks", 0},
    [RF_LMS_CLICKS_4W] = {"lms_clicks_4w", "clicks on the learning platform in the last 4 weeks",
                          "clicks", -1},
    [RF_LMS_LOGINS_4W] = {"lms_logins_4w", "logins to the learning platform in the last 4 weeks",
                          "logins", -1},
    [RF_LMS_SUBMISSIONS_4W] = {"lms_submissions_4w",
                               "work submitted on the learning platform in the last 4 weeks",
                               "submissions", -1},
    [RF_LMS_POSTS_4W] = {"lms_posts_4w", "forum posts on the learning platform in the last 4 weeks",
                         "forum posts", -1},
};

/* Each metric's plain name, the names a school may send for it (the SQL
** of risk/features.c lists the same, lower case) and its indicator. */
static const struct {
    const char *name, *aliases;
    int feature;
} metrics[RISK_METRIC_KINDS] = {
    [RISK_METRIC_OTHER] = {NULL, "", -1},
    [RISK_METRIC_MINUTES] = {"minutes", "minutes, time_minutes", RF_LMS_MINUTES_4W},
    [RISK_METRIC_CLICKS] = {"clicks", "clicks, click, views, page_views", RF_LMS_CLICKS_4W},
    [RISK_METRIC_LOGINS] = {"logins", "logins, login, sessions", RF_LMS_LOGINS_4W},
    [RISK_METRIC_SUBMISSIONS] = {"submissions", "submissions, submission, submitted",
                                 RF_LMS_SUBMISSIONS_4W},
    [RISK_METRIC_POSTS] = {"forum posts", "forum_posts, posts, forum", RF_LMS_POSTS_4W},
};

/* The plain name of metric k, NULL for other or out of range. */
const char *risk_metric_name(int k) {
    return k > 0 && k < RISK_METRIC_KINDS ? metrics[k].name : NULL;
}

/* The names a school may send for metric k. */
const char *risk_metric_aliases(int k) {
    return k >= 0 && k < RISK_METRIC_KINDS ? metrics[k].aliases : "";
}

/* The indicator of metric k, or -1. */
int risk_metric_feature(int k) {
    return k > 0 && k < RISK_METRIC_KINDS ? metrics[k].feature : -1;
}

/* Which metrics the rows know. */
unsigned risk_metrics_known(const risk_features *rows, size_t n) {
    unsigned known = 0;
    for (int k = 1; k < RISK_METRIC_KINDS; k++)
        for (size_t i = 0; i < n; i++)
            if (!isnan(rows[i].v[metrics[k].feature])) {
                known |= 1u << k;
                break;
            }
    return known;
}

/* The description of feature f; a static entry, never freed.  NULL when f is
** not an RF_* value. */
const risk_feature_info *risk_feature_info_of(risk_feature f) {
    if ((int)f < 0 || f >= RF_COUNT) return NULL;
    return &infos[f];
}

/* The feature whose code is code, or -1 when no feature has that code. */
int risk_feature_find(const char *code) {
    if (!code) return -1;
    for (int f = 0; f < RF_COUNT; f++)
        if (strcmp(infos[f].code, code) == 0) return f;
    return -1;
}
