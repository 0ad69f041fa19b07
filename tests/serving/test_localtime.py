"""The API's local time is the setting engine.timezone, written once (it was Asia/Shanghai in three modules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from yunshao.serving.core import localtime
from yunshao.settings import get_settings


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    get_settings.cache_clear()
    localtime.local_zone.cache_clear()
    yield
    get_settings.cache_clear()
    localtime.local_zone.cache_clear()


def test_an_offset_becomes_naive_shanghai_time_by_default(zone: None) -> None:
    utc = dt.datetime(2024, 3, 1, 1, 30, tzinfo=dt.UTC)
    assert localtime.naive_local(utc) == dt.datetime(2024, 3, 1, 9, 30)
    naive = dt.datetime(2024, 3, 1, 1, 30)
    assert localtime.naive_local(naive) is naive


def test_the_zone_is_the_engine_setting(zone: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUNSHAO_ENGINE__TIMEZONE", "Asia/Urumqi")
    utc = dt.datetime(2024, 3, 1, 1, 30, tzinfo=dt.UTC)
    assert localtime.naive_local(utc) == dt.datetime(2024, 3, 1, 7, 30)
    assert localtime.now_local().tzinfo is None


def test_bundle_timestamps_use_it(zone: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from yunshao.serving.models.contract_rows import row_model

    monkeypatch.setenv("YUNSHAO_ENGINE__TIMEZONE", "UTC")
    row = row_model("payments").model_validate(
        {"payment_id": "x", "project_id": "p", "amount": 1.0, "paid_at": "2024-03-01T09:30:00+08:00"}
    )
    assert row.paid_at == dt.datetime(2024, 3, 1, 1, 30)  # type: ignore[attr-defined]
