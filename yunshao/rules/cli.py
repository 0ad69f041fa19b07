"""``yunshao rules …``: list the catalog, dry-run rule folders on a dataset, regenerate docs/rules.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from yunshao.rules.docs import DOCS_PATH, render_markdown, rule_record, write_docs
from yunshao.rules.model import Rule, RuleError

app = typer.Typer(help="预警规则库 / the rule catalog", no_args_is_help=True)
console = Console()

RulesDirs = Annotated[list[Path] | None, typer.Option("--rules-dir", help="extra folder(s) of rule files")]


@app.command("list")
def list_rules(
    format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    lang: Annotated[str, typer.Option("--lang", help="zh or en (table only; json holds both)")] = "zh",
    rules_dir: RulesDirs = None,
) -> None:
    """Print the catalog: id, names, severity, legal basis and guide (`rules check` binds their SQL)."""
    rules = _read(rules_dir or [])
    if format == "json":
        typer.echo(json.dumps([rule_record(r) for r in rules], ensure_ascii=False, indent=2))
        return
    if format != "table":
        raise typer.BadParameter("--format must be table or json")
    table = Table("id", "名称" if lang == "zh" else "name", "severity", "scheme", "依据" if lang == "zh" else "basis")
    for r in sorted(rules, key=lambda r: r.id):
        table.add_row(r.id, r.label(lang), r.severity, r.scheme, getattr(r.legal_basis.article, lang))
    console.print(table)


@app.command("check")
def check(
    rules_dir: Annotated[Path, typer.Argument(help="folder of rule files to try")],
    dataset: Annotated[Path, typer.Argument(help="dataset folder (contract tables)")],
    lang: Annotated[str, typer.Option("--lang")] = "zh",
) -> None:
    """Validate DIR's rules, dry-run them with the catalog on DATASET and print hits per rule."""
    from yunshao.contract import load_dataset
    from yunshao.engine import connect
    from yunshao.rules.loader import rule_files
    from yunshao.rules.runner import run_rules
    from yunshao.settings import get_settings

    settings = get_settings()
    rules = _load([rules_dir])
    mine = {p.stem for p in rule_files(rules_dir)}
    con = connect(None, settings.engine)
    report = load_dataset(dataset, con, settings.load)
    from yunshao.features import build_features

    features = build_features(con, settings, report.present_tables)
    result = run_rules(
        con, settings, lang=lang, present_tables=report.present_tables, rules=rules, steps_ready=features.steps
    )
    table = Table("rule", "from", "hits", "skipped because")
    for rule in sorted(rules, key=lambda r: (r.id not in mine, r.id)):
        origin = str(rules_dir) if rule.id in mine else "catalog"
        table.add_row(rule.id, origin, str(result.hits.get(rule.id, "")), result.skipped.get(rule.id, ""))
    console.print(table)
    console.print(result.summary())


@app.command("docs")
def docs(
    out: Annotated[Path, typer.Option("--out")] = DOCS_PATH,
    check_only: Annotated[bool, typer.Option("--check", help="fail if the file is out of date")] = False,
) -> None:
    """Regenerate docs/rules.md from the catalog (or check it is up to date)."""
    rules = _load([])
    if check_only:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != render_markdown(rules):
            console.print(f"{out} is out of date: run `yunshao rules docs`")
            raise typer.Exit(1)
        return
    console.print(f"wrote {write_docs(rules, out)}")


def _read(extra: list[Path]) -> list[Rule]:
    """The catalog and ``extra`` folders parsed, every field checked, but their SQL not bound.

    Listing must answer at once; binding ~80 rules against an empty contract takes a second and loads
    the feature graph, so it is left to ``rules check`` and ``run``, which need it.
    """
    from yunshao.rules.loader import CATALOG, read_rule_file, rule_files

    try:
        rules = [read_rule_file(p) for folder in [CATALOG, *extra] for p in rule_files(folder)]
    except RuleError as exc:
        raise _refused(exc) from None
    seen: dict[str, Path] = {}
    for rule in rules:
        if rule.id in seen:
            raise _refused(RuleError(f"{rule.path}: id: '{rule.id}' is already declared in {seen[rule.id]}"))
        seen[rule.id] = rule.path
    return rules


def _refused(exc: RuleError) -> typer.Exit:
    console.print(f"[red]rule refused[/red]: {exc}")
    return typer.Exit(2)


def _load(extra: list[Path]) -> list[Rule]:
    from yunshao.rules.loader import load_rules  # DuckDB and the catalog: only for the commands that read it
    from yunshao.settings import get_settings

    try:
        return load_rules(extra, settings=get_settings().rules)
    except RuleError as exc:
        raise _refused(exc) from None
