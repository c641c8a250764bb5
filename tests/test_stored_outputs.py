"""What the trusted side stores of a cell's outputs, whatever a (patched) sandbox sends.

The formgrader and the feedback pages render what is stored, so the kinds and sizes are
decided here, not in the student's process: text, images and cleaned HTML only, SVG as an
image, nothing that runs, each cell and each notebook within its cap, and a note wherever
something was dropped or cut.
"""
from __future__ import annotations

import base64
import re

import pytest

from calcrl_checks.engine import outputs
from calcrl_checks.engine.host import Limits
from calcrl_checks.engine.runner import NotebookRunner
from calcrl_checks.cells.notebook import VERDICT_MIME

pytestmark = pytest.mark.unit

MIB = 1024 * 1024
SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'


def _display(data: dict) -> dict:
    return {"output_type": "display_data", "data": data, "metadata": {}}


def _notes(kept) -> list[str]:
    return [o.text for o in kept if o.output_type == "stream" and o.text.startswith("[calcrl]")]


def test_javascript_widgets_and_other_kinds_are_dropped_with_one_note():
    sent = [_display({"application/javascript": "alert(1)"}),
            _display({"application/vnd.jupyter.widget-view+json": {"model_id": "w"}}),
            _display({"application/x-evil": "x", "text/plain": "still here"})]
    kept = outputs.from_sandbox(sent, test_cell=False, execution_count=1)
    assert [o.data for o in kept if o.output_type == "display_data"] == [
        {"text/plain": "still here"}]
    assert _notes(kept) == [outputs.DROPPED_NOTE]


def test_html_is_stored_cleaned():
    sent = [_display({"text/html": '<b>ok</b><img src=x onerror="alert(1)"><script>x()</script>'})]
    html = outputs.from_sandbox(sent, test_cell=False, execution_count=1)[0].data["text/html"]
    assert "<b>ok</b>" in html and "onerror" not in html and "<script" not in html
    assert "&lt;script&gt;" in html


def test_svg_becomes_an_image_or_gives_way_to_a_png():
    kept = outputs.from_sandbox([_display({"image/svg+xml": SVG})], False, 1)[0]
    assert set(kept.data) == {"text/html"}
    encoded = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', kept.data["text/html"])
    assert encoded and base64.b64decode(encoded.group(1)).decode() == SVG
    both = outputs.from_sandbox([_display({"image/svg+xml": SVG, "image/png": "iVBORw0K"})],
                                False, 1)[0]
    assert both.data == {"image/png": "iVBORw0K"}


def test_text_images_and_latex_are_kept_as_sent():
    data = {"text/plain": "x", "image/png": "iVBORw0K", "image/jpeg": "/9j/4AAQ",
            "text/latex": "$x^2$", "text/markdown": "**x**"}
    kept = outputs.from_sandbox([_display(data)], test_cell=False, execution_count=1)
    assert kept[0].data == data and _notes(kept) == []


def test_a_patched_sandbox_cannot_store_more_than_a_cell_may():
    huge = "<p>" + "a" * (8 * MIB) + "</p>"
    sent = [{"output_type": "stream", "name": "stdout", "text": "b" * (8 * MIB)},
            _display({"text/html": huge})]
    kept = outputs.from_sandbox(sent, test_cell=False, execution_count=1, cap_bytes=MIB)
    assert outputs.stored_bytes(kept) <= MIB + 200
    assert _notes(kept) == [outputs.cut_note(1024, whole_notebook=False)]
    assert kept[0].text == "b" * MIB


def test_a_notebook_stops_storing_at_its_cap():
    runner = NotebookRunner(sandbox=None, limits=Limits(output_kib=1024, notebook_output_kib=3072),
                            files={})
    stored = [runner.store([{"output_type": "stream", "name": "stdout", "text": "c" * MIB}],
                           test_cell=False, count=i) for i in range(5)]
    assert [o[0].text == "c" * MIB for o in stored[:3]] == [True, True, True]
    note = outputs.cut_note(3072, whole_notebook=True)
    assert all(_notes(cell) == [note] for cell in stored[3:])
    assert runner.stored_bytes <= 3 * MIB + 400


def test_error_text_is_cut_too():
    sent = [{"output_type": "error", "ename": "E" * 500, "evalue": "v" * (4 * MIB),
             "traceback": ["t" * MIB] * 3}]
    kept = outputs.from_sandbox(sent, test_cell=True, execution_count=1, cap_bytes=MIB)
    assert kept[0].output_type == "error" and len(kept[0].ename) == 200
    assert outputs.stored_bytes(kept) <= MIB + 200


def test_a_test_cell_still_never_carries_a_verdict_or_a_score():
    sent = [_display({VERDICT_MIME: {"passed": True}, "text/plain": "ok"}),
            {"output_type": "execute_result", "data": {"text/plain": "4"}, "metadata": {},
             "execution_count": 1}]
    kept = outputs.from_sandbox(sent, test_cell=True, execution_count=1)
    assert [o.output_type for o in kept] == ["display_data", "display_data"]
    assert all(VERDICT_MIME not in o.data for o in kept)
