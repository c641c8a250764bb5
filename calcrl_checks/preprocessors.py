"""nbgrader preprocessors of this course, added to nbgrader's pipelines in ``nbgrader_config.py``.

Autograde: a rubric cell (a 0-point "manually graded task" holding a ``### BEGIN MARK SCHEME``
region for TAs) needs no grade of its own. Feedback, next to nbgrader's ``ClearHiddenTests``:
errors in test cells lose their traceback (which would quote hidden test source) and keep only
the check's message; math is rendered to MathML so the page needs no network.
"""
from __future__ import annotations

import re
from typing import Any

from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution, is_task


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


class ShowOnlyCheckMessages(NbGraderPreprocessor):
    """Replace each test-cell traceback by its last line: ``CheckFailed: <message>``."""

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: "
                                           f"{output.get('evalue', '')}"]
        return cell, resources


class RenderMathOffline(NbGraderPreprocessor):
    """Turn ``$...$`` and ``$$...$$`` in markdown into MathML, which browsers render natively.

    nbconvert's feedback pages would load MathJax from a CDN; a student reading feedback
    offline (or on a network that blocks it) would see raw LaTeX. Inline code is left alone.
    """

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        if cell.cell_type == "markdown":
            pieces = _CODE_SPAN.split(cell.source)
            cell.source = "".join(piece if piece.startswith("`") else _to_mathml(piece)
                                  for piece in pieces)
        return cell, resources


_CODE_SPAN = re.compile(r"(```.*?```|`[^`]*`)", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)", re.S)


def _to_mathml(text: str) -> str:
    from latex2mathml.converter import convert

    def render(match: re.Match, display: str) -> str:
        try:
            return convert(match.group(1).strip(), display=display)
        except Exception:  # leave text the converter cannot read as it was
            return match.group(0)

    text = _DISPLAY.sub(lambda m: render(m, "block"), text)
    return _INLINE.sub(lambda m: render(m, "inline"), text)
