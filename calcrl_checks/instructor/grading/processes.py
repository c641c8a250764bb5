"""Run a command with a time limit that also stops everything it started (kernels included)."""
from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Finished:
    returncode: int | None  # None when the time limit stopped it
    output: str

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def run_limited(command: list[str], cwd: Path, env: dict[str, str], seconds: float) -> Finished:
    """Run ``command``; after ``seconds`` kill its whole process group and report a timeout."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=seconds)
        return Finished(process.returncode, output)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        output, _ = process.communicate()
        return Finished(None, output or "")


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
