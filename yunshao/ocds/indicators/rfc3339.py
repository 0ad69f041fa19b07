"""Strict RFC 3339 timestamps, as R003 requires: date-only strings or strings without an offset fail."""

from __future__ import annotations

import datetime as dt
import re

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)
_NS_PER_SECOND = 1_000_000_000
NS_PER_DAY = 86_400 * _NS_PER_SECOND


def epoch_nanoseconds(text: str) -> int | None:
    """Nanoseconds since 0001-01-01 UTC, or ``None`` if ``text`` is not strict RFC 3339.

    Integer nanoseconds keep the day arithmetic exact; fractions beyond 9 digits are truncated.
    A leap second (``:60``) is read as the next second.
    """
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    if hour > 23 or minute > 59 or second > 60:
        return None
    try:
        ordinal = dt.date(year, month, day).toordinal()
    except ValueError:
        return None
    offset = 0
    if match.group(9):
        off_hours, off_minutes = int(match.group(10)), int(match.group(11))
        if off_hours > 23 or off_minutes > 59:
            return None
        offset = (off_hours * 60 + off_minutes) * 60 * (1 if match.group(9) == "+" else -1)
    fraction = (match.group(7) or "")[:9].ljust(9, "0")
    seconds = ordinal * 86_400 + hour * 3600 + minute * 60 + second - offset
    return seconds * _NS_PER_SECOND + int(fraction)


def whole_days_between(start: int, end: int) -> int:
    """(end − start) in whole days, truncated toward zero (not floored, unlike ``timedelta.days``)."""
    diff = end - start
    days = abs(diff) // NS_PER_DAY
    return days if diff >= 0 else -days
