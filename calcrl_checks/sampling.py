"""Where answers are compared: seeded sample points in each argument's domain.

A domain maps each symbol or function argument to an interval ``(low, high)`` or to one of the
specs below (vectors, matrices, probability vectors, fixed choices). The seed comes from the
question and part ids, so a submission always gets the same points, grade and message.
"""
from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

import numpy as np

if TYPE_CHECKING:
    from .options import Setup

#: Points compared per check (at least 30, as promised in the docs).
DEFAULT_POINTS = 40
#: Candidate points drawn per point wanted, before giving up on a domain.
_DRAWS_PER_POINT = 8


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
    return {str(name): as_spec(value) for name, value in (domain or {}).items()}


def seed_for(*parts: Any) -> int:
    """A stable seed from question/part ids (same ids, same seed, on every machine)."""
    return zlib.crc32("\x1f".join(str(p) for p in parts).encode()) & 0x7FFFFFFF


def draw_point(domain: Mapping[str, Spec], rng: np.random.Generator) -> dict[str, Any]:
    """One sample point: a value for every argument, plus named entries of vectors."""
    point: dict[str, Any] = {}
    for name, spec in domain.items():
        value = spec.draw(rng)
        point[name] = value
        for index, entry in enumerate(getattr(spec, "names", ())):
            point[entry] = float(np.asarray(value).flat[index])
    return point


def sample_points(setup: Setup, expected_side: Any, answer_side: Any
                  ) -> tuple[list[dict[str, Any]], np.ndarray]:
    """The test points, and the expected side's values there (each point evaluated once).

    Points are drawn from the domain until there are enough where the expected answer is
    defined and finite, away from kinks; the values computed to decide that are the ones
    compared.
    """
    import sympy as sp

    from .errors import AuthorError
    from .evaluate import Undefined, evaluate, near_kink, switching_quantities
    from .sides import ExpressionSide

    if not setup.domain:
        return [{}], expected_side.values([{}])
    rng = np.random.default_rng(setup.seed)
    kinks = list(getattr(expected_side, "kinks", [])) + list(getattr(answer_side, "kinks", []))
    kinks += [k for condition in setup.regimes.values() if isinstance(condition, sp.Basic)
              for k in switching_quantities(condition)]
    chosen: list[dict[str, Any]] = []
    rows: list[np.ndarray] = []
    for _ in range(setup.samples * _DRAWS_PER_POINT):
        point = draw_point(setup.domain, rng)
        try:
            for name, expr in setup.derived.items():
                point[name] = float(evaluate(expr, point))
        except Undefined:
            continue
        if kinks and near_kink(kinks, point):
            continue
        if isinstance(expected_side, ExpressionSide):
            row = expected_side.values([point])
            if not np.isfinite(row).all():
                continue
            rows.append(row)
        chosen.append(point)
        if len(chosen) == setup.samples:
            break
    if isinstance(expected_side, ExpressionSide):
        values = np.concatenate(rows) if rows else expected_side.values([])
    else:
        values = expected_side.values(chosen) if chosen else np.empty(0)
        finite = per_point(np.isfinite(values))
        chosen = [p for p, ok in zip(chosen, finite) if ok]
        values = values[finite]
    if len(chosen) < min(setup.samples, 10):
        raise AuthorError(f"the expected answer is defined at only {len(chosen)} sampled points "
                          "of the domain; give a domain where it is defined")
    return chosen, values


def per_point(mask: np.ndarray) -> np.ndarray:
    """One truth value per point of a per-entry mask (every entry of a point must hold)."""
    return np.asarray(mask.reshape(len(mask), -1).all(axis=1)) if mask.ndim > 1 else mask


def symbol_names(domain: Mapping[str, Spec]) -> list[str]:
    """Every name a point defines: arguments and named vector entries."""
    names: list[str] = []
    for name, spec in domain.items():
        names.append(name)
        names.extend(getattr(spec, "names", ()))
    return names


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
