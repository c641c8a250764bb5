"""Values a notebook defines from another answer: right, *and* what that answer gives.

q07 asks for ``identity_gap``, the largest gap in an identity computed *with the student's own*
``grad_log_softmax``. Typing ``0.0`` next to a wrong function must not earn the point, so the
value is checked twice: against the expected value (the usual comparison, with its diagnosis),
then against what the grader recomputes from the student's source answer (a trusted function of
this package calls it, on copies, under the call budget). A value that disagrees with its own
source is ``inconsistent``.

>>> import numpy as np
>>> from calcrl_checks.checks.rl import log_derivative_gap
>>> def right(theta, a):
...     z = np.exp(theta - theta.max()); g = -z / z.sum(); g[a] += 1; return g
>>> check_derived(0.0, 0.0, atol=1e-8, source=right, recompute=log_derivative_gap,
...               source_name="grad_log_softmax").code
'correct'
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from calcrl_checks.outcome import messages
from calcrl_checks.outcome import codes
from calcrl_checks.api import compare
from calcrl_checks.outcome.errors import Refused
from calcrl_checks.outcome.guard import guarded
from calcrl_checks.pipeline.stage4_evaluate import format_value
from calcrl_checks.outcome.verdict import Verdict


@guarded
def check_derived(answer: Any, expected: Any, *, source: Any,
                  recompute: Callable[[Any], Any], source_name: str,
                  **options: Any) -> Verdict:
    """Check ``answer`` against ``expected`` (options as for :func:`calcrl_checks.compare`),
    then against ``recompute(source)``, the same quantity computed from the student's
    ``source`` answer; ``recompute`` raises :class:`~calcrl_checks.outcome.errors.Refused` when the
    source cannot be used (it raised, returned no numbers)."""
    verdict = compare(answer, expected, **options)
    if not verdict.passed:
        return verdict
    what = options.get("what", "answer")
    try:
        own = recompute(source)
    except Refused as refusal:
        return Verdict(False, 0.0, refusal.code, messages.refused(
            refusal.code, f"your {what} could not be checked against your {source_name}: "
                          f"{refusal.message}."))
    agreement = compare(answer, own, **{k: v for k, v in options.items()
                                        if k in ("rtol", "atol", "estimate")})
    if agreement.passed:
        return verdict
    return Verdict(False, 0.0, codes.INCONSISTENT, messages.inconsistent(
        what, source_name, format_value(own)))
