"""RL checks: update rules judged on the step, gradients against autograd, PPO clipping regimes."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
import torch

from calcrl_checks import (Choice, Hint, Vector, check_against_autograd, check_update_rule,
                           compare)
from calcrl_checks.checks import rl
from verdicts import assert_hides, verdict_of

pytestmark = pytest.mark.unit

# -- update rules ---------------------------------------------------------------------------------
t0, t1, g0, g1, a = sp.symbols("t0 t1 g0 g1 a")
STEP_DOMAIN = {"theta": Vector(2, names=("t0", "t1")), "g": Vector(2, names=("g0", "g1")),
               "a": (0.01, 0.5)}
ASCENT = [t0 + a * g0, t1 + a * g1]


def ascent(theta, g, alpha):
    return theta + alpha * g


def descent(theta, g, alpha):
    return theta - alpha * g


def ascent_half_step(theta, g, alpha):
    return theta + alpha * g / 2


def ascent_as_numpy(theta, g, alpha):
    return np.asarray(theta) + np.asarray(alpha) * np.asarray(g)


@pytest.mark.parametrize("types", [("numpy",), ("torch",), ("numpy", "torch")])
def test_a_correct_update_rule_passes_for_each_type(types):
    verdict = verdict_of(check_update_rule, ascent, ASCENT, STEP_DOMAIN, param="theta",
                         types=types)
    assert (verdict.passed, verdict.code) == (True, "correct"), verdict.message


@pytest.mark.parametrize("types", [("numpy",), ("torch",)])
def test_descent_written_for_ascent_is_a_sign_flip_on_the_step(types):
    verdict = verdict_of(check_update_rule, descent, ASCENT, STEP_DOMAIN, param="theta",
                         types=types)
    assert (verdict.passed, verdict.code) == (False, "sign_flip")
    assert "your step (new theta - old) is -1 × the expected step" in verdict.message
    assert "ascent adds it" in verdict.message


def test_a_half_step_is_a_constant_factor_on_the_step():
    verdict = verdict_of(check_update_rule, ascent_half_step, ASCENT, STEP_DOMAIN, param="theta")
    assert verdict.code == "constant_factor"
    assert "1/2 × the expected step" in verdict.message


def ascent_in_place(theta, g, alpha):
    theta += alpha * g
    return theta


def raises(*arguments):
    return 1 / 0


@pytest.mark.parametrize("code, answer", [
    ("correct", ascent),
    ("sign_flip", descent),
    ("constant_factor", ascent_half_step),
    ("additive_constant", lambda theta, g, alpha: theta + alpha * g + 1),
    ("swapped_components", lambda theta, g, alpha: theta + alpha * g[::-1]),
    ("inputs_mutated", ascent_in_place),
    ("wrong", lambda theta, g, alpha: theta + alpha * g * g),
    ("wrong_type", lambda theta, g, alpha: "theta + alpha * g"),
    ("wrong_shape", lambda theta, g, alpha: np.zeros(3)),
    ("not_finite", lambda theta, g, alpha: theta * np.nan),
    ("raised", raises),
])
def test_check_update_rule_returns_each_of_its_codes(code, answer):
    assert verdict_of(check_update_rule, answer, ASCENT, STEP_DOMAIN, param="theta").code == code


def test_torch_inputs_must_give_a_tensor_back():
    verdict = verdict_of(check_update_rule, ascent_as_numpy, ASCENT, STEP_DOMAIN, param="theta",
                         types=("numpy", "torch"))
    assert (verdict.passed, verdict.code) == (False, "wrong_type")
    assert "it should return a tensor" in verdict.message
    assert verdict_of(check_update_rule, ascent_as_numpy, ASCENT, STEP_DOMAIN,
                      param="theta").passed


# Semi-gradient TD(0) for a linear value function, w <- w + alpha delta phi(s).
w0, w1, p0, p1, q0, q1, r, gamma = sp.symbols("w0 w1 p0 p1 q0 q1 r gamma")
TD_DOMAIN = {"w": Vector(2, names=("w0", "w1")), "phi_s": Vector(2, names=("p0", "p1")),
             "r": (-1, 1), "phi_next": Vector(2, names=("q0", "q1")), "gamma": (0.5, 0.99),
             "alpha": (0.05, 0.5)}
alpha = sp.Symbol("alpha")
DELTA = r + gamma * (w0 * q0 + w1 * q1) - (w0 * p0 + w1 * p1)
TD_UPDATE = [w0 + alpha * DELTA * p0, w1 + alpha * DELTA * p1]
FULL_GRADIENT = [w0 + alpha * DELTA * (p0 - gamma * q0), w1 + alpha * DELTA * (p1 - gamma * q1)]
FULL_GRADIENT_HINT = Hint("The TD target is treated as a constant: do not differentiate "
                          "gamma * V(s') (semi-gradient).", match=FULL_GRADIENT,
                          code="full_gradient", score=0.25)


def td_update(w, phi_s, r, phi_next, gamma, alpha):
    delta = r + gamma * w @ phi_next - w @ phi_s
    return w + alpha * delta * phi_s


def td_update_full_gradient(w, phi_s, r, phi_next, gamma, alpha):
    delta = r + gamma * w @ phi_next - w @ phi_s
    return w + alpha * delta * (phi_s - gamma * phi_next)


def td_update_without_gamma(w, phi_s, r, phi_next, gamma, alpha):
    delta = r + w @ phi_next - w @ phi_s
    return w + alpha * delta * phi_s


@pytest.mark.parametrize("function, code, score", [
    (td_update, "correct", 1.0),
    (td_update_full_gradient, "full_gradient", 0.25),
    (td_update_without_gamma, "wrong", 0.0),
])
def test_semi_gradient_td_with_an_author_hint(function, code, score):
    verdict = verdict_of(check_update_rule, function, TD_UPDATE, TD_DOMAIN, param="w",
                         hints=[FULL_GRADIENT_HINT])
    assert (verdict.code, verdict.score) == (code, score), verdict.message
    if code == "full_gradient":
        assert "Hint: The TD target is treated as a constant" in verdict.message


# -- gradients against torch autograd ------------------------------------------------------------
v1, v2 = sp.symbols("w1 w2")
QUADRATIC = v1**2 + v1 * v2 + v2**2
W_DOMAIN = {"w": Vector(2, names=("w1", "w2"))}


def quadratic_gradient(w):
    return np.array([2 * w[0] + w[1], w[0] + 2 * w[1]])


def gradient_that_moves_w(w):
    gradient = quadratic_gradient(w)
    w[0] += 1.0
    return gradient


@pytest.mark.parametrize("code, answer", [
    ("correct", quadratic_gradient),
    ("swapped_components", lambda w: np.array([w[0] + 2 * w[1], 2 * w[0] + w[1]])),
    ("sign_flip", lambda w: -quadratic_gradient(w)),
    ("constant_factor", lambda w: 2 * quadratic_gradient(w)),
    ("additive_constant", lambda w: quadratic_gradient(w) + 1),
    ("inputs_mutated", gradient_that_moves_w),
    ("wrong", lambda w: np.array([w[0] + w[1], w[0] + w[1]]) * 2),
    ("wrong_type", lambda w: "2 w1 + w2"),
    ("wrong_shape", lambda w: np.array([2 * w[0] + w[1]])),
    ("not_finite", lambda w: quadratic_gradient(w) * np.nan),
    ("raised", raises),
])
def test_check_against_autograd_returns_each_of_its_codes(code, answer):
    verdict = verdict_of(check_against_autograd, answer, QUADRATIC, wrt="w", domain=W_DOMAIN)
    assert verdict.code == code, verdict.message


def test_autograd_reference_accepts_torch_gradients():
    def gradient(w):
        w = w.clone().requires_grad_(True)
        (w[0] ** 2 + w[0] * w[1] + w[1] ** 2).backward()
        return w.grad

    verdict = verdict_of(check_against_autograd, gradient, QUADRATIC, wrt="w", domain=W_DOMAIN,
                         call_with="torch")
    assert verdict.code == "correct", verdict.message


def test_wrt_must_be_an_argument():
    with pytest.raises(ValueError):
        check_against_autograd(lambda w: w, QUADRATIC, wrt="theta", domain=W_DOMAIN)


s0, s1, s2 = sp.symbols("s0 s1 s2")
LOG_PI_1 = sp.log(sp.exp(s1) / (sp.exp(s0) + sp.exp(s1) + sp.exp(s2)))
SOFTMAX_DOMAIN = {"theta": Vector(3, names=("s0", "s1", "s2")), "a": Choice([1])}


def softmax(theta):
    z = np.exp(theta - np.max(theta))
    return z / z.sum()


def grad_log_softmax(theta, a):
    gradient = -softmax(theta)
    gradient[int(a)] += 1
    return gradient


def grad_log_softmax_sign(theta, a):
    return -grad_log_softmax(theta, a)


def grad_log_softmax_no_one_hot(theta, a):
    return -softmax(theta)


@pytest.mark.parametrize("function, code", [
    (grad_log_softmax, "correct"),
    (grad_log_softmax_sign, "sign_flip"),
    (grad_log_softmax_no_one_hot, "wrong"),
])
def test_log_softmax_gradient_for_three_actions(function, code):
    verdict = verdict_of(check_against_autograd, function, LOG_PI_1, wrt="theta",
                         domain=SOFTMAX_DOMAIN)
    assert verdict.code == code, verdict.message
    assert "theta: vectors of 3 entries" in verdict.message


# -- PPO: the clipped objective and its gradient in r --------------------------------------------
r_, A, eps = sp.symbols("r A eps")
CLIPPED = sp.Min(sp.Max(r_, 1 - eps), 1 + eps)
PPO = sp.Min(r_ * A, CLIPPED * A)
PPO_DOMAIN = {"r": (0.5, 1.5), "A": Choice([-1.0, 1.0]), "eps": Choice([0.2])}
REGIMES = {"r > 1 + eps, A > 0": sp.And(r_ > 1 + eps, A > 0),
           "r < 1 - eps, A < 0": sp.And(r_ < 1 - eps, A < 0)}


def ppo_gradient(r, A, eps):
    clipped = ((A > 0) & (r > 1 + eps)) | ((A < 0) & (r < 1 - eps))
    return np.where(clipped, 0.0, A)


def ppo_gradient_unclipped(r, A, eps):
    return A * np.ones_like(r)


def ppo_gradient_only_positive_side(r, A, eps):
    return np.where((A > 0) & (r > 1 + eps), 0.0, A)


@pytest.mark.parametrize("function, code, regime", [
    (ppo_gradient, "correct", None),
    (ppo_gradient_unclipped, "gradient_where_clipped", "r > 1 + eps, A > 0"),
    (ppo_gradient_only_positive_side, "gradient_where_clipped", "r < 1 - eps, A < 0"),
])
def test_ppo_gradient_is_zero_where_clipped(function, code, regime):
    verdict = verdict_of(check_against_autograd, function, PPO, wrt="r", domain=PPO_DOMAIN,
                         regimes=REGIMES, hints=[rl.gradient_where_flat(REGIMES, score=0.3)])
    assert verdict.code == code, verdict.message
    if regime:
        assert verdict.score == 0.3
        assert f"non-zero where the objective is flat: {regime}" in verdict.message
        assert "Hint: Where the clipped term is the minimum" in verdict.message


def test_regime_notes_say_where_the_answer_differs_and_where_it_matches():
    verdict = verdict_of(check_against_autograd, ppo_gradient_only_positive_side, PPO,
                         wrt="r", domain=PPO_DOMAIN, regimes=REGIMES)
    assert verdict.code == "wrong"
    assert "it differs where r < 1 - eps, A < 0" in verdict.message
    assert "it matches where r > 1 + eps, A > 0" in verdict.message


def ppo_objective(r, A, eps):
    return np.minimum(r * A, np.clip(r, 1 - eps, 1 + eps) * A)


def ppo_objective_max(r, A, eps):
    return np.maximum(r * A, np.clip(r, 1 - eps, 1 + eps) * A)


def ppo_objective_clip_only(r, A, eps):
    return np.clip(r, 1 - eps, 1 + eps) * A


OBJECTIVE_HINTS = [
    Hint("PPO takes the minimum of the two terms, a pessimistic bound.",
         match=sp.Max(r_ * A, CLIPPED * A), code="max_instead_of_min"),
    Hint("Without the minimum the clipped term is wrong for A < 0 and r > 1 + eps.",
         match=CLIPPED * A, code="clip_without_min"),
]


@pytest.mark.parametrize("function, code", [
    (ppo_objective, "correct"),
    (ppo_objective_max, "max_instead_of_min"),
    (ppo_objective_clip_only, "clip_without_min"),
])
def test_ppo_objective_mistakes_are_named_by_author_hints(function, code):
    verdict = compare(function, PPO, PPO_DOMAIN, hints=OBJECTIVE_HINTS, regimes=REGIMES)
    assert verdict.code == code, verdict.message
    if code != "correct":
        assert_hides(verdict, PPO)


def test_the_unclipped_range_is_compared_too():
    # There r * A equals the clipped term, a tie over a whole interval, not a kink to skip.
    def wrong_inside(r, A, eps):
        return ppo_objective(r, A, eps) + 5.0 * (np.abs(r - 1) < eps)

    verdict = compare(wrong_inside, PPO, PPO_DOMAIN)
    assert (verdict.passed, verdict.code) == (False, "wrong"), verdict.message


def test_a_torch_ppo_objective():
    def objective(r, A, eps):
        return torch.minimum(r * A, torch.clamp(r, 1 - eps, 1 + eps) * A)

    verdict = compare(objective, PPO, PPO_DOMAIN, call_with="torch")
    assert verdict.code == "correct", verdict.message
