"""Per-notebook isolation inside the sandbox: fresh namespaces, a fresh file area, caps.

The template process (``zygote.py``) runs inside bubblewrap with a read-only view of the
system. For each notebook it forks; the fork calls :func:`new_namespaces` (new user, mount,
pid, IPC, network and UTS namespaces) and forks again, so the notebook's process is pid 1 of
its own pid namespace: when it ends, the kernel kills everything the notebook started,
``setsid`` or not. :func:`fresh_files` then gives it empty, size-capped tmpfs mounts of its own,
:func:`apply_limits` sets resource limits and :func:`drop_privileges` drops every capability.
Only Linux system calls (through ctypes) are used.
"""
from __future__ import annotations

import ctypes
import os
import resource
from collections.abc import Sequence
from dataclasses import dataclass

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
_MS_NOSUID, _MS_NODEV, _MS_RDONLY, _MS_REMOUNT, _MS_BIND, _MS_REC = 0x2, 0x4, 0x1, 0x20, \
    0x1000, 0x4000
_PR_SET_DUMPABLE, _PR_SET_CHILD_SUBREAPER = 4, 36
_PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS = 24, 38
_CAP_LAST = 63
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)

#: Where the notebook's files live, inside its own tmpfs.
WORK = "/tmp/work"
HOME = "/tmp/home"


@dataclass(frozen=True)
class Caps:
    """Resource caps for one notebook's processes (all of them, or each, as noted)."""

    memory_bytes: int       # address space of each process (a cgroup caps the total when root)
    processes: int          # processes and threads of the notebook's user
    cpu_seconds: int        # CPU time of each process
    file_bytes: int         # largest file it may write, and the size of its tmpfs
    open_files: int = 256


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def new_namespaces(unshare_all: bool = True) -> None:
    """Move this (single-threaded) process into new namespaces; its next fork is pid 1 there."""
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | \
        CLONE_NEWUTS
    _check(_libc.unshare(flags if unshare_all else CLONE_NEWUSER | CLONE_NEWPID), "unshare")
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"{gid} {gid} 1")


def fresh_files(caps: Caps, keep: Sequence[str] = ()) -> None:
    """Empty tmpfs mounts on /tmp and /dev/shm, with the work and home folders in /tmp.

    ``keep`` are read-only folders under /tmp (a virtual environment living there): they are
    held open, then bound again, read-only, on the new /tmp.
    """
    held = [(path, os.open(path, os.O_PATH | os.O_CLOEXEC)) for path in keep]
    options = f"size={max(caps.file_bytes, 1 << 20)},mode=1777".encode()
    for target in (b"/tmp", b"/dev/shm"):
        _check(_libc.mount(b"tmpfs", target, b"tmpfs", _MS_NOSUID | _MS_NODEV, options),
               f"mount tmpfs on {target.decode()}")
    for path, descriptor in held:
        os.makedirs(path, exist_ok=True)
        target = path.encode()
        _check(_libc.mount(f"/proc/self/fd/{descriptor}".encode(), target, None,
                           _MS_BIND | _MS_REC, None), f"bind {path}")
        # nosuid and nodev are locked on bubblewrap's binds: a remount must keep them.
        _check(_libc.mount(None, target, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID
                           | _MS_NODEV, None), f"make {path} read-only")
        os.close(descriptor)
    for folder in (WORK, HOME):
        os.makedirs(folder, exist_ok=True)


def apply_limits(caps: Caps) -> None:
    """Resource limits that every process the notebook starts inherits."""
    for limit, value in ((resource.RLIMIT_AS, caps.memory_bytes),
                         (resource.RLIMIT_NPROC, caps.processes),
                         (resource.RLIMIT_CPU, caps.cpu_seconds),
                         (resource.RLIMIT_FSIZE, caps.file_bytes),
                         (resource.RLIMIT_NOFILE, caps.open_files),
                         (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))


def drop_privileges() -> None:
    """No capabilities (bounding set included) and no way to gain any (no_new_privs)."""
    for cap in range(_CAP_LAST + 1):
        _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)  # fails past the kernel's last cap: fine

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header = Header(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def not_dumpable() -> None:
    """Nothing sharing this process's user can read or write its memory through /proc."""
    _check(_libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(PR_SET_DUMPABLE)")


def set_dumpable() -> None:
    """Undo :func:`not_dumpable` in a fork (the kernel requires it to write our own uid map)."""
    _check(_libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl(PR_SET_DUMPABLE)")


def become_subreaper() -> None:
    """Orphaned descendants (a notebook's pid 1, once its launcher exits) become our children."""
    _check(_libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl(PR_SET_CHILD_SUBREAPER)")
