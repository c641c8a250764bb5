"""A warm grader: one long-lived process that grades student after student.

It imports nbgrader, the checks, numpy, sympy and torch once, starts its sandbox once, and
then runs :func:`~calcrl_checks.instructor.grading.one_student.grade` for each submission it is
sent, in
its main thread (the checks' time budgets are timer signals, which only the main thread
gets). Nothing of one student stays for the next: each is graded in a fresh private course,
each notebook in a fresh sandboxed process. It dies with the process that started it.

It is a plain subprocess (``python -m calcrl_checks.instructor.grading.warm FD``) talking over a
socket,
so it can be started from anywhere, a Dask worker included (whose own processes may not have
multiprocessing children).
Used like this (it starts a sandbox, so it is no doctest)::

    grader = WarmGrader()
    graded = grader.grade(bundle, submission, 900)
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from multiprocessing.connection import Connection

from calcrl_checks.instructor.grading.one_student import Bundle, Graded, Submission
from calcrl_checks.instructor.grading.leftovers import clean_scratch

_PR_SET_PDEATHSIG = 1


#: How a result starts when the grading process died under a student (worth one more try).
CRASHED = "the grading process ended unexpectedly"


class WarmGrader:
    """Hands submissions to a warm grading process; restarts it if it dies or hangs."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._connection: Connection | None = None
        self._bundle_key: str | None = None

    def start(self) -> None:
        """Start the grading process (it warms up while the caller goes on).

        It is killed when the *thread* that starts it ends (``PR_SET_PDEATHSIG``): start it
        from a thread that lives as long as it should.
        """
        here, there = socket.socketpair()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "calcrl_checks.instructor.grading.warm", str(there.fileno()),
             str(os.getpid())], pass_fds=(there.fileno(),), stdin=subprocess.DEVNULL)
        there.close()
        self._connection = Connection(here.detach())
        self._bundle_key = None

    def stop(self, now: bool = False) -> None:
        """Ask the grading process to finish (killed after 15 s), or kill it ``now``.

        Safe to call from two threads at once (a pool closing while its thread stops a grader
        that crashed): each works on the process and connection it found.
        """
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if process is not None and now:
            process.kill()
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.send(None)
            connection.close()
        if process is not None:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
            if process.returncode != 0:  # killed mid-student: its private course stays
                clean_scratch()

    def kill(self) -> None:
        """Kill the grading process at once, from any thread: the student it grades fails
        with :data:`CRASHED`, and the next :meth:`grade` starts a fresh process."""
        process = self._process
        if process is not None:
            process.kill()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def grade(self, bundle: Bundle, submission: Submission, seconds: float) -> Graded:
        """Grade one submission within ``seconds``; a grader that runs over is killed."""
        running = self._process
        if running is None or running.poll() is not None:
            self.stop()
            self.start()
        process, connection = self._process, self._connection
        assert connection is not None and process is not None
        started = time.monotonic()
        try:
            if self._bundle_key != bundle.key:
                connection.send(("bundle", bundle))
                self._bundle_key = bundle.key
            connection.send(("grade", submission))
            if connection.poll(seconds):
                return connection.recv()
            reason = f"grading took longer than {seconds:g} s and was stopped"
            process.kill()
        except (EOFError, OSError) as error:
            reason = f"{CRASHED} ({type(error).__name__})"
        self.stop()
        return Graded(submission.student, ok=False, reason=reason,
                      seconds=time.monotonic() - started)


def serve(connection: Connection) -> None:
    """The grading process's loop: warm up, then grade what comes until told to stop."""
    # after main() has set up imports (skip_unused_imports)
    from calcrl_checks.instructor.grading.one_student import grade

    unavailable = _warm_up()
    bundle: Bundle | None = None
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        kind, payload = message
        if kind == "bundle":
            bundle = payload
        elif kind == "grade" and unavailable:
            connection.send(Graded(payload.student, ok=False, reason=unavailable,
                                   no_sandbox=True))
        elif kind == "grade" and bundle is not None:
            result = grade(bundle, payload)
            connection.send(result)
            if "MemoryError" in result.reason:
                return  # past its memory limit: the next student gets a fresh grader


def _warm_up() -> str:
    """Import what grading uses and start the sandbox, once for every student to come.

    Returns why this machine cannot grade (no sandbox), or "" when it can.
    """
    import nbgrader.converters  # noqa: F401
    import numpy  # noqa: F401
    import sympy  # noqa: F401
    import torch  # noqa: F401

    # The warm-up: what every student's grading needs, loaded once before the first one.
    from calcrl_checks import api  # noqa: F401
    from calcrl_checks.checks import calculus, rl, scenarios  # noqa: F401
    from calcrl_checks.engine import bubblewrap, host
    from calcrl_checks.instructor.grading.startup import check_metadata_schema_once

    check_metadata_schema_once()
    if not bubblewrap.unsandboxed_requested():
        try:
            host.shared_sandbox()
        except bubblewrap.SandboxUnavailable as error:
            return str(error)
    return ""


def main(argv: list[str]) -> None:
    # Nothing heavy is imported before skip_unused_imports() has run and the limit is set.
    from calcrl_checks.engine.memory import limit_grader_memory
    from calcrl_checks.instructor.grading.startup import skip_unused_imports

    skip_unused_imports()
    descriptor, parent = int(argv[0]), int(argv[1])
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before we could ask to die with it
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    # nbgrader's own submission code trips SQLAlchemy autoflush warnings on every student's
    # private gradebook: noise for the instructor, not something they can act on.
    warnings.filterwarnings("ignore", message=r"Object of type <Submitted\w+> not in session")
    # The trusted side's own floor: a reply it cannot hold costs one student, not the machine.
    limit_grader_memory()
    serve(Connection(descriptor))


if __name__ == "__main__":
    main(sys.argv[1:])
