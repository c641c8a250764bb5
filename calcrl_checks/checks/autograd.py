"""Checks for answers built with PyTorch autograd: leaf tensors, graphs, ``.grad`` and
derivative functions (question q05).

Every check returns a :class:`~calcrl_checks.Verdict`; its message says what is wrong with the
student's objects and never contains the expected value. Torch is imported only when a check
runs. Codes on top of the common ones:

- ``not_leaf``: a tensor meant to be a leaf was computed from another tensor;
- ``no_graph``: nothing was recorded by autograd (no ``requires_grad``, no ``grad_fn``, or a
  ``.grad`` set by hand);
- ``not_connected``: an output's graph does not lead back to the input it should depend on;
- ``no_backward``: ``.grad`` is still empty;
- ``grad_accumulated_twice``: ``.grad`` holds the sum of two (or more) backward passes;
- ``returned_tensor``, ``hard_coded``, ``ignores_x0``, ``returned_value``, ``no_autograd``:
  mistakes of a function meant to return f'(x0) as a float.

>>> import torch
>>> x = torch.tensor(2.0, requires_grad=True)
>>> check_leaf_tensor(x, value=2.0).code
'correct'
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from calcrl_checks.outcome import messages
from calcrl_checks.outcome import codes
from calcrl_checks.pipeline.stage1_adapt import describe_type
from calcrl_checks.outcome.budget import CALL_SECONDS, quiet, time_limit
from calcrl_checks.crossing.functions import Spy
from calcrl_checks.crossing.tensor_facts import TensorFacts, facts_of
from calcrl_checks.outcome.errors import BudgetExceeded, Refused
from calcrl_checks.outcome.guard import guarded
from calcrl_checks.expressions.parsing import parse
from calcrl_checks.pipeline.stage3_sample import check_seed
from calcrl_checks.pipeline.stage4_evaluate import call_student
from calcrl_checks.outcome.codes import (GRAD_ACCUMULATED, HARD_CODED, IGNORES_X0, NO_AUTOGRAD,
                                         NO_BACKWARD, NO_GRAPH, NOT_CONNECTED, NOT_LEAF,
                                         RETURNED_TENSOR, RETURNED_VALUE)
from calcrl_checks.outcome.verdict import Verdict

#: Tolerance for values held in tensors (float32 by default in torch).
RTOL, ATOL = 1e-5, 1e-6
#: Tolerance for derivative functions (a float32 student tensor against a float64 reference).
DERIVATIVE_RTOL, DERIVATIVE_ATOL = 1e-4, 1e-5
#: Budgets for a derivative function: its first call may import torch.func (about 2 s).
FIRST_CALL_SECONDS, DERIVATIVE_CHECK_SECONDS = 6.0, 8.0
F = TypeVar("F", bound=Callable[..., Verdict])


def _quietly(check: F) -> F:
    """Run a check with warnings and output silenced (torch warns on some .grad reads)."""
    @functools.wraps(check)
    def run(*args: Any, **kwargs: Any) -> Verdict:
        with quiet():
            return check(*args, **kwargs)

    return run  # type: ignore[return-value]


# -- leaf, graph and .grad ------------------------------------------------------------------------
@guarded
@_quietly
def check_leaf_tensor(x: Any, value: float, name: str = "x", *, part: str | None = None,
                      question: str | None = None) -> Verdict:
    """``x`` is a scalar leaf tensor holding ``value`` that tracks gradients.

    >>> import torch
    >>> check_leaf_tensor(torch.tensor(2.0), value=2.0).code
    'no_graph'
    """
    problem = _not_scalar_tensor(x, name)
    if problem:
        return problem
    facts = _facts(x, name)
    if not facts.value.is_floating_point():
        return _fail(codes.WRONG_TYPE, f"{name} holds whole numbers (dtype {_dtype(facts.value)}); "
                     "autograd works with floating-point tensors.",
                     "Write the number with a decimal point, such as 1.0 rather than 1.")
    if not facts.requires_grad:
        return _fail(NO_GRAPH, f"{name} does not track gradients, so autograd records nothing "
                     "computed from it and backward() can never fill its .grad.",
                     "Ask torch to track it when you create the tensor (requires_grad=True).")
    if not facts.is_leaf:
        return _fail(NOT_LEAF, f"{name} is the result of an operation (its grad_fn is "
                     f"{facts.grad_fn}), not a leaf tensor; backward() fills .grad only for "
                     "leaves.",
                     "Create the tensor directly from the number, with requires_grad=True.")
    if not _close(float(facts.value), value, RTOL, ATOL):
        return _fail(codes.WRONG, f"{name} holds {_fmt(facts.value)}, which is not the value the "
                     "question asks for.", "Re-read which point the question evaluates at.")
    return Verdict(True, 1.0, codes.CORRECT, messages.passed(
        f"{name} is a scalar leaf tensor with the requested value, and it tracks gradients."))


@guarded
@_quietly
def check_graph_output(y: Any, of: Any, value: float, slope: float | None = None,
                       name: str = "y", input_name: str = "x", formula: Any = None, *,
                       part: str | None = None, question: str | None = None) -> Verdict:
    """``y`` is a scalar tensor computed from ``of`` by torch operations, holding ``value``.

    With ``slope``, dy/d(of) at the current point is compared too (through
    ``torch.autograd.grad``, which leaves ``.grad`` untouched), so a different function with the
    same value is caught. If the graph was already freed by a backward pass, that part is skipped.
    With ``formula`` (text or sympy in ``input_name``, such as ``"x**2"``), value and slope are
    those of the formula at the student's own ``of``: ``y`` is graded on its own, whatever
    value ``of`` holds (``value``/``slope`` apply when ``of`` is no usable number).

    >>> import torch
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> check_graph_output(x ** 2, of=x, value=4.0).code
    'correct'
    """
    problem = _not_scalar_tensor(y, name)
    if problem:
        return problem
    facts = _facts(y, name, {input_name: of})
    source = _facts(of, input_name) if _is_tensor(of) else None
    if facts.grad_fn is None:
        if source is not None and not source.requires_grad:
            why = (f"{input_name} does not track gradients, so nothing computed from it is "
                   "recorded")
        else:
            why = (f"it was not computed from {input_name} by torch operations (a number typed "
                   f"in, or a value taken out with .item() or .detach(), or computed under "
                   "torch.no_grad())")
        return _fail(NO_GRAPH, f"{name} has no grad_fn: {why}.",
                     f"Compute {name} from the tensor {input_name} itself, so autograd can "
                     "record the operation.")
    leaf = _leaf_name(of, input_name)
    if not facts.reaches(leaf):
        return _fail(NOT_CONNECTED, f"{name}'s graph does not lead back to {input_name}: it was "
                     f"computed from another tensor.",
                     f"Use the tensor {input_name} defined above in the expression for {name}.")
    value, slope = _at_input(formula, of, input_name, value, slope)
    if not _close(float(facts.value), value, RTOL, ATOL):
        return _fail(codes.WRONG, f"{name} holds {_fmt(facts.value)}, which is not the function "
                     f"the question asks for, evaluated at {input_name}.", None)
    local = facts.slope(leaf)
    if slope is not None and local is not None and not _close(local, slope, RTOL, ATOL):
        return _fail(codes.WRONG, f"{name} has the right value at this point but changes at a "
                     f"different rate as {input_name} changes, so it is a different "
                     "function from the one asked for.", "Re-read the formula for "
                     f"{name}.")
    return Verdict(True, 1.0, codes.CORRECT, messages.passed(
        f"{name} has the requested value and its graph (grad_fn) leads back to {input_name}."))


@guarded
@_quietly
def check_grad(x: Any, value: float, output: Any = None, name: str = "x",
               output_name: str = "y", formula: Any = None, *, part: str | None = None,
               question: str | None = None) -> Verdict:
    """``x.grad`` holds ``value`` after one backward pass through ``output``'s graph.

    A gradient twice (or k times) too large is ``grad_accumulated_twice``. With ``output``, a
    ``.grad`` whose output has no graph back to ``x`` (typed in by hand) is ``no_graph``. With
    ``formula`` (the output as a formula in ``name``, such as ``"x**2"``), the expected gradient
    is the formula's slope at the student's own ``x``, so a wrong ``x`` costs only its own part.

    >>> import torch
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> y = x ** 2
    >>> y.backward(retain_graph=True); y.backward()
    >>> check_grad(x, value=4.0, output=y).code
    'grad_accumulated_twice'
    """
    problem = _not_scalar_tensor(x, name)
    if problem:
        return problem
    facts = _facts(x, name)
    grad = facts.grad
    if grad is None:
        if not facts.requires_grad:
            return _fail(NO_GRAPH, f"{name}.grad is empty: {name} does not track gradients, so "
                         "backward() has nothing to fill.",
                         "Create the tensor with requires_grad=True, then call backward().")
        if not facts.is_leaf:
            return _fail(NOT_LEAF, f"{name}.grad is empty: {name} is not a leaf tensor, and "
                         "backward() fills .grad only for leaves.",
                         "Create the tensor directly from the number.")
        return _fail(NO_BACKWARD, f"{name}.grad is empty: backward() has not run.",
                     f"Call {output_name}.backward() once before reading {name}.grad.")
    if output is not None:
        graph = _facts(output, output_name, {name: x}) if _is_tensor(output) else None
        if graph is None or graph.grad_fn is None or not graph.reaches(_leaf_name(x, name)):
            return _fail(NO_GRAPH, f"{name}.grad has a value, but {output_name} has no autograd "
                         f"graph leading back to {name}, so backward() cannot have computed "
                         "it: the gradient looks set by hand.",
                         f"Build {output_name} from {name} with torch operations and let "
                         f"{output_name}.backward() fill {name}.grad.")
    if grad.numel() != 1:
        return _fail(codes.WRONG_SHAPE, f"{name}.grad has shape {tuple(grad.shape)}; one number is "
                     "expected.", None)
    got = float(grad.detach().reshape(()))
    at_x, slope = _at_input(formula, x, name, value, value)
    value = float(value if slope is None else slope)
    if _close(got, value, RTOL, ATOL):
        return Verdict(True, 1.0, codes.CORRECT, messages.passed(
            f"{name}.grad holds dy/d{name} from one backward pass."))
    built = _facts(output, output_name) if formula is not None and _is_tensor(output) else None
    if built is not None and built.value.numel() == 1 and \
            not _close(float(built.value.reshape(())), float(at_x), RTOL, ATOL):
        return _fail(codes.WRONG, f"{name}.grad holds {_fmt(grad)}, which is not the slope the "
                     f"question's {output_name} has at {name}: your {output_name} is another "
                     "function (see its own check), and backward() differentiates the "
                     f"{output_name} you built.", f"Fix {output_name}, then run backward() "
                     "once.")
    times = got / value if value else float("nan")
    if np.isfinite(times) and round(times) >= 2 and _close(got, round(times) * value, RTOL, ATOL):
        count = "twice" if round(times) == 2 else f"{round(times)} times"
        return _fail(GRAD_ACCUMULATED, f"{name}.grad holds {count} d{output_name}/d{name}. That "
                     f"is what {count.replace('twice', 'two').replace(' times', '')} backward "
                     "passes leave (autograd adds each new gradient to what .grad already "
                     f"holds), or a backward() given a gradient argument of {round(times)}.",
                     f"Call {output_name}.backward() once and without an argument (re-running "
                     f"a cell calls it again; {name}.grad = None resets it).")
    return _fail(codes.WRONG, f"{name}.grad holds {_fmt(grad)}, which is not dy/d{name} at the "
                 f"current value of {name}.", f"Check the formula of {output_name}.")


# -- a function that returns f'(x0) ---------------------------------------------------------------
@guarded
@_quietly
def check_autograd_derivative(fn: Any, functions: Sequence[Callable[[Any], Any]],
                              domain: tuple[float, float] = (-2.0, 2.0), samples: int = 3,
                              scores: Mapping[str, float] | None = None,
                              seed: int | None = None, *, part: str | None = None,
                              question: str | None = None) -> Verdict:
    """``fn(f, x0)`` returns f'(x0) as a Python float, computed with torch autograd.

    ``functions`` are trusted scalar torch functions (builtins such as ``torch.sin`` or the
    named functions of this module); each is tried at ``samples`` seeded ``x0`` in ``domain``
    and compared with a float64 autograd reference. ``scores`` gives partial credit per code
    (for example ``{"returned_tensor": 0.5}``).

    >>> import torch
    >>> from calcrl_checks.crossing.functions import sin_of_square
    >>> def derivative(f, x0):
    ...     x = torch.tensor(x0, requires_grad=True)
    ...     f(x).backward()
    ...     return x.grad.item()
    >>> check_autograd_derivative(derivative, [torch.sin, sin_of_square]).code
    'correct'
    """
    torch = _torch()
    scores = dict(scores or {})
    rng = np.random.default_rng(check_seed(seed, question, part, "autograd_derivative"))
    cases = [(f, float(rng.uniform(*domain))) for f in functions for _ in range(samples)]
    names = ", ".join(_fname(f) for f in functions)
    compared = (f"(Compared at {len(cases)} points: f in {names}, x0 in [{domain[0]:g}, "
                f"{domain[1]:g}]; rtol={DERIVATIVE_RTOL:g}, atol={DERIVATIVE_ATOL:g}; "
                f"seed {seed}.)")
    if not callable(fn):
        return _fail(codes.WRONG_TYPE, f"autograd_derivative should be a function, not a "
                     f"{type(fn).__name__}.", None)
    try:
        with time_limit(DERIVATIVE_CHECK_SECONDS):
            return _judge_derivative(torch, fn, cases, scores, compared)
    except BudgetExceeded as error:
        return _fail(codes.TIMEOUT, f"checking your function did not finish within "
                     f"{error.seconds:g} seconds.", "Make it simpler and try again.")


def _judge_derivative(torch: Any, fn: Any, cases: list[tuple[Callable, float]],
                      scores: Mapping[str, float], compared: str) -> Verdict:
    answers: list[Any] = []
    expected: list[Any] = []
    values: list[Any] = []
    tensors = 0
    spies = []
    for f, x0 in cases:
        spy = Spy(f)
        spies.append(spy)
        where = f"f = {_fname(f)}, x0 = {x0:.4g}"
        try:
            raw = call_student(fn, (spy, x0), f" for {where}",
                               seconds=FIRST_CALL_SECONDS if not answers else CALL_SECONDS)
        except Refused as refusal:
            return _fail(refusal.code, f"{refusal.message}.", None, compared)
        if isinstance(raw, torch.Tensor):
            if raw.numel() != 1:
                return _fail(codes.WRONG_SHAPE, f"for {where} your function returned a tensor of "
                             f"shape {tuple(raw.shape)}; one number is expected.", None, compared)
            tensors += 1
            number = float(raw.detach().reshape(()))
        elif isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
            number = float(raw)
        else:
            return _fail(codes.WRONG_TYPE, f"for {where} your function returned a "
                         f"{describe_type(raw)}; a float is expected.",
                         "Return a Python float (a tensor's .item() gives one).", compared)
        answers.append(number)
        expected.append(_reference(torch, f, x0))
        values.append(float(f(torch.tensor(x0, dtype=torch.float64)).detach()))
    got, want = np.array(answers), np.array(expected)
    if not np.isfinite(got).all():
        return _fail(codes.NOT_FINITE, "your function returned NaN or inf for some inputs.", None,
                     compared)
    close = np.abs(got - want) <= DERIVATIVE_ATOL + DERIVATIVE_RTOL * np.abs(want)
    if close.all():
        if not any(spy.tracked for spy in spies):
            return _fail(NO_AUTOGRAD, "your values are right, but f was never called on a "
                         "tensor that tracks gradients, so they did not come from autograd.",
                         "Make x0 a tensor with requires_grad=True and let backward() (or "
                         "torch.autograd.grad) compute the derivative.", compared,
                         scores.get(NO_AUTOGRAD, 0.0))
        if tensors:
            return _fail(RETURNED_TENSOR, "your derivatives are right, but your function "
                         "returns a tensor; the question asks for a Python float.",
                         "Turn a one-element tensor into a float with .item().", compared,
                         scores.get(RETURNED_TENSOR, 0.0))
        return Verdict(True, 1.0, codes.CORRECT, messages.passed(
            "your function returns f'(x0) for every test function and point.", compared))
    code, evidence, hint = _derivative_mistake(got, want, np.array(values), cases)
    first = int(np.argmin(close))
    f, x0 = cases[first]
    text = (f"{evidence} It differs at {int((~close).sum())} of {len(cases)} points; first at "
            f"f = {_fname(f)}, x0 = {x0:.4g}, where your function returns {got[first]:.6g}.")
    return _fail(code, text, hint, compared, scores.get(code, 0.0))


def _derivative_mistake(got: np.ndarray, want: np.ndarray, values: np.ndarray,
                        cases: list[tuple[Callable, float]]) -> tuple[str, str, str | None]:
    def same(a: np.ndarray, b: np.ndarray) -> bool:
        return bool((np.abs(a - b) <= DERIVATIVE_ATOL + DERIVATIVE_RTOL * np.abs(b)).all())

    if np.ptp(got) == 0 and np.ptp(want) > DERIVATIVE_ATOL:
        return (HARD_CODED, "your function returns the same number whatever f and x0 are.",
                "Compute the derivative from f and x0 each time instead of returning a fixed "
                "number.")
    groups: dict[int, list[int]] = {}
    for index, (f, _) in enumerate(cases):
        groups.setdefault(id(f), []).append(index)
    if all(np.ptp(got[g]) == 0 for g in groups.values()) and \
            any(np.ptp(want[g]) > DERIVATIVE_ATOL for g in groups.values()):
        return (IGNORES_X0, "for each f your function returns the same number at every x0.",
                "Evaluate at the point x0 you are given.")
    if same(got, values):
        return (RETURNED_VALUE, "your function returns f(x0), the value of the function, not "
                "its derivative.", "After backward(), the derivative is in the input "
                "tensor's .grad.")
    if same(got, 2 * want):
        return (GRAD_ACCUMULATED, "your function returns twice the derivative everywhere; this "
                "happens when backward() runs twice on the same tensor (gradients add up).",
                "Use a fresh tensor and call backward() once per call.")
    if same(got, -want):
        return (codes.SIGN_FLIP, "your function returns the derivative with the wrong sign.", None)
    return (codes.WRONG, "your function does not return f'(x0).", "Create the input tensor from "
            "x0 with requires_grad=True, apply f, call backward() and read the input's .grad.")


def _reference(torch: Any, f: Callable, x0: float) -> float:
    t = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(f(t), t)
    return float(grad)


# -- helpers -------------------------------------------------------------------------------------
def _at_input(formula: Any, of: Any, name: str, value: float, slope: float | None
              ) -> tuple[float, float | None]:
    """Value and slope of ``formula`` at the student's own input ``of`` (a scalar float
    tensor), or the given ``value`` and ``slope`` when there is no formula or no such input."""
    if formula is None or not _is_tensor(of):
        return value, slope
    tensor = of.value if isinstance(of, TensorFacts) else of
    if tensor.numel() != 1 or not tensor.is_floating_point():
        return value, slope
    point = float(tensor.detach().reshape(()))
    if not np.isfinite(point):
        return value, slope
    import sympy as sp

    variable = sp.Symbol(name)
    expr = parse(formula, [name]) if isinstance(formula, str) else sp.sympify(formula)
    at = {variable: point}
    return float(expr.subs(at)), float(sp.diff(expr, variable).subs(at))


def _torch() -> Any:
    import torch

    return torch


def _is_tensor(value: Any) -> bool:
    if isinstance(value, TensorFacts):
        return True
    torch = _torch()
    return type(value) in (torch.Tensor, torch.nn.Parameter)


def _facts(value: Any, name: str, leaves: Mapping[str, Any] | None = None) -> TensorFacts:
    """The facts the checks read: given as such (from the sandbox), or read off a live tensor."""
    if isinstance(value, TensorFacts):
        return value
    live = {key: leaf for key, leaf in (leaves or {}).items() if _is_tensor(leaf)
            and not isinstance(leaf, TensorFacts)}
    return facts_of(value, live, name)


def _leaf_name(leaf: Any, fallback: str) -> str:
    """How a leaf is named in the facts: by the student's variable when it came from the
    sandbox, else by the name the check gave it."""
    return leaf.name if isinstance(leaf, TensorFacts) and leaf.name else fallback


def _not_scalar_tensor(value: Any, name: str) -> Verdict | None:
    if not _is_tensor(value):
        kind = describe_type(value)
        hint = "Create it with torch.tensor(...)." if kind in ("float", "int") else None
        return _fail(codes.WRONG_TYPE, f"{name} is a {kind}, not a torch tensor.", hint)
    tensor = value.value if isinstance(value, TensorFacts) else value
    if tensor.numel() != 1 or tensor.dim() != 0:
        return _fail(codes.WRONG_SHAPE, f"{name} has shape {tuple(tensor.shape)}; a scalar tensor "
                     "(shape ()) is expected.", "Pass a plain number to torch.tensor, not a "
                     "list.")
    return None


def _close(got: float, want: float, rtol: float, atol: float) -> bool:
    return bool(np.isfinite(got) and abs(got - want) <= atol + rtol * abs(want))


def _fail(code: str, text: str, hint: str | None, compared: str = "",
          score: float = 0.0) -> Verdict:
    return Verdict(False, float(score), code, messages.failed(code, text, hint, compared))


def _fmt(tensor: Any) -> str:
    return f"{float(tensor.detach().reshape(())):.6g}"


def _dtype(tensor: Any) -> str:
    return str(tensor.dtype).replace("torch.", "")


def _fname(f: Callable) -> str:
    return getattr(f, "__name__", type(f).__name__)
