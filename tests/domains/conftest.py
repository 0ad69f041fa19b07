"""The contract's vocabulary is process-wide: every test here leaves it as the shipped declarations made it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from yunshao.domains.contract import activate


@pytest.fixture(autouse=True)
def _shipped_vocabulary_after() -> Iterator[None]:
    yield
    activate()
