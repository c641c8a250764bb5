"""The result of one check: what passed, the score, a machine-readable code and the message.

Codes are the *answer notes* instructors count across a class, so they are stable strings;
what each means is registered in :mod:`calcrl_checks.outcome.codes`, with its constant.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from calcrl_checks.outcome.errors import CalcrlError

@dataclass(frozen=True)
class Verdict:
    """Outcome of comparing one answer with its expected value.

    >>> from calcrl_checks import compare
    >>> v = compare("2*x", "x^2 + x - x^2 + x", domain={"x": (-3, 3)})
    >>> v.passed, v.code
    (True, 'correct')
    """

    passed: bool
    score: float
    code: str
    message: str
    #: True when a symbolic simplification also proved the equality (a label, never a condition).
    proved: bool = False
    #: Plain-data details for reports: points compared, seed, tolerance, diagnosis evidence.
    details: dict[str, Any] = field(default_factory=dict)


class CheckFailed(CalcrlError, AssertionError):
    """Raised by :func:`calcrl_checks.check` when an answer does not pass.

    Its text is the verdict's message, so a notebook shows the student only that message.
    """

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.message)
        self.verdict = verdict
