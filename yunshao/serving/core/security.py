"""Roles and what each may do; the key check that runs before any data is read.

``case_system`` scores bundles, reads, and follows cases; ``inspector`` reads, records feedback, follows
cases and uses the pages; ``data_scientist`` reads with personal names and ``id_hash`` masked; ``admin``
may do everything. What a key sees is further limited by its scope (``core/scope.py``).
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
    CASES = "read cases"
    CASES_ACT = "move cases along their lifecycle"


P = Permission
PERMISSIONS: dict[str, frozenset[Permission]] = {
    "case_system": frozenset({P.SCORE, P.READ, P.NAMES, P.CASES, P.CASES_ACT}),
    "inspector": frozenset({P.READ, P.FEEDBACK, P.PAGES, P.NAMES, P.CASES, P.CASES_ACT}),
    "data_scientist": frozenset({P.READ}),
    "admin": frozenset(Permission),
}


def allowed(role: str, permission: Permission) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
