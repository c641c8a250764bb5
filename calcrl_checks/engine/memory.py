"""A memory limit for the trusted grading process itself, not only for its sandbox.

The channel and the decoder refuse what is too large before they copy it (``crossing/channel.py``,
:data:`calcrl_checks.crossing.wire.MAX_VALUE_BYTES`); this limit is the floor under whatever else a
hostile notebook finds, so that a reply the grader cannot hold costs one student an error,
not the machine its memory.

It is ``RLIMIT_DATA`` (the process's heap and private writable mappings), not ``RLIMIT_AS``:
torch and glibc reserve address space they never touch (each thread's malloc arena reserves
64 MiB), so address space says little about memory in use, while ``RLIMIT_DATA`` follows it
closely (a warm grader: 316 MiB of data, 314 MiB resident, 743 MiB of address space). Only the
soft limit is lowered; the sandbox, started from this process, gets it back up to the hard limit
(:func:`unlimited_in_child`) and keeps its own caps (``isolation.py``, ``cgroups.py``).
A grading process calls, once (not a doctest: it would limit the process running the tests)::

    limit_grader_memory()
"""
from __future__ import annotations

import resource

#: Most heap and private memory a grading process may hold. Measured here: a warm grader
#: (nbgrader, numpy, sympy, torch and the checks imported, its sandbox started) holds 316 MiB
#: of data (314 MiB resident); grading the demo class takes it to 442 MiB at its highest
#: (355 MiB resident). The largest reply the channel takes from a notebook (files cap + 64 MiB:
#: 164 MiB by default) costs about twice its size while it is read, plus its arrays once
#: decoded. 2 GiB is over four times the highest use measured, room for such a reply several
#: times over, and still lets a machine of 8 GiB run a grader and its sandbox on each of 2 cores.
GRADER_MEMORY_BYTES = 2 * 1024 ** 3


def limit_grader_memory(limit: int = GRADER_MEMORY_BYTES) -> int:
    """Lower this process's soft ``RLIMIT_DATA`` to ``limit`` (never above the hard limit, never
    raising a lower one); returns the limit now in force. An allocation past it raises
    ``MemoryError`` where it happens."""
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    wanted = min((x for x in (limit, soft, hard) if x != resource.RLIM_INFINITY),
                 default=resource.RLIM_INFINITY)
    resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
    return wanted


def limited() -> bool:
    """Whether this process runs under a soft ``RLIMIT_DATA`` below its hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    return soft != hard


def unlimited_in_child() -> None:
    """Between fork and exec of a process that has caps of its own (the sandbox): the soft
    ``RLIMIT_DATA`` back at the hard limit, so the grader's limit is not inherited."""
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))
