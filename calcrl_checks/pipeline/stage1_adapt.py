"""Stage 1 of a check: turn whatever the student handed in into one of a few known kinds.

Kinds: ``text`` (parsed later with the question's symbols), ``expression`` (sympy, rebuilt from
plain data so no student subclass survives), ``expressions`` (a sequence of them), ``number``
(Python and numpy numbers, ``Fraction``; ints and fractions stay exact), ``array`` (lists,
tuples, numpy arrays, torch tensors) and ``function``. Types are checked
exactly: anything else, such as an object that overloads ``__eq__``, is refused unread.
"""
from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import sympy as sp

from calcrl_checks.outcome import codes, messages
from calcrl_checks.outcome.budget import call_limited
from calcrl_checks.crossing.functions import FUNCTION_TYPES
from calcrl_checks.crossing.tensor_facts import TensorFacts
from calcrl_checks.outcome.errors import Refused
from calcrl_checks.crossing.wire import Unsupported, decode_expr, encode_expr

_PLAIN_NUMBERS = (int, float, complex)
_NUMPY_SCALARS = tuple(
    t for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
                np.float16, np.float32, np.float64, np.complex64, np.complex128))
_SYMPY_MATRICES = (sp.MutableDenseMatrix, sp.ImmutableDenseMatrix)

#: The kinds an answer is adapted into (see the module docstring); every later stage branches
#: on these, so a misspelt kind is a mypy error (``strict_equality``), not a branch never taken.
Kind = Literal["text", "expression", "expressions", "number", "array", "function"]
#: Kinds that are already numbers, and kinds that each hold one expression (a number, text to
#: parse, or sympy). Typed, so mypy checks each spelling: a bare tuple of strings is only
#: ``tuple[str, ...]`` to it, and ``kind in ("arry",)`` would pass unnoticed.
NUMERIC_KINDS: tuple[Kind, ...] = ("number", "array")
ONE_EXPRESSION_KINDS: tuple[Kind, ...] = ("number", "expression", "text")
#: Where an array answer's values came from: "torch" lets a function be asked for a tensor back.
Origin = Literal["python", "torch"]


#: Tolerance class of each floating dtype (bfloat16 arrives from torch as float32 data).
_FLOAT_DTYPES = {"float16", "bfloat16", "float32", "float64", "complex64", "complex128"}


@dataclass
class Answer:
    """An adapted answer: its kind, its value in our own types, and how it was read."""

    kind: Kind
    value: Any
    source_dtype: str = "float64"
    #: The student's text, when the answer was text, for "read your answer as" messages.
    text: str | None = None
    origin: Origin = "python"

    def call(self, *arguments: Any, seconds: float | None = None) -> Any:
        """Call a function answer on copies of ``arguments`` under the call budget."""
        fresh = [copy.deepcopy(a) for a in arguments]
        if seconds is None:
            return call_limited(self.value, *fresh)
        return call_limited(self.value, *fresh, seconds=seconds)


def adapt(value: Any) -> Answer:
    """Classify ``value`` into an :class:`Answer`, or raise :class:`Refused` (``wrong_type``)."""
    kind = type(value)
    if kind is Refused:   # a refusal that crossed the wire as the answer's value
        raise Refused(value.code, value.message)
    if kind is TensorFacts:
        value = value.value
        kind = type(value)
    if kind is str:
        return Answer("text", value, text=value)
    if kind is bool or kind is np.bool_:
        raise Refused(codes.WRONG_TYPE, messages.refusal("true_or_false"))
    if kind is Fraction:
        return Answer("number", Fraction(value.numerator, value.denominator))
    if kind in _PLAIN_NUMBERS or kind in _NUMPY_SCALARS:
        dtype = np.dtype(kind).name if kind in _NUMPY_SCALARS else "float64"
        return Answer("number", value.item() if kind in _NUMPY_SCALARS else value,
                      source_dtype=dtype if dtype in _FLOAT_DTYPES else "float64")
    if type(value) in _SYMPY_MATRICES and 1 in value.shape:
        # A gradient written as a sympy column or row vector is a sequence of expressions.
        return _adapt_sequence(list(value))
    if isinstance(value, sp.Basic):
        return Answer("expression", decode_expr(encode_expr(value)))
    if kind is np.ndarray:
        return _adapt_array(value)
    if kind in (list, tuple):
        return _adapt_sequence(value)
    tensor = _as_tensor_data(value)
    if tensor is not None:
        return tensor
    if isinstance(value, type):
        raise Refused(codes.WRONG_TYPE, messages.refusal("a_class", name=value.__name__))
    if isinstance(value, FUNCTION_TYPES):
        return Answer("function", value)
    if value is None:
        raise Refused(codes.WRONG_TYPE, messages.refusal("none"))
    name = value.type_name if kind is Unsupported else kind.__name__
    raise Refused(codes.WRONG_TYPE, messages.refusal("unsupported_type", name=name))


def is_function(value: Any) -> bool:
    """Whether ``value`` is a function answer (a ``def``, lambda, builtin, method, partial or
    numpy ufunc); other callables, such as objects with ``__call__``, are refused.

    >>> is_function(len), is_function(lambda x: x), is_function(object())
    (True, True, False)
    """
    return isinstance(value, FUNCTION_TYPES) and not isinstance(value, type)


def describe_type(value: Any) -> str:
    """The name of a value's type as the student wrote it (also for values that crossed from
    the sandbox only as their type name).

    >>> describe_type(2.5), describe_type([1])
    ('float', 'list')
    """
    return value.type_name if type(value) in (Unsupported, Refused) else type(value).__name__


def adapt_output(value: Any) -> Answer:
    """Adapt what a student's function returned: numbers, arrays or tensors only."""
    answer = adapt(value)
    if answer.kind in NUMERIC_KINDS:
        return answer
    if answer.kind == "expression" and not answer.value.free_symbols:
        try:
            return Answer("number", complex(answer.value))
        except (TypeError, ValueError):
            pass
    raise Refused(codes.WRONG_TYPE,
                  messages.refusal("function_returned_kind", kind=describe_type(value)))


def _adapt_array(value: np.ndarray) -> Answer:
    if value.dtype == object:
        return _adapt_sequence(value.tolist())
    if value.dtype.kind not in "biufc":
        raise Refused(codes.WRONG_TYPE, messages.refusal("array_of_objects", dtype=value.dtype))
    if value.size > 10_000_000:
        raise Refused(codes.WRONG_SHAPE, messages.refusal("array_too_large", size=value.size))
    name = value.dtype.name
    return Answer("array", np.array(value, copy=True),
                  source_dtype=name if name in _FLOAT_DTYPES else "float64")


def _adapt_sequence(items: list | tuple) -> Answer:
    if len(items) > 100_000:
        raise Refused(codes.WRONG_SHAPE, messages.refusal("sequence_too_long", count=len(items)))
    parts = [adapt(item) for item in items]
    if parts and all(p.kind in NUMERIC_KINDS for p in parts):
        shapes = {np.shape(p.value) for p in parts}
        if len(shapes) > 1:
            raise Refused(codes.WRONG_SHAPE, messages.refusal("ragged_sequence"))
        dtypes = {p.source_dtype for p in parts}
        values = [p.value for p in parts]
        is_complex = any(np.iscomplexobj(v) for v in values)
        array = np.array(values, dtype=complex if is_complex else float)
        dtype = dtypes.pop() if len(dtypes) == 1 else "float64"
        return Answer("array", array, source_dtype=dtype)
    if not parts:
        return Answer("array", np.zeros(0))
    if all(p.kind in ONE_EXPRESSION_KINDS for p in parts):
        return Answer("expressions", parts)
    raise Refused(codes.WRONG_TYPE, messages.refusal("mixed_sequence"))


def _as_tensor_data(value: Any) -> Answer | None:
    torch = sys.modules.get("torch")
    if torch is None or type(value) not in (torch.Tensor, torch.nn.Parameter):
        return None
    tensor = value.detach().cpu()
    name = str(tensor.dtype).replace("torch.", "")
    if name == "bfloat16" or name == "float16":
        tensor = tensor.float()
    if tensor.is_complex() or tensor.is_floating_point() or name in ("int32", "int64", "int16",
                                                                      "int8", "uint8"):
        array = tensor.numpy().copy()
        return Answer("array", array, source_dtype=name if name in _FLOAT_DTYPES else "float64",
                      origin="torch")
    raise Refused(codes.WRONG_TYPE, messages.refusal("tensor_dtype", name=name))
