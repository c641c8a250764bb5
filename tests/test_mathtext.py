"""Math reads right offline: the course's own formulas become MathML (markdown, headings, TA
comments); a student's never do."""
from __future__ import annotations

import nbformat
import pytest

from calcrl_checks.display.mathtext import html_math, markdown_math
from calcrl_checks.preprocessors import RenderMathOffline

pytestmark = pytest.mark.unit


def test_a_heading_with_a_formula_becomes_an_html_heading_with_mathml():
    out = markdown_math("## Part 5 — the slope at $x = \\tfrac12$ of `f`\nText $u$.\n")
    heading = out.split("\n")[0]
    assert heading.startswith("<h2 ") and heading.endswith("</h2>")
    assert "<mfrac>" in heading and "<code>f</code>" in heading and "$" not in heading
    assert "<math" in out.split("</h2>")[1]


def test_code_and_fenced_code_keep_their_dollars():
    text = "Use `$x$` here.\n```\n# $x$\n```\n"
    assert markdown_math(text) == text


def test_plain_text_is_escaped_around_formulas():
    out = html_math("a < b when $x^2 < 1$")
    assert out.startswith("a &lt; b when <math") and "<msup>" in out


def test_ta_comments_and_the_lessons_locked_text_get_mathml():
    cell = nbformat.v4.new_markdown_cell("The rule: $\\frac{dy}{dx}$")
    cell.metadata["nbgrader"] = {"grade_id": "q02-part1", "locked": True, "solution": False,
                                 "grade": False}
    RenderMathOffline().preprocess_cell(cell, {}, 0)
    assert "<mfrac>" in cell.source
    answer = nbformat.v4.new_markdown_cell("My answer: $\\frac{1}{2}$")
    answer.metadata["nbgrader"] = {"grade_id": "q14-explain", "locked": False, "solution": True,
                                   "grade": True, "comment": "Nice: $\\nabla\\pi$"}
    RenderMathOffline().preprocess_cell(answer, {}, 0)
    assert "<math" in answer.metadata.nbgrader.comment
    assert "$" not in answer.metadata.nbgrader.comment


def test_nothing_a_student_wrote_becomes_mathml():
    """latex2mathml copies \\text{...} into the page unescaped: student text never goes in."""
    attack = "$\\text{<img src=x onerror=alert(1)>}$"
    answer = nbformat.v4.new_markdown_cell(attack)
    answer.metadata["nbgrader"] = {"grade_id": "q14-explain", "locked": False, "solution": True}
    added = nbformat.v4.new_markdown_cell(attack)  # a cell the student added: no grade_id
    added.metadata["nbgrader"] = {"locked": True}
    code = nbformat.v4.new_code_cell("df")
    code.outputs = [nbformat.v4.new_output(
        "execute_result", data={"text/latex": attack, "text/plain": "2*x*exp(x)"},
        execution_count=1)]
    for cell in (answer, added, code):
        RenderMathOffline().preprocess_cell(cell, {}, 0)
    assert answer.source == attack and added.source == attack
    assert code.outputs[0].data == {"text/plain": "2*x*exp(x)"}
