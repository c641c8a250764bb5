"""The result of one check: what passed, the score, a machine-readable code and the message.

Codes are the *answer notes* instructors count across a class, so they are stable strings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CORRECT = "correct"
WRONG = "wrong"
WRONG_TYPE = "wrong_type"
WRONG_SHAPE = "wrong_shape"
NOT_FINITE = "not_finite"
PARSE_ERROR = "parse_error"
UNSAFE_INPUT = "unsafe_input"
RAISED = "raised"
TIMEOUT = "timeout"
SWAPPED_COMPONENTS = "swapped_components"
SIGN_FLIP = "sign_flip"
CONSTANT_FACTOR = "constant_factor"
ADDITIVE_CONSTANT = "additive_constant"
MISSING_INNER_DERIVATIVE = "missing_inner_derivative"
PRODUCT_RULE = "product_rule"
EXPONENT_NOT_LOWERED = "exponent_not_lowered"
CONSTANT_DIFFERENTIATED = "constant_differentiated"
OTHER_VARIABLE_DIFFERENTIATED = "other_variable_differentiated"
WRONG_VARIABLE = "wrong_variable"
UNKNOWN_SYMBOL = "unknown_symbol"
INPUTS_MUTATED = "inputs_mutated"
GRADIENT_WHERE_CLIPPED = "gradient_where_clipped"
UNSUBSTITUTED = "unsubstituted"
#: An answer that came back from the student's sandbox as something that does not decode.
UNREADABLE = "unreadable"

#: Codes every check may return; question-specific codes (author hints) come on top.
CODES = frozenset({
    CORRECT, WRONG, WRONG_TYPE, WRONG_SHAPE, NOT_FINITE, PARSE_ERROR, UNSAFE_INPUT, RAISED,
    TIMEOUT, SWAPPED_COMPONENTS, SIGN_FLIP, CONSTANT_FACTOR, ADDITIVE_CONSTANT,
    MISSING_INNER_DERIVATIVE, PRODUCT_RULE, EXPONENT_NOT_LOWERED, CONSTANT_DIFFERENTIATED,
    OTHER_VARIABLE_DIFFERENTIATED, WRONG_VARIABLE, UNKNOWN_SYMBOL, INPUTS_MUTATED,
    GRADIENT_WHERE_CLIPPED, UNSUBSTITUTED, UNREADABLE,
})


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

    def as_record(self) -> dict[str, Any]:
        """The verdict as JSON-ready data, as written into autograded notebooks."""
        return {"passed": self.passed, "score": self.score, "code": self.code,
                "proved": self.proved, "message": self.message}


class CheckFailed(AssertionError):
    """Raised by :func:`calcrl_checks.check` when an answer does not pass.

    Its text is the verdict's message, so a notebook shows the student only that message.
    """

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.message)
        self.verdict = verdict
