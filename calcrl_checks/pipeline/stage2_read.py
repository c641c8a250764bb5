"""Reading an answer: from what the student gave to a side the checker can evaluate.

:func:`read_answer` returns a :class:`Reading`, data in every case: the side (an expression, a
function or constant values), how the answer was read (shown to the student when text was
parsed), the helper symbols it still used (``u`` written for ``1 + x^2``), or, when it cannot
be read, the refusal (its code and text). :func:`read_expected` reads the author's expected
answer the same way; a problem there is the author's and raises :class:`AuthorError`.

>>> from calcrl_checks.pipeline.stage0_options import Options, Setup
>>> setup = Setup.resolve(None, Options(domain={"x": (-1, 1)}))
>>> read_answer("2x + 1", setup).shown
'2*x + 1'
>>> read_answer("2y", setup).refusal.code   # y is not one of this question's symbols
'parse_error'
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from calcrl_checks.outcome import messages
from calcrl_checks.outcome import codes
from calcrl_checks.pipeline.stage1_adapt import Answer, adapt
from calcrl_checks.outcome.errors import AuthorError, ParseError, Refused
from calcrl_checks.pipeline.stage0_options import Setup
from calcrl_checks.expressions.parsing import parse
from calcrl_checks.expressions.parsing.tokens import MAX_EXPONENT
from calcrl_checks.pipeline.stage4_evaluate import ConstantSide, ExpressionSide, FunctionSide, Side
from calcrl_checks.pipeline.stage5_compare import typed_digits


@dataclass(frozen=True)
class Reading:
    """What reading an answer gave: a ``side``, or a ``refusal`` saying why not."""

    side: Side | None = None
    #: The parsed expression as the student's message shows it ("we read your answer as ...").
    shown: str | None = None
    #: Helper symbols the answer used, written out in the side.
    leftover: frozenset[str] = frozenset()
    refusal: Refused | None = None


def read_answer(value: Any, setup: Setup) -> Reading:
    """The student's answer as a side to evaluate, or the reason it cannot be read."""
    leftover: set[str] = set()
    shown: list[str | None] = [None]
    try:
        side = _side(value, setup, trusted=False, shown=shown, leftover=leftover)
    except ParseError as error:
        return Reading(shown=shown[0], refusal=Refused(error.code, str(error)))
    except Refused as refusal:
        return Reading(shown=shown[0], refusal=refusal)
    return Reading(side, shown[0], frozenset(leftover))


def read_expected(expected: Any, setup: Setup) -> Side:
    """The expected side; a problem here is the question author's, never the student's."""
    try:
        return _side(expected, setup, trusted=True, shown=[None], leftover=set())
    except (Refused, ParseError) as problem:
        raise AuthorError(f"the expected answer cannot be used by calcrl_checks: "
                          f"{getattr(problem, 'message', problem)}") from None


def _side(value: Any, setup: Setup, trusted: bool, shown: list[str | None],
          leftover: set[str]) -> Side:
    """One side as values at points; helper symbols it still uses (u = 1 + x^2) are written
    out, and their names collected in ``leftover``."""
    answer = adapt(value) if not (trusted and isinstance(value, (list, tuple)) and
                                  any(isinstance(v, sp.Basic) for v in value)) \
        else Answer("expressions", [Answer("expression", sp.sympify(v)) for v in value])
    if answer.kind == "text":
        expr = _parse(answer.value, setup)
        shown[0] = messages.show_expression(expr, typed_digits(answer.value) is not None)
        return ExpressionSide([_in_range(_resolve(expr, setup, leftover))], vector=False,
                              trusted=trusted)
    if answer.kind == "expression":
        return ExpressionSide([_in_range(_resolve(_own_symbols(answer.value, setup), setup,
                                                  leftover))], vector=False, trusted=trusted)
    if answer.kind == "expressions":
        exprs = [_entry(part, setup) for part in answer.value]
        if any(p.kind == "text" for p in answer.value):
            decimals = any(p.kind == "text" and typed_digits(p.value) is not None
                           for p in answer.value)
            shown[0] = "[" + ", ".join(messages.show_expression(e, decimals)
                                       for e in exprs) + "]"
        return ExpressionSide([_resolve(e, setup, leftover) for e in exprs], vector=True,
                              trusted=trusted)
    if answer.kind == "function":
        return FunctionSide(answer, list(setup.domain), setup.vectorized, setup.call_with,
                            trusted=trusted)
    if answer.kind == "number" and isinstance(answer.value, (int, Fraction)):
        # Whole numbers and fractions stay exact (a 201-digit integer is no float).
        exact = sp.Rational(answer.value.numerator, answer.value.denominator)
        return ExpressionSide([exact], vector=False, trusted=trusted)
    return ConstantSide(np.asarray(answer.value), precision=answer.source_dtype)


def _entry(part: Answer, setup: Setup) -> sp.Expr:
    """One entry of a list of expressions: text, an exact or float number, or an expression."""
    if part.kind == "text":
        return _parse(part.value, setup)
    if part.kind == "number":
        return sp.Rational(part.value.numerator, part.value.denominator) \
            if isinstance(part.value, (int, Fraction)) else sp.Float(complex(part.value).real)
    return _own_symbols(part.value, setup)


def _in_range(expr: sp.Expr) -> sp.Expr:
    """An exact number the checker can compare: one beyond the largest power of ten a typed
    number may have (``MAX_EXPONENT``) would only be compared as float overflow.

    >>> _in_range(sp.Integer(10) ** 300) == 10 ** 300
    True
    >>> try:
    ...     _in_range(sp.Integer(10) ** 400)
    ... except Refused as refused:
    ...     print(refused.message.split(";")[0])
    your answer is a number of about 10^400
    """
    if expr.is_Rational and expr != 0:
        exponent = math.floor(math.log10(abs(expr.p)) - math.log10(expr.q))
        if exponent > MAX_EXPONENT:
            raise Refused(codes.UNSAFE_INPUT, messages.refusal(
                "number_out_of_range", exponent=exponent, limit=MAX_EXPONENT))
    return expr


def _parse(text: str, setup: Setup) -> sp.Expr:
    return parse(text, symbols=setup.names + list(setup.unsubstituted))


def _own_symbols(expr: sp.Expr, setup: Setup) -> sp.Expr:
    allowed = set(setup.names) | set(setup.unsubstituted)
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in allowed)
    if unknown:
        known = ", ".join(setup.names) or "none"
        raise Refused(codes.UNKNOWN_SYMBOL,
                      messages.refusal("unknown_symbols", unknown=', '.join(unknown), known=known))
    return expr


def _resolve(expr: sp.Expr, setup: Setup, leftover: set[str]) -> sp.Expr:
    """Substitute helper symbols the student should have written out (u = 1 + x^2)."""
    used = [s for s in expr.free_symbols if s.name in setup.unsubstituted]
    if not used:
        return expr
    leftover.update(s.name for s in used)
    return expr.xreplace({s: setup.unsubstituted[s.name] for s in used})
