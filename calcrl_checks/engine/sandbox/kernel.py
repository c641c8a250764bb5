"""Run notebook cells the way a Jupyter kernel does, recording nbformat outputs (sandbox side).

An IPython ``InteractiveShell`` runs each cell (magics, ``display``, inline matplotlib figures,
the last expression as an ``execute_result``, IPython's tracebacks); what a kernel would send
to the front end is recorded as nbformat output dicts instead. Outputs of one cell are capped
at ``output_bytes``: past the cap text and images are dropped and one note says so.
"""
from __future__ import annotations

import io
import sys
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config


class Recorder:
    """The outputs of the cell being run, in nbformat's shape, with a size cap."""

    def __init__(self, limit: int):
        self.limit = limit
        self.outputs: list[dict[str, Any]] = []
        self.used = 0
        self.truncated = False

    def reset(self, limit: int) -> None:
        self.limit = limit
        self.outputs = []
        self.used = 0
        self.truncated = False

    def _room(self, size: int) -> bool:
        if self.used + size > self.limit:
            if not self.truncated:
                self.truncated = True
                self.outputs.append({"output_type": "stream", "name": "stdout",
                                     "text": f"\n[output truncated: this cell printed more than "
                                             f"{self.limit // 1024} KiB]\n"})
            return False
        self.used += size
        return True

    def stream(self, name: str, text: str) -> None:
        if not text or not self._room(len(text)):
            return
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def display(self, data: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        if self._room(_size(data)):
            self.outputs.append({"output_type": "display_data", "data": dict(data),
                                 "metadata": dict(metadata or {})})

    def result(self, data: dict[str, Any], metadata: dict[str, Any] | None, count: int) -> None:
        if self._room(_size(data)):
            self.outputs.append({"output_type": "execute_result", "data": dict(data),
                                 "metadata": dict(metadata or {}), "execution_count": count})

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        size = sum(len(line) for line in traceback) + len(evalue)
        if size > self.limit:
            traceback = traceback[:3] + ["... (traceback shortened)"] + traceback[-3:]
        self.outputs.append({"output_type": "error", "ename": ename, "evalue": evalue[:10000],
                             "traceback": [line[:10000] for line in traceback]})

    def clear(self) -> None:
        self.outputs = []
        self.used = 0


def _size(data: dict[str, Any]) -> int:
    return sum(len(value) if isinstance(value, str) else len(repr(value))
               for value in data.values())


class _Stream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` of the cell: text goes to the recorder."""

    def __init__(self, recorder: Recorder, name: str):
        self._recorder = recorder
        self.name = name

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._recorder.stream(self.name, text)
        return len(text)


class _Publisher(DisplayPublisher):
    recorder: Recorder

    def publish(self, data: dict[str, Any], metadata: dict[str, Any] | None = None,
                source: str | None = None, *, transient: dict[str, Any] | None = None,
                update: bool = False, **kwargs: Any) -> None:
        self.recorder.display(data, metadata)

    def clear_output(self, wait: bool = False) -> None:
        self.recorder.clear()


class _ResultHook(DisplayHook):
    recorder: Recorder

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict: dict[str, Any],
                          md_dict: dict[str, Any] | None = None) -> None:
        self.recorder.result(format_dict, md_dict, self.prompt_count)

    def finish_displayhook(self) -> None:
        pass


class _Shell(InteractiveShell):
    recorder: Recorder

    def _showtraceback(self, etype: type[BaseException], evalue: BaseException,
                       stb: list[str]) -> None:
        self.recorder.error(etype.__name__, str(evalue), list(stb))

    def enable_gui(self, gui: str | None = None) -> None:
        """No GUI event loop here: figures are drawn inline (``gui`` is None for inline)."""


class Kernel:
    """One notebook's interpreter: ``run(source)`` returns that cell's outputs, and leaves
    ``sys.stdout`` and ``sys.stderr`` as the process's own streams (``sys.__stdout__``), so
    whatever a cell did to them does not outlive it.

    >>> import sys
    >>> kernel, shown_here = Kernel(), sys.stdout
    >>> outputs = kernel.run("print('hi'); 1 + 1")
    >>> sys.stdout, after_the_cell = shown_here, sys.stdout
    >>> after_the_cell is sys.__stdout__
    True
    >>> outputs
    [{'output_type': 'stream', 'name': 'stdout', 'text': 'hi\\n'}, {'output_type': \
'execute_result', 'data': {'text/plain': '2'}, 'metadata': {}, 'execution_count': 1}]
    """

    def __init__(self, output_bytes: int = 1 << 20):
        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "linux"
        config.InteractiveShell.xmode = "Context"
        self.recorder = Recorder(output_bytes)
        # IPython builds its publisher and display hook from these classes itself; one kernel
        # lives in each notebook process, so the classes carry its recorder.
        _Publisher.recorder = self.recorder
        _ResultHook.recorder = self.recorder
        _Shell.recorder = self.recorder
        self.shell = _Shell.instance(config=config, display_pub_class=_Publisher,
                                     displayhook_class=_ResultHook)
        self._streams = (_Stream(self.recorder, "stdout"), _Stream(self.recorder, "stderr"))
        self._matplotlib_ready = False

    def enable_inline_figures(self) -> None:
        """Figures are shown inline, as ``%matplotlib inline`` does in a kernel."""
        if not self._matplotlib_ready:
            self.shell.enable_matplotlib("inline")
            self._matplotlib_ready = True

    @property
    def namespace(self) -> dict[str, Any]:
        names: dict[str, Any] = self.shell.user_ns  # IPython is untyped: say what user_ns is
        return names

    def run(self, source: str, output_bytes: int | None = None) -> list[dict[str, Any]]:
        self.recorder.reset(output_bytes or self.recorder.limit)
        sys.stdout, sys.stderr = self._streams
        try:
            self.shell.run_cell(source, store_history=True)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        return self.recorder.outputs
