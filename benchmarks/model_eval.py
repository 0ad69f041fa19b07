"""How good are the scores? Four scorers against the simulator's truth, at several label fractions.

    .venv/bin/python benchmarks/model_eval.py [--projects 8000] [--seed 7] [--quick]

For each label fraction (0.4, 0.1, 0) a county is simulated with that share of its planted cases handed
over as labels; every scorer is judged on the projects whose outcome was NOT handed over:

(a) rules alone — the noisy-OR of rule severities;
(b) rules + detectors — the risk score without a classifier (what a county with no labels gets);
(c) plain LightGBM — default LGBMClassifier on the feature table, trained on the labelled projects
    only (the baseline any data scientist would build first; impossible without labels);
(d) the full model — detectors, rule hits and features into the PU/negatives LightGBM, combined.

Also: the learning curve (labels added in decision order, as feedback adds them), post ranking, the
detector choice, the treatment comparison, SHAP speed and additivity. Writes docs/model-report.md and
figures in docs/img/. Figures are whatever the run measures; nothing is hard-coded.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from yunshao.settings import Settings
from yunshao.training import plots
from yunshao.training.combine import RiskCombiner
from yunshao.training.dataset import ProjectData, load_project_data, prepare_store
from yunshao.training.evaluate import average_precision, level_precision, recall_at, recall_by_scheme
from yunshao.training.explain import BASE, shap_contributions
from yunshao.training.labels import Targets, make_targets, read_outcomes
from yunshao.training.posts import score_posts
from yunshao.training.spec import ExperimentSpec
from yunshao.training.train import FitResult, fit_risk_model

ROOT = Path(__file__).resolve().parents[1]
FRACTIONS = (0.4, 0.1, 0.0)
CURVE_FRACTIONS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0)
MODELS = ("a) rules alone", "b) rules + detectors", "c) plain LightGBM", "d) full model", "b0) rules + anomaly only")


@dataclass
class County:
    """One simulated county, loaded, with features, rules, targets and truth."""

    frac: float
    con: Any
    data: ProjectData
    targets: Targets
    truth: pd.Series  # project → first planted scheme ('' = clean)
    post_truth: set[str]
    labelled_posts: set[str]
    seconds: float

    @property
    def eval_index(self) -> pd.Index:
        return self.data.index[~self.targets.labelled.to_numpy()]

    @property
    def y_eval(self) -> np.ndarray:
        return (self.truth.reindex(self.eval_index).fillna("") != "").to_numpy().astype(int)


@dataclass
class Scored:
    score: pd.Series
    level: pd.Series
    fit: FitResult | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def build_county(n: int, seed: int, frac: float, cache: Path) -> County:
    from yunshao.simulate import simulate

    folder = cache / f"n{n}-s{seed}-f{frac}"
    ds, truth_dir = folder / "ds", folder / "truth"
    if not (truth_dir / "planted.parquet").exists():
        simulate(ds, n, seed, label_frac=frac, truth=truth_dir)
    start = time.perf_counter()
    con = prepare_store(ds, Settings())
    data = load_project_data(con)
    outcomes = read_outcomes(con)
    targets = make_targets(outcomes, "project", data.index)
    planted = pd.read_parquet(truth_dir / "planted.parquet")
    truth = planted.groupby("project_id")["scheme"].first().reindex(data.index).fillna("")
    posts = set(planted.loc[planted["entity_type"] == "post", "entity_id"].astype(str))
    labelled_posts = set(outcomes.loc[outcomes["entity_type"] == "post", "entity_id"].astype(str))
    return County(frac, con, data, targets, truth, posts, labelled_posts, time.perf_counter() - start)


def spec_for(seed: int) -> ExperimentSpec:
    return ExperimentSpec(name="evaluation", seed=seed)


def rules_alone(county: County) -> Scored:
    comb = RiskCombiner(w_anomaly=0.0)
    parts = county.data.frame[["rules_red", "rules_yellow", "is_emergency"]].assign(anomaly_score=0.0)
    score = pd.Series(comb.risk(parts), index=county.data.index)
    level = np.where(parts["rules_red"] > 0, "red", np.where(parts["rules_yellow"] > 0, "yellow", "green"))
    return Scored(score, pd.Series(level, index=county.data.index))


def rules_detectors(county: County, spec: ExperimentSpec) -> Scored:
    fit = fit_risk_model(county.data, None, spec)
    out = fit.model.score(county.data.frame)
    return Scored(out["risk_score"], out["level"], fit)


def plain_lightgbm(county: County, red_share: float) -> Scored | None:
    labelled = county.targets.labelled.to_numpy()
    y = county.targets.y.to_numpy()[labelled]
    if labelled.sum() == 0 or len(set(y)) < 2:
        return None
    X = county.data.frame[county.data.feature_columns]
    clf = lgb.LGBMClassifier(random_state=0, verbose=-1, n_jobs=1).fit(X[labelled], y)
    score = pd.Series(clf.predict_proba(X)[:, 1], index=county.data.index)
    cut = np.quantile(score, 1 - red_share)
    level = np.where(score >= cut, "red", np.where(score >= np.quantile(score, 0.9), "yellow", "green"))
    return Scored(score, pd.Series(level, index=county.data.index))


def full_model(county: County, spec: ExperimentSpec) -> Scored:
    fit = fit_risk_model(county.data, county.targets, spec)
    out = fit.model.score(county.data.frame)
    return Scored(out["risk_score"], out["level"], fit)


def metrics_for(county: County, scored: Scored | None) -> dict[str, Any]:
    if scored is None:
        return {"average_precision": None, "red_precision": None, "recall_top5": None, "red_count": None}
    idx = county.eval_index
    y = county.y_eval
    score = scored.score.reindex(idx).to_numpy()
    level = scored.level.reindex(idx).to_numpy()
    schemes = county.truth.reindex(idx)
    return {
        "average_precision": average_precision(y, score),
        "red_precision": level_precision(y, level, "red"),
        "red_count": int((level == "red").sum()),
        "recall_top5": recall_at(y, score, 0.05),
        "per_scheme": recall_by_scheme(schemes, scored.score.reindex(idx), 0.05),
    }


def post_metrics(county: County, scored: Scored) -> dict[str, Any]:
    project_scores = pd.DataFrame({"risk_score": scored.score, "level": scored.level})
    posts = score_posts(county.con, project_scores).frame
    keep = posts.index[~posts.index.isin(list(county.labelled_posts))]
    y = keep.isin(list(county.post_truth)).astype(int)
    score = posts.loc[keep, "risk_score"].to_numpy()
    return {
        "post_average_precision": average_precision(y, score),
        "post_red_precision": level_precision(y, posts.loc[keep, "level"].to_numpy(), "red"),
        "post_recall_top5": recall_at(y, score, 0.05),
        "posts": len(keep),
        "planted_posts": int(y.sum()),
    }


def detector_choice(county: County, seed: int) -> pd.DataFrame:
    """Each detector alone and with rules, on a county with no labels (AP on all projects)."""
    from yunshao.training.anomaly import AnomalyScorer

    y = (county.truth != "").to_numpy().astype(int)
    feats = county.data.frame[county.data.feature_columns]
    rules = county.data.frame[["rules_red", "rules_yellow", "is_emergency", *county.data.rule_columns]]
    rows = []
    for combo in (("iforest",), ("ecod",), ("lof",), ("iforest", "ecod"), ("iforest", "lof")):
        start = time.perf_counter()
        anomaly = AnomalyScorer(detectors=combo, random_state=seed).fit(feats).transform(feats)["anomaly_score"]
        seconds = time.perf_counter() - start
        risk = RiskCombiner().fit_rates(rules).risk(rules.assign(anomaly_score=anomaly))
        rows.append(
            {
                "detectors": "+".join(combo),
                "ap_detectors_alone": average_precision(y, anomaly.to_numpy()),
                "ap_with_rules": average_precision(y, risk),
                "seconds": round(seconds, 2),
            }
        )
    return pd.DataFrame(rows)


def shap_speed(fit: FitResult, data: ProjectData, rows: int = 300) -> dict[str, float]:
    """Batched pred_contrib against shap.TreeExplainer row by row, and additivity, on every project."""
    import shap

    model = fit.model
    assert model.classifier is not None
    design = model.design(data.frame)[model.classifier_columns]
    start = time.perf_counter()
    contrib = shap_contributions(model.classifier, design)
    batched = time.perf_counter() - start
    raw = model.classifier.decision_function(design)
    additivity = float(np.abs(contrib.sum(axis=1).to_numpy() - raw).max())
    sample = design.iloc[:rows]
    explainer = shap.TreeExplainer(model.classifier.booster_)
    start = time.perf_counter()
    for i in range(len(sample)):
        explainer.shap_values(sample.iloc[[i]])
    per_row = (time.perf_counter() - start) / len(sample)
    # shap's own TreeSHAP on the parsed trees (TreeExplainer otherwise calls LightGBM's pred_contrib)
    own = shap.TreeExplainer(model.classifier.booster_)
    own.model.model_type = "internal"
    start = time.perf_counter()
    own_values = np.asarray(own.shap_values(sample))
    own_per_row = (time.perf_counter() - start) / len(sample)
    agree = float(np.abs(own_values - contrib.drop(columns=[BASE]).iloc[:rows].to_numpy()).max())
    return {
        "rows": len(design),
        "batched_seconds": batched,
        "batched_ms_per_row": 1000 * batched / len(design),
        "row_by_row_ms_per_row": 1000 * per_row,
        "shap_internal_ms_per_row": 1000 * own_per_row,
        "speedup": per_row / (batched / len(design)),
        "additivity_max_error": additivity,
        "max_diff_vs_tree_explainer": agree,
    }


def learning_curve(n: int, seed: int, cache: Path, spec: ExperimentSpec) -> pd.DataFrame:
    """Hand over labels in decision order (as feedback accrues); score a fixed set of unlabelled projects."""
    county = build_county(n, seed, 1.0, cache)
    targets = county.targets
    order = targets.decided_at[targets.labelled].sort_values().index
    planted = county.truth[county.truth != ""].index
    # a fixed evaluation set: a third of planted cases are never handed over, plus all clean unlabelled
    rng = np.random.default_rng(seed)
    held = set(rng.choice(np.asarray(planted), size=len(planted) // 3, replace=False))
    order = pd.Index([p for p in order if p not in held])
    eval_idx = county.data.index[~county.data.index.isin(order)]
    y = (county.truth.reindex(eval_idx) != "").to_numpy().astype(int)
    rows = []
    for frac in CURVE_FRACTIONS:
        keep = order[: round(frac * len(order))]
        t = Targets(
            y=targets.y.where(targets.y.index.isin(keep), -1),
            weight=targets.weight.where(targets.y.index.isin(keep), 0.0),
            decided_at=targets.decided_at.where(targets.y.index.isin(keep)),
            scheme=targets.scheme,
        )
        fit = fit_risk_model(county.data, t, spec)
        risk = fit.model.score(county.data.frame)["risk_score"].reindex(eval_idx).to_numpy()
        rows.append(
            {
                "model": "d) full model",
                "label_frac": frac,
                "labels": len(keep),
                "average_precision": average_precision(y, risk),
            }
        )
        sub = County(frac, county.con, county.data, t, county.truth, set(), set(), 0.0)
        plain = plain_lightgbm(sub, 0.02)
        if plain is not None:
            rows.append(
                {
                    "model": "c) plain LightGBM",
                    "label_frac": frac,
                    "labels": len(keep),
                    "average_precision": average_precision(y, plain.score.reindex(eval_idx).to_numpy()),
                }
            )
    return pd.DataFrame(rows)


def fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/yunshao-model-eval"))
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "model-report.md")
    parser.add_argument("--img", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--quick", action="store_true", help="skip the learning curve and SHAP timing")
    parser.add_argument("--render-only", action="store_true", help="rewrite the report from its saved JSON")
    args = parser.parse_args()
    if args.render_only:
        render_saved(args)
        return
    spec = spec_for(args.seed)
    no_pattern = spec.model_copy(deep=True)
    no_pattern.pattern.enabled = False
    started = time.perf_counter()
    results: dict[float, dict[str, dict[str, Any]]] = {}
    posts: dict[float, dict[str, Any]] = {}
    comparisons: dict[float, Any] = {}
    counties: dict[float, County] = {}
    for frac in FRACTIONS:
        county = build_county(args.projects, args.seed, frac, args.cache)
        counties[frac] = county
        scored = {
            MODELS[0]: rules_alone(county),
            MODELS[1]: rules_detectors(county, spec),
            MODELS[2]: plain_lightgbm(county, 0.02),
            MODELS[3]: full_model(county, spec),
            MODELS[4]: rules_detectors(county, no_pattern),
        }
        results[frac] = {name: metrics_for(county, s) for name, s in scored.items()}
        full = scored[MODELS[3]]
        assert full is not None and full.fit is not None
        comparisons[frac] = {
            "comparison": full.fit.comparison,
            "weights_kept": {k: full.fit.model.combiner.get_params()[k] for k in ("w_rule", "w_anomaly", "w_model")},
            "thresholds": full.fit.model.combiner.thresholds(),
            "notes": full.fit.notes,
            "labels": {"positive": county.targets.n_positive, "negative": county.targets.n_negative},
            "eval_projects": len(county.eval_index),
            "eval_planted": int(county.y_eval.sum()),
        }
        posts[frac] = post_metrics(county, full)
        idx = county.eval_index
        curves = {name: (county.y_eval, s.score.reindex(idx).to_numpy()) for name, s in scored.items() if s}
        plots.pr_curves(curves, args.img / f"model-pr-{int(frac * 100)}.png", f"label fraction {frac}")
        plots.score_distributions(
            county.y_eval,
            full.score.reindex(idx).to_numpy(),
            args.img / f"model-scores-{int(frac * 100)}.png",
            f"full model, labels {frac}",
        )
        print(
            json.dumps(
                {
                    "frac": frac,
                    **{k: {m: fmt(v) for m, v in r.items() if m != "per_scheme"} for k, r in results[frac].items()},
                },
                ensure_ascii=False,
            )
        )
        print(json.dumps({"posts": posts[frac], **comparisons[frac]}, default=str)[:2000])
    detectors = detector_choice(counties[0.0], args.seed)
    print(detectors.to_string())
    extra: dict[str, Any] = {}
    if not args.quick:
        full_fit = fit_risk_model(counties[0.4].data, counties[0.4].targets, spec)
        extra["shap"] = shap_speed(full_fit, counties[0.4].data)
        print(extra["shap"])
        from yunshao.training.experiment import fit_figures

        for path in fit_figures(full_fit, counties[0.4].data, args.img):
            path.rename(args.img / f"model-{path.name}")
        curve = learning_curve(args.projects, args.seed, args.cache, spec)
        plots.learning_curve(curve, args.img / "model-learning-curve.png")
        extra["curve"] = curve
        print(curve.to_string())
    extra["seconds"] = time.perf_counter() - started
    save_results(args, results, posts, comparisons, detectors, extra)
    write_report(args, results, posts, comparisons, detectors, extra)


def save_results(
    args: argparse.Namespace,
    results: dict[float, dict[str, dict[str, Any]]],
    posts: dict[float, dict[str, Any]],
    comparisons: dict[float, Any],
    detectors: pd.DataFrame,
    extra: dict[str, Any],
) -> None:
    """Everything measured, beside the report, so the prose can be re-rendered without rerunning."""
    saved = {
        "projects": args.projects,
        "seed": args.seed,
        "results": {str(k): v for k, v in results.items()},
        "posts": {str(k): v for k, v in posts.items()},
        "comparisons": {str(k): v for k, v in comparisons.items()},
        "detectors": detectors.to_dict(orient="records"),
        "extra": {k: (v.to_dict(orient="records") if isinstance(v, pd.DataFrame) else v) for k, v in extra.items()},
    }
    path = args.report.with_suffix(".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def render_saved(args: argparse.Namespace) -> None:
    saved = json.loads(args.report.with_suffix(".json").read_text(encoding="utf-8"))
    args.projects, args.seed = saved["projects"], saved["seed"]
    extra = dict(saved["extra"])
    if "curve" in extra:
        extra["curve"] = pd.DataFrame(extra["curve"])
    write_report(
        args,
        {float(k): v for k, v in saved["results"].items()},
        {float(k): v for k, v in saved["posts"].items()},
        {float(k): v for k, v in saved["comparisons"].items()},
        pd.DataFrame(saved["detectors"]),
        extra,
    )


TARGETS = {0.4: 0.97, 0.1: 0.95, 0.0: 0.85}


def write_report(
    args: argparse.Namespace,
    results: dict[float, dict[str, dict[str, Any]]],
    posts: dict[float, dict[str, Any]],
    comparisons: dict[float, Any],
    detectors: pd.DataFrame,
    extra: dict[str, Any],
) -> None:
    lines = [
        "# 模型评估 Model evaluation",
        "",
        "<!-- Generated by `benchmarks/model_eval.py`; rerun it to refresh, do not edit the figures by hand. -->",
        "",
        f"Simulated counties of **{args.projects:,} projects** (seed {args.seed}), one per label fraction "
        "(the share of planted cases handed over as verified outcomes). Every score is judged **only on "
        "projects whose outcome was not handed over**; a project is positive when the simulator planted a "
        "scheme in it. Red precision is the share of red projects (in that set) that are planted; recall at "
        "5 % is the share of planted projects in the top 5 % of scores.",
        "",
        "Scorers: **(a)** rules alone (noisy-OR of rule severities); **(b)** rules + detectors, no "
        "verified outcome used (what a county without labels gets): rules weighted by rarity, Isolation "
        "Forest + ECOD anomaly percentiles, and the rule-pattern detector (LightGBM trained on what rare "
        "rules flag red, from features only); **(b0)** the same without the rule-pattern detector "
        "(ablation); **(c)** a plain `LGBMClassifier` on the feature table trained on labelled projects "
        "only; **(d)** the full model: (b) plus the classifier (features, rule hits and anomaly "
        "percentiles as inputs, unlabelled projects handled by the treatment kept on validation), "
        "combined into `risk_score` with a model weight that grows with the number of labels.",
        "",
        "## Projects",
        "",
        "| label fraction | scorer | average precision | red precision (red n) | recall at top 5 % |",
        "|---|---|---|---|---|",
    ]
    for frac, by_model in results.items():
        for name, m in by_model.items():
            lines.append(
                f"| {frac} | {name} | {fmt(m['average_precision'])} | {fmt(m['red_precision'])} "
                f"({fmt(m['red_count'])}) | {fmt(m['recall_top5'])} |"
            )
    lines += [
        "",
        "Targets (full model): "
        + ", ".join(f"AP ≥ {t} at {f}" for f, t in TARGETS.items())
        + "; red precision ≥ 0.95; post AP ≥ 0.9.",
        "",
    ]
    lines += _verdicts(results, posts)
    for frac in results:
        lines += ["", f"![precision-recall at label fraction {frac}](img/model-pr-{int(frac * 100)}.png)"]
    lines += ["", "### Recall at top 5 % per planted scheme", ""]
    for frac, by_model in results.items():
        names = [n for n, m in by_model.items() if m.get("per_scheme")]
        schemes = sorted({s for n in names for s in by_model[n]["per_scheme"]})
        lines += [
            f"Label fraction {frac}:",
            "",
            "| scheme | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(names),
        ]
        for scheme in schemes:
            cells = [fmt(by_model[n]["per_scheme"].get(scheme)) for n in names]
            lines.append(f"| {scheme} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        "## Posts",
        "",
        "Post risk from the projects approved from the post, warnings naming it and its "
        "own features; positives are the posts the simulator planted (self-approval, relative favour), "
        "judged on posts without a verified outcome.",
        "",
        "| label fraction | post average precision | post red precision | recall at top 5 % | posts (planted) |",
        "|---|---|---|---|---|",
    ]
    for frac, m in posts.items():
        lines.append(
            f"| {frac} | {fmt(m['post_average_precision'])} | {fmt(m['post_red_precision'])} | "
            f"{fmt(m['post_recall_top5'])} | {m['posts']} ({m['planted_posts']}) |"
        )
    lines += [
        "",
        "## Treatments of unlabelled projects (validation split on `decided_at`)",
        "",
        "`ap_pu`: average precision on the latest 30 % of decisions plus held-out unlabelled projects "
        "counted as negatives; `ap_labelled`: on the held-out labels alone (confirmed vs unfounded).",
        "",
        "| label fraction | treatment | ap_pu | ap_labelled | train positives | kept |",
        "|---|---|---|---|---|---|",
    ]
    for frac, c in comparisons.items():
        kept = next((n.split("'")[1] for n in c["notes"] if n.startswith("kept treatment")), None)
        for row in c["comparison"]:
            lines.append(
                f"| {frac} | {row['treatment']} | {fmt(row.get('ap_pu'))} | {fmt(row.get('ap_labelled'))} | "
                f"{row.get('n_train_positive', '')} | {'✓' if row['treatment'] == kept else ''} |"
            )
        weights = ", ".join(f"{k} {v:.2f}" for k, v in c["weights_kept"].items())
        lines.append(f"| {frac} | weights: {weights}; thresholds {_thr(c['thresholds'])} | | | | |")
    lines += [
        "",
        "## Detector choice (no labels, all projects)",
        "",
        "| detectors | AP alone | AP with rules | seconds |",
        "|---|---|---|---|",
        *[
            f"| {r.detectors} | {r.ap_detectors_alone:.3f} | {r.ap_with_rules:.3f} | {r.seconds} |"
            for r in detectors.itertuples()
        ],
        "",
    ]
    if "shap" in extra:
        sh = extra["shap"]
        lines += [
            "## Explanations: speed and additivity",
            "",
            f"LightGBM `pred_contrib` in batches over {sh['rows']:,} projects: "
            f"{sh['batched_ms_per_row']:.3f} ms per row; `shap.TreeExplainer` called row by row: "
            f"{sh['row_by_row_ms_per_row']:.2f} ms per row (**{sh['speedup']:.0f}×** slower; for LightGBM it "
            "calls the same `pred_contrib`, so the gap is per-call overhead); shap's own TreeSHAP on the "
            f"parsed trees: {sh['shap_internal_ms_per_row']:.3f} ms per row in one batch. "
            f"Largest |Σ contributions + base − raw score| = {sh['additivity_max_error']:.2e}; largest "
            f"difference from shap's own TreeSHAP = {sh['max_diff_vs_tree_explainer']:.2e}.",
            "",
            "![SHAP beeswarm](img/model-shap_beeswarm.png) ![calibration](img/model-calibration.png)",
            "",
        ]
    if "curve" in extra:
        curve = extra["curve"]
        lines += [
            "## Learning curve",
            "",
            "One county with every planted case decided; labels are handed over in decision order (as "
            "feedback accrues) and each point is scored on the same set of never-labelled projects.",
            "",
            "| labels handed over | labels | full model AP | plain LightGBM AP |",
            "|---|---|---|---|",
        ]
        for frac, group in curve.groupby("label_frac"):
            full = group.loc[group["model"] == "d) full model", "average_precision"]
            plain = group.loc[group["model"] == "c) plain LightGBM", "average_precision"]
            lines.append(
                f"| {frac} | {int(group['labels'].iloc[0])} | {fmt(full.iloc[0] if len(full) else None)} | "
                f"{fmt(plain.iloc[0] if len(plain) else None)} |"
            )
        lines += ["", "![learning curve](img/model-learning-curve.png)", ""]
    lines += [
        "## Reading the figures",
        "",
        DISCUSSION,
        "",
        f"Run time: {extra.get('seconds', 0):.0f} s on this machine.",
    ]
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.report}")


def _thr(t: dict[str, Any]) -> str:
    return f"red ≥ {t['red']:.1f}, yellow ≥ {t['yellow']:.1f} ({t['red_basis']})"


def _verdicts(results: dict[float, dict[str, dict[str, Any]]], posts: dict[float, dict[str, Any]]) -> list[str]:
    out = []
    for frac, by_model in results.items():
        full = by_model[MODELS[3]]
        ap = full["average_precision"]
        beats = [
            n
            for n in (MODELS[0], MODELS[2])
            if by_model[n]["average_precision"] is None or (ap is not None and ap > by_model[n]["average_precision"])
        ]
        out.append(
            f"- fraction {frac}: full-model AP {fmt(ap)} (target {TARGETS.get(frac)}: "
            f"{'met' if ap is not None and ap >= TARGETS.get(frac, 0) else 'missed'}); red precision "
            f"{fmt(full['red_precision'])} ({'met' if (full['red_precision'] or 0) >= 0.95 else 'missed'}); "
            f"beats {', '.join(beats) or 'neither baseline'}; post AP {fmt(posts[frac]['post_average_precision'])}."
        )
    return out


DISCUSSION = """\
**What carries the score.** Rules alone already rank well where a scheme has a rule, but they fire
unevenly (a rule hitting a large share of projects says little) and say nothing about schemes whose
rule is missing or whose threshold a case slips under. Weighting each rule by its rarity and adding
the detectors lifts the label-free score well above rules alone; the rule-pattern detector (weak
supervision from the rules' own red hits) adds a little more, as the (b0)
ablation shows. With many labels (0.4) the classifier adds the most where rules are weakest: tender
splitting, build-before-approval and land appraisal in the per-scheme tables. With few labels it cannot
yet: tender splitting, which no rule catches on this data, stays near zero in the top 5 % at 0.1 and
without labels, and at 0.1 the classifier ranks bid rigging below rules alone (it has seen few
bid-rigging labels). That is where "the classifier must not forget schemes with few labels" is not met
in this run; weighting positives by scheme rarity did not change it on a development county.

**Why the labelled targets are missed (when they are).** Labels are handed over for the cases that
were investigated, and the evaluation only scores the others, so at 0.4 the remaining positives are the
subtler ones: every scorer, rules included, does worse on them than at 0.1 or 0. The classifier's
weight is set from the number of labels, not from the validation split: the validation positives are
the latest investigated cases and look like the earlier ones, so a weight or treatment picked on them
favours copying the labelling (a learning-curve run where the validation grid chose the weights lost
AP at 0.2). The validation pick is still computed and recorded in MLflow and above; the PU treatment
replaces "unlabelled as down-weighted negatives" only when it wins in at least 90 % of bootstrap
resamples of the validation set.

**Detectors.** Isolation Forest (with median imputation, missing-value flags and robust scaling plus
arcsinh) and ECOD were kept: ECOD beats LOF on a reduced space both alone and with rules, handles
missing values by construction, and decomposes exactly over features, which is what the top factors of
a county without labels are built from. Isolation Forest alone combines slightly better with rules than
the pair; the pair ranks better as detectors alone, which is what the classifier reads.

**Posts.** A post's warnings (self-approval, relatives) carry most of the evidence; the risk of the
projects approved from it and its own anomaly break the ties.

**Limits.** One simulated county per fraction and one seed: differences of ±0.01 in AP are within the
noise of which cases get labelled. The simulator's schemes are the ones the rules were written for;
real data will have schemes nobody wrote a rule for, where only the detectors and (with labels) the
classifier can help."""


if __name__ == "__main__":
    main()
