"""The app factory uvicorn imports in each worker process (settings from the environment)."""

from __future__ import annotations

from fastapi import FastAPI

from yunshao.serving.app import create_app
from yunshao.settings import Settings


def create() -> FastAPI:
    return create_app(Settings())
