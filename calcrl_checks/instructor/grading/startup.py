"""Process start-up: leave out what grading never uses, and work nbgrader repeats needlessly.

Measured on 2 cores: importing nbgrader pulls in jsonschema's optional IRI format checker,
``rfc3987_syntax``, which builds a parser grammar at import time (about 1.2 s of CPU, more than
the rest of nbgrader's imports together). Neither nbformat nor nbgrader validates IRIs, so the
``calcrl`` command and each warm grader declare it absent before anything imports jsonschema;
jsonschema then simply registers no IRI checker.

nbgrader checks each cell's metadata with ``jsonschema.validate``, which first checks the
*schema* itself against its meta-schema: 0.64 ms of CPU per cell, 95% of it that schema check,
repeated for every cell of every notebook (about 0.4 s per student between the ``calcrl``
command and its grader). :func:`check_metadata_schema_once` keeps one checked validator per
schema; the verdict and the error raised are the same.
"""
from __future__ import annotations

import json
import sys
from typing import Any

#: Modules grading never uses whose import is expensive, and why.
UNUSED = {"rfc3987_syntax": "jsonschema's IRI format checker; nbformat validates no IRIs"}


def skip_unused_imports() -> None:
    """Make ``import`` of each :data:`UNUSED` module fail fast (ImportError), in this process.
    A module this process imported before is left as it is.

    >>> before = {name: sys.modules.get(name) for name in UNUSED}
    >>> skip_unused_imports()
    >>> all(sys.modules[name] is (before[name] or None) for name in UNUSED)
    True
    """
    for name in UNUSED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


class _OnceCheckedSchemas:
    """Stands in for the ``jsonschema`` module inside nbgrader's metadata validator: the same
    ``validate`` (same errors, the best match first), with each schema checked once."""

    def __init__(self) -> None:
        import jsonschema

        self._jsonschema = jsonschema
        self._validators: dict[str, Any] = {}

    def validate(self, instance: Any, schema: dict[str, Any]) -> None:
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            kind = self._jsonschema.validators.validator_for(schema)
            kind.check_schema(schema)
            validator = self._validators[key] = kind(schema)
        error = self._jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._jsonschema, name)


def check_metadata_schema_once() -> None:
    """Make nbgrader's cell-metadata validation (this process) check its schema only once.

    >>> check_metadata_schema_once()
    >>> from nbformat import from_dict
    >>> from nbgrader.nbgraderformat import MetadataValidator
    >>> cell = from_dict({"metadata": {"nbgrader": {"schema_version": 3, "grade": "yes",
    ...                                             "solution": False, "locked": True}}})
    >>> try:
    ...     MetadataValidator().validate_cell(cell)
    ... except Exception as error:
    ...     print(type(error).__name__, error.message)
    ValidationError 'yes' is not of type 'boolean'
    """
    skip_unused_imports()
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _OnceCheckedSchemas):
        common.jsonschema = _OnceCheckedSchemas()  # type: ignore[assignment]
