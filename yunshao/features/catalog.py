"""The feature catalog, generated from the SQL files' headers (never written twice).

``python -m yunshao.features.catalog`` rewrites docs/features.md; a test checks that the committed page
matches the headers.
"""

from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path

from yunshao.features.files import ENTITY_KEYS, FeatureColumn, FeatureFile, load_feature_files

DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "features.md"

ENTITY_TITLES = {
    "project": ("项目特征", "project features", "features_project"),
    "tender": ("招标特征", "tender features", "features_tender"),
    "post": ("岗位特征", "post features", "features_post"),
}


def load_catalog(files: tuple[FeatureFile, ...] | None = None) -> list[FeatureColumn]:
    """Every feature column of the wide tables, in the order the tables hold them."""
    files = files if files is not None else load_feature_files()
    return [spec for entity in ENTITY_KEYS for f in files if f.entity == entity for spec in f.features]


def _sources(f: FeatureFile, files: tuple[FeatureFile, ...]) -> str:
    """The tables a file reads, as the docs show them: required, one-of groups (its steps' too), optional."""
    steps = [g for g in files if g.name in f.depends and g.kind == "step"]
    groups = dict.fromkeys([*f.requires_any, *(grp for g in steps for grp in g.requires_any)])
    parts = [f"requires {', '.join(f.requires)}"]
    parts += [f"one of {' / '.join(g)}" for g in groups]
    if f.optional:
        parts.append(f"uses if present {', '.join(f.optional)}")
    return "; ".join(parts)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(files: tuple[FeatureFile, ...] | None = None) -> str:
    """The catalog as a Markdown page: one table per entity, grouped by family."""
    files = files if files is not None else load_feature_files()
    lines = [
        "# 特征目录 Feature catalog",
        "",
        "<!-- Generated from the headers of yunshao/features/sql/*.sql by "
        "`python -m yunshao.features.catalog`; do not edit by hand. -->",
        "",
        "Each feature is a column of a wide table. A family whose source tables are absent is skipped and "
        "its columns are NULL. 每个特征是宽表的一列；源表缺失的特征族会被跳过，其列为空值。",
    ]
    for entity, (zh, en, table) in ENTITY_TITLES.items():
        specs = [s for s in load_catalog(files) if s.entity == entity]
        lines += ["", f"## {zh} {en} (`{table}`, key {', '.join(ENTITY_KEYS[entity])})"]
        for (family, file), group in groupby(specs, key=lambda s: (s.family, s.file)):
            lines += [
                "",
                f"### {family} (`{file}`; {_sources(next(f for f in files if f.sql.path.name == file), files)})",
                "",
                "| feature | type | 名称 | name | 含义 | meaning |",
                "|---|---|---|---|---|---|",
            ]
            lines += [
                f"| `{s.name}` | {s.type} | {_cell(s.zh)} | {_cell(s.en)} | {_cell(s.meaning_zh)} | "
                f"{_cell(s.meaning_en)} |"
                for s in group
            ]
    return "\n".join(lines) + "\n"


def write_docs(path: Path = DOCS_PAGE) -> Path:
    """Rewrite the catalog page; returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(), encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(f"wrote {write_docs()}\n")
