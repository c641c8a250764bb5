"""Every catalogued mistake of the question specs, as a concrete wrong answer cell.

Each mistake replaces one answer cell of an otherwise correct notebook. ``test_cell`` must lose
its points (keeping ``credit`` of them where the question gives partial credit) and its
feedback must name ``feedback`` (the verdict code the check reports); ``also_fails`` lists
later test cells that lose their points too because they build on the wrong answer. The
catalogue is written in the specs (:mod:`calcrl_checks.instructor.authoring.specs`), next to
the parts the mistakes are about; the demo class and the tests read it here.

>>> next(m for m in MISTAKES if m.test_cell == "q10-df-at-0-test").code
'df_at_0 = 3'
"""
from __future__ import annotations

from dataclasses import dataclass

from calcrl_checks.instructor.authoring.specs import questions


@dataclass(frozen=True)
class CatalogueEntry:
    notebook: str
    answer_cell: str
    code: str          # the wrong answer cell source
    test_cell: str
    feedback: str      # the diagnosis code the feedback must name
    credit: float = 0.0
    also_fails: tuple[str, ...] = ()


def catalogue() -> list[CatalogueEntry]:
    """The mistakes of every question, in notebook and part order."""
    return [CatalogueEntry(question.notebook, mistake.answer_cell or str(part.answer_cell),
                           mistake.source, str(part.cell), mistake.code, mistake.credit,
                           mistake.also_fails)
            for question in questions() for part in question.parts
            for mistake in part.mistakes]


MISTAKES: list[CatalogueEntry] = catalogue()
