"""A PostgreSQL gradebook shared by two graders grading at once: Debian's PostgreSQL, started
here on a free 127.0.0.1 port (initdb + pg_ctl), as the README tells instructors to set up."""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import course
from calcrl_checks.instructor.demo.class_submissions import demo_students, write_submissions
from conftest import course_copy

pytestmark = pytest.mark.course

ROLE = "calcrl"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, "PostgreSQL is not installed: sudo apt-get install postgresql (.ci/run does)"
    return found[-1]


def _as_server_user(command: list[str]) -> list[str]:
    """initdb and the server refuse to run as root; as root, run them as `postgres`."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def postgres_server():
    """A private server: its own data folder, a free port on 127.0.0.1, trust auth.

    The folder is made under /tmp (not pytest's, which only root may enter), since as root the
    server runs as `postgres`.
    """
    with tempfile.TemporaryDirectory(prefix="calcrl-pg-") as scratch:
        yield from _serve(Path(scratch))


def _serve(folder: Path):
    data, sockets = folder / "data", folder / "sockets"
    for path in (folder, data, sockets):
        path.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(path, owner.pw_uid, owner.pw_gid)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    subprocess.run(_as_server_user([_bin("initdb"), "-D", str(data), "-U", ROLE,
                                    "--auth=trust", "-E", "UTF8"]), **run)
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", str(data), "-o", options, "-l",
                                    str(folder / "server.log"), "-w", "start"]), **run)
    try:
        subprocess.run([_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", ROLE,
                        "gradebook"], **run)
        yield f"postgresql://{ROLE}@127.0.0.1:{port}/gradebook"
    finally:
        subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                                        "stop"]), capture_output=True, timeout=120)


def _grades(db_url: str, students: list[str]) -> dict[str, dict[str, float | None]]:
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(db_url, "calcrl") as gradebook:
        for student in students:
            submission = gradebook.find_submission(course.ASSIGNMENT, student)
            found[student] = {g.name: g.score for nb in submission.notebooks for g in nb.grades}
    return found


def test_two_graders_at_once_into_postgresql_give_the_sqlite_grades(graded_class, tmp_path):
    students = [s.name for s in demo_students()]
    with postgres_server() as db_url:
        graders = []
        for name in ("ta1", "ta2"):
            root = course_copy(tmp_path / name)
            with (root / "nbgrader_config.py").open("a") as config:
                config.write(f"\nc.CourseDirectory.db_url = {db_url!r}\n")
            write_submissions(root, demo_students())
            graders.append(root)
        course.nbgrader(graders[0], "generate_assignment", course.ASSIGNMENT, "--force")
        halves = ("[a-m]*", "[n-z]*")
        running = [subprocess.Popen([sys.executable, "-m", "calcrl_checks.instructor.command.cli",
                                     "autograde", course.ASSIGNMENT, "--student", half,
                                     "--jobs", "1"], cwd=root, env=course.nbgrader_env(),
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True)
                   for root, half in zip(graders, halves)]
        outputs = [process.communicate(timeout=1800)[0] for process in running]
        for output in outputs:
            assert "graded" in output, output[-3000:]
        in_postgres = _grades(db_url, students)
    in_sqlite = _grades(f"sqlite:///{graded_class.root / 'gradebook.db'}", students)
    assert in_postgres == in_sqlite


def test_ta_grades_outlive_a_lost_postgresql_gradebook(tmp_path):
    """The database dropped and made again: the documented recovery brings every TA grade
    back from the course's journal, although db_url is set below the journal's line."""
    from attacks import Q10, RIGHT_DF
    from conftest import calcrl

    with postgres_server() as db_url:
        root = tmp_path / "course"
        root.mkdir()
        (root / "nbgrader_config.py").write_text(
            (course.REPO / "nbgrader_config.py").read_text() +
            f"\nc.CourseDirectory.db_url = {db_url!r}\n")
        shutil.copytree(course.REPO / "source", root / "source")
        course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
        course.submit(root, "ana", Q10, {"q10-df": RIGHT_DF})
        course.submit(root, "ben", Q10, {"q10-df": "df = 3 * (2 * x + 1) ** 2"})
        assert calcrl(root, "autograde", course.ASSIGNMENT).returncode == 0
        notebook = Q10.removesuffix(".ipynb")
        course.give_ta_grades(root, f"ana|{notebook}|manual_comment|Neat work",
                              f"ben|{notebook}|manual_score|2",
                              f"ben|{notebook}|extra_credit|0.5")
        given = course.ta_work(db_url)
        assert len(given) == 2
        server = db_url.rsplit("/", 1)[0].removeprefix("postgresql://")
        user, host_port = server.split("@")
        host, port = host_port.split(":")
        for tool in ("dropdb", "createdb"):
            subprocess.run([_bin(tool), "-h", host, "-p", port, "-U", user, "gradebook"],
                           check=True, capture_output=True, timeout=120)
        course.nbgrader(root, "generate_assignment", course.ASSIGNMENT, "--force")
        again = calcrl(root, "autograde", course.ASSIGNMENT)
        assert again.returncode == 0, again.stdout + again.stderr
        assert course.ta_work(db_url) == given
        assert "2 TA grade(s)" in again.stdout and "1 TA grade(s)" in again.stdout, again.stdout
