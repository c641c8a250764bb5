"""Every entry of the catalogue's "diagnose" column as a concrete wrong answer.

Each mistake replaces one answer cell of an otherwise correct notebook; ``test_cell`` must lose
its points (keeping ``credit`` of them where the question gives partial credit) and the
feedback must name ``feedback`` (the verdict code the check reports).
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


MISTAKES: list[Mistake] = [
    Mistake("q10_chain_rule_power.ipynb", "q10-df", 'df = "3(2x+1)^2"', "q10-df-test",
            "missing_inner_derivative"),
    Mistake("q10_chain_rule_power.ipynb", "q10-df-at-0", "df_at_0 = 3", "q10-df-at-0-test",
            "missing_inner_derivative"),
]
