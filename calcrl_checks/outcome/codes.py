"""The registry of verdict codes: every code a verdict may carry, and what it means.

A code is a verdict's *answer note* (``Verdict.code``): instructors count them across a class.
Each is registered once, here: whether it is a **core** code (the package's checks or the
grading engine give it) or **question-specific** (a question's spec gives it to an author's
hint); the **headline** of the message a student reads ("Not yet: <headline>."; codes without
one get a generic headline); the **advice** after "Hint:" when the author gives none; and a
plain-language **description** for the instructor's class report.

>>> REGISTRY["missing_inner_derivative"].core
True
>>> describe("gamma_dropped")
'the discount gamma was left out of the TD target'
>>> "gamma_dropped" in CODES, "gamma_dropped" in REGISTRY
(False, True)
"""
from __future__ import annotations

from dataclasses import dataclass



#: The core codes, each a stable string (what each means is in the registry below).
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
#: A gradient taken through a quantity the question holds fixed (semi-gradient TD's target).
FULL_GRADIENT = "full_gradient"
UNSUBSTITUTED = "unsubstituted"
#: An answer that came back from the student's sandbox as something that does not decode.
UNREADABLE = "unreadable"
#: The checker itself failed (a bug or an author's mistake): a neutral message, 0 points for
#: now, the details for the instructor. Counted apart from students' mistakes in the report.
INTERNAL_ERROR = "internal_error"
#: The answer cell still holds the release stub (decided by the grading engine, where the stub
#: is seen), or the answer name is not defined. Counted apart in the report.
NOT_ANSWERED = "not_answered"
#: The answer is not defined because its answer cell stopped with an error (a syntax error or
#: an exception) before defining it: not a mistake in the mathematics, and not a blank answer.
#: Counted apart in the report.
DID_NOT_RUN = "did_not_run"
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
class Code:
    """One verdict code and what it means (see the module's description)."""

    name: str
    description: str
    core: bool = True
    headline: str | None = None
    advice: str | None = None


def _question(name: str, description: str) -> Code:
    return Code(name, description, core=False)


_ENTRIES = (
    # What every check may say about any answer.
    Code(CORRECT, "the answer is right"),
    Code(WRONG, "the answer differs and no catalogued mistake matches it"),
    Code(WRONG_TYPE, "the answer is not a kind of value the question accepts"),
    Code(WRONG_SHAPE, "the answer has the wrong shape or number of entries"),
    Code(NOT_FINITE, "the answer gives NaN or inf where it should be finite",
         headline="your answer is not a finite real number everywhere it should be",
         advice="Some test inputs give NaN, inf or a complex number: look for a step that "
                "overflows (exp of a large number), divides by zero or takes log, sqrt or a "
                "fractional power of a negative number, and rewrite that step so it stays "
                "finite and real."),
    Code(PARSE_ERROR, "the text of the answer could not be read as mathematics"),
    Code(UNSAFE_INPUT, "the answer used something the safe reader refuses (calculus verbs, "
                         "attribute access, code)"),
    Code(RAISED, "the student's function raised an error"),
    Code(TIMEOUT, "the answer could not be checked within the time budget",
         advice="Simplify your answer (or make your function faster) and run the check "
                "again."),
    Code(UNKNOWN_SYMBOL, "the answer uses a symbol the question does not have"),
    Code(UNREADABLE, "the answer came back from the sandbox as something that does not "
                       "decode"),
    Code(INPUTS_MUTATED, "the student's function changes its inputs in place",
         headline="your function changes its inputs",
         advice="Return a new value instead of changing an argument in place: avoid +=, -= "
                "and item assignment on the inputs, or work on a copy."),
    Code(NOT_REPEATABLE, "the student's function gave different results for the same inputs",
         headline="your function gave different results for the same inputs",
         advice="Make your function depend only on its arguments: no counters, random numbers "
                "or values kept from one call to the next."),
    Code(INCONSISTENT, "a value computed from another answer disagrees with that answer",
         headline="your value does not agree with the answer it is computed from"),
    Code(UNSUBSTITUTED, "an intermediate variable (u) was left in the answer"),
    Code("hint", "an author's catalogued wrong answer matched (without a code of its own)"),
    # Not about the answer: counted apart in the class report.
    Code(INTERNAL_ERROR, "the checker itself failed: regrade by hand"),
    Code(NOT_ANSWERED, "the answer cell still holds its stub, or the answer is not defined"),
    Code(DID_NOT_RUN, "the answer cell stopped with an error before it defined the answer"),
    # Calculus slips the checks diagnose themselves.
    Code(SWAPPED_COMPONENTS, "the entries of a vector answer are in the wrong order",
         headline="your components are swapped",
         advice="Entry i should belong to variable i: check the order of your components."),
    Code(SIGN_FLIP, "the answer has the wrong sign (descent for ascent, a lost minus)",
         headline="your answer has the wrong sign",
         advice="Check the sign. If this is an update: descent subtracts the gradient step, "
                "ascent adds it."),
    Code(CONSTANT_FACTOR, "the answer is off by a constant factor",
         headline="your answer is off by a constant factor",
         advice="Look for a missing or extra constant factor, such as the 2 that a power or an "
                "inner function brings in."),
    Code(ADDITIVE_CONSTANT, "the answer is off by an added constant",
         headline="your answer is off by a constant",
         advice="Look for a term that should have vanished, such as the derivative of a "
                "constant."),
    Code(MISSING_INNER_DERIVATIVE, "the chain rule's inner derivative is missing",
         headline="it looks like the inner derivative of the chain rule is missing",
         advice="Chain rule: after differentiating the outer function, multiply by the "
                "derivative of the inner one."),
    Code(PRODUCT_RULE, "the product rule was applied only in part",
         headline="it looks like the product rule was not applied fully",
         advice="Product rule: (uv)' = u'v + uv' needs both terms, and it is not u'v'."),
    Code(EXPONENT_NOT_LOWERED, "the power rule kept the exponent instead of lowering it",
         headline="it looks like the exponent was not lowered",
         advice="Power rule: d/dx x^n = n x^(n-1); the exponent goes down by one."),
    Code(CONSTANT_DIFFERENTIATED, "a constant term survived differentiation",
         headline="it looks like a constant term did not vanish",
         advice="The derivative of a constant term is 0."),
    Code(OTHER_VARIABLE_DIFFERENTIATED, "a partial derivative also differentiated the "
                                          "variables held fixed",
         headline="it looks like another variable was differentiated too",
         advice="In a partial derivative the other variables are held fixed: treat them like "
                "constants."),
    Code(WRONG_VARIABLE, "differentiated with respect to the wrong variable",
         headline="it looks like you differentiated with respect to another variable",
         advice="Check which variable you differentiate with respect to."),
    Code(GRADIENT_WHERE_CLIPPED, "the gradient is not zero where the objective is clipped",
         headline="your gradient is not zero where the objective is clipped",
         advice="Where the clipped term is the minimum it does not depend on r, so the gradient "
                "there is 0."),
    Code(FULL_GRADIENT, "differentiated through a quantity held fixed, such as the TD target "
                        "(the residual gradient, not the semi-gradient)"),
    # The learning scenarios (calcrl_checks.checks.scenarios).
    Code(RETURN_DECREASED, "training with the student's update lowered the return"),
    Code(RETURN_UNCHANGED, "training with the student's update left the return unchanged"),
    Code(TOO_LITTLE_GAIN, "training with the student's update gained too little"),
    Code(MOVED_AWAY, "training with the student's update moved away from the true values"),
    Code(WRONG_FIXED_POINT, "training with the student's update settled on wrong values"),
    # The autograd checks (calcrl_checks.checks.autograd).
    Code(NOT_LEAF, "the tensor is not a leaf that requires grad"),
    Code(NO_GRAPH, "the tensor was not computed through autograd"),
    Code(NOT_CONNECTED, "the tensor was computed from another tensor than the one asked"),
    Code(NO_BACKWARD, "backward() was not called, so no gradient was stored"),
    Code(GRAD_ACCUMULATED, "the gradient was accumulated twice (two backward passes)"),
    Code(RETURNED_TENSOR, "the function returned a tensor where a float was asked"),
    Code(HARD_CODED, "the function returns a fixed number instead of using autograd"),
    Code(IGNORES_X0, "the function ignores the point x0 it is given"),
    Code(RETURNED_VALUE, "the function returned f(x0) instead of f'(x0)"),
    Code(NO_AUTOGRAD, "the function does not use torch autograd"),
    # Question-specific codes, given to the hints of a question's spec.
    _question("rounded_to_zero", "a small numerical gap was reported as exactly 0 (q01)"),
    _question("edges_left_out", "the ends of the grid were left out of the gap (q01)"),
    _question("missing_spacing", "np.gradient was called without the grid spacing (q01)"),
    _question("mean_not_max", "the mean gap was reported instead of the largest (q01)"),
    _question("outer_not_inner", "the whole function was given for the inner function (q02)"),
    _question("wrong_substitution", "x was substituted where u = g(x) belongs (q02)"),
    _question("gave_dy_dx", "the whole derivative was given for one link of the chain (q02)"),
    _question("value_not_slope", "the function's value was given for its slope (q02)"),
    _question("inner_only", "only the inner link of the chain was given (q02)"),
    _question("step_too_large", "a finite difference with too large a step (q02)"),
    _question("normaliser_sign", "the softmax normaliser's term has the wrong sign (q07)"),
    _question("missing_one_hot", "the one-hot term of grad log softmax is missing (q07)"),
    _question("gamma_dropped", "the discount gamma was left out of the TD target"),
    _question("normaliser_forgotten", "the log-normaliser was not differentiated (q11)"),
    _question("wrong_action", "the gradient for the other action (q11)"),
    _question("second_component_sign", "the second entry of the score function has the wrong "
                                       "sign (q11)"),
    _question("ignores_action", "the gradient does not depend on the action taken (q11)"),
    _question("exponent_lowered_twice", "a power rule lowered the exponent by two (q12)"),
    _question("max_instead_of_min", "PPO's objective took the larger term, not the smaller "
                                    "(q13)"),
    _question("clip_without_min", "PPO's objective kept only the clipped term (q13)"),
    _question("wrong_clip_end", "the wrong end of the clip interval (q13)"),
    _question("gradient_not_value", "the slope was given where the value was asked (q13)"),
    _question("huber_discontinuous", "the Huber loss jumps where its pieces meet (q14)"),
    _question("pieces_swapped", "the Huber loss's two pieces are the wrong way round (q14)"),
    _question("not_clipped", "the Huber gradient keeps growing beyond kappa (q14)"),
    _question("missing_plus_one", "the product rule's +1 of d(p log p) is missing (q15)"),
    _question("plus_one_sign", "the product rule's +1 of d(p log p) has the wrong sign (q15)"),
    _question("log_base", "a logarithm of another base than e (q15)"),
)

#: Every registered code by name.
REGISTRY: dict[str, Code] = {entry.name: entry for entry in _ENTRIES}
#: The core codes: what the package's checks and the grading engine may give.
CODES = frozenset(name for name, entry in REGISTRY.items() if entry.core)


#: The core codes that name a misconception, a mistake in the mathematics or in autograd a
#: lesson can reteach; every question-specific code names one too. Left out: wrong answers
#: without a diagnosis, refusals of form, and what follows from a mistake made elsewhere (a
#: learning run that failed because of its update rule).
_CORE_MISCONCEPTIONS = frozenset({
    SWAPPED_COMPONENTS, SIGN_FLIP, CONSTANT_FACTOR, ADDITIVE_CONSTANT, MISSING_INNER_DERIVATIVE,
    PRODUCT_RULE, EXPONENT_NOT_LOWERED, CONSTANT_DIFFERENTIATED, OTHER_VARIABLE_DIFFERENTIATED,
    WRONG_VARIABLE, GRADIENT_WHERE_CLIPPED, FULL_GRADIENT, INPUTS_MUTATED, UNSUBSTITUTED,
    NOT_LEAF, NO_GRAPH, NOT_CONNECTED, NO_BACKWARD, GRAD_ACCUMULATED, HARD_CODED, IGNORES_X0,
    RETURNED_VALUE, NO_AUTOGRAD,
})


def is_misconception(code: str) -> bool:
    """Whether ``code`` names a misconception the class report's reteach list counts.

    >>> is_misconception("missing_inner_derivative"), is_misconception("gamma_dropped")
    (True, True)
    >>> is_misconception("wrong"), is_misconception("return_decreased")
    (False, False)
    """
    entry = REGISTRY.get(code)
    return entry is not None and (not entry.core or code in _CORE_MISCONCEPTIONS)


def describe(code: str) -> str:
    """What ``code`` means, in plain language, for the class report (the code itself when it
    is not registered)."""
    entry = REGISTRY.get(code)
    return entry.description if entry else code
