"""Models that learn: anomaly detectors, a classifier on verified outcomes, the risk score and its reasons.

``score_run`` is the pipeline's models stage; ``train``/``tune``/``promote`` (``yunshao.training.cli``)
manage models in the MLflow registry.
"""

from yunshao.training.scoring import ScoreReport, score_run

__all__ = ["ScoreReport", "score_run"]
