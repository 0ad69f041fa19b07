"""The indicators' JSON output: compact, floats in shortest round-trip form, non-finite as null
(what serde_json writes for NaN and infinities)."""

from __future__ import annotations

import json
import math
from typing import Any


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def dumps(result: dict[str, Any]) -> str:
    return json.dumps(_finite(result), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
