"""The micro-batcher: concurrent submissions share passes, and each gets its own results back in order."""

from __future__ import annotations

import asyncio
import threading

import pytest

from yunshao.serving.batcher import MicroBatcher


def test_concurrent_requests_share_passes() -> None:
    passes: list[list[int]] = []
    gate = threading.Event()

    def run(items: list[int]) -> list[int]:
        passes.append(list(items))
        if len(passes) == 1:
            gate.wait(5)  # hold the first pass so that the others queue up behind it
        return [i * 10 for i in items]

    async def main() -> list[list[int]]:
        batcher: MicroBatcher[int, int] = MicroBatcher(run, max_items=100)
        await batcher.start()
        first = asyncio.create_task(batcher.submit([1]))
        await asyncio.sleep(0.05)
        rest = [asyncio.create_task(batcher.submit([n, n + 1])) for n in (2, 4, 6)]
        await asyncio.sleep(0.05)
        gate.set()
        out = [await first, *[await r for r in rest]]
        await batcher.stop()
        return out

    results = asyncio.run(main())
    assert results == [[10], [20, 30], [40, 50], [60, 70]]
    assert passes == [[1], [2, 3, 4, 5, 6, 7]]


def test_max_items_splits_passes() -> None:
    passes: list[int] = []
    gate = threading.Event()

    def run(items: list[int]) -> list[int]:
        passes.append(len(items))
        gate.wait(5)
        return items

    async def main() -> None:
        batcher: MicroBatcher[int, int] = MicroBatcher(run, max_items=4)
        await batcher.start()
        tasks = [asyncio.create_task(batcher.submit([n] * 3)) for n in range(3)]
        await asyncio.sleep(0.05)
        gate.set()
        assert [await t for t in tasks] == [[0] * 3, [1] * 3, [2] * 3]
        await batcher.stop()

    asyncio.run(main())
    assert passes == [3, 3, 3]


def test_a_failing_pass_fails_its_requests_only() -> None:
    passes: list[list[int]] = []
    gate = threading.Event()

    def run(items: list[int]) -> list[int]:
        passes.append(list(items))
        if len(passes) == 1:
            gate.wait(5)
        if 13 in items:
            raise ValueError("unlucky")
        return items

    async def main() -> None:
        batcher: MicroBatcher[int, int] = MicroBatcher(run)
        await batcher.start()
        first = asyncio.create_task(batcher.submit([1]))
        await asyncio.sleep(0.05)
        bad = asyncio.create_task(batcher.submit([13]))
        good = asyncio.create_task(batcher.submit([7, 8]))
        await asyncio.sleep(0.05)
        gate.set()
        assert await first == [1]
        with pytest.raises(ValueError, match="unlucky"):
            await bad
        assert await good == [7, 8]
        await batcher.stop()

    asyncio.run(main())
    assert passes == [[1], [13, 7, 8], [13], [7, 8]]  # the shared pass failed, then each alone


def test_requests_sharing_a_key_never_share_a_pass() -> None:
    passes: list[list[str]] = []
    gate = threading.Event()

    def run(items: list[str]) -> list[str]:
        passes.append(list(items))
        if len(passes) == 1:
            gate.wait(5)
        return [i.upper() for i in items]

    async def main() -> list[list[str]]:
        batcher: MicroBatcher[str, str] = MicroBatcher(run, keys=lambda item: {item[0]})
        await batcher.start()
        first = asyncio.create_task(batcher.submit(["x0"]))
        await asyncio.sleep(0.05)
        rest = [asyncio.create_task(batcher.submit([s])) for s in ("a1", "b1", "a2", "c1", "b2")]
        await asyncio.sleep(0.05)
        gate.set()
        out = [await first, *[await r for r in rest]]
        await batcher.stop()
        return out

    assert asyncio.run(main()) == [["X0"], ["A1"], ["B1"], ["A2"], ["C1"], ["B2"]]
    assert passes == [["x0"], ["a1", "b1", "c1"], ["a2", "b2"]]


def test_parallel_passes_run_at_once_and_each_takes_what_queued() -> None:
    barrier = threading.Barrier(2, timeout=5)  # broken (an error) unless two passes run at the same time
    passes: list[list[int]] = []
    release = threading.Event()

    def run(items: list[int]) -> list[int]:
        passes.append(list(items))
        if len(passes) <= 2:
            barrier.wait()
            release.wait(5)
        return [-i for i in items]

    async def main() -> list[list[int]]:
        batcher: MicroBatcher[int, int] = MicroBatcher(run, max_items=100, parallel=2)
        await batcher.start()
        first = asyncio.create_task(batcher.submit([1]))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(batcher.submit([2]))
        await asyncio.sleep(0.05)  # both threads busy: these two wait and then share one pass
        later = [asyncio.create_task(batcher.submit([n])) for n in (3, 4)]
        await asyncio.sleep(0.05)
        release.set()
        out = [await first, await second, *[await t for t in later]]
        await batcher.stop()
        return out

    assert asyncio.run(main()) == [[-1], [-2], [-3], [-4]]
    assert passes[:2] == [[1], [2]]
    assert sorted(passes[2:]) == [[3, 4]]
