"""The one table of mathematical functions an answer may use.

Every stage that knows functions reads this table: the text parser (which names a student may
type, how many arguments), the LaTeX reader (which ``\\commands`` are functions), the wire
decoder (which sympy node types may cross), the high-precision evaluator (``mpmath``) and the
torch path (autograd references). Adding a row makes a function available everywhere at once;
``tests/test_function_table.py`` round-trips every row through all five.

>>> ROWS_BY_NAME["cosec"].node.__name__, ROWS_BY_NAME["sin"].inverse
('csc', 'asin')
>>> sorted(text_names())[:4]
['Abs', 'Heaviside', 'Max', 'Min']
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy as sp


@dataclass(frozen=True)
class Function:
    """One function: the spellings a student may use and how each stage computes it.

    ``node`` is the sympy class the function builds, or None for helpers defined by a formula
    (``sigmoid``), which build other rows' nodes. ``mpmath`` and ``torch`` compute the node (None
    where the evaluator or the torch path treat it specially). ``inverse`` names the row that
    ``f^(-1)`` means (``sin^(-1) x`` is ``asin x``). ``probe`` is a point inside the real domain,
    used by the round-trip test.
    """

    names: tuple[str, ...]
    build: Callable[..., sp.Expr]
    node: type | None = None
    mpmath: Callable[[Any], Any] | None = None
    torch: Callable[[Any, Any], Any] | None = None
    latex: tuple[str, ...] = ()
    arity: tuple[int, int] = (1, 1)
    inverse: str | None = None
    probe: float = 0.7


def _sigmoid(x: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-x))


def _softplus(x: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(x))


def _relu(x: sp.Expr) -> sp.Expr:
    return sp.Max(0, x)


def _cbrt(x: sp.Expr) -> sp.Expr:
    """The real cube root, as ``(-8)^(1/3)`` reads (``parsing/grammar.bounded_power``): a
    negative constant's root is negative, never sympy's principal complex root."""
    if x.is_Number and x.is_negative:
        return -sp.cbrt(-x)
    return sp.cbrt(x)


def _clip(x: sp.Expr, low: sp.Expr, high: sp.Expr) -> sp.Expr:
    return sp.Min(sp.Max(x, low), high)


def _log(x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    return sp.log(x) if base is None else sp.log(x) / sp.log(base)


def _unary(node: type, names: tuple[str, ...], mp: Callable[[Any], Any],
           torch: Callable[[Any, Any], Any], latex: tuple[str, ...] = (),
           inverse: str | None = None, probe: float = 0.7) -> Function:
    return Function(names, node, node, mp, torch, latex, (1, 1), inverse, probe)


#: Every function, one row each. The first name is the one messages use.
ROWS: tuple[Function, ...] = (
    _unary(sp.exp, ("exp",), mpmath.exp, lambda t, a: t.exp(a), ("exp",)),
    Function(("log", "ln"), _log, sp.log, None, lambda t, a: t.log(a), ("ln", "log"), (1, 2)),
    Function(("log2",), lambda x: sp.log(x) / sp.log(2), probe=1.7),
    Function(("log10",), lambda x: sp.log(x) / sp.log(10), probe=1.7),
    Function(("sqrt",), sp.sqrt, probe=1.7),
    Function(("cbrt",), _cbrt, probe=1.7),
    _unary(sp.Abs, ("abs", "Abs"), abs, lambda t, a: t.abs(a), ("abs",)),
    _unary(sp.sign, ("sign", "sgn"), lambda v: mpmath.mpf(mpmath.sign(v)),
           lambda t, a: t.sign(a), ("sgn", "sign")),
    Function(("heaviside", "Heaviside"), sp.Heaviside, sp.Heaviside, None,
             lambda t, a: t.heaviside(a, t.tensor(0.5, dtype=a.dtype))),
    Function(("min", "Min"), sp.Min, sp.Min, None, None, ("min",), (1, 16)),
    Function(("max", "Max"), sp.Max, sp.Max, None, None, ("max",), (1, 16)),
    # trigonometric, their reciprocals and inverses
    _unary(sp.sin, ("sin",), mpmath.sin, lambda t, a: t.sin(a), ("sin",), "asin"),
    _unary(sp.cos, ("cos",), mpmath.cos, lambda t, a: t.cos(a), ("cos",), "acos"),
    _unary(sp.tan, ("tan",), mpmath.tan, lambda t, a: t.tan(a), ("tan",), "atan"),
    _unary(sp.sec, ("sec",), mpmath.sec, lambda t, a: 1 / t.cos(a), ("sec",), "asec"),
    _unary(sp.csc, ("csc", "cosec"), mpmath.csc, lambda t, a: 1 / t.sin(a),
           ("csc", "cosec"), "acsc"),
    _unary(sp.cot, ("cot", "cotan"), mpmath.cot, lambda t, a: 1 / t.tan(a), ("cot",), "acot"),
    _unary(sp.asin, ("asin", "arcsin"), mpmath.asin, lambda t, a: t.asin(a), ("arcsin",)),
    _unary(sp.acos, ("acos", "arccos"), mpmath.acos, lambda t, a: t.acos(a), ("arccos",)),
    _unary(sp.atan, ("atan", "arctan"), mpmath.atan, lambda t, a: t.atan(a), ("arctan",)),
    _unary(sp.asec, ("asec", "arcsec"), mpmath.asec, lambda t, a: t.acos(1 / a),
           ("arcsec",), probe=1.7),
    _unary(sp.acsc, ("acsc", "arccsc", "arccosec"), mpmath.acsc, lambda t, a: t.asin(1 / a),
           ("arccsc",), probe=1.7),
    _unary(sp.acot, ("acot", "arccot"), mpmath.acot, lambda t, a: t.atan(1 / a), ("arccot",)),
    # hyperbolic, their reciprocals and inverses
    _unary(sp.sinh, ("sinh",), mpmath.sinh, lambda t, a: t.sinh(a), ("sinh",), "asinh"),
    _unary(sp.cosh, ("cosh",), mpmath.cosh, lambda t, a: t.cosh(a), ("cosh",), "acosh"),
    _unary(sp.tanh, ("tanh",), mpmath.tanh, lambda t, a: t.tanh(a), ("tanh",), "atanh"),
    _unary(sp.sech, ("sech",), mpmath.sech, lambda t, a: 1 / t.cosh(a), ("sech",), "asech"),
    _unary(sp.csch, ("csch", "cosech"), mpmath.csch, lambda t, a: 1 / t.sinh(a),
           ("csch", "cosech"), "acsch"),
    _unary(sp.coth, ("coth",), mpmath.coth, lambda t, a: 1 / t.tanh(a), ("coth",), "acoth"),
    _unary(sp.asinh, ("asinh", "arsinh", "arcsinh"), mpmath.asinh, lambda t, a: t.asinh(a),
           ("arsinh", "arcsinh")),
    _unary(sp.acosh, ("acosh", "arcosh", "arccosh"), mpmath.acosh, lambda t, a: t.acosh(a),
           ("arcosh", "arccosh"), probe=1.7),
    _unary(sp.atanh, ("atanh", "artanh", "arctanh"), mpmath.atanh, lambda t, a: t.atanh(a),
           ("artanh", "arctanh")),
    _unary(sp.asech, ("asech", "arsech", "arcsech"), mpmath.asech,
           lambda t, a: t.acosh(1 / a), ("arsech",)),
    _unary(sp.acsch, ("acsch", "arcsch", "arccsch"), mpmath.acsch,
           lambda t, a: t.asinh(1 / a), ("arcsch",)),
    _unary(sp.acoth, ("acoth", "arcoth", "arccoth"), mpmath.acoth,
           lambda t, a: t.atanh(1 / a), ("arcoth",), probe=1.7),
    # RL helpers, defined by their formulas
    Function(("sigmoid", "sigma"), _sigmoid, latex=("sigma",)),
    Function(("softplus",), _softplus),
    Function(("relu",), _relu),
    Function(("clip",), _clip, arity=(3, 3), probe=0.7),
)

ROWS_BY_NAME: dict[str, Function] = {name: row for row in ROWS for name in row.names}
ROWS_BY_LATEX: dict[str, Function] = {name: row for row in ROWS for name in row.latex}
ROWS_BY_NODE: dict[type, Function] = {row.node: row for row in ROWS if row.node is not None}


def text_names() -> set[str]:
    """Every function name a student may type."""
    return set(ROWS_BY_NAME)


def latex_names() -> set[str]:
    """Every LaTeX command that names a function (``\\sin``, ``\\arcsec``...)."""
    return set(ROWS_BY_LATEX)


def nodes() -> tuple[type, ...]:
    """The sympy node classes functions build (the wire's and evaluator's vocabulary)."""
    return tuple(ROWS_BY_NODE)


def mpmath_unary() -> dict[type, Callable[[Any], Any]]:
    """Node class -> mpmath function, for one-argument nodes the evaluator computes directly."""
    return {row.node: row.mpmath for row in ROWS
            if row.node is not None and row.mpmath is not None}


def torch_unary() -> dict[type, Callable[[Any, Any], Any]]:
    """Node class -> ``f(torch, tensor)``, for nodes the torch path computes directly."""
    return {row.node: row.torch for row in ROWS if row.node is not None and row.torch is not None}
