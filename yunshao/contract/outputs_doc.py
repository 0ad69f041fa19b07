"""docs/outputs.md, generated from contract/outputs.py so that the page never drifts from what a run writes.

``python -m yunshao.contract.outputs_doc`` (part of ``make docs``) rewrites the page; a test checks that the
committed page matches the declaration.
"""

from __future__ import annotations

import sys
from pathlib import Path

from yunshao.contract.outputs import OUTPUTS, RUN_FIELDS, RUN_FILE, RUN_LATER_FIELDS, Output, RunField

DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"

#: Anchors of docs/features.md's sections, one per entity of the feature catalog.
_FEATURE_SECTIONS = {"project": "项目特征", "tender": "招标特征", "post": "岗位特征"}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(output: Output) -> list[str]:
    where = f"`OUT/{output.file}` and the store" if output.file else "the store only"
    lines = [
        "",
        f"## `{output.name}` — {output.zh} {_cell(output.en)}",
        "",
        f"Written by the {output.stage} stage to {where}.",
    ]
    if output.file and output.order:
        keys = ", ".join(f"`{c}`" for c in output.order)
        lines.append(f"The file's rows are sorted by {keys}. 文件按上述列排序。")
    if output.features_of:
        section = _FEATURE_SECTIONS[output.features_of]
        lines.append(
            f"Its columns after those listed here are the {output.features_of} features of the feature catalog, "
            f"[docs/features.md](features.md) (section {section}), generated from the headers of "
            "`yunshao/features/sql/*.sql`; they are not listed twice. "
            "其后各列即特征目录中该实体的特征，此处不重复列出。"
        )
    lines += ["", "| column | type | 含义 | meaning |", "|---|---|---|---|"]
    for c in output.columns:
        later = f" (added by the {c.added_by} stage)" if c.added_by else ""
        lines.append(f"| `{c.name}` | {c.type} | {_cell(c.zh)} | {_cell(c.en)}{later} |")
    return lines


def _run_fields(fields: tuple[RunField, ...], note: str = "") -> list[str]:
    return [f"| `{f.name}` | {f.type} | {_cell(f.zh)} | {_cell(f.en)}{note} |" for f in fields]


def render_markdown() -> str:
    """The page: one table per output, then the fields of run.json."""
    lines = [
        "# 运行输出 What a run writes",
        "",
        "<!-- Generated from yunshao/contract/outputs.py by `python -m yunshao.contract.outputs_doc`; "
        "do not edit by hand. -->",
        "",
        "`yunshao run DATASET --out OUT` writes the contract's four Parquet files, `OUT/run.json` and the "
        "store `OUT/yunshao.duckdb`, which holds the validated input tables (the contract, "
        "`../shared/contract.md`) and the tables below. Types are DuckDB's; the Parquet files have the same "
        "columns and types as the store tables of the same name. "
        "运行写出合同规定的四个 Parquet 文件、run.json 和存储库；下列各表的列、类型与含义均由 "
        "`yunshao/contract/outputs.py` 声明。",
    ]
    for output in OUTPUTS.values():
        lines += _table(output)
    lines += [
        "",
        f"## `{RUN_FILE}` — 运行记录 the run in numbers",
        "",
        f"A JSON object, written to `OUT/{RUN_FILE}` by the run; `yunshao update` appends to it.",
        "",
        "| field | JSON type | 含义 | meaning |",
        "|---|---|---|---|",
        *_run_fields(RUN_FIELDS),
        *_run_fields(RUN_LATER_FIELDS, " (appended by `yunshao update`)"),
    ]
    return "\n".join(lines) + "\n"


def write_docs(path: Path = DOCS_PAGE) -> Path:
    """Rewrite the page; returns its path."""
    path.write_text(render_markdown(), encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(f"wrote {write_docs()}\n")
