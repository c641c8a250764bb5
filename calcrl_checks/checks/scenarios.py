"""Tiny seeded RL environments that a student's update rule must actually learn in.

Two scenarios, each a plain-numpy environment plus one check:

* a 2-armed **softmax bandit** with fixed arm rewards, trained by exact policy gradient
  (the gradient of ``J(theta) = sum_a pi(a) r(a)``) with the student's ascent step:
  :func:`check_bandit_learns` passes when the expected return clearly goes up;
* a small **chain Markov reward process** with one-hot features, learned by TD(0) with the
  student's ``td_update`` on one seeded trajectory: :func:`check_td_learns` passes when the
  learned values end close to the true ones (solved exactly from the Bellman equation).

The environments only ever compute what the environment knows (returns, its own gradient,
true values); the student's rule is what moves the parameters. Student calls run under
:func:`calcrl_checks.outcome.budget.call_limited`, output is silenced with
:func:`calcrl_checks.outcome.budget.quiet`, and every outcome is a :class:`~calcrl_checks.Verdict`
whose message says what happened (return before and after, distance to the true values),
never how the update should be written. Like every check, a scenario returns its verdict,
passing or not, so it plugs into :func:`calcrl_checks.cells.notebook.grade`.

>>> check_bandit_learns(lambda theta, g, alpha: theta + alpha * g).code
'correct'
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from calcrl_checks.outcome import messages
from calcrl_checks.outcome import codes
from calcrl_checks.pipeline.stage1_adapt import describe_type
from calcrl_checks.crossing.functions import StudentFunction, step_arguments
from calcrl_checks.outcome.budget import SCENARIO_SECONDS, quiet, time_limit
from calcrl_checks.outcome.errors import BudgetExceeded, Refused
from calcrl_checks.outcome.guard import guarded
from calcrl_checks.pipeline.stage3_sample import check_seed
from calcrl_checks.pipeline.stage4_evaluate import call_student
from calcrl_checks.outcome.codes import (MOVED_AWAY, RETURN_DECREASED, RETURN_UNCHANGED,
                                         TOO_LITTLE_GAIN, WRONG_FIXED_POINT)
from calcrl_checks.outcome.verdict import Verdict


#: Steps of a run in the grading sandbox that are called again one by one to confirm it.
CONFIRMED_STEPS = 40


# -- the softmax bandit --------------------------------------------------------------------------
def softmax(theta: Any) -> np.ndarray:
    """Action probabilities of a softmax policy (stable for large preferences).

    >>> softmax(np.zeros(2)).tolist()
    [0.5, 0.5]
    """
    values = np.asarray(theta, dtype=float)
    z = np.exp(values - values.max())
    probabilities: np.ndarray = z / z.sum()  # numpy types array / scalar as Any
    return probabilities


def bandit_return(theta: Any, rewards: Sequence[float]) -> float:
    """Expected return ``J(theta) = sum_a pi(a) r(a)`` of the softmax policy.

    >>> bandit_return([0.0, 0.0], (0.2, 1.0))
    0.6
    """
    return float(softmax(theta) @ np.asarray(rewards, dtype=float))


def bandit_gradient(theta: Any, rewards: Sequence[float]) -> np.ndarray:
    """The exact gradient of :func:`bandit_return`: ``pi(a) (r(a) - J)`` per arm.

    >>> bandit_gradient([0.0, 0.0], (0.0, 1.0)).tolist()
    [-0.25, 0.25]
    """
    pi = softmax(theta)
    r = np.asarray(rewards, dtype=float)
    gradient: np.ndarray = pi * (r - pi @ r)  # numpy types array arithmetic with @ as Any
    return gradient


def bandit_start(rewards: Sequence[float], seed: int) -> np.ndarray:
    """A seeded start that prefers the worse arm (so there is return to gain).

    >>> bandit_return(bandit_start((0.2, 1.0), seed=0), (0.2, 1.0)) < 0.6
    True
    """
    rng = np.random.default_rng(seed)
    r = np.asarray(rewards, dtype=float)
    theta = rng.uniform(-0.3, 0.3, size=r.size)
    theta[int(np.argmin(r))] += rng.uniform(0.5, 1.0)
    return theta


def bandit_curve(ascent_step: Callable[..., Any], rewards: Sequence[float] = (0.2, 1.0),
                 alpha: float = 1.0, steps: int = 50, seed: int = 0) -> list[float]:
    """Train the bandit with ``ascent_step(theta, grad_J, alpha)``; return J before each update
    and after the last (``steps + 1`` values). For charts: the student's errors propagate.

    >>> curve = bandit_curve(lambda theta, g, alpha: theta + alpha * g, steps=20)
    >>> len(curve), curve[-1] > curve[0]
    (21, True)
    """
    theta = bandit_start(rewards, seed)
    curve = [bandit_return(theta, rewards)]
    for _ in range(steps):
        theta = _as_vector(ascent_step(theta.copy(), bandit_gradient(theta, rewards), alpha),
                           theta.size, "theta")
        curve.append(bandit_return(theta, rewards))
    return curve


@guarded
def check_bandit_learns(ascent_step: Any, rewards: Sequence[float] = (0.2, 1.0),
                        alpha: float = 1.0, steps: int = 50, min_share: float = 0.5,
                        seed: int | None = None, question: str | None = None,
                        part: str | None = None) -> Verdict:
    """Train a softmax bandit with the student's ascent step; pass when J clearly rises.

    Passing means the expected return gained at least ``min_share`` of the gain that was
    possible from the start (best arm's reward minus J at the start). A step that lowers J is
    ``return_decreased``, one that leaves it where it was ``return_unchanged``.

    >>> check_bandit_learns(lambda theta, g, alpha: theta - alpha * g).code
    'return_decreased'
    """
    seed = check_seed(seed, question, part, "bandit")
    setup = (f"(A 2-armed softmax bandit with arm rewards {_fmt_list(rewards)}, trained for "
             f"{steps} updates with alpha = {alpha:g} and the exact gradient of J; start "
             f"seeded with {seed}.)")
    outcome = _run(lambda: bandit_curve(_Limited(ascent_step, "ascent_step"), rewards, alpha,
                                        steps, seed), "training", setup)
    if isinstance(outcome, Verdict):
        return outcome
    curve = outcome
    before, after = curve[0], curve[-1]
    possible = max(rewards) - before
    story = f"The expected return J went from {before:.4g} to {after:.4g}"
    if after >= before + min_share * possible:
        return Verdict(True, 1.0, codes.CORRECT, messages.passed(
            f"your ascent step raises the expected return. {story}.", setup))
    if after < before - 1e-9:
        return _fail(RETURN_DECREASED, f"the expected return went down. {story}.", setup,
                     "the policy moved against its gradient, so it made the worse arm more "
                     "likely. Maximising J needs a step *up* the gradient.")
    if abs(after - before) <= 1e-9:
        return _fail(RETURN_UNCHANGED, f"the expected return did not change. {story}.", setup,
                     "check that your step returns the updated parameters and uses both the "
                     "gradient and alpha.")
    return _fail(TOO_LITTLE_GAIN, f"the expected return rose only a little. {story}, less "
                 f"than {min_share:.0%} of the {possible:.4g} that was there to gain.", setup,
                 "check that the whole step alpha times the gradient is taken.")


# -- the chain MRP -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainMRP:
    """A chain of ``states`` states; each step moves right with probability ``p_right``, else
    left (the ends keep you in place). Arriving in a state pays ``rewards[state]``.

    >>> mrp = ChainMRP()
    >>> mrp.transitions().sum(axis=1).tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0]
    """

    states: int = 5
    p_right: float = 0.5
    rewards: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0, 1.0)
    gamma: float = 0.8

    def transitions(self) -> np.ndarray:
        """The matrix P[s, s'] of moving from s to s'."""
        p = np.zeros((self.states, self.states))
        for s in range(self.states):
            p[s, min(s + 1, self.states - 1)] += self.p_right
            p[s, max(s - 1, 0)] += 1 - self.p_right
        return p

    def true_values(self) -> np.ndarray:
        """Solve the Bellman equation V = P (R + gamma V) exactly.

        >>> ChainMRP(states=2, p_right=1.0, rewards=(0.0, 1.0), gamma=0.5).true_values().tolist()
        [2.0, 2.0]
        """
        p = self.transitions()
        r = np.asarray(self.rewards, dtype=float)
        return np.linalg.solve(np.eye(self.states) - self.gamma * p, p @ r)

    def features(self, state: int) -> np.ndarray:
        """One-hot features phi(s), so that w[s] is the value estimate of state s."""
        phi = np.zeros(self.states)
        phi[state] = 1.0
        return phi


def td_run(td_update: Callable[..., Any], mrp: ChainMRP = ChainMRP(), steps: int = 3000,
           seed: int = 0, record_every: int = 0) -> tuple[np.ndarray, list[np.ndarray]]:
    """Learn ``w`` along one seeded trajectory with ``td_update(w, phi_s, r, phi_next, gamma,
    alpha)``, starting at w = 0 in the middle state. The step size of a visit to s is
    ``N(s) ** -0.7`` (N counts visits), which lets correct TD(0) settle in a few thousand steps.
    Returns the final weights and, when ``record_every`` > 0, snapshots along the way.

    >>> w, _ = td_run(lambda w, p, r, q, g, a: w + a * (r + g * w @ q - w @ p) * p)
    >>> bool(np.abs(w - ChainMRP().true_values()).max() < 0.2)
    True
    """
    start = np.zeros(mrp.states)
    with np.errstate(all="ignore"):
        path = _trajectory(td_update, start, _td_inputs(mrp, steps, seed),
                           lambda value: _as_vector(value, mrp.states, "w", finite=False))
    snapshots = [start] + path[record_every - 1::record_every] if record_every else []
    return (path[-1] if path else start), snapshots


def _td_inputs(mrp: ChainMRP, steps: int, seed: int) -> list[np.ndarray]:
    """The columns of ``td_update``'s arguments after ``w``, one row per transition: they do
    not depend on ``w``, so the whole run's inputs are known before it starts."""
    moves = np.random.default_rng(seed).random(steps) < mrp.p_right
    states = [mrp.states // 2]
    for right in moves:
        state = states[-1]
        states.append(min(state + 1, mrp.states - 1) if right else max(state - 1, 0))
    visits = np.zeros(mrp.states)
    alphas = np.empty(steps)
    for t, state in enumerate(states[:-1]):
        visits[state] += 1
        alphas[t] = visits[state] ** -0.7
    one_hot = np.eye(mrp.states)
    return [one_hot[states[:-1]], np.asarray(mrp.rewards, dtype=float)[states[1:]],
            one_hot[states[1:]], np.full(steps, float(mrp.gamma)), alphas]


@guarded
def check_td_learns(td_update: Any, mrp: ChainMRP = ChainMRP(), steps: int = 3000,
                    tolerance: float = 0.15, seed: int | None = None,
                    question: str | None = None, part: str | None = None) -> Verdict:
    """Learn the chain MRP's values with the student's TD update; pass when they end close.

    Close means the root-mean-square distance to the true values is at most ``tolerance``
    times the largest true value. Values that end farther away than the start (w = 0) are
    ``moved_away``; values that settle at the wrong place are ``wrong_fixed_point``.

    >>> check_td_learns(lambda w, p, r, q, g, a: w + a * (r + g * w @ q - w @ p) * p).code
    'correct'
    """
    seed = check_seed(seed, question, part, "chain")
    truth = mrp.true_values()
    setup = (f"({mrp.states}-state chain, one-hot features, p(right) = {mrp.p_right:g}, "
             f"gamma = {mrp.gamma:g}, {steps} transitions of one trajectory seeded with {seed}, "
             "step size N(s)^-0.7 for the N-th visit of s, w = 0 at the start.)")
    record = max(steps // 4, 1)
    outcome = _run(lambda: td_run(_Limited(td_update, "td_update"), mrp, steps, seed,
                                  record_every=record), "learning", setup)
    if isinstance(outcome, Verdict):
        return outcome
    w, snapshots = outcome
    if not np.isfinite(w).all():
        return _fail(codes.NOT_FINITE, "your weights overflowed to inf or NaN during learning: "
                     "the updates push the values away from the truth, further at every step.",
                     setup, "each update should shrink the TD error of the state just visited; "
                     "check the sign of your step.")
    start, end = _rms(np.zeros_like(truth), truth), _rms(w, truth)
    scale = float(np.abs(truth).max())
    story = (f"The root-mean-square distance between your learned values and the true values "
             f"went from {start:.4g} (w = 0) to {end:.4g}")
    if end <= tolerance * scale:
        return Verdict(True, 1.0, codes.CORRECT, messages.passed(
            f"your TD update learns the values of the chain. {story}.", setup))
    if end >= start:
        return _fail(MOVED_AWAY, f"learning moved the values away from the truth. {story}.",
                     setup, "each update should shrink the TD error of the state just visited; "
                     "check the sign of your step and which value the discount applies to.")
    late = snapshots[-2] if len(snapshots) >= 2 else w
    drift = _rms(w, late)
    if drift < 0.25 * (end - tolerance * scale):
        return _fail(WRONG_FIXED_POINT, f"your values settle, but not at the true values. "
                     f"{story}; over the last {record} transitions they moved only "
                     f"{drift:.4g}.", setup, "semi-gradient TD treats the target "
                     "r + gamma V(s') as a fixed number; an update that also moves the next "
                     "state's value is minimising a different quantity.")
    return _fail(codes.WRONG, f"the learned values are still far from the true values. "
                 f"{story}, more than {tolerance:.0%} of the largest true value.", setup)


# -- helpers -------------------------------------------------------------------------------------
def _run(scenario: Callable[[], Any], activity: str, setup: str) -> Any:
    """Run a scenario quietly within the check budget; a failure comes back as a Verdict."""
    with quiet():
        try:
            with time_limit(SCENARIO_SECONDS):
                return scenario()
        except Refused as failure:   # charts (bandit_curve, td_run) see it as is
            return _fail(failure.code, failure.message, setup)
        except BudgetExceeded as error:
            return _fail(codes.TIMEOUT, f"{activity} (or one call of your function) did not "
                         f"finish within {error.seconds:g} seconds.", setup)


class _Limited:
    """A student function called under the call budget, its failures as :class:`Refused`."""

    def __init__(self, function: Any, name: str):
        if not callable(function):
            raise Refused(codes.WRONG_TYPE,
                          messages.refusal("update_not_a_function",
                                           name=name, kind=describe_type(function)))
        self.function = function
        self.name = name

    def __call__(self, *arguments: Any) -> Any:
        try:
            return call_student(self.function, arguments, subject=f"your {self.name}")
        except Refused as refusal:
            raise Refused(refusal.code, messages.full_stop(refusal.message)) from None


def _trajectory(update: Callable[..., Any], start: np.ndarray, columns: Sequence[np.ndarray],
                read: Callable[[Any], np.ndarray]) -> list[np.ndarray]:
    """``w[1], w[2], ...`` of ``w[t+1] = read(update(copy of w[t], *row t of columns))``,
    ending early with the first ``w`` that holds NaN or inf.

    A function in the grading sandbox runs the whole run there in one round trip (thousands of
    calls cost seconds of round trips); the steps are then confirmed here (:func:`_confirmed`).
    """
    function = update.function if isinstance(update, _Limited) else update
    if isinstance(function, StudentFunction) and hasattr(function, "iterate"):
        return _confirmed(update, function.iterate(start, columns), start, columns, read)
    path, w = [], start
    for t in range(min(len(column) for column in columns)):
        w = read(update(w.copy(), *step_arguments(columns, t)))
        path.append(w)
        if not np.isfinite(w).all():
            break
    return path


def _confirmed(update: Callable[..., Any], claimed: tuple[np.ndarray, bool], start: np.ndarray,
               columns: Sequence[np.ndarray], read: Callable[[Any], np.ndarray]
               ) -> list[np.ndarray]:
    """The sandbox's run, once the last step and ``CONFIRMED_STEPS`` steps drawn at random
    (unpredictably, so a run cannot be doctored around them) give the same result when called
    one by one; a step the sandbox stopped before is called again to raise its failure."""
    results, stopped = claimed
    steps = min(len(column) for column in columns)
    name = update.name if isinstance(update, _Limited) else "function"
    if results.ndim != start.ndim + 1 or results.shape[1:] != start.shape \
            or len(results) + stopped > steps or not np.isfinite(results[:-1]).all() \
            or (len(results) < steps and not stopped and np.isfinite(results[-1:]).all()):
        raise Refused(codes.UNREADABLE, messages.refusal("learning_results_unreadable", name=name))
    path = list(results)
    before = [start, *path]
    chosen = set(np.random.default_rng().permutation(len(path))[:CONFIRMED_STEPS].tolist())
    for t in sorted(chosen | {len(path) - 1} if path else chosen):
        again = read(update(before[t].copy(), *step_arguments(columns, t)))
        if not np.allclose(again, path[t], rtol=1e-9, atol=1e-12, equal_nan=True):
            raise Refused(codes.NOT_REPEATABLE, _not_repeatable(name))
    if stopped:
        read(update(before[-1].copy(), *step_arguments(columns, len(path))))
        raise Refused(codes.NOT_REPEATABLE, _not_repeatable(name))
    return path


def _not_repeatable(name: str) -> str:
    return f"your {name} gave a different result when called again with the same inputs."



def _as_vector(value: Any, size: int, name: str, finite: bool = True) -> np.ndarray:
    """The student's returned parameters as a float vector of ``size`` entries."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if value is None:
        raise Refused(codes.WRONG_TYPE, messages.refusal("update_returned_none", name=name))
    try:
        vector = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Refused(codes.WRONG_TYPE,
                      messages.refusal("update_returned_kind", kind=describe_type(value))) from None
    if vector.shape != (size,):
        raise Refused(codes.WRONG_SHAPE,
                      messages.refusal("update_returned_shape",
                                       shape=vector.shape, name=name, size=size))
    if finite and not np.isfinite(vector).all():
        raise Refused(codes.NOT_FINITE, messages.refusal("update_not_finite", name=name))
    return vector


def _rms(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


def _fmt_list(values: Sequence[float]) -> str:
    return "(" + ", ".join(f"{v:g}" for v in values) + ")"


def _fail(code: str, text: str, setup: str, hint: str | None = None) -> Verdict:
    """The failing verdict (returned, as every check's is)."""
    return Verdict(False, 0.0, code, messages.failed(code, text, hint, setup))
