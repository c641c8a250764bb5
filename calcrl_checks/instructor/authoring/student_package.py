"""The student package: ``calcrl_checks`` as students install it, without the instructor's part.

Students need the checker their notebooks import (the visible checks, the parser, the
scenarios), never ``calcrl_checks/instructor/``: the question specs there hold every expected
answer, hint and solution. This repository holds them too (and ``source/``), so students must
not install from it. :func:`build_student_wheel` writes a wheel of this installed package
with ``instructor/`` left out and no ``calcrl`` command, for the course to hand out.

    calcrl student-package --out dist/
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import calcrl_checks
from calcrl_checks.outcome.errors import CalcrlError

#: The folder of the package left out: specs, the demo class, the ``calcrl`` command.
INSTRUCTOR = "instructor"
_DISTRIBUTION = "calcrl-checks"


class PackageError(CalcrlError):
    """The wheel could not be built (the message says why)."""


def build_student_wheel(out: Path) -> Path:
    """Build the student wheel into ``out`` and return its path.

    The wheel's version and requirements are this installation's (extras left out), so a
    student installs with the course's ``constraints.txt`` and gets the versions graders run.
    """
    package = Path(calcrl_checks.__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="calcrl-student-") as scratch:
        project = Path(scratch)
        shutil.copytree(package, project / "calcrl_checks",
                        ignore=shutil.ignore_patterns(INSTRUCTOR, "__pycache__", "*.pyc"))
        (project / "pyproject.toml").write_text(_pyproject())
        wheels_dir = project / "dist"
        built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                                "--no-build-isolation", "--quiet", "--wheel-dir",
                                str(wheels_dir), str(project)], capture_output=True, text=True)
        if built.returncode != 0:
            raise PackageError(f"pip wheel failed:\n{built.stderr.strip() or built.stdout}")
        wheels = sorted(wheels_dir.glob("*.whl"))
        if len(wheels) != 1:
            raise PackageError(f"expected one wheel, pip wrote {len(wheels)}")
        target = out / wheels[0].name
        shutil.copyfile(wheels[0], target)
    return target


def _pyproject() -> str:
    """A project file for the student package: same name, version and requirements."""
    version = metadata.version(_DISTRIBUTION)
    requires = [r for r in metadata.requires(_DISTRIBUTION) or [] if "extra ==" not in r]
    dependencies = ",\n".join(f"    {json.dumps(r)}" for r in requires)
    return f'''[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{_DISTRIBUTION}"
version = "{version}"
description = "The checks of the Calculus for RL notebooks, as students install them"
requires-python = ">=3.11"
dependencies = [
{dependencies}
]

[tool.setuptools.packages.find]
include = ["calcrl_checks*"]

[tool.setuptools.package-data]
calcrl_checks = ["templates/*/*.j2"]
'''
