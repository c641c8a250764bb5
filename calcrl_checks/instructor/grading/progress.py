"""A one-line progress bar with an ETA (plain lines when stderr is not a terminal)."""
from __future__ import annotations

import sys
import time


class Progress:
    """Report ``done`` of ``total`` units of work with elapsed time and a simple ETA."""

    def __init__(self, total: int, label: str, stream=None, width: int = 28):
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0
        self.started = time.monotonic()
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()

    def advance(self, note: str = "") -> None:
        self.done += 1
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        filled = int(self.width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        line = (f"[{bar}] {self.done}/{self.total} {self.label} · {_clock(elapsed)} elapsed · "
                f"ETA {_clock(eta)}" + (f" · {note}" if note else ""))
        if self.live:
            end = "\n" if self.done == self.total else ""
            self.stream.write("\r\x1b[2K" + line + end)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes}:{seconds:02d}"
