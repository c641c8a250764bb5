"""Where answers are compared: seeded sample points in each argument's domain.

Points are drawn from a domain (``stage0_domains.py``: each symbol or function argument to an
interval, vector, matrix, probability vector or fixed choice). The seed comes from the question
and part ids, so a submission always gets the same points, grade and message.
"""
from __future__ import annotations

from dataclasses import replace
import zlib
from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np
import sympy as sp

from calcrl_checks.pipeline.stage0_domains import Spec, draw_point
from calcrl_checks.outcome.errors import AuthorError
from calcrl_checks.expressions.evaluate import Undefined, evaluate, near_kink, switching_quantities
from calcrl_checks.pipeline.stage4_evaluate import Evaluation, ExpressionSide, Side

#: Points compared per check (at least 30, as promised in the docs).
DEFAULT_POINTS = 40
#: Candidate points drawn per point wanted, before giving up on a domain.
_DRAWS_PER_POINT = 8


def seed_for(*parts: Any) -> int:
    """A stable seed from question/part ids (same ids, same seed, on every machine)."""
    return zlib.crc32("\x1f".join(str(p) for p in parts).encode()) & 0x7FFFFFFF


def check_seed(seed: int | None, question: str | None, part: str | None, *about: Any) -> int:
    """The seed of one check, and the one place a question and part become one: the seed
    given, else the question's and part's, else one from what the check is ``about`` (its
    expected answer, its scenario). The same submission always meets the same points.

    >>> check_seed(None, "q08", "df") == seed_for("q08", "df"), check_seed(7, "q08", "df")
    (True, 7)
    >>> check_seed(None, None, None, "bandit") == seed_for("bandit")
    True
    """
    if seed is not None:
        return int(seed)
    return seed_for(question, part) if question or part else seed_for(*about)


class Sampled(Protocol):
    """What :func:`sample_points` reads of a check's setup (``options.Setup``)."""

    @property
    def domain(self) -> Mapping[str, Spec]: ...
    @property
    def seed(self) -> int: ...
    @property
    def samples(self) -> int: ...
    @property
    def derived(self) -> Mapping[str, Any]: ...
    @property
    def regimes(self) -> Mapping[str, Any]: ...


def sample_points(setup: Sampled, expected_side: Side, answer_side: Side
                  ) -> tuple[list[dict[str, Any]], Evaluation]:
    """The test points, and the expected side evaluated there (each point evaluated once).

    Points are drawn from the domain until there are enough where the expected answer is
    defined and finite, away from kinks; the values computed to decide that are the ones
    compared.
    """
    if not setup.domain:
        return [{}], expected_side.evaluate([{}])
    rng = np.random.default_rng(setup.seed)
    kinks = [*expected_side.kinks, *answer_side.kinks]
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
            row = expected_side.evaluate([point]).values
            if not np.isfinite(row).all():
                continue
            rows.append(row)
        chosen.append(point)
        if len(chosen) == setup.samples:
            break
    if isinstance(expected_side, ExpressionSide):
        expected = (Evaluation(np.concatenate(rows), expected_side.precision) if rows
                    else expected_side.evaluate([]))
    else:
        expected = (expected_side.evaluate(chosen) if chosen
                    else Evaluation(np.empty(0), expected_side.precision))
        finite = per_point(np.isfinite(expected.values))
        chosen = [p for p, ok in zip(chosen, finite) if ok]
        expected = replace(expected, values=expected.values[finite])
    if len(chosen) < min(setup.samples, 10):
        raise AuthorError(f"the expected answer is defined at only {len(chosen)} sampled points "
                          "of the domain; give a domain where it is defined")
    return chosen, expected


def per_point(mask: np.ndarray) -> np.ndarray:
    """One truth value per point of a per-entry mask (every entry of a point must hold).

    >>> per_point(np.array([[True, True], [True, False]])).tolist()
    [True, False]
    """
    return np.asarray(mask.reshape(len(mask), -1).all(axis=1)) if mask.ndim > 1 else mask
