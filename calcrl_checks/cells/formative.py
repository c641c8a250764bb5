"""Formative visible checks: an honest signal before submitting, revealing nothing new.

Where the value follows from what the question already states (the derivative of a function
it shows: :func:`derivative`; a learning run it describes: :func:`scenario`), the visible
check runs the real check and shows its diagnosis. The question specs write these calls
(``formative=True`` parts, ``calcrl specs --write``). A failure raises
:class:`FormativeCheckFailed`, so the cell fails and ``nbgrader validate`` (and the Validate
button) fail with it. When grading, the engine sets that failure aside and lets the hidden
tests decide the score, partial credit included.

Everywhere else a visible check only says plainly that the value is graded after submission
(:func:`graded_after_submission`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from calcrl_checks.api import compare
from calcrl_checks.cells import form
from calcrl_checks.checks import autograd, scenarios
from calcrl_checks.checks.calculus import check_derivative, check_partial, softplus_slope_gap
from calcrl_checks.checks.consistency import check_derived
from calcrl_checks.checks.rl import check_against_autograd, check_update_rule, log_derivative_gap
from calcrl_checks.cells.form import VisibleCheckFailed
from calcrl_checks.expressions.parsing import parse
from calcrl_checks.outcome import codes, messages
from calcrl_checks.pipeline.stage0_hints import Hint


class FormativeCheckFailed(VisibleCheckFailed):
    """A visible check found a mistake the question's own facts reveal.

    Its text is the check's message and ``code`` its verdict code. The grading engine does
    not score it: the hidden tests that follow in the cell decide.
    """

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def derivative(answer: Any, of: Any, wrt: str, name: str = "your answer",
               domain: dict[str, tuple[float, float]] | None = None,
               symbols: Sequence[str] | None = None, partial: bool = False,
               derived: dict[str, str] | None = None) -> None:
    """Check that ``answer`` is the derivative of ``of`` (a function the question shows).

    ``of`` may be text (``"ln(1+e^x)"``) or a sympy expression. ``symbols`` are the names the
    answer may use (only ``wrt`` unless given); with ``partial`` the others are variables held
    fixed, as the hidden check of a partial derivative says. ``derived`` names quantities the
    question defines from them, which the answer may also use (``{"pi0": "exp(theta0)/..."}``:
    a softmax probability). The form is checked first
    (:func:`calcrl_checks.cells.form.expression`). Prints one line when the answer is right; raises
    :class:`FormativeCheckFailed` with the diagnosis when it is not.

    >>> derivative("3x^2 + 2", "x^3 + 2x - 5", "x", "df")
    df reads as 3*x**2 + 2: an expression in x.
    df: correct, it is the derivative of x**3 + 2*x - 5 (checked at 40 points).
    >>> derivative("2w1 + w2", "w1^2 + w1 w2 + w2^2", "w1", "df_dw1",
    ...            symbols=["w1", "w2"], partial=True)  # doctest: +NORMALIZE_WHITESPACE
    df_dw1 reads as 2*w1 + w2: an expression in w1, w2.
    df_dw1: correct, it is the partial derivative of w1**2 + w1*w2 + w2**2 with respect to w1
    (checked at 40 points).
    >>> derivative("3x^2 + 2x", "x^3 + 2x - 5", "x", "df")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calcrl_checks.cells.formative.FormativeCheckFailed: Not yet: ...
    """
    import sympy as sp

    names = list(symbols) if symbols else [wrt]
    form.expression(answer, [*names, *(derived or {})], name, later=False)
    variable = sp.Symbol(wrt)
    function = parse(of, symbols=names) if isinstance(of, str) else of
    check = check_partial if partial else check_derivative
    options: dict[str, Any] = {"domain": domain} if domain else {}
    if derived:
        options["derived"] = {quantity: parse(definition, symbols=names)
                              for quantity, definition in derived.items()}
    verdict = check(answer, of=function, wrt=variable, part=name, **options)
    if not verdict.passed:
        raise FormativeCheckFailed(verdict.message)
    what = f"partial derivative of {sp.sstr(function)} with respect to {wrt}" if partial \
        else f"derivative of {sp.sstr(function)}"
    print(f"{name}: correct, it is the {what} (checked at 40 points).")


def derivative_function(answer: Any, of: str, wrt: str, name: str = "your function", *,
                        symbols: Sequence[str], through: dict[str, str] | None = None,
                        **options: Any) -> None:
    """Check a function answer against the derivative of ``of`` (a function the question
    shows) with respect to ``wrt``, on the same points and with the same options the hidden
    test uses (``domain``, ``vectorized``, ``hints``...).

    ``through`` names inner quantities the answer takes as its arguments, as the question
    defines them: ``{"delta": "r + gamma*v_next - v"}`` for a loss written in the TD error
    and differentiated with respect to ``v``. The expected derivative is then the chain rule,
    d(of)/d(wrt) = sum over each u of d(of)/du * du/d(wrt), written in the answer's
    arguments. ``symbols`` are every name ``of`` and ``through`` use.

    >>> import numpy as np
    >>> derivative_function(lambda delta: -np.asarray(delta), "delta^2/2", "v", "grad",
    ...                     symbols=["delta", "r", "gamma", "v_next", "v"],
    ...                     through={"delta": "r + gamma*v_next - v"},
    ...                     domain={"delta": (-3.0, 3.0)}, vectorized=True)
    grad: correct, it is the derivative of delta**2/2 with respect to v (checked at 40 points).
    >>> derivative_function(lambda delta: np.asarray(delta), "delta^2/2", "v", "grad",
    ...                     symbols=["delta", "r", "gamma", "v_next", "v"],
    ...                     through={"delta": "r + gamma*v_next - v"},
    ...                     domain={"delta": (-3.0, 3.0)}, vectorized=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calcrl_checks.cells.formative.FormativeCheckFailed: Not yet: your answer has the wrong sign...
    """
    import sympy as sp

    names = list(symbols)
    # Differentiated over the reals, so |delta| has the slope sign(delta).
    real = {sp.Symbol(n): sp.Symbol(n, real=True) for n in names}
    outer = parse(of, symbols=names).xreplace(real)
    variable = real.get(sp.Symbol(wrt), sp.Symbol(wrt, real=True))
    expected = sp.diff(outer, variable)
    for inner, definition in (through or {}).items():
        expected += sp.diff(outer, real[sp.Symbol(inner)]) * \
            sp.diff(parse(definition, symbols=names).xreplace(real), variable)
    options.setdefault("part", name)
    verdict = compare(answer, expected.xreplace({r: s for s, r in real.items()}), **options)
    if not verdict.passed:
        raise FormativeCheckFailed(verdict.message, verdict.code)
    samples = options.get("samples", 40)
    print(f"{name}: correct, it is the derivative of {sp.sstr(outer)} with respect to {wrt} "
          f"(checked at {samples} points).")


def composes(answer: Any, outer: str, whole: str, stand_in: str, name: str = "your answer", *,
             symbols: Sequence[str], **options: Any) -> None:
    """Check an inner function the question determines: ``outer`` (written in ``stand_in``,
    the inner function's name) applied to the answer must give ``whole``, the function the
    question shows, at the hidden test's points (``domain``, ``question``, ``part``).

    >>> composes("1 + x^2", "sqrt(u)", "sqrt(1 + x^2)", "u", "u", symbols=["x"],
    ...          domain={"x": (-3, 3)})
    u reads as x**2 + 1: an expression in x.
    u: correct, sqrt(u) with your u is sqrt(x**2 + 1) (checked at 40 points).
    >>> composes("x^2", "sqrt(u)", "sqrt(1 + x^2)", "u", "u", symbols=["x"],
    ...          domain={"x": (-3, 3)})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calcrl_checks.cells.formative.FormativeCheckFailed: Not yet: with your u, sqrt(u) is not ...
    """
    import sympy as sp

    names = list(symbols)
    inner = form.read_expression(answer, names, name)
    form.expression(inner, names, name, later=False)
    outside = parse(outer, symbols=[*names, stand_in])
    shown = parse(whole, symbols=names)
    options.setdefault("part", name)
    verdict = compare(outside.xreplace({sp.Symbol(stand_in): inner}), shown, **options)
    if not verdict.passed:
        raise FormativeCheckFailed(messages.composition_differs(
            name, sp.sstr(outside), sp.sstr(shown), verdict.details.get("mismatched"),
            verdict.details.get("points")), codes.WRONG)
    print(f"{name}: correct, {sp.sstr(outside)} with your {name} is {sp.sstr(shown)} "
          f"(checked at {verdict.details.get('points', 40)} points).")


#: The quantities a value may be recomputed from the student's own answer with, by name.
RECOMPUTED: dict[str, Callable[[Any], float]] = {"log_derivative_gap": log_derivative_gap,
                                                 "softplus_slope_gap": softplus_slope_gap}


def derived(answer: Any, name: str = "your answer", *, source: Any, recompute: str,
            source_name: str, expected: Any = None, **options: Any) -> None:
    """Check a value the notebook computes from another answer (``source``, named
    ``source_name``): it must be what ``recompute`` (one of :data:`RECOMPUTED`) gives from that
    answer and, when the question states it (``expected``: q07's identity gap is 0), that
    value too, with the hidden test's tolerances. Without ``expected`` the check says only that
    the value agrees with the student's own answer, which their own check grades.

    >>> import numpy as np
    >>> def right(theta, a):
    ...     z = np.exp(theta - theta.max()); g = -z / z.sum(); g[a] += 1; return g
    >>> derived(0.0, "gap", source=right, recompute="log_derivative_gap",
    ...         source_name="grad_log_softmax", expected=0.0, atol=1e-8)
    gap is a finite number.
    gap: correct, and it is what your grad_log_softmax gives.
    >>> derived(0.5, "gap", source=right, recompute="log_derivative_gap",
    ...         source_name="grad_log_softmax")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calcrl_checks.cells.formative.FormativeCheckFailed: Not yet: ...
    """
    if recompute not in RECOMPUTED:
        raise ValueError(f"no recomputation {recompute!r}; there are {', '.join(RECOMPUTED)}")
    form.number(answer, name, later=False)
    options.setdefault("part", name)
    function = RECOMPUTED[recompute]
    if expected is not None:
        verdict = check_derived(answer, expected, source=source, recompute=function,
                                source_name=source_name, **options)
        said = f"correct, and it is what your {source_name} gives"
    else:
        # Only the agreement: the value itself is graded after submission, with the source.
        tolerances = {k: v for k, v in options.items() if k in ("rtol", "atol", "estimate")}
        verdict = check_derived(answer, answer, source=source, recompute=function,
                                source_name=source_name, **tolerances)
        said = (f"it is what your {source_name} gives (whether that is right is "
                f"{source_name}'s own check)")
    if not verdict.passed:
        raise FormativeCheckFailed(verdict.message, verdict.code)
    print(f"{name}: {said}.")


#: The autograd checks a tensor answer may be graded with before submission: the hidden
#: test's own, given the point and the formula the question states.
TENSOR_CHECKS = ("check_leaf_tensor", "check_graph_output", "check_grad")


def tensor(answer: Any, check: str, name: str = "your answer", *, at: float,
           formula: str | None = None, variable: str = "x", **options: Any) -> None:
    """Check a tensor answer with the hidden test's autograd check (one of
    :data:`TENSOR_CHECKS`), from what the question states: the point ``at`` a leaf holds and,
    for a tensor computed from it or a gradient, the ``formula`` in ``variable`` (its value
    and slope there are worked out here, so the cell holds no number the question leaves to
    the student). Other tensors the check reads come in ``options`` (``of=x``, ``output=y``).

    >>> import torch
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> tensor(x, "check_leaf_tensor", "x", at=2.0)
    x: Correct: x is a scalar leaf tensor with the requested value, and it tracks gradients.
    >>> tensor(torch.tensor(4.0), "check_graph_output", "y", at=2.0, formula="x**2", of=x)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calcrl_checks.cells.formative.FormativeCheckFailed: Not yet: y ...
    """
    import sympy as sp

    if check not in TENSOR_CHECKS:
        raise ValueError(f"no tensor check {check!r}; there are {', '.join(TENSOR_CHECKS)}")
    options.setdefault("part", name)
    if check == "check_leaf_tensor":
        verdict = autograd.check_leaf_tensor(answer, value=at, **options)
    else:
        point = sp.Symbol(variable)
        shown = parse(formula or variable, symbols=[variable])
        value = float(shown.subs(point, sp.nsimplify(at)))
        slope = float(sp.diff(shown, point).subs(point, sp.nsimplify(at)))
        if check == "check_graph_output":
            verdict = autograd.check_graph_output(answer, value=value, slope=slope,
                                                  formula=formula, **options)
        else:
            verdict = autograd.check_grad(answer, value=slope, formula=formula, **options)
    if not verdict.passed:
        raise FormativeCheckFailed(verdict.message, verdict.code)
    print(f"{name}: {verdict.message.splitlines()[0]}")


def outer_derivative(answer: Any, outer: str, stand_in: str, inner: Any,
                     name: str = "your answer", *, symbols: Sequence[str],
                     inner_name: str = "u", **options: Any) -> None:
    """Check the outer link of a chain: the derivative of ``outer`` (shown, written in
    ``stand_in``) with respect to ``stand_in``, with the student's own inner function
    ``inner`` (named ``inner_name``) put back in, at the hidden test's points and options
    (``unsubstituted`` included). Whether the inner function itself is right is its own check.

    >>> outer_derivative("1/(2 sqrt(1+x^2))", "sqrt(u)", "u", "1 + x^2", "dy_du",
    ...                  symbols=["x"], domain={"x": (0.1, 3)})  # doctest: +NORMALIZE_WHITESPACE
    dy_du reads as 1/(2*sqrt(x**2 + 1)): an expression in x.
    dy_du: correct, it is the derivative of sqrt(u) in u, at your u (checked at 40 points).
    """
    import sympy as sp

    names = list(symbols)
    # u may stay in the answer only where the hidden test reads it (for partial credit).
    form.expression(answer, [*names, stand_in] if "unsubstituted" in options else names, name,
                    later=False)
    own = form.read_expression(inner, names, inner_name)
    variable = sp.Symbol(stand_in)
    link = sp.diff(parse(outer, symbols=[*names, stand_in]), variable)
    if "unsubstituted" in options:  # u left in the answer stands for the student's own u
        options["unsubstituted"] = {stand_in: own}
    options.setdefault("part", name)
    verdict = compare(answer, link.xreplace({variable: own}), **options)
    if not verdict.passed:
        raise FormativeCheckFailed(verdict.message, verdict.code)
    print(f"{name}: correct, it is the derivative of {outer} in {stand_in}, at your "
          f"{inner_name} (checked at {verdict.details.get('points', 40)} points).")


def gradient_function(answer: Any, of: str | None, wrt: Sequence[str],
                      name: str = "your function", *, symbols: Sequence[str],
                      held: dict[str, str] | None = None, given: Sequence[str] | None = None,
                      step: str | None = None, ascent: bool = False, check: str = "check",
                      **options: Any) -> None:
    """Check a function answer that returns a gradient the question determines, or one
    gradient step, against what the question shows, with the hidden test's check (``check``
    or ``check_update_rule``), points and options.

    The gradient is that of ``of`` in the variables ``wrt`` (a vector's entries), with the
    quantities ``held`` treated as constants while differentiating and then replaced by what
    they stand for (semi-gradient TD holds its target ``r + gamma V(s')`` fixed); or, with
    ``given``, the gradient the question hands the function (an argument's entries). With
    ``step`` (the name of the step size) the answer is one step from ``wrt`` against the
    gradient, or along it with ``ascent``. ``symbols`` are every name the texts use.

    >>> from calcrl_checks import Vector
    >>> domain = {"w": Vector(2, names=("w0", "w1")), "x": Vector(2, names=("x0", "x1")),
    ...           "y": (-1.0, 1.0)}
    >>> gradient_function(lambda w, x, y: -(y - w @ x) * x, "(target - w0*x0 - w1*x1)**2/2",
    ...                   ["w0", "w1"], "grad", symbols=["w0", "w1", "x0", "x1", "y"],
    ...                   held={"target": "y"}, domain=domain)  # doctest: +NORMALIZE_WHITESPACE
    grad: correct, it is the gradient of (target - w0*x0 - w1*x1)**2/2 in w0, w1, holding
    target = y fixed (checked at 40 points).
    >>> gradient_function(lambda w, x, y: (y - w @ x) * x, "(target - w0*x0 - w1*x1)**2/2",
    ...                   ["w0", "w1"], "grad", symbols=["w0", "w1", "x0", "x1", "y"],
    ...                   held={"target": "y"}, domain=domain)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calcrl_checks.cells.formative.FormativeCheckFailed: Not yet: ...
    """
    import sympy as sp

    if check not in ("check", "check_update_rule"):
        raise ValueError(f"no check {check!r} for a gradient; there are check, "
                         "check_update_rule")
    names = list(symbols)
    held = held or {}
    variables = [sp.Symbol(w) for w in wrt]
    mistakes: list[tuple[str, list[Any]]] = []
    if (of is None) == (given is None):
        raise ValueError("give the function to differentiate (of) or the gradient (given)")
    if of is None:
        gradient = [parse(entry, symbols=names) for entry in given or ()]
        what = "the gradient it is given"
    else:
        function = parse(of, symbols=[*names, *held])
        stand_for = {sp.Symbol(quantity): parse(definition, symbols=names)
                     for quantity, definition in held.items()}
        gradient = [sp.diff(function, v).xreplace(stand_for) for v in variables]
        # Differentiating after putting in what a held quantity stands for is the mistake the
        # question warns about: named in the check's words, from the same facts.
        for quantity, meaning in stand_for.items():
            through = function.xreplace({quantity: meaning})
            mistakes.append((str(quantity), [sp.diff(through, v).xreplace(stand_for)
                                             for v in variables]))
        holding = "".join(f", holding {quantity} = {definition} fixed"
                          for quantity, definition in held.items())
        what = f"the gradient of {of} in {', '.join(wrt)}{holding}"
    def stepped(direction: list[Any]) -> list[Any]:
        if step is None:
            return direction
        size = sp.Symbol(step)
        return [v + size * g if ascent else v - size * g for v, g in zip(variables, direction)]

    expected = stepped(gradient)
    if step is not None:
        what = f"one gradient {'ascent' if ascent else 'descent'} step of size {step} with {what}"
    options["hints"] = [*options.get("hints", ()), *(
        Hint(messages.differentiated_held(quantity), match=stepped(wrong),
             code=codes.FULL_GRADIENT) for quantity, wrong in mistakes)]
    options.setdefault("part", name)
    verdict = check_update_rule(answer, expected, **options) if check == "check_update_rule" \
        else compare(answer, expected, **options)
    if not verdict.passed:
        raise FormativeCheckFailed(verdict.message, verdict.code)
    print(f"{name}: correct, it is {what} (checked at {options.get('samples', 40)} points).")


def value(answer: Any, of: str, at: dict[str, Any], name: str = "your answer", *,
          symbols: Sequence[str], wrt: Sequence[str] = (), **options: Any) -> None:
    """Check a number (or a vector of numbers) the question's shown function determines: ``of``
    itself at the point ``at`` or, with ``wrt``, its derivative in one variable or its
    gradient in several, there. The hidden test's own options apply (``estimate``, ``rtol``).

    >>> value("14", "x^3 + 2x - 5", {"x": 2}, "df_at_2", symbols=["x"], wrt=["x"])
    df_at_2 is a finite number.
    df_at_2: correct, it is the slope of x**3 + 2*x - 5 at x = 2.
    >>> value([4, 5], "w1^2 + w1 w2 + w2^2", {"w1": 1, "w2": 2}, "grad", symbols=["w1", "w2"],
    ...       wrt=["w1", "w2"])  # doctest: +ELLIPSIS
    grad has shape (2,) and finite entries.
    grad: correct, it is the gradient of w1**2 + w1*w2 + w2**2 at w1 = 1, w2 = 2.
    >>> value(12, "x^3 + 2x - 5", {"x": 2}, "df_at_2", symbols=["x"], wrt=["x"])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calcrl_checks.cells.formative.FormativeCheckFailed: Not yet: ...
    """
    import sympy as sp

    names = list(symbols)
    real = {sp.Symbol(n): sp.Symbol(n, real=True) for n in names}
    function = parse(of, symbols=names).xreplace(real)
    point = {real[sp.Symbol(n)]: sp.nsimplify(v) for n, v in at.items()}
    entries = [sp.diff(function, real[sp.Symbol(w)]) for w in wrt] or [function]
    expected = [sp.simplify(sp.sympify(e).subs(point)) for e in entries]
    if len(expected) > 1:
        form.array(answer, (len(expected),), name, later=False)
    else:
        form.number(answer, name, later=False)
    options.setdefault("part", name)
    verdict = compare(answer, expected if len(expected) > 1 else expected[0], **options)
    if not verdict.passed:
        raise FormativeCheckFailed(verdict.message, verdict.code)
    what = "value" if not wrt else "slope" if len(wrt) == 1 else "gradient"
    where = ", ".join(f"{n} = {v}" for n, v in at.items())
    print(f"{name}: correct, it is the {what} of {sp.sstr(function)} at {where}.")


#: The checks a stated formula may be graded with before submission: the hidden test's own.
STATED_CHECKS = ("check", "check_update_rule", "check_against_autograd")


def stated(answer: Any, formula: str | Sequence[str], name: str = "your function", *,
           symbols: Sequence[str], check: str = "check", **options: Any) -> None:
    """Check a function answer against a formula the question's text states outright, with
    the hidden test's check (one of :data:`STATED_CHECKS`), points and options: a typo or a
    slipped sign is named before submission. The formula is the answer's own (the descent
    step, the TD error) or, for ``check_against_autograd``, the function the question shows
    and asks the gradient of (torch differentiates it; ``wrt`` names the argument).
    ``formula`` is text, or a list of texts for a vector; ``symbols`` are every name it uses.

    >>> from calcrl_checks import Vector
    >>> domain = {"theta": Vector(2, names=("t0", "t1")), "g": Vector(2, names=("g0", "g1")),
    ...           "alpha": (0.01, 0.5)}
    >>> stated(lambda theta, g, alpha: theta - alpha * g, ["t0 - alpha*g0", "t1 - alpha*g1"],
    ...        "step", symbols=["alpha", "g0", "g1", "t0", "t1"], check="check_update_rule",
    ...        domain=domain, param="theta")
    step: correct, it follows the formula the question states (checked at 40 points).
    """
    if check not in STATED_CHECKS:
        raise ValueError(f"no check {check!r} for a stated formula; there are "
                         f"{', '.join(STATED_CHECKS)}")
    names = list(symbols)
    expected = parse(formula, symbols=names) if isinstance(formula, str) else \
        [parse(entry, symbols=names) for entry in formula]
    options.setdefault("part", name)
    if check == "check_update_rule":
        verdict = check_update_rule(answer, expected, **options)
    elif check == "check_against_autograd":
        verdict = check_against_autograd(answer, expected, **options)
    else:
        verdict = compare(answer, expected, **options)
    if not verdict.passed:
        raise FormativeCheckFailed(verdict.message, verdict.code)
    what = f"is the gradient of {formula}" if check == "check_against_autograd" else \
        "follows the formula the question states"
    print(f"{name}: correct, it {what} (checked at {options.get('samples', 40)} points).")


#: The learning scenarios a visible check may run: the hidden test's own, from what the
#: question states (the bandit's rewards, the chain's size and discount).
SCENARIOS = ("check_bandit_learns", "check_td_learns")


def scenario(answer: Any, check: str, name: str = "your answer", **options: Any) -> None:
    """Run the learning scenario ``check`` (one of :data:`SCENARIOS`) with the student's
    function, as the hidden test runs it (same settings, same seed).

    Prints the check's message when the function learns; raises :class:`FormativeCheckFailed`
    with the diagnosis when it does not.

    >>> scenario(lambda theta, g, alpha: theta + alpha * g, "check_bandit_learns", "step",
    ...          question="q99", part="bandit")  # doctest: +ELLIPSIS
    step: Correct: your ascent step raises the expected return. ...
    >>> scenario(lambda theta, g, alpha: theta - alpha * g, "check_bandit_learns", "step",
    ...          question="q99", part="bandit")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    calcrl_checks.cells.formative.FormativeCheckFailed: Not yet: the expected return went down. ...
    """

    if check not in SCENARIOS:
        raise ValueError(f"no learning scenario {check!r}; there are {', '.join(SCENARIOS)}")
    verdict = getattr(scenarios, check)(answer, **options)
    if not verdict.passed:
        raise FormativeCheckFailed(verdict.message)
    print(f"{name}: {verdict.message}")


def graded_after_submission(name: str) -> None:
    """Say plainly that this answer's value is graded only after submission.

    >>> graded_after_submission("slope_at_half")
    slope_at_half: the form is right; its value is graded after you submit.
    """
    print(f"{name}: the form is right; its value is graded after you submit.")
