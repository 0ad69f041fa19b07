"""One line naming a file a command reads or writes outside its arguments.

The model registry, the Optuna studies and the API keys live under ``YUNSHAO_HOME`` rather than beside
the data; a command that uses one says which, so that a user never wonders why a model or a key was not
found (issue 17: a registry or keys file silently resolved against another folder).
"""

from __future__ import annotations

from rich.console import Console

_err = Console(stderr=True, soft_wrap=True)


def say_where(what: str, location: object) -> None:
    """``what: location`` on stderr, kept whole (no wrapping, no markup), so that stdout stays the output."""
    _err.print(f"{what}: {location}", highlight=False, markup=False)
