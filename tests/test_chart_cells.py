"""A chart cell of a released notebook, run in a real kernel, explains an answer it cannot draw
in one sentence: never a traceback through the parser or numpy."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

import course

pytestmark = pytest.mark.engine

#: notebook -> (the answer cell whose text is replaced, the answer's name)
CHARTS = {"q10_chain_rule_power": ("q10-df", "df"), "q06_product_rule": ("q06-df", "df"),
          "q08_power_rule": ("q08-df", "df"), "q12_partials_two_vars": ("q12-df-dx", "df_dx")}


def _chart_outputs(notebook: str, answer: str | None) -> list:
    """Run the release notebook with one answer cell set to ``answer`` (None: the stub);
    the outputs of its first chart cell."""
    path = course.REPO / "release" / course.ASSIGNMENT / f"{notebook}.ipynb"
    nb = nbformat.read(path, as_version=4)
    grade_id, _ = CHARTS[notebook]
    for cell in nb.cells:
        if answer is not None and cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = answer
    NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    chart = next(c for c in nb.cells if c.cell_type == "code" and "plt.show()" in c.source)
    return chart.outputs


def _text(outputs: list) -> str:
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream")


@pytest.mark.parametrize("notebook", sorted(CHARTS))
def test_a_chart_says_an_answer_is_not_written_yet(notebook):
    outputs = _chart_outputs(notebook, None)
    _, name = CHARTS[notebook]
    assert not [o for o in outputs if o.output_type == "error"], outputs
    assert f"{name} is not answered yet" in _text(outputs)


@pytest.mark.parametrize("notebook", sorted(CHARTS))
def test_a_chart_names_what_it_could_not_read(notebook):
    _, name = CHARTS[notebook]
    outputs = _chart_outputs(notebook, f'{name} = "6 * (2x + 1"')
    assert not [o for o in outputs if o.output_type == "error"], outputs
    assert f"{name} could not be drawn: the '(' at column 5 is never closed" in _text(outputs)
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the course's curve still


def test_a_chart_draws_a_readable_answer():
    outputs = _chart_outputs("q10_chain_rule_power", 'df = "6(2x + 1)^2"')
    assert _text(outputs) == "" and any("image/png" in o.get("data", {}) for o in outputs)


def _run(cells: list[str]) -> list:
    """Run code cells in a fresh kernel; each cell's outputs."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    return [cell.outputs for cell in nb.cells]


def test_a_check_run_before_its_answer_names_the_answer_in_one_sentence():
    check, own = _run(["from calcrl_checks import form\nform.expression(df, ['x'], 'df')",
                       "print(undefined_name)"])
    error = next(o for o in check if o.output_type == "error")
    assert error.ename == "NameError"  # the cell still fails, as grading expects
    assert error.traceback == [
        "NameError: df is not defined yet. Run the answer cell above first (Shift+Enter) and "
        "check that it runs without an error; then run this check again."]
    error = next(o for o in own if o.output_type == "error")  # the student's own cell
    assert error.ename == "NameError" and len(error.traceback) > 1
    assert "not defined yet" not in "".join(error.traceback)
