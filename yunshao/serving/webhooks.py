"""Webhooks: every case event is POSTed to each registered URL, signed, and retried until it is taken.

The body is the event as JSON; ``X-Yunshao-Signature: sha256=<hex>`` is the HMAC-SHA256 of the body under
the webhook's secret (shown once, at ``yunshao cases webhook add``), so a case system can check that the
call came from this server. A reply of 2xx delivers it; anything else (or no reply) is retried with
exponential back-off — 30 s, 1 min, 2 min … up to 6 h — for ``MAX_ATTEMPTS`` attempts; the last error is
kept with the delivery. Deliveries are rows written in the same transaction as the event, so none is lost
when the server stops between the transition and the call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import httpx
from sqlalchemy import insert, select, update

from yunshao.serving.core.db import Database
from yunshao.serving.core.tables import webhook_deliveries, webhooks

MAX_ATTEMPTS = 12
FIRST_DELAY_S = 30
MAX_DELAY_S = 6 * 3600
SIGNATURE_HEADER = "X-Yunshao-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def add_webhook(db: Database, url: str) -> tuple[int, str]:
    """Register ``url``; returns its id and the signing secret (shown once)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"webhook URL must start with http:// or https://, got {url[:80]!r}")
    secret = secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with db.write() as con:
        result = con.execute(insert(webhooks).values(url=url, secret=secret, created_at=now, active=True))
    return int(result.inserted_primary_key[0]), secret  # type: ignore[index]


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    failed: int


def _iso(at: dt.datetime) -> str:
    return at.isoformat(timespec="milliseconds")


def deliver_due(db: Database, client: httpx.Client, now: dt.datetime | None = None) -> DeliveryReport:
    """Send every delivery that is due; a failure is rescheduled with back-off."""
    now = now or dt.datetime.now(dt.UTC)
    query = (
        select(webhook_deliveries, webhooks.c.url, webhooks.c.secret)
        .join(webhooks, webhooks.c.webhook_id == webhook_deliveries.c.webhook_id)
        .where(
            webhook_deliveries.c.delivered_at.is_(None),
            webhook_deliveries.c.attempts < MAX_ATTEMPTS,
            webhook_deliveries.c.next_at <= _iso(now),
            webhooks.c.active.is_(True),
        )
        .order_by(webhook_deliveries.c.delivery_id)
        .limit(500)
    )
    with db.read() as con:
        due = con.execute(query).all()
    delivered = failed = 0
    for row in due:
        error = _post(client, row.url, row.secret, row.body.encode("utf-8"), row.event_id)
        attempts = row.attempts + 1
        values: dict[str, object] = {"attempts": attempts, "last_error": error}
        if error is None:
            values["delivered_at"] = _iso(now)
            delivered += 1
        else:
            delay = min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (attempts - 1))
            values["next_at"] = _iso(now + dt.timedelta(seconds=delay))
            failed += 1
        with db.write() as con:
            con.execute(
                update(webhook_deliveries).where(webhook_deliveries.c.delivery_id == row.delivery_id).values(**values)
            )
    return DeliveryReport(delivered, failed)


def _post(client: httpx.Client, url: str, secret: str, body: bytes, event_id: int) -> str | None:
    """None when the receiver took it (2xx), else the reason."""
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, body),
        "X-Yunshao-Event": str(event_id),
    }
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"
