"""`yunshao --help` starts at once: importing the CLI imports none of the heavy libraries, which only the
commands that need them load (issue 17, item 4; timings in BENCHMARKS.md, `benchmarks/cli_start.py`)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sklearn", "matplotlib", "mlflow", "lightgbm", "shap", "optuna", "pyspark", "fastapi", "pandas")


def _loaded_after(code: str) -> list[str]:
    """Heavy top-level modules in sys.modules after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.split()


def test_importing_the_cli_imports_no_heavy_library() -> None:
    assert _loaded_after("import yunshao.cli") == []


def test_help_and_the_rule_list_import_no_heavy_library() -> None:
    help_run = "from typer.testing import CliRunner\nfrom yunshao.cli import app\n"
    for args in (["--help"], ["rules", "list"], ["keys", "--help"], ["train", "--help"]):
        code = help_run + f"assert CliRunner().invoke(app, {args!r}).exit_code == 0"
        assert _loaded_after(code) == [], args


def test_the_rule_list_reads_yaml_only() -> None:
    """`rules list` parses the rule files and binds no SQL: neither DuckDB nor the settings are imported."""
    code = (
        "from typer.testing import CliRunner\nfrom yunshao.cli import app\n"
        "assert CliRunner().invoke(app, ['rules', 'list']).exit_code == 0\n"
        "import sys\nprint('loaded:', *(m for m in ('duckdb', 'pydantic_settings', 'yaml') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip().splitlines()[-1] == "loaded: yaml"


def test_rule_files_are_read_with_the_c_loader_when_there_is_one() -> None:
    import yaml

    from yunshao.rules.loader import YamlLoader

    assert YamlLoader is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
