"""The `calculus` assignment under real nbgrader: validation, release, grading, feedback.

One course folder is built per test session: the release is generated from source/, the
instructor solutions, noisy-but-correct answers, a deleted test cell and every catalogued
mistake are submitted, and the whole class is autograded and given feedback once.
"""
from __future__ import annotations

import json
import re

import pytest

import course
from catalogue_mistakes import MISTAKES, students

NOISY_Q10 = {
    # A correct answer whose cells and function calls write warnings and stderr noise.
    "q10-df": "import sys, warnings\nwarnings.warn('a harmless warning')\n"
              "print('noise on stderr', file=sys.stderr)\n"
              "import sympy as sp\nx = sp.Symbol('x')\ndf = 6 * (2 * x + 1) ** 2",
    "q10-df-at-0": "import warnings\nwarnings.warn('another warning', RuntimeWarning)\n"
                   "df_at_0 = 6",
}


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """A course with the whole test class autograded and given feedback."""
    root = course.new_course(tmp_path_factory.mktemp("course"))
    for notebook in course.notebooks(root / "source"):
        course.submit(root, "instructor", notebook.name, source="source")
    course.submit(root, "noisy", "q10_chain_rule_power.ipynb", NOISY_Q10, source="source")
    deleted = course.load(root / "source" / "calculus" / "q10_chain_rule_power.ipynb")
    deleted["cells"] = [c for c in deleted["cells"]
                        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                        != "q10-df-test"]
    course.submit(root, "deleter", "q10_chain_rule_power.ipynb", raw=json.dumps(deleted))
    for student, mistakes in students().items():
        by_notebook: dict[str, dict[str, str]] = {}
        for mistake in mistakes:
            by_notebook.setdefault(mistake.notebook, {})[mistake.answer_cell] = mistake.code
        for notebook, answers in by_notebook.items():
            course.submit(root, student, notebook, answers, source="source")
    course.nbgrader(root, "autograde", course.ASSIGNMENT, "--force")
    course.nbgrader(root, "generate_feedback", course.ASSIGNMENT, "--force")
    return root


def _max_points(root, notebook: str) -> dict[str, float]:
    nb = course.load(root / "source" / course.ASSIGNMENT / notebook)
    return {c["metadata"]["nbgrader"]["grade_id"]: float(c["metadata"]["nbgrader"]["points"])
            for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")}


def test_every_source_notebook_passes_validate(tmp_path):
    root = course.new_course(tmp_path / "c")
    paths = [str(p) for p in course.notebooks(root / "source")]
    result = course.nbgrader(root, "validate", *paths)
    assert result.stdout.count("Success! Your notebook passes all the tests.") == len(paths), \
        result.stdout[-4000:]


def test_every_release_notebook_fails_validate(tmp_path):
    root = course.new_course(tmp_path / "c")
    paths = [str(p) for p in course.notebooks(root / "release")]
    result = course.nbgrader(root, "validate", "--invert", *paths)
    assert result.stdout.count("Success! The notebook does not pass any tests.") == len(paths), \
        result.stdout[-4000:]


def test_committed_release_is_what_generate_assignment_makes(tmp_path):
    root = course.new_course(tmp_path / "c")
    generated = {p.name: course.load(p) for p in course.notebooks(root / "release")}
    committed = {p.name: course.load(p) for p in course.notebooks(course.REPO / "release")}
    assert sorted(committed) == sorted(generated), "release/ has other notebooks than source/"
    for name, notebook in generated.items():
        assert committed[name] == notebook, f"release/{course.ASSIGNMENT}/{name} is stale: " \
                                            "run `make release`"


def test_release_contains_no_solutions_or_hidden_tests():
    for path in course.notebooks(course.REPO / "release"):
        text = path.read_text()
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME", "grade("):
            assert marker not in text, f"{path.name} leaks {marker!r}"


def test_instructor_solutions_get_full_marks(graded):
    got = course.scores(graded, "instructor")
    for notebook in course.notebooks(graded / "source"):
        for grade_id, points in _max_points(graded, notebook.name).items():
            if got[grade_id] is None:
                continue  # written answers wait for a TA
            assert got[grade_id] == points, f"{notebook.name} {grade_id}: {got[grade_id]}/{points}"


def test_warnings_and_stderr_never_cost_a_correct_answer_its_points(graded):
    got = course.scores(graded, "noisy")
    assert got["q10-df-test"] == 3 and got["q10-df-at-0-test"] == 1


def test_a_deleted_test_cell_is_restored_and_scored(graded):
    autograded = course.load(graded / "autograded" / "deleter" / course.ASSIGNMENT /
                             "q10_chain_rule_power.ipynb")
    restored = course.cell_by_id(autograded, "q10-df-test")
    assert "BEGIN HIDDEN TESTS" in "".join(restored["source"])
    assert course.scores(graded, "deleter")["q10-df-test"] == 3


@pytest.mark.parametrize("mistake", MISTAKES,
                         ids=[f"{m.test_cell}-{m.feedback}" for m in MISTAKES])
def test_a_catalogued_mistake_loses_points_and_is_named(graded, mistake):
    student = next(s for s, ms in students().items() if mistake in ms)
    points = _max_points(graded, mistake.notebook)[mistake.test_cell]
    assert course.scores(graded, student)[mistake.test_cell] < points
    text = course.feedback_text(graded, student, mistake.notebook)
    assert mistake.feedback in text, f"feedback does not name {mistake.feedback}"


def test_feedback_shows_the_message_and_nothing_of_the_hidden_tests(graded):
    for student, mistakes in students().items():
        for notebook in {m.notebook for m in mistakes}:
            text = course.feedback_text(graded, student, notebook)
            assert "Not yet" in text or "Partial credit" in text
            source = course.load(graded / "source" / course.ASSIGNMENT / notebook)
            released = (graded / "release" / course.ASSIGNMENT / notebook).read_text()
            for cell in source["cells"]:
                body = "".join(cell["source"])
                if "BEGIN HIDDEN TESTS" in body:
                    hidden = body.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
                    for line in (ln.strip() for ln in hidden.splitlines()):
                        # Lines students see elsewhere (symbol set-up) are not secrets.
                        if line and json.dumps(line)[1:-1] not in released:
                            assert line not in text, f"{notebook}: hidden line shown: {line}"
            assert "BEGIN HIDDEN TESTS" not in text and "BEGIN MARK SCHEME" not in text
            assert not re.search(r"Traceback|File \"|line \d+", text), \
                f"{notebook}: a traceback reached the feedback"
