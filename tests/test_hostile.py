"""Hostile and broken answers: every one ends as a verdict, quietly and within the budget."""
from __future__ import annotations

import signal
import sys
import time
import warnings

import numpy as np
import pytest
import sympy as sp

from calcrl_checks import Vector, check_update_rule, compare
from verdicts import verdict_of

pytestmark = pytest.mark.unit

x = sp.Symbol("x")
EXPECTED = 2 * x


@pytest.fixture(autouse=True)
def no_timer_left_behind():
    """A check must leave no alarm timer or handler behind, whatever the answer did."""
    handler = signal.getsignal(signal.SIGALRM)
    yield
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is handler


# -- text that tries to run code ---------------------------------------------------------------
def test_text_that_would_write_a_file_is_never_run(tmp_path):
    target = tmp_path / "pwned_calcrl"
    verdict = compare(f"__import__('os').system('touch {target}')", EXPECTED)
    assert verdict.code == "unsafe_input"
    assert not target.exists()


@pytest.mark.parametrize("text", [
    "().__class__.__bases__[0].__subclasses__()",
    "exec(\"import os; os.system('true')\")",
    "eval('2*x')",
    "open('/etc/passwd').read()",
    "getattr(x, 'real')",
    "lambda: 2*x",
    "x.__class__",
    "[c for c in ()]",
    "sympify('2*x')",
    "__builtins__",
    "S(2)*x",
])
def test_code_in_text_is_refused_as_unsafe(text):
    verdict = compare(text, EXPECTED)
    assert (verdict.passed, verdict.code) == (False, "unsafe_input"), verdict.message
    assert verdict.message.startswith("This answer cannot be accepted")


@pytest.mark.parametrize("text", ["2*x; import os", "x if x else 1", "x = 2*x", "2*x # comment"])
def test_statements_in_text_are_refused(text):
    verdict = compare(text, EXPECTED)
    assert verdict.code in ("unsafe_input", "parse_error"), verdict.message
    assert not verdict.passed


def test_latex_commands_outside_the_whitelist_are_not_expanded():
    verdict = compare(r"\input{/etc/passwd} x", EXPECTED)
    assert verdict.code == "parse_error"
    assert "unknown LaTeX command \\input" in verdict.message


# -- text that is too big to compute -------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "9^9^9", "10^10^10", "2^(2^(2^(2^5)))", "x^(10^9)", "(1e300)^(1e300)",
    "1" * 61, "1e999999", "x" * 2001, "(" * 60 + "x" + ")" * 60, "x" + "^x" * 60,
    "-" * 60 + "x",
])
def test_huge_or_deeply_nested_text_is_refused(text):
    started = time.monotonic()
    verdict = compare(text, EXPECTED)
    assert verdict.code == "unsafe_input", verdict.message
    assert time.monotonic() - started < 2          # hang detector only


def test_an_expression_too_costly_to_evaluate_times_out():
    started = time.monotonic()
    verdict = compare("exp(exp(exp(exp(x))))", EXPECTED)
    assert (verdict.passed, verdict.code) == (False, "timeout")
    assert "simplify" in verdict.message.lower()
    assert time.monotonic() - started < 30         # hang detector only


# -- functions that misbehave --------------------------------------------------------------------
def raises(v):
    raise ValueError("student bug")


def loops(v):
    while True:
        pass


def loops_swallowing(v):
    while True:
        try:
            while True:
                pass
        except Exception:
            pass


def sleeps(v):
    time.sleep(100)


def slow_per_point(v):
    time.sleep(0.2)
    return 2 * float(v)       # float() refuses arrays, so every point is a separate slow call


def allocates(v):
    return np.zeros(10**13)


def recurses(v):
    return recurses(v)


def returns_nan(v):
    return v * np.nan


def returns_inf(v):
    return 2 * v + np.inf


def returns_text(v):
    return "2*x"


def returns_rigged(v):
    class Anything(float):
        def __eq__(self, other):
            return True
    return Anything(2.0)


def returns_vectors(v):
    return np.stack([v, v], axis=-1)


def returns_ragged(v):
    return np.ones(int(abs(float(np.sum(v))) * 10) % 3 + 1)


@pytest.mark.parametrize("function, code", [
    (raises, "raised"),
    (allocates, "raised"),
    (recurses, "raised"),
    (returns_nan, "not_finite"),
    (returns_inf, "not_finite"),
    (returns_text, "wrong_type"),
    (returns_rigged, "wrong_type"),
    (returns_vectors, "wrong_shape"),
    (returns_ragged, "wrong_shape"),
])
def test_misbehaving_functions_become_verdicts(function, code):
    verdict = compare(function, EXPECTED)
    assert (verdict.passed, verdict.code, verdict.score) == (False, code, 0.0), verdict.message


def test_the_error_a_function_raised_is_reported():
    assert "ValueError at input 1: student bug" in compare(raises, EXPECTED).message
    assert "MemoryError" in compare(allocates, EXPECTED).message
    assert "RecursionError" in compare(recurses, EXPECTED).message


def test_a_function_that_calls_exit_is_a_verdict():
    def leaves(value):
        raise SystemExit(0)

    verdict = compare(leaves, sp.sin(x))
    assert verdict.code == "raised" and "exit" in verdict.message


@pytest.mark.parametrize("function, seconds", [
    (loops, 2),
    (loops_swallowing, 2),
    (sleeps, 2),
    (slow_per_point, 4),          # each call is quick; together they exceed the check's budget
])
def test_functions_that_do_not_finish_time_out(function, seconds):
    started = time.monotonic()
    verdict = compare(function, EXPECTED)
    elapsed = time.monotonic() - started
    assert (verdict.passed, verdict.code) == (False, "timeout")
    assert verdict.message.startswith("Could not check this answer in time: it did not finish "
                                      f"within {seconds} seconds.")
    assert elapsed < 30                            # hang detector only


# -- silence --------------------------------------------------------------------------------------
def noisy(v):
    print("debug output")
    print("a student's debugging on stderr", file=sys.stderr)
    sys.stderr.write("more\n")
    return 2 * v


def warns(v):
    warnings.warn("a student's warning", stacklevel=1)
    warnings.warn("deprecated!", DeprecationWarning, stacklevel=1)
    np.log(np.zeros(3))                            # RuntimeWarning: divide by zero
    return 2 * v


def overflows(v):
    return np.exp(v) / (1 + np.exp(v))


@pytest.mark.parametrize("function, expected, domain, code", [
    (noisy, EXPECTED, None, "correct"),
    (warns, EXPECTED, None, "correct"),
    (overflows, 1 / (1 + sp.exp(-x)), {"x": (-1000, 1000)}, "not_finite"),
    (raises, EXPECTED, None, "raised"),
])
def test_checks_write_nothing_and_let_no_warning_escape(capfd, function, expected, domain, code):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        verdict = compare(function, expected, domain)
    assert verdict.code == code
    assert caught == []
    assert capfd.readouterr() == ("", "")


def test_text_answers_are_silent_too(capfd):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        verdicts = [compare(text, EXPECTED) for text in ("log(0)", "sqrt(-1)", "0^(-1)", "9^9^9")]
    assert [v.passed for v in verdicts] == [False] * 4
    assert caught == []
    assert capfd.readouterr() == ("", "")


# -- update rules that change their inputs -------------------------------------------------------
t0, t1, g0, g1, a = sp.symbols("t0 t1 g0 g1 a")
UPDATE_DOMAIN = {"theta": Vector(2, names=("t0", "t1")), "g": Vector(2, names=("g0", "g1")),
                 "a": (0.01, 0.5)}
ASCENT = [t0 + a * g0, t1 + a * g1]


def ascent_in_place(theta, g, alpha):
    theta += alpha * g
    return theta


def ascent_scaling_g(theta, g, alpha):
    g *= alpha
    return theta + g


def ascent_torch_in_place(theta, g, alpha):
    return theta.add_(alpha * g)


@pytest.mark.parametrize("function, types, mutated", [
    (ascent_in_place, ("numpy",), "theta"),
    (ascent_scaling_g, ("numpy",), "g"),
    (ascent_torch_in_place, ("torch",), "theta"),
])
def test_update_rules_that_mutate_their_inputs(function, types, mutated):
    verdict = verdict_of(check_update_rule, function, ASCENT, UPDATE_DOMAIN, param="theta",
                         types=types)
    assert (verdict.passed, verdict.code) == (False, "inputs_mutated")
    assert f"changed its input {mutated} in place" in verdict.message
