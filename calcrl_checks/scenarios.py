"""Published name: released notebooks import ``from calcrl_checks.scenarios import ...`` (the
learning curves they plot), so it stays importable here. The scenarios live in
:mod:`calcrl_checks.checks.scenarios`.
"""
from calcrl_checks.checks.scenarios import (ChainMRP, bandit_curve, bandit_gradient,
                                            bandit_return, bandit_start, check_bandit_learns,
                                            check_td_learns, softmax, td_run)

__all__ = ["ChainMRP", "bandit_curve", "bandit_gradient", "bandit_return",
           "bandit_start", "check_bandit_learns", "check_td_learns", "softmax", "td_run"]
