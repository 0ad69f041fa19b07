"""The serving settings resolved into the paths the app opens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yunshao.settings import ServeSettings, Settings

STATE_FILE = "yunshao-serving.sqlite"


@dataclass(frozen=True)
class ServeConfig:
    settings: Settings
    store: Path
    keys_db: Path
    state_db: Path

    @property
    def database(self) -> str | Path:
        """The case store: ``serve.database_url``, else the SQLite state file."""
        return self.settings.serve.database_url or self.state_db

    @property
    def keys_database(self) -> str | Path:
        """Where the keys live: ``serve.database_url`` (one store for everything), else ``serve.keys_db``."""
        return self.settings.serve.database_url or self.keys_db

    @property
    def serve(self) -> ServeSettings:
        return self.settings.serve

    @property
    def run_json(self) -> Path:
        return self.store.parent / "run.json"


def resolve(settings: Settings) -> ServeConfig:
    """Paths of the store, the keys file and the feedback/audit file; a missing store is a clear error."""
    serve = settings.serve
    if serve.store is None:
        raise FileNotFoundError("no store given: pass --store OUT/yunshao.duckdb or set YUNSHAO_SERVE__STORE")
    store = Path(serve.store)
    if store.is_dir():
        store = store / "yunshao.duckdb"
    if not store.is_file():
        raise FileNotFoundError(f"{store}: store not found (write it with `yunshao run DATASET --out OUT`)")
    state = Path(serve.state_db) if serve.state_db else store.parent / STATE_FILE
    return ServeConfig(settings=settings, store=store, keys_db=Path(serve.keys_db), state_db=state)


def state_path_for(store: Path) -> Path:
    """Where the feedback of a store lives by default (read by ``train`` and ``run``)."""
    store = Path(store)
    return (store if store.is_dir() else store.parent) / STATE_FILE
