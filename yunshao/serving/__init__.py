"""The scoring API and the inspectors' pages over a run's store (see docs/api.md).

``create_app`` is imported lazily so that ``yunshao.serving.feedback`` (read by ``train`` and ``run``)
does not pull in FastAPI.
"""

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from yunshao.serving.app import create_app

        return create_app
    raise AttributeError(name)
