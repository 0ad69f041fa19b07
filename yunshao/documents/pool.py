"""``map`` over worker processes for the documents stage: reading files and the per-tender passes are pure
Python (GIL-bound), so they spread over processes, each given the run-wide state once, when it starts."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

_A = TypeVar("_A")
_R = TypeVar("_R")
#: the state a worker received at start (``worker_state``)
_STATE: dict[str, Any] = {}


def worker_state() -> dict[str, Any]:
    """The ``state`` the current ``worker_map`` handed to this process."""
    return _STATE


def _set_state(state: dict[str, Any]) -> None:
    _STATE.clear()
    _STATE.update(state)


@contextmanager
def worker_map(
    workers: int | None, jobs: int, chunk: int, state: dict[str, Any] | None = None
) -> Iterator[Callable[[Callable[[_A], _R], Iterable[_A]], Iterator[_R]]]:
    """A ``map`` in this process for one worker or fewer than two chunks of jobs, else over worker
    processes (``chunk`` jobs handed over at a time) that each receive ``state`` once."""
    n = max(1, min(workers or os.cpu_count() or 1, jobs // chunk or 1))
    _set_state(state or {})
    try:
        if n == 1:
            yield map
        else:
            with ProcessPoolExecutor(max_workers=n, initializer=_set_state, initargs=(state or {},)) as pool:
                yield lambda fn, items: pool.map(fn, items, chunksize=chunk)
    finally:
        _STATE.clear()
