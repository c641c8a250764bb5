"""The domains answers are sampled from: an interval, vector, matrix, probability vector or fixed
choice for each symbol or function argument.

A domain maps each name to a spec; ``(low, high)`` is shorthand for :class:`Interval` and a
list for :class:`Choice`. Where the points are drawn and why: ``stage3_sample.py``.

>>> normalize_domain({"x": (0, 1), "sign": [-1, 1]})["sign"].describe("sign")
'sign in {-1, 1}'
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

import numpy as np


@dataclass(frozen=True)
class Interval:
    """Real numbers drawn uniformly from ``[low, high]``; ``(low, high)`` is shorthand."""

    low: float
    high: float

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

    def describe(self, name: str) -> str:
        return f"{name} in [{_short(self.low)}, {_short(self.high)}]"


@dataclass(frozen=True)
class Vector:
    """Float vectors of ``size`` entries, each uniform in ``[low, high]``.

    >>> Vector(2, -1, 1).draw(np.random.default_rng(0)).shape
    (2,)
    """

    size: int
    low: float = -2.0
    high: float = 2.0
    #: Optional symbol names for the entries, so expressions can use them (theta0, theta1).
    names: tuple[str, ...] = ()

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        return rng.uniform(self.low, self.high, size=self.size)

    def describe(self, name: str) -> str:
        bounds = f"[{_short(self.low)}, {_short(self.high)}]"
        return f"{name}: vectors of {self.size} entries in {bounds}"


@dataclass(frozen=True)
class Matrix:
    """Float matrices of ``shape``, optionally symmetric."""

    shape: tuple[int, int]
    low: float = -2.0
    high: float = 2.0
    symmetric: bool = False
    #: Optional symbol names for the entries in row-major order (a00, a01, a10, a11).
    names: tuple[str, ...] = ()

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        values = rng.uniform(self.low, self.high, size=self.shape)
        return (values + values.T) / 2 if self.symmetric else values

    def describe(self, name: str) -> str:
        kind = "symmetric " if self.symmetric else ""
        return f"{name}: {kind}{self.shape[0]}x{self.shape[1]} matrices"


@dataclass(frozen=True)
class Simplex:
    """Probability vectors of ``size`` entries, all at least ``floor``."""

    size: int
    floor: float = 0.02
    names: tuple[str, ...] = ()

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        raw = rng.dirichlet(np.ones(self.size))
        return self.floor + (1 - self.floor * self.size) * raw

    def describe(self, name: str) -> str:
        return f"{name}: probability vectors of {self.size} entries"


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of values (for example the two signs of an advantage)."""

    values: tuple[Any, ...]

    def draw(self, rng: np.random.Generator) -> Any:
        return self.values[int(rng.integers(len(self.values)))]

    def describe(self, name: str) -> str:
        return f"{name} in {{{', '.join(_short(v) for v in self.values)}}}"


Spec = Union[Interval, Vector, Matrix, Simplex, Choice]


def as_spec(value: Any) -> Spec:
    """Turn the shorthand forms of a domain entry into a spec."""
    if isinstance(value, (Interval, Vector, Matrix, Simplex, Choice)):
        return value
    if isinstance(value, tuple) and len(value) == 2 and all(
            isinstance(v, (int, float)) for v in value):
        low, high = float(value[0]), float(value[1])
        if not low < high:
            raise ValueError(f"an interval needs low < high, got {value}")
        return Interval(low, high)
    if isinstance(value, (list, tuple)) and value:
        return Choice(tuple(value))
    raise ValueError(f"cannot sample from domain entry {value!r}; use (low, high), Vector, "
                     "Matrix, Simplex or a list of choices")


def normalize_domain(domain: Mapping[str, Any] | None) -> dict[str, Spec]:
    """Every entry of ``domain`` as a spec."""
    return {str(name): as_spec(value) for name, value in (domain or {}).items()}


def draw_point(domain: Mapping[str, Spec], rng: np.random.Generator) -> dict[str, Any]:
    """One sample point: a value for every argument, plus named entries of vectors."""
    point: dict[str, Any] = {}
    for name, spec in domain.items():
        value = spec.draw(rng)
        point[name] = value
        for index, entry in enumerate(getattr(spec, "names", ())):
            point[entry] = float(np.asarray(value).flat[index])
    return point


def symbol_names(domain: Mapping[str, Spec]) -> list[str]:
    """Every name a point defines: arguments and named vector entries."""
    names: list[str] = []
    for name, spec in domain.items():
        names.append(name)
        names.extend(getattr(spec, "names", ()))
    return names


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
