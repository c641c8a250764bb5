"""Stage 4 of a check: one side of a comparison (the answer or the expected value) as values.

Every side turns a list of sample points into an array of shape ``(points, *value_shape)``,
with NaN where it has no real value. Expressions are evaluated in high precision
(``evaluate.py``), functions are called under a time budget on copies of their inputs.
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol

import numpy as np
import sympy as sp

from calcrl_checks.outcome import codes, messages
from calcrl_checks.pipeline.stage1_adapt import Answer, adapt_output, describe_type
from calcrl_checks.outcome.budget import CALL_SECONDS, call_limited
from calcrl_checks.outcome.errors import BudgetExceeded, Refused
from calcrl_checks.expressions.evaluate import Undefined, evaluate, switching_quantities
from calcrl_checks.pipeline.stage5_compare import looser

Point = dict[str, Any]
#: What a function side is called with: numpy arrays, or torch tensors.
CallWith = Literal["numpy", "torch"]
_BIGGEST = float(np.finfo(float).max)


def describe_point(point: Point, names: Sequence[str]) -> str:
    """``x = 0.4135, y = -1.2`` for messages (arrays shown compactly)."""
    return ", ".join(f"{name} = {format_value(point[name])}" for name in names if name in point)


def format_value(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return format_value(value.item())
        if value.ndim == 1 and value.size <= 12:
            return "[" + ", ".join(format_value(v) for v in value.tolist()) + "]"
        return np.array2string(value, precision=4, separator=", ", threshold=12,
                               suppress_small=False)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, complex):
        return f"{value:.4g}"
    return str(value)


@dataclass(frozen=True)
class Evaluation:
    """A side evaluated at the test points: ``values`` of shape ``(points, *value_shape)``
    (NaN where the side has no real value), the ``precision`` whose tolerance applies to them
    (``stage5_compare``; a float32 result loosens a function's) and the arguments a function
    ``mutated`` in place when called. ``not_real`` marks the NaN entries of an expression that
    has no real value there (``sqrt(x)`` or ``log(x)`` at x < 0), so a message can say that
    rather than "NaN"."""

    values: np.ndarray
    precision: str
    mutated: frozenset[str] = frozenset()
    not_real: np.ndarray | None = None


class Side(Protocol):
    """One side of a comparison (the answer or the expected value), as every stage uses it.

    ``precision`` is its tolerance class before it is evaluated, ``kinks`` the quantities
    whose sign switches it (points near them are not sampled). ``evaluate(points)`` returns
    an :class:`Evaluation` and changes nothing: what calling a function answer showed (a
    float32 result, an input changed in place) is in the evaluation, not kept on the side.

    >>> side: Side = ConstantSide(np.array(2.0))
    >>> side.evaluate([{}, {}])
    Evaluation(values=array([2., 2.]), precision='float64', mutated=frozenset(), not_real=None)
    """

    @property
    def precision(self) -> str: ...

    @property
    def kinks(self) -> list[sp.Expr]: ...

    def evaluate(self, points: Sequence[Point]) -> Evaluation: ...


@dataclass
class ExpressionSide:
    """One expression, or a sequence of them (a vector-valued answer)."""

    exprs: list[sp.Expr]
    vector: bool
    precision: str = "exact"
    #: The expected side: a value beyond float range cannot be compared, so the point is
    #: skipped (NaN). On the answer side such a value stays finite, huge and wrong.
    trusted: bool = False

    @property
    def kinks(self) -> list[sp.Expr]:
        return [k for e in self.exprs for k in switching_quantities(e)]

    def evaluate(self, points: Sequence[Point]) -> Evaluation:
        out = np.empty((len(points), len(self.exprs)))
        not_real = np.zeros(out.shape, dtype=bool)
        for row, point in enumerate(points):
            for column, expr in enumerate(self.exprs):
                try:
                    value = float(evaluate(expr, point))
                except Undefined:
                    value = np.nan
                    not_real[row, column] = True
                except (OverflowError, ZeroDivisionError, ValueError, TypeError):
                    value = np.nan
                if abs(value) > _BIGGEST:
                    value = np.nan if self.trusted else np.copysign(_BIGGEST, value)
                out[row, column] = value
        if not self.vector:
            out, not_real = out[:, 0], not_real[:, 0]
        return Evaluation(out, self.precision, not_real=not_real if not_real.any() else None)


@dataclass
class ConstantSide:
    """A number or array that does not depend on the sample point."""

    value: np.ndarray
    precision: str = "float64"
    kinks: list[sp.Expr] = field(default_factory=list)

    def evaluate(self, points: Sequence[Point]) -> Evaluation:
        values = np.broadcast_to(self.value, (len(points), *self.value.shape)).copy()
        return Evaluation(values, self.precision)


class _Call(NamedTuple):
    """What one call of a function answer showed: its result's dtype, the inputs it changed."""

    dtype: str
    mutated: frozenset[str]


@dataclass
class FunctionSide:
    """A callable, called with the domain's arguments in order."""

    function: Answer
    arguments: list[str]
    vectorized: bool | None = None
    call_with: CallWith = "numpy"
    precision: str = "float64"
    kinks: list[sp.Expr] = field(default_factory=list)
    trusted: bool = False

    def evaluate(self, points: Sequence[Point]) -> Evaluation:
        calls: list[_Call] = []
        values = self._values(points, calls)
        precision = self.precision
        for call in calls:
            precision = looser(precision, call.dtype)
        return Evaluation(values, precision, frozenset().union(*(c.mutated for c in calls)))

    def _values(self, points: Sequence[Point], calls: list[_Call]) -> np.ndarray:
        if self.vectorized is not False and self._all_scalar(points):
            stacked = {name: np.array([p[name] for p in points], dtype=float)
                       for name in self.arguments}
            try:
                result = self._call(stacked, calls)
                if result.shape[:1] == (len(points),):
                    return result
                if result.ndim == 0:
                    return np.full(len(points), result.item())
                if self.vectorized:
                    raise Refused(codes.WRONG_SHAPE,
                                  messages.refusal("not_one_value_per_input",
                                                   count=len(points), shape=result.shape))
            except Refused as refusal:
                # Required to be vectorised: report it. Otherwise: fall back to one call per point.
                if self.vectorized and refusal.code == codes.RAISED:
                    raise Refused(codes.RAISED,
                                  messages.refusal("not_vectorised",
                                                   failure=refusal.message)) from None
                if self.vectorized:
                    raise
        rows = [self._call(point, calls, index=i) for i, point in enumerate(points)]
        shapes = {r.shape for r in rows}
        if len(shapes) > 1:
            raise Refused(codes.WRONG_SHAPE,
                          messages.refusal("shapes_differ", shapes=sorted(shapes)))
        return np.stack(rows)

    def _all_scalar(self, points: Sequence[Point]) -> bool:
        return bool(points) and all(np.ndim(points[0][n]) == 0 and
                                    isinstance(points[0][n], (int, float)) for n in self.arguments)

    def _call(self, point: Point, calls: list[_Call], index: int | None = None) -> np.ndarray:
        """One call of the function at ``point``; what it showed is appended to ``calls``."""
        originals = [point[name] for name in self.arguments]
        # With torch: vectors become tensors, and numbers stay numbers beside them (a step
        # size is a float in practice); a call with numbers only gets 0-d tensors.
        vectors = any(np.ndim(v) > 0 for v in originals)
        arguments = [self._convert(copy.deepcopy(v)) if np.ndim(v) > 0 or not vectors
                     else copy.deepcopy(v) for v in originals]
        kept = [copy.deepcopy(a) for a in arguments]
        if self.trusted:
            raw = call_limited(self.function.value, *arguments, seconds=CALL_SECONDS)
        else:
            where = "" if index is None else f" at input {index + 1}"
            raw = call_student(self.function.value, arguments, where)
        changed = frozenset(name for name, before, after in zip(self.arguments, kept, arguments)
                            if not _same_data(before, after))
        answer = adapt_output(raw)
        # A float32 result is compared with float32 tolerances, whatever we passed in.
        calls.append(_Call(answer.source_dtype, changed))
        if self.call_with == "torch" and answer.origin != "torch" and not self.trusted:
            raise Refused(codes.WRONG_TYPE,
                          messages.refusal("torch_returned_kind", kind=_kind_name(raw)))
        return np.asarray(answer.value, dtype=complex if np.iscomplexobj(answer.value)
                          else float)

    def _convert(self, value: Any) -> Any:
        if self.call_with != "torch":
            return value
        import torch

        return torch.tensor(value, dtype=torch.float64)


def call_student(function: Any, arguments: Sequence[Any], where: str = "",
                 seconds: float = CALL_SECONDS, subject: str = "your function") -> Any:
    """Call a student's function under the call budget; whatever it raises becomes
    :class:`Refused` (``raised``) with a message naming the function as ``subject`` and the
    error ``where`` it happened. The caller passes copies (the one place student functions
    are called from: compare, the scenarios, the consistency, autograd and visible checks)."""
    try:
        return call_limited(function, *arguments, seconds=seconds)
    except BudgetExceeded:
        raise
    except (Exception, SystemExit) as error:
        raise Refused(codes.RAISED, messages.function_stopped(subject, error, where)) from None


def _same_data(before: Any, after: Any) -> bool:
    try:
        return bool(np.array_equal(np.asarray(before), np.asarray(after), equal_nan=True))
    except Exception:
        return True


def _kind_name(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return "a numpy array"
    return f"a {describe_type(value)}"


