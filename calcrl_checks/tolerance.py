"""How close is close enough: rtol and atol together, scaled to the size of the expected values.

``|answer - expected| <= atol + rtol * |expected|`` at every point. The default atol is a
fraction of the largest expected magnitude, so a wrong answer still fails when every value
involved is tiny, and a correct float32 answer is not failed for float32 rounding.
"""
from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float
    #: True when atol was derived from the expected values: its number would reveal their
    #: size, so messages do not print it.
    scaled: bool = False

    def close(self, answer: np.ndarray, expected: np.ndarray) -> np.ndarray:
        """Element-wise closeness; NaN or inf in the answer is never close."""
        with np.errstate(all="ignore"):
            ok = np.abs(answer - expected) <= self.atol + self.rtol * np.abs(expected)
        return ok & np.isfinite(answer)

    def describe(self) -> str:
        absolute = "atol scaled to the expected size" if self.scaled else f"atol={self.atol:.2g}"
        return f"rtol={self.rtol:.2g}, {absolute}"


def choose(precision: str, expected: np.ndarray, rtol: float | None = None,
           atol: float | None = None) -> Tolerance:
    """The tolerance for values of ``precision``; explicit rtol/atol win (atol absolute)."""
    default_rtol, atol_fraction = DEFAULTS.get(precision, DEFAULTS["float64"])
    finite = np.abs(expected[np.isfinite(expected)])
    scale = float(finite.max()) if finite.size else 0.0
    scaled = atol is None and scale > 0
    if atol is None:
        atol = atol_fraction * scale if scale > 0 else ZERO_SCALE_ATOL.get(precision,
                                                                           FLOAT_ZERO_ATOL)
    return Tolerance(default_rtol if rtol is None else float(rtol), float(atol), scaled)


def looser(*precisions: str) -> str:
    """The least precise of the precisions involved in one comparison."""
    order = list(DEFAULTS)
    return max(precisions, key=lambda p: order.index(p) if p in order else 1)
