"""Run a function in a forked child process and get its (pickled) result back.

Why fork and not multiprocessing: the child inherits the loaded segmenter, the
parsed reports and the schema for free (copy-on-write), where a spawned worker
would load and receive them again; and there is no pool to shut down. The
child dies with its parent (PR_SET_PDEATHSIG), so a killed reindex never
leaves a writer behind in a build directory the next run is cleaning up.
Forking copies only the calling thread: reindex runs in the CLI or in serve's
master before any worker starts, where no other thread holds our locks.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from searchapp.errors import BuildFailed

_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Child:
    pid: int
    results: int  # read end of the pipe the child writes its pickled result to


def start(work: Callable[[], Any]) -> Child:
    """Run `work()` in a child process now; collect its result with `result`."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(read_end)
            _die_with(parent)
            try:
                payload, status = pickle.dumps((True, work())), 0
            except BaseException as error:  # noqa: BLE001 - reported to the parent
                payload = pickle.dumps((False, f"{type(error).__name__}: {error}"))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(status)
    os.close(write_end)
    return Child(pid, read_end)


def result(child: Child) -> Any:
    """Wait for the child; its return value, or BuildFailed with what went wrong."""
    with os.fdopen(child.results, "rb") as results:
        payload = results.read()
    _, status = os.waitpid(child.pid, 0)
    try:
        ok, value = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - the child died before it could answer
        ok, value = False, f"exit status {status}"
    if not ok:
        raise BuildFailed(f"index writer process failed ({value})")
    return value


def stop(child: Child) -> None:
    """Kill and reap a child whose result is no longer wanted."""
    os.close(child.results)
    try:
        os.kill(child.pid, signal.SIGKILL)
        os.waitpid(child.pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass  # already gone


def _die_with(parent: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the child just finishes its work
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
