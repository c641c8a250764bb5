"""Every message a student reads is assembled here, from plain data about the comparison.

A message says what was compared, the tolerance and seed, the first input where the answer
differs with the student's value there, the diagnosis and a hint, and how text was read. It
never contains the expected expression or value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import verdict as codes

#: Advice per diagnosis, written for the student who made that mistake.
ADVICE: dict[str, str] = {
    codes.NOT_FINITE: "Some test inputs give NaN or inf: look for a step that overflows (exp "
                      "of a large number), divides by zero or takes log or sqrt of a negative "
                      "number, and rewrite that step so it stays finite.",
    codes.SWAPPED_COMPONENTS: "Entry i should belong to variable i: check the order of your "
                              "components.",
    codes.SIGN_FLIP: "Check the sign. If this is an update: descent subtracts the gradient step, "
                     "ascent adds it.",
    codes.CONSTANT_FACTOR: "Look for a missing or extra constant factor, such as the 2 that a "
                           "power or an inner function brings in.",
    codes.ADDITIVE_CONSTANT: "Look for a term that should have vanished, such as the derivative "
                             "of a constant.",
    codes.MISSING_INNER_DERIVATIVE: "Chain rule: after differentiating the outer function, "
                                    "multiply by the derivative of the inner one.",
    codes.PRODUCT_RULE: "Product rule: (uv)' = u'v + uv' needs both terms, and it is not u'v'.",
    codes.EXPONENT_NOT_LOWERED: "Power rule: d/dx x^n = n x^(n-1); the exponent goes down by one.",
    codes.CONSTANT_DIFFERENTIATED: "The derivative of a constant term is 0.",
    codes.OTHER_VARIABLE_DIFFERENTIATED: "In a partial derivative the other variables are held "
                                         "fixed: treat them like constants.",
    codes.WRONG_VARIABLE: "Check which variable you differentiate with respect to.",
    codes.INPUTS_MUTATED: "Return a new value instead of changing an argument in place: avoid "
                          "+=, -= and item assignment on the inputs, or work on a copy.",
    codes.GRADIENT_WHERE_CLIPPED: "Where the clipped term is the minimum it does not depend on r, "
                                  "so the gradient there is 0.",
    codes.TIMEOUT: "Simplify your answer (or make your function faster) and run the check again.",
}

_HEADLINES: dict[str, str] = {
    codes.NOT_FINITE: "your answer is not finite everywhere it should be",
    codes.SWAPPED_COMPONENTS: "your components are swapped",
    codes.SIGN_FLIP: "your answer has the wrong sign",
    codes.CONSTANT_FACTOR: "your answer is off by a constant factor",
    codes.ADDITIVE_CONSTANT: "your answer is off by a constant",
    codes.MISSING_INNER_DERIVATIVE: "it looks like the inner derivative of the chain rule is "
                                    "missing",
    codes.PRODUCT_RULE: "it looks like the product rule was not applied fully",
    codes.EXPONENT_NOT_LOWERED: "it looks like the exponent was not lowered",
    codes.CONSTANT_DIFFERENTIATED: "it looks like a constant term did not vanish",
    codes.OTHER_VARIABLE_DIFFERENTIATED: "it looks like another variable was differentiated too",
    codes.WRONG_VARIABLE: "it looks like you differentiated with respect to another variable",
    codes.INPUTS_MUTATED: "your function changes its inputs",
    codes.GRADIENT_WHERE_CLIPPED: "your gradient is not zero where the objective is clipped",
    codes.INCONSISTENT: "your value does not agree with the answer it is computed from",
}


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
             your_value: str, hint: str | None = None) -> str:
    if code in _HEADLINES:
        headline = _HEADLINES[code]
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
    if evidence:
        lines.append(f"Evidence: {evidence}.")
    advice = hint or ADVICE.get(code)
    if advice:
        lines.append(f"Hint: {advice}")
    lines.append(_compared(context))
    return _join(*lines, _reading(context))


def inconsistent(what: str, source: str, recomputed: str) -> str:
    """A value the notebook defines from another answer, which that answer does not give."""
    return _join(f"Not yet: your {what} does not agree with your {source}.",
                 f"Computed with your {source}, the same quantity comes out as {recomputed}.",
                 f"Hint: compute {what} with your {source}; if that value looks wrong, the "
                 f"mistake is in {source}.")


def not_answered(name: str | None) -> str:
    """For an answer cell still holding its stub, or an answer name that is not defined."""
    if name is None:
        return ("Not answered yet: write your answer in the answer cell above, in place of "
                "`raise NotImplementedError()`.")
    return (f"Not answered: {name} is not defined when this cell runs. Define it in the answer "
            "cell above, and check that the cell runs without an error.")


def refused(code: str, text: str, context: Context | None = None) -> str:
    opener = {codes.PARSE_ERROR: "Could not read your answer",
              codes.UNSAFE_INPUT: "This answer cannot be accepted",
              codes.WRONG_TYPE: "Wrong kind of answer",
              codes.WRONG_SHAPE: "Wrong shape",
              codes.RAISED: "Your code raised an error",
              codes.TIMEOUT: "Could not check this answer in time",
              codes.UNKNOWN_SYMBOL: "Your answer uses a symbol this question does not have",
              codes.UNSUBSTITUTED: "Almost",
              }.get(code, "Not yet")
    lines = [f"{opener}: {text}"]
    if code == codes.TIMEOUT:
        lines.append(f"Hint: {ADVICE[codes.TIMEOUT]}")
    if context is not None and context.reading:
        lines.append(_reading(context))
    return _join(*lines)


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
    return sp.sstr(expr)


def _compared(context: Context) -> str:
    where = f"at {context.points} test points with {context.domain}" if context.domain \
        else "as values"
    return f"(Compared {where}; {context.tolerance}; seed {context.seed}.)"


def _reading(context: Context) -> str:
    return f"I read your answer as: {context.reading}" if context.reading else ""


def _join(*lines: str) -> str:
    return "\n".join(line for line in lines if line)
