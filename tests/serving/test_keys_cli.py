"""`yunshao keys create|list|revoke` through typer's runner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from yunshao.serving.cli import keys_app
from yunshao.serving.keys import KeyStore


def test_create_list_revoke(tmp_path: Path) -> None:
    db = tmp_path / "keys.sqlite"
    runner = CliRunner()
    created = runner.invoke(keys_app, ["create", "--role", "inspector", "--name", "王核查", "--db", str(db)])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    key = KeyStore(db).verify(token)
    assert key is not None and key.role == "inspector" and key.name == "王核查"
    listed = runner.invoke(keys_app, ["list", "--db", str(db)])
    assert key.key_id in listed.stdout and "live" in listed.stdout and token not in listed.stdout
    assert runner.invoke(keys_app, ["revoke", key.key_id, "--db", str(db)]).exit_code == 0
    assert KeyStore(db).verify(token) is None
    assert runner.invoke(keys_app, ["revoke", key.key_id, "--db", str(db)]).exit_code == 1
    bad = runner.invoke(keys_app, ["create", "--role", "root", "--db", str(db)])
    assert bad.exit_code != 0
