"""Process start-up: leave out what grading never uses.

Measured on 2 cores: importing nbgrader pulls in jsonschema's optional IRI format checker,
``rfc3987_syntax``, which builds a parser grammar at import time (about 1.2 s of CPU, more than
the rest of nbgrader's imports together). Neither nbformat nor nbgrader validates IRIs, so the
``calcrl`` command and each warm grader declare it absent before anything imports jsonschema;
jsonschema then simply registers no IRI checker.
"""
from __future__ import annotations

import sys

#: Modules grading never uses whose import is expensive, and why.
UNUSED = {"rfc3987_syntax": "jsonschema's IRI format checker; nbformat validates no IRIs"}


def skip_unused_imports() -> None:
    """Make ``import`` of each :data:`UNUSED` module fail fast (ImportError), in this process.

    >>> skip_unused_imports()
    >>> sys.modules["rfc3987_syntax"] is None or "already imported"
    True
    """
    for name in UNUSED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
