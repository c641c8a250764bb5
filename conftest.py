"""The package's docstring examples are unit tests: each test file under tests/ declares its
tier itself (``pytestmark``), the doctests pytest collects from ``calcrl_checks`` get theirs
here, at the root, so that they are marked whichever paths pytest is given."""
from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every collected doctest ``unit``: an example runs a pure function in this
    process."""
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            item.add_marker(pytest.mark.unit)
