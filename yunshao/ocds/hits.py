"""Cardinal's indicators as a table the rule catalog reads, for datasets imported from OCDS.

The catalog's OCDS rules (`rules/catalog/ocds/`) select from ``ocds_indicator_hits``; it exists only when the
dataset's ``source.json`` names the releases it came from, so on every other dataset those rules report
themselves skipped like any rule whose table is absent.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from yunshao.ocds.importer import ocds_releases_of
from yunshao.ocds.indicators import indicator_hits, parse_settings
from yunshao.ocds.indicators.settings import INDICATOR_CODES

HITS_TABLE = "ocds_indicator_hits"
#: scope is Cardinal's group: OCID (a project), Buyer, ProcuringEntity or Tenderer (a company)
HITS_COLUMNS = {"indicator": "VARCHAR", "scope": "VARCHAR", "id": "VARCHAR", "value": "DOUBLE"}
#: Every indicator with its documented defaults (a section's presence turns it on).
ALL_INDICATORS_INI = "\n".join(f"[{code}]" for code in INDICATOR_CODES) + "\n"


def create_hits_table(con: duckdb.DuckDBPyConnection, dataset: Path) -> int | None:
    """Compute the indicators over the dataset's releases into ``ocds_indicator_hits``.

    Returns the number of flags, or None when the dataset did not come from OCDS (no table is made).
    """
    releases = ocds_releases_of(dataset)
    if releases is None or not releases.is_file():
        return None
    hits = indicator_hits(releases, parse_settings(ALL_INDICATORS_INI, source="<all indicators>"))
    frame = hits.rename(columns={"group": "scope"})[list(HITS_COLUMNS)]
    cols = ", ".join(f'"{c}" {t}' for c, t in HITS_COLUMNS.items())
    con.execute(f"CREATE OR REPLACE TABLE {HITS_TABLE} ({cols})")
    con.register("_ocds_hits", frame)
    con.execute(f"INSERT INTO {HITS_TABLE} SELECT * FROM _ocds_hits")
    con.unregister("_ocds_hits")
    return len(frame)
