"""The keys file lives under YUNSHAO_HOME: a key created in one folder works for `serve` started in another,
and `serve` without any keys file stops with one line instead of creating an empty one (issue 17, item 3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.serving.conftest import auth, stub_scorer
from yunshao.cli import app
from yunshao.serving.app import create_app
from yunshao.settings import Settings, get_settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh YUNSHAO_HOME; `serve` exports the store to the environment, which monkeypatch restores."""
    monkeypatch.setenv("YUNSHAO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("YUNSHAO_SERVE__STORE", "")  # recorded, so teardown restores it after `serve` sets it
    monkeypatch.delenv("YUNSHAO_SERVE__STORE")
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """`uvicorn.run` replaced by a recorder: the command's checks run, no port is opened."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append({"target": target, **kw}))
    return calls


def test_a_key_created_in_one_folder_is_accepted_by_serve_started_in_another(
    home: Path, tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch, no_server: list[dict[str, Any]]
) -> None:
    runner = CliRunner()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    created = runner.invoke(app, ["keys", "create", "--role", "inspector", "--name", "核查员"])
    assert created.exit_code == 0, created.output
    assert f"keys: {home / 'keys.sqlite'}" in created.stderr.splitlines()
    token = created.stdout.strip().splitlines()[-1]

    monkeypatch.chdir(tmp_path / "b")
    get_settings.cache_clear()
    started = runner.invoke(app, ["serve", "--store", str(store_path)])
    assert started.exit_code == 0, started.output
    assert f"keys: {home / 'keys.sqlite'}" in started.stderr.splitlines()
    assert [c["target"] for c in no_server] == ["yunshao.serving.asgi:create"]
    assert not list((tmp_path / "b").iterdir()), "nothing may be created in the working folder"

    settings = Settings()  # what the app factory reads in the worker, from the same environment
    assert settings.serve.store == store_path.resolve()
    with TestClient(create_app(settings, scorer=stub_scorer)) as client:
        assert client.get("/v1/warnings", headers=auth(token)).status_code == 200


def test_serve_without_a_keys_file_is_one_line_and_creates_none(
    home: Path, tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch, no_server: list[dict[str, Any]]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["serve", "--store", str(store_path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: {home / 'keys.sqlite'}: keys file not found (create a key with `yunshao keys create`)"
    )
    assert not no_server and not (home / "keys.sqlite").exists()
