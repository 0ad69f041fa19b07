"""``yunshao tune``: an Optuna study over the classifier's and the combination's parameters.

The study lives in SQLite storage (``ModelSettings.optuna_storage``) under the spec's study name, so an
interrupted study resumes: ``--trials N`` means N finished trials in total, and a rerun only runs the
missing ones. Each trial first fits a third of the trees and reports its cross-validated average precision;
the median pruner stops trials that are already behind, before the full fit. Every trial is an MLflow
run nested under the study's run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import optuna

from yunshao.settings import Settings
from yunshao.training.dataset import ProjectData, prepare_store
from yunshao.training.experiment import training_data
from yunshao.training.labels import Targets
from yunshao.training.registry import make_folder, use_experiment
from yunshao.training.spec import ExperimentSpec
from yunshao.training.train import fit_risk_model

CLASSIFIER_SPACE: dict[str, list[Any]] = {
    "n_estimators": [100, 600],
    "learning_rate": [0.01, 0.2],
    "num_leaves": [4, 63],
    "min_child_samples": [3, 40],
    "unlabelled_weight": [0.01, 1.0],
    "colsample_bytree": [0.4, 1.0],
}
COMBINE_SPACE: dict[str, list[Any]] = {
    "w_model": [0.2, 5.0],
    "w_anomaly": [0.05, 1.5],
    "w_pattern": [0.0, 2.0],
    "anomaly_power": [1.0, 4.0],
    "red_hit": [0.4, 0.9],
    "yellow_hit": [0.1, 0.6],
}
LOG_SCALE = {"learning_rate", "unlabelled_weight", "w_model", "w_anomaly"}


@dataclass
class TuneSummary:
    study_name: str
    storage: str
    trials: int
    ran: int
    best_value: float | None
    best_params: dict[str, Any] = field(default_factory=dict)


def suggest(trial: optuna.Trial, name: str, bounds: list[Any]) -> Any:
    """A value for ``name``: from a list of choices, or between [low, high] (int or float)."""
    if len(bounds) != 2 or isinstance(bounds[0], str | bool) or bounds[0] is None:
        return trial.suggest_categorical(name, bounds)
    low, high = bounds
    if isinstance(low, int) and isinstance(high, int):
        return trial.suggest_int(name, low, high, log=name in LOG_SCALE)
    return trial.suggest_float(name, float(low), float(high), log=name in LOG_SCALE)


def _space(spec: ExperimentSpec) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    classifier = dict(CLASSIFIER_SPACE)
    combine = dict(COMBINE_SPACE)
    for key, bounds in spec.tune.search.items():
        group, _, name = key.partition(".")
        if group not in ("classifier", "combine") or not name:
            raise ValueError(f"tune.search key '{key}' must be classifier.<param> or combine.<param>")
        (classifier if group == "classifier" else combine)[name] = bounds
    return classifier, combine


def objective_for(data: ProjectData, targets: Targets, spec: ExperimentSpec, n_jobs: int | None = None) -> Any:
    classifier_space, combine_space = _space(spec)

    def objective(trial: optuna.Trial) -> float:
        import mlflow

        clf = {k: suggest(trial, f"classifier.{k}", b) for k, b in classifier_space.items()}
        comb = {k: suggest(trial, f"combine.{k}", b) for k, b in combine_space.items()}
        weight = float(clf.pop("unlabelled_weight", spec.classifier.unlabelled_weights[0]))
        value = float("nan")
        with mlflow.start_run(run_name=f"trial-{trial.number}", nested=True):
            mlflow.log_params(
                {
                    **{f"classifier.{k}": v for k, v in clf.items()},
                    **{f"combine.{k}": v for k, v in comb.items()},
                    "classifier.unlabelled_weight": weight,
                }
            )
            for step, trees in enumerate((max(10, clf["n_estimators"] // 3), clf["n_estimators"])):
                trial_spec = spec.model_copy(deep=True)
                trial_spec.classifier.unlabelled_weights = [weight]
                trial_spec.classifier.params = {**spec.classifier.params, **clf, "n_estimators": trees}
                result = fit_risk_model(data, targets, trial_spec, combine_overrides=comb, n_jobs=n_jobs)
                value = result.metrics.get("cv_ap", float("nan"))
                if np.isnan(value):
                    raise optuna.TrialPruned("too few outcomes to cross-validate this trial")
                trial.report(value, step)
                mlflow.log_metric("cv_ap", value, step=step)
                if trial.should_prune():
                    raise optuna.TrialPruned(f"pruned at step {step} with {value:.4f}")
        return value

    return objective


def tune(
    dataset: Path | None,
    trials: int,
    spec: ExperimentSpec,
    settings: Settings,
    *,
    data: tuple[ProjectData, Targets] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TuneSummary:
    """Run the study until it holds ``trials`` finished trials (resuming a stored one).

    ``progress`` gets (trials run now, trials to run) after each one, pruned or not.
    """
    import mlflow

    if data is None:
        if dataset is None:
            raise ValueError("tune needs a dataset")
        data = training_data(prepare_store(dataset, settings), settings)
    storage = make_folder(settings.model.optuna_storage)
    study = optuna.create_study(
        storage=storage,
        study_name=spec.tune.study_name,
        direction="maximize",
        load_if_exists=True,
        sampler=optuna.samplers.TPESampler(seed=spec.seed + _stored_trials(storage, spec.tune.study_name)),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=0),
    )
    done = [t for t in study.trials if t.state.is_finished()]
    missing = max(0, trials - len(done))
    use_experiment(settings.model)
    with mlflow.start_run(run_name=f"tune-{spec.tune.study_name}"):
        mlflow.log_params({"study": spec.tune.study_name, "storage": storage, "spec": spec.name})
        if missing:
            study.optimize(
                objective_for(*data, spec, settings.engine.n_jobs()),
                n_trials=missing,
                callbacks=[_reporter(missing, progress)],
            )
        best = _best(study)
        if best is not None:
            mlflow.log_metric("best_cv_ap", best[0])
    return TuneSummary(
        study_name=spec.tune.study_name,
        storage=storage,
        trials=len([t for t in study.trials if t.state.is_finished()]),
        ran=missing,
        best_value=None if best is None else best[0],
        best_params={} if best is None else best[1],
    )


def _reporter(total: int, progress: Callable[[int, int], None] | None) -> Callable[[optuna.Study, Any], None]:
    """An Optuna callback that counts the trials this call ran and passes (done, total) on."""
    done = 0
    if progress:
        progress(0, total)

    def report(study: optuna.Study, trial: Any) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    return report


def _stored_trials(storage: str, study_name: str) -> int:
    """Trials already in the stored study, so a resumed study does not replay the same seed."""
    summaries = optuna.get_all_study_summaries(storage=storage)
    return next((s.n_trials for s in summaries if s.study_name == study_name), 0)


def _best(study: optuna.Study) -> tuple[float, dict[str, Any]] | None:
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not complete:
        return None
    return float(study.best_value), dict(study.best_params)


def tuned_spec(spec: ExperimentSpec, best_params: dict[str, Any]) -> ExperimentSpec:
    """``spec`` with the study's best parameters filled in (write it to experiments/ to keep it)."""
    out = spec.model_copy(deep=True)
    out.version += 1
    for key, value in best_params.items():
        group, _, name = key.partition(".")
        if key == "classifier.unlabelled_weight":
            out.classifier.unlabelled_weights = [float(value)]
        elif group == "classifier":
            out.classifier.params[name] = value
        elif group == "combine":
            out.combine.params[name] = value
    return out
