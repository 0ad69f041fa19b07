"""The API's background work: escalating overdue cases and delivering webhooks, on timers.

Each runs in a worker thread (the database calls block) and logs a failure instead of stopping the loop:
a database briefly unavailable must not end escalation for the life of the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from yunshao.serving.core.db import Database
from yunshao.settings import Settings

logger = logging.getLogger("yunshao.serving.background")
WEBHOOK_SECONDS = 5.0


def start_background(app: FastAPI, settings: Settings, db: Database) -> list[asyncio.Task[None]]:
    import httpx

    from yunshao.cases.escalation import escalate
    from yunshao.serving.core.localtime import now_local
    from yunshao.serving.core.scope import superiors
    from yunshao.serving.webhooks import deliver_due

    parents = superiors(app.state.store.unit_tree)
    client = httpx.Client(timeout=10.0)
    app.state.webhook_client = client

    def escalation() -> None:
        escalate(db, now_local().date(), settings.cases.escalate_after_days, parents)

    def webhooks() -> None:
        deliver_due(db, client)

    return [
        asyncio.create_task(_every(settings.cases.escalation_minutes * 60, escalation, "escalation")),
        asyncio.create_task(_every(WEBHOOK_SECONDS, webhooks, "webhooks")),
    ]


async def _every(seconds: float, work: Callable[[], Any], name: str) -> None:
    while True:
        try:
            await asyncio.to_thread(work)
        except Exception:  # logged and retried on the next tick
            logger.exception("%s failed", name)
        await asyncio.sleep(seconds)


async def stop_background(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
