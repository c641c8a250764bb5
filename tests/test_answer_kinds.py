"""Every kind of answer a notebook can hold: accepted kinds compare by value, others are
refused unread."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
import torch

from calcrl_checks import compare

pytestmark = pytest.mark.unit

x, y = sp.symbols("x y")
SIGMOID = 1 / (1 + sp.exp(-x))
THIRDS = np.array([1 / 3, 2 / 3, -5 / 7])


# -- numbers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("answer", [
    3, 3.0, np.int32(3), np.int64(3), np.uint8(3), np.float32(3), np.float64(3),
    np.complex128(3), sp.Integer(3), sp.Float(3.0), sp.Rational(6, 2), "3", "6/2",
])
def test_numbers_of_every_kind(answer):
    assert compare(answer, 3).code == "correct"
    assert compare(answer, 4).passed is False


@pytest.mark.parametrize("answer, expected", [
    (sp.pi, math.pi), (sp.E, math.e), (sp.sqrt(2), math.sqrt(2)),
    (np.float32(1 / 3), sp.Rational(1, 3)),      # float32 rounding is within float32 tolerance
    (np.float16(1 / 3), sp.Rational(1, 3)),
])
def test_number_precision_follows_the_answers_type(answer, expected):
    assert compare(answer, expected).code == "correct"


def test_float64_numbers_get_no_float16_slack():
    assert compare(float(np.float16(1 / 3)), sp.Rational(1, 3)).passed is False


# -- sequences and arrays ------------------------------------------------------------------------
@pytest.mark.parametrize("answer", [
    [1 / 3, 2 / 3, -5 / 7], (1 / 3, 2 / 3, -5 / 7), THIRDS, THIRDS.astype(np.float32),
    [np.float64(1 / 3), 2 / 3, -5 / 7], [sp.Rational(1, 3), sp.Rational(2, 3), sp.Rational(-5, 7)],
    ["1/3", "2/3", "-5/7"],
])
def test_sequences_and_arrays(answer):
    assert compare(answer, THIRDS).code == "correct"
    assert compare(answer, THIRDS[::-1]).passed is False


def test_sympy_column_vector_is_a_sequence():
    assert compare(sp.Matrix([2 * x, y]), [2 * x, y]).code == "correct"


def test_a_float_array_matches_a_list_of_integers():
    assert compare(np.array([4.0, 5.0]), [4, 5]).passed


# -- torch tensors --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
def test_tensors_of_each_dtype_pass_with_their_own_rounding(dtype):
    tensor = torch.tensor(THIRDS, dtype=dtype)
    assert compare(tensor, THIRDS).code == "correct"
    assert compare(tensor * 1.05, THIRDS).passed is False


def test_bfloat16_tolerance_is_not_granted_to_float32():
    rounded = torch.tensor(THIRDS, dtype=torch.bfloat16).float()   # bfloat16 values as float32
    assert compare(rounded, THIRDS).passed is False


@pytest.mark.parametrize("make", [
    lambda: torch.tensor(THIRDS, requires_grad=True),
    lambda: torch.tensor(THIRDS, dtype=torch.float32, requires_grad=True) * 1,
    lambda: torch.nn.Parameter(torch.tensor(THIRDS)),
])
def test_tensors_that_require_grad_are_read_detached(make):
    tensor = make()
    assert compare(tensor, THIRDS).code == "correct"
    assert tensor.requires_grad


def test_tensor_of_sigmoid_values_in_float32():
    points = np.linspace(-3, 3, 7)
    answer = torch.sigmoid(torch.tensor(points, dtype=torch.float32))
    assert compare(answer, 1 / (1 + np.exp(-points))).code == "correct"


def test_a_boolean_tensor_is_refused():
    assert compare(torch.tensor([True, False]), [1.0, 0.0]).code == "wrong_type"


# -- functions ------------------------------------------------------------------------------------
def vectorised(v):
    return 1 / (1 + np.exp(-v))


def scalar_only(v):
    return 1 / (1 + math.exp(-v))          # math.exp refuses arrays: called per point


def in_torch(v):
    return torch.sigmoid(v)


@pytest.mark.parametrize("function, options", [
    (vectorised, {}),
    (scalar_only, {}),
    (np.vectorize(scalar_only), {}),
    (in_torch, {"call_with": "torch"}),
    (lambda v: torch.sigmoid(v.float()), {"call_with": "torch"}),       # float32 inside
    (lambda v: torch.sigmoid(v.to(torch.bfloat16)), {"call_with": "torch"}),
    (lambda v: (1 / (1 + np.exp(-v))).astype(np.float32), {}),
])
def test_functions_are_called_at_the_sample_points(function, options):
    assert compare(function, SIGMOID, **options).code == "correct"


def test_a_function_of_several_arguments_is_called_in_domain_order():
    verdict = compare(lambda a, b: a - 2 * b, x - 2 * y, {"x": (-1, 1), "y": (2, 3)})
    assert verdict.code == "correct"
    assert compare(lambda a, b: b - 2 * a, x - 2 * y, {"x": (-1, 1), "y": (2, 3)}).passed is False


def test_scalar_function_declared_vectorised_is_not_called_per_point():
    verdict = compare(scalar_only, SIGMOID, vectorized=True)
    assert verdict.code == "raised"
    assert "TypeError" in verdict.message


def test_a_non_vectorised_function_hears_how_to_fix_it():
    verdict = compare(lambda v: math.exp(v), sp.exp(x), vectorized=True)
    assert verdict.code == "raised" and "np.exp" in verdict.message


def test_torch_check_refuses_a_numpy_result():
    verdict = compare(lambda v: np.asarray(v) * 2.0, 2 * x, call_with="torch")
    assert verdict.code == "wrong_type"
    assert "it should return a tensor" in verdict.message


# -- refused kinds --------------------------------------------------------------------------------
class Rigged:
    """Claims to equal everything; the checker must never ask it."""

    calls: list[str] = []

    def __eq__(self, other):
        Rigged.calls.append("__eq__")
        return True

    def __ne__(self, other):
        Rigged.calls.append("__ne__")
        return False

    def __sub__(self, other):
        Rigged.calls.append("__sub__")
        return 0.0

    __rsub__ = __sub__

    def __float__(self):
        Rigged.calls.append("__float__")
        return 1.0

    def __array__(self, *args, **kwargs):
        Rigged.calls.append("__array__")
        return np.array(1.0)

    def __abs__(self):
        Rigged.calls.append("__abs__")
        return 0.0

    def __iter__(self):
        Rigged.calls.append("__iter__")
        return iter([])

    def __len__(self):
        Rigged.calls.append("__len__")
        return 0

    __hash__ = object.__hash__


class RiggedSymbol(sp.Symbol):
    """A sympy Symbol subclass that claims to equal everything."""

    def __eq__(self, other):
        Rigged.calls.append("RiggedSymbol.__eq__")
        return True

    __hash__ = sp.Symbol.__hash__


class RiggedFloat(float):
    def __eq__(self, other):
        Rigged.calls.append("RiggedFloat.__eq__")
        return True

    __hash__ = float.__hash__


class RiggedArray(np.ndarray):
    def __eq__(self, other):
        Rigged.calls.append("RiggedArray.__eq__")
        return np.ones(np.shape(self), dtype=bool)


@pytest.mark.parametrize("answer", [
    None, True, False, np.True_, {"x": 1}, {1.0}, b"2*x", int, Rigged, Rigged(),
    RiggedSymbol("x"), 2 * RiggedSymbol("x"), RiggedFloat(2.0),
    np.zeros(3).view(RiggedArray), [Rigged(), 1.0], np.array(["2x"]),
], ids=lambda a: type(a).__name__)
def test_values_that_are_not_answers_are_refused_unread(answer):
    Rigged.calls.clear()
    verdict = compare(answer, 2 * x)
    assert (verdict.passed, verdict.code, verdict.score) == (False, "wrong_type", 0.0)
    assert verdict.message.startswith("Wrong kind of answer")
    assert Rigged.calls == []


def test_none_gets_a_pointed_message():
    assert "did you forget to assign it" in compare(None, 2 * x).message


# -- shapes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("answer, expected", [
    ([1.0, 2.0], 3.0),
    ([1.0, 2.0, 3.0], [1.0, 2.0]),
    (np.ones((2, 2)), np.ones(4)),
    ([[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, 4.0]]),
    ([2 * x, x], 2 * x),
    (lambda v: np.stack([v, v]), x),
    (np.zeros(10_000_001, dtype=np.uint8), np.zeros(3)),
])
def test_wrong_shapes(answer, expected):
    verdict = compare(answer, expected)
    assert (verdict.passed, verdict.code) == (False, "wrong_shape"), verdict.message


def test_wrong_shape_message_states_both_shapes():
    verdict = compare([1.0, 2.0, 3.0], [1.0, 2.0])
    assert "shape (3,) but shape (2,) is expected" in verdict.message


# -- symbols --------------------------------------------------------------------------------------
def test_a_symbol_the_question_does_not_have():
    z = sp.Symbol("z")
    verdict = compare(2 * x * z, 2 * x)
    assert (verdict.passed, verdict.code) == (False, "unknown_symbol")
    assert "z (this question's symbols: x)" in verdict.message


def test_unevaluated_calculus_in_a_sympy_answer_is_unsafe():
    for answer in (sp.Derivative(x**2, x), sp.Integral(2 * x, x)):
        assert compare(answer, 2 * x).code == "unsafe_input"


def test_unsupported_sympy_functions_are_the_wrong_kind():
    assert compare(sp.gamma(x), 2 * x).code == "wrong_type"
    assert compare(sp.Function("f")(x), 2 * x).code == "wrong_type"


@pytest.mark.parametrize("student", [lambda x: x if x > 0 else 0 * x,
                                     lambda x: min(x, 1.0),
                                     lambda x: x if (x > 0) and (x < 1) else 0 * x])
def test_a_branch_on_a_whole_array_is_explained_not_numpys_words(student):
    verdict = compare(student, sp.Piecewise((x, x > 0), (0, True)), domain={"x": (-2, 2)},
                      vectorized=True)
    assert verdict.code == "raised"
    assert "np.where" in verdict.message and "a.any()" not in verdict.message


def test_a_branch_on_a_whole_tensor_is_explained_not_torchs_words():
    def student(x):
        return x if x > 0 else 0 * x

    verdict = compare(student, sp.Piecewise((x, x > 0), (0, True)), domain={"x": (-2, 2)},
                      call_with="torch", vectorized=True)
    assert verdict.code == "raised", verdict.message
    assert "torch.where" in verdict.message and "ambiguous" not in verdict.message
