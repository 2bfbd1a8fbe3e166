/*
** support/intervention_effect.h — what an intervention changed, read from
** each participant's own indicators before and after it.
**
** For a participant who joined on day J an intervention of W weeks:
**
**   before  the indicators as of J - 1 (the day before joining)
**   after   the indicators as of J + 7W - 1 (its last day)
**
** computed by the risk room (risk_features_compute), never by hand here.
** The windows follow the duration as far as the risk room's indicators
** allow (they come in 2, 4 and 8 weeks and "this term"):
**
**   attendance   attendance rate over the last 2 weeks (W <= 3), 4 weeks
**                (W 4..7) or 8 weeks (W >= 8): the longest window that
**                fits in the intervention, 2 weeks at least
**   results      the average score this term (% of the maximum)
**   engagement   days active on the learning platform in the last 4 weeks
**
** An indicator not known on either day (NAN) leaves the participant out of
** that indicator's average.  A participant whose last day is after "today"
** is not measured yet.
**
** Per intervention the average change (after - before) over participants
** and the counts go through base/suppress.h: the table's cells are the
** participants measured (shown), for each indicator those with both values
** (shown) and those without (never shown, but protected), each indicator a
** line "participants = with + without".  A withheld cell hides its average.
*/
#ifndef CAIRN_SUPPORT_INTERVENTION_EFFECT_H
#define CAIRN_SUPPORT_INTERVENTION_EFFECT_H
#include "risk/features.h"
#include "support/intervention.h"

enum { IE_ATTENDANCE, IE_RESULTS, IE_ENGAGEMENT, IE_COUNT };

/* The risk room's indicator read for indicator (IE_*) of an intervention of
** duration_weeks weeks. */
risk_feature intervention_effect_feature(int indicator, int duration_weeks);

/* The msgid naming indicator with its window ("attendance, last 4 weeks"). */
const char *intervention_effect_name(int indicator, int duration_weeks);

/* One participant's indicators before and after. */
typedef struct intervention_effect {
    int64_t participation_id, learner_id;
    int32_t before_asof, after_asof;
    int     measurable;                /* 1 = after_asof <= today */
    double  before[IE_COUNT], after[IE_COUNT];   /* NAN = not known (or not measurable) */
} intervention_effect;

/* The effect rows of parts[0..n) in an intervention of duration_weeks, as
** of today (days): one per participant, in the same order.  *out malloc'd
** (NULL when n is 0). */
int intervention_effect_read(store *st, int64_t institution_id,
                             const intervention_participant *parts, size_t n,
                             int duration_weeks, int32_t today, intervention_effect **out,
                             cairn_err *err);

/* The averages over rows, suppressed. */
typedef struct intervention_effect_summary {
    long long     participants;            /* measurable participants */
    long long     pending;                 /* not measurable yet (not shown to leaders) */
    long long     measured[IE_COUNT];      /* of them, with both values known */
    double        mean_change[IE_COUNT];   /* after - before, averaged; NAN when none */
    unsigned char participants_state;      /* suppress_state of participants */
    unsigned char state[IE_COUNT];         /* suppress_state of measured[i] (and its mean) */
    long long     min_cell;
} intervention_effect_summary;

/* Average rows[0..n) and apply base/suppress.h with min_cell (>= 1). */
void intervention_effect_summarise(const intervention_effect *rows, size_t n,
                                   long long min_cell, intervention_effect_summary *out);

/* The summary of every participant of every run of intervention_id as of
** today, with METRIC_MIN_CELL. */
int intervention_effect_of(store *st, int64_t institution_id, int64_t intervention_id,
                           int32_t today, intervention_effect_summary *out, cairn_err *err);

#endif
