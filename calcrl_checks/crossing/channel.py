"""Framed messages over a socket: JSON plus raw byte buffers, size-capped, with deadlines.

Both ends of the sandbox boundary use this. A frame is a header (JSON length, buffer count),
the buffer lengths, the JSON text and the buffers. ``bytes`` anywhere in a message travel as
buffers, so arrays cross without base64. The receiving end trusts nothing: a frame over the size
cap, bad JSON or a buffer reference out of range is a :class:`ChannelError`.

Sizes are counted as the message will be used, not as it travels: a hostile sender can name one
buffer many times, and every array decoded from it is a copy of its own. So each reference counts
the buffer's full length, and a frame whose references add up to more than its size cap is
refused (:class:`FrameTooLarge`) before any buffer is copied out of it. A sender of ours never
names a buffer twice, so what it sends decodes to exactly what it sent. A refused frame is let go
of at once, and the stream ends there (:class:`FrameRefused`, raised again by every later read).

On the trusted side a check's time budget is a ``SIGALRM`` that may fire while we wait for a
reply. Waiting is interruptible, but reading and writing bytes happen with ``SIGALRM`` blocked,
so an interruption never loses part of a frame: the next read continues where this one stopped.

>>> import socket
>>> a, b = socket.socketpair()
>>> Channel(a).send({"op": "ping", "data": b"\\x00\\x01"})
>>> Channel(b).receive(deadline=None)
{'op': 'ping', 'data': b'\\x00\\x01'}
"""
from __future__ import annotations

import contextlib
import json
import select
import signal
import socket
import struct
import threading
import time
from collections.abc import Iterator
from typing import Any
from calcrl_checks.outcome.errors import CalcrlError

_HEADER = struct.Struct("!II")
_LENGTH = struct.Struct("!Q")
#: Largest frame accepted by default (answers, outputs and files included).
MAX_FRAME = 256 * 1024 * 1024
_MAX_JSON = 64 * 1024 * 1024
_MAX_BUFFERS = 100_000
_BUFFER_KEY = "__buffer__"


class ChannelError(CalcrlError):
    """The other end sent something that is not a valid frame, or went away."""


class ChannelTimeout(ChannelError):
    """No complete frame arrived before the deadline."""


class FrameRefused(ChannelError):
    """A frame the receiver will not hold: it is let go of unread, and the stream ends there."""


class FrameTooLarge(FrameRefused):
    """A frame is over the size cap, as sent or as its buffer references decode."""

    def __init__(self, size: int, limit: int, what: str = "frame of"):
        super().__init__(f"{what} {size} bytes exceeds the {limit}-byte limit")
        self.size = size
        self.limit = limit


class Channel:
    """One end of a framed, size-capped message stream over a connected socket."""

    def __init__(self, sock: socket.socket, max_frame: int = MAX_FRAME):
        self.sock = sock
        self.max_frame = max_frame
        self._pending = bytearray()
        #: why the stream cannot be read on (a refused frame was dropped unread), once it is so
        self._broken: FrameRefused | None = None
        sock.setblocking(False)

    def fileno(self) -> int:
        return self.sock.fileno()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()

    # -- sending ----------------------------------------------------------------------------
    def send(self, message: dict[str, Any], timeout: float = 60.0) -> None:
        """Send one message; raise :class:`ChannelError` if the peer does not take it in time."""
        buffers: list[bytes] = []
        text = json.dumps(_extract(message, buffers), separators=(",", ":")).encode()
        parts = [_HEADER.pack(len(text), len(buffers)),
                 *(_LENGTH.pack(len(b)) for b in buffers), text, *buffers]
        frame = b"".join(parts)
        if len(frame) > self.max_frame:
            raise FrameTooLarge(len(frame), self.max_frame, "message of")
        deadline = time.monotonic() + timeout
        view = memoryview(frame)
        with _alarm_blocked():
            while view:
                try:
                    sent = self.sock.send(view)
                except (BlockingIOError, InterruptedError):
                    _wait(self.sock, "w", deadline)
                    continue
                except OSError as error:
                    raise ChannelError(f"the other end is gone ({error})") from None
                view = view[sent:]

    # -- receiving --------------------------------------------------------------------------
    def receive(self, deadline: float | None) -> dict[str, Any]:
        """The next message; ``deadline`` is a ``time.monotonic()`` value or None (wait)."""
        while True:
            if self._broken is not None:
                raise self._broken
            try:
                message = self._parse()
            except FrameRefused as refused:
                self._drop(refused)
                raise
            except MemoryError:  # past this process's own limit (``memory.py``)
                unheld = FrameRefused("a frame did not fit in the receiver's memory limit")
                self._drop(unheld)
                raise unheld from None
            if message is not None:
                return message
            with _alarm_blocked():  # bytes read are kept before a timer signal can act
                try:
                    chunk = self.sock.recv(1 << 20)
                except (BlockingIOError, InterruptedError):
                    chunk = None
                except OSError as error:
                    raise ChannelError(f"the other end is gone ({error})") from None
                if chunk is not None:
                    if not chunk:
                        raise ChannelError("the other end closed the connection")
                    self._pending += chunk
                    if len(self._pending) > self.max_frame + _HEADER.size:
                        overflow = FrameTooLarge(len(self._pending), self.max_frame)
                        self._drop(overflow)
                        raise overflow
            if chunk is None:
                _wait(self.sock, "r", deadline)

    def _drop(self, refused: FrameRefused) -> None:
        """Let go of a refused frame's bytes now; the stream cannot be read past it."""
        self._pending = bytearray()
        self._broken = refused

    def _parse(self) -> dict[str, Any] | None:
        data = self._pending
        if len(data) < _HEADER.size:
            return None
        json_length, count = _HEADER.unpack_from(data)
        if json_length > _MAX_JSON or count > _MAX_BUFFERS:
            raise ChannelError("malformed frame header")
        lengths_end = _HEADER.size + count * _LENGTH.size
        if len(data) < lengths_end:
            return None
        lengths = [_LENGTH.unpack_from(data, _HEADER.size + i * _LENGTH.size)[0]
                   for i in range(count)]
        total = lengths_end + json_length + sum(lengths)
        if total > self.max_frame:
            raise FrameTooLarge(total, self.max_frame)
        if len(data) < total:
            return None
        start = lengths_end + json_length
        with memoryview(data) as view:  # slices of a view copy once, slices of data twice
            try:
                message = json.loads(bytes(view[lengths_end:start]))
                if not isinstance(message, dict):
                    raise ChannelError("a message must be a JSON object")
                decoded = decoded_bytes(message, lengths, self.max_frame)
                if decoded > self.max_frame:
                    raise FrameTooLarge(decoded, self.max_frame,
                                        "frame whose buffers decode to at least")
            except (ValueError, UnicodeDecodeError, RecursionError) as error:
                raise ChannelError(f"malformed message ({type(error).__name__})") from None
            buffers = []
            for length in lengths:
                buffers.append(bytes(view[start:start + length]))
                start += length
        del data[:total]
        try:
            restored = _restore(message, buffers)
        except RecursionError:
            raise ChannelError("malformed message (RecursionError)") from None
        if not isinstance(restored, dict):  # the whole message was one buffer reference
            raise ChannelError("a message must be a JSON object")
        return restored


def decoded_bytes(message: Any, lengths: list[int], limit: int | None = None) -> int:
    """Bytes the buffer references of a parsed frame stand for, each counted every time it
    is used (so one buffer named twice counts twice); stops counting once past ``limit``.

    >>> decoded_bytes({"a": {"__buffer__": 0}, "b": [{"__buffer__": 0}, {"__buffer__": 1}]},
    ...               [10, 3])
    23

    Raises :class:`ChannelError` for a reference to a buffer the frame does not have.
    """
    total = 0
    stack = [message]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if set(value) == {_BUFFER_KEY}:
                index = value[_BUFFER_KEY]
                if type(index) is not int or not 0 <= index < len(lengths):
                    raise ChannelError("buffer reference out of range")
                total += lengths[index]
                if limit is not None and total > limit:
                    return total
            else:
                stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return total


def _extract(value: Any, buffers: list[bytes]) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        buffers.append(bytes(value))
        return {_BUFFER_KEY: len(buffers) - 1}
    if isinstance(value, dict):
        return {str(k): _extract(v, buffers) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_extract(v, buffers) for v in value]
    return value


def _restore(value: Any, buffers: list[bytes]) -> Any:
    if isinstance(value, dict):
        if set(value) == {_BUFFER_KEY}:
            index = value[_BUFFER_KEY]
            if not isinstance(index, int) or not 0 <= index < len(buffers):
                raise ChannelError("buffer reference out of range")
            return buffers[index]
        return {k: _restore(v, buffers) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v, buffers) for v in value]
    return value


def _wait(sock: socket.socket, mode: str, deadline: float | None) -> None:
    """Block until ``sock`` is readable/writable; interruptible by a check's timer signal."""
    while True:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise ChannelTimeout("no reply in time")
        readable, writable, _ = select.select([sock] if mode == "r" else [],
                                              [sock] if mode == "w" else [], [],
                                              None if remaining is None else min(remaining, 1.0))
        if readable or writable:
            return


@contextlib.contextmanager
def _alarm_blocked() -> Iterator[None]:
    """Hold ``SIGALRM`` back while bytes move, so a budget never cuts a frame in half."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
