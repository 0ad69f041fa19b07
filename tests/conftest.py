"""Settings every test shares: a YUNSHAO_HOME of the session's own.

The model registry, the Optuna studies and the API keys default to files under YUNSHAO_HOME (~/.yunshao);
a test must neither read a champion the user registered nor leave keys behind, so each session (each
xdist worker) points the variable at a fresh temporary folder, removed at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    home = tempfile.mkdtemp(prefix="yunshao-home-")
    os.environ["YUNSHAO_HOME"] = home
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))


@pytest.fixture(scope="session")
def postgres_url() -> object:
    """A real PostgreSQL server for this session (Debian's package); skipped where it cannot start."""
    from tests.postgres_server import missing_reason, postgres_server

    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    with postgres_server() as url:
        yield url
