/*
** risk/risk_schema.c — the risk room's tables, as migrations.
**
**   risk_rule_set  the thresholds of the rules, per institution and
**                  versioned: a change adds a version, and every score
**                  records the version that flagged it.
**   risk_model     learned models (XGBoost, base64 TEXT so one column type
**                  serves both databases), their model card and calibration;
**                  at most one active per institution.
**   risk_score     one row per learner per "as of" date: the history, so a
**                  learner's risk over time can be drawn.  tier is 0
**                  universal, 1 selective, 2 individual (risk_tier);
**                  model_version 0 means rules only; probability is NULL
**                  without a model.  flags, reasons and features are JSON.
**
** The same SQL serves SQLite and PostgreSQL (dates 'YYYY-MM-DD' TEXT,
** booleans SMALLINT); institution_id leads every key.
*/
#include "risk/risk.h"

static const store_migration risk_migrations[] = {
    {"risk", 1, "rule sets, models, scores",
     "CREATE TABLE risk_rule_set ("
     " institution_id BIGINT NOT NULL REFERENCES institution(id),"
     " version INTEGER NOT NULL CHECK (version >= 1),"
     " created_at TEXT NOT NULL, created_by TEXT NOT NULL,"
     " thresholds TEXT NOT NULL,"
     " PRIMARY KEY (institution_id, version));"
     "CREATE TABLE risk_model ("
     " institution_id BIGINT NOT NULL REFERENCES institution(id),"
     " version INTEGER NOT NULL CHECK (version >= 1),"
     " created_at TEXT NOT NULL, created_by TEXT NOT NULL,"
     " horizon_weeks SMALLINT NOT NULL CHECK (horizon_weeks >= 1),"
     " features TEXT NOT NULL, card TEXT NOT NULL,"
     " model TEXT NOT NULL, calibration TEXT,"
     " active SMALLINT NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),"
     " PRIMARY KEY (institution_id, version));"
     "CREATE UNIQUE INDEX risk_model_one_active ON risk_model (institution_id)"
     " WHERE active = 1;"
     "CREATE TABLE risk_score ("
     " institution_id BIGINT NOT NULL, learner_id BIGINT NOT NULL,"
     " enrolment_id BIGINT NOT NULL, asof TEXT NOT NULL,"
     " rule_set_version INTEGER NOT NULL,"
     " model_version INTEGER NOT NULL DEFAULT 0 CHECK (model_version >= 0),"
     " probability DOUBLE PRECISION"
     "  CHECK (probability IS NULL OR (probability >= 0 AND probability <= 1)),"
     " tier SMALLINT NOT NULL CHECK (tier BETWEEN 0 AND 2),"
     " flags TEXT NOT NULL, reasons TEXT NOT NULL, features TEXT NOT NULL,"
     " input_hash TEXT NOT NULL, computed_at TEXT NOT NULL,"
     " PRIMARY KEY (institution_id, learner_id, asof),"
     " FOREIGN KEY (institution_id, learner_id) REFERENCES learner(institution_id, id),"
     " FOREIGN KEY (institution_id, enrolment_id) REFERENCES enrolment(institution_id, id),"
     " FOREIGN KEY (institution_id, rule_set_version)"
     "  REFERENCES risk_rule_set(institution_id, version));"
     "CREATE INDEX risk_score_by_asof ON risk_score (institution_id, asof);"},
    /* Index-backed reads at 100,000 learners (bench/web_wrk.sh):
    ** risk_score_attention walks one day's scores in the dashboard's order
    ** (tier, then probability, highest first: read backwards) and holds
    ** flags and learner_id, so the counts per tier and the attention total
    ** are read from the index alone; it starts with (institution_id, asof)
    ** and so replaces risk_score_by_asof.  result_by_learner_date serves
    ** "one learner's results between two days" (the learner page's
    ** timeline), which the planner otherwise answers from result_by_date,
    ** every learner's results in the window. */
    {"risk", 2, "indexes for the dashboard and the learner page",
     "CREATE INDEX risk_score_attention ON risk_score"
     " (institution_id, asof, tier, coalesce(probability, -1), flags, learner_id);"
     "DROP INDEX risk_score_by_asof;"
     "CREATE INDEX result_by_learner_date ON result (institution_id, learner_id, date);"},
};

/* Create or upgrade the risk tables; *applied (may be NULL) gets how many
** migrations ran. */
int risk_migrate(store *st, int *applied, cairn_err *err) {
    return store_migrate(st, risk_migrations, sizeof risk_migrations / sizeof *risk_migrations,
                         applied, err);
}
