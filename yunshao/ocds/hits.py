"""Cardinal's indicators as a table the rule catalog reads, for datasets imported from OCDS.

The catalog's OCDS rules (`rules/catalog/ocds/`) select from ``ocds_indicator_hits``; it exists only when the
dataset's ``source.json`` names the releases it came from, so on every other dataset those rules report
themselves skipped like any rule whose table is absent. Each hit carries its indicator's Chinese and
English names, which the indicator classes declare (``ocds/indicators``), so no rule writes them again.

A flag on a procurement (scope OCID) is one row with ``project_id`` = the ocid (rule ``OCDS-FLAG``). A
flag on a tenderer, buyer or procuring entity is one row per project that party appears in, with the
party's name (``ocds/party_hits.py``; rule ``OCDS-PARTY-FLAG``), so it becomes a warning on each of them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from yunshao.engine.backend import Backend, as_backend

HITS_TABLE = "ocds_indicator_hits"
#: scope is Cardinal's group: OCID (a project), Buyer, ProcuringEntity or Tenderer (a company); project_id
#: is the project the row concerns (the ocid itself, or one project of the flagged party)
HITS_COLUMNS = {
    "indicator": "VARCHAR",
    "indicator_zh": "VARCHAR",
    "indicator_en": "VARCHAR",
    "scope": "VARCHAR",
    "id": "VARCHAR",
    "value": "DOUBLE",
    "project_id": "VARCHAR",
    "party_name": "VARCHAR",
}


def all_indicators_ini() -> str:
    """Every indicator with its documented defaults (a section's presence turns it on)."""
    from yunshao.ocds.indicators.settings import INDICATOR_CODES

    return "\n".join(f"[{code}]" for code in INDICATOR_CODES) + "\n"


def create_hits_table(con: duckdb.DuckDBPyConnection | Backend, dataset: Path) -> int | None:
    """Compute the indicators over the dataset's releases into ``ocds_indicator_hits``.

    Returns the number of flags (a party's flag counted once, however many projects it is shown on), or
    None when the dataset did not come from OCDS (no table is made).
    """
    # the importer and the indicators need pandas; the rule loader reads this module's names only
    from yunshao.ocds.importer import ocds_releases_of
    from yunshao.ocds.indicators import indicator_hits, parse_settings
    from yunshao.ocds.party_hits import hits_by_project

    releases = ocds_releases_of(dataset)
    if releases is None or not releases.is_file():
        return None
    hits = indicator_hits(releases, parse_settings(all_indicators_ini(), source="<all indicators>"))
    frame = hits_by_project(hits, releases).rename(columns={"group": "scope"})[list(HITS_COLUMNS)]
    as_backend(con).put(HITS_TABLE, frame, HITS_COLUMNS)
    return len(hits)
