"""How close is close enough: rtol and atol together, judged at every point on its own.

``|answer - expected| <= atol + rtol * |expected|`` at every point. ``atol`` is only a floor for
values near zero: a fraction of a *typical* expected magnitude (the median; for float values
the largest, since float arithmetic errs in proportion to its biggest terms). So a difference
at one point is never hidden by large values elsewhere (``e^(-10x) + 1`` is not ``e^(-10x)``
on [-3, 3]), and a wrong answer still fails when every value involved is tiny.

Decimals typed into an answer (``3.14159 x``) are held to what they claim: a number typed with
at least :data:`MIN_TYPED_DIGITS` significant digits may be off by one unit in its last digit
(``3.141593`` passes for pi, ``3.14`` does not, and is called rounded). A question that accepts
numerical estimates (a finite-difference slope) says ``estimate=True``: relative
:data:`ESTIMATE_RTOL`, and :data:`ESTIMATE_ATOL` near zero.

>>> import numpy as np
>>> choose("exact", np.array([1e-9, 1.0, 1e9])).close(np.array([1.0 + 1e-9, 1.0, 1e9]),
...                                                   np.array([1e-9, 1.0, 1e9])).tolist()
[False, True, True]
>>> typed_digits("3.14159*x"), typed_digits(0.5), typed_digits("2x")
(6, 1, None)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

#: (rtol, atol as a fraction of the expected scale) per precision of the compared values.
DEFAULTS: dict[str, tuple[float, float]] = {
    "exact": (1e-10, 1e-12),       # both sides evaluated from expressions in high precision
    "float64": (1e-7, 1e-9),
    "complex128": (1e-7, 1e-9),
    "float32": (1.3e-6, 1e-5),
    "complex64": (1.3e-6, 1e-5),
    "float16": (1e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
}
#: atol when every expected value is exactly zero (no scale to speak of).
ZERO_SCALE_ATOL = {"exact": 1e-30}
FLOAT_ZERO_ATOL = 1e-12
#: A decimal typed with at least this many significant digits may be off in its last digit.
MIN_TYPED_DIGITS = 6
#: What a numerical estimate must meet, where a question accepts one (``estimate=True``).
ESTIMATE_RTOL, ESTIMATE_ATOL = 1e-4, 1e-6

_DECIMAL = re.compile(r"(?<![A-Za-z_0-9.])(\d*\.\d+|\d+\.\d*)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float
    #: True when atol was derived from the expected values: its number would reveal their
    #: size, so messages do not print it.
    scaled: bool = False
    #: Significant digits of the shortest decimal the student typed, when they widened rtol.
    digits: int | None = None
    #: True when both sides are exact rational numbers: compared exactly, no tolerance.
    exact: bool = False

    def close(self, answer: np.ndarray, expected: np.ndarray) -> np.ndarray:
        """Element-wise closeness; NaN or inf in the answer is never close."""
        with np.errstate(all="ignore"):
            ok = np.abs(answer - expected) <= self.atol + self.rtol * np.abs(expected)
        close: np.ndarray = ok & np.isfinite(answer)  # numpy types & of arrays as Any
        return close

    def describe(self) -> str:
        if self.exact:
            return "exact numbers compared exactly"
        absolute = "atol scaled to the expected size" if self.scaled else f"atol={self.atol:.2g}"
        typed = f" (your {self.digits}-digit decimals)" if self.digits else ""
        return f"rtol={self.rtol:.2g}{typed}, {absolute}"


def choose(precision: str, expected: np.ndarray, rtol: float | None = None,
           atol: float | None = None, digits: int | None = None,
           estimate: bool = False) -> Tolerance:
    """The tolerance for values of ``precision``; explicit rtol/atol win (atol absolute).

    ``digits`` are the significant digits the student typed (:func:`typed_digits`);
    ``estimate`` means the question accepts numerical estimates.
    """
    default_rtol, atol_fraction = DEFAULTS.get(precision, DEFAULTS["float64"])
    if estimate:
        default_rtol = max(default_rtol, ESTIMATE_RTOL)
    finite = np.abs(expected[np.isfinite(expected)])
    nonzero = finite[finite > 0]
    if not nonzero.size:
        scale = 0.0
    elif precision == "exact":
        scale = float(np.median(nonzero))
    else:
        scale = float(nonzero.max())
    scaled = atol is None and scale > 0 and not estimate
    if atol is None:
        if estimate:
            atol = max(ESTIMATE_ATOL, atol_fraction * scale)
        else:
            atol = atol_fraction * scale if scale > 0 else ZERO_SCALE_ATOL.get(precision,
                                                                               FLOAT_ZERO_ATOL)
    chosen = Tolerance(default_rtol if rtol is None else float(rtol), float(atol), scaled)
    if digits is not None and digits >= MIN_TYPED_DIGITS and 10.0 ** (1 - digits) > chosen.rtol:
        chosen = replace(chosen, rtol=10.0 ** (1 - digits), digits=digits)
    return chosen


def compared_exactly(answer: Any, expected: Any, typed_decimal: bool = False) -> bool:
    """Whether two sides are decided by exact equality rather than a tolerance: an exact
    answer against a whole-number expected answer (``10^20 + 1`` is not ``10^20``, and a
    typed ``3.0000000001`` is not 3), and a fraction written exactly against an exact
    expected fraction (``99999999/10^8`` is not ``99999998/99999999``, though no float tells
    them apart). A decimal typed for a fraction (``0.333333333333`` for 1/3) and a float (a
    computed answer) keep their tolerance.

    >>> import sympy as sp
    >>> compared_exactly(sp.Integer(10**20 + 1), sp.Integer(10**20)), compared_exactly(
    ...     sp.Rational(1, 3), sp.Rational(1, 3))
    (True, True)
    >>> compared_exactly(sp.Rational(333, 1000), sp.Rational(1, 3), typed_decimal=True)
    False
    >>> compared_exactly(sp.Float(2.9999999999999996), sp.Integer(3))
    False
    """
    import sympy as sp

    if not isinstance(answer, sp.Rational):
        return False
    return isinstance(expected, sp.Integer) or (isinstance(expected, sp.Rational)
                                                and not typed_decimal)


def for_rounded(tolerance: Tolerance, digits: int | None) -> Tolerance:
    """A tolerance for recognising a *known wrong* answer typed rounded (1.609 for 1.6094...):
    half a unit in the last typed digit, whatever the number of digits.

    >>> for_rounded(Tolerance(2e-4, 0.0), 4).rtol
    0.0005
    """
    if digits is None:
        return tolerance
    return replace(tolerance, rtol=max(tolerance.rtol, 0.5 * 10.0 ** (1 - digits)))


def typed_digits(value: Any) -> int | None:
    """Significant digits of the shortest decimal in an answer: text, a float, or a sympy
    expression's floats (read as the shortest decimal that gives the same float). None when
    the answer holds no decimal (integers and fractions are exact)."""
    import sympy as sp

    if isinstance(value, str):
        found = [_significant(m.group(1)) for m in _DECIMAL.finditer(value)]
        return min(found) if found else None
    if isinstance(value, float):
        return _significant(repr(abs(value))) if np.isfinite(value) and value != 0 else None
    if isinstance(value, sp.Basic):
        found = [d for d in (typed_digits(float(f)) for f in value.atoms(sp.Float))
                 if d is not None]
        return min(found) if found else None
    return None


def _significant(text: str) -> int:
    mantissa = text.lower().split("e")[0].replace(".", "").lstrip("0")
    return max(len(mantissa), 1)


def looser(*precisions: str) -> str:
    """The least precise of the precisions involved in one comparison."""
    order = list(DEFAULTS)
    return max(precisions, key=lambda p: order.index(p) if p in order else 1)
