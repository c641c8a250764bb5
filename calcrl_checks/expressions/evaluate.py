"""Evaluate sympy expressions at sample points in high precision, without code generation.

A small interpreter over the whitelisted node types. High precision makes a correct answer
written as a long expanded polynomial (heavy cancellation) evaluate to the same value as the
factored form. Points at kinks (where Abs, sign, Heaviside, Min/Max or a Piecewise condition
switches) are reported so both sides skip them.
"""
from __future__ import annotations

from collections.abc import Mapping

import mpmath
import sympy as sp

from calcrl_checks.expressions.functions import mpmath_unary
from calcrl_checks.outcome.errors import CalcrlError

#: Working precision in decimal digits.
DIGITS = 60
#: A point this close to a kink (in the switching quantity) is skipped.
KINK_MARGIN = 1e-7
#: Relative nudge used to tell a kink (the quantity changes sign) from a tie that holds nearby.
_NUDGE = 1e-4


class Undefined(CalcrlError, ArithmeticError):
    """The expression has no real value at this point."""


#: One-argument nodes computed directly, from the one function table (log, Heaviside, Min and
#: Max are handled below: they need care at zero or take several arguments).
_UNARY = mpmath_unary()


def evaluate(expr: sp.Basic, values: Mapping[str, float]) -> mpmath.mpf:
    """The real value of ``expr`` with symbols (by name) set to ``values``.

    Raises :class:`Undefined` where the value is not a finite real number.
    """
    with mpmath.workdps(DIGITS):
        result = _real(_eval(expr, values))
        if not mpmath.isfinite(result):
            raise Undefined("not finite")
        return +result


def _real(value: mpmath.mpf | mpmath.mpc) -> mpmath.mpf:
    """A value that must be real to go on (a result, or a side of a comparison): a complex
    value whose imaginary part is only rounding is its real part; any other has no order and
    no real value."""
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > mpmath.mpf(10) ** (-DIGITS // 2) * (1 + abs(value.real)):
            raise Undefined("complex value")
        return value.real
    return value


def _eval(node: sp.Basic, values: Mapping[str, float]) -> mpmath.mpf:
    if node.is_Symbol:
        return mpmath.mpf(values[node.name])
    if node.is_Integer:
        return mpmath.mpf(int(node))
    if node.is_Rational:
        return mpmath.mpf(int(node.p)) / int(node.q)
    if node.is_Float:
        return mpmath.mpf(node._mpf_)
    if node is sp.E:
        return mpmath.e
    if node is sp.pi:
        return mpmath.pi
    if node.is_Add:
        total = mpmath.mpf(0)
        for term in node.args:
            total += _eval(term, values)
        return total
    if node.is_Mul:
        product = mpmath.mpf(1)
        for factor in node.args:
            product *= _eval(factor, values)
        return product
    if node.is_Pow:
        base = _eval(node.base, values)
        exponent = _eval(node.exp, values)
        if base == 0 and _real(exponent) < 0:
            raise Undefined("division by zero")
        if node.exp.is_Rational and node.exp.q % 2 == 1 and isinstance(base, mpmath.mpf) \
                and base < 0:
            # Real odd roots of negative numbers: (-8)^(1/3) = -2, as students mean it.
            return -((-base) ** exponent) if node.exp.p % 2 else (-base) ** exponent
        return mpmath.power(base, exponent)
    func = node.func
    if func in _UNARY:
        return _UNARY[func](_eval(node.args[0], values))
    if func is sp.log:
        argument = _eval(node.args[0], values)
        if argument == 0:
            raise Undefined("log of zero")
        return mpmath.log(argument)
    if func is sp.Heaviside:
        argument = _real(_eval(node.args[0], values))
        return mpmath.mpf(1) if argument > 0 else mpmath.mpf(0) if argument < 0 else \
            mpmath.mpf(1) / 2
    if func is sp.Min:
        return min(_real(_eval(a, values)) for a in node.args)
    if func is sp.Max:
        return max(_real(_eval(a, values)) for a in node.args)
    if func is sp.Piecewise:
        for piece, condition in node.args:
            if _truth(condition, values):
                return _eval(piece, values)
        raise Undefined("no Piecewise branch applies")
    raise Undefined(f"cannot evaluate {func}")


def holds(condition: sp.Basic, values: Mapping[str, float]) -> bool:
    """Whether a condition (a relational, And/Or/Not) is true at a point; False if undefined."""
    try:
        return _truth(condition, values)
    except Undefined:
        return False


def _truth(condition: sp.Basic, values: Mapping[str, float]) -> bool:
    if condition is sp.true:
        return True
    if condition is sp.false:
        return False
    if isinstance(condition, sp.And):
        return all(_truth(c, values) for c in condition.args)
    if isinstance(condition, sp.Or):
        return any(_truth(c, values) for c in condition.args)
    if isinstance(condition, sp.Not):
        return not _truth(condition.args[0], values)
    if isinstance(condition, sp.core.relational.Relational):
        left, right = _real(_eval(condition.lhs, values)), _real(_eval(condition.rhs, values))
        # mpmath is untyped: its comparisons are bools.
        holds: bool = {"<": left < right, "<=": left <= right, ">": left > right,
                       ">=": left >= right, "==": left == right,
                       "!=": left != right}[condition.rel_op]
        return holds
    raise Undefined(f"cannot decide {condition}")


def switching_quantities(expr: sp.Basic) -> list[sp.Expr]:
    """Quantities whose zeros are the kinks of ``expr`` (where its formula switches)."""
    found: list[sp.Expr] = []
    for node in sp.preorder_traversal(expr):
        if node.func in (sp.Abs, sp.sign, sp.Heaviside):
            found.append(node.args[0])
        elif node.func in (sp.Min, sp.Max):
            arguments = node.args
            found.extend(a - b for i, a in enumerate(arguments) for b in arguments[i + 1:])
        elif isinstance(node, sp.core.relational.Relational):
            found.append(node.lhs - node.rhs)
    return found


def near_kink(quantities: list[sp.Expr], values: Mapping[str, float]) -> bool:
    """True when a point sits on (or numerically at) a point where a formula switches.

    A switching quantity that is zero here *and* all around (Min(r, r) inside a clip range,
    where both branches agree) is not a kink: the point is kept.
    """
    for quantity in quantities:
        try:
            if abs(evaluate(quantity, values)) >= KINK_MARGIN:
                continue
            if not _zero_all_around(quantity, values):
                return True
        except Undefined:
            return True
    return False


def _zero_all_around(quantity: sp.Expr, values: Mapping[str, float]) -> bool:
    scalars = [name for name, value in values.items() if isinstance(value, float)
               and sp.Symbol(name) in quantity.free_symbols]
    for name in scalars:
        for step in (-_NUDGE, _NUDGE):
            nudged = dict(values)
            nudged[name] = values[name] + step * (1 + abs(values[name]))
            if abs(evaluate(quantity, nudged)) >= KINK_MARGIN:
                return False
    return bool(scalars)
