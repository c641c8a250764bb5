"""What hidden test cells call: turn a check's verdict into nbgrader points.

nbgrader scores a test cell from its outputs: an error gives 0, a numeric result is partial
credit, anything else full marks. :func:`grade` maps a verdict onto that and also publishes the
verdict as machine-readable output (mime type ``VERDICT_MIME``) for the class report.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .verdict import CheckFailed, Verdict

#: Mime type of the verdict record each graded check leaves in the autograded notebook.
VERDICT_MIME = "application/vnd.calcrl.verdict+json"


def grade(checker: Callable[..., Verdict], *args: Any, points: float, part: str,
          **options: Any) -> float | None:
    """Run ``checker(*args, **options)`` and report the outcome the way nbgrader scores it.

    Correct: returns None (full marks). Partial credit: prints the message and returns the
    points earned (nbgrader reads the cell's result). No credit: raises :class:`CheckFailed`,
    whose text is only the check's message.

    >>> import sympy as sp
    >>> from calcrl_checks import check
    >>> grade(check, "2x", sp.Symbol("x")**2 * 0 + 2 * sp.Symbol("x"), points=1, part="demo")
    """
    try:
        verdict = checker(*args, part=part, **options)
    except CheckFailed as failure:
        verdict = failure.verdict
    if not isinstance(verdict, Verdict):
        raise TypeError(f"{getattr(checker, '__name__', checker)} did not return a Verdict")
    _publish(verdict, part, points)
    if verdict.passed:
        return None
    earned = round(points * verdict.score, 4)
    if earned > 0:
        print(f"Partial credit: {earned:g} of {points:g} points.\n{verdict.message}")
        return earned
    raise CheckFailed(verdict)


def _publish(verdict: Verdict, part: str, points: float) -> None:
    """Leave the verdict in the cell's outputs, where the class report reads it."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is None:
        return
    record = {**verdict.as_record(), "part": part, "points": points}
    display({VERDICT_MIME: record, "text/plain": f"[{part}: {verdict.code}]"}, raw=True)
