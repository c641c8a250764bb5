"""Grading at scale: warm graders keep nothing between notebooks or students, and a real Dask
scheduler with two workers grades the demo class to the same table as the local pool."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import course
from attacks import Q10, RIGHT_DF
from calcrl_checks.instructor.demo.class_submissions import demo_students, write_submissions
from conftest import calcrl, course_copy
from processes import assert_gone, cmdline, process_tree, start_calcrl

pytestmark = pytest.mark.course

Q08 = "q08_power_rule.ipynb"
#: Leaves state behind everywhere a later notebook of the same grader could look.
_LITTER = ("import builtins, os, sys, threading, time, numpy, sympy\n"
           "builtins.leftover = 'from an earlier notebook'\n"
           "numpy.pi = 3.0\n"
           "sympy.diff = lambda *a, **k: 0\n"
           "sys.modules['leftover_module'] = sys\n"
           "os.environ['LEFTOVER'] = '1'\n"
           "for folder in ('.', '/tmp', os.path.expanduser('~')):\n"
           "    open(os.path.join(folder, 'leftover.txt'), 'w').write('x')\n"
           "threading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n")


def _look(answer: str, right: int, wrong: int) -> str:
    """Sets ``answer`` to its right value only when none of that litter is visible."""
    return ("import builtins, os, sys, threading, numpy, sympy\n"
            "seen = [hasattr(builtins, 'leftover'), numpy.pi != 3.141592653589793,\n"
            "        'leftover_module' in sys.modules, 'LEFTOVER' in os.environ,\n"
            "        any(os.path.exists(os.path.join(f, 'leftover.txt'))\n"
            "            for f in ('.', '/tmp', os.path.expanduser('~'))),\n"
            "        threading.active_count() > 1,\n"
            "        sympy.diff(sympy.Symbol('x') ** 2, sympy.Symbol('x')) == 0]\n"
            f"{answer} = {right} if not any(seen) else {wrong}\n")


def test_a_notebook_or_student_never_sees_what_an_earlier_one_left(tmp_path):
    """One warm grader, in order: a-litters leaves state in both its notebooks, b-looks
    checks for it in both of its own (and would lose a point for anything it sees)."""
    root = course.new_course(tmp_path / "course")
    course.submit(root, "a-litters", Q10, {"q10-df": RIGHT_DF,
                                           "q10-df-at-0": _LITTER + "df_at_0 = 6\n"})
    course.submit(root, "a-litters", Q08, {"q08-df": "df = 3 * x**2 + 2",
                                           "q08-df-at-2": _LITTER + "df_at_2 = 14\n"})
    course.submit(root, "b-looks", Q10, {"q10-df": RIGHT_DF,
                                         "q10-df-at-0": _look("df_at_0", 6, 5)})
    course.submit(root, "b-looks", Q08, {"q08-df": "df = 3 * x**2 + 2",
                                         "q08-df-at-2": _look("df_at_2", 14, 1)})
    result = calcrl(root, "autograde", course.ASSIGNMENT, "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    looked = course.scores(root, "b-looks")
    assert looked["q10-df-at-0-test"] == 1 and looked["q08-df-at-2-test"] == 1, looked
    littered = course.scores(root, "a-litters")
    assert littered["q10-df-at-0-test"] == 1 and littered["q08-df-at-2-test"] == 1, littered


def test_ctrl_c_stops_the_students_being_graded_on_dask_workers(tmp_path):
    """Dask cannot interrupt a running task: on Ctrl-C, calcrl kills the worker's grader that
    is grading one of its students, so nothing keeps grading for a run that has ended."""
    root = course.new_course(tmp_path / "course")
    for student in ("sleepy-1", "sleepy-2", "sleepy-3"):
        course.submit(root, student, Q10, {"q10-df": "import time\ntime.sleep(120)\n"
                                           + RIGHT_DF})
    with dask_cluster(2) as address:
        run = start_calcrl(root, "autograde", course.ASSIGNMENT, "--scheduler", address)
        graders = _graders_at_work(2)
        os.killpg(run.pid, signal.SIGINT)
        out, err = run.communicate(timeout=60)
        assert run.returncode == 130, out + err
        assert "3 not graded." in out, out
        assert_gone(graders, seconds=15)
        assert not [folder for pid in graders for folder in _scratch_of(pid)]


def _no_bubblewrap() -> dict[str, str]:
    """An environment in which the sandbox cannot start: no `bwrap` on PATH."""
    return {**course.nbgrader_env(), "PATH": str(Path(sys.executable).parent)}


@pytest.mark.parametrize("unable", [1, 2])
def test_a_dask_worker_that_cannot_sandbox_refuses_and_its_students_go_elsewhere(tmp_path,
                                                                                 unable):
    root = course.new_course(tmp_path / "course")
    students = [f"s{number}" for number in range(4)]
    for student in students:
        course.submit(root, student, Q10, {"q10-df": RIGHT_DF})
    envs = [_no_bubblewrap()] * unable + [course.nbgrader_env()] * (2 - unable)
    with dask_cluster(2, envs) as address:
        started = time.monotonic()
        result = calcrl(root, "autograde", course.ASSIGNMENT, "--scheduler", address)
        seconds = time.monotonic() - started
    lines = [line for line in result.stdout.splitlines() if line.startswith(("s", " "))]
    if unable == 1:
        assert result.returncode == 0, result.stdout + result.stderr
        assert all(course.scores(root, s)["q10-df-test"] == 3 for s in students)
        assert "refused to grade (cannot sandbox" in result.stdout, result.stdout
    else:  # nobody can grade: every student says why, at once, and the run ends
        assert result.returncode == 1, result.stdout + result.stderr
        assert sum("no Dask worker can sandbox" in line and "bubblewrap" in line.lower()
                   for line in lines) == len(students), result.stdout
        assert seconds < 120
    assert "Traceback" not in result.stdout + result.stderr


def test_a_dask_worker_killed_mid_student_gets_them_graded_elsewhere(tmp_path):
    root = course.new_course(tmp_path / "course")
    students = ("slow-1", "slow-2", "slow-3")
    for student in students:
        course.submit(root, student, Q10, {"q10-df": "import time\ntime.sleep(8)\n"
                                           + RIGHT_DF})
    with dask_cluster(2) as address:
        run = start_calcrl(root, "autograde", course.ASSIGNMENT, "--scheduler", address)
        worker = _parent(min(_graders_at_work(1)))  # the worker process (its nanny's child)
        assert "dask_worker" in cmdline(_parent(worker)), cmdline(_parent(worker))
        os.kill(worker, signal.SIGKILL)
        out, err = run.communicate(timeout=600)
    assert run.returncode == 0, out + err
    assert all(course.scores(root, s)["q10-df-test"] == 3 for s in students), out


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _graders_at_work(count: int, seconds: float = 180) -> set[int]:
    """Wait until ``count`` warm graders are grading (each has its private course folder,
    ``calcrl-grade-PID-*``); their pids. Each grades a sleepy student then, for minutes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        busy = {pid for pid in process_tree(1)
                if "calcrl_checks.instructor.grading.warm" in cmdline(pid) and _scratch_of(pid)}
        if len(busy) >= count:
            return busy
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} graders started grading")


def _scratch_of(pid: int) -> list[Path]:
    return [folder for base in (Path("/dev/shm"), Path("/tmp"))
            for folder in base.glob(f"calcrl-grade-{pid}-*")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def dask_cluster(workers: int = 2, worker_env: list[dict[str, str]] | None = None):
    """A real `dask scheduler` and `dask worker` processes on 127.0.0.1 (``worker_env``: each
    worker's environment, when they differ)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = course.nbgrader_env()
    started = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                                 "--host", "127.0.0.1", "--port", str(port),
                                 "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)]
    try:
        _wait_for_port(port)
        for number in range(workers):
            started.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads",
                 "1", "--no-dashboard", "--memory-limit", "0"],
                env=worker_env[number] if worker_env else env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait_for_workers(address, workers)
        yield address
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"the Dask scheduler did not listen on port {port}")


def _wait_for_workers(address: str, count: int, seconds: float = 120) -> None:
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(count, timeout=seconds)


@pytest.fixture(scope="module")
def dask_graded(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("dask") / "course")
    course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
    write_submissions(root, demo_students())
    with dask_cluster(2) as address:
        result = calcrl(root, "autograde", course.ASSIGNMENT, "--scheduler", address)
    return root, result


def test_dask_workers_grade_the_demo_class_to_the_same_grades_as_the_local_pool(
        graded_class, dask_graded):
    root, result = dask_graded
    assert "9 submissions" in result.stdout, result.stdout + result.stderr
    for student in demo_students():
        assert course.scores(root, student.name) == \
            course.scores(graded_class.root, student.name), student.name


def test_dask_grading_writes_the_same_graded_notebooks_and_report(graded_class, dask_graded):
    root, _ = dask_graded
    for student in ("perfect", "mistakes01", "loop"):
        ours = sorted(p.name for p in (root / "autograded" / student / course.ASSIGNMENT)
                      .glob("*.ipynb"))
        theirs = sorted(p.name for p in (graded_class.root / "autograded" / student /
                                         course.ASSIGNMENT).glob("*.ipynb"))
        assert ours == theirs and len(ours) == 16 - (student == "corrupt")
    report = calcrl(root, "report", course.ASSIGNMENT)
    assert report.returncode == 0, report.stderr
    assert Path(root / "reports" / "calculus" / "report.html").exists()
    assert os.environ.get("DASK_SCHEDULER_ADDRESS") is None
