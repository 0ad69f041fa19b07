"""Where a bid or tender file named in the contract lies, and why a path is refused.

``bid_documents.path`` and ``tender_documents.path`` name files relative to the dataset folder. yunshao
later opens them to compare texts, so a path must never lead out of that folder (an absolute path, ``..``,
a symbolic link pointing elsewhere): a dataset could otherwise make the run read any file on the host. The
extension must be one extraction reads, and the file must be there. Whether its bytes can be read is
found when extraction runs, not at load.

The checks need the file system, which SQL does not reach: the loader works out one verdict per distinct
path here and registers it as a small table (``verdict_table``); the declared check ``document_path``
(``schema.Table.extra_checks``) joins it like a reference (``contract/references.py``). A loader that
registers no verdicts (in-memory frames, Spark, the daily update) leaves the check out, as a reference into
an absent table is left out.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from yunshao.contract.checks import typed_expr
from yunshao.contract.schema import Table

if TYPE_CHECKING:
    import duckdb

#: The name of the declared check in ``Table.extra_checks`` and the column it applies to.
PATH_CHECK = "document_path"
PATH_COLUMN = "path"
#: Files extraction reads (lower case; the check ignores case).
DOCUMENT_EXTENSIONS = (".docx", ".pdf", ".txt")
_DRIVE = re.compile(r"^[A-Za-z]:")


def verdict_table(table: str) -> str:
    """The temp table holding one verdict per distinct path of ``table``."""
    return f"_paths_{table}"


def _shown(text: str) -> str:
    return "'" + text[:60] + "'"


def _relative_parts(text: str) -> tuple[str, ...] | None:
    """The path's parts with Windows separators read as ``/``; None when it is absolute."""
    unified = text.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        return None
    return tuple(p for p in unified.split("/") if p not in ("", "."))


def resolve_document(root: Path, text: str) -> Path | None:
    """The file ``text`` names inside ``root``, symbolic links followed; None when it lies outside.

    Extraction should open files through this, so that a file swapped for a link after loading is
    still refused.
    """
    parts = _relative_parts(text)
    if parts is None or not parts:
        return None
    base = root.resolve()
    try:
        target = base.joinpath(*parts).resolve()
    except (OSError, ValueError, RuntimeError):  # a link loop, a NUL byte
        return None
    return target if target.is_relative_to(base) else None


def path_problem(root: Path, text: str) -> str | None:
    """The quarantine reason for one path value, or None when the file is fine to open later.

    One reason per path, the first that applies: leaving the folder (nothing outside is probed), then an
    extension extraction does not read, then a file that is not there.
    """
    if "\x00" in text:  # no file system holds such a name
        return f"{PATH_COLUMN} file_missing: {_shown(text)} not found in the dataset folder"
    target = resolve_document(root, text)
    if target is None:
        return f"{PATH_COLUMN} path_escape: {_shown(text)} lies outside the dataset folder"
    if os.path.splitext(text)[1].lower() not in DOCUMENT_EXTENSIONS:
        return f"{PATH_COLUMN} file_type: {_shown(text)} is not a .docx, .pdf or .txt file"
    try:
        found = target.is_file()
    except (OSError, ValueError):
        found = False
    if not found:
        return f"{PATH_COLUMN} file_missing: {_shown(text)} not found in the dataset folder"
    return None


def register_path_verdicts(
    con: duckdb.DuckDBPyConnection, table: Table, src_type: str, raw: str, root: Path
) -> str | None:
    """Work out the verdict of each distinct path in ``raw`` and register it as ``verdict_table``.

    Returns the verdict table's name, or None when ``table`` declares no path check.
    """
    import pandas as pd

    if PATH_CHECK not in table.extra_checks:
        return None
    typed = typed_expr(table.column(PATH_COLUMN), src_type)
    paths = [r[0] for r in con.execute(f"SELECT DISTINCT {typed} FROM {raw} WHERE {typed} IS NOT NULL").fetchall()]
    rows = [(p, why) for p in paths if (why := path_problem(root, p)) is not None]
    name = verdict_table(table.name)
    frame = pd.DataFrame(rows, columns=["path", "reason"], dtype=object)
    con.register("_path_frame", frame)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS "
        "SELECT CAST(path AS VARCHAR) AS path, CAST(reason AS VARCHAR) AS reason FROM _path_frame"
    )
    con.unregister("_path_frame")
    return name
