"""The class report's reteach list: misconceptions ranked by students affected times points
lost over the whole assignment, one item per misconception, anonymous typeset examples."""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from html.parser import HTMLParser

import pytest

from calcrl_checks.instructor.results.answers import AnswerRow
from calcrl_checks.instructor.results.reteach import (EXAMPLES, lesson_sections, reteach_list,
                                                      section_html, typeset)
from calcrl_checks.outcome.codes import is_misconception

pytestmark = pytest.mark.unit

MISCONCEPTIONS = ["missing_inner_derivative", "sign_flip", "product_rule", "gamma_dropped"]
OTHERS = ["wrong", "parse_error", "not_answered", "return_decreased", "correct"]


def _row(student, notebook, code, points, score, answer="", cell=None):
    return AnswerRow(student, notebook, "part", cell or f"{notebook}-test", points, score, code,
                     answer)


def _random_class(seed: int) -> list[AnswerRow]:
    rng = random.Random(seed)
    rows = []
    for student in (f"s{n:02d}" for n in range(rng.randint(5, 30))):
        for notebook in ("q02_chain", "q09_td", "q10_power", "q11_score"):
            for cell in ("a", "b"):
                points = rng.choice([1.0, 2.0, 3.0])
                code = rng.choice(MISCONCEPTIONS + OTHERS)
                score = points if code == "correct" else rng.choice([0.0, points / 2])
                if rng.random() < 0.05:
                    score = None                      # waiting for a TA
                rows.append(_row(student, notebook, code, points, score,
                                 f"{rng.randint(1, 4)}*x", cell=f"{notebook}-{cell}"))
    return rows


@pytest.mark.parametrize("seed", range(5))
def test_the_ranking_equals_a_direct_count(seed):
    rows = _random_class(seed)
    students, lost = defaultdict(set), Counter()
    for row in rows:
        if row.code in MISCONCEPTIONS and row.score is not None and row.score < row.points:
            students[row.code].add(row.student)
            lost[row.code] += row.points - row.score
    items = reteach_list(rows)
    assert {item.code for item in items} == set(students)
    for item in items:
        assert item.students == len(students[item.code])
        assert item.points_lost == pytest.approx(lost[item.code])
    weights = [len(students[item.code]) * lost[item.code] for item in items]
    assert weights == sorted(weights, reverse=True)


def test_a_slip_many_make_outranks_one_students_costly_mistake():
    many = [_row(f"s{n}", "q02_chain", "sign_flip", 1.0, 0.0) for n in range(4)]
    one = [_row("s9", notebook, "product_rule", 13 / 3, 0.0)
           for notebook in ("q06_a", "q06_b", "q06_c")]
    items = reteach_list(many + one)
    assert [item.code for item in items] == ["sign_flip", "product_rule"]
    assert (items[0].weight, items[1].weight) == (16.0, pytest.approx(13.0))


def test_one_misconception_in_three_notebooks_is_one_item():
    rows = [_row(s, notebook, "missing_inner_derivative", 2.0, 0.0)
            for s, notebook in (("a", "q02_chain"), ("b", "q10_power"), ("a", "q11_score"))]
    [item] = reteach_list(rows)
    assert item.notebooks == ("q02_chain", "q10_power", "q11_score")
    assert item.students == 2 and item.points_lost == 6.0


def test_full_credit_pending_scores_and_non_misconceptions_are_left_out():
    rows = [_row("a", "q02", "sign_flip", 2.0, 2.0),            # full credit after all
            _row("b", "q02", "sign_flip", 2.0, None),           # waiting for a TA
            *(_row("c", "q02", code, 2.0, 0.0) for code in OTHERS)]
    assert reteach_list(rows) == []
    assert all(is_misconception(code) for code in MISCONCEPTIONS)
    assert not any(is_misconception(code) for code in OTHERS)


def test_examples_are_the_commonest_answers_without_names_or_function_names():
    answers = ["3(2x+1)^2"] * 5 + ["3*(2*x+1)**2"] * 3 + ["6x"] * 2 + ["x"] + \
        ["function df"] * 9
    rows = [_row(f"student{n}", "q10_power", "missing_inner_derivative", 3.0, 0.0, answer)
            for n, answer in enumerate(answers)]
    [item] = reteach_list(rows)
    assert item.examples == ("3(2x+1)^2", "3*(2*x+1)**2", "6x")[:EXAMPLES]
    assert not any("student" in example for example in item.examples)


class _Elements(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


MATHML = {"math", "mrow", "mi", "mn", "mo", "msup", "msub", "msubsup", "mfrac", "msqrt",
          "mroot", "mtext", "mspace", "mstyle", "mover", "munder", "munderover", "mpadded"}
HOSTILE = ['<img src=x onerror="alert(1)">', r"\frac{1}{2}\text{<img src=x onerror=alert(2)>}",
           r"\href{javascript:alert(3)}{x}", "<math><mi onclick=alert(4)>x</mi></math>",
           "x</code><script>alert(5)</script>", "3(2x+1)^2 <svg onload=alert(6)>"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_answers_typeset_to_nothing_live(text):
    html = str(typeset(text))
    elements = _Elements(html).found
    assert {tag for tag, _ in elements} <= MATHML | {"code"}, elements
    assert not [name for _, attrs in elements for name in attrs
                if name.startswith("on") or name == "href"]
    assert "<script" not in html and "<img" not in html and "<svg" not in html


def test_answers_that_read_as_mathematics_are_typeset_and_numbers_stay_as_typed():
    assert str(typeset("3(2x+1)^2")).startswith("<math")
    assert str(typeset(r"\frac{1}{2 \sqrt{1+x^2}}")).startswith("<math")
    assert str(typeset("-0.6094379124341003")) == "<code>-0.6094379124341003</code>"
    assert str(typeset("function td_update")) == "<code>function td_update</code>"


def test_lesson_sections_are_the_notebooks_titles_typeset(tmp_path):
    import json

    cells = [{"cell_type": "markdown", "metadata": {},
              "source": ["# q08 · Power rule: $f(x) = x^3$\n", "\n", "Some text."]}]
    (tmp_path / "q08_power.ipynb").write_text(json.dumps({"cells": cells}))
    (tmp_path / "broken.ipynb").write_text("not json")
    sections = lesson_sections(tmp_path)
    assert sections == {"q08_power": "q08 · Power rule: $f(x) = x^3$"}
    shown = str(section_html(sections["q08_power"]))
    assert shown.startswith("q08 · Power rule: <math") and "$" not in shown
    assert "&lt;img" in str(section_html("<img src=x onerror=alert(1)> title"))
