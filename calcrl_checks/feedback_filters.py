"""nbgrader preprocessors for feedback: a student sees the check's message and nothing more.

Added to ``GenerateFeedback.preprocessors`` in ``nbgrader_config.py`` next to nbgrader's own
``ClearHiddenTests``: errors in test cells lose their traceback (which would quote hidden test
source) and keep only the exception's message.
"""
from __future__ import annotations

from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution


class ShowOnlyCheckMessages(NbGraderPreprocessor):
    """Replace each test-cell traceback by its last line: ``CheckFailed: <message>``."""

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: "
                                           f"{output.get('evalue', '')}"]
        return cell, resources
