"""Shared fixtures: Sphinx's own pytest fixtures (sphinx.testing) for real builds, and
layout-worker faults for the reliability tests of every host."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture
def layout_pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A private ELK worker pool for this test: faults played on it never reach the warm
    workers other tests use, and its workers are stopped afterwards."""
    from dagnote.drawing import elk_runner

    fresh = elk_runner.ElkPool()
    monkeypatch.setattr(elk_runner, "_pool", fresh)
    yield fresh
    fresh.close(grace=1.0)


@pytest.fixture
def layout_requests(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many graphs each layout request of this test asked the ELK workers for."""
    from dagnote.drawing import elk_runner

    requests: list[int] = []
    real = elk_runner.ElkPool.layout

    def counting(self: elk_runner.ElkPool, graphs: list, timeout: float = 10.0,
                 max_timeouts: int | None = None) -> list:
        requests.append(len(graphs))
        return real(self, graphs, timeout, max_timeouts)

    monkeypatch.setattr(elk_runner.ElkPool, "layout", counting)
    return requests


@pytest.fixture
def unstartable_layout(layout_pool: object, monkeypatch: pytest.MonkeyPatch,
                       tmp_path: Path) -> str:
    """Layout workers that cannot start (their interpreter is missing); returns its path."""
    from dagnote.drawing import elk_runner

    missing = str(tmp_path / "no-such-python")

    def command() -> tuple[list[str], dict[str, str], str]:
        return [missing, "-m", "dagnote.drawing.elk_worker"], dict(os.environ), str(tmp_path)

    monkeypatch.setattr(elk_runner, "_worker_command", command)
    return missing


class WorkerKiller:
    """Kills (SIGKILL) every worker process of the pool as soon as it has one, until
    stopped: a worker dies again on the pool's retry, as under a persistent OOM killer."""

    def __init__(self, pool: object) -> None:
        self.pool = pool
        self.killed: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-killer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.pool.worker_pids():  # type: ignore[attr-defined]
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                if pid not in self.killed:
                    self.killed.append(pid)
            self._stop.wait(0.005)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
def worker_killer(layout_pool: object) -> Iterator[WorkerKiller]:
    """Every layout worker of this test's pool is killed while the fixture is active
    (``stop()`` ends that; the next request starts a fresh worker)."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("needs SIGKILL")
    killer = WorkerKiller(layout_pool)
    yield killer
    killer.stop()


class Server:
    """A command serving on a free 127.0.0.1 port, its output in a log file."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.proc = proc
        self.port = port
        self.log = log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Callable[[Callable[[int], list[str]]], Server]]:
    """``server(lambda port: [command...])`` starts a local server on a free port; every
    one started is stopped when the test ends (terminate, then kill)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(command: Callable[[int], list[str]]) -> Server:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = tmp_path / f"server-{len(started)}.log"
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        with log.open("wb") as out:
            proc = subprocess.Popen(command(port), stdout=out, stderr=subprocess.STDOUT,
                                    env=env)
        started.append(proc)
        return Server(proc, port, log)

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
