"""Prometheus metrics of one app instance: requests, latency, projects scored, batch sizes."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "yunshao_http_requests", "HTTP requests", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "yunshao_http_request_duration_seconds",
            "HTTP request latency",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.scored = Counter("yunshao_projects_scored", "projects scored by the API", registry=self.registry)
        self.batch_size = Histogram(
            "yunshao_score_batch_projects",
            "projects per scoring pass (micro-batches merge concurrent requests)",
            buckets=(1, 2, 5, 10, 20, 50, 100, 500, 1000, 5000),
            registry=self.registry,
        )
        self.feedback = Counter("yunshao_feedback", "feedback rows stored", ["outcome"], registry=self.registry)
        self.pass_seconds = Histogram(
            "yunshao_score_pass_seconds",
            "seconds of a scoring pass by step (tables, features, rules, model, assemble, total)",
            ["step"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
            registry=self.registry,
        )

    def observe_pass(self, steps: dict[str, float]) -> None:
        for step, seconds in steps.items():
            self.pass_seconds.labels(step=step).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template (never the raw path: ids are personal)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            name = route_template(scope)
            self.metrics.requests.labels(scope["method"], name, str(status)).inc()
            self.metrics.latency.labels(name).observe(time.perf_counter() - start)


def route_template(scope: Scope) -> str:
    """The matched route's template with its router's prefix (``/v1/projects/{project_id}``).

    Included routers keep their own routes, whose ``path`` lacks the prefix; the prefix is the part of
    the request path before the suffix the route's pattern matches.
    """
    route = scope.get("route")
    template = getattr(route, "path", None)
    regex = getattr(route, "path_regex", None)
    if template is None or regex is None:
        return "unmatched"
    path: str = scope.get("path", "")
    for i, ch in enumerate(path):
        if ch == "/" and regex.match(path[i:]):
            return path[:i] + template
    return str(template)
