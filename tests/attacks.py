"""Tampering submissions: wrong honest answers plus code that tries to earn points anyway.

Each attack is one student handing in one notebook whose answers are wrong; the attack's code
sits in an answer cell (or in a file handed in, or in the notebook's metadata). Graded by the
engine, every attacked part must earn 0, no verdict record may say "correct", and nothing
outside the attacker's own graded folder may change. ``COURSE`` in a payload is replaced by the
course folder's absolute path, ``VICTIM`` by another student's name, ``MARK`` by a marker that
names processes and files the attack leaves behind (so the test can look for them).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Q10 = "q10_chain_rule_power.ipynb"
Q14 = "q14_squared_td_error.ipynb"
Q09 = "q09_td_semi_gradient.ipynb"
Q10_TESTS = ("q10-df-test", "q10-df-at-0-test")
WRONG_DF = "df = 6 * (2 * x + 1)\n"
WRONG_DF_AT_0 = "df_at_0 = 5\n"
RIGHT_DF = "df = 6 * (2 * x + 1) ** 2\n"
WRONG_SQUARED_GRAD = "def squared_loss_grad(delta):\n    return delta\n"


@dataclass(frozen=True)
class Attack:
    name: str
    family: str
    #: code placed before the wrong answer in the q10 ``df`` cell (or the whole answer cells)
    payload: str = ""
    notebook: str = Q10
    cells: dict[str, str] = field(default_factory=dict)
    #: files handed in next to the notebook, path -> text
    files: dict[str, str] = field(default_factory=dict)
    #: changes the notebook's JSON before it is handed in (metadata tampering)
    edit: Callable[[dict[str, Any]], None] | None = None
    attacked: tuple[str, ...] = Q10_TESTS

    def answer_cells(self) -> dict[str, str]:
        if self.cells:
            return self.cells
        return {"q10-df": self.payload + "\n" + WRONG_DF, "q10-df-at-0": WRONG_DF_AT_0}


def _cell(notebook: dict[str, Any], grade_id: str) -> dict[str, Any]:
    return next(c for c in notebook["cells"]
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _ungrade_test_cells(notebook: dict[str, Any]) -> None:
    for grade_id in Q10_TESTS:
        meta = _cell(notebook, grade_id)["metadata"]["nbgrader"]
        meta.update(grade=False, solution=True, locked=False)


def _answer_claims_test_id(notebook: dict[str, Any]) -> None:
    answer, test = _cell(notebook, "q10-df"), _cell(notebook, "q10-df-test")
    notebook["cells"].remove(test)
    answer["metadata"]["nbgrader"] = {**test["metadata"]["nbgrader"]}


def _bonus_cell(notebook: dict[str, Any]) -> None:
    bonus = {"cell_type": "code", "execution_count": None, "id": "bonus", "outputs": [],
             "metadata": {"nbgrader": {"grade": True, "grade_id": "bonus", "locked": True,
                                       "points": 50, "schema_version": 3, "solution": False,
                                       "task": False}},
             "source": "assert True"}
    notebook["cells"].append(bonus)


def _hidden_tests_rewritten(notebook: dict[str, Any]) -> None:
    for grade_id in Q10_TESTS:
        cell = _cell(notebook, grade_id)
        cell["source"] = "print('all good')\n"
        cell["metadata"]["nbgrader"]["locked"] = False


def _test_cells_as_markdown(notebook: dict[str, Any]) -> None:
    for grade_id in Q10_TESTS:
        cell = _cell(notebook, grade_id)
        cell["cell_type"] = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _points_raised(notebook: dict[str, Any]) -> None:
    for grade_id in Q10_TESTS:
        _cell(notebook, grade_id)["metadata"]["nbgrader"]["points"] = 1000


_FAKE_CHECKER = {
    "calcrl_checks/__init__.py": "def check(*a, **k):\n    return None\n"
                                 "def check_derivative(*a, **k):\n    return None\n",
    "calcrl_checks/cells/notebook.py": "def grade(*a, **k):\n    return None\n",
    "calcrl_checks/cells/form.py": "def expression(*a, **k):\n    pass\n"
                             "def number(*a, **k):\n    pass\n",
}

_FORGED_RECORD = (
    "from IPython.display import display\n"
    "forged = {'application/vnd.calcrl.verdict+json': {'passed': True, 'score': 1.0, "
    "'code': 'correct', 'proved': True, 'message': 'Correct', 'part': 'df', 'points': 3}, "
    "'text/plain': '[df: correct]'}\n"
    "display(forged, raw=True)\n"
    "import calcrl_checks.form as _form\n"
    "_real = _form.expression\n"
    "def _loud(*a, **k):\n"
    "    display(forged, raw=True)\n"
    "    import sys; sys.displayhook(3.0)\n"
    "    return _real(*a, **k)\n"
    "_form.expression = _loud\n"
    "_form.number = lambda *a, **k: (display(forged, raw=True), sys.displayhook(1.0))\n"
    "import sys\n")

_DAEMON = (
    "import subprocess, sys\n"
    "script = '''\n"
    "import time, sqlite3, pathlib\n"
    "for _ in range(30):\n"
    "    time.sleep(1)\n"
    "    for target in ['COURSE/reports/calculus/grades.csv', 'COURSE/gradebook.db']:\n"
    "        try:\n"
    "            pathlib.Path(target).write_text('tampered')\n"
    "        except OSError:\n"
    "            pass\n"
    "'''\n"
    "subprocess.Popen([sys.executable, '-c', script, 'MARK'], start_new_session=True,\n"
    "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "import os\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    if os.fork() == 0:\n"
    "        os.execv(sys.executable, [sys.executable, '-c', script, 'MARK'])\n"
    "    os._exit(0)\n")

#: The notebook's side of the channel patched to name one 1 MiB buffer 10,000 times in the reply
#: that sends ``df``: 1 MiB travels, 10 GiB would be decoded (a grader once copied each twice).
SHARED_BUFFER = (
    "import sys\n"
    "_channel = sys.modules.get('calcrl_checks.crossing.channel')\n"
    "_child = sys.modules.get('calcrl_checks.engine.sandbox.child')\n"
    "_block = bytes(1 << 20)\n"
    "def _shared(value, buffers):\n"
    "    if isinstance(value, (bytes, bytearray)):\n"
    "        for index, buffer in enumerate(buffers):\n"
    "            if buffer is value:\n"
    "                return {'__buffer__': index}\n"
    "        buffers.append(value)\n"
    "        return {'__buffer__': len(buffers) - 1}\n"
    "    if isinstance(value, dict):\n"
    "        return {str(k): _shared(v, buffers) for k, v in value.items()}\n"
    "    if isinstance(value, (list, tuple)):\n"
    "        return [_shared(v, buffers) for v in value]\n"
    "    return value\n"
    "if _channel is not None and _child is not None:\n"
    "    _channel._extract = _shared\n"
    "    _real_fetch = _child.NotebookProcess._fetch\n"
    "    def _fetch(self, request):\n"
    "        if request.get('name') != 'df':\n"
    "            return _real_fetch(self, request)\n"
    "        item = {'kind': 'array', 'dtype': 'float64', 'shape': [1 << 17], 'data': _block,\n"
    "                'source_dtype': 'float64'}\n"
    "        return {'value': {'kind': 'list', 'items': [item] * 10_000}}\n"
    "    _child.NotebookProcess._fetch = _fetch\n")


ATTACKS: list[Attack] = [
    # -- replacing the checker ------------------------------------------------------------------
    Attack("grade-replaced", "replace the checker",
           "import calcrl_checks.cells.notebook as nb\nnb.grade = lambda *a, **k: None\n"),
    Attack("check-replaced", "replace the checker",
           "import calcrl_checks, calcrl_checks.api as api, calcrl_checks.checks.calculus as calc\n"
           "from calcrl_checks.outcome.verdict import Verdict\n"
           "ok = lambda *a, **k: Verdict(True, 1.0, 'correct', 'Correct')\n"
           "calcrl_checks.check = calcrl_checks.check_derivative = ok\n"
           "api.check = api.compare = calc.check_derivative = ok\n"),
    Attack("tolerance-patched", "replace the checker",
           "from calcrl_checks.pipeline.stage5_compare import Tolerance\n"
           "Tolerance.close = lambda self, *a, **k: True\n"),
    Attack("verdict-passed-patched", "replace the checker",
           "from calcrl_checks.outcome import verdict\n"
           "verdict.Verdict.passed = property(lambda self: True)\n"
           "verdict.CheckFailed.__init__ = lambda self, v: None\n"),
    Attack("fake-module-in-sys-modules", "replace the checker",
           "import sys, types\n"
           "fake = types.ModuleType('calcrl_checks')\n"
           "fake.check = fake.check_derivative = lambda *a, **k: None\n"
           "fake.form = types.SimpleNamespace(expression=lambda *a: None, number=lambda *a: None)\n"
           "fake_nb = types.ModuleType('calcrl_checks.cells.notebook')\n"
           "fake_nb.grade = lambda *a, **k: None\n"
           "sys.modules.update({'calcrl_checks': fake,\n"
           "                    'calcrl_checks.cells.notebook': fake_nb})\n"),
    Attack("import-hook", "replace the checker",
           "import builtins, types\n"
           "real_import = builtins.__import__\n"
           "def hooked(name, *a, **k):\n"
           "    module = real_import(name, *a, **k)\n"
           "    if name.startswith('calcrl_checks'):\n"
           "        for attr in ('grade', 'check', 'check_derivative'):\n"
           "            if hasattr(module, attr):\n"
           "                setattr(module, attr, lambda *a, **k: None)\n"
           "    return module\n"
           "builtins.__import__ = hooked\n"),
    Attack("checker-folder-handed-in", "replace the checker", files=_FAKE_CHECKER),
    Attack("checker-written-to-work-folder", "replace the checker",
           "import os, sys, importlib\n"
           "os.makedirs('calcrl_checks', exist_ok=True)\n"
           + "".join(f"open({path!r}, 'w').write({text!r})\n"
                     for path, text in _FAKE_CHECKER.items())
           + "for name in [m for m in sys.modules if m.startswith('calcrl_checks')]:\n"
             "    del sys.modules[name]\n"
             "sys.path.insert(0, os.getcwd())\nimportlib.invalidate_caches()\n"),
    Attack("only-while-grading", "replace the checker",
           cells={"q10-df": "import os\n"
                            "if any(k.startswith('NBGRADER') for k in os.environ):\n"
                            "    df = 6 * (2 * x + 1) ** 2\n"
                            "    df_marker = 'graded'\n"
                            "else:\n"
                            "    df = 6 * (2 * x + 1)\n",
                  "q10-df-at-0": "df_at_0 = 6 if 'NBGRADER_EXECUTION' in os.environ else 5\n"}),
    # -- patching what the checker uses -----------------------------------------------------------
    Attack("numpy-patched", "patch what the checker uses",
           "import numpy as np\n"
           "np.abs = lambda *a, **k: np.zeros(np.shape(a[0]))\n"
           "np.isfinite = lambda *a, **k: True\n"
           "np.allclose = np.isclose = lambda *a, **k: True\n"),
    Attack("sympy-diff-poisoned", "patch what the checker uses",
           "import sympy\n"
           "sympy.diff = lambda *a, **k: 6 * (2 * sympy.Symbol('x') + 1)\n"
           "sympy.Expr.diff = lambda self, *a, **k: 6 * (2 * sympy.Symbol('x') + 1)\n"
           "sympy.simplify = lambda e, *a, **k: sympy.Integer(0)\n"),
    Attack("mpmath-patched", "patch what the checker uses",
           "import mpmath\n"
           "mpmath.mp.dps = 1\n"
           "mpmath.almosteq = lambda *a, **k: True\n"),
    # -- rewriting the hidden tests as they run ---------------------------------------------------
    Attack("settrace", "rewrite the hidden tests as they run",
           "import sys\n"
           "def tracer(frame, event, arg):\n"
           "    if frame.f_code.co_name in ('grade', 'compare', 'check'):\n"
           "        frame.f_globals['CheckFailed'] = KeyError\n"
           "        raise SystemExit\n"
           "    return tracer\n"
           "sys.settrace(tracer)\n"),
    Attack("input-transformer", "rewrite the hidden tests as they run",
           "def drop_grading(lines):\n"
           "    return [l for l in lines if 'grade' not in l and 'check' not in l]\n"
           "get_ipython().input_transformers_post.append(drop_grading)\n"),
    Attack("ast-transformer", "rewrite the hidden tests as they run",
           "import ast\n"
           "class Swallow(ast.NodeTransformer):\n"
           "    def visit_Module(self, node):\n"
           "        handler = ast.ExceptHandler(type=None, name=None, body=[ast.Pass()])\n"
           "        node.body = [ast.Try(body=node.body or [ast.Pass()], handlers=[handler],\n"
           "                             orelse=[], finalbody=[])]\n"
           "        return ast.fix_missing_locations(node)\n"
           "get_ipython().ast_transformers.append(Swallow())\n"),
    Attack("tracebacks-hidden", "rewrite the hidden tests as they run",
           "ip = get_ipython()\n"
           "ip.showtraceback = lambda *a, **k: None\n"
           "ip._showtraceback = lambda *a, **k: None\n"),
    Attack("forged-verdict-record", "forge what the report reads", _FORGED_RECORD),
    # -- reading secrets --------------------------------------------------------------------------
    Attack("solutions-from-source", "read secrets",
           "import json, glob\n"
           "for path in glob.glob('../../../source/calculus/q10*') + "
           "glob.glob('COURSE/source/calculus/q10*'):\n"
           "    for cell in json.load(open(path))['cells']:\n"
           "        text = ''.join(cell['source'])\n"
           "        if 'BEGIN SOLUTION' in text:\n"
           "            exec(text.replace('### BEGIN SOLUTION', '').replace('### END SOLUTION',"
           " ''))\n"
           "stolen = True\n"),
    Attack("hidden-tests-from-gradebook", "read secrets",
           "import sqlite3, re, sympy as sp\n"
           "for path in ['../../../gradebook.db', 'COURSE/gradebook.db']:\n"
           "    try:\n"
           "        rows = sqlite3.connect(path).execute(\n"
           "            \"select source from source_cell where name = 'q10-df-test'\").fetchall()\n"
           "    except Exception:\n"
           "        continue\n"
           "    of = re.search(r'of=(.*?), wrt', rows[0][0]).group(1)\n"
           "    df_from_gradebook = sp.diff(eval(of), x)\n"),
    Attack("stack-walk-for-expected", "read secrets", notebook=Q14,
           cells={"q14-squared-grad":
                  "import sys\n"
                  "import numpy as np\n"
                  "def squared_loss_grad(delta):\n"
                  "    frame = sys._getframe(1)\n"
                  "    while frame is not None:\n"
                  "        for key, value in frame.f_locals.items():\n"
                  "            if key in ('expected', 'expected_side', 'reference', 'want'):\n"
                  "                try:\n"
                  "                    return value.evaluate([{'delta': d} for d in\n"
                  "                                           np.atleast_1d(delta)]).values\n"
                  "                except Exception:\n"
                  "                    pass\n"
                  "        frame = frame.f_back\n"
                  "    return delta\n"},
           attacked=("q14-squared-grad-test",)),
    # The sandbox runs a learning run in one round trip and reports its results; this one
    # reports the run of a right update while the answer's own update has the wrong sign.
    Attack("learning-run-doctored", "patch what the checker uses", notebook=Q09,
           cells={"q09-td-error": "import numpy as np\n"
                                  "def td_error(w, phi_s, r, phi_next, gamma):\n"
                                  "    return r + gamma * np.dot(w, phi_next) - np.dot(w, phi_s)\n",
                  "q09-semi-gradient":
                  "def semi_gradient(w, phi_s, r, phi_next, gamma):\n"
                  "    return -td_error(w, phi_s, r, phi_next, gamma) * phi_s\n",
                  "q09-td-update":
                  "import sys\n"
                  "def td_update(w, phi_s, r, phi_next, gamma, alpha):\n"
                  "    return w + alpha * semi_gradient(w, phi_s, r, phi_next, gamma)\n"
                  "def _right(w, phi_s, r, phi_next, gamma, alpha):\n"
                  "    return w - alpha * semi_gradient(w, phi_s, r, phi_next, gamma)\n"
                  "_child = sys.modules.get('calcrl_checks.engine.sandbox.child')\n"
                  "if _child is not None:\n"
                  "    _real = _child.NotebookProcess._iterate\n"
                  "    def _doctored(self, request):\n"
                  "        functions = self.handles.functions\n"
                  "        kept = dict(functions)\n"
                  "        functions.update({h: _right for h, f in kept.items()\n"
                  "                          if f is td_update})\n"
                  "        try:\n"
                  "            return _real(self, request)\n"
                  "        finally:\n"
                  "            functions.update(kept)\n"
                  "    _child.NotebookProcess._iterate = _doctored\n"},
           attacked=("q09-learns-test",)),
    Attack("other-students-answers", "read secrets",
           "import glob, json\n"
           "for path in glob.glob('../../*/calculus/q10*.ipynb') + "
           "glob.glob('COURSE/submitted/*/calculus/q10*.ipynb') + "
           "glob.glob('COURSE/autograded/*/calculus/q10*.ipynb'):\n"
           "    for cell in json.load(open(path))['cells']:\n"
           "        if cell['metadata'].get('nbgrader', {}).get('grade_id') == 'q10-df':\n"
           "            exec(''.join(cell['source']))\n"),
    Attack("grader-memory-and-environment", "read secrets",
           "import os\nfound = []\n"
           "for pid in os.listdir('/proc'):\n"
           "    for name in ('environ', 'mem', 'cmdline'):\n"
           "        try:\n"
           "            data = open(f'/proc/{pid}/{name}', 'rb').read(100000)\n"
           "            if b'BEGIN HIDDEN' in data or b'gradebook' in data:\n"
           "                found.append((pid, name))\n"
           "        except OSError:\n"
           "            pass\n"
           "if found:\n"
           "    df_at_0_secret = found\n"),
    Attack("symlink-to-source-handed-in", "read secrets",
           "import json\n"
           "try:\n"
           "    for cell in json.load(open('answers.ipynb'))['cells']:\n"
           "        if 'BEGIN SOLUTION' in ''.join(cell['source']):\n"
           "            exec(''.join(cell['source']))\n"
           "except Exception:\n"
           "    pass\n",
           files={"answers.ipynb": "@link:COURSE/source/calculus/q10_chain_rule_power.ipynb",
                  "grades.db": "@link:COURSE/gradebook.db"}),
    # -- damage ------------------------------------------------------------------------------------
    Attack("gradebook-update", "damage",
           "import sqlite3\n"
           "for path in ['../../../gradebook.db', 'COURSE/gradebook.db']:\n"
           "    try:\n"
           "        db = sqlite3.connect(path)\n"
           "        db.execute('update grade set auto_score = 0')\n"
           "        db.execute('update grade set manual_score = 300')\n"
           "        db.commit()\n"
           "    except Exception:\n"
           "        pass\n"),
    Attack("detached-process-edits-later", "damage", _DAEMON),
    Attack("other-student-files-replaced", "damage",
           "import glob\n"
           "for pattern in ['../../VICTIM/calculus/*.ipynb', 'COURSE/submitted/VICTIM/calculus/*',"
           " 'COURSE/autograded/VICTIM/calculus/*']:\n"
           "    for path in glob.glob(pattern):\n"
           "        try:\n"
           "            open(path, 'w').write('{}')\n"
           "        except OSError:\n"
           "            pass\n"),
    Attack("source-and-release-edited", "damage",
           "import glob\n"
           "for path in glob.glob('COURSE/source/calculus/*') + glob.glob('COURSE/release/"
           "calculus/*') + ['COURSE/nbgrader_config.py']:\n"
           "    try:\n"
           "        open(path, 'a').write('tampered')\n"
           "    except OSError:\n"
           "        pass\n"),
    Attack("installed-checker-edited", "damage",
           "import calcrl_checks, calcrl_checks.cells.notebook as nb, os, site, sys\n"
           "for path in [nb.__file__, calcrl_checks.__file__]:\n"
           "    try:\n"
           "        open(path, 'a').write('\\ngrade = lambda *a, **k: None\\n')\n"
           "    except OSError:\n"
           "        pass\n"
           "for folder in site.getsitepackages() + [os.path.dirname(calcrl_checks.__file__)]:\n"
           "    try:\n"
           "        open(os.path.join(folder, 'zz_calcrl_attack.pth'), 'w').write('import os')\n"
           "    except OSError:\n"
           "        pass\n"),
    Attack("signals-to-everyone", "damage",
           "import os, signal\n"
           "for target in (-1, 0, os.getppid(), 1, 2):\n"
           "    try:\n"
           "        os.kill(target, signal.SIGKILL) if target != 0 else None\n"
           "    except OSError:\n"
           "        pass\n"),
    Attack("leaves-files-for-later-students", "damage",
           "import os, tempfile\n"
           "for folder in ['/tmp', '/dev/shm', os.path.expanduser('~'), os.getcwd(), '/',\n"
           "               tempfile.gettempdir(), '/var/tmp', '/run']:\n"
           "    try:\n"
           "        with open(os.path.join(folder, 'calcrl-drop'), 'w') as drop:\n"
           "            drop.write(repr(6 * (2 * x + 1) ** 2))\n"
           "    except OSError:\n"
           "        pass\n"),
    Attack("looks-for-files-left-earlier", "read secrets",
           cells={"q10-df": "import glob, sympy\n"
                            "found = glob.glob('/**/calcrl-drop', recursive=True)\n"
                            "df = sympy.sympify(open(found[0]).read()) if found else "
                            "6 * (2 * x + 1)\n",
                  "q10-df-at-0": "df_at_0 = 6 if found else 5\n"}),
    # -- tampered nbgrader cell metadata ----------------------------------------------------------
    Attack("test-cells-ungraded", "tampered metadata", edit=_ungrade_test_cells),
    Attack("answer-claims-test-cell-id", "tampered metadata", edit=_answer_claims_test_id),
    Attack("bonus-test-cell-added", "tampered metadata", edit=_bonus_cell),
    Attack("hidden-tests-rewritten", "tampered metadata", edit=_hidden_tests_rewritten),
    Attack("test-cells-made-markdown", "tampered metadata", edit=_test_cells_as_markdown),
    Attack("points-raised", "tampered metadata", edit=_points_raised),
    # -- resource abuse ---------------------------------------------------------------------------
    Attack("memory-bomb", "resource abuse",
           "import os, numpy as np\n"
           "blocks = []\n"
           "for _ in range(4):\n"
           "    if os.fork() == 0:\n"
           "        try:\n"
           "            a = np.ones(1800 * 2**20, dtype=np.uint8)\n"
           "        finally:\n"
           "            os._exit(0)\n"
           "try:\n"
           "    blocks.append(np.ones(6 * 2**30, dtype=np.uint8))\n"
           "except MemoryError:\n"
           "    pass\n"),
    Attack("fork-bomb", "resource abuse",
           "import os, time\n"
           "for _ in range(500):\n"
           "    try:\n"
           "        if os.fork() == 0:\n"
           "            time.sleep(60)\n"
           "            os._exit(0)\n"
           "    except OSError:\n"
           "        break\n"),
    Attack("output-flood", "resource abuse",
           "import sys\nchunk = 'x' * (1 << 20)\n"
           "for _ in range(1024):\n"
           "    sys.stdout.write(chunk)\n"),
    Attack("sleeps", "resource abuse", "import time\ntime.sleep(600)\n"),
    Attack("ignores-interrupts", "resource abuse",
           "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"),
    Attack("disk-filler", "resource abuse",
           "try:\n"
           "    with open('big.bin', 'wb') as handle:\n"
           "        for _ in range(10 * 1024):\n"
           "            handle.write(b'0' * (1 << 20))\n"
           "except OSError:\n"
           "    pass\n"),
    Attack("reply-names-one-buffer-many-times", "resource abuse", SHARED_BUFFER),
]
