"""The instructor's pipeline end to end on the demo class: `calcrl demo`, autograde, report."""
from __future__ import annotations

import csv
import html
import re
import shutil
from collections import Counter

import pytest

import course
from calcrl_checks.outcome.codes import describe
from calcrl_checks.instructor.demo.class_submissions import demo_students, expected_scores
from calcrl_checks.instructor.authoring.mistakes import MISTAKES
from conftest import calcrl, course_copy

pytestmark = pytest.mark.course


def test_every_demo_student_gets_the_expected_score(graded_class):
    root = graded_class.root
    expected = expected_scores(root, demo_students())
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "calcrl") as gradebook:
        for student, score in expected.items():
            got = gradebook.find_submission(course.ASSIGNMENT, student).score
            assert got == pytest.approx(score), f"{student}: {got} != {score}"


def test_the_demo_prints_the_summary_and_the_score_table(graded_class):
    out = graded_class.demo.stdout
    for student in demo_students():
        assert re.search(rf"^{student.name}\b", out, re.M), f"{student.name} missing from output"
    assert "q10_chain_rule_power.ipynb is not valid JSON" in out
    assert "ran past the per-cell time limit" in out  # the looping student
    assert "Most common mistakes:" in out
    assert "reports/calculus/report.html" in out


def test_the_corrupt_file_is_named_and_the_rest_of_that_student_is_graded(graded_class):
    scores = course.scores(graded_class.root, "corrupt")
    assert scores["q10-df-test"] == 0
    assert scores["q08-df-test"] == 3  # another notebook of the same student


def _statuses(summary: str) -> dict[str, str]:
    """student -> status, from the table `calcrl autograde` prints."""
    return dict(re.findall(r"^(\S+)\s+(?:[\d.]+ / [\d.]+|-)\s+(graded|up to date|failed)",
                           summary, re.M))


def test_a_rerun_grades_nothing_again_and_changes_nothing(graded_class):
    root = graded_class.root
    graded = sorted((root / "autograded").glob("*/calculus/*.ipynb"))
    before = {p: p.read_bytes() for p in graded}
    scores = {s.name: course.scores(root, s.name) for s in demo_students()}
    rerun = calcrl(root, "autograde", course.ASSIGNMENT)
    assert rerun.returncode == 1  # the corrupt notebook is still there, and still reported
    statuses = _statuses(rerun.stdout)
    assert {s.name for s in demo_students()} <= set(statuses)
    assert set(statuses.values()) == {"up to date"}, rerun.stdout
    assert "is not valid JSON" in rerun.stdout
    assert {p: p.read_bytes() for p in graded} == before
    assert {s.name: course.scores(root, s.name) for s in demo_students()} == scores


def test_a_changed_submission_is_graded_again(graded_class):
    root = graded_class.root
    course.submit(root, "late", "q10_chain_rule_power.ipynb", {"q10-df-at-0": "df_at_0 = 6"})
    first = calcrl(root, "autograde", course.ASSIGNMENT, "--student", "late")
    assert _statuses(first.stdout) == {"late": "graded"}, first.stdout
    assert course.scores(root, "late")["q10-df-at-0-test"] == 1
    course.submit(root, "late", "q10_chain_rule_power.ipynb", {"q10-df-at-0": "df_at_0 = 5"})
    second = calcrl(root, "autograde", course.ASSIGNMENT, "--student", "late")
    assert _statuses(second.stdout) == {"late": "graded"}, second.stdout
    assert course.scores(root, "late")["q10-df-at-0-test"] == 0


def test_the_report_counts_each_diagnosis(graded_class):
    root = graded_class.root
    page = (root / "reports" / "calculus" / "report.html").read_text()
    assert "data:image/png;base64," in page and "http" not in page.split("<body>")[1]
    direct, knock_on = Counter(), Counter()
    for student in demo_students():
        for mistake in MISTAKES:
            if student.answers.get(mistake.notebook, {}).get(mistake.answer_cell) == mistake.code:
                direct[(mistake.notebook, mistake.test_cell, mistake.feedback)] += 1
                for cell in mistake.also_fails:
                    knock_on[(mistake.notebook, cell)] += 1
    # The report was written by the demo, before other tests added students; every count is
    # out of all graded students (an unreadable notebook is counted apart, not left out).
    graded = len(demo_students())
    for (notebook, cell, code), count in direct.items():
        section = page.split(f'<h3 id="{cell}">')[1].split("<h3")[0]
        found = re.search(rf"<code>{code}</code>: (\d+) of {graded} ", section)
        assert found, f"{cell}: {code} is not counted (of {graded})"
        # A wrong answer earlier in the notebook may cause the same diagnosis here too.
        assert count <= int(found.group(1)) <= count + knock_on[(notebook, cell)], section


def test_the_grades_csv_has_every_graded_student(graded_class):
    rows = list(csv.DictReader((graded_class.root / "reports" / "calculus" / "grades.csv")
                               .open()))
    students = {row["student_id"]: float(row["score"]) for row in rows}
    expected = expected_scores(graded_class.root, demo_students())
    for student, score in expected.items():
        assert students[student] == pytest.approx(score)


def test_the_item_table_agrees_with_the_verdicts_in_the_graded_notebooks(graded_class):
    """items.csv reads the gradebook; each autograded part's facility is also the mean score
    the verdict records in the autograded notebooks give (the demo's report, before the
    fixture's extra student)."""
    from calcrl_checks.instructor.grading.course import Course
    from calcrl_checks.instructor.results.verdict_records import class_records

    rows = list(csv.DictReader((graded_class.root / "reports" / "calculus" / "items.csv")
                               .open()))
    demo = {s.name for s in demo_students()}
    records = [r for r in class_records(Course(graded_class.root), "calculus")
               if r.student in demo]
    cells = {(r.notebook, r.cell) for r in records}
    assert {(row["notebook"], row["cell"]) for row in rows} >= cells
    compared = 0
    for row in rows:
        scores = [r.score for r in records if (r.notebook, r.cell) == (row["notebook"],
                                                                       row["cell"])]
        if len(scores) == int(row["students_graded"]) == len(demo):
            assert float(row["facility"]) == pytest.approx(sum(scores) / len(scores),
                                                           abs=1e-4), row
            compared += 1
    assert compared >= 40


def test_feedback_exists_for_every_graded_notebook_with_math_rendered_offline(graded_class):
    root = graded_class.root
    graded_by_fixture = {s.name for s in demo_students()} | {"deleter"}
    for notebook in sorted((root / "autograded").glob("*/calculus/*.ipynb")):
        student = notebook.parent.parent.name
        if student not in graded_by_fixture:
            continue
        page = root / "feedback" / student / "calculus" / notebook.name.replace(".ipynb", ".html")
        assert page.exists(), f"no feedback for {student}/{notebook.name}"
    page = (root / "feedback" / "perfect" / "calculus" / "q10_chain_rule_power.html").read_text()
    assert "<math" in page and "$f(x)" not in page


def test_feedback_before_autograde_says_what_to_run(tmp_path):
    root = course_copy(tmp_path / "ungraded")
    course.submit(root, "ana", "q08_power_rule.ipynb")
    result = calcrl(root, "feedback", course.ASSIGNMENT)
    assert result.returncode == 1
    assert result.stderr.strip() == ("calcrl feedback: none of the 1 submissions of calculus is "
                                     "graded yet; run `calcrl autograde calculus` first")


def test_feedback_names_a_submitted_student_not_graded_yet(graded_class, tmp_path):
    root = tmp_path / "late"
    shutil.copytree(graded_class.root, root)
    course.submit(root, "latecomer", "q08_power_rule.ipynb")
    result = calcrl(root, "feedback", course.ASSIGNMENT)
    assert result.returncode == 0, result.stderr
    assert "not graded yet: latecomer; run `calcrl autograde calculus`" in result.stderr
    assert not (root / "feedback" / "latecomer").exists()
    assert (root / "feedback" / "perfect" / "calculus" / "index.html").exists()


def test_autograde_without_submissions_says_so(tmp_path):
    root = course_copy(tmp_path / "empty")
    result = calcrl(root, "autograde", course.ASSIGNMENT)
    assert result.returncode == 1 and "No submissions" in result.stdout


def test_calcrl_outside_a_course_folder_is_a_clear_error(tmp_path):
    result = calcrl(tmp_path, "autograde", course.ASSIGNMENT)
    assert result.returncode == 2 and "nbgrader_config.py" in result.stderr


def test_running_the_demo_again_gives_the_same_table(graded_class):
    """Last on purpose: it re-runs the demo in the shared course (the same state results)."""
    again = calcrl(graded_class.root, "demo")
    assert again.returncode == 0, again.stderr[-3000:]

    def table(output: str) -> str:
        return output[output.index("student     "):output.index("Where everything is")]

    assert table(again.stdout) == table(graded_class.demo.stdout)


def test_unanswered_parts_are_not_answered_and_kept_apart_from_mistakes(graded_class):
    from calcrl_checks.instructor.grading.course import Course
    from calcrl_checks.instructor.results.verdict_records import class_records

    records = class_records(Course(graded_class.root), course.ASSIGNMENT)
    blank = [r for r in records if r.student == "blank"]
    assert len(blank) >= 40 and {r.code for r in blank} == {"not_answered"}
    syntax = {r.cell: r for r in records if r.student == "syntax"}
    assert syntax["q10-df-test"].code == "did_not_run"  # its cell stopped before defining df
    shown = (graded_class.root / "feedback" / "syntax" / "calculus" /
             "q10_chain_rule_power.html").read_text()
    assert "Did not run: your answer cell stopped with a SyntaxError on line 1" in shown
    mistakes = graded_class.demo.stdout.split("Most common mistakes:")[1].split("\n\n")[0]
    assert "not_answered" not in mistakes
    page = (graded_class.root / "reports" / "calculus" / "report.html").read_text()
    section = page.split('<h3 id="q10-df-test">')[1].split("<h3")[0]
    assert re.search(r"not answered: 1 of \d+", section), section
    assert re.search(r"did not run \(the answer cell stopped with an error\): 1 of \d+",
                     section), section
    assert "<code>not_answered</code>" not in page
    assert re.search(r"notebook missing or unreadable: 1 of \d+", section), section


def test_the_report_describes_each_diagnosis_and_links_the_students_who_made_it(graded_class):
    page = (graded_class.root / "reports" / "calculus" / "report.html").read_text()
    section = page.split('<h3 id="q09-semi-gradient-test">')[1].split("<h3")[0]
    assert html.escape(describe("full_gradient")) in section
    assert 'href="../../feedback/mistakes02/calculus/q09_td_semi_gradient.html' \
           '#q09-semi-gradient-test"' in section
    students = page.split('<h2 id="students">')[1]
    assert 'href="../../feedback/perfect/calculus/index.html"' in students
    assert "Written answers awaiting TA grading" in page
    q07 = page.split("Written answers awaiting TA grading")[1].split("</ul>")[0]
    assert re.search(r"q07_log_derivative_trick: \d+ of \d+", q07) and "perfect" in q07


def test_pending_ta_points_are_named_in_the_summary_and_before_export(graded_class):
    out = graded_class.demo.stdout
    assert re.search(r"^perfect\s+93 / 100\s+graded; 7 points await TA grading", out, re.M)
    assert "Not final:" in out and "awaiting TA grading" in out
    report = calcrl(graded_class.root, "report", course.ASSIGNMENT)
    assert "warning:" in report.stderr and "awaiting TA grading" in report.stderr


def test_every_student_gets_an_index_with_the_total_and_each_lost_point(graded_class):
    root = graded_class.root
    for student in demo_students():
        page = root / "feedback" / student.name / "calculus" / "index.html"
        assert page.exists(), f"no feedback index for {student.name}"
    perfect = (root / "feedback" / "perfect" / "calculus" / "index.html").read_text()
    assert "93 / 100 points so far" in perfect
    assert "7 points for written answers are waiting for a TA" in perfect
    assert "No points lost" in perfect and "<script" not in perfect
    mistakes = (root / "feedback" / "mistakes02" / "calculus" / "index.html").read_text()
    lost = mistakes.split("Where points were lost")[1].split("</ul>")[0]
    assert 'href="q09_td_semi_gradient.html#q09-semi-gradient-test"' in lost
    assert "differentiated through the target" in lost  # the check's own hint, not a code
    assert "full_gradient" not in mistakes
    corrupt = (root / "feedback" / "corrupt" / "calculus" / "index.html").read_text()
    assert re.search(r"<b>q10_chain_rule_power</b> could not be graded: the file is not valid "
                     r"JSON \(line \d+, column \d+\)", corrupt)
    assert "q10 · q10-df-test" not in corrupt  # the reason stands for that notebook's parts
    assert "Well done" not in corrupt and "No points lost" not in corrupt


def test_a_ta_view_shows_each_verdict_in_words_once_without_tags(graded_class):
    """What the formgrader renders (nbgrader's HTMLExporter, read from the course's
    nbgrader_config.py): a verdict's words, once; no "[part: code]" box."""
    from nbconvert import HTMLExporter
    from traitlets.config.loader import PyFileConfigLoader

    from calcrl_checks.cells.notebook import VerdictRecord

    config = PyFileConfigLoader("nbgrader_config.py", path=str(graded_class.root)).load_config()
    config.HTMLExporter.template_name = "classic"
    graded = graded_class.root / "autograded" / "mistakes02" / "calculus"
    stored = graded / "q09_td_semi_gradient.ipynb"
    page, _ = HTMLExporter(config=config).from_filename(str(stored))
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert not re.search(r"\[[\w.]+: [a-z_]+\]", text)
    assert "CheckFailed" not in text
    failed = [r for cell in course.load(stored)["cells"] for r in
              map(VerdictRecord.from_output, cell.get("outputs", [])) if r and not r.passed]
    assert failed and all(text.count(r.message.strip()) == 1 for r in failed)
    page, _ = HTMLExporter(config=config).from_filename(str(graded / "q10_chain_rule_power.ipynb"))
    assert "df: correct." in page


def test_feedback_pages_show_each_part_in_the_checks_own_words(graded_class):
    root = graded_class.root
    for student in ("perfect", "mistakes02", "blank"):
        for page in (root / "feedback" / student / "calculus").glob("q*.html"):
            text = page.read_text()
            for noise in ("Run the tests", "BEGIN MARK SCHEME", "Score: 0.0 / 0.0", "<script",
                          "ns0:math", "cdnjs"):
                assert noise not in text, f"{student}/{page.name} shows {noise!r}"
            assert not re.search(r"\[[\w.]+: [a-z_]+\]", text), f"{student}/{page.name}: a tag"
    q02 = (root / "feedback" / "perfect" / "calculus" / "q02_chain_rule.html").read_text()
    heading = re.search(r"<h2[^>]*>Part 5 — the slope at (.*?)</h2>", q02).group(1)
    assert heading.startswith("<math") and "<mfrac>" in heading
    assert "slope_at_half: correct." in q02
    q07 = (root / "feedback" / "mistakes02" / "calculus" / "q07_log_derivative_trick.html")
    page = q07.read_text()
    assert "A TA has not graded this answer yet: its 4 points" in page
    heading = page.split('<a name="q07-explain">')[1].split("</div>")[0]
    assert "awaiting a TA (4.0 points)" in heading and "Score:" not in heading
    assert re.search(r"\(Score: [\d.]+ / [\d.]+ so far\)", page)
    assert "4.0 points for written answers are waiting for a TA" in page


def test_answers_csv_holds_the_answer_each_part_was_graded_on(graded_class):
    """answers.csv (the demo's report) has each demo student's graded cells, and the answer
    text, code and score the trusted grader recorded: a catalogued mistake is there as the
    spec handed it in."""
    from calcrl_checks.instructor.grading.course import Course
    from calcrl_checks.instructor.results.answers import spreadsheet_safe
    from calcrl_checks.instructor.results.verdict_records import class_records

    root = graded_class.root
    rows = {(r["student"], r["notebook"], r["cell"]): r for r in csv.DictReader(
        (root / "reports" / "calculus" / "answers.csv").open(encoding="utf-8"))}
    demo = {s.name for s in demo_students()}
    records = [r for r in class_records(Course(root), "calculus") if r.student in demo]
    assert len(records) > 400 and {r[0] for r in rows} >= demo
    for record in records:
        row = rows[(record.student, record.notebook, record.cell)]
        assert (row["code"], row["answer"]) == (record.code, spreadsheet_safe(record.answer))
        assert float(row["score"]) == pytest.approx(record.score * float(row["points"]),
                                                    abs=1e-3)
    mistake = rows[("mistakes01", "q00_core_rules", "q00-d-power-test")]
    assert (mistake["code"], mistake["answer"], mistake["score"]) == \
        ("exponent_not_lowered", "n*x**n", "0")
    assert rows[("perfect", "q00_core_rules", "q00-d-power-test")]["answer"] == "n*x**(n - 1)"
    assert rows[("perfect", "q07_log_derivative_trick", "q07-explain")]["score"] == ""


def test_the_report_ranks_what_to_reteach_first(graded_class):
    page = (graded_class.root / "reports" / "calculus" / "report.html").read_text()
    table = page.split('<h2 id="reteach">')[1].split("<h2>")[0]
    codes = re.findall(r"<code>(\w+)</code></td>", table)
    assert codes and len(codes) == len(set(codes))          # one row per misconception
    assert "wrong" not in codes and "not_answered" not in codes
    assert "missing_inner_derivative" in codes and "<math" in table
    assert "Chain rule on a power" in table                 # q10's lesson section
    assert "Reteach first" in graded_class.demo.stdout


def test_every_chart_of_the_report_is_a_picture_with_words_beside_it(graded_class):
    import base64

    page = (graded_class.root / "reports" / "calculus" / "report.html").read_text()
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]*)"', page)
    assert {alt.split()[0] for alt, _ in images} >= {"histogram", "score", "scatter", "bar",
                                                     "diagnosis"}
    for alt, data in images:
        assert base64.b64decode(data, validate=True).startswith(b"\x89PNG"), alt
