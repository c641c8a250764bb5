"""The trusted side's handle on the sandbox: start it, open a notebook in it, stop it.

:class:`Sandbox` starts the template process (``zygote.py``) under bubblewrap and keeps it warm;
:meth:`Sandbox.open` gives a :class:`Session`, one notebook's process, over a socket of its own.
One sandbox serves a whole grading process (:func:`shared_sandbox`); it is restarted if it dies.
Used like this (it needs bubblewrap, so it is no doctest; ``tests/test_engine.py`` drives real
sandboxes)::

    sandbox = shared_sandbox()
    with sandbox.open(Limits()) as session:
        assert session.run("x = 2 * 21", seconds=30).status == "ok"
"""
from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from calcrl_checks.engine import bubblewrap, memory
from calcrl_checks.engine.cgroups import Cgroup
from calcrl_checks.crossing.channel import Channel, ChannelError, ChannelTimeout, FrameRefused
from calcrl_checks.engine.sandbox.isolation import Caps

#: Seconds the template process may take to import everything (torch is the slow part).
START_SECONDS = 120
#: Seconds a cell gets after an interrupt before its process is killed.
INTERRUPT_GRACE = 3.0
#: Largest message to or from a notebook beyond the submission's own files (answers, outputs).
_FRAME_SLACK = 64 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-notebook caps; nbgrader's config sets them through ``GradeInSandbox``."""

    memory_mb: int = 2048
    processes: int = 64
    cpu_seconds: int = 600
    cell_seconds: float = 30.0
    notebook_seconds: float = 600.0
    output_kib: int = 1024
    notebook_output_kib: int = 8192
    files_mib: int = 100


#: How a cell's run ended: "ok"; "timeout" (stopped at its time limit, the cell's or what was
#: left of the notebook's); "ended" (the process ended: killed, out of memory, exited).
RunStatus = Literal["ok", "timeout", "ended"]


@dataclass
class CellRun:
    """What running one cell in the sandbox gave."""

    outputs: list[Any]
    count: int | None
    status: RunStatus = "ok"
    reason: str = ""


@dataclass
class Sandbox:
    """The warm template process, inside bubblewrap unless running unsandboxed."""

    sandboxed: bool = True
    process: subprocess.Popen | None = None
    control: Channel | None = None
    fds: socket.socket | None = None
    vm_bytes: int = 0
    cgroup: Cgroup | None = None
    _ids: Any = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _log: Any = None

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        """Start the template process; raise :class:`SandboxUnavailable` when it cannot start."""
        control_here, control_there = socket.socketpair()
        fds_here, fds_there = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        arguments = [str(control_there.fileno()), str(fds_there.fileno()),
                     "sandbox" if self.sandboxed else "unsandboxed"]
        if self.sandboxed:
            command = bubblewrap.command(bubblewrap.find_bwrap(), arguments)
            self.cgroup = Cgroup.create()
        else:
            command = [sys.executable, "-I", "-m", "calcrl_checks.engine.sandbox.zygote",
                       *arguments]
        errors = tempfile.TemporaryFile()
        environment = None if self.sandboxed else _unsandboxed_environment()
        cgroup, limited = self.cgroup, memory.limited()

        def prepare() -> None:  # in the child, before exec: its caps are its own
            if limited:
                memory.unlimited_in_child()
            if cgroup is not None:
                cgroup.enter()

        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
            pass_fds=(control_there.fileno(), fds_there.fileno()), env=environment,
            preexec_fn=prepare if cgroup is not None or limited else None,
            start_new_session=True)
        control_there.close()
        fds_there.close()
        self.control, self.fds = Channel(control_here), fds_here
        try:
            ready = self.control.receive(deadline=time.monotonic() + START_SECONDS)
        except ChannelError:
            self.stop()
            errors.seek(0)
            text = errors.read().decode(errors="replace")
            raise bubblewrap.SandboxUnavailable(
                bubblewrap.explain_failure(text) if self.sandboxed else
                f"calcrl could not start its grading process:\n{text[-2000:]}") from None
        self.vm_bytes = int(ready.get("vm_bytes", 0))
        if self.cgroup is not None:
            self.cgroup.baseline()
        atexit.register(self.stop)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """End the sandbox: the template exits when its connection closes (so every process is
        reaped and accounted for); whatever is left after a few seconds is killed."""
        if self.control is not None:
            self.control.close()
        if self.fds is not None:
            self.fds.close()
        if self.process is not None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                with contextlib.suppress(Exception):
                    self.process.wait(timeout=10)
        if self.cgroup is not None:
            self.cgroup.remove()
        self.process = self.control = self.fds = self.cgroup = None

    # -- requests to the template ----------------------------------------------------------
    def _request(self, message: dict[str, Any], seconds: float = 30.0) -> dict[str, Any]:
        assert self.control is not None
        message["id"] = next(self._ids)
        self.control.send(message)
        deadline = time.monotonic() + seconds
        while True:
            reply = self.control.receive(deadline)
            if reply.get("id") == message["id"]:
                return reply

    def open(self, limits: Limits) -> Session:
        """A fresh notebook process, from the warm template."""
        with self._lock:
            if not self.alive():
                self.stop()
                self.start()
            here, there = socket.socketpair()
            session = next(self._ids)
            caps = Caps(memory_bytes=self.vm_bytes + limits.memory_mb * (1 << 20),
                        processes=limits.processes, cpu_seconds=limits.cpu_seconds,
                        file_bytes=limits.files_mib * (1 << 20) * 2)
            if self.cgroup is not None:
                self.cgroup.limit(limits.memory_mb * (1 << 20), limits.processes)
            assert self.fds is not None
            socket.send_fds(self.fds, [b"s"], [there.fileno()])
            there.close()
            max_frame = limits.files_mib * (1 << 20) + _FRAME_SLACK
            reply = self._request({"op": "open", "session": session, "caps": asdict(caps),
                                   "max_frame": max_frame}, seconds=60)
            if "opened" not in reply:
                here.close()
                raise ChannelError(reply.get("error", "the notebook process did not start"))
            return Session(self, session, Channel(here, max_frame), limits)

    def signal(self, session: int, number: int) -> None:
        with self._lock, contextlib.suppress(ChannelError):
            self._request({"op": "signal", "session": session, "signal": int(number)})

    def close(self, session: int) -> str:
        """End a notebook: its process and everything it started. Returns how it ended."""
        with self._lock:
            try:
                return str(self._request({"op": "close", "session": session}).get("status"))
            except ChannelError:
                return "unknown"


class Session:
    """One notebook's process in the sandbox, seen from the trusted side."""

    def __init__(self, sandbox: Sandbox, number: int, channel: Channel, limits: Limits):
        self.sandbox = sandbox
        self.number = number
        self.channel = channel
        self.limits = limits
        self.ended = False
        self._ids = itertools.count()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> str:
        self.channel.close()
        self.ended = True
        return self.sandbox.close(self.number)

    def request(self, message: dict[str, Any], seconds: float) -> dict[str, Any]:
        """Send a request and wait for its reply; a late reply to an earlier request is skipped.

        Raises :class:`ChannelTimeout` after ``seconds`` and :class:`ChannelError` when the
        process is gone or answers with something that is not a message.
        """
        if self.ended:
            raise ChannelError("the notebook process has ended")
        message["id"] = next(self._ids)
        try:
            try:
                self.channel.send(message, timeout=max(seconds, 5.0))
            except ChannelError:
                self._raise_startup_error()
                raise
            deadline = time.monotonic() + seconds
            while True:
                reply = self.channel.receive(deadline)
                if "startup_error" in reply:
                    raise ChannelError(f"the notebook process could not start: "
                                       f"{reply['startup_error']}")
                if reply.get("id") == message["id"]:
                    return reply
        except ChannelTimeout:
            raise
        except ChannelError:
            self.ended = True
            raise

    def _raise_startup_error(self) -> None:
        """If the notebook process died setting itself up, say why (it left a message)."""
        try:
            reply = self.channel.receive(time.monotonic() + 0.5)
        except ChannelError:
            return
        if "startup_error" in reply:
            raise ChannelError(f"the notebook process could not start: "
                               f"{reply['startup_error']}")

    def put_files(self, files: dict[str, bytes]) -> None:
        self.request({"op": "files", "files": [{"path": path, "data": data}
                                               for path, data in files.items()]}, seconds=60)

    def run(self, source: str, seconds: float) -> CellRun:
        """Run one cell; stop it at ``seconds`` (interrupt, then kill)."""
        message = {"op": "run", "source": source, "output_bytes": self.limits.output_kib * 1024}
        try:
            reply = self.request(message, seconds)
            return CellRun(reply.get("outputs", []), reply.get("count"))
        except ChannelTimeout:
            pass
        except FrameRefused as refused:
            self.close()
            return CellRun([], None, "ended", f"it sent the grader more than it accepts "
                                              f"({refused})")
        except ChannelError:
            return CellRun([], None, "ended", self._why_ended())
        self.sandbox.signal(self.number, signal.SIGINT)
        try:
            reply = self.channel.receive(time.monotonic() + INTERRUPT_GRACE)
            if reply.get("id") == message["id"]:
                return CellRun(reply.get("outputs", []), reply.get("count"), "timeout")
        except ChannelError:
            pass
        self.ended = True
        self.sandbox.signal(self.number, signal.SIGKILL)
        return CellRun([], None, "timeout", "it ignored the interrupt and was killed")

    def _why_ended(self) -> str:
        status = self.close()
        if "SIGKILL" in status:
            return "it was killed (most likely it used more memory than the notebook may)"
        if "SIGXCPU" in status:
            return "it used more CPU time than the notebook may"
        return f"the notebook's Python process ended ({status})"


_shared: Sandbox | None = None
_shared_lock = threading.Lock()


def shared_sandbox() -> Sandbox:
    """This process's sandbox, started on first use (or after it died)."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.alive():
            if _shared is not None:
                _shared.stop()
            sandbox = Sandbox(sandboxed=not bubblewrap.unsandboxed_requested())
            sandbox.start()
            _shared = sandbox
        return _shared


def shared_sandbox_if_started() -> Sandbox | None:
    """This process's sandbox if one is running (for measurements), without starting one."""
    return _shared if _shared is not None and _shared.alive() else None


def _unsandboxed_environment() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "USER")
    environment = {key: os.environ[key] for key in keep if key in os.environ}
    environment.update({"MPLBACKEND": "agg", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                        "PYTHONDONTWRITEBYTECODE": "1"})
    return environment
