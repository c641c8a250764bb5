"""Published name: released notebooks import ``from calcrl_checks.scenarios import ...`` (the
learning curves they plot), so it stays importable here. The scenarios live in
:mod:`calcrl_checks.checks.scenarios`.

>>> from calcrl_checks.scenarios import bandit_curve
>>> curve = bandit_curve(lambda theta, g, alpha: theta + alpha * g, steps=20)
>>> bool(curve[-1] > curve[0])   # the expected return rises along an ascent step's run
True
"""
from calcrl_checks.checks.scenarios import (ChainMRP, bandit_curve, bandit_gradient,
                                            bandit_return, bandit_start, check_bandit_learns,
                                            check_td_learns, softmax, td_run)

__all__ = ["ChainMRP", "bandit_curve", "bandit_gradient", "bandit_return",
           "bandit_start", "check_bandit_learns", "check_td_learns", "softmax", "td_run"]
