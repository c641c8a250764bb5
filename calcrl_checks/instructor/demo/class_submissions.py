"""The demo class: deterministic submissions written from release/ by filling answer cells.

A perfect student; students who between them make every catalogued mistake; a blank
submission; a syntax error; an infinite loop; a correct answer that emits warnings; a file that
is not valid JSON. Each student's expected autograded score follows from the source notebooks'
points, so tests can assert it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calcrl_checks.instructor.authoring.mistakes import MISTAKES, CatalogueEntry

ASSIGNMENT = "calculus"
_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)


@dataclass
class DemoStudent:
    name: str
    about: str
    #: answer cell grade_id -> replacement source, per notebook file name
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    #: notebooks handed in as given bytes (a corrupt file)
    raw: dict[str, str] = field(default_factory=dict)
    #: notebooks handed in unanswered (the release version)
    blank: bool = False
    #: test cells expected to lose points -> fraction of their points still earned
    losses: dict[tuple[str, str], float] = field(default_factory=dict)


#: Names the demo class carries in the gradebook (what the formgrader and reports show).
NAMES = {"perfect": ("Ada", "Lovelace"), "mistakes01": ("Alan", "Turing"),
         "mistakes02": ("Grace", "Hopper"), "mistakes03": ("Emmy", "Noether"),
         "blank": ("Kurt", "Gödel"), "syntax": ("John", "Backus"),
         "loop": ("Edsger", "Dijkstra"), "noisy": ("Claude", "Shannon"),
         "corrupt": ("Barbara", "Liskov")}


def register_names(course: Any, students: list[DemoStudent]) -> None:
    """Give the demo students first and last names in the course's gradebook."""
    with course.gradebook() as gradebook:
        for student in students:
            first, last = NAMES.get(student.name, ("Demo", student.name))
            gradebook.update_or_create_student(student.name, first_name=first, last_name=last)


def solutions(source: Path) -> dict[str, dict[str, str]]:
    """Every answer cell's reference solution (code and written), per notebook: the source
    cell with the solution markers removed."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted((source / ASSIGNMENT).glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        found[path.name] = {
            meta["grade_id"]: _MARKERS.sub("", "".join(cell["source"]))
            for cell in notebook["cells"]
            for meta in [cell.get("metadata", {}).get("nbgrader", {})]
            if meta.get("solution")}
    return found


def demo_students() -> list[DemoStudent]:
    """The demo class, in a fixed order."""
    students = [DemoStudent("perfect", "every answer correct")]
    for index, group in enumerate(_spread(MISTAKES), start=1):
        student = DemoStudent(f"mistakes{index:02d}", "makes catalogued mistakes")
        for mistake in group:
            student.answers.setdefault(mistake.notebook, {})[mistake.answer_cell] = mistake.code
            student.losses[(mistake.notebook, mistake.test_cell)] = mistake.credit
            for cell in mistake.also_fails:
                student.losses[(mistake.notebook, cell)] = 0.0
        students.append(student)
    q10 = "q10_chain_rule_power.ipynb"
    students += [
        DemoStudent("blank", "hands in the notebooks unanswered", blank=True),
        DemoStudent("syntax", "a syntax error in one answer",
                    answers={q10: {"q10-df": "df = 6 * (2x + 1"}},
                    losses={(q10, "q10-df-test"): 0.0}),
        DemoStudent("loop", "an answer cell that never finishes",
                    answers={q10: {"q10-df-at-0": "while True:\n    pass"}},
                    losses={(q10, "q10-df-at-0-test"): 0.0}),
        DemoStudent("noisy", "correct answers that print warnings and write to stderr",
                    answers={q10: {"q10-df-at-0": "import sys, warnings\n"
                                   "warnings.warn('this warning is harmless')\n"
                                   "print('noise on stderr', file=sys.stderr)\n"
                                   "df_at_0 = 6"}}),
        DemoStudent("corrupt", "one notebook file is not valid JSON",
                    raw={q10: '{"cells": [ {"cell_type": "code",'}),
    ]
    return students


def _spread(mistakes: list[CatalogueEntry]) -> list[list[CatalogueEntry]]:
    """As few groups as possible in which no two mistakes touch the same cells.

    A mistake touches its answer cell and every test cell it makes fail; keeping those apart
    means each feedback names exactly one mistake and each expected score is exact.
    """
    def touched(mistake: CatalogueEntry) -> set[tuple[str, str]]:
        cells = {mistake.answer_cell, mistake.test_cell, *mistake.also_fails}
        return {(mistake.notebook, cell) for cell in cells}

    groups: list[list[CatalogueEntry]] = []
    for mistake in mistakes:
        for group in groups:
            if not any(touched(mistake) & touched(other) for other in group):
                group.append(mistake)
                break
        else:
            groups.append([mistake])
    return groups


def write_submissions(root: Path, students: list[DemoStudent]) -> None:
    """Write every demo student's submission under ``root/submitted``."""
    answers = solutions(root / "source")
    for student in students:
        folder = root / "submitted" / student.name / ASSIGNMENT
        folder.mkdir(parents=True, exist_ok=True)
        for release in sorted((root / "release" / ASSIGNMENT).glob("*.ipynb")):
            target = folder / release.name
            if release.name in student.raw:
                target.write_text(student.raw[release.name])
                continue
            notebook = json.loads(release.read_text())
            if not student.blank:
                filled = {**answers.get(release.name, {}), **student.answers.get(release.name, {})}
                _fill(notebook, filled)
            target.write_text(json.dumps(notebook, indent=1) + "\n")


def _fill(notebook: dict[str, Any], answers: dict[str, str]) -> None:
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]


def expected_scores(root: Path, students: list[DemoStudent]) -> dict[str, float]:
    """The autograded score each demo student should get (written answers not yet graded)."""
    points = _autograded_points(root / "source")
    total = sum(p for cells in points.values() for p in cells.values())
    expected: dict[str, float] = {}
    for student in students:
        if student.blank:
            expected[student.name] = 0.0
            continue
        score = total
        for notebook in student.raw:
            score -= sum(points.get(notebook, {}).values())
        for (notebook, cell), kept in student.losses.items():
            score -= points[notebook][cell] * (1 - kept)
        expected[student.name] = round(score, 4)
    return expected


def _autograded_points(source: Path) -> dict[str, dict[str, float]]:
    points: dict[str, dict[str, float]] = {}
    for path in sorted((source / ASSIGNMENT).glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution") and cell["cell_type"] == "code":
                points.setdefault(path.name, {})[meta["grade_id"]] = float(meta["points"])
    return points
