"""nbgrader preprocessors of this course, added to nbgrader's pipelines in ``nbgrader_config.py``.

Autograde: a rubric cell (a 0-point "manually graded task" holding a ``### BEGIN MARK SCHEME``
region for TAs) needs no grade of its own. Feedback, next to nbgrader's ``ClearHiddenTests``:
errors in test cells lose their traceback (which would quote hidden test source), each part
shows only its check's message, rubric cells leave the page, and the lesson's own math is
rendered to MathML so the page needs no network. Nothing a student wrote becomes MathML: the
converter copies text into the page unescaped, so only text the course wrote goes through it.
"""
from __future__ import annotations

from typing import Any

import nbformat
from traitlets import List
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution, is_task
from nbconvert.preprocessors import Preprocessor

from calcrl_checks.display.mathtext import markdown_math
from calcrl_checks.cells.notebook import VerdictRecord
from calcrl_checks.display.safe_html import written_by_the_course


class FeedbackPreprocessor(NbGraderPreprocessor):
    """A feedback step that takes the ``display_data_priority`` nbconvert's exporter hands to
    every preprocessor. nbgrader's base declares it without ``config=True``, so each of its
    preprocessors in the feedback pipeline made *Generate Feedback* warn "Config option
    `display_data_priority` not recognized"."""

    display_data_priority = List(
        NbGraderPreprocessor.display_data_priority.default_value).tag(config=True)


class QuietClearHiddenTests(FeedbackPreprocessor, ClearHiddenTests):
    """nbgrader's ClearHiddenTests, without the config warning."""


class QuietClearMarkScheme(FeedbackPreprocessor, ClearMarkScheme):
    """nbgrader's ClearMarkScheme, without the config warning."""


class RubricsNeedNoGrade(NbGraderPreprocessor):
    """Mark 0-point task cells (TA rubrics) as graded, so no submission waits on them."""

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        info = resources["nbgrader"]
        rubrics = [cell.metadata.nbgrader["grade_id"] for cell in nb.cells
                   if is_task(cell) and float(cell.metadata.nbgrader.get("points", 0)) == 0]
        if rubrics:
            with Gradebook(info["db_url"]) as gradebook:
                for grade_id in rubrics:
                    grade = gradebook.find_grade(grade_id, info["notebook"], info["assignment"],
                                                 info["student"])
                    grade.auto_score = 0.0
                    grade.needs_manual_grade = False
                gradebook.db.commit()
        return nb, resources


class RubricInPlace(NbGraderPreprocessor):
    """In the autograded notebook (what TAs grade in the formgrader): each rubric stands just
    above the written answer it grades, as plain text.

    A rubric is a 0-point task cell holding a ``### BEGIN MARK SCHEME`` region. As a task the
    formgrader gave it a gradable panel of its own (score, Full/No credit buttons) and showed
    the region's markers as headings. Here it becomes a plain markdown cell headed "Rubric"
    (marked ``metadata.calcrl.rubric``, so feedback drops it), placed before the answer's
    panel. Math is left as LaTeX: the formgrader's own MathJax typesets it from the page's
    escaped text. Runs after :class:`RubricsNeedNoGrade`, which still sees the task cell.
    """

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        cells: list = []
        for cell in nb.cells:
            if _is_rubric(cell) and _MARK_BEGIN in cell.source:
                rubric = nbformat.v4.new_markdown_cell(_rubric_text(cell.source))
                rubric.metadata["calcrl"] = {"rubric": True}
                answer = next((i for i in range(len(cells) - 1, -1, -1)
                               if _is_written_answer(cells[i])), len(cells))
                cells.insert(answer, rubric)
                continue
            cells.append(cell)
        nb.cells = cells
        return nb, resources


_MARK_BEGIN, _MARK_END = "### BEGIN MARK SCHEME", "### END MARK SCHEME"


def _rubric_text(source: str) -> str:
    """The mark scheme region under a "Rubric" heading, without its markers."""
    region = source.split(_MARK_BEGIN, 1)[1].split(_MARK_END, 1)[0].strip()
    return f"#### Rubric for the written answer below (TAs only; students never see it)\n\n{region}"


def _is_written_answer(cell: Any) -> bool:
    return cell.cell_type == "markdown" and is_grade(cell) and is_solution(cell)


class ShowOnlyCheckMessages(FeedbackPreprocessor):
    """Replace each test-cell traceback by its last line: ``CheckFailed: <message>``."""

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: "
                                           f"{output.get('evalue', '')}"]
        return cell, resources


class RenderMathOffline(FeedbackPreprocessor):
    """Turn ``$...$`` and ``$$...$$`` into MathML, which browsers render natively, in the text
    the course wrote: the lesson's locked markdown (headings included) and TA comments.

    nbconvert's feedback pages would load MathJax from a CDN; a student reading feedback
    offline (or on a network that blocks it) would see raw LaTeX. A locked cell's text is the
    course's own: nbgrader's ``OverwriteCells`` put its source back from the gradebook when the
    submission was graded. What a student wrote (written answers, cells they added, their
    outputs) keeps its LaTeX as text; a ``text/latex`` output shows as its ``text/plain``.
    """

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "markdown" and written_by_the_course(cell):
            cell.source = markdown_math(cell.source)
        if grading.get("comment"):
            grading["comment"] = markdown_math(str(grading["comment"]))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/latex" in data and "text/plain" in data:
                del data["text/latex"]
        return cell, resources


class TidyFeedback(FeedbackPreprocessor):
    """What a student reads under each graded part: the check's own words and nothing else.

    A test cell's outputs become one short text per check (correct, partial credit with the
    message, or the message), an error the checks did not explain (a visible check that
    failed, a name never defined) keeps its last line, and the raw verdict tags, the points a
    check returned (``Out[5]: 0.5``) and the visible check's form notes go. Rubric cells (0-point
    tasks, for TAs) leave the page, long message lines wrap instead of running off the box, and
    charts get alternative text.
    """

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        pending = _pending_grades(resources.get("nbgrader", {}))
        cells = []
        for cell in nb.cells:
            if _is_rubric(cell):
                continue
            cells.append(cell)
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in pending:
                points = float(cell.metadata.nbgrader.get("points", 0))
                cell.metadata.setdefault("calcrl", {})["pending"] = True  # no "Score: 0"
                cells.append(nbformat.v4.new_markdown_cell(
                    f"*A TA has not graded this answer yet: its {points:g} points are not in "
                    "your score until they have.*"))
        nb.cells = cells
        resources["calcrl"] = {"pending_points": sum(pending.values())}
        inlining = resources.setdefault("inlining", {})
        inlining["css"] = [*inlining.get("css", []), _FEEDBACK_CSS]
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            cell.outputs = _tidy_outputs(cell.get("outputs", []))
        if cell.cell_type == "code" and "alt" not in cell.metadata and any(
                "image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            cell.metadata["alt"] = "the chart drawn by the code above"
        return cell, resources


_FEEDBACK_CSS = """
div.output_area pre, div.output_subarea pre { white-space: pre-wrap; overflow-wrap: anywhere; }
div.output_subarea { max-width: 100%; }
"""


def _pending_grades(info: dict) -> dict[str, float]:
    """This notebook's parts still waiting for a TA's score: grade_id -> points."""
    if not info.get("db_url"):
        return {}
    with Gradebook(info["db_url"]) as gradebook:
        notebook = gradebook.find_submission_notebook(info["notebook"], info["assignment"],
                                                      info["student"])
        return {grade.name: float(grade.max_score) for grade in notebook.grades
                if grade.needs_manual_grade and grade.manual_score is None and grade.max_score}


def _is_rubric(cell: Any) -> bool:
    """A TA rubric: a 0-point task cell, or one :class:`RubricInPlace` already moved."""
    if cell.get("metadata", {}).get("calcrl", {}).get("rubric"):
        return True
    return is_task(cell) and float(cell.metadata.nbgrader.get("points", 0) or 0) == 0


class VerdictsAsText(Preprocessor):
    """In every HTML view of a graded notebook (the formgrader's included), each verdict
    record shows as its words: "df: correct." or the check's message, once.

    A verdict record's own text is a tag for tools (``[df: wrong]``), which the formgrader
    showed as an extra output box under each diagnosis, and a failed check's message also
    stood in the error nbgrader scores from. The stored notebook keeps both; only the page
    changes. nbgrader's own conversions (``generate_feedback``, whose resources carry an
    ``nbgrader`` entry) are left to :class:`TidyFeedback`, which words a student's page and
    runs after the exporter's preprocessors, so it must still find the records there.
    """

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        if "nbgrader" in resources:
            return cell, resources
        outputs = cell.get("outputs", [])
        records = [VerdictRecord.from_output(output) for output in outputs]
        if cell.cell_type != "code" or not any(records):
            return cell, resources
        said = {r.message.strip() for r in records if r is not None and not r.passed}
        shown = []
        for output, record in zip(outputs, records):
            if record is not None:
                shown.append(nbformat.v4.new_output("stream", name="stdout",
                                                    text=_verdict_text(record) + "\n"))
            elif not (output.get("output_type") == "error"
                      and str(output.get("evalue", "")).strip() in said):
                shown.append(output)
        cell.outputs = shown
        return cell, resources


def _tidy_outputs(outputs: list) -> list:
    """One stream per verdict; an error only when no verdict explains it."""
    verdicts = [v for v in map(VerdictRecord.from_output, outputs) if v is not None]
    texts = [_verdict_text(v) for v in verdicts]
    if not any(not v.passed for v in verdicts):
        texts.extend(f"{o.get('ename', 'Error')}: {o.get('evalue', '')}"
                     for o in outputs if o.get("output_type") == "error")
    return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")
            for text in texts]


def _verdict_text(record: VerdictRecord) -> str:
    if record.passed:
        return f"{record.part}: correct."
    message = record.message.strip()
    points, score = float(record.points), float(record.score)
    if 0 < score < 1 and points:
        return f"Partial credit: {points * score:g} of {points:g} points.\n{message}"
    return message
