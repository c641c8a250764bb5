"""Nothing lost, whatever happens during a class run: faults injected into real `calcrl` runs.

A small course (two notebooks, three students) is graded once cleanly; each test copies it,
injects one fault (a killed parent or worker, Ctrl-C, a second run, a locked, deleted or
damaged gradebook, broken or hostile submissions) and checks that the final grades equal the
clean run's and that nothing is left behind: no process of the run, no staging folder, no
half-replaced graded folder.
"""
from __future__ import annotations

import csv
import errno
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from unittest.mock import ANY

import course
from conftest import calcrl
from processes import assert_gone, cmdline, process_tree, start_calcrl

pytestmark = pytest.mark.course


A = course.ASSIGNMENT
NOTEBOOKS = ("q08_power_rule.ipynb", "q10_chain_rule_power.ipynb")
CORRECT = "ana"


def _solutions(notebook: str) -> dict[str, str]:
    """The source's answer cells with the solution markers removed."""
    source = course.load(course.REPO / "source" / A / notebook)
    answers = {}
    for cell in source["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            text = "".join(cell["source"])
            answers[meta["grade_id"]] = "\n".join(
                line for line in text.splitlines() if "SOLUTION" not in line)
    return answers


def _submit_correct(root: Path, student: str, **changes: str) -> None:
    for notebook in NOTEBOOKS:
        answers = _solutions(notebook)
        answers.update({k: v for k, v in changes.items() if k in answers})
        course.submit(root, student, notebook, answers)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A course of two notebooks, generated, with three submissions and nothing graded."""
    root = tmp_path_factory.mktemp("faults") / "course"
    (root / "source" / A).mkdir(parents=True)
    shutil.copy(course.REPO / "nbgrader_config.py", root)
    for notebook in NOTEBOOKS:
        shutil.copy(course.REPO / "source" / A / notebook, root / "source" / A)
    course.nbgrader(root, "generate_assignment", A, "--force")
    _submit_correct(root, CORRECT)
    _submit_correct(root, "ben", **{"q10-df": "df = 3 * (2 * x + 1) ** 2"})
    for notebook in NOTEBOOKS:
        course.submit(root, "cy", notebook)
    return root


@pytest.fixture(scope="module")
def clean(base, tmp_path_factory) -> dict[str, dict]:
    """Every student's scores after an undisturbed run."""
    root = _copy(base, tmp_path_factory.mktemp("clean"))
    run = calcrl(root, "autograde", A)
    assert run.returncode == 0, run.stdout + run.stderr
    return _grades(root)


def _copy(base: Path, where: Path) -> Path:
    root = where / "course"
    shutil.copytree(base, root, symlinks=True)
    return root


def _grades(root: Path) -> dict[str, dict]:
    students = sorted(p.name for p in (root / "submitted").iterdir())
    found = {}
    for student in students:
        try:
            found[student] = course.scores(root, student)
        except Exception:  # MissingEntry: no gradebook row
            found[student] = None
    return found


def _wait_for_grading(run: subprocess.Popen, seconds: float = 120) -> set[int]:
    """Wait until a notebook runs in a sandbox; return the run's processes then."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert run.poll() is None, run.communicate()
        family = process_tree(run.pid)
        # the preflight's short bwrap (`... -- true`) comes before any grading: not that one
        if any("bwrap" in cmdline(pid) and not cmdline(pid).strip().endswith("-- true")
               for pid in family):
            return family
        time.sleep(0.1)
    raise AssertionError("grading never started")


def _assert_nothing_left(root: Path, pids: set[int] = frozenset()) -> None:
    half_done = [p for p in (root / "autograded").glob("*/.*") if "calcrl-" in p.name]
    assert not half_done
    staged = [p for base in (Path("/dev/shm"), Path("/tmp")) for pid in pids
              for p in base.glob(f"calcrl-grade-{pid}-*")]
    assert not staged


def _graded_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted((root / "autograded").rglob("*")) if p.is_file()}


def test_kill_9_of_the_parent_leaves_nothing_and_a_rerun_grades_as_cleanly(base, clean,
                                                                            tmp_path):
    root = _copy(base, tmp_path)
    run = start_calcrl(root, "autograde", A, "--jobs", "2")
    family = _wait_for_grading(run)
    run.kill()
    run.communicate()
    assert_gone(family)
    again = calcrl(root, "autograde", A)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _grades(root) == clean
    _assert_nothing_left(root, family)


def test_ctrl_c_stops_soon_says_what_was_graded_and_a_rerun_finishes(base, clean, tmp_path):
    root = _copy(base, tmp_path)
    run = start_calcrl(root, "autograde", A, "--jobs", "1")
    family = _wait_for_grading(run)
    os.killpg(run.pid, signal.SIGINT)
    stopped = time.monotonic()
    out, err = run.communicate(timeout=60)
    assert time.monotonic() - stopped < 10
    assert run.returncode == 130, out + err
    assert "not graded" in out and "Interrupted" in err
    assert "Traceback" not in err
    assert_gone(family)
    _assert_nothing_left(root, family)
    again = calcrl(root, "autograde", A)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _grades(root) == clean


def test_a_killed_worker_is_replaced_and_its_student_graded(base, clean, tmp_path):
    root = _copy(base, tmp_path)
    run = start_calcrl(root, "autograde", A, "--jobs", "2")
    family = _wait_for_grading(run)
    workers = [pid for pid in family if "calcrl_checks.instructor.grading.warm" in cmdline(pid)]
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, out + err
    assert _grades(root) == clean
    _assert_nothing_left(root, family)


def test_a_second_run_is_refused_naming_the_first_and_the_first_finishes(base, clean, tmp_path):
    root = _copy(base, tmp_path)
    first = start_calcrl(root, "autograde", A)
    _wait_for_grading(first)
    second = calcrl(root, "autograde", A)
    assert second.returncode == 75
    assert f"pid {first.pid}" in second.stderr and "calcrl autograde calculus" in second.stderr
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, out + err
    assert _grades(root) == clean
    feedback = calcrl(root, "feedback", A)  # the lock is free again
    assert feedback.returncode == 0, feedback.stdout + feedback.stderr


def test_ctrl_c_outside_grading_exits_130_without_a_traceback(base, tmp_path):
    root = _copy(base, tmp_path)
    run = start_calcrl(root, "report", A)
    deadline = time.monotonic() + 120
    while not any("nbgrader" in cmdline(pid) and "export" in cmdline(pid)
                  for pid in process_tree(run.pid)):
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.05)
    family = process_tree(run.pid)
    os.killpg(run.pid, signal.SIGINT)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 130, out + err
    assert "report interrupted; run the same command again" in err and "Traceback" not in err
    assert_gone(family)


def test_specs_write_waits_for_a_running_command(tmp_path):
    from calcrl_checks.instructor.grading.lock import course_lock

    with course_lock(tmp_path, "autograde calculus"):
        refused = calcrl(tmp_path, "specs", "--write")
    assert refused.returncode == 75, refused.stdout + refused.stderr
    assert "autograde calculus" in refused.stderr and not (tmp_path / "release").exists()


def test_a_gradebook_locked_for_60_seconds_is_waited_for(base, clean, tmp_path):
    root = _copy(base, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "db.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(60)\n"
         "db.execute('COMMIT')", str(root / "gradebook.db")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    run = calcrl(root, "autograde", A)
    holder.wait(timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert _grades(root) == clean


@pytest.mark.parametrize("damage", ["deleted", "truncated"])
def test_a_lost_or_damaged_gradebook_is_refused_before_any_work_and_recovered(
        base, clean, tmp_path, damage):
    root = _copy(base, tmp_path)
    assert calcrl(root, "autograde", A).returncode == 0
    graded = _graded_bytes(root)
    gradebook = root / "gradebook.db"
    if damage == "deleted":
        gradebook.unlink()
    else:
        gradebook.write_bytes(gradebook.read_bytes()[:len(gradebook.read_bytes()) // 2])
    for attempt in (("autograde", A), ("autograde", A, "--force")):
        refused = calcrl(root, *attempt)
        assert refused.returncode == 2
        assert ("missing" if damage == "deleted" else "damaged") in refused.stderr
        assert "generate_assignment" in refused.stderr and "Traceback" not in refused.stderr
        assert _graded_bytes(root) == graded  # the last copy of every grade is kept
    if damage == "truncated":
        gradebook.rename(root / "gradebook.db.damaged")
    course.nbgrader(root, "generate_assignment", A, "--force")
    again = calcrl(root, "autograde", A)
    assert again.returncode == 0, again.stdout + again.stderr
    statuses = {line.split()[0]: line.split()[-1] for line in again.stdout.splitlines()
                if line.split() and line.split()[0] in clean}
    assert statuses == {student: "graded" for student in clean}  # never "up to date"
    assert _grades(root) == clean
    _assert_nothing_left(root)


@pytest.mark.parametrize("damage, recovery", [("deleted", "regenerate"),
                                              ("truncated", "regenerate"),
                                              ("deleted", "restore")])
def test_ta_grades_and_comments_outlive_a_lost_gradebook(base, clean, tmp_path, damage,
                                                         recovery):
    root = _copy(base, tmp_path)
    assert calcrl(root, "autograde", A).returncode == 0
    course.give_ta_grades(root, "ana|q08_power_rule|manual_score|0.5",
                    "ana|q08_power_rule|manual_comment|Checked by hand: see <b>me</b>",
                    "ben|q10_chain_rule_power|extra_credit|1")
    backup = calcrl(root, "backup")
    assert backup.returncode == 0, backup.stderr
    # given after the backup: only the journal has these
    course.give_ta_grades(root, "ben|q10_chain_rule_power|manual_score|2",
                    "cy|q08_power_rule|manual_comment|Please try again")
    given = course.ta_work(f"sqlite:///{root / 'gradebook.db'}")
    assert len(given) == 4  # ben's score and extra credit are on one grade
    journal = [json.loads(line) for line in
               (root / ".calcrl-manual" / "grades.jsonl").read_text().splitlines()]
    assert len(journal) == 5 and all(entry["author"] and entry["time"] for entry in journal)
    gradebook = root / "gradebook.db"
    if damage == "deleted":
        gradebook.unlink()
    else:
        gradebook.write_bytes(gradebook.read_bytes()[:len(gradebook.read_bytes()) // 2])
    refused = calcrl(root, "autograde", A)
    assert refused.returncode == 2 and "calcrl restore .calcrl-backups/" in refused.stderr
    assert ".calcrl-manual/grades.jsonl" in refused.stderr
    if recovery == "restore":
        copy = sorted((root / ".calcrl-backups").glob("gradebook-*.db"))[-1]
        restored = calcrl(root, "restore", str(copy))
        assert restored.returncode == 0, restored.stderr
        assert "restored from the journal: 2" in restored.stdout
        again = calcrl(root, "autograde", A, "--force")
    else:
        if damage == "truncated":
            gradebook.rename(root / "gradebook.db.damaged")
        course.nbgrader(root, "generate_assignment", A, "--force")
        again = calcrl(root, "autograde", A)
    assert again.returncode == 0, again.stdout + again.stderr
    assert course.ta_work(f"sqlite:///{root / 'gradebook.db'}") == given
    counts = {student: int(n) for student, n in re.findall(
        r"(?m)^(\w+)\b.*(?:\n\s+- .*)*?\n\s+- (\d+) TA grade", again.stdout)}
    if recovery == "regenerate":
        assert counts == {"ana": 2, "ben": 2, "cy": 1}, again.stdout
    else:
        assert counts == {}, again.stdout  # the restore put every one back already
    graded = {student: sum(v or 0 for v in scores.values())
              for student, scores in _grades(root).items()}
    expected = {student: sum(v or 0 for v in scores.values())
                for student, scores in clean.items()}
    assert graded != expected  # the TA's points count again
    _assert_nothing_left(root)


def test_the_journal_never_overrides_the_gradebook_and_survives_a_torn_line(base, clean,
                                                                           tmp_path):
    from nbgrader.api import Gradebook

    from calcrl_checks.instructor.grading.manual_grades import restore_manual_grades

    root = _copy(base, tmp_path)
    assert calcrl(root, "autograde", A).returncode == 0
    course.give_ta_grades(root, "ana|q08_power_rule|manual_score|0.5")
    journal = root / ".calcrl-manual" / "grades.jsonl"
    with journal.open("a") as torn:
        torn.write('{"course": "calcrl", "student": "ana", "noteb')  # a crash mid-write
    course.give_ta_grades(root, "ben|q08_power_rule|manual_score|1")
    db = f"sqlite:///{root / 'gradebook.db'}"
    with Gradebook(db, "calcrl") as gradebook:  # not journaled: this process read no config
        first = {student: min(gradebook.find_submission_notebook(
            "q08_power_rule", A, student).grades, key=lambda g: g.name)
            for student in ("ana", "ben")}
        first["ana"].manual_score = 0.25
        first["ben"].manual_score = None
        gradebook.db.commit()
    assert restore_manual_grades(db, "calcrl", root, A) == {"ben": 1}
    work = course.ta_work(f"sqlite:///{root / 'gradebook.db'}")
    assert work[("ana", "q08_power_rule", next(k[2] for k in work if k[0] == "ana"))][0] == 0.25
    assert [key[0] for key in work] == ["ana", "ben"] and work[next(
        k for k in work if k[0] == "ben")][0] == 1.0


def test_backup_and_restore_refuse_what_is_not_a_gradebook_and_never_delete_one(base,
                                                                                 tmp_path):
    root = _copy(base, tmp_path)
    before = (root / "gradebook.db").read_bytes()
    taken = calcrl(root, "backup")
    assert taken.returncode == 0, taken.stderr
    copy = next((root / ".calcrl-backups").glob("gradebook-*.db"))
    assert copy.read_bytes() != b"" and "Traceback" not in taken.stderr
    for bad, why in ((root / "notes.txt", "not a database"), (root / "none.db", "no file"),
                     (root / "empty.db", "not an nbgrader gradebook")):
        if bad.name == "notes.txt":
            bad.write_text("not a gradebook")
        elif bad.name == "empty.db":
            sqlite3.connect(bad).close()
        refused = calcrl(root, "restore", str(bad))
        assert refused.returncode == 1 and why in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
        assert (root / "gradebook.db").read_bytes() == before
    restored = calcrl(root, "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    kept = list(root.glob("gradebook.db.replaced-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == before


@pytest.fixture
def small_disk(tmp_path):
    """Mount tmpfs file systems of a few MiB (real ones: the test runs as root); unmounted
    at the end."""
    mounted: list[Path] = []

    def mount(where: Path, mib: int) -> Path:
        where.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={mib}m", "tmpfs", str(where)],
                       check=True)
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(folder: Path) -> None:
    """Write a hidden file into ``folder`` until its file system has not one byte left."""
    with (folder / ".filler").open("wb", buffering=0) as filler:
        for chunk in (2**20, 4096, 1):
            try:
                while True:
                    filler.write(b"\0" * chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC
    assert shutil.disk_usage(folder).free == 0


@pytest.mark.parametrize("where", ["autograded", "course"])
@pytest.mark.parametrize("when", ["before", "during"])
def test_a_full_disk_changes_nothing_says_where_and_a_rerun_finishes(base, clean, tmp_path,
                                                                      small_disk, where, when):
    root = tmp_path / "disk" / "course"
    small_disk(root.parent, 64)
    shutil.copytree(base, root, symlinks=True)
    assert calcrl(root, "autograde", A).returncode == 0
    if where == "autograded":  # autograded/ on a file system of its own
        shutil.move(root / "autograded", root / "graded-before")
        small_disk(root / "autograded", 16)
        shutil.copytree(root / "graded-before", root / "autograded", symlinks=True,
                        dirs_exist_ok=True)
        shutil.rmtree(root / "graded-before")
    full = root / "autograded" if where == "autograded" else root
    graded, gradebook = _graded_bytes(root), (root / "gradebook.db").read_bytes()
    if when == "before":
        _fill(full)
    run = start_calcrl(root, "autograde", A, "--force", "--jobs", "1")
    if when == "during":
        family = _wait_for_grading(run)
        _fill(full)
    out, err = run.communicate(timeout=600)
    assert "Traceback" not in out + err and "free space" in (out + err).lower(), out + err
    if when == "before":
        assert run.returncode in (1, 2) and str(full) in err, out + err
        assert _graded_bytes(root) == {**graded, "autograded/.filler": ANY} \
            if where == "autograded" else _graded_bytes(root) == graded  # nothing changed
        assert (root / "gradebook.db").read_bytes() == gradebook
    else:
        assert run.returncode == 1, out + err
        lines = {student: next(line for line in out.splitlines() if line.startswith(student))
                 for student in clean}  # the summary names every student
        assert all("graded" in line or "No space left on device" in line or
                   "disk is full" in line for line in lines.values()), out
        assert any("failed" in line for line in lines.values()), out
        _assert_nothing_left(root, family)
    assert not [p for p in root.rglob("*") if p.name.endswith((".partial", ".new"))]
    (full / ".filler").unlink()
    again = calcrl(root, "autograde", A, "--force")
    assert again.returncode == 0, again.stdout + again.stderr
    assert _grades(root) == clean
    _assert_nothing_left(root)


def test_broken_submissions_and_odd_names_are_graded_or_refused_with_a_reason(base, clean,
                                                                              tmp_path):
    root = _copy(base, tmp_path)
    _submit_correct(root, "dee")
    course.submit(root, "dee", NOTEBOOKS[1], raw=json.dumps({"hello": 1}))
    _submit_correct(root, "eve")
    notebook = root / "submitted" / "eve" / A / NOTEBOOKS[0]
    content = course.load(notebook)
    content["cells"][1]["metadata"].setdefault("nbgrader", {"grade_id": "x"})["colour"] = "red"
    for cell in content["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q08-df":
            cell["metadata"]["nbgrader"]["favourite"] = True
    notebook.write_text(json.dumps(content))
    for odd in ("-dash", "with space"):
        _submit_correct(root, odd)
    for notebook in NOTEBOOKS:
        course.submit(root, "all-bad", notebook, raw="{not json")
    run = calcrl(root, "autograde", A)
    assert run.returncode == 1  # some notebooks were unreadable
    grades = _grades(root)
    for student in clean:
        assert grades[student] == clean[student]
    for odd in ("-dash", "with space", "eve"):
        assert grades[odd] == clean[CORRECT], odd
    q08 = {cell: score for cell, score in clean[CORRECT].items() if cell.startswith("q08")}
    assert {c: s for c, s in grades["dee"].items() if c.startswith("q08")} == q08
    assert all(s == 0 for c, s in grades["dee"].items() if c.startswith("q10"))
    lines = run.stdout.splitlines()
    assert any("q10_chain_rule_power.ipynb is not a valid notebook" in line for line in lines)
    assert any("cell 'q08-df' had an unknown nbgrader metadata key 'favourite'" in line
               for line in lines)
    assert any(re.match(r"all-bad\s+-\s+failed: no readable notebook", line) for line in lines)
    _assert_nothing_left(root)

    # The gradebook knows all-bad (from another assignment, say) and zed, who handed in
    # nothing: nbgrader's export gives both a 0.0.
    for student in ("all-bad", "zed"):
        course.nbgrader(root, "db", "student", "add", student)
    report = calcrl(root, "report", A)
    assert report.returncode == 0, report.stdout + report.stderr
    assert "all-bad: failed: no readable notebook" in report.stdout
    assert f"{len(grades) - 1} students graded" in report.stdout
    with (root / "reports" / A / "grades.csv").open() as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(grades) | {"zed"}  # every submission has a row
    assert rows["all-bad"]["score"] == "" and rows["all-bad"]["calcrl_status"].startswith(
        "failed: no readable notebook")  # not a 0 that reads as a grade
    assert (rows["zed"]["score"], rows["zed"]["calcrl_status"]) == ("0.0", "not submitted")
    assert "q10_chain_rule_power.ipynb is not a valid notebook" in rows["dee"]["calcrl_status"]
    assert rows["ana"]["calcrl_status"] == "graded"

    # ana hands in unreadable notebooks and is graded again: that grading fails, her earlier
    # grade is kept everywhere, and nowhere counted as current.
    earlier_score = rows["ana"]["score"]
    for notebook in NOTEBOOKS:
        course.submit(root, "ana", notebook, raw="{not json")
    assert calcrl(root, "autograde", A).returncode == 1
    assert _grades(root)["ana"] == clean["ana"]
    report = calcrl(root, "report", A)
    assert f"{len(grades) - 2} students graded" in report.stdout
    assert re.search(r"ana: failed: no readable notebook.*\(an earlier grade is kept\)",
                     report.stdout), report.stdout
    with (root / "reports" / A / "grades.csv").open() as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert rows["ana"]["score"] == earlier_score
    assert rows["ana"]["calcrl_status"].endswith("(the score is from an earlier grading)")
    page = (root / "reports" / A / "report.html").read_text()
    assert f"out of all {len(grades) - 2} graded students" in page
    ana_row = next(row for row in page.split("<tr>") if ">ana</a>" in row)
    assert "not current, from an earlier grading" in ana_row


HOSTILE = {
    "h-sigint": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n"
                "    pass",
    "h-output": "import sys\nchunk = 'x' * 2 ** 20\nfor _ in range(1024):\n"
                "    sys.stdout.write(chunk)",
    "h-memory": "hog = bytearray(6 * 2 ** 30)",
    "h-forks": "import os, time\nfor _ in range(400):\n    if os.fork() == 0:\n"
               "        time.sleep(600)\n        os._exit(0)",
    "h-setsid": "import subprocess\nsubprocess.Popen(['setsid', 'sleep', '617'])\n"
                "df = 6 * (2 * x + 1) ** 2",
    "h-exit": "import os\nos._exit(3)",
}


def test_a_hostile_cell_costs_only_itself(base, clean, tmp_path):
    root = _copy(base, tmp_path)
    for student, code in HOSTILE.items():
        _submit_correct(root, student, **{"q10-df": code})
    run = start_calcrl(root, "autograde", A, "--jobs", "2")
    family = _wait_for_grading(run)
    out, err = run.communicate(timeout=900)
    assert run.returncode == 0, out + err
    grades = _grades(root)
    for student in clean:
        assert grades[student] == clean[student]
    for student in HOSTILE:
        for cell, score in clean[CORRECT].items():
            expected = score if (cell != "q10-df-test" or student == "h-setsid") else 0
            assert grades[student][cell] == expected, (student, cell)
    assert "cell(s) ran past the per-cell time limit" in out
    assert re.search(r"q10_chain_rule_power\S*: cell \d+ stopped its notebook process \(the "
                     r"notebook's Python process ended", out), out
    assert_gone(family)
    assert not [pid for pid in process_tree(1) if "sleep 617" in cmdline(pid)]
    _assert_nothing_left(root, family)


def test_preflight_refusals_name_the_fix(base, tmp_path):
    never = tmp_path / "never"
    never.mkdir()
    shutil.copy(base / "nbgrader_config.py", never)
    shutil.copytree(base / "source", never / "source")
    shutil.copytree(base / "submitted", never / "submitted")
    refused = calcrl(never, "autograde", A)
    assert refused.returncode == 2 and "generate_assignment" in refused.stderr
    assert "no gradebook yet" in refused.stderr and "backup" not in refused.stderr
    assert not (never / "autograded").exists()

    root = _copy(base, tmp_path)
    typo = calcrl(root, "autograde", "calculs")
    assert typo.returncode == 2 and "Did you mean 'calculus'?" in typo.stderr
    nobody = calcrl(root, "autograde", A, "--student", "anna")
    assert nobody.returncode == 2 and "Did you mean 'ana'?" in nobody.stderr
    shutil.rmtree(root / "release")
    unreleased = calcrl(root, "autograde", A)
    assert unreleased.returncode == 2 and "release/calculus is missing" in unreleased.stderr
    course.nbgrader(root, "generate_assignment", A, "--force")
    source = root / "source" / A / NOTEBOOKS[1]
    edited = course.load(source)
    edited["cells"][0]["source"] = "# q10, reworded\n"
    source.write_text(json.dumps(edited))
    stale = calcrl(root, "autograde", A)
    assert stale.returncode == 2 and NOTEBOOKS[1] in stale.stderr
    assert not (root / "autograded").exists()
