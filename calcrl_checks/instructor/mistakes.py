"""Every entry of the catalogue's "diagnose" column as a concrete wrong answer.

Each mistake replaces one answer cell of an otherwise correct notebook. ``test_cell`` must lose
its points (keeping ``credit`` of them where the question gives partial credit) and its
feedback must name ``feedback`` (the verdict code the check reports); ``also_fails`` lists
later test cells that lose their points too because they build on the wrong answer.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    notebook: str
    answer_cell: str
    code: str          # the wrong answer cell source
    test_cell: str
    feedback: str      # the diagnosis code the feedback must name
    credit: float = 0.0
    also_fails: tuple[str, ...] = ()


Q04 = "q04_gradient_ascent.ipynb"
Q09 = "q09_td_semi_gradient.ipynb"
Q10 = "q10_chain_rule_power.ipynb"
Q13 = "q13_ppo_clip.ipynb"
Q14 = "q14_squared_td_error.ipynb"

MISTAKES: list[Mistake] = [
    # q04: maximise vs minimise, and changing the parameters in place.
    Mistake(Q04, "q04-descent", "def descent_step(theta, grad_L, alpha):\n"
            "    theta -= alpha * grad_L\n    return theta", "q04-descent-test", "inputs_mutated"),
    Mistake(Q04, "q04-ascent", "def ascent_step(theta, grad_J, alpha):\n"
            "    return theta - alpha * grad_J", "q04-ascent-test", "sign_flip",
            also_fails=("q04-bandit-test",)),
    # q09: the TD target is a constant (semi-gradient), with its discount.
    Mistake(Q09, "q09-td-error", "def td_error(w, phi_s, r, phi_next, gamma):\n"
            "    return r + np.dot(w, phi_next) - np.dot(w, phi_s)", "q09-td-error-test",
            "gamma_dropped",
            also_fails=("q09-semi-gradient-test", "q09-td-update-test", "q09-learns-test")),
    Mistake(Q09, "q09-semi-gradient", "def semi_gradient(w, phi_s, r, phi_next, gamma):\n"
            "    return -td_error(w, phi_s, r, phi_next, gamma) * (phi_s - gamma * phi_next)",
            "q09-semi-gradient-test", "full_gradient",
            also_fails=("q09-td-update-test", "q09-learns-test")),
    Mistake(Q09, "q09-td-update", "def td_update(w, phi_s, r, phi_next, gamma, alpha):\n"
            "    return w + alpha * semi_gradient(w, phi_s, r, phi_next, gamma)",
            "q09-td-update-test", "sign_flip", also_fails=("q09-learns-test",)),
    # q10: the chain rule's inner factor.
    Mistake(Q10, "q10-df", 'df = "3(2x+1)^2"', "q10-df-test", "missing_inner_derivative"),
    Mistake(Q10, "q10-df-at-0", "df_at_0 = 3", "q10-df-at-0-test", "missing_inner_derivative"),
    # q13: PPO's clipped objective and its flat regions.
    Mistake(Q13, "q13-objective", "def ppo_objective(r, A, eps):\n"
            "    return np.maximum(r * A, np.clip(r, 1 - eps, 1 + eps) * A)",
            "q13-objective-test", "max_instead_of_min"),
    Mistake(Q13, "q13-objective", "def ppo_objective(r, A, eps):\n"
            "    return np.clip(r, 1 - eps, 1 + eps) * A", "q13-objective-test",
            "clip_without_min"),
    Mistake(Q13, "q13-clipped-value", "clipped_value = 1.3", "q13-clipped-value-test",
            "max_instead_of_min"),
    Mistake(Q13, "q13-gradient", "def dJ_dr(r, A, eps):\n    return A * np.ones_like(r)",
            "q13-gradient-test", "gradient_where_clipped"),
    # q14: the gradient of the squared TD error, and a Huber loss that jumps.
    Mistake(Q14, "q14-squared-grad", "def squared_loss_grad(delta):\n"
            "    return np.asarray(delta)", "q14-squared-grad-test", "sign_flip"),
    Mistake(Q14, "q14-huber-loss", "def huber_loss(delta, kappa):\n"
            "    return np.where(np.abs(delta) <= kappa, 0.5 * delta**2, kappa * np.abs(delta))",
            "q14-huber-loss-test", "huber_discontinuous"),
]
