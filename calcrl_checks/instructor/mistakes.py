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


Q00 = "q00_core_rules.ipynb"
Q01 = "q01_softplus_derivative.ipynb"
Q02 = "q02_chain_rule.ipynb"
Q03 = "q03_partial_derivatives.ipynb"
Q04 = "q04_gradient_ascent.ipynb"
Q05 = "q05_pytorch_autograd.ipynb"
Q06 = "q06_product_rule.ipynb"
Q07 = "q07_log_derivative_trick.ipynb"
Q08 = "q08_power_rule.ipynb"
Q09 = "q09_td_semi_gradient.ipynb"
Q10 = "q10_chain_rule_power.ipynb"
Q11 = "q11_softmax_policy_gradient.ipynb"
Q12 = "q12_partials_two_vars.ipynb"
Q13 = "q13_ppo_clip.ipynb"
Q14 = "q14_squared_td_error.ipynb"
Q15 = "q15_entropy_gradient.ipynb"

MISTAKES: list[Mistake] = [
    # q00: the core rules; the chain rule's inner derivative; 2Aw, not Aw.
    Mistake(Q00, "q00-d-softplus", "d_softplus = 1 / (1 + sp.exp(x))", "q00-d-softplus-test",
            "missing_inner_derivative"),
    Mistake(Q00, "q00-d-sin-x2", "d_sin_x2 = sp.cos(x**2)", "q00-d-sin-x2-test",
            "missing_inner_derivative"),
    Mistake(Q00, "q00-grad-quadratic", "def grad_quadratic(A, w):\n    return A @ w",
            "q00-grad-quadratic-test", "constant_factor"),
    Mistake(Q00, "q00-d-power", "d_power = n * x**n", "q00-d-power-test", "exponent_not_lowered"),
    # q01: softplus' = sigmoid needs e^x from the chain rule; the sigmoid must not overflow.
    Mistake(Q01, "q01-dsoftplus", "dsoftplus = 1 / (1 + sp.exp(x))", "q01-dsoftplus-test",
            "missing_inner_derivative"),
    Mistake(Q01, "q01-sigmoid", "def sigmoid(x):\n    return np.exp(x) / (1 + np.exp(x))",
            "q01-sigmoid-test", "not_finite"),
    # q02: dy/dx = dy/du * du/dx, with u substituted back (half credit when it is not).
    Mistake(Q02, "q02-dy-du", 'dy_du = "1/(2 sqrt(u))"', "q02-dy-du-test", "unsubstituted",
            credit=0.5),
    Mistake(Q02, "q02-dy-dx", "dy_dx = 1 / (2 * sp.sqrt(1 + x**2))", "q02-dy-dx-test",
            "missing_inner_derivative"),
    # q03: partials hold the other variable fixed; gradient entries in order.
    Mistake(Q03, "q03-df-dw1", "df_dw1 = 3 * w1 + 3 * w2", "q03-df-dw1-test",
            "other_variable_differentiated"),
    Mistake(Q03, "q03-grad-f", "def grad_f(w):\n    return np.array([w[0] + 2 * w[1], "
            "2 * w[0] + w[1]])", "q03-grad-f-test", "swapped_components",
            also_fails=("q03-grad-at-1-2-test",)),
    Mistake(Q03, "q03-grad-at-1-2", "grad_at_1_2 = np.array([5.0, 4.0])",
            "q03-grad-at-1-2-test", "swapped_components"),
    # q04: maximise vs minimise, and changing the parameters in place.
    Mistake(Q04, "q04-descent", "def descent_step(theta, grad_L, alpha):\n"
            "    theta -= alpha * grad_L\n    return theta", "q04-descent-test", "inputs_mutated"),
    Mistake(Q04, "q04-ascent", "def ascent_step(theta, grad_J, alpha):\n"
            "    return theta - alpha * grad_J", "q04-ascent-test", "sign_flip",
            also_fails=("q04-bandit-test",)),
    # q05: backward() applies the chain rule on a graph; gradients accumulate.
    Mistake(Q05, "q05-y", "y = torch.tensor(4.0)", "q05-y-test", "no_graph",
            also_fails=("q05-x-grad-test",)),
    Mistake(Q05, "q05-backward", "y.backward(retain_graph=True)\ny.backward()",
            "q05-x-grad-test", "grad_accumulated_twice"),
    Mistake(Q05, "q05-autograd-derivative", "def autograd_derivative(f, x0):\n    return 4.0",
            "q05-autograd-derivative-test", "hard_coded"),
    # q06: the product rule needs both terms (u'v' equals u'v here, since (e^x)' = e^x).
    Mistake(Q06, "q06-df", "df = 2 * x * sp.exp(x)", "q06-df-test", "product_rule"),
    Mistake(Q06, "q06-df", "df = x**2 * sp.exp(x)", "q06-df-test", "product_rule"),
    # q07: grad log softmax = one-hot(a) - pi; the identity gap uses the same function.
    Mistake(Q07, "q07-grad-log-softmax", "def grad_log_softmax(theta, a):\n"
            "    grad = softmax(np.asarray(theta, dtype=float)).copy()\n"
            "    grad[a] += 1.0\n    return grad", "q07-grad-2-actions-test", "normaliser_sign",
            also_fails=("q07-grad-4-actions-test", "q07-identity-gap-test")),
    Mistake(Q07, "q07-grad-log-softmax", "def grad_log_softmax(theta, a):\n"
            "    return -softmax(np.asarray(theta, dtype=float))", "q07-grad-2-actions-test",
            "missing_one_hot", also_fails=("q07-grad-4-actions-test", "q07-identity-gap-test")),
    # q08: constants vanish and exponents drop by one (a surviving constant earns 1 of 3).
    Mistake(Q08, "q08-df", "df = 3 * x**2 + 2 - 5", "q08-df-test", "constant_differentiated",
            credit=1 / 3, also_fails=("q08-df-at-2-test",)),
    Mistake(Q08, "q08-df", "df = 3 * x**3 + 2 * x", "q08-df-test", "exponent_not_lowered",
            also_fails=("q08-df-at-2-test",)),
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
    # q11: d log pi(a=0) / d theta for a 2-action softmax.
    Mistake(Q11, "q11-dlogpi0-dtheta1", 'dlogpi0_dtheta1 = "pi1"', "q11-dlogpi0-dtheta1-test",
            "second_component_sign"),
    Mistake(Q11, "q11-dlogpi0-dtheta0", "dlogpi0_dtheta0 = 1", "q11-dlogpi0-dtheta0-test",
            "normaliser_forgotten"),
    Mistake(Q11, "q11-dlogpi0-dtheta0", 'dlogpi0_dtheta0 = "-pi0"', "q11-dlogpi0-dtheta0-test",
            "wrong_action"),
    Mistake(Q11, "q11-grad-log-pi", "def grad_log_pi(theta, a):\n"
            "    z = np.exp(theta - np.max(theta))\n    pi = z / z.sum()\n"
            "    grad = -pi\n    grad[1 - a] += 1.0\n    return grad", "q11-grad-log-pi-test",
            "wrong_action"),
    # q12: partial derivatives hold the other variable fixed.
    Mistake(Q12, "q12-df-dx", "df_dx = 3 * x**2 + 3 * x * y**2", "q12-df-dx-test",
            "wrong_variable", also_fails=("q12-values-at-1-2-test",)),
    Mistake(Q12, "q12-df-dy", "df_dy = 6 * x * y + y**3 + 3 * x**2 + 3 * x * y**2",
            "q12-df-dy-test", "other_variable_differentiated",
            also_fails=("q12-values-at-1-2-test",)),
    Mistake(Q12, "q12-values-at-1-2", "values_at_1_2 = (15, 20)", "q12-values-at-1-2-test",
            "swapped_components", credit=0.5),
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
    # q15: dH/dpi(a) = -(log pi(a) + 1); the value at 0.2 uses the student's function.
    Mistake(Q15, "q15-dh-dpi", "def dH_dpi(pi):\n    return -np.log(np.asarray(pi, dtype=float))",
            "q15-dh-dpi-test", "missing_plus_one", also_fails=("q15-value-at-0-2-test",)),
    Mistake(Q15, "q15-dh-dpi",
            "def dH_dpi(pi):\n    return np.log(np.asarray(pi, dtype=float)) + 1",
            "q15-dh-dpi-test", "sign_flip", also_fails=("q15-value-at-0-2-test",)),
    Mistake(Q15, "q15-dh-dpi", "def dH_dpi(pi):\n"
            "    return -(np.log2(np.asarray(pi, dtype=float)) + 1)", "q15-dh-dpi-test",
            "log_base", credit=1 / 3, also_fails=("q15-value-at-0-2-test",)),
]
