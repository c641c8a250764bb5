"""The sandbox's first Python code: import the checker the grader runs, then start the template.

Run by path inside bubblewrap, ``python -I /calcrl/calcrl_checks/engine/sandbox/boot.py ROOT ORIGIN
FINGERPRINT ZYGOTE-ARGUMENTS...``, with the grader's own ``calcrl_checks`` folder (ORIGIN on
the grader's side) bound read-only at ``ROOT/calcrl_checks``. ``-I`` leaves out the current
folder, PYTHONPATH and the user's site-packages, so left to itself the sandbox's Python would
take ``calcrl_checks`` from the environment's path: another copy, or an editable install that
points at a folder the sandbox does not show. Here ROOT goes first on the path, and the package
imported must hold the grader's files (FINGERPRINT); if it does not, the template does not
start and the grader is told which copy was found where (:data:`MARK`).

:func:`locate` says where an interpreter's import system finds ``calcrl_checks`` and how:
``calcrl sandbox-check`` asks it of a Python started as ``calcrl autograde`` starts its graders.
Only the standard library is used here.
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import sys
from typing import NoReturn

#: Starts the reason the template gives when it found another copy of the checker.
MARK = "calcrl-checker-copy: "
#: Top-level parts of the package the sandbox does not show (``bubblewrap.HIDDEN_PARTS``).
HIDDEN_PARTS = ("instructor",)
PACKAGE = "calcrl_checks"


def fingerprint(folder: str) -> str:
    """sha256 over a package folder's files, names and bytes, as the sandbox shows it: without
    its hidden parts, byte-code caches and symbolic links."""
    digest = hashlib.sha256()
    for top, folders, files in os.walk(folder):
        relative = os.path.relpath(top, folder)
        folders[:] = sorted(name for name in folders if name != "__pycache__" and not (
            relative == "." and name in HIDDEN_PARTS))
        for name in sorted(files):
            path = os.path.join(top, name)
            if name.endswith(".pyc") or os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as handle:
                data = handle.read()
            digest.update(os.path.join(relative, name).encode() + b"\0")
            digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def locate() -> tuple[str | None, str]:
    """The folder this interpreter's import system finds ``calcrl_checks`` in (whatever
    ``sys.modules`` holds) and how it found it, or ``(None, why not)``."""
    cwd = os.getcwd()
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        try:
            spec = find(PACKAGE, None) if find is not None else None
        except Exception:  # a broken import hook finds nothing
            spec = None
        if spec is None or not spec.origin:
            continue
        folder = os.path.dirname(os.path.realpath(spec.origin))
        if finder is not importlib.machinery.PathFinder:
            name = getattr(finder, "__module__", "") or repr(finder)
            module = sys.modules.get(name)
            place = os.path.dirname(getattr(module, "__file__", "") or "") or "?"
            kind = "the editable install's import hook" if "editable" in name else \
                "the import hook"
            return folder, f"{kind} {name} in {place}"
        parent = os.path.dirname(folder)
        entry = next((e for e in sys.path if os.path.realpath(e or cwd) == parent), parent)
        if os.path.realpath(entry or cwd) == os.path.realpath(cwd):
            return folder, f"the current folder {cwd}, which `python -m` puts first on its path"
        if entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
            return folder, f"PYTHONPATH's entry {entry}"
        return folder, f"the path entry {entry}"
    return None, f"nothing on its path ({os.pathsep.join(sys.path)}) holds {PACKAGE}"


def locate_json() -> str:
    return json.dumps(locate())


def main(argv: list[str]) -> None:
    root, origin, expected = argv[:3]
    early = PACKAGE in sys.modules
    sys.path.insert(0, root)
    bound = os.path.join(root, PACKAGE)
    try:
        import calcrl_checks  # found on the path just set; which copy is checked below
    except ImportError as error:
        _refuse(origin, bound, f"the sandbox's Python could not import {PACKAGE} ({error}; "
                               f"its path: {os.pathsep.join(sys.path)})")
    where = getattr(calcrl_checks, "__file__", None)
    folder = os.path.dirname(where) if where else next(iter(calcrl_checks.__path__), "?")
    if fingerprint(folder) != expected:
        how = ("imported while Python started, before the sandbox could choose: a .pth file "
               "or sitecustomize of the environment imports it" if early else
               f"found first on its path: {os.pathsep.join(sys.path)}")
        shown = f"{folder}, where the grader's copy is bound" if folder == bound else folder
        _refuse(origin, bound, f"the sandbox's Python imported {PACKAGE} from {shown} ({how}), "
                               "and those files are not the grader's")
    # Only now: the package that imports the zygote has just been checked to be the grader's.
    from calcrl_checks.engine.sandbox import zygote

    zygote.main(argv[3:])


def _refuse(origin: str, bound: str, what: str) -> NoReturn:
    sys.exit(f"{MARK}the grader runs {PACKAGE} from {origin} (shown read-only in the sandbox at "
             f"{bound}), but {what}.\nFix: make the two agree: remove what imports {PACKAGE} "
             "when this environment's Python starts, or grade from the checkout that Python "
             "imports.")


if __name__ == "__main__":
    main(sys.argv[1:])
