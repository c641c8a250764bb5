"""The source notebooks' answers and hidden tests, run in this process (no nbgrader, no sandbox).

Hidden regions run exactly as the grading engine runs them (``engine.hidden.run_hidden``, each
answer name fetched from a namespace), with the instructor's solutions as answers, or with
answers a test replaces. Only instructor code from ``source/`` is executed here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calcrl_checks.engine.hidden import answer_names, run_hidden, segments

SOURCE = Path(__file__).resolve().parents[1] / "source" / "calculus"


@dataclass(frozen=True)
class TestCell:
    notebook: str
    grade_id: str
    hidden: str          # the hidden region's code

    @property
    def names(self) -> list[str]:
        return answer_names(self.hidden)


def _cells(path: Path) -> list[dict[str, Any]]:
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def test_cells() -> list[TestCell]:
    """Every graded test cell with a hidden region, in notebook order."""
    found = []
    for path in sorted(SOURCE.glob("*.ipynb")):
        for cell in _cells(path):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                for part in segments("".join(cell["source"])):
                    if part.hidden:
                        found.append(TestCell(path.stem, meta["grade_id"], part.code))
    return found


_SOLVED: dict[str, dict[str, Any]] = {}


def solutions(notebook: str) -> dict[str, Any]:
    """The namespace after the notebook's set-up and solution cells ran (charts left out)."""
    if notebook not in _SOLVED:
        _SOLVED[notebook] = _ran(notebook)
    return dict(_SOLVED[notebook])


def solved_with(notebook: str, answer_cell: str, source: str) -> dict[str, Any]:
    """The namespace after the notebook's set-up and solution cells ran, the answer cell
    ``answer_cell`` running ``source`` instead of its solution (a mistake written there)."""
    return _ran(notebook, {answer_cell: source})


def _ran(notebook: str, replaced: dict[str, str] | None = None) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "__notebook__"}
    left = dict(replaced or {})
    for cell in _cells(SOURCE / f"{notebook}.ipynb"):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = left.pop(meta.get("grade_id"), None) or "".join(cell["source"])
        if meta.get("grade") and not meta.get("solution"):
            continue
        if "plt." in source:
            continue
        exec(compile(source, notebook, "exec"), namespace)  # instructor code only
    if left:
        raise KeyError(f"{notebook} has no answer cell {', '.join(left)}")
    return namespace


def run(cell: TestCell, **answers: Any):
    """Run a hidden region with the solutions, ``answers`` replacing some of them."""
    namespace = {**solutions(cell.notebook), **answers}

    def fetch(name: str) -> Any:
        if name not in namespace:
            raise LookupError(name)
        return namespace[name]

    return run_hidden(cell.hidden, fetch)
