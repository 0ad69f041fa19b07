"""Lazy package exports: a package's public names, imported from their submodule on first use.

The CLI mounts every area's commands, so importing an area's package must stay cheap: an ``__init__``
that eagerly imported its runner would pull pandas, scikit-learn or matplotlib into ``yunshao --help``.
Packages list their exports here instead; ``from yunshao.contract import load_dataset`` still works and
pays for the loader only then.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``exports[name]`` (a submodule) on first use.

    Unknown names raise AttributeError, which is also how ``from package import submodule`` falls back
    to importing the submodule itself.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
