"""Formative visible checks: an honest signal before submitting, revealing nothing new.

Where the value follows from what the question already states (the derivative of a function
it shows), the visible check runs the real check and shows its diagnosis. A failure raises
:class:`FormativeCheckFailed`, so the cell fails and ``nbgrader validate`` (and the Validate
button) fail with it. When grading, the engine sets that failure aside and lets the hidden
tests decide the score, partial credit included.

Everywhere else a visible check only says plainly that the value is graded after submission
(:func:`graded_after_submission`).
"""
from __future__ import annotations

from typing import Any

from .verdict import CheckFailed


class FormativeCheckFailed(AssertionError):
    """A visible check found a mistake the question's own facts reveal.

    Its text is the check's message. The grading engine does not score it: the hidden tests
    that follow in the cell decide.
    """


def derivative(answer: Any, of: Any, wrt: str, name: str = "your answer",
               domain: dict[str, tuple[float, float]] | None = None) -> None:
    """Check that ``answer`` is the derivative of ``of`` (a function the question shows).

    ``of`` may be text (``"ln(1+e^x)"``) or a sympy expression. The form is checked first
    (:func:`calcrl_checks.form.expression`). Prints one line when the answer is right; raises
    :class:`FormativeCheckFailed` with the diagnosis when it is not.

    >>> derivative("3x^2 + 2", "x^3 + 2x - 5", "x", "df")
    df reads as 3*x**2 + 2: an expression in x.
    df: correct, it is the derivative of x**3 + 2*x - 5 (checked at 40 points).
    >>> derivative("3x^2 + 2x", "x^3 + 2x - 5", "x", "df")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calcrl_checks.formative.FormativeCheckFailed: Not yet: ...
    """
    import sympy as sp

    from . import form

    __tracebackhide__ = True  # IPython shows the student their cell and the message, not ours
    from .calculus import check_derivative
    from .parsing import parse

    form.expression(answer, [wrt], name, later=False)
    variable = sp.Symbol(wrt)
    function = parse(of, symbols=[wrt]) if isinstance(of, str) else of
    options = {"domain": domain} if domain else {}
    try:
        check_derivative(answer, of=function, wrt=variable, part=name, **options)
    except CheckFailed as failure:
        raise FormativeCheckFailed(failure.verdict.message) from None
    print(f"{name}: correct, it is the derivative of {sp.sstr(function)} "
          "(checked at 40 points).")


def graded_after_submission(name: str) -> None:
    """Say plainly that this answer's value is graded only after submission.

    >>> graded_after_submission("slope_at_half")
    slope_at_half: the form is right; its value is graded after you submit.
    """
    print(f"{name}: the form is right; its value is graded after you submit.")
