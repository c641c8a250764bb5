"""Every message a student reads is assembled here, from plain data about the comparison.

A message says what was compared, the tolerance and seed, the first input where the answer
differs with the student's value there, which entries of an array answer differ (by index),
the diagnosis and a hint, and how text was read. It never contains the expected expression or
value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from calcrl_checks.outcome import codes
from calcrl_checks.outcome.codes import REGISTRY

#: What each generated mal-answer did, for the evidence line.
_MISTAKES: dict[str, str] = {
    codes.MISSING_INNER_DERIVATIVE: "differentiating the outer function and dropping the inner "
                                    "derivative",
    codes.PRODUCT_RULE: "keeping only part of the product rule",
    codes.EXPONENT_NOT_LOWERED: "keeping the exponent instead of lowering it by one",
    codes.CONSTANT_DIFFERENTIATED: "letting a constant term survive differentiation",
    codes.OTHER_VARIABLE_DIFFERENTIATED: "differentiating the other variables as well",
    codes.WRONG_VARIABLE: "differentiating with respect to another variable",
}


def hint_evidence(points: int) -> str:
    """Evidence for an author's known wrong answer that matched the student's answer."""
    where = f"at all {points} test points " if points > 1 else ""
    return f"{where}your answer matches a common mistake, described in the hint below"


def mal_evidence(code: str, points: int) -> str:
    """Evidence for a generated mal-answer that matched the student's answer."""
    return f"at all {points} test points your answer equals what you get by {_MISTAKES[code]}"


@dataclass(frozen=True)
class Context:
    """What was compared, for the closing line of every message."""

    what: str
    points: int
    domain: str
    tolerance: str
    seed: int
    reading: str | None = None


def correct(context: Context, proved: bool) -> str:
    where = f"at all {context.points} test points ({context.domain})" if context.domain \
        else "within tolerance"
    proof = " It was also proved equal symbolically." if proved else ""
    return _join(f"Correct: your {context.what} matches {where}.{proof}", _reading(context))


def mismatch(context: Context, code: str, evidence: str, bad: int, first_input: str,
             your_value: str, hint: str | None = None, entries: str = "") -> str:
    """A wrong answer: the diagnosis, where it differs with the student's value there, which
    entries differ (``entries``, from :func:`differing_entries`), evidence, hint, what was
    compared."""
    entry = REGISTRY.get(code)
    if entry is not None and entry.headline:
        headline = entry.headline
    elif code == codes.WRONG:
        headline = f"your {context.what} does not match"
    else:
        headline = "it looks like a common mistake"
    lines = [f"Not yet: {headline}."]
    if bad and context.points > 1:
        lines.append(f"It differs at {bad} of {context.points} test points; first at "
                     f"{first_input}, where your answer gives {your_value}.")
    elif bad and your_value:
        lines.append(f"Your value: {your_value}.")
    if bad and entries:
        lines.append(entries)
    if evidence:
        lines.append(f"Evidence: {evidence}.")
    advice = hint or (entry.advice if entry is not None else None)
    if advice:
        lines.append(f"Hint: {advice}")
    lines.append(_compared(context))
    return _join(*lines, _reading(context))


#: How many differing entries are named before the rest are summed up as "...".
_ENTRIES_NAMED = 6


def differing_entries(differ: np.ndarray, points: int) -> str:
    """The line naming which entries of an array answer differ, by index only (never a value).

    ``differ`` has one row per test point and one column per entry (shape ``(points,
    *entry_shape)``), True where that entry is wrong at that point; an entry counts as
    differing when it is wrong at any point. Empty for a single number (no entry axis) and
    when nothing differs.

    >>> differing_entries(np.array([[False, True], [False, False]]), 2)
    'Entries that differ: [1] (1 of 2; the other matches at every test point).'
    >>> differing_entries(np.array([[[False, True], [True, False]]]), 1)
    'Entries that differ: [0, 1], [1, 0] (2 of 4; the others match).'
    >>> differing_entries(np.ones((3, 2, 2), dtype=bool), 3)
    'Every entry differs (4 of 4).'
    >>> differing_entries(np.array([True, False]), 2)
    ''
    """
    if differ.ndim < 2:
        return ""
    wrong = differ.any(axis=0)
    count, total = int(wrong.sum()), int(wrong.size)
    if count == 0:
        return ""
    if count == total:
        return f"Every entry differs ({count} of {total})."
    indices = [f"[{', '.join(str(int(i)) for i in index)}]" for index in np.argwhere(wrong)]
    named = ", ".join(indices[:_ENTRIES_NAMED]) + (", ..." if count > _ENTRIES_NAMED else "")
    others = "the other matches" if total - count == 1 else "the others match"
    where = " at every test point" if points > 1 else ""
    return f"Entries that differ: {named} ({count} of {total}; {others}{where})."


# -- why an answer is refused ---------------------------------------------------------------
#: The sentence of every refusal, by its reason, with named fields: a stage raises
#: ``Refused(code, refusal(reason, **fields))`` and writes no sentence of its own
#: (``tests/test_errors.py`` keeps it so).
REFUSALS: dict[str, str] = {
    # what the answer is (stage1_adapt)
    "unsupported_type":
        ("your answer is a {name}; this check accepts numbers, arrays, tensors, sympy "
         "expressions, text and functions"),
    "function_returned_kind":
        "your function returned a {kind}; it should return a number or an array",
    "mixed_sequence": "your sequence mixes kinds of values this check cannot compare",
    "tensor_dtype": "your tensor has dtype {name}; a numeric tensor is expected",
    "true_or_false": "your answer is True/False; a number or expression is expected here",
    "a_class": "your answer is the class {name}, not a value",
    "number_out_of_range":
        ("your answer is a number of about 10^{exponent}; the checker compares numbers up to "
         "10^{limit}: check its size"),
    "none": "your answer is None: did you forget to assign it, or to `return` a value?",
    "array_of_objects": "your array holds {dtype} values, not numbers",
    "array_too_large": "your array has {size} entries, far more than expected",
    "sequence_too_long": "your sequence has {count} entries, far more than expected",
    "ragged_sequence": "the entries of your sequence have different shapes",
    # what the answer is written in (stage2_read)
    "unknown_symbols": "{unknown} (this question's symbols: {known}).",
    # what a function answer did (stage4_evaluate)
    "shapes_differ":
        "your function returned values of different shapes for different inputs: {shapes}",
    "torch_returned_kind":
        "given torch tensors, your function returned {kind}; it should return a tensor",
    "not_one_value_per_input":
        ("called with {count} inputs at once, your function returned shape {shape}; it should "
         "return one value per input (use numpy functions such as np.exp)"),
    "not_vectorised":
        ("called with a numpy array of inputs, {failure}. It should accept arrays (use np.exp, "
         "not math.exp)"),
    # what cannot cross the sandbox boundary (crossing/wire)
    "expression_object": "your expression contains a {name} object",
    "array_dtype": "arrays of dtype {dtype} are not accepted; use numbers",
    "calculus_verb":
        "your answer contains {verb}; work the derivative out yourself and give the result",
    "unhandled_function":
        ("your answer uses '{name}', which these checks do not handle; rewrite it with "
         "elementary functions"),
    "integer_too_long": "that integer is too long",
    # what could not be fetched from the notebook (engine/remote)
    "answer_too_large": "{name} could not be read from your notebook: {why}.",
    "notebook_stopped":
        "{name} could not be read from your notebook: its Python process stopped answering.",
    "answer_unreadable":
        ("{name} could not be read from your notebook as numbers, text, an expression, a tensor "
         "or a function."),
    "returned_too_large": "what your function returned could not be read: {why}",
    "returned_unreadable": "what your function returned could not be read",
    # what an update rule did while learning (scenarios)
    "learning_results_unreadable": "the results of your {name} during learning could not be read.",
    "update_returned_none":
        "your function returned None instead of the new {name}: did you forget `return`?",
    "update_returned_shape":
        "your function returned shape {shape} for a {name} of shape ({size},).",
    "update_not_finite": "your function returned NaN or inf for {name} during training.",
    "update_not_a_function": "{name} should be a function, not a {kind}.",
    "update_returned_kind": "your function returned a {kind}, not an array of numbers.",
    # what a policy-gradient function returned (checks/rl)
    "softmax_gradient_shape": "for theta of size {size} it returned shape {shape}, not ({size},)",
    "function_values_shape": "on an array of {size} points it returned shape {shape}, not "
                             "({size},)",
}

def full_stop(text: str) -> str:
    """``text`` as it ends a message in a scenario's words: with one full stop.

    >>> full_stop("your step raised ValueError: bad"), full_stop("it was read.")
    ('your step raised ValueError: bad.', 'it was read.')
    """
    return text if text.endswith(".") else f"{text}."


def refusal(reason: str, **fields: Any) -> str:
    """The sentence a student reads when an answer is refused for ``reason`` (a key of
    :data:`REFUSALS`), with its fields filled in.

    >>> refusal("a_class", name="int")
    'your answer is the class int, not a value'
    >>> refusal("array_too_large", size=20000000)
    'your array has 20000000 entries, far more than expected'
    """
    return REFUSALS[reason].format(**fields)


#: What a student's function did instead of returning, by what stopped it (checked in order).
_STOPPED_BY: tuple[tuple[type[BaseException], str], ...] = (
    (RecursionError, "recursed too deeply (RecursionError)"),
    (MemoryError, "ran out of memory (MemoryError)"),
    (SystemExit, "called exit(); return a value instead"),
)


#: How numpy and torch say that an array was used where one truth value is needed.
_AMBIGUOUS_TRUTH = ("truth value of an array with more than one element is ambiguous",
                    "Boolean value of Tensor with more than one value is ambiguous")


def function_stopped(subject: str, error: BaseException, where: str = "") -> str:
    """The sentence for a student's function that raised instead of returning; ``subject``
    names it as the student knows it ("your function", "your td_update", "df").

    >>> function_stopped("your step", ZeroDivisionError("division by zero"), " at theta = 1")
    'your step raised ZeroDivisionError at theta = 1: division by zero'
    >>> function_stopped("df", RecursionError("maximum recursion depth exceeded"))
    'df recursed too deeply (RecursionError)'
    """
    for kind, what in _STOPPED_BY:
        if isinstance(error, kind):
            return f"{subject} {what}"
    if any(words in str(error) for words in _AMBIGUOUS_TRUTH):
        return (f"{subject} asked for one True or False of a whole array{where} "
                f"({type(error).__name__}): `if`, `and`, `or`, `min` and `max` need single "
                "numbers. Use np.where, np.minimum, np.maximum or np.clip (torch.where, "
                "torch.clamp for tensors), which work entry by entry")
    lines = str(error).strip().splitlines()
    detail = lines[0][:160] if lines else "(no message)"
    return f"{subject} raised {type(error).__name__}{where}: {detail}"


def inconsistent(what: str, source: str, recomputed: str) -> str:
    """A value the notebook defines from another answer, which that answer does not give."""
    return _join(f"Not yet: your {what} does not agree with your {source}.",
                 f"Computed with your {source}, the same quantity comes out as {recomputed}.",
                 f"Hint: compute {what} with your {source}; if that value looks wrong, the "
                 f"mistake is in {source}.")


def differentiated_held(quantity: str) -> str:
    """The hint for a gradient taken through a quantity the question holds fixed (semi-gradient
    TD's target), written without the gradient itself.

    >>> differentiated_held("target")[:60]
    'It looks like you differentiated through target as well. The'
    """
    return (f"It looks like you differentiated through {quantity} as well. The question holds "
            f"{quantity} fixed: treat it as a constant while you differentiate, and only then "
            "put in what it stands for.")


def composition_differs(name: str, outer: str, whole: str, mismatched: Any = None,
                        points: Any = None) -> str:
    """For an inner function that, put into the outer one, does not give the function the
    question shows (the inner function itself is never named).

    >>> composition_differs("u", "sqrt(u)", "sqrt(x**2 + 1)", 40, 40)[:46]
    'Not yet: with your u, sqrt(u) is not sqrt(x**2'
    """
    where = f" (it differs at {mismatched} of {points} test points)" if mismatched else ""
    return (f"Not yet: with your {name}, {outer} is not {whole}{where}.\nHint: the inner "
            "function is everything the outer function is applied to.")


def not_answered(name: str | None) -> str:
    """For an answer cell still holding its stub, or an answer name that is not defined."""
    if name is None:
        return ("Not answered yet: write your answer in the answer cell above, in place of "
                "`raise NotImplementedError()`.")
    return (f"Not answered: {name} is not defined when this cell runs. Define it in the answer "
            "cell above, and check that the cell runs without an error.")


def did_not_run(name: str, stopped: str) -> str:
    """For an answer never defined because its answer cell stopped first; ``stopped`` says
    how, as :func:`calcrl_checks.engine.stopped_cells.how_it_stopped` words it.

    >>> did_not_run("df", "stopped with a SyntaxError on line 2 (invalid syntax)")[:75]
    'Did not run: your answer cell stopped with a SyntaxError on line 2 (invalid'
    """
    fix = "Fix that line" if " on line " in stopped else \
        "Make that cell finish sooner" if "time limit" in stopped else \
        "Run the cell to see where it stops, fix that step"
    return (f"Did not run: your answer cell {stopped}, so {name} was never defined. {fix}, "
            "run the cell again, then run this check.")


def refused(code: str, text: str, context: Context | None = None) -> str:
    """An answer that could not be compared (unreadable, wrong kind, out of time), with how
    its text was read."""
    return failed(code, text, closing=_reading(context) if context is not None else "")


def failed(code: str, text: str, hint: str | None = None, closing: str = "") -> str:
    """A failing verdict's message in the house shape, for every check: an opener that names
    the kind of failure, the finding, the hint (the code's registered advice when the check
    gives none) and a closing line on what was checked.

    >>> print(failed("wrong_shape", "x has shape (2,); one number is expected.",
    ...              closing="(Checked once.)"))
    Wrong shape: x has shape (2,); one number is expected.
    (Checked once.)
    """
    entry = REGISTRY.get(code)
    advice = hint or (entry.advice if entry is not None else None)
    return _join(f"{_OPENERS.get(code, 'Not yet')}: {text}", f"Hint: {advice}" if advice else "",
                 closing)


def passed(text: str, closing: str = "") -> str:
    """A passing verdict's message for checks that word their own findings.

    >>> passed("x is a leaf tensor.")
    'Correct: x is a leaf tensor.'
    """
    return _join(f"Correct: {text}", closing)


#: How a failing message opens, by code ("Not yet" for the rest).
_OPENERS = {codes.PARSE_ERROR: "Could not read your answer",
            codes.UNSAFE_INPUT: "This answer cannot be accepted",
            codes.WRONG_TYPE: "Wrong kind of answer",
            codes.WRONG_SHAPE: "Wrong shape",
            codes.RAISED: "Your code raised an error",
            codes.TIMEOUT: "Could not check this answer in time",
            codes.UNKNOWN_SYMBOL: "Your answer uses a symbol this question does not have",
            codes.UNSUBSTITUTED: "Almost"}


def show_expression(expr: Any, decimals: bool = False) -> str:
    """How an answer was read, in sympy's spelling; with ``decimals``, fractions that a typed
    decimal became are shown as that decimal again (3.14, not 157/50).

    >>> import sympy as sp
    >>> show_expression(sp.Rational(157, 50) * sp.Symbol("x"), decimals=True)
    '3.14*x'
    """
    import sympy as sp

    if decimals:
        shown = {}
        for number in expr.atoms(sp.Rational):
            q = int(number.q)
            while q % 2 == 0:
                q //= 2
            while q % 5 == 0:
                q //= 5
            if number.q != 1 and q == 1 and number.q < 10 ** 40:
                places = len(str(number.q)) + 2
                text = f"{abs(number.p) / number.q:.{places}f}".rstrip("0")
                shown[number] = sp.Symbol(text) if number > 0 else -sp.Symbol(text)
        expr = expr.xreplace(shown)
    expr = expr.xreplace({n: _scientific(n) for n in expr.atoms(sp.Integer)
                          if abs(n) >= 10 ** 21 and int(n) % 10 ** 6 == 0})
    written: str = sp.sstr(expr)  # sympy is untyped: sstr is a str
    return written


def _scientific(number: Any) -> Any:
    """A huge round integer as the student would write it: 1.12*10^200, not 201 digits."""
    import sympy as sp

    digits = str(abs(int(number)))
    kept = digits.rstrip("0")
    mantissa = kept[0] + (f".{kept[1:]}" if len(kept) > 1 else "")
    written = sp.Symbol(f"{mantissa}*10^{len(digits) - 1}")
    return written if number > 0 else -written


def _compared(context: Context) -> str:
    where = f"at {context.points} test points with {context.domain}" if context.domain \
        else "as values"
    return f"(Compared {where}; {context.tolerance}; seed {context.seed}.)"


def _reading(context: Context) -> str:
    return f"I read your answer as: {context.reading}" if context.reading else ""


def _join(*lines: str) -> str:
    return "\n".join(line for line in lines if line)
