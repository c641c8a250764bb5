"""Every entry of the catalogue's "diagnose" column as a concrete wrong submission.

Each mistake replaces one answer cell of an otherwise correct (instructor) notebook and names the
test cell that must lose its points and the words its feedback must contain.
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


MISTAKES: list[Mistake] = [
    Mistake("q10_chain_rule_power.ipynb", "q10-df", 'df = "3(2x+1)^2"', "q10-df-test",
            "missing_inner_derivative"),
    Mistake("q10_chain_rule_power.ipynb", "q10-df-at-0", "df_at_0 = 3", "q10-df-at-0-test",
            "missing_inner_derivative"),
]


def students() -> dict[str, list[Mistake]]:
    """Spread the mistakes over as few students as possible, one per answer cell each."""
    spread: dict[str, list[Mistake]] = {}
    for mistake in MISTAKES:
        index = 0
        while any(m.notebook == mistake.notebook and m.answer_cell == mistake.answer_cell or
                  m.notebook == mistake.notebook and m.test_cell == mistake.test_cell
                  for m in spread.get(f"mistakes{index}", [])):
            index += 1
        spread.setdefault(f"mistakes{index}", []).append(mistake)
    return spread
