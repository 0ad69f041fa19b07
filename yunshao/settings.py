"""The one typed settings object.

Every tunable of yunshao lives here, grouped by the stage that reads it, and can be set by environment
variables with the ``YUNSHAO_`` prefix (nested with ``__``, e.g. ``YUNSHAO_RULES__WORKS_TENDER_THRESHOLD``)
or a ``.env`` file. Regions differ (a province may lower the tendering thresholds), so thresholds are
settings, never literals in rules.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class EngineSettings(BaseModel):
    """Where SQL runs. DuckDB is embedded and the default; Spark is for province scale."""

    name: Literal["duckdb", "spark"] = "duckdb"
    threads: int | None = Field(default=None, description="DuckDB threads; None = all cores")
    memory_limit: str | None = Field(
        default=None,
        description="DuckDB memory limit before spilling to disk; None = 1.5 GB per thread, at most half the memory",
    )
    timezone: str = Field(default="Asia/Shanghai", description="zone of timestamps that carry none")
    spark_master: str = Field(default="local[2]", description="Spark master when name = spark: local[n] or spark://…")
    spark_driver_memory: str = Field(default="4g", description="Spark driver heap (local mode runs all in it)")

    def n_jobs(self) -> int:
        """``threads`` in joblib's terms, for what fits models beside the SQL (-1: all cores)."""
        return self.threads or -1

    def duckdb_memory_limit(self) -> str:
        """The memory limit DuckDB runs with: the one set, else derived from the machine.

        1.5 GB per thread: at 10M events on 2 threads a 3 GB limit ran as fast as 8 GB and kept the run
        under 4 GiB (BENCHMARKS.md, "Engines"); DuckDB's own default (80 % of the memory) leaves nothing
        for the models stage's frames.
        """
        if self.memory_limit:
            return self.memory_limit
        limit = int(1.5e9 * (self.threads or os.cpu_count() or 1))
        memory = _physical_memory()
        return f"{(min(limit, memory // 2) if memory else limit) // 2**20}MiB"


def _physical_memory() -> int | None:
    """The machine's memory in bytes (None where the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


class LoadSettings(BaseModel):
    """How contract files are read."""

    csv_encodings: tuple[str, ...] = Field(
        default=("utf-8", "gb18030"),
        description="encodings tried in order for CSV files; GB18030 is a superset of GBK",
    )
    quarantine_warn_share: float = Field(
        default=0.05, ge=0, le=1, description="a run warns when a table loses more than this share of its rows"
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
    land_min_peers: int = Field(default=3, description="fewest peer parcels for a land price comparison")


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

    random_state: int = Field(default=0, description="seed of the detectors, the classifier and the folds")
    n_estimators: int = Field(default=200, description="trees of the Isolation Forest detector")
    red_share: float = Field(default=0.02, description="upper share of projects a red level may take")
    yellow_share: float = Field(default=0.10, description="upper share of projects red+yellow may take")
    red_precision: float = Field(default=0.95, description="precision red must reach on validation labels")
    top_factors: int = 5
    explain: Literal["flagged", "all", "none"] = Field(
        default="flagged", description="rows that get SHAP top factors: red/yellow ones, all, or none"
    )
    partial_weight: float = Field(default=0.5, description="weight of a `partial` outcome as a positive label")
    min_labels: int = Field(default=20, description="positive labels needed to train a model in a run")
    train_in_run: bool = Field(default=True, description="train a model in `run` when labels exist")
    mlflow_tracking_uri: str = Field(
        default="sqlite:///mlruns.db",
        description="MLflow tracking and registry URI; a relative sqlite:/// file lives under YUNSHAO_HOME",
    )
    mlflow_experiment: str = "yunshao"
    registered_model: str = "yunshao-risk"
    use_champion: bool = Field(default=True, description="score with the registry's `champion` if one exists")
    optuna_storage: str = Field(
        default="sqlite:///optuna.db", description="Optuna storage; a relative sqlite:/// file lives under YUNSHAO_HOME"
    )


class ServeSettings(BaseModel):
    """The scoring API and the inspectors' pages (yunshao/serving, docs/api.md)."""

    host: str = "127.0.0.1"
    port: int = 8000
    store: Path | None = Field(default=None, description="DuckDB store written by `yunshao run`")
    keys_db: Path = Field(
        default=Path("keys.sqlite"),
        description="SQLite file of hashed API keys (`yunshao keys`); a relative path lives under YUNSHAO_HOME",
    )
    state_db: Path | None = Field(
        default=None,
        description="SQLite file of feedback and the audit log; None = yunshao-serving.sqlite beside the store",
    )
    database_url: str | None = Field(
        default=None,
        description="case store (keys, sessions, cases, feedback, audit): a SQLAlchemy URL, e.g. "
        "postgresql://user@host/yunshao; None = the SQLite files keys_db and state_db",
    )
    session_hours: float = Field(default=8.0, gt=0, description="a pages login lasts this long")
    secure_cookies: bool | None = Field(
        default=None,
        description="login cookies sent over HTTPS only; None = yes, except plain HTTP from this machine itself",
    )
    max_body_bytes: int = Field(default=64_000_000, description="larger request bodies get 413")
    max_batch_bundles: int = Field(default=5_000, description="bundles accepted by one POST /v1/score/batch")
    cors_origins: list[str] = Field(default_factory=list, description="CORS is closed unless origins are listed")
    lang: Literal["zh", "en"] = Field(default="zh", description="default language of the pages")
    page_size: int = Field(default=50, description="default page size of lists")
    max_page_size: int = 500
    neighbour_projects: int = Field(
        default=200, description="store projects taken as peers of a scored bundle (same unit, same companies)"
    )
    workers: int = Field(default=1, description="uvicorn worker processes")
    scoring_engines: int = Field(
        default=2, ge=1, description="scoring passes run at once in a worker, each on its own DuckDB connection"
    )
    engine_threads: int = Field(
        default=1, ge=1, description="DuckDB threads of each scoring connection (small passes run fastest on one)"
    )


class ReportSettings(BaseModel):
    """The unit integrity index (廉情指数) and supervision analytics (docs/analytics.md).

    Index = 100 × Σ wᵢ·sᵢ / Σ wᵢ over the components a unit has data for; each sᵢ is in [0, 1], 1 = clean.
    """

    green_min: float = Field(default=80.0, description="index at or above which a unit is green")
    yellow_min: float = Field(default=60.0, description="index at or above which a unit is yellow")
    band_mode: Literal["score", "rank"] = Field(
        default="rank",
        description="rank: 桐庐 practice, the lowest-ranked units red/yellow; score: by green_min/yellow_min",
    )
    rank_within: Literal["kind", "all"] = Field(
        default="kind", description="rank units among units of the same kind (乡镇 with 乡镇) or all together"
    )
    min_projects: int = Field(default=3, ge=1, description="projects a unit needs in a period to be ranked")
    rank_red_share: float = Field(default=1 / 7, ge=0, le=1, description="rank mode: share of units red")
    rank_yellow_share: float = Field(default=1 / 7, ge=0, le=1, description="rank mode: share yellow")
    weight_warning: float = Field(default=35.0, ge=0, description="预警率: weighted warnings per 100 projects")
    weight_confirmed: float = Field(default=30.0, ge=0, description="查实率: confirmed problems per 100 projects")
    weight_rectified: float = Field(default=20.0, ge=0, description="整改率 (proxy: confirmed rule not recurring)")
    weight_disposed: float = Field(default=15.0, ge=0, description="处置率 (proxy: warnings with an outcome)")
    warning_rate_cap: float | None = Field(
        default=None,
        gt=0,
        description="weighted warnings per 100 projects that score 0; None = twice the rate of all units together",
    )
    confirmed_rate_cap: float | None = Field(
        default=None,
        gt=0,
        description="confirmed problems per 100 projects that score 0; None = twice the rate of all units together",
    )
    auto_cap_multiple: float = Field(default=2.0, gt=1, description="cap = this × the all-units rate when unset")
    red_weight: float = Field(default=2.0, ge=0, description="a red warning counts as this many yellow ones")
    partial_confirmed_weight: float = Field(
        default=1.0, ge=0, le=1, description="share of a 'partial' (部分属实) outcome counted as a confirmed problem"
    )
    recurring_min_months: int = Field(default=3, ge=2, description="months with hits that make a 高频问题")
    review_min_decided: int = Field(default=5, ge=1, description="decided hits before 'never confirmed' counts")
    trend_months: int = Field(default=3, ge=1, description="months compared with the months before for a trend")
    trend_ratio: float = Field(default=1.25, gt=1, description="rate ratio beyond which a trend rises or falls")
    high_risk_min_projects: int = Field(default=3, ge=1, description="handled projects before 高风险岗位 counts")
    high_risk_share: float = Field(default=0.5, ge=0, le=1, description="warned share of handled projects: 高风险")
    html_rows: int = Field(default=30, ge=1, description="rows shown per ranked table in the HTML report")

    @model_validator(mode="after")
    def _coherent(self) -> ReportSettings:
        if self.yellow_min > self.green_min:
            raise ValueError("report.yellow_min must not exceed report.green_min")
        if self.weight_warning + self.weight_confirmed + self.weight_rectified + self.weight_disposed <= 0:
            raise ValueError("report: at least one index weight must be positive")
        if self.rank_red_share + self.rank_yellow_share > 1:
            raise ValueError("report: rank_red_share + rank_yellow_share must not exceed 1")
        return self


class CaseSettings(BaseModel):
    """Cases: warnings followed to their close (yunshao/cases, docs/cases.md)."""

    escalate_after_days: int = Field(
        default=7, ge=1, description="days past a deadline before a case goes to the unit's superior"
    )
    escalation_minutes: float = Field(
        default=60.0, gt=0, description="how often the API checks for overdue cases (also `yunshao cases escalate`)"
    )
    sync_on_start: bool = Field(default=True, description="open and carry over cases from the store when serving")
    check_days: int = Field(default=15, ge=1, description="the check deadline a case page proposes when assigning")
    rectify_days: int = Field(default=30, ge=1, description="the rectification deadline a case page proposes")


class DomainSettings(BaseModel):
    """The power-item declarations (docs/domains.md): the user's folders and the region's thresholds."""

    dirs: list[Path] = Field(
        default_factory=list,
        description="extra folders of domain declarations; a shipped id is replaced, a new id adds a domain",
    )
    thresholds: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="per domain id, threshold name → value (region overrides of the defaults)"
    )


class Settings(BaseSettings):
    """All of yunshao's configuration."""

    model_config = SettingsConfigDict(env_prefix="YUNSHAO_", env_nested_delimiter="__", env_file=".env", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path.home() / ".yunshao",
        description="YUNSHAO_HOME: the folder of the model registry, the Optuna studies and the API keys",
    )
    lang: Literal["zh", "en"] = "zh"
    engine: EngineSettings = EngineSettings()
    load: LoadSettings = LoadSettings()
    features: FeatureSettings = FeatureSettings()
    rules: RuleSettings = RuleSettings()
    model: ModelSettings = ModelSettings()
    serve: ServeSettings = ServeSettings()
    report: ReportSettings = ReportSettings()
    cases: CaseSettings = CaseSettings()
    domains: DomainSettings = DomainSettings()

    @model_validator(mode="after")
    def _stores_under_home(self) -> Settings:
        """The registry, the studies and the keys resolve against ``home``, never the working directory.

        Resolved against the current folder, a `run` started elsewhere found no champion and trained a new
        model, and `serve` started elsewhere opened an empty keys file so that every key got 401.
        """
        self.home = self.home.expanduser().resolve()
        self.model = self.model.model_copy(
            update={
                "mlflow_tracking_uri": under_home_uri(self.model.mlflow_tracking_uri, self.home),
                "optuna_storage": under_home_uri(self.model.optuna_storage, self.home),
            }
        )
        self.serve = self.serve.model_copy(update={"keys_db": self.home / self.serve.keys_db.expanduser()})
        return self


SQLITE_URI = "sqlite:///"


def under_home_uri(uri: str, home: Path) -> str:
    """A relative ``sqlite:///file.db`` placed under ``home``; absolute files and other URIs unchanged."""
    if not uri.startswith(SQLITE_URI):
        return uri
    path = uri[len(SQLITE_URI) :]
    if path == ":memory:":
        return uri
    return SQLITE_URI + str(home / Path(path).expanduser())  # an absolute path stays itself under `/`


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
