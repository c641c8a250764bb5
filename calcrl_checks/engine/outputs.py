"""Cell outputs on the trusted side: what came from the sandbox, checked; what the grader adds.

nbgrader scores a test cell from its outputs (an error is 0, an ``execute_result`` is partial
credit, anything else full marks). So outputs from the sandbox are rebuilt field by field from
what nbformat allows, and in test cells they can never carry a score or a verdict record:
``execute_result`` becomes display data, stderr is dropped (nbgrader would zero the cell for
it), and the verdict mime type is removed. The only score-bearing output of a test cell is the
last one, written here from the trusted verdicts.

What is stored is what a TA's formgrader and a student's feedback page render, so the trusted
side also decides which kinds of output are kept and how much, whatever the sandbox sends:
text, PNG and JPEG images, LaTeX and markdown (as text), and HTML cleaned by
:mod:`calcrl_checks.display.safe_html`; an SVG drawing becomes an ``<img>`` (an image cannot run
script). JavaScript, widgets and every other kind are dropped. A cell stores at most its cap
(``output_kib``; the notebook's cap when less is left), and a dropped or cut output leaves a
note in the cell saying so.
"""
from __future__ import annotations

import base64
from typing import Any

from nbformat import NotebookNode

from calcrl_checks.cells.notebook import (Graded, is_reserved_mime, partial_credit_text,
                                          verdict_output)
from calcrl_checks.display.safe_html import clean_html

#: Kinds stored as the text they are (the pages escape or sanitize them when they render).
_TEXT_KINDS = ("text/plain", "text/latex", "text/markdown")
_IMAGE_KINDS = ("image/png", "image/jpeg")
_SVG, _HTML = "image/svg+xml", "text/html"

DROPPED_NOTE = ("[calcrl] Part of this cell's output was not kept: only text, images, LaTeX, "
                "markdown and HTML are stored for grading (no JavaScript, widgets or other "
                "kinds).\n")


def cut_note(kib: float, whole_notebook: bool) -> str:
    """The note left where output was cut or not kept for size."""
    if whole_notebook:
        return (f"[calcrl] Output not kept: this notebook's outputs reached the {kib:g} KiB "
                "limit.\n")
    return f"[calcrl] This cell's output was cut at {kib:g} KiB; the rest was not kept.\n"


def from_sandbox(outputs: Any, test_cell: bool, execution_count: int | None,
                 cap_bytes: int = 1024 * 1024, size_note: str | None = None
                 ) -> list[NotebookNode]:
    """The sandbox's outputs of one cell, keeping only well-formed fields of allowed kinds,
    at most ``cap_bytes`` of them; ``size_note`` is left if anything was cut for size.

    >>> from_sandbox([{"output_type": "display_data", "data": {"application/javascript":
    ...     "alert(1)"}}], test_cell=False, execution_count=1)[0].text[:37]
    "[calcrl] Part of this cell's output w"
    """
    kept: list[NotebookNode] = []
    notes: list[str] = []
    room = max(0, cap_bytes)
    for output in outputs if isinstance(outputs, list) else []:
        clean, lost = _clean(output, execution_count, room)
        if "dropped" in lost and DROPPED_NOTE not in notes:
            notes.append(DROPPED_NOTE)
        if clean is None:
            continue
        if test_cell:
            if clean.output_type == "stream" and clean.name == "stderr":
                continue
            if clean.output_type == "execute_result":
                clean = NotebookNode(output_type="display_data", data=clean.data,
                                     metadata=clean.metadata)
        size = stored_bytes([clean])
        fitted = clean if size <= room else _fit(clean, room)
        if fitted is not clean or "cut" in lost:
            note = size_note or cut_note(cap_bytes / 1024, whole_notebook=False)
            if note not in notes:
                notes.append(note)
        if fitted is not None:
            room -= size if fitted is clean else stored_bytes([fitted])
            kept.append(fitted)
    return kept + [stream(note) for note in notes]


def stored_bytes(outputs: list[NotebookNode]) -> int:
    """The UTF-8 size of every text an output list stores."""
    return sum(len(text.encode("utf-8", "replace")) for output in outputs
               for text in _texts(output))


def _texts(output: NotebookNode) -> list[str]:
    if output.output_type == "stream":
        return [output.text]
    if output.output_type == "error":
        return [output.ename, output.evalue, *output.traceback]
    return [v for v in output.get("data", {}).values() if isinstance(v, str)]


def _fit(output: NotebookNode, room: int) -> NotebookNode | None:
    """What of an output too big for ``room`` bytes fits: a text cut at the boundary, the
    kinds of a bundle that fit, or None."""
    if output.output_type == "stream":
        text = _cut(output.text, room)
        return NotebookNode(output_type="stream", name=output.name, text=text) if text else None
    if output.output_type == "error":  # the cut value is stored twice: alone and as the
        name = len(output.ename.encode("utf-8", "replace"))  # traceback's "name: value" line
        evalue = _cut(output.evalue, max(0, (room - 2 * name - 2) // 2))
        return NotebookNode(output_type="error", ename=output.ename, evalue=evalue,
                            traceback=[f"{output.ename}: {evalue}"])
    data: dict[str, Any] = {}
    for mime, value in sorted(output.data.items(), key=lambda item: len(item[1])):
        size = len(value.encode("utf-8", "replace"))
        if size <= room:
            data[mime], room = value, room - size
    if not data:
        return None
    fitted = NotebookNode(output_type=output.output_type, data=data, metadata=output.metadata)
    if "execution_count" in output:
        fitted.execution_count = output.execution_count
    return fitted


def _cut(text: str, room: int) -> str:
    return text.encode("utf-8", "replace")[:room].decode("utf-8", "ignore")


def _clean(output: Any, execution_count: int | None, room: int
           ) -> tuple[NotebookNode | None, set[str]]:
    """The output rebuilt from allowed fields, and what was lost: ``"dropped"`` (a kind of
    output not stored), ``"cut"`` (HTML past ``room`` bytes, cut before it is cleaned, since
    cleaning costs time by the byte)."""
    if not isinstance(output, dict):
        return None, set()
    kind = output.get("output_type")
    if kind == "stream" and output.get("name") in ("stdout", "stderr") \
            and isinstance(output.get("text"), str):
        return NotebookNode(output_type="stream", name=output["name"], text=output["text"]), set()
    if kind in ("display_data", "execute_result"):
        data, lost = _mime_bundle(output.get("data"), room)
        if not data:
            return None, lost
        node = NotebookNode(output_type=kind, data=data, metadata=_metadata(output.get("metadata")))
        if kind == "execute_result":
            node.execution_count = execution_count
        return node, lost
    if kind == "error":
        traceback = output.get("traceback")
        traceback = [str(line) for line in traceback[:500]] if isinstance(traceback, list) else []
        return NotebookNode(output_type="error", ename=str(output.get("ename", "Error"))[:200],
                            evalue=str(output.get("evalue", "")), traceback=traceback), set()
    return None, set()


def _mime_bundle(data: Any, room: int) -> tuple[dict[str, str], set[str]]:
    """The allowed kinds of a display's bundle, and what was lost (as :func:`_clean`)."""
    if not isinstance(data, dict):
        return {}, set()
    texts = {mime: _text(value) for mime, value in data.items()
             if isinstance(mime, str) and not is_reserved_mime(mime)}
    bundle = {mime: value for mime, value in texts.items()
              if value is not None and mime in (*_TEXT_KINDS, *_IMAGE_KINDS)}
    html = texts.get(_HTML)
    cut = html is not None and len(html.encode("utf-8", "replace")) > room
    if html is not None:
        bundle[_HTML] = clean_html(_cut(html, room) if cut else html)
    elif (svg := texts.get(_SVG)) is not None and not any(m in bundle for m in _IMAGE_KINDS):
        drawing = base64.b64encode(svg.encode("utf-8", "replace")).decode("ascii")
        bundle[_HTML] = f'<img alt="a drawing" src="data:image/svg+xml;base64,{drawing}">'
    known = {*_TEXT_KINDS, *_IMAGE_KINDS, _HTML, _SVG}
    lost = {"dropped"} if any(mime not in known for mime in texts) else set()
    return bundle, lost | ({"cut"} if cut else set())


def _text(value: Any) -> str | None:
    """A bundle value as text: a string, or nbformat's list of lines."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    return None


def _metadata(metadata: Any) -> dict[str, Any]:
    """Display hints (image sizes) only: plain values, nothing that names a verdict."""
    if not isinstance(metadata, dict):
        return {}
    kept: dict[str, Any] = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or is_reserved_mime(key):  # metadata is keyed by mime
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
