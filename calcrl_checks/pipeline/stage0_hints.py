"""Author hints: a known wrong answer, or a condition, mapped to the message a student reads."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Hint:
    """A question-specific mistake.

    ``match`` is a wrong answer in any form the expected answer may take (expression, number,
    array, reference function); ``when`` is a predicate ``(answer_values, expected_values,
    points) -> bool | str`` for mistakes that are conditions rather than values (a non-empty
    string is used as the evidence the student reads). ``score`` is the
    partial credit for this mistake (default 0) and ``code`` its machine-readable note.

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> Hint("Multiply by the inner derivative 2.", match=3 * (2 * x + 1) ** 2,
    ...      code="missing_inner_derivative").code
    'missing_inner_derivative'
    """

    message: str
    match: Any = None
    when: Callable[[np.ndarray, np.ndarray, list[dict[str, Any]]], bool | str] | None = None
    score: float | None = None
    code: str = "hint"

    def __post_init__(self) -> None:
        if (self.match is None) == (self.when is None):
            raise ValueError("a Hint needs exactly one of match= or when=")


def as_hints(items: Iterable[Any]) -> list[Hint]:
    """Accept Hint objects or tuples ``(match, message[, score[, code]])``."""
    hints: list[Hint] = []
    for item in items:
        if isinstance(item, Hint):
            hints.append(item)
        elif isinstance(item, tuple) and 2 <= len(item) <= 4:
            match, message, *rest = item
            score = rest[0] if rest else None
            code = rest[1] if len(rest) > 1 else "hint"
            hints.append(Hint(message, match=match, score=score, code=code))
        else:
            raise ValueError(f"hints are Hint objects or (match, message[, score[, code]]) "
                             f"tuples, got {item!r:.60}")
    return hints
