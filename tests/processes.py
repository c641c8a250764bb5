"""Processes as a test sees them: start `calcrl` as a terminal would, find what it started,
and wait for processes to be gone (read from /proc)."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import course


def start_calcrl(root: Path, *args: str) -> subprocess.Popen:
    """Start `calcrl ARGS` as its own session, as a terminal would: Ctrl-C goes to the group,
    and SIGINT starts at its default even when this test run ignores it (a job started in the
    background of a script inherits SIGINT ignored, and Python then keeps ignoring it)."""
    return subprocess.Popen([sys.executable, "-m", "calcrl_checks.instructor.command.cli", *args],
                            cwd=root, env=course.nbgrader_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_default_sigint)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def process_tree(pid: int) -> set[int]:
    """``pid`` and every process descended from it now."""
    tree, found, todo = _children(), set(), [pid]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(tree.get(current, []))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def assert_gone(pids: set[int], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.2)
    assert not [(pid, cmdline(pid)) for pid in pids if alive(pid)]
