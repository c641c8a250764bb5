"""Never crash: whatever goes wrong inside a checker becomes a verdict.

A check that raises out of its own logic (a bug, an author's mistake, something a student's
value provoked that no stage foresaw) must not end a hidden test with a traceback: the student
reads a neutral message, the score is 0 for now, and the code ``internal_error`` with the
details (exception, the checker's frame) tells the instructor to look. Failures of the student's
own code are not internal errors: every stage reports those as ``raised``, ``timeout``...

>>> @guarded
... def broken(answer, part=None):
...     return {}["missing"]
>>> verdict = broken(1)
>>> verdict.code, verdict.details["internal_error"]
('internal_error', "KeyError: 'missing'")
"""
from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from calcrl_checks.outcome import messages
from calcrl_checks.outcome import codes
from calcrl_checks.outcome.errors import AuthorError, BudgetExceeded
from calcrl_checks.outcome.verdict import CheckFailed, Verdict

F = TypeVar("F", bound=Callable[..., Verdict])

#: What a student reads when the checker itself failed.
MESSAGE = ("Could not check this answer: the checker itself ran into a problem, which is not a "
           "mistake in your answer. Your instructor is told and will look at this part.")
_PACKAGE = Path(__file__).resolve().parents[1]  # calcrl_checks/, this file is in outcome/


def internal_error(error: BaseException) -> Verdict:
    """The verdict for a checker that raised ``error``: a neutral message for the student,
    the exception and the checker's innermost frame in ``details`` for the instructor."""
    detail = f"{type(error).__name__}: {str(error)[:300]}".rstrip(": ")
    return Verdict(False, 0.0, codes.INTERNAL_ERROR, MESSAGE,
                   details={"internal_error": detail, "where": _where(error)})


def timed_out(error: BudgetExceeded) -> Verdict:
    """The verdict for a budget that ran out outside any stage that reports its own."""
    return Verdict(False, 0.0, codes.TIMEOUT, messages.failed(
        codes.TIMEOUT, f"it did not finish within {error.seconds:g} seconds."))


def guarded(check: F) -> F:
    """Wrap a check so that it always returns a :class:`Verdict`: the one check contract.

    Whatever goes wrong inside becomes a verdict (a time budget that ran out, the checker's own
    failure); only an author's error (met while writing the question) and Ctrl-C get out. A
    check that fails returns its failing verdict; raising is left to the assert-style
    :func:`calcrl_checks.check` and to the notebook's ``grade``, which nbgrader scores.
    """

    @functools.wraps(check)
    def run(*args: Any, **kwargs: Any) -> Verdict:
        try:
            return check(*args, **kwargs)
        except (AuthorError, KeyboardInterrupt):
            raise
        except CheckFailed as failure:  # a check built on the assert-style ``check``
            return failure.verdict
        except BudgetExceeded as error:
            return timed_out(error)
        except Exception as error:  # anything else is the checker's failure, not a crash
            return internal_error(error)

    return run  # type: ignore[return-value]


def _where(error: BaseException) -> str:
    """The innermost frame inside this package ("api.py:123 in _compare"), never test code."""
    found = ""
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename)
        if _PACKAGE in path.resolve().parents:
            found = f"{path.relative_to(_PACKAGE)}:{frame.lineno} in {frame.name}"
    return found
