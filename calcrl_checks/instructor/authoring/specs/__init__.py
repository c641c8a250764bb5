"""Question specs: every fact of a question written once, read only by the trusted grader.

One module per question (``q00`` ... ``q15``) holds a :class:`Question`: its parts, each with
its points, the check that grades it and that check's expected value, domain and hints, and
the catalogued mistakes a demo student makes. Everything else derives from the specs:

- each test cell's hidden region is one call, ``grade_part("q10", "df", df)``, that names the
  part and passes the answers it reads (the grading engine fetches them from the sandbox by
  those names); ``calcrl specs --write`` writes it, with the cell's points;
- the visible check of a ``formative`` part (a derivative of the function the question
  shows: :func:`calcrl_checks.cells.formative.derivative` on the spec's own function and domain);
- the mistakes catalogue (:mod:`calcrl_checks.instructor.authoring.mistakes`), the demo class
  and the
  README points table.

This package lives under ``instructor/``, which the sandbox never shows to student code, and
no spec text reaches ``release/``: the hidden regions name a part, never its answer.

>>> from calcrl_checks.instructor.authoring.specs import question
>>> q10 = question("q10")
>>> [(part.key, part.points) for part in q10.parts]
[('df', 3), ('df_at_0', 1)]
>>> q10.part("df").hidden_code("q10")
'from calcrl_checks.instructor.specs import grade_part\\ngrade_part("q10", "df", df)\\n'
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from calcrl_checks.outcome.errors import AuthorError
from calcrl_checks.cells.notebook import grade
from calcrl_checks.pipeline.stage0_domains import Choice, Matrix, Simplex, Vector
from calcrl_checks.pipeline.stage0_options import Options
from calcrl_checks.outcome.verdict import Verdict

#: The name hidden test cells import :func:`grade_part` by: published (every course's gradebook
#: holds cells that use it), so a face keeps it importable wherever this package lives.
PUBLISHED_NAME = "calcrl_checks.instructor.specs"
#: The questions of the `calculus` assignment, in notebook order.
QUESTION_IDS = tuple(sorted(info.name for info in pkgutil.iter_modules(__path__)
                            if info.name[0] == "q" and info.name[1:].isdigit()))


@dataclass(frozen=True)
class Mistake:
    """A catalogued wrong answer: the answer cell a demo student writes, and what it must cost.

    ``code`` is the verdict code the feedback must name; ``credit`` the fraction of the part's
    points still earned; ``also_fails`` later test cells that lose their points too because
    they build on this answer; ``answer_cell`` the answer cell replaced (default: the part's).

    >>> Mistake("df_at_0 = 3", "missing_inner_derivative").credit
    0.0
    """

    source: str
    code: str
    credit: float = 0.0
    also_fails: tuple[str, ...] = ()
    answer_cell: str | None = None


@dataclass(frozen=True)
class ShownDerivative:
    """What a question shows that determines a function answer: the answer is the derivative
    of ``of`` with respect to ``wrt``, its arguments being the inner quantities ``through``
    defines (``{delta: r + gamma*v_next - v}``). A part given one as ``formative`` gets a
    visible check (:func:`calcrl_checks.cells.formative.derivative_function`) that grades
    the answer before submission against the derivative of these shown facts, on the hidden
    test's own points and options. Only what the question's text states goes into it.
    """

    of: Any
    wrt: Any
    through: Mapping[Any, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ShownGradient:
    """What a question shows that determines a function answer returning a gradient, or one
    gradient step: the gradient of ``of`` in the entries ``wrt``, the quantities ``held`` kept
    constant while differentiating (q09's TD target), or the gradient ``given`` to the
    function as an argument (q04's grad_J); with ``step`` (the step size's symbol) the answer
    is one step against that gradient, or along it with ``ascent``. A part given one as
    ``formative`` gets a visible check (:func:`calcrl_checks.cells.formative.gradient_function`)
    that computes the expected value in the student's kernel from these facts, so the cell
    holds no more than the question says, and grades with the hidden test's own check.
    """

    wrt: tuple[Any, ...]
    of: Any = None
    held: Mapping[Any, Any] = field(default_factory=dict)
    given: tuple[Any, ...] | None = None
    step: Any = None
    ascent: bool = False
    #: How the question writes the function or the gradient, for the cell's comment
    #: (``"w^T A w"``, ``"grad_J"``); the expression itself is written out without one.
    named: str = ""


@dataclass(frozen=True)
class OuterLink:
    """What a question shows that determines the outer link of a chain: the derivative of
    ``outer`` (written in ``stand_in``) with respect to it, the student's own answer
    ``inner`` (an answer name: q02's u) put back in. A part given one as ``formative`` gets
    a :func:`calcrl_checks.cells.formative.outer_derivative` check, with the part's options.
    """

    outer: Any
    stand_in: Any
    inner: str


@dataclass(frozen=True)
class Composed:
    """What a question shows that determines an inner function: the whole function ``whole``
    is ``outer`` (written in the inner function's name ``stand_in``) applied to the answer
    (q02: y = sqrt(u) with y = sqrt(1 + x^2)). A part given one as ``formative`` gets a visible
    check (:func:`calcrl_checks.cells.formative.composes`) that puts the student's answer into
    the outer function and compares with the whole, on the hidden test's points.
    """

    outer: Any
    stand_in: Any
    whole: Any


@dataclass(frozen=True)
class ShownTensor:
    """What a question states about a tensor answer: the point ``at`` its leaf holds and, for
    a tensor computed from it or the gradient backward() leaves, the ``formula`` (q05: x = 2.0,
    y = x**2). A part given one as ``formative`` gets a visible check
    (:func:`calcrl_checks.cells.formative.tensor`) that runs the part's own autograd check,
    working out the value and slope from the formula in the student's kernel.
    """

    at: float
    formula: str | None = None


@dataclass(frozen=True)
class Recomputed:
    """A value the notebook computes from another answer, which the package's function
    ``recompute`` (a name in :data:`calcrl_checks.cells.formative.RECOMPUTED`) works out from
    that answer as the hidden test does; with ``stated`` the question also states the value
    itself (q07: the identity's gap is 0) and the visible check compares with it too. A part
    given one as ``formative`` gets a :func:`calcrl_checks.cells.formative.derived` check.
    """

    recompute: str
    stated: bool = False


@dataclass(frozen=True)
class Stated:
    """The question's text states what the part's check is given: the answer's own formula
    (q04's descent step theta - alpha grad, q09's TD error) or, for a gradient checked against
    torch autograd, the function whose gradient is asked (q03's f, q07's log pi, q15's
    entropy). A part given one as ``formative`` gets a visible check
    (:func:`calcrl_checks.cells.formative.stated`) that runs the part's own check, domain,
    options and seed on that formula, written out. Only for formulas the notebook's text
    shows: the visible check prints nothing the question does not already say.

    ``formula`` is the same function written without comparisons, where the part's expected
    value is written case by case (q13's objective): the answer reader takes no comparisons.
    """

    formula: Any = None


@dataclass(frozen=True)
class ValueAt:
    """What a question shows that determines a number answer: its function ``of`` at the point
    ``at`` it names or, with ``wrt``, the slope (one variable) or gradient (several) of ``of``
    there (q08's f'(2) for f = x^3 + 2x - 5). A part given one as ``formative`` gets a visible
    check (:func:`calcrl_checks.cells.formative.value`) that computes that number from the
    shown function in the student's kernel, so the cell holds no more than the question says.
    """

    of: Any
    at: Mapping[Any, Any]
    wrt: tuple[Any, ...] = ()


class Part:
    """One graded test cell: the answer it grades, its points, and the check that grades it.

    ``check(answer, *args, **options)`` is called as the hidden test calls it; ``uses`` maps
    more of the check's keywords to answers it also reads (``{"source": "grad_log_softmax"}``).
    ``name`` is the part the verdict record names; ``key`` (default: ``name``) is what
    :func:`grade_part` is called with, distinct within the question. ``cell`` and
    ``answer_cell`` are the grade ids of the test cell and of the answer cell it grades
    (default: from the question id and ``key``); ``solution`` (optional) is written into the
    answer cell's solution region; ``label`` names the part in the README table.
    ``formative`` parts (a derivative or partial derivative of a function the question shows,
    a learning scenario it describes, or a :class:`ShownDerivative` for a function answer)
    get a visible check that runs the real check before submission (:meth:`visible_code`).

    >>> import sympy as sp
    >>> from calcrl_checks import check
    >>> part = Part("df_at_0", 1, check, 6, estimate=True)
    >>> part.answers, part.options
    (('df_at_0',), {'estimate': True})
    """

    def __init__(self, name: str, points: float, check: Callable[..., Verdict], *args: Any,
                 answer: str | None = None, uses: Mapping[str, str] | None = None,
                 key: str | None = None, cell: str | None = None,
                 answer_cell: str | None = None, solution: str | None = None,
                 label: str | None = None, mistakes: Sequence[Mistake] = (),
                 formative: bool | Composed | OuterLink | Recomputed | ShownDerivative
                 | ShownGradient | ShownTensor | Stated | ValueAt = False,
                 **options: Any) -> None:
        self.name = name
        self.points = points
        self.check = check
        self.args = args
        self.options = options
        self.answer = answer or name
        self.uses = dict(uses or {})
        self.key = key or name
        self.cell = cell
        self.answer_cell = answer_cell
        self.solution = solution
        self.label = label or name
        self.mistakes = tuple(mistakes)
        self.formative = formative
        _check_options(check, options, uses)

    @property
    def answers(self) -> tuple[str, ...]:
        """The answer names the hidden call passes, in order: the graded one first."""
        return (self.answer, *self.uses.values())

    def hidden_code(self, question: str) -> str:
        """The hidden region of this part's test cell."""
        names = "".join(f", {name}" for name in self.answers)
        return (f"from {PUBLISHED_NAME} import grade_part\n"
                f'grade_part("{question}", "{self.key}"{names})\n')

    def visible_code(self, question: str) -> str | None:
        """The visible lines of a formative part's test cell (None for other parts: their
        visible lines are the notebook's own).

        >>> import sympy as sp
        >>> from calcrl_checks import check_derivative
        >>> x = sp.Symbol("x")
        >>> print(Part("df", 3, check_derivative, of=x**3, wrt=x, formative=True,
        ...            domain={"x": (-3, 3)}).visible_code("q99"), end="")
        # Visible check: is df the derivative of x**3?
        from calcrl_checks import formative
        formative.derivative(df, "x**3", "x", "df", domain={"x": (-3, 3)})
        """
        if not self.formative:
            return None
        if isinstance(self.formative, ShownDerivative):
            return _shown_derivative_code(self, self.formative, question)
        if isinstance(self.formative, ShownGradient):
            return _shown_gradient_code(self, self.formative, question)
        if isinstance(self.formative, Composed):
            return _composed_code(self, self.formative, question)
        if isinstance(self.formative, ShownTensor):
            return _shown_tensor_code(self, self.formative, question)
        if isinstance(self.formative, Recomputed):
            return _recomputed_code(self, self.formative, question)
        if isinstance(self.formative, OuterLink):
            return _outer_link_code(self, self.formative, question)
        if isinstance(self.formative, ValueAt):
            return _value_at_code(self, self.formative, question)
        if isinstance(self.formative, Stated):
            return _stated_code(self, self.formative, question)
        return _formative_code(self, question)

    def run(self, question: str, answers: Sequence[Any]) -> float | None:
        """Grade ``answers`` (in the order of :attr:`answers`) as nbgrader scores a cell."""
        if len(answers) != len(self.answers):
            raise TypeError(f"{question} {self.key} grades {', '.join(self.answers)}; "
                            f"got {len(answers)} answers")
        keywords = dict(zip(self.uses, answers[1:]))
        return grade(self.check, answers[0], *self.args, points=self.points, part=self.name,
                     question=question, **keywords, **self.options)


def _check_options(check: Callable[..., Verdict], options: Mapping[str, Any],
                   uses: Mapping[str, str] | None) -> None:
    """A spec's options must be ones its check takes: its own keywords, or (for a check that
    passes the rest on to :func:`calcrl_checks.compare`) fields of :class:`Options`, checked
    when the spec loads instead of when the part is first graded.

    >>> from calcrl_checks import check
    >>> Part("df", 1, check, 6, sample=10)
    Traceback (most recent call last):
    ...
    calcrl_checks.outcome.errors.AuthorError: unknown option 'sample' (did you mean 'samples'?)
    """
    parameters = inspect.signature(check).parameters
    rest = {name: value for name, value in options.items()
            if name not in parameters and name not in (uses or {})}
    if not rest:
        return
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        raise AuthorError(f"{getattr(check, '__name__', check)} takes no option "
                          f"{', '.join(map(repr, rest))}")
    Options.of_keywords(rest)


def _formative_code(part: Part, question: str) -> str:
    """A formative part's visible check, written from the part's function, variable and
    domain (or its scenario's settings), so the question's facts stay in its spec."""
    import textwrap

    import sympy as sp

    # Only `calcrl specs --write` writes visible checks; a notebook's `grade_part` import of
    # this package does not load these checks for it.
    from calcrl_checks.checks.calculus import check_derivative, check_partial
    from calcrl_checks.cells.formative import SCENARIOS

    if len(part.answers) == 1 and part.check.__name__ in SCENARIOS:
        return _scenario_code(part, question)
    if part.check not in (check_derivative, check_partial) or len(part.answers) != 1:
        raise ValueError(f"{part.key}: only a derivative or a learning scenario of one answer "
                         "can be formative")
    function, wrt = part.options["of"], str(part.options["wrt"])
    names = sorted({wrt, *(s.name for s in function.free_symbols)})
    partial = part.check is check_partial
    arguments: list[str | Listed] = [part.answer,
                                     *map(_literal, (sp.sstr(function), wrt, part.answer))]
    if names != [wrt]:
        arguments.append(f"symbols={_literal(names)}")
    if partial:
        arguments.append("partial=True")
    derived = part.options.get("derived")
    if derived:
        quantities = [f"{_literal(name)}: {_literal(sp.sstr(definition))}"
                      for name, definition in derived.items()]
        arguments.append(("derived={", quantities, "}"))
    domain = part.options.get("domain")
    if domain:
        if not all(isinstance(span, tuple) for span in domain.values()):
            raise ValueError(f"{part.key}: a formative check samples intervals only")
        spans = ", ".join(f"{_literal(name)}: {span!r}" for name, span in domain.items())
        arguments.append(f"domain={{{spans}}}")
    what = f"partial derivative in {wrt}" if partial else "derivative"
    comment = textwrap.fill(f"Visible check: is {part.answer} the {what} of "
                            f"{sp.sstr(function)}?", 97, break_long_words=False)
    return (textwrap.indent(comment, "# ") + "\nfrom calcrl_checks import formative\n"
            + _wrapped("formative.derivative(", arguments) + "\n")


def _shown_derivative_code(part: Part, shown: ShownDerivative, question: str) -> str:
    """The visible check of a function answer the question's shown facts determine, with the
    part's own options (domain, hints, samples...) and seed, so it agrees with the hidden
    test wherever the facts are right (``tests/test_specs.py`` checks that they are)."""
    import textwrap

    import sympy as sp

    text = sp.sstr
    names = sorted({s.name for e in (shown.of, *shown.through.values()) for s in e.free_symbols}
                   | {str(shown.wrt), *(str(u) for u in shown.through)})
    arguments: list[str | Listed] = [
        part.answer, *map(_literal, (text(shown.of), str(shown.wrt), part.answer)),
        f"symbols={_literal(names)}"]
    if shown.through:
        inner = ", ".join(f"{_literal(str(u))}: {_literal(text(e))}"
                          for u, e in shown.through.items())
        arguments.append(f"through={{{inner}}}")
    options, imports = _written_options(part, question)
    arguments += options
    inner_words = "".join(f", where {u} = {text(e)}" for u, e in shown.through.items())
    comment = textwrap.fill(f"Visible check: is {part.answer} the derivative of "
                            f"{text(shown.of)} with respect to {shown.wrt}{inner_words}? It "
                            "runs the hidden test's own comparison on what the question "
                            "states.", 97, break_long_words=False)
    return (textwrap.indent(comment, "# ") + f"\nfrom calcrl_checks import {imports}\n"
            + _wrapped("formative.derivative_function(", arguments) + "\n")


def _stated_code(part: Part, stated: Stated, question: str) -> str:
    """The visible check of a part whose formula the question states: the part's expected
    value (or the stated formula) written out, graded by the part's own check."""
    import textwrap

    import sympy as sp

    expected = part.args[0] if stated.formula is None else stated.formula
    entries = list(expected) if isinstance(expected, (list, tuple)) else [expected]
    names = sorted({s.name for entry in entries for s in sp.sympify(entry).free_symbols})
    formula = _literal([sp.sstr(e) for e in entries]) if isinstance(expected, (list, tuple)) \
        else _literal(sp.sstr(expected))
    arguments: list[str | Listed] = [part.answer, formula, _literal(part.answer),
                                     f"symbols={_literal(names)}",
                                     f"check={_literal(part.check.__name__)}"]
    options, imports = _written_options(part, question)
    arguments += options
    asked = (f"is {part.answer} the gradient of {sp.sstr(expected)} in "
             f"{part.options.get('wrt')}, the function the question shows?"
             if part.check.__name__ == "check_against_autograd" else
             f"does {part.answer} follow the formula the question states?")
    comment = textwrap.fill(f"Visible check: {asked} It runs the hidden test's own comparison "
                            "before you submit.", 97, break_long_words=False)
    return (textwrap.indent(comment, "# ") + f"\nfrom calcrl_checks import {imports}\n"
            + _wrapped("formative.stated(", arguments) + "\n")


def _outer_link_code(part: Part, link: OuterLink, question: str) -> str:
    """The visible check of a chain's outer link: the outer function the question shows and
    the student's own inner function, never the inner function the question asks for."""
    import textwrap

    import sympy as sp

    outer = sp.sstr(link.outer)
    names = sorted({s.name for s in part.args[0].free_symbols}) if part.args else ["x"]
    arguments: list[str | Listed] = [
        part.answer, _literal(outer), _literal(str(link.stand_in)), link.inner,
        _literal(part.answer), f"symbols={_literal(names)}",
        f"inner_name={_literal(link.inner)}"]
    options, imports = _written_options(part, question, leave_out=("unsubstituted",))
    if "unsubstituted" in part.options:  # the student's own inner function stands for u
        options.insert(0, f"unsubstituted={{{_literal(str(link.stand_in))}: {link.inner}}}")
    arguments += options
    comment = textwrap.fill(f"Visible check: is {part.answer} the derivative of {outer} in "
                            f"{link.stand_in}, with your {link.inner} put back in? Whether "
                            f"{link.inner} itself is right is its own check.", 97,
                            break_long_words=False)
    return (textwrap.indent(comment, "# ") + f"\nfrom calcrl_checks import {imports}\n"
            + _wrapped("formative.outer_derivative(", arguments) + "\n")


def _recomputed_code(part: Part, recomputed: Recomputed, question: str) -> str:
    """The visible check of a value computed from another answer: what the package's
    function gives from the student's own answer and, where the question states it, the value
    (never a value the question leaves to the student)."""
    import textwrap

    source = part.uses.get("source")
    if source is None:
        raise ValueError(f"{part.key}: a recomputed value reads its source answer (uses=)")
    arguments: list[str | Listed] = [part.answer, _literal(part.name), f"source={source}",
                                     f"recompute={_literal(recomputed.recompute)}",
                                     f"source_name={_literal(part.options['source_name'])}"]
    if recomputed.stated:
        arguments.append(f"expected={part.args[0]!r}")
    options, imports = _written_options(part, question, leave_out=("recompute", "source_name"))
    arguments += options
    asked = (f"is {part.answer} the value the question states, and what your {source} gives?"
             if recomputed.stated else f"is {part.answer} what your {source} gives?")
    comment = textwrap.fill(f"Visible check: {asked} It runs the hidden test's own comparison "
                            "before you submit.", 97, break_long_words=False)
    return (textwrap.indent(comment, "# ") + f"\nfrom calcrl_checks import {imports}\n"
            + _wrapped("formative.derived(", arguments) + "\n")


def _shown_tensor_code(part: Part, shown: ShownTensor, question: str) -> str:
    """The visible check of a tensor answer: the part's own autograd check, with the point
    and formula the question states (its value and slope are worked out in the kernel) and
    the other answers it reads."""
    # Only `calcrl specs --write` writes visible checks: grading never loads these checks.
    from calcrl_checks.cells.formative import TENSOR_CHECKS

    if part.check.__name__ not in TENSOR_CHECKS:
        raise ValueError(f"{part.key}: a shown tensor is graded by one of "
                         f"{', '.join(TENSOR_CHECKS)}, not {part.check.__name__}")
    arguments: list[str | Listed] = [part.answer, _literal(part.check.__name__),
                                     _literal(part.name), f"at={shown.at!r}"]
    if shown.formula is not None:
        arguments.append(f"formula={_literal(shown.formula)}")
    arguments += [f"{keyword}={answer}" for keyword, answer in part.uses.items()]
    options, imports = _written_options(part, question, leave_out=("value", "slope", "formula"))
    arguments += options
    import textwrap

    facts = f"{part.answer} = {shown.at!r}" if shown.formula is None else \
        f"{shown.formula} at x = {shown.at!r}"
    comment = textwrap.fill(f"Visible check: the hidden test's own autograd check, on what "
                            f"the question states ({facts}).", 97, break_long_words=False)
    return (textwrap.indent(comment, "# ") + f"\nfrom calcrl_checks import {imports}\n"
            + _wrapped("formative.tensor(", arguments) + "\n")


def _composed_code(part: Part, composed: Composed, question: str) -> str:
    """The visible check of an inner function: the outer and the whole function the question
    shows (never the inner one), with the part's own options and seed."""
    import textwrap

    import sympy as sp

    names = sorted({s.name for s in composed.whole.free_symbols})
    outer, whole = sp.sstr(composed.outer), sp.sstr(composed.whole)
    arguments: list[str | Listed] = [
        part.answer, *map(_literal, (outer, whole, str(composed.stand_in), part.answer)),
        f"symbols={_literal(names)}"]
    options, imports = _written_options(part, question)
    arguments += options
    comment = textwrap.fill(f"Visible check: does {outer} with your {part.answer} give "
                            f"{whole}? It runs the hidden test's own comparison on what the "
                            "question states.", 97, break_long_words=False)
    return (textwrap.indent(comment, "# ") + f"\nfrom calcrl_checks import {imports}\n"
            + _wrapped("formative.composes(", arguments) + "\n")


def _shown_gradient_code(part: Part, shown: ShownGradient, question: str) -> str:
    """The visible check of a gradient, or a gradient step, the question's shown facts
    determine: the facts themselves (never the gradient), with the part's own options and
    seed. A gradient graded by ``check_gradient`` is compared as that check compares it."""
    import textwrap

    import sympy as sp

    def text(expression: Any) -> str:
        return sp.sstr(expression, order="none")  # in the order the spec writes it

    shown_texts = [e for e in (shown.of, *shown.held.values(), *(shown.given or ()))
                   if e is not None]
    used = {s.name for e in shown_texts for s in sp.sympify(e).free_symbols} \
        | {str(w) for w in shown.wrt} | ({str(shown.step)} if shown.step is not None else set())
    names = sorted(used - {str(h) for h in shown.held})
    wrt = [str(w) for w in shown.wrt]
    arguments: list[str | Listed] = [
        part.answer, "None" if shown.of is None else _literal(text(shown.of)), _literal(wrt),
        _literal(part.answer), f"symbols={_literal(names)}"]
    if shown.held:
        inner = ", ".join(f"{_literal(str(h))}: {_literal(text(e))}"
                          for h, e in shown.held.items())
        arguments.append(f"held={{{inner}}}")
    if shown.given is not None:
        arguments.append(f"given={_literal([text(g) for g in shown.given])}")
    if shown.step is not None:
        arguments.append(f"step={_literal(str(shown.step))}")
    if shown.ascent:
        arguments.append("ascent=True")
    graded_by = part.check.__name__
    if graded_by == "check_gradient":
        # check_gradient is compare with the gradient of its `of`: the visible check computes
        # that gradient itself, so those two options stay out of the cell.
        options, imports = _written_options(part, question, leave_out=("of", "wrt"))
        options.insert(0, f"what={_literal('gradient')}")
    elif graded_by in ("check", "check_update_rule"):
        options, imports = _written_options(part, question)
    else:
        raise ValueError(f"{part.key}: a shown gradient is graded by check, check_gradient "
                         f"or check_update_rule, not {graded_by}")
    checked_with = "check_update_rule" if graded_by == "check_update_rule" else "check"
    arguments += [f"check={_literal(checked_with)}", *options]
    given = ", ".join(text(g) for g in shown.given or ())
    facts = f"of {shown.named or text(shown.of)} in {', '.join(wrt)}" if shown.of is not None \
        else f"it is given ({shown.named or given})"
    facts += "".join(f", holding {h} = {text(e)} fixed" for h, e in shown.held.items())
    # "Ascent" and "descent" are the question's words; which way each walks is the student's.
    asked = f"the gradient {facts}" if shown.step is None else \
        (f"one gradient {'ascent' if shown.ascent else 'descent'} step of size {shown.step} "
         f"with the gradient {facts}")
    comment = textwrap.fill(f"Visible check: is {part.answer} {asked}? It runs the hidden "
                            "test's own comparison on what the question states.", 97,
                            break_long_words=False)
    return (textwrap.indent(comment, "# ") + f"\nfrom calcrl_checks import {imports}\n"
            + _wrapped("formative.gradient_function(", arguments) + "\n")


def _value_at_code(part: Part, shown: ValueAt, question: str) -> str:
    """The visible check of a number the question's shown function determines: the function,
    the point and the variables, with the part's own options."""
    import textwrap

    import sympy as sp

    names = sorted({s.name for s in shown.of.free_symbols})
    at = ", ".join(f"{_literal(str(name))}: {_number(value)}" for name, value in shown.at.items())
    arguments: list[str | Listed] = [part.answer, _literal(sp.sstr(shown.of)), f"{{{at}}}",
                                     _literal(part.answer), f"symbols={_literal(names)}"]
    if shown.wrt:
        arguments.append(f"wrt={_literal([str(w) for w in shown.wrt])}")
    options, imports = _written_options(part, question)
    arguments += options
    what = "value" if not shown.wrt else "slope" if len(shown.wrt) == 1 else "gradient"
    where = ", ".join(f"{name} = {_number(value)}" for name, value in shown.at.items())
    comment = textwrap.fill(f"Visible check: is {part.answer} the {what} of "
                            f"{sp.sstr(shown.of)} at {where}? It runs the hidden test's own "
                            "comparison before you submit.", 97, break_long_words=False)
    return (textwrap.indent(comment, "# ") + f"\nfrom calcrl_checks import {imports}\n"
            + _wrapped("formative.value(", arguments) + "\n")


def _number(value: Any) -> str:
    """A point's coordinate as Python source: a whole number as itself, any other as a float."""
    import sympy as sp

    number = sp.sympify(value)
    return str(int(number)) if number.is_Integer else repr(float(number))


def _written_options(part: Part, question: str, leave_out: tuple[str, ...] = ()
                     ) -> tuple[list[str | Listed], str]:
    """The part's options as keyword arguments of a visible check (hints and regimes left
    out), with the hidden test's question and part so it samples
    the same points; and the names to import from ``calcrl_checks`` for them."""
    arguments: list[str | Listed] = []
    imports = {"formative"}
    for key, value in part.options.items():
        # Hints are feedback, never in a release; regimes only name where an answer differs,
        # and their conditions are comparisons, which the answer reader does not take.
        if key in ("hints", "regimes", *leave_out):
            continue
        if key == "domain":
            spans = []
            for name, span in value.items():
                if isinstance(span, Vector):
                    imports.add("Vector")
                    names = ", ".join(map(_literal, span.names)) + \
                        ("," if len(span.names) == 1 else "")
                    span_text = f"Vector({span.size}, {span.low!r}, {span.high!r}, names=({names}))"
                elif isinstance(span, Matrix):
                    imports.add("Matrix")
                    names = ", ".join(map(_literal, span.names)) + \
                        ("," if len(span.names) == 1 else "")
                    span_text = (f"Matrix({span.shape!r}, {span.low!r}, {span.high!r}, "
                                 f"symmetric={span.symmetric!r}, names=({names}))")
                elif isinstance(span, Simplex):
                    imports.add("Simplex")
                    names = ", ".join(map(_literal, span.names)) + \
                        ("," if len(span.names) == 1 else "")
                    span_text = f"Simplex({span.size}, {span.floor!r}, names=({names}))"
                elif isinstance(span, Choice):
                    imports.add("Choice")
                    span_text = f"Choice({span.values!r})"
                elif isinstance(span, tuple):
                    span_text = repr(span)
                else:
                    raise ValueError(f"{part.key}: a visible check cannot sample {name}")
                spans.append(f"{_literal(name)}: {span_text}")
            arguments.append(("domain={", spans, "}"))
        elif isinstance(value, str):
            arguments.append(f"{key}={_literal(value)}")
        elif isinstance(value, (int, float, bool)):
            arguments.append(f"{key}={value!r}")
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            arguments.append(f"{key}=({', '.join(map(_literal, value))})")
        elif isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, (int, float))
                                             for k, v in value.items()):
            entries = ", ".join(f"{_literal(k)}: {v!r}" for k, v in value.items())
            arguments.append(f"{key}={{{entries}}}")
        else:
            raise ValueError(f"{part.key}: option {key} cannot be written into a visible check")
    arguments += [f"question={_literal(question)}", f"part={_literal(part.name)}"]
    return arguments, ", ".join(sorted(imports, key=lambda n: (n != n.capitalize(), n)))


def _scenario_code(part: Part, question: str) -> str:
    """The visible check that runs a scenario part's learning run, seed included."""
    settings = {**part.options, "question": question, "part": part.name}
    imports = sorted({type(value).__name__ for value in settings.values()
                      if type(value).__module__ == "calcrl_checks.checks.scenarios"})
    arguments = [part.answer, *map(_literal, (part.check.__name__, part.answer)),
                 *(f"{key}={_literal(value)}" for key, value in settings.items())]
    return (f"# Visible check: does {part.answer} learn? It runs the hidden test's own "
            "scenario.\nfrom calcrl_checks import formative\n"
            + "".join(f"from calcrl_checks.scenarios import {name}\n" for name in imports)
            + _wrapped("formative.scenario(", arguments) + "\n")


def _literal(value: Any) -> str:
    """``value`` as Python source: strings and lists of them in double quotes, as the
    notebooks write them; anything else as its repr."""
    import json

    return json.dumps(value) if isinstance(value, (str, list)) else repr(value)


#: An argument laid out one entry per line: (opening, entries, closing), as a domain's dict.
Listed = tuple[str, list[str], str]


def _wrapped(opening: str, arguments: Sequence[str | Listed], width: int = 99) -> str:
    """``opening`` and the arguments of a call, wrapped under the first one; a
    :data:`Listed` argument starts its own line and puts each entry on one."""
    lines, line = [], opening
    for index, argument in enumerate(arguments):
        end = ")" if index == len(arguments) - 1 else ","
        if isinstance(argument, tuple):
            start, entries, closing = argument
            if line != opening:
                lines.append(line)
                line = " " * len(opening)
            align = " " * (len(line) + len(start))
            for number, entry in enumerate(entries):
                last = number == len(entries) - 1
                line += (start if number == 0 else align) + entry + \
                    (closing + end if last else ",")
                if not last:
                    lines.append(line)
                    line = ""
            lines.append(line)
            line = " " * len(opening)
            continue
        text = argument + end
        if line.strip() == "" and line != opening:
            line += text
        elif line == opening:
            line += text
        elif len(line) + 1 + len(text) > width:
            lines.append(line)
            line = " " * len(opening) + text
        else:
            line += " " + text
    if line.strip():
        lines.append(line)
    return "\n".join(lines)


@dataclass(frozen=True)
class Written:
    """A written answer graded by a TA: its answer cell's grade id and its points."""

    cell: str
    points: float
    label: str = "explanation"


@dataclass(frozen=True)
class Question:
    """A question: its notebook, its autograded parts and its written answers.

    Test cell and answer cell grade ids a part leaves out follow the notebooks' convention:
    ``q10`` and ``df_at_0`` give ``q10-df-at-0-test`` and ``q10-df-at-0``.
    """

    id: str
    notebook: str
    parts: tuple[Part, ...]
    written: tuple[Written, ...] = ()
    cells: dict[str, Part] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        keys = [part.key for part in self.parts]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.id}: two parts share a key: {keys}")
        for part in self.parts:
            base = f"{self.id}-{part.key.replace('_', '-')}"
            part.cell = part.cell or f"{base}-test"
            part.answer_cell = part.answer_cell or base
        object.__setattr__(self, "cells", {part.cell: part for part in self.parts})

    def part(self, key: str) -> Part:
        """The part :func:`grade_part` names ``key``."""
        for part in self.parts:
            if part.key == key:
                return part
        raise KeyError(f"{self.id} has no part {key!r} (parts: "
                       f"{', '.join(p.key for p in self.parts)})")

    @property
    def autograded_points(self) -> float:
        return sum(part.points for part in self.parts)

    @property
    def written_points(self) -> float:
        return sum(answer.points for answer in self.written)


def question(question_id: str) -> Question:
    """The spec of ``question_id`` (module ``calcrl_checks.instructor.authoring.specs.<id>``)."""
    module = importlib.import_module(f"{__name__}.{question_id}")
    spec: Question = module.QUESTION
    return spec


def questions() -> list[Question]:
    """Every question of the assignment, in notebook order."""
    return [question(question_id) for question_id in QUESTION_IDS]


def grade_part(question_id: str, key: str, *answers: Any) -> float | None:
    """What a hidden region calls: grade the answers of one part of one question.

    Returns and raises as :func:`calcrl_checks.cells.notebook.grade` (None when correct, the
    points earned for partial credit, :class:`~calcrl_checks.CheckFailed` otherwise).

    >>> from calcrl_checks.cells.notebook import recording
    >>> with recording() as graded:
    ...     grade_part("q10", "df_at_0", 6)
    >>> graded[0].part, graded[0].verdict.code, graded[0].earned
    ('df_at_0', 'correct', 1)
    """
    return question(question_id).part(key).run(question_id, answers)
