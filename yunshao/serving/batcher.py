"""Micro-batching: concurrent score requests share one pass of the features, rules and model.

A pass costs a fixed number of SQL statements whatever its size, so scoring one project at a time
cannot keep up with many clients; instead, requests that arrive while a pass runs wait for the next
one, which takes them all (up to ``max_items``). Under no load a request runs at once, alone.

Two requests whose rows share a key (the same project sent twice, or the same bid id in two projects)
never share a pass: the batch would hold duplicate keys that one request alone does not. If a pass
fails, its requests are retried one by one, so that one bad request cannot fail the others.
Passes run in dedicated threads, ``parallel`` of them at once (one per scoring engine, each with its own
DuckDB connection): DuckDB releases the GIL, so the passes use the cores and the event loop keeps
accepting. A new pass starts as soon as a thread is free and takes everything that has queued since.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Job(Generic[T, R]):
    items: Sequence[T]
    future: asyncio.Future[list[R]]
    keys: frozenset[Hashable] = field(default_factory=frozenset)


class MicroBatcher(Generic[T, R]):
    def __init__(
        self,
        run: Callable[[list[T]], list[R]],
        *,
        max_items: int = 2000,
        keys: Callable[[T], set[Hashable]] | None = None,
        on_batch: Callable[[int], None] | None = None,
        parallel: int = 1,
    ) -> None:
        self._run = run
        self.max_items = max_items
        self._keys = keys
        self._on_batch = on_batch
        self.parallel = max(1, parallel)
        self._queue: asyncio.Queue[_Job[T, R]] | None = None
        self._slots: asyncio.Semaphore | None = None
        self._task: asyncio.Task[None] | None = None
        self._passes: set[asyncio.Task[None]] = set()
        self._executor = ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="yunshao-score")

    async def start(self) -> None:
        self._queue = asyncio.Queue()
        self._slots = asyncio.Semaphore(self.parallel)
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        for task in [self._task, *self._passes]:
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._executor.shutdown(wait=True)

    async def submit(self, items: Sequence[T]) -> list[R]:
        """Results for ``items``, in order, from the next pass that can take them."""
        if self._queue is None:
            raise RuntimeError("MicroBatcher not started")
        future: asyncio.Future[list[R]] = asyncio.get_running_loop().create_future()
        keys: frozenset[Hashable] = frozenset()
        if self._keys is not None:
            keys = frozenset(k for item in items for k in self._keys(item))
        await self._queue.put(_Job(items, future, keys))
        return await future

    async def _loop(self) -> None:
        assert self._queue is not None and self._slots is not None
        backlog: deque[_Job[T, R]] = deque()
        while True:
            if not backlog:
                backlog.append(await self._queue.get())
            await self._slots.acquire()  # a free thread; whatever queued meanwhile joins this pass
            while not self._queue.empty():
                backlog.append(self._queue.get_nowait())
            task = asyncio.create_task(self._pass(self._take(backlog)))
            self._passes.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._passes.discard(task)
        assert self._slots is not None
        self._slots.release()

    def _take(self, backlog: deque[_Job[T, R]]) -> list[_Job[T, R]]:
        """The oldest job, then every later one that fits in size and shares no key; the rest wait."""
        first = backlog.popleft()
        jobs, size, keys = [first], len(first.items), set(first.keys)
        waiting: deque[_Job[T, R]] = deque()
        while backlog:
            job = backlog.popleft()
            if size + len(job.items) > self.max_items or keys & job.keys:
                waiting.append(job)
                continue
            jobs.append(job)
            size += len(job.items)
            keys |= job.keys
        backlog.extend(waiting)
        return jobs

    async def _pass(self, jobs: list[_Job[T, R]]) -> None:
        loop = asyncio.get_running_loop()
        items: list[T] = [item for job in jobs for item in job.items]
        if self._on_batch:
            self._on_batch(len(items))
        try:
            results: list[Any] = await loop.run_in_executor(self._executor, self._run, items)
        except Exception as exc:
            if len(jobs) > 1:
                for job in jobs:
                    await self._pass([job])
                return
            if not jobs[0].future.done():
                jobs[0].future.set_exception(exc)
            return
        start = 0
        for job in jobs:
            if not job.future.done():
                job.future.set_result(results[start : start + len(job.items)])
            start += len(job.items)
