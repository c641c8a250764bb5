"""The sandbox's template process: import the heavy modules once, fork a notebook per request.

Started by the trusted grader (``host.py``) inside bubblewrap, it never sees a hidden test, an
expected value, the gradebook or a student's files: it only receives "open a notebook" with a
socket for that notebook, "signal" and "close". Each notebook gets a fork of this warm process
(numpy, sympy, matplotlib, IPython and torch already imported), moved into namespaces of its
own (``isolation.py``), talking to the grader over its own socket.

Usage (by the grader only): ``python -m calcrl_checks.engine.sandbox.zygote CONTROL_FD FDS_FD MODE
[KEEP]``, MODE being ``sandbox`` or ``unsandboxed``, KEEP a JSON list of read-only folders under
/tmp to bind again on each notebook's fresh /tmp. In the sandbox, ``boot.py`` first imports the
grader's own copy of the package, then calls :func:`main` with these arguments.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from typing import Any

from calcrl_checks.engine.sandbox import isolation
from calcrl_checks.crossing.channel import Channel, ChannelError, ChannelTimeout

#: Seconds a new notebook has to report its pid before it counts as failed to start.
START_SECONDS = 20


def preload() -> Any:
    """Import what notebooks and checks use, and build the interpreter every notebook copies."""
    import IPython  # noqa: F401
    import matplotlib
    import numpy  # noqa: F401
    import sympy  # noqa: F401

    matplotlib.use("agg")
    import matplotlib.pyplot  # noqa: F401
    import torch

    torch.set_num_threads(1)
    # Imported for their effect only, before any student code: every fork starts with them
    # loaded. The zygote uses none of their names (tests/test_architecture.py).
    from calcrl_checks.cells import form  # noqa: F401
    from calcrl_checks.checks import autograd  # noqa: F401
    from calcrl_checks.crossing import wire  # noqa: F401
    from calcrl_checks.expressions import parsing  # noqa: F401
    from calcrl_checks.crossing import functions, tensor_facts  # noqa: F401
    from calcrl_checks.engine.sandbox import child  # noqa: F401
    from calcrl_checks.engine.sandbox.kernel import Kernel

    kernel = Kernel()
    kernel.enable_inline_figures()
    warm_caches()
    return kernel


def warm_caches() -> None:
    """Do here, once, the first-time work every notebook would otherwise repeat in its fork.

    A fresh fork draws its first figure, runs its first visible check and lambdifies its first
    expression slowly: modules imported on first use (contourpy, the visible checks, the numpy
    submodules sympy's ``lambdify`` pulls in, torch's tensor printing) and matplotlib's font
    and text-layout caches. Measured on the demo class, it cuts the CPU of a notebook's cells
    by 30 to 45%. No student code has run yet, and nothing is left behind that a notebook could see:
    the figure is closed, no global random generator is drawn from, and the kernel's
    namespace and execution count are untouched (``tests/test_engine.py`` checks all three).
    """
    import contextlib
    import io

    import matplotlib.pyplot as plt
    import numpy as np
    import sympy
    import torch
    from IPython.core.pylabtools import print_figure

    from calcrl_checks.cells import formative  # noqa: F401  (the visible checks)
    from calcrl_checks.checks import calculus, rl, scenarios  # noqa: F401

    figure, axes = plt.subplots()
    grid = np.linspace(-1.0, 1.0, 5)
    axes.contour(*np.meshgrid(grid, grid), np.add.outer(grid, grid), levels=3)
    axes.plot(grid, grid, label="$x^2$")
    axes.set(xlabel="x", title="warm-up")
    axes.legend()
    print_figure(figure, "png", bbox_inches="tight")
    plt.close("all")
    x, n = sympy.symbols("x n")
    sympy.lambdify(x, sympy.sin(x), "numpy")(0.5)
    with contextlib.redirect_stdout(io.StringIO()):
        formative.derivative(n * x ** (n - 1), "x**n", "x", symbols=["n", "x"],
                             domain={"x": (0.2, 3.0), "n": (-3.0, 3.0)})
    repr(torch.ones(1, requires_grad=True))


class Zygote:
    def __init__(self, control: Channel, fds: socket.socket, sandboxed: bool,
                 keep: list[str]):
        self.control = control
        self.fds = fds
        self.sandboxed = sandboxed
        self.keep = keep
        self.kernel: Any = None
        self.sessions: dict[int, int] = {}          # session -> pid of its notebook process
        self.folders: dict[int, str] = {}           # session -> work folder (unsandboxed only)
        self.ended: dict[int, int] = {}             # pid -> wait status

    def run(self) -> None:
        if self.sandboxed:
            isolation.not_dumpable()
        isolation.become_subreaper()
        self.kernel = preload()
        self.control.send({"ready": True, "vm_bytes": _vm_bytes(), "pid": os.getpid()})
        while True:
            self._reap()
            try:
                request = self.control.receive(deadline=time.monotonic() + 1.0)
            except ChannelTimeout:
                continue
            except ChannelError:
                return
            op = request.get("op")
            if op == "open":
                reply = self._open(request)
            elif op == "signal":
                reply = self._signal(request)
            elif op == "close":
                reply = self._close(request)
            else:
                reply = {"error": f"unknown request {op!r}"}
            reply["id"] = request.get("id")
            self.control.send(reply)

    def _open(self, request: dict[str, Any]) -> dict[str, Any]:
        _, descriptors, _, _ = socket.recv_fds(self.fds, 16, 1)
        if len(descriptors) != 1:
            return {"error": "no socket came with the request"}
        session_fd = descriptors[0]
        caps = isolation.Caps(**request["caps"])
        work = isolation.WORK if self.sandboxed else tempfile.mkdtemp(prefix="calcrl-notebook-")
        ready_read, ready_write = os.pipe()
        launcher = os.fork()
        if launcher == 0:
            self._launch(session_fd, caps, work, ready_write, request)
        os.close(ready_write)
        os.close(session_fd)
        pid = _read_pid(ready_read)
        os.close(ready_read)
        if pid is None:
            return {"error": "the notebook process did not start"}
        session = int(request["session"])
        self.sessions[session] = pid
        if not self.sandboxed:
            self.folders[session] = work
        return {"opened": session}

    def _launch(self, session_fd: int, caps: isolation.Caps, work: str, ready: int,
                request: dict[str, Any]) -> None:
        """In the fork: new namespaces, then the notebook process as their pid 1. Never returns."""
        try:
            self.control.close()
            self.fds.close()
            if self.sandboxed:
                isolation.set_dumpable()  # needed to write our own uid map; nothing to hide here
                isolation.new_namespaces()
            pid = os.fork()
            if pid == 0:
                _notebook(session_fd, caps, work, self.sandboxed, self.keep, self.kernel,
                          int(request["max_frame"]))
            os.write(ready, str(pid).encode())
        finally:
            os._exit(0)

    def _signal(self, request: dict[str, Any]) -> dict[str, Any]:
        pid = self.sessions.get(int(request.get("session", -1)))
        if pid is not None and pid not in self.ended:
            try:
                os.kill(pid, int(request.get("signal", signal.SIGKILL)))
            except ProcessLookupError:
                pass
        return {}

    def _close(self, request: dict[str, Any]) -> dict[str, Any]:
        session = int(request.get("session", -1))
        pid = self.sessions.pop(session, None)
        status = None
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 10
            while pid not in self.ended and time.monotonic() < deadline:
                self._reap()
                time.sleep(0.005)
            status = self.ended.pop(pid, None)
        folder = self.folders.pop(session, None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        return {"closed": session, "status": _describe_status(status)}

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.ended[pid] = status


def _notebook(session_fd: int, caps: isolation.Caps, work: str, sandboxed: bool,
              keep: list[str], kernel: Any, max_frame: int) -> None:
    """The notebook's process (pid 1 of its namespaces when sandboxed). Never returns.

    If setting it up fails, the reason goes to the grader as the first message.
    """
    try:
        if sandboxed:
            isolation.fresh_files(caps, keep)
        os.makedirs(work, exist_ok=True)
        with open("/proc/self/oom_score_adj", "w") as adjust:  # first to go, never the grader
            adjust.write("1000")
        os.environ["HOME"] = isolation.HOME if sandboxed else work
        os.environ["MPLCONFIGDIR"] = os.path.join(os.environ["HOME"], ".matplotlib")
        isolation.apply_limits(caps)
        if sandboxed:
            isolation.drop_privileges()
        _only_descriptor(session_fd)
        # loaded by the warm-up; only bound here
        from calcrl_checks.engine.sandbox.child import NotebookProcess

        sock = socket.socket(fileno=session_fd)
        os.chdir(work)
        sys.path.insert(0, "")
        NotebookProcess(Channel(sock, max_frame), kernel, work).serve()
    except BaseException as error:  # report, then end: the grader sees why
        with contextlib.suppress(Exception):
            reason = f"{type(error).__name__}: {error}"
            Channel(socket.socket(fileno=session_fd)).send({"startup_error": reason[:2000]})
    finally:
        os._exit(0)


def _only_descriptor(keep: int) -> None:
    """Close every descriptor but ``keep``; standard streams go to /dev/null."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, keep)
    os.closerange(keep + 1, 65536)


def _read_pid(fd: int) -> int | None:
    deadline = time.monotonic() + START_SECONDS
    data = b""
    while time.monotonic() < deadline:
        chunk = os.read(fd, 32)
        if not chunk:
            break
        data += chunk
    return int(data) if data.isdigit() else None


def _vm_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _describe_status(status: int | None) -> str:
    if status is None:
        return "unknown"
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit {os.WEXITSTATUS(status)}"


def main(argv: list[str]) -> None:
    control = Channel(socket.socket(fileno=int(argv[0])))
    fds = socket.socket(fileno=int(argv[1]))
    keep = json.loads(argv[3]) if len(argv) > 3 else []
    Zygote(control, fds, argv[2] == "sandbox", [str(path) for path in keep]).run()


if __name__ == "__main__":
    main(sys.argv[1:])
