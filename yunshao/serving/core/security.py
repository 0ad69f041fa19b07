"""Roles and what each may do; the key check that runs before any data is read.

``case_system`` scores bundles and reads; ``inspector`` reads, records feedback and uses the pages;
``data_scientist`` reads with personal names and ``id_hash`` masked; ``admin`` may do everything.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

Role = Literal["case_system", "inspector", "data_scientist", "admin"]
ROLES: tuple[str, ...] = ("case_system", "inspector", "data_scientist", "admin")


class Permission(StrEnum):
    SCORE = "score"
    READ = "read"
    FEEDBACK = "feedback"
    PAGES = "pages"
    NAMES = "names"  # see personal names and id_hash unmasked


P = Permission
PERMISSIONS: dict[str, frozenset[Permission]] = {
    "case_system": frozenset({P.SCORE, P.READ, P.NAMES}),
    "inspector": frozenset({P.READ, P.FEEDBACK, P.PAGES, P.NAMES}),
    "data_scientist": frozenset({P.READ}),
    "admin": frozenset(Permission),
}


def allowed(role: str, permission: Permission) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
