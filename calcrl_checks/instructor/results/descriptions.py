"""What each code in a verdict record means, in plain words, for the class report.

Verdict codes are described where they are registered (``calcrl_checks.outcome.codes``, one place);
the three outcomes below are the report's own, for test cells that left no verdict. An unknown
code is shown as its words, so a new code never breaks the report.
"""
from __future__ import annotations

from calcrl_checks.outcome.codes import REGISTRY

#: Outcomes ``verdict_records.py`` gives a test cell that recorded no verdict.
RECORD_OUTCOMES: dict[str, str] = {
    "no_verdict": "no check result (the cell did not run to its end)",
    "visible_check_failed": "the visible check failed before the value was graded",
    "error": "the answer raised an error",
}


def describe(code: str) -> str:
    """The plain-language meaning of ``code`` for the report.

    >>> describe("internal_error")
    'the checker itself failed: regrade by hand'
    >>> describe("some_new_code")
    'some new code'
    """
    entry = REGISTRY.get(code)
    if entry is not None:
        return entry.description
    return RECORD_OUTCOMES.get(code, code.replace("_", " "))
