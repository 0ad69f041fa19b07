"""Models that learn: anomaly detectors, a classifier on verified outcomes, the risk score and its reasons.

``score_run`` is the pipeline's models stage; ``train``/``tune``/``promote`` (``yunshao.training.cli``)
manage models in the MLflow registry. ``score_run`` is imported on first use (it pulls in scikit-learn and
LightGBM), so mounting the training commands on the CLI costs nothing.
"""

from typing import TYPE_CHECKING

from yunshao.lazy import lazy_exports

if TYPE_CHECKING:
    from yunshao.training.scoring import ScoreReport, score_run

__all__ = ["ScoreReport", "score_run"]

__getattr__ = lazy_exports(
    __name__, {"ScoreReport": "yunshao.training.scoring", "score_run": "yunshao.training.scoring"}
)
