"""Progress for long work: a rich spinner per stage and a bar where the total is known."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

console = Console(stderr=True)


@contextmanager
def stage_progress() -> Iterator[Callable[[str, str], None]]:
    """A hook for ``pipeline.run``: one line per stage, ticking while it works, timed when done."""
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=False
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def hook(stage: str, event: str) -> None:
            if event == "start":
                tasks[stage] = progress.add_task(f"[bold]{stage}[/bold]", total=1)
            else:
                progress.update(tasks[stage], completed=1, description=f"[green]{stage} ✓[/green]")

        yield hook


def _counted() -> Progress:
    """The columns of a bar whose total is known: description, bar, done/total, time elapsed."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    )


@contextmanager
def bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A bar for work whose size is known, fed with (done, total)."""
    with _counted() as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@contextmanager
def steps(description: str, names: Sequence[str]) -> Iterator[Callable[[str], None]]:
    """A bar over named steps, fed with the name of each step as it starts; full when the work ends."""
    with _counted() as progress:
        task = progress.add_task(description, total=len(names))

        def start(name: str) -> None:
            done = names.index(name) if name in names else 0
            progress.update(task, completed=done, description=f"{description}: {name}")

        yield start
        progress.update(task, completed=len(names), description=f"{description} ✓")
