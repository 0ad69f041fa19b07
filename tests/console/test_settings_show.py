"""`yunshao settings show`: the effective value of every setting and where it came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunshao.cli import app
from yunshao.settings import Settings


@pytest.fixture
def env_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a .env file, started in, and two environment variables (one also in the file)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("YUNSHAO_MODEL__RED_SHARE=0.04\nYUNSHAO_LANG=en\n", encoding="utf-8")
    monkeypatch.setenv("YUNSHAO_RULES__WORKS_TENDER_THRESHOLD", "3000000")
    monkeypatch.setenv("YUNSHAO_LANG", "zh")
    return tmp_path


def _rows(*args: str) -> dict[str, dict[str, str]]:
    result = CliRunner().invoke(app, ["settings", "show", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return {r["name"]: r for r in json.loads(result.stdout)}


def test_each_value_names_its_source(env_and_file: Path) -> None:
    rows = _rows()
    assert rows["rules.works_tender_threshold"]["value"] == "3000000.0"
    assert rows["rules.works_tender_threshold"]["source"] == "environment"
    assert rows["model.red_share"] == {
        "name": "model.red_share",
        "env_var": "YUNSHAO_MODEL__RED_SHARE",
        "value": "0.04",
        "source": "file",
    }
    # the environment wins over the file, as Settings() itself resolves it
    assert rows["lang"]["value"] == "zh" and rows["lang"]["source"] == "environment"
    assert rows["engine.timezone"] == {
        "name": "engine.timezone",
        "env_var": "YUNSHAO_ENGINE__TIMEZONE",
        "value": "Asia/Shanghai",
        "source": "default",
    }
    # a sibling of a set value keeps its own source
    assert rows["rules.goods_tender_threshold"]["source"] == "default"


def test_every_setting_is_listed_once_and_unread_ones_are_gone(env_and_file: Path) -> None:
    rows = _rows()
    assert "model.contamination" not in rows
    assert rows["model.mlflow_tracking_uri"]["value"] == Settings().model.mlflow_tracking_uri
    # two different weights of a partial outcome no longer share a name
    assert rows["model.partial_weight"]["value"] == "0.5"
    assert rows["report.partial_confirmed_weight"]["value"] == "1.0"
    assert "report.partial_weight" not in rows


def test_changed_lists_only_what_the_file_or_environment_set(env_and_file: Path) -> None:
    # YUNSHAO_HOME is set for every test session (tests/conftest.py): it is an environment value too
    assert set(_rows("--changed")) == {"home", "lang", "rules.works_tender_threshold", "model.red_share"}


def test_a_json_object_for_a_mapping_setting_counts_as_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("YUNSHAO_RULES__OVERRIDES", '{"R001": {"min_days": 3}}')
    rows = _rows("--changed")
    assert rows["rules.overrides"]["value"] == '{"R001": {"min_days": 3}}'
    assert rows["rules.overrides"]["source"] == "environment"


def test_the_table_names_the_file(env_and_file: Path) -> None:
    result = CliRunner().invoke(app, ["settings", "show"])
    assert result.exit_code == 0
    assert "rules.works_tender_threshold" in result.stdout and "environment" in result.stdout
    assert f"file: {env_and_file / '.env'} (read)" in result.stdout


def test_an_invalid_value_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("YUNSHAO_MODEL__RED_SHARE", "a lot")
    result = CliRunner().invoke(app, ["settings", "show"])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: invalid setting model.red_share:")
    assert len(result.stderr.strip().splitlines()) == 1
