"""Post ranking against the simulator's post truth: the previous post scorer against the current one.

    .venv/bin/python benchmarks/post_eval.py [--projects 4000] [--seed 7] [--profile NAME] [--cache DIR]

For each label fraction (0.4, 0) a county is simulated (or reused from ``--cache``) and run through
``yunshao run`` up to the project scores; posts are then scored by the previous method (``posts.py`` as
committed at ``--base``, read with ``git show``) and the current one, each with the run's post labels
and project outcomes, and judged by average precision on the posts whose own outcome was NOT handed
over. Post truth is ``<truth>/posts.parquet`` (post_id, corrupt) when the simulator writes it (foreign
profiles), else the planted rows with entity_type 'post'.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pandas as pd
from sklearn.metrics import average_precision_score

from yunshao.settings import Settings
from yunshao.training.labels import make_targets, read_outcomes
from yunshao.training.posts import score_posts

ROOT = Path(__file__).resolve().parents[1]
FRACTIONS = (0.4, 0.0)
YUNSHAO = str(Path(sys.executable).with_name("yunshao"))


def build(cache: Path, n: int, seed: int, frac: float, profile: str | None) -> tuple[Path, Path]:
    """Simulate and run one county unless the cache has it; returns (store, truth folder)."""
    folder = cache / f"n{n}-s{seed}-f{frac:g}{'-' + profile if profile else ''}"
    ds, truth, out = folder / "ds", folder / "truth", folder / "out"
    if not (truth / "planted.parquet").exists():
        cmd = [YUNSHAO, "simulate", str(ds), "--projects", str(n), "--seed", str(seed)]
        cmd += ["--label-frac", str(frac), "--truth", str(truth)] + (["--profile", profile] if profile else [])
        subprocess.run(cmd, check=True, capture_output=True)
    if not (out / "yunshao.duckdb").exists():
        subprocess.run([YUNSHAO, "run", str(ds), "--out", str(out)], check=True, capture_output=True)
    return out / "yunshao.duckdb", truth


def post_truth(truth: Path) -> set[str]:
    """Corrupt posts: ``posts.parquet`` when present, else the planted rows naming a post."""
    posts = truth / "posts.parquet"
    if posts.exists():
        frame = pd.read_parquet(posts)
        return set(frame.loc[frame["corrupt"].astype(bool), "post_id"].astype(str))
    planted = pd.read_parquet(truth / "planted.parquet")
    return set(planted.loc[planted["entity_type"] == "post", "entity_id"].astype(str))


def previous_scorer(base: str) -> ModuleType | None:
    """``yunshao/training/posts.py`` as committed at ``base``, as a module (None when git can't say)."""
    try:
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{base}:yunshao/training/posts.py"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / "posts_previous.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("posts_previous", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def evaluate(store: Path, truth: Path, previous: ModuleType | None) -> dict[str, Any]:
    """Post AP of each scorer on the posts whose outcome was not handed over."""
    settings = Settings().model
    con = duckdb.connect(str(store), read_only=True)
    scores = con.execute("SELECT * FROM project_scores").df().set_index("project_id")
    outcomes = read_outcomes(con)
    post_ids = pd.Index(con.execute("SELECT DISTINCT post_id FROM posts").df()["post_id"].astype(str))
    targets = make_targets(outcomes, "post", post_ids, partial_weight=settings.partial_weight)
    project_targets = make_targets(outcomes, "project", scores.index, partial_weight=settings.partial_weight)
    corrupt = post_truth(truth)
    kw: dict[str, Any] = {"targets": targets, "min_positive": settings.min_labels}
    results: dict[str, Any] = {"posts": len(post_ids), "labelled_posts": int(targets.labelled.sum())}
    scorers = {"new": lambda: score_posts(con, scores, project_targets=project_targets, **kw)}
    if previous is not None:
        scorers = {"previous": lambda: previous.score_posts(con, scores, **kw), **scorers}
    for name, run in scorers.items():
        posts = run()
        keep = posts.frame.index[~targets.labelled.reindex(posts.frame.index).fillna(False).astype(bool)]
        y = keep.isin(list(corrupt)).astype(int)
        results["judged"], results["corrupt_judged"] = len(keep), int(y.sum())
        results[f"ap_{name}"] = float(average_precision_score(y, posts.frame.loc[keep, "risk_score"]))
        results[f"model_{name}"] = posts.used_model
    con.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", default=None, help="simulator profile (foreign counties), if supported")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "post_eval")
    parser.add_argument("--base", default="HEAD", help="git revision of the previous post scorer")
    args = parser.parse_args()
    previous = previous_scorer(args.base)
    rows = []
    for frac in FRACTIONS:
        store, truth = build(args.cache, args.projects, args.seed, frac, args.profile)
        rows.append({"label_frac": frac, **evaluate(store, truth, previous)})
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
