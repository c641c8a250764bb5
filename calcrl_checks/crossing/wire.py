"""Plain-data form of every value crossing the sandbox boundary: JSON-ready dicts, raw array
bytes, no pickle.

Grading outside the student's kernel is built on this: the kernel sends plain data, the grader
decodes it with a decoder that knows a fixed list of node types and refuses everything else.
Encoding checks exact types, so an object that merely *claims* to be a number or a sympy node
(a subclass with a rigged ``__eq__``) is refused here.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> decode_value(encode_value(sp.exp(x) / 2)) == sp.exp(x) / 2
True
"""
from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp
from sympy.core import numbers as _numbers

from calcrl_checks.outcome import codes, messages
from calcrl_checks.outcome.errors import CalcrlError, Refused, UnsafeInput
from calcrl_checks.expressions.functions import nodes as function_nodes
from calcrl_checks.expressions.parsing.grammar import bounded_power

#: Largest expression tree accepted, in nodes, and its deepest nesting.
MAX_NODES = 5000
MAX_DEPTH = 200
#: Longest exact integer (or numerator, denominator) accepted, in decimal digits: far above
#: any exact number the parser builds from an answer (its powers stop at 400 digits), cheap
#: to read, and below Python's own limit on converting integers to text.
MAX_INTEGER_DIGITS = 1000

_LEAVES: dict[type, Callable[[Any], list[Any]]] = {
    sp.Symbol: lambda n: ["Symbol", n.name],
    sp.Integer: lambda n: ["Integer", str(int(n))],
    _numbers.Zero: lambda n: ["Integer", "0"],
    _numbers.One: lambda n: ["Integer", "1"],
    _numbers.NegativeOne: lambda n: ["Integer", "-1"],
    _numbers.Half: lambda n: ["Rational", "1", "2"],
    sp.Rational: lambda n: ["Rational", str(int(n.p)), str(int(n.q))],
    sp.Float: lambda n: ["Float", sp.Float(n, 30).__str__()],
    _numbers.Exp1: lambda n: ["E"],
    _numbers.Pi: lambda n: ["pi"],
    _numbers.ImaginaryUnit: lambda n: ["I"],
    _numbers.Infinity: lambda n: ["oo"],
    _numbers.NegativeInfinity: lambda n: ["-oo"],
    _numbers.ComplexInfinity: lambda n: ["zoo"],
    _numbers.NaN: lambda n: ["nan"],
    type(sp.true): lambda n: ["true"],
    type(sp.false): lambda n: ["false"],
}
_LEAF_VALUES = {"E": sp.E, "pi": sp.pi, "I": sp.I, "oo": sp.oo, "-oo": -sp.oo, "zoo": sp.zoo,
                "nan": sp.nan, "true": sp.true, "false": sp.false}

#: Node types that may cross: arithmetic, logic and relations, and every function of the table.
_OPERATORS: dict[str, type] = {cls.__name__: cls for cls in (
    sp.Add, sp.Mul, sp.Pow, sp.And, sp.Or, sp.Not, sp.StrictLessThan, sp.LessThan,
    sp.StrictGreaterThan, sp.GreaterThan, sp.Equality, sp.Unequality, *function_nodes())}
_REFUSED_SYMPY = {"Derivative": "an unevaluated Derivative", "Integral": "an unevaluated Integral",
                  "Subs": "an unevaluated Subs", "Limit": "an unevaluated Limit"}

_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64",
           "complex64", "complex128"}
_DTYPE_NAMES = {np.dtype(name): name for name in _DTYPES}
#: Byte orders whose bytes are already little-endian ("=" is native: little on this machine).
_LITTLE = {"<", "|"} | ({"="} if sys.byteorder == "little" else set())


# -- expressions ---------------------------------------------------------------------------------
def encode_expr(expr: sp.Basic) -> list[Any]:
    """Nested-list form of a sympy expression built only from whitelisted node types."""
    budget = [MAX_NODES]

    def walk(node: Any, depth: int) -> list[Any]:
        budget[0] -= 1
        if budget[0] < 0:
            raise UnsafeInput(f"your expression has more than {MAX_NODES} parts; simplify it")
        if depth > MAX_DEPTH:
            raise UnsafeInput(f"your expression is nested more than {MAX_DEPTH} levels deep")
        kind = type(node)
        if isinstance(node, sp.Rational) and _too_long(node):
            raise UnsafeInput(f"a number in your expression has more than {MAX_INTEGER_DIGITS} "
                              "digits")
        if kind in _LEAVES:
            return _LEAVES[kind](node)
        if kind in _REAL_PARTS and type(node.args[0]) is sp.Symbol:
            # Every symbol of a question stands for a real number, so re(x) is x and im(x)
            # is 0: sympy's real_root(x, 3) is written with them.
            return ["Symbol", node.args[0].name] if kind is sp.re else ["Integer", "0"]
        if kind is sp.Piecewise:
            return ["Piecewise", *[[walk(e, depth + 1), walk(c, depth + 1)] for e, c in node.args]]
        name = kind.__name__
        if _OPERATORS.get(name) is kind:
            return [name, *[walk(arg, depth + 1) for arg in node.args]]
        if name in _REFUSED_SYMPY:
            raise Refused(codes.UNSAFE_INPUT,
                          messages.refusal("calculus_verb", verb=_REFUSED_SYMPY[name]))
        if isinstance(node, sp.Basic):
            raise Refused(codes.WRONG_TYPE, messages.refusal("unhandled_function", name=name))
        raise Refused(codes.WRONG_TYPE, messages.refusal("expression_object", name=name))

    return walk(expr, 0)


def decode_expr(tree: Any) -> sp.Expr:
    """Rebuild a sympy expression from :func:`encode_expr` output; unknown nodes are refused."""
    budget = [MAX_NODES]

    def build(node: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_DEPTH:
            raise UnsafeInput("the expression is too large")
        if not isinstance(node, list) or not node or not isinstance(node[0], str):
            raise ValueError(f"malformed expression node: {node!r:.60}")
        head, rest = node[0], node[1:]
        if head == "Symbol" and len(rest) == 1 and isinstance(rest[0], str) \
                and rest[0].isidentifier():
            return sp.Symbol(rest[0])
        if head == "Integer" and len(rest) == 1:
            return sp.Integer(_digits(rest[0]))
        if head == "Rational" and len(rest) == 2:
            return sp.Rational(_digits(rest[0]), _digits(rest[1]))
        if head == "Float" and len(rest) == 1 and isinstance(rest[0], str):
            return sp.Float(_float_text(rest[0]), 30)
        if head in _LEAF_VALUES and not rest:
            return _LEAF_VALUES[head]
        if head == "Piecewise":
            pairs = [(build(p[0], depth + 1), build(p[1], depth + 1)) for p in rest
                     if isinstance(p, list) and len(p) == 2]
            if len(pairs) != len(rest):
                raise ValueError("malformed Piecewise")
            return sp.Piecewise(*pairs)
        if head in _OPERATORS:
            arguments = [build(arg, depth + 1) for arg in rest]
            if head == "Pow" and len(arguments) == 2:
                return bounded_power(*arguments)
            return _OPERATORS[head](*arguments)
        raise ValueError(f"unknown expression node type {head!r}")

    return build(tree, 0)


_REAL_PARTS = (sp.re, sp.im)


def _too_long(number: sp.Rational) -> bool:
    """More than :data:`MAX_INTEGER_DIGITS` digits in the numerator or denominator (by bit
    length, so a huge number is never converted to text to find out)."""
    bits = max(int(number.p).bit_length(), int(number.q).bit_length())
    return bits * math.log10(2) > MAX_INTEGER_DIGITS


def _digits(text: Any) -> int:
    if not isinstance(text, str):
        raise ValueError(f"malformed integer {text!r:.40}")
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise UnsafeInput(f"a number in your expression has more than {MAX_INTEGER_DIGITS} "
                          "digits")
    if not text.lstrip("-").isdigit():
        raise ValueError(f"malformed integer {text!r:.40}")
    return int(text)


def _float_text(text: Any) -> str:
    if not isinstance(text, str) or len(text) > 60:
        raise ValueError("malformed float")
    value = float(text)  # raises ValueError on anything but a number
    if math.isinf(value) and "inf" not in text.lower():
        raise ValueError(f"float out of range: {text!r:.40}")
    return text


# -- numbers and arrays --------------------------------------------------------------------------
def encode_array(values: np.ndarray, kind: str = "array", source_dtype: str | None = None
                 ) -> dict[str, Any]:
    array = np.asarray(values, order="C")  # keeps 0-d arrays 0-d (ascontiguousarray does not)
    name = _DTYPE_NAMES.get(array.dtype.newbyteorder("="))
    if name is None:
        raise Refused(codes.WRONG_TYPE, messages.refusal("array_dtype", dtype=array.dtype.name))
    little = array if array.dtype.byteorder in _LITTLE else array.astype(
        array.dtype.newbyteorder("<"))
    return {"kind": kind, "dtype": name, "shape": list(array.shape),
            "data": little.tobytes(), "source_dtype": source_dtype or name}


def decode_array(data: dict[str, Any]) -> np.ndarray:
    dtype = data.get("dtype")
    if dtype not in _DTYPES:
        raise ValueError(f"unknown array dtype {dtype!r}")
    shape = data.get("shape")
    if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise ValueError("malformed array shape")
    raw = data.get("data")
    if not isinstance(raw, (bytes, bytearray)):
        raise ValueError("array data must be bytes")
    item = np.dtype(dtype).newbyteorder("<")
    if len(raw) != math.prod(shape) * item.itemsize:
        raise ValueError("array data does not match its shape and dtype")
    # astype copies: the array owns its memory (writable, and free of the frame's buffer)
    return np.frombuffer(raw, dtype=item).astype(np.dtype(dtype)).reshape(shape)


def encode_number(value: complex | float | int) -> dict[str, Any]:
    if isinstance(value, int):
        return {"kind": "number", "int": str(value)}
    value = complex(value)
    return {"kind": "number", "real": repr(value.real), "imag": repr(value.imag)}


def decode_number(data: dict[str, Any]) -> complex | float | int:
    if "int" in data:
        return _digits(data["int"])
    real = float(_float_text(data["real"]))
    imag = float(_float_text(data.get("imag", "0.0")))
    return real if imag == 0 else complex(real, imag)


# -- any value as the student's code holds it (the grading engine's answers and arguments) ------
#: Most entries (all levels together) and deepest nesting of a value sent across.
MAX_ITEMS = 200_000
MAX_NESTING = 32
#: Most bytes of array data one value decodes to, every array counted (a buffer the sender
#: named many times counts each time: each is decoded into an array of its own). The largest
#: arrays graded in this course are learning runs of 3000 steps of a few weights (about
#: 120 KB); 64 MiB is some 500 times that, a float64 array of 8 million entries, and still
#: small beside the grader's memory limit (``engine/memory.py``).
MAX_VALUE_BYTES = 64 * 1024 * 1024
_SCALAR_TYPES = {np.dtype(name).type: name for name in _DTYPES}


def encode_refusal(refusal: Refused, type_name: str) -> dict[str, Any]:
    """A value the sending side refused, as it crosses: the refusal's code and message and the
    type the value had. :func:`decode_value` turns it back into the same :class:`Refused`.

    >>> sent = encode_refusal(Refused("unsafe_input", "that integer is too long"), "int")
    >>> back = decode_value(sent)
    >>> type(back).__name__, back.code, back.message, back.type_name
    ('Refused', 'unsafe_input', 'that integer is too long', 'int')
    """
    return {"kind": "refused", "code": refusal.code, "message": refusal.message,
            "type": type_name[:60]}


class TooLarge(CalcrlError, ValueError):
    """A value whose arrays add up to more than :data:`MAX_VALUE_BYTES`; refused unread."""

    def __init__(self, size: int, limit: int | None = None):
        limit = MAX_VALUE_BYTES if limit is None else limit
        super().__init__(f"a value of at least {size} bytes exceeds the {limit}-byte limit")
        self.size = size
        self.limit = limit


class Unsupported:
    """Stands for a value of a type no check accepts; only its type name crossed."""

    def __init__(self, type_name: str):
        self.type_name = type_name if type_name.isidentifier() else "object"


def encode_value(value: Any, extra: Callable[[Any], dict[str, Any] | None] | None = None
                 ) -> dict[str, Any]:
    """Plain data for ``value`` with its Python type and nesting kept.

    Every level is checked by exact type, so a subclass with a rigged ``__eq__`` arrives as
    :class:`Unsupported`. ``extra`` may encode kinds this module does not know (the engine's
    function handles); it returns None for anything else.

    >>> decode_value(encode_value((1, 2.5, "x")))
    (1, 2.5, 'x')
    """
    budget = [MAX_ITEMS]

    def walk(item: Any, depth: int) -> dict[str, Any]:
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_NESTING:
            return {"kind": "refused", "code": "wrong_shape",
                    "message": "your answer is far larger or deeper than any answer here"}
        kind = type(item)
        if item is None:
            return {"kind": "none"}
        if kind is bool:
            return {"kind": "bool", "value": item}
        if kind is int:
            return {"kind": "int", "value": str(item)} if abs(item) < 10 ** 4000 else \
                encode_refusal(Refused(UnsafeInput.code,
                                       messages.refusal("integer_too_long")), "int")
        if kind is float:
            return {"kind": "float", "value": repr(item)}
        if kind is complex:
            return {"kind": "complex", "real": repr(item.real), "imag": repr(item.imag)}
        if kind is str:
            return {"kind": "text", "text": item}
        if kind in _SCALAR_TYPES:
            return {"kind": "numpy_scalar", "dtype": _SCALAR_TYPES[kind],
                    "data": np.asarray(item).astype(np.dtype(kind).newbyteorder("<")).tobytes()}
        if kind in (list, tuple):
            return {"kind": kind.__name__, "items": [walk(v, depth + 1) for v in item]}
        if kind is np.ndarray and item.dtype.newbyteorder("=") in _DTYPE_NAMES:
            return encode_array(item)
        if kind is np.ndarray and item.dtype == object:
            return {"kind": "object_array", "shape": list(item.shape),
                    "items": [walk(v, depth + 1) for v in item.ravel().tolist()]}
        if kind in (sp.MutableDenseMatrix, sp.ImmutableDenseMatrix):
            return {"kind": "matrix", "rows": item.rows, "cols": item.cols,
                    "items": [walk(v, depth + 1) for v in item]}
        if isinstance(item, sp.Basic):
            try:
                return {"kind": "expression", "tree": encode_expr(item)}
            except Refused as refusal:
                return encode_refusal(refusal, kind.__name__)
            except UnsafeInput as error:
                return encode_refusal(Refused(error.code, error.message), kind.__name__)
        if kind.__module__ == "fractions" and kind.__name__ == "Fraction":
            return {"kind": "fraction", "p": str(item.numerator), "q": str(item.denominator)}
        tensor = _encode_tensor(item)
        if tensor is not None:
            return tensor
        encoded = extra(item) if extra is not None else None
        if encoded is not None:
            return encoded
        return {"kind": "unsupported", "type": kind.__name__[:60]}

    return walk(value, 0)


def decode_value(data: Any, extra: Callable[[dict[str, Any]], Any] | None = None) -> Any:
    """Rebuild a value from :func:`encode_value` output; malformed data raises ValueError.

    ``extra`` rebuilds kinds this module does not know; it raises ValueError for anything else.
    A value whose array data add up to more than :data:`MAX_VALUE_BYTES` (:func:`value_bytes`)
    is :class:`TooLarge`, refused before any array is made.
    """
    size = value_bytes(data, MAX_VALUE_BYTES)
    if size > MAX_VALUE_BYTES:
        raise TooLarge(size, MAX_VALUE_BYTES)
    budget = [MAX_ITEMS]

    def build(item: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_NESTING:
            raise ValueError("value too large or too deep")
        if not isinstance(item, dict) or not isinstance(item.get("kind"), str):
            raise ValueError("each encoded value is a dict with a kind")
        kind = item["kind"]
        if kind == "none":
            return None
        if kind == "bool" and isinstance(item.get("value"), bool):
            return item["value"]
        if kind == "int":
            return _integer(item.get("value"))
        if kind == "float":
            return float(_float_text(item.get("value")))
        if kind == "complex":
            return complex(float(_float_text(item.get("real"))),
                           float(_float_text(item.get("imag"))))
        if kind == "text" and isinstance(item.get("text"), str):
            return item["text"]
        if kind == "numpy_scalar":
            array = decode_array({"dtype": item.get("dtype"), "shape": [],
                                  "data": item.get("data")})
            return array[()]
        if kind in ("list", "tuple") and isinstance(item.get("items"), list):
            items = [build(v, depth + 1) for v in item["items"]]
            return items if kind == "list" else tuple(items)
        if kind == "array":
            return decode_array(item)
        if kind == "object_array" and isinstance(item.get("items"), list):
            shape = item.get("shape")
            if not (isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)
                    and math.prod(shape) == len(item["items"])):
                raise ValueError("malformed object array")
            array = np.empty(len(item["items"]), dtype=object)
            array[:] = [build(v, depth + 1) for v in item["items"]]
            return array.reshape(shape)
        if kind == "tensor":
            return _decode_tensor(item, decode_array(item))
        if kind == "matrix":
            rows, cols, entries = item.get("rows"), item.get("cols"), item.get("items")
            if not (isinstance(rows, int) and isinstance(cols, int) and isinstance(entries, list)
                    and rows * cols == len(entries)):
                raise ValueError("malformed matrix")
            return sp.Matrix(rows, cols, [build(v, depth + 1) for v in entries])
        if kind == "expression":
            return decode_expr(item.get("tree"))
        if kind == "fraction":
            from fractions import Fraction

            return Fraction(_integer(item.get("p")), _integer(item.get("q")))
        if kind == "refused" and isinstance(item.get("code"), str) \
                and isinstance(item.get("message"), str):
            # The answer the sending side refused: adapt refuses it again, with the same code
            # and message, so the student reads what they would have read anyway.
            return Refused(item["code"][:60], item["message"][:2000],
                           str(item.get("type", "object"))[:60])
        if kind == "unsupported" and isinstance(item.get("type"), str):
            return Unsupported(item["type"][:60])
        if extra is not None:
            return extra(item)
        raise ValueError(f"unknown encoded kind {kind!r}")

    return build(data, 0)


def value_bytes(data: Any, limit: int | None = None) -> int:
    """Bytes of binary data in an encoded value, each ``bytes`` counted every time it appears
    (one buffer a sender names many times decodes into as many arrays); stops counting once
    past ``limit``.

    >>> block = bytes(8)
    >>> one = {"kind": "array", "dtype": "float64", "shape": [1], "data": block}
    >>> value_bytes({"kind": "list", "items": [one, one, {"kind": "float", "value": "1.0"}]})
    16
    """
    total = 0
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (bytes, bytearray)):
            total += len(item)
            if limit is not None and total > limit:
                return total
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return total


def _integer(text: Any) -> int:
    if not isinstance(text, str) or len(text) > 4000 or not text.lstrip("-").isdigit():
        raise ValueError("malformed integer")
    return int(text)


def _encode_tensor(value: Any) -> dict[str, Any] | None:
    torch = sys.modules.get("torch")
    if torch is None or type(value) not in (torch.Tensor, torch.nn.Parameter):
        return None
    tensor = value.detach().cpu()
    dtype = str(tensor.dtype).replace("torch.", "")
    if dtype == "bfloat16":
        tensor = tensor.float()
    try:
        data = encode_array(tensor.numpy())
    except (Refused, TypeError):
        return {"kind": "unsupported", "type": "Tensor"}
    return {**data, "kind": "tensor", "torch_dtype": dtype}


def _decode_tensor(item: dict[str, Any], array: np.ndarray) -> Any:
    """The tensor of ``item``, sharing ``array`` (decoded from it, so the grader's own copy)."""
    import torch

    dtype = item.get("torch_dtype")
    if dtype not in _DTYPES | {"bfloat16"}:
        raise ValueError(f"unknown tensor dtype {dtype!r}")
    return torch.from_numpy(array).to(getattr(torch, dtype))
