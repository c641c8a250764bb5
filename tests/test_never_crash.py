"""Never crash: an exception inside a checker becomes ``internal_error`` with a neutral message
(details kept for the instructor), and no answer, however odd, makes a hidden test raise."""
from __future__ import annotations


import pytest
import sympy as sp

from calcrl_checks import CODES, CheckFailed, Hint, check, check_derivative, compare
from calcrl_checks.outcome.guard import MESSAGE
from calcrl_checks.cells.notebook import grade, recording

pytestmark = pytest.mark.unit

x, u = sp.symbols("x u")


def _crashing_hint() -> Hint:
    """An author's hint whose condition fails: a real crash inside the checker."""
    return Hint("never shown", when=lambda answer, expected, points: 1 / 0, code="crashes")


def test_a_crash_inside_compare_is_an_internal_error_with_the_detail_kept():
    verdict = compare("2x", x**2, domain={"x": (0, 1)}, hints=[_crashing_hint()])
    assert verdict.code == "internal_error" and not verdict.passed and verdict.score == 0
    assert verdict.message == MESSAGE
    assert verdict.details["internal_error"] == "ZeroDivisionError: division by zero"
    assert verdict.details["where"].startswith("api.py:")
    assert "internal_error" in CODES


def test_the_neutral_message_reveals_nothing_of_the_check():
    verdict = compare("2x", x**2, domain={"x": (0, 1)}, hints=[_crashing_hint()])
    for secret in ("1 / 0", "ZeroDivision", "x**2", "Hint", "api.py"):
        assert secret not in verdict.message


def test_a_crash_inside_a_check_function_fails_it_with_an_internal_error():
    verdict = check_derivative("3x", of=x**2, wrt=x, hints=[_crashing_hint()])
    assert not verdict.passed and verdict.code == "internal_error"


def test_grade_records_an_internal_error_instead_of_crashing():
    def broken_checker(answer, part=None):
        raise RuntimeError("a bug in a checker")

    with recording() as graded:
        with pytest.raises(CheckFailed):
            grade(broken_checker, "2x", points=1, part="demo")
        with pytest.raises(CheckFailed):
            grade(check, "2x", x**2, domain={"x": "nonsense"}, points=1, part="author")
        with pytest.raises(CheckFailed):
            grade(lambda answer, part=None: "not a verdict", 1, points=1, part="shape")
    assert [g.verdict.code for g in graded] == ["internal_error"] * 3
    assert "a bug in a checker" in graded[0].verdict.details["internal_error"]


def test_an_authors_mistake_still_raises_while_authoring():
    with pytest.raises(ValueError, match="expected answer"):
        compare("x", sp.gamma(x))


def test_an_expected_answer_the_checker_cannot_use_is_the_authors_error():
    with pytest.raises(ValueError, match="expected answer"):
        compare("x", sp.gamma(x))
    with pytest.raises(ValueError, match="expected answer"):
        compare("x", "Sin(x)")


def test_a_201_digit_expected_integer_is_a_verdict():
    big = int("7" * 201)
    assert compare(big, big).passed
    assert compare(str(big)[:60], big).code == "wrong"


def test_a_vector_answer_with_a_helper_symbol_is_called_unsubstituted_not_wrong_shape():
    verdict = compare(["2u", "x"], [2 * (1 + x**2), x], domain={"x": (-1, 1)},
                      unsubstituted={"u": 1 + x**2})
    assert verdict.code == "unsubstituted", verdict.message


def test_a_helper_symbol_in_an_authors_hint_never_escapes_compare():
    verdict = compare("2x", x**2, domain={"x": (0.5, 1)}, unsubstituted={"u": 1 + x**2},
                      hints=[Hint("in terms of u", match=2 * u, code="in_u")])
    assert verdict.code in CODES | {"in_u"}
