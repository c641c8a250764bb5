"""``calcrl sandbox-check``: does the sandbox hold on this machine? Each guarantee, tried.

Every probe runs code in a real notebook process of the sandbox that tries to do what the
sandbox forbids (read the course, write the checker, reach the network, see grading markers,
fork or allocate without bound, leave a process behind) and reports whether it was stopped.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .bubblewrap import package_folder
from .host import Limits, Sandbox, Session


@dataclass
class ProbeResult:
    name: str
    passed: bool
    detail: str


def _fetch(session: Session, name: str) -> object:
    from ..wire import decode_value

    reply = session.request({"op": "fetch", "name": name}, seconds=30)
    return decode_value(reply["value"]) if "value" in reply else None


def _probe(session: Session, code: str, name: str = "result", seconds: float = 30) -> object:
    run = session.run(code, seconds)
    if run.status != "ok":
        return f"cell {run.status}: {run.reason}"
    return _fetch(session, name)


def _course_hidden(session: Session, course: Path) -> ProbeResult:
    code = (f"import os\nroot = {str(course)!r}\n"
            "result = sorted(os.listdir(root)) if os.path.isdir(root) else []")
    seen = _probe(session, code)
    allowed = {".venv", package_folder().name}
    leaked = [name for name in seen if name not in allowed] if isinstance(seen, list) else seen
    return ProbeResult("the course folder is not visible", not leaked,
                       f"visible there: {leaked}" if leaked else f"{course} shows nothing of the "
                       "course (no source/, release/, gradebook, submissions)")


def _read_only(session: Session, course: Path) -> ProbeResult:
    targets = [str(package_folder() / "notebook.py"), "/usr/bin/calcrl-probe", "/etc/calcrl",
               "/calcrl-probe"]
    code = ("written = []\n"
            f"for path in {targets!r}:\n"
            "    try:\n"
            "        open(path, 'a').write('# probe')\n"
            "        written.append(path)\n"
            "    except OSError:\n"
            "        pass\n"
            "result = written")
    written = _probe(session, code)
    return ProbeResult("the checker and the system are read-only", written == [],
                       f"could write: {written}" if written else "writes to the checker, /usr, "
                       "/etc and / were refused")


def _no_network(session: Session, course: Path) -> ProbeResult:
    code = ("import socket\nresult = []\n"
            "for host, port in [('1.1.1.1', 53), ('127.0.0.1', 22), ('10.0.0.1', 80)]:\n"
            "    s = socket.socket(); s.settimeout(1)\n"
            "    try:\n"
            "        s.connect((host, port)); result.append(f'{host}:{port}')\n"
            "    except OSError:\n"
            "        pass\n"
            "    finally:\n"
            "        s.close()\n"
            "result.extend(name for _, name in socket.if_nameindex() if name != 'lo')")
    reached = _probe(session, code)
    return ProbeResult("there is no network", reached == [],
                       f"reached: {reached}" if reached else "only a loopback device, with "
                       "nothing listening")


def _no_markers(session: Session, course: Path) -> ProbeResult:
    seen = _probe(session, "import os\nresult = sorted(k for k in os.environ if 'NBGRADER' in k"
                           " or 'JUPYTER' in k or 'CALCRL' in k)")
    return ProbeResult("grading markers are not visible", seen == [],
                       f"visible: {seen}" if seen else "no NBGRADER_*, JUPYTER_* or CALCRL_* "
                       "variables inside")


def _process_cap(session: Session, course: Path) -> ProbeResult:
    limit = session.limits.processes
    code = ("import os, time\nkids = []\n"
            f"for _ in range({limit * 2}):\n"
            "    try:\n"
            "        pid = os.fork()\n"
            "    except OSError:\n"
            "        break\n"
            "    if pid == 0:\n"
            "        time.sleep(30); os._exit(0)\n"
            "    kids.append(pid)\n"
            "result = len(kids)")
    started = _probe(session, code)
    ok = isinstance(started, int) and started < limit
    return ProbeResult(f"a notebook runs at most {limit} processes", ok,
                       f"it started {started} of {limit * 2} asked for")


def _memory_cap(session: Session, course: Path) -> ProbeResult:
    megabytes = session.limits.memory_mb
    alive = _probe(session, "result = 'running'")
    if alive != "running":
        return ProbeResult(f"a notebook gets at most {megabytes} MiB", False,
                           f"the notebook did not run: {alive}")
    code = ("import numpy as np\n"
            "try:\n"
            f"    block = np.ones({megabytes + 512} * 2**20, dtype=np.uint8)\n"
            "    result = 'allocated'\n"
            "except MemoryError:\n"
            "    result = 'refused'")
    outcome = _probe(session, code)
    ok = outcome == "refused" or (isinstance(outcome, str) and "ended" in outcome)
    return ProbeResult(f"a notebook gets at most {megabytes} MiB", ok,
                       f"allocating {megabytes + 512} MiB was {outcome}")


def _nothing_outlives(sandbox: Sandbox, limits: Limits) -> ProbeResult:
    marker = f"calcrl-probe-{os.getpid()}-{time.monotonic_ns()}"
    with sandbox.open(limits) as session:
        session.run("import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', "
                    f"'import time; time.sleep(300)', {marker!r}], start_new_session=True)\n",
                    30)
        time.sleep(0.3)
        before = processes_named(marker)
    time.sleep(0.5)
    after = processes_named(marker)
    ok = bool(before) and not after
    return ProbeResult("nothing a notebook started outlives it", ok,
                       f"a setsid process was {'seen' if before else 'not seen'} while the "
                       f"notebook ran and {'is still running' if after else 'is gone'} after")


def processes_named(marker: str) -> list[int]:
    """Pids of every process on this machine whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


PROBES: list[Callable[[Session, Path], ProbeResult]] = [
    _course_hidden, _read_only, _no_network, _no_markers, _process_cap, _memory_cap]


def check_sandbox(course: Path, limits: Limits | None = None) -> list[ProbeResult]:
    """Start a sandbox here and try each guarantee; one result per probe."""
    limits = limits or Limits(cell_seconds=60)
    sandbox = Sandbox()
    sandbox.start()
    try:
        results = [ProbeResult("bubblewrap starts the sandbox", True,
                               "caps: " + ("one cgroup for all of a notebook's processes"
                                           if sandbox.cgroup else
                                           "per process (no writable cgroup: memory is capped "
                                           "for each process, not their total)"))]
        for probe in PROBES:
            with sandbox.open(limits) as session:
                results.append(probe(session, course))
        results.append(_nothing_outlives(sandbox, limits))
        return results
    finally:
        sandbox.stop()
