"""Stage 7 of a check: name the mistake behind a wrong answer, with evidence.

Order: values that are not finite; the question's own mistakes (author hints, then mal-answers
generated from the function being differentiated), which are the most specific; then the
generic relations swapped components, sign flip, constant factor, additive constant.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from calcrl_checks.outcome import codes
from calcrl_checks.pipeline.stage5_compare import MIN_TYPED_DIGITS, Tolerance


@dataclass(frozen=True)
class Candidate:
    """A known wrong answer's values at the sample points, with what it means."""

    code: str
    values: np.ndarray
    message: str
    score: float | None = None


@dataclass(frozen=True)
class Diagnosis:
    code: str
    evidence: str
    score: float | None = None


#: Named constant factors, as students meet them (chain-rule 2s, log bases).
_NAMED_FACTORS = [(2.0, "2"), (0.5, "1/2"), (-1.0, "-1"), (3.0, "3"), (1 / 3, "1/3"),
                  (-2.0, "-2"), (-0.5, "-1/2"), (4.0, "4"), (0.25, "1/4"),
                  (math.log(2), "ln 2"), (1 / math.log(2), "1/ln 2"),
                  (math.log(10), "ln 10"), (1 / math.log(10), "1/ln 10"), (math.e, "e")]


def diagnose(answer: np.ndarray, expected: np.ndarray, tolerance: Tolerance,
             candidates: list[Candidate], subject: str = "your answer",
             reference: str = "the expected value",
             rounded: Tolerance | None = None,
             not_real: np.ndarray | None = None) -> Diagnosis:
    """The most specific explanation of how ``answer`` differs from ``expected``.

    Both arrays have one row per test point; ``subject`` and ``reference`` name what they
    hold in the evidence ("your step", "the expected step"). ``rounded`` is the tolerance for
    recognising a known mistake typed rounded (1.609 for 1.6094...); default ``tolerance``.
    ``not_real`` marks the NaN entries of ``answer`` where an expression has no real value.
    """
    points = len(answer)
    finite = np.isfinite(answer)
    if not finite.all():
        bad = int((~finite).reshape(points, -1).any(axis=1).sum())
        where = f" at {bad} of {points} test points" if points > 1 else ""
        if not_real is not None and not_real[~finite].all():
            return Diagnosis(codes.NOT_FINITE, f"{subject} has no real value{where}")
        kind = "NaN" if np.isnan(answer).any() else "infinite"
        return Diagnosis(codes.NOT_FINITE, f"{subject} is {kind}{where}")
    for candidate in candidates:
        if (rounded or tolerance).close(answer, candidate.values).all():
            return Diagnosis(candidate.code, candidate.message, candidate.score)
    count = answer.size
    at_all = f"at all {points} test points {subject}" if points > 1 else subject
    if expected.ndim >= 2 and expected.shape[-1] >= 2:
        order = _swapped_order(answer, expected, tolerance)
        if order is not None:
            return Diagnosis(codes.SWAPPED_COMPONENTS,
                             f"{at_all} has the expected components in the order {order}: "
                             "they are in the wrong places")
    nonzero = np.abs(expected) > tolerance.atol
    if nonzero.any() and tolerance.close(answer, -expected).all():
        return Diagnosis(codes.SIGN_FLIP, f"{at_all} is -1 × {reference}")
    if count >= 3 and nonzero.sum() >= 2:
        factor = _constant_factor(answer, expected, tolerance)
        if factor is not None:
            return Diagnosis(codes.CONSTANT_FACTOR,
                             f"{at_all} is {factor} × {reference}")
    if count >= 3:
        shift = float(np.median(answer - expected))   # robust where huge values round
        if abs(shift) > tolerance.atol and tolerance.close(answer, expected + shift).all():
            return Diagnosis(codes.ADDITIVE_CONSTANT,
                             f"{at_all} differs from {reference} by the same non-zero "
                             "constant")
    with np.errstate(all="ignore"):
        relative = np.abs(answer - expected) / np.maximum(np.abs(expected), tolerance.atol)
    if float(np.max(relative)) < 1e-3:
        return Diagnosis(codes.WRONG, f"{subject} is within 0.1% of {reference} everywhere but "
                                      "not within the tolerance: it looks rounded; write exact "
                                      "numbers (1/3, not 0.333; pi, not 3.14) or decimals with "
                                      f"at least {MIN_TYPED_DIGITS} correct significant digits")
    return Diagnosis(codes.WRONG, "")


def _constant_factor(answer: np.ndarray, expected: np.ndarray, tolerance: Tolerance) -> str | None:
    flat_a, flat_e = answer.ravel().real, expected.ravel().real
    k = float(np.dot(flat_a, flat_e) / np.dot(flat_e, flat_e))
    if not math.isfinite(k) or abs(k - 1) < 1e-3 or abs(k) < 1e-12:
        return None
    loose = Tolerance(max(tolerance.rtol, 1e-6), tolerance.atol)
    if not loose.close(answer, k * expected).all():
        return None
    for value, name in _NAMED_FACTORS:
        if abs(k - value) <= 1e-6 * abs(value):
            return name
    return f"a constant factor of about {k:.4g}"


def _swapped_order(answer: np.ndarray, expected: np.ndarray, tolerance: Tolerance) -> str | None:
    size = expected.shape[-1]
    if size > 4:
        return None
    for order in itertools.permutations(range(size)):
        if list(order) == list(range(size)):
            continue
        permuted = expected[..., list(order)]
        # Orders that reproduce the expected value, or its negative (softmax gradients such as
        # [-c, c]), say nothing about order: a sign flip explains those better.
        if tolerance.close(permuted, expected).all() or tolerance.close(permuted, -expected).all():
            continue
        if tolerance.close(answer, permuted).all():
            return "(" + ", ".join(str(i + 1) for i in order) + ")"
    return None
