"""What hidden test cells call: turn a check's verdict into nbgrader points.

nbgrader scores a test cell from its outputs: an error gives 0, a numeric result is partial
credit, anything else full marks. :func:`grade` maps a verdict onto that and also publishes the
verdict as machine-readable output for the class report: a :class:`VerdictRecord`, written
by its one encoder and read back, by the class report, a student's standing and the feedback
pages alike, by its one decoder (:meth:`VerdictRecord.from_output`). The decoder trusts nothing
it reads from a notebook: a record with a field missing, extra or of the wrong type is no record
at all (None), so a malformed or forged-looking record never reads as "passed".

Under the grading engine, hidden tests run in the trusted grader, outside any kernel: there
:func:`recording` collects each graded verdict and the engine writes the cell's outputs itself
(:func:`verdict_output`, :func:`partial_credit_text`), the same outputs a kernel would show.
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from calcrl_checks.outcome.answer_text import answer_text
from calcrl_checks.outcome.errors import BudgetExceeded
from calcrl_checks.outcome.guard import internal_error, timed_out
from calcrl_checks.outcome.codes import INTERNAL_ERROR
from calcrl_checks.outcome.verdict import CheckFailed, Verdict

#: Mime type of the verdict record each graded check leaves in the autograded notebook.
VERDICT_MIME = "application/vnd.calcrl.verdict+json"

#: A mime type with this in its name is the grader's to write; outputs from a student's
#: notebook never carry one (the grading engine drops them, ``engine/outputs.py``).
_RESERVED_MARK = "calcrl"


def is_reserved_mime(mime: str) -> bool:
    """Whether only the grader may write display data of this mime type (the verdict record's
    and any other ``calcrl`` type).

    >>> is_reserved_mime(VERDICT_MIME), is_reserved_mime("text/plain")
    (True, False)
    """
    return _RESERVED_MARK in mime


@dataclass(frozen=True)
class VerdictRecord:
    """One graded check as recorded in a notebook: the verdict's fields, the answer it graded
    (``part``) and the points at stake; ``details`` only for a checker's own failure (for the
    instructor, never shown to the student); ``answer``, the graded answer as one line of text
    (:func:`calcrl_checks.outcome.answer_text.answer_text`) for the instructor's answers.csv
    and reteach examples.

    >>> record = VerdictRecord(True, 1.0, "correct", False, "Correct.", "df", 2.0, answer="2*x")
    >>> VerdictRecord.from_output({"output_type": "display_data", "data": record.to_output()})
    VerdictRecord(passed=True, score=1.0, code='correct', proved=False, message='Correct.', \
part='df', points=2.0, details=None, answer='2*x')
    >>> VerdictRecord.from_output({"data": {VERDICT_MIME: {**record.encode(), "passed": 1}}})
    """

    passed: bool
    score: float
    code: str
    proved: bool
    message: str
    part: str
    points: float
    details: Mapping[str, str] | None = None
    answer: str | None = None

    def encode(self) -> dict[str, Any]:
        """The record as JSON-ready data, in the order notebooks have always held it."""
        record: dict[str, Any] = {"passed": self.passed, "score": self.score, "code": self.code,
                                  "proved": self.proved, "message": self.message,
                                  "part": self.part, "points": self.points}
        if self.details is not None:
            record["details"] = dict(self.details)
        if self.answer is not None:
            record["answer"] = self.answer
        return record

    def to_output(self) -> dict[str, Any]:
        """The display data (mime bundle) that carries the record, with a one-line text for
        viewers that do not know the record's mime type."""
        return {VERDICT_MIME: self.encode(), "text/plain": f"[{self.part}: {self.code}]"}

    @classmethod
    def decode(cls, record: Any) -> VerdictRecord | None:
        """The record from its JSON data, or None unless every field is there with its type
        and nothing else is."""
        if not isinstance(record, dict) or not _REQUIRED <= set(record) <= _ALLOWED:
            return None
        passed, proved = record["passed"], record["proved"]
        score, points = record["score"], record["points"]
        code, message, part = record["code"], record["message"], record["part"]
        details, answer = record.get("details"), record.get("answer")
        if not (type(passed) is bool and type(proved) is bool and _is_number(score)
                and _is_number(points) and isinstance(code, str) and isinstance(message, str)
                and isinstance(part, str) and (details is None or _is_text_map(details))
                and (answer is None or isinstance(answer, str))):
            return None
        return cls(passed, score, code, proved, message, part, points,
                   None if details is None else dict(details), answer)

    @classmethod
    def from_output(cls, output: Any) -> VerdictRecord | None:
        """The record a cell output carries, or None when it carries none or a malformed one."""
        data = output.get("data") if isinstance(output, dict) else None
        if not isinstance(data, dict) or VERDICT_MIME not in data:
            return None
        return cls.decode(data[VERDICT_MIME])


_REQUIRED = frozenset({"passed", "score", "code", "proved", "message", "part", "points"})
_ALLOWED = _REQUIRED | {"details", "answer"}


def _is_number(value: Any) -> bool:
    """A finite int or float, and not a bool (JSON ``true`` is no score)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def _is_text_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str)
                                           for k, v in value.items())


@dataclass(frozen=True)
class Graded:
    """One :func:`grade` call: the verdict, the answer it graded (``part``, and the answer's
    text) and the points at stake."""

    verdict: Verdict
    part: str
    points: float
    answer: str | None = None

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
    graded = Graded(verdict, part, points, _answer_text(args))
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


def _answer_text(args: tuple[Any, ...]) -> str | None:
    """The graded answer (a check's first argument) as text; None when there is none or it
    cannot be written, which never costs the student their grade."""
    if not args:
        return None
    try:
        return answer_text(args[0])
    except Exception:  # a student's object whose repr or attributes raise: no text, same grade
        return None


def partial_credit_text(graded: Graded) -> str:
    """What a student reads above a partially credited answer's message."""
    return (f"Partial credit: {graded.earned:g} of {graded.points:g} points.\n"
            f"{graded.verdict.message}")


def verdict_output(graded: Graded) -> dict[str, Any]:
    """The display data that carries a verdict record (read by the class report).

    A checker's own failure also records its details for the instructor (never shown in the
    student's text).
    """
    verdict = graded.verdict
    details = {key: str(value)[:400] for key, value in verdict.details.items()} \
        if verdict.code == INTERNAL_ERROR else None
    return VerdictRecord(verdict.passed, verdict.score, verdict.code, verdict.proved,
                         verdict.message, graded.part, graded.points, details,
                         graded.answer).to_output()


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
