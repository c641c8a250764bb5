"""A question added from a spec alone grades through the real engine (student code in the
sandbox, the spec's hidden call in this process), and the sandbox never sees a spec."""
from __future__ import annotations

import json
import sys
import types

import nbformat
import pytest
import sympy as sp
from nbgrader.utils import compute_checksum, determine_grade

from calcrl_checks import check_derivative
from calcrl_checks.engine.host import Limits
from calcrl_checks.engine.preprocessor import GradeInSandbox
from calcrl_checks.engine.runner import NotebookRunner
from calcrl_checks.instructor.authoring.generate import generated_notebook, problems
from calcrl_checks.instructor.authoring.specs import Mistake, Part, Question
from calcrl_checks.cells.notebook import VERDICT_MIME

pytestmark = pytest.mark.engine

# The worked example of README "How to add a question" (q16 there), the chain rule on sin(3x).
x = sp.Symbol("x")
Q99 = Question("q99", "q99_chain_rule_sine.ipynb", (
    Part("df", 2, check_derivative, of=sp.sin(3 * x), wrt=x, domain={"x": (-2, 2)},
         mistakes=[Mistake("df = sp.cos(3 * x)", "missing_inner_derivative")]),
))
SOLUTION = "### BEGIN SOLUTION\ndf = 3 * sp.cos(3 * x)\n### END SOLUTION"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def _cell(kind: str, source: str, **nbgrader: object) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, "task": False, "locked": False,
                                     **nbgrader}
    return cell


def _source_notebook() -> nbformat.NotebookNode:
    """What the author writes by hand: text, set-up, the answer cell and a visible check."""
    return nbformat.v4.new_notebook(cells=[
        _cell("markdown", "# q99 · Set `df` to the derivative of sin(3x)."),
        _cell("code", "import sympy as sp\nx = sp.Symbol('x')"),
        _cell("code", SOLUTION, grade=False, solution=True, grade_id="q99-df"),
        _cell("code", "from calcrl_checks import form\nform.expression(df, ['x'], 'df')",
              grade=True, solution=False, grade_id="q99-df-test", locked=True, points=0),
    ])


@pytest.fixture
def q99(monkeypatch):
    """q99's spec, where grade_part looks for it (as a file in specs/ would be)."""
    module = types.ModuleType("calcrl_checks.instructor.authoring.specs.q99")
    module.QUESTION = Q99
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return generated_notebook(Q99, _source_notebook())


def _grade(notebook: dict, answer: str) -> tuple[float, list[str]]:
    """Autograde ``notebook`` (as stored) with its answer cell replaced: the test cell's score
    and verdict codes."""
    graded = nbformat.reads(json.dumps(notebook), as_version=4)
    answer_cell = graded.cells[2]
    answer_cell.source = answer
    if answer == STUB:  # the release's stub, as nbgrader records it
        answer_cell.metadata.nbgrader["checksum"] = compute_checksum(answer_cell)
    GradeInSandbox().preprocess(graded, {})
    test = graded.cells[3]
    codes = [o.data[VERDICT_MIME]["code"] for o in test.outputs
             if VERDICT_MIME in o.get("data", {})]
    return determine_grade(test)[0], codes


def test_the_generator_writes_the_hidden_call_and_the_points(q99):
    test = q99["cells"][3]
    assert test["metadata"]["nbgrader"]["points"] == 2
    assert "".join(test["source"]).endswith('### BEGIN HIDDEN TESTS\n'
                                'from calcrl_checks.instructor.specs import grade_part\n'
                                'grade_part("q99", "df", df)\n### END HIDDEN TESTS')
    assert generated_notebook(Q99, q99) == q99  # writing it again changes nothing


def test_a_new_question_grades_its_solution_its_stub_and_a_catalogued_mistake(q99):
    assert _grade(q99, SOLUTION) == (2, ["correct"])
    assert _grade(q99, STUB) == (0, ["not_answered"])
    mistake = Q99.parts[0].mistakes[0]
    assert _grade(q99, mistake.source) == (0, [mistake.code])


def _message(notebook: dict, answer: str) -> tuple[list[str], str]:
    """The codes and the first verdict's message when ``answer`` is graded."""
    graded = nbformat.reads(json.dumps(notebook), as_version=4)
    graded.cells[2].source = answer
    GradeInSandbox().preprocess(graded, {})
    records = [o.data[VERDICT_MIME] for o in graded.cells[3].outputs
               if VERDICT_MIME in o.get("data", {})]
    return [r["code"] for r in records], records[0]["message"]


@pytest.mark.parametrize(("answer", "said"), [
    ("df = 3 * sp.cos(3x)", "stopped with a SyntaxError on line 1 (invalid decimal literal)"),
    ("scale = 1 / 0\ndf = 3 * sp.cos(3 * x) * scale", "stopped with a ZeroDivisionError"),
    ("class Sneaky(Exception): pass\nraise Sneaky('<b>x</b>')", "stopped with an error"),
])
def test_an_answer_cell_that_stopped_did_not_run_and_says_how(q99, answer, said):
    codes, message = _message(q99, answer)
    assert codes == ["did_not_run"]
    assert message.startswith(f"Did not run: your answer cell {said}, so df was never defined")
    assert "<b>" not in message and "Sneaky" not in message


def test_an_answer_never_written_is_not_answered_not_did_not_run(q99):
    codes, message = _message(q99, "# I will do this later\nanswer = 3")
    assert codes == ["not_answered"] and message.startswith("Not answered: df is not defined")


def test_a_new_question_without_its_notebook_cells_is_reported(tmp_path):
    (tmp_path / "source" / "calculus").mkdir(parents=True)
    nb = _source_notebook()
    nb.cells = nb.cells[:3]
    nbformat.write(nb, tmp_path / "source" / "calculus" / Q99.notebook)
    assert problems(tmp_path, [Q99]) == [f"{Q99.notebook}: {Q99.notebook} has no cell q99-df-test"]
    (tmp_path / "source" / "calculus" / Q99.notebook).unlink()
    assert "is not in" in problems(tmp_path, [Q99])[0]


def test_student_code_in_the_sandbox_cannot_import_the_specs():
    from calcrl_checks.engine.host import shared_sandbox

    with NotebookRunner(shared_sandbox(), Limits(), {}) as runner:
        shown, _, _ = runner.run("import calcrl_checks.instructor.specs")
        assert shown[-1].ename in ("ModuleNotFoundError", "ImportError")
        shown, _, _ = runner.run("from calcrl_checks.instructor.authoring.specs import q10")
        assert shown[-1].ename in ("ModuleNotFoundError", "ImportError")
        runner.run("import calcrl_checks, pathlib\n"
                   "found = sorted(str(p) for p in pathlib.Path(calcrl_checks.__file__).parent"
                   ".rglob('*') if 'spec' in p.name)")
        assert runner.fetch("found") == []
