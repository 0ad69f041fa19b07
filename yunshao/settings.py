"""The one typed settings object.

Every tunable of yunshao lives here, grouped by the stage that reads it, and can be set by environment
variables with the ``YUNSHAO_`` prefix (nested with ``__``, e.g. ``YUNSHAO_RULES__WORKS_TENDER_THRESHOLD``)
or a ``.env`` file. Regions differ (a province may lower the tendering thresholds), so thresholds are
settings, never literals in rules.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EngineSettings(BaseModel):
    """Where SQL runs. DuckDB is embedded and the default; Spark is for province scale."""

    name: Literal["duckdb", "spark"] = "duckdb"
    threads: int | None = Field(default=None, description="DuckDB threads; None = all cores")
    memory_limit: str = Field(default="8GB", description="DuckDB memory limit before spilling to disk")
    timezone: str = Field(default="Asia/Shanghai", description="zone of timestamps that carry none")


class LoadSettings(BaseModel):
    """How contract files are read."""

    csv_encodings: tuple[str, ...] = Field(
        default=("utf-8", "gb18030"),
        description="encodings tried in order for CSV files; GB18030 is a superset of GBK",
    )


class FeatureSettings(BaseModel):
    """Thresholds used by the feature SQL (bound as parameters, never literals)."""

    night_start_hour: int = Field(default=22, description="an event at or after this hour is at night")
    night_end_hour: int = Field(default=6, description="an event before this hour is at night")
    ladder_step_pct: float = Field(default=0.02, description="max relative gap of a regular price ladder")
    emergency_category: str = Field(default="emergency", description="projects.category of 抢险救灾 work")
    relative_kinds: str = Field(
        default="spouse,kin,in_law", description="relations.kind values that count as relatives (comma list)"
    )
    owner_roles: str = Field(
        default="legal_rep,shareholder,director", description="company_people roles that own or control"
    )
    split_window_days: int = Field(default=90, description="window in which sibling projects count as split")
    split_band_pct: float = Field(
        default=0.2, description="a budget this share below the tender threshold is 'just below'"
    )


class RuleSettings(BaseModel):
    """Parameters of the rule catalog; per-rule overrides by id in ``overrides``."""

    works_tender_threshold: float = Field(default=4_000_000, description="工程施工必须招标限额 (yuan)")
    goods_tender_threshold: float = Field(default=2_000_000, description="货物采购必须招标限额 (yuan)")
    services_tender_threshold: float = Field(default=1_000_000, description="服务采购必须招标限额 (yuan)")
    escalation_min_schemes: int = Field(
        default=2, ge=2, description="yellow warnings of this many schemes on one project escalate to red"
    )
    disabled: list[str] = Field(default_factory=list, description="rule ids not to run in this region")
    overrides: dict[str, dict[str, float | int | str]] = Field(
        default_factory=dict, description="per rule id, parameter name → value (region overrides)"
    )


class ModelSettings(BaseModel):
    """Training, scoring and the model registry."""

    random_state: int = 0
    n_estimators: int = 200
    contamination: float | Literal["auto"] = "auto"
    red_share: float = Field(default=0.02, description="upper share of projects a red level may take")
    yellow_share: float = Field(default=0.10, description="upper share of projects red+yellow may take")
    red_precision: float = Field(default=0.95, description="precision red must reach on validation labels")
    top_factors: int = 5
    explain: Literal["flagged", "all", "none"] = Field(
        default="flagged", description="rows that get SHAP top factors: red/yellow ones, all, or none"
    )
    partial_weight: float = Field(default=0.5, description="weight of a `partial` outcome as a positive")
    min_labels: int = Field(default=20, description="positive labels needed to train a model in a run")
    train_in_run: bool = Field(default=True, description="train a model in `run` when labels exist")
    mlflow_tracking_uri: str = "sqlite:///mlruns.db"
    mlflow_experiment: str = "yunshao"
    registered_model: str = "yunshao-risk"
    use_champion: bool = Field(default=True, description="score with the registry's `champion` if one exists")
    optuna_storage: str = "sqlite:///optuna.db"


class ServeSettings(BaseModel):
    """The scoring API and the inspectors' pages."""

    host: str = "127.0.0.1"
    port: int = 8000
    store: Path | None = Field(default=None, description="DuckDB store written by `yunshao run`")
    keys_db: Path = Path("yunshao-keys.duckdb")
    max_body_bytes: int = 5_000_000
    cors_origins: list[str] = Field(default_factory=list)


class ReportSettings(BaseModel):
    """The unit integrity index (廉情指数) and supervision analytics."""

    green_min: float = 80.0
    yellow_min: float = 60.0


class Settings(BaseSettings):
    """All of yunshao's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="YUNSHAO_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    lang: Literal["zh", "en"] = "zh"
    engine: EngineSettings = EngineSettings()
    load: LoadSettings = LoadSettings()
    features: FeatureSettings = FeatureSettings()
    rules: RuleSettings = RuleSettings()
    model: ModelSettings = ModelSettings()
    serve: ServeSettings = ServeSettings()
    report: ReportSettings = ReportSettings()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
