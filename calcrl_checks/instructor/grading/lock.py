"""One writing calcrl command at a time per course folder.

The lock is an ``flock`` on ``.calcrl-lock`` in the course folder, which holds the command and
pid of its owner for the message others see. The kernel drops the lock when its owner dies,
however it dies, so a stale lock left by a killed run is simply taken over.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from calcrl_checks.outcome.errors import CalcrlError

LOCK_FILE = ".calcrl-lock"


class CourseBusy(CalcrlError, RuntimeError):
    """Another calcrl command is writing to this course folder."""


@contextlib.contextmanager
def course_lock(root: Path, command: str) -> Iterator[None]:
    """Hold the course's lock while the block runs; raise :class:`CourseBusy` if it is held.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder, course_lock(Path(folder), "test"):
    ...     pass
    """
    path = root / LOCK_FILE
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = Path(path).read_text(errors="replace").strip() or "another calcrl command"
            raise CourseBusy(f"{owner} is already working in {root}; wait for it to finish "
                             "(or stop it) and run this again.") from None
        os.ftruncate(handle, 0)
        os.write(handle, f"`calcrl {command}` (pid {os.getpid()}, "
                         f"{Path(sys.argv[0]).name})\n".encode())
        yield
    finally:
        os.close(handle)
