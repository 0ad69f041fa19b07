"""``thread_map``: how the models stage spreads independent fits and predictions over threads.

LightGBM, the Isolation Forest's tree walks and numpy's sorts release the GIL, so threads run them side
by side without copying a city's frames into processes; results come back in the order of the items, so
they are the same as on one thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from joblib import Parallel, delayed

_A = TypeVar("_A")
_R = TypeVar("_R")


def thread_map(n_jobs: int | None, fn: Callable[[_A], _R], items: Iterable[_A]) -> list[_R]:
    """``[fn(i) for i in items]`` over ``n_jobs`` threads (joblib's meaning: None one, -1 all cores), in order."""
    return list(Parallel(n_jobs=n_jobs, prefer="threads")(delayed(fn)(i) for i in items))
