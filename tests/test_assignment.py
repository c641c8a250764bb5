"""The `calculus` assignment under real nbgrader: validation, release, grading, feedback."""
from __future__ import annotations

import json
import re

import pytest

import course
from calcrl_checks.instructor.authoring.mistakes import MISTAKES
from calcrl_checks.instructor.demo.class_submissions import demo_students

pytestmark = pytest.mark.course


def _max_points(root, notebook: str, autograded_only: bool = True) -> dict[str, float]:
    """Points per graded cell; by default only the autograded test cells."""
    nb = course.load(root / "source" / course.ASSIGNMENT / notebook)
    points = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not (autograded_only and meta.get("solution")):
            points[meta["grade_id"]] = float(meta["points"])
    return points


def _student_with(mistake) -> str:
    return next(s.name for s in demo_students()
                if s.answers.get(mistake.notebook, {}).get(mistake.answer_cell) == mistake.code)


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


def test_points_add_up_to_100():
    total = sum(sum(_max_points(course.REPO, p.name, autograded_only=False).values())
                for p in course.notebooks(course.REPO / "source"))
    assert total == 100


def test_instructor_solutions_get_full_marks(graded_class):
    got = course.scores(graded_class.root, "perfect")
    for notebook in course.notebooks(graded_class.root / "source"):
        for grade_id, points in _max_points(graded_class.root, notebook.name).items():
            assert got[grade_id] == points, f"{notebook.name} {grade_id}: {got[grade_id]}/{points}"


def test_warnings_and_stderr_never_cost_a_correct_answer_its_points(graded_class):
    got = course.scores(graded_class.root, "noisy")
    assert got["q10-df-test"] == 3 and got["q10-df-at-0-test"] == 1


def test_a_deleted_test_cell_is_restored_and_scored(graded_class):
    autograded = course.load(graded_class.root / "autograded" / "deleter" / course.ASSIGNMENT /
                             "q10_chain_rule_power.ipynb")
    restored = course.cell_by_id(autograded, "q10-df-test")
    assert "BEGIN HIDDEN TESTS" in "".join(restored["source"])
    assert course.scores(graded_class.root, "deleter")["q10-df-test"] == 3


@pytest.mark.parametrize("mistake", MISTAKES,
                         ids=[f"{m.test_cell}-{m.feedback}" for m in MISTAKES])
def test_a_catalogued_mistake_loses_points_and_is_named(graded_class, mistake):
    student = _student_with(mistake)
    points = _max_points(graded_class.root, mistake.notebook)[mistake.test_cell]
    assert course.scores(graded_class.root, student)[mistake.test_cell] == \
        pytest.approx(points * mistake.credit)
    # The check named the mistake (its verdict code), and the student reads its words.
    verdicts = _verdicts(graded_class.root, student, mistake.notebook, mistake.test_cell)
    named = [v for v in verdicts if v["code"] == mistake.feedback]
    assert named, f"{mistake.test_cell}: {[v['code'] for v in verdicts]}, not {mistake.feedback}"
    text = course.feedback_text(graded_class.root, student, mistake.notebook)
    for line in named[0]["message"].splitlines()[:1] + [
            ln for ln in named[0]["message"].splitlines() if ln.startswith("Hint:")]:
        assert line in text, f"feedback does not show {line!r}"


def _verdicts(root, student: str, notebook: str, cell_id: str) -> list[dict]:
    """The verdict records a test cell left in the student's autograded notebook."""
    from calcrl_checks.cells.notebook import VERDICT_MIME

    graded = course.load(root / "autograded" / student / course.ASSIGNMENT / notebook)
    cell = course.cell_by_id(graded, cell_id)
    return [o["data"][VERDICT_MIME] for o in cell.get("outputs", [])
            if VERDICT_MIME in o.get("data", {})]


def test_feedback_shows_the_message_and_nothing_of_the_hidden_tests(graded_class):
    root = graded_class.root
    for student in {_student_with(m) for m in MISTAKES}:
        for notebook in {m.notebook for m in MISTAKES if _student_with(m) == student}:
            text = course.feedback_text(root, student, notebook)
            assert "Not yet" in text or "Partial credit" in text
            released = (root / "release" / course.ASSIGNMENT / notebook).read_text()
            for cell in course.load(root / "source" / course.ASSIGNMENT / notebook)["cells"]:
                body = "".join(cell["source"])
                if "BEGIN HIDDEN TESTS" not in body:
                    continue
                hidden = body.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
                for line in (ln.strip() for ln in hidden.splitlines()):
                    # Lines students see elsewhere (symbol set-up) are not secrets.
                    if line and json.dumps(line)[1:-1] not in released:
                        assert line not in text, f"{notebook}: hidden line shown: {line}"
            assert "BEGIN HIDDEN TESTS" not in text and "BEGIN MARK SCHEME" not in text
            for line in _test_cell_traceback_lines(root, student, notebook):
                assert line not in text, f"{notebook}: a test-cell traceback line shown: {line}"


def _test_cell_traceback_lines(root, student: str, notebook: str) -> list[str]:
    """Traceback lines of failing test cells (their hidden code), all but the message."""
    graded = course.load(root / "autograded" / student / course.ASSIGNMENT / notebook)
    lines = []
    for cell in graded["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                for entry in output["traceback"][:-1]:
                    plain = re.sub(r"\x1b\[[0-9;]*m", "", entry)
                    lines += [ln.strip() for ln in plain.splitlines() if _is_code(ln.strip())]
    return lines


def _is_code(line: str) -> bool:
    """A traceback line that quotes code (not a ruler, a header or a cell reference)."""
    return len(line) > 12 and re.search(r"[A-Za-z]", line) is not None and not re.match(
        r"(Traceback \(most recent call last\)|Cell In\[\d+\], line \d+|File )", line)
