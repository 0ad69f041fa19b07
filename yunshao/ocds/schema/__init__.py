"""The OCDS 1.1 release schema, shipped so that merging never downloads it.

``release-schema.json`` is the Open Contracting Data Standard's release schema, version 1.1.4
(``https://standard.open-contracting.org/schema/1__1__4/release-schema.json``, published by the Open
Contracting Partnership), copied unchanged from the copy ``ocdsmerge`` 0.8.0 ships with its tests.
``ocdsmerge`` derives its merge rules (identifier merge, whole-list merge, omitted fields) from it; given
no schema it would fetch the latest one over the network, which an offline machine cannot do.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

RELEASE_SCHEMA = Path(__file__).with_name("release-schema.json")


@cache
def release_schema() -> dict[str, Any]:
    """The parsed release schema (read once per process)."""
    data: dict[str, Any] = json.loads(RELEASE_SCHEMA.read_text(encoding="utf-8"))
    return data
