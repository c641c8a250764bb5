"""Properties over random expressions: disguises of an answer pass, simple slips are named.

Expressions come from a small grammar over x (sums, products and small powers of exp, sin,
cos, log(1 + u^2) and integer polynomials). The proof step is switched off (``prove=False``):
it only labels passing answers, and leaving it on would spend its budget on every example.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sympy.printing.str import StrPrinter

from calcrl_checks import compare

pytestmark = pytest.mark.unit

x = sp.Symbol("x")
DOMAIN = {"x": (-1.5, 1.5)}
GRID = np.linspace(-1.5, 1.5, 41)

leaves = st.one_of(st.just(x), st.integers(-3, 3).map(sp.Integer))


def _compound(children):
    return st.one_of(
        st.tuples(children, children).map(lambda pair: pair[0] + pair[1]),
        st.tuples(children, children).map(lambda pair: pair[0] * pair[1]),
        st.tuples(children, st.integers(2, 3)).map(lambda pair: pair[0] ** pair[1]),
        children.map(sp.exp),
        children.map(sp.sin),
        children.map(sp.cos),
        children.map(lambda u: sp.log(1 + u**2)),
    )


expressions = st.recursive(leaves, _compound, max_leaves=10)

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def sampled(expr: sp.Expr) -> np.ndarray:
    """Float64 values on a grid over the domain, to tell which examples are degenerate."""
    with np.errstate(all="ignore"):
        values = sp.lambdify(x, expr, "numpy")(GRID)
    return np.broadcast_to(np.asarray(values, dtype=float), GRID.shape)


def usable(expr: sp.Expr) -> np.ndarray:
    """The grid values of an example, after discarding ones too large for a fair comparison."""
    values = sampled(expr)
    assume(np.isfinite(values).all() and np.abs(values).max() < 1e8)
    return values


class _TextPrinter(StrPrinter):
    """sstr in the reader's spelling (Euler's number as e); a marked p is written ``template``."""

    def __init__(self, template: str = "{}"):
        super().__init__()
        self.template = template

    def _print_Exp1(self, expr):
        return "e"

    def _print_Function(self, expr):
        if expr.func is _MARK:
            return self.template.format(self._print(expr.args[0]))
        return super()._print_Function(expr)


_MARK = sp.Function("positive")


def text(expr: sp.Expr, positive_as: str = "({})") -> str:
    """Text for ``expr``, each outermost exp(u) and 1 + u^2 (positive) written ``positive_as``
    (the default keeps their brackets: (x**2 + 1)*exp(x) must not print as x**2 + 1*exp(x))."""
    positive = {node: _MARK(node) for node in sp.preorder_traversal(expr)
                if node.func is sp.exp or (node.is_Add and sp.Integer(1) in node.args
                                           and any(t.is_Pow and t.exp == 2 for t in node.args))}
    return _TextPrinter(positive_as).doprint(expr.xreplace(positive))


def disguises(expr: sp.Expr) -> dict[str, object]:
    terms = sp.Add.make_args(expr)
    forms: dict[str, object] = {
        "expanded": sp.expand(expr),
        "factored": sp.factor(expr),
        "over (1 + x^2)": sp.expand(expr * (1 + x**2)) / (1 + x**2),
        "terms reversed, as text": " + ".join(f"({text(t)})" for t in reversed(terms)),
        "through exp(log(...))": text(expr, positive_as="exp(log({}))"),
        "through sqrt(p^2)": text(expr, positive_as="sqrt(({})^2)"),
    }
    if not expr.has(sp.E):
        # sympy prints Euler's number as E; the answer reader knows only e (for 'E' it
        # suggests 'e'), so sympy's own text is read back only for expressions without it.
        forms["sstr, parsed back"] = sp.sstr(expr)
    return forms


@SETTINGS
@given(expressions)
def test_an_expression_equals_itself_in_disguise(expr):
    usable(expr)
    for name, disguise in disguises(expr).items():
        verdict = compare(disguise, expr, DOMAIN, prove=False)
        assert verdict.code == "correct", f"{name}: {disguise}\n{verdict.message}"


@SETTINGS
@given(expressions)
def test_the_negated_expression_is_a_sign_flip(expr):
    values = usable(expr)
    assume(np.abs(values).max() > 1e-6)
    verdict = compare(-1 * expr, expr, DOMAIN, prove=False)
    assert verdict.code == "sign_flip", verdict.message


@SETTINGS
@given(expressions)
def test_the_doubled_expression_is_a_constant_factor(expr):
    values = usable(expr)
    assume(np.count_nonzero(np.abs(values) > 1e-6) >= 3)
    verdict = compare(2 * expr, expr, DOMAIN, prove=False)
    assert verdict.code == "constant_factor", verdict.message
    assert "is 2 × the expected value" in verdict.message


@SETTINGS
@given(expressions)
def test_a_shifted_expression_is_an_additive_constant(expr):
    values = usable(expr)
    assume(np.ptp(values) > 1e-6)                   # a constant plus 3 is just another constant
    verdict = compare(expr + 3, expr, DOMAIN, prove=False)
    assert verdict.code == "additive_constant", verdict.message
