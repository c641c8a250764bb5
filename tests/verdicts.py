"""Assertions shared by the checker's test modules (imported as a plain module)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from calcrl_checks import Verdict

#: The line that echoes how the student's own text was read; it may legitimately contain
#: the expected expression as a part of a wrong answer (``2*x*cos(x**2) + 3``).
READING = "I read your answer as:"


def assert_hides(verdict: Verdict, *expected: Any) -> None:
    """A failed verdict's message names no expected expression, in any usual spelling."""
    assert not verdict.passed
    shown = "\n".join(line for line in verdict.message.splitlines()
                      if not line.startswith(READING))
    for value in expected:
        spellings = {sp.sstr(value), str(value)} if isinstance(value, sp.Basic) else {str(value)}
        for text in spellings:
            assert text not in shown, f"the message shows {text!r}:\n{verdict.message}"


def verdict_of(check: Callable[..., Verdict], *args: Any, **options: Any) -> Verdict:
    """The verdict of a ``check_*`` function, which returns it whether it passes or not (a
    check that raised would fail the test: the one check contract)."""
    verdict = check(*args, **options)
    assert isinstance(verdict, Verdict), f"{check.__name__} returned {verdict!r}"
    return verdict
