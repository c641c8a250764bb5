"""One table of functions: every row reads from text and LaTeX, crosses the wire, and evaluates
to the same value in high precision (mpmath), in torch and in sympy itself."""
from __future__ import annotations

import math

import pytest
import sympy as sp

from calcrl_checks.expressions import functions
from calcrl_checks import parse
from calcrl_checks.expressions.evaluate import evaluate
from calcrl_checks.expressions.torch_eval import to_torch
from calcrl_checks.crossing.wire import decode_expr, encode_expr

pytestmark = pytest.mark.unit

x = sp.Symbol("x")
#: Extra arguments of functions that take more than one (min/max: a second value, clip: bounds).
_MORE = {(1, 2): [sp.Rational(3, 2)], (1, 16): [sp.Rational(1, 5)], (3, 3): [0, 1]}


def _arguments(row: functions.Function) -> list[sp.Expr]:
    return [x, *_MORE.get(row.arity, [])] if row.arity != (1, 1) else [x]


def _call_text(name: str, row: functions.Function) -> str:
    return f"{name}({', '.join(str(a) for a in _arguments(row))})"


ROW_IDS = [row.names[0] for row in functions.ROWS]


@pytest.mark.parametrize("row", functions.ROWS, ids=ROW_IDS)
def test_every_spelling_of_a_row_reads_as_its_function(row):
    expected = row.build(*_arguments(row))
    for name in row.names:
        assert parse(_call_text(name, row), ["x"]) == expected, name


@pytest.mark.parametrize("row", [r for r in functions.ROWS if r.latex],
                         ids=[r.names[0] for r in functions.ROWS if r.latex])
def test_every_latex_command_of_a_row_reads_as_its_function(row):
    expected = row.build(*_arguments(row))
    arguments = ", ".join(str(a) for a in _arguments(row))
    for command in row.latex:
        assert parse(rf"\{command}\left({arguments}\right)", ["x"]) == expected, command


@pytest.mark.parametrize("row", functions.ROWS, ids=ROW_IDS)
def test_every_row_crosses_the_wire_and_evaluates_alike_everywhere(row):
    expr = row.build(*_arguments(row))
    assert decode_expr(encode_expr(expr)) == expr
    point = {"x": row.probe}
    reference = complex(sp.N(expr.subs(x, sp.Float(row.probe, 30)), 30))
    assert reference.imag == 0, "the probe must lie in the function's real domain"
    high = float(evaluate(expr, point))
    assert math.isclose(high, reference.real, rel_tol=1e-12, abs_tol=1e-14)
    import torch

    low = float(to_torch(expr, {"x": torch.tensor(row.probe, dtype=torch.float64)}))
    assert math.isclose(low, reference.real, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("row", [r for r in functions.ROWS if r.inverse],
                         ids=[r.names[0] for r in functions.ROWS if r.inverse])
def test_a_power_of_minus_one_on_a_name_is_the_inverse_function(row):
    inverse = functions.ROWS_BY_NAME[row.inverse]
    assert parse(f"{row.names[0]}^(-1)(x)", ["x"]) == inverse.build(x)
    assert parse(rf"\{row.latex[0]}^{{-1}} x", ["x"]) == inverse.build(x)


def test_the_wire_and_the_evaluator_know_no_function_outside_the_table():
    from calcrl_checks.expressions import evaluate as evaluator
    from calcrl_checks.crossing import wire

    structural = {"Add", "Mul", "Pow", "And", "Or", "Not", "StrictLessThan", "LessThan",
                  "StrictGreaterThan", "GreaterThan", "Equality", "Unequality"}
    table = {node.__name__ for node in functions.nodes()}
    assert set(wire._OPERATORS) - structural == table
    assert set(evaluator._UNARY) <= set(functions.nodes())


@pytest.mark.parametrize("value", [-2.0, 0.0, 0.5, 1.0, 4.0])
def test_a_piecewise_runs_in_torch_as_in_high_precision(value):
    import torch

    expr = sp.Piecewise((x**2, x < 0), (2 * x, x < 1), (3 * x, True))
    low = float(to_torch(expr, {"x": torch.tensor(value, dtype=torch.float64)}))
    assert low == float(evaluate(expr, {"x": value}))
