"""The grading engine: student code never runs where a grade is computed.

Trusted side (the grader's process): ``preprocessor.py`` (nbgrader's Execute step replaced),
``runner.py`` (one notebook's cells), ``hidden.py`` (hidden tests run here), ``remote.py``
(answers fetched as plain data, student functions called where they live), ``outputs.py``
(cell outputs checked and written), ``files.py`` (what the sandbox may see), ``host.py``
(starting and talking to the sandbox), ``bubblewrap.py`` and ``cgroups.py`` (the OS sandbox),
``memory.py`` (the grader's own memory limit), ``probe.py`` (``calcrl sandbox-check``).

Sandbox side, in ``sandbox/`` (what runs inside bubblewrap): ``boot.py`` (imports the
grader's own copy of the package, checked), ``zygote.py`` (the warm template), ``isolation.py``
(namespaces and caps per notebook), ``child.py`` (a notebook's request loop), ``kernel.py``
(cells run as in Jupyter). Both sides: :mod:`calcrl_checks.crossing` (framed messages, plain
data, what stands in for a student's function and what is handed to it).

May import: ``sandbox/``, :mod:`calcrl_checks.crossing`, the outcome, a verdict's place in a
notebook (``cells/notebook.py``) and :mod:`calcrl_checks.display`; no check
(``tests/test_architecture.py``).

Importing this package is cheap; the sandbox imports only its own side.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["GradeInSandbox", "require_sandbox", "SandboxUnavailable", "UNSANDBOXED_VARIABLE"]

if TYPE_CHECKING:
    from calcrl_checks.engine.bubblewrap import UNSANDBOXED_VARIABLE, SandboxUnavailable
    from calcrl_checks.engine.preprocessor import GradeInSandbox


def require_sandbox(**_: Any) -> None:
    """nbgrader's ``pre_convert_hook``: start the sandbox, or stop grading with the fix.

    Raises :class:`SandboxUnavailable` (a ``SystemExit``, which nbgrader does not swallow)
    before any student is graded when this machine cannot run the sandbox.
    """
    # nbgrader_config.py imports this package: keep it cheap
    from calcrl_checks.engine.host import shared_sandbox

    shared_sandbox()


def __getattr__(name: str) -> Any:
    if name == "GradeInSandbox":
        # loaded when nbgrader asks for it
        from calcrl_checks.engine.preprocessor import GradeInSandbox

        return GradeInSandbox
    if name in ("SandboxUnavailable", "UNSANDBOXED_VARIABLE"):
        from calcrl_checks.engine import bubblewrap  # loaded when asked for, as above

        return getattr(bubblewrap, name)
    raise AttributeError(f"module 'calcrl_checks.engine' has no attribute {name!r}")
