"""The bubblewrap command line that starts the sandbox, and what to say when it cannot start.

The sandbox sees, read-only: the system's ``/usr`` (libraries), the Python installation, the
virtual environment and, at :data:`PACKAGE_ROOT`, the ``calcrl_checks`` package the grader
itself runs, without its instructor-only parts. It does not see the course folder, the
gradebook, ``source/``, ``release/``, other students, the home folder or the network. Its root,
``/dev`` and everything bound are read-only; only a small ``/tmp`` is writable, and each
notebook mounts a fresh one over it (``isolation.py``).

The sandbox imports the grader's copy of the package wherever the environment and the course
live (a course folder holding its own ``calcrl_checks/``, graded with another checkout's
virtual environment, included): ``boot.py`` puts :data:`PACKAGE_ROOT` first on the path and
checks that the package it imported holds the grader's files.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from calcrl_checks.engine.sandbox import boot

#: Environment variable that, set to "1", grades without a sandbox (loudly, on every run).
UNSANDBOXED_VARIABLE = "CALCRL_UNSANDBOXED"
#: The user and group that student code runs as, inside the sandbox.
SANDBOX_UID = 1000
#: Parts of the package student code has no business reading (instructor tooling).
HIDDEN_PARTS = boot.HIDDEN_PARTS
#: The sandbox sees the grader's ``calcrl_checks`` folder as ``PACKAGE_ROOT/calcrl_checks``.
PACKAGE_ROOT = "/calcrl"
_SYSTEM_LINKS = ("bin", "sbin", "lib", "lib64", "lib32", "libx32")
_ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf")


class SandboxUnavailable(SystemExit):
    """This machine cannot run student code in the sandbox; the message names the fix.

    A SystemExit, so that nbgrader stops at once instead of failing every student in turn.
    """


def unsandboxed_requested() -> bool:
    return os.environ.get(UNSANDBOXED_VARIABLE, "") == "1"


def find_bwrap() -> str:
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailable(
            "calcrl cannot grade safely on this machine: bubblewrap (the 'bwrap' command) is "
            "not installed, and student code must run in its sandbox.\n"
            "Fix: install it, for example `sudo apt-get install bubblewrap` (Debian/Ubuntu) "
            "or `sudo dnf install bubblewrap` (Fedora), then run `calcrl sandbox-check`.\n"
            f"Unsafe alternative: set {UNSANDBOXED_VARIABLE}=1 to run student code without a "
            "sandbox (it can then change grades and read the course folder).")
    return path


def preflight() -> None:
    """Fail fast, before any grading, when bubblewrap cannot make its namespaces here."""
    if unsandboxed_requested():
        return
    bwrap = find_bwrap()
    done = subprocess.run([bwrap, "--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID),
                           "--gid", str(SANDBOX_UID), "--cap-drop", "ALL", "--ro-bind", "/usr",
                           "/usr", *_system_links(), "--", "true"],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise SandboxUnavailable(explain_failure(done.stderr))


def _system_links() -> list[str]:
    """``/bin``, ``/lib``... as the host has them (links into /usr, or folders)."""
    binds: list[str] = []
    for name in _SYSTEM_LINKS:
        link = Path("/") / name
        if link.is_symlink():
            binds += ["--symlink", os.readlink(link), str(link)]
        elif link.is_dir():
            binds += ["--ro-bind", str(link), str(link)]
    return binds


def package_folder() -> Path:
    """The ``calcrl_checks`` folder this process runs (the one the sandbox is given)."""
    return Path(__file__).resolve().parents[1]


def sandbox_package() -> Path:
    """Where the sandbox sees :func:`package_folder`."""
    return Path(PACKAGE_ROOT) / boot.PACKAGE


def command(bwrap: str, arguments: list[str]) -> list[str]:
    """``bwrap ... python -I /calcrl/calcrl_checks/engine/sandbox/boot.py ... ARGUMENTS KEEP``.

    ``boot.py`` imports the package bound at :data:`PACKAGE_ROOT` (this process's own, checked
    by its files' fingerprint), then runs the template (``zygote.py``) with ARGUMENTS and KEEP.
    KEEP (JSON) lists the read-only folders that lie under /tmp (a virtual environment there):
    each notebook mounts a fresh /tmp and binds them again on it.
    """
    binds = _system_links() + ["--ro-bind", "/usr", "/usr"]
    for name in _ETC_FILES:
        binds += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    package, mounted = package_folder(), sandbox_package()
    environment = environment_paths()
    for path in environment:
        binds += ["--ro-bind", str(path), str(path)]
    binds += ["--ro-bind", str(package), str(mounted)]
    shown = [mounted]
    if any(package.is_relative_to(path) for path in environment):
        shown.append(package)  # an installed package is also visible where it lies
    for folder in shown:
        for part in HIDDEN_PARTS:
            if (package / part).is_dir():
                binds += ["--tmpfs", str(folder / part), "--remount-ro", str(folder / part)]
    settings = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "USER": "student",
                "LANG": "C.UTF-8", "MPLCONFIGDIR": "/tmp/matplotlib", "MPLBACKEND": "agg",
                "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TMPDIR": "/tmp"}
    environment_flags = [flag for key, value in settings.items()
                         for flag in ("--setenv", key, value)]
    keep = [str(path) for path in environment if path.is_relative_to("/tmp")]
    # boot.py's place in the package is read from the module itself: moving it cannot leave a
    # stale path here.
    booted = mounted / Path(boot.__file__).resolve().relative_to(package)
    start = [str(booted), PACKAGE_ROOT, str(package),
             boot.fingerprint(str(package))]
    # /tmp first, so that folders bound under it stay visible.
    return [bwrap, "--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID),
            "--gid", str(SANDBOX_UID), "--cap-drop", "ALL", "--die-with-parent",
            "--new-session", "--clearenv", *environment_flags, "--tmpfs", "/tmp", *binds,
            "--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev",
            "--remount-ro", "/", "--chdir", "/tmp",
            sys.executable, "-I", *start, *arguments, json.dumps(keep)]


def environment_paths() -> list[Path]:
    """The Python installation and its environment, each bound in the sandbox where it lies."""
    return _outermost([Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()])


def bound_paths() -> list[Path]:
    """The folders the sandbox shows besides the system: Python, the environment, the package."""
    return _outermost(environment_paths() + [package_folder()])


def check_course_hidden(course: Path) -> None:
    """Refuse to grade a course that lies inside a folder the sandbox shows to student code."""
    course = course.resolve()
    for path in bound_paths():
        if course.is_relative_to(path):
            raise SandboxUnavailable(
                f"calcrl will not grade here: the course folder {course} lies inside {path}, "
                "which the sandbox shows to student code (the Python installation, its "
                "environment or the calcrl_checks package). Move the course folder out of it.")


def explain_failure(stderr: str) -> str:
    """Turn bubblewrap's complaint into what the instructor can do about it."""
    if boot.MARK in stderr:  # the sandbox started, but found another copy of the checker
        reason = stderr[stderr.index(boot.MARK) + len(boot.MARK):].strip()
        return (f"calcrl cannot start its sandbox here: {reason}\n"
                "Check with `calcrl sandbox-check`.")
    text = stderr.strip().splitlines()[-1] if stderr.strip() else "(no message)"
    advice = ""
    if any(sign in stderr for sign in ("namespace", "Operation not permitted", "uid map",
                                       "No space left on device")):
        advice = ("\nThis machine does not let bubblewrap create user namespaces. Enable them: "
                  "`sudo sysctl -w user.max_user_namespaces=15000`, and where these settings "
                  "exist `sudo sysctl -w kernel.unprivileged_userns_clone=1` (Debian) or "
                  "`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (Ubuntu "
                  "24.04+, or give bwrap an AppArmor profile); in a container, allow user "
                  "namespaces.")
    return (f"calcrl cannot start its sandbox here: bwrap said: {text}{advice}\n"
            "Check with `calcrl sandbox-check`. Unsafe alternative: "
            f"{UNSANDBOXED_VARIABLE}=1 grades without a sandbox.")


def _outermost(paths: list[Path]) -> list[Path]:
    """The paths without those inside another one of them (one bind covers both)."""
    unique = sorted(set(paths), key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in unique:
        if not any(path.is_relative_to(k) for k in kept):
            kept.append(path)
    return kept
