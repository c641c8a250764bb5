"""Submissions that try to earn points they did not: graded by plain `nbgrader autograde`.

Each attack in ``attacks.py`` is a student with wrong answers and code (or files, or notebook
metadata) meant to turn them into points, read secrets or damage the course. They are graded
in one run between two honest students, one graded before and one after, as in a real class.
Each attack must earn nothing on the parts it attacks, leave no verdict record that says
"correct", and change nothing outside its own graded folder.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import course
from attacks import ATTACKS, Q10, RIGHT_DF, WRONG_DF, WRONG_DF_AT_0, Attack
from calcrl_checks.engine.probe import processes_named
from calcrl_checks.instructor.grading.course import Course
from calcrl_checks.instructor.results.verdict_records import class_records
from calcrl_checks.cells.notebook import VERDICT_MIME
from conftest import calcrl

pytestmark = pytest.mark.course

VICTIM = "aa-victim"
MARK = f"calcrl-attack-{os.getpid()}"
#: The course config, with shorter limits so that the slow attacks stay quick.
_LIMITS = "\nc.GradeInSandbox.timeout = 5\nc.GradeInSandbox.notebook_timeout = 60\n"


@dataclass
class Tampered:
    root: Path
    before: dict[str, str]
    after: dict[str, str]
    victim_scores: dict[str, float | None]
    package_before: dict[str, str]
    survivors: list[int]
    log: str


def _student(attack: Attack) -> str:
    return f"atk-{attack.name}"


def _hashes(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not path.is_symlink() and not relative.startswith(skip):
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _package_files() -> dict[str, str]:
    import calcrl_checks
    import site

    hashes = _hashes(Path(calcrl_checks.__file__).parent)
    for folder in site.getsitepackages():
        for entry in sorted(os.listdir(folder)):
            hashes[f"site-packages/{entry}"] = "present"
    return hashes


def _hand_in(root: Path, student: str, notebook: str, cells: dict[str, str],
             files: dict[str, str], edit=None) -> None:
    folder = root / "submitted" / student / course.ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nb = course.load(root / "release" / course.ASSIGNMENT / notebook)
    for grade_id, code in cells.items():
        course.cell_by_id(nb, grade_id)["source"] = _fill(code, root)
    if edit is not None:
        edit(nb)
    (folder / notebook).write_text(json.dumps(nb, indent=1))
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if text.startswith("@link:"):
            target.symlink_to(_fill(text.removeprefix("@link:"), root))
        else:
            target.write_text(_fill(text, root))


def _fill(text: str, root: Path) -> str:
    return text.replace("COURSE", str(root)).replace("VICTIM", VICTIM).replace("MARK", MARK)


@pytest.fixture(scope="module")
def tampered(tmp_path_factory) -> Tampered:
    root = course.new_course(tmp_path_factory.mktemp("tampering") / "course")
    with (root / "nbgrader_config.py").open("a") as config:
        config.write(_LIMITS)
    solutions = {"q10-df": RIGHT_DF, "q10-df-at-0": "df_at_0 = 6\n"}
    _hand_in(root, VICTIM, Q10, solutions, {})
    course.nbgrader(root, "autograde", course.ASSIGNMENT, "--student", VICTIM)
    victim_scores = course.scores(root, VICTIM)
    for attack in ATTACKS:
        _hand_in(root, _student(attack), attack.notebook, attack.answer_cells(), attack.files,
                 attack.edit)
    before = _hashes(root, skip=("gradebook.db",))
    package_before = _package_files()
    graded = course.nbgrader(root, "autograde", course.ASSIGNMENT, check=False)
    time.sleep(3)  # long enough for a process that outlived its notebook to act
    survivors = processes_named(MARK)
    after = _hashes(root, skip=("gradebook.db",))
    return Tampered(root, before, after, victim_scores, package_before, survivors,
                    graded.stdout + graded.stderr)


def _q10(scores: dict[str, float | None]) -> dict[str, float | None]:
    return {cell: score for cell, score in scores.items() if cell.startswith("q10-")}


def _attacked_records(root: Path, attack: Attack):
    return [r for r in class_records(Course(root), course.ASSIGNMENT)
            if r.student == _student(attack) and r.cell in attack.attacked]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_an_attack_earns_nothing(tampered, attack):
    scores = course.scores(tampered.root, _student(attack))
    earned = {cell: scores.get(cell) for cell in attack.attacked}
    assert not any(earned.values()), f"{attack.family}: {earned}"


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_no_verdict_record_of_an_attack_says_correct(tampered, attack):
    records = _attacked_records(tampered.root, attack)
    assert all(r.code != "correct" and r.score < 1 for r in records), records
    graded = tampered.root / "autograded" / _student(attack) / course.ASSIGNMENT / attack.notebook
    if graded.exists():
        for cell in course.load(graded)["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in attack.attacked:
                for output in cell.get("outputs", []):
                    record = output.get("data", {}).get(VERDICT_MIME)
                    assert not record or not record.get("passed"), record


def test_nothing_outside_the_attackers_own_folders_changes(tampered):
    own = tuple(f"autograded/{_student(a)}/" for a in ATTACKS)
    changed = sorted(path for path in set(tampered.before) | set(tampered.after)
                     if not path.startswith(own)
                     and tampered.before.get(path) != tampered.after.get(path))
    assert changed == []


def test_the_installed_checker_and_environment_are_unchanged(tampered):
    assert _package_files() == tampered.package_before


def test_nothing_an_attack_started_is_still_running(tampered):
    assert tampered.survivors == []
    assert processes_named(MARK) == []


def test_other_students_grades_are_untouched(tampered):
    assert course.scores(tampered.root, VICTIM) == tampered.victim_scores
    assert _q10(tampered.victim_scores) == {"q10-df-test": 3, "q10-df-at-0-test": 1}


def test_a_student_graded_after_the_attacks_gets_exactly_their_grade(tampered):
    root = tampered.root
    _hand_in(root, "zz-wrong", Q10, {"q10-df": WRONG_DF, "q10-df-at-0": WRONG_DF_AT_0}, {})
    _hand_in(root, "zz-right", Q10, {"q10-df": RIGHT_DF, "q10-df-at-0": "df_at_0 = 6\n"}, {})
    course.nbgrader(root, "autograde", course.ASSIGNMENT, "--student", "zz-*")
    assert _q10(course.scores(root, "zz-wrong")) == {"q10-df-test": 0, "q10-df-at-0-test": 0}
    assert _q10(course.scores(root, "zz-right")) == {"q10-df-test": 3, "q10-df-at-0-test": 1}


def test_the_class_report_counts_only_honest_answers_as_correct(tampered):
    from calcrl_checks.instructor.results.report import summarize

    records = class_records(Course(tampered.root), course.ASSIGNMENT)
    correct = {r.student for r in records if r.cell == "q10-df-test" and r.code == "correct"}
    assert VICTIM in correct and correct <= {VICTIM, "zz-right"}, correct
    summary = summarize(Course(tampered.root), course.ASSIGNMENT)
    part = next(p for p in summary.parts if p.cell == "q10-df-test")
    assert part.codes["correct"] == len(correct)


def test_the_same_engine_grades_through_calcrl_and_the_formgrader_api(tampered):
    root = tampered.root
    attack = next(a for a in ATTACKS if a.name == "grade-replaced")
    for student in ("cli-attacker", "api-attacker"):
        _hand_in(root, student, Q10, attack.answer_cells(), {})
    result = calcrl(root, "autograde", course.ASSIGNMENT, "--student", "cli-attacker")
    assert "graded" in result.stdout, result.stdout + result.stderr
    script = ("from nbgrader.apps import NbGraderAPI\n"
              "from nbgrader.coursedir import CourseDirectory\n"
              "from traitlets.config import Config\n"
              "from traitlets.config.loader import PyFileConfigLoader\n"
              "config = PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
              "api = NbGraderAPI(CourseDirectory(config=config, root='.'), config=config)\n"
              "result = api.autograde('calculus', 'api-attacker')\n"
              "assert result['success'], result.get('error')\n")
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", script], cwd=root, env=course.nbgrader_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for student in ("cli-attacker", "api-attacker"):
        assert _q10(course.scores(root, student)) == {"q10-df-test": 0, "q10-df-at-0-test": 0}
        graded = course.load(root / "autograded" / student / course.ASSIGNMENT / Q10)
        for cell in graded["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q10-df-test":
                assert any(o.get("ename") == "CheckFailed" for o in cell["outputs"])


def test_the_attacks_cover_every_family_and_number_at_least_thirty():
    families = {a.family for a in ATTACKS}
    assert len(ATTACKS) >= 30
    assert {"replace the checker", "patch what the checker uses",
            "rewrite the hidden tests as they run", "read secrets", "damage",
            "tampered metadata", "resource abuse"} <= families
