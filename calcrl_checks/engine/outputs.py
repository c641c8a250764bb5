"""Cell outputs on the trusted side: what came from the sandbox, checked; what the grader adds.

nbgrader scores a test cell from its outputs (an error is 0, an ``execute_result`` is partial
credit, anything else full marks). So outputs from the sandbox are rebuilt field by field from
what nbformat allows, and in test cells they can never carry a score or a verdict record:
``execute_result`` becomes display data, stderr is dropped (nbgrader would zero the cell for
it), and the verdict mime type is removed. The only score-bearing output of a test cell is the
last one, written here from the trusted verdicts.
"""
from __future__ import annotations

from typing import Any

from nbformat import NotebookNode

from ..notebook import VERDICT_MIME, Graded, partial_credit_text, verdict_output

_TEXT_LIMIT = 10_000_000


def from_sandbox(outputs: Any, test_cell: bool, execution_count: int | None
                 ) -> list[NotebookNode]:
    """The sandbox's outputs of one cell, keeping only well-formed fields."""
    kept: list[NotebookNode] = []
    for output in outputs if isinstance(outputs, list) else []:
        clean = _clean(output, execution_count)
        if clean is None:
            continue
        if test_cell:
            if clean.output_type == "stream" and clean.name == "stderr":
                continue
            if clean.output_type == "execute_result":
                clean = NotebookNode(output_type="display_data", data=clean.data,
                                     metadata=clean.metadata)
        kept.append(clean)
    return kept


def _clean(output: Any, execution_count: int | None) -> NotebookNode | None:
    if not isinstance(output, dict):
        return None
    kind = output.get("output_type")
    if kind == "stream" and output.get("name") in ("stdout", "stderr") \
            and isinstance(output.get("text"), str):
        return NotebookNode(output_type="stream", name=output["name"],
                            text=output["text"][:_TEXT_LIMIT])
    if kind in ("display_data", "execute_result"):
        data = _mime_bundle(output.get("data"))
        if not data:
            return None
        node = NotebookNode(output_type=kind, data=data, metadata=_metadata(output.get("metadata")))
        if kind == "execute_result":
            node.execution_count = execution_count
        return node
    if kind == "error":
        traceback = output.get("traceback")
        traceback = [str(line)[:_TEXT_LIMIT] for line in traceback[:500]] \
            if isinstance(traceback, list) else []
        return NotebookNode(output_type="error", ename=str(output.get("ename", "Error"))[:200],
                            evalue=str(output.get("evalue", ""))[:_TEXT_LIMIT],
                            traceback=traceback)
    return None


def _mime_bundle(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    bundle: dict[str, Any] = {}
    for mime, value in data.items():
        if not isinstance(mime, str) or "/" not in mime or mime == VERDICT_MIME \
                or "calcrl" in mime:
            continue
        if mime.endswith("json"):
            if isinstance(value, (dict, list)):
                bundle[mime] = value
        elif isinstance(value, str):
            bundle[mime] = value[:_TEXT_LIMIT]
        elif isinstance(value, list) and all(isinstance(line, str) for line in value):
            bundle[mime] = "".join(value)[:_TEXT_LIMIT]
    return bundle


def _metadata(metadata: Any) -> dict[str, Any]:
    """Display hints (image sizes) only: plain values, nothing that names a verdict."""
    if not isinstance(metadata, dict):
        return {}
    kept: dict[str, Any] = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or "calcrl" in key:
            continue
        if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, (int, float,
                                                                                 str, bool))
                                           for k, v in value.items()):
            kept[key] = dict(value)
        elif isinstance(value, (int, float, str, bool)):
            kept[key] = value
    return kept


# -- what the trusted grader writes ------------------------------------------------------------
def stream(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text)


def error(ename: str, evalue: str) -> NotebookNode:
    """An error output with no traceback through grader code, only its last line."""
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


def verdicts(graded: list[Graded]) -> list[NotebookNode]:
    """One display per graded check, carrying its verdict record."""
    return [NotebookNode(output_type="display_data", data=verdict_output(g), metadata={})
            for g in graded]


def score(graded: list[Graded], points: float, execution_count: int | None
          ) -> list[NotebookNode]:
    """The cell's closing outputs, from which nbgrader reads its score.

    All checks passed: nothing (full marks). Otherwise the weakest check decides: partial
    credit is its message and the points as the cell's result; no credit is an error.
    """
    failed = [g for g in graded if not g.verdict.passed]
    if not failed:
        return []
    weakest = min(failed, key=lambda g: g.verdict.score)
    fraction = weakest.earned / weakest.points if weakest.points else 0.0
    if fraction <= 0:
        return [error("CheckFailed", weakest.verdict.message)]
    earned = round(points * fraction, 4)
    text = partial_credit_text(Graded(weakest.verdict, weakest.part, points))
    return [stream(text + "\n"),
            NotebookNode(output_type="execute_result", data={"text/plain": f"{earned:g}"},
                         metadata={}, execution_count=execution_count)]
