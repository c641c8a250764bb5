"""What the trusted side receives is bounded as it will be used, not as it travels.

A patched sandbox can send one buffer and name it many times: 1 MiB crosses, and each name
would decode into an array of its own. Every name counts the buffer's full size, a frame or an
answer over its budget is refused before anything is copied, the student reads why, and the
grader (its own memory limited, ``engine/memory.py``) goes on to grade the next student.
"""
from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import course
from attacks import RIGHT_DF, SHARED_BUFFER, WRONG_DF_AT_0
from calcrl_checks.crossing import wire
from calcrl_checks.engine import memory
from calcrl_checks.crossing.channel import (Channel, ChannelError, FrameRefused, FrameTooLarge,
    decoded_bytes)
from calcrl_checks.engine.remote import RemoteFunction, fetch_answer
from calcrl_checks.outcome.codes import UNREADABLE
from conftest import calcrl

pytestmark = pytest.mark.course

MIB = 1 << 20
#: A notebook session's frame cap with the default limits (100 MiB of files + 64 MiB).
SESSION_FRAME = 164 * MIB


def _ref(index: int) -> dict[str, int]:
    return {"__buffer__": index}


def _frame(message: dict, buffers: list[bytes]) -> bytes:
    """A frame as a hostile sender would build it: any JSON, any buffer references."""
    text = json.dumps(message, separators=(",", ":")).encode()
    return b"".join([struct.pack("!II", len(text), len(buffers)),
                     *(struct.pack("!Q", len(b)) for b in buffers), text, *buffers])


def _shared_list(references: int, size: int = MIB) -> dict:
    """An answer whose ``references`` float64 arrays all name buffer 0 (``size`` bytes)."""
    item = {"kind": "array", "dtype": "float64", "shape": [size // 8], "data": _ref(0),
            "source_dtype": "float64"}
    return {"kind": "list", "items": [item] * references}


# -- counting: pure functions --------------------------------------------------------------------
def test_each_reference_counts_its_buffers_full_size_every_time_it_is_used():
    message = {"a": _ref(0), "b": [_ref(0), {"c": _ref(1)}, _ref(0)], "n": 3, "s": "text"}
    assert decoded_bytes(message, [10, 3]) == 33
    assert decoded_bytes({"none": [1, 2, {"x": None}]}, []) == 0


def test_counting_stops_once_past_the_limit():
    message = {"items": [_ref(0)] * 1_000_000}
    started = time.monotonic()
    assert decoded_bytes(message, [MIB], limit=10 * MIB) == 11 * MIB
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("reference", [-1, 2, True, "0", 1.0, None])
def test_a_reference_to_a_buffer_the_frame_lacks_is_an_error(reference):
    with pytest.raises(ChannelError, match="out of range"):
        decoded_bytes({"x": {"__buffer__": reference}}, [5, 5])


def test_an_encoded_value_counts_every_use_of_its_bytes():
    block = bytes(8)
    one = {"kind": "array", "dtype": "float64", "shape": [1], "data": block}
    tensor = {**one, "kind": "tensor", "facts": {"grad": {**one, "data": bytes(16)}}}
    assert wire.value_bytes({"kind": "list", "items": [one, one, tensor]}) == 8 + 8 + 8 + 16
    assert wire.value_bytes({"kind": "list", "items": [one] * 1000}, limit=80) == 88


def test_an_answer_over_its_budget_is_refused_before_any_array_is_made(monkeypatch):
    made = []
    monkeypatch.setattr(wire, "MAX_VALUE_BYTES", 1000)
    real = wire.decode_array
    monkeypatch.setattr(wire, "decode_array", lambda data: made.append(1) or real(data))
    item = {"kind": "array", "dtype": "uint8", "shape": [400], "data": bytes(400)}
    with pytest.raises(wire.TooLarge, match="exceeds the 1000-byte limit") as refused:
        wire.decode_value({"kind": "list", "items": [item, item, item]})
    assert made == [] and refused.value.limit == 1000
    assert isinstance(refused.value, ValueError)  # every caller already reads it as unreadable
    assert [a.shape for a in wire.decode_value({"kind": "list", "items": [item, item]})] == \
        [(400,), (400,)]
    assert len(made) == 2


def test_the_budgets_are_far_above_any_answer_of_the_course():
    # The largest arrays the checks see: learning runs of 3000 steps of 5 weights (q09).
    run = wire.encode_value(np.zeros((3000, 5)))
    assert 500 * wire.value_bytes(run) < wire.MAX_VALUE_BYTES < SESSION_FRAME
    assert wire.MAX_VALUE_BYTES * 4 < memory.GRADER_MEMORY_BYTES


# -- the channel -----------------------------------------------------------------------------------
def test_an_honest_sender_naming_the_same_bytes_twice_sends_them_twice_and_is_accepted():
    a, b = socket.socketpair()
    block = bytes(range(256)) * 4
    Channel(a).send({"x": block, "y": [block]})
    message = Channel(b, max_frame=2 * len(block) + 200).receive(time.monotonic() + 5)
    assert message == {"x": block, "y": [block]}


def test_a_frame_decoding_past_its_cap_is_refused_and_the_stream_ends_there():
    a, b = socket.socketpair()
    receiver = Channel(b, max_frame=100_000)
    a.sendall(_frame({"items": [_ref(0)] * 200}, [bytes(1000)]))  # 1 KB sent, 200 KB named
    a.sendall(_frame({"after": 1}, []))
    with pytest.raises(FrameTooLarge, match="decode to at least 101000 bytes exceeds the "
                                            "100000-byte limit") as refused:
        receiver.receive(time.monotonic() + 5)
    assert refused.value.limit == 100_000 and receiver._pending == bytearray()
    with pytest.raises(FrameRefused):  # what follows a refused frame is never read as a frame
        receiver.receive(time.monotonic() + 5)


def test_a_frame_over_its_cap_as_sent_is_refused_with_its_size():
    a, b = socket.socketpair()
    a.sendall(_frame({"x": _ref(0)}, [bytes(5000)]))
    with pytest.raises(FrameTooLarge, match="exceeds the 1000-byte limit"):
        Channel(b, max_frame=1000).receive(time.monotonic() + 5)


# -- what the student reads ------------------------------------------------------------------------
class _Session:
    """Stands for a notebook session: answers each request with ``reply`` (or raises it)."""

    def __init__(self, reply):
        self.reply = reply

    def request(self, message, seconds):
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def test_a_refused_reply_is_an_unreadable_answer_saying_why():
    refusal = fetch_answer(_Session(FrameTooLarge(10 << 30, SESSION_FRAME, "frame of")), "df")
    assert refusal.code == UNREADABLE
    assert refusal.message == ("df could not be read from your notebook: it is larger than the "
                               "grader accepts (164 MiB for one reply of the notebook, each "
                               "array counted every time it is used).")
    unheld = fetch_answer(_Session(FrameRefused("did not fit")), "df")
    assert "larger than the grader's memory can hold" in unheld.message


def test_an_answer_over_its_budget_is_an_unreadable_answer_saying_why():
    value = {"kind": "list", "items": [{"kind": "array", "dtype": "uint8", "shape": [40 * MIB],
                                        "data": bytes(40 * MIB)}] * 2}
    refusal = fetch_answer(_Session({"value": value}), "df")
    assert refusal.code == UNREADABLE
    assert "larger than the grader accepts (64 MiB for one answer" in refusal.message
    returned = RemoteFunction(_Session({"value": value}), 1, "f")(1.0)
    assert returned.code == UNREADABLE and "64 MiB for one answer" in returned.message


# -- the grader's own memory limit -----------------------------------------------------------------
_STATUS = """\
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
"""


def _python(code: str, *arguments: str, fds: tuple[int, ...] = (), timeout: float = 300
            ) -> dict:
    """Run ``code`` (after the ``status`` helper) in a fresh interpreter; it prints one JSON
    object last."""
    done = subprocess.run([sys.executable, "-c", _STATUS + textwrap.dedent(code), *arguments],
                          capture_output=True, text=True, timeout=timeout, pass_fds=fds,
                          cwd=course.REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_limit_lowers_only_the_soft_data_limit_and_a_child_gets_it_back():
    found = _python("""
    import json, resource, subprocess, sys
    from calcrl_checks.engine import memory
    data = resource.RLIMIT_DATA
    hard = resource.getrlimit(data)[1]
    now = memory.limit_grader_memory()
    lower = memory.limit_grader_memory(4 * memory.GRADER_MEMORY_BYTES)  # never raises it
    try:
        bytearray(memory.GRADER_MEMORY_BYTES)
        refused = False
    except MemoryError:
        refused = True
    after = len(bytearray(64 << 20))  # the process goes on
    child = subprocess.run([sys.executable, "-c", "import resource; print(resource.getrlimit("
                            "resource.RLIMIT_DATA)[0])"], preexec_fn=memory.unlimited_in_child,
                           capture_output=True, text=True).stdout.strip()
    print(json.dumps({"now": now, "lower": lower, "soft_hard": resource.getrlimit(data),
                      "hard": hard, "refused": refused, "after": after, "child": int(child),
                      "limited": memory.limited()}))
    """)
    limit = memory.GRADER_MEMORY_BYTES
    assert found["now"] == found["lower"] == limit
    assert found["soft_hard"] == [limit, found["hard"]]
    assert found["refused"] and found["after"] == 64 << 20 and found["limited"]
    assert found["child"] == found["hard"]


_RECEIVER = """
import json, socket, sys, time
from calcrl_checks.crossing import wire
from calcrl_checks.engine import memory
from calcrl_checks.crossing.channel import Channel, ChannelError
limit = memory.limit_grader_memory()
channel = Channel(socket.socket(fileno=int(sys.argv[1])), max_frame=int(sys.argv[2]))
before = status("VmHWM")
try:
    message = channel.receive(time.monotonic() + 60)
    try:
        wire.decode_value(message["value"])
        outcome = "decoded"
    except wire.TooLarge as error:
        outcome = f"TooLarge: {error}"
except ChannelError as error:
    outcome = f"{type(error).__name__}: {error}"
print(json.dumps({"outcome": outcome, "grew": status("VmHWM") - before, "limit": limit,
                  "peak": status("VmHWM")}))
"""


@pytest.mark.parametrize("references, refused_by", [(10_000, "FrameTooLarge"),
                                                     (100, "TooLarge")])
def test_a_buffer_named_many_times_is_refused_and_costs_the_receiver_little(references,
                                                                           refused_by):
    """10,000 names of one 1 MiB buffer (10 GiB decoded) are over the frame's cap; 100 names
    (100 MiB) pass the frame's cap and are over one answer's. Either way the receiver's peak
    memory grows by about the bytes that travelled, far from what they would decode to."""
    here, there = socket.socketpair()
    frame = _frame({"id": 0, "value": _shared_list(references)}, [bytes(MIB)])
    sender = threading.Thread(target=lambda: _send_quietly(here, frame), daemon=True)
    sender.start()
    found = _python(_RECEIVER, str(there.fileno()), str(SESSION_FRAME), fds=(there.fileno(),))
    there.close()
    sender.join(10)
    here.close()
    assert found["outcome"].startswith(refused_by), found
    assert "exceeds the" in found["outcome"]
    assert found["grew"] < 32 * MIB, found               # 1 to 2 MiB travelled
    assert found["peak"] < found["limit"] // 4, found    # 10 GiB would have been decoded


def test_a_reply_past_the_graders_memory_limit_costs_that_reply_not_the_grader():
    """JSON swells in memory (57 MB of ``{},`` is 20 million dicts, about 1.4 GiB): under a
    limit it cannot reach, the frame is refused and let go of, and the grader goes on."""
    here, there = socket.socketpair()
    text = b'{"v":[' + b"{}," * 20_000_000 + b"{}]}"
    frame = struct.pack("!II", len(text), 0) + text
    sender = threading.Thread(target=lambda: _send_quietly(here, frame), daemon=True)
    sender.start()
    found = _python("""
    import json, socket, sys, time
    from calcrl_checks.engine import memory
    from calcrl_checks.crossing.channel import Channel, FrameRefused
    limit = memory.limit_grader_memory(status("VmData") + (400 << 20))
    channel = Channel(socket.socket(fileno=int(sys.argv[1])))
    try:
        channel.receive(time.monotonic() + 60)
        outcome = "received"
    except FrameRefused as error:
        outcome = str(error)
    after = len(bytearray(200 << 20))
    print(json.dumps({"outcome": outcome, "after": after, "peak": status("VmHWM"),
                      "limit": limit}))
    """, str(there.fileno()), fds=(there.fileno(),))
    there.close()
    sender.join(30)
    here.close()
    assert found["outcome"] == "a frame did not fit in the receiver's memory limit", found
    assert found["after"] == 200 << 20
    # resident memory also counts code and shared libraries, which the data limit does not
    assert found["peak"] < found["limit"] + 100 * MIB < 1400 * MIB, found


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError:  # the receiver stopped reading once it refused the frame
        pass


#: With ``SHARED_BUFFER``: every cell's reply after this one carries 10,000 names of its buffer.
_FLOODED_RUN = ("_real_run = _child.NotebookProcess._run\n"
                "def _run(self, request):\n"
                "    return {**_real_run(self, request), 'junk': [_block] * 10_000}\n"
                "_child.NotebookProcess._run = _run\n")


def test_a_patched_sandbox_costs_one_notebook_a_clear_error_and_the_next_is_graded():
    """Through a real sandbox: the notebook's own channel patched (``attacks.SHARED_BUFFER``),
    in a grader whose memory is limited. The sandbox does not inherit that limit."""
    found = _python(f"""
    import json, os
    import sympy as sp
    from calcrl_checks.engine import memory
    from calcrl_checks.engine.host import Limits, Sandbox
    from calcrl_checks.engine.remote import fetch_answer
    memory.limit_grader_memory()
    sandbox = Sandbox()
    sandbox.start()
    try:
        with open(f"/proc/{{sandbox.process.pid}}/limits") as limits:
            sandbox_data = next(l for l in limits if l.startswith("Max data size")).split()[3]
        with sandbox.open(Limits()) as session:
            session.run({SHARED_BUFFER!r} + "df = 1\\ndf_at_0 = 5\\n", 30)
            before = status("VmHWM")
            hostile = fetch_answer(session, "df")
            grew = status("VmHWM") - before
        with sandbox.open(Limits()) as session:
            session.run({SHARED_BUFFER!r} + {_FLOODED_RUN!r}, 30)
            flooded = session.run("x = 1", 30)
        with sandbox.open(Limits()) as session:
            session.run("import sympy as sp\\nx = sp.Symbol('x')\\n" + {RIGHT_DF!r}, 30)
            honest = fetch_answer(session, "df")
    finally:
        sandbox.stop()
    x = sp.Symbol("x")
    print(json.dumps({{"message": hostile.message, "code": hostile.code, "grew": grew,
                      "honest": sp.simplify(honest - 6 * (2 * x + 1) ** 2) == 0,
                      "sandbox_data": sandbox_data, "flooded": [flooded.status,
                                                                flooded.reason]}}))
    """)
    assert found["code"] == UNREADABLE
    assert found["message"].startswith("df could not be read from your notebook: it is larger "
                                       "than the grader accepts (164 MiB for one reply")
    assert found["grew"] < 32 * MIB, found  # 10,000 names of 1 MiB: 10 GiB if decoded
    assert found["honest"] is True
    assert found["sandbox_data"] == "unlimited"
    status, reason = found["flooded"]
    assert status == "ended" and reason.startswith("it sent the grader more than it accepts "
                                                   "(frame whose buffers decode to"), reason


def test_through_calcrl_autograde_one_student_loses_the_part_and_the_others_are_graded(tmp_path):
    """One warm grader grades, in order, an honest student, the patched one, an honest one."""
    root = course.new_course(tmp_path / "course")
    right = {"q10-df": RIGHT_DF, "q10-df-at-0": "df_at_0 = 6\n"}
    course.submit(root, "a-honest", "q10_chain_rule_power.ipynb", right)
    course.submit(root, "b-patched", "q10_chain_rule_power.ipynb",
                  {"q10-df": SHARED_BUFFER + "\n" + RIGHT_DF, "q10-df-at-0": WRONG_DF_AT_0})
    course.submit(root, "c-honest", "q10_chain_rule_power.ipynb", right)
    timings = tmp_path / "timings.json"
    result = calcrl(root, "autograde", course.ASSIGNMENT, "--jobs", "1", "--timings",
                    str(timings))
    assert result.returncode == 0, result.stdout + result.stderr
    q10 = {"q10-df-test", "q10-df-at-0-test"}
    for student in ("a-honest", "c-honest"):
        scores = course.scores(root, student)
        assert {cell: scores[cell] for cell in q10} == {"q10-df-test": 3, "q10-df-at-0-test": 1}
    patched = course.scores(root, "b-patched")
    assert {cell: patched[cell] for cell in q10} == {"q10-df-test": 0, "q10-df-at-0-test": 0}
    graded = course.load(root / "autograded" / "b-patched" / course.ASSIGNMENT /
                         "q10_chain_rule_power.ipynb")
    shown = json.dumps(course.cell_by_id(graded, "q10-df-test")["outputs"])
    assert "larger than the grader accepts" in shown, shown[:2000]
    peaks = {student: entry["grader_peak_mb"]
             for student, entry in json.loads(timings.read_text()).items()}
    assert peaks["b-patched"] < peaks["a-honest"] + 64, peaks  # 10 GiB named, ~1 MiB held


def test_every_warm_grader_runs_under_its_memory_limit():
    from calcrl_checks.instructor.grading.warm import WarmGrader

    grader = WarmGrader()
    grader.start()
    deadline = time.monotonic() + 60  # it sets the limit as it starts, before warming up
    try:
        while True:
            limits = Path(f"/proc/{grader.pid}/limits").read_text()
            soft = next(line for line in limits.splitlines()
                        if line.startswith("Max data size")).split()[3]
            if soft != "unlimited" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    finally:
        grader.stop(now=True)
    assert soft == str(memory.GRADER_MEMORY_BYTES), limits
