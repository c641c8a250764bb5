"""The plain-data wire form: every value a student's code can hold round-trips with its type;
the decoder trusts nothing."""
from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
import torch

from calcrl_checks import compare
from calcrl_checks.crossing.wire import Unsupported, decode_value, encode_value
from calcrl_checks.outcome.errors import Refused

pytestmark = pytest.mark.unit

x, y = sp.symbols("x y")


def travel(value):
    """``value`` as the grader rebuilds it from the sandbox's plain data."""
    return decode_value(encode_value(value))


EXPRESSIONS = [
    sp.exp(x) / 2,
    2 * x * sp.cos(x**2),
    sp.log(1 + sp.exp(x)) - sp.sqrt(1 + x**2) + x ** sp.Rational(1, 3),
    sp.Rational(1, 3) + sp.pi * sp.E + sp.I,
    sp.Max(x, 0) + sp.Min(x, y, 1) + sp.Heaviside(x) + sp.sign(x) + sp.Abs(y),
    sp.Piecewise((x**2, x > 0), (-x, sp.And(x <= 0, y > 1)), (0, True)),
    sp.tanh(x) * sp.sinh(y) + sp.atan(x) + sp.sec(y),
    sp.Integer(10) ** 50 * x - sp.Integer(-7),
    sp.oo, sp.nan,
]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=sp.sstr)
def test_expressions_round_trip(expr):
    assert travel(expr) == expr


def test_encoded_expressions_are_plain_json():
    data = encode_value(2 * x * sp.cos(x**2))
    assert data["kind"] == "expression"
    assert json.loads(json.dumps(data)) == data


def test_floats_keep_their_value():
    expr = sp.Float("0.1") * x + sp.Float("2.5e-30")
    decoded = travel(expr)
    assert abs(decoded.subs(x, 1) - expr.subs(x, 1)) < 1e-15
    assert decoded.free_symbols == {x}


@pytest.mark.parametrize("number", [
    3, -5, 10**70, 2.5, 1 + 2j, np.float64(0.25), np.int64(7), np.float32(0.1), True, None,
])
def test_numbers_round_trip_with_their_type(number):
    decoded = travel(number)
    assert decoded == number and type(decoded) is type(number)


def test_integers_stay_exact():
    assert travel(10**70 + 1) == 10**70 + 1


def test_real_numbers_round_trip_as_floats():
    assert decode_value(encode_value(2.5)) == 2.5
    assert isinstance(decode_value(encode_value(2.5)), float)
    assert decode_value(encode_value(1 + 2j)) == 1 + 2j


def test_containers_keep_their_nesting():
    value = [(1, 2.5), ["x", [np.float64(3.0)]], sp.Matrix([[x, 1]])]
    decoded = travel(value)
    assert decoded == value and type(decoded[0]) is tuple


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int32", "int64",
                                   "uint8", "complex64", "complex128"])
def test_arrays_round_trip_with_dtype_and_shape(dtype):
    array = (np.arange(6) - 2).astype(dtype).reshape(2, 3)
    decoded = travel(array)
    assert decoded.dtype == np.dtype(dtype)
    assert decoded.shape == (2, 3)
    np.testing.assert_array_equal(decoded, array)


def test_array_bytes_are_little_endian():
    data = encode_value(np.array([1.0], dtype=">f8"))
    assert data["data"] == np.array([1.0], dtype="<f8").tobytes()
    assert decode_value(data).tolist() == [1.0]


@pytest.mark.parametrize("tensor, dtype, torch_dtype", [
    (torch.tensor([1.5, -2.25]), "float32", "float32"),
    (torch.tensor([1.5, -2.25], dtype=torch.float64), "float64", "float64"),
    (torch.tensor([1.5, -2.25], dtype=torch.bfloat16), "float32", "bfloat16"),
    (torch.tensor([1.5, -2.25], requires_grad=True), "float32", "float32"),
    (torch.tensor([3, 4]), "int64", "int64"),
])
def test_tensors_travel_as_raw_arrays(tensor, dtype, torch_dtype):
    data = encode_value(tensor)
    assert (data["kind"], data["dtype"], data["torch_dtype"]) == ("tensor", dtype, torch_dtype)
    decoded = travel(tensor)
    assert type(decoded) is torch.Tensor and not decoded.requires_grad
    torch.testing.assert_close(decoded, tensor.detach())


def test_text_travels_as_text():
    assert travel("2x e^x") == "2x e^x"


def test_a_function_crosses_only_as_a_handle_the_engine_hands_out():
    decoded = travel(lambda v: v)
    assert type(decoded) is Unsupported and decoded.type_name == "function"


# -- the encoder refuses what is not plain data ---------------------------------------------------
class RiggedSymbol(sp.Symbol):
    def __eq__(self, other):
        return True

    __hash__ = sp.Symbol.__hash__


@pytest.mark.parametrize("value", [RiggedSymbol("x") + 1, sp.gamma(x), sp.Function("f")(x),
                                   sp.Derivative(x**2, x), object(), None])
def test_encoder_refuses_what_it_cannot_rebuild(value):
    decoded = travel(value)
    if value is None:
        assert decoded is None and compare(decoded, x).code == "wrong_type"
    else:
        assert type(decoded) in (Refused, Unsupported)
        assert compare(decoded, x).code in ("wrong_type", "unsafe_input")


def test_an_expression_with_more_than_5000_nodes_is_refused():
    big = sp.Add(*[sp.Symbol(f"s{i}") ** 2 for i in range(2600)])
    refused = travel(big)
    assert type(refused) is Refused and refused.code == "unsafe_input"
    tree = ["Add", *[["Symbol", f"s{i}"] for i in range(5001)]]
    with pytest.raises(ValueError):
        decode_value({"kind": "expression", "tree": tree})


def test_a_small_expression_is_accepted():
    small = sp.Add(*[sp.Symbol(f"s{i}") for i in range(1000)])
    assert travel(small) == small


# -- the decoder refuses anything it does not know ------------------------------------------------
FLOAT_BYTES = np.zeros(2).tobytes()

MALFORMED = [
    "not a dict",
    {"kind": "pickle", "data": b"cos\nsystem\n"},
    {"kind": None},
    {"kind": "expression", "tree": ["Eval", "x"]},
    {"kind": "expression", "tree": ["Function", ["Symbol", "x"]]},
    {"kind": "expression", "tree": ["Symbol", "__import__('os')"]},
    {"kind": "expression", "tree": ["Integer", "1" * 1001]},   # past MAX_INTEGER_DIGITS
    {"kind": "expression", "tree": ["Integer", "1e5"]},
    {"kind": "expression", "tree": ["Float", "nan and more text"]},
    {"kind": "expression", "tree": ["Piecewise", ["Symbol", "x"]]},
    {"kind": "expression", "tree": "x"},
    {"kind": "expression", "tree": []},
    {"kind": "expression", "tree": ["Pow", ["Integer", "9"], ["Integer", "999999999"]]},
    {"kind": "array", "dtype": "float64", "shape": [3], "data": FLOAT_BYTES},
    {"kind": "array", "dtype": "float64", "shape": [1], "data": FLOAT_BYTES},
    {"kind": "array", "dtype": "object", "shape": [2], "data": FLOAT_BYTES},
    {"kind": "array", "dtype": "V8", "shape": [2], "data": FLOAT_BYTES},
    {"kind": "array", "dtype": "float64", "shape": [-2], "data": FLOAT_BYTES},
    {"kind": "array", "dtype": "float64", "shape": "2", "data": FLOAT_BYTES},
    {"kind": "array", "dtype": "float64", "shape": [2], "data": "AAAAAAAAAAA="},
    {"kind": "int", "value": "12abc"},
    {"kind": "complex", "real": "1" * 100, "imag": "0"},
    {"kind": "float", "value": "1e999999"},
    {"kind": "tensor", "torch_dtype": "qint8", "dtype": "int8", "shape": [2],
     "data": np.zeros(2, dtype="int8").tobytes()},
    {"kind": "list", "items": ["not a dict"]},
]


@pytest.mark.parametrize("data", MALFORMED, ids=range(len(MALFORMED)))
def test_decoder_refuses_malformed_data_with_value_error(data):
    with pytest.raises(ValueError):
        decode_value(data)


def test_the_decoder_refuses_floats_out_of_range():
    with pytest.raises(ValueError):
        decode_value({"kind": "complex", "real": "1e999999", "imag": "0.0"})


@pytest.mark.parametrize("answer, expected", [
    ("2x cos(x^2)", 2 * x * sp.cos(x**2)),
    (2 * x * sp.cos(x**2), 2 * x * sp.cos(x**2)),
    (x * sp.cos(x**2), 2 * x * sp.cos(x**2)),
    (torch.tensor([1 / 3, 0.25], dtype=torch.float32), [1 / 3, 0.25]),
    (np.array([0.25, 0.5]), [0.5, 0.25]),
])
def test_decoded_answers_get_the_same_verdict(answer, expected):
    original = compare(answer, expected)
    travelled = compare(travel(answer), expected)
    assert (travelled.passed, travelled.code) == (original.passed, original.code)
