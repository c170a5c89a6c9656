"""Child processes measured from outside: wall time and peak RSS of one command, and
the `searchapp serve` process tree (master + gunicorn workers).

Peak RSS comes from os.wait4 on that very child (the kernel reports the largest of
the child and its reaped descendants), so a measurement never mixes in earlier
commands the way RUSAGE_CHILDREN would; live workers are read from /proc.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Finished:
    argv: list[str]
    returncode: int | None  # None: killed at the time limit
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def run(argv: list[str], log: Path, *, env: dict[str, str] | None = None,
        timeout: float = 600) -> Finished:
    """Run `argv` to completion (or kill its process group at `timeout`); its output goes
    to LOG.out / LOG.err, kept for reading after the run."""
    out, err = log.with_suffix(".out"), log.with_suffix(".err")
    with open(out, "w", encoding="utf-8") as stdout, open(err, "w", encoding="utf-8") as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr,
                                 start_new_session=True)
        status, usage = _wait(child, started + timeout)
        seconds = time.perf_counter() - started
    returncode = None if status is None else os.waitstatus_to_exitcode(status)
    return Finished(argv, returncode, seconds, usage.ru_maxrss / 1024 if usage else 0.0,
                    _read(out), _read(err))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _wait(child: subprocess.Popen, deadline: float):  # noqa: ANN202
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        if time.perf_counter() > deadline:
            _kill_group(child)
            os.wait4(child.pid, 0)
            child.returncode = -9
            return None, None
        time.sleep(0.02)


def _kill_group(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)  # the group we created for this child only
    except ProcessLookupError:
        pass


def free_port() -> int:
    """A port nobody listens on now, on the loopback interface only."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A `searchapp serve` started by the benchmark and stopped by it (by its own pid)."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = open(log, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(argv, env=env, stdout=self.log, stderr=self.log,
                                        start_new_session=True)

    def wait_first_answer(self, url: str, timeout: float) -> float:
        """Seconds from launch until `url` answers 200: the cold start a user sees."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with status {self.process.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=max(1.0, deadline - time.perf_counter())) \
                        as response:
                    if response.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"no answer from {url} within {timeout:.0f} s")

    def worker_memory_mb(self) -> list[dict[str, float]]:
        """Peak (VmHWM) and current RSS of each gunicorn worker."""
        workers = []
        for pid in _children(self.process.pid):
            status = _proc_status(pid)
            if status:
                workers.append({"pid": pid, "peak_rss_mb": status.get("VmHWM", 0) / 1024,
                                "rss_mb": status.get("VmRSS", 0) / 1024})
        return workers

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _kill_group(self.process)
                self.process.wait()
        self.log.close()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _proc_status(pid: int) -> dict[str, int]:
    """The kB figures of /proc/PID/status (VmHWM, VmRSS, ...)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines:
        key, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB":
            values[key] = int(parts[0])
    return values


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20
