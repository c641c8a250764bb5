"""`calcrl specs`: write what derives from the question specs into the course, or check it.

From each spec (:mod:`calcrl_checks.instructor.authoring.specs`) it writes, in ``source/``:
each test cell's hidden region (one
:func:`~calcrl_checks.instructor.authoring.specs.grade_part` call), the visible check of
formative parts, the points of test cells and written answers, and the
solution region of answer cells whose part gives one. Nothing else of a notebook is touched:
markdown, set-up and chart cells and the other test cells' visible lines stay as they are. It
also writes the points table in README.md, then regenerates ``release/`` as ``make release``
always did (``nbgrader generate_assignment``).

>>> from calcrl_checks.instructor.authoring.specs import question
>>> print(readme_table([question("q10")]).splitlines()[2])
| `q10_chain_rule_power` | 4 | 0 | df 3, df_at_0 1 |
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from calcrl_checks.engine.hidden import BEGIN, END
from calcrl_checks.instructor.authoring.specs import Part, Question, questions

ASSIGNMENT = "calculus"
TABLE_START = "<!-- points table: written by `calcrl specs --write` from the question specs -->"
TABLE_END = "<!-- end of the points table -->"


def _region(begin: str, end: str) -> re.Pattern[str]:
    return re.compile(rf"(^[ \t]*###[ \t]*{begin}[ \t]*\n)(.*?)(^[ \t]*###[ \t]*{end}[ \t]*$)",
                      re.M | re.S)


_HIDDEN = _region(BEGIN, END)
_SOLUTION = _region("BEGIN SOLUTION", "END SOLUTION")


def _replace_region(source: str, pattern: re.Pattern[str], code: str, append: bool) -> str:
    """``source`` with its one region's body replaced by ``code`` (added at the end when
    there is none and ``append``)."""
    found = pattern.findall(source)
    if len(found) > 1:
        raise ValueError("a cell with more than one region")
    if not found:
        if not append:
            raise ValueError("a cell without its region")
        return f"{source.rstrip()}\n### {BEGIN}\n{code}### {END}"
    return pattern.sub(lambda match: match.group(1) + code + match.group(3), source)


def _indent_like(region_source: str, pattern: re.Pattern[str], code: str) -> str:
    """``code`` indented as the region's marker is (a solution inside a ``def``)."""
    match = pattern.search(region_source)
    marker = match.group(1) if match else ""
    indent = marker[:len(marker) - len(marker.lstrip(" \t"))]
    return "".join(f"{indent}{line}" if line.strip() else line
                   for line in code.splitlines(keepends=True))


def generated_notebook(question: Question, notebook: dict[str, Any]) -> dict[str, Any]:
    """``notebook`` (its JSON) with every part the spec derives written in."""
    result = json.loads(json.dumps(notebook))
    written = {answer.cell: answer for answer in question.written}
    answers = {part.answer_cell: part for part in question.parts if part.solution is not None}
    seen: set[str] = set()
    for cell in result["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        source = "".join(cell["source"])
        if grade_id in question.cells:
            part = question.cells[grade_id]
            source = _replace_region(source, _HIDDEN, part.hidden_code(question.id), True)
            visible = part.visible_code(question.id)
            if visible is not None:  # the cell's own visible lines give way to the spec's
                hidden = _HIDDEN.search(source)
                source = visible + source[hidden.start() if hidden else len(source):]
            meta["points"] = part.points
            seen.add(grade_id)
        elif grade_id in written:
            meta["points"] = written[grade_id].points
            seen.add(grade_id)
        if grade_id in answers:
            solution = f"{answers[grade_id].solution}\n"
            source = _replace_region(source, _SOLUTION, _indent_like(source, _SOLUTION, solution),
                                     False)
        cell["source"] = source.splitlines(keepends=True)
    missing = set(question.cells) | set(written)
    if missing - seen:
        raise ValueError(f"{question.notebook} has no cell {', '.join(sorted(missing - seen))}")
    return result


def problems(root: Path, specs: Iterable[Question] | None = None) -> list[str]:
    """What in the course at ``root`` differs from its specs (empty when all is written)."""
    found = []
    specs = list(questions() if specs is None else specs)
    source = root / "source" / ASSIGNMENT
    covered = {spec.notebook for spec in specs}
    for path in sorted(source.glob("*.ipynb")):
        if path.name not in covered:
            found.append(f"{path.name} has no question spec")
    for spec in specs:
        path = source / spec.notebook
        if not path.exists():
            found.append(f"{spec.notebook}, the notebook of {spec.id}, is not in {source}")
            continue
        notebook = json.loads(path.read_text())
        graded = {meta["grade_id"] for cell in notebook["cells"]
                  for meta in [cell.get("metadata", {}).get("nbgrader", {})] if meta.get("grade")}
        specified = set(spec.cells) | {answer.cell for answer in spec.written}
        found += [f"{spec.notebook}: graded cell {cell} is not in the spec of {spec.id}"
                  for cell in sorted(graded - specified)]
        try:
            generated = generated_notebook(spec, notebook)
        except ValueError as error:
            found.append(f"{spec.notebook}: {error}")
            continue
        if generated != notebook:
            found.append(f"{spec.notebook} differs from what the spec of {spec.id} writes")
    readme = root / "README.md"
    if readme.exists() and _table_in(readme.read_text()) != readme_table(specs):
        found.append("README.md: the points table differs from the specs")
    return found


def readme_table(specs: Iterable[Question]) -> str:
    """The README's table of notebooks and points."""
    rows = ["| notebook | autograded | written (TA) | parts (points) |", "|---|---:|---:|---|"]
    totals = [0.0, 0.0]
    for spec in specs:
        parts: list[Part | Any] = [*spec.parts, *spec.written]
        listed = ", ".join(f"{part.label} {part.points:g}" for part in parts)
        rows.append(f"| `{Path(spec.notebook).stem}` | {spec.autograded_points:g} | "
                    f"{spec.written_points:g} | {listed} |")
        totals[0] += spec.autograded_points
        totals[1] += spec.written_points
    rows.append(f"| **total** | **{totals[0]:g}** | **{totals[1]:g}** | "
                f"**{sum(totals):g}** |")
    return "\n".join(rows) + "\n"


def _table_in(text: str) -> str | None:
    if TABLE_START not in text or TABLE_END not in text:
        return None
    return text.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0].lstrip("\n")


def write(root: Path, release: bool = True) -> list[Path]:
    """Write every derived part into the course at ``root``; the files that changed."""
    changed = []
    for spec in questions():
        path = root / "source" / ASSIGNMENT / spec.notebook
        text = path.read_text()
        generated = json.dumps(generated_notebook(spec, json.loads(text)), indent=1,
                               ensure_ascii=False) + "\n"
        if generated != text:
            path.write_text(generated)
            changed.append(path)
    readme = root / "README.md"
    text = readme.read_text()
    if _table_in(text) is None:
        raise ValueError(f"{readme} has no points table between {TABLE_START} and {TABLE_END}")
    before, rest = text.split(TABLE_START, 1)
    updated = (f"{before}{TABLE_START}\n{readme_table(questions())}{TABLE_END}"
               f"{rest.split(TABLE_END, 1)[1]}")
    if updated != text:
        readme.write_text(updated)
        changed.append(readme)
    if release:
        regenerate_release(root)
    return changed


def regenerate_release(root: Path) -> None:
    """``release/`` from ``source/`` with nbgrader, through a throwaway gradebook."""
    shutil.rmtree(root / "release" / ASSIGNMENT, ignore_errors=True)
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT,
                        "--force", f"--CourseDirectory.db_url=sqlite:///{scratch}/release.db"],
                       cwd=root, check=True, capture_output=True)
