"""The FastAPI app: ``create_app(settings)`` wires the store, keys, audit, feedback, model and routes.

Everything heavy (the store, the model, the scoring connection) is opened once in the lifespan, before
the first request, and closed after the last.
"""

from __future__ import annotations

import queue
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.middleware.body_limit import RequestBodyLimitMiddleware

import yunshao
from yunshao.cases.store import CaseStore
from yunshao.cases.sync import sync_from_store
from yunshao.serving import feedback as feedback_mod
from yunshao.serving.api.deps import NotLoggedIn
from yunshao.serving.api.errors import COMMON_RESPONSES, install_error_handlers
from yunshao.serving.api.routes import (
    case_pages,
    cases,
    feedback,
    health,
    pages,
    posts,
    projects,
    report_pages,
    score,
    warnings,
)
from yunshao.serving.background import start_background, stop_background
from yunshao.serving.batch_scoring import ScoreFn, ScoringEngine
from yunshao.serving.batcher import MicroBatcher
from yunshao.serving.bundles import bundle_keys
from yunshao.serving.core import audit as audit_mod
from yunshao.serving.core.config import resolve
from yunshao.serving.core.db import Database
from yunshao.serving.core.metrics import Metrics, MetricsMiddleware
from yunshao.serving.keys import KeyStore
from yunshao.serving.loaded_model import load_model, score_fn
from yunshao.serving.models.contract_rows import ProjectBundle
from yunshao.serving.sessions import SessionStore
from yunshao.serving.store import Store
from yunshao.settings import Settings

HERE = Path(__file__).parent


def create_app(settings: Settings, *, scorer: ScoreFn | None = None) -> FastAPI:
    """The app over ``settings.serve.store``; ``scorer`` replaces the loaded model (tests)."""
    config = resolve(settings)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = app.state
        state.store = Store(config.store, settings.engine)
        db = Database(config.database)
        keys_db = db if config.keys_database == config.database else Database(config.keys_database)
        state.keys = KeyStore(keys_db)
        state.sessions = SessionStore(keys_db)
        state.audit = audit_mod.AuditLog(db)
        state.feedback = feedback_mod.FeedbackStore(db)
        state.cases = CaseStore(db)
        state.notes, state.engine, state.batcher, state.model_version = [], None, None, None
        state.engines = []
        if settings.cases.sync_on_start:
            state.sync = sync_from_store(db, state.store)
        _start_scoring(app, settings, scorer)
        if state.batcher is not None:
            await state.batcher.start()
        background = start_background(app, settings, db)
        try:
            yield
        finally:
            await stop_background(background)
            app.state.webhook_client.close()
            if state.batcher is not None:
                await state.batcher.stop()
            for engine in state.engines:
                engine.close()
            state.store.close()
            for database in {id(db): db, id(keys_db): keys_db}.values():
                database.dispose()

    app = FastAPI(
        title="yunshao 云哨 API",
        version=yunshao.__version__,
        summary="Risk scores, rule hits with evidence and guides, and feedback on checks",
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.metrics = metrics
    app.state.batcher = None
    for module in (score, projects, posts, warnings, feedback, cases):
        app.include_router(module.router, prefix="/v1", responses=COMMON_RESPONSES)
    app.include_router(health.router)
    app.include_router(pages.router)
    app.include_router(report_pages.router)
    app.include_router(case_pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_middleware(app, settings, metrics)

    install_error_handlers(app)

    @app.exception_handler(NotLoggedIn)
    async def to_login(request: Request, exc: NotLoggedIn) -> Response:
        return RedirectResponse(f"/pages/login?next={request.url.path}", status_code=303)

    return app


def _install_middleware(app: FastAPI, settings: Settings, metrics: Metrics) -> None:
    """Order (outermost last): body limit inside CORS inside metrics, so every reply is counted."""
    app.add_middleware(RequestBodyLimitMiddleware, max_body_size=settings.serve.max_body_bytes)
    if settings.serve.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.serve.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["X-API-Key", "Content-Type"],
        )
    app.add_middleware(MetricsMiddleware, metrics=metrics)


def _start_scoring(app: FastAPI, settings: Settings, scorer: ScoreFn | None) -> None:
    """The scoring engine and its batcher, warmed with one of the store's own projects; notes say why not."""
    state = app.state
    fn = scorer
    if fn is None:
        loaded, notes = load_model(settings, state.config.store)
        state.notes.extend(notes)
        if loaded is None:
            return
        fn, state.model_version = score_fn(loaded, settings), loaded.version
    engines: list[ScoringEngine] = []
    try:
        for _ in range(max(1, settings.serve.scoring_engines)):
            engines.append(ScoringEngine(state.config.store, settings, fn, model_version=state.model_version))
            _warm(engines[-1], state.store)
    except Exception as exc:  # the pages and reads still work; /health and 503 say why scoring does not
        state.notes.append(f"scoring unavailable: {type(exc).__name__}: {exc}")
        for engine in engines:
            engine.close()
        return
    state.engine, state.engines = engines[0], engines
    free: queue.SimpleQueue[ScoringEngine] = queue.SimpleQueue()
    for engine in engines:
        free.put(engine)

    def run(items: list[tuple[BaseModel, str]]) -> list[dict[str, Any]]:
        engine = free.get()  # the batcher never runs more passes at once than there are engines
        try:
            return _score_by_lang(engine, items, state.metrics)
        finally:
            free.put(engine)

    state.batcher = MicroBatcher(
        run,
        max_items=settings.serve.max_batch_bundles,
        keys=lambda item: bundle_keys(item[0]),
        on_batch=state.metrics.batch_size.observe,
        parallel=len(engines),
    )


def _score_by_lang(engine: ScoringEngine, items: list[tuple[BaseModel, str]], metrics: Metrics) -> list[dict[str, Any]]:
    """One pass per language asked for (guides are rendered in the rules stage), results in order."""
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, (_, lang) in enumerate(items):
        by_lang[lang].append(i)
    out: list[dict[str, Any]] = [{} for _ in items]
    for lang, idx in by_lang.items():
        for i, result in zip(idx, engine.score([items[i][0] for i in idx], lang=lang), strict=True):
            out[i] = result
        metrics.observe_pass(engine.timings.steps)
    return out


def _warm(engine: ScoringEngine, store: Store) -> None:
    """Score one stored project so that catalogs are read and every statement has run once."""
    rows = store.rows("warm_project")
    if not rows:
        return
    body = store.bundle(str(rows[0]["project_id"]))
    if body is not None:
        engine.score([ProjectBundle.model_validate(body)])
