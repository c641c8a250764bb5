"""Question specs: what they derive is what the course holds, and none of it reaches students."""
from __future__ import annotations

import ast
import itertools
import json

import pytest
import sympy as sp

import course
import notebooks
from calcrl_checks.pipeline.stage0_hints import as_hints
from calcrl_checks.instructor.authoring.generate import problems
from calcrl_checks.instructor.authoring.mistakes import MISTAKES
from calcrl_checks.instructor.authoring.specs import (ShownDerivative, ShownGradient, question,
                                                       questions)

pytestmark = pytest.mark.unit


def test_the_course_holds_what_the_specs_derive():
    assert problems(course.REPO) == []


def test_every_hidden_region_is_one_call_that_reads_the_answers_the_part_grades():
    cells = {cell.grade_id: cell for cell in notebooks.test_cells()}
    parts = {grade_id: (spec, part) for spec in questions()
             for grade_id, part in spec.cells.items()}
    assert sorted(cells) == sorted(parts)
    for grade_id, cell in cells.items():
        spec, part = parts[grade_id]
        assert cell.hidden == part.hidden_code(spec.id)
        assert len(cell.hidden.splitlines()) == 2
        assert cell.names == sorted(part.answers)


def test_the_catalogue_names_only_cells_its_notebooks_have():
    for mistake in MISTAKES:
        nb = course.load(course.REPO / "source" / course.ASSIGNMENT / mistake.notebook)
        for grade_id in (mistake.answer_cell, mistake.test_cell, *mistake.also_fails):
            course.cell_by_id(nb, grade_id)


def test_no_spec_text_reaches_the_release():
    released = "\n".join(path.read_text() for path in
                         course.notebooks(course.REPO / "release"))
    for marker in ("grade_part", "instructor.specs", "HIDDEN TESTS"):
        assert marker not in released
    for spec in questions():
        for part in spec.parts:
            for hint in as_hints(part.options.get("hints", ())):
                assert json.dumps(hint.message)[1:-1] not in released, \
                    f"{spec.id} {part.key}: a hint is in the release"


def test_a_part_given_the_wrong_number_of_answers_is_an_authoring_error():
    with pytest.raises(TypeError, match="grades df"):
        question("q10").part("df").run("q10", ())


def test_no_statement_but_an_import_is_repeated_between_the_test_cells_of_a_notebook():
    """A test cell imports what it uses (so it runs anywhere on its own): imports recur by
    design. Any other statement written in two test cells is set-up written twice."""
    for path in course.notebooks(course.REPO / "source"):
        where: dict[str, list[str]] = {}
        text: dict[str, str] = {}
        for cell in course.load(path)["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            for statement in ast.parse("".join(cell["source"])).body:
                if not isinstance(statement, (ast.Import, ast.ImportFrom)):
                    key = ast.dump(statement)
                    where.setdefault(key, []).append(meta["grade_id"])
                    text[key] = ast.unparse(statement)
        repeated = {text[key]: cells for key, cells in where.items() if len(cells) > 1}
        assert not repeated, f"{path.name}: {repeated}"


SHOWN = [(spec, part) for spec in questions() for part in spec.parts
         if isinstance(part.formative, ShownDerivative)]


@pytest.mark.parametrize(("spec", "part"), SHOWN, ids=[f"{s.id}-{p.key}" for s, p in SHOWN])
def test_what_a_question_shows_determines_its_formative_parts_answer(spec, part):
    """The chain rule on the shown facts is the part's expected value, so the visible check
    and the hidden test judge against the same function."""
    import numpy as np

    shown = part.formative
    # Over the reals (|delta| has the slope sign(delta)), compared on a grid of the domain:
    # a derivative of min(|delta|, kappa) is not simplified to a case formula by sympy.
    expressions = (shown.of, part.args[0], *shown.through.values())
    real = {s: sp.Symbol(s.name, real=True)
            for e in expressions for s in e.free_symbols} | \
        {s: sp.Symbol(str(s), real=True) for s in (shown.wrt, *shown.through)}
    of, wrt = shown.of.xreplace(real), real[shown.wrt]
    derived = sp.diff(of, wrt) + sum(
        (sp.diff(of, real[inner]) * sp.diff(definition.xreplace(real), wrt)
         for inner, definition in shown.through.items()), sp.Integer(0))
    difference = (derived - part.args[0].xreplace(real)).xreplace({r: s for s, r in real.items()})
    grid = {name: np.linspace(*span, 9) if isinstance(span, tuple) else np.array(span.values)
            for name, span in part.options["domain"].items()}
    names = sorted(grid)
    for values in itertools.product(*(grid[n] for n in names)):
        point = {sp.Symbol(n): sp.nsimplify(float(v)) for n, v in zip(names, values)}
        assert abs(complex(difference.subs(point))) < 1e-12, point


GRADIENTS = [(spec, part) for spec in questions() for part in spec.parts
             if isinstance(part.formative, ShownGradient)]


@pytest.mark.parametrize(("spec", "part"), GRADIENTS,
                         ids=[f"{s.id}-{p.key}" for s, p in GRADIENTS])
def test_what_a_question_shows_determines_its_gradient_answer(spec, part):
    """The gradient (or the step) derived from the shown facts is the part's expected value,
    entry by entry, so the visible check and the hidden test judge against the same one."""
    shown = part.formative
    if shown.given is not None:
        gradient = list(shown.given)
    else:
        gradient = [sp.diff(shown.of, w).xreplace(dict(shown.held)) for w in shown.wrt]
    if shown.step is not None:
        sign = 1 if shown.ascent else -1
        gradient = [w + sign * shown.step * g for w, g in zip(shown.wrt, gradient)]
    expected = part.args[0] if part.args else \
        [sp.diff(part.options["of"], w) for w in part.options["wrt"]]
    assert len(gradient) == len(expected) == len(shown.wrt)
    for derived, graded in zip(gradient, expected):
        assert sp.expand(derived - graded) == 0, (derived, graded)


FUNCTION_CHECKS = SHOWN + GRADIENTS


@pytest.mark.parametrize(("spec", "part"), FUNCTION_CHECKS,
                         ids=[f"{s.id}-{p.key}" for s, p in FUNCTION_CHECKS])
def test_a_formative_function_check_agrees_with_the_grade(spec, part):
    """The released visible check passes the solution and stops each catalogued mistake with
    the hidden test's own verdict code."""
    from calcrl_checks.cells.formative import FormativeCheckFailed

    cell = next(c for c in notebooks.test_cells() if c.grade_id == part.cell)
    visible = part.visible_code(spec.id)
    exec(compile(visible, "visible", "exec"), notebooks.solutions(cell.notebook))
    assert part.mistakes, f"{spec.id} {part.key}: no catalogued mistake to check against"
    for mistake in part.mistakes:
        namespace = notebooks.solutions(cell.notebook)
        exec(compile(mistake.source, "mistake", "exec"), namespace)  # instructor code only
        hidden = notebooks.run(cell, **{part.answer: namespace[part.answer]})
        with pytest.raises(FormativeCheckFailed) as stopped:
            exec(compile(visible, "visible", "exec"), namespace)
        assert hidden.graded[0].verdict.code == stopped.value.code == mistake.code, \
            str(stopped.value)


def test_q01s_gap_is_the_one_the_students_own_sigmoid_gives():
    import numpy as np

    part = question("q01").part("max_gradient_gap")

    def verdict(gap, sigmoid):
        return part.check(gap, *part.args, source=sigmoid, **part.options)

    def right(x):
        return 1 / (1 + np.exp(-x))

    def shifted(x):
        return right(x) + 0.01

    true_gap = part.args[0]
    assert verdict(true_gap, right).code == "correct"
    copied = verdict(true_gap, shifted)  # the true gap typed next to another sigmoid
    assert copied.code == "inconsistent" and "your sigmoid" in copied.message
    assert verdict(true_gap, lambda x: np.ones(3)).code == "wrong_shape"
