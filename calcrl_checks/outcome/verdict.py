"""The result of one check: what passed, the score, a machine-readable code and the message.

Codes are the *answer notes* instructors count across a class, so they are stable strings;
what each means is registered in :mod:`calcrl_checks.outcome.codes`.
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
NOT_REPEATABLE = "not_repeatable"
GRADIENT_WHERE_CLIPPED = "gradient_where_clipped"
UNSUBSTITUTED = "unsubstituted"
#: An answer that came back from the student's sandbox as something that does not decode.
UNREADABLE = "unreadable"
#: The checker itself failed (a bug or an author's mistake): a neutral message, 0 points for
#: now, the details for the instructor. Counted apart from students' mistakes in the report.
INTERNAL_ERROR = "internal_error"
#: The answer cell still holds the release stub (decided by the grading engine, where the stub
#: is seen), or the answer name is not defined. Counted apart in the report.
NOT_ANSWERED = "not_answered"
#: A value the notebook defines from another answer disagrees with that answer.
INCONSISTENT = "inconsistent"

# Codes of the learning scenarios (calcrl_checks.checks.scenarios).
RETURN_DECREASED = "return_decreased"
RETURN_UNCHANGED = "return_unchanged"
TOO_LITTLE_GAIN = "too_little_gain"
MOVED_AWAY = "moved_away"
WRONG_FIXED_POINT = "wrong_fixed_point"

# Codes of the autograd checks (calcrl_checks.checks.autograd).
NOT_LEAF = "not_leaf"
NO_GRAPH = "no_graph"
NOT_CONNECTED = "not_connected"
NO_BACKWARD = "no_backward"
GRAD_ACCUMULATED = "grad_accumulated_twice"
RETURNED_TENSOR = "returned_tensor"
HARD_CODED = "hard_coded"
IGNORES_X0 = "ignores_x0"
RETURNED_VALUE = "returned_value"
NO_AUTOGRAD = "no_autograd"

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


class CheckFailed(AssertionError):
    """Raised by :func:`calcrl_checks.check` when an answer does not pass.

    Its text is the verdict's message, so a notebook shows the student only that message.
    """

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.message)
        self.verdict = verdict
