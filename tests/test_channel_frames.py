"""A frame whose whole message is one buffer reference is refused as not a JSON object.

``Channel.receive`` promises a dict: the trusted side reads a reply with ``"id" in reply`` and
``reply.get``. Before, a patched sandbox could send ``{"__buffer__": 0}`` as the whole message
and hand the grader ``bytes``, which fails there with a TypeError instead of a ChannelError.
"""
from __future__ import annotations

import json
import socket
import struct

import pytest

from calcrl_checks.crossing.channel import Channel, ChannelError

pytestmark = pytest.mark.unit


def _frame(message: dict, buffers: list[bytes]) -> bytes:
    """A frame as a hostile sender would build it: any JSON, any buffer references."""
    text = json.dumps(message, separators=(",", ":")).encode()
    return b"".join([struct.pack("!II", len(text), len(buffers)),
                     *(struct.pack("!Q", len(b)) for b in buffers), text, *buffers])


def test_a_message_that_is_only_a_buffer_reference_is_a_channel_error():
    here, there = socket.socketpair()
    there.sendall(_frame({"__buffer__": 0}, [b"startup_error"]))
    with pytest.raises(ChannelError, match="must be a JSON object"):
        Channel(here).receive(deadline=None)


def test_a_buffer_reference_inside_a_message_still_decodes_to_its_bytes():
    here, there = socket.socketpair()
    there.sendall(_frame({"data": {"__buffer__": 0}}, [b"\x00\x01"]))
    assert Channel(here).receive(deadline=None) == {"data": b"\x00\x01"}
