"""A control group around one sandbox, when this machine lets us make one (root, usually).

Per-process limits (``RLIMIT_AS``, ``RLIMIT_NPROC``) are always set inside the sandbox; a
cgroup adds what they cannot: one memory cap and one process cap for *all* of a notebook's
processes together (and a process cap at all when grading as root, which ``RLIMIT_NPROC`` does
not bind). Notebooks of one sandbox run one at a time, so the sandbox's group caps the notebook
running now: its limits are the template's own use plus the notebook's allowance.
Both cgroup v1 (separate memory and pids hierarchies) and v2 are handled.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import time
from dataclasses import dataclass
from pathlib import Path

_ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()


@dataclass
class Cgroup:
    #: v1: {"memory": dir, "pids": dir}; v2: {"unified": dir}
    folders: dict[str, Path]
    baseline_bytes: int = 0
    baseline_tasks: int = 0

    @classmethod
    def create(cls) -> Cgroup | None:
        """A new group, or None where cgroups cannot be written (not root, or not mounted).

        Groups left behind by a grader that was killed are removed first.
        """
        _remove_stale()
        name = f"calcrl-{os.getpid()}-{next(_counter)}"
        for make in (cls._v2, cls._v1):
            with contextlib.suppress(OSError):
                group = make(name)
                if group is not None:
                    return group
        return None

    @classmethod
    def _v2(cls, name: str) -> Cgroup | None:
        controllers = (_ROOT / "cgroup.controllers")
        if not controllers.exists() or not {"memory", "pids"} <= set(controllers.read_text()
                                                                      .split()):
            return None
        (_ROOT / "cgroup.subtree_control").write_text("+memory +pids")
        folder = _ROOT / name
        folder.mkdir()
        return cls({"unified": folder})

    @classmethod
    def _v1(cls, name: str) -> Cgroup | None:
        if not ((_ROOT / "memory" / "memory.limit_in_bytes").exists()
                and (_ROOT / "pids").is_dir()):
            return None
        folders = {kind: _ROOT / kind / name for kind in ("memory", "pids")}
        for folder in folders.values():
            folder.mkdir()
        return cls(folders)

    def enter(self) -> None:
        """Move the calling process in (used between fork and exec of the sandbox)."""
        for folder in self.folders.values():
            (folder / "cgroup.procs").write_text(str(os.getpid()))

    def _file(self, v1: tuple[str, str], v2: str) -> Path:
        if "unified" in self.folders:
            return self.folders["unified"] / v2
        return self.folders[v1[0]] / v1[1]

    def baseline(self) -> None:
        """Note what the warm template uses; protect it from the OOM killer."""
        self.baseline_bytes = int(self._file(("memory", "memory.usage_in_bytes"),
                                             "memory.current").read_text())
        self.baseline_tasks = int(self._file(("pids", "pids.current"), "pids.current")
                                  .read_text())
        for pid in self.pids():
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/oom_score_adj").write_text("-1000")

    def peak_bytes(self) -> int:
        """The most memory the sandbox (template and notebooks) has used at once."""
        peak = self._file(("memory", "memory.max_usage_in_bytes"), "memory.peak")
        return int(peak.read_text()) if peak.exists() else 0

    def pids(self) -> list[int]:
        procs = self._file(("pids", "cgroup.procs"), "cgroup.procs")
        return [int(line) for line in procs.read_text().split()]

    def limit(self, memory_bytes: int, processes: int) -> None:
        """Caps for the next notebook, on top of the template's own use."""
        self._file(("memory", "memory.limit_in_bytes"), "memory.max").write_text(
            str(self.baseline_bytes + memory_bytes))
        self._file(("pids", "pids.max"), "pids.max").write_text(
            str(self.baseline_tasks + processes))

    def remove(self) -> None:
        for folder in self.folders.values():
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # processes still leaving the group
                    time.sleep(0.05)


def _remove_stale() -> None:
    """Remove empty ``calcrl-<pid>-<n>`` groups whose grader process no longer exists."""
    for parent in (_ROOT, _ROOT / "memory", _ROOT / "pids"):
        for folder in parent.glob("calcrl-*-*"):
            owner = folder.name.split("-")[1]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                with contextlib.suppress(OSError):
                    folder.rmdir()
