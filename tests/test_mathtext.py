"""Math reads right offline: formulas become MathML in markdown, headings, outputs, comments."""
from __future__ import annotations

import nbformat

from calcrl_checks.mathtext import html_math, markdown_math
from calcrl_checks.preprocessors import RenderMathOffline


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


def test_sympy_outputs_and_ta_comments_get_mathml():
    cell = nbformat.v4.new_code_cell("df")
    cell.outputs = [nbformat.v4.new_output(
        "execute_result", data={"text/latex": "$\\displaystyle 2 x e^{x}$",
                                "text/plain": "2*x*exp(x)"}, execution_count=1)]
    cell.metadata["nbgrader"] = {"comment": "Nice: $\\nabla\\pi = \\pi\\nabla\\log\\pi$"}
    RenderMathOffline().preprocess_cell(cell, {}, 0)
    assert cell.outputs[0].data["text/html"].startswith("<math")
    assert "<math" in cell.metadata.nbgrader.comment and "$" not in cell.metadata.nbgrader.comment
