"""Visible checks: help a student get the *form* of an answer right without revealing it.

Each function checks type, shape, symbols or a property, prints one friendly line when the form
is fine, and raises :class:`VisibleCheckFailed` (an AssertionError) with a specific message when
it is not.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from calcrl_checks.pipeline.stage1_adapt import (ONE_EXPRESSION_KINDS, Answer, Kind, adapt,
                                                describe_type, is_function)
from calcrl_checks.outcome.budget import CALL_SECONDS, quiet
from calcrl_checks.outcome.errors import BudgetExceeded, CalcrlError, ParseError, Refused
from calcrl_checks.expressions.parsing import parse
from calcrl_checks.pipeline.stage4_evaluate import call_student
from calcrl_checks.cells import undefined_answers

undefined_answers.install()

#: What a form check adds when nothing before submission can judge the value: the student must
#: not read a form check's success as the answer being right.
_LATER = " Its value is graded after you submit."

#: Kinds a visible check uses as they are (text is parsed first); typed, as in ``stage1_adapt``.
_USED_AS_THEY_ARE: tuple[Kind, ...] = ("expression", "number")


class VisibleCheckFailed(CalcrlError, AssertionError):
    """A visible check found something to fix; its text says what."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows in place of a traceback: the message alone, not the checker's
        code (IPython calls this hook on any exception that has it).

        >>> VisibleCheckFailed("df should be an expression")._render_traceback_()
        ['VisibleCheckFailed: df should be an expression']
        """
        return [f"{type(self).__name__}: {self}"]


def expression(answer: Any, symbols: Iterable[str], name: str = "your answer",
               later: bool = True) -> None:
    """The answer is an expression (sympy, text or LaTeX) in the given symbols only. With
    ``later`` (the default) it also says the value is graded after submission.

    >>> expression("2x e^x", ["x"], "df")
    df reads as 2*x*exp(x): an expression in x. Its value is graded after you submit.
    """
    import sympy as sp

    allowed = list(symbols)
    expr = read_expression(answer, allowed, name)
    print(f"{name} reads as {sp.sstr(expr)}: an expression in {', '.join(allowed)}."
          + (_LATER if later else ""))


def read_expression(answer: Any, symbols: Iterable[str], name: str = "your answer") -> Any:
    """The answer as a sympy expression in the given symbols only, or
    :class:`VisibleCheckFailed` saying why it is not one (nothing printed: the checks that
    print use :func:`expression`).

    >>> read_expression("2x e^x", ["x"], "df")
    2*x*exp(x)
    """
    import sympy as sp

    allowed = list(symbols)
    kind = _adapted(answer, name)
    if kind.kind == "text":
        try:
            expr = parse(kind.value, symbols=allowed)
        except ParseError as error:
            raise VisibleCheckFailed(f"{name} could not be read: {error}") from None
    elif kind.kind in _USED_AS_THEY_ARE:
        expr = sp.sympify(kind.value)
    else:
        raise VisibleCheckFailed(f"{name} should be an expression (sympy or text), not a "
                             f"{describe_type(answer)}")
    extra = sorted(s.name for s in expr.free_symbols if s.name not in allowed)
    if extra:
        raise VisibleCheckFailed(f"{name} uses {', '.join(extra)}; use only {', '.join(allowed)}")
    return expr


def number(answer: Any, name: str = "your answer", later: bool = True) -> None:
    """The answer is one finite real number, of any kind the hidden tests accept: ``int``,
    ``float``, ``Fraction``, numpy scalars and 0-d arrays, sympy numbers (``sp.sqrt(5)/5``),
    a 0-d tensor, or text such as ``"1/sqrt(5)"``. With ``later`` (the default) it also says
    the value is graded after submission.

    >>> from fractions import Fraction
    >>> number(Fraction(6, 5), "slope")
    slope is a finite number. Its value is graded after you submit.
    """
    value = _constant(_adapted(answer, name), answer, name)
    if not np.isfinite(value):
        raise VisibleCheckFailed(f"{name} is {value}; it should be finite")
    print(f"{name} is a finite number." + _LATER * later)


def array(answer: Any, shape: Sequence[int], name: str = "your answer",
          later: bool = True) -> None:
    """The answer holds finite numbers of the given shape: a list, tuple, numpy array, tensor
    or sympy vector, whose entries may be any number the hidden tests accept. With ``later``
    (the default) it also says the values are graded after submission."""
    kind = _adapted(answer, name)
    if kind.kind == "array":
        values = np.asarray(kind.value)
    elif kind.kind == "expressions":
        values = np.array([_constant(part, part.value, name) for part in kind.value])
    elif kind.kind in ONE_EXPRESSION_KINDS:
        values = np.asarray(_constant(kind, answer, name))
    else:
        raise VisibleCheckFailed(f"{name} should be numbers with shape {tuple(shape)}, not a "
                             f"{describe_type(answer)}")
    if values.shape != tuple(shape):
        raise VisibleCheckFailed(f"{name} has shape {values.shape}; shape {tuple(shape)} is "
                                 "expected")
    if not np.isfinite(values).all():
        raise VisibleCheckFailed(f"{name} contains NaN or inf")
    print(f"{name} has shape {values.shape} and finite entries." + _LATER * later)


def function(answer: Any, arguments: Sequence[Any], shape: Sequence[int] | None = None,
             name: str = "your function", later: bool = True) -> None:
    """The answer is a function (as the hidden tests accept one) that runs on the sample
    arguments and returns finite values of ``shape``. It is called on copies, so the sample
    arguments are never changed; a function that changes them in place is told so. With
    ``later`` (the default) it also says the values are graded after submission. Returns
    None: a test cell ending on it leaves no value nbgrader could read as a score.

    Warnings and output from the call are silenced, as in the hidden tests.
    """
    import copy

    if not is_function(answer):
        raise VisibleCheckFailed(f"{name} should be a function (def or lambda), not a "
                             f"{describe_type(answer)}")
    given = [copy.deepcopy(a) for a in arguments]
    with quiet():
        try:
            result = call_student(answer, given, subject=name)
        except BudgetExceeded:
            raise VisibleCheckFailed(f"{name} did not finish within {CALL_SECONDS:g} "
                                     "seconds") from None
        except Refused as refusal:
            raise VisibleCheckFailed(refusal.message) from None
    values = _as_float_array(result, name)
    if shape is not None and values.shape != tuple(shape):
        raise VisibleCheckFailed(f"{name} returned shape {values.shape}; shape {tuple(shape)} is "
                             "expected")
    if not np.isfinite(values).all():
        raise VisibleCheckFailed(f"{name} returned NaN or inf for a simple input")
    changed = [str(i + 1) for i, (before, after) in enumerate(zip(arguments, given))
               if not _same(before, after)]
    if changed:
        print(f"Careful: {name} changed its argument {', '.join(changed)} in place; the tests "
              "give no points for a function that changes its inputs. Return a new value "
              "instead.")
    returned = "a number" if values.ndim == 0 else f"shape {values.shape}"
    print(f"{name} runs and returns {returned}." + _LATER * later)


def _adapted(answer: Any, name: str) -> Answer:
    """The answer as the hidden tests' first stage sees it (the same refusals, word for word)."""

    try:
        return adapt(answer)
    except Refused as refusal:
        raise VisibleCheckFailed(f"{name}: {refusal.message}") from None


def _constant(kind: Answer, answer: Any, name: str) -> float:
    """The real value of an adapted answer that should be one number."""
    import sympy as sp

    value: Any = kind.value
    if kind.kind == "array" and np.ndim(value) == 0:
        value = np.asarray(value).item()
    elif kind.kind == "text":
        try:
            value = parse(value, symbols=[])
        except ParseError as error:
            raise VisibleCheckFailed(f"{name} could not be read as a number: {error}") from None
    elif kind.kind not in _USED_AS_THEY_ARE:
        raise VisibleCheckFailed(f"{name} should be one number, not a {describe_type(answer)}"
                             + (f" of shape {np.shape(value)}" if kind.kind == "array" else ""))
    if isinstance(value, sp.Basic):
        if value.free_symbols:
            raise VisibleCheckFailed(f"{name} should be a number, but it uses "
                                 f"{', '.join(sorted(s.name for s in value.free_symbols))}")
        value = complex(sp.N(value, 30))
    number = complex(value)
    if abs(number.imag) > 1e-12 * (1 + abs(number.real)):
        raise VisibleCheckFailed(f"{name} is a complex number; a real number is expected")
    return float(number.real) if abs(number.real) < 1e308 else float("inf")


def _same(before: Any, after: Any) -> bool:
    try:
        return bool(np.array_equal(np.asarray(before), np.asarray(after), equal_nan=True))
    except Exception:
        return True


def _as_float_array(value: Any, name: str) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise VisibleCheckFailed(f"{name} returned a {describe_type(value)}, not numbers") from None
