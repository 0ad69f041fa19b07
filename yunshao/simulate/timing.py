"""Entry habits of a county's approval system: when a recorded timestamp differs from the real moment.

- offline batches: events entered offline are keyed in on the profile's batch weekday, at least
  `offline_lag_days` after they happened, during office hours; the recorded time is the entry time, so an
  approval can appear after the step that followed it;
- date-only clocks: a share of approval rows keeps the date only (00:00:00), which can put an approval
  before its own same-day submission.

The default profile changes nothing and draws nothing.
"""

from __future__ import annotations

import numpy as np

from yunshao.simulate.config import DAY, SIM_END
from yunshao.simulate.profiles import Profile
from yunshao.simulate.trails import Events

OFFLINE = 1


def apply(rng: np.random.Generator, events: Events, profile: Profile) -> None:
    """Rewrite events.ts in place."""
    ts = events.ts
    if profile.offline_lag_days > 0:
        off = events.channel == OFFLINE
        day = ts // DAY + profile.offline_lag_days
        entry = day + (profile.batch_weekday - (day + 3)) % 7  # 1970-01-01 was a Thursday (3)
        tod = rng.uniform(9.0, 17.5, len(ts)) * 3600
        lagged = entry * DAY + tod.astype(np.int64)
        ok = off & (lagged > ts) & (lagged < SIM_END * DAY)
        ts = np.where(ok, lagged, ts)
    if profile.date_only_p > 0:
        ts = np.where(rng.random(len(ts)) < profile.date_only_p, ts // DAY * DAY, ts)
    events.ts = ts
