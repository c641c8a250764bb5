"""The class report's reteach list: which misconception cost the class most, across the whole
assignment, with where the lesson teaches it and a few of the class's own answers.

A misconception is a verdict code that names one (:func:`calcrl_checks.outcome.codes.
is_misconception`); the same code in several notebooks is one item (the chain rule's missing
inner derivative in q02, q10 and q11 is one thing to reteach). Items are ranked by the
students affected times the points lost to it across the class (:attr:`ReteachItem.weight`):
breadth counts twice, so a slip four students make in a 1-point part (4 x 4) comes before one
student's mistake repeated over 13 points (1 x 13), which is that student's to fix. A score
still waiting for a TA counts for nothing here.

Examples are the item's commonest answer texts, with no names, typeset as MathML where the
checker's own reader (no evaluation) reads them, and sanitized like every page's math.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sympy as sp
from markupsafe import Markup, escape

from calcrl_checks.display.mathtext import heading_html, latex_to_mathml
from calcrl_checks.display.safe_html import clean_html
from calcrl_checks.expressions.parsing import parse
from calcrl_checks.expressions.parsing.vocabulary import CONSTANTS, FORBIDDEN, FUNCTIONS
from calcrl_checks.outcome.answer_text import NOT_A_FORMULA
from calcrl_checks.outcome.codes import describe, is_misconception
from calcrl_checks.instructor.results.answers import AnswerRow

#: Example answers shown per item.
EXAMPLES = 3
#: An answer text longer than this is shown as text, not typeset.
LONGEST_TYPESET = 200
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
#: How :func:`~calcrl_checks.outcome.answer_text.answer_text` writes a function answer.
FUNCTION = "function "


@dataclass(frozen=True)
class ReteachItem:
    """One misconception over the assignment: who it affected, what it cost, where."""

    code: str
    description: str
    students: int
    points_lost: float
    notebooks: tuple[str, ...]
    examples: tuple[str, ...]

    @property
    def weight(self) -> float:
        """What ranks the item: students affected times the points lost to it."""
        return self.students * self.points_lost


def reteach_list(rows: Iterable[AnswerRow]) -> list[ReteachItem]:
    """The misconceptions among ``rows`` (``answers.csv``'s rows), costliest first.

    >>> rows = [AnswerRow(s, "q02", "dy_dx", "q02-dy-dx-test", 3.0, 0.0,
    ...                   "missing_inner_derivative", "1/(2 sqrt(1+x^2))") for s in "ab"]
    >>> item = reteach_list(rows)[0]
    >>> item.code, item.students, item.points_lost, item.examples
    ('missing_inner_derivative', 2, 6.0, ('1/(2 sqrt(1+x^2))',))
    """
    students: dict[str, set[str]] = defaultdict(set)
    lost: dict[str, float] = defaultdict(float)
    notebooks: dict[str, set[str]] = defaultdict(set)
    answers: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.score is None or not is_misconception(row.code) or row.score >= row.points:
            continue
        students[row.code].add(row.student)
        lost[row.code] += row.points - row.score
        notebooks[row.code].add(row.notebook)
        if row.answer and not row.answer.startswith(FUNCTION):   # a name says nothing
            answers[row.code][row.answer] += 1
    items = [ReteachItem(code, describe(code), len(students[code]), round(lost[code], 6),
                         tuple(sorted(notebooks[code])),
                         tuple(text for text, _ in sorted(answers[code].items(),
                                                          key=lambda kv: (-kv[1], kv[0]))
                               [:EXAMPLES]))
             for code in students]
    return sorted(items, key=lambda item: (-item.weight, -item.students, item.code))


def lesson_sections(source: Path) -> dict[str, str]:
    """Each notebook's lesson section (its first heading) under ``source``
    (``source/<assignment>/``), by notebook name; a notebook without one is left out."""
    sections = {}
    for path in sorted(source.glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        for cell in cells:
            if cell.get("cell_type") != "markdown":
                continue
            text = "".join(cell.get("source", []))
            heading = next((line.lstrip("#").strip() for line in text.splitlines()
                            if line.startswith("# ")), None)
            if heading:
                sections[path.stem] = heading
            break
    return sections


def section_html(title: str) -> Markup:
    """A lesson section's title (the course's own markdown heading) as sanitized HTML.

    >>> str(section_html("Power rule: $f(x) = x^3$"))[:30]
    'Power rule: <math display="inl'
    """

    return Markup(_inline(clean_html(heading_html(title), mathml=True)))


def typeset(text: str) -> Markup:
    """An answer text as sanitized MathML when the checker's reader reads it as mathematics,
    else as escaped text: never markup from the student.

    >>> str(typeset("2x e^x")).startswith("<math")
    True
    >>> str(typeset('<img src=x onerror="alert(1)">'))
    '<code>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</code>'
    """
    mathml = _mathml(text) if len(text) <= LONGEST_TYPESET else None
    return Markup(mathml) if mathml is not None else Markup("<code>{}</code>").format(escape(text))


def _mathml(text: str) -> str | None:

    names = {n for n in _NAME.findall(text) if n not in FUNCTIONS and n not in CONSTANTS}
    # A number reads best as typed: sympy would write 0.61 as the fraction 61/100.
    if text.startswith(NOT_A_FORMULA) or names & set(FORBIDDEN) or _NUMBER.fullmatch(text):
        return None
    try:
        expression = parse(text, symbols=sorted(names))
        rendered = latex_to_mathml(sp.latex(expression))
    except Exception:  # not mathematics the reader takes (a function's name, a refusal)
        return None
    return None if rendered is None else _inline(clean_html(rendered, mathml=True))


def _inline(html: str) -> str:
    """MathML as HTML5 takes it, without the namespace address (the report names none)."""
    return html.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "")
