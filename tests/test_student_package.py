"""The package students install (``calcrl student-package``) holds no answer and still checks.

It is built for real (pip wheel), its files are read for every solution and catalogued mistake
of the specs, and it is installed on its own (no other copy of calcrl_checks importable) to run
a visible check and a comparison the way a student's notebook does.
"""
from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile

import pytest

from calcrl_checks.instructor.authoring.specs import QUESTION_IDS, question
from calcrl_checks.instructor.authoring.student_package import build_student_wheel

pytestmark = pytest.mark.unit


def _secrets() -> list[str]:
    """Texts only the specs hold: the solutions and the demo class's wrong answers."""
    found = []
    for qid in QUESTION_IDS:
        for part in question(qid).parts:
            found += [text.strip() for text in (part.solution or "",
                                                *(m.source for m in part.mistakes))
                      if len(text.strip()) >= 12]
    return found


def test_the_student_wheel_holds_no_instructor_file_and_no_spec_text(tmp_path):
    wheel = build_student_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        contents = {name: archive.read(name).decode("utf-8", "replace") for name in names}
    assert any(name == "calcrl_checks/cells/formative.py" for name in names)
    assert not [name for name in names if "/instructor/" in name]
    assert not [name for name in names if name.endswith("entry_points.txt")]  # no `calcrl`
    secrets = _secrets()
    assert len(secrets) > 30
    leaked = [(secret, name) for secret in secrets for name, text in contents.items()
              if secret in text]
    assert not leaked


def test_the_student_wheel_installed_alone_checks_answers_but_has_no_specs(tmp_path):
    wheel = build_student_wheel(tmp_path / "dist")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True)
    script = (
        "import calcrl_checks, importlib.util\n"
        f"assert calcrl_checks.__file__.startswith({str(target)!r}), calcrl_checks.__file__\n"
        "assert importlib.util.find_spec('calcrl_checks.instructor') is None\n"
        "from calcrl_checks import compare, formative\n"
        "formative.derivative('3*x**2', 'x**3', 'x', 'df')\n"
        "print(compare('2x', 'x**2 + x', domain={'x': (-1, 1)}).code)\n")
    # -S: no site-packages .pth files, so the editable install of this repository is not seen;
    # the dependencies come from this environment's site-packages, after the student package.
    environment = {"PYTHONPATH": f"{target}:{sysconfig.get_paths()['purelib']}",
                   "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    ran = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True, text=True,
                         env=environment, cwd=tmp_path, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert "df" in ran.stdout and ran.stdout.strip().endswith("wrong")
