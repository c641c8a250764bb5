"""The plain-data wire form: every answer kind round-trips; the decoder trusts nothing."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest
import sympy as sp
import torch

from calcrl_checks import wire
from calcrl_checks import compare
from calcrl_checks.errors import Refused, UnsafeInput

x, y = sp.symbols("x y")

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
    assert wire.decode(wire.encode(expr)) == expr
    assert wire.loads(wire.dumps(expr)) == expr


def test_encoded_expressions_are_plain_json():
    data = wire.encode(2 * x * sp.cos(x**2))
    assert data["kind"] == "expression"
    assert json.loads(json.dumps(data)) == data


def test_floats_keep_their_value():
    expr = sp.Float("0.1") * x + sp.Float("2.5e-30")
    decoded = wire.decode(wire.encode(expr))
    assert abs(decoded.subs(x, 1) - expr.subs(x, 1)) < 1e-15
    assert decoded.free_symbols == {x}


@pytest.mark.parametrize("number, decoded", [
    (3, 3), (-5, -5), (10**70, 10**70), (2.5, 2.5), (1 + 2j, 1 + 2j),
    (np.float64(0.25), 0.25), (np.int64(7), 7.0),
])
def test_numbers_round_trip(number, decoded):
    assert wire.decode(wire.encode(number)) == decoded
    assert wire.loads(wire.dumps(number)) == decoded


def test_integers_stay_exact():
    assert wire.loads(wire.dumps(10**70 + 1)) == 10**70 + 1


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int32", "int64",
                                   "uint8", "complex64", "complex128"])
def test_arrays_round_trip_with_dtype_and_shape(dtype):
    array = (np.arange(6) - 2).astype(dtype).reshape(2, 3)
    for decoded in (wire.decode(wire.encode(array)), wire.loads(wire.dumps(array))):
        assert decoded.dtype == np.dtype(dtype)
        assert decoded.shape == (2, 3)
        np.testing.assert_array_equal(decoded, array)


def test_array_bytes_are_little_endian():
    data = wire.encode(np.array([1.0], dtype=">f8"))
    assert data["data"] == np.array([1.0], dtype="<f8").tobytes()
    assert wire.decode(data).tolist() == [1.0]


@pytest.mark.parametrize("tensor, dtype, source", [
    (torch.tensor([1.5, -2.25]), "float32", "float32"),
    (torch.tensor([1.5, -2.25], dtype=torch.float64), "float64", "float64"),
    (torch.tensor([1.5, -2.25], dtype=torch.bfloat16), "float32", "bfloat16"),
    (torch.tensor([1.5, -2.25], requires_grad=True), "float32", "float32"),
    (torch.tensor([3, 4]), "int64", "float64"),
])
def test_tensors_travel_as_raw_arrays(tensor, dtype, source):
    data = wire.encode(tensor)
    assert (data["kind"], data["dtype"], data["source_dtype"]) == ("array", dtype, source)
    np.testing.assert_array_equal(wire.loads(wire.dumps(tensor)),
                                  tensor.detach().float().numpy())


def test_text_travels_as_text():
    assert wire.loads(wire.dumps("2x e^x")) == "2x e^x"


def test_functions_travel_as_their_values_at_given_inputs():
    data = wire.encode(lambda v: np.asarray(v) ** 2, at=[(1.5,), (np.array([1.0, 2.0]),)])
    assert data["kind"] == "function_values"
    decoded = wire.loads(json.dumps(data, default=lambda b: {"base64": base64.b64encode(b)
                                                             .decode()}))
    (inputs_1, output_1), (inputs_2, output_2) = decoded
    assert inputs_1 == (1.5,) and output_1 == 2.25
    np.testing.assert_array_equal(inputs_2[0], [1.0, 2.0])
    np.testing.assert_array_equal(output_2, [1.0, 4.0])


def test_a_function_needs_inputs_to_be_encoded():
    with pytest.raises(ValueError):
        wire.encode(lambda v: v)


# -- the encoder refuses what is not plain data ---------------------------------------------------
class RiggedSymbol(sp.Symbol):
    def __eq__(self, other):
        return True

    __hash__ = sp.Symbol.__hash__


@pytest.mark.parametrize("value", [RiggedSymbol("x") + 1, sp.gamma(x), sp.Function("f")(x),
                                   sp.Derivative(x**2, x), object(), None])
def test_encoder_refuses_what_it_cannot_rebuild(value):
    with pytest.raises((Refused, UnsafeInput)):
        wire.encode(value)


def test_an_expression_with_more_than_5000_nodes_is_refused():
    big = sp.Add(*[sp.Symbol(f"s{i}") ** 2 for i in range(2600)])
    with pytest.raises(UnsafeInput):
        wire.encode(big)
    tree = ["Add", *[["Symbol", f"s{i}"] for i in range(5001)]]
    with pytest.raises(ValueError):
        wire.decode({"kind": "expression", "tree": tree})


def test_a_small_expression_is_accepted():
    small = sp.Add(*[sp.Symbol(f"s{i}") for i in range(1000)])
    assert wire.decode(wire.encode(small)) == small


# -- the decoder refuses anything it does not know ------------------------------------------------
FLOAT_BYTES = np.zeros(2).tobytes()

MALFORMED = [
    "not a dict",
    {"kind": "pickle", "data": b"cos\nsystem\n"},
    {"kind": None},
    {"kind": "expression", "tree": ["Eval", "x"]},
    {"kind": "expression", "tree": ["Function", ["Symbol", "x"]]},
    {"kind": "expression", "tree": ["Symbol", "__import__('os')"]},
    {"kind": "expression", "tree": ["Integer", "1" * 100]},
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
    {"kind": "number", "int": "12abc"},
    {"kind": "number", "real": "1" * 100, "imag": "0"},
]


@pytest.mark.parametrize("data", MALFORMED, ids=range(len(MALFORMED)))
def test_decoder_refuses_malformed_data_with_value_error(data):
    with pytest.raises(ValueError):
        wire.decode(data)


def test_loads_refuses_bad_base64():
    text = json.dumps({"kind": "array", "dtype": "float64", "shape": [1],
                       "data": {"base64": "not base64!"}})
    with pytest.raises(ValueError):
        wire.loads(text)


@pytest.mark.parametrize("answer, expected", [
    ("2x cos(x^2)", 2 * x * sp.cos(x**2)),
    (2 * x * sp.cos(x**2), 2 * x * sp.cos(x**2)),
    (x * sp.cos(x**2), 2 * x * sp.cos(x**2)),
    (torch.tensor([1 / 3, 0.25], dtype=torch.float32), [1 / 3, 0.25]),
    (np.array([0.25, 0.5]), [0.5, 0.25]),
])
def test_decoded_answers_get_the_same_verdict(answer, expected):
    original = compare(answer, expected)
    travelled = compare(wire.loads(wire.dumps(answer)), expected)
    assert (travelled.passed, travelled.code) == (original.passed, original.code)
