"""Builders for hand-written OCDS compiled releases and a one-call indicator runner."""

from __future__ import annotations

import json
from typing import Any

import pytest

from yunshao.ocds.indicators import compute_indicators, parse_settings


def bid(
    tenderers: list[str] | Any,
    amount: Any = None,
    status: Any = "valid",
    currency: Any = "USD",
    date: Any = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"status": status}
    if isinstance(tenderers, list):
        out["tenderers"] = [{"id": t} for t in tenderers]
    else:
        out["tenderers"] = tenderers
    if amount is not None:
        out["value"] = {"amount": amount, "currency": currency}
    if date is not None:
        out["date"] = date
    if status is None:
        del out["status"]
    return out


def award(suppliers: list[Any], status: Any = "active", items: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"status": status, "suppliers": [{"id": s} for s in suppliers]}
    if items is not None:
        out["items"] = [{"classification": {"id": c}} for c in items]
    return out


def release(
    ocid: Any,
    bids: list[dict[str, Any]] | None = None,
    awards: list[dict[str, Any]] | None = None,
    **tender: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {"ocid": ocid, "tender": dict(tender)}
    if bids is not None:
        out["bids"] = {"details": bids}
    if awards is not None:
        out["awards"] = awards
    return out


def lines(releases: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(r) + "\n" for r in releases]


def run(releases: list[dict[str, Any]] | list[str], ini: str = "", *, meta: bool = True) -> dict[str, Any]:
    text = releases if releases and isinstance(releases[0], str) else lines(releases)  # type: ignore[arg-type]
    return compute_indicators(text, parse_settings(ini), include_meta=meta)  # type: ignore[arg-type]


class Builders:
    """The builders, handed to tests through a fixture so no test imports this conftest by name."""

    bid = staticmethod(bid)
    award = staticmethod(award)
    release = staticmethod(release)
    lines = staticmethod(lines)
    run = staticmethod(run)


@pytest.fixture
def ocds() -> Builders:
    return Builders()
