#!/usr/bin/python3
"""bench/score_peer.py — the peer of `cairn score`, written the way an analyst would.

    /usr/bin/python3 bench/score_peer.py DB ASOF OUT.csv

pandas reads the events up to ASOF from the same SQLite file (pd.read_sql over
sqlite3), computes the same indicators per active enrolment as
src/risk/features.c (vectorised: groupby, pivots and numpy over whole columns,
no Python loop per learner), the group medians, the rule flags of
src/risk/rules.c, loads the SAME trained XGBoost model from table risk_model
(base64 of XGBoost's saved model bytes), predicts the probability (calibrated
as cairn does when the model has a calibration), takes per-feature
contributions (TreeSHAP, pred_contribs=True), writes the top-3 reasons per
learner as sentences and the tier, and saves one row per learner to OUT.csv.

Prints one line of JSON with the counts, for the benchmark to report.
Run it with Debian's python3 (python3-pandas, python3-xgboost).
"""
import base64
import json
import sqlite3
import sys

import numpy as np
import pandas as pd
import xgboost as xgb

# The indicators, in the order of risk_feature (src/risk/features.h), with
# the plain-language name, unit and direction of src/risk/features_info.c.
FEATURES = [
    ("att_rate_2w", "attendance in the last 2 weeks", "%", -1),
    ("att_rate_4w", "attendance in the last 4 weeks", "%", -1),
    ("att_rate_8w", "attendance in the last 8 weeks", "%", -1),
    ("att_rate_term", "attendance this term", "%", -1),
    ("unexcused_4w", "days absent without excuse in the last 4 weeks", "days", +1),
    ("unexcused_term", "days absent without excuse this term", "days", +1),
    ("unexcused_streak", "longest run of school days absent without excuse this term", "days", +1),
    ("late_4w", "times late in the last 4 weeks", "times", +1),
    ("att_slope_8w", "weekly change in attendance over the last 8 weeks", "% points per week", -1),
    ("att_drop", "change in weekly attendance since its biggest recent shift", "% points", -1),
    ("att_drop_weeks", "weeks since attendance last shifted", "weeks", 0),
    ("failed_term", "assessments failed this term", "count", +1),
    ("missing_term", "assessments not handed in this term", "count", +1),
    ("late_submit_term", "assessments handed in late this term", "count", +1),
    ("score_avg_term", "average mark this term", "% of max", -1),
    ("score_change", "average mark this term compared with earlier terms", "% points", -1),
    ("behav_minor_8w", "minor behaviour incidents in the last 8 weeks", "count", +1),
    ("behav_serious_8w", "moderate or serious behaviour incidents in the last 8 weeks", "count", +1),
    ("lms_active_4w", "days active on the learning platform in the last 4 weeks", "days", -1),
    ("lms_minutes_4w", "minutes on the learning platform in the last 4 weeks", "minutes", -1),
    ("lms_days_since", "days since last active on the learning platform", "days", +1),
    ("lms_trend", "days active on the learning platform, last 2 weeks minus the 2 weeks before", "days", -1),
    ("mood_trend", "how the learner says they feel, weekly change", "points per week", -1),
    ("weeks_enrolled", "weeks since starting the programme", "weeks", 0),
]
CODES = [f[0] for f in FEATURES]
INFO = {f[0]: f for f in FEATURES}

WEEKS_SLOPE, WEEKS_DROP = 8, 12
ATT_BACK, BEH_BACK, ENG_BACK, DAYS_NO_TERM = 7 * WEEKS_DROP - 1, 55, 27, 112
PEER_MIN = 5
EXPLAIN_MIN = 0.01
P_SELECTIVE, P_INDIVIDUAL = 0.3, 0.6


def day(s):
    """'YYYY-MM-DD' text column -> days since 1970-01-01 (int32)."""
    return (pd.to_datetime(s, format="%Y-%m-%d").values.astype("datetime64[D]")
            .astype(np.int64).astype(np.int32))


def fmt(v):
    """Numbers as cairn writes them: whole numbers without decimals, else one."""
    v = pd.Series(v, dtype="float64").fillna(0.0) + 0.0
    whole = v == np.rint(v)
    return pd.Series(np.where(whole, v.round(0).astype("int64").astype(str),
                              v.round(1).map("{:.1f}".format)), index=v.index)


def main():
    db, asof_text, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
    con = sqlite3.connect(db)
    asof = int(day(pd.Series([asof_text]))[0])
    iso = lambda d: str(np.datetime64(int(d), "D"))  # noqa: E731
    inst = int(pd.read_sql("SELECT min(id) AS id FROM institution", con).id[0])

    # ---- this term, and the enrolments active on asof ----------------------
    terms = pd.read_sql("SELECT start_date, end_date FROM term WHERE institution_id = ?",
                        con, params=(inst,))
    ts, te = day(terms.start_date), day(terms.end_date)
    inside = ts[(ts <= asof) & (asof <= te)]
    tstart = int(inside.max()) if len(inside) else asof - (DAYS_NO_TERM - 1)

    enr = pd.read_sql(
        "SELECT id AS enrolment_id, learner_id, group_id, start_date FROM enrolment"
        " WHERE institution_id = ? AND start_date <= ?"
        " AND (exit_date >= ? OR (exit_date IS NULL AND status IN ('active', 'paused')))",
        con, params=(inst, asof_text, asof_text))
    enr["group_id"] = enr.group_id.fillna(0).astype("int64")
    learners = pd.Index(enr.learner_id.unique())
    C = {}   # indicator code -> Series indexed by learner_id

    # ---- attendance: one row per recorded school day ------------------------
    att_from = min(tstart, asof - ATT_BACK)
    a = pd.read_sql("SELECT learner_id, date, status FROM attendance"
                    " WHERE institution_id = ? AND date >= ? AND date <= ?",
                    con, params=(inst, iso(att_from), asof_text))
    n_att = len(a)
    a["day"] = day(a.date)
    a["att"] = (a.status <= 1).astype("int8")
    a["late"] = (a.status == 1).astype("int8")
    a["unx"] = (a.status == 3).astype("int8")
    d = a.groupby(["learner_id", "day"], sort=True).agg(
        n=("status", "size"), att=("att", "sum"), late=("late", "sum"),
        unx=("unx", "sum")).reset_index()
    del a
    age = asof - d.day.values
    f = d.att.values / d.n.values
    u = d.unx.values / d.n.values
    w2, w4, w8, wt = age < 14, age < 28, age < 56, d.day.values >= tstart
    lid = d.learner_id.values
    agg = pd.DataFrame({
        "learner_id": lid,
        "s2": f * w2, "n2": w2, "s4": f * w4, "n4": w4, "s8": f * w8, "n8": w8,
        "st": f * wt, "nt": wt, "u4": u * w4, "ut": u * wt, "late4": d.late.values * w4,
    }).groupby("learner_id").sum()
    C["att_rate_2w"] = 100 * agg.s2 / agg.n2.replace(0, np.nan)
    C["att_rate_4w"] = 100 * agg.s4 / agg.n4.replace(0, np.nan)
    C["att_rate_8w"] = 100 * agg.s8 / agg.n8.replace(0, np.nan)
    C["att_rate_term"] = 100 * agg.st / agg.nt.replace(0, np.nan)
    C["unexcused_4w"] = agg.u4.where(agg.n4 > 0)
    C["late_4w"] = agg.late4.where(agg.n4 > 0)
    C["unexcused_term"] = agg.ut.where(agg.nt > 0)

    # longest run of unexcused school days this term (runs of equal flags)
    t = d.loc[wt, ["learner_id"]].copy()
    t["flag"] = ((d.att.values == 0) & (d.unx.values > 0))[wt]
    new_run = (t.flag != t.flag.shift()) | (t.learner_id != t.learner_id.shift())
    t["run"] = new_run.cumsum()
    runs = t[t.flag].groupby(["learner_id", "run"]).size().groupby("learner_id").max()
    C["unexcused_streak"] = runs.astype("float64").reindex(agg.index, fill_value=0.0).where(
        agg.nt > 0)

    # weekly rates, weeks 0..11 before asof: slope and change point
    wk = age // 7
    sel = age < 7 * WEEKS_DROP
    weekly = pd.DataFrame({"learner_id": lid[sel], "wk": wk[sel], "f": f[sel]}).groupby(
        ["learner_id", "wk"]).f.mean().unstack("wk").reindex(columns=range(WEEKS_DROP))
    R = 100 * weekly.values                               # NaN = no record that week
    x = -np.arange(WEEKS_DROP, dtype="float64")
    ok = ~np.isnan(R[:, :WEEKS_SLOPE])
    ms = ok.sum(1)
    xs = np.where(ok, x[:WEEKS_SLOPE], 0.0)
    ys = np.where(ok, R[:, :WEEKS_SLOPE], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx, my = xs.sum(1) / ms, ys.sum(1) / ms
        sxy = (np.where(ok, (xs - mx[:, None]) * (ys - my[:, None]), 0)).sum(1)
        sxx = (np.where(ok, (xs - mx[:, None]) ** 2, 0)).sum(1)
        slope = np.where(ms >= 3, sxy / sxx, np.nan)
    C["att_slope_8w"] = pd.Series(slope, index=weekly.index)
    # time order (week 11 first), weeks without records left out: push them right
    T = R[:, ::-1]
    wk_of = np.arange(WEEKS_DROP)[::-1]
    order = np.argsort(np.isnan(T), axis=1, kind="stable")
    Tc = np.take_along_axis(T, order, 1)
    Wc = wk_of[order]
    m = (~np.isnan(Tc)).sum(1)
    pre = np.concatenate([np.zeros((len(Tc), 1)), np.nancumsum(Tc, 1)], 1)
    total = pre[np.arange(len(Tc)), m]
    s = np.arange(2, WEEKS_DROP - 1)                      # split sizes 2..10
    with np.errstate(invalid="ignore", divide="ignore"):
        before = pre[:, s] / s
        after = (total[:, None] - pre[:, s]) / (m[:, None] - s)
        dd = after - before
        score = s * (m[:, None] - s) / m[:, None] * dd * dd
    score = np.where(s[None, :] <= (m - 2)[:, None], score, -np.inf)
    best = score.shape[1] - 1 - np.argmax(score[:, ::-1], 1)   # tie: the later split
    rows = np.arange(len(Tc))
    bscore = score[rows, best]
    drop = np.where(bscore > 0, dd[rows, best], 0.0)
    dweeks = np.where(bscore > 0, Wc[rows, s[best]] + 1, 0.0)
    C["att_drop"] = pd.Series(np.where(m >= 4, drop, np.nan), index=weekly.index)
    C["att_drop_weeks"] = pd.Series(np.where(m >= 4, dweeks, np.nan), index=weekly.index)
    del d, weekly

    # ---- results: this term against earlier ones -------------------------
    r = pd.read_sql("SELECT learner_id, date, score, max_score, passed, late, missing"
                    " FROM result WHERE institution_id = ? AND date <= ?",
                    con, params=(inst, asof_text))
    n_res = len(r)
    r["missing"] = r.missing != 0
    r["late"] = r.late != 0
    r["pct"] = (100 * r.score / r.max_score).where((r.max_score > 0) & ~r.missing)
    r["failed"] = ~r.missing & ((r.passed == 0) | (r.passed.isna() & (r.pct < 50)))
    r["term"] = day(r.date) >= tstart
    cur = r[r.term].groupby("learner_id").agg(
        nterm=("term", "size"), failed=("failed", "sum"), missing=("missing", "sum"),
        late=("late", "sum"), avg=("pct", "mean"))
    old = r[~r.term].groupby("learner_id").pct.mean()
    C["failed_term"] = cur.failed.astype("float64")
    C["missing_term"] = cur.missing.astype("float64")
    C["late_submit_term"] = cur.late.astype("float64")
    C["score_avg_term"] = cur.avg
    C["score_change"] = cur.avg - old.reindex(cur.index)
    del r

    # ---- behaviour: incidents in the last 8 weeks -------------------------
    b = pd.read_sql("SELECT learner_id, severity FROM behaviour"
                    " WHERE institution_id = ? AND date >= ? AND date <= ?",
                    con, params=(inst, iso(asof - BEH_BACK), asof_text))
    n_beh = len(b)
    bc = b.assign(minor=b.severity <= 1, serious=b.severity > 1).groupby("learner_id")[
        ["minor", "serious"]].sum().reindex(learners, fill_value=0)
    C["behav_minor_8w"] = bc.minor.astype("float64")
    C["behav_serious_8w"] = bc.serious.astype("float64")

    # ---- learning platform: the last 4 weeks, and the last active day before
    e = pd.read_sql("SELECT learner_id, date, metric, value FROM engagement"
                    " WHERE institution_id = ? AND date >= ? AND date <= ?",
                    con, params=(inst, iso(asof - ENG_BACK), asof_text))
    n_eng = len(e)
    e["day"] = day(e.date)
    e["active"] = e.value > 0
    e["minutes"] = e.value.where(e.metric == "minutes", 0.0)
    ed = e.groupby(["learner_id", "day"]).agg(active=("active", "any"),
                                               minutes=("minutes", "sum")).reset_index()
    del e
    ed["age"] = asof - ed.day
    ed["recent"] = ed.active & (ed.age < 14)
    ed["before"] = ed.active & (ed.age >= 14)
    ed["last"] = np.where(ed.active, asof - ed.age, np.nan)
    eg = ed.groupby("learner_id").agg(recent=("recent", "sum"), before=("before", "sum"),
                                      minutes=("minutes", "sum"), last=("last", "max"))
    eg = eg[eg["last"].notna()]
    hist = pd.read_sql("SELECT learner_id, max(date) AS last FROM engagement"
                       " WHERE institution_id = ? AND date < ? AND value > 0"
                       " GROUP BY learner_id", con, params=(inst, iso(asof - ENG_BACK)))
    hist = hist.set_index("learner_id")["last"]
    hist = pd.Series(day(hist), index=hist.index).reindex(learners.difference(eg.index)).dropna()
    zero = pd.Series(0.0, index=hist.index)
    C["lms_active_4w"] = pd.concat([(eg.recent + eg.before).astype("float64"), zero])
    C["lms_minutes_4w"] = pd.concat([eg.minutes, zero])
    C["lms_days_since"] = pd.concat([asof - eg["last"], (asof - hist).astype("float64")])
    C["lms_trend"] = pd.concat([(eg.recent - eg.before).astype("float64"), zero])

    # ---- one row per active enrolment --------------------------------------
    F = pd.DataFrame({c: C[c].reindex(learners) for c in C}, index=learners)
    X = enr.join(F, on="learner_id")
    X["mood_trend"] = np.nan
    X["weeks_enrolled"] = (asof - day(X.start_date)) / 7.0

    # peers: each group's median, when at least PEER_MIN learners have it known
    g = X[X.group_id != 0].groupby("group_id")[CODES]
    med = g.median().where(g.count() >= PEER_MIN)
    P = med.reindex(X.group_id.values)
    P.index = X.index

    # ---- rules (defaults of src/risk/rules.c) --------------------------------
    flags = pd.Series("", index=X.index)
    reasons = pd.Series("", index=X.index)
    nflags = pd.Series(0, index=X.index)
    serious = pd.Series(False, index=X.index)

    def peer_text(code, unit, mask):
        p = P.loc[mask, code]
        txt = " — peers in the same group: " + fmt(p) + unit
        if unit == " days":
            txt = txt.where(fmt(p) != "1", " — peers in the same group: 1 day")
        return txt.where(p.notna(), "")

    def fire(code, mask, sentence, peer_code, unit, is_serious=False):
        nonlocal flags, reasons, nflags, serious
        if not mask.any():
            return
        txt = sentence + peer_text(peer_code, unit, mask)
        cur = flags[mask]
        flags.loc[mask] = cur + cur.where(cur == "", ",").where(cur != "", "") + code
        cur = reasons[mask]
        reasons.loc[mask] = cur + cur.where(cur == "", "; ").where(cur != "", "") + txt
        nflags.loc[mask] += 1
        if is_serious:
            serious.loc[mask] = True

    a4, at = X.att_rate_4w, X.att_rate_term
    m0, m1 = a4 < 90, a4.isna() & (at < 90)
    fire("attendance_low", m0, "attendance in the last 4 weeks: " + fmt(a4[m0]) +
         " % — below the 90 % this school watches for", "att_rate_4w", " %")
    fire("attendance_low", m1, "attendance this term: " + fmt(at[m1]) +
         " % — below the 90 % this school watches for", "att_rate_term", " %")
    m = (X.att_drop <= -20) & (X.att_drop_weeks <= 6)
    wks = X.att_drop_weeks[m]
    ago = np.where(wks < 1, "this week",
                   fmt(wks) + np.where(fmt(wks) == "1", " week", " weeks") + " ago")
    fire("attendance_drop", m, "weekly attendance fell by " + fmt(-X.att_drop[m]) + " points " +
         ago + " — this school watches for a fall of 20 points or more within 6 weeks",
         "att_drop", " points")
    for code, col, what, thr, ser in [
            ("behaviour_serious", "behav_serious_8w",
             "serious behaviour incidents in the last 8 weeks", 1, True),
            ("behaviour_repeated", "behav_minor_8w",
             "minor behaviour incidents in the last 8 weeks", 2, False),
            ("failed_unit", "failed_term", "failed assessments this term", 1, False),
            ("missing_work", "missing_term", "missing assessments this term", 1, False)]:
        m = X[col] >= thr
        fire(code, m, what + ": " + fmt(X[col][m]) + " — this school watches for " +
             str(thr) + " or more", col, "", ser)
    ds = X.lms_days_since
    m0 = ds >= 14
    m1 = ~m0 & (X.lms_trend <= -5)
    fire("engagement_drop", m0, "no learning-platform activity for " + fmt(ds[m0]) +
         " days — this school watches for 14 days or more", "lms_days_since", " days")
    fire("engagement_drop", m1, "days active on the learning platform fell by " +
         fmt(-X.lms_trend[m1]) + " (last 2 weeks against the 2 before) — this school watches"
         " for a fall of 5 or more", "lms_trend", "")

    # ---- the model: the same stored XGBoost model, probability and TreeSHAP ----
    row = pd.read_sql("SELECT version, features, model, calibration FROM risk_model"
                      " WHERE institution_id = ? AND active = 1", con, params=(inst,)) \
        if has_table(con, "risk_model") else pd.DataFrame()
    prob = np.full(len(X), np.nan)
    top = np.full(len(X), "", dtype=object)
    version = 0
    if len(row):
        version = int(row.version[0])
        feats = json.loads(row.features[0])
        feats = [c if isinstance(c, str) else c.get("code") for c in feats]
        booster = xgb.Booster()
        booster.load_model(bytearray(base64.b64decode(row.model[0])))
        booster.set_param({"nthread": 2})
        dm = xgb.DMatrix(X[feats].values.astype("float32"), missing=np.nan)
        margin = booster.predict(dm, output_margin=True).astype("float64")
        prob = calibrate(margin, row.calibration[0])
        contrib = booster.predict(dm, pred_contribs=True)[:, :len(feats)]
        # reasons: the 3 largest contributions that raise the estimate (>= 0.01
        # log-odds) of known indicators, as sentences with the group's median
        V = X[feats].values
        contrib = np.where(np.isnan(V) | ~(contrib >= EXPLAIN_MIN), -np.inf, contrib)
        idx = np.argsort(-contrib, axis=1, kind="stable")[:, :3]
        rows = np.arange(len(X))
        names = np.array([INFO[c_][1] for c_ in feats], dtype=object)
        units = np.array([INFO[c_][2] for c_ in feats], dtype=object)
        PV = P[feats].values
        for k in range(3):   # the 1st, 2nd and 3rd reason: columns, not learners
            j = idx[:, k]
            sentence = (names[j] + ": " + value_text(V[rows, j], units[j]) +
                        np.where(np.isnan(PV[rows, j]), "", " — peers in the same group: " +
                                 value_text(PV[rows, j], units[j])))
            sentence = np.where(np.isfinite(contrib[rows, j]), sentence, "")
            top = top + np.where((top != "") & (sentence != ""), "; ", "") + sentence

    # ---- tiers, one row per learner (the enrolment that needs more attention) ----
    if version:
        tier = np.where(prob >= P_INDIVIDUAL, 2, np.where(prob >= P_SELECTIVE, 1, 0))
        tier = np.where(serious & (tier < 1), 1, tier)
    else:
        tier = np.where(nflags >= 3, 2, np.where((nflags >= 2) | serious, 1, 0))
    out = pd.DataFrame({
        "learner_id": X.learner_id, "enrolment_id": X.enrolment_id, "asof": asof_text,
        "model_version": version, "probability": prob, "tier": tier, "nflags": nflags,
        "flags": flags, "rule_reasons": reasons, "model_reasons": top})
    out = out.sort_values(["learner_id", "tier", "probability", "nflags"],
                          ascending=[True, False, False, False])
    out = out.drop_duplicates("learner_id")
    out = pd.concat([out.reset_index(drop=True),
                     X.loc[out.index, CODES].reset_index(drop=True)], axis=1)
    out.to_csv(out_path, index=False)
    print(json.dumps({
        "learners": int(len(out)), "enrolments": int(len(X)), "model_version": version,
        "rows_read": {"attendance": n_att, "result": n_res, "behaviour": n_beh,
                      "engagement": n_eng},
        "tiers": {str(k): int(v) for k, v in out.tier.value_counts().sort_index().items()},
        "flagged": int((out.nflags > 0).sum())}))


def has_table(con, name):
    return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                       (name,)).fetchone() is not None


def calibrate(margin, calibration):
    """Calibrated probability of the log-odds, as the model's calibration says
    (src/risk/metrics.c: isotonic = linear interpolation between the fitted
    points, clamped at the ends; Platt = 1 / (1 + exp(a * margin + b)))."""
    c = json.loads(calibration) if calibration else {}
    if c.get("method") == "isotonic":
        return np.interp(margin, np.asarray(c["x"], "float64"), np.asarray(c["y"], "float64"))
    if c.get("method") == "platt":
        return 1 / (1 + np.exp(c["a"] * margin + c["b"]))
    return 1 / (1 + np.exp(-margin))


def value_text(v, unit):
    """A value with its unit as src/risk/explain.c writes it ("6 days", "72 %")."""
    t = np.nan_to_num(v) * 10
    r = np.sign(t) * np.floor(np.abs(t) + 0.5) / 10 + 0.0   # C's round(): halves away from 0
    whole = r == np.rint(r)
    n = np.where(whole, np.rint(r).astype("int64").astype(str),
                 pd.Series(r).map("{:.1f}".format).values).astype(object)
    one = (n == "1") | (n == "-1")
    out = np.select(
        [(unit == "count") | (unit == ""), (unit == "%") | (unit == "% of max"),
         one & (unit == "days"), one & (unit == "weeks"), one & (unit == "times"),
         one & (unit == "minutes")],
        [n, n + " %", n + " day", n + " week", n + " time", n + " minute"], n + " " + unit)
    return np.where(np.isnan(v), "not known", out).astype(object)


if __name__ == "__main__":
    main()
