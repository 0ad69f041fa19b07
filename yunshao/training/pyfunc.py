"""The RiskModel as an MLflow pyfunc: design matrix in, scores out."""

from __future__ import annotations

from typing import Any

import joblib
import pandas as pd
from mlflow.pyfunc import PythonModel

from yunshao.training.model import RiskModel


def score_frame(model: RiskModel, frame: pd.DataFrame) -> pd.DataFrame:
    """The pyfunc's output for a design matrix: risk_score, level, anomaly_score, model_score."""
    out = model.score(frame.astype("float64"))
    return out.reset_index(drop=True)


class RiskPyfunc(PythonModel):
    """Loads the joblib-saved RiskModel from the run's artifacts."""

    model: RiskModel

    def load_context(self, context: Any) -> None:
        self.model = joblib.load(context.artifacts["risk_model"])

    def predict(self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        return score_frame(self.model, pd.DataFrame(model_input))
