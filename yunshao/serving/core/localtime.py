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
    """``value`` as naive local time: converted when it carries an offset, unchanged when it does not."""
    return value.astimezone(local_zone()).replace(tzinfo=None) if value.tzinfo else value


def now_local() -> dt.datetime:
    """The current naive local time, as the store's timestamps are written."""
    return dt.datetime.now(local_zone()).replace(tzinfo=None)
