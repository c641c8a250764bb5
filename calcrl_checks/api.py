"""``compare`` and ``check``: the one entry point every notebook test calls.

The path of one answer runs through :mod:`calcrl_checks.pipeline`, one file per stage:
options checked and resolved (``stage0_options``), the answer adapted to a known kind and read
(``stage1_adapt``, ``stage2_read``; text in :mod:`calcrl_checks.expressions.parsing`), points
sampled (``stage3_sample``), both sides evaluated (``stage4_evaluate``), compared within a
tolerance (``stage5_compare``), proved if cheap (``stage6_prove``), diagnosed
(``stage7_diagnose``) and the verdict worded here, with :mod:`calcrl_checks.outcome.messages`. An
answer that cannot be read comes back as data; what fails later (a student function that
raises, the time budget) travels as an exception and becomes a verdict in :func:`compare`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any
from collections.abc import Iterable, Mapping

import numpy as np
import sympy as sp

from calcrl_checks.outcome import messages
from calcrl_checks.outcome import codes
from calcrl_checks.outcome.budget import CHECK_SECONDS, quiet, time_limit
from calcrl_checks.pipeline.stage7_diagnose import Candidate, Diagnosis, diagnose
from calcrl_checks.outcome.errors import BudgetExceeded, Refused
from calcrl_checks.expressions.evaluate import holds
from calcrl_checks.outcome.guard import guarded
from calcrl_checks.pipeline.stage7_mal_answers import mal_answers, partial_mistakes
from calcrl_checks.pipeline.stage0_options import Options, Setup
from calcrl_checks.pipeline.stage6_prove import proved_equal
from calcrl_checks.pipeline.stage2_read import Reading, read_answer, read_expected
from calcrl_checks.pipeline.stage3_sample import per_point, sample_points
from calcrl_checks.pipeline.stage4_evaluate import (Evaluation, ExpressionSide, Side,
                                                    describe_point, format_value)
from calcrl_checks.pipeline.stage5_compare import (Tolerance, choose, for_rounded, looser,
    typed_digits, compared_exactly)
from calcrl_checks.outcome.verdict import CheckFailed, Verdict



@guarded
def compare(answer: Any, expected: Any, domain: Mapping[str, Any] | None = None,
            rtol: float | None = None, atol: float | None = None, hints: Iterable[Any] = (),
            seed: int | None = None, **options: Any) -> Verdict:
    """Compare an answer with the expected one by meaning and return a :class:`Verdict`.

    ``expected`` is a sympy expression (or a sequence of them), a number, an array, or a
    trusted reference function; ``answer`` may be any of those, text or LaTeX, or a tensor.
    ``domain`` maps each symbol or function argument to ``(low, high)`` or a spec from
    :mod:`calcrl_checks.pipeline.stage0_domains`. The other ``options`` are the fields of
    :class:`Options`:
    ``of``/``wrt`` name the function being differentiated so that typical mistakes can be
    recognised; ``scores`` gives partial credit per diagnosis code; ``samples`` is the number
    of test points (default 40). A function answer is called on copies of its inputs; one that
    changes an input in place gets ``inputs_mutated`` (naming the argument) unless
    ``forbid_mutation=False``. ``estimate=True`` accepts numerical estimates (relative 1e-4,
    absolute 1e-6 near zero; see :mod:`calcrl_checks.pipeline.stage5_compare`).

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> compare("e^x/(1+e^x)", sp.exp(x) / (sp.exp(x) + 1), domain={"x": (-3, 3)}).passed
    True
    >>> compare("cos(x^2)", sp.diff(sp.sin(x**2), x), of=sp.sin(x**2), wrt=x).code
    'missing_inner_derivative'
    """
    setup = Setup.resolve(expected, Options.of_keywords(
        {"domain": domain, "rtol": rtol, "atol": atol, "hints": hints, "seed": seed, **options}))
    shown: str | None = None
    with quiet():
        try:
            with time_limit(CHECK_SECONDS):
                expected_side = read_expected(expected, setup)
                reading = read_answer(answer, setup)
                shown = reading.shown
                if reading.refusal is not None:
                    return _refusal(setup, reading.refusal.code, reading.refusal.message,
                                    shown)
                return _compare(answer, reading, expected_side, setup)
        except BudgetExceeded as error:
            return _refusal(setup, codes.TIMEOUT, f"it did not finish within {error.seconds:g} "
                            "seconds.", shown)
        except Refused as refusal:
            return _refusal(setup, refusal.code, refusal.message, shown)
        except RecursionError:
            return _refusal(setup, codes.UNSAFE_INPUT, "it is nested too deeply to check.", shown)
        except MemoryError:
            return _refusal(setup, codes.UNSAFE_INPUT, "it is too large to check.", shown)


def check(answer: Any, expected: Any, **options: Any) -> Verdict:
    """Like :func:`compare`, but raise :class:`CheckFailed` (an AssertionError) unless it passes.

    >>> import sympy as sp
    >>> check("3x^2 + 2", sp.Symbol("x")**3 * 1 + 2 * sp.Symbol("x")).code
    Traceback (most recent call last):
    ...
    calcrl_checks.outcome.verdict.CheckFailed: Not yet: ...
    """
    result = compare(answer, expected, **options)
    if not result.passed:
        raise CheckFailed(result)
    return result


# -- the comparison ------------------------------------------------------------------------------
def _compare(answer: Any, reading: Reading, expected_side: Side, setup: Setup) -> Verdict:
    answer_side = reading.side
    assert answer_side is not None  # a refused reading never gets here
    unsubstituted = ", ".join(sorted(reading.leftover))
    points, expected = sample_points(setup, expected_side, answer_side)
    expected_values = expected.values
    evaluated = answer_side.evaluate(points)
    answer_values = evaluated.values
    context = _context(setup, len(points), reading.shown)
    if answer_values.shape != expected_values.shape:
        return _wrong_shape(setup, answer_values, expected_values, context)
    digits = _typed(answer)
    tolerance = _tolerance(setup, evaluated, expected, digits)
    pair = _provable(answer_side, expected_side)
    exact = pair is not None and compared_exactly(*pair, typed_decimal=digits is not None)
    if exact:
        tolerance = replace(tolerance, exact=True)
    context = _context(setup, len(points), reading.shown, tolerance)
    entry_ok = tolerance.close(answer_values, expected_values)
    if exact and pair is not None and pair[0] != pair[1]:
        # No float tells 10^20 + 1 from 10^20: the exact values decide.
        entry_ok = np.zeros_like(entry_ok)
    point_ok = per_point(entry_ok)
    mutated = evaluated.mutated
    if point_ok.all() and not (setup.forbid_mutation and mutated):
        if unsubstituted:
            return _verdict(setup, codes.UNSUBSTITUTED,
                            messages.refused(codes.UNSUBSTITUTED, f"your answer is right once "
                                             f"{unsubstituted} is written out in terms of "
                                             f"{', '.join(setup.domain)}, but the question asks "
                                             "for it in those terms. Substitute and try again.",
                                             context))
        proved = setup.prove and pair is not None and proved_equal(*pair)
        return Verdict(True, 1.0, codes.CORRECT, messages.correct(context, proved), proved,
                       _details(setup, len(points), tolerance, 0))
    if point_ok.all():
        names = ", ".join(sorted(mutated))
        return _verdict(setup, codes.INPUTS_MUTATED, messages.mismatch(
            context, codes.INPUTS_MUTATED, f"your function changed its input {names} in place",
            0, "", ""))
    return _explain(setup, points, expected_values, answer_values, tolerance, entry_ok, context,
                    for_rounded(tolerance, digits), evaluated)


def _explain(setup: Setup, points: list[dict[str, Any]], expected_values: np.ndarray,
             answer_values: np.ndarray, tolerance: Tolerance, entry_ok: np.ndarray,
             context: messages.Context, rounded: Tolerance, evaluated: Evaluation) -> Verdict:
    """The verdict for an answer that differs somewhere: ``entry_ok`` says, per point and
    entry, where it is within ``tolerance``; ``evaluated`` is what the answer showed."""
    mutated = evaluated.mutated
    point_ok = per_point(entry_ok)
    bad = int((~point_ok).sum())
    first = int(np.argmin(point_ok))
    base = _increment_base(setup, points, answer_values.shape)
    candidates = _candidates(setup, points, base, expected_values.shape)
    subject, reference = ("your answer", "the expected value") if setup.increment_of is None \
        else (f"your step (new {setup.increment_of} - old)", "the expected step")
    diagnosis = _hinted(setup, answer_values, expected_values, points) or diagnose(
        answer_values - base, expected_values - base, tolerance, candidates, subject, reference,
        rounded, evaluated.not_real)
    evidence = diagnosis.evidence
    regime_note = _regime_note(setup, points, point_ok)
    if regime_note:
        evidence = f"{evidence}; {regime_note}" if evidence else regime_note
    if mutated and setup.forbid_mutation:
        note = f"your function also changed its input {', '.join(sorted(mutated))} in place"
        evidence = f"{evidence}; {note}" if evidence else note
    hint = next((h.message for h in setup.hints if h.code == diagnosis.code), None)
    text = messages.mismatch(context, diagnosis.code, evidence, bad,
                             describe_point(points[first], list(setup.domain) or []),
                             _value_shown(answer_values, evaluated.not_real, first), hint,
                             entries=messages.differing_entries(~entry_ok, len(points)))
    return _verdict(setup, diagnosis.code, text, diagnosis.score,
                    _details(setup, len(points), tolerance, bad))


def _hinted(setup: Setup, answer_values: np.ndarray, expected_values: np.ndarray,
            points: list[dict[str, Any]]) -> Diagnosis | None:
    for hint in setup.hints:
        if hint.when is None:
            continue
        fired = hint.when(answer_values, expected_values, points)
        if fired:
            return Diagnosis(hint.code, fired if isinstance(fired, str) else "", hint.score)
    return None


def _candidates(setup: Setup, points: list[dict[str, Any]], base: np.ndarray,
                shape: tuple[int, ...]) -> list[Candidate]:
    found: list[Candidate] = []
    for hint in setup.hints:
        if hint.match is None:
            continue
        values = read_expected(hint.match, setup).evaluate(points).values
        if values.shape == shape:
            found.append(Candidate(hint.code, values - base,
                                   messages.hint_evidence(len(points)), hint.score))
    if setup.of is not None and setup.wrt is not None:
        mistakes = mal_answers(setup.of, setup.wrt) + partial_mistakes(setup.of, setup.wrt)
        for code, expr in mistakes:
            values = ExpressionSide([expr], vector=False).evaluate(points).values
            if values.shape == shape and np.isfinite(values).all():
                evidence = messages.mal_evidence(code, len(points))
                found.append(Candidate(code, values - base, evidence))
    return found


def _increment_base(setup: Setup, points: list[dict[str, Any]], shape: tuple[int, ...]
                    ) -> np.ndarray:
    """For update rules, diagnose the step (new - old), not the new parameters."""
    if setup.increment_of is None:
        return np.zeros(shape)
    old = np.array([np.asarray(p[setup.increment_of], dtype=float) for p in points])
    return np.broadcast_to(old.reshape(shape) if old.size == np.prod(shape) else old,
                           shape).copy()


def _regime_note(setup: Setup, points: list[dict[str, Any]], point_ok: np.ndarray) -> str:
    if not setup.regimes:
        return ""
    failing: list[str] = []
    passing: list[str] = []
    for name, condition in setup.regimes.items():
        inside = np.array([holds(condition, p) for p in points])
        if not inside.any():
            continue
        bad = int((~point_ok & inside).sum())
        (failing if bad else passing).append(f"{name} ({bad} of {int(inside.sum())} points)"
                                             if bad else name)
    parts = []
    if failing:
        parts.append("it differs where " + "; ".join(failing))
    if passing:
        parts.append("it matches where " + "; ".join(passing))
    return ", and ".join(parts)


# -- helpers -------------------------------------------------------------------------------------
def _value_shown(values: np.ndarray, not_real: np.ndarray | None, point: int) -> str:
    """The answer's value at one test point as a message shows it."""
    if not_real is not None and not_real[point].all():
        return "no real value"
    return format_value(values[point])


def _tolerance(setup: Setup, answer: Evaluation, expected: Evaluation,
               digits: int | None) -> Tolerance:
    precision = looser(answer.precision, expected.precision)
    return choose(precision, expected.values, setup.rtol, setup.atol, digits, setup.estimate)


def _typed(answer: Any) -> int | None:
    """The fewest significant digits of a decimal the student typed into the answer."""
    if isinstance(answer, (list, tuple)):
        found = [d for d in (_typed(item) for item in answer[:1000]) if d is not None]
        return min(found) if found else None
    return typed_digits(answer)


def _provable(answer_side: Side, expected_side: Side) -> tuple[sp.Expr, sp.Expr] | None:
    """The two expressions to prove equal, when both sides are single expressions."""
    if isinstance(answer_side, ExpressionSide) and isinstance(expected_side, ExpressionSide) \
            and not answer_side.vector and not expected_side.vector:
        return answer_side.exprs[0], expected_side.exprs[0]
    return None


def _context(setup: Setup, count: int, reading: str | None,
             tolerance: Tolerance | None = None) -> messages.Context:
    domain = ", ".join(spec.describe(name) for name, spec in setup.domain.items())
    return messages.Context(setup.what, count, domain,
                            tolerance.describe() if tolerance else "", setup.seed, reading)


def _wrong_shape(setup: Setup, answer_values: np.ndarray, expected_values: np.ndarray,
                 context: messages.Context) -> Verdict:
    yours, wanted = answer_values.shape[1:], expected_values.shape[1:]
    text = (f"your {setup.what} has shape {yours or 'a single number'} but shape "
            f"{wanted or 'a single number'} is expected.")
    return _verdict(setup, codes.WRONG_SHAPE, messages.refused(codes.WRONG_SHAPE, text, context))


def _details(setup: Setup, count: int, tolerance: Tolerance, bad: int) -> dict[str, Any]:
    return {"points": count, "seed": setup.seed, "rtol": tolerance.rtol,
            "atol": tolerance.atol, "mismatched": bad}


def _verdict(setup: Setup, code: str, message: str, score: float | None = None,
             details: dict[str, Any] | None = None) -> Verdict:
    value = setup.scores.get(code, 0.0) if score is None else score
    return Verdict(False, float(value), code, message, False, details or {"seed": setup.seed})


def _refusal(setup: Setup, code: str, text: str, reading: str | None) -> Verdict:
    context = messages.Context(setup.what, 0, "", "", setup.seed, reading)
    return _verdict(setup, code, messages.refused(code, text, context))
