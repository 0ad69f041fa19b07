"""The contract's local time in the API: a timestamp without an offset is in ``engine.timezone``.

The store keeps naive local timestamps, as the contract's files do; a caller may send an offset, which is
honoured by converting to that zone. The zone is the setting's (Asia/Shanghai by default), read once, so
it is written in one place and a region in another zone sets ``YUNSHAO_ENGINE__TIMEZONE`` once.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from yunshao.settings import get_settings


@lru_cache(maxsize=1)
def local_zone() -> ZoneInfo:
    """The zone of the store's naive timestamps (``settings.engine.timezone``)."""
    return ZoneInfo(get_settings().engine.timezone)


def naive_local(value: dt.datetime) -> dt.datetime:
    """``value`` as naive local time: converted when it carries an offset, unchanged when it does not.

    A conversion that leaves the calendar (year 9999 with a negative offset) is a ValueError, which
    validation reports as bad input, not the OverflowError that became a 500."""
    if not value.tzinfo:
        return value
    try:
        return value.astimezone(local_zone()).replace(tzinfo=None)
    except OverflowError:
        raise ValueError(f"{value.isoformat()} is out of range once converted to local time") from None


def now_local() -> dt.datetime:
    """The current naive local time, as the store's timestamps are written."""
    return dt.datetime.now(local_zone()).replace(tzinfo=None)
