"""What hidden test cells call: turn a check's verdict into nbgrader points.

nbgrader scores a test cell from its outputs: an error gives 0, a numeric result is partial
credit, anything else full marks. :func:`grade` maps a verdict onto that and also publishes the
verdict as machine-readable output (mime type ``VERDICT_MIME``) for the class report.

Under the grading engine, hidden tests run in the trusted grader, outside any kernel: there
:func:`recording` collects each graded verdict and the engine writes the cell's outputs itself
(:func:`verdict_output`, :func:`partial_credit_text`), the same outputs a kernel would show.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from calcrl_checks.outcome.errors import BudgetExceeded
from calcrl_checks.outcome.guard import internal_error, timed_out
from calcrl_checks.outcome.codes import INTERNAL_ERROR
from calcrl_checks.outcome.verdict import CheckFailed, Verdict

#: Mime type of the verdict record each graded check leaves in the autograded notebook.
VERDICT_MIME = "application/vnd.calcrl.verdict+json"


@dataclass(frozen=True)
class Graded:
    """One :func:`grade` call: the verdict, the answer it graded and the points at stake."""

    verdict: Verdict
    part: str
    points: float

    @property
    def earned(self) -> float:
        return self.points if self.verdict.passed else round(self.points * self.verdict.score, 4)


_recorded: ContextVar[list[Graded] | None] = ContextVar("calcrl_recorded", default=None)


@contextlib.contextmanager
def recording() -> Iterator[list[Graded]]:
    """Collect what :func:`grade` calls give instead of displaying it.

    >>> import sympy as sp
    >>> from calcrl_checks import check
    >>> with recording() as graded:
    ...     grade(check, "2x", 2 * sp.Symbol("x"), points=1, part="demo")
    >>> graded[0].verdict.code, graded[0].earned
    ('correct', 1)
    """
    graded: list[Graded] = []
    token = _recorded.set(graded)
    try:
        yield graded
    finally:
        _recorded.reset(token)


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
    except BudgetExceeded as error:
        verdict = timed_out(error)
    except Exception as error:  # never crash a hidden test: the checker failed, not the student
        verdict = internal_error(error)
    if not isinstance(verdict, Verdict):
        verdict = internal_error(TypeError(f"{getattr(checker, '__name__', checker)} returned "
                                           f"a {type(verdict).__name__}, not a Verdict"))
    graded = Graded(verdict, part, points)
    recorded = _recorded.get()
    if recorded is not None:
        recorded.append(graded)
    else:
        _publish(graded)
    if verdict.passed:
        return None
    if graded.earned > 0:
        if recorded is None:
            print(partial_credit_text(graded))
        return graded.earned
    raise CheckFailed(verdict)


def partial_credit_text(graded: Graded) -> str:
    """What a student reads above a partially credited answer's message."""
    return (f"Partial credit: {graded.earned:g} of {graded.points:g} points.\n"
            f"{graded.verdict.message}")


def verdict_output(graded: Graded) -> dict[str, Any]:
    """The display data that carries a verdict record (read by the class report).

    A checker's own failure also records its details for the instructor (never shown in the
    student's text).
    """
    record = {**graded.verdict.as_record(), "part": graded.part, "points": graded.points}
    if graded.verdict.code == INTERNAL_ERROR:
        record["details"] = {key: str(value)[:400] for key, value in
                             graded.verdict.details.items()}
    return {VERDICT_MIME: record, "text/plain": f"[{graded.part}: {graded.verdict.code}]"}


def _publish(graded: Graded) -> None:
    """Leave the verdict in the cell's outputs, where the class report reads it."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is None:
        return
    display(verdict_output(graded), raw=True)
