"""What a student handed in: which notebooks are readable, and whether grading is up to date."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path


#: Written next to a student's autograded notebooks after a complete, successful grading.
STAMP = ".calcrl-graded"


@dataclass
class HandedIn:
    student: str
    folder: Path
    #: notebook file name -> why it cannot be graded (not JSON, not a notebook)
    unreadable: dict[str, str] = field(default_factory=dict)

    @property
    def notebooks(self) -> list[Path]:
        return sorted(self.folder.glob("*.ipynb"))

    def fingerprint(self) -> str:
        """A hash of every file handed in: a changed or new file means grade again."""
        digest = hashlib.sha256()
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(self.folder).as_posix().encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()


def inspect(student: str, folder: Path) -> HandedIn:
    """Check every notebook of a submission for being readable, without changing anything."""
    submission = HandedIn(student, folder)
    for path in submission.notebooks:
        reason = unreadable_reason(path)
        if reason:
            submission.unreadable[path.name] = reason
    return submission


def unreadable_reason(path: Path) -> str | None:
    """Why nbgrader could not read this notebook, or None when it can."""
    import nbformat

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several unrelated exception types
        return f"not a valid notebook ({type(error).__name__})"
    return None


def is_up_to_date(submission: HandedIn, graded: Path) -> bool:
    stamp = graded / STAMP
    return stamp.is_file() and stamp.read_text().strip() == submission.fingerprint()


def repair_metadata(name: str, content: bytes) -> tuple[bytes, list[str]]:
    """The notebook with its cells' nbgrader metadata made readable, and a note for each
    change: keys nbgrader does not know are dropped (which cell, which key); metadata nbgrader
    would still refuse is dropped whole, leaving a plain cell. nbgrader refuses the whole
    notebook otherwise; the cells the assignment defines are restored from the gradebook when
    grading, so nothing the student needed is lost.

    >>> cell = {"cell_type": "code", "source": "", "metadata": {"nbgrader": {"grade_id": "a",
    ...         "grade": False, "locked": False, "solution": True, "schema_version": 3,
    ...         "colour": "red"}}}
    >>> repair_metadata("q.ipynb", json.dumps({"cells": [cell]}).encode())[1]
    ["q.ipynb: cell 'a' had an unknown nbgrader metadata key 'colour'; it was ignored"]
    """
    from nbformat import from_dict
    from nbgrader.nbgraderformat import MetadataValidator

    validator = MetadataValidator()
    known = set(validator.schema["properties"])
    notebook = json.loads(content)
    notes = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        metadata = cell.get("metadata")
        if not isinstance(metadata, dict) or "nbgrader" not in metadata:
            continue
        meta = metadata["nbgrader"]
        label = meta.get("grade_id", f"#{number}") if isinstance(meta, dict) else f"#{number}"
        for key in sorted(set(meta) - known) if isinstance(meta, dict) else []:
            del meta[key]
            notes.append(f"{name}: cell '{label}' had an unknown nbgrader metadata key "
                         f"'{key}'; it was ignored")
        try:
            validator.validate_cell(from_dict(cell))
        except Exception as error:  # nbgrader raises several types (and KeyError) here
            del metadata["nbgrader"]
            notes.append(f"{name}: cell '{label}' had nbgrader metadata nbgrader cannot read "
                         f"({type(error).__name__}: {str(error)[:80]}); it was read as a "
                         "plain cell")
    return (json.dumps(notebook, indent=1).encode() if notes else content), notes
