"""The grading engine's parts: the channel, plain-data values, outputs, hidden regions, files,
and a real sandbox session (bubblewrap) with its limits."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import sympy as sp
from nbformat import NotebookNode
from nbgrader.utils import determine_grade

from calcrl_checks.crossing import wire
from calcrl_checks.engine import outputs
from calcrl_checks.crossing.channel import Channel, ChannelError, ChannelTimeout
from calcrl_checks.engine.files import LinkInSubmission, submission_files
from calcrl_checks.engine.hidden import answer_names, run_hidden, segments
from calcrl_checks.engine.host import Limits, Sandbox
from calcrl_checks.engine.remote import RemoteError, _exception, fetch_answer
from calcrl_checks.engine.runner import NotebookRunner
from calcrl_checks.outcome.errors import BudgetExceeded
from calcrl_checks.cells.notebook import VERDICT_MIME, Graded
from calcrl_checks.outcome.verdict import Verdict

pytestmark = pytest.mark.engine


# -- the channel -----------------------------------------------------------------------------------
def test_messages_cross_with_their_bytes():
    a, b = socket.socketpair()
    Channel(a).send({"op": "x", "blob": b"\x00" * 100_000, "nested": [{"more": b"\x01"}]})
    message = Channel(b).receive(deadline=time.monotonic() + 5)
    assert message["blob"] == b"\x00" * 100_000 and message["nested"][0]["more"] == b"\x01"


@pytest.mark.parametrize("garbage", [b"\xff" * 64, b"\x00\x00\x00\x05\x00\x00\x00\x00hello",
                                     b"\x00\x00\x00\x02\x00\x00\x00\x00[]",
                                     b"\x00\x00\x00\x0e\x00\x00\x00\x00{\"a\":{\"__buffer__\":3}}"[:22]])
def test_a_frame_that_is_not_a_message_is_an_error(garbage):
    a, b = socket.socketpair()
    a.sendall(garbage)
    a.close()
    with pytest.raises(ChannelError):
        Channel(b).receive(deadline=time.monotonic() + 5)


def test_a_deeply_nested_message_is_an_error_not_a_crash():
    a, b = socket.socketpair()
    text = b"[" * 100_000 + b"]" * 100_000
    a.sendall(len(text).to_bytes(4, "big") + (0).to_bytes(4, "big") + text)
    with pytest.raises(ChannelError):
        Channel(b, max_frame=1 << 22).receive(deadline=time.monotonic() + 5)


def test_a_frame_over_the_cap_is_refused_on_both_ends():
    a, b = socket.socketpair()
    with pytest.raises(ChannelError):
        Channel(a, max_frame=1000).send({"blob": b"x" * 2000})
    Channel(a).send({"blob": b"x" * 2000})
    with pytest.raises(ChannelError):
        Channel(b, max_frame=1000).receive(deadline=time.monotonic() + 5)


def test_a_budget_that_fires_while_waiting_loses_no_part_of_the_reply():
    a, b = socket.socketpair()
    receiver = Channel(b)

    def expire(signum, frame):
        raise BudgetExceeded(0.05)

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with pytest.raises(BudgetExceeded):
            receiver.receive(deadline=None)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    Channel(a).send({"late": b"reply"})
    assert receiver.receive(deadline=time.monotonic() + 5) == {"late": b"reply"}


def test_no_reply_in_time_is_a_timeout():
    _, b = socket.socketpair()
    with pytest.raises(ChannelTimeout):
        Channel(b).receive(deadline=time.monotonic() + 0.1)


# -- values as plain data --------------------------------------------------------------------------
x = sp.Symbol("x")


@pytest.mark.parametrize("value", [3, -2.5, 1 + 2j, "2x e^x", np.float32(1.5), np.int64(7),
                                   [1, (2.0, "x")], np.arange(6.0).reshape(2, 3),
                                   np.array(2.0), sp.exp(x) / 2, sp.Matrix([x, 1]), None, True])
def test_values_keep_their_type_across(value):
    back = wire.decode_value(wire.encode_value(value))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.shape == value.shape and back.dtype == value.dtype
        np.testing.assert_array_equal(back, value)
    else:
        assert back == value


def test_a_tensor_crosses_as_a_tensor_of_the_same_dtype():
    import torch

    for tensor in (torch.tensor(2.0, requires_grad=True), torch.arange(4, dtype=torch.int64),
                   torch.tensor([1.5, 2.5], dtype=torch.bfloat16)):
        back = wire.decode_value(wire.encode_value(tensor))
        assert type(back) is torch.Tensor and back.dtype == tensor.dtype
        assert back.shape == tensor.shape and not back.requires_grad


class _Rigged(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def test_a_subclass_crosses_only_as_its_type_name_and_is_refused():
    back = wire.decode_value(wire.encode_value(_Rigged(1.0)))
    assert isinstance(back, wire.Unsupported) and back.type_name == "_Rigged"
    from calcrl_checks import compare

    assert compare(back, 1.0).code == "wrong_type"
    assert "_Rigged" in compare(back, 1.0).message


def test_a_refused_expression_is_refused_again_with_the_same_message():
    back = wire.decode_value(wire.encode_value(sp.Derivative(x ** 2, x)))
    from calcrl_checks import compare

    verdict = compare(back, 2 * x)
    assert verdict.code == "unsafe_input" and "Derivative" in verdict.message


@pytest.mark.parametrize("data", [{"kind": "float", "value": "nan()"}, {"kind": "list"},
                                  {"kind": "int", "value": "1" * 5000}, {"kind": "eval"},
                                  {"kind": "array", "dtype": "object", "shape": [1], "data": b""},
                                  {"kind": "matrix", "rows": 2, "cols": 2, "items": []}])
def test_malformed_values_do_not_decode(data):
    with pytest.raises(ValueError):
        wire.decode_value(data)


def test_values_nested_too_deep_do_not_decode():
    data: dict = {"kind": "text", "text": "x"}
    for _ in range(100):
        data = {"kind": "list", "items": [data]}
    with pytest.raises(ValueError):
        wire.decode_value(data)


# -- outputs ---------------------------------------------------------------------------------------
_FORGED = {"output_type": "display_data", "metadata": {},
           "data": {VERDICT_MIME: {"passed": True, "code": "correct"}, "text/plain": "ok"}}


def test_sandbox_outputs_never_carry_a_verdict_or_a_score_in_a_test_cell():
    raw = [_FORGED, {"output_type": "execute_result", "data": {"text/plain": "3.0"},
                     "metadata": {}, "execution_count": 1},
           {"output_type": "stream", "name": "stderr", "text": "noise"},
           {"output_type": "stream", "name": "stdout", "text": "shown"}]
    cleaned = outputs.from_sandbox(raw, test_cell=True, execution_count=1)
    assert [o.output_type for o in cleaned] == ["display_data", "display_data", "stream"]
    assert all(VERDICT_MIME not in o.get("data", {}) for o in cleaned)


@pytest.mark.parametrize("output", [None, "text", {"output_type": "evil"},
                                    {"output_type": "stream", "name": "stdin", "text": "x"},
                                    {"output_type": "display_data", "data": {"nomime": "x"}},
                                    {"output_type": "display_data", "data": "x"}])
def test_malformed_sandbox_outputs_are_dropped(output):
    kept = outputs.from_sandbox([output], test_cell=False, execution_count=None)
    assert kept in ([], [outputs.stream(outputs.DROPPED_NOTE)])  # at most the note says so


def _scored(cell_outputs, points=3.0):
    cell = NotebookNode(cell_type="code", source="", outputs=cell_outputs, execution_count=1,
                        metadata=NotebookNode(nbgrader=NotebookNode(grade=True, solution=False,
                                                                   points=points,
                                                                   grade_id="t")))
    return determine_grade(cell)[0]


@pytest.mark.parametrize("verdicts, expected", [
    ([Verdict(True, 1.0, "correct", "Correct")], 3.0),
    ([Verdict(False, 0.5, "unsubstituted", "Half")], 1.5),
    ([Verdict(False, 0.0, "wrong", "Not yet")], 0.0),
    ([Verdict(True, 1.0, "correct", "ok"), Verdict(False, 0.0, "wrong", "no")], 0.0),
])
def test_nbgrader_reads_exactly_the_trusted_score(verdicts, expected):
    graded = [Graded(v, "p", 3.0) for v in verdicts]
    cell_outputs = outputs.verdicts(graded) + outputs.score(graded, 3.0, 1)
    assert _scored(cell_outputs) == expected


# -- hidden regions --------------------------------------------------------------------------------
def test_a_cell_splits_into_visible_and_hidden_parts_in_order():
    source = ("a = 1\n### BEGIN HIDDEN TESTS\nb = 2\n### END HIDDEN TESTS\nc = 3\n"
              "### BEGIN HIDDEN TESTS\nd = 4\n### END HIDDEN TESTS\n")
    assert [(s.hidden, s.code.strip()) for s in segments(source)] == [
        (False, "a = 1"), (True, "b = 2"), (False, "c = 3"), (True, "d = 4")]


def test_answer_names_are_free_names_without_builtins():
    code = ("import numpy as np\nfrom calcrl_checks import check\nx = 2\n"
            "total = sum(v for v in answer)\nitems = [w + x for w in other]\n"
            "check(df, total, hints=[float(h) for h in hints])\n")
    assert answer_names(code) == ["answer", "df", "hints", "other"]


def test_a_hidden_region_runs_here_on_fetched_answers():
    fetched = []

    def fetch(name):
        fetched.append(name)
        if name == "missing":
            raise LookupError(name)
        return {"df": "2x", "sum": lambda *a: 0}[name]

    code = ("import sympy as sp\nfrom calcrl_checks import check\n"
            "from calcrl_checks.cells.notebook import grade\n"
            "grade(check, df, 2 * sp.Symbol('x'), points=1, part='df')\n")
    result = run_hidden(code, fetch)
    assert fetched == ["df"] and result.error is None
    assert [g.verdict.code for g in result.graded] == ["correct"]
    missing = run_hidden("print(missing)", fetch)
    assert missing.error == ("NameError", "name 'missing' is not defined")


def test_a_failing_check_in_a_hidden_region_is_recorded_not_raised():
    code = ("from calcrl_checks import check\nfrom calcrl_checks.cells.notebook import grade\n"
            "grade(check, answer, 3, points=2, part='p')\n")
    result = run_hidden(code, lambda name: 5)
    assert result.error is None and result.graded[0].verdict.code != "correct"
    assert _scored(outputs.verdicts(result.graded) + outputs.score(result.graded, 2, 1), 2) == 0


# -- files a sandbox starts with -------------------------------------------------------------------
def test_a_submission_is_copied_with_release_data_on_top_and_no_notebook_of_the_release(tmp_path):
    submitted, release = tmp_path / "s", tmp_path / "r"
    (submitted / "data").mkdir(parents=True)
    (submitted / "q.ipynb").write_text("{}")
    (submitted / "data" / "mine.csv").write_text("1,2")
    (submitted / "table.csv").write_text("student's copy")
    release.mkdir()
    (release / "table.csv").write_text("course copy")
    (release / "q.ipynb").write_text("release notebook")
    files = submission_files(submitted, release)
    assert files == {"q.ipynb": b"{}", "data/mine.csv": b"1,2", "table.csv": b"course copy"}


def test_a_submission_with_a_link_is_refused(tmp_path):
    (tmp_path / "secret").write_text("hidden tests")
    submitted = tmp_path / "s"
    submitted.mkdir()
    (submitted / "notes.txt").symlink_to(tmp_path / "secret")
    with pytest.raises(LinkInSubmission, match="notes.txt"):
        submission_files(submitted)


def test_files_beyond_the_size_cap_are_left_out(tmp_path):
    (tmp_path / "big.bin").write_bytes(b"0" * 5000)
    (tmp_path / "small.txt").write_bytes(b"ok")
    assert submission_files(tmp_path, max_bytes=1000) == {"small.txt": b"ok"}


# -- exceptions from student functions -------------------------------------------------------------
def test_a_student_exception_is_rebuilt_by_name():
    assert type(_exception({"type": "ZeroDivisionError", "message": "x"})) is ZeroDivisionError
    custom = _exception({"type": "MyError", "message": "boom"})
    assert isinstance(custom, RemoteError) and type(custom).__name__ == "MyError"
    assert not isinstance(_exception({"type": "KeyboardInterrupt"}), KeyboardInterrupt)
    assert type(_exception({"type": "not an identifier!"})).__name__ == "StudentError"


# -- a real sandbox --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox()
    box.start()
    yield box
    box.stop()


def test_a_function_answer_is_called_in_the_sandbox_with_the_graders_inputs(sandbox):
    with sandbox.open(Limits()) as session:
        session.run("import numpy as np\n"
                    "def grad(w):\n    w *= 2\n    return w + 1\n", 10)
        grad = fetch_answer(session, "grad")
        w = np.array([1.0, 2.0])
        assert grad(w).tolist() == [3.0, 5.0]
        assert w.tolist() == [2.0, 4.0]  # the in-place change shows on the grader's side
        with pytest.raises(TypeError):
            grad("text")


def test_a_check_on_a_sandboxed_function_gives_the_same_verdict(sandbox):
    from calcrl_checks import compare

    with sandbox.open(Limits()) as session:
        session.run("import numpy as np\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"
                    "def wrong(x):\n    return np.exp(x)\n", 10)
        right, wrong = fetch_answer(session, "sigmoid"), fetch_answer(session, "wrong")
        expected = 1 / (1 + sp.exp(-x))
        assert compare(right, expected, domain={"x": (-3, 3)}).code == "correct"
        local = compare(lambda v: np.exp(v), expected, domain={"x": (-3, 3)})
        remote = compare(wrong, expected, domain={"x": (-3, 3)})
        assert (remote.code, remote.score) == (local.code, local.score)


def test_a_function_that_never_returns_runs_out_of_budget(sandbox):
    from calcrl_checks import compare

    with sandbox.open(Limits()) as session:
        session.run("def stuck(x):\n    while True:\n        pass\n", 10)
        started = time.monotonic()
        verdict = compare(fetch_answer(session, "stuck"), 2 * x, domain={"x": (0, 1)})
        assert verdict.code == "timeout" and time.monotonic() - started < 10


_TD_UPDATES = (
    "import numpy as np\n"
    "def right(w, phi_s, r, phi_next, gamma, alpha):\n"
    "    return w + alpha * (r + gamma * w @ phi_next - w @ phi_s) * phi_s\n"
    "def against(w, phi_s, r, phi_next, gamma, alpha):\n"
    "    return w - alpha * (r + gamma * w @ phi_next - w @ phi_s) * phi_s\n"
    "def fails_late(w, phi_s, r, phi_next, gamma, alpha):\n"
    "    if w[-1] > 0.5:\n"
    "        raise ValueError('w[-1] is too large')\n"
    "    return right(w, phi_s, r, phi_next, gamma, alpha)\n"
    "calls = 0\n"
    "def right_at_first(w, phi_s, r, phi_next, gamma, alpha):\n"
    "    global calls\n"
    "    calls += 1\n"
    "    return right(w, phi_s, r, phi_next, gamma, alpha) * (1 if calls <= 3000 else 2)\n")


def _learning(update):
    from calcrl_checks.checks.scenarios import check_td_learns

    return check_td_learns(update)


@pytest.mark.parametrize("name", ["right", "against", "fails_late"])
def test_a_learning_run_in_the_sandbox_ends_as_it_does_here(sandbox, name):
    from calcrl_checks.checks.scenarios import td_run

    namespace: dict = {}
    exec(_TD_UPDATES, namespace)
    with sandbox.open(Limits()) as session:
        session.run(_TD_UPDATES, 10)
        remote = fetch_answer(session, name)
        here, there = _learning(namespace[name]), _learning(remote)
        assert (there.code, there.message) == (here.code, here.message)
        if name != "fails_late":
            w_here, snapshots_here = td_run(namespace[name], record_every=100)
            w_there, snapshots_there = td_run(remote, record_every=100)
            assert np.array_equal(w_there, w_here, equal_nan=True)
            assert np.array_equal(snapshots_there, snapshots_here, equal_nan=True)


def test_a_function_that_changes_between_calls_is_not_repeatable(sandbox):
    with sandbox.open(Limits()) as session:
        session.run(_TD_UPDATES, 10)
        verdict = _learning(fetch_answer(session, "right_at_first"))
        assert verdict.code == "not_repeatable" and not verdict.passed


def test_a_doctored_learning_run_is_not_believed(sandbox):
    """The sandbox reports the run of a right update while the answer has the wrong sign."""
    from calcrl_checks.checks.scenarios import _td_inputs, ChainMRP

    doctor = ("import sys\n"
              "_child = sys.modules['calcrl_checks.engine.sandbox.child']\n"
              "_real = _child.NotebookProcess._iterate\n"
              "def _doctored(self, request):\n"
              "    kept = dict(self.handles.functions)\n"
              "    self.handles.functions.update({h: right for h, f in kept.items()\n"
              "                                   if f is against})\n"
              "    try:\n"
              "        return _real(self, request)\n"
              "    finally:\n"
              "        self.handles.functions.update(kept)\n"
              "_child.NotebookProcess._iterate = _doctored\n")
    with sandbox.open(Limits()) as session:
        session.run(_TD_UPDATES + doctor, 10)
        against = fetch_answer(session, "against")
        claimed, _ = against.iterate(np.zeros(5), _td_inputs(ChainMRP(), 3000, 0))
        right = fetch_answer(session, "right")
        honest, _ = right.iterate(np.zeros(5), _td_inputs(ChainMRP(), 3000, 0))
        assert np.array_equal(claimed, honest)  # the doctoring works on the run itself
        verdict = _learning(against)
        assert verdict.code == "not_repeatable" and not verdict.passed


def test_a_cell_past_its_time_limit_is_stopped_and_the_notebook_goes_on(sandbox):
    files = {"data.txt": b"from the submission"}
    with NotebookRunner(sandbox, Limits(cell_seconds=2), files) as runner:
        runner.run("value = open('data.txt').read()")
        shown, _, result = runner.run("import signal\n"
                                      "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                      "while True:\n    pass\n")
        assert result.status == "timeout"
        assert shown[-1].ename == "TimeoutError" and "2-second" in shown[-1].evalue
        assert runner.fetch("value") == "from the submission"  # replayed in a fresh process


def test_a_process_that_dies_is_replaced_with_the_earlier_cells_run_again(sandbox):
    with NotebookRunner(sandbox, Limits(), {}) as runner:
        runner.run("x = 41")
        shown, _, result = runner.run("import os\nos._exit(3)")
        assert result.status == "ended" and shown[-1].ename == "NotebookStopped"
        runner.run("x += 1")
        assert runner.fetch("x") == 42


def test_memory_beyond_the_cap_is_refused(sandbox):
    with NotebookRunner(sandbox, Limits(memory_mb=256), {}) as runner:
        shown, _, _ = runner.run("import numpy as np\nblock = np.ones(512 * 2**20, np.uint8)")
        assert shown[-1].ename == "MemoryError" or shown[-1].ename == "NotebookStopped"


def test_a_notebook_starts_with_no_trace_of_the_templates_warm_up(sandbox):
    with NotebookRunner(sandbox, Limits(), {}) as runner:
        shown, _, _ = runner.run(
            "import matplotlib.pyplot as plt\n"
            "(plt.get_fignums(), sorted(k for k in globals() if k[0] != '_' and k not in"
            " ('In', 'Out', 'exit', 'quit', 'get_ipython', 'open', 'plt')))")
    assert shown[-1].output_type == "execute_result", shown
    assert shown[-1].data["text/plain"] == "([], [])"
    assert shown[-1].execution_count == 1


def test_the_warm_up_draws_from_no_random_generator_and_leaves_no_figure():
    script = """
import random, numpy as np, torch, matplotlib.pyplot as plt
from calcrl_checks.engine.sandbox import zygote
kernel = zygote.preload()
states = lambda: (random.getstate(), repr(np.random.get_state()), torch.get_rng_state().tolist(),
                  plt.get_fignums(), sorted(kernel.namespace), kernel.shell.execution_count)
before = states()
zygote.warm_caches()
assert states() == before, "the warm-up changed what a notebook would start with"
print("same")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300)
    assert result.stdout.strip() == "same", result.stderr[-3000:]


def test_the_sandbox_check_command_passes_here(tmp_path):
    from conftest import calcrl

    result = calcrl(tmp_path, "sandbox-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAILED" not in result.stdout and result.stdout.count("[ok]") >= 8


def test_a_checker_failure_keeps_its_details_for_the_instructor_only():
    from calcrl_checks.outcome.guard import internal_error
    from calcrl_checks.cells.notebook import verdict_output

    bundle = verdict_output(Graded(internal_error(KeyError("boom")), "p", 2.0))
    assert bundle[VERDICT_MIME]["code"] == "internal_error"
    assert "KeyError" in bundle[VERDICT_MIME]["details"]["internal_error"]
    assert "KeyError" not in bundle["text/plain"] + bundle[VERDICT_MIME]["message"]
