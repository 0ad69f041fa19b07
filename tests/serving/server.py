"""A real `uvicorn` server process over a store, for the tests that need one (kill -9, the browser)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stdout.read().decode() if proc.stdout else ''}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise TimeoutError(url)


@contextmanager
def running_server(
    store: Path, keys_db: Path, state_db: Path, cwd: Path, **env_extra: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Base URL and process of a server started with `uvicorn yunshao.serving.asgi:create`."""
    port = free_port()
    env = {
        **os.environ,
        "YUNSHAO_SERVE__STORE": str(store),
        "YUNSHAO_SERVE__KEYS_DB": str(keys_db),
        "YUNSHAO_SERVE__STATE_DB": str(state_db),
        **env_extra,
    }
    cmd = [sys.executable, "-m", "uvicorn", "yunshao.serving.asgi:create", "--factory", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/health", proc)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
