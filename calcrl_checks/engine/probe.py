"""``calcrl sandbox-check``: does the sandbox hold on this machine? Each guarantee, tried.

Every probe runs code in a real notebook process of the sandbox that tries to do what the
sandbox forbids (read the course, write the checker, reach the network, see grading markers,
fork or allocate without bound, leave a process behind) and reports whether it was stopped.

It checks what ``calcrl autograde`` started here would start: its graders are ``python -m``
processes in the current folder, which may import another copy of ``calcrl_checks`` than the
``calcrl`` command itself (a course folder holding its own ``calcrl_checks/``, graded with
another checkout's virtual environment). Then the check runs in that copy
(``python -m calcrl_checks.engine.probe``), and says which copy was found where.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from calcrl_checks.engine.sandbox import boot
from calcrl_checks.engine.bubblewrap import (SandboxUnavailable, environment_paths, package_folder,
    sandbox_package)
from calcrl_checks.engine.host import Limits, Sandbox, Session


@dataclass
class ProbeResult:
    name: str
    passed: bool
    detail: str


def _fetch(session: Session, name: str) -> object:
    # sympy loads only when a probe runs, not with the CLI
    from calcrl_checks.crossing.wire import decode_value

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
    allowed = {path.relative_to(course).parts[0] for path in environment_paths()
               if path.is_relative_to(course) and path != course}  # a .venv in the course
    leaked = [name for name in seen if name not in allowed] if isinstance(seen, list) else seen
    return ProbeResult("the course folder is not visible", not leaked,
                       f"visible there: {leaked}" if leaked else f"{course} shows nothing of the "
                       "course (no source/, release/, gradebook, submissions)")


def _read_only(session: Session, course: Path) -> ProbeResult:
    targets = [str(sandbox_package() / "notebook.py"), str(sandbox_package().parent / "x.py"),
               str(package_folder() / "notebook.py"), "/usr/bin/calcrl-probe", "/etc/calcrl",
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


def _same_checker(session: Session, course: Path) -> ProbeResult:
    folder = package_folder()
    expected = boot.fingerprint(str(folder))
    found, how = boot.locate()
    how = how if found == str(folder) else "imported by this process"
    code = ("import os, calcrl_checks\nfrom calcrl_checks.engine.sandbox.boot import fingerprint\n"
            "where = os.path.dirname(calcrl_checks.__file__)\n"
            "result = [where, fingerprint(where)]")
    seen = _probe(session, code)
    name = "the sandbox runs the checker the grader runs"
    if not (isinstance(seen, list) and len(seen) == 2):
        return ProbeResult(name, False, f"the sandbox could not say which calcrl_checks it "
                                        f"runs: {seen}")
    where, files = seen
    if files != expected:
        return ProbeResult(name, False, f"the grader runs calcrl_checks from {folder} (found "
                                        f"through {how}, files sha256 {expected[:12]}), the "
                                        f"sandbox runs it from {where} (files sha256 "
                                        f"{str(files)[:12]})")
    return ProbeResult(name, True, f"calcrl_checks from {folder} (found through {how}), seen "
                                   f"in the sandbox at {where}: the same files (sha256 "
                                   f"{expected[:12]})")


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
    _same_checker, _course_hidden, _read_only, _no_network, _no_markers, _process_cap,
    _memory_cap]
_COPY = "sandbox-check runs the checker autograde runs"


def grader_copy() -> tuple[str | None, str]:
    """The ``calcrl_checks`` folder a grader started here imports, and how it finds it.

    ``calcrl autograde`` starts each grader as ``python -m calcrl_checks.instructor.grading.warm``
    (``warm.py``), with this interpreter, folder and environment: asked the same way.
    """
    script = "import runpy, sys; print(runpy.run_path(sys.argv[1])['locate_json']())"
    done = subprocess.run([sys.executable, "-c", script, boot.__file__], capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0:
        return None, f"`{sys.executable} -c` failed: {done.stderr.strip()[-1000:]}"
    found, how = json.loads(done.stdout)
    return found, how


def check_sandbox(course: Path, limits: Limits | None = None) -> list[ProbeResult]:
    """Start the sandbox ``calcrl autograde`` would start here and try each guarantee; one
    result per probe."""
    limits = limits or Limits(cell_seconds=60)
    found, how = grader_copy()
    ours = str(package_folder())
    if found is None:
        return [ProbeResult(_COPY, False, f"a grader started here finds no calcrl_checks: {how}"
                                          f"; this command runs {ours}")]
    if found == ours:
        return _check_here(course, limits)
    mine, my_how = boot.locate()
    my_how = my_how if mine == ours else "imported by this process"
    note = (f"`calcrl autograde` started here grades with calcrl_checks from {found} (found "
            f"through {how}), not with this command's {ours} (found through {my_how}): the "
            f"checks below ran with {found}")
    return [ProbeResult(_COPY, True, note)] + _check_in_copy(found, course, limits)


def _check_in_copy(found: str, course: Path, limits: Limits) -> list[ProbeResult]:
    """The checks, run in a process that imports calcrl_checks as a grader started here does."""
    done = subprocess.run([sys.executable, "-m", "calcrl_checks.engine.probe", str(course),
                           json.dumps(asdict(limits))], capture_output=True, text=True,
                          timeout=1800)
    try:
        reply = json.loads(done.stdout.strip().splitlines()[-1])
        if "unavailable" not in reply:
            return [ProbeResult(**result) for result in reply["results"]]
    except (ValueError, IndexError, KeyError, TypeError):
        return [ProbeResult(_COPY, False, f"`python -m calcrl_checks.engine.probe` with "
                                          f"{found} failed (exit {done.returncode}): "
                                          f"{done.stderr.strip()[-1500:]}")]
    raise SandboxUnavailable(reply["unavailable"])


def _check_here(course: Path, limits: Limits) -> list[ProbeResult]:
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


def main(argv: list[str]) -> None:
    """``python -m calcrl_checks.engine.probe COURSE [LIMITS]``: the checks, as JSON."""
    limits = Limits(**json.loads(argv[1])) if len(argv) > 1 else Limits(cell_seconds=60)
    try:
        reply: dict[str, object] = {"results": [asdict(result) for result in
                                                _check_here(Path(argv[0]), limits)]}
    except SandboxUnavailable as error:
        reply = {"unavailable": str(error)}
    print(json.dumps(reply))


if __name__ == "__main__":
    main(sys.argv[1:])
